package search

import (
	"context"
	"fmt"

	"github.com/lede-news/lede/internal/db"
)

// rebuildBatch is how many articles one Rebuild transaction indexes: short
// transactions keep SQLite's single writer free for publishing.
const rebuildBatch = 100

// Rebuild re-indexes every published article and takes out the entries of
// articles that are not published, for `lede reindex` after the analysis
// changed or the index was lost. Each article is replaced in place, so
// searches keep working while it runs; the index is optimised at the end.
// progress, when set, is called after each batch.
func (s *Store) Rebuild(ctx context.Context, progress func(done, total int)) error {
	ids, err := queryIDs(ctx, s.DB, `SELECT id FROM articles WHERE status = 'published' ORDER BY id`)
	if err != nil {
		return fmt.Errorf("search: rebuild: %w", err)
	}
	stale, err := queryIDs(ctx, s.DB, `SELECT d.article_id FROM search_docs d JOIN articles a ON a.id = d.article_id
		WHERE a.status <> 'published' ORDER BY d.article_id`)
	if err != nil {
		return fmt.Errorf("search: rebuild: %w", err)
	}
	all := append(ids, stale...)
	for i := 0; i < len(all); i += rebuildBatch {
		batch := all[i:min(i+rebuildBatch, len(all))]
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			t := newTally()
			for _, id := range batch {
				if err := s.index(ctx, tx, id, t); err != nil {
					return fmt.Errorf("article %d: %w", id, err)
				}
			}
			return t.flush(ctx, tx)
		})
		if err != nil {
			return fmt.Errorf("search: rebuild: %w", err)
		}
		if progress != nil {
			progress(i+len(batch), len(all))
		}
	}
	if _, err := s.DB.Exec(ctx, `DELETE FROM search_meta WHERE key = 'forms_pending'`); err != nil {
		return fmt.Errorf("search: rebuild: %w", err)
	}
	if err := s.eng.optimize(ctx, s.DB); err != nil {
		return fmt.Errorf("search: rebuild: optimize: %w", err)
	}
	return nil
}

// Missing counts the published articles the index lacks, so that serve can
// say when a reindex is needed (after the upgrade that adds search), and
// counts every indexed article while they lack their accent forms (after
// the upgrade to migration 0017, until a rebuild).
func (s *Store) Missing(ctx context.Context) (int, error) {
	var n int
	err := s.DB.QueryRow(ctx, `SELECT count(*) FROM articles a WHERE a.status = 'published'
		AND NOT EXISTS (SELECT 1 FROM search_docs d WHERE d.article_id = a.id)`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("search: missing: %w", err)
	}
	var stale int
	err = s.DB.QueryRow(ctx, `SELECT count(*) FROM search_docs WHERE EXISTS (SELECT 1 FROM search_meta WHERE key = 'forms_pending')`).Scan(&stale)
	if err != nil {
		return 0, fmt.Errorf("search: missing: %w", err)
	}
	return n + stale, nil
}

func queryIDs(ctx context.Context, q db.Querier, query string, args ...any) ([]int64, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
