package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"

	"github.com/lede-news/lede/internal/pagecache"
)

//go:embed static
var staticFS embed.FS

// assets serves the embedded static files under /static/{hash}/{name}: the
// hash in the URL changes with the content, so they are cached for a year.
type assets struct {
	hash  map[string]string // name → content hash
	pages map[string]*pagecache.Page
}

var immutable = []string{"public, max-age=31536000, immutable"}

func loadAssets(dev bool) (*assets, error) {
	var fsys fs.FS = staticFS
	if dev {
		fsys = os.DirFS("internal/web")
	}
	a := &assets{hash: map[string]string{}, pages: map[string]*pagecache.Page{}}
	entries, err := fs.ReadDir(fsys, "static")
	if err != nil {
		return nil, fmt.Errorf("web: assets: %w", err)
	}
	for _, e := range entries {
		b, err := fs.ReadFile(fsys, "static/"+e.Name())
		if err != nil {
			return nil, fmt.Errorf("web: assets: %w", err)
		}
		sum := sha256.Sum256(b)
		a.hash[e.Name()] = hex.EncodeToString(sum[:6])
		ct := mime.TypeByExtension(path.Ext(e.Name()))
		if ct == "" {
			ct = "application/octet-stream"
		}
		a.pages[e.Name()] = pagecache.Prepare(b, pagecache.Options{ContentType: ct,
			Header: http.Header{"Cache-Control": immutable, "X-Content-Type-Options": nosniff}})
	}
	return a, nil
}

// URL is the cache-busting address of a static file.
func (a *assets) URL(name string) (string, error) {
	h, ok := a.hash[name]
	if !ok {
		return "", fmt.Errorf("web: no static file %q", name)
	}
	return "/static/" + h + "/" + name, nil
}

func (h *Handler) static(w http.ResponseWriter, r *http.Request) error {
	name, hash := r.PathValue("file"), r.PathValue("hash")
	p, ok := h.assets.pages[name]
	if !ok {
		return errNotFound
	}
	if hash != h.assets.hash[name] {
		// An old hash: send the current file, but do not let it be cached
		// for a year under the old address.
		w.Header().Set("Cache-Control", "no-cache")
		http.Redirect(w, r, "/static/"+h.assets.hash[name]+"/"+name, http.StatusFound)
		return nil
	}
	p.Write(w, r)
	return nil
}
