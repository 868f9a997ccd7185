package search

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/lede-news/lede/internal/db"
)

// tsvector is the PostgreSQL index. Matching uses a tsvector of our terms
// and their positions (GIN-indexed, so phrases and alternatives are the
// engine's own); ranking recomputes FTS5's bm25() from the weighted term
// frequencies kept as JSON and the counts in search_stats and
// search_terms, so both engines give the same scores.
type tsvector struct{}

// PostgreSQL keeps positions up to 16383 and 256 positions per lexeme;
// past those, phrases at the end of a very long article may differ from
// SQLite's.
const (
	maxPos        = 16383
	maxPosPerTerm = 256
)

func (tsvector) save(ctx context.Context, q db.Querier, d *doc, replace bool) error {
	tf, err := json.Marshal(d.tf)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO search_docs (article_id, edition_id, section_id, published_at, len, tsv, tf)
		VALUES (?, ?, ?, ?, ?, CAST(? AS tsvector), CAST(? AS jsonb)) ON CONFLICT (article_id) DO UPDATE SET
		edition_id = excluded.edition_id, section_id = excluded.section_id, published_at = excluded.published_at,
		len = excluded.len, tsv = excluded.tsv, tf = excluded.tf`,
		d.id, d.edition, d.section, d.published, d.len, tsvectorText(d), string(tf))
	return err
}

func (tsvector) remove(ctx context.Context, q db.Querier, id int64) error {
	_, err := q.Exec(ctx, `DELETE FROM search_docs WHERE article_id = ?`, id)
	return err
}

// optimize refreshes the planner's statistics, which a bulk rebuild makes
// stale: without them PostgreSQL may scan every tsvector instead of using
// the GIN index.
func (tsvector) optimize(ctx context.Context, d *db.DB) error {
	_, err := d.Exec(ctx, `ANALYZE search_docs, search_doc_terms, search_terms`)
	return err
}

// tsvectorText writes a document's terms in tsvector syntax, numbering the
// terms of all fields in one sequence with a gap between fields, so a
// phrase never runs from the headline into the standfirst, as in FTS5
// where each field is a column.
func tsvectorText(d *doc) string {
	pos := map[string][]int{}
	p := 0
	for _, f := range d.fields {
		for _, t := range f {
			p = min(p+1, maxPos)
			ps := pos[t]
			if len(ps) < maxPosPerTerm && (len(ps) == 0 || ps[len(ps)-1] != p) {
				pos[t] = append(ps, p)
			}
		}
		p = min(p+1, maxPos)
	}
	terms := make([]string, 0, len(pos))
	for t := range pos {
		terms = append(terms, t)
	}
	sort.Strings(terms)
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(lexeme(t))
		for j, n := range pos[t] {
			if j == 0 {
				b.WriteByte(':')
			} else {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(n))
		}
	}
	return b.String()
}

// lexeme quotes a term for tsvector and tsquery input. Terms hold only
// letters and digits; escaping is a second guard.
func lexeme(t string) string {
	if strings.ContainsAny(t, `'\`) {
		t = lexemeEscape.Replace(t)
	}
	return "'" + t + "'"
}

var lexemeEscape = strings.NewReplacer(`'`, `''`, `\`, `\\`)

// tsquery writes a plan in tsquery syntax.
func tsquery(p *plan) string {
	var parts []string
	for _, t := range p.terms {
		parts = append(parts, lexeme(t))
	}
	for _, ph := range p.phrases {
		l := make([]string, len(ph))
		for i, t := range ph {
			l[i] = lexeme(t)
		}
		parts = append(parts, "("+strings.Join(l, " <-> ")+")")
	}
	if len(p.anyOf) > 0 {
		l := make([]string, len(p.anyOf))
		for i, t := range p.anyOf {
			l[i] = lexeme(t)
		}
		parts = append(parts, "("+strings.Join(l, " | ")+")")
	}
	return strings.Join(parts, " & ")
}

// find scores like FTS5's bm25(): for each term, in the same order,
// idf·f·(k1+1) / (f + k1·(1−b+b·D/avgdl)), with f the field-weighted
// frequency, idf = ln((N−n+0.5)/(n+0.5)) floored at 1e-6, N the articles
// and n those with the term, over every edition as FTS5 counts its whole
// table. The operations are done in the same order, in float64, so the
// scores agree to the last bits or nearly. As on SQLite, time is the
// minute of publication, and only the newest maxRanked matches are scored,
// newest meaning by that minute, then id: the order of SQLite's rowids.
func (tsvector) find(ctx context.Context, d *db.DB, f *finding) ([]hit, int, error) {
	var docs, tokens int64
	if err := d.QueryRow(ctx, `SELECT COALESCE(sum(docs), 0), COALESCE(sum(tokens), 0) FROM search_stats`).Scan(&docs, &tokens); err != nil {
		return nil, 0, err
	}
	if docs <= 0 {
		return nil, 0, nil
	}
	df, err := globalDF(ctx, d, f.rank)
	if err != nil {
		return nil, 0, err
	}
	where, args := tsWhere(f)
	var total int
	var hits []hit
	// search_docs keeps a narrow heap (its tsvector and frequencies are in
	// TOAST, migration 0017), so the planner prices a sequential scan as
	// cheap, though it would detoast every article's tsvector to test it;
	// the GIN index finds the matches without reading a tsvector (except to
	// check a phrase's positions). SET LOCAL keeps it to this transaction.
	err = d.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
			return err
		}
		if t, ok := oneTerm(f); ok { // its articles in the edition: the vocabulary counts them
			err := tx.QueryRow(ctx, `SELECT df FROM search_terms WHERE edition_id = ? AND term = ?`, f.req.EditionID, t).Scan(&total)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		} else if err := tx.QueryRow(ctx, `SELECT count(*) FROM search_docs d`+where, args...).Scan(&total); err != nil {
			return err
		}
		if total == 0 || f.offset >= total {
			return nil
		}
		query, qargs := rankedQuery(f, docs, tokens, df)
		var err error
		hits, err = scanHits(ctx, tx, query, qargs...)
		return err
	})
	return hits, total, err
}

// oneTerm returns the term of a finding that is one term and no filter,
// whose matches search_terms counts (df, per edition) as the index does.
func oneTerm(f *finding) (string, bool) {
	r := &f.req
	if len(f.terms) != 1 || len(f.phrases) > 0 || len(f.anyOf) > 0 || r.SectionID != 0 || r.TagID != 0 || r.AuthorID != 0 ||
		!r.From.IsZero() || !r.To.IsZero() {
		return "", false
	}
	return f.terms[0], true
}

// rankedQuery is the query that scores the newest maxRanked matches and
// returns a page of them, best first.
func rankedQuery(f *finding, docs, tokens int64, df map[string]int64) (string, []any) {
	where, args := tsWhere(f)
	avgdl := float64(tokens) / float64(docs)
	k1p1, omb := k1+1.0, 1-b
	var score strings.Builder
	const f64 = "CAST(? AS DOUBLE PRECISION)"
	const freq = "COALESCE(CAST(m.tf ->> CAST(? AS TEXT) AS DOUBLE PRECISION), 0)"
	score.WriteString("0")
	for _, t := range f.rank {
		fmt.Fprintf(&score, " + %s * ((%s * %s) / (%s + %s * (%s + %s * m.len / %s)))", f64, freq, f64, freq, f64, f64, f64, f64)
		args = append(args, idf(docs, df[t]), t, k1p1, t, k1, omb, b, avgdl)
	}
	args = append(args, recencyBoost, decay, f.req.Now.Unix(), f.limit, f.offset)
	// The newest matches first, then their frequencies: tf, out of line
	// in TOAST (the sort carries only its pointer), is read and
	// decompressed once per scored article, not once per term.
	return `WITH c AS (SELECT d.article_id, ` + minuteSQL + ` AS minute, d.len, d.tf
		FROM search_docs d` + where + ` ORDER BY minute DESC, d.article_id DESC LIMIT ` + strconv.Itoa(maxRanked) + `),
		m AS MATERIALIZED (SELECT c.article_id, c.minute, c.len, c.tf || '{}'::jsonb AS tf FROM c)
		SELECT article_id, score FROM (SELECT m.article_id, m.minute, (` + score.String() + `) * (1.0 + ` + f64 + ` * exp(` + f64 +
		` * CAST(GREATEST(0, ? - m.minute * 60) AS DOUBLE PRECISION))) AS score FROM m) AS s
		ORDER BY score DESC, minute DESC, article_id DESC LIMIT ? OFFSET ?`, args
}

// minuteSQL is minute() in SQL: the time SQLite's rowids keep.
var minuteSQL = "LEAST(GREATEST(d.published_at, 0) / 60, " + strconv.Itoa(maxMinute) + ")"

// tsWhere returns the WHERE clause of a finding on search_docs d and its
// arguments.
func tsWhere(f *finding) (string, []any) {
	var b strings.Builder
	r := &f.req
	b.WriteString(` WHERE d.tsv @@ CAST(? AS tsquery) AND d.edition_id = ?`)
	args := []any{tsquery(&f.plan), r.EditionID}
	if !r.From.IsZero() {
		b.WriteString(` AND ` + minuteSQL + ` >= ?`)
		args = append(args, minute(r.From.Unix()))
	}
	if !r.To.IsZero() {
		b.WriteString(` AND ` + minuteSQL + ` < ?`)
		args = append(args, minute(r.To.Unix()))
	}
	if r.SectionID != 0 {
		b.WriteString(` AND d.section_id = ?`)
		args = append(args, r.SectionID)
	}
	if r.TagID != 0 {
		b.WriteString(` AND EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = d.article_id AND t.tag_id = ?)`)
		args = append(args, r.TagID)
	}
	if r.AuthorID != 0 {
		b.WriteString(` AND EXISTS (SELECT 1 FROM article_authors x WHERE x.article_id = d.article_id AND x.author_id = ?)`)
		args = append(args, r.AuthorID)
	}
	return b.String(), args
}

// idf is FTS5's.
func idf(docs, n int64) float64 {
	v := math.Log((float64(docs-n) + 0.5) / (float64(n) + 0.5))
	if v <= 0 {
		return 1e-6
	}
	return v
}

// globalDF counts the articles of every edition that have each term.
func globalDF(ctx context.Context, d *db.DB, terms []string) (map[string]int64, error) {
	set, args := valuesList(terms)
	rows, err := d.Query(ctx, `SELECT term, CAST(sum(df) AS BIGINT) FROM search_terms WHERE term IN (`+set+`) GROUP BY term`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	df := make(map[string]int64, len(terms))
	for rows.Next() {
		var t string
		var n int64
		if err := rows.Scan(&t, &n); err != nil {
			return nil, err
		}
		df[t] = n
	}
	return df, rows.Err()
}
