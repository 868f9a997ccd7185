package search

import (
	"context"
	"math"
	"strings"

	"github.com/lede-news/lede/internal/db"
)

// engine is what differs between SQLite (FTS5) and PostgreSQL (tsvector):
// writing an article's entry and running a plan. Everything else, analysis
// above all, is shared.
type engine interface {
	save(ctx context.Context, q db.Querier, d *doc, terms string, replace bool) error
	remove(ctx context.Context, q db.Querier, id int64) error
	find(ctx context.Context, d *db.DB, f *finding) ([]hit, int, error)
}

// finding is one run of a plan against the index.
type finding struct {
	plan
	req           Request
	limit, offset int
}

// hit is an article found and its score.
type hit struct {
	id    int64
	score float64
}

// decay is the exponent of the recency boost per second of age.
var decay = -math.Ln2 / (recencyHalfLife * 86400)

// filters returns the conditions on search_docs d that a request's filters
// add, and their arguments.
func (r *Request) filters() (string, []any) {
	var b strings.Builder
	args := []any{r.EditionID}
	b.WriteString(" AND d.edition_id = ?")
	if r.SectionID != 0 {
		b.WriteString(" AND d.section_id = ?")
		args = append(args, r.SectionID)
	}
	if r.TagID != 0 {
		b.WriteString(" AND EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = d.article_id AND t.tag_id = ?)")
		args = append(args, r.TagID)
	}
	if r.AuthorID != 0 {
		b.WriteString(" AND EXISTS (SELECT 1 FROM article_authors x WHERE x.article_id = d.article_id AND x.author_id = ?)")
		args = append(args, r.AuthorID)
	}
	if !r.From.IsZero() {
		b.WriteString(" AND d.published_at >= ?")
		args = append(args, r.From.Unix())
	}
	if !r.To.IsZero() {
		b.WriteString(" AND d.published_at < ?")
		args = append(args, r.To.Unix())
	}
	return b.String(), args
}

// scanHits reads (id, score, total) rows.
func scanHits(ctx context.Context, d *db.DB, query string, args ...any) ([]hit, int, error) {
	rows, err := d.Query(ctx, query, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var hits []hit
	total := 0
	for rows.Next() {
		var h hit
		if err := rows.Scan(&h.id, &h.score, &total); err != nil {
			return nil, 0, err
		}
		hits = append(hits, h)
	}
	return hits, total, rows.Err()
}

// countAll answers the total when the page asked for is past the last
// result and the window count came back with no row.
func countAll(ctx context.Context, d *db.DB, query string, args ...any) (int, error) {
	var n int
	err := d.QueryRow(ctx, `SELECT count(*) FROM (`+query+`) AS c`, args...).Scan(&n)
	return n, err
}
