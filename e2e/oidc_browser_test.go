package e2e

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lede-news/lede/internal/reader/oidctest"
)

// A reader on an article signs in through an OpenID Connect provider (a real
// one, running in this test process, configured in the binary by
// LEDE_OAUTH_* variables) and lands back on the article, signed in.
func TestOIDCSignInInBrowser(t *testing.T) {
	op, err := oidctest.Listen()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { op.Close() })
	t.Setenv("LEDE_OAUTH_SPUTNIK_CLIENT_ID", oidctest.ClientID)
	t.Setenv("LEDE_OAUTH_SPUTNIK_CLIENT_SECRET", oidctest.ClientSecret)
	t.Setenv("LEDE_OAUTH_SPUTNIK_ISSUER", op.URL)
	ctx := newBrowser(t, desktopUA)
	s := start(t, "", "--comments", "first-held=0")
	err = op.Serve([]string{s.URL + "/oauth/sputnik/callback"},
		oidctest.User{ID: "sp-1", Username: "vera", Password: "pw", First: "Véra", Last: "Fiée", Email: "vera@example.org", EmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	_, list := get(t, s.URL+"/fr/defense", readerUA)
	m := regexp.MustCompile(`href="(/fr/defense/[a-z0-9-]+)"`).FindStringSubmatch(list)
	if m == nil {
		t.Fatal("no article in /fr/defense")
	}
	article := m[1]

	run(t, ctx, chromedp.Navigate(s.URL+"/fr/account/signin?next="+url.QueryEscape(article)))
	if label := run(t, ctx, chromedp.Text(chromedp.CSS(`a.reader-provider-sputnik`))); label != "Commenter via Sputnik" {
		t.Fatalf("button label %q", label)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS(`a.reader-provider-sputnik`)))
	run(t, ctx, chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "vera"),
		chromedp.SendKeys(chromedp.CSS("#password"), "pw"),
		chromedp.Click(chromedp.CSS("#submit")),
	))
	wait, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	for {
		loc, err := chromedp.Run(wait, chromedp.Location())
		if err != nil {
			t.Fatalf("never back on the article: %v", err)
		}
		if loc == s.URL+article {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS(`h1`)))
	raw := run(t, ctx, chromedp.Evaluate[string](`fetch("/fr/account/me.json").then(r => r.text())`, chromedp.EvalAwaitPromise))
	var me readerMe
	if err := json.Unmarshal([]byte(raw), &me); err != nil {
		t.Fatalf("me.json %q: %v", raw, err)
	}
	if !me.SignedIn || !me.Verified || me.Name != "Véra Fiée" {
		t.Fatalf("me after the provider: %+v", me)
	}
	// Véra comments at once: the provider verified her address; she accepts
	// the code of conduct beside the form.
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS(".comments > form.comment-form")))
	run(t, ctx, chromedp.Click(chromedp.CSS(".comments > form.comment-form .comment-conduct input[type=checkbox]")))
	run(t, ctx, chromedp.SendKeys(chromedp.CSS(".comments > form.comment-form textarea"), "Merci pour ce *compte rendu*"))
	run(t, ctx, chromedp.Click(chromedp.CSS(".comments > form.comment-form button[type=submit]")))
	run(t, ctx, chromedp.Poll[bool](`[...document.querySelectorAll(".comment-list > li")].some(li => li.textContent.includes("Véra Fiée") && li.innerHTML.includes("<em>compte rendu</em>"))`, every))
	var author, status string
	openDB(t, s).QueryRow(context.Background(), `SELECT author_name, status FROM comments WHERE body = ?`, "Merci pour ce *compte rendu*").Scan(&author, &status)
	if author != "Véra Fiée" || status != "approved" {
		t.Fatalf("stored comment by %q, %q", author, status)
	}
	// The settings page says who is signed in, and with which provider.
	run(t, ctx, chromedp.Navigate(s.URL+"/fr/account/settings"))
	if who := run(t, ctx, chromedp.Text(chromedp.CSS(`.reader-who`))); who != "Connecté en tant que vera@example.org." {
		t.Fatalf("settings: %q", who)
	}
}
