package related

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/lede-news/lede/internal/db"
)

// offer puts d into the lists of the candidates it scores well enough for,
// each kept to listSize by score, and takes it out of the lists it no longer
// belongs in (those are refilled). Articles whose editors pinned or excluded
// d are left alone. It returns the articles whose list changed.
func offer(ctx context.Context, q db.Querier, d *doc, sc []scored) ([]int64, error) {
	holders, err := db.IDs(ctx, q, `SELECT article_id FROM related WHERE related_id = ?`, d.id)
	if err != nil {
		return nil, fmt.Errorf("offer: %w", err)
	}
	refusers, err := db.IDs(ctx, q, `SELECT article_id FROM related_overrides WHERE other_id = ?`, d.id)
	if err != nil {
		return nil, fmt.Errorf("offer: %w", err)
	}
	ids := slices.Clone(holders)
	for _, c := range sc {
		ids = append(ids, c.id)
	}
	lists, err := loadLists(ctx, q, ids)
	if err != nil {
		return nil, fmt.Errorf("offer: %w", err)
	}
	var touched, shrunk []int64
	var upserts []scored
	type pair struct{ list, entry int64 }
	var drops []pair
	offered := map[int64]bool{}
	for _, c := range sc {
		if slices.Contains(refusers, c.id) {
			continue
		}
		old := lists[c.id]
		next := merge(old, d.id, c.score)
		if !slices.ContainsFunc(next, func(e scored) bool { return e.id == d.id }) {
			continue
		}
		offered[c.id] = true
		upserts = append(upserts, c)
		for _, e := range old {
			if !slices.ContainsFunc(next, func(n scored) bool { return n.id == e.id }) {
				drops = append(drops, pair{c.id, e.id})
			}
		}
		if !sameOrder(old, next) {
			touched = append(touched, c.id)
		}
	}
	for _, h := range holders {
		if !offered[h] {
			drops = append(drops, pair{h, d.id})
			touched = append(touched, h)
			shrunk = append(shrunk, h)
		}
	}
	for _, p := range drops {
		if _, err := q.Exec(ctx, `DELETE FROM related WHERE article_id = ? AND related_id = ?`, p.list, p.entry); err != nil {
			return nil, fmt.Errorf("offer: %w", err)
		}
	}
	if err := upsertEntry(ctx, q, d.id, upserts); err != nil {
		return nil, fmt.Errorf("offer: %w", err)
	}
	if err := relistIDs(ctx, q, shrunk[:min(len(shrunk), maxRelist)]); err != nil {
		return nil, err
	}
	slices.Sort(touched)
	return touched, nil
}

// merge returns list with id at score, ordered and cut to listSize.
func merge(list []scored, id int64, score float64) []scored {
	next := make([]scored, 0, len(list)+1)
	for _, e := range list {
		if e.id != id {
			next = append(next, e)
		}
	}
	next = append(next, scored{id, score})
	sortScored(next)
	return next[:min(len(next), listSize)]
}

func sameOrder(a, b []scored) bool {
	return slices.EqualFunc(a, b, func(x, y scored) bool { return x.id == y.id })
}

// loadLists reads the computed lists of ids, each ordered by score.
func loadLists(ctx context.Context, q db.Querier, ids []int64) (map[int64][]scored, error) {
	lists := make(map[int64][]scored, len(ids))
	for part := range slices.Chunk(ids, chunk) {
		marks, args := inList(part)
		rows, err := q.Query(ctx, `SELECT article_id, related_id, score FROM related WHERE article_id IN (`+marks+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var e scored
			if err := rows.Scan(&id, &e.id, &e.score); err != nil {
				rows.Close()
				return nil, err
			}
			lists[id] = append(lists[id], e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for _, l := range lists {
		sortScored(l)
	}
	return lists, nil
}

// upsertEntry writes entry into the lists of the given articles, each at its
// own score.
func upsertEntry(ctx context.Context, q db.Querier, entry int64, lists []scored) error {
	for part := range slices.Chunk(lists, chunk/2) {
		var b strings.Builder
		b.WriteString(`INSERT INTO related (article_id, related_id, score) VALUES `)
		args := make([]any, 0, 3*len(part))
		for i, c := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?)")
			args = append(args, c.id, entry, c.score)
		}
		b.WriteString(` ON CONFLICT (article_id, related_id) DO UPDATE SET score = excluded.score`)
		if _, err := q.Exec(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}
