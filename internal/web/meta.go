package web

import (
	"net/url"
	"strings"
	"time"
)

// meta is one <meta> tag: OpenGraph tags use property, others name.
type meta struct{ Property, Name, Content string }

// ogLocale turns a BCP 47 tag into OpenGraph's ll_CC form.
func ogLocale(lang string) string {
	switch base, region, _ := strings.Cut(lang, "-"); {
	case region != "":
		return base + "_" + strings.ToUpper(region)
	case base == "en":
		return "en_GB"
	default:
		return base + "_" + strings.ToUpper(base)
	}
}

// newsArticle is schema.org NewsArticle as JSON-LD.
type newsArticle struct {
	Context       string         `json:"@context"`
	Type          string         `json:"@type"`
	Headline      string         `json:"headline"`
	Description   string         `json:"description,omitempty"`
	URL           string         `json:"url"`
	MainEntity    string         `json:"mainEntityOfPage"`
	Image         []string       `json:"image,omitempty"`
	DatePublished string         `json:"datePublished"`
	DateModified  string         `json:"dateModified"`
	Author        []ldThing      `json:"author"`
	Publisher     ldPublisher    `json:"publisher"`
	InLanguage    string         `json:"inLanguage"`
	Section       string         `json:"articleSection,omitempty"`
	Keywords      []string       `json:"keywords,omitempty"`
	Free          bool           `json:"isAccessibleForFree"`
	Translations  []ldTranslated `json:"workTranslation,omitempty"`
	Dateline      string         `json:"dateline,omitempty"`
}

type ldThing struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type ldPublisher struct {
	Type string  `json:"@type"`
	Name string  `json:"name"`
	URL  string  `json:"url"`
	Logo ldImage `json:"logo"`
}

type ldImage struct {
	Type string `json:"@type"`
	URL  string `json:"url"`
}

type ldTranslated struct {
	Type       string `json:"@type"`
	URL        string `json:"url"`
	InLanguage string `json:"inLanguage"`
}

// collection is schema.org CollectionPage, for home, section, tag and
// author pages.
type collection struct {
	Context     string `json:"@context"`
	Type        string `json:"@type"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	URL         string `json:"url"`
	InLanguage  string `json:"inLanguage"`
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func oembedURL(base, page string) string {
	return base + "/oembed?format=json&url=" + url.QueryEscape(page)
}
