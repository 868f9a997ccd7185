package db

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestUnavailable(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{sql.ErrNoRows, false},
		{fmt.Errorf("article: %w", &pgconn.PgError{Code: "23505"}), false}, // unique violation
		{fmt.Errorf("article: %w", &pgconn.PgError{Code: "42P01"}), false}, // undefined table
		{fmt.Errorf("x: %w", &pgconn.PgError{Code: "57P01"}), true},        // terminated by the administrator
		{&pgconn.PgError{Code: "57P03"}, true},                             // starting up
		{&pgconn.PgError{Code: "08006"}, true},                             // connection failure
		{&pgconn.PgError{Code: "53300"}, true},                             // too many connections
		{fmt.Errorf("q: %w", context.DeadlineExceeded), true},
		{fmt.Errorf("q: %w", sql.ErrConnDone), true},
		{fmt.Errorf("q: %w", pgconn.ErrConnClosed), true},
		{errors.New("syntax error"), false},
	} {
		if got := Unavailable(c.err); got != c.want {
			t.Errorf("Unavailable(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// An outage is logged once when it starts and once when it ends.
func TestOutageLogsOnce(t *testing.T) {
	var buf bytes.Buffer
	o := &Outage{Part: "views", Log: slog.New(slog.NewTextHandler(&buf, nil))}
	o.OK()
	for range 50 {
		o.Fail(errors.New("connection refused"))
	}
	if down, since := o.Down(); !down || since.IsZero() {
		t.Fatal("not down after failures")
	}
	for range 3 {
		o.OK()
	}
	if down, _ := o.Down(); down {
		t.Fatal("still down after a success")
	}
	log := buf.String()
	if strings.Count(log, "database unavailable") != 1 || strings.Count(log, "database back") != 1 || !strings.Contains(log, "failures=50") {
		t.Fatalf("log:\n%s", log)
	}
}

func TestBackoff(t *testing.T) {
	for _, c := range []struct {
		n    int
		want time.Duration
	}{{0, time.Second}, {1, 2 * time.Second}, {3, 8 * time.Second}, {10, 30 * time.Second}, {1000, 30 * time.Second}} {
		if got := Backoff(time.Second, 30*time.Second, c.n); got != c.want {
			t.Errorf("Backoff(1s, 30s, %d) = %s, want %s", c.n, got, c.want)
		}
	}
}
