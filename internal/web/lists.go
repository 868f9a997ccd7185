package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/edition"
	"github.com/lede-news/lede/internal/pagecache"
	"github.com/lede-news/lede/internal/typo"
)

const perPage = 20

type listView struct {
	page
	Kicker, Heading, Intro, Photo string
	Items                         []card
	PageN                         int
	PrevURL, NextURL              string
	MostToday, MostWeek           []card // a section's first page: its most read (discovery.go)
}

// list describes one list page: what it selects and how it is titled.
type list struct {
	path, tag                     string
	query                         article.Query
	kicker, heading, intro, photo string
	section                       int64
}

func sectionList(e *ed, sec *edition.Section) list {
	return list{path: "/" + e.Code + "/" + sec.Slug, tag: "section:" + itoa(sec.ID),
		query: article.Query{EditionID: e.ID, SectionID: sec.ID}, heading: sec.Name, section: sec.ID}
}

func (h *Handler) tagList(ctx context.Context, e *ed, slug string) (list, error) {
	t, err := h.tags.BySlug(ctx, e.ID, slug)
	if err != nil {
		return list{}, err
	}
	return list{path: "/" + e.Code + "/tags/" + t.Slug, tag: "tag:" + itoa(t.ID),
		query:  article.Query{EditionID: e.ID, TagID: t.ID},
		kicker: e.T.T("tag_page"), heading: typo.Text(e.Lang, t.Label()), intro: typo.Text(e.Lang, t.Description)}, nil
}

func (h *Handler) authorList(ctx context.Context, e *ed, slug string) (list, error) {
	a, err := h.authors.BySlug(ctx, slug)
	if err != nil {
		return list{}, err
	}
	kicker := e.T.T("author_page")
	if a.Agency {
		kicker = e.T.T("agency")
	}
	return list{path: "/" + e.Code + "/authors/" + a.Slug, tag: "author:" + itoa(a.ID),
		query:  article.Query{EditionID: e.ID, AuthorID: a.ID},
		kicker: kicker, heading: a.Name, intro: typo.Text(e.Lang, a.BioFor(e.Lang)), photo: a.Photo}, nil
}

func (h *Handler) sectionPage(w http.ResponseWriter, r *http.Request, e *ed, sec *edition.Section) error {
	return h.listPage(w, r, e, sectionList(e, sec))
}

func (h *Handler) tagPage(w http.ResponseWriter, r *http.Request, e *ed, slug string) error {
	l, err := h.tagList(r.Context(), e, slug)
	if errors.Is(err, db.ErrNotFound) {
		if t, err := h.tags.Redirect(r.Context(), e.ID, slug); err == nil { // merged into another tag
			http.Redirect(w, r, "/"+e.Code+"/tags/"+t.Slug, http.StatusMovedPermanently)
			return nil
		}
	}
	if err != nil {
		return err
	}
	return h.listPage(w, r, e, l)
}

func (h *Handler) authorPage(w http.ResponseWriter, r *http.Request, e *ed, slug string) error {
	l, err := h.authorList(r.Context(), e, slug)
	if err != nil {
		return err
	}
	return h.listPage(w, r, e, l)
}

// listPage serves page ?page=N of a list, newest first. Only the page
// number is part of the cache key, so other query strings cannot fill the
// cache.
func (h *Handler) listPage(w http.ResponseWriter, r *http.Request, e *ed, l list) error {
	n, err := pageNumber(r)
	if err != nil {
		return err
	}
	if r.URL.Path != l.path {
		http.Redirect(w, r, l.path, http.StatusMovedPermanently)
		return nil
	}
	key := l.path
	if n > 1 {
		key += fmt.Sprintf("?page=%d", n)
	}
	return h.cached(w, r, key, func(ctx context.Context) (*pagecache.Page, error) {
		return h.renderList(ctx, e, l, n)
	})
}

func (h *Handler) renderList(ctx context.Context, e *ed, l list, n int) (*pagecache.Page, error) {
	q := l.query
	q.Limit, q.Offset = perPage, (n-1)*perPage
	total, err := h.articles.Count(ctx, q)
	if err != nil {
		return nil, err
	}
	if n > 1 && q.Offset >= total {
		return nil, errNotFound
	}
	items, err := h.articles.List(ctx, q)
	if err != nil {
		return nil, err
	}
	canonical := l.path
	if n > 1 {
		canonical += fmt.Sprintf("?page=%d", n)
	}
	v := listView{page: h.base(e, l.heading, canonical), Kicker: l.kicker, Heading: l.heading, Intro: l.intro, Photo: l.photo, PageN: n}
	v.describe(l.intro)
	v.collectionLD(l.heading)
	v.CurrentSection = l.section
	v.Feeds = append(feedLinks(l.heading, l.path), v.Feeds...)
	if v.Items, err = h.cards(ctx, e, items, true); err != nil {
		return nil, err
	}
	if l.section != 0 && n == 1 {
		if v.MostToday, err = h.sectionMostRead(ctx, e, l.section, 0); err != nil {
			return nil, err
		}
		if v.MostWeek, err = h.sectionMostRead(ctx, e, l.section, 6); err != nil {
			return nil, err
		}
	}
	switch {
	case n == 2:
		v.PrevURL = l.path
	case n > 2:
		v.PrevURL = fmt.Sprintf("%s?page=%d", l.path, n-1)
	}
	if q.Offset+perPage < total {
		v.NextURL = fmt.Sprintf("%s?page=%d", l.path, n+1)
	}
	body, err := h.tmpl.render("list", v)
	if err != nil {
		return nil, err
	}
	return pagecache.Prepare(body, pagecache.Options{Tags: []string{l.tag}, TTL: listTTL, Header: pageHeader}), nil
}
