package web

import (
	"context"
	"errors"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/feed"
	"github.com/lede-news/lede/internal/media"
)

// leadImages finds the lead image of each article (the first of our own
// images in its body) and describes the stored variant its address serves,
// for feeds' enclosures: absolute URL, MIME type and size in bytes. An
// article without one, or whose image is gone, has no entry.
func (h *Handler) leadImages(ctx context.Context, ids []int64) (map[int64]*feed.Image, error) {
	out := map[int64]*feed.Image{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := h.DB.Query(ctx, `SELECT id, body_html FROM articles WHERE id IN (`+db.Placeholders(len(ids))+`)`, db.Args(ids)...)
	if err != nil {
		return nil, err
	}
	type lead struct {
		media int64
		width int
	}
	found := map[int64]lead{}
	for rows.Next() {
		var id int64
		var body string
		if err := rows.Scan(&id, &body); err != nil {
			rows.Close()
			return nil, err
		}
		if m, w, ok := media.Lead(body); ok {
			found[id] = lead{m, w}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for id, l := range found {
		img, err := h.describeImage(ctx, l.media, l.width)
		if err != nil {
			return nil, err
		}
		if img != nil {
			out[id] = img
		}
	}
	return out, nil
}

// describeImage describes the stored variant that /media/{id}/{width}
// serves, with its absolute URL (the variant's own address), for feeds'
// enclosures and sitemaps' image entries; nil when the image is gone.
func (h *Handler) describeImage(ctx context.Context, id int64, width int) (*feed.Image, error) {
	v, err := h.media.Describe(ctx, id, width)
	if errors.Is(err, db.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return &feed.Image{URL: h.BaseURL + v.Path, Type: v.ContentType, Length: v.Length, Width: v.Width, Height: v.Height, Alt: v.Alt}, nil
}
