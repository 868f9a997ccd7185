package views

import (
	"context"
	"fmt"
	"time"
)

// Ranked is an article and its reads over a period.
type Ranked struct {
	ArticleID int64
	Views     int64
}

// MostRead returns an edition's published articles read most since the
// start of the UTC day `days` days ago (days = 0: today).
func (c *Counter) MostRead(ctx context.Context, editionID int64, days, limit int) ([]Ranked, error) {
	return c.mostRead(ctx, "a.edition_id", editionID, days, limit)
}

// MostReadInSection is MostRead for one section.
func (c *Counter) MostReadInSection(ctx context.Context, sectionID int64, days, limit int) ([]Ranked, error) {
	return c.mostRead(ctx, "a.section_id", sectionID, days, limit)
}

// mostRead ranks by the flushed daily counts, so every node gives the same
// answer; ties go to the newest id. scope is a column name, never input.
func (c *Counter) mostRead(ctx context.Context, scope string, id int64, days, limit int) ([]Ranked, error) {
	from := c.now().UTC().AddDate(0, 0, -days).Format(time.DateOnly)
	rows, err := c.db.Query(ctx, `SELECT v.article_id, sum(v.n) AS total FROM views_daily v
		JOIN articles a ON a.id = v.article_id
		WHERE `+scope+` = ? AND a.status = 'published' AND v.day >= ?
		GROUP BY v.article_id ORDER BY total DESC, v.article_id DESC LIMIT ?`, id, from, limit)
	if err != nil {
		return nil, fmt.Errorf("views: most read: %w", err)
	}
	defer rows.Close()
	var out []Ranked
	for rows.Next() {
		var r Ranked
		if err := rows.Scan(&r.ArticleID, &r.Views); err != nil {
			return nil, fmt.Errorf("views: most read: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Clicks returns how many times a short code was followed.
func (c *Counter) Clicks(ctx context.Context, code string) (int64, error) {
	var n int64
	err := c.db.QueryRow(ctx, `SELECT COALESCE(sum(n), 0) FROM shortlink_clicks WHERE code = ?`, code).Scan(&n)
	return n, err
}
