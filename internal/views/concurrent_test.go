package views

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

// Nodes flushing the same articles at the same time neither deadlock nor
// lose a view: every flush succeeds and the totals add up exactly.
func TestConcurrentFlushesAddUp(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		first := seedArticle(t, d)
		ids := []int64{first}
		for i := range 39 {
			var id int64
			err := d.InTx(ctx, func(tx *db.Tx) error {
				var err error
				id, err = tx.InsertID(ctx, `INSERT INTO articles (edition_id, section_id, slug, headline, body_md, body_html, published_at, modified_at)
					SELECT edition_id, section_id, ?, 'A', 'x', 'x', 0, 0 FROM articles WHERE id = ?`, fmt.Sprint("a", i), first)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		const nodes, rounds = 4, 15
		var wg sync.WaitGroup
		for n := range nodes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := New(d, slog.Default())
				for r := range rounds {
					for i, id := range ids {
						c.Count(id, "192.0.2.1", fmt.Sprintf("%s %d-%d-%d", chrome, n, r, i), nil)
					}
					if err := c.Flush(ctx); err != nil {
						t.Errorf("node %d, round %d: %v", n, r, err)
						return
					}
				}
			}()
		}
		wg.Wait()
		var sum, rows int64
		if err := d.QueryRow(ctx, `SELECT COALESCE(sum(n), 0), count(*) FROM view_totals`).Scan(&sum, &rows); err != nil {
			t.Fatal(err)
		}
		if want := int64(nodes * rounds * len(ids)); sum != want || rows != int64(len(ids)) {
			t.Fatalf("view_totals: %d views in %d rows, want %d in %d", sum, rows, want, len(ids))
		}
	})
}
