package web

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lede-news/lede/internal/testdb"
)

// A post far past the form limit gets a page that says nothing was posted,
// not a form claiming to hand back a text it never received.
func TestCommentPostFarTooLarge(t *testing.T) {
	h := newTestHandler(t, testdb.SQLite(t))
	r := httptest.NewRequest("POST", "/fr/comments/new", strings.NewReader("body="+strings.Repeat("x", maxCommentForm+1)))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if b := w.Body.String(); w.Code != 413 || !strings.Contains(b, "rien n’a été publié") || strings.Contains(b, "conservé ci-dessous") {
		t.Fatalf("%d\n%.1500s", w.Code, b)
	}
}
