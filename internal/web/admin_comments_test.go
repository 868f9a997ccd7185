package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/comment"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

// modSite is the newsroom test site with a reader and comments inserted
// directly in the database (the reader and comment flows have their own
// tests; these are about the moderation pages).
type modSite struct {
	*newsroomSite
	article, reader, other int64
}

func newModSite(t *testing.T, d *db.DB) *modSite {
	t.Helper()
	s := &modSite{newsroomSite: newNewsroomSite(t, d)}
	ctx := context.Background()
	if err := d.QueryRow(ctx, `SELECT id FROM articles WHERE status = 'published' ORDER BY id LIMIT 1`).Scan(&s.article); err != nil {
		t.Fatal(err)
	}
	now := time.Now().Unix()
	err := d.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if s.reader, err = tx.InsertID(ctx, `INSERT INTO readers (email, name, verified_at, conduct_at, created_at) VALUES ('zoe@example.com', 'Zoé', ?, ?, ?)`, now, now, now); err != nil {
			return err
		}
		s.other, err = tx.InsertID(ctx, `INSERT INTO readers (email, name, verified_at, conduct_at, created_at) VALUES ('yves@example.com', 'Yves', ?, ?, ?)`, now, now, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *modSite) comment(t *testing.T, body, status, held string) int64 {
	t.Helper()
	var id int64
	err := s.d.InTx(context.Background(), func(tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(context.Background(), `INSERT INTO comments (article_id, reader_id, author_name, body, status, held_reason, created_at)
			VALUES (?, ?, 'Zoé', ?, ?, ?, ?)`, s.article, s.reader, body, status, held, time.Now().Unix())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (s *modSite) status(t *testing.T, id int64) (status string, hidden bool, body string) {
	t.Helper()
	if err := s.d.QueryRow(context.Background(), `SELECT status, hidden, body FROM comments WHERE id = ?`, id).Scan(&status, &hidden, &body); err != nil {
		t.Fatal(err)
	}
	return
}

func (s *modSite) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.d.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (s *modSite) audits(t *testing.T, action string) int {
	return s.count(t, `SELECT count(*) FROM audit_log WHERE action = ?`, action)
}

func TestModerationQueuePage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		s := newModSite(t, d)
		held := s.comment(t, "Un *avis* <script>alert(1)</script>", "pending", "premoderation")
		flagged := s.comment(t, "Texte signalé", "approved", "")
		d.Exec(context.Background(), `INSERT INTO comment_flags (comment_id, reader_id, reason, created_at) VALUES (?, ?, 'abuse', 1)`, flagged, s.other)
		d.Exec(context.Background(), `UPDATE comments SET hidden = TRUE, flags = 1 WHERE id = ?`, flagged)

		editor := s.signIn(t, account.RoleEditor)
		w := editor.do("GET", "/admin/comments", nil)
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("queue: %d %s", w.Code, body)
		}
		for _, want := range []string{`id="c` + itoa(held) + `"`, `id="c` + itoa(flagged) + `"`, "held: premoderation", "hidden by flags",
			"abuse (1)", "Author: 2 comments", `<em>avis</em>`, `data-key="a"`, `data-key="d"`, `<kbd>j</kbd>`,
			`href="/admin/comments">Comments <span class="badge" id="queue-count">2</span>`, "admin-comments.js"} {
			if !strings.Contains(body, want) {
				t.Fatalf("queue page lacks %q", want)
			}
		}
		if strings.Contains(body, "<script>alert(1)") {
			t.Fatal("a comment's markup reached the queue unescaped")
		}
		if w := editor.do("GET", "/admin/comments?view=spam&edition=en", nil); w.Code != http.StatusOK || strings.Contains(w.Body.String(), `class="mod-item`) {
			t.Fatalf("spam view: %d", w.Code)
		}
		for _, bad := range []string{"?view=bogus", "?edition=xx", "?before=-1"} {
			if w := editor.do("GET", "/admin/comments"+bad, nil); w.Code != http.StatusBadRequest {
				t.Fatalf("%s: %d", bad, w.Code)
			}
		}

		// Contributors and authors do not moderate.
		for _, role := range []account.Role{account.RoleContributor, account.RoleAuthor} {
			c := s.signIn(t, role)
			if w := c.do("GET", "/admin/comments", nil); w.Code != http.StatusForbidden {
				t.Fatalf("%s sees the queue: %d", role, w.Code)
			}
			if w := c.do("GET", "/admin/", nil); strings.Contains(w.Body.String(), `href="/admin/comments"`) {
				t.Fatalf("%s is shown the queue link", role)
			}
			if w := c.do("POST", "/admin/comments/"+itoa(held)+"/approve", url.Values{}); w.Code != http.StatusForbidden {
				t.Fatalf("%s approves: %d", role, w.Code)
			}
			if w := c.do("POST", "/admin/comments/settings", url.Values{"scope": {"article:" + itoa(s.article)}, "mode": {"pre"}}); w.Code != http.StatusForbidden {
				t.Fatalf("%s changes settings: %d", role, w.Code)
			}
			if w := c.do("GET", "/admin/comments/settings", nil); w.Code != http.StatusForbidden {
				t.Fatalf("%s sees settings: %d", role, w.Code)
			}
		}
		if st, _, _ := s.status(t, held); st != "pending" || s.count(t, `SELECT count(*) FROM comment_settings`) != 0 {
			t.Fatal("a refused request changed something")
		}
	})
}

func TestModerationActions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		s := newModSite(t, d)
		admin := s.signIn(t, account.RoleAdmin)
		id := s.comment(t, "Premier jet", "pending", "first")
		back := url.Values{"back": {"view=review&edition=fr"}}
		changes := func() int {
			return s.count(t, `SELECT count(*) FROM changes WHERE tag = ?`, comment.Tag(s.article))
		}

		steps := []struct {
			action, status, audit string
		}{
			{"approve", "approved", "comment.approve"},
			{"reject", "rejected", "comment.reject"},
			{"restore", "approved", "comment.restore"},
			{"spam", "spam", "comment.spam"},
			{"restore", "approved", "comment.restore"},
		}
		for _, st := range steps {
			before := changes()
			w := admin.do("POST", "/admin/comments/"+itoa(id)+"/"+st.action, back)
			if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/admin/comments?") ||
				!strings.Contains(w.Header().Get("Location"), "edition=fr") {
				t.Fatalf("%s: %d %q %s", st.action, w.Code, w.Header().Get("Location"), w.Body)
			}
			if got, _, _ := s.status(t, id); got != st.status {
				t.Fatalf("after %s: %s", st.action, got)
			}
			if changes() != before+1 {
				t.Fatalf("%s did not drop the article page on every node", st.action)
			}
		}
		if s.audits(t, "comment.approve") != 1 || s.audits(t, "comment.restore") != 2 || s.audits(t, "comment.reject") != 1 || s.audits(t, "comment.spam") != 1 {
			t.Fatal("actions missing from the audit log")
		}

		// The keyboard's posts: JSON answers, no redirect.
		w := admin.do("POST", "/admin/comments/"+itoa(id)+"/reject", url.Values{}, "Accept", "application/json")
		var res struct {
			OK           bool
			Done, Status string
			Count        int
		}
		if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil || w.Code != http.StatusOK || !res.OK || res.Status != "rejected" {
			t.Fatalf("JSON reject: %d %s", w.Code, w.Body)
		}

		// Edit: the reader's text is kept.
		w = admin.do("POST", "/admin/comments/"+itoa(id)+"/edit", url.Values{"body": {"Texte modéré"}})
		if _, _, body := s.status(t, id); w.Code != http.StatusSeeOther || body != "Texte modéré" {
			t.Fatalf("edit: %d %q", w.Code, body)
		}
		if s.count(t, `SELECT count(*) FROM comment_edits WHERE comment_id = ? AND body_before = 'Premier jet'`, id) != 1 || s.audits(t, "comment.edit") != 1 {
			t.Fatal("the original text or the audit row is missing")
		}
		admin.do("POST", "/admin/comments/"+itoa(id)+"/revert", url.Values{})
		if _, _, body := s.status(t, id); body != "Premier jet" {
			t.Fatalf("revert: %q", body)
		}

		// Flags: dismiss shows the comment again, uphold rejects it.
		admin.do("POST", "/admin/comments/"+itoa(id)+"/restore", url.Values{})
		d.Exec(context.Background(), `INSERT INTO comment_flags (comment_id, reader_id, reason, created_at) VALUES (?, ?, 'spam', 1)`, id, s.other)
		d.Exec(context.Background(), `UPDATE comments SET hidden = TRUE WHERE id = ?`, id)
		if w := admin.do("POST", "/admin/comments/"+itoa(id)+"/dismiss", url.Values{}); w.Code != http.StatusSeeOther {
			t.Fatalf("dismiss: %d", w.Code)
		}
		if st, hidden, _ := s.status(t, id); st != "approved" || hidden {
			t.Fatalf("after dismiss: %s %t", st, hidden)
		}
		if w := admin.do("POST", "/admin/comments/"+itoa(id)+"/uphold", url.Values{}); w.Code != http.StatusSeeOther {
			t.Fatalf("uphold: %d", w.Code)
		}
		if st, _, _ := s.status(t, id); st != "rejected" || s.audits(t, "comment.flags_dismiss") != 1 || s.audits(t, "comment.flags_uphold") != 1 {
			t.Fatalf("after uphold: %s", st)
		}

		// Ban the author, then lift it.
		w = admin.do("POST", "/admin/comments/"+itoa(id)+"/ban", url.Values{"duration": {"30d"}, "reason": {"Spam répété"}})
		if w.Code != http.StatusSeeOther || s.count(t, `SELECT count(*) FROM comment_bans WHERE reader_id = ? AND until_at > ?`, s.reader, time.Now().Add(29*24*time.Hour).Unix()) != 1 {
			t.Fatalf("ban: %d %s", w.Code, w.Body)
		}
		if w := admin.do("GET", "/admin/comments/settings", nil); !strings.Contains(w.Body.String(), "Spam répété") {
			t.Fatal("the ban is not listed")
		}
		if w := admin.do("POST", "/admin/comments/bans/lift", url.Values{"reader": {itoa(s.reader)}}); w.Code != http.StatusSeeOther {
			t.Fatalf("lift: %d", w.Code)
		}
		if s.count(t, `SELECT count(*) FROM comment_bans WHERE reader_id = ? AND (until_at = 0 OR until_at > ?)`, s.reader, time.Now().Unix()) != 0 ||
			s.audits(t, "comment.ban") != 1 || s.audits(t, "comment.unban") != 1 {
			t.Fatal("lift did not end the ban or was not audited")
		}

		// Flag emails: opt in and out.
		admin.do("POST", "/admin/comments/alerts", url.Values{"alerts": {"1"}})
		if s.count(t, `SELECT count(*) FROM moderation_alerts`) != 1 {
			t.Fatal("alerts not on")
		}
		admin.do("POST", "/admin/comments/alerts", url.Values{"alerts": {"0"}})
		if s.count(t, `SELECT count(*) FROM moderation_alerts`) != 0 {
			t.Fatal("alerts not off")
		}
	})
}

func TestModerationBadInput(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		s := newModSite(t, d)
		editor := s.signIn(t, account.RoleEditor)
		id := s.comment(t, "Texte", "pending", "premoderation")
		audits := func() int { return s.count(t, `SELECT count(*) FROM audit_log WHERE action LIKE 'comment.%'`) }
		before := audits()

		cases := []struct {
			name, path string
			form       url.Values
			code       int
		}{
			{"unknown comment", "/admin/comments/999999/approve", url.Values{}, http.StatusNotFound},
			{"comment id not a number", "/admin/comments/abc/approve", url.Values{}, http.StatusNotFound},
			{"unknown action", "/admin/comments/" + itoa(id) + "/delete", url.Values{}, http.StatusNotFound},
			{"bad duration", "/admin/comments/" + itoa(id) + "/ban", url.Values{"duration": {"2d"}, "reason": {"x"}}, http.StatusUnprocessableEntity},
			{"ban without reason", "/admin/comments/" + itoa(id) + "/ban", url.Values{"duration": {"1d"}, "reason": {" "}}, http.StatusUnprocessableEntity},
			{"empty edit", "/admin/comments/" + itoa(id) + "/edit", url.Values{"body": {"  "}}, http.StatusUnprocessableEntity},
			{"oversized edit", "/admin/comments/" + itoa(id) + "/edit", url.Values{"body": {strings.Repeat("é", 5001)}}, http.StatusUnprocessableEntity},
			{"unknown mode", "/admin/comments/settings", url.Values{"scope": {"article:" + itoa(s.article)}, "mode": {"sometimes"}}, http.StatusUnprocessableEntity},
			{"closing not a number", "/admin/comments/settings", url.Values{"scope": {"article:" + itoa(s.article)}, "close_after_days": {"soon"}}, http.StatusUnprocessableEntity},
			{"unknown scope", "/admin/comments/settings", url.Values{"scope": {"article:999999"}, "mode": {"pre"}}, http.StatusNotFound},
			{"bad filter", "/admin/comments/filters", url.Values{"kind": {"regexp"}, "pattern": {".*"}, "action": {"hold"}}, http.StatusUnprocessableEntity},
			{"unknown filter", "/admin/comments/filters/delete", url.Values{"id": {"4242"}}, http.StatusNotFound},
			{"no ban to lift", "/admin/comments/bans/lift", url.Values{"reader": {itoa(s.reader)}}, http.StatusConflict},
		}
		for _, c := range cases {
			w := editor.do("POST", c.path, c.form)
			if w.Code != c.code {
				t.Fatalf("%s: %d, want %d: %s", c.name, w.Code, c.code, w.Body)
			}
			if !strings.Contains(w.Body.String(), `class="error"`) {
				t.Fatalf("%s: no message shown", c.name)
			}
		}
		// JSON callers get the message as JSON.
		w := editor.do("POST", "/admin/comments/999999/approve", url.Values{}, "Accept", "application/json")
		if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), `"error"`) {
			t.Fatalf("JSON unknown comment: %d %s", w.Code, w.Body)
		}

		// A post from another site is refused before it does anything.
		forged := []struct{ path string }{{"/admin/comments/" + itoa(id) + "/approve"}, {"/admin/comments/" + itoa(id) + "/ban"}, {"/admin/comments/settings"}}
		for _, f := range forged {
			w := editor.do("POST", f.path, url.Values{"duration": {"forever"}, "reason": {"x"}, "scope": {"article:" + itoa(s.article)}, "mode": {"pre"}},
				"Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site")
			if w.Code != http.StatusForbidden {
				t.Fatalf("cross-origin %s: %d", f.path, w.Code)
			}
		}

		if st, _, body := s.status(t, id); st != "pending" || body != "Texte" {
			t.Fatalf("refused requests changed the comment: %s %q", st, body)
		}
		if audits() != before || s.count(t, `SELECT count(*) FROM comment_bans`) != 0 || s.count(t, `SELECT count(*) FROM comment_settings`) != 0 ||
			s.count(t, `SELECT count(*) FROM comment_filters`) != 0 {
			t.Fatal("refused requests changed something")
		}
	})
}

func TestModerationSettingsPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		s := newModSite(t, d)
		editor := s.signIn(t, account.RoleEditor)
		scope := "article:" + itoa(s.article)
		w := editor.do("POST", "/admin/comments/settings", url.Values{"scope": {scope}, "mode": {"pre"}, "close_after_days": {"14"}})
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/comments/settings?article="+itoa(s.article)+"&done=1" {
			t.Fatalf("save: %d %q", w.Code, w.Header().Get("Location"))
		}
		st, err := (&comment.Store{DB: d}).RulesFor(context.Background(), s.article)
		if err != nil || st.Mode != "pre" || st.CloseAfterDays != 14 {
			t.Fatalf("rules now %+v %v", st, err)
		}
		if s.count(t, `SELECT count(*) FROM changes WHERE tag = ?`, comment.Tag(s.article)) == 0 {
			t.Fatal("the article page was not invalidated")
		}
		editor.do("POST", "/admin/comments/settings/closed", url.Values{"scope": {scope}, "closed": {"1"}})
		if open, _ := (&comment.Store{DB: d}).ArticleOpen(context.Background(), s.article); open {
			t.Fatal("closed now, still open")
		}
		editor.do("POST", "/admin/comments/settings/closed", url.Values{"scope": {scope}, "closed": {"0"}})
		if open, _ := (&comment.Store{DB: d}).ArticleOpen(context.Background(), s.article); !open {
			t.Fatal("reopened, still closed")
		}
		// The edition's row, by its own form.
		var ed int64
		d.QueryRow(context.Background(), `SELECT id FROM editions WHERE code = 'en'`).Scan(&ed)
		if w := editor.do("POST", "/admin/comments/settings", url.Values{"scope": {"edition:" + itoa(ed)}, "mode": {"post"}, "close_after_days": {"0"}}); w.Code != http.StatusSeeOther {
			t.Fatalf("edition settings: %d", w.Code)
		}
		w = editor.do("GET", "/admin/comments/settings?article="+itoa(s.article), nil)
		body := w.Body.String()
		if w.Code != http.StatusOK || !strings.Contains(body, `value="`+scope+`"`) || !strings.Contains(body, `value="0"`) /* the fixture article is older than 14 days: reopening it stops closing by age */ ||
			!strings.Contains(body, `<option value="pre" selected>`) {
			t.Fatalf("settings page: %d %s", w.Code, body)
		}
		if w := editor.do("GET", "/admin/comments/settings?article=999999", nil); w.Code != http.StatusNotFound {
			t.Fatalf("unknown article: %d", w.Code)
		}

		// Filters.
		if w := editor.do("POST", "/admin/comments/filters", url.Values{"kind": {"link"}, "pattern": {"https://spam.example/x"}, "action": {"reject"}}); w.Code != http.StatusSeeOther {
			t.Fatalf("add filter: %d %s", w.Code, w.Body)
		}
		if w := editor.do("POST", "/admin/comments/filters", url.Values{"kind": {"link"}, "pattern": {"spam.example"}, "action": {"hold"}}); w.Code != http.StatusConflict {
			t.Fatalf("duplicate filter: %d", w.Code)
		}
		var fid int64
		d.QueryRow(context.Background(), `SELECT id FROM comment_filters WHERE pattern = 'spam.example'`).Scan(&fid)
		if w := editor.do("GET", "/admin/comments/settings", nil); !strings.Contains(w.Body.String(), "<code>spam.example</code>") {
			t.Fatal("filter not listed")
		}
		if w := editor.do("POST", "/admin/comments/filters/delete", url.Values{"id": {itoa(fid)}}); w.Code != http.StatusSeeOther || s.count(t, `SELECT count(*) FROM comment_filters`) != 0 {
			t.Fatalf("delete filter: %d", w.Code)
		}
		if s.audits(t, "comment.settings") != 4 || s.audits(t, "comment.filter_add") != 1 || s.audits(t, "comment.filter_delete") != 1 {
			t.Fatal("settings changes not audited")
		}
	})
}
