package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/demo"
	"github.com/lede-news/lede/internal/importer"
	"github.com/lede-news/lede/internal/testdb"
	"github.com/lede-news/lede/internal/textanalysis"
)

// The corpus benchmark: LEDE_SEARCH_BENCH_DOCS articles (default 2,000;
// docs/search.md has the figures for 100,000), half French, half English,
// indexed through the same path as publishing, then queried. Run it with
//
//	LEDE_SEARCH_BENCH_DOCS=100000 go test ./internal/search -run '^$' -bench Corpus -benchtime 1x -timeout 3h
//
// and LEDE_TEST_POSTGRES set for the PostgreSQL half.
// LEDE_SEARCH_BENCH_KEEP=DIR keeps the corpus for the next run, which then
// measures queries only: SQLite in DIR, PostgreSQL as database lede_bench_N.
func BenchmarkCorpus(b *testing.B) {
	n := 2000
	if v := os.Getenv("LEDE_SEARCH_BENCH_DOCS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 10 {
			b.Fatalf("LEDE_SEARCH_BENCH_DOCS=%q", v)
		}
	}
	engines := []string{"sqlite"}
	if os.Getenv(testdb.EnvPostgres) != "" {
		engines = append(engines, "postgres")
	}
	for _, engine := range engines {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			d, reuse := benchDB(b, engine, n)
			c := newCorpus(b, n)
			start := time.Now()
			c.insert(b, d, !reuse)
			s := New(d)
			if !reuse {
				b.Logf("%s: %d articles written in %v", engine, n, time.Since(start).Round(time.Millisecond))
				start = time.Now()
				if err := s.Rebuild(ctx, nil); err != nil {
					b.Fatal(err)
				}
				took := time.Since(start)
				b.Logf("%s: indexed %d articles in %v: %.0f articles/s", engine, n, took.Round(time.Millisecond), float64(n)/took.Seconds())
				b.Run("index", func(b *testing.B) {
					b.ReportMetric(float64(n)/took.Seconds(), "articles/s")
					b.ReportMetric(0, "ns/op")
				})
				b.Run("publish", func(b *testing.B) { benchPublish(b, s) })
			}
			for _, kind := range []string{"one-word", "multi-word", "phrase", "prefix"} {
				queries := c.queries[kind]
				b.Run(kind, func(b *testing.B) {
					var lat []time.Duration
					hits := 0
					for range b.N {
						for _, q := range queries {
							t0 := time.Now()
							res, err := s.Search(ctx, Request{EditionID: c.editions[q.ed], Lang: q.ed, Query: q.q, Now: c.now})
							lat = append(lat, time.Since(t0))
							if err != nil {
								b.Fatal(err)
							}
							hits += res.Total
						}
					}
					slices.Sort(lat)
					ms := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / 1e6 }
					b.ReportMetric(ms(0.5), "p50-ms")
					b.ReportMetric(ms(0.95), "p95-ms")
					b.ReportMetric(ms(0.99), "p99-ms")
					b.ReportMetric(float64(hits)/float64(len(lat)), "results/query")
					b.ReportMetric(0, "ns/op")
				})
			}
		})
	}
}

// benchDB opens the benchmark's database. With LEDE_SEARCH_BENCH_KEEP set
// to a folder, the SQLite corpus is kept there (lede-bench-N.db) and
// reused by the next run, which then measures queries only.
func benchDB(b *testing.B, engine string, n int) (*db.DB, bool) {
	dir := os.Getenv("LEDE_SEARCH_BENCH_KEEP")
	switch {
	case engine == "postgres" && dir == "":
		return testdb.Postgres(b), false
	case engine == "postgres":
		return keptPostgres(b, n)
	case dir == "":
		return testdb.SQLite(b), false
	}
	path := filepath.Join(dir, fmt.Sprintf("lede-bench-%d.db", n))
	_, err := os.Stat(path)
	reuse := err == nil
	d, err := db.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	return d, reuse
}

// keptPostgres is the PostgreSQL database lede_bench_N on the server of
// LEDE_TEST_POSTGRES, created on the first run and reused (drop it by hand).
func keptPostgres(b *testing.B, n int) (*db.DB, bool) {
	ctx := context.Background()
	base, err := url.Parse(os.Getenv(testdb.EnvPostgres))
	if err != nil {
		b.Fatal(err)
	}
	name := fmt.Sprintf("lede_bench_%d", n)
	admin, err := db.Open(ctx, base.String())
	if err != nil {
		b.Fatal(err)
	}
	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = ?)`, name).Scan(&exists); err != nil {
		b.Fatal(err)
	}
	if !exists {
		if _, err := admin.Exec(ctx, `CREATE DATABASE `+name); err != nil {
			b.Fatal(err)
		}
	}
	admin.Close()
	base.Path = "/" + name
	d, err := db.Open(ctx, base.String())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	return d, exists
}

// benchPublish times the publishing path on the full index: 200 articles
// are taken out, then published again one transaction each.
func benchPublish(b *testing.B, s *Store) {
	ctx := context.Background()
	ids, err := queryIDs(ctx, s.DB, `SELECT article_id FROM search_docs ORDER BY article_id DESC LIMIT 200`)
	if err != nil {
		b.Fatal(err)
	}
	setStatus := func(id int64, status string) time.Duration {
		start := time.Now()
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `UPDATE articles SET status = ? WHERE id = ?`, status, id); err != nil {
				return err
			}
			return s.Index(ctx, tx, id)
		})
		if err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	for _, id := range ids {
		setStatus(id, "draft")
	}
	var lat []time.Duration
	for _, id := range ids {
		lat = append(lat, setStatus(id, "published"))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2])/1e6, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100])/1e6, "p95-ms")
	b.ReportMetric(0, "ns/op")
}

// corpus is generated news-like copy in French and English: real words of
// the demo articles, commonest first, followed by invented ones for the
// long tail of names and rare words, drawn from a Zipf distribution; each
// article also draws a quarter of its words from one of 300 topics, so
// that words co-occur as they do in news.
type corpus struct {
	n        int
	now      time.Time
	langs    map[string]*lexicon
	editions map[string]int64
	queries  map[string][]benchQuery
	r        *rand.Rand
}

type lexicon struct {
	words  []string
	zipf   *rand.Zipf
	topics [][]string
	useful []string // words that are not stop words, commonest first
}

type benchQuery struct{ ed, q string }

func newCorpus(b testing.TB, n int) *corpus {
	c := &corpus{n: n, now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC), langs: map[string]*lexicon{},
		queries: map[string][]benchQuery{}, r: rand.New(rand.NewPCG(7, 11))}
	counts := map[string]map[string]int{"fr": {}, "en": {}}
	recs, err := demo.Records(c.now)
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.Lines(string(recs)) {
		r, err := importer.Decode([]byte(line))
		if err != nil || r.Type != "article" {
			continue
		}
		for _, text := range []string{r.Headline, r.Standfirst, r.Body} {
			for _, t := range textanalysis.Tokens(r.Edition, text) {
				w := strings.ToLower(text[t.Start:t.End])
				if strings.IndexFunc(w, func(r rune) bool { return r >= '0' && r <= '9' }) < 0 {
					counts[r.Edition][w]++
				}
			}
		}
	}
	syllables := map[string][]string{
		"fr": {"ba", "ré", "lo", "mi", "ton", "sel", "var", "quin", "eau", "cha", "nel", "dé", "pon", "ri", "gue", "lan"},
		"en": {"ba", "ker", "lo", "mi", "ton", "sel", "var", "quin", "ford", "sha", "nel", "dale", "wick", "ri", "gan", "ley"},
	}
	for _, lang := range []string{"fr", "en"} {
		cnt := counts[lang]
		l := &lexicon{}
		for w := range cnt {
			l.words = append(l.words, w)
		}
		sort.Slice(l.words, func(i, j int) bool {
			a, b := l.words[i], l.words[j]
			return cnt[a] > cnt[b] || (cnt[a] == cnt[b] && a < b)
		})
		seen := map[string]bool{}
		for _, w := range l.words {
			seen[w] = true
		}
		syl := syllables[lang]
		for len(l.words) < 40000 {
			var w strings.Builder
			for range 2 + c.r.IntN(3) {
				w.WriteString(syl[c.r.IntN(len(syl))])
			}
			if !seen[w.String()] {
				seen[w.String()] = true
				l.words = append(l.words, w.String())
			}
		}
		l.zipf = rand.NewZipf(c.r, 1.05, 2, uint64(len(l.words)-1))
		for _, w := range l.words {
			if !textanalysis.IsStopWord(lang, w) && len(textanalysis.Terms(lang, w)) == 1 {
				l.useful = append(l.useful, w)
			}
		}
		for range 300 {
			topic := make([]string, 30)
			for i := range topic {
				topic[i] = l.useful[50+c.r.IntN(min(len(l.useful)-50, 8000))]
			}
			l.topics = append(l.topics, topic)
		}
		c.langs[lang] = l
	}
	return c
}

// text writes words words of copy on topic, in sentences.
func (c *corpus) text(l *lexicon, topic []string, words int) string {
	var b strings.Builder
	start := true
	for i := range words {
		var w string
		if c.r.IntN(4) == 0 {
			w = topic[c.r.IntN(len(topic))]
		} else {
			w = l.words[l.zipf.Uint64()]
		}
		if start {
			r, n := utf8.DecodeRuneInString(w)
			w = string(unicode.ToUpper(r)) + w[n:]
			start = false
		}
		b.WriteString(w)
		if i%14 == 13 || i == words-1 {
			b.WriteString(". ")
			start = true
		} else {
			b.WriteByte(' ')
		}
	}
	return strings.TrimSpace(b.String())
}

// insert writes the editions and articles straight into the tables, not
// through the importer, so that only indexing is timed; it also picks the
// queries, 100 of each kind per language, from what it wrote.
func (c *corpus) insert(b testing.TB, d *db.DB, write bool) {
	ctx := context.Background()
	c.editions = map[string]int64{}
	sections := map[string][]int64{}
	if !write {
		for _, lang := range []string{"fr", "en"} {
			c.editions[lang] = lookupID(b, d, `SELECT id FROM editions WHERE code = ?`, lang)
			sections[lang] = make([]int64, 6)
		}
	}
	err := d.InTx(ctx, func(tx *db.Tx) error {
		if !write {
			return nil
		}
		for _, lang := range []string{"fr", "en"} {
			id, err := tx.InsertID(ctx, `INSERT INTO editions (code, name, lang, timezone) VALUES (?, ?, ?, 'UTC')`, lang, "Lede "+lang, lang)
			if err != nil {
				return err
			}
			c.editions[lang] = id
			for i := range 6 {
				sid, err := tx.InsertID(ctx, `INSERT INTO sections (edition_id, slug, name, position) VALUES (?, ?, ?, ?)`,
					id, fmt.Sprintf("s%d", i), fmt.Sprintf("Section %d", i), i)
				if err != nil {
					return err
				}
				sections[lang] = append(sections[lang], sid)
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	const batch = 200
	for i := 0; i < c.n; i += batch {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			var sb strings.Builder
			var args []any
			sb.WriteString(`INSERT INTO articles (edition_id, section_id, slug, headline, standfirst, body_md, body_html,
				published_at, modified_at) VALUES `)
			for j := i; j < min(i+batch, c.n); j++ {
				lang := "fr"
				if j%2 == 1 {
					lang = "en"
				}
				l := c.langs[lang]
				topic := l.topics[c.r.IntN(len(l.topics))]
				headline := strings.TrimSuffix(c.text(l, topic, 10), ".")
				standfirst := c.text(l, topic, 30)
				var md, html strings.Builder
				for range 6 {
					p := c.text(l, topic, 70)
					md.WriteString(p + "\n\n")
					html.WriteString("<p>" + p + "</p>\n")
				}
				pub := c.now.Add(-time.Duration(c.r.Int64N(3*365*24)) * time.Hour).Unix()
				if j > i {
					sb.WriteString(", ")
				}
				sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
				args = append(args, c.editions[lang], sections[lang][c.r.IntN(6)], fmt.Sprintf("a-%d", j), headline, standfirst,
					md.String(), html.String(), pub, pub)
				if j%(c.n/200+1) == 0 {
					c.pickQueries(lang, headline+" "+md.String())
				}
			}
			if !write {
				return nil
			}
			_, err := tx.Exec(ctx, sb.String(), args...)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// pickQueries takes queries of each kind from an article's text, so that
// multi-word and phrase queries find at least it, plus one-word and prefix
// queries from the common to the rare part of the vocabulary.
func (c *corpus) pickQueries(lang, text string) {
	if len(c.queries["phrase"]) >= 200 {
		return
	}
	l := c.langs[lang]
	var words []string
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '.' || r == '\n' }) {
		w := strings.ToLower(f)
		if !textanalysis.IsStopWord(lang, w) && len(textanalysis.Terms(lang, w)) == 1 {
			words = append(words, w)
		}
	}
	if len(words) < 10 {
		return
	}
	useful := l.useful[:min(len(l.useful), 3000)]
	one := useful[c.r.IntN(len(useful))]
	c.queries["one-word"] = append(c.queries["one-word"], benchQuery{lang, one + " "})
	k := 2 + c.r.IntN(2)
	multi := make([]string, k)
	for i := range multi {
		multi[i] = words[c.r.IntN(len(words))]
	}
	c.queries["multi-word"] = append(c.queries["multi-word"], benchQuery{lang, strings.Join(multi, " ") + " "})
	p := c.r.IntN(len(words) - 1)
	c.queries["phrase"] = append(c.queries["phrase"], benchQuery{lang, `"` + words[p] + " " + words[p+1] + `"`})
	pre := []rune(useful[c.r.IntN(len(useful))])
	c.queries["prefix"] = append(c.queries["prefix"], benchQuery{lang, string(pre[:min(len(pre), 3+c.r.IntN(2))])})
}
