package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/mail"
	"github.com/lede-news/lede/internal/media"
	"github.com/lede-news/lede/internal/newsroom"
	"github.com/lede-news/lede/internal/webhook"
)

// AdminDeps are what the newsroom UI needs beyond the site's.
type AdminDeps struct {
	Users    *account.Store
	Sessions *account.Sessions
	Throttle *account.Throttle
	Newsroom *newsroom.Newsroom
	Limiter  *account.Limiter
	Mail     *mail.Sender
	Webhooks *webhook.Service // nil: no webhooks page
}

// admin is the newsroom's web UI under /admin/. Every page is private
// (no-store), framed by nobody, and every state-changing request passes
// http.CrossOriginProtection.
type admin struct {
	AdminDeps
	h      *Handler
	tmpl   map[string]*template.Template
	secure bool // cookies only over HTTPS
	serve  http.Handler
	api    http.Handler
	media  *media.Store
}

const sessionCookie = "lede_session"

var adminHeader = http.Header{
	"Content-Security-Policy": {"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
	"X-Content-Type-Options": nosniff,
	"X-Frame-Options":        {"DENY"},
	"Referrer-Policy":        {"same-origin"},
	"Cache-Control":          {"no-store"},
}

var adminViews = []string{"signin", "totp", "setup", "reset", "dashboard", "articles", "edit", "revisions", "diff", "audit", "message", "account", "media", "tags", "site", "comments", "comments_settings"}

func newAdmin(h *Handler, d AdminDeps) (*admin, error) {
	a := &admin{AdminDeps: d, h: h, media: h.media, secure: strings.HasPrefix(h.BaseURL, "https://"), tmpl: map[string]*template.Template{}}
	var fsys fs.FS = templateFS
	if h.Dev {
		fsys = os.DirFS("internal/web")
	}
	funcs := template.FuncMap{"asset": h.assets.URL, "join": joinIDs,
		"can": func(u *account.User, action string) bool {
			return u != nil && account.Can(u.Role, account.Action(action), false)
		},
		"queueCount": a.queueCount}
	for _, v := range adminViews {
		t, err := template.New(v).Funcs(funcs).ParseFS(fsys, "templates/admin/layout.html", "templates/admin/"+v+".html")
		if err != nil {
			return nil, fmt.Errorf("web: admin template %s: %w", v, err)
		}
		a.tmpl[v] = t
	}
	a.serve = http.NewCrossOriginProtection().Handler(a.routes())
	a.api = a.apiRoutes() // bearer tokens, no cookies: nothing for a forged request to ride on
	return a, nil
}

func (a *admin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for k, v := range adminHeader {
		w.Header()[k] = v
	}
	a.serve.ServeHTTP(w, r)
}

// adminPage is what the admin layout needs.
type adminPage struct {
	Title string
	User  *account.User
	Error string
	Note  string
}

func (a *admin) render(w http.ResponseWriter, status int, view string, data any) {
	var buf strings.Builder
	if err := a.tmpl[view].ExecuteTemplate(&buf, "layout", data); err != nil {
		a.h.Log.Error("web: admin render", "view", view, "err", err)
		http.Error(w, "template error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(buf.String()))
}

// message shows a plain page with a status: refusals, missing things.
func (a *admin) message(w http.ResponseWriter, status int, u *account.User, text string) {
	a.render(w, status, "message", adminPage{Title: http.StatusText(status), User: u, Error: text})
}

type ctxKey struct{}

// userFrom returns the signed-in user that auth put in the context.
func userFrom(ctx context.Context) *account.User {
	u, _ := ctx.Value(ctxKey{}).(*account.User)
	return u
}

// auth lets through requests with a complete session (second factor
// passed when the user has one) and sends the others to the sign-in page.
func (a *admin) auth(next func(w http.ResponseWriter, r *http.Request, u *account.User) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err != nil {
			a.toSignin(w, r)
			return
		}
		u, s, err := a.Sessions.Lookup(r.Context(), c.Value)
		if unavailable(err) { // outage.go: the session may well be valid
			a.h.dbDown(err)
			w.Header().Set("Retry-After", "5")
			a.message(w, http.StatusServiceUnavailable, nil, "The database is unavailable for a moment; nothing was changed. Try again shortly.")
			return
		}
		if err != nil || !s.Complete(u) {
			if err != nil && !errors.Is(err, account.ErrNotFound) {
				a.h.Log.Error("web: session lookup", "err", err)
			}
			a.toSignin(w, r)
			return
		}
		if err := next(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, &u)), &u); err != nil {
			a.fail(w, r, &u, err)
		}
	}
}

func (a *admin) toSignin(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		a.message(w, http.StatusUnauthorized, nil, "Your session has ended. Sign in again; what you were sending was not saved.")
		return
	}
	http.Redirect(w, r, "/admin/signin?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
}

var errForbidden = errors.New("forbidden")

func (a *admin) fail(w http.ResponseWriter, r *http.Request, u *account.User, err error) {
	switch {
	case errors.Is(err, errForbidden):
		a.message(w, http.StatusForbidden, u, "Your role does not allow this.")
	case errors.Is(err, errNotFound), errors.Is(err, account.ErrNotFound):
		a.message(w, http.StatusNotFound, u, "Not found.")
	case errors.Is(err, errBadRequest):
		a.message(w, http.StatusBadRequest, u, "The request could not be understood.")
	case unavailable(err): // outage.go
		a.h.dbDown(err)
		w.Header().Set("Retry-After", "5")
		a.message(w, http.StatusServiceUnavailable, u, "The database is unavailable for a moment; nothing was changed. Try again shortly.")
	default:
		a.h.Log.Error("web: admin request failed", slogRequest(r), slog.Any("err", err))
		a.message(w, http.StatusInternalServerError, u, "Something went wrong; nothing was changed.")
	}
}

func (a *admin) setSession(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/admin", HttpOnly: true,
		Secure: a.secure, SameSite: http.SameSiteLaxMode, MaxAge: 60 * 24 * 3600})
}

func (a *admin) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/admin", HttpOnly: true,
		Secure: a.secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// joinIDs writes article numbers for a form field: "12, 40".
func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = itoa(id)
	}
	return strings.Join(parts, ", ")
}

// parseIDs reads "12, 40" back; anything that is not a number is an error.
func parseIDs(s string) ([]int64, bool) {
	var out []int64
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil || id <= 0 {
			return nil, false
		}
		out = append(out, id)
	}
	return out, true
}
