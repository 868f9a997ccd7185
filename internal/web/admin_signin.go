package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/lede-news/lede/internal/account"
)

type signinView struct {
	adminPage
	Email, Next string
}

func (a *admin) signinForm(w http.ResponseWriter, r *http.Request) {
	a.render(w, http.StatusOK, "signin", signinView{adminPage: adminPage{Title: "Sign in"}, Next: safeNext(r.URL.Query().Get("next"))})
}

func (a *admin) signin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		a.message(w, http.StatusBadRequest, nil, "The form could not be read.")
		return
	}
	v := signinView{adminPage: adminPage{Title: "Sign in"}, Email: r.PostFormValue("email"), Next: safeNext(r.PostFormValue("next"))}
	u, err := a.Users.SignIn(r.Context(), a.Throttle, account.Credentials{Email: v.Email, Password: r.PostFormValue("password"),
		Addr: a.h.Proxies.ClientAddr(r)})
	var throttled *account.ThrottledError
	switch {
	case errors.As(err, &throttled):
		w.Header().Set("Retry-After", itoa(int64(throttled.RetryAfter.Seconds())+1))
		v.Error = "Too many failed attempts. Try again in " + throttled.RetryAfter.Round(1e9).String() + "."
		a.render(w, http.StatusTooManyRequests, "signin", v)
		return
	case errors.Is(err, account.ErrBadCredentials), errors.Is(err, account.ErrDisabled):
		a.record(r, 0, "session.signin_failed", "email:"+account.NormalizeEmail(v.Email), a.h.Proxies.ClientAddr(r))
		v.Error = "Wrong email or password."
		if errors.Is(err, account.ErrDisabled) {
			v.Error = "This account is disabled."
		}
		a.render(w, http.StatusUnauthorized, "signin", v)
		return
	case err != nil:
		a.fail(w, r, nil, err)
		return
	}
	old := ""
	if c, err := r.Cookie(sessionCookie); err == nil {
		old = c.Value
	}
	token, err := a.Sessions.Rotate(r.Context(), old, u.ID, r.UserAgent())
	if err != nil {
		a.fail(w, r, nil, err)
		return
	}
	a.setSession(w, token)
	a.record(r, u.ID, "session.signin", "user:"+itoa(u.ID), a.h.Proxies.ClientAddr(r))
	if u.HasTOTP() {
		http.Redirect(w, r, "/admin/signin/code?next="+urlQueryEscape(v.Next), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
}

func (a *admin) totpForm(w http.ResponseWriter, r *http.Request) {
	a.render(w, http.StatusOK, "totp", signinView{adminPage: adminPage{Title: "Second factor"}, Next: safeNext(r.URL.Query().Get("next"))})
}

func (a *admin) totp(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		a.toSignin(w, r)
		return
	}
	u, _, err := a.Sessions.Lookup(r.Context(), c.Value)
	if err != nil {
		a.toSignin(w, r)
		return
	}
	v := signinView{adminPage: adminPage{Title: "Second factor"}, Next: safeNext(r.PostFormValue("next"))}
	if err := a.Users.CheckTOTP(r.Context(), a.Throttle, u.ID, strings.TrimSpace(r.PostFormValue("code"))); err != nil {
		v.Error = "That code is not valid."
		status := http.StatusUnauthorized
		if errors.Is(err, account.ErrThrottled) {
			v.Error, status = err.Error(), http.StatusTooManyRequests
		}
		a.render(w, status, "totp", v)
		return
	}
	token, err := a.Sessions.PassSecondFactor(r.Context(), c.Value)
	if err != nil {
		a.fail(w, r, &u, err)
		return
	}
	a.setSession(w, token)
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
}

func (a *admin) signout(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if r.PostFormValue("everywhere") != "" {
		if err := a.Sessions.DeleteAllForUser(r.Context(), u.ID); err != nil {
			return err
		}
		a.record(r, u.ID, "session.signout_everywhere", "user:"+itoa(u.ID), "")
	} else if c, err := r.Cookie(sessionCookie); err == nil {
		if err := a.Sessions.Delete(r.Context(), c.Value); err != nil {
			return err
		}
	}
	a.clearSession(w)
	http.Redirect(w, r, "/admin/signin", http.StatusSeeOther)
	return nil
}

type setupView struct {
	adminPage
	Token, Email, Name string
}

// The set-up page exists only while no admin does; its link (with a
// one-time token) is written to the log at start.
func (a *admin) setupForm(w http.ResponseWriter, r *http.Request) {
	if ok, err := a.Users.HasAdmin(r.Context()); err != nil || ok {
		a.message(w, http.StatusNotFound, nil, "Set-up is done: sign in instead.")
		return
	}
	a.render(w, http.StatusOK, "setup", setupView{adminPage: adminPage{Title: "Set up Lede"}, Token: r.URL.Query().Get("token")})
}

func (a *admin) setup(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	v := setupView{adminPage: adminPage{Title: "Set up Lede"}, Token: r.PostFormValue("token"), Email: r.PostFormValue("email"), Name: r.PostFormValue("name")}
	u, err := a.Users.CreateFirstAdmin(r.Context(), v.Token, account.NewUser{Email: v.Email, Name: v.Name, Password: r.PostFormValue("password")})
	switch {
	case errors.Is(err, account.ErrAdminExists):
		a.message(w, http.StatusNotFound, nil, "Set-up is done: sign in instead.")
		return
	case err != nil:
		v.Error = strings.TrimPrefix(err.Error(), "account: ")
		status := http.StatusBadRequest
		if errors.Is(err, account.ErrBadToken) {
			status = http.StatusForbidden
		}
		a.render(w, status, "setup", v)
		return
	}
	token, err := a.Sessions.Create(r.Context(), u.ID, r.UserAgent())
	if err != nil {
		a.fail(w, r, &u, err)
		return
	}
	a.record(r, u.ID, "setup.first_admin", "user:"+itoa(u.ID), u.Email)
	a.setSession(w, token)
	http.Redirect(w, r, "/admin/", http.StatusSeeOther)
}

// record notes in the audit log an event that is not an article save; a failure to record
// it is logged, not shown to the user.
func (a *admin) record(r *http.Request, userID int64, action, target, detail string) {
	if err := a.Newsroom.AuditEvent(r.Context(), userID, action, target, detail); err != nil {
		a.h.Log.Error("web: audit", "action", action, "err", err)
	}
}
