package changes

import (
	"context"
	"log/slog"
	"slices"
	"testing"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

// A change recorded by one process reaches the poller of another once.
func TestPollerSeesEachChangeOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var got []string
		p := &Poller{DB: d, Log: slog.Default(), Apply: func(tags []string) { got = append(got, tags...) }}
		if _, err := p.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		err := d.InTx(ctx, func(tx *db.Tx) error { return Record(ctx, tx, "article:1", "section:2") })
		if err != nil {
			t.Fatal(err)
		}
		if n, err := p.Poll(ctx); err != nil || n != 2 {
			t.Fatalf("Poll = %d, %v; want 2", n, err)
		}
		if n, _ := p.Poll(ctx); n != 0 {
			t.Fatalf("second Poll applied %d again", n)
		}
		// A rolled-back write leaves nothing to apply.
		d.InTx(ctx, func(tx *db.Tx) error {
			Record(ctx, tx, "article:9")
			return context.Canceled
		})
		p.Poll(ctx)
		if !slices.Equal(got, []string{"article:1", "section:2"}) {
			t.Fatalf("applied %v", got)
		}
		if err := Prune(ctx, d); err != nil {
			t.Fatal(err)
		}
	})
}
