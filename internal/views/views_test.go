package views

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

const chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"

func seedArticle(t *testing.T, d *db.DB) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := d.InTx(ctx, func(tx *db.Tx) error {
		ed, err := tx.InsertID(ctx, `INSERT INTO editions (code, name, lang, timezone) VALUES ('fr', 'Lede', 'fr', 'Europe/Paris')`)
		if err != nil {
			return err
		}
		sec, err := tx.InsertID(ctx, `INSERT INTO sections (edition_id, slug, name) VALUES (?, 'defense', 'Défense')`, ed)
		if err != nil {
			return err
		}
		id, err = tx.InsertID(ctx, `INSERT INTO articles (edition_id, section_id, slug, headline, body_md, body_html, published_at, modified_at)
			VALUES (?, ?, 'a', 'A', 'x', 'x', 0, 0)`, ed, sec)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestCountOncePerReaderPerDay(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		id := seedArticle(t, d)
		c := New(d, slog.Default())
		day := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
		c.now = func() time.Time { return day }

		if !c.Count(id, "192.0.2.1", chrome, nil) {
			t.Fatal("first read did not count")
		}
		if c.Count(id, "192.0.2.1", chrome, nil) {
			t.Fatal("second read by the same reader counted")
		}
		c.Count(id, "192.0.2.2", chrome, nil)
		c.Count(id, "192.0.2.1", chrome+" Edg/130", nil) // another browser on the same address is another reader
		if got := c.Total(id); got != 3 {
			t.Fatalf("Total before flush = %d, want 3", got)
		}
		if err := c.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if got := c.Total(id); got != 3 {
			t.Fatalf("Total after flush = %d, want 3", got)
		}

		day = day.Add(24 * time.Hour)
		if !c.Count(id, "192.0.2.1", chrome, nil) {
			t.Fatal("the same reader the next day did not count")
		}
		if err := c.Flush(ctx); err != nil {
			t.Fatal(err)
		}

		// A second node, as after a restart, sees the flushed totals.
		c2 := New(d, slog.Default())
		c2.now = c.now
		if err := c2.Load(ctx); err != nil {
			t.Fatal(err)
		}
		if got := c2.Total(id); got != 4 {
			t.Fatalf("Total on another node = %d, want 4", got)
		}
		// Deltas from two nodes add up.
		c2.Count(id, "198.51.100.7", chrome, nil)
		c.Count(id, "198.51.100.8", chrome, nil)
		if err := c2.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if err := c.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		var n int64
		d.QueryRow(ctx, `SELECT n FROM view_totals WHERE article_id = ?`, id).Scan(&n)
		if n != 6 {
			t.Fatalf("database total = %d, want 6", n)
		}
		if got := c.Total(id); got != 6 {
			t.Fatalf("node 1 total after both flushed = %d, want 6", got)
		}
		ranked, err := c.MostRead(ctx, 1, 0, 5)
		if err != nil || len(ranked) != 1 || ranked[0].Views != 3 {
			t.Fatalf("MostRead today = %v, %v; want one article with 3 views", ranked, err)
		}
		ranked, _ = c.MostRead(ctx, 1, 7, 5)
		if len(ranked) != 1 || ranked[0].Views != 6 {
			t.Fatalf("MostRead week = %v, want 6 views", ranked)
		}
	})
}

func TestFlushFailureKeepsCounts(t *testing.T) {
	d := testdb.SQLite(t)
	id := seedArticle(t, d)
	c := New(d, slog.Default())
	c.Count(id, "192.0.2.1", chrome, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Flush(ctx); err == nil {
		t.Fatal("flush with a cancelled context succeeded")
	}
	if got := c.Total(id); got != 1 {
		t.Fatalf("Total after failed flush = %d, want 1", got)
	}
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	var n int64
	d.QueryRow(context.Background(), `SELECT n FROM view_totals WHERE article_id = ?`, id).Scan(&n)
	if n != 1 {
		t.Fatalf("database total after retry = %d, want 1", n)
	}
}

func TestIsBot(t *testing.T) {
	req := func(ua string, h ...string) *http.Request {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("User-Agent", ua)
		for i := 0; i+1 < len(h); i += 2 {
			r.Header.Set(h[i], h[i+1])
		}
		return r
	}
	for _, r := range []*http.Request{
		req("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
		req("curl/8.5.0"), req(""), req("facebookexternalhit/1.1"),
		req(chrome, "Sec-Purpose", "prefetch;prerender"), req(chrome, "Purpose", "prefetch"), req(chrome, "X-Moz", "prefetch"),
	} {
		if !IsBot(r) {
			t.Errorf("IsBot(%q %v) = false", r.UserAgent(), r.Header)
		}
	}
	if IsBot(req(chrome)) {
		t.Error("a browser counted as a bot")
	}
}

func TestClientAddr(t *testing.T) {
	ps, err := ParseProxies("10.0.0.0/8, 127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "127.0.0.1:5000"
	r.Header.Set("X-Forwarded-For", "6.6.6.6, 203.0.113.9, 10.1.2.3")
	if got := ps.ClientAddr(r); got != "203.0.113.9" {
		t.Fatalf("behind trusted proxies = %q, want 203.0.113.9", got)
	}
	r.RemoteAddr = "198.51.100.1:5000"
	if got := ps.ClientAddr(r); got != "198.51.100.1" {
		t.Fatalf("untrusted peer = %q, want its own address", got)
	}
	if got := Proxies(nil).ClientAddr(r); got != "198.51.100.1" {
		t.Fatalf("no proxies configured = %q", got)
	}
	if _, err := ParseProxies("not-an-ip"); err == nil {
		t.Fatal("bad proxy accepted")
	}
}

func TestSkippedReadersAreNotCounted(t *testing.T) {
	c := New(testdb.SQLite(t), slog.Default())
	calls := 0
	bot := func() bool { calls++; return true }
	if c.Count(1, "192.0.2.1", "Googlebot", bot) || c.Count(1, "192.0.2.1", "Googlebot", bot) {
		t.Fatal("a robot counted")
	}
	if calls != 1 {
		t.Fatalf("robot check ran %d times, want once per reader and day", calls)
	}
	if c.Total(1) != 0 {
		t.Fatal("robot read in the total")
	}
}
