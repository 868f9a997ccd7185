package search

import (
	"bufio"
	"context"
	"encoding/json"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/demo"
	"github.com/lede-news/lede/internal/importer"
	"github.com/lede-news/lede/internal/testdb"
)

// judgement is a query of the judged set and the articles that should come
// first.
type judgement struct {
	Ed   string   `json:"ed"`
	Q    string   `json:"q"`
	Want []string `json:"want"`
}

func loadJudged(t testing.TB) []judgement {
	t.Helper()
	f, err := os.Open("testdata/judged.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []judgement
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		var j judgement
		if err := json.Unmarshal([]byte(line), &j); err != nil {
			t.Fatalf("judged.ndjson: %v", err)
		}
		out = append(out, j)
	}
	return out
}

// loadDemo loads the demo newsroom, dated so that its newest story is an
// hour before the tests' now.
func loadDemo(t testing.TB, d *db.DB) *Store {
	t.Helper()
	s := New(d)
	if _, err := demo.Load(context.Background(), &importer.Importer{DB: d, Search: s}, now); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestJudged measures the judged set: the mean reciprocal rank of the first
// right answer in the top 10 and nDCG@10 (every right answer gains 1), per
// edition. The figures are in
// docs/search.md; run with -v to see them and the misses.
func TestJudged(t *testing.T) {
	judged := loadJudged(t)
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		s := loadDemo(t, d)
		all, eds := quality{}, map[string]*quality{"en": {}, "fr": {}}
		for _, j := range judged {
			r := request(t, d, j.Ed, j.Q)
			r.PerPage = 10
			res, err := s.Search(context.Background(), r)
			if err != nil {
				t.Fatal(err)
			}
			got := externalIDs(t, d, res.Hits)
			grades := map[string]int{}
			for _, id := range j.Want {
				grades[id] = 1
			}
			rr, nd := score(got, grades)
			if rr < 1 {
				t.Logf("%s %q: want %v, got %v", j.Ed, j.Q, j.Want, got)
			}
			all.add(rr, nd)
			eds[j.Ed].add(rr, nd)
		}
		t.Logf("demo, en: %v", eds["en"])
		t.Logf("demo, fr: %v", eds["fr"])
		t.Logf("demo, all: %v", all)
		if mrr := all.mrr / float64(all.n); mrr < 0.9 {
			t.Errorf("MRR@10 %.3f fell below 0.9", mrr)
		}
	})
}

// TestEnginesAgree runs the judged queries and more on both engines over
// the same content: same articles, same order, same scores.
func TestEnginesAgree(t *testing.T) {
	if os.Getenv(testdb.EnvPostgres) == "" {
		t.Skip(testdb.EnvPostgres + " not set")
	}
	lite, pg := testdb.SQLite(t), testdb.Postgres(t)
	sl, sp := loadDemo(t, lite), loadDemo(t, pg)
	queries := loadJudged(t)
	for _, q := range []string{"the", "europe", "prices energy", `"air defence"`, "nat", "alli", "2026", "gas OR oil", "study"} {
		queries = append(queries, judgement{Ed: "en", Q: q})
	}
	for _, q := range []string{"europe", "l’alliance", `"défense aérienne"`, "milli", "pays", "étude", "prix énergie"} {
		queries = append(queries, judgement{Ed: "fr", Q: q})
	}
	agree(t, lite, pg, sl, sp, queries)
	// Again with few matches scored, as when a query matches most of a large
	// archive: both engines must cut at the same articles.
	defer func(n int) { maxRanked = n }(maxRanked)
	maxRanked = 3
	agree(t, lite, pg, sl, sp, queries)
}

func agree(t *testing.T, lite, pg *db.DB, sl, sp *Store, queries []judgement) {
	t.Helper()
	worst := 0.0
	defer func() { t.Logf("largest relative score difference: %.1e", worst) }()
	for _, j := range queries {
		a, err := sl.Search(context.Background(), request(t, lite, j.Ed, j.Q))
		if err != nil {
			t.Fatal(err)
		}
		b, err := sp.Search(context.Background(), request(t, pg, j.Ed, j.Q))
		if err != nil {
			t.Fatal(err)
		}
		ia, ib := externalIDs(t, lite, a.Hits), externalIDs(t, pg, b.Hits)
		if !slices.Equal(ia, ib) || a.Total != b.Total {
			t.Errorf("%s %q: sqlite %v (%d), postgres %v (%d)", j.Ed, j.Q, ia, a.Total, ib, b.Total)
			continue
		}
		for i := range a.Hits {
			x, y := a.Hits[i].Score, b.Hits[i].Score
			worst = max(worst, math.Abs(x-y)/max(x, y))
			if !near(x, y) {
				t.Errorf("%s %q: %s scores %v on sqlite, %v on postgres", j.Ed, j.Q, ia[i], x, y)
			}
		}
	}
}

func near(x, y float64) bool {
	d := x - y
	if d < 0 {
		d = -d
	}
	return d <= 1e-9*max(1, x, y)
}
