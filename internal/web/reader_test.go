package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/config"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/mail"
	"github.com/lede-news/lede/internal/pagecache"
	"github.com/lede-news/lede/internal/reader"
	"github.com/lede-news/lede/internal/reader/oidctest"
	"github.com/lede-news/lede/internal/testdb"
	"github.com/lede-news/lede/internal/views"
)

func init() { reader.Params = account.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32} }

// readerSite is the site on a real loopback server (the OIDC provider
// redirects browsers to it) with a test provider configured as "test".
type readerSite struct {
	url     string
	d       *db.DB
	op      *oidctest.Server
	mailDir string
}

func newReaderSite(t *testing.T, d *db.DB) *readerSite {
	t.Helper()
	newTestHandler(t, d) // loads the fixture site
	op, err := oidctest.Listen()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { op.Close() })
	var h *Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	s := &readerSite{url: srv.URL, d: d, op: op, mailDir: t.TempDir()}
	mailer, err := mail.New(mail.Config{Dir: s.mailDir, From: "Lede <lede@lede.test>"})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err = New(context.Background(), Deps{DB: d, Views: views.New(d, log), Cache: pagecache.New(100), BaseURL: srv.URL, Log: log,
		Readers: &ReaderDeps{Mail: mailer, Providers: []config.OAuthProvider{{Name: "test", Label: "Testeur", Kind: "oidc",
			ClientID: oidctest.ClientID, ClientSecret: oidctest.ClientSecret, Issuer: op.URL}}}})
	if err != nil {
		t.Fatal(err)
	}
	err = op.Serve([]string{srv.URL + "/oauth/test/callback"},
		oidctest.User{ID: "u-1", Username: "vera", Password: "pw", First: "Vera", Last: "Fied", Email: "vera@example.org", EmailVerified: true},
		oidctest.User{ID: "u-2", Username: "una", Password: "pw", First: "Una", Last: "Verified", Email: "una@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// browser keeps cookies and stops at every redirect so tests see them.
func (s *readerSite) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

type meJSON struct {
	SignedIn, Verified, ConductAccepted bool
	Name, CSRF                          string
}

func (s *readerSite) me(t *testing.T, c *http.Client) meJSON {
	t.Helper()
	resp, body := get(t, c, s.url+"/fr/account/me.json")
	if resp.Header.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("me.json Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	var m meJSON
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("me.json: %v: %s", err, body)
	}
	return m
}

// startOAuth opens the start URL and returns the provider's authorization URL.
func (s *readerSite) startOAuth(t *testing.T, c *http.Client, next string) string {
	t.Helper()
	resp, _ := get(t, c, s.url+"/fr/account/oauth/test?next="+url.QueryEscape(next))
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, s.op.URL) {
		t.Fatalf("start: %s → %q", resp.Status, loc)
	}
	return loc
}

func (s *readerSite) count(t *testing.T, q string) int {
	t.Helper()
	var n int
	if err := s.d.QueryRow(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestReaderOAuthFlow(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		s := newReaderSite(t, d)
		c := s.browser()

		// The sign-in page offers the provider, with next carried along.
		_, body := get(t, c, s.url+"/fr/account/signin?next=/fr/defense")
		if !strings.Contains(body, "Commenter via Testeur") || !strings.Contains(body, "/fr/account/oauth/test?next=%2Ffr%2Fdefense") {
			t.Fatalf("no provider button on the sign-in page:\n%s", body)
		}

		// Success: back on the page the reader came from, signed in.
		back, err := s.op.SignIn(c, s.startOAuth(t, c, "/fr/defense"), "vera", "pw")
		if err != nil {
			t.Fatal(err)
		}
		resp, _ := get(t, c, back.String())
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/fr/defense" {
			t.Fatalf("callback: %s → %q", resp.Status, resp.Header.Get("Location"))
		}
		if m := s.me(t, c); !m.SignedIn || m.Name != "Vera Fied" || !m.Verified || m.CSRF == "" {
			t.Fatalf("me after sign-in: %+v", m)
		}

		// Replaying the callback (same code, same state) is refused.
		c2 := s.browser()
		resp, body = get(t, c2, back.String())
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "pas été commencée dans ce navigateur") {
			t.Fatalf("replayed callback: %s\n%s", resp.Status, body)
		}
		resp, _ = get(t, c, back.String())
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("replayed callback in the same browser: %s", resp.Status)
		}
		if n := s.count(t, `SELECT count(*) FROM readers`); n != 1 {
			t.Fatalf("%d readers", n)
		}
	})
}

func TestReaderOAuthRefusals(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		s := newReaderSite(t, d)
		ctx := context.Background()

		// Bad state: a forged state is refused, even with the code.
		c := s.browser()
		back, err := s.op.SignIn(c, s.startOAuth(t, c, "/fr/"), "vera", "pw")
		if err != nil {
			t.Fatal(err)
		}
		q := back.Query()
		q.Set("state", q.Get("state")+"x")
		forged := *back
		forged.RawQuery = q.Encode()
		resp, body := get(t, c, forged.String())
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Testeur") {
			t.Fatalf("forged state: %s", resp.Status)
		}

		// Login CSRF: a callback opened in a browser that did not start the
		// flow (the attacker's code sent to a victim) is refused, and the
		// flow is not spent for its own browser.
		c = s.browser()
		back, _ = s.op.SignIn(c, s.startOAuth(t, c, "/fr/"), "vera", "pw")
		if resp, _ := get(t, s.browser(), back.String()); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("callback in another browser: %s", resp.Status)
		}

		// Wrong nonce and wrong PKCE verifier: the flow's secrets are
		// changed server-side between start and callback; the provider's
		// signed ID token and its token endpoint refuse.
		for _, col := range []string{"nonce", "verifier"} {
			c = s.browser()
			authURL := s.startOAuth(t, c, "/fr/")
			if _, err := d.Exec(ctx, `UPDATE reader_oauth_states SET `+col+` = 'tampered-value-of-sufficient-length-0123456789abcdef'`); err != nil {
				t.Fatal(err)
			}
			back, _ = s.op.SignIn(c, authURL, "vera", "pw")
			resp, body = get(t, c, back.String())
			if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Testeur n’a pas confirmé la connexion") {
				t.Fatalf("wrong %s: %s\n%s", col, resp.Status, body)
			}
		}

		// Unverified email at the provider: a clear page, no account.
		c = s.browser()
		back, _ = s.op.SignIn(c, s.startOAuth(t, c, "/fr/"), "una", "pw")
		resp, body = get(t, c, back.String())
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "adresse électronique est vérifiée") {
			t.Fatalf("unverified email: %s\n%s", resp.Status, body)
		}
		if n := s.count(t, `SELECT count(*) FROM readers`); n != 0 {
			t.Fatalf("%d readers after refusals", n)
		}
		if m := s.me(t, c); m.SignedIn {
			t.Fatal("signed in after a refusal")
		}

		// An open redirect in next ends on the edition's home.
		for _, next := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"} {
			c = s.browser()
			back, _ = s.op.SignIn(c, s.startOAuth(t, c, next), "vera", "pw")
			resp, _ = get(t, c, back.String())
			if loc := resp.Header.Get("Location"); loc != "/fr/" {
				t.Fatalf("next %q → %q", next, loc)
			}
		}
		// Unknown provider.
		if resp, _ := get(t, c, s.url+"/fr/account/oauth/nope"); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown provider: %s", resp.Status)
		}
	})
}

var linkRE = regexp.MustCompile(`http://127\.0\.0\.1:\d+/(?:fr|en)/account/(?:verify|link)/[A-Za-z0-9_-]+(?:\?next=[^\s]+)?`)

// lastLink reads the newest mail to address and returns the link in it.
func (s *readerSite) lastLink(t *testing.T, to string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(s.mailDir, "*.eml"))
	for i := len(files) - 1; i >= 0; i-- {
		b, _ := os.ReadFile(files[i])
		msg := strings.ReplaceAll(string(b), "=\r\n", "")
		msg = strings.ReplaceAll(msg, "=\n", "")
		msg = strings.ReplaceAll(msg, "=3D", "=")
		if strings.Contains(msg, "To: <"+to+">") {
			if m := linkRE.FindString(msg); m != "" {
				return m
			}
		}
	}
	t.Fatalf("no mail with a link to %s", to)
	return ""
}

func (s *readerSite) mails(t *testing.T) int {
	files, _ := filepath.Glob(filepath.Join(s.mailDir, "*.eml"))
	return len(files)
}

func TestReaderPasswordAccount(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		s := newReaderSite(t, d)
		c := s.browser()
		form := url.Values{"name": {"Ada"}, "email": {"Ada@Example.org"}, "password": {"correct horse battery"}, "next": {"/fr/defense"}}

		// Cross-origin posts are refused before anything happens.
		req, _ := http.NewRequest(http.MethodPost, s.url+"/fr/account/signup", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		resp, err := c.Do(req)
		if err != nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-origin sign-up: %v %v", resp.Status, err)
		}

		resp, _ = post(t, c, s.url+"/fr/account/signup", form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-up: %s", resp.Status)
		}
		if m := s.me(t, c); !m.SignedIn || m.Verified || m.Name != "Ada" {
			t.Fatalf("me after sign-up: %+v", m)
		}
		// Duplicate email: a clear message, nothing changed.
		resp, body := post(t, s.browser(), s.url+"/fr/account/signup", url.Values{"name": {"Eve"}, "email": {"ada@example.org"}, "password": {"another password"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Un compte existe déjà avec cette adresse") {
			t.Fatalf("duplicate: %s\n%s", resp.Status, body)
		}
		// Verify with a forged token, then the real one.
		if resp, body := post(t, c, s.url+"/fr/account/verify/forged", nil); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "pas valide") {
			t.Fatalf("forged verify: %s", resp.Status)
		}
		// Opening the link (a mail scanner does) only asks for a click.
		link := s.lastLink(t, "ada@example.org")
		if resp, body := get(t, s.browser(), link); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Je confirme") {
			t.Fatalf("verify page: %s\n%s", resp.Status, body)
		}
		if s.me(t, c).Verified {
			t.Fatal("opening the link verified the address")
		}
		// The click verifies, signs the clicker in and ends the account's other sessions.
		other := s.browser()
		if resp, _ := post(t, other, s.url+"/fr/account/signin", form); resp.StatusCode != http.StatusSeeOther || !s.me(t, other).SignedIn {
			t.Fatalf("second session: %s", resp.Status)
		}
		if resp, body := post(t, c, link, nil); resp.StatusCode != http.StatusOK || !strings.Contains(body, "adresse électronique est confirmée") {
			t.Fatalf("verify: %s\n%s", resp.Status, body)
		}
		m := s.me(t, c)
		if !m.Verified || s.me(t, other).SignedIn {
			t.Fatalf("after the click: verified %v, other session still signed in %v", m.Verified, s.me(t, other).SignedIn)
		}
		// Settings need the anti-forgery token; a too-long name changes nothing.
		if resp, _ := post(t, c, s.url+"/fr/account/settings", url.Values{"name": {"Mallory"}}); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("settings without csrf: %s", resp.Status)
		}
		resp, body = post(t, c, s.url+"/fr/account/settings", url.Values{"csrf": {m.CSRF}, "name": {strings.Repeat("a", 51)}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Le nom est trop long") {
			t.Fatalf("long name: %s\n%s", resp.Status, body)
		}
		resp, _ = post(t, c, s.url+"/fr/account/settings", url.Values{"csrf": {m.CSRF}, "name": {"Ada Lovelace"}, "notify": {"1"}})
		if resp.StatusCode != http.StatusOK || s.me(t, c).Name != "Ada Lovelace" {
			t.Fatalf("rename: %s", resp.Status)
		}
		// A new password needs the current one; a refused form saves nothing.
		resp, body = post(t, c, s.url+"/fr/account/settings", url.Values{"csrf": {m.CSRF}, "name": {"Changed"}, "notify": {"1"},
			"current_password": {"not the password"}, "password": {"a brand new password"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Le mot de passe actuel n’est pas le bon") || s.me(t, c).Name != "Ada Lovelace" {
			t.Fatalf("password change without the current one: %s", resp.Status)
		}
		other = s.browser()
		if resp, _ := post(t, other, s.url+"/fr/account/signin", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("second session: %s", resp.Status)
		}
		resp, _ = post(t, c, s.url+"/fr/account/settings", url.Values{"csrf": {m.CSRF}, "name": {"Ada Lovelace"}, "notify": {"1"},
			"current_password": {"correct horse battery"}, "password": {"a brand new password"}})
		if resp.StatusCode != http.StatusSeeOther || !s.me(t, c).SignedIn || s.me(t, other).SignedIn {
			t.Fatalf("password change: %s; this browser signed in %v, the other signed out %v", resp.Status, s.me(t, c).SignedIn, !s.me(t, other).SignedIn)
		}
		m = s.me(t, c) // the session, and so its token, were renewed
		// Sign out, then in with a wrong and a right password.
		post(t, c, s.url+"/fr/account/signout", url.Values{"csrf": {m.CSRF}})
		if s.me(t, c).SignedIn {
			t.Fatal("still signed in")
		}
		resp, body = post(t, c, s.url+"/en/account/signin", url.Values{"email": {"ada@example.org"}, "password": {"correct horse battery"}})
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Wrong email address or password") {
			t.Fatalf("wrong password: %s", resp.Status)
		}
		resp, _ = post(t, c, s.url+"/en/account/signin", url.Values{"email": {"ada@example.org"}, "password": {"a brand new password"}, "next": {"//evil.example"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/" || !s.me(t, c).SignedIn {
			t.Fatalf("sign-in: %s → %s", resp.Status, resp.Header.Get("Location"))
		}
		// Delete needs a choice and the confirmation.
		m = s.me(t, c)
		resp, _ = post(t, c, s.url+"/fr/account/delete", url.Values{"csrf": {m.CSRF}, "comments": {"remove"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || s.count(t, `SELECT count(*) FROM readers`) != 1 {
			t.Fatalf("unconfirmed delete: %s", resp.Status)
		}
		resp, body = post(t, c, s.url+"/fr/account/delete", url.Values{"csrf": {m.CSRF}, "comments": {"anonymise"}, "confirm": {"1"}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Votre compte est supprimé") || s.count(t, `SELECT count(*) FROM readers`) != 0 {
			t.Fatalf("delete: %s\n%s", resp.Status, body)
		}
		if s.me(t, c).SignedIn {
			t.Fatal("signed in after delete")
		}
	})
}

func TestReaderSignInLinkAndMailLimits(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		s := newReaderSite(t, d)
		c := s.browser()
		resp, body := post(t, c, s.url+"/en/account/link", url.Values{"email": {"new@example.org"}, "name": {"Newt"}, "next": {"/en/"}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "a sign-in link is on its way") {
			t.Fatalf("link: %s", resp.Status)
		}
		link := s.lastLink(t, "new@example.org")
		// Opening the link (as a mail scanner would) does not use it.
		resp, body = get(t, c, link)
		if resp.StatusCode != http.StatusOK || s.me(t, c).SignedIn {
			t.Fatalf("link page: %s", resp.Status)
		}
		u, _ := url.Parse(link)
		resp, _ = post(t, c, s.url+u.Path, url.Values{"next": {"/en/"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("use link: %s", resp.Status)
		}
		if m := s.me(t, c); !m.SignedIn || !m.Verified || m.Name != "Newt" {
			t.Fatalf("me after link: %+v", m)
		}
		// Used once only; a forged one is refused alike.
		for _, p := range []string{u.Path, "/en/account/link/forged-token"} {
			resp, body = post(t, s.browser(), s.url+p, nil)
			if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "not valid or was already used") {
				t.Fatalf("%s: %s", p, resp.Status)
			}
		}
		// Repeated requests do not flood an inbox: three an hour per address.
		before := s.mails(t)
		for i := range 5 {
			resp, body = post(t, s.browser(), s.url+"/en/account/link", url.Values{"email": {"target@example.org"}})
			if i >= 3 && (resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "To protect the inbox")) {
				t.Fatalf("request %d: %s", i, resp.Status)
			}
		}
		if n := s.mails(t) - before; n != 3 {
			t.Fatalf("%d mails sent to one address", n)
		}
		// A bad address or a too-long name: a clear message, no mail.
		resp, body = post(t, c, s.url+"/en/account/link", url.Values{"email": {"not an address"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "not a valid email address") {
			t.Fatalf("bad address: %s", resp.Status)
		}
		resp, _ = post(t, c, s.url+"/en/account/link", url.Values{"email": {"x@example.org"}, "name": {strings.Repeat("n", 60)}})
		if resp.StatusCode != http.StatusUnprocessableEntity || s.mails(t)-before != 3 {
			t.Fatalf("long name: %s", resp.Status)
		}
	})
}

func TestMinutesWording(t *testing.T) {
	h := newTestHandler(t, testdb.SQLite(t))
	fr, en := h.site.Load().byCode["fr"], h.site.Load().byCode["en"]
	for _, c := range []struct {
		e    *ed
		wait time.Duration
		want string
	}{{fr, 20 * time.Second, "1 minute"}, {en, 20 * time.Second, "1 minute"}, {en, 4*time.Minute + time.Second, "5 minutes"}} {
		if got := minutes(c.e, c.wait); got != c.want {
			t.Errorf("minutes(%s, %v) = %q, want %q", c.e.Code, c.wait, got, c.want)
		}
	}
}
