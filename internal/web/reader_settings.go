package web

import (
	"errors"
	"net/http"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/comment"
	"github.com/lede-news/lede/internal/reader"
)

func (u *readersUI) settingsView(r *http.Request, e *ed, rd *reader.Reader) (readerView, error) {
	v := u.view(r, e, "settings", "reader.title.settings")
	v.Reader, v.Name = rd, rd.Name
	var err error
	v.Linked, err = u.store.Identities(r.Context(), rd.ID)
	if r.URL.Query().Get("welcome") != "" {
		v.Note = e.T.T("reader.welcome")
	}
	if r.URL.Query().Get("saved") != "" {
		v.Note = e.T.T("reader.saved")
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
		// A new password signs every other browser out: whoever knew the
		// old one keeps nothing.
		if err := u.store.EndAllSessions(r.Context(), rd.ID); err != nil {
			return err
		}
		token, err := u.store.StartSession(r.Context(), "", rd.ID)
		if err != nil {
			return err
		}
		u.h.setReaderSession(w, token)
		http.Redirect(w, r, "/"+e.Code+"/account/settings?saved=1", http.StatusSeeOther)
		return nil
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
