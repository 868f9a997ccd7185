package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// ErrSchemaTooNew means the database was migrated by a newer Lede.
var ErrSchemaTooNew = errors.New("database schema is newer than this binary knows; upgrade lede")

// ErrSchemaOld means migrations are pending.
var ErrSchemaOld = errors.New("database schema is older than this binary; run lede migrate")

type migration struct {
	version int
	name    string
	sql     string
}

// migrations lists the embedded files for dialect d in order. A file named
// 0002_x.sql applies to both engines; 0002_x.sqlite.sql or 0002_x.postgres.sql
// to one.
func migrations(d Dialect) ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		base := strings.TrimSuffix(name, ".sql")
		if i := strings.LastIndexByte(base, '.'); i >= 0 {
			if base[i+1:] != d.String() {
				continue
			}
			base = base[:i]
		}
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("db: migration %s: name must start with a number and _", name)
		}
		b, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, sql: d.ddl(string(b))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("db: two migrations numbered %d", out[i].version)
		}
	}
	return out, nil
}

// LatestVersion is the newest migration this binary carries.
func (d *DB) LatestVersion() int {
	ms, err := migrations(d.Dialect)
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

const migrationLockKey = 7246001

// Migrate applies pending migrations, each in its own transaction, and
// returns the names it applied. Several processes may call it at once: on
// PostgreSQL an advisory lock serialises them, on SQLite the immediate
// write transaction does.
func (d *DB) Migrate(ctx context.Context) ([]string, error) {
	ms, err := migrations(d.Dialect)
	if err != nil {
		return nil, err
	}
	conn, err := d.W.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("db: migrate: %w", err)
	}
	defer conn.Close()
	if d.Dialect == Postgres {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockKey); err != nil {
			return nil, fmt.Errorf("db: migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockKey)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("db: create schema_migrations: %w", err)
	}
	if v, err := d.version(ctx, conn); err != nil {
		return nil, err
	} else if len(ms) > 0 && v > ms[len(ms)-1].version {
		return nil, ErrSchemaTooNew
	}
	var applied []string
	for _, m := range ms {
		done, err := d.apply(ctx, conn, m)
		if err != nil {
			return applied, err
		}
		if done {
			applied = append(applied, m.name)
		}
	}
	return applied, nil
}

func (d *DB) apply(ctx context.Context, conn *sql.Conn, m migration) (bool, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("db: migration %s: %w", m.name, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, d.q("SELECT count(*) FROM schema_migrations WHERE version = ?"), m.version).Scan(&n); err != nil {
		return false, fmt.Errorf("db: migration %s: %w", m.name, err)
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return false, fmt.Errorf("db: migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, d.q("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
		m.version, m.name, time.Now().Unix()); err != nil {
		return false, fmt.Errorf("db: migration %s: %w", m.name, err)
	}
	return true, tx.Commit()
}

type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (d *DB) version(ctx context.Context, q rowQuerier) (int, error) {
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, "SELECT max(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("db: schema version: %w", err)
	}
	return int(v.Int64), nil
}

// CheckSchema reports ErrSchemaTooNew or ErrSchemaOld when the database does
// not match this binary's migrations, including one skipped below the
// newest applied.
func (d *DB) CheckSchema(ctx context.Context) error {
	v, err := d.version(ctx, d.R)
	if err != nil {
		return err
	}
	latest := d.LatestVersion()
	if v > latest {
		return fmt.Errorf("%w (database %d, binary %d)", ErrSchemaTooNew, v, latest)
	}
	ms, err := migrations(d.Dialect)
	if err != nil {
		return err
	}
	var applied int
	if err := d.R.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&applied); err != nil {
		return fmt.Errorf("db: schema version: %w", err)
	}
	if applied < len(ms) {
		return fmt.Errorf("%w (%d of %d migrations applied)", ErrSchemaOld, applied, len(ms))
	}
	return nil
}
