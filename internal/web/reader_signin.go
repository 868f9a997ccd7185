package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/reader"
)

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
		v.Error = e.T.T("reader.err.signup_limit", minutes(e, wait))
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
		v.Error = e.T.T("reader.err.throttled", minutes(e, throttled.RetryAfter))
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
	return u.confirm(w, r, e, "link_confirm", "reader.title.signin")
}

// confirm shows the button that spends a mailed token: opening a link
// (as mail scanners do) spends nothing.
func (u *readersUI) confirm(w http.ResponseWriter, r *http.Request, e *ed, view, title string) error {
	v := u.view(r, e, view, title)
	v.Token = r.PathValue("token")
	u.render(w, http.StatusOK, v)
	return nil
}

// tokenRefused answers a mailed token that is expired or unknown with the
// message of its kind ("link", "verify"); done reports that it answered.
func (u *readersUI) tokenRefused(w http.ResponseWriter, r *http.Request, e *ed, err error, kind string) (done bool, _ error) {
	switch {
	case errors.Is(err, reader.ErrTokenExpired):
		u.message(w, r, e, http.StatusGone, "reader.err."+kind+"_expired")
		return true, nil
	case errors.Is(err, reader.ErrBadToken):
		u.message(w, r, e, http.StatusNotFound, "reader.err."+kind+"_bad")
		return true, nil
	}
	return false, err
}

func (u *readersUI) linkUse(w http.ResponseWriter, r *http.Request, e *ed) error {
	rd, _, err := u.store.UseSignInLink(r.Context(), r.PathValue("token"))
	if done, err := u.tokenRefused(w, r, e, err, "link"); done || err != nil {
		return err
	}
	return u.signedIn(w, r, rd, localNext(e, r.FormValue("next")))
}

// verifyConfirm asks for a click: a mail scanner opening the link must not
// verify an account someone else created with this address.
func (u *readersUI) verifyConfirm(w http.ResponseWriter, r *http.Request, e *ed) error {
	return u.confirm(w, r, e, "verify_confirm", "reader.title.verify")
}

// verify spends the link; the person who proved the address is signed in
// and every other session of the account ends.
func (u *readersUI) verify(w http.ResponseWriter, r *http.Request, e *ed) error {
	rd, err := u.store.Verify(r.Context(), r.PathValue("token"))
	if err == nil {
		err = u.store.EndAllSessions(r.Context(), rd.ID)
	}
	if err == nil {
		var token string
		if token, err = u.store.StartSession(r.Context(), "", rd.ID); err == nil {
			u.h.setReaderSession(w, token)
		}
	}
	if done, err := u.tokenRefused(w, r, e, err, "verify"); done || err != nil {
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
