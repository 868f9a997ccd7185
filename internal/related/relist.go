package related

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/lede-news/lede/internal/db"
)

// loadDoc reads an indexed article's vector, tags and overrides;
// db.ErrNotFound when it is not indexed (not published).
func loadDoc(ctx context.Context, q db.Querier, id int64) (*doc, error) {
	d := &doc{id: id}
	err := q.QueryRow(ctx, `SELECT edition_id, published_at FROM related_docs WHERE article_id = ?`, id).
		Scan(&d.edition, &d.published)
	if err != nil {
		return nil, db.NotFound(err)
	}
	if d.vec, err = loadTerms(ctx, q, id); err != nil {
		return nil, err
	}
	return d, loadLinks(ctx, q, d)
}

// loadLinks reads d's tags and the articles editors pinned or excluded.
func loadLinks(ctx context.Context, q db.Querier, d *doc) error {
	var err error
	if d.tags, err = db.IDs(ctx, q, `SELECT tag_id FROM article_tags WHERE article_id = ? ORDER BY tag_id`, d.id); err != nil {
		return fmt.Errorf("tags: %w", err)
	}
	skip, err := db.IDs(ctx, q, `SELECT other_id FROM related_overrides WHERE article_id = ?`, d.id)
	if err != nil {
		return fmt.Errorf("overrides: %w", err)
	}
	d.skip = make(map[int64]bool, len(skip))
	for _, id := range skip {
		d.skip[id] = true
	}
	return nil
}

// relist recomputes d's own list from the index and returns every scored
// candidate, so the caller can offer d to them.
func relist(ctx context.Context, q db.Querier, d *doc) ([]scored, error) {
	sc, err := score(ctx, q, d)
	if err != nil {
		return nil, err
	}
	own := make([]scored, 0, listSize)
	for _, c := range sc {
		if len(own) == listSize {
			break
		}
		if !d.skip[c.id] {
			own = append(own, c)
		}
	}
	return sc, writeList(ctx, q, d.id, own)
}

// relistIDs recomputes the lists of published articles among ids.
func relistIDs(ctx context.Context, q db.Querier, ids []int64) error {
	for _, id := range ids {
		d, err := loadDoc(ctx, q, id)
		if errors.Is(err, db.ErrNotFound) {
			continue
		} else if err != nil {
			return fmt.Errorf("relist %d: %w", id, err)
		}
		if _, err := relist(ctx, q, d); err != nil {
			return fmt.Errorf("relist %d: %w", id, err)
		}
	}
	return nil
}

// writeList replaces an article's computed list.
func writeList(ctx context.Context, q db.Querier, id int64, list []scored) error {
	if _, err := q.Exec(ctx, `DELETE FROM related WHERE article_id = ?`, id); err != nil {
		return err
	}
	if len(list) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO related (article_id, related_id, score) VALUES `)
	args := make([]any, 0, 3*len(list))
	for i, c := range list {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?)")
		args = append(args, id, c.id, c.score)
	}
	_, err := q.Exec(ctx, b.String(), args...)
	return err
}
