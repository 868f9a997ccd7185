package web

// The newsroom's moderation queue: approve, reject, mark as spam, edit,
// ban, review flags. Each action is a plain form post (CrossOriginProtection
// like every admin post); admin-comments.js sends the same posts with
// Accept: application/json for the keyboard shortcuts, without a reload.

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

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/comment"
)

// commentRoutes adds the moderation pages to the admin's mux.
func (a *admin) commentRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /admin/comments", a.auth(a.commentQueue))
	m.HandleFunc("POST /admin/comments/{id}/{action}", a.auth(a.commentAction))
	m.HandleFunc("POST /admin/comments/alerts", a.auth(a.commentAlerts))
	m.HandleFunc("GET /admin/comments/settings", a.auth(a.commentSettingsPage))
	m.HandleFunc("POST /admin/comments/settings", a.auth(a.commentSettingsSave))
	m.HandleFunc("POST /admin/comments/settings/closed", a.auth(a.commentClosed))
	m.HandleFunc("POST /admin/comments/filters", a.auth(a.commentFilterAdd))
	m.HandleFunc("POST /admin/comments/filters/delete", a.auth(a.commentFilterDelete))
	m.HandleFunc("POST /admin/comments/bans/lift", a.auth(a.commentBanLift))
}

func (a *admin) moderator() *comment.Moderator {
	return &comment.Moderator{DB: a.h.DB, Config: a.h.Comments}
}

// queueCount is the nav's badge: comments waiting for a moderator, or 0
// for users who do not moderate.
func (a *admin) queueCount(u *account.User) int {
	if u == nil || !account.Can(u.Role, account.CommentModerate, false) {
		return 0
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, err := a.moderator().QueueCount(ctx)
	if err != nil {
		a.h.Log.Warn("web: moderation queue count", "err", err)
	}
	return n
}

type modItem struct {
	comment.QueueItem
	HTML    template.HTML
	Created string
	Edited  string
	BanEnds string
}

type commentsView struct {
	adminPage
	Editions  []*ed
	Edition   string
	View      string
	Views     []string
	Items     []modItem
	Next      int64 // before= for the next page; 0: none
	Durations []struct {
		Value, Label string
		Days         int
	}
	Reasons []string
	Alerts  bool
	Query   string // the list's query, kept across actions
}

func modTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func banEnds(b *comment.ReaderBan) string {
	if b == nil {
		return ""
	}
	if b.Forever() {
		return "for good"
	}
	return "until " + modTime(b.Until)
}

// queueFilter reads the list's filters from a query string.
func (a *admin) queueFilter(q url.Values) (comment.QueueFilter, string, bool) {
	f := comment.QueueFilter{View: q.Get("view")}
	if f.View == "" {
		f.View = comment.QueueReview
	}
	code := q.Get("edition")
	if code != "" {
		e := a.h.site.Load().byCode[code]
		if e == nil {
			return f, "", false
		}
		f.EditionID = e.ID
	}
	if b := q.Get("before"); b != "" {
		id, err := strconv.ParseInt(b, 10, 64)
		if err != nil || id <= 0 {
			return f, "", false
		}
		f.BeforeID = id
	}
	for _, v := range comment.QueueViews() {
		if v == f.View {
			return f, code, true
		}
	}
	return f, "", false
}

func (a *admin) commentQueue(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if !account.Can(u.Role, account.CommentModerate, false) {
		return errForbidden
	}
	f, code, ok := a.queueFilter(r.URL.Query())
	if !ok {
		return errBadRequest
	}
	return a.renderQueue(w, r, u, f, code, http.StatusOK, "")
}

const queuePage = 50

func (a *admin) renderQueue(w http.ResponseWriter, r *http.Request, u *account.User, f comment.QueueFilter, code string, status int, errText string) error {
	m := a.moderator()
	f.Limit = queuePage + 1
	items, err := m.Queue(r.Context(), f)
	if err != nil {
		return err
	}
	v := commentsView{adminPage: adminPage{Title: "Comments", User: u, Error: errText}, Editions: a.h.site.Load().editions,
		Edition: code, View: f.View, Views: comment.QueueViews(), Durations: comment.BanDurations, Reasons: comment.FlagReasons}
	if len(items) > queuePage {
		items = items[:queuePage]
		v.Next = items[len(items)-1].ID
	}
	for _, it := range items {
		v.Items = append(v.Items, modItem{QueueItem: it, HTML: comment.Render(it.Body), Created: modTime(it.CreatedAt),
			Edited: modTime(it.EditedAt), BanEnds: banEnds(it.Author.ActiveBan)})
	}
	if v.Alerts, err = m.Alerts(r.Context(), u.ID); err != nil {
		return err
	}
	q := url.Values{"view": {f.View}}
	if code != "" {
		q.Set("edition", code)
	}
	v.Query = q.Encode()
	if done := r.URL.Query().Get("done"); done != "" && errText == "" {
		v.Note = "Done: " + done + "."
	}
	a.render(w, status, "comments", v)
	return nil
}

// modMessage turns a moderation refusal into what the moderator reads,
// with its status; ok is false for errors that are not refusals.
func modMessage(err error) (int, string, bool) {
	switch {
	case errors.Is(err, comment.ErrNoComment), errors.Is(err, comment.ErrNoFilter), errors.Is(err, comment.ErrBadScope):
		return http.StatusNotFound, strings.TrimPrefix(err.Error(), "comment: "), true
	case errors.Is(err, comment.ErrNoBan), errors.Is(err, comment.ErrDuplicate), errors.Is(err, comment.ErrReaderDeleted),
		errors.Is(err, comment.ErrNoReader):
		return http.StatusConflict, strings.TrimPrefix(err.Error(), "comment: "), true
	case errors.Is(err, comment.ErrBadDuration), errors.Is(err, comment.ErrNoReason), errors.Is(err, comment.ErrBadSettings),
		errors.Is(err, comment.ErrBadFilter), errors.Is(err, comment.ErrEmptyBody):
		return http.StatusUnprocessableEntity, strings.TrimPrefix(err.Error(), "comment: "), true
	}
	return 0, "", false
}

func modWantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

func modJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// commentAction applies one action to one comment.
func (a *admin) commentAction(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if !account.Can(u.Role, account.CommentModerate, false) {
		if modWantsJSON(r) {
			modJSON(w, http.StatusForbidden, map[string]any{"error": "Your role does not allow this."})
			return nil
		}
		return errForbidden
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return a.modRefuse(w, r, u, http.StatusNotFound, "no such comment")
	}
	m, ctx, action := a.moderator(), r.Context(), r.PathValue("action")
	var done string
	switch action {
	case "approve":
		err, done = m.Approve(ctx, u.ID, id), "approved"
	case "reject":
		err, done = m.Reject(ctx, u.ID, id), "rejected"
	case "spam":
		err, done = m.Spam(ctx, u.ID, id), "marked as spam"
	case "restore":
		err, done = m.Restore(ctx, u.ID, id), "restored"
	case "dismiss":
		err, done = m.DismissFlags(ctx, u.ID, id), "flags dismissed"
	case "uphold":
		err, done = m.UpholdFlags(ctx, u.ID, id), "flags upheld, comment rejected"
	case "edit":
		err, done = m.Edit(ctx, u.ID, id, r.PostFormValue("body")), "text saved"
	case "revert":
		err, done = m.RevertEdits(ctx, u.ID, id), "original text restored"
	case "ban":
		var days int
		days, err = comment.ParseBanDuration(r.PostFormValue("duration"))
		if err == nil {
			var b comment.ReaderBan
			b, err = m.BanAuthor(ctx, u.ID, id, days, r.PostFormValue("reason"))
			done = "author banned " + banEnds(&b)
		}
	default:
		return a.modRefuse(w, r, u, http.StatusNotFound, "no such action")
	}
	if err != nil {
		if status, text, ok := modMessage(err); ok {
			return a.modRefuse(w, r, u, status, text)
		}
		return err
	}
	var status string
	if it, err := m.Item(ctx, id); err == nil {
		status = it.Status
		a.h.Invalidate(ctx, []string{comment.Tag(it.ArticleID)}) // this node at once; the others through the change log
	}
	if modWantsJSON(r) {
		modJSON(w, http.StatusOK, map[string]any{"ok": true, "done": done, "status": status, "count": a.queueCount(u)})
		return nil
	}
	back, _ := url.ParseQuery(r.PostFormValue("back"))
	back.Del("done")
	back.Set("done", done)
	http.Redirect(w, r, "/admin/comments?"+back.Encode(), http.StatusSeeOther)
	return nil
}

// modRefuse answers a refused action: JSON for the script, the queue with
// the message otherwise.
func (a *admin) modRefuse(w http.ResponseWriter, r *http.Request, u *account.User, status int, text string) error {
	if len(text) > 0 {
		text = strings.ToUpper(text[:1]) + text[1:] + "."
	}
	if modWantsJSON(r) {
		modJSON(w, status, map[string]any{"error": text})
		return nil
	}
	back, _ := url.ParseQuery(r.PostFormValue("back"))
	f, code, ok := a.queueFilter(back)
	if !ok {
		f, code = comment.QueueFilter{View: comment.QueueReview}, ""
	}
	return a.renderQueue(w, r, u, f, code, status, text)
}

func (a *admin) commentAlerts(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if !account.Can(u.Role, account.CommentModerate, false) {
		return errForbidden
	}
	on := r.PostFormValue("alerts") == "1"
	if err := a.moderator().SetAlerts(r.Context(), u.ID, on); err != nil {
		return err
	}
	if err := a.Newsroom.AuditEvent(r.Context(), u.ID, "comment.alerts", "user:"+itoa(u.ID), strconv.FormatBool(on)); err != nil {
		return err
	}
	done := "flag emails off"
	if on {
		done = "flag emails on"
	}
	http.Redirect(w, r, "/admin/comments?done="+url.QueryEscape(done), http.StatusSeeOther)
	return nil
}
