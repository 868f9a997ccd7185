package search

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
	"github.com/lede-news/lede/internal/textanalysis"
)

// The generated judged set: a seeded generator writes a corpus of
// news-like copy in French and English (the benchmark's lexicons: the demo
// articles' real words, commonest first, then invented ones, drawn from a
// Zipf law with topics), and plants among it, for each judged query:
//
//   - the article that should come first (grade 2): the query's words in
//     its headline, its standfirst and two to four times in its body;
//   - a secondary article (grade 1): the words in its standfirst and once
//     or twice in its body;
//   - distractors (grade 0) that match the query too: two published in the
//     last three days with each word once in the body (the recency boost
//     must not carry them over the relevant ones); for queries of several
//     words, one that repeats the first word ten times in its body and
//     has the others once (term frequency must saturate); for a phrase,
//     one with both words in its headline but apart.
//
// The background articles (genGround per edition) are noise that matches
// the queries by chance, as real archives do: they count as not relevant.
// Queries are typed as readers type them: one, two or three words, a
// quoted phrase, the last word half-typed, or without accents; their words
// are taken from the commonest 3,000 (past the first 200) that are no
// topic's, so that the background mentions them by chance only.

const (
	genSeed    = 2026
	genGround  = 1000 // background articles per edition
	genPerLang = 24   // judged queries per edition
)

type genQuery struct {
	ed, kind, q string
	grades      map[string]int // external id → grade (2: should come first)
}

type genDoc struct {
	ed, id, headline, standfirst, body string
	pub                                time.Time
}

// genJudged writes the generated corpus into d and returns its queries.
// The same seed gives the same corpus and queries.
func genJudged(t testing.TB, d *db.DB) []genQuery {
	t.Helper()
	c := newCorpus(t, 0) // lexicons only
	r := rand.New(rand.NewPCG(genSeed, 1))
	c.r = r
	var docs []genDoc
	var queries []genQuery
	at := func(maxAgeHours int64) time.Time { return now.Add(-time.Duration(1+r.Int64N(maxAgeHours)) * time.Hour) }
	// insertAt puts words into text (a list of words) at random places, each
	// alone, or all together when adjacent.
	insertAt := func(text []string, words []string, adjacent bool) []string {
		if adjacent {
			p := r.IntN(len(text) + 1)
			return append(text[:p], append(append([]string{}, words...), text[p:]...)...)
		}
		for _, w := range words {
			p := r.IntN(len(text) + 1)
			text = append(text[:p], append([]string{w}, text[p:]...)...)
		}
		return text
	}
	words := func(l *lexicon, topic []string, n int) []string {
		return strings.Fields(strings.ReplaceAll(c.text(l, topic, n), ".", ""))
	}
	paragraphs := func(text []string) string {
		var b strings.Builder
		for i := 0; i < len(text); i += 70 {
			b.WriteString(strings.Join(text[i:min(i+70, len(text))], " ") + ".\n\n")
		}
		return b.String()
	}
	kinds := []string{"one-word", "two-words", "three-words", "phrase", "prefix", "unaccented"}
	for _, ed := range []string{"fr", "en"} {
		l := c.langs[ed]
		topic := func() []string { return l.topics[r.IntN(len(l.topics))] }
		for range genGround {
			tp := topic()
			docs = append(docs, genDoc{ed: ed, headline: strings.Join(words(l, tp, 10), " "), standfirst: strings.Join(words(l, tp, 30), " ") + ".",
				body: paragraphs(words(l, tp, 420)), pub: at(3 * 365 * 24)})
		}
		used := map[string]bool{} // words taken, and the topics' words: a query's words are not any topic's
		for _, tp := range l.topics {
			for _, w := range tp {
				used[w] = true
			}
		}
		pick := func(minLen int, accented bool) string {
			for {
				w := l.useful[200+r.IntN(2800)]
				if used[w] || len([]rune(w)) < minLen || (accented && textanalysis.Fold(w) == w) {
					continue
				}
				used[w] = true
				return w
			}
		}
		for i := range genPerLang {
			kind := kinds[i%len(kinds)]
			n := map[string]int{"one-word": 1, "three-words": 3}[kind]
			if n == 0 {
				n = 2
			}
			qw := make([]string, n)
			for k := range qw {
				minLen := 3
				if kind == "prefix" && k == n-1 {
					minLen = 7
				}
				qw[k] = pick(minLen, kind == "unaccented" && k == 0 && ed == "fr")
			}
			var q string
			switch kind {
			case "phrase":
				q = `"` + strings.Join(qw, " ") + `"`
			case "prefix":
				last := []rune(qw[n-1])
				q = strings.Join(qw[:n-1], " ") + " " + string(last[:4+r.IntN(2)])
			case "unaccented":
				q = textanalysis.Fold(strings.Join(qw, " ")) + " "
			default:
				q = strings.Join(qw, " ") + " "
			}
			g := genQuery{ed: ed, kind: kind, q: q, grades: map[string]int{}}
			adj := kind == "phrase"
			tp := topic()
			plant := func(grade int, d genDoc) {
				d.ed, d.id = ed, fmt.Sprintf("g-%s-%d-%d", ed, i, len(g.grades))
				docs = append(docs, d)
				g.grades[d.id] = grade
			}
			// The article that should come first.
			body := words(l, tp, 420)
			for range 2 + r.IntN(3) {
				body = insertAt(body, qw, adj)
			}
			plant(2, genDoc{headline: strings.Join(insertAt(words(l, tp, 8), qw, true), " "),
				standfirst: strings.Join(insertAt(words(l, tp, 28), qw, adj), " ") + ".", body: paragraphs(body), pub: at(3 * 365 * 24)})
			// A secondary one.
			body = words(l, tp, 420)
			for range 1 + r.IntN(2) {
				body = insertAt(body, qw, adj)
			}
			plant(1, genDoc{headline: strings.Join(words(l, tp, 10), " "), standfirst: strings.Join(insertAt(words(l, tp, 28), qw, adj), " ") + ".",
				body: paragraphs(body), pub: at(3 * 365 * 24)})
			// Distractors: recent, stuffed, a broken phrase.
			for range 2 {
				tp := topic()
				plant(0, genDoc{headline: strings.Join(words(l, tp, 10), " "), standfirst: strings.Join(words(l, tp, 30), " ") + ".",
					body: paragraphs(insertAt(words(l, tp, 420), qw, adj)), pub: at(72)})
			}
			if n > 1 {
				body = words(l, tp, 420)
				for range 10 {
					body = insertAt(body, qw[:1], false)
				}
				plant(0, genDoc{headline: strings.Join(words(l, tp, 10), " "), standfirst: strings.Join(words(l, tp, 30), " ") + ".",
					body: paragraphs(insertAt(body, qw, adj)), pub: at(3 * 365 * 24)})
			}
			if adj {
				h := words(l, tp, 10)
				h = append(append([]string{qw[1]}, h...), qw[0])
				plant(0, genDoc{headline: strings.Join(h, " "), standfirst: strings.Join(words(l, tp, 30), " ") + ".",
					body: paragraphs(words(l, tp, 420)), pub: at(72)})
			}
			queries = append(queries, g)
		}
	}
	ctx := context.Background()
	err := d.InTx(ctx, func(tx *db.Tx) error {
		eds, secs := map[string]int64{}, map[string]int64{}
		for _, ed := range []string{"fr", "en"} {
			id, err := tx.InsertID(ctx, `INSERT INTO editions (code, name, lang, timezone) VALUES (?, ?, ?, 'UTC')`, ed, "Lede "+ed, ed)
			if err != nil {
				return err
			}
			eds[ed] = id
			if secs[ed], err = tx.InsertID(ctx, `INSERT INTO sections (edition_id, slug, name) VALUES (?, 'news', 'News')`, id); err != nil {
				return err
			}
		}
		for i, doc := range docs {
			if doc.id == "" {
				doc.id = fmt.Sprintf("g-%s-bg-%d", doc.ed, i)
			}
			var html strings.Builder
			for p := range strings.SplitSeq(strings.TrimSpace(doc.body), "\n\n") {
				html.WriteString("<p>" + p + "</p>\n")
			}
			if _, err := tx.Exec(ctx, `INSERT INTO articles (external_id, edition_id, section_id, slug, headline, standfirst, body_md, body_html, published_at, modified_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, doc.id, eds[doc.ed], secs[doc.ed], fmt.Sprintf("a-%d", i),
				doc.headline, doc.standfirst, doc.body, html.String(), doc.pub.Unix(), doc.pub.Unix()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := New(d).Rebuild(ctx, nil); err != nil {
		t.Fatal(err)
	}
	return queries
}

// quality is the judged figures of one edition or of all.
type quality struct {
	mrr, ndcg float64
	n         int
}

func (q *quality) add(rr, ndcg float64) { q.mrr += rr; q.ndcg += ndcg; q.n++ }
func (q quality) String() string {
	return fmt.Sprintf("MRR@10 %.3f, nDCG@10 %.3f over %d queries", q.mrr/float64(q.n), q.ndcg/float64(q.n), q.n)
}

// score gives the reciprocal rank of the first grade-2 article in got
// (the top 10) and nDCG@10 with gains 2^grade − 1.
func score(got []string, grades map[string]int) (rr, ndcg float64) {
	best := 0
	for _, g := range grades {
		best = max(best, g)
	}
	var dcg float64
	for i, id := range got[:min(len(got), 10)] {
		g := grades[id]
		if g == best && rr == 0 {
			rr = 1 / float64(i+1)
		}
		dcg += (math.Exp2(float64(g)) - 1) / math.Log2(float64(i+2))
	}
	var ideal []int
	for _, g := range grades {
		if g > 0 {
			ideal = append(ideal, g)
		}
	}
	for i := range ideal { // sort descending, few items
		for j := i + 1; j < len(ideal); j++ {
			if ideal[j] > ideal[i] {
				ideal[i], ideal[j] = ideal[j], ideal[i]
			}
		}
	}
	var idcg float64
	for i, g := range ideal[:min(len(ideal), 10)] {
		idcg += (math.Exp2(float64(g)) - 1) / math.Log2(float64(i+2))
	}
	if idcg > 0 {
		ndcg = dcg / idcg
	}
	return rr, ndcg
}

// Floors of the generated judged set (docs/search.md has the figures).
const (
	genMRRFloor  = 0.9
	genNDCGFloor = 0.9
)

// TestJudgedGenerated measures the generated judged set on each engine and
// fails below the floors. The figures are deterministic; run with -v to
// see them and the misses.
func TestJudgedGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes a generated corpus of 2,300 articles")
	}
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		queries := genJudged(t, d)
		s := New(d)
		all, kinds := quality{}, map[string]*quality{}
		eds := map[string]*quality{"fr": {}, "en": {}}
		for _, g := range queries {
			r := request(t, d, g.ed, g.q)
			r.PerPage = 10
			res, err := s.Search(context.Background(), r)
			if err != nil {
				t.Fatal(err)
			}
			got := externalIDs(t, d, res.Hits)
			rr, nd := score(got, g.grades)
			if rr < 1 || nd < 0.99 {
				t.Logf("%s %s %q: RR %.2f nDCG %.2f, got %v (grades %v)", g.ed, g.kind, g.q, rr, nd, got, g.grades)
			}
			all.add(rr, nd)
			eds[g.ed].add(rr, nd)
			if kinds[g.kind] == nil {
				kinds[g.kind] = &quality{}
			}
			kinds[g.kind].add(rr, nd)
		}
		t.Logf("generated, en: %v", eds["en"])
		t.Logf("generated, fr: %v", eds["fr"])
		for _, k := range []string{"one-word", "two-words", "three-words", "phrase", "prefix", "unaccented"} {
			t.Logf("generated, %s: %v", k, kinds[k])
		}
		t.Logf("generated, all: %v", all)
		if m := all.mrr / float64(all.n); m < genMRRFloor {
			t.Errorf("generated set: MRR@10 %.3f fell below %.2f", m, genMRRFloor)
		}
		if n := all.ndcg / float64(all.n); n < genNDCGFloor {
			t.Errorf("generated set: nDCG@10 %.3f fell below %.2f", n, genNDCGFloor)
		}
	})
}
