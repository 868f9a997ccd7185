// Package related computes "Read also" lists without comparing every pair.
// Each published article keeps its 30 strongest terms (TF-IDF over
// textanalysis terms, L2-normalised) in article_terms, an inverted index. A
// publish reads the postings of its terms, strongest first and capped per
// term, which gives both the candidates and their cosine similarity, adds
// the articles sharing its tags, keeps the best five, and offers itself to
// the candidates' lists in turn.
package related

import "github.com/lede-news/lede/internal/db"

// Store computes and reads related lists.
type Store struct{ DB *db.DB }

// New returns a Store over d.
func New(d *db.DB) *Store { return &Store{DB: d} }

// Tuning. A term vector of 30 keeps the index small while covering what an
// article is about.
const (
	keepTerms     = 30
	perTerm       = 100 // postings read per term: a common term cannot pull in everything
	maxCandidates = 300 // found by terms, best dot product first
	maxTagCands   = 100 // found by shared tags, most tags and nearest in time first
	listSize      = 5
	tagBonus      = 0.1
	maxTagBonus   = 0.3
	minScore      = 0.08 // below this two articles share a word, not a subject
	decayDays     = 45.0
	decayFloor    = 0.25 // an old background piece can still be the best read
	maxRelist     = 20   // lists refilled per update after losing an entry; For fills the rest
	minShown      = 3    // For fills from the section up to this many
)

// termWeight is one entry of an article's term vector.
type termWeight struct {
	term   string
	weight float64
}

// scored is a candidate and its similarity to the article being listed.
type scored struct {
	id    int64
	score float64
}

// doc is an article as candidate search and scoring see it.
type doc struct {
	id, edition int64
	published   int64
	vec         []termWeight // strongest first, L2-normalised
	tags        []int64
	skip        map[int64]bool // pinned or excluded by editors: never computed
}
