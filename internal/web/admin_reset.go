package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/mail"
)

type resetView struct {
	adminPage
	Token string
	Sent  bool
}

const resetSent = "If an account uses that address, a link to choose a new password is on its way. It works for an hour."

func (a *admin) resetForm(w http.ResponseWriter, r *http.Request) {
	a.render(w, http.StatusOK, "reset", resetView{adminPage: adminPage{Title: "Forgotten password"}})
}

// resetRequest answers the same whether or not the address has an account,
// and sends at most three links an hour per address and per client.
func (a *admin) resetRequest(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	email := account.NormalizeEmail(r.PostFormValue("email"))
	v := resetView{adminPage: adminPage{Title: "Forgotten password", Note: resetSent}, Sent: true}
	ctx := r.Context()
	okEmail, _, err1 := a.Limiter.Allow(ctx, "reset:"+email, 3, time.Hour)
	okAddr, wait, err2 := a.Limiter.Allow(ctx, "reset-addr:"+a.h.Proxies.ClientAddr(r), 10, time.Hour)
	if err := errors.Join(err1, err2); err != nil {
		a.fail(w, r, nil, err)
		return
	}
	if !okAddr {
		w.Header().Set("Retry-After", itoa(int64(wait.Seconds())+1))
		v.Note, v.Error = "", "Too many requests from your network. Try again later."
		a.render(w, http.StatusTooManyRequests, "reset", v)
		return
	}
	if okEmail && email != "" {
		u, token, err := a.Users.NewReset(ctx, email)
		switch {
		case errors.Is(err, account.ErrNotFound):
		case err != nil:
			a.fail(w, r, nil, err)
			return
		default:
			link := a.h.BaseURL + "/admin/reset/" + token
			err = a.Mail.Send(ctx, mail.Message{To: []string{u.Email}, Subject: "Choose a new password for the Lede newsroom",
				Text: "Hello " + u.Name + ",\n\nto choose a new password, open this link within an hour:\n\n" + link +
					"\n\nIf you did not ask for it, ignore this message; your password stays as it is.\n"})
			if err != nil {
				a.h.Log.Error("web: send reset mail", "err", err)
			}
		}
	}
	a.render(w, http.StatusOK, "reset", v)
}

func (a *admin) resetPasswordForm(w http.ResponseWriter, r *http.Request) {
	a.render(w, http.StatusOK, "reset", resetView{adminPage: adminPage{Title: "New password"}, Token: r.PathValue("token")})
}

func (a *admin) resetPassword(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	token := r.PathValue("token")
	u, err := a.Users.Reset(r.Context(), token, r.PostFormValue("password"))
	if err != nil {
		v := resetView{adminPage: adminPage{Title: "New password", Error: strings.TrimPrefix(err.Error(), "account: ")}, Token: token}
		status := http.StatusBadRequest
		if errors.Is(err, account.ErrBadToken) || errors.Is(err, account.ErrTokenExpired) {
			status = http.StatusGone
		}
		a.render(w, status, "reset", v)
		return
	}
	if err := a.Throttle.Clear(r.Context(), account.EmailKey(u.Email)); err != nil {
		a.h.Log.Warn("web: clear sign-in failures", "err", err)
	}
	a.record(r, u.ID, "password.reset", "user:"+itoa(u.ID), "")
	a.clearSession(w)
	http.Redirect(w, r, "/admin/signin", http.StatusSeeOther)
}
