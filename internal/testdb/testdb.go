// Package testdb gives tests a freshly migrated database: a SQLite file in
// the test's temp folder, and a uniquely named PostgreSQL database when
// LEDE_TEST_POSTGRES holds a DSN (then that run is mandatory: an error fails
// the test instead of skipping it).
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/lede-news/lede/internal/db"
)

// EnvPostgres names the variable holding the PostgreSQL server's DSN.
const EnvPostgres = "LEDE_TEST_POSTGRES"

// Each runs fn once per available engine, as subtests "sqlite" and "postgres".
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv(EnvPostgres) == "" {
			t.Skip(EnvPostgres + " not set")
		}
		fn(t, Postgres(t))
	})
}

// SQLite returns a migrated database in a file under t.TempDir().
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), filepath.Join(t.TempDir(), "lede.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}

// PostgresDSN creates an empty database on the server named by
// LEDE_TEST_POSTGRES, dropped when the test ends, and returns its DSN.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Fatal(EnvPostgres + " not set")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "lede_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatalf("testdb: create database on %s: %v", base, err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// Postgres returns a migrated, freshly created PostgreSQL database.
func Postgres(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), PostgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}
