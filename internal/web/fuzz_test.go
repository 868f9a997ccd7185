package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/lede-news/lede/internal/testdb"
)

// FuzzPaths sends arbitrary paths through the real router: none may crash
// it, answer 500, or redirect off the site.
func FuzzPaths(f *testing.F) {
	h := newTestHandler(f, testdb.SQLite(f))
	for _, p := range []string{"/", "/fr/", "/fr", "/fr/defense", "/fr/defense/prorogation-new-start", "/s/abcd",
		"/fr/tags/russie", "/fr/authors/claire-duval", "/static/x/site.css", "//evil.example", "/fr/defense/../../x",
		"/fr/%2e%2e/", "/s/%2F%2Fevil", "/fr/defense?page=2", "/\\evil.example"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		u, err := url.ParseRequestURI(p)
		if err != nil || !strings.HasPrefix(p, "/") {
			return
		}
		r := httptest.NewRequest("GET", "http://lede.test/", nil)
		r.URL, r.RequestURI = u, p
		r.Header.Set("User-Agent", browserUA)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("%q answered %d", p, w.Code)
		}
		if loc := w.Header().Get("Location"); loc != "" {
			if l, err := url.Parse(loc); err != nil || l.Host != "" || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
				t.Fatalf("%q redirects off the site to %q", p, loc)
			}
		}
		if w.Code == http.StatusOK && w.Body.Len() == 0 {
			t.Fatalf("%q: empty 200", p)
		}
	})
}
