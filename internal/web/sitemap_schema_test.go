package web

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/importer"
	"github.com/lede-news/lede/internal/media"
	"github.com/lede-news/lede/internal/testdb"
)

// xmllintValidate writes doc to a file and validates it with xmllint
// against one of the schemas in testdata/xsd (written from the published
// protocol descriptions). xmllint is required in CI (LEDE_TEST_POSTGRES
// set); elsewhere the test skips without it.
func xmllintValidate(t *testing.T, name string, doc []byte, xsd string) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("LEDE_TEST_POSTGRES") != "" {
			t.Fatal("xmllint is required to validate the sitemaps (Debian: libxml2-utils)")
		}
		t.Skip("xmllint not installed")
	}
	file := filepath.Join(t.TempDir(), strings.NewReplacer("/", "_").Replace(name))
	if err := os.WriteFile(file, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--noout", "--schema", filepath.Join("testdata", "xsd", xsd), file).CombinedOutput()
	if err != nil {
		t.Errorf("%s does not validate against %s: %v\n%s", name, xsd, err, out)
	}
}

type imgURLSet struct {
	URLs []struct {
		Loc     string `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 loc"`
		LastMod string `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 lastmod"`
		Date    string `xml:"http://www.google.com/schemas/sitemap-news/0.9 news>publication_date"`
		Images  []struct {
			Loc string `xml:"http://www.google.com/schemas/sitemap-image/1.1 loc"`
		} `xml:"http://www.google.com/schemas/sitemap-image/1.1 image"`
	} `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 url"`
}

type lastmodIndex struct {
	Sitemaps []struct {
		Loc     string `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 loc"`
		LastMod string `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 lastmod"`
	} `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemap"`
}

func testJPEG(t *testing.T, d *db.DB, w, h int, alt string) media.Media {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, x*h/w, color.RGBA{200, 0, 0, 255})
	}
	var jp bytes.Buffer
	jpeg.Encode(&jp, img, nil)
	m, err := (&media.Store{DB: d}).Upload(context.Background(), &jp, media.Meta{Alt: alt}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The index, every monthly sitemap it names and the news sitemap validate
// against the sitemaps.org, news, image and xhtml:link schemas; articles
// carry image entries for our own images (the variant each address
// serves); the news sitemap holds the last 48 hours only, at most 1,000
// URLs across editions; each month's lastmod in the index is the latest
// lastmod of its URLs, and follows a publication at once.
func TestSitemapsValidateAgainstSchemas(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		h := newTestHandler(t, d)
		big := testJPEG(t, d, 1800, 900, "Une diagonale rouge")
		small := testJPEG(t, d, 500, 250, "Une petite diagonale")
		bigURL := "http://lede.test/media/" + itoa(big.ID) + "/1024"
		smallURL := "http://lede.test/media/" + itoa(small.ID) + "/500" // the widest variant of a 500-pixel image
		now := time.Now().UTC()
		var recs strings.Builder
		rec := func(id, ed, sec, slug, headline, body string, at time.Time) {
			fmt.Fprintf(&recs, `{"type":"article","id":%q,"edition":%q,"section":%q,"slug":%q,"headline":%q,"body":%q,"authors":["claire-duval"],"published_at":%q}`+"\n",
				id, ed, sec, slug, headline, body, at.Format(time.RFC3339))
		}
		rec("fr-2", "fr", "culture", "festival", "Un festival de cinéma",
			"Texte.\n\n![Une diagonale rouge](/media/"+itoa(big.ID)+"/1024)\n\nSuite.", time.Date(2021, 1, 20, 10, 0, 0, 0, time.UTC))
		rec("fr-img", "fr", "culture", "images", "Deux images",
			"![a](/media/"+itoa(big.ID)+"/1024) ![b](https://elsewhere.example/x.jpg) ![c](/media/"+itoa(small.ID)+"/1024) ![d](/media/999999/640) ![e](/media/"+itoa(big.ID)+"/320)",
			now.Add(-time.Hour))
		rec("fr-old", "fr", "culture", "ancienne", "Trop ancienne", "Texte.", now.Add(-49*time.Hour))
		// More recent articles than a news sitemap may hold, across both editions.
		for i := range 600 {
			rec("fr-n"+itoa(int64(i)), "fr", "culture", "breve-"+itoa(int64(i)), "Brève "+itoa(int64(i)), "Texte.", now.Add(-2*time.Hour-time.Duration(i)*time.Minute))
			rec("en-n"+itoa(int64(i)), "en", "defense", "brief-"+itoa(int64(i)), "Brief "+itoa(int64(i)), "Text.", now.Add(-2*time.Hour-time.Duration(i)*time.Minute-30*time.Second))
		}
		if res, err := (&importer.Importer{DB: d}).Import(ctx, strings.NewReader(recs.String())); err != nil || len(res.Errors) > 0 {
			t.Fatalf("%+v %v", res, err)
		}
		h.Cache.Invalidate("site")

		w := do(h, "GET", "/sitemap.xml", nil)
		if w.Code != 200 {
			t.Fatalf("/sitemap.xml: %d", w.Code)
		}
		xmllintValidate(t, "sitemap.xml", w.Body.Bytes(), "siteindex.xsd")
		var idx lastmodIndex
		if err := xml.Unmarshal(w.Body.Bytes(), &idx); err != nil {
			t.Fatal(err)
		}
		var months int
		for _, s := range idx.Sitemaps {
			u, err := url.Parse(s.Loc)
			if err != nil || u.Host != "lede.test" {
				t.Fatalf("index names %q", s.Loc)
			}
			w := do(h, "GET", u.Path, nil)
			if w.Code != 200 {
				t.Fatalf("%s: %d", u.Path, w.Code)
			}
			xmllintValidate(t, u.Path, w.Body.Bytes(), "sitemap.xsd")
			if u.Path == "/sitemaps/news.xml" {
				continue
			}
			months++
			var set imgURLSet
			if err := xml.Unmarshal(w.Body.Bytes(), &set); err != nil {
				t.Fatal(err)
			}
			latest := ""
			for _, x := range set.URLs {
				if latest == "" || x.LastMod > latest { // RFC 3339 in UTC sorts as text
					latest = x.LastMod
				}
			}
			if s.LastMod != latest {
				t.Errorf("index: %s lastmod %q, its URLs' latest %q", u.Path, s.LastMod, latest)
			}
			for _, x := range set.URLs {
				var want []string
				switch {
				case strings.HasSuffix(x.Loc, "/fr/culture/festival"):
					want = []string{bigURL}
				case strings.HasSuffix(x.Loc, "/fr/culture/images"):
					want = []string{bigURL, smallURL}
				}
				if got := imageLocs(x.Images); got != strings.Join(want, " ") {
					t.Errorf("%s: %s images %q, want %q", u.Path, x.Loc, got, want)
				}
			}
		}
		if months < 4 {
			t.Errorf("index names %d monthly sitemaps", months)
		}

		// The news sitemap: 48 hours, 1,000 URLs, newest first, both editions.
		w = do(h, "GET", "/sitemaps/news.xml", nil)
		var news imgURLSet
		if err := xml.Unmarshal(w.Body.Bytes(), &news); err != nil {
			t.Fatal(err)
		}
		if len(news.URLs) != 1000 {
			t.Errorf("news sitemap has %d URLs, want 1000", len(news.URLs))
		}
		var fr, en int
		for i, x := range news.URLs {
			at, err := time.Parse(time.RFC3339, x.Date)
			if err != nil || now.Sub(at) > 48*time.Hour {
				t.Errorf("news: %s published %q", x.Loc, x.Date)
			}
			if i > 0 && x.Date > news.URLs[i-1].Date {
				t.Errorf("news: %s is newer than the one before it", x.Loc)
			}
			if strings.Contains(x.Loc, "/fr/") {
				fr++
			} else {
				en++
			}
			if strings.HasSuffix(x.Loc, "/fr/culture/images") {
				if got := imageLocs(x.Images); got != bigURL+" "+smallURL {
					t.Errorf("news: images %q", got)
				}
			} else if len(x.Images) != 0 {
				t.Errorf("news: %s has images %+v", x.Loc, x.Images)
			}
		}
		if fr < 400 || en < 400 || news.URLs[0].Loc != "http://lede.test/fr/culture/images" {
			t.Errorf("news: %d fr, %d en, first %s", fr, en, news.URLs[0].Loc)
		}
		for _, u := range []string{bigURL, smallURL} {
			if c := do(h, "GET", strings.TrimPrefix(u, "http://lede.test"), nil).Code; c != 200 {
				t.Errorf("%s: %d", u, c)
			}
		}

		// A publication changes its month's lastmod in the index as soon as
		// its edition's pages are invalidated (as publishing does).
		upd := time.Date(2021, 1, 31, 23, 0, 0, 0, time.UTC)
		recs.Reset()
		rec("fr-late", "fr", "culture", "tardive", "Tardive", "Texte.", upd)
		if res, err := (&importer.Importer{DB: d}).Import(ctx, strings.NewReader(recs.String())); err != nil || res.Created != 1 {
			t.Fatalf("%+v %v", res, err)
		}
		h.Cache.Invalidate("edition:" + itoa(h.site.Load().byCode["fr"].ID))
		idx = lastmodIndex{}
		xml.Unmarshal(do(h, "GET", "/sitemap.xml", nil).Body.Bytes(), &idx)
		for _, s := range idx.Sitemaps {
			if strings.HasSuffix(s.Loc, "/fr-2021-01.xml") && s.LastMod != upd.Format(time.RFC3339) {
				t.Errorf("index: January 2021 lastmod %q after a publication at %s", s.LastMod, upd.Format(time.RFC3339))
			}
		}
	})
}

func imageLocs(imgs []struct {
	Loc string `xml:"http://www.google.com/schemas/sitemap-image/1.1 loc"`
}) string {
	var out []string
	for _, i := range imgs {
		out = append(out, i.Loc)
	}
	return strings.Join(out, " ")
}
