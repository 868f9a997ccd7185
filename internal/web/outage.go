package web

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// dbOutage is the web handler's view of the database: lost at the first
// request that finds it unreachable, back when a ping succeeds. It logs
// each change once, whatever the number of requests meanwhile.
type dbOutage struct {
	once sync.Once
	o    db.Outage
}

func (h *Handler) outage() *db.Outage {
	h.dbo.once.Do(func() { h.dbo.o = db.Outage{Part: "web", Log: h.Log} })
	return &h.dbo.o
}

// dbDown records that a request found the database unreachable. The first
// such request starts a watcher that pings the database every second and
// ends the outage when a ping succeeds.
func (h *Handler) dbDown(err error) {
	if !h.outage().Fail(err) {
		return
	}
	go func() {
		for {
			time.Sleep(time.Second)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			err := h.DB.R.PingContext(ctx)
			cancel()
			if err == nil {
				h.outage().OK()
				return
			}
		}
	}()
}

// stale answers a read the database cannot serve with the cached page for
// its path, past its lifetime if need be; it reports whether there was one.
func (h *Handler) stale(w http.ResponseWriter, r *http.Request) bool {
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) || r.URL.RawQuery != "" {
		return false
	}
	p := h.Cache.Get(r.URL.Path)
	if p == nil {
		return false
	}
	if p.ArticleID != 0 && r.Method == http.MethodGet {
		h.count(r, p.ArticleID)
	}
	p.Write(w, r)
	return true
}

// healthCheck answers load balancers and operators: 200 when the database
// answers within two seconds, 503 with the reason otherwise. A node whose
// database is down still serves the pages it has cached. With ?stats it
// adds the page cache's counters, one "name value" a line.
func (h *Handler) healthCheck(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := h.DB.R.PingContext(ctx); err != nil {
		h.dbDown(err)
		_, since := h.outage().Down()
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "database unavailable since %s (%s): serving cached pages only\n",
			since.UTC().Format(time.TimeOnly+" MST"), time.Since(since).Round(time.Second))
		return
	}
	h.outage().OK()
	w.Write([]byte("ok\n"))
	if r.URL.Query().Has("stats") {
		st := h.Cache.Stats()
		fmt.Fprintf(w, "pages_cached %d\nrenders %d\nrerenders %d\n", st.Pages, st.Renders, st.Rerenders)
	}
}

// readerDeadline bounds the database work of a reader's request that the
// cache could not answer: a database that hangs (frozen, or a network that
// drops packets) gives a 503 page after this long rather than a hung
// request. Shared renders have their own bound, renderTimeout.
const readerDeadline = 5 * time.Second

func withDBDeadline(r *http.Request) (*http.Request, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(r.Context(), readerDeadline)
	return r.WithContext(ctx), cancel
}
