package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/author"
	"github.com/lede-news/lede/internal/newsroom"
)

// The JSON admin API (docs/api.md): the newsroom's article operations for
// scripts and wire feeds, authenticated by per-user bearer tokens. A
// token's scopes narrow what its user's role allows, never widen it.

func (a *admin) apiRoutes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("GET /api/v1/articles", a.apiAuth(account.ScopeArticlesRead, a.apiList))
	m.HandleFunc("GET /api/v1/articles/{id}", a.apiAuth(account.ScopeArticlesRead, a.apiGet))
	m.HandleFunc("POST /api/v1/articles", a.apiAuth(account.ScopeArticlesWrite, a.apiSave))
	m.HandleFunc("PUT /api/v1/articles/{id}", a.apiAuth(account.ScopeArticlesWrite, a.apiSave))
	m.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		apiError(w, http.StatusNotFound, "no such endpoint", nil)
	})
	return m
}

type apiHandler func(w http.ResponseWriter, r *http.Request, u *account.User) error

func apiError(w http.ResponseWriter, status int, msg string, fields map[string]string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": msg, "fields": fields})
}

func apiJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (a *admin) apiAuth(scope string, next apiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="lede"`)
			apiError(w, http.StatusUnauthorized, "send an API token: Authorization: Bearer lede_…", nil)
			return
		}
		u, scopes, err := a.Users.LookupAPIToken(r.Context(), strings.TrimSpace(tok))
		if unavailable(err) { // outage.go: the token may well be valid
			a.h.dbDown(err)
			w.Header().Set("Retry-After", "5")
			apiError(w, http.StatusServiceUnavailable, "database unavailable; nothing was changed, try again shortly", nil)
			return
		}
		if err != nil {
			apiError(w, http.StatusUnauthorized, "this token is not valid or was revoked", nil)
			return
		}
		if !slices.Contains(scopes, scope) && !(scope == account.ScopeArticlesRead && slices.Contains(scopes, account.ScopeArticlesWrite)) {
			apiError(w, http.StatusForbidden, "this token lacks the "+scope+" scope", nil)
			return
		}
		if err := next(w, r, &u); err != nil {
			switch {
			case errors.Is(err, errForbidden):
				apiError(w, http.StatusForbidden, "your role does not allow this", nil)
			case errors.Is(err, errNotFound), errors.Is(err, account.ErrNotFound):
				apiError(w, http.StatusNotFound, "not found", nil)
			case errors.Is(err, errBadRequest):
				apiError(w, http.StatusBadRequest, "bad request", nil)
			case unavailable(err): // outage.go
				a.h.dbDown(err)
				w.Header().Set("Retry-After", "5")
				apiError(w, http.StatusServiceUnavailable, "database unavailable; nothing was changed, try again shortly", nil)
			default:
				a.h.Log.Error("web: api", slogRequest(r), "err", err)
				apiError(w, http.StatusInternalServerError, "internal error; nothing was changed", nil)
			}
		}
	}
}

// apiArticle is an article as the API reads and writes it.
type apiArticle struct {
	ID         int64    `json:"id,omitempty"`
	Version    int      `json:"version"`
	Status     string   `json:"status,omitempty"`
	Edition    string   `json:"edition"`
	Section    string   `json:"section"`
	Slug       string   `json:"slug"`
	Headline   string   `json:"headline"`
	Standfirst string   `json:"standfirst,omitempty"`
	Body       string   `json:"body"`
	Dateline   string   `json:"dateline,omitempty"`
	Correction string   `json:"correction,omitempty"`
	Top        bool     `json:"top,omitempty"`
	Authors    []string `json:"authors"`
	Tags       []string `json:"tags,omitempty"`
	PublishAt  string   `json:"publish_at,omitempty"`
	URL        string   `json:"url,omitempty"`
	Action     string   `json:"action,omitempty"`

	TranslationOf  int64   `json:"translation_of,omitempty"`
	RelatedPin     []int64 `json:"related_pin,omitempty"`
	RelatedExclude []int64 `json:"related_exclude,omitempty"`
	Alias          string  `json:"alias,omitempty"`
	SEOTitle       string  `json:"seo_title,omitempty"`
	SEODescription string  `json:"seo_description,omitempty"`
}

func (a *admin) apiList(w http.ResponseWriter, r *http.Request, u *account.User) error {
	q := r.URL.Query()
	f := newsroom.Filter{Status: q.Get("status"), Text: q.Get("q"), CreatedBy: a.scope(u), Limit: 50}
	if f.Status != "" && !validStatus(f.Status) {
		apiError(w, http.StatusBadRequest, "unknown status", map[string]string{"status": "one of " + strings.Join(article.Statuses(), ", ")})
		return nil
	}
	if n, err := strconv.Atoi(q.Get("offset")); err == nil && n >= 0 {
		f.Offset = n
	}
	rows, err := a.Newsroom.List(r.Context(), f)
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, x := range a.rows(rows) {
		out = append(out, map[string]any{"id": x.ID, "headline": x.Headline, "status": x.Status, "edition": x.Edition,
			"section": x.Section, "version": x.Version, "published_at": x.PublishedAt, "modified_at": x.ModifiedAt})
	}
	apiJSON(w, http.StatusOK, map[string]any{"articles": out})
	return nil
}

func (a *admin) apiGet(w http.ResponseWriter, r *http.Request, u *account.User) error {
	id, err := a.articleID(r)
	if err != nil {
		return err
	}
	if err := a.mayView(r, u, id); err != nil {
		return err
	}
	d, status, err := a.Newsroom.Load(r.Context(), id)
	if err != nil {
		return err
	}
	apiJSON(w, http.StatusOK, a.toAPI(r, d, status))
	return nil
}

func (a *admin) toAPI(r *http.Request, d newsroom.Draft, status string) apiArticle {
	s := a.h.site.Load()
	out := apiArticle{ID: d.ID, Version: d.Version, Status: status, Slug: d.Slug, Headline: d.Headline, Standfirst: d.Standfirst,
		Body: d.BodyMD, Dateline: d.Dateline, Correction: d.Correction, Top: d.Top, Authors: []string{},
		PublishAt: d.PublishAt.Format(time.RFC3339), TranslationOf: d.TranslationOf, RelatedPin: d.Pins,
		RelatedExclude: d.Excludes, Alias: d.Alias, SEOTitle: d.SEOTitle, SEODescription: d.SEODescription}
	if e := s.byID(d.EditionID); e != nil {
		out.Edition = e.Code
		if sec := e.sectionsID[d.SectionID]; sec != nil {
			out.Section = sec.Slug
			if status == article.StatusPublished {
				out.URL = a.h.BaseURL + "/" + e.Code + "/" + sec.Slug + "/" + d.Slug
			}
		}
	}
	if bylines, err := a.h.authors.ForArticles(r.Context(), []int64{d.ID}); err == nil {
		for _, au := range bylines[d.ID] {
			out.Authors = append(out.Authors, au.Slug)
		}
	}
	if tags, err := a.h.tags.ForArticles(r.Context(), []int64{d.ID}); err == nil {
		for _, t := range tags[d.ID] {
			out.Tags = append(out.Tags, t.Name)
		}
	}
	return out
}

// apiSave creates (POST) or updates (PUT, with the version read) an
// article and applies its action, with the same rules as the editor.
func (a *admin) apiSave(w http.ResponseWriter, r *http.Request, u *account.User) error {
	r.Body = http.MaxBytesReader(w, r.Body, 2<<20)
	var in apiArticle
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		apiError(w, http.StatusBadRequest, "invalid JSON: "+err.Error(), nil)
		return nil
	}
	ctx := r.Context()
	fields := map[string]string{}
	d := newsroom.Draft{Version: in.Version, Slug: in.Slug, Headline: in.Headline, Standfirst: in.Standfirst, BodyMD: in.Body,
		Dateline: in.Dateline, Correction: in.Correction, Top: in.Top, TranslationOf: in.TranslationOf, Pins: in.RelatedPin,
		Excludes: in.RelatedExclude, Alias: in.Alias, SEOTitle: in.SEOTitle, SEODescription: in.SEODescription}
	e := a.h.site.Load().byCode[in.Edition]
	if e == nil {
		fields["edition"] = "unknown edition"
	} else if sec := e.Section(in.Section); sec == nil {
		fields["section"] = "unknown section in this edition"
	} else {
		d.EditionID, d.SectionID = e.ID, sec.ID
	}
	for _, slug := range in.Authors {
		id, err := author.IDBySlug(ctx, a.h.DB, slug)
		if err != nil {
			fields["authors"] = "unknown author " + strconv.Quote(slug)
			continue
		}
		d.AuthorIDs = append(d.AuthorIDs, id)
	}
	if in.PublishAt != "" {
		t, err := time.Parse(time.RFC3339, in.PublishAt)
		if err != nil {
			fields["publish_at"] = "must be RFC 3339, e.g. 2026-12-01T08:00:00Z"
		}
		d.PublishAt = t
	}
	if d.Slug == "" {
		d.Slug = slugFromHeadline(d.Headline)
	}
	act := article.Action(in.Action)
	if act == "" {
		act = article.ActSave
	}
	status := article.StatusDraft
	owns := true
	if r.Method == http.MethodPut {
		id, err := a.articleID(r)
		if err != nil {
			return err
		}
		if _, status, err = a.Newsroom.Load(ctx, id); err != nil {
			return err
		}
		owner, err := a.Newsroom.Owner(ctx, id)
		if err != nil {
			return err
		}
		d.ID, owns = id, owner == u.ID
	} else if !account.Can(u.Role, account.ArticleCreate, true) {
		return errForbidden
	}
	if _, err := article.Next(status, act); err != nil {
		apiError(w, http.StatusConflict, err.Error(), nil)
		return nil
	}
	if !account.CanStep(u.Role, act, status, owns) {
		return errForbidden
	}
	if len(fields) > 0 {
		apiError(w, http.StatusUnprocessableEntity, "invalid article", fields)
		return nil
	}
	tagIDs, err := a.h.tags.Ensure(ctx, d.EditionID, in.Tags, account.Can(u.Role, account.TagCreate, true))
	if err != nil {
		apiError(w, http.StatusUnprocessableEntity, "invalid article", map[string]string{"tags": err.Error()})
		return nil
	}
	d.TagIDs = tagIDs
	id, _, err := a.Newsroom.Save(ctx, u.ID, d, act)
	var verrs article.Errors
	switch {
	case errors.Is(err, newsroom.ErrConflict):
		apiError(w, http.StatusConflict, err.Error(), nil)
		return nil
	case errors.As(err, &verrs):
		apiError(w, http.StatusUnprocessableEntity, "invalid article", verrs)
		return nil
	case err != nil:
		return err
	}
	saved, status, err := a.Newsroom.Load(ctx, id)
	if err != nil {
		return err
	}
	code := http.StatusOK
	if r.Method == http.MethodPost {
		code = http.StatusCreated
		w.Header().Set("Location", "/api/v1/articles/"+itoa(id))
	}
	apiJSON(w, code, a.toAPI(r, saved, status))
	return nil
}
