package web

import (
	"context"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/config"
	"github.com/lede-news/lede/internal/mail"
	"github.com/lede-news/lede/internal/reader"
)

// ReaderDeps are what reader accounts need beyond the site's.
type ReaderDeps struct {
	Mail      *mail.Sender
	Providers []config.OAuthProvider // external sign-in, in button order
	// ProviderClient makes the calls to providers (nil: a client with a
	// 15-second timeout).
	ProviderClient *http.Client
}

// readersUI serves reader accounts: /{ed}/account/… and /oauth/….
type readersUI struct {
	ReaderDeps
	h         *Handler
	store     *reader.Store
	throttle  *account.Throttle
	limiter   *account.Limiter
	providers []readerProvider
	oauth     map[string]*reader.Provider
	tmpl      *template.Template
	serve     http.Handler
}

// oauthCookie binds an OAuth flow to the browser that started it: the
// callback is refused unless the state in the URL is the one in the cookie,
// so nobody can sign a victim into the attacker's account by sending them a
// callback link.
const oauthCookie = "lede_oauth"

var readerHeader = http.Header{
	"Content-Security-Policy": {"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
	"X-Content-Type-Options": nosniff,
	"X-Frame-Options":        {"DENY"},
	// Links carry one-time tokens in their path: never send them on.
	"Referrer-Policy": {"no-referrer"},
	"Cache-Control":   {"no-store"},
}

func newReadersUI(h *Handler, d ReaderDeps) (*readersUI, error) {
	u := &readersUI{ReaderDeps: d, h: h, store: &reader.Store{DB: h.DB}, throttle: &account.Throttle{DB: h.DB},
		limiter: &account.Limiter{DB: h.DB}, oauth: map[string]*reader.Provider{}}
	for _, c := range d.Providers {
		p := reader.NewProvider(c, h.BaseURL+"/oauth/"+c.Name+"/callback")
		if d.ProviderClient != nil {
			p.Client = d.ProviderClient
		}
		u.oauth[c.Name] = p
		u.providers = append(u.providers, readerProvider{Name: c.Name, Label: c.Label})
	}
	var fsys fs.FS = templateFS
	if h.Dev {
		fsys = os.DirFS("internal/web")
	}
	t, err := template.New("reader").Funcs(template.FuncMap{"asset": h.assets.URL, "fieldOf": fieldOf}).
		ParseFS(fsys, "templates/layout.html", "templates/reader_pages.html")
	if err != nil {
		return nil, err
	}
	u.tmpl = t
	m := http.NewServeMux()
	m.HandleFunc("GET /oauth/{provider}/callback", u.oauthCallback)
	m.HandleFunc("GET /{ed}/account/{$}", u.ed(u.home))
	m.HandleFunc("GET /{ed}/account", u.ed(u.home))
	m.HandleFunc("GET /{ed}/account/me.json", u.ed(u.me))
	m.HandleFunc("GET /{ed}/account/signup", u.ed(u.signupForm))
	m.HandleFunc("POST /{ed}/account/signup", u.ed(u.signup))
	m.HandleFunc("GET /{ed}/account/signin", u.ed(u.signinForm))
	m.HandleFunc("POST /{ed}/account/signin", u.ed(u.signin))
	m.HandleFunc("GET /{ed}/account/link", u.ed(u.linkForm))
	m.HandleFunc("POST /{ed}/account/link", u.ed(u.link))
	m.HandleFunc("GET /{ed}/account/link/{token}", u.ed(u.linkConfirm))
	m.HandleFunc("POST /{ed}/account/link/{token}", u.ed(u.linkUse))
	m.HandleFunc("GET /{ed}/account/verify/{token}", u.ed(u.verifyConfirm))
	m.HandleFunc("POST /{ed}/account/verify/{token}", u.ed(u.verify))
	m.HandleFunc("POST /{ed}/account/verify", u.ed(u.resendVerify))
	m.HandleFunc("GET /{ed}/account/settings", u.ed(u.settingsForm))
	m.HandleFunc("POST /{ed}/account/settings", u.ed(u.settings))
	m.HandleFunc("POST /{ed}/account/signout", u.ed(u.signout))
	m.HandleFunc("POST /{ed}/account/delete", u.ed(u.deleteAccount))
	m.HandleFunc("GET /{ed}/account/oauth/{provider}", u.ed(u.oauthStart))
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { h.fail(w, r, errNotFound) })
	u.serve = http.NewCrossOriginProtection().Handler(m)
	return u, nil
}

// owns reports whether path is a reader account page.
func (u *readersUI) owns(path string) bool {
	if strings.HasPrefix(path, "/oauth/") {
		return true
	}
	rest, ok := strings.CutPrefix(path, "/")
	if !ok {
		return false
	}
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		return false
	}
	rest = rest[i:]
	return rest == "/account" || strings.HasPrefix(rest, "/account/")
}

func (u *readersUI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for k, v := range readerHeader {
		w.Header()[k] = v
	}
	u.serve.ServeHTTP(w, r)
}

// ed resolves the edition, reads forms (bounded) and maps errors.
func (u *readersUI) ed(fn func(w http.ResponseWriter, r *http.Request, e *ed) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		e, err := u.h.edition(r)
		if err != nil {
			u.h.fail(w, r, err)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
			if err := r.ParseForm(); err != nil {
				u.message(w, r, e, http.StatusBadRequest, "reader.err.form")
				return
			}
		}
		if err := fn(w, r, e); err != nil {
			u.h.fail(w, r, err)
		}
	}
}

// readerView is what reader_pages.html renders.
type readerView struct {
	page
	View      string
	Reader    *reader.Reader
	CSRF      string
	Next      string
	Email     string
	Name      string
	Token     string
	Error     string            // translated, above the form
	Note      string            // translated confirmation
	Errs      map[string]string // field → translated message
	Providers []readerProvider
	Linked    []string
	MaxName   int
}

func (u *readersUI) view(r *http.Request, e *ed, view, titleKey string) readerView {
	v := readerView{page: u.h.base(e, e.T.T(titleKey), r.URL.Path), View: view, Reader: u.h.currentReader(r),
		CSRF: u.h.readerCSRF(r), Errs: map[string]string{}, MaxName: reader.MaxName}
	v.Robots = "noindex"
	v.Next = localNext(e, r.FormValue("next"))
	v.Providers = u.h.readerProviders(e)
	for i := range v.Providers {
		v.Providers[i].StartURL += "?next=" + url.QueryEscape(v.Next)
	}
	return v
}

func (u *readersUI) render(w http.ResponseWriter, status int, v readerView) {
	var buf strings.Builder
	if err := u.tmpl.ExecuteTemplate(&buf, "layout", v); err != nil {
		u.h.Log.Error("web: reader render", "view", v.View, "err", err)
		http.Error(w, "template error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(buf.String()))
}

// message shows a page with one translated sentence.
func (u *readersUI) message(w http.ResponseWriter, r *http.Request, e *ed, status int, key string, args ...any) {
	v := u.view(r, e, "message", "reader.title.account")
	if status >= 400 {
		v.Error = e.T.T(key, args...)
	} else {
		v.Note = e.T.T(key, args...)
	}
	u.render(w, status, v)
}

// readerField is one labelled input of a reader form.
type readerField struct {
	Name, Input, Type, Value, Auto, Label, Help, Error string
	Max                                                int
}

// fieldOf describes the field name (also its catalog key) of v's form.
func fieldOf(v readerView, name, typ, value, auto string) readerField {
	f := readerField{Name: name, Input: name, Type: typ, Value: value, Auto: auto, Max: reader.MaxName,
		Label: v.T.T("reader.field." + name)}
	switch name {
	case "name_optional":
		f.Input = "name"
	case "new_password":
		f.Input = "password"
	case "current_password":
		f.Input = "current_password"
	}
	switch f.Input {
	case "name":
		f.Help = v.T.T("reader.help.name", reader.MaxName)
	case "password":
		f.Help = v.T.T("reader.help.password", reader.MinPassword)
		if name == "password" && v.View == "signin" {
			f.Help = ""
		}
	}
	f.Error = v.Errs[f.Input]
	return f
}

// localNext keeps next when it is a path on this site, else the edition's
// home: a sign-in link must never send a reader elsewhere.
func localNext(e *ed, next string) string {
	home := "/" + e.Code + "/"
	if next == "" || len(next) > 2000 || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return home
	}
	p, err := url.Parse(next)
	if err != nil || p.Scheme != "" || p.Host != "" || p.User != nil || strings.HasPrefix(p.Path, "//") {
		return home
	}
	if strings.Contains(next, "/account/") || strings.HasPrefix(next, "/oauth/") {
		return home // never back to a sign-in or a spent link
	}
	return next
}

// translate turns reader.Errors into messages in the edition's language.
func translate(e *ed, fe reader.Errors) map[string]string {
	out := map[string]string{}
	for f, k := range fe {
		switch k {
		case "reader.err.name_long":
			out[f] = e.T.T(k, reader.MaxName)
		case "reader.err.password_short":
			out[f] = e.T.T(k, reader.MinPassword)
		default:
			out[f] = e.T.T(k)
		}
	}
	return out
}

func (u *readersUI) addr(r *http.Request) string { return u.h.Proxies.ClientAddr(r) }

// signedIn starts a session for rd in this browser and goes to next.
func (u *readersUI) signedIn(w http.ResponseWriter, r *http.Request, rd reader.Reader, next string) error {
	token, err := u.store.StartSession(r.Context(), readerToken(r), rd.ID)
	if err != nil {
		return err
	}
	u.h.setReaderSession(w, token)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// allowMail counts a message to email from this client; past the limits
// the reader is told how long to wait and nothing is sent, so repeated
// requests cannot flood an inbox.
func (u *readersUI) allowMail(r *http.Request, e *ed, email string) (bool, string, error) {
	for _, l := range []struct {
		key   string
		limit int
	}{{"reader-mail:to:" + email, 3}, {"reader-mail:from:" + account.AddrKey(u.addr(r)).Name, 10}} {
		ok, wait, err := u.limiter.Allow(r.Context(), l.key, l.limit, time.Hour)
		if err != nil {
			return false, "", err
		}
		if !ok {
			return false, e.T.T("reader.err.mail_limit", minutes(e, wait)), nil
		}
	}
	return true, "", nil
}

func (u *readersUI) send(ctx context.Context, to, subject, text string) {
	if u.Mail == nil {
		u.h.Log.Error("web: reader mail: no mailer", "subject", subject)
		return
	}
	if err := u.Mail.Send(ctx, mail.Message{To: []string{to}, Subject: subject, Text: text}); err != nil {
		u.h.Log.Error("web: reader mail", "err", err)
	}
}

func (u *readersUI) sendVerify(ctx context.Context, e *ed, rd reader.Reader) error {
	token, err := u.store.NewVerifyToken(ctx, rd)
	if err != nil {
		return err
	}
	link := u.h.BaseURL + "/" + e.Code + "/account/verify/" + token
	u.send(ctx, rd.Email, e.T.T("reader.mail.verify_subject", e.Name),
		e.T.T("reader.mail.verify_body", rd.Name, e.Name, link, int(reader.VerifyLifetime.Hours())))
	return nil
}

// --- pages ---

// minutes says a wait in whole minutes, rounded up, in the edition's words
// ("1 minute", "5 minutes").
func minutes(e *ed, wait time.Duration) string {
	n := int(wait.Minutes()) + 1
	if n == 1 {
		return e.T.T("reader.minutes_one")
	}
	return e.T.T("reader.minutes", n)
}
