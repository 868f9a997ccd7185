package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/comment"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/i18n"
	"github.com/lede-news/lede/internal/pagecache"
	"github.com/lede-news/lede/internal/reader"
	"github.com/lede-news/lede/internal/typo"
)

// commentsUI serves what readers do with comments under /{ed}/comments/…:
// the private form pages (without JavaScript) and the same actions as JSON
// (with JavaScript). Every POST passes http.CrossOriginProtection and must
// carry the token tied to the reader's session.
type commentsUI struct {
	h       *Handler
	store   *comment.Store
	readers *reader.Store
	set     *template.Template
	serve   http.Handler
}

// maxCommentForm bounds a comment POST: far above 5,000 characters of any
// script, so a body that is too long still arrives and is handed back.
const maxCommentForm = 256 << 10

func newCommentsUI(h *Handler) (*commentsUI, error) {
	u := &commentsUI{h: h, readers: &reader.Store{DB: h.DB},
		store: &comment.Store{DB: h.DB, Limiter: &account.Limiter{DB: h.DB}, Config: h.Comments}}
	if err := u.parse(); err != nil {
		return nil, err
	}
	m := http.NewServeMux()
	m.HandleFunc("GET /{ed}/comments/new", u.ed(u.newForm))
	m.HandleFunc("POST /{ed}/comments/new", u.ed(u.post))
	m.HandleFunc("GET /{ed}/comments/mine.json", u.ed(u.mine))
	m.HandleFunc("GET /{ed}/comments/{id}", u.ed(u.actions))
	m.HandleFunc("POST /{ed}/comments/{id}/{action}", u.ed(u.act))
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { h.fail(w, r, errNotFound) })
	u.serve = http.NewCrossOriginProtection().Handler(m)
	return u, nil
}

func (u *commentsUI) parse() error {
	var fsys fs.FS = templateFS
	if u.h.Dev {
		fsys = os.DirFS("internal/web")
	}
	t, err := template.New("comments").Funcs(template.FuncMap{"asset": u.h.assets.URL}).
		ParseFS(fsys, "templates/layout.html", "templates/comment_parts.html", "templates/comment_pages.html")
	if err != nil {
		return fmt.Errorf("web: comment templates: %w", err)
	}
	u.set = t
	return nil
}

// owns reports whether path is under /{ed}/comments/.
func (u *commentsUI) owns(path string) bool {
	rest, ok := strings.CutPrefix(path, "/")
	if !ok {
		return false
	}
	i := strings.IndexByte(rest, '/')
	return i > 0 && strings.HasPrefix(rest[i:], "/comments/")
}

func (u *commentsUI) ServeHTTP(w http.ResponseWriter, r *http.Request) { u.serve.ServeHTTP(w, r) }

func (u *commentsUI) ed(fn func(w http.ResponseWriter, r *http.Request, e *ed) error) http.HandlerFunc {
	return u.h.wrap(func(w http.ResponseWriter, r *http.Request) error {
		e, err := u.h.edition(r)
		if err != nil {
			return err
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxCommentForm)
			if err := r.ParseForm(); err != nil {
				return err // far too large: nothing arrived to hand back
			}
		}
		return fn(w, r, e)
	})
}

// execute renders template name of the comment set.
func (u *commentsUI) execute(name string, data any) ([]byte, error) {
	if u.h.Dev {
		if err := u.parse(); err != nil {
			return nil, err
		}
	}
	var b strings.Builder
	if err := u.set.ExecuteTemplate(&b, name, data); err != nil {
		return nil, fmt.Errorf("web: render %s: %w", name, err)
	}
	return []byte(b.String()), nil
}

// page writes a private page: never cached, never shared.
func (u *commentsUI) page(w http.ResponseWriter, r *http.Request, status int, v any) error {
	body, err := u.execute("layout", v)
	if err != nil {
		return err
	}
	pagecache.Prepare(body, pagecache.Options{Status: status, NoStore: true, Header: pageHeader}).Write(w, r)
	return nil
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// formView is the private comment form page and the notices after a post.
type formView struct {
	page
	Heading     string
	ArticleURL  string
	Headline    string
	Parent      *nodeView
	Form        commentForm
	Notice      string
	Error       string
	Verify      bool // signed in but not verified
	SignInURL   string
	ProviderURL []readerProvider
}

// commentForm is what the form template needs, on the private page and in
// the template the article page carries for JavaScript.
type commentForm struct {
	T           *i18n.Catalog
	Action      string
	ArticleID   int64
	ParentID    int64
	Body        string
	CSRF        string
	NeedConduct bool
	ConductURL  string
	MaxLength   int
	Label       string
}

// target is the article a comment is for, checked against the edition.
func (u *commentsUI) target(ctx context.Context, e *ed, id int64) (article.Article, string, error) {
	a, err := u.h.articles.ByID(ctx, id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && (a.EditionID != e.ID || a.Status != "published")) {
		return a, "", errNotFound
	}
	if err != nil {
		return a, "", err
	}
	return a, u.h.site.Load().articleURL(a), nil
}

func formInt(r *http.Request, name string) int64 {
	v := r.FormValue(name)
	n, _ := strconv.ParseInt(v, 10, 64)
	return n
}

// signInURL sends a reader to sign in, then back to next.
func signInURL(e *ed, next string) string {
	return "/" + e.Code + "/account/signin?next=" + url.QueryEscape(next)
}

func (u *commentsUI) newForm(w http.ResponseWriter, r *http.Request, e *ed) error {
	a, path, err := u.target(r.Context(), e, formInt(r, "article"))
	if err != nil {
		return err
	}
	rd := u.h.currentReader(r)
	if rd == nil {
		http.Redirect(w, r, signInURL(e, r.URL.RequestURI()), http.StatusSeeOther)
		return nil
	}
	v := u.formView(r, e, a, path, rd, formInt(r, "parent"), "")
	if v.Parent == nil && formInt(r, "parent") != 0 {
		v.Error = e.T.T("comment_err_parent")
		return u.page(w, r, http.StatusConflict, v)
	}
	if open, err := u.store.ArticleOpen(r.Context(), a.ID); err != nil {
		return err
	} else if !open {
		v.Error, v.Form = e.T.T("comment_closed"), commentForm{}
		return u.page(w, r, http.StatusForbidden, v)
	}
	return u.page(w, r, http.StatusOK, v)
}

func (u *commentsUI) formView(r *http.Request, e *ed, a article.Article, path string, rd *reader.Reader, parent int64, body string) formView {
	headline := typo.Text(e.Lang, a.Headline)
	v := formView{page: u.h.base(e, e.T.T("comment_form_title", headline), "/"+e.Code+"/comments/new"),
		Heading: e.T.T("comment_form_title", headline), ArticleURL: path, Headline: headline}
	v.Robots = "noindex"
	v.Form = commentForm{T: e.T, Action: "/" + e.Code + "/comments/new", ArticleID: a.ID, Body: body, CSRF: u.h.readerCSRF(r),
		ConductURL: "/" + e.Code + "/conduct", MaxLength: u.store.Config.MaxLength, Label: e.T.T("comment_form_label")}
	if v.Form.MaxLength == 0 {
		v.Form.MaxLength = comment.DefaultConfig.MaxLength
	}
	if rd != nil {
		v.Form.NeedConduct = !rd.ConductAccepted
		v.Verify = !rd.Verified
	}
	if parent != 0 {
		if p, err := u.store.Get(r.Context(), parent); err == nil && p.ArticleID == a.ID && p.Visible() {
			v.Parent = u.h.nodeView(e, &comment.Node{Comment: p})
			v.Form.ParentID = p.ID
			v.Form.Label = e.T.T("comment_reply_to", p.AuthorName)
		}
	}
	return v
}

// postResult is the JSON answer to a post from JavaScript.
type postResult struct {
	OK      bool   `json:"ok"`
	ID      int64  `json:"id,omitempty"`
	Status  string `json:"status,omitempty"`
	Parent  int64  `json:"parent,omitempty"`
	HTML    string `json:"html,omitempty"`
	Message string `json:"message"`
	Error   string `json:"error,omitempty"`
	Likes   int    `json:"likes,omitempty"`
}

func (u *commentsUI) post(w http.ResponseWriter, r *http.Request, e *ed) error {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		return u.refuse(w, r, e, nil, &comment.Error{Code: comment.CodeTooLong})
	}
	body := r.PostFormValue("body")
	a, path, err := u.target(ctx, e, formInt(r, "article"))
	if errors.Is(err, errNotFound) {
		// Unpublished since the page was read: say so, and keep the text.
		v := formView{page: u.h.base(e, e.T.T("discussion"), "/"+e.Code+"/comments/new"), Heading: e.T.T("discussion"),
			Form: commentForm{Body: body}}
		return u.refuse(w, r, e, &v, &comment.Error{Code: comment.CodeNoArticle})
	}
	if err != nil {
		return err
	}
	rd := u.h.currentReader(r)
	v := u.formView(r, e, a, path, rd, formInt(r, "parent"), body)
	if rd == nil {
		return u.refuse(w, r, e, &v, &comment.Error{Code: comment.CodeSignIn})
	}
	if !u.h.checkReaderCSRF(r) {
		return u.refuse(w, r, e, &v, errCSRF)
	}
	if !rd.ConductAccepted && rd.Verified && r.PostFormValue("conduct") != "" {
		if err := u.readers.AcceptConduct(ctx, rd.ID); err != nil {
			return err
		}
		rd.ConductAccepted = true
		v.Form.NeedConduct = false
	}
	c, err := u.store.Post(ctx, rd, comment.NewComment{ArticleID: a.ID, ParentID: formInt(r, "parent"), Body: body,
		Addr: u.h.Proxies.ClientAddr(r), Honeypot: r.PostFormValue("website")})
	if err != nil {
		return u.refuse(w, r, e, &v, err)
	}
	msg := e.T.T("comment_posted")
	if c.Status != comment.Approved {
		msg = e.T.T("comment_held")
	}
	if c.Status == comment.Approved {
		// This node drops the page now; the others through the change log.
		u.h.Invalidate(ctx, []string{comment.Tag(a.ID)})
	}
	if wantsJSON(r) {
		html, err := u.execute("comment-node", u.h.nodeView(e, &comment.Node{Comment: c}).withHeld(c.Status != comment.Approved, msg))
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusCreated, postResult{OK: true, ID: c.ID, Status: c.Status, Parent: c.ParentID, HTML: string(html), Message: msg})
	}
	if c.Status == comment.Approved {
		http.Redirect(w, r, path+"#c"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
		return nil
	}
	v.Notice, v.Form = msg, commentForm{}
	return u.page(w, r, http.StatusAccepted, v)
}

var errCSRF = &comment.Error{Code: "csrf"}

// refuse answers a refusal: JSON for JavaScript, else the form again with
// the message and the reader's text.
func (u *commentsUI) refuse(w http.ResponseWriter, r *http.Request, e *ed, v *formView, err error) error {
	var ce *comment.Error
	if !errors.As(err, &ce) {
		return err
	}
	status, msg := u.message(w, e, ce)
	if wantsJSON(r) {
		return writeJSON(w, status, postResult{Error: ce.Code, Message: msg})
	}
	if v == nil {
		return u.page(w, r, status, formView{page: u.h.base(e, e.T.T("discussion"), "/"+e.Code+"/comments/new"), Error: msg})
	}
	if ce.Code == comment.CodeSignIn {
		http.Redirect(w, r, signInURL(e, v.ArticleURL), http.StatusSeeOther)
		return nil
	}
	v.Error = msg
	switch ce.Code {
	case comment.CodeClosed, comment.CodeBanned, comment.CodeNoArticle:
		v.Form.CSRF = "" // nothing to try again; the text stays shown
	}
	return u.page(w, r, status, *v)
}

// message is the status and the reader's message for a refusal.
func (u *commentsUI) message(w http.ResponseWriter, e *ed, ce *comment.Error) (int, string) {
	T := e.T
	key := "comment_err_" + ce.Code
	switch ce.Code {
	case comment.CodeSignIn:
		return http.StatusUnauthorized, T.T(key)
	case comment.CodeTooLong:
		n := u.store.Config.MaxLength
		if n == 0 {
			n = comment.DefaultConfig.MaxLength
		}
		return http.StatusRequestEntityTooLarge, T.T(key, n)
	case comment.CodeEmpty, comment.CodeReason:
		return http.StatusBadRequest, T.T(key)
	case comment.CodeRateReader, comment.CodeRateAddr:
		mins := int(math.Ceil(ce.RetryAfter.Minutes()))
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(ce.RetryAfter.Seconds()))))
		return http.StatusTooManyRequests, T.T(key, fmt.Sprintf("%d min", max(mins, 1)))
	case comment.CodeEditWindow:
		win := u.store.Config.EditWindow
		if win == 0 {
			win = comment.DefaultConfig.EditWindow
		}
		return http.StatusForbidden, T.T(key, int(win/time.Minute))
	case comment.CodeNoArticle:
		return http.StatusNotFound, T.T(key)
	case comment.CodeParent, comment.CodeGone, comment.CodeTwice:
		return http.StatusConflict, T.T(key)
	default: // csrf, unverified, conduct, banned, closed, filtered, not_yours, own
		return http.StatusForbidden, T.T(key)
	}
}
