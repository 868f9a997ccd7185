package views

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/lede-news/lede/internal/db"
)

// Flush writes the buffered counts as deltas, in one transaction, then
// refreshes the totals other nodes may have changed. On failure the counts
// go back into the buffer for the next try.
func (c *Counter) Flush(ctx context.Context) error {
	c.mu.Lock()
	batch, clicks := c.pending, c.clicks
	c.inflight = batch
	c.pending, c.clicks = map[dayArticle]int64{}, map[string]int64{}
	since := c.synced - 2 // totals written by other nodes around the last refresh
	c.mu.Unlock()

	now := c.now().Unix()
	err := c.write(ctx, batch, clicks, now)
	if err != nil {
		c.mu.Lock()
		for k, v := range batch {
			c.pending[k] += v
		}
		for k, v := range clicks {
			c.clicks[k] += v
		}
		c.inflight = nil
		c.mu.Unlock()
		return err
	}
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

func (c *Counter) write(ctx context.Context, batch map[dayArticle]int64, clicks map[string]int64, now int64) error {
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
