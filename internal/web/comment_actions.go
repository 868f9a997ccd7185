package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/lede-news/lede/internal/comment"
	"github.com/lede-news/lede/internal/db"
)

// actionsView is the private page of one comment: like, report, and edit
// or delete for its author. Links on the cached article page lead here
// when JavaScript is off.
type actionsView struct {
	page
	Heading    string
	ArticleURL string
	Node       *nodeView
	CSRF       string
	SignInURL  string
	Own        bool // the reader wrote it and may still edit it
	Deletable  bool
	Body       string
	Kept       string // a refused edit's text, shown when the form is not
	Reasons    []flagReason
	Notice     string
	Error      string
	Base       string // /{ed}/comments/{id}
	MaxLength  int
}

type flagReason struct{ Value, Label string }

func (u *commentsUI) commentID(r *http.Request) (comment.Comment, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return comment.Comment{}, errNotFound
	}
	c, err := u.store.Get(r.Context(), id)
	if errors.Is(err, db.ErrNotFound) {
		return c, errNotFound
	}
	return c, err
}

func (u *commentsUI) actionsView(r *http.Request, e *ed, c comment.Comment) (actionsView, error) {
	a, path, err := u.target(r.Context(), e, c.ArticleID)
	if err != nil {
		return actionsView{}, err
	}
	base := "/" + e.Code + "/comments/" + strconv.FormatInt(c.ID, 10)
	v := actionsView{page: u.h.base(e, e.T.T("discussion"), base), Heading: a.Headline, ArticleURL: path,
		CSRF: u.h.readerCSRF(r), SignInURL: signInURL(e, base), Base: base, MaxLength: u.maxLength()}
	v.Robots = "noindex"
	if c.Visible() {
		v.Node = u.h.nodeView(e, &comment.Node{Comment: c})
	}
	for _, reason := range comment.FlagReasons {
		v.Reasons = append(v.Reasons, flagReason{reason, e.T.T("comment_flag_" + reason)})
	}
	if rd := u.h.currentReader(r); rd != nil && rd.ID == c.ReaderID && c.Status != comment.Deleted &&
		c.Status != comment.Rejected && c.Status != comment.Spam {
		v.Deletable = true
		v.Own = u.store.Editable(c, time.Now())
		v.Body = c.Body
	}
	return v, nil
}

func (u *commentsUI) maxLength() int {
	if u.store.Config.MaxLength > 0 {
		return u.store.Config.MaxLength
	}
	return comment.DefaultConfig.MaxLength
}

func (u *commentsUI) actions(w http.ResponseWriter, r *http.Request, e *ed) error {
	c, err := u.commentID(r)
	if err != nil {
		return err
	}
	v, err := u.actionsView(r, e, c)
	if err != nil {
		return err
	}
	if v.Node == nil && !v.Deletable {
		return errNotFound
	}
	return u.page(w, r, http.StatusOK, v)
}

// act runs edit, delete, like or flag.
func (u *commentsUI) act(w http.ResponseWriter, r *http.Request, e *ed) error {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		return u.refuse(w, r, e, nil, &comment.Error{Code: comment.CodeTooLong})
	}
	c, err := u.commentID(r)
	if err != nil {
		return err
	}
	v, err := u.actionsView(r, e, c)
	if err != nil {
		return err
	}
	rd := u.h.currentReader(r)
	fail := func(err error) error {
		var ce *comment.Error
		if !errors.As(err, &ce) {
			return err
		}
		if ce.Code == comment.CodeSignIn && !wantsJSON(r) {
			http.Redirect(w, r, v.SignInURL, http.StatusSeeOther)
			return nil
		}
		status, msg := u.message(w, e, ce)
		if wantsJSON(r) {
			return writeJSON(w, status, postResult{Error: ce.Code, Message: msg})
		}
		v.Error = msg
		if r.PathValue("action") == "edit" {
			v.Body, v.Kept = r.PostFormValue("body"), r.PostFormValue("body") // the text is handed back, not lost
		}
		return u.page(w, r, status, v)
	}
	if rd == nil {
		return fail(&comment.Error{Code: comment.CodeSignIn})
	}
	if !u.h.checkReaderCSRF(r) {
		return fail(errCSRF)
	}
	var res postResult
	switch r.PathValue("action") {
	case "edit":
		nc, err := u.store.Edit(ctx, rd, c.ID, r.PostFormValue("body"))
		if err != nil {
			return fail(err)
		}
		res = postResult{OK: true, ID: nc.ID, Status: nc.Status, Message: e.T.T("comment_saved")}
		if nc.Status != comment.Approved {
			res.Message = e.T.T("comment_held")
		}
		html, err := u.execute("comment-body", u.h.nodeView(e, &comment.Node{Comment: nc}))
		if err != nil {
			return err
		}
		res.HTML = string(html)
	case "delete":
		if err := u.store.Delete(ctx, rd, c.ID); err != nil {
			return fail(err)
		}
		res = postResult{OK: true, ID: c.ID, Message: e.T.T("comment_deleted")}
	case "like":
		n, err := u.store.Like(ctx, rd, c.ID)
		if err != nil {
			return fail(err)
		}
		res = postResult{OK: true, ID: c.ID, Likes: n, Message: likesLabel(e, n)}
	case "flag":
		if _, err := u.store.Flag(ctx, rd, c.ID, r.PostFormValue("reason")); err != nil {
			return fail(err)
		}
		res = postResult{OK: true, ID: c.ID, Message: e.T.T("comment_flag_done")}
	default:
		return errNotFound
	}
	u.h.Invalidate(ctx, []string{comment.Tag(c.ArticleID)})
	if wantsJSON(r) {
		return writeJSON(w, http.StatusOK, res)
	}
	if r.PathValue("action") == "flag" || r.PathValue("action") == "delete" {
		v.Notice, v.Node, v.Own, v.Deletable = res.Message, nil, false, false
		return u.page(w, r, http.StatusOK, v)
	}
	http.Redirect(w, r, v.ArticleURL+"#c"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
	return nil
}

// mine lists, for JavaScript, the reader's comments on an article that
// they may still edit or delete: the cached page cannot say.
func (u *commentsUI) mine(w http.ResponseWriter, r *http.Request, e *ed) error {
	type own struct {
		ID       int64  `json:"id"`
		Editable bool   `json:"editable"`
		Body     string `json:"body"` // as written, for the edit form
	}
	out := struct {
		Mine []own `json:"mine"`
		Open bool  `json:"open"`
	}{Mine: []own{}}
	id, _ := strconv.ParseInt(r.URL.Query().Get("article"), 10, 64)
	open, err := u.store.ArticleOpen(r.Context(), id)
	if err != nil {
		return err
	}
	out.Open = open
	if rd := u.h.currentReader(r); rd != nil {
		mine, err := u.store.Mine(r.Context(), id, rd.ID)
		if err != nil {
			return err
		}
		for _, c := range mine {
			out.Mine = append(out.Mine, own{ID: c.ID, Editable: u.store.Editable(c, time.Now()), Body: c.Body})
		}
	}
	w.Header().Set("Vary", "Cookie")
	return writeJSON(w, http.StatusOK, out)
}

// IsForm tells the page template which view it has.
func (actionsView) IsForm() bool { return false }

// IsForm tells the page template which view it has.
func (formView) IsForm() bool { return true }
