package search

import (
	"context"
	"math"

	"github.com/lede-news/lede/internal/db"
)

// engine is what differs between SQLite (FTS5) and PostgreSQL (tsvector):
// writing an article's entry and running a plan. Everything else, analysis
// above all, is shared.
type engine interface {
	save(ctx context.Context, q db.Querier, d *doc, replace bool) error
	remove(ctx context.Context, q db.Querier, id int64) error
	// find returns a page of hits, best first, and how many articles
	// match in all.
	find(ctx context.Context, d *db.DB, f *finding) ([]hit, int, error)
	// optimize tidies the index after a rebuild.
	optimize(ctx context.Context, d *db.DB) error
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

// maxRanked bounds the work of a query that matches a large part of the
// archive: the newest maxRanked matches are scored, older ones are counted
// but not ranked. Scoring costs a few microseconds per match, so this keeps
// a one-word query on a common word within tens of milliseconds at
// 100,000 articles, and news readers want the recent story among equally
// good ones anyway.
var maxRanked = 4000

// decay is the exponent of the recency boost per second of age.
var decay = -math.Ln2 / (recencyHalfLife * 86400)

func scanHits(ctx context.Context, d db.Querier, query string, args ...any) ([]hit, error) {
	rows, err := d.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var hits []hit
	for rows.Next() {
		var h hit
		if err := rows.Scan(&h.id, &h.score); err != nil {
			return nil, err
		}
		hits = append(hits, h)
	}
	return hits, rows.Err()
}
