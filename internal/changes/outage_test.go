package changes

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

// After polls failed for longer than the window (the database was away),
// the next poll reads back from the last one that worked: a change
// recorded just before the outage is applied, not skipped. Past the
// pruning horizon, everything is dropped.
func TestPollerCatchesUpAfterAnOutage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var got []string
		p := &Poller{DB: d, Log: slog.Default(), Apply: func(tags []string) { got = append(got, tags...) }}
		if _, err := p.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		// The last good poll was 40 s ago; a change was committed just
		// after it, then the database went away.
		p.lastOK = time.Now().Add(-40 * time.Second)
		if _, err := d.Exec(ctx, `INSERT INTO changes (tag, at) VALUES ('article:7', ?)`, p.lastOK.Add(time.Second).Unix()); err != nil {
			t.Fatal(err)
		}
		if _, err := p.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, []string{"article:7"}) {
			t.Fatalf("applied %v, want [article:7]", got)
		}
		got = nil
		p.lastOK = time.Now().Add(-2 * time.Hour)
		p.Poll(ctx)
		if !slices.Contains(got, "site") {
			t.Fatalf("after two hours without a poll, applied %v; want the whole cache dropped (site)", got)
		}
	})
}
