package web

import (
	"context"
	"strings"
	"testing"

	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/newsroom"
	"github.com/lede-news/lede/internal/publish"
	"github.com/lede-news/lede/internal/testdb"
)

// An editor's change of slug keeps the old URL working, and a correction
// note shows to readers.
func TestOldSlugAndCorrection(t *testing.T) {
	d := testdb.SQLite(t)
	h := newTestHandler(t, d)
	ctx := context.Background()
	var id int64
	d.QueryRow(ctx, `SELECT id FROM articles WHERE external_id = 'fr-1'`).Scan(&id)
	n := &newsroom.Newsroom{DB: d, Publisher: &publish.Publisher{}}
	dr, _, err := n.Load(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	dr.Slug, dr.Correction = "prorogation-du-traite", "Une version précédente donnait une date erronée."
	if _, _, err := n.Save(ctx, 0, dr, article.ActSave); err != nil {
		t.Fatal(err)
	}
	h.Cache.Invalidate("site")
	w := do(h, "GET", "/fr/defense/prorogation-new-start", nil)
	if w.Code != 301 || w.Header().Get("Location") != "/fr/defense/prorogation-du-traite" {
		t.Fatalf("old URL: %d %q", w.Code, w.Header().Get("Location"))
	}
	body := do(h, "GET", "/fr/defense/prorogation-du-traite", nil).Body.String()
	if !strings.Contains(body, "Rectificatif\u00a0:") || !strings.Contains(body, "date erronée") || !strings.Contains(body, "Mis à jour le") {
		t.Fatal("correction or update time missing")
	}
}
