package feed

import (
	"bytes"
	"encoding/json"
	"time"
)

type jsonFeed struct {
	Version     string     `json:"version"`
	Title       string     `json:"title"`
	HomePageURL string     `json:"home_page_url"`
	FeedURL     string     `json:"feed_url"`
	Description string     `json:"description,omitempty"`
	Language    string     `json:"language,omitempty"`
	Items       []jsonItem `json:"items"`
}

type jsonItem struct {
	ID            string       `json:"id"`
	URL           string       `json:"url"`
	Title         string       `json:"title"`
	ContentHTML   string       `json:"content_html,omitempty"`
	ContentText   string       `json:"content_text,omitempty"`
	Summary       string       `json:"summary,omitempty"`
	DatePublished string       `json:"date_published"`
	DateModified  string       `json:"date_modified,omitempty"`
	Authors       []jsonAuthor `json:"authors,omitempty"`
	Tags          []string     `json:"tags,omitempty"`
	Language      string       `json:"language,omitempty"`
	Image         string       `json:"image,omitempty"`
	Attachments   []jsonAttach `json:"attachments,omitempty"`
}

type jsonAttach struct {
	URL      string `json:"url"`
	MimeType string `json:"mime_type"`
	Title    string `json:"title,omitempty"`
	Size     int64  `json:"size_in_bytes,omitempty"`
}

type jsonAuthor struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// JSON returns the feed as JSON Feed 1.1. An item needs content_html or
// content_text: a summary-only feed repeats the summary as text.
func JSON(f *Feed) ([]byte, error) {
	doc := jsonFeed{Version: "https://jsonfeed.org/version/1.1", Title: f.Title, HomePageURL: f.HomeURL,
		FeedURL: f.FeedURL, Description: f.Description, Language: f.Lang, Items: []jsonItem{}}
	for _, it := range f.Items {
		ji := jsonItem{ID: it.ID, URL: it.URL, Title: it.Title, ContentHTML: it.ContentHTML, Summary: it.Summary,
			DatePublished: it.Published.UTC().Format(time.RFC3339), Tags: it.Tags, Language: f.Lang}
		if ji.ContentHTML == "" {
			ji.ContentText = it.Summary
			if ji.ContentText == "" {
				ji.ContentText = it.Title
			}
		}
		if !it.Updated.IsZero() {
			ji.DateModified = it.Updated.UTC().Format(time.RFC3339)
		}
		for _, a := range it.Authors {
			ji.Authors = append(ji.Authors, jsonAuthor{a.Name, a.URL})
		}
		if im := it.Image; im != nil {
			ji.Image = im.URL
			ji.Attachments = []jsonAttach{{URL: im.URL, MimeType: im.Type, Title: im.Alt, Size: im.Length}}
		}
		doc.Items = append(doc.Items, ji)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(doc)
	return buf.Bytes(), err
}
