package web

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/pagecache"
	"github.com/lede-news/lede/internal/search"
	"github.com/lede-news/lede/internal/typo"
)

// Search pages are never cached: a query string is the reader's own, and
// results must follow publication at once.

type searchView struct {
	page
	Query, Section, From, To string
	Tag, Author              *filterChip
	Message                  string
	Suggestion               string
	SuggestionURL            string
	Count                    string
	Items                    []searchItem
	PageN                    int
	PrevURL, NextURL         string
	Cloud                    []cloudTag // the empty form's tag cloud (discovery.go)
}

// filterChip is an active tag or author filter and the URL without it.
type filterChip struct{ Label, Slug, RemoveURL string }

type searchItem struct {
	card
	ID                        int64
	HeadlineHTML, SnippetHTML template.HTML
	Score                     float64
}

// searchForm is a search request read from the URL, with what the page
// needs to show and keep its filters.
type searchForm struct {
	req    search.Request
	params url.Values // the request's own parameters, without page
	tag    *filterChip
	author *filterChip
	// ignored names the filters that could not be read: the page drops
	// them and says so; the JSON endpoint refuses the request.
	ignored []string
}

// readSearch parses /{ed}/search?q=&section=&tag=&author=&from=&to=&page=.
// The query itself is never refused here (search explains what is wrong
// with it); unknown filters and malformed dates or pages are listed in
// f.ignored and left out.
func (h *Handler) readSearch(r *http.Request, e *ed, path string) (searchForm, error) {
	in := r.URL.Query()
	f := searchForm{params: url.Values{}, req: search.Request{EditionID: e.ID, Lang: e.Lang, Query: in.Get("q")}}
	f.params.Set("q", f.req.Query)
	n, err := pageNumber(r)
	if err != nil {
		n = 1
		f.ignored = append(f.ignored, "page")
	}
	f.req.Page = n
	if v := in.Get("section"); v != "" {
		if sec := e.Section(v); sec != nil {
			f.req.SectionID = sec.ID
			f.params.Set("section", v)
		} else {
			f.ignored = append(f.ignored, "section")
		}
	}
	if v := in.Get("tag"); v != "" {
		t, err := h.tags.BySlug(r.Context(), e.ID, v)
		switch {
		case errors.Is(err, db.ErrNotFound):
			f.ignored = append(f.ignored, "tag")
		case err != nil:
			return f, err
		default:
			f.req.TagID = t.ID
			f.params.Set("tag", v)
			f.tag = &filterChip{Label: typo.Text(e.Lang, t.Name), Slug: v}
		}
	}
	if v := in.Get("author"); v != "" {
		a, err := h.authors.BySlug(r.Context(), v)
		switch {
		case errors.Is(err, db.ErrNotFound):
			f.ignored = append(f.ignored, "author")
		case err != nil:
			return f, err
		default:
			f.req.AuthorID = a.ID
			f.params.Set("author", v)
			f.author = &filterChip{Label: a.Name, Slug: v}
		}
	}
	for _, d := range []struct {
		name string
		to   *time.Time
		next bool
	}{{"from", &f.req.From, false}, {"to", &f.req.To, true}} {
		v := in.Get(d.name)
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", v, e.Loc)
		if err != nil {
			f.ignored = append(f.ignored, d.name)
			continue
		}
		if d.next { // "to" includes its day
			t = t.AddDate(0, 0, 1)
		}
		*d.to = t
		f.params.Set(d.name, v)
	}
	if f.tag != nil {
		f.tag.RemoveURL = searchURL(path, without(f.params, "tag"), 1)
	}
	if f.author != nil {
		f.author.RemoveURL = searchURL(path, without(f.params, "author"), 1)
	}
	return f, nil
}

func without(v url.Values, key string) url.Values {
	c := url.Values{}
	for k, vs := range v {
		if k != key {
			c[k] = vs
		}
	}
	return c
}

// searchURL is path with the parameters and page n; empty parameters are
// left out.
func searchURL(path string, params url.Values, n int) string {
	c := url.Values{}
	for k, vs := range params {
		if len(vs) > 0 && vs[0] != "" {
			c.Set(k, vs[0])
		}
	}
	if n > 1 {
		c.Set("page", strconv.Itoa(n))
	}
	if len(c) == 0 {
		return path
	}
	return path + "?" + c.Encode()
}

// runSearch runs the form's search; a page past the reachable results is
// not found.
func (h *Handler) runSearch(ctx context.Context, f searchForm) (search.Results, error) {
	res, err := h.Search.Search(ctx, f.req)
	if errors.Is(err, search.ErrPageRange) {
		return res, errNotFound
	}
	return res, err
}

// searchMessage explains a query that was not run or found nothing.
func searchMessage(e *ed, res search.Results) string {
	switch res.Problem {
	case search.ProblemEmpty:
		return e.T.T("search_empty")
	case search.ProblemTooLong:
		return e.T.T("search_too_long", search.MaxQuery)
	case search.ProblemNoWords:
		return e.T.T("search_no_words")
	}
	if res.Total == 0 {
		return e.T.T("search_no_results")
	}
	return ""
}

// searchItems turns hits into list entries, in the order found.
func (h *Handler) searchItems(ctx context.Context, e *ed, res search.Results) ([]searchItem, error) {
	if len(res.Hits) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(res.Hits))
	for i, hit := range res.Hits {
		ids[i] = hit.ArticleID
	}
	list, err := h.articles.List(ctx, article.Query{EditionID: e.ID, IDs: ids, Limit: len(ids)})
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]article.Article, len(list))
	for _, a := range list {
		byID[a.ID] = a
	}
	ordered := make([]article.Article, 0, len(list))
	hits := make([]search.Hit, 0, len(list))
	for _, hit := range res.Hits {
		if a, ok := byID[hit.ArticleID]; ok {
			ordered = append(ordered, a)
			hits = append(hits, hit)
		}
	}
	cards, err := h.cards(ctx, e, ordered, false)
	if err != nil {
		return nil, err
	}
	items := make([]searchItem, len(cards))
	for i, c := range cards {
		items[i] = searchItem{card: c, ID: hits[i].ArticleID, Score: hits[i].Score,
			HeadlineHTML: template.HTML(res.Highlight(c.Headline)), SnippetHTML: template.HTML(hits[i].Snippet)}
	}
	return items, nil
}

func (h *Handler) searchPage(w http.ResponseWriter, r *http.Request, e *ed) error {
	path := "/" + e.Code + "/search"
	f, err := h.readSearch(r, e, path)
	if err != nil {
		return err
	}
	res, err := h.runSearch(r.Context(), f)
	if errors.Is(err, errNotFound) && f.req.Page > 1 { // past the last page: the first, with a word
		f.req.Page = 1
		f.ignored = append(f.ignored, "page")
		res, err = h.runSearch(r.Context(), f)
	}
	if err != nil {
		return err
	}
	title := e.T.T("search_title")
	if res.Problem == search.ProblemNone {
		title = res.Query + " – " + title
	}
	v := searchView{page: h.base(e, title, path), Query: f.req.Query, Section: f.params.Get("section"),
		From: f.params.Get("from"), To: f.params.Get("to"), Tag: f.tag, Author: f.author, PageN: res.Page}
	v.Robots = "noindex, follow"
	if res.Problem != search.ProblemEmpty || f.req.Query != "" {
		v.Message = searchMessage(e, res)
	}
	if len(f.ignored) > 0 {
		v.Message = strings.TrimSpace(e.T.T("search_ignored", strings.Join(f.ignored, ", ")) + " " + v.Message)
	}
	if res.Suggestion != "" {
		v.Suggestion = res.Suggestion
		p := without(f.params, "q")
		p.Set("q", res.Suggestion)
		v.SuggestionURL = searchURL(path, p, 1)
	}
	if res.Problem == search.ProblemNone && res.Total > 0 {
		if res.Total == 1 {
			v.Count = e.T.T("search_result_one")
		} else {
			v.Count = e.T.T("search_results", e.T.Number(int64(res.Total)))
		}
	}
	if v.Items, err = h.searchItems(r.Context(), e, res); err != nil {
		return err
	}
	if f.req.Query == "" {
		if v.Cloud, err = h.tagCloud(r.Context(), e, time.Now()); err != nil {
			return err
		}
	}
	if res.Page > 1 {
		v.PrevURL = searchURL(path, f.params, res.Page-1)
	}
	if res.Page*res.PerPage < min(res.Total, search.MaxResults) {
		v.NextURL = searchURL(path, f.params, res.Page+1)
	}
	body, err := h.tmpl.render("search", v)
	if err != nil {
		return err
	}
	pagecache.Prepare(body, pagecache.Options{NoStore: true, Header: pageHeader}).Write(w, r)
	return nil
}

// searchResponse is the JSON answer of /{ed}/search.json.
type searchResponse struct {
	Query         string       `json:"query"`
	Problem       string       `json:"problem,omitempty"`
	Message       string       `json:"message,omitempty"`
	Suggestion    string       `json:"suggestion,omitempty"`
	SuggestionURL string       `json:"suggestion_url,omitempty"`
	Total         int          `json:"total"`
	Page          int          `json:"page"`
	PerPage       int          `json:"per_page"`
	Next          string       `json:"next,omitempty"`
	Results       []searchJSON `json:"results"`
}

type searchJSON struct {
	ID           int64   `json:"id"`
	URL          string  `json:"url"`
	Headline     string  `json:"headline"`
	HeadlineHTML string  `json:"headline_html"`
	SnippetHTML  string  `json:"snippet_html"`
	Section      string  `json:"section"`
	PublishedAt  string  `json:"published_at"`
	Byline       string  `json:"byline,omitempty"`
	Score        float64 `json:"score"`
}

// searchJSON answers the same search as the page, as JSON, for scripts and
// search-as-you-type (the last word is taken as a prefix unless followed
// by a space). ?per_page= takes 1 to 50. Bad filters answer 400 with
// {"error": …}; the query itself is never an error.
func (h *Handler) searchJSON(w http.ResponseWriter, r *http.Request, e *ed) error {
	path := "/" + e.Code + "/search.json"
	f, err := h.readSearch(r, e, path)
	if err == nil && len(f.ignored) > 0 {
		err = errBadRequest
	}
	if err == nil {
		if v := r.URL.Query().Get("per_page"); v != "" {
			n, perr := strconv.Atoi(v)
			if perr != nil || n < 1 || n > 50 {
				err = errBadRequest
			}
			f.req.PerPage = n
			if err == nil {
				f.params.Set("per_page", v)
			}
		}
	}
	var res search.Results
	if err == nil {
		res, err = h.runSearch(r.Context(), f)
	}
	switch {
	case errors.Is(err, errBadRequest):
		return writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad_request", "message": e.T.T("bad_request_text")})
	case errors.Is(err, errNotFound):
		return writeJSON(w, http.StatusNotFound, map[string]string{"error": "not_found", "message": e.T.T("not_found_text")})
	case err != nil:
		return err
	}
	out := searchResponse{Query: res.Query, Problem: string(res.Problem), Message: searchMessage(e, res),
		Suggestion: res.Suggestion, Total: res.Total, Page: res.Page, PerPage: res.PerPage, Results: []searchJSON{}}
	if res.Suggestion != "" {
		p := without(f.params, "q")
		p.Set("q", res.Suggestion)
		out.SuggestionURL = searchURL(path, p, 1)
	}
	if res.Page*res.PerPage < min(res.Total, search.MaxResults) {
		out.Next = searchURL(path, f.params, res.Page+1)
	}
	items, err := h.searchItems(r.Context(), e, res)
	if err != nil {
		return err
	}
	for _, it := range items {
		out.Results = append(out.Results, searchJSON{ID: it.ID, URL: h.BaseURL + it.URL, Headline: it.Headline,
			HeadlineHTML: string(it.HeadlineHTML), SnippetHTML: string(it.SnippetHTML), Section: it.Section,
			PublishedAt: it.DateISO, Byline: it.Byline, Score: it.Score})
	}
	return writeJSON(w, http.StatusOK, out)
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}
