package textanalysis

import "sync"

// maxCached bounds each language's cache of stemmed words. News vocabulary
// is Zipfian: a few thousand words make most of any text, so a cache turns
// the stemmer, most of the cost of analysis, into a map lookup, and the
// term strings it returns are shared instead of allocated per word.
const maxCached = 50_000

type stemCache struct {
	mu sync.RWMutex
	m  map[string]string
}

func (c *stemCache) get(w []byte) (string, bool) {
	c.mu.RLock()
	s, ok := c.m[string(w)]
	c.mu.RUnlock()
	return s, ok
}

// put starts over when the cache is full; the words that matter come back
// within a few articles.
func (c *stemCache) put(w []byte, term string) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCached {
		c.m = make(map[string]string, 1024)
	}
	c.m[string(w)] = term
	c.mu.Unlock()
}
