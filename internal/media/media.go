// Package media stores uploaded images: checked (type sniffed from the
// bytes, size and pixel limits), re-encoded without their metadata (EXIF,
// GPS), and kept in a few widths for responsive pages.
package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	_ "image/gif" // decoded, then re-encoded as PNG

	"golang.org/x/image/draw"

	"github.com/lede-news/lede/internal/db"
)

// Limits on what an upload may be.
const (
	MaxBytes  = 15 << 20
	MaxPixels = 40_000_000 // a decompression bomb declares far more
	MaxSide   = 12_000
)

// Widths are the variants made of every image (those not wider than it).
var Widths = []int{320, 640, 1024, 1600}

// ErrInvalid wraps every refusal of an upload; its message says why.
var ErrInvalid = errors.New("media: invalid image")

// Media is a stored image.
type Media struct {
	ID                   int64
	ContentType          string
	Width, Height        int
	Alt, Caption, Credit string
	Widths               []int
}

// Meta is what the uploader tells about an image.
type Meta struct{ Alt, Caption, Credit string }

// Store keeps images in the database.
type Store struct{ DB *db.DB }

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// Upload checks, strips and stores an image. The same bytes uploaded twice
// give the same image.
func (s *Store) Upload(ctx context.Context, r io.Reader, meta Meta, userID int64) (Media, error) {
	meta.Alt, meta.Caption, meta.Credit = strings.TrimSpace(meta.Alt), strings.TrimSpace(meta.Caption), strings.TrimSpace(meta.Credit)
	if meta.Alt == "" {
		return Media{}, invalid("alternative text is required: describe the image for readers who cannot see it")
	}
	if utf8.RuneCountInString(meta.Alt) > 300 || utf8.RuneCountInString(meta.Caption) > 500 || utf8.RuneCountInString(meta.Credit) > 200 {
		return Media{}, invalid("alt text, caption or credit is too long")
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return Media{}, fmt.Errorf("media: read upload: %w", err)
	}
	if len(data) > MaxBytes {
		return Media{}, invalid("the file is larger than %d MiB", MaxBytes>>20)
	}
	sniffed := http.DetectContentType(data)
	switch sniffed {
	case "image/jpeg", "image/png", "image/gif":
	default:
		return Media{}, invalid("the file is %s, not a JPEG, PNG or GIF image", sniffed)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Media{}, invalid("the image cannot be read: %v", err)
	}
	if "image/"+format != sniffed {
		return Media{}, invalid("the file's content does not match its type")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxSide || cfg.Height > MaxSide || cfg.Width*cfg.Height > MaxPixels {
		return Media{}, invalid("the image is %d×%d pixels; at most %d per side and %d million in all", cfg.Width, cfg.Height, MaxSide, MaxPixels/1_000_000)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return Media{}, invalid("the image cannot be decoded: %v", err)
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	var existing int64
	if err := s.DB.QueryRow(ctx, `SELECT id FROM media WHERE sha256 = ?`, hash).Scan(&existing); err == nil {
		return s.ByID(ctx, existing)
	}
	ct := "image/jpeg"
	if format != "jpeg" {
		ct = "image/png" // keeps transparency
	}
	variants := map[int][]byte{}
	for _, w := range append(Widths, cfg.Width) {
		if w > cfg.Width {
			continue
		}
		b, err := encode(resize(img, w), ct)
		if err != nil {
			return Media{}, fmt.Errorf("media: encode: %w", err)
		}
		variants[w] = b
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var by any
		if userID != 0 {
			by = userID
		}
		id, err = tx.InsertID(ctx, `INSERT INTO media (sha256, content_type, width, height, alt, caption, credit, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, hash, ct, cfg.Width, cfg.Height, meta.Alt, meta.Caption, meta.Credit, by, time.Now().Unix())
		if err != nil {
			return err
		}
		for w, b := range variants {
			if _, err := tx.Exec(ctx, `INSERT INTO media_variants (media_id, width, content_type, data) VALUES (?, ?, ?, ?)`, id, w, ct, b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Media{}, fmt.Errorf("media: store: %w", err)
	}
	return s.ByID(ctx, id)
}

func resize(img image.Image, w int) image.Image {
	b := img.Bounds()
	h := b.Dy() * w / b.Dx()
	if h < 1 {
		h = 1
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Over, nil)
	return dst
}

// encode writes pixels only: no EXIF, GPS or other metadata survives.
func encode(img image.Image, ct string) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	if ct == "image/jpeg" {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 82})
	} else {
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img)
	}
	return buf.Bytes(), err
}

// ByID returns an image's description and its widths.
func (s *Store) ByID(ctx context.Context, id int64) (Media, error) {
	m := Media{ID: id}
	err := s.DB.QueryRow(ctx, `SELECT content_type, width, height, alt, caption, credit FROM media WHERE id = ?`, id).
		Scan(&m.ContentType, &m.Width, &m.Height, &m.Alt, &m.Caption, &m.Credit)
	if err != nil {
		return m, fmt.Errorf("media: %d: %w", id, db.NotFound(err))
	}
	rows, err := s.DB.Query(ctx, `SELECT width FROM media_variants WHERE media_id = ? ORDER BY width`, id)
	if err != nil {
		return m, err
	}
	defer rows.Close()
	for rows.Next() {
		var w int
		rows.Scan(&w)
		m.Widths = append(m.Widths, w)
	}
	return m, rows.Err()
}

// Variant returns the widest stored variant not wider than width (the
// narrowest when all are wider), with its content type.
func (s *Store) Variant(ctx context.Context, id int64, width int) ([]byte, string, error) {
	var data []byte
	var ct string
	err := s.DB.QueryRow(ctx, `SELECT data, content_type FROM media_variants WHERE media_id = ? AND width <= ?
		ORDER BY width DESC LIMIT 1`, id, width).Scan(&data, &ct)
	if errors.Is(db.NotFound(err), db.ErrNotFound) {
		err = s.DB.QueryRow(ctx, `SELECT data, content_type FROM media_variants WHERE media_id = ? ORDER BY width LIMIT 1`, id).Scan(&data, &ct)
	}
	if err != nil {
		return nil, "", fmt.Errorf("media: %d/%d: %w", id, width, db.NotFound(err))
	}
	return data, ct, nil
}
