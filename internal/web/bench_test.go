package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/lede-news/lede/internal/testdb"
)

// discard is a ResponseWriter that keeps nothing, so the benchmark measures
// the handler and not a recorder's buffer.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// BenchmarkArticleHit is the article request as readers make it: a cached
// page, counted (one reader, so deduplicated after the first), brotli.
func BenchmarkArticleHit(b *testing.B) {
	d := testdb.SQLite(b)
	h := newTestHandler(b, d)
	r := httptest.NewRequest("GET", "/fr/defense/prorogation-new-start", nil)
	r.Header.Set("User-Agent", browserUA)
	r.Header.Set("Accept-Encoding", "gzip, deflate, br")
	w := &discard{h: http.Header{}}
	h.ServeHTTP(w, r)
	if h.Cache.Get(r.URL.Path) == nil {
		b.Fatal("page not cached after the first request")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, r)
	}
}

// BenchmarkArticleMiss renders the article page from the database each time.
func BenchmarkArticleMiss(b *testing.B) {
	d := testdb.SQLite(b)
	h := newTestHandler(b, d)
	r := httptest.NewRequest("GET", "/fr/defense/prorogation-new-start", nil)
	r.Header.Set("User-Agent", browserUA)
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		h.Cache.Invalidate("site")
		clear(w.h)
		h.ServeHTTP(w, r)
	}
}
