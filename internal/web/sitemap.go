package web

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/media"
	"github.com/lede-news/lede/internal/pagecache"
)

// Sitemaps: an index at /sitemap.xml naming one sitemap per edition and
// month (/sitemaps/fr-2026-11.xml) and a news sitemap of the last 48 hours
// (/sitemaps/news.xml), per sitemaps.org and Google's news extension.
// Article URLs carry image entries (Google's image extension) for our own
// images in their bodies. The schemas in testdata/xsd check all of them.

const sitemapTTL = 5 * time.Minute

const (
	newsWindow     = 48 * time.Hour // the news sitemap lists articles this recent
	newsMaxURLs    = 1000           // and at most this many (the news extension's limit)
	maxImagesURL   = 1000           // image entries per URL (the image extension's limit)
	imageSitemapNS = "http://www.google.com/schemas/sitemap-image/1.1"
)

var xmlType = "application/xml; charset=utf-8"

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapRef `xml:"sitemap"`
}

type sitemapRef struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type urlSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	XHTML   string       `xml:"xmlns:xhtml,attr,omitempty"`
	News    string       `xml:"xmlns:news,attr,omitempty"`
	Image   string       `xml:"xmlns:image,attr,omitempty"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc        string       `xml:"loc"`
	LastMod    string       `xml:"lastmod,omitempty"`
	Alternates []xhtmlLink  `xml:"xhtml:link"`
	News       *newsEntry   `xml:"news:news"`
	Images     []imageEntry `xml:"image:image"`
}

type imageEntry struct {
	Loc string `xml:"image:loc"`
}

type xhtmlLink struct {
	Rel      string `xml:"rel,attr"`
	HrefLang string `xml:"hreflang,attr"`
	Href     string `xml:"href,attr"`
}

type newsEntry struct {
	Publication struct {
		Name     string `xml:"news:name"`
		Language string `xml:"news:language"`
	} `xml:"news:publication"`
	Date  string `xml:"news:publication_date"`
	Title string `xml:"news:title"`
}

func (h *Handler) prepareXML(v any, tags []string, lastMod time.Time) (*pagecache.Page, error) {
	return h.prepareXMLFor(v, tags, lastMod, sitemapTTL)
}

func (h *Handler) prepareXMLFor(v any, tags []string, lastMod time.Time, ttl time.Duration) (*pagecache.Page, error) {
	b, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	body := append([]byte(xml.Header), append(b, '\n')...)
	return pagecache.Prepare(body, pagecache.Options{ContentType: xmlType, Tags: tags, TTL: ttl,
		LastModified: lastMod, Header: http.Header{"X-Content-Type-Options": nosniff}}), nil
}

func (h *Handler) sitemapIndex(w http.ResponseWriter, r *http.Request) error {
	return h.cached(w, r, "/sitemap.xml", func(ctx context.Context) (*pagecache.Page, error) {
		months, err := h.articles.Months(ctx)
		if err != nil {
			return nil, err
		}
		idx := sitemapIndex{Sitemaps: []sitemapRef{{Loc: h.BaseURL + "/sitemaps/news.xml"}}}
		// Publishing changes a month's lastmod (or adds a month): the index
		// goes with its editions' pages as well as with the site settings.
		tags := []string{"site"}
		for _, e := range h.site.Load().editions {
			tags = append(tags, "edition:"+itoa(e.ID))
			for _, m := range months[e.ID] {
				idx.Sitemaps = append(idx.Sitemaps, sitemapRef{Loc: fmt.Sprintf("%s/sitemaps/%s-%s.xml", h.BaseURL, e.Code, m.Start.Format("2006-01")),
					LastMod: m.LastMod.Format(time.RFC3339)})
			}
		}
		return h.prepareXML(idx, tags, time.Time{})
	})
}

// sitemapFile serves /sitemaps/news.xml and /sitemaps/{ed}-{yyyy}-{mm}.xml.
func (h *Handler) sitemapFile(w http.ResponseWriter, r *http.Request) error {
	name, ok := strings.CutSuffix(r.PathValue("name"), ".xml")
	if !ok {
		return errNotFound
	}
	if name == "news" {
		return h.cached(w, r, r.URL.Path, h.newsSitemap)
	}
	code, month, ok := strings.Cut(name, "-")
	e := h.site.Load().byCode[code]
	if !ok || e == nil {
		return errNotFound
	}
	start, err := time.Parse("2006-01", month)
	if err != nil || start.After(time.Now()) || start.Year() < 1990 {
		return errNotFound
	}
	return h.cached(w, r, r.URL.Path, func(ctx context.Context) (*pagecache.Page, error) {
		return h.monthSitemap(ctx, e, start)
	})
}

func (h *Handler) monthSitemap(ctx context.Context, e *ed, start time.Time) (*pagecache.Page, error) {
	list, err := h.articles.List(ctx, article.Query{EditionID: e.ID, From: start, To: start.AddDate(0, 1, 0), Limit: 50000, WithBody: true})
	if err != nil {
		return nil, err
	}
	set := urlSet{XHTML: "http://www.w3.org/1999/xhtml", Image: imageSitemapNS}
	s := h.site.Load()
	var latest time.Time
	imgs := sitemapImages{}
	for _, a := range list {
		mod := a.PublishedAt
		if a.UpdatedAt.After(mod) {
			mod = a.UpdatedAt
		}
		if mod.After(latest) {
			latest = mod
		}
		u := sitemapURL{Loc: h.BaseURL + s.articleURL(a), LastMod: mod.Format(time.RFC3339)}
		if u.Images, err = h.articleImages(ctx, a, imgs); err != nil {
			return nil, err
		}
		trs, err := h.articles.Translations(ctx, a)
		if err != nil {
			return nil, err
		}
		if len(trs) > 0 {
			u.Alternates = append(u.Alternates, xhtmlLink{"alternate", e.Lang, u.Loc})
			for _, t := range trs {
				if te := s.byID(t.EditionID); te != nil {
					u.Alternates = append(u.Alternates, xhtmlLink{"alternate", te.Lang, h.BaseURL + s.articleURL(t)})
				}
			}
		}
		set.URLs = append(set.URLs, u)
	}
	sort.SliceStable(set.URLs, func(i, j int) bool { return set.URLs[i].Loc < set.URLs[j].Loc })
	return h.prepareXML(set, []string{"edition:" + itoa(e.ID)}, latest)
}

// newsSitemap lists the articles of the last 48 hours, newest first, at
// most 1,000 across editions. The page expires when its oldest article
// leaves the window (or after sitemapTTL, whichever comes first).
func (h *Handler) newsSitemap(ctx context.Context) (*pagecache.Page, error) {
	set := urlSet{News: "http://www.google.com/schemas/sitemap-news/0.9", Image: imageSitemapNS}
	s := h.site.Load()
	now := time.Now()
	var tags []string
	var all []article.Article
	for _, e := range s.editions {
		tags = append(tags, "edition:"+itoa(e.ID))
		list, err := h.articles.List(ctx, article.Query{EditionID: e.ID, From: now.Add(-newsWindow), To: now.Add(time.Second),
			Limit: newsMaxURLs, WithBody: true})
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].PublishedAt.After(all[j].PublishedAt) })
	all = all[:min(len(all), newsMaxURLs)]
	ttl := sitemapTTL
	if len(all) > 0 {
		ttl = min(ttl, max(all[len(all)-1].PublishedAt.Add(newsWindow).Sub(now), time.Second))
	}
	imgs := sitemapImages{}
	for _, a := range all {
		e := s.byID(a.EditionID)
		if e == nil {
			continue
		}
		n := &newsEntry{Date: a.PublishedAt.Format(time.RFC3339), Title: a.Headline}
		n.Publication.Name, n.Publication.Language = e.Name, e.Lang
		u := sitemapURL{Loc: h.BaseURL + s.articleURL(a), News: n}
		var err error
		if u.Images, err = h.articleImages(ctx, a, imgs); err != nil {
			return nil, err
		}
		set.URLs = append(set.URLs, u)
	}
	return h.prepareXMLFor(set, tags, time.Time{}, ttl)
}

// sitemapImages remembers, while one sitemap is built, the URL of each
// image variant already described ("" when the image is gone).
type sitemapImages map[media.Ref]string

// articleImages returns the image entries of an article: our own images in
// its body (at most 1,000), each at the absolute URL of the variant its
// address serves. Images since deleted are left out.
func (h *Handler) articleImages(ctx context.Context, a article.Article, seen sitemapImages) ([]imageEntry, error) {
	var out []imageEntry
	for _, ref := range media.Images(a.BodyHTML, maxImagesURL) {
		u, ok := seen[ref]
		if !ok {
			img, err := h.describeImage(ctx, ref.ID, ref.Width)
			if err != nil {
				return nil, err
			}
			if img != nil {
				u = img.URL
			}
			seen[ref] = u
		}
		if u != "" {
			out = append(out, imageEntry{Loc: u})
		}
	}
	return out, nil
}

func (h *Handler) robots(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	fmt.Fprintf(w, "User-agent: *\nAllow: /\nDisallow: /s/\n\nSitemap: %s/sitemap.xml\nSitemap: %s/sitemaps/news.xml\n", h.BaseURL, h.BaseURL)
	return nil
}
