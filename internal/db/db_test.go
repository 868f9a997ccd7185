package db_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

func TestRebind(t *testing.T) {
	got := db.Postgres.Rebind(`SELECT '?', "a?" FROM t WHERE a = ? AND b IN (?, ?)`)
	want := `SELECT '?', "a?" FROM t WHERE a = $1 AND b IN ($2, $3)`
	if got != want {
		t.Fatalf("Rebind = %q, want %q", got, want)
	}
	if q := "SELECT ?"; db.SQLite.Rebind(q) != q {
		t.Fatal("SQLite must not rebind")
	}
}

func TestMigrate(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.CheckSchema(ctx); err != nil {
			t.Fatalf("CheckSchema after migrate: %v", err)
		}
		applied, err := d.Migrate(ctx)
		if err != nil || len(applied) != 0 {
			t.Fatalf("second Migrate applied %v, err %v; want nothing", applied, err)
		}
		if _, err := d.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", 9999, "future", 0); err != nil {
			t.Fatal(err)
		}
		if err := d.CheckSchema(ctx); !errors.Is(err, db.ErrSchemaTooNew) {
			t.Fatalf("CheckSchema on newer schema = %v, want ErrSchemaTooNew", err)
		}
		if _, err := d.Migrate(ctx); !errors.Is(err, db.ErrSchemaTooNew) {
			t.Fatalf("Migrate on newer schema = %v, want ErrSchemaTooNew", err)
		}
	})
}

// Two nodes starting at once against an empty database migrate it once.
func TestMigrateConcurrent(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		dsn := pgDSN(t)
		ctx := context.Background()
		var wg sync.WaitGroup
		results := make([][]string, 3)
		errs := make([]error, 3)
		for i := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d, err := db.Open(ctx, dsn)
				if err != nil {
					errs[i] = err
					return
				}
				defer d.Close()
				results[i], errs[i] = d.Migrate(ctx)
			}()
		}
		wg.Wait()
		total := 0
		for i := range 3 {
			if errs[i] != nil {
				t.Fatalf("node %d: %v", i, errs[i])
			}
			total += len(results[i])
		}
		d, _ := db.Open(ctx, dsn)
		defer d.Close()
		var n, top int
		d.QueryRow(ctx, "SELECT count(*), max(version) FROM schema_migrations").Scan(&n, &top)
		if total != n || top != d.LatestVersion() {
			t.Fatalf("applied %d in all, %d recorded up to version %d; want each once, up to %d", total, n, top, d.LatestVersion())
		}
	})
}

// A deleted row's id is never handed out again: a reader who deletes their
// account must not pass their bans or likes to the next one to sign up.
func TestIDsNotReused(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		insert := func(email string) int64 {
			var id int64
			err := d.InTx(ctx, func(tx *db.Tx) error {
				var err error
				id, err = tx.InsertID(ctx, `INSERT INTO readers (email, name, created_at) VALUES (?, 'x', 0)`, email)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		first := insert("a@example.org")
		if _, err := d.Exec(ctx, `DELETE FROM readers WHERE id = ?`, first); err != nil {
			t.Fatal(err)
		}
		if next := insert("b@example.org"); next == first {
			t.Fatalf("id %d handed out again after a delete", next)
		}
	})
}
