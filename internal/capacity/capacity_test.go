package capacity

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/changes"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/demo"
	"github.com/lede-news/lede/internal/importer"
	"github.com/lede-news/lede/internal/mail"
	"github.com/lede-news/lede/internal/related"
	"github.com/lede-news/lede/internal/search"
	"github.com/lede-news/lede/internal/testdb"
	"github.com/lede-news/lede/internal/views"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// postgres returns a migrated database holding the demo newsroom, and its
// article ids.
func postgres(b *testing.B) (*db.DB, []int64) {
	b.Helper()
	if os.Getenv(testdb.EnvPostgres) == "" {
		b.Skip(testdb.EnvPostgres + " not set")
	}
	d := testdb.Postgres(b)
	ctx := context.Background()
	im := &importer.Importer{DB: d, Related: &related.Store{DB: d}, Search: search.New(d), Log: quiet}
	if _, err := demo.Load(ctx, im, time.Now()); err != nil {
		b.Fatal(err)
	}
	rows, err := d.Query(ctx, `SELECT id FROM articles ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	if len(ids) < 20 {
		b.Fatalf("%d demo articles", len(ids))
	}
	return d, ids
}

// BenchmarkViewFlush: one op is one node's flush of half a second of a
// breaking story: 300 new readers of the hot article and 100 spread over
// 19 others (20 rows in views_daily, 20 in view_totals, one transaction,
// then the totals refresh). "nodes" flush at the same time on the same
// rows, as nodes of one site do.
func BenchmarkViewFlush(b *testing.B) {
	for _, nodes := range []int{1, 8, 32} {
		b.Run(fmt.Sprintf("nodes=%d", nodes), func(b *testing.B) {
			d, ids := postgres(b)
			counters := make([]*views.Counter, nodes)
			for i := range counters {
				counters[i] = views.New(d, quiet)
				if err := counters[i].Load(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			var next atomic.Int64
			var reader atomic.Uint64
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for _, c := range counters {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for next.Add(1) <= int64(b.N) {
						for i := range 400 {
							id := ids[0]
							if i >= 300 {
								id = ids[1+i%19]
							}
							c.Count(id, "192.0.2.1", fmt.Sprint("reader-", reader.Add(1)), nil)
						}
						if err := c.Flush(context.Background()); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "flushes/s")
		})
	}
}

// BenchmarkCommentShapedWrite is a STAND-IN for a comment write, to be
// replaced by the comments feature's own benchmark: the commenting rate
// limit (account.Limiter, one upsert in its own transaction), then one
// transaction inserting a 600-byte comment row with two indexes and
// recording the article's change for cache invalidation on every node.
// 32 writers at once.
func BenchmarkCommentShapedWrite(b *testing.B) {
	d, ids := postgres(b)
	ctx := context.Background()
	if _, err := d.Exec(ctx, `CREATE TABLE bench_comments (id BIGSERIAL PRIMARY KEY, article_id BIGINT NOT NULL,
		author TEXT NOT NULL, email_hash TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL, created_at BIGINT NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	d.Exec(ctx, `CREATE INDEX bench_comments_article ON bench_comments (article_id, status, created_at)`)
	limiter := &account.Limiter{DB: d}
	body := strings.Repeat("Un commentaire de lecteur, poli et argumenté. ", 13)[:600]
	var n atomic.Int64
	b.SetParallelism(16) // 2 cores × 16 = 32 writers
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			article := ids[i%int64(len(ids))]
			if _, _, err := limiter.Allow(ctx, fmt.Sprint("comment:198.51.100.", i%250), 1000000, time.Minute); err != nil {
				b.Error(err)
				return
			}
			err := d.InTx(ctx, func(tx *db.Tx) error {
				if _, err := tx.Exec(ctx, `INSERT INTO bench_comments (article_id, author, email_hash, body, status, created_at)
					VALUES (?, ?, ?, ?, 'published', ?)`, article, "Lecteur", fmt.Sprintf("%064x", i), body, time.Now().Unix()); err != nil {
					return err
				}
				return changes.Record(ctx, tx, fmt.Sprint("article:", article))
			})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "comments/s")
}

// BenchmarkNewsletterShapedSend is a STAND-IN for a newsletter send, to be
// replaced by the newsletter feature's own benchmark: per recipient, a
// message composed (text and HTML, about 6 kB) and handed to the mail
// sender, which hands it over SMTP (one connection per message, as
// mail.Sender does) to a relay — here a go-smtp server on loopback that
// discards it —, and a delivery row recorded in
// batches of 100 per transaction (the bookkeeping that lets another node
// resume a send without duplicates). One sender, as one node's job runs.
func BenchmarkNewsletterShapedSend(b *testing.B) {
	d, _ := postgres(b)
	ctx := context.Background()
	if _, err := d.Exec(ctx, `CREATE TABLE bench_deliveries (newsletter_id BIGINT NOT NULL, subscriber_id BIGINT NOT NULL,
		sent_at BIGINT NOT NULL, PRIMARY KEY (newsletter_id, subscriber_id))`); err != nil {
		b.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := smtp.NewServer(discard{})
	srv.Domain = "localhost"
	go srv.Serve(l)
	defer srv.Close()
	addr := l.Addr().(*net.TCPAddr)
	sender, err := mail.New(mail.Config{From: "Lede <news@example.org>", Host: "127.0.0.1", Port: addr.Port})
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Repeat("Les titres du jour, avec un lien vers chaque article. ", 40)
	html := "<html><body>" + strings.Repeat("<p><a href=\"https://news.example/fr/x\">Titre du jour</a></p>", 60) + "</body></html>"
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i += 100 {
		batch := min(100, b.N-i)
		for j := range batch {
			m := mail.Message{To: []string{fmt.Sprintf("abonne%d@example.org", i+j)}, Subject: "La lettre du matin", Text: text, HTML: html,
				Headers: map[string]string{"List-Unsubscribe": "<https://news.example/u/token>"}}
			if err := sender.Send(ctx, m); err != nil {
				b.Fatal(err)
			}
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for j := range batch {
				if _, err := tx.Exec(ctx, `INSERT INTO bench_deliveries (newsletter_id, subscriber_id, sent_at) VALUES (1, ?, ?)
					ON CONFLICT DO NOTHING`, i+j, time.Now().Unix()); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "recipients/s")
}

// discard is an SMTP relay that accepts every message and keeps none.
type discard struct{}

func (discard) NewSession(*smtp.Conn) (smtp.Session, error) { return discardSession{}, nil }

type discardSession struct{}

func (discardSession) Mail(string, *smtp.MailOptions) error { return nil }
func (discardSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (discardSession) Data(r io.Reader) error {
	_, err := io.Copy(io.Discard, r)
	return err
}
func (discardSession) Reset()        {}
func (discardSession) Logout() error { return nil }
