package web

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/importer"
	"github.com/lede-news/lede/internal/media"
	"github.com/lede-news/lede/internal/testdb"
)

func TestFeeds(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		h := newTestHandler(t, d)
		for _, c := range []struct {
			path, feedType, ctype string
			items                 int
			first                 string
		}{
			{"/fr/feed.xml", "rss", "application/rss+xml", 2, "Les conseillers évoquent la prorogation du traité"},
			{"/fr/atom.xml", "atom", "application/atom+xml", 2, "Les conseillers évoquent la prorogation du traité"},
			{"/fr/feed.json", "json", "application/feed+json", 2, "Les conseillers évoquent la prorogation du traité"},
			{"/fr/defense/feed.xml", "rss", "application/rss+xml", 1, "Les conseillers évoquent la prorogation du traité"},
			{"/fr/tags/russie/atom.xml", "atom", "application/atom+xml", 1, "Les conseillers évoquent la prorogation du traité"},
			{"/fr/authors/claire-duval/feed.json", "json", "application/feed+json", 2, "Les conseillers évoquent la prorogation du traité"},
			{"/en/feed.xml", "rss", "application/rss+xml", 1, "Security advisers discuss treaty extension"},
		} {
			w := do(h, "GET", c.path, nil)
			if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), c.ctype) {
				t.Errorf("%s: %d %s", c.path, w.Code, w.Header().Get("Content-Type"))
				continue
			}
			f, err := gofeed.NewParser().ParseString(w.Body.String())
			if err != nil {
				t.Errorf("%s: gofeed: %v", c.path, err)
				continue
			}
			if f.FeedType != c.feedType || len(f.Items) != c.items || f.Items[0].Title != c.first {
				t.Errorf("%s: %s with %d items, first %q", c.path, f.FeedType, len(f.Items), f.Items[0].Title)
			}
			it := f.Items[0]
			if !strings.HasPrefix(it.Link, "http://lede.test/") || it.PublishedParsed == nil || len(it.Authors) == 0 {
				t.Errorf("%s: item link %q published %v authors %v", c.path, it.Link, it.PublishedParsed, it.Authors)
			}
			if strings.HasPrefix(c.path, "/fr/") && f.Language != "fr" {
				t.Errorf("%s: language %q", c.path, f.Language)
			}
			if c.path == "/fr/feed.xml" && !strings.Contains(it.Content, "<h2") {
				t.Errorf("full-text feed lacks the body: %q", it.Content)
			}
			lm := w.Header().Get("Last-Modified")
			if lm == "" || w.Header().Get("ETag") == "" {
				t.Errorf("%s: no Last-Modified or ETag", c.path)
			}
			if w2 := do(h, "GET", c.path, map[string]string{"If-Modified-Since": lm}); w2.Code != http.StatusNotModified {
				t.Errorf("%s: If-Modified-Since answered %d", c.path, w2.Code)
			}
		}
		for _, bad := range []string{"/fr/feed.rss", "/fr/nope/feed.xml", "/fr/tags/nope/feed.xml", "/fr/tags/russie/feed.exe", "/fr/defense/x/feed.xml"} {
			if w := do(h, "GET", bad, nil); w.Code != 404 {
				t.Errorf("%s: %d, want 404", bad, w.Code)
			}
		}
		// The page announces its feeds.
		if body := do(h, "GET", "/fr/tags/russie", nil).Body.String(); !strings.Contains(body, `type="application/atom&#43;xml" title="Russie" href="/fr/tags/russie/atom.xml"`) {
			t.Error("tag page lacks feed autodiscovery")
		}
	})
}

// An item keeps its id when the article is edited.
func TestFeedIDsStableAcrossEdits(t *testing.T) {
	d := testdb.SQLite(t)
	h := newTestHandler(t, d)
	id := func() string {
		f, err := gofeed.NewParser().ParseString(do(h, "GET", "/en/atom.xml", nil).Body.String())
		if err != nil {
			t.Fatal(err)
		}
		return f.Items[0].GUID
	}
	before := id()
	rec := `{"type":"article","id":"en-1","edition":"en","section":"defense","slug":"security-advisers-talk-resume","headline":"Security advisers resume talks","body":"Edited.","authors":["claire-duval"],"published_at":"2021-01-25T13:03:00Z"}`
	res, err := (&importer.Importer{DB: d}).Import(context.Background(), strings.NewReader(rec))
	if err != nil || res.Updated != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	h.Cache.Invalidate("site")
	if after := id(); after != before {
		t.Fatalf("id changed from %q to %q", before, after)
	}
}

func TestSummaryFeeds(t *testing.T) {
	d := testdb.SQLite(t)
	h := newTestHandler(t, d)
	rec := `{"type":"edition","code":"fr","name":"Lede","lang":"fr","timezone":"Europe/Paris","default":true,"feed_summary":true,"conduct":"## Règles\n\nSoyez courtois."}`
	if res, _ := (&importer.Importer{DB: d}).Import(context.Background(), strings.NewReader(rec)); res.Updated != 1 {
		t.Fatalf("%+v", res)
	}
	h.ReloadSite(context.Background())
	h.Cache.Invalidate("site")
	f, err := gofeed.NewParser().ParseString(do(h, "GET", "/fr/feed.xml", nil).Body.String())
	if err != nil {
		t.Fatal(err)
	}
	if f.Items[0].Content != "" || !strings.Contains(f.Items[0].Description, "première conversation") {
		t.Fatalf("summary feed: content %q description %q", f.Items[0].Content, f.Items[0].Description)
	}
}

// An article's lead image (the first of our own images in its body) is in
// its feed entries as an enclosure in all three formats: absolute URL of
// the variant the body shows, its MIME type and its size in bytes, which
// are those that URL then serves. An article without an image has none.
func TestFeedEnclosures(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		h := newTestHandler(t, d)
		img := image.NewRGBA(image.Rect(0, 0, 1800, 900))
		for x := range 1800 {
			img.Set(x, x/2, color.RGBA{200, 0, 0, 255})
		}
		var jp bytes.Buffer
		jpeg.Encode(&jp, img, nil)
		m, err := (&media.Store{DB: d}).Upload(ctx, &jp, media.Meta{Alt: "Une diagonale rouge"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		rec := `{"type":"article","id":"fr-2","edition":"fr","section":"culture","slug":"festival","headline":"Un festival de cinéma",` +
			`"body":"Texte.\n\n![Une diagonale rouge](/media/` + itoa(m.ID) + `/1024 \"Photo : Lede\")\n\nSuite.","authors":["claire-duval"],"published_at":"2021-01-20T10:00:00Z"}`
		if res, err := (&importer.Importer{DB: d}).Import(ctx, strings.NewReader(rec)); err != nil || res.Updated != 1 {
			t.Fatalf("%+v %v", res, err)
		}
		h.Cache.Invalidate("site")
		want := "http://lede.test/media/" + itoa(m.ID) + "/1024"
		served := do(h, "GET", strings.TrimPrefix(want, "http://lede.test"), nil)
		if served.Code != 200 || served.Header().Get("Content-Type") != "image/jpeg" {
			t.Fatalf("image: %d %s", served.Code, served.Header().Get("Content-Type"))
		}
		size := strconv.Itoa(served.Body.Len())
		for _, path := range []string{"/fr/feed.xml", "/fr/atom.xml", "/fr/feed.json", "/fr/culture/feed.xml"} {
			f, err := gofeed.NewParser().ParseString(do(h, "GET", path, nil).Body.String())
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			var withImage int
			for _, it := range f.Items {
				if it.Title != "Un festival de cinéma" {
					if len(it.Enclosures) != 0 {
						t.Errorf("%s: %q has enclosures %+v", path, it.Title, it.Enclosures)
					}
					continue
				}
				withImage++
				if len(it.Enclosures) != 1 || it.Enclosures[0].URL != want || it.Enclosures[0].Type != "image/jpeg" || it.Enclosures[0].Length != size {
					t.Errorf("%s: enclosures %+v, want %s image/jpeg %s", path, it.Enclosures, want, size)
				}
				if path == "/fr/feed.json" && (it.Image == nil || it.Image.URL != want) {
					t.Errorf("%s: image %+v", path, it.Image)
				}
			}
			if withImage != 1 {
				t.Errorf("%s: %d items with the image", path, withImage)
			}
		}
	})
}
