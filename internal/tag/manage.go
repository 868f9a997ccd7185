package tag

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lede-news/lede/internal/changes"
	"github.com/lede-news/lede/internal/db"
)

// ErrSameTag refuses merging a tag into itself or across editions.
var ErrSameTag = errors.New("tag: choose two different tags of one edition")

// Counted is a tag with the number of its articles.
type Counted struct {
	Tag
	Articles int
}

// WithCounts lists an edition's tags with their article counts.
func (s *Store) WithCounts(ctx context.Context, editionID int64) ([]Counted, error) {
	rows, err := s.DB.Query(ctx, `SELECT t.id, t.edition_id, t.slug, t.name, t.long_name, t.description, count(at.article_id)
		FROM tags t LEFT JOIN article_tags at ON at.tag_id = t.id WHERE t.edition_id = ?
		GROUP BY t.id, t.edition_id, t.slug, t.name, t.long_name, t.description ORDER BY t.name`, editionID)
	if err != nil {
		return nil, fmt.Errorf("tag: counts: %w", err)
	}
	defer rows.Close()
	var out []Counted
	for rows.Next() {
		var c Counted
		if err := rows.Scan(&c.ID, &c.EditionID, &c.Slug, &c.Name, &c.LongName, &c.Description, &c.Articles); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Update renames a tag (its slug stays, so its URL does not change).
func (s *Store) Update(ctx context.Context, id int64, name, longName, description string) error {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 || len(longName) > 200 || len(description) > 2000 {
		return errors.New("tag: a name is required (100 characters at most)")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE tags SET name = ?, long_name = ?, description = ? WHERE id = ?`,
			name, strings.TrimSpace(longName), strings.TrimSpace(description), id); err != nil {
			return fmt.Errorf("tag: update %d: %w", id, err)
		}
		return recordTagged(ctx, tx, id)
	})
}

// Merge moves every article of tag from to tag into, deletes from, and
// keeps from's slug as a redirect to into.
func (s *Store) Merge(ctx context.Context, from, into int64) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var fromEd, intoEd int64
		var fromSlug string
		if err := tx.QueryRow(ctx, `SELECT edition_id, slug FROM tags WHERE id = ?`, from).Scan(&fromEd, &fromSlug); err != nil {
			return fmt.Errorf("tag: merge %d: %w", from, db.NotFound(err))
		}
		if err := tx.QueryRow(ctx, `SELECT edition_id FROM tags WHERE id = ?`, into).Scan(&intoEd); err != nil {
			return fmt.Errorf("tag: merge into %d: %w", into, db.NotFound(err))
		}
		if from == into || fromEd != intoEd {
			return ErrSameTag
		}
		if err := recordTagged(ctx, tx, from); err != nil {
			return err
		}
		for _, q := range []string{
			`INSERT INTO article_tags (article_id, tag_id) SELECT article_id, ? FROM article_tags WHERE tag_id = ? ON CONFLICT DO NOTHING`,
			`UPDATE tag_redirects SET tag_id = ? WHERE tag_id = ?`,
		} {
			if _, err := tx.Exec(ctx, q, into, from); err != nil {
				return fmt.Errorf("tag: merge: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM article_tags WHERE tag_id = ?`, from); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM tags WHERE id = ?`, from); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO tag_redirects (edition_id, slug, tag_id) VALUES (?, ?, ?)
			ON CONFLICT (edition_id, slug) DO UPDATE SET tag_id = excluded.tag_id`, fromEd, fromSlug, into); err != nil {
			return err
		}
		return recordTagged(ctx, tx, into)
	})
}

// recordTagged drops the cached pages of a tag and of its articles.
func recordTagged(ctx context.Context, tx *db.Tx, id int64) error {
	ids, err := db.IDs(ctx, tx, `SELECT article_id FROM article_tags WHERE tag_id = ?`, id)
	if err != nil {
		return err
	}
	tags := []string{"tag:" + strconv.FormatInt(id, 10)}
	for _, a := range ids {
		tags = append(tags, "article:"+strconv.FormatInt(a, 10))
	}
	return changes.Record(ctx, tx, tags...)
}

// Redirect returns the tag an old, merged slug now leads to.
func (s *Store) Redirect(ctx context.Context, editionID int64, slug string) (Tag, error) {
	var t Tag
	err := s.DB.QueryRow(ctx, `SELECT t.id, t.edition_id, t.slug, t.name, t.long_name, t.description FROM tag_redirects r
		JOIN tags t ON t.id = r.tag_id WHERE r.edition_id = ? AND r.slug = ?`, editionID, slug).
		Scan(&t.ID, &t.EditionID, &t.Slug, &t.Name, &t.LongName, &t.Description)
	return t, db.NotFound(err)
}
