package web

// Moderation settings: pre- or post-moderation and closing, by edition,
// section or article; word and link filters; the bans in force.

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/comment"
)

type scopeRow struct {
	comment.ScopeSettings
	Label  string
	Indent bool
}

type modBan struct {
	comment.BanRow
	Ends, Since string
}

type commentSettingsView struct {
	adminPage
	Scopes   []scopeRow // editions and their sections
	Articles []scopeRow // articles with settings of their own
	Article  *scopeRow  // the article asked for (?article=ID)
	Filters  []comment.FilterRule
	Bans     []modBan
	Rules    comment.Rules // in force on Article
	Open     bool          // whether Article takes comments now
}

func (a *admin) commentSettingsPage(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if !account.Can(u.Role, account.CommentModerate, false) {
		return errForbidden
	}
	return a.renderCommentSettings(w, r, u, http.StatusOK, "")
}

func (a *admin) renderCommentSettings(w http.ResponseWriter, r *http.Request, u *account.User, status int, errText string) error {
	ctx, m := r.Context(), a.moderator()
	all, err := m.AllScopeSettings(ctx)
	if err != nil {
		return err
	}
	own := map[string]comment.ScopeSettings{}
	for _, s := range all {
		own[s.Scope] = s
	}
	get := func(scope string) comment.ScopeSettings {
		if s, ok := own[scope]; ok {
			return s
		}
		return comment.ScopeSettings{Scope: scope, CloseAfterDays: -1}
	}
	v := commentSettingsView{adminPage: adminPage{Title: "Comment settings", User: u, Error: errText}}
	for _, e := range a.h.site.Load().editions {
		v.Scopes = append(v.Scopes, scopeRow{ScopeSettings: get(comment.Scope("edition", e.ID)), Label: e.Name + " (" + e.Code + ")"})
		for _, s := range e.Sections {
			v.Scopes = append(v.Scopes, scopeRow{ScopeSettings: get(comment.Scope("section", s.ID)), Label: s.Name, Indent: true})
		}
	}
	for _, s := range all {
		if !strings.HasPrefix(s.Scope, "article:") {
			continue
		}
		var headline string
		a.h.DB.QueryRow(ctx, `SELECT headline FROM articles WHERE id = ?`, strings.TrimPrefix(s.Scope, "article:")).Scan(&headline)
		v.Articles = append(v.Articles, scopeRow{ScopeSettings: s, Label: headline + " (" + s.Scope + ")"})
	}
	if q := r.URL.Query().Get("article"); q != "" {
		id, err := strconv.ParseInt(q, 10, 64)
		if err != nil || id <= 0 {
			return errBadRequest
		}
		var headline string
		if err := a.h.DB.QueryRow(ctx, `SELECT headline FROM articles WHERE id = ?`, id).Scan(&headline); err != nil {
			return errNotFound
		}
		v.Article = &scopeRow{ScopeSettings: get(comment.Scope("article", id)), Label: headline}
		store := &comment.Store{DB: a.h.DB, Config: a.h.Comments}
		if v.Rules, err = store.RulesFor(ctx, id); err != nil {
			return err
		}
		if v.Open, err = store.ArticleOpen(ctx, id); err != nil {
			return err
		}
	}
	if v.Filters, err = m.Filters(ctx); err != nil {
		return err
	}
	bans, err := m.Bans(ctx)
	if err != nil {
		return err
	}
	for _, b := range bans {
		v.Bans = append(v.Bans, modBan{BanRow: b, Ends: banEnds(&b.ReaderBan), Since: modTime(b.CreatedAt)})
	}
	if r.URL.Query().Get("done") != "" && errText == "" {
		v.Note = "Saved. Every node shows it within a second."
	}
	a.render(w, status, "comments_settings", v)
	return nil
}

// settingsDone goes back to the settings page, on the article's form when
// the change was an article's.
func settingsDone(w http.ResponseWriter, r *http.Request, scope string) {
	q := url.Values{"done": {"1"}}
	if id, ok := strings.CutPrefix(scope, "article:"); ok {
		q.Set("article", id)
	}
	http.Redirect(w, r, "/admin/comments/settings?"+q.Encode(), http.StatusSeeOther)
}

func (a *admin) settingsRefused(w http.ResponseWriter, r *http.Request, u *account.User, err error) error {
	status, text, ok := modMessage(err)
	if !ok {
		return err
	}
	return a.renderCommentSettings(w, r, u, status, strings.ToUpper(text[:1])+text[1:]+".")
}

func (a *admin) commentSettingsSave(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if !account.Can(u.Role, account.CommentModerate, false) {
		return errForbidden
	}
	s := comment.ScopeSettings{Scope: r.PostFormValue("scope"), Mode: r.PostFormValue("mode"), CloseAfterDays: -1,
		Closed: r.PostFormValue("closed") == "1"}
	if id := strings.TrimSpace(r.PostFormValue("article")); id != "" && s.Scope == "" {
		s.Scope = "article:" + id // the "another article" form
	}
	if d := strings.TrimSpace(r.PostFormValue("close_after_days")); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			return a.settingsRefused(w, r, u, comment.ErrBadSettings)
		}
		s.CloseAfterDays = n
	}
	if err := a.moderator().SaveScopeSettings(r.Context(), u.ID, s); err != nil {
		return a.settingsRefused(w, r, u, err)
	}
	settingsDone(w, r, s.Scope)
	return nil
}

// commentClosed closes or reopens a scope's discussions now.
func (a *admin) commentClosed(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if !account.Can(u.Role, account.CommentModerate, false) {
		return errForbidden
	}
	scope := r.PostFormValue("scope")
	if err := a.moderator().SetClosed(r.Context(), u.ID, scope, r.PostFormValue("closed") == "1"); err != nil {
		return a.settingsRefused(w, r, u, err)
	}
	settingsDone(w, r, scope)
	return nil
}

func (a *admin) commentFilterAdd(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if !account.Can(u.Role, account.CommentModerate, false) {
		return errForbidden
	}
	if _, err := a.moderator().AddFilter(r.Context(), u.ID, r.PostFormValue("kind"), r.PostFormValue("pattern"), r.PostFormValue("action")); err != nil {
		return a.settingsRefused(w, r, u, err)
	}
	settingsDone(w, r, "")
	return nil
}

func (a *admin) commentFilterDelete(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if !account.Can(u.Role, account.CommentModerate, false) {
		return errForbidden
	}
	id, err := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	if err != nil {
		return a.settingsRefused(w, r, u, comment.ErrNoFilter)
	}
	if err := a.moderator().DeleteFilter(r.Context(), u.ID, id); err != nil {
		return a.settingsRefused(w, r, u, err)
	}
	settingsDone(w, r, "")
	return nil
}

func (a *admin) commentBanLift(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if !account.Can(u.Role, account.CommentModerate, false) {
		return errForbidden
	}
	id, err := strconv.ParseInt(r.PostFormValue("reader"), 10, 64)
	if err != nil {
		return a.settingsRefused(w, r, u, comment.ErrNoBan)
	}
	if err := a.moderator().Lift(r.Context(), u.ID, id); err != nil {
		return a.settingsRefused(w, r, u, err)
	}
	settingsDone(w, r, "")
	return nil
}
