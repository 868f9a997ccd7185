// Package views counts article reads: one per reader per article per day,
// buffered in memory and flushed to the database as deltas twice a second.
package views

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lede-news/lede/internal/db"
)

type seenKey struct {
	article int64
	reader  uint64
}

// Counter is safe for concurrent use. The reader identity is a hash of the
// address and user agent under a random salt that lives only in memory and
// changes every day, so no raw address is stored and yesterday's hashes
// cannot be linked to today's.
type Counter struct {
	db  *db.DB
	log *slog.Logger
	now func() time.Time

	mu       sync.Mutex
	day      string // UTC day of unixDay, as stored
	unixDay  int64
	seen     map[seenKey]struct{}
	pending  map[dayArticle]int64 // not yet sent to the database
	inflight *batch               // being written now
	retry    *batch               // failed: written again, under the same id, before new counts
	node     string               // batch ids: node and sequence
	seq      uint64
	clicks   map[string]int64
	base     map[int64]int64 // totals last read from the database
	synced   int64           // unix time of the last totals refresh
	dropped  int64           // reads not buffered since the last report: buffer full

	version atomic.Uint64 // changes whenever a shown total may have changed

	salt   atomic.Pointer[daySalt]
	saltMu sync.Mutex
}

// MaxPending bounds the buffer of counts not yet written: distinct
// (day, article) pairs, and distinct short links clicked. It only fills when
// the database stays away long enough for that many articles to be read;
// reads past it are not counted, and the loss is logged.
const MaxPending = 1 << 17

type dayArticle struct {
	day     string
	article int64
}

// New returns a counter over d. Call Load before serving and Run to flush.
func New(d *db.DB, log *slog.Logger) *Counter {
	var node [8]byte
	rand.Read(node[:])
	return &Counter{db: d, log: log, now: time.Now, node: hex.EncodeToString(node[:]),
		seen: map[seenKey]struct{}{}, pending: map[dayArticle]int64{}, clicks: map[string]int64{}, base: map[int64]int64{}}
}

// Count records a read of article by the reader with this address and user
// agent, unless that reader was already seen on it today. skip, called only
// for a reader not yet seen (the costly check stays off the path of repeat
// requests), tells robots and prefetches apart: they are remembered but not
// counted. It reports whether the view counted.
func (c *Counter) Count(article int64, addr, userAgent string, skip func() bool) bool {
	ds := c.today()
	// Hash outside the lock: it is the costly part, and needs only the salt.
	k := seenKey{article, reader(&ds.salt, addr, userAgent)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if ds.unixDay != c.unixDay {
		c.unixDay, c.day = ds.unixDay, ds.day
		clear(c.seen)
	}
	if _, ok := c.seen[k]; ok {
		return false
	}
	c.seen[k] = struct{}{}
	if skip != nil && skip() {
		return false
	}
	k2 := dayArticle{c.day, article}
	if _, ok := c.pending[k2]; !ok && len(c.pending) >= MaxPending {
		c.dropped++ // the database has been away long enough to fill the buffer
		return false
	}
	c.pending[k2]++
	c.version.Add(1)
	return true
}

// daySalt is the current day's salt; a new one is drawn at midnight UTC.
type daySalt struct {
	unixDay int64
	day     string
	salt    [32]byte
}

func (c *Counter) today() *daySalt {
	unixDay := c.now().Unix() / 86400
	if ds := c.salt.Load(); ds != nil && ds.unixDay == unixDay {
		return ds
	}
	c.saltMu.Lock()
	defer c.saltMu.Unlock()
	if ds := c.salt.Load(); ds != nil && ds.unixDay == unixDay {
		return ds
	}
	ds := &daySalt{unixDay: unixDay, day: time.Unix(unixDay*86400, 0).UTC().Format(time.DateOnly)}
	rand.Read(ds.salt[:])
	c.salt.Store(ds)
	return ds
}

func reader(salt *[32]byte, addr, ua string) uint64 {
	h := sha256.New()
	h.Write(salt[:])
	h.Write([]byte(addr))
	h.Write([]byte{0})
	h.Write([]byte(ua))
	var sum [sha256.Size]byte
	return binary.LittleEndian.Uint64(h.Sum(sum[:0]))
}

// Click records a visit through a short link.
func (c *Counter) Click(code string) {
	c.mu.Lock()
	if _, ok := c.clicks[code]; ok || len(c.clicks) < MaxPending {
		c.clicks[code]++
	} else {
		c.dropped++
	}
	c.mu.Unlock()
}

// Total is the article's count as readers should see it: the database's
// total plus what this node has not written yet.
func (c *Counter) Total(article int64) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.base[article]
	for k, v := range c.pending {
		if k.article == article {
			n += v
		}
	}
	for _, b := range []*batch{c.inflight, c.retry} {
		if b == nil {
			continue
		}
		for k, v := range b.views {
			if k.article == article {
				n += v
			}
		}
	}
	return n
}

// Version changes whenever a total may have changed; a page cache compares
// it to decide whether a rendered count may be out of date.
func (c *Counter) Version() uint64 { return c.version.Load() }

// Load reads every total from the database.
func (c *Counter) Load(ctx context.Context) error {
	totals, err := c.readTotals(ctx, 0)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.base = totals
	c.synced = c.now().Unix()
	c.mu.Unlock()
	c.version.Add(1)
	return nil
}

// Run flushes every interval until ctx ends, then flushes once more. While
// the database is unreachable the counts stay buffered (see MaxPending) and
// every flush tries again; the outage is logged when it starts and ends.
func (c *Counter) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	outage := &db.Outage{Part: "views", Log: c.log}
	prune := time.NewTicker(10 * time.Minute)
	defer prune.Stop()
	for {
		select {
		case <-prune.C:
			if err := c.pruneBatches(ctx); err != nil && !db.Unavailable(err) {
				c.log.Warn("views: prune batch ids", "err", err)
			}
		case <-ctx.Done():
			if err := c.Flush(context.WithoutCancel(ctx)); err != nil {
				c.log.Error("views: final flush", "err", err)
			}
			return
		case <-t.C:
			fctx, cancel := context.WithTimeout(ctx, 10*time.Second) // a hung database
			err := c.Flush(fctx)
			cancel()
			switch {
			case err == nil:
				outage.OK()
			case db.Unavailable(err):
				outage.Fail(err)
			default:
				c.log.Warn("views: flush failed, keeping counts for the next try", "err", err)
			}
			if err != nil {
				continue
			}
			c.mu.Lock()
			dropped := c.dropped
			c.dropped = 0
			c.mu.Unlock()
			if dropped > 0 { // reported once the buffer could be written
				c.log.Warn("views: buffer full, reads not counted", "reads", dropped, "max_pending", MaxPending)
			}
		}
	}
}
