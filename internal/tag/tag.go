// Package tag holds the named topics of each edition.
package tag

import (
	"context"
	"fmt"

	"github.com/lede-news/lede/internal/db"
)

// Tag is a topic, with an optional long form ("New START (Traité de
// réduction des armes nucléaires)") and description.
type Tag struct {
	ID          int64
	EditionID   int64
	Slug        string
	Name        string
	LongName    string
	Description string
}

// Label is the long form when there is one.
func (t Tag) Label() string {
	if t.LongName != "" {
		return t.LongName
	}
	return t.Name
}

// Store reads tags.
type Store struct{ DB *db.DB }

// BySlug returns one tag of an edition.
func (s *Store) BySlug(ctx context.Context, editionID int64, slug string) (Tag, error) {
	var t Tag
	err := s.DB.QueryRow(ctx, `SELECT id, edition_id, slug, name, long_name, description FROM tags
		WHERE edition_id = ? AND slug = ?`, editionID, slug).
		Scan(&t.ID, &t.EditionID, &t.Slug, &t.Name, &t.LongName, &t.Description)
	if err != nil {
		return t, fmt.Errorf("tag: %s: %w", slug, db.NotFound(err))
	}
	return t, nil
}

// ForArticles returns each article's tags, by name.
func (s *Store) ForArticles(ctx context.Context, ids []int64) (map[int64][]Tag, error) {
	out := make(map[int64][]Tag, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.DB.Query(ctx, `SELECT at.article_id, t.id, t.edition_id, t.slug, t.name, t.long_name, t.description
		FROM article_tags at JOIN tags t ON t.id = at.tag_id
		WHERE at.article_id IN (`+db.Placeholders(len(ids))+`) ORDER BY at.article_id, t.name`, db.Args(ids)...)
	if err != nil {
		return nil, fmt.Errorf("tag: for articles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var aid int64
		var t Tag
		if err := rows.Scan(&aid, &t.ID, &t.EditionID, &t.Slug, &t.Name, &t.LongName, &t.Description); err != nil {
			return nil, fmt.Errorf("tag: for articles: %w", err)
		}
		out[aid] = append(out[aid], t)
	}
	return out, rows.Err()
}

// Upsert creates or updates a tag by edition and slug.
func Upsert(ctx context.Context, tx *db.Tx, t Tag) (int64, error) {
	id, err := tx.InsertID(ctx, `INSERT INTO tags (edition_id, slug, name, long_name, description) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (edition_id, slug) DO UPDATE SET name = excluded.name, long_name = excluded.long_name,
			description = excluded.description`,
		t.EditionID, t.Slug, t.Name, t.LongName, t.Description)
	if err != nil {
		return 0, fmt.Errorf("tag: upsert %s: %w", t.Slug, err)
	}
	return id, nil
}

// IDBySlug looks a tag up inside a transaction.
func IDBySlug(ctx context.Context, q db.Querier, editionID int64, slug string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM tags WHERE edition_id = ? AND slug = ?`, editionID, slug).Scan(&id)
	return id, db.NotFound(err)
}
