package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/lede-news/lede/internal/pagecache"
)

var mediaHeader = http.Header{"Cache-Control": immutable, "X-Content-Type-Options": nosniff,
	"Content-Security-Policy": {"default-src 'none'"}}

// mediaFile serves /media/{id}/{width}: the stored variant closest below
// that width. Variants never change, so they are cached for a year.
func (h *Handler) mediaFile(w http.ResponseWriter, r *http.Request) error {
	id, err1 := strconv.ParseInt(r.PathValue("id"), 10, 64)
	width, err2 := strconv.Atoi(r.PathValue("w"))
	if err1 != nil || err2 != nil || id <= 0 || width <= 0 || width > 10000 {
		return errNotFound
	}
	key := "/media/" + strconv.FormatInt(id, 10) + "/" + strconv.Itoa(width)
	if r.URL.Path != key {
		return errNotFound
	}
	p, err := h.Cache.Render(key, func() (*pagecache.Page, error) {
		data, ct, err := h.media.Variant(context.WithoutCancel(r.Context()), id, width)
		if err != nil {
			return nil, err
		}
		return pagecache.Prepare(data, pagecache.Options{ContentType: ct, Header: mediaHeader}), nil
	})
	if err != nil {
		return err
	}
	p.Write(w, r)
	return nil
}
