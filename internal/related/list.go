package related

import (
	"context"
	"fmt"

	"github.com/lede-news/lede/internal/db"
)

// For returns the "Read also" list of an article, at most limit ids: the
// editors' pins in their order, then the computed list by score, without
// excluded or unpublished articles. When that gives fewer than three, the
// newest articles of the same section, then of the edition, fill it up to
// three, so a page never shows an empty box.
func (s *Store) For(ctx context.Context, articleID int64, limit int) ([]int64, error) {
	ids, err := s.list(ctx, articleID, limit)
	if err != nil {
		return nil, fmt.Errorf("related: for %d: %w", articleID, err)
	}
	return ids, nil
}

func (s *Store) list(ctx context.Context, id int64, limit int) ([]int64, error) {
	if limit <= 0 {
		return nil, nil
	}
	var edition, section int64
	err := s.DB.QueryRow(ctx, `SELECT edition_id, section_id FROM articles WHERE id = ?`, id).Scan(&edition, &section)
	if err != nil {
		return nil, db.NotFound(err)
	}
	excluded, err := db.IDs(ctx, s.DB, `SELECT other_id FROM related_overrides WHERE article_id = ? AND kind = 'exclude'`, id)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{id: true}
	for _, e := range excluded {
		seen[e] = true
	}
	out := make([]int64, 0, limit)
	add := func(ids []int64, upTo int) {
		for _, c := range ids {
			if len(out) >= upTo {
				return
			}
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	pins, err := db.IDs(ctx, s.DB, `SELECT o.other_id FROM related_overrides o JOIN articles a ON a.id = o.other_id
		WHERE o.article_id = ? AND o.kind = 'pin' AND a.status = 'published' ORDER BY o.position, o.other_id`, id)
	if err != nil {
		return nil, err
	}
	add(pins, limit)
	computed, err := db.IDs(ctx, s.DB, `SELECT r.related_id FROM related r JOIN articles a ON a.id = r.related_id
		WHERE r.article_id = ? AND a.status = 'published' ORDER BY r.score DESC, r.related_id DESC`, id)
	if err != nil {
		return nil, err
	}
	add(computed, limit)
	fill := min(minShown, limit)
	for _, scope := range []struct {
		where string
		arg   int64
	}{{"section_id = ?", section}, {"edition_id = ?", edition}} {
		if len(out) >= fill {
			break
		}
		newest, err := db.IDs(ctx, s.DB, `SELECT id FROM articles WHERE `+scope.where+` AND status = 'published'
			ORDER BY published_at DESC, id DESC LIMIT ?`, scope.arg, fill+len(seen))
		if err != nil {
			return nil, err
		}
		add(newest, fill)
	}
	return out, nil
}
