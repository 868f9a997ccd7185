package account

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// ErrThrottled matches every *ThrottledError.
var ErrThrottled = errors.New("account: too many failed attempts")

// ThrottledError refuses an attempt until RetryAfter has passed.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("account: too many failed attempts; try again in %s", e.RetryAfter.Round(time.Second))
}

func (e *ThrottledError) Is(target error) bool { return target == ErrThrottled }

// Key names what failures are counted against, and how many are free
// before the back-off starts.
type Key struct {
	Name string
	Free int
}

// EmailKey counts failures against an account, known or not (so locking
// does not reveal which addresses exist).
func EmailKey(email string) Key { return Key{Name: "email:" + NormalizeEmail(email), Free: 5} }

// AddrKey counts failures from a client address. It allows more failures
// than EmailKey because offices and mobile networks put many people behind
// one address; IPv6 addresses count per /64, the block one client holds.
func AddrKey(addr string) Key {
	if ip, err := netip.ParseAddr(addr); err == nil && ip.Is6() && !ip.Is4In6() {
		p, _ := ip.Prefix(64)
		addr = p.String()
	}
	return Key{Name: "addr:" + addr, Free: 20}
}

// TOTPKey counts wrong second-factor codes for a user.
func TOTPKey(userID int64) Key { return Key{Name: "totp:" + strconv.FormatInt(userID, 10), Free: 5} }

// Throttle records failed attempts in the database, so every node refuses
// alike. Failures are remembered until Window has passed without one (and
// without a lock); past a key's Free failures each further one locks the
// key for Base, doubling up to Cap.
type Throttle struct {
	DB                *db.DB
	Now               func() time.Time
	Window, Base, Cap time.Duration // default 15 min, 1 min, 1 h
}

func (t *Throttle) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

func (t *Throttle) settings() (window, base, limit time.Duration) {
	window, base, limit = t.Window, t.Base, t.Cap
	if window == 0 {
		window = 15 * time.Minute
	}
	if base == 0 {
		base = time.Minute
	}
	if limit == 0 {
		limit = time.Hour
	}
	return window, base, limit
}

// Check returns a *ThrottledError when any key is locked.
func (t *Throttle) Check(ctx context.Context, keys ...Key) error {
	if len(keys) == 0 {
		return nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k.Name
	}
	var until int64
	err := t.DB.QueryRow(ctx, `SELECT COALESCE(max(locked_until), 0) FROM signin_failures WHERE key IN (`+db.Placeholders(len(keys))+`)`, args...).Scan(&until)
	if err != nil {
		return fmt.Errorf("account: throttle check: %w", err)
	}
	if wait := time.Unix(until, 0).Sub(t.now()); wait > 0 {
		return &ThrottledError{RetryAfter: wait}
	}
	return nil
}

// Fail records one failure against each key and locks those past their
// free failures.
func (t *Throttle) Fail(ctx context.Context, keys ...Key) error {
	window, base, limit := t.settings()
	now := t.now()
	quiet := now.Add(-window).Unix()
	return t.DB.InTx(ctx, func(tx *db.Tx) error {
		for _, k := range keys {
			var n int
			err := tx.QueryRow(ctx, `INSERT INTO signin_failures (key, failures, last_at) VALUES (?, 1, ?)
				ON CONFLICT (key) DO UPDATE SET
					failures = CASE WHEN signin_failures.last_at <= ? AND signin_failures.locked_until <= ?
						THEN 1 ELSE signin_failures.failures + 1 END,
					last_at = excluded.last_at
				RETURNING failures`, k.Name, now.Unix(), quiet, quiet).Scan(&n)
			if err != nil {
				return fmt.Errorf("account: record failure %s: %w", k.Name, err)
			}
			if over := n - k.Free; over >= 0 {
				lock := base << min(over, 30)
				if lock > limit || lock <= 0 {
					lock = limit
				}
				if _, err := tx.Exec(ctx, `UPDATE signin_failures SET locked_until = ? WHERE key = ?`, now.Add(lock).Unix(), k.Name); err != nil {
					return fmt.Errorf("account: lock %s: %w", k.Name, err)
				}
			}
		}
		return nil
	})
}

// Clear forgets the failures of keys, after a success.
func (t *Throttle) Clear(ctx context.Context, keys ...Key) error {
	for _, k := range keys {
		if _, err := t.DB.Exec(ctx, `DELETE FROM signin_failures WHERE key = ?`, k.Name); err != nil {
			return fmt.Errorf("account: clear failures %s: %w", k.Name, err)
		}
	}
	return nil
}

// Purge deletes failures nobody is locked by and that are past their window.
func (t *Throttle) Purge(ctx context.Context) error {
	window, _, _ := t.settings()
	quiet := t.now().Add(-window).Unix()
	if _, err := t.DB.Exec(ctx, `DELETE FROM signin_failures WHERE last_at <= ? AND locked_until <= ?`, quiet, quiet); err != nil {
		return fmt.Errorf("account: purge failures: %w", err)
	}
	return nil
}
