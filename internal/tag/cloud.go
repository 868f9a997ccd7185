package tag

import (
	"context"
	"fmt"
	"time"
)

// Cloud lists an edition's tags most used by the articles published since
// `since` (at most limit tags, commonest first, ties by name), each with
// the number of those articles.
func (s *Store) Cloud(ctx context.Context, editionID int64, since time.Time, limit int) ([]Counted, error) {
	rows, err := s.DB.Query(ctx, `SELECT t.id, t.edition_id, t.slug, t.name, t.long_name, t.description, count(*) AS n
		FROM tags t JOIN article_tags at ON at.tag_id = t.id JOIN articles a ON a.id = at.article_id
		WHERE t.edition_id = ? AND a.status = 'published' AND a.published_at >= ?
		GROUP BY t.id, t.edition_id, t.slug, t.name, t.long_name, t.description
		ORDER BY n DESC, t.name LIMIT ?`, editionID, since.Unix(), limit)
	if err != nil {
		return nil, fmt.Errorf("tag: cloud: %w", err)
	}
	defer rows.Close()
	var out []Counted
	for rows.Next() {
		var c Counted
		if err := rows.Scan(&c.ID, &c.EditionID, &c.Slug, &c.Name, &c.LongName, &c.Description, &c.Articles); err != nil {
			return nil, fmt.Errorf("tag: cloud: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
