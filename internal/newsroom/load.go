package newsroom

import (
	"context"
	"fmt"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// Load returns an article as a draft to edit, with its status.
func (n *Newsroom) Load(ctx context.Context, id int64) (Draft, string, error) {
	d := Draft{ID: id}
	var status string
	var pub int64
	var group int64
	err := n.DB.QueryRow(ctx, `SELECT version, edition_id, section_id, slug, headline, standfirst, body_md, dateline,
		correction, top, published_at, status, seo_title, seo_description, COALESCE(translation_group, 0) FROM articles WHERE id = ?`, id).
		Scan(&d.Version, &d.EditionID, &d.SectionID, &d.Slug, &d.Headline, &d.Standfirst, &d.BodyMD, &d.Dateline,
			&d.Correction, &d.Top, &pub, &status, &d.SEOTitle, &d.SEODescription, &group)
	if err != nil {
		return d, "", fmt.Errorf("newsroom: load %d: %w", id, db.NotFound(err))
	}
	d.PublishAt = time.Unix(pub, 0).UTC()
	if d.AuthorIDs, err = db.IDs(ctx, n.DB, `SELECT author_id FROM article_authors WHERE article_id = ? ORDER BY position`, id); err != nil {
		return d, "", err
	}
	if d.TagIDs, err = db.IDs(ctx, n.DB, `SELECT tag_id FROM article_tags WHERE article_id = ? ORDER BY tag_id`, id); err != nil {
		return d, "", err
	}
	if group != 0 {
		others, err := db.IDs(ctx, n.DB, `SELECT id FROM articles WHERE translation_group = ? AND id <> ? ORDER BY id LIMIT 1`, group, id)
		if err != nil {
			return d, "", err
		}
		if len(others) > 0 {
			d.TranslationOf = others[0]
		}
	}
	if d.Pins, err = db.IDs(ctx, n.DB, `SELECT other_id FROM related_overrides WHERE article_id = ? AND kind = 'pin' ORDER BY position`, id); err != nil {
		return d, "", err
	}
	if d.Excludes, err = db.IDs(ctx, n.DB, `SELECT other_id FROM related_overrides WHERE article_id = ? AND kind = 'exclude' ORDER BY other_id`, id); err != nil {
		return d, "", err
	}
	aliases, err := n.aliases(ctx, id)
	if err != nil {
		return d, "", err
	}
	if len(aliases) > 0 {
		d.Alias = aliases[0]
	}
	return d, status, nil
}

func (n *Newsroom) aliases(ctx context.Context, id int64) ([]string, error) {
	rows, err := n.DB.Query(ctx, `SELECT code FROM shortlink_aliases WHERE article_id = ? ORDER BY code`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
