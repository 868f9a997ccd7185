// Package pagecache keeps rendered pages in memory, fully prepared for
// writing: body bytes in identity, gzip and brotli encodings and every
// header value, so a hit costs a map lookup and a write.
package pagecache

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/andybalholm/brotli"
)

// Page is a prepared response. Its fields do not change after Prepare, except
// the count version, which is atomic.
type Page struct {
	Status    int
	Tags      []string // invalidation tags: "article:12", "section:3"…
	ArticleID int64    // set on article pages: their reads are counted
	Count     int64    // the view count rendered into the body
	Created   time.Time
	Expires   time.Time // zero: until invalidated

	// Rerender makes a fresh copy of the page: from the database for lists,
	// from the kept page model with a new count for articles.
	Rerender func() (*Page, error)

	countVersion atomic.Uint64

	body, gz, br         []byte
	etag                 []string
	lastMod              []string
	lastModTime          time.Time
	ct, clID, clGz, clBr []string
	header               http.Header // extra headers (security, cache-control)
}

var (
	encGzip       = []string{"gzip"}
	encBr         = []string{"br"}
	varyEncoding  = []string{"Accept-Encoding"}
	cacheControl  = []string{"public, max-age=0, s-maxage=10, stale-while-revalidate=30"}
	noStore       = []string{"no-store"}
	cacheTTLShort = []string{"public, max-age=0, s-maxage=5"}
)

// Options describe a page to prepare.
type Options struct {
	Status      int
	ContentType string
	Tags        []string
	ArticleID   int64
	Count       int64
	TTL         time.Duration // 0: until invalidated
	Header      http.Header   // added to every response
	NoStore     bool          // private or error pages: no shared caching
	Rerender    func() (*Page, error)
	// LastModified, when set, is sent and compared with If-Modified-Since.
	LastModified time.Time
}

// Prepare compresses body once in each encoding and computes its ETag.
func Prepare(body []byte, o Options) *Page {
	if o.Status == 0 {
		o.Status = http.StatusOK
	}
	if o.ContentType == "" {
		o.ContentType = "text/html; charset=utf-8"
	}
	sum := sha256.Sum256(body)
	p := &Page{
		Status: o.Status, Tags: o.Tags, ArticleID: o.ArticleID, Count: o.Count, Created: time.Now(),
		body: body,
		etag: []string{`W/"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`},
		ct:   []string{o.ContentType}, Rerender: o.Rerender,
	}
	// Photos are compressed already: another layer costs CPU and saves nothing.
	if !strings.HasPrefix(o.ContentType, "image/") || strings.HasPrefix(o.ContentType, "image/svg") {
		p.gz, p.br = gzipBytes(body), brotliBytes(body)
	}
	p.clID = []string{strconv.Itoa(len(p.body))}
	p.clGz = []string{strconv.Itoa(len(p.gz))}
	p.clBr = []string{strconv.Itoa(len(p.br))}
	if !o.LastModified.IsZero() {
		p.lastModTime = o.LastModified.UTC().Truncate(time.Second)
		p.lastMod = []string{p.lastModTime.Format(http.TimeFormat)}
	}
	if o.TTL > 0 {
		p.Expires = p.Created.Add(o.TTL)
	}
	p.header = http.Header{}
	for k, v := range o.Header {
		p.header[k] = v
	}
	switch {
	case o.Header.Get("Cache-Control") != "":
		// the caller's own policy (immutable assets and media)
	case o.NoStore:
		p.header["Cache-Control"] = noStore
	case o.Status != http.StatusOK:
		p.header["Cache-Control"] = cacheTTLShort
	default:
		p.header["Cache-Control"] = cacheControl
	}
	return p
}

// Body returns the uncompressed body.
func (p *Page) Body() []byte { return p.body }

// CountVersion is the counter version the page's count was last checked at.
func (p *Page) CountVersion() uint64 { return p.countVersion.Load() }

// SetCountVersion records that the count was checked at version v.
func (p *Page) SetCountVersion(v uint64) { p.countVersion.Store(v) }

// Expired reports whether a page with a TTL is past it.
func (p *Page) Expired(now time.Time) bool { return !p.Expires.IsZero() && now.After(p.Expires) }

// Write sends the page, or 304 when the client has it.
func (p *Page) Write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, v := range p.header {
		h[k] = v
	}
	h["Etag"] = p.etag
	h["Vary"] = varyEncoding
	h["Content-Type"] = p.ct
	if p.lastMod != nil {
		h["Last-Modified"] = p.lastMod
	}
	if p.Status == http.StatusOK && p.notModified(r) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body, cl := p.body, p.clID
	switch ae := header(r, "Accept-Encoding"); {
	case p.gz == nil:
	case accepts(ae, "br"):
		body, cl = p.br, p.clBr
		h["Content-Encoding"] = encBr
	case accepts(ae, "gzip"):
		body, cl = p.gz, p.clGz
		h["Content-Encoding"] = encGzip
	}
	h["Content-Length"] = cl
	w.WriteHeader(p.Status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// notModified applies RFC 9110's order: If-None-Match when present,
// otherwise If-Modified-Since.
func (p *Page) notModified(r *http.Request) bool {
	if inm := header(r, "If-None-Match"); inm != "" {
		return etagMatch(inm, p.etag[0])
	}
	if ims := header(r, "If-Modified-Since"); ims != "" && p.lastMod != nil {
		t, err := http.ParseTime(ims)
		return err == nil && !p.lastModTime.After(t)
	}
	return false
}

// accepts reports whether an Accept-Encoding value allows enc (q=0 refuses).
func accepts(ae, enc string) bool {
	for ae != "" {
		var part string
		part, ae, _ = strings.Cut(ae, ",")
		name, params, _ := strings.Cut(part, ";")
		if strings.TrimSpace(name) != enc {
			continue
		}
		params = strings.ReplaceAll(params, " ", "")
		return params != "q=0" && params != "q=0.0" && params != "q=0.00" && params != "q=0.000"
	}
	return false
}

func etagMatch(header, etag string) bool {
	if header == "*" {
		return true
	}
	for header != "" {
		var t string
		t, header, _ = strings.Cut(header, ",")
		t = strings.TrimSpace(t)
		if t == etag || "W/"+t == etag || t == strings.TrimPrefix(etag, "W/") {
			return true
		}
	}
	return false
}

// The compressors are pooled: each allocates about a megabyte of state, and
// a hot article is re-rendered (and so recompressed) up to once a second.
var (
	gzipPool = sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(nil, gzip.BestCompression)
		return zw
	}}
	brotliPool = sync.Pool{New: func() any { return brotli.NewWriterLevel(nil, 6) }}
)

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzipPool.Get().(*gzip.Writer)
	zw.Reset(&buf)
	zw.Write(b)
	zw.Close()
	gzipPool.Put(zw)
	return buf.Bytes()
}

func brotliBytes(b []byte) []byte {
	var buf bytes.Buffer
	bw := brotliPool.Get().(*brotli.Writer)
	bw.Reset(&buf)
	bw.Write(b)
	bw.Close()
	brotliPool.Put(bw)
	return buf.Bytes()
}

// header reads a request header by its canonical name without
// re-canonicalising it, as Header.Get does on every call (the server has
// stored the keys canonical already).
func header(r *http.Request, canonical string) string {
	if v := r.Header[canonical]; len(v) > 0 {
		return v[0]
	}
	return ""
}
