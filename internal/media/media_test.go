package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

func photo(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	return img
}

// withEXIF puts an APP1 Exif segment carrying a secret right after SOI.
func withEXIF(t *testing.T, img image.Image) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00"), []byte("GPS 48.8566N 2.3522E SECRET-LOCATION")...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	b := buf.Bytes()
	return append(append(append([]byte{}, b[:2]...), append(seg, payload...)...), b[2:]...)
}

// bomb is a valid PNG header that claims 50000×50000 pixels.
func bomb(t *testing.T) []byte {
	var buf bytes.Buffer
	png.Encode(&buf, photo(2, 2))
	b := buf.Bytes()
	ihdr := b[8+8 : 8+8+13]
	binary.BigEndian.PutUint32(ihdr[0:], 50000)
	binary.BigEndian.PutUint32(ihdr[4:], 50000)
	binary.BigEndian.PutUint32(b[8+8+13:], crc32.ChecksumIEEE(b[8+4:8+8+13]))
	return b
}

func TestUpload(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := &Store{DB: d}
		src := withEXIF(t, photo(1200, 800))
		if !bytes.Contains(src, []byte("SECRET-LOCATION")) {
			t.Fatal("fixture lacks its EXIF")
		}
		m, err := s.Upload(ctx, bytes.NewReader(src), Meta{Alt: "Une salle de contrôle", Caption: "La salle", Credit: "Photo : AHP"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if m.Width != 1200 || m.Height != 800 || len(m.Widths) != 4 || m.Widths[3] != 1200 {
			t.Fatalf("%+v", m)
		}
		for _, w := range []int{320, 640, 1024, 1200, 5000, 10} {
			b, ct, err := s.Variant(ctx, m.ID, w)
			if err != nil || ct != "image/jpeg" {
				t.Fatalf("variant %d: %v %s", w, err, ct)
			}
			if bytes.Contains(b, []byte("SECRET-LOCATION")) || bytes.Contains(b, []byte("Exif")) {
				t.Fatalf("variant %d keeps the EXIF data", w)
			}
			cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
			if err != nil || cfg.Width > max(w, 320) {
				t.Fatalf("variant %d is %d wide (%v)", w, cfg.Width, err)
			}
		}
		again, err := s.Upload(ctx, bytes.NewReader(src), Meta{Alt: "x"}, 0)
		if err != nil || again.ID != m.ID {
			t.Fatalf("same bytes twice: %d vs %d, %v", again.ID, m.ID, err)
		}
		for name, c := range map[string]struct {
			data []byte
			alt  string
		}{
			"no alt":         {src, " "},
			"text as image":  {[]byte("<html><script>alert(1)</script></html>"), "x"},
			"bomb":           {bomb(t), "x"},
			"truncated jpeg": {src[:200], "x"},
			"too large":      {append(append([]byte{}, src[:4]...), make([]byte, MaxBytes)...), "x"},
		} {
			if _, err := s.Upload(ctx, bytes.NewReader(c.data), Meta{Alt: c.alt}, 0); !errors.Is(err, ErrInvalid) {
				t.Errorf("%s: %v, want ErrInvalid", name, err)
			}
		}
		var n int
		d.QueryRow(ctx, `SELECT count(*) FROM media`).Scan(&n)
		if n != 1 {
			t.Fatalf("%d images stored, want 1", n)
		}
	})
}
