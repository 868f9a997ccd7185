package demo

import (
	"context"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/importer"
	"github.com/lede-news/lede/internal/related"
	"github.com/lede-news/lede/internal/testdb"
)

// The demo newsroom loads without a refused record and has what the issue
// asks of it: two editions, 30+ articles, translations and weeks of reads.
func TestDemoLoads(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
		if _, err := Load(ctx, &importer.Importer{DB: d, Related: related.New(d)}, now); err != nil {
			t.Fatal(err)
		}
		one := func(q string) int {
			var n int
			if err := d.QueryRow(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := one(`SELECT count(*) FROM editions`); n < 2 {
			t.Errorf("%d editions", n)
		}
		if n := one(`SELECT count(*) FROM articles`); n < 30 {
			t.Errorf("%d articles, want 30+", n)
		}
		if n := one(`SELECT count(*) FROM articles WHERE translation_group IS NOT NULL`); n < 20 {
			t.Errorf("%d articles with translations", n)
		}
		if n := one(`SELECT count(DISTINCT day) FROM views_daily`); n < 21 {
			t.Errorf("views over %d days, want several weeks", n)
		}
		if n := one(`SELECT count(*) FROM articles WHERE published_at > ` + itoa(now.Unix()) + ` OR updated_at > ` + itoa(now.Unix())); n != 0 {
			t.Errorf("%d articles in the future", n)
		}
		if n := one(`SELECT count(*) FROM comments c JOIN articles a ON a.id = c.article_id WHERE c.status = 'approved'`); n < 5 {
			t.Errorf("%d demo comments, want 5", n)
		}
		if n := one(`SELECT count(*) FROM comments WHERE parent_id IS NOT NULL`); n < 2 {
			t.Errorf("%d demo replies, want 2", n)
		}
		rows, err := d.Query(ctx, `SELECT id FROM articles`)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		rel := related.New(d)
		for _, id := range ids {
			if list, err := rel.For(ctx, id, 5); err != nil || len(list) < 3 || len(list) > 5 {
				t.Errorf("article %d: Read also %v, %v; want 3 to 5", id, list, err)
			}
		}
	})
}
