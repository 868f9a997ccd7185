package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/lede-news/lede/internal/db"
)

// routes lists every route. Paths under an edition share two patterns and
// are told apart in the handler, because the stdlib mux refuses patterns
// like /s/{code} and /{ed}/conduct that overlap without one being more
// specific.
func (h *Handler) routes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", h.wrap(h.root))
	m.HandleFunc("GET /healthz", h.health)
	m.HandleFunc("GET /s/{code}", h.wrap(h.shortlink))
	m.HandleFunc("GET /robots.txt", h.wrap(h.robots))
	m.HandleFunc("GET /media/{id}/{w}", h.wrap(h.mediaFile))
	m.HandleFunc("GET /sitemap.xml", h.wrap(h.sitemapIndex))
	m.HandleFunc("GET /sitemaps/{name}", h.wrap(h.sitemapFile))
	m.HandleFunc("GET /oembed", h.wrap(h.oembed))
	m.Handle("POST /{ed}/subscribe", h.nlPost(h.nlSubscribe))
	m.HandleFunc("GET /newsletter/{action}/{token}", h.wrap(h.nlPage))
	m.Handle("POST /newsletter/{action}/{token}", h.nlPost(h.nlAction))
	m.HandleFunc("GET /{ed}/{$}", h.wrap(h.home))
	m.HandleFunc("GET /{ed}", h.wrap(h.editionRedirect))
	m.HandleFunc("GET /{ed}/{name}", h.wrap(h.editionPage))
	m.HandleFunc("GET /{ed}/{a}/{b}", h.wrap(h.deepPage))
	m.HandleFunc("GET /{ed}/{a}/{b}/{file}", h.wrap(h.listFeed))
	m.HandleFunc("GET /", h.wrap(h.notFound))
	return m
}

// edition returns the edition named by the {ed} path value.
func (h *Handler) edition(r *http.Request) (*ed, error) {
	e := h.site.Load().byCode[r.PathValue("ed")]
	if e == nil {
		return nil, errNotFound
	}
	return e, nil
}

func (h *Handler) editionPage(w http.ResponseWriter, r *http.Request) error {
	e, err := h.edition(r)
	if err != nil {
		return err
	}
	switch name := r.PathValue("name"); name {
	case "conduct":
		return h.conduct(w, r, e)
	case "subscribe":
		return h.subscribe(w, r, e)
	case "search":
		return h.searchPage(w, r, e)
	case "search.json":
		return h.searchJSON(w, r, e)
	default:
		if isFeed(name) {
			return h.feedPage(w, r, e, editionList(e), name)
		}
		sec := e.Section(name)
		if sec == nil {
			return errNotFound
		}
		return h.sectionPage(w, r, e, sec)
	}
}

func (h *Handler) deepPage(w http.ResponseWriter, r *http.Request) error {
	if r.PathValue("ed") == "static" {
		r.SetPathValue("hash", r.PathValue("a"))
		r.SetPathValue("file", r.PathValue("b"))
		return h.static(w, r)
	}
	e, err := h.edition(r)
	if err != nil {
		return err
	}
	a, b := r.PathValue("a"), r.PathValue("b")
	switch a {
	case "tags":
		return h.tagPage(w, r, e, b)
	case "authors":
		return h.authorPage(w, r, e, b)
	}
	sec := e.Section(a)
	if sec == nil {
		return errNotFound
	}
	if isFeed(b) {
		return h.feedPage(w, r, e, sectionList(e, sec), b)
	}
	return h.articlePage(w, r, e, sec, b)
}

// listFeed serves /{ed}/tags/{slug}/{file} and /{ed}/authors/{slug}/{file}.
func (h *Handler) listFeed(w http.ResponseWriter, r *http.Request) error {
	e, err := h.edition(r)
	if err != nil {
		return err
	}
	var l list
	switch r.PathValue("a") {
	case "tags":
		l, err = h.tagList(r.Context(), e, r.PathValue("b"))
		if errors.Is(err, db.ErrNotFound) {
			if t, rerr := h.tags.Redirect(r.Context(), e.ID, r.PathValue("b")); rerr == nil { // merged: follow it
				http.Redirect(w, r, "/"+e.Code+"/tags/"+t.Slug+"/"+r.PathValue("file"), http.StatusMovedPermanently)
				return nil
			}
		}
	case "authors":
		l, err = h.authorList(r.Context(), e, r.PathValue("b"))
	default:
		return errNotFound
	}
	if err != nil {
		return err
	}
	return h.feedPage(w, r, e, l, r.PathValue("file"))
}

func (h *Handler) root(w http.ResponseWriter, r *http.Request) error {
	e := h.site.Load().preferred(r.Header.Get("Accept-Language"))
	if e == nil {
		return errNotFound
	}
	w.Header().Set("Vary", "Accept-Language")
	http.Redirect(w, r, "/"+e.Code+"/", http.StatusFound)
	return nil
}

func (h *Handler) editionRedirect(w http.ResponseWriter, r *http.Request) error {
	e, err := h.edition(r)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/"+e.Code+"/", http.StatusMovedPermanently)
	return nil
}

func (h *Handler) health(w http.ResponseWriter, r *http.Request) {
	h.healthCheck(w, r) // outage.go
}

// notFound answers paths no route takes; one with a trailing slash gets a
// 301 to the same path without it (/fr/defense/ → /fr/defense).
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) error {
	p := r.URL.Path
	if len(p) > 1 && p[len(p)-1] == '/' {
		target := strings.TrimRight(p, "/")
		if strings.HasPrefix(target, "/") && !strings.HasPrefix(target, "//") && !strings.HasPrefix(target, "/\\") {
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return nil
		}
	}
	return errNotFound
}
