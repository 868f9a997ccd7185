// Package web serves the site: routing, page assembly from the domain
// stores, templates, the page cache and static assets.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/author"
	"github.com/lede-news/lede/internal/comment"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/edition"
	"github.com/lede-news/lede/internal/media"
	"github.com/lede-news/lede/internal/newsletter"
	"github.com/lede-news/lede/internal/pagecache"
	"github.com/lede-news/lede/internal/search"
	"github.com/lede-news/lede/internal/tag"
	"github.com/lede-news/lede/internal/views"
)

// relatedLister gives the final "Read also" list of an article.
type relatedLister interface {
	For(ctx context.Context, articleID int64, limit int) ([]int64, error)
}

// Deps are what the handler is built from.
type Deps struct {
	DB      *db.DB
	Related relatedLister
	Search  *search.Store // nil: a Store over DB
	Views   *views.Counter
	Cache   *pagecache.Cache
	Proxies views.Proxies
	BaseURL string // scheme and host, no trailing slash: https://example.org
	Log     *slog.Logger
	Dev     bool       // read templates and assets from disk on every request
	Admin   *AdminDeps // nil: no newsroom UI
	// Newsletter runs the subscribe form and the mails' links; nil: none.
	Newsletter *newsletter.Service
	Readers    *ReaderDeps // nil: no reader accounts

	// Comments are the comment settings; zero fields take the defaults.
	Comments comment.Config
}

// Handler is the site's http.Handler.
type Handler struct {
	Deps
	articles *article.Store
	authors  *author.Store
	tags     *tag.Store
	editions *edition.Store

	tmpl   *templates
	assets *assets
	site   atomic.Pointer[site]
	mux    *http.ServeMux
	admin  *admin
	media  *media.Store
	dbo    dbOutage // outage.go

	readers *readersUI

	comments *commentsUI
}

// New builds the handler: templates are parsed and the site loaded now, so
// a broken template stops the start rather than a reader's request.
func New(ctx context.Context, d Deps) (*Handler, error) {
	h := &Handler{Deps: d,
		articles: &article.Store{DB: d.DB}, authors: &author.Store{DB: d.DB},
		tags: &tag.Store{DB: d.DB}, editions: &edition.Store{DB: d.DB}, media: &media.Store{DB: d.DB},
	}
	if h.Search == nil {
		h.Search = search.New(d.DB)
	}
	var err error
	if h.assets, err = loadAssets(d.Dev); err != nil {
		return nil, err
	}
	if h.tmpl, err = parseTemplates(d.Dev, h.assets); err != nil {
		return nil, err
	}
	if err := h.ReloadSite(ctx); err != nil {
		return nil, err
	}
	h.mux = h.routes()
	if d.Admin != nil {
		if h.admin, err = newAdmin(h, *d.Admin); err != nil {
			return nil, err
		}
	}
	if d.Readers != nil {
		if h.readers, err = newReadersUI(h, *d.Readers); err != nil {
			return nil, err
		}
	}
	if h.comments, err = newCommentsUI(h); err != nil {
		return nil, err
	}
	return h, nil
}

// ReloadSite re-reads editions and sections.
func (h *Handler) ReloadSite(ctx context.Context) error {
	s, err := loadSite(ctx, h.editions)
	if err != nil {
		return fmt.Errorf("web: load site: %w", err)
	}
	h.site.Store(s)
	return nil
}

// Invalidate applies change tags from any node: it drops the cached pages
// and reloads the site snapshot when editions or sections changed.
func (h *Handler) Invalidate(ctx context.Context, tags []string) {
	for _, t := range tags {
		if t == "site" {
			if err := h.ReloadSite(ctx); err != nil {
				h.Log.Error("web: reload site", "err", err)
			}
			break
		}
	}
	n := h.Cache.Invalidate(tags...)
	h.Log.Debug("web: invalidated", "tags", len(tags), "pages", n)
}

// ServeHTTP answers cached pages before routing: a hit costs a map lookup,
// the view count and the write.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.admin != nil && strings.HasPrefix(r.URL.Path, "/api/") {
		h.admin.api.ServeHTTP(w, r)
		return
	}
	if h.admin != nil && strings.HasPrefix(r.URL.Path, "/admin") {
		if r.URL.Path == "/admin" {
			http.Redirect(w, r, "/admin/", http.StatusMovedPermanently)
			return
		}
		h.admin.ServeHTTP(w, r)
		return
	}
	if h.readers != nil && h.readers.owns(r.URL.Path) {
		h.readers.ServeHTTP(w, r)
		return
	}
	if h.comments != nil && h.comments.owns(r.URL.Path) {
		h.comments.ServeHTTP(w, r)
		return
	}
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && r.URL.RawQuery == "" {
		if p := h.Cache.Get(r.URL.Path); p != nil {
			switch {
			case !p.Expired(time.Now()):
				h.fresh(r, r.URL.Path, p).Write(w, r)
				return
			case p.ArticleID == 0 && p.Rerender != nil:
				// A list past its lifetime: serve it while a new one renders.
				h.Cache.Refresh(r.URL.Path, p.Rerender)
				p.Write(w, r)
				return
			}
		}
	}
	r, cancel := withDBDeadline(r) // outage.go
	defer cancel()
	h.mux.ServeHTTP(w, r)
}

// fresh counts the read of a cached article page and returns the page to
// send, re-rendered first when its count is more than a second behind.
func (h *Handler) fresh(r *http.Request, key string, p *pagecache.Page) *pagecache.Page {
	if p.ArticleID == 0 {
		return p
	}
	if r.Method == http.MethodGet {
		h.count(r, p.ArticleID)
	}
	v := h.Views.Version()
	if p.CountVersion() == v || time.Since(p.Created) < time.Second || p.Rerender == nil {
		return p
	}
	p.SetCountVersion(v)
	if h.Views.Total(p.ArticleID) == p.Count {
		return p
	}
	np, err := h.Cache.Replace(key, p.Rerender)
	if err != nil {
		h.Log.Warn("web: re-render count", "path", key, "err", err)
		return p
	}
	return np
}

// count records a read unless the request comes from a robot or a prefetch.
func (h *Handler) count(r *http.Request, articleID int64) {
	h.Views.Count(articleID, h.Proxies.ClientAddr(r), r.UserAgent(), func() bool { return views.IsBot(r) })
}
