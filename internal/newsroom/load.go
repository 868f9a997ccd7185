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
	err := n.DB.QueryRow(ctx, `SELECT version, edition_id, section_id, slug, headline, standfirst, body_md, dateline,
		correction, top, published_at, status FROM articles WHERE id = ?`, id).
		Scan(&d.Version, &d.EditionID, &d.SectionID, &d.Slug, &d.Headline, &d.Standfirst, &d.BodyMD, &d.Dateline,
			&d.Correction, &d.Top, &pub, &status)
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
	return d, status, nil
}
