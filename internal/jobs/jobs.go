// Package jobs runs background work once across every node sharing the
// database: scheduled publishing now, newsletter sends and webhook
// deliveries later.
package jobs

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// Job is one claimed unit of work.
type Job struct {
	ID       int64
	Kind     string
	Payload  string
	Attempts int
}

// Handler does a job's work inside tx; the job is marked done in the same
// transaction, so the work and its completion commit together.
type Handler func(ctx context.Context, tx *db.Tx, j Job) error

// Outside does a job's slow work (an HTTP request, an SMTP conversation)
// before any transaction opens, and returns the Handler that records its
// outcome. Holding a transaction across a network call would block every
// writer on SQLite, which has one write connection.
type Outside func(ctx context.Context, j Job) (Handler, error)

// Enqueue adds a job unless one with the same key exists: keys make
// enqueueing idempotent ("publish:12:1764412800").
func Enqueue(ctx context.Context, tx *db.Tx, kind, key, payload string, runAt time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO jobs (kind, key, payload, run_at, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (key) DO NOTHING`, kind, key, payload, runAt.Unix(), time.Now().Unix())
	if err != nil {
		return fmt.Errorf("jobs: enqueue %s: %w", key, err)
	}
	return nil
}

// Runner claims due jobs and runs them.
type Runner struct {
	DB       *db.DB
	Log      *slog.Logger
	Handlers map[string]Handler
	Outside  map[string]Outside // kinds whose work runs outside the transaction
	// Lease is how long a claim holds before another node may take the job
	// over; a job must finish well within it.
	Lease       time.Duration
	MaxAttempts int

	node string
}

func (r *Runner) init() {
	if r.node == "" {
		b := make([]byte, 4)
		rand.Read(b)
		host, _ := os.Hostname()
		r.node = fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	if r.Lease == 0 {
		r.Lease = time.Minute
	}
	if r.MaxAttempts == 0 {
		r.MaxAttempts = 10
	}
}

// Run works through due jobs every interval until ctx ends. While the
// database is away it waits longer between tries (up to 30 s) and logs the
// outage once; a job whose lease ran out meanwhile is taken up again by
// whichever node claims it first.
func (r *Runner) Run(ctx context.Context, interval time.Duration) {
	r.init()
	outage := &db.Outage{Part: "jobs", Log: r.Log}
	failures := 0
	for {
		for {
			ran, err := r.RunOne(ctx)
			if ctx.Err() != nil {
				return
			}
			switch {
			case err == nil:
				outage.OK()
				failures = 0
			case db.Unavailable(err):
				outage.Fail(err)
				failures++
			default:
				r.Log.Warn("jobs: run", "err", err)
			}
			if !ran || failures > 0 {
				break
			}
		}
		wait := interval
		if failures > 0 {
			wait = db.Backoff(interval, 30*time.Second, failures-1)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// RunOne claims one due job and runs it. It reports whether there was one.
func (r *Runner) RunOne(ctx context.Context) (bool, error) {
	r.init()
	j, ok, err := r.claim(ctx)
	if err != nil || !ok {
		return false, err
	}
	h := r.Handlers[j.Kind]
	if o := r.Outside[j.Kind]; o != nil {
		if h, err = o(ctx, j); err != nil {
			return true, r.fail(ctx, j, err)
		}
	}
	if h == nil {
		return true, r.fail(ctx, j, fmt.Errorf("no handler for kind %q", j.Kind))
	}
	err = r.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := h(ctx, tx, j); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE jobs SET done_at = ?, locked_until = NULL WHERE id = ? AND locked_by = ? AND done_at IS NULL`,
			time.Now().Unix(), j.ID, r.node)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errLeaseLost // another node took the job over: undo our work
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, errLeaseLost) {
			return true, nil
		}
		return true, r.fail(ctx, j, err)
	}
	return true, nil
}

var errLeaseLost = errors.New("jobs: lease lost")

func (r *Runner) claim(ctx context.Context) (Job, bool, error) {
	var j Job
	now := time.Now().Unix()
	err := r.DB.InTx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRow(ctx, `SELECT id, kind, payload, attempts FROM jobs
			WHERE done_at IS NULL AND run_at <= ? AND (locked_until IS NULL OR locked_until < ?)
			ORDER BY run_at, id LIMIT 1`+tx.Dialect().SkipLocked(), now, now).Scan(&j.ID, &j.Kind, &j.Payload, &j.Attempts)
		if err != nil {
			return err
		}
		j.Attempts++
		_, err = tx.Exec(ctx, `UPDATE jobs SET locked_until = ?, locked_by = ?, attempts = ? WHERE id = ?`,
			now+int64(r.Lease/time.Second), r.node, j.Attempts, j.ID)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return j, false, nil
	}
	if err != nil {
		return j, false, fmt.Errorf("jobs: claim: %w", err)
	}
	return j, true, nil
}

// fail releases the job for a later try, backing off exponentially, or
// gives up after MaxAttempts.
func (r *Runner) fail(ctx context.Context, j Job, cause error) error {
	r.Log.Warn("jobs: job failed", "id", j.ID, "kind", j.Kind, "attempt", j.Attempts, "err", cause)
	now := time.Now()
	var failedAt any
	if j.Attempts >= r.MaxAttempts {
		failedAt = now.Unix()
	}
	backoff := time.Duration(1<<min(j.Attempts, 12)) * time.Second
	_, err := r.DB.Exec(ctx, `UPDATE jobs SET locked_until = NULL, locked_by = NULL, run_at = ?, last_error = ?,
		failed_at = ?, done_at = ? WHERE id = ? AND locked_by = ?`,
		now.Add(backoff).Unix(), cause.Error(), failedAt, failedAt, j.ID, r.node)
	if err != nil {
		return fmt.Errorf("jobs: release %d: %w", j.ID, err)
	}
	return nil
}
