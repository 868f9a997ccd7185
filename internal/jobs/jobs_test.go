package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func enqueue(t *testing.T, d *db.DB, kind, key string, at time.Time) {
	t.Helper()
	if err := d.InTx(context.Background(), func(tx *db.Tx) error { return Enqueue(context.Background(), tx, kind, key, key, at) }); err != nil {
		t.Fatal(err)
	}
}

// Several runners (nodes) working the same queue do each job exactly once.
func TestExactlyOnceAcrossRunners(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Exec(ctx, `CREATE TABLE effects (key TEXT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		const n = 40
		for i := range n {
			enqueue(t, d, "effect", fmt.Sprintf("k%d", i), time.Now().Add(-time.Second))
		}
		enqueue(t, d, "effect", "k0", time.Now()) // a repeated key is not a new job
		enqueue(t, d, "effect", "later", time.Now().Add(time.Hour))
		h := func(ctx context.Context, tx *db.Tx, j Job) error {
			_, err := tx.Exec(ctx, `INSERT INTO effects (key) VALUES (?)`, j.Payload)
			return err
		}
		var wg sync.WaitGroup
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := &Runner{DB: d, Log: quiet, Handlers: map[string]Handler{"effect": h}}
				for {
					ran, err := r.RunOne(ctx)
					if err != nil {
						t.Error(err)
						return
					}
					if !ran {
						return
					}
				}
			}()
		}
		wg.Wait()
		var total, distinct int
		d.QueryRow(ctx, `SELECT count(*), count(DISTINCT key) FROM effects`).Scan(&total, &distinct)
		if total != n || distinct != n {
			t.Fatalf("%d effects (%d distinct), want %d once each", total, distinct, n)
		}
		var pending int
		d.QueryRow(ctx, `SELECT count(*) FROM jobs WHERE done_at IS NULL`).Scan(&pending)
		if pending != 1 {
			t.Fatalf("%d jobs pending, want only the future one", pending)
		}
	})
}

// A job that fails is retried later; its partial work is rolled back.
func TestFailureRollsBackAndRetries(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		d.Exec(ctx, `CREATE TABLE effects (key TEXT NOT NULL)`)
		enqueue(t, d, "flaky", "f1", time.Now().Add(-time.Second))
		calls := 0
		r := &Runner{DB: d, Log: quiet, MaxAttempts: 2, Handlers: map[string]Handler{"flaky": func(ctx context.Context, tx *db.Tx, j Job) error {
			calls++
			tx.Exec(ctx, `INSERT INTO effects (key) VALUES ('partial')`)
			return errors.New("boom")
		}}}
		if ran, err := r.RunOne(ctx); !ran || err != nil {
			t.Fatalf("RunOne = %v, %v", ran, err)
		}
		var n int
		d.QueryRow(ctx, `SELECT count(*) FROM effects`).Scan(&n)
		if n != 0 {
			t.Fatal("a failed job's work was kept")
		}
		var runAt int64
		var lastErr string
		d.QueryRow(ctx, `SELECT run_at, last_error FROM jobs WHERE key = 'f1'`).Scan(&runAt, &lastErr)
		if runAt <= time.Now().Unix() || lastErr != "boom" {
			t.Fatalf("not backed off: run_at %d, error %q", runAt, lastErr)
		}
		if ran, _ := r.RunOne(ctx); ran {
			t.Fatal("job ran again before its back-off")
		}
		d.Exec(ctx, `UPDATE jobs SET run_at = 0`)
		r.RunOne(ctx)
		var failed any
		d.QueryRow(ctx, `SELECT failed_at FROM jobs WHERE key = 'f1'`).Scan(&failed)
		if calls != 2 || failed == nil {
			t.Fatalf("calls %d, failed_at %v: want given up after 2 attempts", calls, failed)
		}
	})
}

// A node that dies holding a job: after its lease, another node does it.
func TestExpiredLeaseIsTakenOver(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		enqueue(t, d, "k", "j1", time.Now().Add(-time.Second))
		dead := &Runner{DB: d, Log: quiet}
		dead.init()
		if _, ok, err := dead.claim(ctx); !ok || err != nil {
			t.Fatalf("claim: %v %v", ok, err)
		}
		done := 0
		live := &Runner{DB: d, Log: quiet, Handlers: map[string]Handler{"k": func(context.Context, *db.Tx, Job) error { done++; return nil }}}
		if ran, _ := live.RunOne(ctx); ran {
			t.Fatal("took a job whose lease holds")
		}
		d.Exec(ctx, `UPDATE jobs SET locked_until = ?`, time.Now().Add(-time.Second).Unix())
		if ran, err := live.RunOne(ctx); !ran || err != nil || done != 1 {
			t.Fatalf("after the lease: ran %v err %v done %d", ran, err, done)
		}
	})
}

// Outside work runs with no transaction open: it can write through the
// database itself (on SQLite a held transaction would block it for good),
// and its handler's effect commits with the job's completion.
func TestOutsideRunsBeforeTheTransaction(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if _, err := d.Exec(ctx, `CREATE TABLE effects (key TEXT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		enqueue(t, d, "slow", "s1", time.Now().Add(-time.Second))
		outside := func(ctx context.Context, j Job) (Handler, error) {
			if _, err := d.Exec(ctx, `INSERT INTO effects (key) VALUES ('outside')`); err != nil {
				return nil, err
			}
			return func(ctx context.Context, tx *db.Tx, j Job) error {
				_, err := tx.Exec(ctx, `INSERT INTO effects (key) VALUES (?)`, j.Payload)
				return err
			}, nil
		}
		r := &Runner{DB: d, Log: quiet, Outside: map[string]Outside{"slow": outside}}
		if ran, err := r.RunOne(ctx); !ran || err != nil {
			t.Fatalf("ran %v, err %v", ran, err)
		}
		var n, done int
		d.QueryRow(ctx, `SELECT count(*) FROM effects`).Scan(&n)
		d.QueryRow(ctx, `SELECT count(*) FROM jobs WHERE done_at IS NOT NULL`).Scan(&done)
		if n != 2 || done != 1 {
			t.Fatalf("effects %d (want 2), done jobs %d (want 1)", n, done)
		}
	})
}
