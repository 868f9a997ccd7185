package newsletter

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/db"
	lmail "github.com/lede-news/lede/internal/mail"
	"github.com/lede-news/lede/internal/mailtest"
)

// clock is a settable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fixture is a database with two editions, sections, an author, a tag and
// articles, a real SMTP server and a Service sending to it.
type fixture struct {
	d     *db.DB
	smtp  *mailtest.Server
	s     *Service
	clock *clock
	fr    Edition
	en    Edition
	ctx   context.Context
	arts  map[string]int64
}

func newFixture(t *testing.T, d *db.DB) *fixture { return newBenchFixture(t, d) }

func newBenchFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	srv, err := mailtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	sender, err := lmail.New(lmail.Config{Host: "127.0.0.1", Port: srv.Port, From: "Le Quotidien <news@example.com>", Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{d: d, smtp: srv, ctx: ctx, arts: map[string]int64{}, clock: &clock{t: time.Now().Truncate(time.Hour).Add(time.Minute)}}
	f.s = &Service{DB: d, Mail: sender, Limiter: &account.Limiter{DB: d, Now: f.clock.Now}, BaseURL: "https://news.example", Now: f.clock.Now}
	err = d.InTx(ctx, func(tx *db.Tx) error {
		exec := func(q string, args ...any) {
			if err == nil {
				_, err = tx.Exec(ctx, q, args...)
			}
		}
		exec(`INSERT INTO editions (id, code, name, lang, timezone, is_default) VALUES (1, 'fr', 'Le Quotidien', 'fr', 'Europe/Paris', TRUE)`)
		exec(`INSERT INTO editions (id, code, name, lang, timezone) VALUES (2, 'en', 'The Daily', 'en', 'Europe/London')`)
		exec(`INSERT INTO sections (id, edition_id, slug, name, position) VALUES (1, 1, 'monde', 'Monde', 1), (2, 1, 'culture', 'Culture', 2), (3, 2, 'world', 'World', 1)`)
		exec(`INSERT INTO authors (id, slug, name) VALUES (1, 'claire-duval', 'Claire Duval')`)
		exec(`INSERT INTO tags (id, edition_id, slug, name) VALUES (1, 1, 'climat', 'Climat')`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	now := f.clock.Now()
	f.article(t, 1, 1, "sommet", "Sommet à Genève", now.Add(-2*time.Hour), true, true)
	f.article(t, 1, 2, "expo", "Une exposition", now.Add(-3*time.Hour), false, false)
	f.article(t, 1, 1, "ancien", "Un ancien article", now.Add(-72*time.Hour), false, false)
	f.article(t, 2, 3, "summit", "Summit in Geneva", now.Add(-time.Hour), true, false)
	if f.fr, err = f.s.EditionByCode(ctx, "fr"); err != nil {
		t.Fatal(err)
	}
	if f.en, err = f.s.EditionByCode(ctx, "en"); err != nil {
		t.Fatal(err)
	}
	return f
}

var nextArticle = 100

func (f *fixture) article(t testing.TB, ed, sec int64, slug, headline string, at time.Time, withAuthor, withTag bool) int64 {
	t.Helper()
	var id int64
	err := f.d.InTx(f.ctx, func(tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(f.ctx, `INSERT INTO articles (edition_id, section_id, slug, headline, standfirst, body_md, body_html, status, published_at, modified_at)
			VALUES (?, ?, ?, ?, ?, 'x', '<p>x</p>', 'published', ?, ?)`, ed, sec, slug, headline, "Chapô de « "+headline+" ».", at.Unix(), at.Unix())
		if err != nil {
			return err
		}
		if withAuthor {
			if _, err := tx.Exec(f.ctx, `INSERT INTO article_authors (article_id, author_id) VALUES (?, 1)`, id); err != nil {
				return err
			}
		}
		if withTag {
			if _, err := tx.Exec(f.ctx, `INSERT INTO article_tags (article_id, tag_id) VALUES (?, 1)`, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.arts[slug] = id
	return id
}

// subscribers adds n confirmed subscribers of list in e, directly.
func (f *fixture) subscribersB(t testing.TB, n int) { f.subscribers(t, f.fr, Breaking, n, "b") }

func (f *fixture) subscribers(t testing.TB, e Edition, list string, n int, prefix string) []string {
	t.Helper()
	var out []string
	err := f.d.InTx(f.ctx, func(tx *db.Tx) error {
		for i := range n {
			email := fmt.Sprintf("%s%04d@example.org", prefix, i)
			id, err := tx.InsertID(f.ctx, `INSERT INTO newsletter_subscribers (edition_id, email, manage_token, confirmed_at, created_at) VALUES (?, ?, ?, ?, ?)`,
				e.ID, email, token(), f.clock.Now().Unix(), f.clock.Now().Unix())
			if err != nil {
				return err
			}
			if _, err := tx.Exec(f.ctx, `INSERT INTO newsletter_subscriptions (subscriber_id, list, created_at) VALUES (?, ?, ?)`, id, list, 0); err != nil {
				return err
			}
			out = append(out, email)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// parts returns the text and HTML parts of a multipart/alternative mail.
func parts(t *testing.T, raw []byte) (mail.Header, string, string) {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q (%v), want multipart/alternative", m.Header.Get("Content-Type"), err)
	}
	r := multipart.NewReader(m.Body, params["boundary"])
	var text, html string
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p) // the reader decodes quoted-printable
		switch {
		case strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain"):
			text = string(b)
		case strings.HasPrefix(p.Header.Get("Content-Type"), "text/html"):
			html = string(b)
		}
	}
	return m.Header, text, html
}

var mimeDecoder mime.WordDecoder

var confirmRE = regexp.MustCompile(`/newsletter/confirm/([A-Za-z0-9_-]{43})`)
