package related

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

// synth writes news-like copy on 40 topics: a third of each article's words
// come from its topic's vocabulary, the rest from a Zipfian general one.
type synth struct {
	r       *rand.Rand
	zipf    *rand.Zipf
	general []string
	topics  [][]string
}

func newSynth() *synth {
	r := rand.New(rand.NewPCG(1, 2))
	syl := []string{"ba", "ri", "to", "lu", "me", "sa", "no", "ve", "ci", "da", "pe", "gor", "tan", "mil", "su", "ra"}
	word := func() string {
		var w strings.Builder
		for range 2 + r.IntN(3) {
			w.WriteString(syl[r.IntN(len(syl))])
		}
		return w.String()
	}
	s := &synth{r: r, general: make([]string, 3000), topics: make([][]string, 40)}
	for i := range s.general {
		s.general[i] = word()
	}
	s.zipf = rand.NewZipf(r, 1.1, 2, uint64(len(s.general)-1))
	for i := range s.topics {
		s.topics[i] = make([]string, 80)
		for j := range s.topics[i] {
			s.topics[i][j] = word()
		}
	}
	return s
}

func (s *synth) text(topic, words int) string {
	var b strings.Builder
	for range words {
		if s.r.IntN(3) == 0 {
			b.WriteString(s.topics[topic][s.r.IntN(len(s.topics[topic]))])
		} else {
			b.WriteString(s.general[s.zipf.Uint64()])
		}
		b.WriteByte(' ')
	}
	return b.String()
}

// newsdesk is a site filled with synthetic articles, indexed by Rebuild.
type newsdesk struct {
	*site
	synth    *synth
	sections []int64
	tags     []int64
	ids      []int64
}

func newNewsdesk(b *testing.B, d *db.DB, n int) *newsdesk {
	nd := &newsdesk{site: newSite(b, d, "fr"), synth: newSynth()}
	for _, s := range []string{"international", "france", "economie", "culture"} {
		nd.sections = append(nd.sections, nd.section(s))
	}
	for i := range 60 {
		nd.tags = append(nd.tags, nd.tag(fmt.Sprintf("tag-%d", i)))
	}
	nd.tx(func(tx *db.Tx) error {
		for range n {
			if _, err := nd.insert(tx); err != nil {
				return err
			}
		}
		return nil
	})
	start := time.Now()
	if err := nd.s.Rebuild(context.Background(), nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("Rebuild of %d articles: %v", n, time.Since(start).Round(time.Millisecond))
	return nd
}

// insert writes one more article, four hours after the previous one, with
// its topic's tag and a general one.
func (nd *newsdesk) insert(tx *db.Tx) (int64, error) {
	ctx := context.Background()
	s := nd.synth
	topic := s.r.IntN(len(s.topics))
	id, err := tx.InsertID(ctx, `INSERT INTO articles (edition_id, section_id, slug, headline, standfirst, body_md,
		body_html, published_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, '', ?, ?)`,
		nd.edition, nd.sections[topic%len(nd.sections)], fmt.Sprintf("s-%d", len(nd.ids)), s.text(topic, 10),
		s.text(topic, 25), s.text(topic, 400), nd.now+int64(len(nd.ids))*4*3600, nd.now)
	if err != nil {
		return 0, err
	}
	nd.ids = append(nd.ids, id)
	for _, tag := range []int64{nd.tags[topic], nd.tags[40+s.r.IntN(20)]} {
		if _, err := tx.Exec(ctx, `INSERT INTO article_tags (article_id, tag_id) VALUES (?, ?)`, id, tag); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// engines runs a benchmark on SQLite, and on PostgreSQL when
// LEDE_TEST_POSTGRES is set.
func engines(b *testing.B, fn func(b *testing.B, d *db.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, testdb.SQLite(b)) })
	if os.Getenv(testdb.EnvPostgres) != "" {
		b.Run("postgres", func(b *testing.B) { fn(b, testdb.Postgres(b)) })
	}
}

// BenchmarkUpdate re-indexes one article of 2,000, as an edit does:
// analysis, counts, index, candidates, its list and the offers.
func BenchmarkUpdate(b *testing.B) {
	engines(b, func(b *testing.B, d *db.DB) {
		nd := newNewsdesk(b, d, 2000)
		ctx := context.Background()
		i := 0
		for b.Loop() {
			id := nd.ids[i*7%len(nd.ids)]
			i++
			err := d.InTx(ctx, func(tx *db.Tx) error {
				_, err := nd.s.Update(ctx, tx, id)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPublish adds new articles to 2,000, each written and indexed in
// one transaction as the importer does; touched/op counts the other lists
// each one entered.
func BenchmarkPublish(b *testing.B) {
	engines(b, func(b *testing.B, d *db.DB) {
		nd := newNewsdesk(b, d, 2000)
		ctx := context.Background()
		touched := 0
		for b.Loop() {
			err := d.InTx(ctx, func(tx *db.Tx) error {
				id, err := nd.insert(tx)
				if err != nil {
					return err
				}
				t, err := nd.s.Update(ctx, tx, id)
				touched += len(t)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(touched)/float64(b.N), "touched/op")
	})
}

func BenchmarkFor(b *testing.B) {
	engines(b, func(b *testing.B, d *db.DB) {
		nd := newNewsdesk(b, d, 2000)
		ctx := context.Background()
		i := 0
		for b.Loop() {
			if _, err := nd.s.For(ctx, nd.ids[i%len(nd.ids)], 5); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
