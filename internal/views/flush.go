package views

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// batch is one flush's counts, under an id that makes writing it twice
// harmless.
type batch struct {
	id     string
	at     int64
	views  map[dayArticle]int64
	clicks map[string]int64
}

// Flush writes the buffered counts as deltas, in one transaction, then
// refreshes the totals other nodes may have changed. A batch that failed is
// written again first, under the same id: when the error came after the
// COMMIT had gone through (the connection dropped at that moment), the id is
// already recorded and the batch is not counted twice.
func (c *Counter) Flush(ctx context.Context) error {
	c.mu.Lock()
	b := c.retry
	retried := b != nil
	if b == nil {
		c.seq++
		b = &batch{id: fmt.Sprintf("%s-%d", c.node, c.seq), at: c.now().Unix(), views: c.pending, clicks: c.clicks}
		c.pending, c.clicks = map[dayArticle]int64{}, map[string]int64{}
	}
	c.inflight, c.retry = b, nil
	since := c.synced - 2 // totals written by other nodes around the last refresh
	c.mu.Unlock()

	now := c.now().Unix()
	err := c.write(ctx, b, now)
	if err != nil {
		c.mu.Lock()
		c.retry, c.inflight = b, nil
		c.mu.Unlock()
		return err
	}
	if retried { // then the counts gathered meanwhile
		c.mu.Lock()
		c.inflight = nil
		for k, v := range b.views {
			c.base[k.article] += v
		}
		c.mu.Unlock()
		return c.Flush(ctx)
	}
	batch := b.views
	totals, err := c.readTotals(ctx, since)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		// The batch is in the database but the new totals are not known: keep
		// showing it from inflight until a refresh succeeds.
		for k, v := range batch {
			c.base[k.article] += v
		}
		c.inflight = nil
		return err
	}
	changed := len(batch) > 0
	for id, n := range totals {
		if c.base[id] != n {
			changed = true
		}
	}
	maps.Copy(c.base, totals)
	c.inflight = nil
	c.synced = now
	if changed {
		c.version.Add(1)
	}
	return nil
}

func (c *Counter) write(ctx context.Context, b *batch, now int64) error {
	batch, clicks := b.views, b.clicks
	if len(batch) == 0 && len(clicks) == 0 {
		return nil
	}
	// Rows are written in key order: nodes flushing the same rows at the
	// same time then take their locks in the same order, and cannot
	// deadlock (map order would make them, under a breaking story).
	keys := slices.SortedFunc(maps.Keys(batch), func(a, b dayArticle) int {
		return cmp.Or(cmp.Compare(a.article, b.article), strings.Compare(a.day, b.day))
	})
	perArticle := map[int64]int64{}
	for k, n := range batch {
		perArticle[k.article] += n
	}
	err := c.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `INSERT INTO view_batches (id, at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`, b.id, b.at)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // written already, by the try whose answer was lost
		}
		for _, k := range keys {
			if _, err := tx.Exec(ctx, `INSERT INTO views_daily (article_id, day, n) VALUES (?, ?, ?)
				ON CONFLICT (article_id, day) DO UPDATE SET n = views_daily.n + excluded.n`, k.article, k.day, batch[k]); err != nil {
				return err
			}
		}
		for _, id := range slices.Sorted(maps.Keys(perArticle)) {
			if _, err := tx.Exec(ctx, `INSERT INTO view_totals (article_id, n, updated_at) VALUES (?, ?, ?)
				ON CONFLICT (article_id) DO UPDATE SET n = view_totals.n + excluded.n, updated_at = excluded.updated_at`,
				id, perArticle[id], now); err != nil {
				return err
			}
		}
		for _, code := range slices.Sorted(maps.Keys(clicks)) {
			if _, err := tx.Exec(ctx, `INSERT INTO shortlink_clicks (code, n) VALUES (?, ?)
				ON CONFLICT (code) DO UPDATE SET n = shortlink_clicks.n + excluded.n`, code, clicks[code]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("views: flush: %w", err)
	}
	return nil
}

func (c *Counter) readTotals(ctx context.Context, since int64) (map[int64]int64, error) {
	rows, err := c.db.Query(ctx, `SELECT article_id, n FROM view_totals WHERE updated_at >= ?`, since)
	if err != nil {
		return nil, fmt.Errorf("views: read totals: %w", err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var id, n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("views: read totals: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}

// batchesKept is how long batch ids are kept: far longer than any retry.
const batchesKept = 6 * time.Hour

// pruneBatches deletes old batch ids; any node may run it.
func (c *Counter) pruneBatches(ctx context.Context) error {
	_, err := c.db.Exec(ctx, `DELETE FROM view_batches WHERE at < ?`, c.now().Add(-batchesKept).Unix())
	return err
}
