package web

import (
	"context"
	"html/template"
	"net/http"

	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/pagecache"
	"github.com/lede-news/lede/internal/shortlink"
	"github.com/lede-news/lede/internal/views"
)

type textView struct {
	page
	Heading string
	HTML    template.HTML
	Text    string
	Links   []link
}

func (h *Handler) conduct(w http.ResponseWriter, r *http.Request, e *ed) error {
	return h.cached(w, r, "/"+e.Code+"/conduct", func(ctx context.Context) (*pagecache.Page, error) {
		html, err := article.RenderBody(e.Lang, e.ConductMD)
		if err != nil {
			return nil, err
		}
		v := textView{page: h.base(e, e.T.T("conduct"), "/"+e.Code+"/conduct"), Heading: e.T.T("conduct"), HTML: template.HTML(html)}
		return h.prepareText(v, "site")
	})
}

func (h *Handler) prepareText(v textView, tag string) (*pagecache.Page, error) {
	body, err := h.tmpl.render("text", v)
	if err != nil {
		return nil, err
	}
	return pagecache.Prepare(body, pagecache.Options{Tags: []string{tag}, Header: pageHeader}), nil
}

// shortlink answers /s/{code} with a permanent redirect to the article's
// canonical path. The target is always a path built from our own edition,
// section and slug, so no input can send a reader off the site.
func (h *Handler) shortlink(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	if !shortlink.ValidCode(code) {
		return errNotFound
	}
	a, err := h.articles.ByShortcode(r.Context(), code)
	if err != nil {
		return err
	}
	target, ok := shortlink.Target(h.site.Load().articleURL(a))
	if !ok {
		return errNotFound
	}
	if !views.IsBot(r) {
		h.Views.Click(code)
	}
	w.Header().Set("Cache-Control", "no-cache") // each visit reaches us and is counted
	http.Redirect(w, r, target, http.StatusMovedPermanently)
	return nil
}
