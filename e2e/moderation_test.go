package e2e

import (
	"context"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/db"
)

var modArticleRE = regexp.MustCompile(`data-article="(\d+)"`)

// postComment posts with the plain form (accepting the code of conduct on
// the way) and returns the status code and page.
func (rc *readerClient) postComment(article, body string) (int, string) {
	rc.t.Helper()
	resp, page := rc.do("POST", "/fr/comments/new", url.Values{"article": {article}, "body": {body}, "csrf": {rc.me().CSRF}, "conduct": {"1"}})
	return resp.StatusCode, page
}

// waitPage polls the article page until it does (or does not) show text:
// the cache is dropped through the change log, polled every half second.
func waitPage(t *testing.T, s *server, path, text string, shown bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, body := get(t, s.URL+path, readerUA)
		if strings.Contains(body, text) == shown {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %q shown=%t expected %t", path, text, !shown, shown)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A moderator sets an article to pre-moderation; a reader's comment is
// held, approved with the keyboard without a reload, and appears on the
// article page; the moderator bans the reader, whose next comment is
// refused; flags from readers hide a comment until a moderator dismisses
// them. Readers and comments go through the real HTTP flows.
func TestModerationInBrowser(t *testing.T) {
	dir := t.TempDir()
	addUsers(t, dir)
	s := start(t, dir, "--comments", "flags=2")
	path := firstArticle(t, s, "fr")
	_, page := get(t, s.URL+path, readerUA)
	m := modArticleRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no discussion on %s", path)
	}
	article := m[1]
	d, err := db.Open(context.Background(), filepath.Join(dir, "lede.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	status := func(body string) string {
		var st string
		d.QueryRow(context.Background(), `SELECT status FROM comments WHERE body = ?`, body).Scan(&st)
		return st
	}

	// The moderator puts the article under pre-moderation.
	mod, cancel := context.WithTimeout(newBrowser(t, desktopUA+" moderator"), 2*time.Minute) // a missing element fails, not hangs
	defer cancel()
	signIn(t, mod, s.URL, account.RoleEditor)
	run(t, mod, chromedp.Navigate(s.URL+"/admin/comments/settings?article="+article))
	run(t, mod, chromedp.Steps(
		chromedp.SetValue(chromedp.CSS(`#articles .mod-scope select[name=mode]`), "pre"),
		chromedp.Click(chromedp.CSS(`#articles .mod-scope button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.note`)),
	))

	// A reader's first comment is held: not on the page.
	zoe := signUpReader(t, s, "zoe@example.org", "Zoé")
	first := "Premier commentaire de Zoé, en attente."
	if code, body := zoe.postComment(article, first); code >= 400 {
		t.Fatalf("post: %d\n%s", code, body)
	}
	if st := status(first); st != "pending" {
		t.Fatalf("comment is %q, want pending", st)
	}
	waitPage(t, s, path, first, false)

	// The moderator approves it with "a", without a reload.
	run(t, mod, chromedp.Navigate(s.URL+"/admin/comments"))
	run(t, mod, chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(`.mod-item.is-current`)),
		chromedp.Evaluate[chromedp.Void](`window.noReload = true`),
	))
	if text := run(t, mod, chromedp.Text(chromedp.CSS(`.mod-item.is-current .mod-body`))); !strings.Contains(text, first) {
		t.Fatalf("the first item is %q", text)
	}
	if legend := run(t, mod, chromedp.Text(chromedp.CSS(`.mod-keys`))); !strings.Contains(legend, "approve") {
		t.Fatalf("legend %q", legend)
	}
	run(t, mod, chromedp.Steps(chromedp.KeyEvent("a"), chromedp.WaitVisible(chromedp.CSS(`.mod-item.is-done`))))
	if !run(t, mod, chromedp.Evaluate[bool](`window.noReload === true`)) {
		t.Fatal("the page reloaded")
	}
	if st := status(first); st != "approved" {
		t.Fatalf("after the shortcut: %q", st)
	}
	waitPage(t, s, path, first, true)

	// Pre-moderation holds the next one too, for its own reason.
	second := "Deuxième commentaire, injurieux."
	zoe.postComment(article, second)
	var held string
	d.QueryRow(context.Background(), `SELECT held_reason FROM comments WHERE body = ?`, second).Scan(&held)
	if status(second) != "pending" || held != "premoderation" {
		t.Fatalf("second comment %q held for %q", status(second), held)
	}

	// The moderator rejects it with "r" and bans its author with "b".
	run(t, mod, chromedp.Navigate(s.URL+"/admin/comments"))
	run(t, mod, chromedp.WaitVisible(chromedp.CSS(`.mod-item.is-current`)))
	if text := run(t, mod, chromedp.Text(chromedp.CSS(`.mod-item.is-current .mod-body`))); !strings.Contains(text, second) {
		t.Fatalf("the first item is %q", text)
	}
	run(t, mod, chromedp.Steps(chromedp.KeyEvent("r"), chromedp.WaitVisible(chromedp.CSS(`.mod-item.is-done`))))
	run(t, mod, chromedp.Navigate(s.URL+"/admin/comments?view=rejected"))
	run(t, mod, chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(`.mod-item.is-current`)),
		chromedp.KeyEvent("b"),
		chromedp.WaitVisible(chromedp.CSS(`.mod-item.is-current details.mod-ban[open] input[name=reason]`)),
		chromedp.SetValue(chromedp.CSS(`.mod-item.is-current select[name=duration]`), "30d"),
		chromedp.SendKeys(chromedp.CSS(`.mod-item.is-current input[name=reason]`), "Insultes"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`.mod-item.is-done`)),
	))
	if live := run(t, mod, chromedp.Text(chromedp.CSS(`#mod-live`))); !strings.Contains(live, "banned until") {
		t.Fatalf("live region says %q", live)
	}
	third := "Je reviens quand même."
	if code, body := zoe.postComment(article, third); code < 400 || !strings.Contains(body, "Vous ne pouvez plus commenter sur ce site.") || !strings.Contains(body, third) {
		t.Fatalf("a banned reader's comment: %d (the refusal is said and the text handed back)", code)
	}
	if st := status(third); st != "" {
		t.Fatalf("a banned reader's comment was stored as %q", st)
	}

	// Flags from two readers hide the approved comment until a moderator
	// dismisses them.
	var firstID string
	d.QueryRow(context.Background(), `SELECT id FROM comments WHERE body = ?`, first).Scan(&firstID)
	for _, who := range []string{"yann", "ines"} {
		rc := signUpReader(t, s, who+"@example.org", who)
		resp, body := rc.do("POST", "/fr/comments/"+firstID+"/flag", url.Values{"reason": {"abuse"}, "csrf": {rc.me().CSRF}})
		if resp.StatusCode != 200 {
			t.Fatalf("flag by %s: %s\n%s", who, resp.Status, body)
		}
	}
	waitPage(t, s, path, first, false)
	run(t, mod, chromedp.Navigate(s.URL+"/admin/comments?view=flagged"))
	run(t, mod, chromedp.WaitVisible(chromedp.CSS(`.mod-item.is-current.is-hidden`)))
	if flags := run(t, mod, chromedp.Text(chromedp.CSS(`.mod-item.is-current .mod-flags`))); !strings.Contains(flags, "abuse (2)") {
		t.Fatalf("flags shown %q", flags)
	}
	run(t, mod, chromedp.Steps(chromedp.KeyEvent("d"), chromedp.WaitVisible(chromedp.CSS(`.mod-item.is-done`))))
	waitPage(t, s, path, first, true)

	// Every action is in the audit log.
	for _, action := range []string{"comment.settings", "comment.approve", "comment.reject", "comment.ban", "comment.flags_dismiss"} {
		var n int
		d.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = ?`, action).Scan(&n)
		if n != 1 {
			t.Fatalf("%d audit rows for %s", n, action)
		}
	}
}
