package related

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/lede-news/lede/internal/db"
)

// match is a candidate as the index sees it.
type match struct {
	dot       float64 // d's vector · the candidate's, from the postings read
	shared    int     // tags in common
	published int64
}

// candidates finds the published articles of d's edition worth listing and
// what scoring needs of them, without comparing d to every article: those
// that share its terms and those that share its tags.
func candidates(ctx context.Context, q db.Querier, d *doc) (map[int64]*match, error) {
	m := map[int64]*match{}
	if err := termMatches(ctx, q, d, m); err != nil {
		return nil, fmt.Errorf("candidates by term: %w", err)
	}
	if err := tagMatches(ctx, q, d, m); err != nil {
		return nil, fmt.Errorf("candidates by tag: %w", err)
	}
	return m, nil
}

// termMatches reads, for each of d's terms, its postings strongest first and
// at most perTerm of them, and sums them per article: the dot product of the
// two vectors, term at a time. A candidate only misses the terms in which it
// ranks below the cap, its weakest matches, and a very common term cannot
// pull in every article. The maxCandidates best are kept. The edition is
// checked after summing, on a few hundred rows rather than every posting.
func termMatches(ctx context.Context, q db.Querier, d *doc, m map[int64]*match) error {
	if len(d.vec) == 0 {
		return nil
	}
	var b strings.Builder
	args := make([]any, 0, 4*len(d.vec)+3)
	b.WriteString(`SELECT x.article_id, x.dot, r.published_at FROM (SELECT article_id, sum(s) AS dot FROM (`)
	for i, tw := range d.vec {
		if i > 0 {
			b.WriteString(" UNION ALL ")
		}
		fmt.Fprintf(&b, `SELECT article_id, s FROM (SELECT article_id, weight * CAST(? AS DOUBLE PRECISION) AS s
			FROM article_terms WHERE term = ? AND article_id <> ? ORDER BY weight DESC LIMIT ?) p%d`, i)
		args = append(args, tw.weight, tw.term, d.id, perTerm)
	}
	b.WriteString(`) y GROUP BY article_id) x JOIN related_docs r ON r.article_id = x.article_id
		WHERE r.edition_id = ? ORDER BY x.dot DESC, x.article_id DESC LIMIT ?`)
	rows, err := q.Query(ctx, b.String(), append(args, d.edition, maxCandidates)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		c := &match{}
		var id int64
		if err := rows.Scan(&id, &c.dot, &c.published); err != nil {
			return err
		}
		m[id] = c
	}
	return rows.Err()
}

// tagMatches adds the articles sharing d's tags, most shared tags first,
// then nearest in time as the score decays with the gap, and counts the
// shared tags of every candidate. CROSS JOIN makes SQLite start from the
// tags' postings rather than from every article.
func tagMatches(ctx context.Context, q db.Querier, d *doc, m map[int64]*match) error {
	if len(d.tags) == 0 {
		return nil
	}
	marks, args := inList(d.tags)
	rows, err := q.Query(ctx, `SELECT t.article_id, count(*), r.published_at FROM article_tags t CROSS JOIN related_docs r
		WHERE r.article_id = t.article_id AND t.tag_id IN (`+marks+`) AND t.article_id <> ? AND r.edition_id = ?
		GROUP BY t.article_id, r.published_at
		ORDER BY count(*) DESC, abs(r.published_at - ?), t.article_id DESC LIMIT ?`,
		append(args, d.id, d.edition, d.published, maxTagCands)...)
	if err != nil {
		return err
	}
	found := map[int64]bool{}
	for rows.Next() {
		var id, at int64
		var n int
		if err := rows.Scan(&id, &n, &at); err != nil {
			rows.Close()
			return err
		}
		found[id] = true
		if c := m[id]; c != nil {
			c.shared = n
		} else {
			m[id] = &match{shared: n, published: at}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(found) < maxTagCands {
		return nil // every article sharing a tag was listed
	}
	var rest []int64
	for id := range m {
		if !found[id] {
			rest = append(rest, id)
		}
	}
	return countShared(ctx, q, d, rest, m)
}

// countShared counts the tags d shares with ids, when the capped tag query
// did not list them all.
func countShared(ctx context.Context, q db.Querier, d *doc, ids []int64, m map[int64]*match) error {
	tmarks, targs := inList(d.tags)
	for part := range slices.Chunk(ids, chunk) {
		marks, args := inList(part)
		rows, err := q.Query(ctx, `SELECT article_id, count(*) FROM article_tags
			WHERE article_id IN (`+marks+`) AND tag_id IN (`+tmarks+`) GROUP BY article_id`, append(args, targs...)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return err
			}
			m[id].shared = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
