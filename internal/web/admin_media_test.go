package web

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/testdb"
)

func multipartUpload(t *testing.T, c *client, file []byte, alt string) *httptest.ResponseRecorder {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "photo.jpg")
	fw.Write(file)
	mw.WriteField("alt", alt)
	mw.WriteField("caption", "La salle de contrôle")
	mw.WriteField("credit", "Photo : AHP")
	mw.Close()
	r := httptest.NewRequest("POST", "http://lede.test/admin/media?back=/admin/articles/new", &buf)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.Header.Set("Origin", "http://lede.test")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	r.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.cookie})
	w := httptest.NewRecorder()
	c.s.h.ServeHTTP(w, r)
	return w
}

func TestImageUpload(t *testing.T) {
	d := testdb.SQLite(t)
	s := newNewsroomSite(t, d)
	c := s.signIn(t, account.RoleContributor)
	img := image.NewRGBA(image.Rect(0, 0, 800, 500))
	for x := range 800 {
		img.Set(x, x%500, color.RGBA{200, 10, 10, 255})
	}
	var jp bytes.Buffer
	jpeg.Encode(&jp, img, nil)
	w := multipartUpload(t, c, jp.Bytes(), "Une ligne rouge")
	m := regexp.MustCompile(`<code id="snippet">!\[Une ligne rouge\]\((/media/\d+)/1024 &#34;La salle de contrôle — Photo : AHP&#34;\)</code>`).FindStringSubmatch(w.Body.String())
	if w.Code != 200 || m == nil {
		t.Fatalf("upload: %d %s", w.Code, w.Body)
	}
	res := do(s.h, "GET", m[1]+"/640", nil)
	if res.Code != 200 || res.Header().Get("Content-Type") != "image/jpeg" || !strings.Contains(res.Header().Get("Cache-Control"), "immutable") {
		t.Fatalf("variant: %d %v", res.Code, res.Header())
	}
	if cfg, _, err := image.DecodeConfig(res.Body); err != nil || cfg.Width != 640 {
		t.Fatalf("variant is %v wide, %v", cfg.Width, err)
	}
	if w := multipartUpload(t, c, []byte("GIF89a<script>alert(1)</script> not really"), "x"); w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("lying file: %d", w.Code)
	}
	if w := multipartUpload(t, c, jp.Bytes(), " "); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "alternative text is required") {
		t.Fatalf("no alt: %d", w.Code)
	}
	if w := do(s.h, "GET", "/media/999/640", nil); w.Code != 404 {
		t.Fatalf("missing image: %d", w.Code)
	}
}
