package pagecache

import (
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// Cache maps a request key (path and the query parameters the page uses) to
// its prepared page, with an index from invalidation tags to keys.
type Cache struct {
	max int

	mu    sync.RWMutex
	pages map[string]*Page
	byTag map[string]map[string]struct{}
	gen   uint64 // bumped by every invalidation

	flight     singleflight.Group
	refreshing sync.Map // key → struct{}: a background re-render is under way

	renders, rerenders atomic.Uint64 // stats.go
}

// New returns a cache holding at most max pages.
func New(max int) *Cache {
	return &Cache{max: max, pages: map[string]*Page{}, byTag: map[string]map[string]struct{}{}}
}

// Get returns the cached page for key, or nil.
func (c *Cache) Get(key string) *Page {
	c.mu.RLock()
	p := c.pages[key]
	c.mu.RUnlock()
	return p
}

// Len is the number of cached pages.
func (c *Cache) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.pages)
}

// put stores p unless an invalidation happened since gen was read: a page
// rendered from data that changed meanwhile must not be kept.
func (c *Cache) put(key string, p *Page, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if old, ok := c.pages[key]; ok {
		c.untag(key, old)
	} else if len(c.pages) >= c.max {
		for k, v := range c.pages { // evict an arbitrary page
			c.untag(k, v)
			delete(c.pages, k)
			break
		}
	}
	c.pages[key] = p
	for _, t := range p.Tags {
		m := c.byTag[t]
		if m == nil {
			m = map[string]struct{}{}
			c.byTag[t] = m
		}
		m[key] = struct{}{}
	}
}

func (c *Cache) untag(key string, p *Page) {
	for _, t := range p.Tags {
		if m := c.byTag[t]; m != nil {
			delete(m, key)
			if len(m) == 0 {
				delete(c.byTag, t)
			}
		}
	}
}

// Invalidate drops every page carrying one of tags; the tag "site" drops all.
func (c *Cache) Invalidate(tags ...string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	n := 0
	for _, t := range tags {
		if t == "site" {
			n += len(c.pages)
			clear(c.pages)
			clear(c.byTag)
			return n
		}
		for key := range c.byTag[t] {
			if p, ok := c.pages[key]; ok {
				c.untag(key, p)
				delete(c.pages, key)
				n++
			}
		}
	}
	return n
}

// Render returns the page for key, rendering it with fn on a miss. Concurrent
// misses for one key share one render. Pages fn marks as uncacheable (nil
// error, Status 5xx) are returned but not stored.
func (c *Cache) Render(key string, fn func() (*Page, error)) (*Page, error) {
	if p := c.Get(key); p != nil && !p.Expired(time.Now()) {
		return p, nil
	}
	v, err, _ := c.flight.Do(key, func() (any, error) {
		c.mu.RLock()
		gen := c.gen
		c.mu.RUnlock()
		c.renders.Add(1)
		p, err := fn()
		if err != nil {
			return nil, err
		}
		if p.Status < 500 {
			c.put(key, p, gen)
		}
		return p, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Page), nil
}

// Refresh re-renders key in the background unless that is already under
// way; readers keep getting the current page meanwhile.
func (c *Cache) Refresh(key string, fn func() (*Page, error)) {
	if _, busy := c.refreshing.LoadOrStore(key, struct{}{}); busy {
		return
	}
	go func() {
		defer c.refreshing.Delete(key)
		c.mu.RLock()
		gen := c.gen
		c.mu.RUnlock()
		c.rerenders.Add(1)
		if p, err := fn(); err == nil && p.Status < 500 {
			c.put(key, p, gen)
		}
	}()
}

// Replace renders key again now with fn, sharing the render with concurrent
// callers, and stores the result.
func (c *Cache) Replace(key string, fn func() (*Page, error)) (*Page, error) {
	v, err, _ := c.flight.Do("replace:"+key, func() (any, error) {
		c.mu.RLock()
		gen := c.gen
		c.mu.RUnlock()
		c.rerenders.Add(1)
		p, err := fn()
		if err != nil {
			return nil, err
		}
		c.put(key, p, gen)
		return p, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Page), nil
}
