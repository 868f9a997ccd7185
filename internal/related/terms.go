package related

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/lede-news/lede/internal/db"
)

// loadCounted returns the terms an article was counted with in term_stats
// and the edition they were counted in; none when it is not indexed.
func loadCounted(ctx context.Context, q db.Querier, id int64) (int64, []string, error) {
	var edition int64
	var terms string
	err := q.QueryRow(ctx, `SELECT edition_id, terms FROM related_docs WHERE article_id = ?`, id).Scan(&edition, &terms)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, nil
	}
	return edition, strings.Fields(terms), err
}

// saveDoc records that an article is indexed, with the terms it was counted
// with.
func saveDoc(ctx context.Context, q db.Querier, a article, terms []string) error {
	_, err := q.Exec(ctx, `INSERT INTO related_docs (article_id, edition_id, published_at, terms) VALUES (?, ?, ?, ?)
		ON CONFLICT (article_id) DO UPDATE SET edition_id = excluded.edition_id, published_at = excluded.published_at,
		terms = excluded.terms`, a.id, a.edition, a.published, strings.Join(terms, " "))
	return err
}

// addDF adds counts to the document frequencies of an edition's terms. Terms
// go in sorted order so concurrent publishes lock rows in the same order.
func addDF(ctx context.Context, q db.Querier, edition int64, df map[string]int64) error {
	terms := sortedKeys(df)
	for part := range slices.Chunk(terms, chunk/2) {
		var b strings.Builder
		b.WriteString(`INSERT INTO term_stats (edition_id, term, df) VALUES `)
		args := make([]any, 0, 3*len(part))
		for i, t := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?)")
			args = append(args, edition, t, df[t])
		}
		b.WriteString(` ON CONFLICT (edition_id, term) DO UPDATE SET df = term_stats.df + excluded.df`)
		if _, err := q.Exec(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// removeDF decrements the document frequency of terms by one and forgets
// the terms no article has any more.
func removeDF(ctx context.Context, q db.Querier, edition int64, terms []string) error {
	terms = slices.Sorted(slices.Values(terms))
	for part := range slices.Chunk(terms, chunk) {
		set, args := termSet(part)
		args = append([]any{edition}, args...)
		if _, err := q.Exec(ctx, `UPDATE term_stats SET df = df - 1 WHERE edition_id = ? AND term IN (`+set+`)`, args...); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `DELETE FROM term_stats WHERE edition_id = ? AND df <= 0 AND term IN (`+set+`)`, args...); err != nil {
			return err
		}
	}
	return nil
}

// loadDF reads the document frequencies of terms in an edition.
func loadDF(ctx context.Context, q db.Querier, edition int64, terms []string) (map[string]int64, error) {
	df := make(map[string]int64, len(terms))
	for part := range slices.Chunk(terms, chunk) {
		set, args := termSet(part)
		rows, err := q.Query(ctx, `SELECT term, df FROM term_stats WHERE edition_id = ? AND term IN (`+set+`)`,
			append([]any{edition}, args...)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var t string
			var n int64
			if err := rows.Scan(&t, &n); err != nil {
				rows.Close()
				return nil, err
			}
			df[t] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return df, nil
}

// addDocs moves an edition's count of indexed articles by delta.
func addDocs(ctx context.Context, q db.Querier, edition, delta int64) error {
	_, err := q.Exec(ctx, `INSERT INTO related_editions (edition_id, docs) VALUES (?, ?)
		ON CONFLICT (edition_id) DO UPDATE SET docs = related_editions.docs + excluded.docs`, edition, delta)
	return err
}

// docCount is N in idf: the indexed, that is published, articles of an
// edition.
func docCount(ctx context.Context, q db.Querier, edition int64) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, `SELECT docs FROM related_editions WHERE edition_id = ?`, edition).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, err
}

// saveTerms replaces an article's entries in the inverted index.
func saveTerms(ctx context.Context, q db.Querier, id int64, vec []termWeight) error {
	if _, err := q.Exec(ctx, `DELETE FROM article_terms WHERE article_id = ?`, id); err != nil {
		return err
	}
	if len(vec) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO article_terms (article_id, term, weight) VALUES `)
	args := make([]any, 0, 3*len(vec))
	for i, tw := range vec {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?)")
		args = append(args, id, tw.term, tw.weight)
	}
	_, err := q.Exec(ctx, b.String(), args...)
	return err
}

// loadTerms reads an article's vector back from the index.
func loadTerms(ctx context.Context, q db.Querier, id int64) ([]termWeight, error) {
	rows, err := q.Query(ctx, `SELECT term, weight FROM article_terms WHERE article_id = ? ORDER BY weight DESC, term`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var vec []termWeight
	for rows.Next() {
		var tw termWeight
		if err := rows.Scan(&tw.term, &tw.weight); err != nil {
			return nil, err
		}
		vec = append(vec, tw)
	}
	return vec, rows.Err()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
