package feed

import (
	"encoding/xml"
	"time"
)

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr,omitempty"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Sub     string      `xml:"subtitle,omitempty"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Links      []atomLink     `xml:"link"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Content    *atomText      `xml:"content,omitempty"`
	Authors    []atomPerson   `xml:"author"`
	Categories []atomCategory `xml:"category"`
}

type atomText struct {
	Type  string `xml:"type,attr,omitempty"`
	Value string `xml:",chardata"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

// Atom returns the feed as an Atom 1.0 document.
func Atom(f *Feed) ([]byte, error) {
	updated := f.Latest()
	if updated.IsZero() {
		updated = f.Updated
	}
	doc := atomFeed{Lang: f.Lang, ID: f.ID, Title: f.Title, Sub: f.Description, Updated: stamp(updated),
		Links: []atomLink{{Href: f.FeedURL, Rel: "self", Type: "application/atom+xml"}, {Href: f.HomeURL, Rel: "alternate", Type: "text/html"}}}
	for _, it := range f.Items {
		e := atomEntry{ID: it.ID, Title: it.Title, Links: []atomLink{{Href: it.URL, Rel: "alternate", Type: "text/html"}},
			Published: stamp(it.Published), Updated: stamp(max(it.Published, it.Updated))}
		if it.Summary != "" {
			e.Summary = &atomText{Type: "text", Value: it.Summary}
		}
		if it.ContentHTML != "" {
			e.Content = &atomText{Type: "html", Value: it.ContentHTML}
		}
		for _, a := range it.Authors {
			e.Authors = append(e.Authors, atomPerson{a.Name, a.URL})
		}
		if im := it.Image; im != nil {
			e.Links = append(e.Links, atomLink{Href: im.URL, Rel: "enclosure", Type: im.Type, Length: im.Length})
		}
		for _, t := range it.Tags {
			e.Categories = append(e.Categories, atomCategory{t})
		}
		doc.Entries = append(doc.Entries, e)
	}
	return marshalXML(doc)
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func max(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
