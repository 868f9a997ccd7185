package webhook

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"code.dny.dev/ssrf"
)

// Policy says which addresses deliveries may reach beyond the public
// internet. The zero Policy refuses loopback, private, link-local,
// unspecified, multicast and every other special-purpose address.
type Policy struct {
	AllowPrivate bool           // anything goes: for development and tests only
	Allow        []netip.Prefix // exceptions, e.g. 10.1.2.0/24 for an intranet receiver
}

// guardian builds the dial-time check. IPv4 exceptions are also allowed in
// their IPv4-mapped IPv6 form, which the checker treats as IPv6.
func (p Policy) guardian() *ssrf.Guardian {
	var v4, v6 []netip.Prefix
	if p.AllowPrivate {
		v4 = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}
		v6 = []netip.Prefix{netip.MustParsePrefix("::/0")}
	}
	for _, pr := range p.Allow {
		if pr.Addr().Is4() {
			v4 = append(v4, pr)
			v6 = append(v6, netip.PrefixFrom(netip.AddrFrom16(pr.Addr().As16()), pr.Bits()+96))
		} else {
			v6 = append(v6, pr)
		}
	}
	return ssrf.New(ssrf.WithAnyPort(), ssrf.WithAllowedV4Prefixes(v4...), ssrf.WithAllowedV6Prefixes(v6...))
}

// checkAddr reports whether ip may be reached under the policy.
func (p Policy) checkAddr(ip netip.Addr) error {
	return p.guardian().SafeAddr(ip)
}

// Limits of one delivery attempt.
const (
	DialTimeout    = 5 * time.Second
	RequestTimeout = 10 * time.Second
	MaxResponse    = 64 << 10 // bytes of an answer read, the rest dropped
)

// NewClient returns the HTTP client deliveries use. The address check runs
// in the dialer's Control hook, on the IP actually being connected to after
// DNS resolution, so a name that resolves to 127.0.0.1 is refused as surely
// as the literal address. No proxy (it would dial in our place) and no
// redirects (a 3xx is an answer, and a failed one).
func NewClient(p Policy) *http.Client {
	d := &net.Dialer{Timeout: DialTimeout, Control: p.guardian().Safe}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   DialTimeout,
		ResponseHeaderTimeout: RequestTimeout,
		MaxIdleConns:          20,
		IdleConnTimeout:       30 * time.Second,
	}
	return &http.Client{Transport: tr, Timeout: RequestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// ErrInvalid wraps every refusal of an endpoint's settings; its message
// says why.
var ErrInvalid = errors.New("webhook: invalid endpoint")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// ValidateURL checks an endpoint address as typed by an admin: an absolute
// http(s) URL with a host, no user name or password, no fragment, and not a
// literal address the policy refuses. A host name is checked again at every
// delivery, on what it resolves to then.
func ValidateURL(raw string, p Policy) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", invalid("the URL is required")
	}
	if len(raw) > 2000 {
		return "", invalid("the URL is longer than 2000 characters")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", invalid("%q is not a valid URL", raw)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", invalid("the URL must start with https:// or http://")
	}
	if u.User != nil {
		return "", invalid("the URL must not carry a user name or password; requests are signed with the secret instead")
	}
	if u.Host == "" || u.Hostname() == "" || u.Opaque != "" {
		return "", invalid("the URL has no host")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return "", invalid("the URL must not have a #fragment")
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
			return "", invalid("the port %q is not valid", port)
		}
	}
	if ip, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil {
		if err := p.checkAddr(ip.WithZone("")); err != nil {
			return "", invalid("%s is a loopback, private, link-local or otherwise special address; "+
				"deliveries there are refused unless the server's configuration allows them", ip)
		}
	} else if h := strings.ToLower(u.Hostname()); (h == "localhost" || strings.HasSuffix(h, ".localhost")) && !p.AllowPrivate {
		if err := p.checkAddr(netip.MustParseAddr("127.0.0.1")); err != nil {
			return "", invalid("%s is this machine; deliveries there are refused unless the server's configuration allows them", h)
		}
	}
	return u.String(), nil
}

// describe turns a transport error into a line for the delivery log.
func describe(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	switch {
	case errors.Is(err, ssrf.ErrProhibitedIP), errors.Is(err, ssrf.ErrProhibitedNetwork), errors.Is(err, ssrf.ErrInvalidHostPort):
		return "refused: " + err.Error() + " (loopback, private and special addresses are not reached unless allowed in the configuration)"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timed out: " + err.Error()
	}
	return err.Error()
}
