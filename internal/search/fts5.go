package search

import (
	"context"
	"fmt"
	"strings"

	"github.com/lede-news/lede/internal/db"
)

// fts5 is the SQLite index: a contentless FTS5 table of our terms, ranked
// by bm25() with the field weights.
type fts5 struct{}

func (fts5) save(ctx context.Context, q db.Querier, d *doc, terms string, replace bool) error {
	if _, err := q.Exec(ctx, `INSERT INTO search_docs (article_id, edition_id, section_id, published_at, len, terms)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET edition_id = excluded.edition_id,
		section_id = excluded.section_id, published_at = excluded.published_at, len = excluded.len, terms = excluded.terms`,
		d.id, d.edition, d.section, d.published, d.len, terms); err != nil {
		return err
	}
	if replace {
		if _, err := q.Exec(ctx, `DELETE FROM search_fts WHERE rowid = ?`, d.id); err != nil {
			return err
		}
	}
	_, err := q.Exec(ctx, `INSERT INTO search_fts (rowid, headline, standfirst, body) VALUES (?, ?, ?, ?)`,
		d.id, strings.Join(d.fields[0], " "), strings.Join(d.fields[1], " "), strings.Join(d.fields[2], " "))
	return err
}

func (fts5) remove(ctx context.Context, q db.Querier, id int64) error {
	if _, err := q.Exec(ctx, `DELETE FROM search_fts WHERE rowid = ?`, id); err != nil {
		return err
	}
	_, err := q.Exec(ctx, `DELETE FROM search_docs WHERE article_id = ?`, id)
	return err
}

// find matches every term (and one alternative) in the FTS5 expression that
// bm25() scores, and checks phrases with a second expression, so that a
// phrase's words are scored as words, as on PostgreSQL. CROSS JOIN keeps
// the FTS5 table as the outer loop: the other way round would run the
// full-text query once per row of search_docs.
func (fts5) find(ctx context.Context, d *db.DB, f *finding) ([]hit, int, error) {
	var match []string
	for _, t := range f.terms {
		match = append(match, ftsString(t))
	}
	if len(f.anyOf) > 0 {
		alts := make([]string, len(f.anyOf))
		for i, t := range f.anyOf {
			alts[i] = ftsString(t)
		}
		match = append(match, "("+strings.Join(alts, " OR ")+")")
	}
	args := []any{f.req.Now.Unix(), strings.Join(match, " AND ")}
	from := ` FROM search_fts CROSS JOIN search_docs d ON d.article_id = search_fts.rowid WHERE search_fts MATCH ?`
	if len(f.phrases) > 0 {
		ph := make([]string, len(f.phrases))
		for i, p := range f.phrases {
			ph[i] = ftsString(strings.Join(p, " "))
		}
		from += ` AND search_fts.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)`
		args = append(args, strings.Join(ph, " AND "))
	}
	where, fargs := f.req.filters()
	args = append(args, fargs...)
	// bm25() cannot be called where a window function is computed: score in
	// a subquery, count outside.
	hits, total, err := scanHits(ctx, d, `SELECT article_id, score, count(*) OVER () FROM (SELECT d.article_id, d.published_at,
		-bm25(search_fts, `+weights+`) * (1.0 + ? * exp(? * max(0, ? - d.published_at))) AS score`+from+where+`) AS m
		ORDER BY score DESC, published_at DESC, article_id DESC LIMIT ? OFFSET ?`,
		append([]any{recencyBoost, decay}, append(args, f.limit, f.offset)...)...)
	if err == nil && len(hits) == 0 && f.offset > 0 {
		total, err = countAll(ctx, d, `SELECT 1`+from+where, args[1:]...)
	}
	return hits, total, err
}

var weights = fmt.Sprintf("%g, %g, %g", headlineWeight, standfirstWeight, bodyWeight)

// ftsString quotes a term or a phrase of terms as an FTS5 string. Terms
// hold only letters and digits; doubling quotes is a second guard.
func ftsString(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
