// Package search finds the published articles of an edition by their words.
//
// One analysis in Go (package textanalysis: tokenise, stem, fold accents,
// drop stop words, the same terms as "Read also") feeds each engine's
// full-text index: an FTS5 table on SQLite, a tsvector with a GIN index on
// PostgreSQL. Both rank by the same BM25 (FTS5's bm25(), which PostgreSQL
// recomputes from stored term frequencies and counts) times a recency boost,
// so an edition gives the same results on either engine.
package search

import (
	"github.com/lede-news/lede/internal/db"
)

// Store indexes articles and answers searches.
type Store struct {
	DB  *db.DB
	eng engine
}

// New returns a Store over d, with the index of d's engine.
func New(d *db.DB) *Store {
	s := &Store{DB: d}
	if d.Dialect == db.Postgres {
		s.eng = tsvector{}
	} else {
		s.eng = fts5{}
	}
	return s
}

// Ranking. Field weights multiply the frequency of a term in BM25, as the
// column weights of FTS5's bm25() do: a word of the headline counts three
// times, of the standfirst twice. k1 and b are FTS5's. The recency boost
// multiplies the score by up to 1+recencyBoost for an article published
// now, half that after recencyHalfLife days: news readers want the latest
// of equally relevant stories, but an old story that matches much better
// still wins.
const (
	headlineWeight   = 3.0
	standfirstWeight = 2.0
	bodyWeight       = 1.0
	recencyBoost     = 0.5
	recencyHalfLife  = 30 // days
)

// k1 and b are variables so the arithmetic that mirrors FTS5 on PostgreSQL
// (k1+1, 1-b) is done in float64 as SQLite's C code does it, not exactly at
// compile time.
var k1, b = 1.2, 0.75

// Limits on what a reader can ask.
const (
	MaxQuery      = 256 // characters
	maxClauses    = 16  // words and phrases; more are ignored
	maxExpansions = 8   // terms a prefix stands for
	minPrefix     = 3   // characters typed before a word is taken as a prefix
	DefaultPer    = 20
	maxPer        = 50
	MaxResults    = 1000 // results reachable by paging
)
