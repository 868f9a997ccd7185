package web

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/reader"
)

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
		u.message(w, r, e, http.StatusTooManyRequests, "reader.err.oauth_limit", minutes(e, wait))
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
