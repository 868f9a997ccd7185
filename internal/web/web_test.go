package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/importer"
	"github.com/lede-news/lede/internal/pagecache"
	"github.com/lede-news/lede/internal/testdb"
	"github.com/lede-news/lede/internal/views"
)

const browserUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"

func newTestHandler(t testing.TB, d *db.DB) *Handler {
	t.Helper()
	ctx := context.Background()
	f, err := os.Open("testdata/site.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := (&importer.Importer{DB: d}).Import(ctx, f)
	if err != nil || len(res.Errors) > 0 {
		t.Fatalf("fixture import: %v %v", err, res.Errors)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	counter := views.New(d, log)
	if err := counter.Load(ctx); err != nil {
		t.Fatal(err)
	}
	h, err := New(ctx, Deps{DB: d, Views: counter, Cache: pagecache.New(1000), BaseURL: "http://lede.test", Log: log})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

type check struct {
	method, path string
	header       map[string]string
	wantCode     int
	wantBody     []string
	notBody      []string
	wantHeader   map[string]string
}

// run sends the check's request and reports every way the answer differs.
func (c check) run(t *testing.T, h http.Handler) {
	t.Helper()
	w := do(h, c.method, c.path, c.header)
	body := w.Body.String()
	if w.Code != c.wantCode {
		t.Errorf("%s %s = %d, want %d", c.method, c.path, w.Code, c.wantCode)
		return
	}
	for _, s := range c.wantBody {
		if !strings.Contains(body, s) {
			t.Errorf("%s %s: body lacks %q", c.method, c.path, s)
		}
	}
	for _, s := range c.notBody {
		if strings.Contains(body, s) {
			t.Errorf("%s %s: body contains %q", c.method, c.path, s)
		}
	}
	for k, v := range c.wantHeader {
		if got := w.Header().Get(k); !strings.HasPrefix(got, v) {
			t.Errorf("%s %s: header %s = %q, want %q", c.method, c.path, k, got, v)
		}
	}
}

func do(h http.Handler, method, path string, header map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, nil)
	r.Header.Set("User-Agent", browserUA)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		h := newTestHandler(t, d)
		nbsp := "\u00a0"
		checks := []check{
			{"GET", "/", map[string]string{"Accept-Language": "en-GB,en;q=0.9"}, 302, nil, nil, map[string]string{"Location": "/en/"}},
			{"GET", "/", map[string]string{"Accept-Language": "de"}, 302, nil, nil, map[string]string{"Location": "/fr/"}},
			{"GET", "/fr", nil, 301, nil, nil, map[string]string{"Location": "/fr/"}},
			{"GET", "/fr/", nil, 200, []string{"À la une", "Dernières informations", "Les plus lus", "Les conseillers évoquent", `href="/fr/defense"`}, nil,
				map[string]string{"Content-Security-Policy": "default-src 'self'"}},
			{"GET", "/fr/defense/prorogation-new-start", nil, 200, []string{
				`<a href="/fr/defense">Défense</a>`, "URL courte", "http://lede.test/s/", "Copier", `class="byline">Par <a`, "Claire Duval", "Agence Horizon Presse",
				"S’abonner", "Les conseillers évoquent la prorogation du traité",
				"Une première conversation" + nbsp + ": l’appel a duré une heure.",
				"<h2", "New Start", "«" + nbsp + "nous verrons" + nbsp + "»", "bientôt\u202f!", "Vraiment\u202f?",
				"25 janvier 2021 à 14:03", "Mis à jour le", "25 janvier 2021 à 16:10", "Genève",
				"Tags", "New START (Traité de réduction des armes nucléaires)", "Règles de conduite", "Discussion",
				`hreflang="en"`, "Security advisers discuss treaty extension", `<link rel="canonical" href="http://lede.test/fr/defense/prorogation-new-start">`,
			}, []string{"<script>alert", "onclick"}, map[string]string{"Content-Type": "text/html; charset=utf-8"}},
			{"GET", "/en/defense/security-advisers-talk", nil, 200, []string{"Short URL", `class="byline">By <a`, "25 January 2021 at 13:03", "Français"}, nil, nil},
			{"GET", "/fr/culture/prorogation-new-start", nil, 301, nil, nil, map[string]string{"Location": "/fr/defense/prorogation-new-start"}},
			{"GET", "/fr/defense/prorogation-new-start?utm_source=x", nil, 200, []string{"URL courte"}, nil, nil},
			{"GET", "/fr/defense", nil, 200, []string{"Défense", "Les conseillers évoquent"}, []string{"Un festival"}, nil},
			{"GET", "/fr/defense?page=2", nil, 404, []string{"Page introuvable"}, nil, nil},
			{"GET", "/fr/defense?page=abc", nil, 400, []string{"Requête invalide"}, nil, nil},
			{"GET", "/fr/tags/new-start", nil, 200, []string{"New START (Traité de réduction des armes nucléaires)", "Les conseillers"}, nil, nil},
			{"GET", "/fr/authors/claire-duval", nil, 200, []string{"Claire Duval", "Journaliste à Genève.", "Un festival"}, nil, nil},
			{"GET", "/fr/authors/agence-horizon", nil, 200, []string{"Agence"}, nil, nil},
			{"GET", "/fr/conduct", nil, 200, []string{"Règles de conduite", "Soyez courtois."}, nil, nil},
			{"GET", "/fr/subscribe", nil, 200, []string{"S’abonner", `href="/fr/culture"`}, nil, nil},
			{"GET", "/fr/nope", nil, 404, []string{"Page introuvable", `lang="fr"`}, nil, nil},
			{"GET", "/en/defense/nope", nil, 404, []string{"Page not found", `lang="en"`}, nil, nil},
			{"GET", "/xx/defense/nope", map[string]string{"Accept-Language": "en"}, 404, []string{"Page not found"}, nil, nil},
			{"GET", "/fr/tags/nope", nil, 404, []string{"Page introuvable"}, nil, nil},
			{"GET", "/fr/defense/a/b/c", nil, 404, nil, nil, nil},
			{"GET", "/fr/defense/", nil, 301, nil, nil, map[string]string{"Location": "/fr/defense"}},
			{"GET", "/fr/defense/prorogation-new-start/", nil, 301, nil, nil, map[string]string{"Location": "/fr/defense/prorogation-new-start"}},
			{"GET", "/s/zzzz", nil, 404, nil, nil, nil},
			{"GET", "/s/%2F%2Fevil.example", nil, 404, nil, nil, nil},
			{"GET", "/s/..%2F..%2Fetc", nil, 404, nil, nil, nil},
			{"POST", "/fr/", nil, 405, nil, nil, nil},
			{"GET", "/healthz", nil, 200, []string{"ok"}, nil, nil},
		}
		for _, c := range checks {
			c.run(t, h)
		}
	})
}

func TestShortLinkRedirectsAndCounts(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		h := newTestHandler(t, d)
		var code string
		d.QueryRow(context.Background(), `SELECT shortcode FROM articles WHERE external_id = 'fr-1'`).Scan(&code)
		w := do(h, "GET", "/s/"+code, nil)
		if w.Code != 301 || w.Header().Get("Location") != "/fr/defense/prorogation-new-start" {
			t.Fatalf("/s/%s = %d %q", code, w.Code, w.Header().Get("Location"))
		}
		if err := h.Views.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n, _ := h.Views.Clicks(context.Background(), code); n != 1 {
			t.Fatalf("clicks = %d, want 1", n)
		}
	})
}

func TestViewCountOnCachedPage(t *testing.T) {
	d := testdb.SQLite(t)
	h := newTestHandler(t, d)
	path := "/fr/defense/prorogation-new-start"
	count := func(ua string) string {
		w := do(h, "GET", path, map[string]string{"User-Agent": ua})
		b := w.Body.String()
		i := strings.Index(b, `id="view-count" data-count="`)
		if i < 0 {
			t.Fatalf("no view count in page")
		}
		b = b[i+len(`id="view-count" data-count="`):]
		return b[:strings.IndexByte(b, '"')]
	}
	if got := count(browserUA); got != "1" {
		t.Fatalf("first reader sees %s, want 1", got)
	}
	if got := count(browserUA); got != "1" {
		t.Fatalf("same reader again sees %s, want 1", got)
	}
	count("Googlebot/2.1 (+http://www.google.com/bot.html)")
	time.Sleep(1100 * time.Millisecond)
	if got := count(browserUA + " Firefox"); got != "2" {
		t.Fatalf("second reader a second later sees %s, want 2", got)
	}
	if got := h.Views.Total(h.Cache.Get(path).ArticleID); got != 2 {
		t.Fatalf("Total = %d, want 2 (the bot must not count)", got)
	}
}

func TestConditionalGet(t *testing.T) {
	d := testdb.SQLite(t)
	h := newTestHandler(t, d)
	w := do(h, "GET", "/fr/", nil)
	etag := w.Header().Get("ETag")
	if etag == "" || !strings.Contains(w.Header().Get("Cache-Control"), "stale-while-revalidate") {
		t.Fatalf("ETag %q, Cache-Control %q", etag, w.Header().Get("Cache-Control"))
	}
	if w = do(h, "GET", "/fr/", map[string]string{"If-None-Match": etag}); w.Code != 304 {
		t.Fatalf("If-None-Match = %d, want 304", w.Code)
	}
}

func TestStaticAssetsAreImmutable(t *testing.T) {
	h := newTestHandler(t, testdb.SQLite(t))
	url, err := h.assets.URL("site.css")
	if err != nil {
		t.Fatal(err)
	}
	w := do(h, "GET", url, nil)
	if w.Code != 200 || !strings.Contains(w.Header().Get("Cache-Control"), "immutable") || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/css") {
		t.Fatalf("%s: %d %v", url, w.Code, w.Header())
	}
	if w := do(h, "GET", "/static/0000/site.css", nil); w.Code != http.StatusFound {
		t.Fatalf("old hash: %d", w.Code)
	}
}
