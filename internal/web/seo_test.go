package web

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/importer"
	"github.com/lede-news/lede/internal/testdb"
)

// decoded sitemap documents, read back with the schema's namespaces.
type gotIndex struct {
	XMLName  xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []struct {
		Loc string `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 loc"`
	} `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemap"`
}

type gotURLSet struct {
	XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []struct {
		Loc     string `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 loc"`
		LastMod string `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 lastmod"`
		Alt     []struct {
			HrefLang string `xml:"hreflang,attr"`
			Href     string `xml:"href,attr"`
		} `xml:"http://www.w3.org/1999/xhtml link"`
		News *struct {
			Name  string `xml:"http://www.google.com/schemas/sitemap-news/0.9 publication>name"`
			Lang  string `xml:"http://www.google.com/schemas/sitemap-news/0.9 publication>language"`
			Date  string `xml:"http://www.google.com/schemas/sitemap-news/0.9 publication_date"`
			Title string `xml:"http://www.google.com/schemas/sitemap-news/0.9 title"`
		} `xml:"http://www.google.com/schemas/sitemap-news/0.9 news"`
	} `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 url"`
}

func TestSitemaps(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		h := newTestHandler(t, d)
		now := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
		rec := fmt.Sprintf(`{"type":"article","id":"fr-new","edition":"fr","section":"culture","slug":"breve","headline":"Une brève","body":"Texte.","authors":["claire-duval"],"published_at":%q}`, now)
		if res, _ := (&importer.Importer{DB: d}).Import(context.Background(), strings.NewReader(rec)); res.Created != 1 {
			t.Fatalf("%+v", res)
		}
		w := do(h, "GET", "/sitemap.xml", nil)
		var idx gotIndex
		if err := xml.Unmarshal(w.Body.Bytes(), &idx); err != nil || w.Code != 200 {
			t.Fatalf("index: %d %v", w.Code, err)
		}
		locs := map[string]bool{}
		for _, s := range idx.Sitemaps {
			locs[s.Loc] = true
		}
		month := "http://lede.test/sitemaps/fr-2021-01.xml"
		if !locs[month] || !locs["http://lede.test/sitemaps/news.xml"] || !locs["http://lede.test/sitemaps/en-2021-01.xml"] {
			t.Fatalf("index lacks sitemaps: %v", locs)
		}
		if this := "http://lede.test/sitemaps/fr-" + time.Now().UTC().Add(-time.Hour).Format("2006-01") + ".xml"; !locs[this] {
			t.Errorf("index lacks this month's sitemap %s", this)
		}
		if locs["http://lede.test/sitemaps/fr-2021-02.xml"] || locs["http://lede.test/sitemaps/en-2021-03.xml"] {
			t.Errorf("index names months without articles: %v", locs)
		}
		var set gotURLSet
		w = do(h, "GET", "/sitemaps/fr-2021-01.xml", nil)
		if err := xml.Unmarshal(w.Body.Bytes(), &set); err != nil {
			t.Fatal(err)
		}
		if len(set.URLs) != 2 {
			t.Fatalf("January 2021 has %d URLs, want 2", len(set.URLs))
		}
		for _, u := range set.URLs {
			if _, err := time.Parse(time.RFC3339, u.LastMod); err != nil || !strings.HasPrefix(u.Loc, "http://lede.test/fr/") {
				t.Errorf("url %+v", u)
			}
			if strings.HasSuffix(u.Loc, "prorogation-new-start") && (len(u.Alt) != 2 || u.Alt[1].HrefLang != "en") {
				t.Errorf("translated article lacks hreflang alternates: %+v", u.Alt)
			}
		}
		set = gotURLSet{}
		if err := xml.Unmarshal(do(h, "GET", "/sitemaps/news.xml", nil).Body.Bytes(), &set); err != nil {
			t.Fatal(err)
		}
		if len(set.URLs) != 1 || set.URLs[0].News == nil || set.URLs[0].News.Title != "Une brève" || set.URLs[0].News.Lang != "fr" || set.URLs[0].News.Name != "Lede" {
			t.Fatalf("news sitemap: %+v", set.URLs)
		}
		for _, bad := range []string{"/sitemaps/xx-2021-01.xml", "/sitemaps/fr-2021-13.xml", "/sitemaps/fr-9999-01.xml", "/sitemaps/fr.txt"} {
			if c := do(h, "GET", bad, nil).Code; c != 404 {
				t.Errorf("%s: %d", bad, c)
			}
		}
		if body := do(h, "GET", "/robots.txt", nil).Body.String(); !strings.Contains(body, "Sitemap: http://lede.test/sitemap.xml") {
			t.Errorf("robots.txt: %q", body)
		}
	})
}

func TestStructuredMetadata(t *testing.T) {
	d := testdb.SQLite(t)
	h := newTestHandler(t, d)
	body := do(h, "GET", "/fr/defense/prorogation-new-start", nil).Body.String()
	m := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no JSON-LD")
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Fatalf("JSON-LD does not parse: %v\n%s", err, m[1])
	}
	for _, k := range []string{"headline", "datePublished", "dateModified", "author", "publisher", "inLanguage", "isAccessibleForFree"} {
		if _, ok := ld[k]; !ok {
			t.Errorf("NewsArticle lacks %s", k)
		}
	}
	if ld["@type"] != "NewsArticle" || ld["inLanguage"] != "fr" || ld["dateModified"] != "2021-01-25T15:10:00Z" {
		t.Errorf("NewsArticle %v", ld)
	}
	authors := ld["author"].([]any)
	if a := authors[0].(map[string]any); a["name"] != "Claire Duval" || a["url"] != "http://lede.test/fr/authors/claire-duval" {
		t.Errorf("author %v", a)
	}
	if p := ld["publisher"].(map[string]any); p["logo"].(map[string]any)["url"] == "" {
		t.Error("publisher without logo")
	}
	for _, want := range []string{`property="og:type" content="article"`, `property="og:locale" content="fr_FR"`,
		`property="article:published_time" content="2021-01-25T13:03:00Z"`, `name="twitter:card" content="summary"`,
		`hreflang="en" href="http://lede.test/en/defense/security-advisers-talk"`, `type="application/json&#43;oembed"`} {
		if !strings.Contains(body, want) {
			t.Errorf("article head lacks %s", want)
		}
	}
	if home := do(h, "GET", "/fr/", nil).Body.String(); !strings.Contains(home, `"@type":"CollectionPage"`) {
		t.Error("home lacks CollectionPage JSON-LD")
	}
	// A headline cannot break out of the JSON-LD script.
	rec := `{"type":"article","id":"fr-x","edition":"fr","section":"culture","slug":"x","headline":"</script><script>alert(1)</script>","body":"b","authors":["claire-duval"],"published_at":"2021-01-10T10:00:00Z"}`
	(&importer.Importer{DB: d}).Import(context.Background(), strings.NewReader(rec))
	if b := do(h, "GET", "/fr/culture/x", nil).Body.String(); strings.Contains(b, "<script>alert(1)") {
		t.Error("headline escaped the JSON-LD block")
	}
}

func TestOEmbed(t *testing.T) {
	d := testdb.SQLite(t)
	h := newTestHandler(t, d)
	page := "http://lede.test/fr/defense/prorogation-new-start"
	w := do(h, "GET", "/oembed?format=json&url="+url.QueryEscape(page), nil)
	var o map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &o); err != nil || w.Code != 200 {
		t.Fatalf("%d %v %s", w.Code, err, w.Body)
	}
	if o["version"] != "1.0" || o["type"] != "link" || o["title"] != "Les conseillers évoquent la prorogation du traité" || o["provider_name"] != "Lede" {
		t.Fatalf("oEmbed %v", o)
	}
	a, err := h.articles.Published(context.Background(), h.site.Load().byCode["fr"].ID, "prorogation-new-start")
	if err != nil {
		t.Fatal(err)
	}
	w = do(h, "GET", "/oembed?url="+url.QueryEscape("http://lede.test/s/"+a.Shortcode), nil)
	if err := json.Unmarshal(w.Body.Bytes(), &o); err != nil || w.Code != 200 || o["title"] != "Les conseillers évoquent la prorogation du traité" {
		t.Fatalf("oEmbed of the short link: %d %v %s", w.Code, err, w.Body)
	}
	for q, want := range map[string]int{
		"url=" + url.QueryEscape("http://lede.test/s/zzzzzz"):                             404,
		"url=" + url.QueryEscape("https://evil.example/fr/defense/prorogation-new-start"): 404,
		"url=" + url.QueryEscape("http://lede.test/fr/defense/nope"):                      404,
		"url=" + url.QueryEscape(page) + "&format=xml":                                    501,
		"url=%zz": 400,
		"":        400,
	} {
		if c := do(h, "GET", "/oembed?"+q, nil).Code; c != want {
			t.Errorf("/oembed?%s = %d, want %d", html.EscapeString(q), c, want)
		}
	}
}
