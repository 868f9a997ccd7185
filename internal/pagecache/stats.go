package pagecache

// Stats are counters since the cache was made, for operators and
// benchmarks (/healthz?stats=1).
type Stats struct {
	Pages     int    // pages held now
	Renders   uint64 // renders of misses, failed ones included (concurrent misses for one key share one)
	Rerenders uint64 // pages rendered again: a newer view count, a list past its lifetime
}

// Stats returns the cache's counters.
func (c *Cache) Stats() Stats {
	return Stats{Pages: c.Len(), Renders: c.renders.Load(), Rerenders: c.rerenders.Load()}
}
