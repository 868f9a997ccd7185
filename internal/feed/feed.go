// Package feed writes a list of articles as RSS 2.0, Atom (RFC 4287) and
// JSON Feed 1.1. It knows nothing of HTTP or the database: the web package
// fills a Feed and picks the format.
package feed

import "time"

// Feed is a channel: an edition, a section, a tag or an author.
type Feed struct {
	ID          string // stable IRI, e.g. tag:example.org,2026:/fr/defense
	Title       string
	Description string
	Lang        string
	HomeURL     string // the HTML page of the list
	FeedURL     string // this feed
	Updated     time.Time
	Items       []Item
}

// Item is one article.
type Item struct {
	ID          string // stable across edits: built from the article id
	URL         string
	Title       string
	Summary     string // plain text
	ContentHTML string // empty when the feed gives summaries only
	Published   time.Time
	Updated     time.Time
	Authors     []Person
	Tags        []string
	Image       *Image // the lead image, or nil
}

// Image is an item's lead image, given as an enclosure (RSS), an enclosure
// link (Atom) and image plus attachment (JSON Feed).
type Image struct {
	URL           string // absolute
	Type          string // MIME type of the bytes at URL
	Length        int64  // their size
	Width, Height int
	Alt           string
}

// Person is a byline.
type Person struct{ Name, URL string }

// Latest is the newest publication or update among the items.
func (f *Feed) Latest() time.Time {
	var t time.Time
	for _, it := range f.Items {
		if it.Updated.After(t) {
			t = it.Updated
		}
		if it.Published.After(t) {
			t = it.Published
		}
	}
	return t
}
