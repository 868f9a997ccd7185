package related

import (
	"context"
	"fmt"

	"github.com/lede-news/lede/internal/db"
)

// rebuildBatch is how many articles one Rebuild transaction handles: small
// enough that publishes are not held up for long on SQLite's single writer.
const rebuildBatch = 100

// Rebuild recomputes the term counts, the index and every list from the
// published articles, for `lede reindex` after analysis or tuning changed.
// It writes in short transactions so the site keeps serving, and replaces
// lists one by one rather than emptying them first. progress, when set, is
// called after each batch; the total is three passes over the published
// articles (count terms, index, list).
func (s *Store) Rebuild(ctx context.Context, progress func(done, total int)) error {
	if err := s.rebuild(ctx, progress); err != nil {
		return fmt.Errorf("related: rebuild: %w", err)
	}
	return nil
}

func (s *Store) rebuild(ctx context.Context, progress func(done, total int)) error {
	if progress == nil {
		progress = func(int, int) {}
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		for _, stmt := range []string{
			`DELETE FROM article_terms WHERE article_id IN (SELECT id FROM articles WHERE status <> 'published')`,
			`DELETE FROM related_docs WHERE article_id IN (SELECT id FROM articles WHERE status <> 'published')`,
			`DELETE FROM related WHERE article_id IN (SELECT id FROM articles WHERE status <> 'published')
				OR related_id IN (SELECT id FROM articles WHERE status <> 'published')`,
		} {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	ids, err := db.IDs(ctx, s.DB, `SELECT id FROM articles WHERE status = 'published' ORDER BY id`)
	if err != nil {
		return err
	}
	total, done := 3*len(ids), 0
	step := func(n int) {
		done += n
		progress(done, total)
	}
	eds, err := editions(ctx, s.DB)
	if err != nil {
		return err
	}
	for _, e := range eds {
		if err := s.reindexEdition(ctx, e, step); err != nil {
			return fmt.Errorf("edition %d: %w", e.id, err)
		}
	}
	for i := 0; i < len(ids); i += rebuildBatch {
		batch := ids[i:min(i+rebuildBatch, len(ids))]
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			return relistIDs(ctx, tx, batch)
		})
		if err != nil {
			return err
		}
		step(len(batch))
	}
	return nil
}

type edition struct {
	id   int64
	lang string
}

func editions(ctx context.Context, q db.Querier) ([]edition, error) {
	rows, err := q.Query(ctx, `SELECT id, lang FROM editions ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var eds []edition
	for rows.Next() {
		var e edition
		if err := rows.Scan(&e.id, &e.lang); err != nil {
			return nil, err
		}
		eds = append(eds, e)
	}
	return eds, rows.Err()
}

// reindexEdition counts every term of the edition's published articles from
// scratch, then writes each article's vocabulary and vector.
func (s *Store) reindexEdition(ctx context.Context, e edition, step func(int)) error {
	df := map[string]int64{}
	var n int64
	err := s.eachBatch(ctx, e, func(batch []article) error {
		for _, a := range batch {
			for t := range termFreqs(e.lang, a.headline, a.standfirst, a.bodyMD) {
				df[t]++
			}
		}
		n += int64(len(batch))
		step(len(batch))
		return nil
	})
	if err != nil {
		return err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		for _, stmt := range []string{`DELETE FROM term_stats WHERE edition_id = ?`, `DELETE FROM related_editions WHERE edition_id = ?`} {
			if _, err := tx.Exec(ctx, stmt, e.id); err != nil {
				return err
			}
		}
		if n > 0 {
			if err := addDocs(ctx, tx, e.id, n); err != nil {
				return err
			}
		}
		return addDF(ctx, tx, e.id, df)
	})
	if err != nil {
		return fmt.Errorf("term counts: %w", err)
	}
	return s.eachBatch(ctx, e, func(batch []article) error {
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			for _, a := range batch {
				tf := termFreqs(e.lang, a.headline, a.standfirst, a.bodyMD)
				if err := saveDoc(ctx, tx, a, sortedKeys(tf)); err != nil {
					return err
				}
				if err := saveTerms(ctx, tx, a.id, weigh(tf, df, n)); err != nil {
					return err
				}
			}
			return nil
		})
		step(len(batch))
		return err
	})
}

// eachBatch reads an edition's published articles in id order, a batch at
// a time, so memory stays flat however large the archive.
func (s *Store) eachBatch(ctx context.Context, e edition, fn func([]article) error) error {
	var last int64
	for {
		batch, err := s.readBatch(ctx, e.id, last)
		if err != nil || len(batch) == 0 {
			return err
		}
		if err := fn(batch); err != nil {
			return err
		}
		last = batch[len(batch)-1].id
	}
}

func (s *Store) readBatch(ctx context.Context, edition, after int64) ([]article, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, published_at, headline, standfirst, body_md FROM articles
		WHERE edition_id = ? AND status = 'published' AND id > ? ORDER BY id LIMIT ?`, edition, after, rebuildBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var batch []article
	for rows.Next() {
		a := article{edition: edition}
		if err := rows.Scan(&a.id, &a.published, &a.headline, &a.standfirst, &a.bodyMD); err != nil {
			return nil, err
		}
		batch = append(batch, a)
	}
	return batch, rows.Err()
}
