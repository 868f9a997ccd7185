package web

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/author"
	"github.com/lede-news/lede/internal/i18n"
	"github.com/lede-news/lede/internal/typo"
)

// Headers every reader page carries. No inline script or style: the CSP
// allows only our own files.
var (
	nosniff    = []string{"nosniff"}
	pageHeader = http.Header{
		"Content-Security-Policy": {"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
			"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"},
		"X-Content-Type-Options": nosniff,
		"Referrer-Policy":        {"strict-origin-when-cross-origin"},
	}
)

// page is what the layout needs on every page.
type page struct {
	Ed             *ed
	T              *i18n.Catalog
	Lang           string
	Title          string
	Description    string
	Canonical      string
	Robots         string
	Alternates     []alternate
	Feeds          []feedLink // autodiscovery
	Meta           []meta     // OpenGraph and Twitter card
	JSONLD         any        // schema.org data, written as JSON-LD
	Editions       []*ed
	CurrentSection int64
}

type alternate struct{ Lang, URL string }

func (h *Handler) base(e *ed, title, path string) page {
	if title != e.Name {
		title += " – " + e.Name
	}
	p := page{Ed: e, T: e.T, Lang: e.Lang, Title: title, Canonical: h.BaseURL + path, Editions: h.site.Load().editions,
		Feeds: feedLinks(e.Name, "/"+e.Code)}
	p.Meta = []meta{{Property: "og:site_name", Content: e.Name}, {Property: "og:locale", Content: ogLocale(e.Lang)},
		{Property: "og:url", Content: p.Canonical}, {Property: "og:title", Content: title},
		{Name: "twitter:card", Content: "summary"}, {Name: "twitter:title", Content: title}}
	return p
}

// describe sets the page's description in its head and its social cards.
func (p *page) describe(text string) {
	p.Description = text
	if text != "" {
		p.Meta = append(p.Meta, meta{Property: "og:description", Content: text}, meta{Name: "twitter:description", Content: text})
	}
}

// collectionLD marks a list page as a schema.org CollectionPage.
func (p *page) collectionLD(name string) {
	p.Meta = append(p.Meta, meta{Property: "og:type", Content: "website"})
	p.JSONLD = collection{Context: "https://schema.org", Type: "CollectionPage", Name: name,
		Description: p.Description, URL: p.Canonical, InLanguage: p.Lang}
}

// card is an article in a list.
type card struct {
	URL, Headline, Standfirst, Section, SectionURL string
	Date, DateISO, Byline, Views                   string
	Comments                                       string // "3 comments"; "" for none
}

// articleURL is the canonical path of an article, from the site snapshot.
func (s *site) articleURL(a article.Article) string {
	e := s.byID(a.EditionID)
	if e == nil {
		return ""
	}
	sec := e.sectionsID[a.SectionID]
	if sec == nil {
		return ""
	}
	return "/" + e.Code + "/" + sec.Slug + "/" + a.Slug
}

// cards turns articles into list entries with their bylines.
func (h *Handler) cards(ctx context.Context, e *ed, list []article.Article, standfirst bool) ([]card, error) {
	ids := make([]int64, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	bylines, err := h.authors.ForArticles(ctx, ids)
	if err != nil {
		return nil, err
	}
	counts, err := h.commentCounts(ctx, e, ids)
	if err != nil {
		return nil, err
	}
	s := h.site.Load()
	out := make([]card, 0, len(list))
	for _, a := range list {
		c := card{URL: s.articleURL(a), Headline: typo.Text(e.Lang, a.Headline),
			Date: e.T.Date(a.PublishedAt.In(e.Loc)), DateISO: a.PublishedAt.Format(time.RFC3339),
			Byline: names(bylines[a.ID]), Comments: counts[a.ID]}
		if standfirst {
			c.Standfirst = typo.Text(e.Lang, a.Standfirst)
		}
		if sec := e.sectionsID[a.SectionID]; sec != nil {
			c.Section, c.SectionURL = sec.Name, "/"+e.Code+"/"+sec.Slug
		}
		out = append(out, c)
	}
	return out, nil
}

func names(as []author.Author) string {
	n := make([]string, len(as))
	for i, a := range as {
		n[i] = a.Name
	}
	return strings.Join(n, ", ")
}

// pageNumber reads ?page=N: 1 when absent, an error when not a positive
// number.
func pageNumber(r *http.Request) (int, error) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100000 {
		return 0, errBadRequest
	}
	return n, nil
}

func slogRequest(r *http.Request) slog.Attr {
	return slog.Group("request", "method", r.Method, "path", r.URL.Path, "ua", r.UserAgent())
}
