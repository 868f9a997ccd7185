package views

import (
	"context"
	"fmt"
	"time"
)

// MostReadInSection returns a section's published articles read most since
// the start of the UTC day `days` days ago (days = 0: today), most read
// first, ties to the newest id. It reads the flushed daily counts, so every
// node gives the same answer.
func (c *Counter) MostReadInSection(ctx context.Context, sectionID int64, days, limit int) ([]Ranked, error) {
	from := c.now().UTC().AddDate(0, 0, -days).Format(time.DateOnly)
	rows, err := c.db.Query(ctx, `SELECT v.article_id, sum(v.n) AS total FROM views_daily v
		JOIN articles a ON a.id = v.article_id
		WHERE a.section_id = ? AND a.status = 'published' AND v.day >= ?
		GROUP BY v.article_id ORDER BY total DESC, v.article_id DESC LIMIT ?`, sectionID, from, limit)
	if err != nil {
		return nil, fmt.Errorf("views: most read in section: %w", err)
	}
	defer rows.Close()
	var out []Ranked
	for rows.Next() {
		var r Ranked
		if err := rows.Scan(&r.ArticleID, &r.Views); err != nil {
			return nil, fmt.Errorf("views: most read in section: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
