package newsroom

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/shortlink"
)

// extras writes what an editor sets beside the text: the translation link,
// "Read also" pins and exclusions, a short-link alias. Each is checked first:
// a bad one refuses the whole save.
func (n *Newsroom) extras(ctx context.Context, tx *db.Tx, id int64, d Draft) error {
	errs := article.Errors{}
	if utf8.RuneCountInString(d.SEOTitle) > 200 || utf8.RuneCountInString(d.SEODescription) > 400 {
		errs["seo"] = "title at most 200 characters, description at most 400"
	}
	if d.TranslationOf != 0 {
		var ed, group int64
		err := tx.QueryRow(ctx, `SELECT edition_id, COALESCE(translation_group, id) FROM articles WHERE id = ?`, d.TranslationOf).Scan(&ed, &group)
		switch {
		case err != nil:
			errs["translation_of"] = "no such article"
		case ed == d.EditionID:
			errs["translation_of"] = "a translation is in another edition"
		default:
			if _, err := tx.Exec(ctx, `UPDATE articles SET translation_group = ? WHERE id IN (?, ?)`, group, group, id); err != nil {
				return err
			}
		}
	}
	for _, other := range append(append([]int64{}, d.Pins...), d.Excludes...) {
		var ed int64
		if err := tx.QueryRow(ctx, `SELECT edition_id FROM articles WHERE id = ?`, other).Scan(&ed); err != nil || ed != d.EditionID || other == id {
			errs["related"] = fmt.Sprintf("article %d is not another article of this edition", other)
		}
	}
	if d.Alias != "" {
		var owner int64
		err := tx.QueryRow(ctx, `SELECT article_id FROM shortlink_aliases WHERE code = ?`, d.Alias).Scan(&owner)
		var taken int64
		tx.QueryRow(ctx, `SELECT id FROM articles WHERE shortcode = ?`, d.Alias).Scan(&taken)
		switch {
		case !shortlink.ValidCode(d.Alias):
			errs["alias"] = "letters, digits, - and _ only, 2 to 64 characters"
		case (err == nil && owner != id) || (taken != 0 && taken != id):
			errs["alias"] = "is already used"
		}
	}
	if len(errs) > 0 {
		return errs
	}
	if _, err := tx.Exec(ctx, `DELETE FROM related_overrides WHERE article_id = ?`, id); err != nil {
		return err
	}
	for i, p := range d.Pins {
		if _, err := tx.Exec(ctx, `INSERT INTO related_overrides (article_id, other_id, kind, position) VALUES (?, ?, 'pin', ?)
			ON CONFLICT DO NOTHING`, id, p, i); err != nil {
			return err
		}
	}
	for _, x := range d.Excludes {
		if _, err := tx.Exec(ctx, `INSERT INTO related_overrides (article_id, other_id, kind, position) VALUES (?, ?, 'exclude', 0)
			ON CONFLICT DO NOTHING`, id, x); err != nil {
			return err
		}
	}
	if d.Alias != "" {
		if _, err := tx.Exec(ctx, `INSERT INTO shortlink_aliases (code, article_id) VALUES (?, ?) ON CONFLICT (code) DO NOTHING`, d.Alias, id); err != nil {
			return err
		}
	}
	return nil
}
