// Package importer loads editions, sections, authors, tags and articles from
// NDJSON (docs/import.md). Each record is validated and written in its own
// transaction, so a bad line writes nothing and the others still load.
package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/lede-news/lede/internal/article"
)

// Record is one line of an import file; Type says which fields apply.
type Record struct {
	Type string `json:"type"`

	// edition
	Code     string `json:"code,omitempty"`
	Name     string `json:"name,omitempty"`
	Lang     string `json:"lang,omitempty"`
	Timezone string `json:"timezone,omitempty"`
	Tagline  string `json:"tagline,omitempty"`
	Conduct  string `json:"conduct,omitempty"`
	Default  bool   `json:"default,omitempty"`
	// FeedSummary makes the edition's feeds carry standfirsts, not full text.
	FeedSummary bool `json:"feed_summary,omitempty"`

	// section, tag, article
	Edition  string `json:"edition,omitempty"`
	Slug     string `json:"slug,omitempty"`
	Position int    `json:"position,omitempty"`

	// author
	Bio    map[string]string `json:"bio,omitempty"`
	Agency bool              `json:"agency,omitempty"`
	Photo  string            `json:"photo,omitempty"`

	// tag
	LongName    string `json:"long_name,omitempty"`
	Description string `json:"description,omitempty"`

	// article
	ID             string   `json:"id,omitempty"`
	Section        string   `json:"section,omitempty"`
	Headline       string   `json:"headline,omitempty"`
	Standfirst     string   `json:"standfirst,omitempty"`
	Body           string   `json:"body,omitempty"`
	Dateline       string   `json:"dateline,omitempty"`
	Authors        []string `json:"authors,omitempty"`
	Tags           []string `json:"tags,omitempty"`
	PublishedAt    string   `json:"published_at,omitempty"`
	UpdatedAt      string   `json:"updated_at,omitempty"`
	Top            bool     `json:"top,omitempty"`
	TranslationOf  string   `json:"translation_of,omitempty"`
	RelatedPin     []string `json:"related_pin,omitempty"`
	RelatedExclude []string `json:"related_exclude,omitempty"`
}

var (
	codeRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]{2})?$`)
	idRE   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$`)
)

// Decode parses one line strictly: unknown fields and trailing data are
// errors, so a typo in a field name is reported rather than ignored.
func Decode(line []byte) (Record, error) {
	var r Record
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return r, fmt.Errorf("invalid JSON: %w", err)
	}
	if dec.More() {
		return r, errors.New("invalid JSON: more than one value on the line")
	}
	return r, r.validate()
}

func (r *Record) validate() error {
	errs := article.Errors{}
	need := func(field, v string) {
		if strings.TrimSpace(v) == "" {
			errs[field] = "is required"
		}
	}
	slug := func(field, v string) {
		if !article.ValidSlug(v) {
			errs[field] = "must be lowercase letters, digits and single hyphens"
		}
	}
	switch r.Type {
	case "edition":
		if !codeRE.MatchString(r.Code) {
			errs["code"] = "must look like fr or fr-ca"
		}
		need("name", r.Name)
		if _, err := language.Parse(r.Lang); err != nil || r.Lang == "" {
			errs["lang"] = "must be a BCP 47 language tag such as fr or en-GB"
		}
		if _, err := time.LoadLocation(r.Timezone); err != nil || r.Timezone == "" || r.Timezone == "Local" {
			errs["timezone"] = "must be an IANA time zone such as Europe/Paris"
		}
	case "section":
		need("edition", r.Edition)
		slug("slug", r.Slug)
		if article.Reserved[r.Slug] {
			errs["slug"] = "is reserved for the edition's own pages"
		}
		need("name", r.Name)
	case "author":
		slug("slug", r.Slug)
		need("name", r.Name)
		if r.Photo != "" && (!strings.HasPrefix(r.Photo, "/") || strings.HasPrefix(r.Photo, "//")) {
			errs["photo"] = "must be a site-relative URL starting with /"
		}
	case "tag":
		need("edition", r.Edition)
		slug("slug", r.Slug)
		need("name", r.Name)
	case "article":
		if !idRE.MatchString(r.ID) {
			errs["id"] = "is required: letters, digits, . _ : - (at most 128)"
		}
		need("edition", r.Edition)
		need("section", r.Section)
		if len(r.Authors) == 0 {
			errs["authors"] = "needs at least one author or agency"
		}
		for field, v := range map[string]string{"published_at": r.PublishedAt, "updated_at": r.UpdatedAt} {
			if _, err := parseTime(v); err != nil {
				errs[field] = err.Error()
			}
		}
		if r.PublishedAt == "" {
			errs["published_at"] = "is required (RFC 3339, e.g. 2026-11-20T14:03:00Z)"
		}
		a := r.Article()
		if err := a.Validate(); err != nil {
			for k, v := range err.(article.Errors) {
				if _, ok := errs[k]; !ok {
					errs[k] = v
				}
			}
		}
	case "":
		errs["type"] = "is required"
	default:
		errs["type"] = fmt.Sprintf("%q is not one of edition, section, author, tag, article", r.Type)
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Article returns the article fields of an article record.
func (r *Record) Article() article.Article {
	a := article.Article{
		ExternalID: r.ID, Slug: r.Slug, Headline: strings.TrimSpace(r.Headline),
		Standfirst: strings.TrimSpace(r.Standfirst), BodyMD: r.Body, Dateline: strings.TrimSpace(r.Dateline),
		Status: article.StatusPublished, Top: r.Top,
	}
	a.PublishedAt, _ = parseTime(r.PublishedAt)
	a.UpdatedAt, _ = parseTime(r.UpdatedAt)
	return a
}

// parseTime reads an RFC 3339 time; empty is the zero time.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, fmt.Errorf("%q is not an RFC 3339 time such as 2026-11-20T14:03:00Z", s)
	}
	return t.UTC(), nil
}
