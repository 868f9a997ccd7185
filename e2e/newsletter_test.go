package e2e

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/mail"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/mailtest"
)

// mailParts returns a mail's header and decoded text and HTML parts.
func mailParts(t *testing.T, raw []byte) (mail.Header, string, string) {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	var text, html string
	r := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not multipart: %v\n%s", err, raw)
		}
		b, _ := io.ReadAll(p)
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			html = string(b)
		} else {
			text = string(b)
		}
	}
	return m.Header, text, html
}

func post(t *testing.T, c *http.Client, u string, form url.Values, header ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

var (
	confirmLinkRE = regexp.MustCompile(`https?://[^\s"]+/newsletter/confirm/[A-Za-z0-9_-]{43}`)
	prefsLinkRE   = regexp.MustCompile(`https?://[^\s"]+/newsletter/preferences/[A-Za-z0-9_-]{43}`)
)

// A reader subscribes, confirms from the mail, receives a breaking-news
// send made in the newsroom, changes their lists in the preference centre
// and unsubscribes in one click (RFC 8058) — over HTTP and SMTP against
// the real binary.
func TestNewsletterEndToEnd(t *testing.T) {
	smtpSrv, err := mailtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer smtpSrv.Close()
	dir := t.TempDir()
	addUsers(t, dir)
	s := start(t, dir, "--smtp-host", "127.0.0.1", "--smtp-port", strconv.Itoa(smtpSrv.Port), "--mail-from", "Le Quotidien <news@lede.test>")
	c := &http.Client{CheckRedirect: noRedirect.CheckRedirect}

	// The form, in both languages, cached and the same for everyone.
	code, page := get(t, s.URL+"/fr/subscribe", readerUA)
	if code != 200 || !strings.Contains(page, `<form class="nl-form" method="post" action="/fr/subscribe">`) ||
		!strings.Contains(page, `value="breaking"`) || !strings.Contains(page, "S’abonner</button>") {
		t.Fatalf("French subscribe page %d:\n%s", code, page)
	}
	if _, en := get(t, s.URL+"/en/subscribe", readerUA); !strings.Contains(en, "Subscribe</button>") || !strings.Contains(en, "Breaking news") {
		t.Fatalf("English subscribe page:\n%s", en)
	}

	// Bad input: a clear message in the page's language, nothing sent.
	code, body := post(t, c, s.URL+"/fr/subscribe", url.Values{"email": {"pas une adresse"}, "list": {"daily"}})
	if code != 422 || !strings.Contains(body, "n’est pas valide") || !strings.Contains(body, `value="pas une adresse"`) {
		t.Fatalf("invalid address: %d\n%s", code, body)
	}
	if _, again := get(t, s.URL+"/fr/subscribe", readerUA); strings.Contains(again, "pas une adresse") {
		t.Fatal("the cached subscribe page shows what a reader typed")
	}
	if code, body = post(t, c, s.URL+"/fr/subscribe", url.Values{"email": {"x@yopmail.com"}, "list": {"daily"}}); code != 422 || !strings.Contains(body, "jetables") {
		t.Fatalf("disposable address: %d", code)
	}
	if code, _ = post(t, c, s.URL+"/fr/subscribe", url.Values{"email": {"x@example.org"}, "list": {"daily"}},
		"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"); code != 403 {
		t.Fatalf("cross-site subscribe answered %d", code)
	}

	// Subscribe; a repeat sends no second mail.
	form := url.Values{"email": {"lectrice@example.org"}, "list": {"daily", "breaking"}}
	for range 2 {
		code, body = post(t, c, s.URL+"/fr/subscribe", form)
		if code != 200 || !strings.Contains(body, "Consultez votre messagerie") {
			t.Fatalf("subscribe: %d\n%s", code, body)
		}
	}
	if !smtpSrv.WaitCount(1, 10*time.Second) {
		t.Fatal("no confirmation mail")
	}
	time.Sleep(200 * time.Millisecond)
	if n := smtpSrv.Count(); n != 1 {
		t.Fatalf("%d mails after two requests, want 1", n)
	}
	_, text, html := mailParts(t, smtpSrv.Messages()[0].Data)
	link := confirmLinkRE.FindString(text)
	if link == "" || !strings.Contains(html, link) {
		t.Fatalf("confirmation link missing:\n%s", text)
	}
	path := link[strings.Index(link, "/newsletter/"):]

	// Forged links: a clear page, nothing changed.
	forged := "/newsletter/confirm/" + strings.Repeat("A", 43)
	if code, body = get(t, s.URL+forged, readerUA); code != 404 || !strings.Contains(body, "Ce lien ne fonctionne pas") {
		t.Fatalf("forged confirmation: %d\n%s", code, body)
	}
	if code, _ = post(t, c, s.URL+forged, nil); code != 404 {
		t.Fatalf("forged confirmation POST: %d", code)
	}
	// Opening the link shows a button (link scanners confirm nothing).
	if code, body = get(t, s.URL+path, readerUA); code != 200 || !strings.Contains(body, "Confirmer mon abonnement") {
		t.Fatalf("confirmation page: %d\n%s", code, body)
	}
	if code, body = post(t, c, s.URL+path, nil); code != 200 || !strings.Contains(body, "est abonné") {
		t.Fatalf("confirm: %d\n%s", code, body)
	}
	if code, _ = post(t, c, s.URL+path, nil); code != 404 {
		t.Fatalf("confirmation link used twice: %d", code)
	}

	// An editor sends breaking news from the newsroom.
	jar, _ := cookiejar.New(nil)
	ed := &http.Client{Jar: jar, CheckRedirect: noRedirect.CheckRedirect}
	if code, _ := post(t, ed, s.URL+"/admin/signin", url.Values{"email": {"editor@lede.test"}, "password": {"correct horse battery"}}); code != 303 {
		t.Fatalf("sign in: %d", code)
	}
	d, err := db.Open(context.Background(), filepath.Join(dir, "lede.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var artID int64
	var headline string
	d.QueryRow(context.Background(), `SELECT a.id, a.headline FROM articles a JOIN editions e ON e.id = a.edition_id WHERE e.code = 'fr' AND a.status = 'published'
		ORDER BY a.published_at DESC LIMIT 1`).Scan(&artID, &headline)
	if code, _ := post(t, ed, s.URL+"/admin/newsletters/breaking", url.Values{"article": {strconv.FormatInt(artID, 10)}}); code != 303 {
		t.Fatalf("breaking send: %d", code)
	}
	if !smtpSrv.WaitCount(2, 30*time.Second) {
		t.Fatal("breaking news not delivered")
	}
	m := smtpSrv.Messages()[1]
	h, text, html := mailParts(t, m.Data)
	if m.To[0] != "lectrice@example.org" || !strings.Contains(text, headline) || !strings.Contains(html, headline) {
		t.Fatalf("breaking mail to %v:\n%s", m.To, text)
	}
	if h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.HasPrefix(h.Get("List-Unsubscribe"), "<"+s.URL+"/newsletter/unsubscribe/") {
		t.Fatalf("headers %v", h)
	}
	// The newsroom shows the send done.
	for i := 0; ; i++ {
		req, _ := http.NewRequest("GET", s.URL+"/admin/newsletters", nil)
		res, err := ed.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("newsletters page %d", res.StatusCode)
		}
		if strings.Contains(string(b), `<td class="nl-sent">1</td>`) && strings.Contains(string(b), ">done<") {
			break
		}
		if i == 50 {
			t.Fatalf("progress never showed the send done:\n%s", b)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// A double click does not send twice.
	if code, body := post(t, ed, s.URL+"/admin/newsletters/breaking", url.Values{"article": {strconv.FormatInt(artID, 10)}}); code != 422 || !strings.Contains(body, "less than an hour ago") {
		t.Fatalf("second breaking send of one article: %d", code)
	}
	// A reader cannot reach the newsroom's send.
	if code, _ := post(t, c, s.URL+"/admin/newsletters/breaking", url.Values{"article": {"1"}}); code != 401 && code != 303 {
		t.Fatalf("anonymous breaking send: %d", code)
	}

	// Preference centre, from the mail: keep the daily digest only.
	prefs := prefsLinkRE.FindString(text)
	if prefs == "" || !strings.Contains(html, prefs) {
		t.Fatalf("no preference link:\n%s", text)
	}
	if code, body = get(t, prefs, readerUA); code != 200 || !strings.Contains(body, `value="breaking" checked`) || !strings.Contains(body, `value="daily" checked`) {
		t.Fatalf("preference centre: %d\n%s", code, body)
	}
	if code, body = post(t, c, prefs, url.Values{"list": {"daily", "breaking", "section:defense"}}); code != 200 || !strings.Contains(body, "Vos choix sont enregistrés") ||
		!strings.Contains(body, `value="section:defense" checked`) {
		t.Fatalf("save preferences: %d\n%s", code, body)
	}

	// One-click unsubscribe: a POST from the mail provider, no cookie, no
	// page, from another origin, removes the mail's list.
	unsub := strings.Trim(h.Get("List-Unsubscribe"), "<>")
	if code, _ = post(t, &http.Client{}, unsub, url.Values{"List-Unsubscribe": {"One-Click"}}, "Origin", "https://mail.example", "Sec-Fetch-Site", "cross-site"); code != 200 {
		t.Fatalf("one-click unsubscribe: %d", code)
	}
	if _, body = get(t, prefs, readerUA); strings.Contains(body, `value="breaking" checked`) || !strings.Contains(body, `value="daily" checked`) {
		t.Fatalf("after one-click unsubscribe from breaking news:\n%s", body)
	}
	forgedUnsub := s.URL + "/newsletter/unsubscribe/" + strings.Repeat("B", 43) + "?list=daily"
	if code, _ = post(t, &http.Client{}, forgedUnsub, url.Values{"List-Unsubscribe": {"One-Click"}}); code != 404 {
		t.Fatalf("forged one-click: %d", code)
	}
	// The next breaking send does not reach them.
	if code, _ := post(t, ed, s.URL+"/admin/newsletters/breaking", url.Values{"article": {strconv.FormatInt(artID, 10)}, "again": {"1"}}); code != 303 {
		t.Fatalf("breaking send again: %d", code)
	}
	time.Sleep(2 * time.Second)
	if n := smtpSrv.Count(); n != 2 {
		t.Fatalf("%d mails: an unsubscribed reader got breaking news", n)
	}
	// The daily digest from the command line, which delivers it itself.
	code, out, errs := lede(t, "", "newsletter", "--data", dir, "--smtp-host", "127.0.0.1", "--smtp-port", strconv.Itoa(smtpSrv.Port),
		"send", "--edition", "fr", "--list", "daily")
	if code != 0 || !strings.Contains(out, "queued for 1 recipients") || !strings.Contains(out, ": 1 sent, 0 failed") {
		t.Fatalf("digest from the command line: %d %s %s", code, out, errs)
	}
	if n := smtpSrv.Count(); n != 3 {
		t.Fatalf("%d mails after the digest, want 3", n)
	}
	if _, text, _ := mailParts(t, smtpSrv.Messages()[2].Data); !strings.Contains(text, "L’actualité du") || !strings.Contains(text, headline) {
		t.Errorf("digest:\n%s", text)
	}
	if code, _, errs := lede(t, "", "newsletter", "--data", dir, "send", "--edition", "fr", "--list", "daily"); code != 1 || !strings.Contains(errs, "no new article") {
		t.Errorf("a second digest with nothing new: %d %s", code, errs)
	}
	// Forged links in English for an English reader.
	req, _ := http.NewRequest("GET", s.URL+forged, nil)
	req.Header.Set("Accept-Language", "en-GB,en;q=0.8")
	if res, err := c.Do(req); err != nil {
		t.Fatal(err)
	} else {
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 404 || !strings.Contains(string(b), "This link does not work") {
			t.Errorf("forged link for an English reader: %d", res.StatusCode)
		}
	}

	// Unsubscribe from everything in the preference centre.
	if code, body = post(t, c, strings.Replace(prefs, "/preferences/", "/unsubscribe/", 1), nil); code != 200 || !strings.Contains(body, "ne recevra plus aucune") {
		t.Fatalf("unsubscribe all: %d\n%s", code, body)
	}

	// Subscribers' addresses are for admins: an editor may not export them;
	// an admin imports a file, refused whole when a row is bad.
	if res, err := ed.Get(s.URL + "/admin/newsletters/subscribers.csv"); err != nil || res.StatusCode != 403 {
		t.Fatalf("editor export: %v %v", res.StatusCode, err)
	} else {
		res.Body.Close()
	}
	adminJar, _ := cookiejar.New(nil)
	adm := &http.Client{Jar: adminJar, CheckRedirect: noRedirect.CheckRedirect}
	if code, _ := post(t, adm, s.URL+"/admin/signin", url.Values{"email": {"admin@lede.test"}, "password": {"correct horse battery"}}); code != 303 {
		t.Fatalf("admin sign in: %d", code)
	}
	upload := func(csv string) (int, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "subscribers.csv")
		fw.Write([]byte(csv))
		mw.Close()
		req, _ := http.NewRequest("POST", s.URL+"/admin/newsletters/import", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, err := adm.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := upload("email,edition,lists,confirmed,created\nimported@example.org,fr,daily,true,\nbad,fr,daily,true,\n"); code != 422 ||
		!strings.Contains(body, "line 3: email &#34;bad&#34;: not a valid address") || !strings.Contains(body, "nothing was imported") {
		t.Fatalf("bad import in the newsroom: %d\n%s", code, body)
	}
	if code, _ := upload("email,edition,lists,confirmed,created\nimported@example.org,fr,daily,true,\n"); code != 303 {
		t.Fatalf("import in the newsroom: %d", code)
	}
	if res, err := adm.Get(s.URL + "/admin/newsletters/subscribers.csv"); err != nil || res.StatusCode != 200 {
		t.Fatalf("admin export: %v", err)
	} else {
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(b), "imported@example.org,fr,daily,true,") {
			t.Errorf("export after import:\n%s", b)
		}
	}

	// The command line sees the sends and exports the subscriber.
	code, out, errs = lede(t, "", "newsletter", "--data", dir, "status")
	if code != 0 || !strings.Contains(out, "breaking") {
		t.Fatalf("status: %d %s %s", code, out, errs)
	}
	code, out, errs = lede(t, "", "newsletter", "--data", dir, "status", "1")
	if code != 0 || !strings.Contains(out, "send 1: 1 sent, 0 failed, 0 skipped, 0 pending") {
		t.Fatalf("status 1: %d %s %s", code, out, errs)
	}
	code, out, _ = lede(t, "", "newsletter", "--data", dir, "export", "-")
	if code != 0 || !strings.Contains(out, "email,edition,lists,confirmed,created\nlectrice@example.org,fr,,true,") || !strings.Contains(out, "imported@example.org") {
		t.Fatalf("export: %d\n%s", code, out)
	}
	code, _, errs = lede(t, "email,edition,lists,confirmed,created\nnope,fr,daily,true,\n", "newsletter", "--data", dir, "import", "-")
	if code != 1 || !strings.Contains(errs, "-:2: email \"nope\": not a valid address") || !strings.Contains(errs, "nothing was imported") {
		t.Fatalf("bad import: %d %s", code, errs)
	}
}
