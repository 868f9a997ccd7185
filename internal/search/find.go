package search

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// ErrPageRange means the page asked for is past the results a reader can
// page through (MaxResults).
var ErrPageRange = errors.New("search: page out of range")

// Request is a search in one edition.
type Request struct {
	EditionID int64
	Lang      string // the edition's language: how the query is analysed
	Query     string
	SectionID int64     // 0: any
	TagID     int64     // 0: any
	AuthorID  int64     // 0: any
	From, To  time.Time // published in [From, To), to the minute; zero: open
	Page      int       // from 1
	PerPage   int       // 0: DefaultPer
	Now       time.Time // for the recency boost; zero: time.Now()
}

// Results is one page of a search.
type Results struct {
	Query      string  // as understood: trimmed, quotes made plain
	Problem    Problem // set when the query was not run
	Total      int
	Hits       []Hit
	Suggestion string // a query with a close spelling, when nothing was found
	Page       int
	PerPage    int

	lang  string
	marks map[string]bool // terms to highlight
}

// Hit is a found article.
type Hit struct {
	ArticleID int64
	Score     float64
	Snippet   string // HTML: the best passage, escaped, matches in <mark>
}

// Search runs r. A query that cannot be run is not an error: Results says
// why in Problem.
func (s *Store) Search(ctx context.Context, r Request) (Results, error) {
	r.PerPage = min(max(r.PerPage, 0), maxPer)
	if r.PerPage == 0 {
		r.PerPage = DefaultPer
	}
	r.Page = max(r.Page, 1)
	if (r.Page-1)*r.PerPage >= MaxResults {
		return Results{}, ErrPageRange
	}
	if r.Now.IsZero() {
		r.Now = time.Now()
	}
	q, problem := parse(r.Lang, r.Query)
	res := Results{Query: q.text, Problem: problem, Page: r.Page, PerPage: r.PerPage, lang: r.Lang}
	if problem != ProblemNone {
		return res, nil
	}
	p, err := s.plan(ctx, r.EditionID, &q)
	if err != nil {
		return res, fmt.Errorf("search: %w", err)
	}
	hits, total, err := s.eng.find(ctx, s.DB, &finding{plan: p, req: r, limit: r.PerPage, offset: (r.Page - 1) * r.PerPage})
	if err != nil {
		return res, fmt.Errorf("search: %q: %w", q.text, err)
	}
	res.Total = total
	res.marks = map[string]bool{}
	for _, t := range p.rank {
		res.marks[t] = true
	}
	if total == 0 {
		if res.Suggestion, err = s.suggest(ctx, r, &q); err != nil {
			return res, fmt.Errorf("search: suggest: %w", err)
		}
		return res, nil
	}
	if res.Hits, err = s.snippets(ctx, &res, hits); err != nil {
		return res, fmt.Errorf("search: snippets: %w", err)
	}
	return res, nil
}

// plan reads words typed without accents as the edition writes them,
// looks up what the word being typed may become and plans the query.
func (s *Store) plan(ctx context.Context, edition int64, q *query) (plan, error) {
	if err := unaccent(ctx, s.DB, edition, q); err != nil {
		return plan{}, err
	}
	var exp []string
	if q.prefix != "" {
		var err error
		if exp, err = expand(ctx, s.DB, edition, q.prefix); err != nil {
			return plan{}, err
		}
	}
	return q.plan(exp), nil
}

// expand returns the edition's commonest terms that start with prefix.
// Terms compare byte-wise on both engines, so the range is exact: every
// string with the prefix sorts below prefix followed by the highest code
// point.
func expand(ctx context.Context, q db.Querier, edition int64, prefix string) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT term FROM search_terms WHERE edition_id = ? AND term >= ? AND term < ?
		ORDER BY df DESC, term LIMIT ?`, edition, prefix, prefix+"\U0010FFFF", maxExpansions)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
