package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/comment"
	"github.com/lede-news/lede/internal/config"
	"github.com/lede-news/lede/internal/db"
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
	m.HandleFunc("GET /{ed}/account/verify/{token}", u.ed(u.verify))
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
			return false, e.T.T("reader.err.mail_limit", int(wait.Minutes())+1), nil
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

func (u *readersUI) home(w http.ResponseWriter, r *http.Request, e *ed) error {
	if u.h.currentReader(r) != nil {
		http.Redirect(w, r, "/"+e.Code+"/account/settings", http.StatusSeeOther)
	} else {
		http.Redirect(w, r, "/"+e.Code+"/account/signin", http.StatusSeeOther)
	}
	return nil
}

// me tells the cached article page's script who is signed in.
func (u *readersUI) me(w http.ResponseWriter, r *http.Request, e *ed) error {
	type me struct {
		SignedIn        bool   `json:"signedIn"`
		Name            string `json:"name"`
		Verified        bool   `json:"verified"`
		ConductAccepted bool   `json:"conductAccepted"`
		CSRF            string `json:"csrf"`
	}
	var out me
	if rd := u.h.currentReader(r); rd != nil {
		out = me{SignedIn: true, Name: rd.Name, Verified: rd.Verified, ConductAccepted: rd.ConductAccepted, CSRF: u.h.readerCSRF(r)}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Vary", "Cookie")
	return json.NewEncoder(w).Encode(out)
}

func (u *readersUI) signupForm(w http.ResponseWriter, r *http.Request, e *ed) error {
	u.render(w, http.StatusOK, u.view(r, e, "signup", "reader.title.signup"))
	return nil
}

func (u *readersUI) signup(w http.ResponseWriter, r *http.Request, e *ed) error {
	v := u.view(r, e, "signup", "reader.title.signup")
	v.Email, v.Name = r.PostFormValue("email"), r.PostFormValue("name")
	email := reader.NormalizeEmail(v.Email)
	if ok, wait, err := u.limiter.Allow(r.Context(), "reader-signup:"+account.AddrKey(u.addr(r)).Name, 10, time.Hour); err != nil {
		return err
	} else if !ok {
		v.Error = e.T.T("reader.err.signup_limit", int(wait.Minutes())+1)
		u.render(w, http.StatusTooManyRequests, v)
		return nil
	}
	rd, err := u.store.SignUp(r.Context(), email, v.Name, r.PostFormValue("password"))
	var fe reader.Errors
	switch {
	case errors.As(err, &fe):
		v.Errs, v.Error = translate(e, fe), e.T.T("reader.err.fix_fields")
		u.render(w, http.StatusUnprocessableEntity, v)
		return nil
	case errors.Is(err, reader.ErrEmailTaken):
		v.Errs["email"] = e.T.T("reader.err.email_taken")
		v.Error = e.T.T("reader.err.fix_fields")
		u.render(w, http.StatusConflict, v)
		return nil
	case err != nil:
		return err
	}
	if ok, _, err := u.allowMail(r, e, rd.Email); err != nil {
		return err
	} else if ok {
		if err := u.sendVerify(r.Context(), e, rd); err != nil {
			return err
		}
	}
	token, err := u.store.StartSession(r.Context(), readerToken(r), rd.ID)
	if err != nil {
		return err
	}
	u.h.setReaderSession(w, token)
	http.Redirect(w, r, "/"+e.Code+"/account/settings?welcome=1&next="+url.QueryEscape(v.Next), http.StatusSeeOther)
	return nil
}

func (u *readersUI) signinForm(w http.ResponseWriter, r *http.Request, e *ed) error {
	u.render(w, http.StatusOK, u.view(r, e, "signin", "reader.title.signin"))
	return nil
}

func (u *readersUI) signin(w http.ResponseWriter, r *http.Request, e *ed) error {
	v := u.view(r, e, "signin", "reader.title.signin")
	v.Email = r.PostFormValue("email")
	rd, err := u.store.SignIn(r.Context(), u.throttle, v.Email, r.PostFormValue("password"), u.addr(r))
	var throttled *account.ThrottledError
	switch {
	case errors.As(err, &throttled):
		w.Header().Set("Retry-After", itoa(int64(throttled.RetryAfter.Seconds())+1))
		v.Error = e.T.T("reader.err.throttled", int(throttled.RetryAfter.Minutes())+1)
		u.render(w, http.StatusTooManyRequests, v)
		return nil
	case errors.Is(err, reader.ErrBadCredentials):
		v.Error = e.T.T("reader.err.credentials")
		u.render(w, http.StatusUnauthorized, v)
		return nil
	case err != nil:
		return err
	}
	return u.signedIn(w, r, rd, v.Next)
}

func (u *readersUI) linkForm(w http.ResponseWriter, r *http.Request, e *ed) error {
	u.render(w, http.StatusOK, u.view(r, e, "link", "reader.title.link"))
	return nil
}

// link mails a one-time sign-in link. The answer is the same whether the
// address has an account or not.
func (u *readersUI) link(w http.ResponseWriter, r *http.Request, e *ed) error {
	v := u.view(r, e, "link", "reader.title.link")
	v.Email, v.Name = r.PostFormValue("email"), r.PostFormValue("name")
	name := v.Name
	if strings.TrimSpace(name) == "" {
		name = e.T.T("reader.default_name")
	}
	email := reader.NormalizeEmail(v.Email)
	if k := reader.CheckEmail(email); k != "" {
		v.Errs["email"], v.Error = e.T.T(k), e.T.T("reader.err.fix_fields")
		u.render(w, http.StatusUnprocessableEntity, v)
		return nil
	}
	if _, k := reader.CleanName(name); k != "" {
		v.Errs, v.Error = translate(e, reader.Errors{"name": k}), e.T.T("reader.err.fix_fields")
		u.render(w, http.StatusUnprocessableEntity, v)
		return nil
	}
	ok, msg, err := u.allowMail(r, e, email)
	if err != nil {
		return err
	}
	if !ok {
		v.Error = msg
		u.render(w, http.StatusTooManyRequests, v)
		return nil
	}
	token, err := u.store.NewSignInToken(r.Context(), email, name)
	if err != nil {
		return err
	}
	link := u.h.BaseURL + "/" + e.Code + "/account/link/" + token
	if v.Next != "/"+e.Code+"/" {
		link += "?next=" + url.QueryEscape(v.Next)
	}
	u.send(r.Context(), email, e.T.T("reader.mail.link_subject", e.Name),
		e.T.T("reader.mail.link_body", e.Name, link, int(reader.SignInLifetime.Minutes())))
	v.View, v.Note = "sent", e.T.T("reader.link_sent", email)
	u.render(w, http.StatusOK, v)
	return nil
}

// linkConfirm asks for a click before the link is used: mail scanners
// that open links must not spend it.
func (u *readersUI) linkConfirm(w http.ResponseWriter, r *http.Request, e *ed) error {
	v := u.view(r, e, "link_confirm", "reader.title.signin")
	v.Token = r.PathValue("token")
	u.render(w, http.StatusOK, v)
	return nil
}

func (u *readersUI) linkUse(w http.ResponseWriter, r *http.Request, e *ed) error {
	rd, _, err := u.store.UseSignInLink(r.Context(), r.PathValue("token"))
	switch {
	case errors.Is(err, reader.ErrTokenExpired):
		u.message(w, r, e, http.StatusGone, "reader.err.link_expired")
		return nil
	case errors.Is(err, reader.ErrBadToken):
		u.message(w, r, e, http.StatusNotFound, "reader.err.link_bad")
		return nil
	case err != nil:
		return err
	}
	return u.signedIn(w, r, rd, localNext(e, r.FormValue("next")))
}

func (u *readersUI) verify(w http.ResponseWriter, r *http.Request, e *ed) error {
	_, err := u.store.Verify(r.Context(), r.PathValue("token"))
	switch {
	case errors.Is(err, reader.ErrTokenExpired):
		u.message(w, r, e, http.StatusGone, "reader.err.verify_expired")
		return nil
	case errors.Is(err, reader.ErrBadToken):
		u.message(w, r, e, http.StatusNotFound, "reader.err.verify_bad")
		return nil
	case err != nil:
		return err
	}
	u.message(w, r, e, http.StatusOK, "reader.verified")
	return nil
}

// requireReader returns the signed-in reader of a form post with a valid
// anti-forgery token; otherwise it answers and returns nil.
func (u *readersUI) requireReader(w http.ResponseWriter, r *http.Request, e *ed) *reader.Reader {
	rd := u.h.currentReader(r)
	if rd == nil {
		if r.Method == http.MethodGet {
			http.Redirect(w, r, "/"+e.Code+"/account/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		} else {
			u.message(w, r, e, http.StatusUnauthorized, "reader.err.signed_out")
		}
		return nil
	}
	if r.Method == http.MethodPost && !u.h.checkReaderCSRF(r) {
		u.message(w, r, e, http.StatusForbidden, "reader.err.csrf")
		return nil
	}
	return rd
}

func (u *readersUI) resendVerify(w http.ResponseWriter, r *http.Request, e *ed) error {
	rd := u.requireReader(w, r, e)
	if rd == nil {
		return nil
	}
	if rd.Verified {
		u.message(w, r, e, http.StatusOK, "reader.verified")
		return nil
	}
	ok, msg, err := u.allowMail(r, e, rd.Email)
	if err != nil {
		return err
	}
	if !ok {
		v := u.view(r, e, "message", "reader.title.account")
		v.Error = msg
		u.render(w, http.StatusTooManyRequests, v)
		return nil
	}
	if err := u.sendVerify(r.Context(), e, *rd); err != nil {
		return err
	}
	u.message(w, r, e, http.StatusOK, "reader.verify_sent", rd.Email)
	return nil
}

func (u *readersUI) settingsView(r *http.Request, e *ed, rd *reader.Reader) (readerView, error) {
	v := u.view(r, e, "settings", "reader.title.settings")
	v.Reader, v.Name = rd, rd.Name
	var err error
	v.Linked, err = u.store.Identities(r.Context(), rd.ID)
	if r.URL.Query().Get("welcome") != "" {
		v.Note = e.T.T("reader.welcome")
	}
	return v, err
}

func (u *readersUI) settingsForm(w http.ResponseWriter, r *http.Request, e *ed) error {
	rd := u.requireReader(w, r, e)
	if rd == nil {
		return nil
	}
	v, err := u.settingsView(r, e, rd)
	if err != nil {
		return err
	}
	u.render(w, http.StatusOK, v)
	return nil
}

func (u *readersUI) settings(w http.ResponseWriter, r *http.Request, e *ed) error {
	rd := u.requireReader(w, r, e)
	if rd == nil {
		return nil
	}
	v, err := u.settingsView(r, e, rd)
	if err != nil {
		return err
	}
	v.Name = r.PostFormValue("name")
	refuse := func(errs map[string]string) error {
		v.Errs, v.Error = errs, e.T.T("reader.err.fix_fields")
		u.render(w, http.StatusUnprocessableEntity, v)
		return nil
	}
	// Everything is checked before anything is saved.
	errs := map[string]string{}
	if _, k := reader.CleanName(v.Name); k != "" {
		errs = translate(e, reader.Errors{"name": k})
	}
	pw := r.PostFormValue("password")
	if pw != "" {
		if k := reader.CheckPassword(pw); k != "" {
			errs["password"] = translate(e, reader.Errors{"password": k})["password"]
		} else if rd.HasPassword && len(errs) == 0 { // changing a password needs the current one
			_, err := u.store.SignIn(r.Context(), u.throttle, rd.Email, r.PostFormValue("current_password"), u.addr(r))
			if errors.Is(err, reader.ErrBadCredentials) || errors.Is(err, account.ErrThrottled) {
				errs["current_password"] = e.T.T("reader.err.current_password")
			} else if err != nil {
				return err
			}
		}
	}
	if len(errs) > 0 {
		return refuse(errs)
	}
	up, err := u.store.Update(r.Context(), rd.ID, reader.Settings{Name: v.Name, NotifyReplies: r.PostFormValue("notify") != ""})
	var fe reader.Errors
	if errors.As(err, &fe) {
		return refuse(translate(e, fe))
	} else if err != nil {
		return err
	}
	if pw != "" {
		if err := u.store.SetPassword(r.Context(), rd.ID, pw); err != nil {
			return err
		}
		up.HasPassword = true
	}
	v.Reader, v.Name, v.Note = &up, up.Name, e.T.T("reader.saved")
	u.render(w, http.StatusOK, v)
	return nil
}

func (u *readersUI) signout(w http.ResponseWriter, r *http.Request, e *ed) error {
	if t := readerToken(r); t != "" {
		if rd := u.h.currentReader(r); rd != nil && !u.h.checkReaderCSRF(r) {
			u.message(w, r, e, http.StatusForbidden, "reader.err.csrf")
			return nil
		}
		if err := u.store.EndSession(r.Context(), t); err != nil {
			return err
		}
	}
	u.h.clearReaderSession(w)
	http.Redirect(w, r, localNext(e, r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

func (u *readersUI) deleteAccount(w http.ResponseWriter, r *http.Request, e *ed) error {
	rd := u.requireReader(w, r, e)
	if rd == nil {
		return nil
	}
	choice := r.PostFormValue("comments")
	if r.PostFormValue("confirm") == "" || (choice != "anonymise" && choice != "remove") {
		v, err := u.settingsView(r, e, rd)
		if err != nil {
			return err
		}
		v.Errs["delete"], v.Error = e.T.T("reader.err.delete_confirm"), e.T.T("reader.err.fix_fields")
		u.render(w, http.StatusUnprocessableEntity, v)
		return nil
	}
	if err := u.store.Delete(r.Context(), rd.ID, choice == "remove", comment.ForgetReader); err != nil {
		return err
	}
	u.h.clearReaderSession(w)
	key := "reader.deleted_anonymised"
	if choice == "remove" {
		key = "reader.deleted_removed"
	}
	u.message(w, r, e, http.StatusOK, key)
	return nil
}

// --- external providers ---

func randomString(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// oauthStart stores a new flow (state, PKCE verifier, nonce, next) and
// sends the browser to the provider.
func (u *readersUI) oauthStart(w http.ResponseWriter, r *http.Request, e *ed) error {
	p := u.oauth[r.PathValue("provider")]
	if p == nil {
		return errNotFound
	}
	// Each start stores a row until it is used or expires: bound them per client.
	if ok, wait, err := u.limiter.Allow(r.Context(), "reader-oauth:"+account.AddrKey(u.addr(r)).Name, 30, 10*time.Minute); err != nil {
		return err
	} else if !ok {
		w.Header().Set("Retry-After", itoa(int64(wait.Seconds())+1))
		u.message(w, r, e, http.StatusTooManyRequests, "reader.err.oauth_limit", int(wait.Minutes())+1)
		return nil
	}
	f := reader.Flow{Provider: p.Name, Verifier: randomString(32), Nonce: randomString(24), Next: localNext(e, r.FormValue("next")), Edition: e.Code}
	state, err := u.store.StartFlow(r.Context(), f)
	if err != nil {
		return err
	}
	target, err := p.Begin(r.Context(), state, f.Verifier, f.Nonce)
	if err != nil {
		u.h.Log.Warn("web: oauth start", "provider", p.Name, "err", err)
		u.message(w, r, e, http.StatusBadGateway, "reader.err.provider_down", p.Label)
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: oauthCookie, Value: state, Path: "/oauth/", HttpOnly: true, Secure: u.h.secureCookies(),
		SameSite: http.SameSiteLaxMode, MaxAge: int(reader.FlowLifetime / time.Second)})
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

func (u *readersUI) oauthCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	st := u.h.site.Load()
	fallback := st.preferred(r.Header.Get("Accept-Language"))
	if fallback == nil {
		u.h.fail(w, r, errNotFound)
		return
	}
	p := u.oauth[r.PathValue("provider")]
	if p == nil {
		u.h.fail(w, r, errNotFound)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: oauthCookie, Value: "", Path: "/oauth/", HttpOnly: true, Secure: u.h.secureCookies(), MaxAge: -1})
	c, cerr := r.Cookie(oauthCookie)
	state := q.Get("state")
	if state == "" || cerr != nil || c.Value != state {
		u.message(w, r, fallback, http.StatusBadRequest, "reader.err.oauth_state", p.Label)
		return
	}
	f, err := u.store.TakeFlow(r.Context(), state)
	if errors.Is(err, reader.ErrBadToken) || (err == nil && f.Provider != p.Name) {
		u.message(w, r, fallback, http.StatusBadRequest, "reader.err.oauth_state", p.Label)
		return
	}
	if err != nil {
		u.h.fail(w, r, err)
		return
	}
	e := st.byCode[f.Edition]
	if e == nil {
		e = fallback
	}
	if q.Get("error") != "" { // the reader said no at the provider
		u.message(w, r, e, http.StatusUnauthorized, "reader.err.oauth_denied", p.Label)
		return
	}
	x, err := p.Finish(r.Context(), q.Get("code"), f.Verifier, f.Nonce)
	switch {
	case errors.Is(err, reader.ErrRefused):
		u.h.Log.Warn("web: oauth refused", "provider", p.Name, "err", err)
		u.message(w, r, e, http.StatusUnauthorized, "reader.err.oauth_refused", p.Label)
		return
	case err != nil:
		u.h.Log.Warn("web: oauth", "provider", p.Name, "err", err)
		u.message(w, r, e, http.StatusBadGateway, "reader.err.provider_down", p.Label)
		return
	}
	rd, _, err := u.store.SignInExternal(r.Context(), x, e.T.T("reader.default_name"))
	if errors.Is(err, reader.ErrUnverifiedEmail) {
		u.message(w, r, e, http.StatusForbidden, "reader.err.oauth_unverified", p.Label)
		return
	}
	if err == nil {
		err = u.signedIn(w, r, rd, localNext(e, f.Next))
	}
	if err != nil {
		if errors.Is(err, db.ErrNotFound) {
			err = errors.New(err.Error()) // not a 404: the account was just there
		}
		u.h.fail(w, r, err)
	}
}
