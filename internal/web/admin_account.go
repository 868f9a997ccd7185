package web

import (
	"bytes"
	"encoding/base64"
	"errors"
	"html/template"
	"image/png"
	"net/http"
	"strconv"
	"strings"

	"github.com/pquerna/otp"

	"github.com/lede-news/lede/internal/account"
)

type accountView struct {
	adminPage
	HasTOTP  bool
	Secret   string
	QR       template.URL // data: URL of the enrolment QR code
	Tokens   []account.APIToken
	NewToken string // shown once, right after creation
	Scopes   []string
}

// accountPage lets staff turn the TOTP second factor on or off.
func (a *admin) accountPage(w http.ResponseWriter, r *http.Request, u *account.User) error {
	v := accountView{adminPage: adminPage{Title: "My account", User: u}, HasTOTP: u.HasTOTP()}
	if r.URL.Query().Get("done") != "" {
		v.Note = "Saved."
	}
	return a.renderAccount(w, r, u, http.StatusOK, v)
}

func (a *admin) renderAccount(w http.ResponseWriter, r *http.Request, u *account.User, code int, v accountView) error {
	tokens, err := a.Users.APITokens(r.Context(), u.ID)
	if err != nil {
		return err
	}
	v.Tokens, v.Scopes, v.HasTOTP = tokens, account.Scopes(), u.HasTOTP()
	a.render(w, code, "account", v)
	return nil
}

func (a *admin) tokenCreate(w http.ResponseWriter, r *http.Request, u *account.User) error {
	tok, _, err := a.Users.CreateAPIToken(r.Context(), u.ID, r.PostFormValue("name"), r.PostForm["scopes"])
	var verrs account.Errors
	if errors.As(err, &verrs) {
		return a.renderAccount(w, r, u, http.StatusUnprocessableEntity, accountView{adminPage: adminPage{Title: "My account", User: u,
			Error: "The token needs a name and at least one scope."}})
	}
	if err != nil {
		return err
	}
	return a.renderAccount(w, r, u, http.StatusOK, accountView{adminPage: adminPage{Title: "My account", User: u,
		Note: "Copy the token now: it is not shown again."}, NewToken: tok})
}

func (a *admin) tokenRevoke(w http.ResponseWriter, r *http.Request, u *account.User) error {
	id, err := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	if err != nil {
		return errBadRequest
	}
	if err := a.Users.RevokeAPIToken(r.Context(), u.ID, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/account?done=1", http.StatusSeeOther)
	return nil
}

func (a *admin) totpBegin(w http.ResponseWriter, r *http.Request, u *account.User) error {
	setup, err := a.Users.BeginTOTP(r.Context(), u.ID, a.h.site.Load().editions[0].Name)
	if err != nil {
		return err
	}
	v := accountView{adminPage: adminPage{Title: "My account", User: u}, Secret: setup.Secret}
	if key, err := otp.NewKeyFromURL(setup.URL); err == nil {
		if img, err := key.Image(200, 200); err == nil {
			var buf bytes.Buffer
			if png.Encode(&buf, img) == nil {
				v.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
			}
		}
	}
	return a.renderAccount(w, r, u, http.StatusOK, v)
}

func (a *admin) totpConfirm(w http.ResponseWriter, r *http.Request, u *account.User) error {
	err := a.Users.ConfirmTOTP(r.Context(), u.ID, strings.TrimSpace(r.PostFormValue("code")))
	if errors.Is(err, account.ErrBadCode) || errors.Is(err, account.ErrNoTOTP) {
		return a.renderAccount(w, r, u, http.StatusBadRequest, accountView{adminPage: adminPage{Title: "My account", User: u,
			Error: "That code did not match. Start again and type the newest code from the app."}})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/account?done=1", http.StatusSeeOther)
	return nil
}

func (a *admin) totpOff(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if err := a.Users.DisableTOTP(r.Context(), u.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/account?done=1", http.StatusSeeOther)
	return nil
}
