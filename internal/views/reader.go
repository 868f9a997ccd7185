package views

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// botMarks are lower-case fragments of the User-Agent of crawlers, feed
// fetchers, link previewers, monitors and command-line clients.
var botMarks = []string{
	"bot", "crawl", "spider", "slurp", "bingpreview", "facebookexternalhit", "embedly", "preview",
	"monitor", "pingdom", "uptime", "lighthouse", "feedfetcher", "scrapy", "curl/", "wget/",
	"python-requests", "python-urllib", "aiohttp", "go-http-client", "java/", "okhttp", "libwww",
	"httpclient", "apache-httpclient", "node-fetch", "axios/", "phantomjs", "archive.org",
}

// IsBot reports whether a request comes from a known robot, or is a
// prefetch or prerender the reader may never look at.
func IsBot(r *http.Request) bool {
	ua := r.Header.Get("User-Agent")
	if len(ua) < 8 {
		return true
	}
	if p := r.Header.Get("Sec-Purpose"); p != "" && strings.Contains(p, "prefetch") {
		return true
	}
	if p := r.Header.Get("Purpose"); p == "prefetch" || p == "preview" {
		return true
	}
	if r.Header.Get("X-Moz") == "prefetch" || r.Header.Get("X-Purpose") == "preview" {
		return true
	}
	l := strings.ToLower(ua)
	for _, m := range botMarks {
		if strings.Contains(l, m) {
			return true
		}
	}
	return false
}

// Proxies are the networks whose X-Forwarded-For is believed.
type Proxies []netip.Prefix

// ParseProxies reads a comma-separated list of addresses or CIDR prefixes.
func ParseProxies(s string) (Proxies, error) {
	var out Proxies
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, err
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func (ps Proxies) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ClientAddr returns the reader's address: the peer's, or, when the peer is
// a trusted proxy, the nearest untrusted address in X-Forwarded-For.
func (ps Proxies) ClientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if len(ps) == 0 {
		return host
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !ps.trusted(peer) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return host
		}
		if !ps.trusted(a) {
			return a.Unmap().String()
		}
	}
	return host
}
