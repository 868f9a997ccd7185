package e2e

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// hookReceiver records the webhook requests it gets, checking each one's
// signature as docs/api.md tells receivers to.
type hookReceiver struct {
	*httptest.Server
	mu     sync.Mutex
	secret string
	got    []hookRequest
}

type hookRequest struct {
	Event, Delivery string
	Valid           bool
	Body            struct {
		ID      string `json:"id"`
		Type    string `json:"type"`
		Article struct {
			ID    int64  `json:"id"`
			URL   string `json:"url"`
			Title string `json:"title"`
		} `json:"article"`
	}
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		mac := hmac.New(sha256.New, []byte(h.secret))
		mac.Write([]byte(r.Header.Get("Lede-Timestamp") + "." + string(body)))
		req := hookRequest{Event: r.Header.Get("Lede-Event"), Delivery: r.Header.Get("Lede-Delivery"),
			Valid: hmac.Equal([]byte("sha256="+hex.EncodeToString(mac.Sum(nil))), []byte(r.Header.Get("Lede-Signature")))}
		json.Unmarshal(body, &req.Body)
		h.got = append(h.got, req)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookReceiver) requests() []hookRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hookRequest(nil), h.got...)
}

// waitFor polls until cond holds, failing after a generous deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// adminClient signs in over plain HTTP, as a form post from the sign-in page.
func adminClient(t *testing.T, base, email string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(base+"/admin/signin", url.Values{"email": {email}, "password": {"correct horse battery"}, "next": {"/admin/"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `class="signout"`) {
		t.Fatalf("sign-in as %s: %d\n%s", email, res.StatusCode, body)
	}
	return c
}

func postForm(t *testing.T, c *http.Client, u string, v url.Values) (int, string) {
	t.Helper()
	res, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func getPage(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func match(t *testing.T, re, s string) string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no %s in\n%s", re, s)
	}
	return m[1]
}

// An admin registers an endpoint in the newsroom; publishing an article
// sends it one signed article.published, unpublishing one
// article.unpublished, and the endpoint's page logs both. An editor cannot
// see the page; bad settings are refused and not saved.
func TestWebhooksOverHTTP(t *testing.T) {
	dir := t.TempDir()
	addUsers(t, dir)
	s := start(t, dir, "--webhook-allow-private", "1")
	rcv := newHookReceiver(t)

	editor := adminClient(t, s.URL, "editor@lede.test")
	if code, _ := getPage(t, editor, s.URL+"/admin/webhooks"); code != http.StatusForbidden {
		t.Fatalf("editor sees the webhooks page: %d", code)
	}
	admin := adminClient(t, s.URL, "admin@lede.test")
	code, page := postForm(t, admin, s.URL+"/admin/webhooks", url.Values{"url": {"ftp://example.org/"}, "events": {"article.published"}, "active": {"1"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, "The URL must start with https://") {
		t.Fatalf("bad URL: %d\n%s", code, page)
	}
	code, page = postForm(t, admin, s.URL+"/admin/webhooks", url.Values{"url": {"https://example.org/"}, "events": {"article.deleted"}, "active": {"1"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, "is not an event") {
		t.Fatalf("bad event: %d\n%s", code, page)
	}
	if _, list := getPage(t, admin, s.URL+"/admin/webhooks"); !strings.Contains(list, "No endpoint yet.") {
		t.Fatal("a refused endpoint was saved")
	}

	code, page = postForm(t, admin, s.URL+"/admin/webhooks", url.Values{"url": {rcv.URL + "/lede"},
		"events": {"article.published", "article.unpublished"}, "active": {"1"}, "description": {"test receiver"}})
	if code != http.StatusCreated {
		t.Fatalf("create: %d\n%s", code, page)
	}
	secret := html.UnescapeString(match(t, `value="(whsec_[^"]+)"`, page))
	rcv.mu.Lock()
	rcv.secret = secret
	rcv.mu.Unlock()
	endpoint := match(t, `action="/admin/webhooks/(\d+)/test"`, page)
	if _, again := getPage(t, admin, s.URL+"/admin/webhooks/"+endpoint); strings.Contains(again, secret) {
		t.Fatal("the secret is shown again")
	}

	// Publish an article from the editor form.
	_, form := getPage(t, admin, s.URL+"/admin/articles/new?edition=fr")
	section := match(t, `<option value="(\d+)"[^>]*>fr / Défense</option>`, form)
	author := match(t, `name="authors" value="(\d+)"`, form)
	fields := url.Values{"headline": {"Un article annoncé aux abonnés"}, "standfirst": {"Chapeau."}, "body": {"Texte."},
		"section": {section}, "authors": {author}, "slug": {"annonce-webhook"}}
	fields.Set("action", "publish")
	res, err := admin.PostForm(s.URL+"/admin/articles/new", fields)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	id := match(t, `/admin/articles/(\d+)`, res.Request.URL.Path)
	waitFor(t, "article.published", func() bool { return len(rcv.requests()) >= 1 })
	got := rcv.requests()
	if len(got) != 1 || got[0].Event != "article.published" || !got[0].Valid || got[0].Body.Type != "article.published" ||
		itoa64(got[0].Body.Article.ID) != id || got[0].Body.Article.URL != s.URL+"/fr/defense/annonce-webhook" {
		t.Fatalf("publication: %+v", got)
	}

	// Unpublish it.
	fields.Set("action", "unpublish")
	fields.Set("version", "1")
	if code, page := postForm(t, admin, s.URL+"/admin/articles/"+id, fields); code != 200 {
		t.Fatalf("unpublish: %d\n%s", code, page)
	}
	waitFor(t, "article.unpublished", func() bool { return len(rcv.requests()) >= 2 })
	got = rcv.requests()
	if len(got) != 2 || got[1].Event != "article.unpublished" || !got[1].Valid || got[1].Delivery == got[0].Delivery {
		t.Fatalf("unpublication: %+v", got)
	}

	// The delivery log shows both, delivered with the receiver's 204 (the
	// outcome commits just after the receiver answered).
	var log string
	waitFor(t, "both deliveries logged", func() bool {
		_, log = getPage(t, admin, s.URL+"/admin/webhooks/"+endpoint)
		return strings.Count(log, "status-delivered") == 2
	})
	for _, want := range []string{"article.published", "article.unpublished", got[0].Delivery, got[1].Delivery, "<td>204</td>", "Redeliver"} {
		if !strings.Contains(log, want) {
			t.Errorf("the delivery log lacks %q", want)
		}
	}

	// Redeliver the publication: the receiver gets it again, same delivery id.
	did := match(t, `/admin/webhooks/`+endpoint+`/deliveries/(\d+)/redeliver`, log)
	if code, page := postForm(t, admin, s.URL+"/admin/webhooks/"+endpoint+"/deliveries/"+did+"/redeliver", nil); code != 200 {
		t.Fatalf("redeliver: %d\n%s", code, page)
	}
	waitFor(t, "the redelivery", func() bool { return len(rcv.requests()) >= 3 })
	if got = rcv.requests(); got[2].Delivery != got[1].Delivery || !got[2].Valid {
		t.Fatalf("redelivery: %+v", got)
	}

	// Deleting needs the confirmation box.
	if code, _ := postForm(t, admin, s.URL+"/admin/webhooks/"+endpoint+"/delete", nil); code != http.StatusUnprocessableEntity {
		t.Fatalf("unconfirmed delete: %d", code)
	}
	if code, _ := getPage(t, admin, s.URL+"/admin/webhooks/"+endpoint); code != 200 {
		t.Fatal("an unconfirmed delete deleted")
	}
	if code, page := postForm(t, admin, s.URL+"/admin/webhooks/"+endpoint+"/delete", url.Values{"confirm": {"1"}}); code != 200 || !strings.Contains(page, "Endpoint deleted.") {
		t.Fatalf("delete: %d\n%s", code, page)
	}
}

func itoa64(n int64) string { return itoa(int(n)) }
