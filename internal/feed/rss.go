package feed

import (
	"encoding/xml"
	"time"
)

type rss struct {
	XMLName   xml.Name   `xml:"rss"`
	Version   string     `xml:"version,attr"`
	AtomNS    string     `xml:"xmlns:atom,attr"`
	ContentNS string     `xml:"xmlns:content,attr"`
	DCNS      string     `xml:"xmlns:dc,attr"`
	MediaNS   string     `xml:"xmlns:media,attr"`
	Channel   rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language,omitempty"`
	LastBuildDate string    `xml:"lastBuildDate,omitempty"`
	Self          atomLink  `xml:"atom:link"`
	Items         []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string   `xml:"title"`
	Link        string   `xml:"link"`
	GUID        rssGUID  `xml:"guid"`
	PubDate     string   `xml:"pubDate"`
	Description string   `xml:"description,omitempty"`
	Content     *cdata   `xml:"content:encoded,omitempty"`
	Creators    []string `xml:"dc:creator"`
	Categories  []string `xml:"category"`
	Enclosure   *rssEnclosure
	Media       *mediaContent
}

type rssEnclosure struct {
	XMLName xml.Name `xml:"enclosure"`
	URL     string   `xml:"url,attr"`
	Length  int64    `xml:"length,attr"`
	Type    string   `xml:"type,attr"`
}

// mediaContent is Media RSS's <media:content>, which also carries the
// image's size and description.
type mediaContent struct {
	XMLName  xml.Name `xml:"media:content"`
	URL      string   `xml:"url,attr"`
	Type     string   `xml:"type,attr"`
	Medium   string   `xml:"medium,attr"`
	FileSize int64    `xml:"fileSize,attr"`
	Width    int      `xml:"width,attr,omitempty"`
	Height   int      `xml:"height,attr,omitempty"`
	Desc     *mediaText
}

type mediaText struct {
	XMLName xml.Name `xml:"media:description"`
	Type    string   `xml:"type,attr"`
	Value   string   `xml:",chardata"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type cdata struct {
	Value string `xml:",cdata"`
}

type atomLink struct {
	Href   string `xml:"href,attr"`
	Rel    string `xml:"rel,attr,omitempty"`
	Type   string `xml:"type,attr,omitempty"`
	Length int64  `xml:"length,attr,omitempty"`
}

// RSS returns the feed as RSS 2.0 with the content and Dublin Core modules.
func RSS(f *Feed) ([]byte, error) {
	doc := rss{Version: "2.0", AtomNS: "http://www.w3.org/2005/Atom",
		ContentNS: "http://purl.org/rss/1.0/modules/content/", DCNS: "http://purl.org/dc/elements/1.1/",
		MediaNS: "http://search.yahoo.com/mrss/",
		Channel: rssChannel{Title: f.Title, Link: f.HomeURL, Description: f.Description, Language: f.Lang,
			Self: atomLink{Href: f.FeedURL, Rel: "self", Type: "application/rss+xml"}}}
	if latest := f.Latest(); !latest.IsZero() {
		doc.Channel.LastBuildDate = latest.UTC().Format(time.RFC1123Z)
	}
	if doc.Channel.Description == "" {
		doc.Channel.Description = f.Title
	}
	for _, it := range f.Items {
		ri := rssItem{Title: it.Title, Link: it.URL, GUID: rssGUID{"false", it.ID},
			PubDate: it.Published.UTC().Format(time.RFC1123Z), Description: it.Summary, Categories: it.Tags}
		if it.ContentHTML != "" {
			ri.Content = &cdata{it.ContentHTML}
		}
		for _, a := range it.Authors {
			ri.Creators = append(ri.Creators, a.Name)
		}
		if im := it.Image; im != nil {
			ri.Enclosure = &rssEnclosure{URL: im.URL, Length: im.Length, Type: im.Type}
			ri.Media = &mediaContent{URL: im.URL, Type: im.Type, Medium: "image", FileSize: im.Length, Width: im.Width, Height: im.Height}
			if im.Alt != "" {
				ri.Media.Desc = &mediaText{Type: "plain", Value: im.Alt}
			}
		}
		doc.Channel.Items = append(doc.Channel.Items, ri)
	}
	return marshalXML(doc)
}

func marshalXML(v any) ([]byte, error) {
	b, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}
