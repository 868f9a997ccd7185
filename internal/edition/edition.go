// Package edition holds editions (one per language or region) and their
// sections.
package edition

import (
	"context"
	"fmt"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// Edition is one language or regional version of the site.
type Edition struct {
	ID        int64
	Code      string // URL prefix: /fr/…
	Name      string
	Lang      string // BCP 47
	Timezone  string
	Tagline   string
	ConductMD string
	Default   bool
	// FeedFullText puts whole articles in feeds; otherwise their standfirst.
	FeedFullText bool
	Loc          *time.Location
}

// Section is a rubrique of one edition.
type Section struct {
	ID        int64
	EditionID int64
	Slug      string
	Name      string
	Position  int
}

// Store reads and writes editions and sections.
type Store struct{ DB *db.DB }

// All returns every edition, the default first.
func (s *Store) All(ctx context.Context) ([]Edition, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, code, name, lang, timezone, tagline, conduct_md, is_default, feed_full_text
		FROM editions ORDER BY is_default DESC, code`)
	if err != nil {
		return nil, fmt.Errorf("edition: list: %w", err)
	}
	defer rows.Close()
	var out []Edition
	for rows.Next() {
		var e Edition
		if err := rows.Scan(&e.ID, &e.Code, &e.Name, &e.Lang, &e.Timezone, &e.Tagline, &e.ConductMD, &e.Default, &e.FeedFullText); err != nil {
			return nil, fmt.Errorf("edition: list: %w", err)
		}
		if e.Loc, err = time.LoadLocation(e.Timezone); err != nil {
			e.Loc = time.UTC
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Sections returns every section of every edition, in menu order.
func (s *Store) Sections(ctx context.Context) ([]Section, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, edition_id, slug, name, position FROM sections ORDER BY edition_id, position, name`)
	if err != nil {
		return nil, fmt.Errorf("edition: sections: %w", err)
	}
	defer rows.Close()
	var out []Section
	for rows.Next() {
		var x Section
		if err := rows.Scan(&x.ID, &x.EditionID, &x.Slug, &x.Name, &x.Position); err != nil {
			return nil, fmt.Errorf("edition: sections: %w", err)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// Upsert creates or updates an edition by code and returns its id.
func Upsert(ctx context.Context, tx *db.Tx, e Edition) (int64, error) {
	if e.Default {
		if _, err := tx.Exec(ctx, `UPDATE editions SET is_default = FALSE WHERE code <> ?`, e.Code); err != nil {
			return 0, fmt.Errorf("edition: upsert %s: %w", e.Code, err)
		}
	}
	id, err := tx.InsertID(ctx, `INSERT INTO editions (code, name, lang, timezone, tagline, conduct_md, is_default, feed_full_text)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, lang = excluded.lang, timezone = excluded.timezone,
			tagline = excluded.tagline, conduct_md = excluded.conduct_md, is_default = excluded.is_default,
			feed_full_text = excluded.feed_full_text`,
		e.Code, e.Name, e.Lang, e.Timezone, e.Tagline, e.ConductMD, e.Default, e.FeedFullText)
	if err != nil {
		return 0, fmt.Errorf("edition: upsert %s: %w", e.Code, err)
	}
	return id, nil
}

// UpsertSection creates or updates a section by edition and slug.
func UpsertSection(ctx context.Context, tx *db.Tx, x Section) (int64, error) {
	id, err := tx.InsertID(ctx, `INSERT INTO sections (edition_id, slug, name, position) VALUES (?, ?, ?, ?)
		ON CONFLICT (edition_id, slug) DO UPDATE SET name = excluded.name, position = excluded.position`,
		x.EditionID, x.Slug, x.Name, x.Position)
	if err != nil {
		return 0, fmt.Errorf("edition: upsert section %s: %w", x.Slug, err)
	}
	return id, nil
}

// IDByCode looks an edition up inside a transaction.
func IDByCode(ctx context.Context, q db.Querier, code string) (id int64, lang string, err error) {
	err = q.QueryRow(ctx, `SELECT id, lang FROM editions WHERE code = ?`, code).Scan(&id, &lang)
	return id, lang, db.NotFound(err)
}

// SectionID looks a section up inside a transaction.
func SectionID(ctx context.Context, q db.Querier, editionID int64, slug string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM sections WHERE edition_id = ? AND slug = ?`, editionID, slug).Scan(&id)
	return id, db.NotFound(err)
}
