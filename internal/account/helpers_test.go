package account

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// cheap keeps argon2 fast in tests; the format and checks are the same.
var cheap = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// clock is a settable time shared by the stores of a test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// node opens a second pool on d's database, as another `lede serve` would.
func node(t *testing.T, d *db.DB) *db.DB {
	t.Helper()
	n, err := db.Open(context.Background(), d.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

func mustCreate(t *testing.T, s *Store, email string, role Role) User {
	t.Helper()
	u, err := s.Create(context.Background(), NewUser{Email: email, Role: role, Password: "correct horse"})
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return u
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("err = %v, want %v", err, target)
	}
}
