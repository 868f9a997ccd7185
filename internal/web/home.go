package web

import (
	"context"
	"net/http"
	"time"

	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/pagecache"
)

// listTTL bounds how old "most read" and list pages get; they are also
// invalidated when an article they show changes.
const listTTL = 30 * time.Second

type homeView struct {
	page
	Top, Latest         []card
	MostToday, MostWeek []card
}

func (h *Handler) home(w http.ResponseWriter, r *http.Request) error {
	e, err := h.edition(r)
	if err != nil {
		return err
	}
	return h.cached(w, r, "/"+e.Code+"/", func(ctx context.Context) (*pagecache.Page, error) {
		return h.renderHome(ctx, e)
	})
}

// cached answers key from the page cache, rendering it with fn on a miss;
// the rendered page keeps fn to render itself again when it expires.
func (h *Handler) cached(w http.ResponseWriter, r *http.Request, key string, fn func(context.Context) (*pagecache.Page, error)) error {
	render := func() (*pagecache.Page, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), renderTimeout)
		defer cancel()
		p, err := fn(ctx)
		if err == nil {
			p.Rerender = func() (*pagecache.Page, error) {
				ctx, cancel := context.WithTimeout(context.Background(), renderTimeout)
				defer cancel()
				return fn(ctx)
			}
		}
		return p, err
	}
	p, err := h.Cache.Render(key, render)
	if err != nil {
		return err
	}
	p.Write(w, r)
	return nil
}

func (h *Handler) renderHome(ctx context.Context, e *ed) (*pagecache.Page, error) {
	v := homeView{page: h.base(e, e.Name, "/"+e.Code+"/")}
	v.describe(e.Tagline)
	v.collectionLD(e.Name)
	top, err := h.articles.List(ctx, article.Query{EditionID: e.ID, TopOnly: true, Limit: 3})
	if err != nil {
		return nil, err
	}
	latest, err := h.articles.List(ctx, article.Query{EditionID: e.ID, Limit: 15})
	if err != nil {
		return nil, err
	}
	if v.Top, err = h.cards(ctx, e, top, true); err != nil {
		return nil, err
	}
	if v.Latest, err = h.cards(ctx, e, latest, false); err != nil {
		return nil, err
	}
	if v.MostToday, err = h.mostRead(ctx, e, 0); err != nil {
		return nil, err
	}
	if v.MostWeek, err = h.mostRead(ctx, e, 6); err != nil {
		return nil, err
	}
	body, err := h.tmpl.render("home", v)
	if err != nil {
		return nil, err
	}
	return pagecache.Prepare(body, pagecache.Options{Tags: []string{"edition:" + itoa(e.ID)}, TTL: listTTL, Header: pageHeader}), nil
}

func (h *Handler) mostRead(ctx context.Context, e *ed, days int) ([]card, error) {
	ranked, err := h.Views.MostRead(ctx, e.ID, days, 5)
	if err != nil {
		return nil, err
	}
	return h.rankedCards(ctx, e, ranked)
}
