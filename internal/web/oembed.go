package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/lede-news/lede/internal/shortlink"
)

// oembed answers /oembed?url=…: an oEmbed 1.0 "link" response for one of
// our article URLs. Other formats than JSON answer 501, as the spec asks.
func (h *Handler) oembed(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if f := q.Get("format"); f != "" && f != "json" {
		http.Error(w, "only format=json is supported", http.StatusNotImplemented)
		return nil
	}
	u, err := url.Parse(q.Get("url"))
	if err != nil || q.Get("url") == "" {
		return errBadRequest
	}
	base, _ := url.Parse(h.BaseURL)
	if u.Host != base.Host {
		return errNotFound
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) == 2 && parts[0] == "s" && shortlink.ValidCode(parts[1]) {
		// A short link embeds as the article it leads to.
		a, err := h.articles.ByShortcode(r.Context(), parts[1])
		if err != nil {
			return err
		}
		parts = strings.Split(strings.Trim(h.site.Load().articleURL(a), "/"), "/")
	}
	if len(parts) != 3 {
		return errNotFound
	}
	e := h.site.Load().byCode[parts[0]]
	if e == nil || e.Section(parts[1]) == nil {
		return errNotFound
	}
	a, err := h.articles.Published(r.Context(), e.ID, parts[2])
	if err != nil {
		return err
	}
	bylines, err := h.authors.ForArticles(r.Context(), []int64{a.ID})
	if err != nil {
		return err
	}
	resp := map[string]any{"version": "1.0", "type": "link", "title": a.Headline,
		"provider_name": e.Name, "provider_url": h.BaseURL + "/" + e.Code + "/", "cache_age": 3600}
	if by := bylines[a.ID]; len(by) > 0 {
		resp["author_name"] = names(by)
		resp["author_url"] = h.BaseURL + "/" + e.Code + "/authors/" + by[0].Slug
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	return json.NewEncoder(w).Encode(resp)
}
