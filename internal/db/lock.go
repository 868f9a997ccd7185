package db

import (
	"context"
	"fmt"
	"hash/fnv"
	"os"
	"syscall"
)

// Exclusive runs fn while holding a lock named name that every process on
// this database honours: a PostgreSQL advisory lock, or on SQLite an
// exclusive lock on a file beside the database. Use it for one-off work
// that several nodes starting together must not all do (demo content).
func (d *DB) Exclusive(ctx context.Context, name string, fn func() error) error {
	if d.Dialect == Postgres {
		h := fnv.New64a()
		h.Write([]byte(name))
		key := int64(h.Sum64() >> 1)
		conn, err := d.W.Conn(ctx)
		if err != nil {
			return fmt.Errorf("db: lock %s: %w", name, err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
			return fmt.Errorf("db: lock %s: %w", name, err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key)
		return fn()
	}
	f, err := os.OpenFile(d.DSN+"."+name+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("db: lock %s: %w", name, err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("db: lock %s: %w", name, err)
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return fn()
}
