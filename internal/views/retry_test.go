package views

import (
	"context"
	"log/slog"
	"testing"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

// A flush whose COMMIT went through but whose answer was lost (the
// connection dropped at that moment) is retried under the same batch id,
// and not counted twice; counts gathered meanwhile are written after it.
func TestRetriedFlushIsNotCountedTwice(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		id := seedArticle(t, d)
		c := New(d, slog.Default())
		for _, ua := range []string{"a", "b", "c"} {
			c.Count(id, "192.0.2.1", chrome+" "+ua, nil)
		}
		if err := c.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		// As if that flush's answer had been lost: the same batch is due again.
		c.mu.Lock()
		c.retry = &batch{id: c.node + "-1", at: c.now().Unix(), views: map[dayArticle]int64{{c.day, id}: 3}, clicks: map[string]int64{}}
		c.mu.Unlock()
		c.Count(id, "192.0.2.1", chrome+" d", nil)
		if err := c.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		var n int64
		d.QueryRow(ctx, `SELECT n FROM view_totals WHERE article_id = ?`, id).Scan(&n)
		if n != 4 {
			t.Fatalf("stored %d views, want 4: the retried batch counted twice, or the new view lost", n)
		}
		if got := c.Total(id); got != 4 {
			t.Fatalf("Total after the retry: %d, want 4", got)
		}
		if err := c.pruneBatches(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
