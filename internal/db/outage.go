package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Unavailable reports errors that mean the database cannot be reached or
// cannot take work now (down, restarting, shutting down, out of
// connections), as opposed to errors in a query or in the data: the same
// request may succeed once the database is back.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "57P01", "57P02", "57P03", // terminated by the administrator, crash shutdown, cannot connect now
			"53300": // too many connections
			return true
		}
		return strings.HasPrefix(pe.Code, "08") // connection exception
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || pgconn.Timeout(err) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, context.DeadlineExceeded)
}

// Outage tracks whether one part of a node (the web handler, the views
// flusher, …) has lost the database, so that it logs the loss once when it
// starts and once when it ends rather than once per request or per retry.
// The zero value is ready with Part and Log set; it is safe for concurrent
// use, and its Down method costs one atomic load.
type Outage struct {
	Part string
	Log  *slog.Logger

	down     atomic.Bool
	mu       sync.Mutex
	since    time.Time
	failures int
}

// Fail records a failure; it reports whether it started an outage (the
// first failure after a success), which is the one it logs.
func (o *Outage) Fail(err error) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.failures++
	if o.down.Load() {
		return false
	}
	o.down.Store(true)
	o.since = time.Now()
	o.failures = 1
	o.Log.Warn("database unavailable", "part", o.Part, "err", err)
	return true
}

// OK records a success; after an outage it logs how long it lasted.
func (o *Outage) OK() {
	if !o.down.Load() {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.down.Load() {
		return
	}
	o.down.Store(false)
	o.Log.Info("database back", "part", o.Part, "after", time.Since(o.since).Round(time.Millisecond), "failures", o.failures)
}

// Down reports whether the part is in an outage, and since when.
func (o *Outage) Down() (bool, time.Time) {
	if !o.down.Load() {
		return false, time.Time{}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.down.Load(), o.since
}

// Backoff is the wait before the next try after n consecutive failures:
// interval doubled each time, at most max.
func Backoff(interval, max time.Duration, n int) time.Duration {
	d := interval
	for range min(n, 16) {
		d *= 2
		if d >= max {
			return max
		}
	}
	return d
}
