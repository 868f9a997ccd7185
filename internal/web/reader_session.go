package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/reader"
)

// readerCookie holds a reader's session token. It is apart from the
// newsroom's cookie: a reader is never a newsroom user.
const readerCookie = "lede_reader"

// readerProvider is an external sign-in button in the comment area.
type readerProvider struct {
	Name     string // "google": the path segment and the id in the database
	Label    string // "Google": shown to readers
	StartURL string // /fr/account/oauth/google?next=…, with next added by the caller
}

// readerToken returns the browser's reader session token, or "".
func readerToken(r *http.Request) string {
	if c, err := r.Cookie(readerCookie); err == nil {
		return c.Value
	}
	return ""
}

// currentReader returns the signed-in reader, or nil. Cookie "lede_reader"
// (Path=/, HttpOnly, SameSite=Lax, Secure on https).
func (h *Handler) currentReader(r *http.Request) *reader.Reader {
	token := readerToken(r)
	if token == "" {
		return nil
	}
	rd, err := (&reader.Store{DB: h.DB}).Session(r.Context(), token)
	if err != nil {
		if !errors.Is(err, db.ErrNotFound) {
			h.Log.Error("web: reader session", "err", err)
		}
		return nil
	}
	return &rd
}

// readerCSRF is the anti-forgery token the reader's forms carry (on top of
// http.CrossOriginProtection); "" when no one is signed in.
func (h *Handler) readerCSRF(r *http.Request) string {
	if t := readerToken(r); t != "" {
		return reader.CSRF(t)
	}
	return ""
}

// checkReaderCSRF reports whether the form's "csrf" field (or the
// X-CSRF-Token header) matches the browser's session.
func (h *Handler) checkReaderCSRF(r *http.Request) bool {
	t := readerToken(r)
	if t == "" {
		return false
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(reader.CSRF(t))) == 1
}

// readerProviders lists the configured external sign-in providers for the
// comment area's buttons: Label ("Facebook"), StartURL for edition e.
func (h *Handler) readerProviders(e *ed) []readerProvider {
	if h.readers == nil {
		return nil
	}
	var out []readerProvider
	for _, p := range h.readers.providers {
		out = append(out, readerProvider{Name: p.Name, Label: p.Label, StartURL: "/" + e.Code + "/account/oauth/" + p.Name})
	}
	return out
}

// setReaderSession and clearReaderSession write the reader's cookie.
func (h *Handler) setReaderSession(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: readerCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: h.secureCookies(), Expires: time.Now().Add(reader.MaxSession)})
}

func (h *Handler) clearReaderSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: readerCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: h.secureCookies(), MaxAge: -1})
}

func (h *Handler) secureCookies() bool { return len(h.BaseURL) > 8 && h.BaseURL[:8] == "https://" }
