package e2e

import (
	"encoding/json"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/http"
	"net/http/cookiejar"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// readerClient is a reader's browser without JavaScript: it keeps cookies
// and reports redirects.
type readerClient struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newReaderClient(t *testing.T, base string) *readerClient {
	jar, _ := cookiejar.New(nil)
	return &readerClient{t: t, base: base, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (rc *readerClient) do(method, path string, form url.Values) (*http.Response, string) {
	rc.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	target := path
	if strings.HasPrefix(path, "/") {
		target = rc.base + path
	}
	req, _ := http.NewRequest(method, target, body)
	req.Header.Set("User-Agent", readerUA)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := rc.c.Do(req)
	if err != nil {
		rc.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

type readerMe struct {
	SignedIn        bool   `json:"signedIn"`
	Name            string `json:"name"`
	Verified        bool   `json:"verified"`
	ConductAccepted bool   `json:"conductAccepted"`
	CSRF            string `json:"csrf"`
}

func (rc *readerClient) me() readerMe {
	rc.t.Helper()
	resp, body := rc.do("GET", "/fr/account/me.json", nil)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
		rc.t.Fatalf("me.json: %s %q", resp.Status, resp.Header.Get("Cache-Control"))
	}
	var m readerMe
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		rc.t.Fatal(err)
	}
	return m
}

var mailLinkRE = regexp.MustCompile(`https?://[^\s]+/account/(?:verify|link)/[A-Za-z0-9_-]+(?:\?next=[^\s]+)?`)

// mailsTo reads the .eml files the binary wrote to DATA/mail for address,
// oldest first, decoded.
func mailsTo(t *testing.T, dataDir, address string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dataDir, "mail", "*.eml"))
	slices.Sort(files)
	var out []string
	for _, f := range files {
		raw, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := mail.ReadMessage(raw)
		if err != nil {
			raw.Close()
			t.Fatalf("%s: %v", f, err)
		}
		to, _ := m.Header.AddressList("To")
		if len(to) != 1 || to[0].Address != address {
			raw.Close()
			continue
		}
		var body io.Reader = m.Body
		if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(m.Body)
		}
		b, _ := io.ReadAll(body)
		raw.Close()
		subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		out = append(out, subject+"\n"+string(b))
	}
	return out
}

func lastMailLink(t *testing.T, dataDir, address string) string {
	t.Helper()
	ms := mailsTo(t, dataDir, address)
	if len(ms) == 0 {
		t.Fatalf("no mail to %s", address)
	}
	link := mailLinkRE.FindString(ms[len(ms)-1])
	if link == "" {
		t.Fatalf("no link in the mail to %s:\n%s", address, ms[len(ms)-1])
	}
	return link
}

// A reader signs up, gets the verification mail, verifies, signs out, signs
// in, changes their name, signs out; bad input changes nothing.
func TestReaderAccountE2E(t *testing.T) {
	s := start(t, "")
	rc := newReaderClient(t, s.URL)
	form := url.Values{"name": {"Ada"}, "email": {"ada@example.org"}, "password": {"correct horse battery"}, "next": {"/fr/defense"}}
	resp, body := rc.do("POST", "/fr/account/signup", form)
	if resp.StatusCode != 303 {
		t.Fatalf("sign-up: %s\n%s", resp.Status, body)
	}
	if m := rc.me(); !m.SignedIn || m.Verified || m.Name != "Ada" {
		t.Fatalf("after sign-up: %+v", m)
	}
	_, body = rc.do("GET", resp.Header.Get("Location"), nil)
	if !strings.Contains(body, "Confirmez votre adresse ada@example.org") {
		t.Fatalf("settings page does not ask for the confirmation:\n%s", body)
	}

	// Bad input: duplicate email, too-long name, bad address; nothing changes.
	other := newReaderClient(t, s.URL)
	resp, body = other.do("POST", "/fr/account/signup", url.Values{"name": {"Eve"}, "email": {"ADA@example.org"}, "password": {"another long password"}})
	if resp.StatusCode != 409 || !strings.Contains(body, "Un compte existe déjà avec cette adresse") {
		t.Fatalf("duplicate email: %s", resp.Status)
	}
	resp, body = other.do("POST", "/en/account/signup", url.Values{"name": {strings.Repeat("N", 51)}, "email": {"nope"}, "password": {"short"}})
	if resp.StatusCode != 422 || !strings.Contains(body, "The name is too long: 50 characters at most.") ||
		!strings.Contains(body, "This is not a valid email address.") || !strings.Contains(body, "at least 10 characters") {
		t.Fatalf("bad sign-up: %s\n%s", resp.Status, body)
	}
	if other.me().SignedIn {
		t.Fatal("a refused sign-up signed in")
	}

	// The verification mail, in French, with a working link.
	mails := mailsTo(t, s.Data, "ada@example.org")
	if len(mails) != 1 || !strings.Contains(mails[0], "Confirmez votre adresse électronique") {
		t.Fatalf("verification mails: %q", mails)
	}
	link := lastMailLink(t, s.Data, "ada@example.org")
	u, _ := url.Parse(link)
	if resp, body := rc.do("POST", u.Path[:len(u.Path)-3]+"xyz", url.Values{}); resp.StatusCode != 404 || !strings.Contains(body, "n’est pas valide") {
		t.Fatalf("forged verification link: %s", resp.Status)
	}
	if resp, body := rc.do("GET", u.RequestURI(), nil); resp.StatusCode != 200 || !strings.Contains(body, "Je confirme") || rc.me().Verified {
		t.Fatalf("opening the verification link must only ask for a click: %s\n%s", resp.Status, body)
	}
	if resp, body := rc.do("POST", u.RequestURI(), url.Values{}); resp.StatusCode != 200 || !strings.Contains(body, "adresse électronique est confirmée") {
		t.Fatalf("verification: %s\n%s", resp.Status, body)
	}
	if resp, _ := rc.do("POST", u.RequestURI(), url.Values{}); resp.StatusCode != 404 {
		t.Fatalf("verification link used twice: %s", resp.Status)
	}
	if !rc.me().Verified {
		t.Fatal("not verified")
	}

	// Sign out and in again; an open redirect in next is not followed.
	csrf := rc.me().CSRF
	rc.do("POST", "/fr/account/signout", url.Values{"csrf": {csrf}})
	if rc.me().SignedIn {
		t.Fatal("still signed in after sign-out")
	}
	resp, _ = rc.do("POST", "/fr/account/signin", url.Values{"email": {"ada@example.org"}, "password": {"wrong password"}})
	if resp.StatusCode != 401 {
		t.Fatalf("wrong password: %s", resp.Status)
	}
	resp, _ = rc.do("POST", "/fr/account/signin", url.Values{"email": {"ada@example.org"}, "password": {"correct horse battery"}, "next": {"https://evil.example/"}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/fr/" {
		t.Fatalf("sign-in: %s → %s", resp.Status, resp.Header.Get("Location"))
	}
	resp, _ = rc.do("POST", "/fr/account/signin", url.Values{"email": {"ada@example.org"}, "password": {"correct horse battery"}, "next": {"/fr/defense"}})
	if resp.Header.Get("Location") != "/fr/defense" {
		t.Fatalf("next not followed: %s", resp.Header.Get("Location"))
	}

	// Change the name: a too-long one and a forged request change nothing.
	csrf = rc.me().CSRF
	resp, _ = rc.do("POST", "/fr/account/settings", url.Values{"csrf": {"forged"}, "name": {"Mallory"}})
	if resp.StatusCode != 403 {
		t.Fatalf("forged settings: %s", resp.Status)
	}
	resp, _ = rc.do("POST", "/fr/account/settings", url.Values{"csrf": {csrf}, "name": {strings.Repeat("é", 51)}})
	if resp.StatusCode != 422 || rc.me().Name != "Ada" {
		t.Fatalf("long name: %s, name %q", resp.Status, rc.me().Name)
	}
	resp, body = rc.do("POST", "/fr/account/settings", url.Values{"csrf": {csrf}, "name": {"  Ada   Lovelace "}, "notify": {"1"}})
	if resp.StatusCode != 200 || !strings.Contains(body, "Vos réglages sont enregistrés") || rc.me().Name != "Ada Lovelace" {
		t.Fatalf("rename: %s, name %q", resp.Status, rc.me().Name)
	}
	rc.do("POST", "/fr/account/signout", url.Values{"csrf": {csrf}})
	if rc.me().SignedIn {
		t.Fatal("still signed in")
	}
}

// A reader with no account asks for a one-time link, follows it and is
// signed in with a verified address; the link works once.
func TestReaderOneTimeLinkE2E(t *testing.T) {
	s := start(t, "")
	rc := newReaderClient(t, s.URL)
	resp, body := rc.do("POST", "/en/account/link", url.Values{"email": {"Link@Example.org"}, "name": {"Lin"}, "next": {"/en/"}})
	if resp.StatusCode != 200 || !strings.Contains(body, "a sign-in link is on its way") {
		t.Fatalf("link request: %s\n%s", resp.Status, body)
	}
	link := lastMailLink(t, s.Data, "link@example.org")
	u, _ := url.Parse(link)
	// Opening the link shows a button; a mail scanner's GET spends nothing.
	resp, body = rc.do("GET", u.RequestURI(), nil)
	if resp.StatusCode != 200 || !strings.Contains(body, "Sign me in") || rc.me().SignedIn {
		t.Fatalf("link page: %s", resp.Status)
	}
	resp, _ = rc.do("POST", u.Path, url.Values{"next": {"/en/"}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/en/" {
		t.Fatalf("link sign-in: %s → %s", resp.Status, resp.Header.Get("Location"))
	}
	if m := rc.me(); !m.SignedIn || !m.Verified || m.Name != "Lin" {
		t.Fatalf("after link: %+v", m)
	}
	// Spent, and forged links, get a clear page in another browser.
	for _, p := range []string{u.Path, "/en/account/link/AAAAforgedAAAA"} {
		resp, body = newReaderClient(t, s.URL).do("POST", p, url.Values{})
		if resp.StatusCode != 404 || !strings.Contains(body, "This sign-in link is not valid or was already used") {
			t.Fatalf("%s: %s", p, resp.Status)
		}
	}
	// Repeated requests for one address stop at three mails an hour.
	for range 4 {
		newReaderClient(t, s.URL).do("POST", "/en/account/link", url.Values{"email": {"link@example.org"}})
	}
	if n := len(mailsTo(t, s.Data, "link@example.org")); n != 3 {
		t.Fatalf("%d mails to one address", n)
	}
}
