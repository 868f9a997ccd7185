package account

import (
	"context"
	"fmt"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// Limiter counts events per key in fixed windows stored in the database,
// so a limit holds across nodes ("comment:addr:…", 5 per minute). Each
// event is one upsert; no node reads and rewrites another's count.
type Limiter struct {
	DB  *db.DB
	Now func() time.Time
}

// Allow counts one event for key and reports whether it is within limit
// events per window; when it is not, it says how long until the window ends.
func (l *Limiter) Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error) {
	now := time.Now()
	if l.Now != nil {
		now = l.Now()
	}
	secs := int64(window / time.Second)
	if secs < 1 {
		secs = 1
	}
	start := now.Unix() / secs * secs
	var n int
	err := l.DB.InTx(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO rate_limits (key, window_start, n) VALUES (?, ?, 1)
			ON CONFLICT (key, window_start) DO UPDATE SET n = rate_limits.n + 1
			RETURNING n`, key, start).Scan(&n)
	})
	if err != nil {
		return false, 0, fmt.Errorf("account: rate limit %s: %w", key, err)
	}
	if n > limit {
		return false, time.Unix(start+secs, 0).Sub(now), nil
	}
	return true, 0, nil
}

// Purge deletes windows that started before before; run it now and then
// with a time older than the longest window in use.
func (l *Limiter) Purge(ctx context.Context, before time.Time) error {
	if _, err := l.DB.Exec(ctx, `DELETE FROM rate_limits WHERE window_start < ?`, before.Unix()); err != nil {
		return fmt.Errorf("account: purge rate limits: %w", err)
	}
	return nil
}
