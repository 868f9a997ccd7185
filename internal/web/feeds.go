package web

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/feed"
	"github.com/lede-news/lede/internal/pagecache"
	"github.com/lede-news/lede/internal/typo"
)

// feedFormats are the file names a list's feeds answer to.
var feedFormats = map[string]struct {
	build       func(*feed.Feed) ([]byte, error)
	contentType string
}{
	"feed.xml":  {feed.RSS, "application/rss+xml; charset=utf-8"},
	"atom.xml":  {feed.Atom, "application/atom+xml; charset=utf-8"},
	"feed.json": {feed.JSON, "application/feed+json; charset=utf-8"},
}

// feedLink is an autodiscovery link in a page's head.
type feedLink struct{ Title, Type, URL string }

// feedLinks lists the three formats of the list at path.
func feedLinks(title, path string) []feedLink {
	return []feedLink{
		{title, "application/rss+xml", path + "/feed.xml"},
		{title, "application/atom+xml", path + "/atom.xml"},
		{title, "application/feed+json", path + "/feed.json"},
	}
}

func isFeed(name string) bool { _, ok := feedFormats[name]; return ok }

// feedPage serves the feed of list l in the format named by file.
func (h *Handler) feedPage(w http.ResponseWriter, r *http.Request, e *ed, l list, file string) error {
	f, ok := feedFormats[file]
	if !ok {
		return errNotFound
	}
	key := l.path + "/" + file
	if r.URL.Path != key {
		return errNotFound
	}
	return h.cached(w, r, key, func(ctx context.Context) (*pagecache.Page, error) {
		fd, err := h.buildFeed(ctx, e, l)
		if err != nil {
			return nil, err
		}
		fd.FeedURL = h.BaseURL + key
		body, err := f.build(fd)
		if err != nil {
			return nil, err
		}
		return pagecache.Prepare(body, pagecache.Options{ContentType: f.contentType, Tags: []string{l.tag},
			TTL: listTTL, LastModified: fd.Latest(), Header: http.Header{"X-Content-Type-Options": nosniff}}), nil
	})
}

func (h *Handler) buildFeed(ctx context.Context, e *ed, l list) (*feed.Feed, error) {
	q := l.query
	q.Limit, q.WithBody = 20, e.FeedFullText
	items, err := h.articles.List(ctx, q)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(items))
	for i, a := range items {
		ids[i] = a.ID
	}
	bylines, err := h.authors.ForArticles(ctx, ids)
	if err != nil {
		return nil, err
	}
	tagsOf, err := h.tags.ForArticles(ctx, ids)
	if err != nil {
		return nil, err
	}
	images, err := h.leadImages(ctx, ids)
	if err != nil {
		return nil, err
	}
	s := h.site.Load()
	title := e.Name
	if l.heading != "" && l.heading != e.Name {
		title = e.Name + " – " + l.heading
	}
	host := hostOf(h.BaseURL)
	fd := &feed.Feed{ID: "tag:" + host + ",2026:" + l.path, Title: title, Description: firstNonEmpty(l.intro, e.Tagline),
		Lang: e.Lang, HomeURL: h.BaseURL + l.path, Updated: time.Now()}
	if l.path == "/"+e.Code {
		fd.HomeURL += "/" // the edition's home page is /fr/
	}
	for _, a := range items {
		it := feed.Item{
			// The id names the article, not its URL, so it survives edits and moves.
			ID:  "tag:" + host + "," + a.PublishedAt.Format(time.DateOnly) + ":article:" + itoa(a.ID),
			URL: h.BaseURL + s.articleURL(a), Title: typo.Text(e.Lang, a.Headline), Summary: typo.Text(e.Lang, a.Standfirst),
			Published: a.PublishedAt, Updated: a.UpdatedAt, ContentHTML: a.BodyHTML,
		}
		it.Image = images[a.ID]
		for _, au := range bylines[a.ID] {
			it.Authors = append(it.Authors, feed.Person{Name: au.Name, URL: h.BaseURL + "/" + e.Code + "/authors/" + au.Slug})
		}
		for _, t := range tagsOf[a.ID] {
			it.Tags = append(it.Tags, t.Name)
		}
		fd.Items = append(fd.Items, it)
	}
	return fd, nil
}

func hostOf(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return "localhost"
	}
	return u.Hostname()
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// editionList is the list of all of an edition's articles, for its feeds.
func editionList(e *ed) list {
	return list{path: "/" + e.Code, tag: "edition:" + itoa(e.ID), query: article.Query{EditionID: e.ID}, heading: e.Name}
}
