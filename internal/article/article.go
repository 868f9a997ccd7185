// Package article holds articles: their fields, validation, rendering of the
// body and the queries that list them.
package article

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// Statuses an article moves through. Only published articles are public.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
	StatusScheduled = "scheduled" // published_at is in the future; a job publishes it
)

// Article is one story in one edition.
type Article struct {
	ID               int64
	ExternalID       string
	EditionID        int64
	SectionID        int64
	Slug             string
	Headline         string
	Standfirst       string
	BodyMD           string
	BodyHTML         string
	Dateline         string
	Status           string
	Top              bool
	PublishedAt      time.Time
	UpdatedAt        time.Time // zero when never updated
	ModifiedAt       time.Time
	TranslationGroup int64
	Shortcode        string
	Correction       string // a correction note shown to readers
	SEOTitle         string // for search engines, when not the headline
	SEODescription   string
}

// Store reads articles.
type Store struct{ DB *db.DB }

const cols = `a.id, COALESCE(a.external_id, ''), a.edition_id, a.section_id, a.slug, a.headline, a.standfirst,
	a.body_md, a.body_html, a.dateline, a.status, a.top, a.published_at, a.updated_at, a.modified_at,
	COALESCE(a.translation_group, 0), COALESCE(a.shortcode, ''), a.correction, a.seo_title, a.seo_description`

// listCols leaves out the body, which lists never show.
const listCols = `a.id, COALESCE(a.external_id, ''), a.edition_id, a.section_id, a.slug, a.headline, a.standfirst,
	'', '', a.dateline, a.status, a.top, a.published_at, a.updated_at, a.modified_at,
	COALESCE(a.translation_group, 0), COALESCE(a.shortcode, ''), '', '', ''`

func scan(sc interface{ Scan(...any) error }) (Article, error) {
	var a Article
	var pub, mod int64
	var upd sql.NullInt64
	err := sc.Scan(&a.ID, &a.ExternalID, &a.EditionID, &a.SectionID, &a.Slug, &a.Headline, &a.Standfirst,
		&a.BodyMD, &a.BodyHTML, &a.Dateline, &a.Status, &a.Top, &pub, &upd, &mod, &a.TranslationGroup, &a.Shortcode, &a.Correction, &a.SEOTitle, &a.SEODescription)
	a.PublishedAt = time.Unix(pub, 0).UTC()
	a.ModifiedAt = time.Unix(mod, 0).UTC()
	if upd.Valid {
		a.UpdatedAt = time.Unix(upd.Int64, 0).UTC()
	}
	return a, err
}

// ByID returns an article whatever its status.
func (s *Store) ByID(ctx context.Context, id int64) (Article, error) {
	a, err := scan(s.DB.QueryRow(ctx, `SELECT `+cols+` FROM articles a WHERE a.id = ?`, id))
	if err != nil {
		return a, fmt.Errorf("article: %d: %w", id, db.NotFound(err))
	}
	return a, nil
}

// Published returns a published article by edition and slug.
func (s *Store) Published(ctx context.Context, editionID int64, slug string) (Article, error) {
	a, err := scan(s.DB.QueryRow(ctx, `SELECT `+cols+` FROM articles a
		WHERE a.edition_id = ? AND a.slug = ? AND a.status = 'published'`, editionID, slug))
	if err != nil {
		return a, fmt.Errorf("article: %s: %w", slug, db.NotFound(err))
	}
	return a, nil
}

// ByShortcode returns the published article behind a short code or alias.
func (s *Store) ByShortcode(ctx context.Context, code string) (Article, error) {
	a, err := scan(s.DB.QueryRow(ctx, `SELECT `+cols+` FROM articles a
		WHERE a.status = 'published' AND (a.shortcode = ? OR a.id = (SELECT article_id FROM shortlink_aliases WHERE code = ?))`,
		code, code))
	if err != nil {
		return a, fmt.Errorf("article: short code %q: %w", code, db.NotFound(err))
	}
	return a, nil
}

// Query selects published articles for a list, newest first.
type Query struct {
	EditionID int64
	SectionID int64
	TagID     int64
	AuthorID  int64
	TopOnly   bool
	IDs       []int64   // when set, only these, in any order
	WithBody  bool      // also load the body (feeds)
	From, To  time.Time // published in [From, To) when set
	Limit     int
	Offset    int
}

func (q Query) where() (string, []any) {
	conds := []string{"a.status = 'published'"}
	var args []any
	if q.EditionID != 0 {
		conds = append(conds, "a.edition_id = ?")
		args = append(args, q.EditionID)
	}
	if q.SectionID != 0 {
		conds = append(conds, "a.section_id = ?")
		args = append(args, q.SectionID)
	}
	if q.TagID != 0 {
		conds = append(conds, "a.id IN (SELECT article_id FROM article_tags WHERE tag_id = ?)")
		args = append(args, q.TagID)
	}
	if q.AuthorID != 0 {
		conds = append(conds, "a.id IN (SELECT article_id FROM article_authors WHERE author_id = ?)")
		args = append(args, q.AuthorID)
	}
	if !q.From.IsZero() {
		conds = append(conds, "a.published_at >= ?")
		args = append(args, q.From.Unix())
	}
	if !q.To.IsZero() {
		conds = append(conds, "a.published_at < ?")
		args = append(args, q.To.Unix())
	}
	if q.TopOnly {
		conds = append(conds, "a.top")
	}
	if q.IDs != nil {
		conds = append(conds, "a.id IN ("+db.Placeholders(max(len(q.IDs), 1))+")")
		if len(q.IDs) == 0 {
			args = append(args, int64(0))
		}
		args = append(args, db.Args(q.IDs)...)
	}
	return strings.Join(conds, " AND "), args
}

// List returns the articles q selects, without their bodies.
func (s *Store) List(ctx context.Context, q Query) ([]Article, error) {
	where, args := q.where()
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}
	sel := listCols
	if q.WithBody {
		sel = cols
	}
	rows, err := s.DB.Query(ctx, `SELECT `+sel+` FROM articles a WHERE `+where+
		` ORDER BY a.published_at DESC, a.id DESC LIMIT ? OFFSET ?`, append(args, limit, q.Offset)...)
	if err != nil {
		return nil, fmt.Errorf("article: list: %w", err)
	}
	defer rows.Close()
	var out []Article
	for rows.Next() {
		a, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("article: list: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Count returns how many articles q selects, ignoring Limit and Offset.
func (s *Store) Count(ctx context.Context, q Query) (int, error) {
	where, args := q.where()
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT count(*) FROM articles a WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("article: count: %w", err)
	}
	return n, nil
}

// Translations returns the other published articles of a's translation group.
func (s *Store) Translations(ctx context.Context, a Article) ([]Article, error) {
	if a.TranslationGroup == 0 {
		return nil, nil
	}
	rows, err := s.DB.Query(ctx, `SELECT `+listCols+` FROM articles a
		WHERE a.translation_group = ? AND a.id <> ? AND a.status = 'published' ORDER BY a.edition_id`,
		a.TranslationGroup, a.ID)
	if err != nil {
		return nil, fmt.Errorf("article: translations of %d: %w", a.ID, err)
	}
	defer rows.Close()
	var out []Article
	for rows.Next() {
		t, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("article: translations of %d: %w", a.ID, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ByOldSlug returns the published article that used to be at slug in an
// edition, so its old URL can redirect.
func (s *Store) ByOldSlug(ctx context.Context, editionID int64, slug string) (Article, error) {
	a, err := scan(s.DB.QueryRow(ctx, `SELECT `+cols+` FROM articles a JOIN slug_redirects r ON r.article_id = a.id
		WHERE r.edition_id = ? AND r.slug = ? AND a.status = 'published'`, editionID, slug))
	if err != nil {
		return a, fmt.Errorf("article: old slug %s: %w", slug, db.NotFound(err))
	}
	return a, nil
}
