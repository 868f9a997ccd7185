package search

import (
	"context"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

// BenchmarkPostgresLayout measures PostgreSQL matching and ranking before
// and after migration 0017 in one run, on the corpus BenchmarkCorpus keeps
// (run that first with LEDE_SEARCH_BENCH_KEEP and LEDE_TEST_POSTGRES):
// "before" is the previous layout (tsvector and frequencies inline in a
// wide heap, pglz, the planner's choice of scan, frequencies joined back
// after the sort, totals counted) rebuilt as search_docs_wide; "after" is
// the engine as it is. Each query runs on both, alternately, so that other
// programs on the machine weigh on both alike; both must find the same
// articles with the same scores.
//
//	LEDE_SEARCH_BENCH_KEEP=/tmp/x LEDE_SEARCH_BENCH_DOCS=100000 LEDE_TEST_POSTGRES=… go test ./internal/search -run '^$' -bench PostgresLayout -benchtime 1x -timeout 1h
func BenchmarkPostgresLayout(b *testing.B) {
	if os.Getenv(testdb.EnvPostgres) == "" || os.Getenv("LEDE_SEARCH_BENCH_KEEP") == "" {
		b.Skip("needs LEDE_TEST_POSTGRES and a corpus kept by BenchmarkCorpus (LEDE_SEARCH_BENCH_KEEP)")
	}
	n, err := strconv.Atoi(os.Getenv("LEDE_SEARCH_BENCH_DOCS"))
	if err != nil {
		b.Fatal("set LEDE_SEARCH_BENCH_DOCS as for BenchmarkCorpus")
	}
	ctx := context.Background()
	d, reuse := keptPostgres(b, n)
	if !reuse {
		b.Fatal("no kept corpus: run BenchmarkCorpus with LEDE_SEARCH_BENCH_KEEP first")
	}
	c := newCorpus(b, n)
	c.insert(b, d, false)
	var wide bool
	d.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_class WHERE relname = 'search_docs_wide')`).Scan(&wide)
	if !wide {
		start := time.Now()
		for _, stmt := range []string{
			`CREATE TABLE search_docs_wide (article_id BIGINT PRIMARY KEY, edition_id BIGINT NOT NULL, section_id BIGINT NOT NULL,
				published_at BIGINT NOT NULL, len BIGINT NOT NULL, tsv TSVECTOR NOT NULL, tf JSONB COMPRESSION pglz NOT NULL)`,
			`INSERT INTO search_docs_wide SELECT article_id, edition_id, section_id, published_at, len, tsv, tf || '{}'::jsonb FROM search_docs`,
			`CREATE INDEX search_docs_wide_tsv ON search_docs_wide USING GIN (tsv)`,
			`ANALYZE search_docs_wide`,
		} {
			if _, err := d.Exec(ctx, stmt); err != nil {
				b.Fatal(err)
			}
		}
		b.Logf("wide copy made in %v", time.Since(start).Round(time.Second))
	}
	var narrow, wideSize string
	d.QueryRow(ctx, `SELECT pg_size_pretty(pg_relation_size('search_docs')), pg_size_pretty(pg_relation_size('search_docs_wide'))`).Scan(&narrow, &wideSize)
	b.Logf("heap: search_docs %s, search_docs_wide %s", narrow, wideSize)
	s := New(d)
	eng := tsvector{}
	for _, kind := range []string{"one-word", "multi-word", "phrase", "prefix"} {
		var before, after []time.Duration
		for _, bq := range c.queries[kind] {
			r := Request{EditionID: c.editions[bq.ed], Lang: bq.ed, Query: bq.q, Now: c.now, PerPage: DefaultPer, Page: 1}
			q, problem := parse(r.Lang, r.Query)
			if problem != ProblemNone {
				continue
			}
			p, err := s.plan(ctx, r.EditionID, &q)
			if err != nil {
				b.Fatal(err)
			}
			f := &finding{plan: p, req: r, limit: r.PerPage}
			t0 := time.Now()
			oh, ot, err := oldFind(ctx, d, f)
			before = append(before, time.Since(t0))
			if err != nil {
				b.Fatal(err)
			}
			t0 = time.Now()
			nh, nt, err := eng.find(ctx, d, f)
			after = append(after, time.Since(t0))
			if err != nil {
				b.Fatal(err)
			}
			if ot != nt || !slices.Equal(oh, nh) {
				b.Fatalf("%q: before %d %v, after %d %v", bq.q, ot, oh, nt, nh)
			}
		}
		b.Run(kind, func(b *testing.B) {
			for _, m := range []struct {
				name string
				lat  []time.Duration
			}{{"before", before}, {"after", after}} {
				slices.Sort(m.lat)
				ms := func(p float64) float64 { return float64(m.lat[int(p*float64(len(m.lat)-1))]) / 1e6 }
				b.ReportMetric(ms(0.5), m.name+"-p50-ms")
				b.ReportMetric(ms(0.95), m.name+"-p95-ms")
			}
			b.ReportMetric(0, "ns/op")
		})
	}
}

// oldFind is tsvector.find before migration 0017, on search_docs_wide.
func oldFind(ctx context.Context, d *db.DB, f *finding) ([]hit, int, error) {
	var docs, tokens int64
	if err := d.QueryRow(ctx, `SELECT COALESCE(sum(docs), 0), COALESCE(sum(tokens), 0) FROM search_stats`).Scan(&docs, &tokens); err != nil {
		return nil, 0, err
	}
	df, err := globalDF(ctx, d, f.rank)
	if err != nil {
		return nil, 0, err
	}
	where, args := tsWhere(f)
	var total int
	if err := d.QueryRow(ctx, `SELECT count(*) FROM search_docs_wide d`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if total == 0 || f.offset >= total {
		return nil, total, nil
	}
	query, qargs := rankedQuery(f, docs, tokens, df)
	for _, r := range [][2]string{
		{"d.len, d.tf\n\t\tFROM search_docs d", "d.len\n\t\tFROM search_docs_wide d"},
		{"c.tf || '{}'::jsonb AS tf FROM c)", "x.tf || '{}'::jsonb AS tf FROM c JOIN search_docs_wide x ON x.article_id = c.article_id)"},
	} {
		if !strings.Contains(query, r[0]) {
			panic("oldFind: the ranked query changed: " + r[0])
		}
		query = strings.Replace(query, r[0], r[1], 1)
	}
	hits, err := scanHits(ctx, d, query, qargs...)
	return hits, total, err
}
