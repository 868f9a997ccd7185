package web

import (
	"time"

	"context"
	"github.com/pquerna/otp/totp"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/mail"
	"github.com/lede-news/lede/internal/newsroom"
	"github.com/lede-news/lede/internal/pagecache"
	"github.com/lede-news/lede/internal/publish"
	"github.com/lede-news/lede/internal/testdb"
	"github.com/lede-news/lede/internal/views"
)

type newsroomSite struct {
	h       *Handler
	d       *db.DB
	users   *account.Store
	sec     string // id of the fr defense section
	mailDir string // where development mail is written
}

func newNewsroomSite(t *testing.T, d *db.DB) *newsroomSite {
	t.Helper()
	newTestHandler(t, d) // loads the fixture site
	users := &account.Store{DB: d, Params: account.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	mailDir := t.TempDir()
	mailer, err := mail.New(mail.Config{Dir: mailDir, From: "Lede <lede@lede.test>"})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(context.Background(), Deps{DB: d, Views: views.New(d, log), Cache: pagecache.New(100), BaseURL: "http://lede.test", Log: log,
		Admin: &AdminDeps{Users: users, Sessions: &account.Sessions{DB: d}, Throttle: &account.Throttle{DB: d},
			Newsroom: &newsroom.Newsroom{DB: d, Publisher: &publish.Publisher{}}, Limiter: &account.Limiter{DB: d}, Mail: mailer}})
	if err != nil {
		t.Fatal(err)
	}
	s := &newsroomSite{h: h, d: d, users: users, mailDir: mailDir}
	var sec int64
	d.QueryRow(context.Background(), `SELECT s.id FROM sections s JOIN editions e ON e.id = s.edition_id WHERE e.code = 'fr' AND s.slug = 'defense'`).Scan(&sec)
	s.sec = itoa(sec)
	for _, r := range account.Roles() {
		if _, err := users.Create(context.Background(), account.NewUser{Email: string(r) + "@lede.test", Name: string(r), Role: r, Password: "correct horse battery"}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// client is a signed-in browser: it keeps the session cookie and sends
// same-origin headers like a browser would.
type client struct {
	s      *newsroomSite
	cookie string
}

func (c *client) do(method, path string, form url.Values, hdr ...string) *httptest.ResponseRecorder {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, "http://lede.test"+path, body)
	r.Header.Set("User-Agent", browserUA)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Origin", "http://lede.test")
		r.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	if c.cookie != "" {
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.cookie})
	}
	w := httptest.NewRecorder()
	c.s.h.ServeHTTP(w, r)
	for _, ck := range w.Result().Cookies() {
		if ck.Name == sessionCookie {
			c.cookie = ck.Value
		}
	}
	return w
}

func (s *newsroomSite) signIn(t *testing.T, role account.Role) *client {
	t.Helper()
	c := &client{s: s}
	w := c.do("POST", "/admin/signin", url.Values{"email": {string(role) + "@lede.test"}, "password": {"correct horse battery"}, "next": {"/admin/"}})
	if w.Code != http.StatusSeeOther || c.cookie == "" {
		t.Fatalf("sign in as %s: %d %s", role, w.Code, w.Body)
	}
	return c
}

func (s *newsroomSite) draftForm(headline, action string) url.Values {
	return url.Values{"headline": {headline}, "body": {"Premier paragraphe.\n\n## Suite\n\nTexte."}, "section": {s.sec},
		"authors": {"1"}, "tags": {"Russie, Nouveau sujet"}, "action": {action}, "version": {"0"}}
}

func articleIDFrom(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	loc := w.Header().Get("Location")
	id, _, ok := strings.Cut(strings.TrimPrefix(loc, "/admin/articles/"), "?")
	if w.Code != http.StatusSeeOther || !ok {
		t.Fatalf("save: %d %q %s", w.Code, loc, w.Body)
	}
	return id
}

func TestNewsroomRolesAndWorkflow(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		s := newNewsroomSite(t, d)
		contributor, author, editor := s.signIn(t, account.RoleContributor), s.signIn(t, account.RoleAuthor), s.signIn(t, account.RoleEditor)

		// A contributor writes and submits, and may not publish.
		id := articleIDFrom(t, contributor.do("POST", "/admin/articles/new", s.draftForm("Brouillon du contributeur", "save")))
		form := s.draftForm("Brouillon du contributeur", "publish")
		form.Set("version", "1")
		if w := contributor.do("POST", "/admin/articles/"+id, form); w.Code != http.StatusForbidden {
			t.Fatalf("contributor publishes: %d", w.Code)
		}
		form.Set("action", "submit")
		articleIDFrom(t, contributor.do("POST", "/admin/articles/"+id, form))
		if w := contributor.do("GET", "/admin/", nil); strings.Contains(w.Body.String(), `href="/admin/audit"`) {
			t.Fatal("a contributor is shown the audit log link")
		}
		if w := contributor.do("GET", "/admin/audit", nil); w.Code != http.StatusForbidden {
			t.Fatalf("contributor reads the audit log: %d", w.Code)
		}
		// An author may not touch someone else's article.
		if w := author.do("GET", "/admin/articles/"+id, nil); w.Code != http.StatusForbidden {
			t.Fatalf("author opens another's draft: %d", w.Code)
		}
		// An editor sees it waiting and publishes it.
		if w := editor.do("GET", "/admin/", nil); !strings.Contains(w.Body.String(), "Brouillon du contributeur") {
			t.Fatal("submitted article not on the editor's dashboard")
		}
		form.Set("version", "2")
		form.Set("action", "publish")
		articleIDFrom(t, editor.do("POST", "/admin/articles/"+id, form))
		s.h.Cache.Invalidate("site")
		if w := do(s.h, "GET", "/fr/defense/brouillon-du-contributeur", nil); w.Code != 200 || !strings.Contains(w.Body.String(), "Nouveau sujet") {
			t.Fatalf("published article on the site: %d", w.Code)
		}

		// Two editors on version 3: the second save is refused, its text kept.
		first, second := s.draftForm("Titre de Marie", "save"), s.draftForm("Titre de Paul", "save")
		first.Set("version", "3")
		second.Set("version", "3")
		second.Set("body", "Le texte de Paul, à ne pas perdre.")
		articleIDFrom(t, editor.do("POST", "/admin/articles/"+id, first))
		admin := s.signIn(t, account.RoleAdmin)
		w := admin.do("POST", "/admin/articles/"+id, second)
		if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "Le texte de Paul, à ne pas perdre.") || !strings.Contains(w.Body.String(), "Someone else saved") {
			t.Fatalf("conflicting save: %d", w.Code)
		}
		if w := admin.do("GET", "/admin/articles/"+id+"/revisions", nil); !strings.Contains(w.Body.String(), "compare with current") {
			t.Fatal("revisions page")
		}
		if w := admin.do("GET", "/admin/articles/"+id+"/diff?a=1&b=4", nil); w.Code != 200 || !strings.Contains(w.Body.String(), "<ins>") {
			t.Fatalf("diff: %d", w.Code)
		}
		if w := admin.do("GET", "/admin/audit", nil); !strings.Contains(w.Body.String(), "article.publish") {
			t.Fatal("audit log lacks the publication")
		}
	})
}

func TestNewsroomGuards(t *testing.T) {
	d := testdb.SQLite(t)
	s := newNewsroomSite(t, d)
	anon := &client{s: s}
	if w := anon.do("GET", "/admin/", nil); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/admin/signin") {
		t.Fatalf("anonymous dashboard: %d", w.Code)
	}
	if w := anon.do("POST", "/admin/articles/new", s.draftForm("x", "save")); w.Code != http.StatusUnauthorized {
		t.Fatalf("anonymous save: %d", w.Code)
	}
	editor := s.signIn(t, account.RoleEditor)
	w := editor.do("POST", "/admin/articles/new", s.draftForm("Forgé", "save"), "Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site")
	if w.Code != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d", w.Code)
	}
	var n int
	d.QueryRow(context.Background(), `SELECT count(*) FROM articles WHERE headline = 'Forgé'`).Scan(&n)
	if n != 0 {
		t.Fatal("a cross-site request saved an article")
	}
	w = editor.do("GET", "/admin/", nil)
	if !strings.Contains(w.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'") || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("admin headers: %v", w.Header())
	}
	bad := s.draftForm("", "save")
	bad.Set("body", "")
	if w := editor.do("POST", "/admin/articles/new", bad); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "headline") {
		t.Fatalf("empty article: %d", w.Code)
	}
	sched := s.draftForm("Plus tard", "schedule")
	sched.Set("publish_at", "not a date")
	if w := editor.do("POST", "/admin/articles/new", sched); w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad date: %d", w.Code)
	}
	for i := range 6 {
		w := anon.do("POST", "/admin/signin", url.Values{"email": {"editor@lede.test"}, "password": {"wrong"}})
		if i < 5 && w.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, w.Code)
		}
		if i == 5 && (w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "") {
			t.Fatalf("sixth failure: %d", w.Code)
		}
	}
	if w := editor.do("POST", "/admin/signout", url.Values{}); w.Code != http.StatusSeeOther {
		t.Fatalf("sign out: %d", w.Code)
	}
	if w := editor.do("GET", "/admin/", nil); w.Code != http.StatusSeeOther {
		t.Fatalf("after sign-out: %d", w.Code)
	}
	if safeNext("https://evil.example/") != "/admin/" || safeNext("//evil.example/admin/") != "/admin/" || safeNext("/admin/articles") != "/admin/articles" {
		t.Fatal("safeNext lets a redirect leave the admin")
	}
}

func TestPasswordReset(t *testing.T) {
	d := testdb.SQLite(t)
	s := newNewsroomSite(t, d)
	anon := &client{s: s}
	mails := func() []string {
		entries, _ := os.ReadDir(s.mailDir)
		var out []string
		for _, e := range entries {
			b, _ := os.ReadFile(filepath.Join(s.mailDir, e.Name()))
			out = append(out, string(b))
		}
		return out
	}
	for _, email := range []string{"nobody@lede.test", "author@lede.test"} {
		if w := anon.do("POST", "/admin/reset", url.Values{"email": {email}}); w.Code != 200 || !strings.Contains(w.Body.String(), "If an account uses that address") {
			t.Fatalf("reset request for %s: %d", email, w.Code)
		}
	}
	got := mails()
	if len(got) != 1 || !strings.Contains(got[0], "author@lede.test") {
		t.Fatalf("%d mails, want one to the author", len(got))
	}
	m := regexp.MustCompile(`http://lede\.test(/admin/reset/[A-Za-z0-9_-]+)`).FindStringSubmatch(strings.ReplaceAll(got[0], "=\r\n", ""))
	if m == nil {
		t.Fatalf("no link in %s", got[0])
	}
	if w := anon.do("POST", m[1], url.Values{"password": {"short"}}); w.Code != http.StatusBadRequest {
		t.Fatalf("weak password: %d", w.Code)
	}
	if w := anon.do("POST", m[1], url.Values{"password": {"a much better passphrase"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("reset: %d %s", w.Code, w.Body)
	}
	if w := anon.do("POST", m[1], url.Values{"password": {"another passphrase again"}}); w.Code != http.StatusGone {
		t.Fatalf("reused link: %d", w.Code)
	}
	if w := anon.do("POST", "/admin/signin", url.Values{"email": {"author@lede.test"}, "password": {"a much better passphrase"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("sign in with the new password: %d", w.Code)
	}
	for range 4 {
		anon.do("POST", "/admin/reset", url.Values{"email": {"editor@lede.test"}})
	}
	if n := len(mails()); n != 4 {
		t.Fatalf("%d mails after four requests for one address, want 3 more (rate limited)", n)
	}
}

// Staff turn on a second factor; signing in then needs a code, and a code
// cannot be used twice.
func TestTOTPEnrolmentAndSignIn(t *testing.T) {
	d := testdb.SQLite(t)
	s := newNewsroomSite(t, d)
	editor := s.signIn(t, account.RoleEditor)
	w := editor.do("POST", "/admin/account/totp", url.Values{})
	m := regexp.MustCompile(`Key: <code>([A-Z2-7]+)</code>`).FindStringSubmatch(w.Body.String())
	if w.Code != 200 || m == nil || !strings.Contains(w.Body.String(), "data:image/png;base64,") {
		t.Fatalf("enrolment page: %d", w.Code)
	}
	code := func(at time.Time) string {
		c, err := totp.GenerateCode(m[1], at)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	now := time.Now()
	if w := editor.do("POST", "/admin/account/totp/confirm", url.Values{"code": {"000000"}}); w.Code != http.StatusBadRequest {
		t.Fatalf("wrong code accepted: %d", w.Code)
	}
	m = regexp.MustCompile(`Key: <code>([A-Z2-7]+)</code>`).FindStringSubmatch(editor.do("POST", "/admin/account/totp", url.Values{}).Body.String())
	if w := editor.do("POST", "/admin/account/totp/confirm", url.Values{"code": {code(now)}}); w.Code != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", w.Code, w.Body)
	}
	fresh := &client{s: s}
	w = fresh.do("POST", "/admin/signin", url.Values{"email": {"editor@lede.test"}, "password": {"correct horse battery"}, "next": {"/admin/"}})
	if !strings.HasPrefix(w.Header().Get("Location"), "/admin/signin/code") {
		t.Fatalf("sign-in did not ask for a code: %q", w.Header().Get("Location"))
	}
	if w := fresh.do("GET", "/admin/", nil); w.Code != http.StatusSeeOther {
		t.Fatalf("dashboard before the code: %d", w.Code)
	}
	if w := fresh.do("POST", "/admin/signin/code", url.Values{"code": {code(now)}}); w.Code != http.StatusUnauthorized {
		t.Fatalf("reused code: %d", w.Code)
	}
	if w := fresh.do("POST", "/admin/signin/code", url.Values{"code": {code(now.Add(30 * time.Second))}}); w.Code != http.StatusSeeOther {
		t.Fatalf("next code: %d %s", w.Code, w.Body)
	}
	if w := fresh.do("GET", "/admin/", nil); w.Code != 200 {
		t.Fatalf("dashboard after the code: %d", w.Code)
	}
}

func TestTagAdmin(t *testing.T) {
	d := testdb.SQLite(t)
	s := newNewsroomSite(t, d)
	if w := s.signIn(t, account.RoleAuthor).do("GET", "/admin/tags", nil); w.Code != http.StatusForbidden {
		t.Fatalf("author manages tags: %d", w.Code)
	}
	ed := s.signIn(t, account.RoleEditor)
	var russie, newStart int64
	d.QueryRow(context.Background(), `SELECT id FROM tags WHERE slug = 'russie'`).Scan(&russie)
	d.QueryRow(context.Background(), `SELECT id FROM tags WHERE slug = 'new-start'`).Scan(&newStart)
	if w := ed.do("GET", "/admin/tags?edition=fr", nil); w.Code != 200 || !strings.Contains(w.Body.String(), "Russie (1)") {
		t.Fatalf("tags page: %d", w.Code)
	}
	if w := ed.do("POST", "/admin/tags/update", url.Values{"edition": {"fr"}, "id": {itoa(russie)}, "name": {"Russie (Fédération)"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("rename: %d", w.Code)
	}
	if w := ed.do("POST", "/admin/tags/merge", url.Values{"edition": {"fr"}, "from": {itoa(newStart)}, "into": {itoa(newStart)}}); w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("merge into itself: %d", w.Code)
	}
	if w := ed.do("POST", "/admin/tags/merge", url.Values{"edition": {"fr"}, "from": {itoa(newStart)}, "into": {itoa(russie)}}); w.Code != http.StatusSeeOther {
		t.Fatalf("merge: %d", w.Code)
	}
	s.h.Cache.Invalidate("site")
	if w := do(s.h, "GET", "/fr/tags/new-start", nil); w.Code != 301 || w.Header().Get("Location") != "/fr/tags/russie" {
		t.Fatalf("merged tag URL: %d %s", w.Code, w.Header().Get("Location"))
	}
	if w := do(s.h, "GET", "/fr/tags/new-start/feed.xml", nil); w.Code != 301 || w.Header().Get("Location") != "/fr/tags/russie/feed.xml" {
		t.Fatalf("merged tag's feed: %d %s", w.Code, w.Header().Get("Location"))
	}
	if body := do(s.h, "GET", "/fr/defense/prorogation-new-start", nil).Body.String(); !strings.Contains(body, "Russie (Fédération)") || strings.Contains(body, "Traité de réduction") {
		t.Fatal("article page does not show the merged, renamed tag")
	}
}

func TestSiteAdmin(t *testing.T) {
	d := testdb.SQLite(t)
	s := newNewsroomSite(t, d)
	editor, admin := s.signIn(t, account.RoleEditor), s.signIn(t, account.RoleAdmin)
	if w := s.signIn(t, account.RoleAuthor).do("GET", "/admin/site", nil); w.Code != http.StatusForbidden {
		t.Fatalf("author: %d", w.Code)
	}
	if w := editor.do("POST", "/admin/site/section", url.Values{"edition": {"fr"}, "slug": {"sport"}, "name": {"Sport"}, "position": {"9"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("section: %d %s", w.Code, w.Body)
	}
	if w := editor.do("POST", "/admin/site/section", url.Values{"edition": {"fr"}, "slug": {"jeux"}, "name": {"Jeux"}, "position": {"abc"}}); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "whole number") {
		t.Fatalf("position abc: %d", w.Code)
	}
	if w := do(s.h, "GET", "/fr/jeux", nil); w.Code != http.StatusNotFound {
		t.Fatalf("a refused section was created: %d", w.Code)
	}
	for _, slug := range []string{"tags", "comments", "account"} {
		if w := editor.do("POST", "/admin/site/section", url.Values{"edition": {"fr"}, "slug": {slug}, "name": {"X"}}); w.Code != http.StatusUnprocessableEntity {
			t.Fatalf("reserved section slug %s: %d", slug, w.Code)
		}
	}
	if w := do(s.h, "GET", "/fr/", nil); !strings.Contains(w.Body.String(), `href="/fr/sport"`) {
		t.Fatal("new section not in the menu")
	}
	if w := editor.do("POST", "/admin/site/author", url.Values{"slug": {"nina-roth"}, "name": {"Nina Roth"}, "bio_fr": {"Reporter."}}); w.Code != http.StatusSeeOther {
		t.Fatalf("author: %d", w.Code)
	}
	if w := editor.do("POST", "/admin/site/edition", url.Values{"code": {"de"}, "name": {"Lede"}, "lang": {"de"}, "timezone": {"Europe/Berlin"}}); w.Code != http.StatusForbidden {
		t.Fatalf("editor creates an edition: %d", w.Code)
	}
	if w := admin.do("POST", "/admin/site/edition", url.Values{"code": {"de"}, "name": {"Lede"}, "lang": {"de"}, "timezone": {"Mars/Base"}}); w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad time zone: %d", w.Code)
	}
	if w := admin.do("POST", "/admin/site/edition", url.Values{"code": {"de"}, "name": {"Lede"}, "lang": {"de"}, "timezone": {"Europe/Berlin"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("edition: %d %s", w.Code, w.Body)
	}
	if w := do(s.h, "GET", "/de/", nil); w.Code != 200 {
		t.Fatalf("new edition: %d", w.Code)
	}
	var adminID, editorID int64
	d.QueryRow(context.Background(), `SELECT id FROM users WHERE role = 'admin'`).Scan(&adminID)
	d.QueryRow(context.Background(), `SELECT id FROM users WHERE role = 'editor'`).Scan(&editorID)
	if w := admin.do("POST", "/admin/site/user", url.Values{"id": {itoa(adminID)}, "role": {"editor"}}); w.Code != http.StatusConflict {
		t.Fatalf("demoting the last admin: %d", w.Code)
	}
	if w := admin.do("POST", "/admin/site/user", url.Values{"id": {itoa(editorID)}, "disable": {"1"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("disable: %d", w.Code)
	}
	if w := editor.do("GET", "/admin/", nil); w.Code != http.StatusSeeOther {
		t.Fatalf("a disabled editor still in: %d", w.Code)
	}
}

func TestEditorExtras(t *testing.T) {
	d := testdb.SQLite(t)
	s := newNewsroomSite(t, d)
	ed := s.signIn(t, account.RoleEditor)
	var en, fr2 int64
	d.QueryRow(context.Background(), `SELECT id FROM articles WHERE external_id = 'en-1'`).Scan(&en)
	d.QueryRow(context.Background(), `SELECT id FROM articles WHERE external_id = 'fr-2'`).Scan(&fr2)
	form := s.draftForm("Article aux réglages", "publish")
	form.Set("translation_of", itoa(en))
	form.Set("pins", itoa(fr2))
	form.Set("alias", "reglages")
	form.Set("seo_title", "Titre pour les moteurs")
	id := articleIDFrom(t, ed.do("POST", "/admin/articles/new", form))
	s.h.Cache.Invalidate("site")
	body := do(s.h, "GET", "/fr/defense/article-aux-reglages", nil).Body.String()
	var pinned int64
	d.QueryRow(context.Background(), `SELECT other_id FROM related_overrides WHERE article_id = ? AND kind = 'pin'`, id).Scan(&pinned)
	if pinned != fr2 {
		t.Errorf("pin not stored: %d", pinned)
	}
	for _, want := range []string{"<title>Titre pour les moteurs – Lede</title>", `hreflang="en"`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if w := do(s.h, "GET", "/s/reglages", nil); w.Code != 301 || w.Header().Get("Location") != "/fr/defense/article-aux-reglages" {
		t.Fatalf("alias: %d", w.Code)
	}
	bad := s.draftForm("Autre", "save")
	bad.Set("alias", "reglages")
	if w := ed.do("POST", "/admin/articles/new", bad); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "already used") {
		t.Fatalf("taken alias: %d", w.Code)
	}
	bad.Set("alias", "")
	bad.Set("pins", "abc")
	if w := ed.do("POST", "/admin/articles/new", bad); w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad pins: %d", w.Code)
	}
	if w := ed.do("GET", "/admin/articles/"+id, nil); !strings.Contains(w.Body.String(), `name="pins" value="`+itoa(fr2)+`"`) {
		t.Fatal("editor does not show the pins back")
	}
}
