package web

import (
	"bytes"
	"encoding/base64"
	"errors"
	"html/template"
	"image/png"
	"net/http"
	"strings"

	"github.com/pquerna/otp"

	"github.com/lede-news/lede/internal/account"
)

type accountView struct {
	adminPage
	HasTOTP bool
	Secret  string
	QR      template.URL // data: URL of the enrolment QR code
}

// accountPage lets staff turn the TOTP second factor on or off.
func (a *admin) accountPage(w http.ResponseWriter, r *http.Request, u *account.User) error {
	v := accountView{adminPage: adminPage{Title: "My account", User: u}, HasTOTP: u.HasTOTP()}
	if r.URL.Query().Get("done") != "" {
		v.Note = "Saved."
	}
	a.render(w, http.StatusOK, "account", v)
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
	a.render(w, http.StatusOK, "account", v)
	return nil
}

func (a *admin) totpConfirm(w http.ResponseWriter, r *http.Request, u *account.User) error {
	err := a.Users.ConfirmTOTP(r.Context(), u.ID, strings.TrimSpace(r.PostFormValue("code")))
	if errors.Is(err, account.ErrBadCode) || errors.Is(err, account.ErrNoTOTP) {
		a.render(w, http.StatusBadRequest, "account", accountView{adminPage: adminPage{Title: "My account", User: u,
			Error: "That code did not match. Start again and type the newest code from the app."}})
		return nil
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
