package media

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	xhtml "golang.org/x/net/html"

	"github.com/lede-news/lede/internal/db"
)

// ownImage matches the address of one of our stored images, /media/{id}/{width}.
var ownImage = regexp.MustCompile(`^/media/(\d+)/(\d+)$`)

// Lead finds an article's lead image: the first of our own images in its
// rendered body. It returns the image's id and the width the body asks for.
func Lead(bodyHTML string) (id int64, width int, ok bool) {
	refs := Images(bodyHTML, 1)
	if len(refs) == 0 {
		return 0, 0, false
	}
	return refs[0].ID, refs[0].Width, true
}

// Ref is one of our images as a body shows it: /media/{ID}/{Width}.
type Ref struct {
	ID    int64
	Width int
}

// Images lists our own images in a rendered body, in order, each image
// once (at the width of its first appearance), at most limit of them
// (no limit when limit <= 0).
func Images(bodyHTML string, limit int) []Ref {
	if !strings.Contains(bodyHTML, "<img") {
		return nil
	}
	var out []Ref
	seen := map[int64]bool{}
	z := xhtml.NewTokenizer(strings.NewReader(bodyHTML))
	for limit <= 0 || len(out) < limit {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			break
		}
		if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		if tok.Data != "img" {
			continue
		}
		for _, a := range tok.Attr {
			if a.Key != "src" {
				continue
			}
			if m := ownImage.FindStringSubmatch(a.Val); m != nil {
				id, err1 := strconv.ParseInt(m[1], 10, 64)
				w, err2 := strconv.Atoi(m[2])
				if err1 == nil && err2 == nil && id > 0 && w > 0 && !seen[id] {
					seen[id] = true
					out = append(out, Ref{id, w})
				}
			}
		}
	}
	return out
}

// Stored describes one stored variant, for feeds' enclosures: the path
// that serves exactly it, its type and size in bytes, and the image's
// description.
type Stored struct {
	MediaID       int64
	Path          string // /media/{id}/{variant width}
	ContentType   string
	Length        int64
	Width, Height int
	Alt           string
}

// Describe returns the variant that /media/{id}/{width} serves (the widest
// not wider than width, else the narrowest), without its bytes.
func (s *Store) Describe(ctx context.Context, id int64, width int) (Stored, error) {
	v := Stored{MediaID: id}
	var full, fullH int
	err := s.DB.QueryRow(ctx, `SELECT width, height, alt FROM media WHERE id = ?`, id).Scan(&full, &fullH, &v.Alt)
	if err != nil {
		return v, fmt.Errorf("media: %d: %w", id, db.NotFound(err))
	}
	const q = `SELECT width, content_type, length(data) FROM media_variants WHERE media_id = ?`
	err = s.DB.QueryRow(ctx, q+` AND width <= ? ORDER BY width DESC LIMIT 1`, id, width).Scan(&v.Width, &v.ContentType, &v.Length)
	if errors.Is(db.NotFound(err), db.ErrNotFound) {
		err = s.DB.QueryRow(ctx, q+` ORDER BY width LIMIT 1`, id).Scan(&v.Width, &v.ContentType, &v.Length)
	}
	if err != nil {
		return v, fmt.Errorf("media: %d/%d: %w", id, width, db.NotFound(err))
	}
	if full > 0 {
		v.Height = fullH * v.Width / full
	}
	v.Path = "/media/" + strconv.FormatInt(id, 10) + "/" + strconv.Itoa(v.Width)
	return v, nil
}
