// Package db opens the SQLite or PostgreSQL database, applies migrations and
// hides the few differences between the two engines.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

// ErrNotFound is returned by stores when a row does not exist.
var ErrNotFound = errors.New("not found")

// DB is a pair of pools: W for writes and R for reads. On SQLite W holds a
// single connection (SQLite has one writer) and R several read-only ones; on
// PostgreSQL both are the same pool.
type DB struct {
	W, R    *sql.DB
	Dialect Dialect
	DSN     string

	rebound sync.Map // query → rebound query
}

// Open connects to dsn: a postgres:// or postgresql:// URL, or a path to a
// SQLite file (created, with its folder, when missing).
func Open(ctx context.Context, dsn string) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		p, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("db: open postgres: %w", err)
		}
		p.SetMaxOpenConns(20)
		p.SetMaxIdleConns(10)
		d := &DB{W: p, R: p, Dialect: Postgres, DSN: dsn}
		if err := p.PingContext(ctx); err != nil {
			p.Close()
			return nil, fmt.Errorf("db: connect postgres: %w", err)
		}
		return d, nil
	}
	path := strings.TrimPrefix(dsn, "sqlite:")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("db: data folder: %w", err)
	}
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	w, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("db: open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("db: open sqlite reader: %w", err)
	}
	r.SetMaxOpenConns(8)
	return &DB{W: w, R: r, Dialect: SQLite, DSN: path}, nil
}

// Close closes both pools.
func (d *DB) Close() error {
	err := d.W.Close()
	if d.R != d.W {
		err = errors.Join(err, d.R.Close())
	}
	return err
}

func (d *DB) q(query string) string {
	if d.Dialect != Postgres {
		return query
	}
	if v, ok := d.rebound.Load(query); ok {
		return v.(string)
	}
	r := d.Dialect.Rebind(query)
	d.rebound.Store(query, r)
	return r
}

// Exec runs a write on the writer pool.
func (d *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return d.W.ExecContext(ctx, d.q(query), args...)
}

// Query reads from the reader pool.
func (d *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return d.R.QueryContext(ctx, d.q(query), args...)
}

// QueryRow reads one row from the reader pool.
func (d *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return d.R.QueryRowContext(ctx, d.q(query), args...)
}

// Tx is a write transaction whose queries use ? placeholders.
type Tx struct {
	tx *sql.Tx
	d  *DB
}

func (t *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.d.q(query), args...)
}

func (t *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.d.q(query), args...)
}

func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.d.q(query), args...)
}

// Dialect reports the engine, for the rare caller that builds SQL.
func (t *Tx) Dialect() Dialect { return t.d.Dialect }

// InTx runs fn in a write transaction, committing when it returns nil.
func (d *DB) InTx(ctx context.Context, fn func(*Tx) error) error {
	tx, err := d.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	if err := fn(&Tx{tx: tx, d: d}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	return nil
}

// Querier is what both *DB and *Tx offer, for store functions that run
// inside or outside a transaction.
type Querier interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
}

// InsertID runs an INSERT … RETURNING id in tx and returns the id.
func (t *Tx) InsertID(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := t.QueryRow(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, err
}

// NotFound maps sql.ErrNoRows to ErrNotFound and leaves other errors alone.
func NotFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
