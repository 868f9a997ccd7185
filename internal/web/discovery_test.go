package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

// between returns the part of s from the first from to the next to.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

// A section page shows its own most read today and this week, from the
// counts in the database: another node over the same database shows the
// same list.
func TestSectionMostRead(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		h := newTestHandler(t, d)
		if body := do(h, "GET", "/fr/defense", nil).Body.String(); strings.Contains(body, `class="most-read"`) {
			t.Fatal("a section nobody read shows a most-read list")
		}
		// 3 readers of the Defence article, 5 of the Culture one.
		for i := range 3 {
			do(h, "GET", "/fr/defense/prorogation-new-start", map[string]string{"User-Agent": fmt.Sprintf("%s reader-%d", browserUA, i)})
		}
		for i := range 5 {
			do(h, "GET", "/fr/culture/festival", map[string]string{"User-Agent": fmt.Sprintf("%s reader-%d", browserUA, i)})
		}
		if err := h.Views.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		var sec int64
		d.QueryRow(ctx, `SELECT id FROM sections WHERE slug = 'defense' AND edition_id = (SELECT id FROM editions WHERE code = 'fr')`).Scan(&sec)
		other := newTestHandler(t, d) // a second node: nothing in its cache or its counter's memory
		for _, node := range []*Handler{h, other} {
			node.Cache.Invalidate(fmt.Sprintf("section:%d", sec)) // the first node cached the empty list (for listTTL)
			body := do(node, "GET", "/fr/defense", nil).Body.String()
			aside := between(body, `<aside class="most-read"`, "</aside>")
			if aside == "" {
				t.Fatal("no most-read list on the section page")
			}
			for _, want := range []string{"Les plus lus — Défense", "Aujourd’hui", "Cette semaine", `id="most-read-today"`, `href="/fr/defense/prorogation-new-start"`, "3 vues"} {
				if !strings.Contains(aside, want) {
					t.Errorf("most read lacks %q:\n%s", want, aside)
				}
			}
			if strings.Contains(aside, "festival") {
				t.Error("the Culture article is in Defence's most read")
			}
			culture := between(do(node, "GET", "/fr/culture", nil).Body.String(), `<aside class="most-read"`, "</aside>")
			if !strings.Contains(culture, `href="/fr/culture/festival"`) || !strings.Contains(culture, "5 vues") || strings.Contains(culture, "prorogation") {
				t.Errorf("Culture's most read:\n%s", culture)
			}
		}
		// Later pages of a section and tag pages have no most-read list.
		if body := do(h, "GET", "/fr/tags/new-start", nil).Body.String(); strings.Contains(body, `class="most-read"`) {
			t.Error("a tag page shows a section's most read")
		}
	})
}

// The empty search page shows the edition's tags used this month, bigger
// for the commoner, linked to their pages; not on a results page.
func TestSearchTagCloud(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		h := newTestHandler(t, d)
		if body := do(h, "GET", "/fr/search", nil).Body.String(); strings.Contains(body, "tag-cloud") {
			t.Fatal("a cloud of tags from 2021 (older than a month)")
		}
		if _, err := d.Exec(context.Background(), `UPDATE articles SET published_at = ?`, time.Now().Add(-time.Hour).Unix()); err != nil {
			t.Fatal(err)
		}
		body := do(h, "GET", "/fr/search", nil).Body.String()
		cloud := between(body, `<section class="tag-cloud"`, "</section>")
		for _, want := range []string{"Les sujets du mois", `href="/fr/tags/new-start"`, ">New START</a>", `title="New START (Traité de réduction des armes nucléaires) (1 article)"`, `class="w3"`} {
			if !strings.Contains(cloud, want) {
				t.Errorf("cloud lacks %q:\n%s", want, cloud)
			}
		}
		if body := do(h, "GET", "/fr/search?q=traite", nil).Body.String(); strings.Contains(body, "tag-cloud") {
			t.Error("a results page shows the cloud")
		}
		if body := do(h, "GET", "/en/search", nil).Body.String(); strings.Contains(body, "new-start") {
			t.Error("the English search page shows French tags")
		}
	})
}
