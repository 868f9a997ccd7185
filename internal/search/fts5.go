package search

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// fts5 is the SQLite index: a contentless FTS5 table of our terms, ranked
// by bm25() with the field weights. See 0003_search.sqlite.sql for the
// edition column and the rowids in time order.
type fts5 struct{}

// An FTS5 rowid is the edition, the minute of publication and the article
// id, high bits first (see 0003_search.sqlite.sql): 8 + 27 + 28 bits.
const (
	idBits     = 28
	minuteBits = 27
	maxEdition = 1<<(63-idBits-minuteBits) - 1
	maxMinute  = 1<<minuteBits - 1 // year 2225
	idMask     = 1<<idBits - 1
)

// rowid is an article's rowid in search_fts. Times before 1970 count as
// 1970.
func rowid(edition, published, id int64) (int64, error) {
	if id <= 0 || id > idMask || edition <= 0 || edition > maxEdition {
		return 0, fmt.Errorf("article %d of edition %d: out of the index's range", id, edition)
	}
	return edition<<(minuteBits+idBits) | minute(published)<<idBits | id, nil
}

// minute is the minute of publication the index keeps.
func minute(published int64) int64 { return min(max(published, 0)/60, maxMinute) }

// editionRange is the [lo, hi) rowid range of an edition's articles
// published in [from, to) (zero: open), to the minute.
func editionRange(edition int64, from, to time.Time) (lo, hi int64) {
	lo, hi = edition<<(minuteBits+idBits), (edition+1)<<(minuteBits+idBits)
	if !from.IsZero() {
		lo = max(lo, edition<<(minuteBits+idBits)|minute(from.Unix())<<idBits)
	}
	if !to.IsZero() {
		hi = min(hi, edition<<(minuteBits+idBits)|minute(to.Unix())<<idBits)
	}
	return lo, hi
}

func (fts5) save(ctx context.Context, q db.Querier, d *doc, replace bool) error {
	rid, err := rowid(d.edition, d.published, d.id)
	if err != nil {
		return err
	}
	if replace {
		if err := deleteRow(ctx, q, d.id); err != nil {
			return err
		}
	}
	if _, err := q.Exec(ctx, `INSERT INTO search_docs (article_id, edition_id, section_id, published_at, len, rid)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET edition_id = excluded.edition_id,
		section_id = excluded.section_id, published_at = excluded.published_at, len = excluded.len, rid = excluded.rid`,
		d.id, d.edition, d.section, d.published, d.len, rid); err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO search_fts (rowid, headline, standfirst, body) VALUES (?, ?, ?, ?)`,
		rid, strings.Join(d.fields[0], " "), strings.Join(d.fields[1], " "), strings.Join(d.fields[2], " "))
	return err
}

// deleteRow deletes an article's FTS5 row, found by the rowid it was
// written with.
func deleteRow(ctx context.Context, q db.Querier, id int64) error {
	var rid int64
	err := q.QueryRow(ctx, `SELECT rid FROM search_docs WHERE article_id = ?`, id).Scan(&rid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `DELETE FROM search_fts WHERE rowid = ?`, rid)
	return err
}

func (fts5) remove(ctx context.Context, q db.Querier, id int64) error {
	if err := deleteRow(ctx, q, id); err != nil {
		return err
	}
	_, err := q.Exec(ctx, `DELETE FROM search_docs WHERE article_id = ?`, id)
	return err
}

// optimize merges the FTS5 index into one segment, as a bulk rebuild
// leaves many.
func (fts5) optimize(ctx context.Context, d *db.DB) error {
	_, err := d.Exec(ctx, `INSERT INTO search_fts (search_fts) VALUES ('optimize')`)
	return err
}

var weights = fmt.Sprintf("%g, %g, %g", headlineWeight, standfirstWeight, bodyWeight)

// find matches every term (and one alternative) in the FTS5 expression that
// bm25() scores, and checks phrases with a second expression, so that a
// phrase's words are scored as words, as on PostgreSQL. It counts the
// matches, finds the rowid of the maxRanked-th newest when there are more,
// and scores the matches from there on.
func (fts5) find(ctx context.Context, d *db.DB, f *finding) ([]hit, int, error) {
	from, args := ftsWhere(f)
	var total int
	if err := d.QueryRow(ctx, `SELECT count(*)`+from, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if total == 0 || f.offset >= total {
		return nil, total, nil
	}
	if total > maxRanked {
		var cutoff int64
		if err := d.QueryRow(ctx, `SELECT search_fts.rowid`+from+` ORDER BY search_fts.rowid DESC LIMIT 1 OFFSET ?`,
			append(args, maxRanked-1)...).Scan(&cutoff); err != nil {
			return nil, 0, err
		}
		from += ` AND search_fts.rowid >= ?`
		args = append(args, cutoff)
	}
	hits, err := scanHits(ctx, d, `SELECT search_fts.rowid & `+strconv.Itoa(idMask)+`,
		-bm25(search_fts, `+weights+`) * (1.0 + ? * exp(? * max(0, ? - ((search_fts.rowid >> `+strconv.Itoa(idBits)+`) & `+
		strconv.Itoa(maxMinute)+`) * 60))) AS score`+from+` ORDER BY score DESC, search_fts.rowid DESC LIMIT ? OFFSET ?`,
		append(append([]any{recencyBoost, decay, f.req.Now.Unix()}, args...), f.limit, f.offset)...)
	return hits, total, err
}

// ftsWhere returns the FROM and WHERE clauses of a finding and their
// arguments. The edition and dates are a rowid range; only section, tag
// and author filters leave the index. The phrase check is written
// +rowid IN (…) so that SQLite reads the list once instead of running the
// full-text query once per listed rowid, which would make bm25() count its
// terms' documents each time.
func ftsWhere(f *finding) (string, []any) {
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
	r := &f.req
	lo, hi := editionRange(r.EditionID, r.From, r.To)
	var b strings.Builder
	b.WriteString(` FROM search_fts WHERE search_fts MATCH ? AND search_fts.rowid >= ? AND search_fts.rowid < ?`)
	args := []any{strings.Join(match, " AND "), lo, hi}
	if len(f.phrases) > 0 {
		ph := make([]string, len(f.phrases))
		for i, p := range f.phrases {
			ph[i] = ftsString(strings.Join(p, " "))
		}
		b.WriteString(` AND +search_fts.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ? AND rowid >= ? AND rowid < ?)`)
		args = append(args, strings.Join(ph, " AND "), lo, hi)
	}
	id := "(search_fts.rowid & " + strconv.Itoa(idMask) + ")"
	if r.SectionID != 0 {
		b.WriteString(` AND EXISTS (SELECT 1 FROM search_docs d WHERE d.article_id = ` + id + ` AND d.section_id = ?)`)
		args = append(args, r.SectionID)
	}
	if r.TagID != 0 {
		b.WriteString(` AND EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = ` + id + ` AND t.tag_id = ?)`)
		args = append(args, r.TagID)
	}
	if r.AuthorID != 0 {
		b.WriteString(` AND EXISTS (SELECT 1 FROM article_authors x WHERE x.article_id = ` + id + ` AND x.author_id = ?)`)
		args = append(args, r.AuthorID)
	}
	return b.String(), args
}

// ftsString quotes a term or a phrase of terms as an FTS5 string. Terms
// hold only letters and digits; doubling quotes is a second guard.
func ftsString(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
