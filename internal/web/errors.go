package web

import (
	"context"
	"database/sql/driver"
	"errors"
	"net"
	"net/http"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/pagecache"
)

var (
	errNotFound   = errors.New("not found")
	errBadRequest = errors.New("bad request")
)

// handlerFunc is a handler that returns its error to one place, wrap, which
// maps it to a status and an error page in the edition's language.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (h *Handler) wrap(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			h.fail(w, r, err)
		}
	}
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, errNotFound), errors.Is(err, db.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, errBadRequest):
		status = http.StatusBadRequest
	case errors.As(err, new(*http.MaxBytesError)):
		status = http.StatusRequestEntityTooLarge
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		return // the reader went away
	case unavailable(err):
		h.dbDown(err) // logs the outage once
		if h.stale(w, r) {
			return
		}
		status = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", "5")
	default:
		h.Log.Error("web: request failed", slogRequest(r), "err", err)
	}
	h.errorPage(w, r, status)
}

// unavailable reports errors that mean the database cannot be reached,
// which readers should see as a temporary outage.
func unavailable(err error) bool {
	var ne net.Error
	var oe *net.OpError
	return errors.Is(err, driver.ErrBadConn) || errors.As(err, &oe) || errors.As(err, &ne) ||
		errors.Is(err, context.DeadlineExceeded) || db.Unavailable(err)
}

func (h *Handler) errorPage(w http.ResponseWriter, r *http.Request, status int) {
	s := h.site.Load()
	e := s.forPath(r.URL.Path, r.Header.Get("Accept-Language"))
	if e == nil {
		http.Error(w, http.StatusText(status), status)
		return
	}
	title, text := "error_title", "error_text"
	switch status {
	case http.StatusNotFound:
		title, text = "not_found_title", "not_found_text"
	case http.StatusBadRequest:
		title, text = "bad_request_title", "bad_request_text"
	case http.StatusServiceUnavailable:
		title, text = "unavailable_title", "unavailable_text"
	case http.StatusRequestEntityTooLarge:
		title, text = "too_large_title", "too_large_text"
	}
	data := errorView{page: h.base(e, e.T.T(title), "/"+e.Code+"/"), Code: status, Heading: e.T.T(title), Text: e.T.T(text)}
	data.Robots = "noindex"
	body, err := h.tmpl.render("error", data)
	if err != nil {
		h.Log.Error("web: error page", "err", err)
		http.Error(w, http.StatusText(status), status)
		return
	}
	pagecache.Prepare(body, pagecache.Options{Status: status, NoStore: true, Header: pageHeader}).Write(w, r)
}

type errorView struct {
	page
	Code    int
	Heading string
	Text    string
}
