// Package changes spreads cache invalidations between nodes through the
// database: a write records the tags of the pages it changes, and every node
// polls for new tags. It works the same on SQLite (serve and import in two
// processes) and on PostgreSQL (several nodes).
package changes

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// Record notes, inside the writing transaction, that pages tagged with tags
// changed. Tags look like "article:12", "section:3", "edition:1", "site".
func Record(ctx context.Context, tx *db.Tx, tags ...string) error {
	now := time.Now().Unix()
	for _, t := range tags {
		if _, err := tx.Exec(ctx, `INSERT INTO changes (tag, at) VALUES (?, ?)`, t, now); err != nil {
			return fmt.Errorf("changes: record %s: %w", t, err)
		}
	}
	return nil
}

// window is how far back each poll looks. Rows are read by time rather than
// by id because ids are handed out before commit: a later id can become
// visible before an earlier one.
const window = 30 * time.Second

// Poller calls Apply with the tags recorded since it started.
type Poller struct {
	DB    *db.DB
	Log   *slog.Logger
	Apply func(tags []string)

	seen   map[int64]int64 // id → at, for rows inside the window
	lastOK time.Time       // start of the last successful poll
}

// Run polls every interval until ctx ends. When the database is away it
// waits longer between tries (up to maxBackoff), logs the outage once, and
// on its return reads every change since the last successful poll.
func (p *Poller) Run(ctx context.Context, interval time.Duration) {
	p.seen = map[int64]int64{}
	outage := &db.Outage{Part: "changes", Log: p.Log}
	failures := 0
	note := func(err error) {
		if err == nil {
			outage.OK()
			failures = 0
			return
		}
		failures++
		if db.Unavailable(err) {
			outage.Fail(err)
		} else {
			p.Log.Warn("changes: poll", "err", err)
		}
	}
	_, err := p.poll(ctx, false)
	note(err)
	for {
		wait := interval
		if failures > 0 {
			wait = db.Backoff(interval, maxBackoff, failures-1)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second) // a hung database
		_, err := p.poll(pctx, true)
		cancel()
		if ctx.Err() != nil {
			return
		}
		note(err)
	}
}

// maxBackoff is the longest wait between polls while the database is away.
const maxBackoff = 4 * time.Second

// Poll runs one poll and applies what it finds; for tests.
func (p *Poller) Poll(ctx context.Context) (int, error) {
	if p.seen == nil {
		p.seen = map[int64]int64{}
	}
	return p.poll(ctx, true)
}

func (p *Poller) poll(ctx context.Context, apply bool) (int, error) {
	now := time.Now()
	from := now.Add(-window).Unix()
	resync := false
	if !p.lastOK.IsZero() {
		// After failed polls, look back from the last one that worked.
		from = min(from, p.lastOK.Add(-window).Unix())
		// Past the pruning horizon some changes may be gone: drop everything.
		resync = now.Sub(p.lastOK) > pruneAfter-10*time.Minute
	}
	rows, err := p.DB.Query(ctx, `SELECT id, tag, at FROM changes WHERE at >= ?`, from)
	if err != nil {
		return 0, fmt.Errorf("changes: poll: %w", err)
	}
	defer rows.Close()
	var tags []string
	for rows.Next() {
		var id, at int64
		var tag string
		if err := rows.Scan(&id, &tag, &at); err != nil {
			return 0, fmt.Errorf("changes: poll: %w", err)
		}
		if _, ok := p.seen[id]; ok {
			continue
		}
		p.seen[id] = at
		tags = append(tags, tag)
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for id, at := range p.seen {
		if at < from-10 {
			delete(p.seen, id)
		}
	}
	if resync {
		tags = append(tags, "site")
	}
	p.lastOK = now
	if apply && len(tags) > 0 {
		p.Apply(tags)
	}
	return len(tags), nil
}

// pruneAfter is how long changes are kept.
const pruneAfter = time.Hour

// Prune deletes rows older than pruneAfter; any node may run it.
func Prune(ctx context.Context, d *db.DB) error {
	_, err := d.Exec(ctx, `DELETE FROM changes WHERE at < ?`, time.Now().Add(-pruneAfter).Unix())
	return err
}
