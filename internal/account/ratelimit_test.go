package account

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

func TestLimiter(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := newClock()
		clk.add(10 * time.Second) // 10 s into a minute
		l := &Limiter{DB: d, Now: clk.Now}
		for i := range 3 {
			if ok, _, err := l.Allow(ctx, "comment:192.0.2.1", 3, time.Minute); err != nil || !ok {
				t.Fatalf("event %d refused: %v", i+1, err)
			}
		}
		ok, wait, err := l.Allow(ctx, "comment:192.0.2.1", 3, time.Minute)
		if err != nil || ok || wait != 50*time.Second {
			t.Fatalf("4th event: ok=%v wait=%s err=%v; want refused for 50s", ok, wait, err)
		}
		if ok, _, _ := l.Allow(ctx, "comment:192.0.2.2", 3, time.Minute); !ok {
			t.Fatal("another key shares the count")
		}
		clk.add(50 * time.Second)
		if ok, _, _ := l.Allow(ctx, "comment:192.0.2.1", 3, time.Minute); !ok {
			t.Fatal("a new window still refuses")
		}
		if err := l.Purge(ctx, clk.Now()); err != nil {
			t.Fatal(err)
		}
		var n int
		d.QueryRow(ctx, `SELECT count(*) FROM rate_limits`).Scan(&n)
		if n != 1 {
			t.Errorf("%d windows left after purge, want the current one", n)
		}
	})
}

// Two nodes counting at once let exactly the limit through.
func TestLimiterAcrossNodes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := newClock()
		nodes := []*Limiter{{DB: d, Now: clk.Now}, {DB: node(t, d), Now: clk.Now}}
		var allowed atomic.Int64
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, _, err := nodes[i%2].Allow(ctx, "signin", 25, time.Minute)
				if err != nil {
					t.Error(err)
				}
				if ok {
					allowed.Add(1)
				}
			}()
		}
		wg.Wait()
		if allowed.Load() != 25 {
			t.Fatalf("%d allowed, want 25", allowed.Load())
		}
	})
}
