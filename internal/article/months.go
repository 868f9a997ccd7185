package article

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// Month is a calendar month (UTC) that holds published articles, with the
// latest publication or update in it.
type Month struct {
	Start   time.Time
	LastMod time.Time
}

// Months lists, per edition, the months holding published articles, newest
// first: the sitemap index names only months that have something in them.
// The database groups by day (portable arithmetic on Unix seconds); Go folds
// days into months.
func (s *Store) Months(ctx context.Context) (map[int64][]Month, error) {
	rows, err := s.DB.Query(ctx, `SELECT edition_id, published_at / 86400, max(COALESCE(updated_at, published_at)), max(published_at)
		FROM articles WHERE status = 'published' GROUP BY edition_id, published_at / 86400`)
	if err != nil {
		return nil, fmt.Errorf("article: months: %w", err)
	}
	defer rows.Close()
	byEd := map[int64]map[time.Time]time.Time{}
	for rows.Next() {
		var ed, day, upd, pub int64
		if err := rows.Scan(&ed, &day, &upd, &pub); err != nil {
			return nil, fmt.Errorf("article: months: %w", err)
		}
		d := time.Unix(day*86400, 0).UTC()
		m := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
		mod := time.Unix(max(upd, pub), 0).UTC()
		if byEd[ed] == nil {
			byEd[ed] = map[time.Time]time.Time{}
		}
		if mod.After(byEd[ed][m]) {
			byEd[ed][m] = mod
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("article: months: %w", err)
	}
	out := map[int64][]Month{}
	for ed, ms := range byEd {
		for start, mod := range ms {
			out[ed] = append(out[ed], Month{Start: start, LastMod: mod})
		}
		sort.Slice(out[ed], func(i, j int) bool { return out[ed][i].Start.After(out[ed][j].Start) })
	}
	return out, nil
}
