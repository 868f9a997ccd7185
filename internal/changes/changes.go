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

	seen map[int64]int64 // id → at, for rows inside the window
}

// Run polls every interval until ctx ends.
func (p *Poller) Run(ctx context.Context, interval time.Duration) {
	p.seen = map[int64]int64{}
	if _, err := p.poll(ctx, false); err != nil {
		p.Log.Warn("changes: first poll", "err", err)
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := p.poll(ctx, true); err != nil {
				p.Log.Warn("changes: poll", "err", err)
			}
		}
	}
}

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
	if apply && len(tags) > 0 {
		p.Apply(tags)
	}
	return len(tags), nil
}

// Prune deletes rows older than an hour; any node may run it.
func Prune(ctx context.Context, d *db.DB) error {
	_, err := d.Exec(ctx, `DELETE FROM changes WHERE at < ?`, time.Now().Add(-time.Hour).Unix())
	return err
}
