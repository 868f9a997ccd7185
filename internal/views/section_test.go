package views

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

// Most read per section: only the section's published articles, today's
// reads for today, seven days' for the week, most read first.
func TestMostReadInSection(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		day := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
		var defense, culture int64
		ids := map[string]int64{}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			ed, err := tx.InsertID(ctx, `INSERT INTO editions (code, name, lang, timezone) VALUES ('fr', 'Lede', 'fr', 'Europe/Paris')`)
			if err != nil {
				return err
			}
			if defense, err = tx.InsertID(ctx, `INSERT INTO sections (edition_id, slug, name) VALUES (?, 'defense', 'Défense')`, ed); err != nil {
				return err
			}
			if culture, err = tx.InsertID(ctx, `INSERT INTO sections (edition_id, slug, name) VALUES (?, 'culture', 'Culture')`, ed); err != nil {
				return err
			}
			for _, a := range []struct {
				slug, status string
				sec          int64
			}{{"a", "published", defense}, {"b", "published", defense}, {"c", "published", defense}, {"d", "unpublished", defense}, {"e", "published", culture}} {
				id, err := tx.InsertID(ctx, `INSERT INTO articles (edition_id, section_id, slug, headline, body_md, body_html, status, published_at, modified_at)
					VALUES (?, ?, ?, 'A', 'x', 'x', ?, 0, 0)`, ed, a.sec, a.slug, a.status)
				if err != nil {
					return err
				}
				ids[a.slug] = id
			}
			for _, v := range []struct {
				slug   string
				ago, n int
			}{
				{"a", 0, 2}, {"a", 3, 10}, // the week's first, today's second
				{"b", 0, 5}, {"b", 1, 1},
				{"c", 8, 100}, // read, but before the week
				{"d", 0, 50},  // unpublished
				{"e", 0, 70},  // another section
			} {
				if _, err := tx.Exec(ctx, `INSERT INTO views_daily (article_id, day, n) VALUES (?, ?, ?)`,
					ids[v.slug], day.AddDate(0, 0, -v.ago).Format(time.DateOnly), v.n); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		c := New(d, slog.Default())
		c.now = func() time.Time { return day }
		check := func(sec int64, days int, want ...Ranked) {
			t.Helper()
			got, err := c.MostReadInSection(ctx, sec, days, 5)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("section %d, %d days: %v, want %v", sec, days, got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("section %d, %d days: %v, want %v", sec, days, got, want)
				}
			}
		}
		check(defense, 0, Ranked{ids["b"], 5}, Ranked{ids["a"], 2})
		check(defense, 6, Ranked{ids["a"], 12}, Ranked{ids["b"], 6})
		check(culture, 6, Ranked{ids["e"], 70})
		if got, _ := c.MostReadInSection(ctx, defense, 30, 1); len(got) != 1 || got[0].ArticleID != ids["c"] {
			t.Fatalf("limit 1 over 30 days: %v, want article c", got)
		}
	})
}
