package pagecache

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

func TestRenderOncePerKeyUnderConcurrentMisses(t *testing.T) {
	c := New(100)
	var renders atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := c.Render("/fr/a", func() (*Page, error) {
				renders.Add(1)
				<-release
				return Prepare([]byte("<p>a</p>"), Options{Tags: []string{"article:1"}}), nil
			})
			if err != nil || string(p.Body()) != "<p>a</p>" {
				t.Errorf("Render = %v, %v", p, err)
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := renders.Load(); n != 1 {
		t.Fatalf("rendered %d times, want 1", n)
	}
}

func TestInvalidateByTag(t *testing.T) {
	c := New(100)
	put := func(key string, tags ...string) {
		c.Render(key, func() (*Page, error) { return Prepare([]byte(key), Options{Tags: tags}), nil })
	}
	put("/fr/a", "article:1", "section:1")
	put("/fr/b", "article:2", "section:1")
	put("/fr/defense", "section:1")
	put("/en/x", "article:9")
	if n := c.Invalidate("article:1"); n != 1 || c.Get("/fr/a") != nil || c.Get("/fr/b") == nil {
		t.Fatalf("Invalidate(article:1) dropped %d", n)
	}
	if n := c.Invalidate("section:1"); n != 2 || c.Len() != 1 {
		t.Fatalf("Invalidate(section:1) dropped %d, %d left", n, c.Len())
	}
	c.Invalidate("site")
	if c.Len() != 0 {
		t.Fatal("site did not drop everything")
	}
}

// A page rendered while an invalidation happened is not stored: it may show
// the data from before the change.
func TestRenderRacingInvalidationIsNotStored(t *testing.T) {
	c := New(100)
	c.Render("/a", func() (*Page, error) {
		c.Invalidate("article:1")
		return Prepare([]byte("old"), Options{Tags: []string{"article:1"}}), nil
	})
	if c.Get("/a") != nil {
		t.Fatal("stale render was cached")
	}
}

func TestEvictsAtCapacity(t *testing.T) {
	c := New(3)
	for _, k := range []string{"a", "b", "c", "d", "e"} {
		c.Render(k, func() (*Page, error) { return Prepare([]byte(k), Options{Tags: []string{"t"}}), nil })
	}
	if c.Len() != 3 {
		t.Fatalf("Len = %d, want 3", c.Len())
	}
}

func TestWriteEncodingsAndConditionalGet(t *testing.T) {
	body := []byte("<!doctype html><p>" + string(make([]byte, 2000)) + "</p>")
	p := Prepare(body, Options{})
	get := func(h ...string) *http.Response {
		r := httptest.NewRequest("GET", "/", nil)
		for i := 0; i+1 < len(h); i += 2 {
			r.Header.Set(h[i], h[i+1])
		}
		w := httptest.NewRecorder()
		p.Write(w, r)
		return w.Result()
	}
	res := get()
	if b, _ := io.ReadAll(res.Body); string(b) != string(body) || res.Header.Get("Content-Encoding") != "" {
		t.Fatal("identity body differs")
	}
	etag := res.Header.Get("ETag")
	res = get("Accept-Encoding", "gzip, deflate")
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(zr); string(b) != string(body) {
		t.Fatal("gzip body differs")
	}
	res = get("Accept-Encoding", "gzip, deflate, br")
	if res.Header.Get("Content-Encoding") != "br" {
		t.Fatal("brotli not chosen")
	}
	if b, _ := io.ReadAll(brotli.NewReader(res.Body)); string(b) != string(body) {
		t.Fatal("brotli body differs")
	}
	if res = get("Accept-Encoding", "br;q=0, gzip"); res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatal("br;q=0 not honoured")
	}
	if res = get("If-None-Match", etag); res.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match with the ETag = %d", res.StatusCode)
	}
	if res = get("If-None-Match", `"other"`); res.StatusCode != http.StatusOK {
		t.Fatalf("If-None-Match with another ETag = %d", res.StatusCode)
	}
}

func TestIfModifiedSince(t *testing.T) {
	mod := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	p := Prepare([]byte("<rss/>"), Options{LastModified: mod})
	get := func(ims string) int {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("If-Modified-Since", ims)
		w := httptest.NewRecorder()
		p.Write(w, r)
		if w.Header().Get("Last-Modified") != mod.Format(http.TimeFormat) {
			t.Fatalf("Last-Modified = %q", w.Header().Get("Last-Modified"))
		}
		return w.Code
	}
	if c := get(mod.Format(http.TimeFormat)); c != 304 {
		t.Errorf("same time = %d", c)
	}
	if c := get(mod.Add(-time.Hour).Format(http.TimeFormat)); c != 200 {
		t.Errorf("older copy = %d", c)
	}
	if c := get("garbage"); c != 200 {
		t.Errorf("bad date = %d", c)
	}
}
