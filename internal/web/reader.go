package web

import (
	"net/http"
	"strings"
)

// ReaderDeps are what reader accounts need beyond the site's.
type ReaderDeps struct{}

// readersUI serves reader accounts: /{ed}/account/… and /oauth/….
type readersUI struct {
	h         *Handler
	providers []readerProvider
	serve     http.Handler
}

func newReadersUI(h *Handler, d ReaderDeps) (*readersUI, error) {
	u := &readersUI{h: h}
	u.serve = http.NewCrossOriginProtection().Handler(http.NotFoundHandler())
	return u, nil
}

// owns reports whether path is a reader account page.
func (u *readersUI) owns(path string) bool {
	if strings.HasPrefix(path, "/oauth/") {
		return true
	}
	// /{ed}/account or /{ed}/account/…
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

func (u *readersUI) ServeHTTP(w http.ResponseWriter, r *http.Request) { u.serve.ServeHTTP(w, r) }
