// Package config reads Lede's settings from flags, each falling back to a
// LEDE_* environment variable, then to a default that gives a working site.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/lede-news/lede/internal/views"
)

// Config is every operator setting. Editorial settings live in the database.
type Config struct {
	Addr           string
	Data           string
	DB             string
	BaseURL        string
	TrustedProxies views.Proxies
	Demo           bool
	Dev            bool
	CachePages     int
	LogLevel       slog.Level
	LogFormat      string
	SMTPHost       string // empty: mail is written to DATA/mail
	SMTPPort       int
	SMTPUsername   string
	SMTPPassword   string
	MailFrom       string

	WebhookAllowPrivate bool           // deliveries may reach loopback and private addresses
	WebhookAllow        []netip.Prefix // or only these special ranges
	// Newsletters (internal/newsletter).
	NewsletterRate  float64 // messages per second across all nodes
	NewsletterLease time.Duration
	DigestAt        string // "07:00", each edition's time zone

	Comments string          // comment settings, read by comment.ParseConfig
	OAuth    []OAuthProvider // readers' external sign-in (LEDE_OAUTH_*)
}

// option is one row of the settings table.
type option struct {
	name, env, def, usage string
	secret                bool
}

// Options is the table of settings, printed by `lede config`.
var Options = []option{
	{name: "addr", env: "LEDE_ADDR", def: "127.0.0.1:8080", usage: "address to listen on"},
	{name: "data", env: "LEDE_DATA", def: "./data", usage: "data folder (SQLite database, mail, media)"},
	{name: "db", env: "LEDE_DB", def: "", usage: "database: postgres://… URL, or empty for SQLite in the data folder", secret: true},
	{name: "base-url", env: "LEDE_BASE_URL", def: "", usage: "public URL of the site, for canonical and short links (default: http://localhost:PORT)"},
	{name: "trusted-proxies", env: "LEDE_TRUSTED_PROXIES", def: "", usage: "comma-separated addresses or CIDRs whose X-Forwarded-For is believed"},
	{name: "demo", env: "LEDE_DEMO", def: "true", usage: "load the demo newsroom into an empty database on start"},
	{name: "dev", env: "LEDE_DEV", def: "false", usage: "read templates and static files from disk on every request"},
	{name: "cache-pages", env: "LEDE_CACHE_PAGES", def: "20000", usage: "most pages kept in the in-memory page cache"},
	{name: "smtp-host", env: "LEDE_SMTP_HOST", def: "", usage: "SMTP server for outgoing mail; empty writes messages to DATA/mail"},
	{name: "smtp-port", env: "LEDE_SMTP_PORT", def: "587", usage: "SMTP port (465: TLS from the start; otherwise STARTTLS when offered)"},
	{name: "smtp-username", env: "LEDE_SMTP_USERNAME", def: "", usage: "SMTP user name"},
	{name: "smtp-password", env: "LEDE_SMTP_PASSWORD", def: "", usage: "SMTP password", secret: true},
	{name: "mail-from", env: "LEDE_MAIL_FROM", def: "Lede <lede@localhost>", usage: "sender of outgoing mail"},
	{name: "webhook-allow-private", env: "LEDE_WEBHOOK_ALLOW_PRIVATE", def: "false", usage: "let webhooks reach loopback, private and other special addresses (development and tests only)"},
	{name: "webhook-allow", env: "LEDE_WEBHOOK_ALLOW", def: "", usage: "comma-separated CIDRs or addresses webhooks may reach although special, e.g. 10.1.2.0/24"},
	{name: "newsletter-rate", env: "LEDE_NEWSLETTER_RATE", def: "10", usage: "most newsletter messages sent per second, all nodes together (0: no limit)"},
	{name: "newsletter-lease", env: "LEDE_NEWSLETTER_LEASE", def: "60s", usage: "how long a node holds claimed newsletter deliveries; a dead node's are taken over after it (1s-1h)"},
	{name: "digest-at", env: "LEDE_DIGEST_AT", def: "07:00", usage: "time of day (HH:MM, each edition's time zone) the daily digests are sent"},
	{name: "log-level", env: "LEDE_LOG_LEVEL", def: "info", usage: "debug, info, warn or error"},
	{name: "log-format", env: "LEDE_LOG_FORMAT", def: "text", usage: "text or json"},
	{name: "comments", env: "LEDE_COMMENTS", def: "", usage: "comment settings: max-length=5000,edit-minutes=15,depth=3,flags=3,first-held=1,close-days=0,reader-limit=5,addr-limit=20,rate-minutes=10,page-size=50"},
}

// Parse reads args (after the command name) and the environment. It returns
// the remaining arguments.
func Parse(cmd string, args []string, stderr io.Writer) (Config, []string, error) {
	fs := flag.NewFlagSet("lede "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	vals := map[string]*string{}
	for _, o := range Options {
		def := o.def
		if v, ok := os.LookupEnv(o.env); ok {
			def = v
		}
		vals[o.name] = fs.String(o.name, def, o.usage+" ($"+o.env+")")
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, nil, err
	}
	c, err := build(vals)
	return c, fs.Args(), err
}

func build(v map[string]*string) (Config, error) {
	var errs []error
	c := Config{Addr: *v["addr"], Data: *v["data"], DB: *v["db"], BaseURL: strings.TrimRight(*v["base-url"], "/"), LogFormat: *v["log-format"]}
	c.Comments = *v["comments"]
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		errs = append(errs, fmt.Errorf("addr %q: must be host:port, e.g. 127.0.0.1:8080", c.Addr))
	}
	if c.BaseURL == "" {
		if host == "" || host == "0.0.0.0" || host == "::" || host == "127.0.0.1" {
			host = "localhost"
		}
		c.BaseURL = "http://" + net.JoinHostPort(host, port)
	} else if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
		errs = append(errs, fmt.Errorf("base-url %q: must be http(s)://host[:port] with no path", c.BaseURL))
	}
	if c.Data == "" {
		errs = append(errs, errors.New("data: must not be empty"))
	}
	if c.DB == "" {
		c.DB = filepath.Join(c.Data, "lede.db")
	}
	if c.TrustedProxies, err = views.ParseProxies(*v["trusted-proxies"]); err != nil {
		errs = append(errs, fmt.Errorf("trusted-proxies: %w", err))
	}
	if c.Demo, err = strconv.ParseBool(*v["demo"]); err != nil {
		errs = append(errs, fmt.Errorf("demo %q: must be true or false", *v["demo"]))
	}
	if c.Dev, err = strconv.ParseBool(*v["dev"]); err != nil {
		errs = append(errs, fmt.Errorf("dev %q: must be true or false", *v["dev"]))
	}
	if c.CachePages, err = strconv.Atoi(*v["cache-pages"]); err != nil || c.CachePages < 1 {
		errs = append(errs, fmt.Errorf("cache-pages %q: must be a positive number", *v["cache-pages"]))
	}
	c.SMTPHost, c.SMTPUsername, c.SMTPPassword, c.MailFrom = *v["smtp-host"], *v["smtp-username"], *v["smtp-password"], *v["mail-from"]
	if c.SMTPPort, err = strconv.Atoi(*v["smtp-port"]); err != nil || c.SMTPPort < 1 || c.SMTPPort > 65535 {
		errs = append(errs, fmt.Errorf("smtp-port %q: must be a port number", *v["smtp-port"]))
	}
	if _, err := netmail.ParseAddress(c.MailFrom); err != nil {
		errs = append(errs, fmt.Errorf("mail-from %q: must be an address such as Lede <news@example.org>", c.MailFrom))
	}
	if s := *v["webhook-allow-private"]; s == "" {
		c.WebhookAllowPrivate = false
	} else if c.WebhookAllowPrivate, err = strconv.ParseBool(s); err != nil {
		errs = append(errs, fmt.Errorf("webhook-allow-private %q: must be true or false (1 or 0)", *v["webhook-allow-private"]))
	}
	if c.WebhookAllow, err = parsePrefixes(*v["webhook-allow"]); err != nil {
		errs = append(errs, fmt.Errorf("webhook-allow: %w", err))
	}
	if c.NewsletterRate, err = strconv.ParseFloat(*v["newsletter-rate"], 64); err != nil || c.NewsletterRate < 0 || c.NewsletterRate > 100000 {
		errs = append(errs, fmt.Errorf("newsletter-rate %q: must be a number of messages per second, 0 for no limit", *v["newsletter-rate"]))
	}
	if c.NewsletterLease, err = time.ParseDuration(*v["newsletter-lease"]); err != nil || c.NewsletterLease < time.Second || c.NewsletterLease > time.Hour {
		errs = append(errs, fmt.Errorf("newsletter-lease %q: must be a duration between 1s and 1h, e.g. 60s", *v["newsletter-lease"]))
	}
	if c.DigestAt = *v["digest-at"]; !validHHMM(c.DigestAt) {
		errs = append(errs, fmt.Errorf("digest-at %q: must be a time of day HH:MM, e.g. 07:00", c.DigestAt))
	}
	if err := c.LogLevel.UnmarshalText([]byte(*v["log-level"])); err != nil {
		errs = append(errs, fmt.Errorf("log-level %q: must be debug, info, warn or error", *v["log-level"]))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log-format %q: must be text or json", c.LogFormat))
	}
	oauth, oerrs := oauthFromEnv(os.Environ())
	c.OAuth, errs = oauth, append(errs, oerrs...)
	return c, errors.Join(errs...)
}

// Logger builds the process logger from the settings.
func (c Config) Logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Print writes the settings table with the values in effect, secrets
// redacted.
func Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FLAG\tENV\tDEFAULT\tVALUE\tDESCRIPTION")
	for _, o := range Options {
		val := os.Getenv(o.env)
		if o.secret && val != "" {
			if r := Redact(val); r != val {
				val = r
			} else {
				val = "xxxxx" // not a URL: hide it whole
			}
		}
		fmt.Fprintf(tw, "--%s\t%s\t%s\t%s\t%s\n", o.name, o.env, o.def, val, o.usage)
	}
	tw.Flush()
}

// Redact hides the password of a database URL.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// parsePrefixes reads a comma-separated list of CIDRs or single addresses.
func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return nil, fmt.Errorf("%q is not a CIDR such as 10.1.2.0/24 or an address", f)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// validHHMM accepts a 24-hour "HH:MM".
func validHHMM(s string) bool {
	if len(s) != 5 || s[2] != ':' {
		return false
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	return err1 == nil && err2 == nil && h >= 0 && h < 24 && m >= 0 && m < 60
}
