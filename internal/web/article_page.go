package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/author"
	"github.com/lede-news/lede/internal/comment"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/edition"
	"github.com/lede-news/lede/internal/i18n"
	"github.com/lede-news/lede/internal/pagecache"
	"github.com/lede-news/lede/internal/tag"
	"github.com/lede-news/lede/internal/typo"
)

// renderTimeout bounds a render shared by several waiting readers; it is
// not tied to one reader's request, which may go away.
const renderTimeout = 10 * time.Second

// articleTTL bounds how long a node that missed an invalidation can show an
// old version of an article.
const articleTTL = 5 * time.Minute

type articleView struct {
	page
	Headline, Standfirst, Dateline string
	SectionName, SectionURL        string
	Body                           template.HTML
	Authors, Tags                  []link
	Related                        []card
	Translations                   []translation
	ShortURL                       string
	Views                          string
	ViewsN                         int64
	Published, PublishedISO        string
	Correction                     string
	Updated, UpdatedISO            string
	ConductURL, SubscribeURL       string
	Discussion                     template.HTML // comments, the same for every reader
}

type link struct{ Name, URL string }

type translation struct{ Lang, Language, Headline, URL string }

func (h *Handler) articlePage(w http.ResponseWriter, r *http.Request, e *ed, sec *edition.Section, slug string) error {
	key := "/" + e.Code + "/" + sec.Slug + "/" + slug
	path := key
	// ?sort= and ?page= of the discussion are variants cached apart.
	csort, cpage, variant, ok := discussionVariant(r.URL.Query())
	if !ok {
		return errNotFound
	}
	key += variant
	if p := h.Cache.Get(key); p != nil && !p.Expired(time.Now()) && r.URL.Path == path {
		h.fresh(r, key, p).Write(w, r)
		return nil
	}
	a, err := h.articles.Published(r.Context(), e.ID, slug)
	if errors.Is(err, db.ErrNotFound) {
		if old, err := h.articles.ByOldSlug(r.Context(), e.ID, slug); err == nil {
			http.Redirect(w, r, h.site.Load().articleURL(old), http.StatusMovedPermanently)
			return nil
		}
	}
	if err != nil {
		return err
	}
	if a.SectionID != sec.ID || r.URL.Path != path {
		if u := h.site.Load().articleURL(a); u != "" {
			http.Redirect(w, r, u, http.StatusMovedPermanently)
			return nil
		}
		return errNotFound
	}
	if cpage > 1 && h.comments != nil {
		// Only pages that exist are rendered and cached: ?page=1..10000 of
		// an article with one page would otherwise fill the cache.
		th, err := h.comments.store.List(r.Context(), a.ID, csort, cpage)
		if err != nil {
			return err
		}
		if th.Page != cpage {
			return errNotFound
		}
	}
	if r.Method == http.MethodGet {
		h.count(r, a.ID) // before rendering, so the reader's own read is shown
	}
	p, err := h.Cache.Render(key, func() (*pagecache.Page, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), renderTimeout)
		defer cancel()
		return h.renderArticleVariant(ctx, e, a, csort, cpage)
	})
	if err != nil {
		return err
	}
	p.Write(w, r)
	return nil
}

// renderArticle gathers everything the page shows, then renders it. The
// gathered view is kept by the page so a new view count costs a template
// execution, not queries.
func (h *Handler) renderArticle(ctx context.Context, e *ed, a article.Article) (*pagecache.Page, error) {
	return h.renderArticleVariant(ctx, e, a, "oldest", 1)
}

// renderArticleVariant renders the article with its discussion sorted and
// paged as asked.
func (h *Handler) renderArticleVariant(ctx context.Context, e *ed, a article.Article, csort string, cpage int) (*pagecache.Page, error) {
	a, err := h.articles.ByID(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	s := h.site.Load()
	sec := e.sectionsID[a.SectionID]
	path := s.articleURL(a)
	v := articleView{
		page:        h.base(e, typo.Text(e.Lang, a.Headline), path),
		Headline:    typo.Text(e.Lang, a.Headline),
		Standfirst:  typo.Text(e.Lang, a.Standfirst),
		Dateline:    a.Dateline,
		Correction:  typo.Text(e.Lang, a.Correction),
		SectionName: sec.Name, SectionURL: "/" + e.Code + "/" + sec.Slug,
		Body:         template.HTML(a.BodyHTML), // rendered and sanitised on save
		ShortURL:     h.BaseURL + "/s/" + a.Shortcode,
		Published:    e.T.DateTime(a.PublishedAt.In(e.Loc)),
		PublishedISO: a.PublishedAt.Format(time.RFC3339),
		ConductURL:   "/" + e.Code + "/conduct",
		SubscribeURL: "/" + e.Code + "/subscribe",
	}
	v.describe(firstNonEmpty(a.SEODescription, v.Standfirst))
	if a.SEOTitle != "" {
		v.Title = typo.Text(e.Lang, a.SEOTitle) + " – " + e.Name
	}
	v.CurrentSection = sec.ID
	v.Feeds = append(v.Feeds, feedLinks(e.Name+" – "+sec.Name, "/"+e.Code+"/"+sec.Slug)...)
	if !a.UpdatedAt.IsZero() {
		v.Updated = e.T.DateTime(a.UpdatedAt.In(e.Loc))
		v.UpdatedISO = a.UpdatedAt.Format(time.RFC3339)
	}
	tags := []string{"article:" + itoa(a.ID), comment.Tag(a.ID)}
	if v.Discussion, err = h.discussion(ctx, e, a, path, csort, cpage); err != nil {
		return nil, err
	}

	bylines, err := h.authors.ForArticles(ctx, []int64{a.ID})
	if err != nil {
		return nil, err
	}
	for _, au := range bylines[a.ID] {
		v.Authors = append(v.Authors, link{au.Name, "/" + e.Code + "/authors/" + au.Slug})
		tags = append(tags, "author:"+itoa(au.ID))
	}
	tagsOf, err := h.tags.ForArticles(ctx, []int64{a.ID})
	if err != nil {
		return nil, err
	}
	for _, t := range tagsOf[a.ID] {
		v.Tags = append(v.Tags, link{typo.Text(e.Lang, t.Label()), "/" + e.Code + "/tags/" + t.Slug})
	}
	if h.Related != nil {
		ids, err := h.Related.For(ctx, a.ID, 5)
		if err != nil {
			return nil, err
		}
		rel, err := h.articles.List(ctx, article.Query{IDs: ids, Limit: len(ids) + 1})
		if err != nil {
			return nil, err
		}
		byID := map[int64]article.Article{}
		for _, x := range rel {
			byID[x.ID] = x
		}
		var ordered []article.Article
		for _, id := range ids {
			if x, ok := byID[id]; ok {
				ordered = append(ordered, x)
				tags = append(tags, "article:"+itoa(id))
			}
		}
		if v.Related, err = h.cards(ctx, e, ordered, false); err != nil {
			return nil, err
		}
	}
	trs, err := h.articles.Translations(ctx, a)
	if err != nil {
		return nil, err
	}
	for _, t := range trs {
		te := s.byID(t.EditionID)
		if te == nil {
			continue
		}
		u := s.articleURL(t)
		v.Translations = append(v.Translations, translation{Lang: te.Lang, Language: i18n.For(te.Lang).T("language_name"),
			Headline: typo.Text(te.Lang, t.Headline), URL: u})
		v.Alternates = append(v.Alternates, alternate{te.Lang, h.BaseURL + u})
		tags = append(tags, "article:"+itoa(t.ID))
	}
	if len(v.Alternates) > 0 {
		v.Alternates = append(v.Alternates, alternate{e.Lang, v.Canonical})
	}
	h.articleMeta(&v, e, a, bylines[a.ID], tagsOf[a.ID])

	var render func(count int64) (*pagecache.Page, error)
	render = func(count int64) (*pagecache.Page, error) {
		view := v
		view.ViewsN, view.Views = count, e.T.Number(count)
		body, err := h.tmpl.render("article", view)
		if err != nil {
			return nil, err
		}
		return pagecache.Prepare(body, pagecache.Options{
			Tags: tags, ArticleID: a.ID, Count: count, TTL: articleTTL, Header: pageHeader,
			Rerender: func() (*pagecache.Page, error) { return render(h.Views.Total(a.ID)) },
		}), nil
	}
	return render(h.Views.Total(a.ID))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// articleMeta adds the article's OpenGraph tags, its oEmbed discovery link
// and its schema.org NewsArticle.
func (h *Handler) articleMeta(v *articleView, e *ed, a article.Article, by []author.Author, tags []tag.Tag) {
	modified := a.PublishedAt
	if a.UpdatedAt.After(modified) {
		modified = a.UpdatedAt
	}
	v.Meta = append(v.Meta, meta{Property: "og:type", Content: "article"},
		meta{Property: "article:published_time", Content: stamp(a.PublishedAt)},
		meta{Property: "article:modified_time", Content: stamp(modified)},
		meta{Property: "article:section", Content: v.SectionName})
	for _, t := range tags {
		v.Meta = append(v.Meta, meta{Property: "article:tag", Content: t.Name})
	}
	v.Feeds = append(v.Feeds, feedLink{Title: v.Headline, Type: "application/json+oembed", URL: oembedURL(h.BaseURL, v.Canonical)})
	logo, _ := h.assets.URL("favicon.svg")
	ld := newsArticle{Context: "https://schema.org", Type: "NewsArticle", Headline: v.Headline, Description: v.Standfirst,
		URL: v.Canonical, MainEntity: v.Canonical, DatePublished: stamp(a.PublishedAt), DateModified: stamp(modified),
		Publisher:  ldPublisher{Type: "Organization", Name: e.Name, URL: h.BaseURL + "/" + e.Code + "/", Logo: ldImage{"ImageObject", h.BaseURL + logo}},
		InLanguage: e.Lang, Section: v.SectionName, Free: true, Dateline: a.Dateline}
	for _, au := range by {
		kind := "Person"
		if au.Agency {
			kind = "Organization"
		}
		ld.Author = append(ld.Author, ldThing{kind, au.Name, h.BaseURL + "/" + e.Code + "/authors/" + au.Slug})
	}
	for _, t := range tags {
		ld.Keywords = append(ld.Keywords, t.Name)
	}
	for _, alt := range v.Alternates {
		if alt.URL != v.Canonical {
			ld.Translations = append(ld.Translations, ldTranslated{"NewsArticle", alt.URL, alt.Lang})
		}
	}
	v.JSONLD = ld
}
