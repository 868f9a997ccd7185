// Package author holds bylines: journalists and agencies.
package author

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/lede-news/lede/internal/db"
)

// Author is a journalist or, when Agency is set, a news agency credit.
type Author struct {
	ID     int64
	Slug   string
	Name   string
	Bio    map[string]string // language → text
	Agency bool
	Photo  string
}

// BioFor returns the bio in lang, or any bio there is.
func (a Author) BioFor(lang string) string {
	if b, ok := a.Bio[lang]; ok {
		return b
	}
	for _, b := range a.Bio {
		return b
	}
	return ""
}

// Store reads authors.
type Store struct{ DB *db.DB }

const cols = `id, slug, name, bio_json, agency, photo`

func scan(sc interface{ Scan(...any) error }) (Author, error) {
	var a Author
	var bio string
	if err := sc.Scan(&a.ID, &a.Slug, &a.Name, &bio, &a.Agency, &a.Photo); err != nil {
		return a, err
	}
	_ = json.Unmarshal([]byte(bio), &a.Bio)
	return a, nil
}

// BySlug returns one author.
func (s *Store) BySlug(ctx context.Context, slug string) (Author, error) {
	a, err := scan(s.DB.QueryRow(ctx, `SELECT `+cols+` FROM authors WHERE slug = ?`, slug))
	if err != nil {
		return a, fmt.Errorf("author: %s: %w", slug, db.NotFound(err))
	}
	return a, nil
}

// ForArticles returns the bylines of each article, in byline order.
func (s *Store) ForArticles(ctx context.Context, ids []int64) (map[int64][]Author, error) {
	out := make(map[int64][]Author, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.DB.Query(ctx, `SELECT aa.article_id, a.id, a.slug, a.name, a.bio_json, a.agency, a.photo
		FROM article_authors aa JOIN authors a ON a.id = aa.author_id
		WHERE aa.article_id IN (`+db.Placeholders(len(ids))+`) ORDER BY aa.article_id, aa.position`, db.Args(ids)...)
	if err != nil {
		return nil, fmt.Errorf("author: bylines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var aid int64
		var a Author
		var bio string
		if err := rows.Scan(&aid, &a.ID, &a.Slug, &a.Name, &bio, &a.Agency, &a.Photo); err != nil {
			return nil, fmt.Errorf("author: bylines: %w", err)
		}
		_ = json.Unmarshal([]byte(bio), &a.Bio)
		out[aid] = append(out[aid], a)
	}
	return out, rows.Err()
}

// Upsert creates or updates an author by slug.
func Upsert(ctx context.Context, tx *db.Tx, a Author) (int64, error) {
	bio, _ := json.Marshal(a.Bio)
	id, err := tx.InsertID(ctx, `INSERT INTO authors (slug, name, bio_json, agency, photo) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (slug) DO UPDATE SET name = excluded.name, bio_json = excluded.bio_json,
			agency = excluded.agency, photo = excluded.photo`,
		a.Slug, a.Name, string(bio), a.Agency, a.Photo)
	if err != nil {
		return 0, fmt.Errorf("author: upsert %s: %w", a.Slug, err)
	}
	return id, nil
}

// IDBySlug looks an author up inside a transaction.
func IDBySlug(ctx context.Context, q db.Querier, slug string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM authors WHERE slug = ?`, slug).Scan(&id)
	return id, db.NotFound(err)
}

// All lists every author by name, for the editor's byline picker.
func (s *Store) All(ctx context.Context) ([]Author, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+cols+` FROM authors ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("author: list: %w", err)
	}
	defer rows.Close()
	var out []Author
	for rows.Next() {
		a, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("author: list: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
