package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

func sample() *Feed {
	pub := time.Date(2021, 1, 25, 13, 3, 0, 0, time.UTC)
	return &Feed{ID: "tag:lede.test,2026:/fr/", Title: "Lede – Défense", Description: "Défense & sécurité", Lang: "fr",
		HomeURL: "http://lede.test/fr/defense", FeedURL: "http://lede.test/fr/defense/feed.xml",
		Items: []Item{
			{ID: "tag:lede.test,2021-01-25:article:7", URL: "http://lede.test/fr/defense/new-start", Title: "« New START » : l’appel",
				Summary: "Un premier appel <important> & bref.", ContentHTML: `<p>Texte <a href="https://x.org/?a=1&amp;b=2">lien</a>]]></p>`,
				Published: pub, Updated: pub.Add(2 * time.Hour), Authors: []Person{{"Claire Duval", "http://lede.test/fr/authors/claire-duval"}},
				Tags: []string{"Russie", "New START"}, Image: &Image{URL: "http://lede.test/media/4/1024", Type: "image/jpeg",
					Length: 48213, Width: 1024, Height: 683, Alt: "Signature du traité & poignée de main"}},
			{ID: "tag:lede.test,2021-01-20:article:3", URL: "http://lede.test/fr/defense/otan", Title: "OTAN", Summary: "Résumé",
				Published: pub.Add(-120 * time.Hour), Authors: []Person{{"Agence Horizon Presse", ""}}},
		}}
}

func parse(t *testing.T, b []byte) *gofeed.Feed {
	t.Helper()
	f, err := gofeed.NewParser().ParseString(string(b))
	if err != nil {
		t.Fatalf("gofeed: %v\n%s", err, b)
	}
	return f
}

func checkParsed(t *testing.T, f *gofeed.Feed, full bool) {
	t.Helper()
	want := sample()
	if f.Title != want.Title || f.Language != "fr" || len(f.Items) != 2 {
		t.Fatalf("feed: title %q lang %q items %d", f.Title, f.Language, len(f.Items))
	}
	it := f.Items[0]
	if it.Title != want.Items[0].Title || it.Link != want.Items[0].URL || it.GUID != want.Items[0].ID {
		t.Errorf("item: %q %q %q", it.Title, it.Link, it.GUID)
	}
	if it.PublishedParsed == nil || !it.PublishedParsed.Equal(want.Items[0].Published) {
		t.Errorf("published %v", it.PublishedParsed)
	}
	if len(it.Authors) == 0 || it.Authors[0].Name != "Claire Duval" {
		t.Errorf("authors %v", it.Authors)
	}
	if full && !strings.Contains(it.Content, `href="https://x.org/?a=1&amp;b=2"`) {
		t.Errorf("content %q", it.Content)
	}
	if len(it.Categories) != 2 {
		t.Errorf("categories %v", it.Categories)
	}
	// The lead image as an enclosure, absolute, with its size and type;
	// the second item has none.
	if len(it.Enclosures) != 1 || it.Enclosures[0].URL != "http://lede.test/media/4/1024" ||
		it.Enclosures[0].Length != "48213" || it.Enclosures[0].Type != "image/jpeg" {
		t.Errorf("enclosures %+v", it.Enclosures)
	}
	if len(f.Items[1].Enclosures) != 0 {
		t.Errorf("second item enclosures %+v", f.Items[1].Enclosures)
	}
}

func TestRSS(t *testing.T) {
	b, err := RSS(sample())
	if err != nil {
		t.Fatal(err)
	}
	wellFormed(t, b)
	f := parse(t, b)
	if f.FeedType != "rss" || f.FeedVersion != "2.0" {
		t.Fatalf("type %s %s", f.FeedType, f.FeedVersion)
	}
	checkParsed(t, f, true)
	// Media RSS repeats it with its dimensions and alt text.
	mc := f.Items[0].Extensions["media"]["content"]
	if len(mc) != 1 || mc[0].Attrs["url"] != "http://lede.test/media/4/1024" || mc[0].Attrs["medium"] != "image" ||
		mc[0].Attrs["width"] != "1024" || mc[0].Attrs["fileSize"] != "48213" ||
		len(mc[0].Children["description"]) != 1 || mc[0].Children["description"][0].Value != "Signature du traité & poignée de main" {
		t.Errorf("media:content %+v", mc)
	}
	if !bytes.Contains(b, []byte(`<enclosure url="http://lede.test/media/4/1024" length="48213" type="image/jpeg"></enclosure>`)) {
		t.Errorf("RSS enclosure not as RSS 2.0 writes it:\n%s", b)
	}
}

func TestAtom(t *testing.T) {
	b, err := Atom(sample())
	if err != nil {
		t.Fatal(err)
	}
	wellFormed(t, b)
	f := parse(t, b)
	if f.FeedType != "atom" {
		t.Fatalf("type %s", f.FeedType)
	}
	checkParsed(t, f, true)
	if f.Items[0].UpdatedParsed == nil || !f.Items[0].UpdatedParsed.Equal(sample().Items[0].Updated) {
		t.Errorf("updated %v", f.Items[0].UpdatedParsed)
	}
	// RFC 4287: the feed has id, title, updated; each entry id, title, updated, and an author.
	for _, need := range []string{"<id>tag:lede.test,2026:/fr/</id>", "<updated>2021-01-25T15:03:00Z</updated>", `rel="self"`} {
		if !bytes.Contains(b, []byte(need)) {
			t.Errorf("Atom lacks %s", need)
		}
	}
}

func TestJSONFeed(t *testing.T) {
	b, err := JSON(sample())
	if err != nil {
		t.Fatal(err)
	}
	f := parse(t, b)
	if f.FeedType != "json" {
		t.Fatalf("type %s", f.FeedType)
	}
	checkParsed(t, f, true)
	if f.Items[0].Image == nil || f.Items[0].Image.URL != "http://lede.test/media/4/1024" || f.Items[1].Image != nil {
		t.Errorf("image %+v", f.Items[0].Image)
	}
	// The spec's rules: version URL, title, items with id and content.
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["version"] != "https://jsonfeed.org/version/1.1" || doc["title"] == "" {
		t.Fatalf("top level %v", doc)
	}
	for _, raw := range doc["items"].([]any) {
		it := raw.(map[string]any)
		_, html := it["content_html"]
		_, text := it["content_text"]
		if it["id"] == "" || (!html && !text) {
			t.Errorf("item breaks JSON Feed 1.1: %v", it)
		}
		if _, err := time.Parse(time.RFC3339, it["date_published"].(string)); err != nil {
			t.Errorf("date_published: %v", err)
		}
		// An attachment needs url and mime_type; size_in_bytes is a number.
		if atts, ok := it["attachments"].([]any); ok {
			for _, raw := range atts {
				a := raw.(map[string]any)
				if a["url"] == "" || a["mime_type"] != "image/jpeg" || a["size_in_bytes"] != float64(48213) {
					t.Errorf("attachment breaks JSON Feed 1.1: %v", a)
				}
			}
		}
	}
}

func wellFormed(t *testing.T, b []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed XML: %v", err)
			}
			return
		}
	}
}
