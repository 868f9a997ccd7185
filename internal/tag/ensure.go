package tag

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/lede-news/lede/internal/db"
)

// Slugify makes a URL slug from a tag name: "États-Unis" → "etats-unis".
func Slugify(name string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	ligatures := strings.NewReplacer("œ", "oe", "æ", "ae", "ß", "ss")
	folded, _, _ := transform.String(t, ligatures.Replace(strings.ToLower(strings.TrimSpace(name))))
	var b strings.Builder
	dash := false
	for _, r := range folded {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.Trim(b.String(), "-")
}

// Ensure returns the ids of the named tags of an edition, creating those
// that do not exist yet; create false refuses new ones instead.
func (s *Store) Ensure(ctx context.Context, editionID int64, names []string, create bool) ([]int64, error) {
	var ids []int64
	for _, name := range names {
		name = strings.TrimSpace(name)
		slug := Slugify(name)
		if slug == "" {
			continue
		}
		id, err := IDBySlug(ctx, s.DB, editionID, slug)
		if errors.Is(err, db.ErrNotFound) {
			if !create {
				return nil, fmt.Errorf("tag: %q does not exist", name)
			}
			err = s.DB.InTx(ctx, func(tx *db.Tx) error {
				id, err = tx.InsertID(ctx, `INSERT INTO tags (edition_id, slug, name) VALUES (?, ?, ?)
					ON CONFLICT (edition_id, slug) DO UPDATE SET name = tags.name`, editionID, slug, name)
				return err
			})
		}
		if err != nil {
			return nil, fmt.Errorf("tag: ensure %q: %w", name, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// All lists an edition's tags by name, for autocompletion.
func (s *Store) All(ctx context.Context, editionID int64) ([]Tag, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, edition_id, slug, name, long_name, description FROM tags WHERE edition_id = ? ORDER BY name`, editionID)
	if err != nil {
		return nil, fmt.Errorf("tag: list: %w", err)
	}
	defer rows.Close()
	var out []Tag
	for rows.Next() {
		var t Tag
		if err := rows.Scan(&t.ID, &t.EditionID, &t.Slug, &t.Name, &t.LongName, &t.Description); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
