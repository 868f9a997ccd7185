package demo

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// demoThread is the discussion seeded under each edition's latest story
// below the top one (which the tests keep without comments), so a
// first start shows comments, a reply and likes as readers will see them.
var demoThread = map[string][]struct {
	name, body string
	reply      int // index of the comment answered, or -1
	likes      int
	ago        time.Duration
}{
	"fr": {
		{"Hélène M.", "Enfin une bonne nouvelle. Reste à savoir ce que vaudra un engagement *politique* sans inspections.", -1, 4, 5 * time.Hour},
		{"Paul R.", "Les inspections ont été suspendues pendant la pandémie, elles n'ont jamais repris : c'est bien le cœur du problème.", 0, 2, 4 * time.Hour},
		{"Sofia K.", "Le passage sur la Chine est essentiel. Un accord bilatéral a-t-il encore un sens ?", -1, 1, 2 * time.Hour},
	},
	"en": {
		{"Dana W.", "Good to see talks resume. A *political* commitment without verification still leaves a lot to trust.", -1, 3, 5 * time.Hour},
		{"Omar B.", "Agreed: on-site inspections stopped in 2020 and never came back.", 0, 1, 3 * time.Hour},
	},
}

// seedComments posts demoThread as approved comments by demo readers
// (verified, code of conduct accepted, no password: nobody signs in as them).
func seedComments(ctx context.Context, d *db.DB, now time.Time) error {
	return d.InTx(ctx, func(tx *db.Tx) error {
		for code, thread := range demoThread {
			var articleID int64
			err := tx.QueryRow(ctx, `SELECT a.id FROM articles a JOIN editions e ON e.id = a.edition_id
				WHERE e.code = ? AND a.status = 'published' AND NOT a.top ORDER BY a.published_at DESC LIMIT 1`, code).Scan(&articleID)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			ids := make([]int64, len(thread))
			for i, c := range thread {
				at := now.Add(-c.ago).Unix()
				rid, err := tx.InsertID(ctx, `INSERT INTO readers (email, name, verified_at, conduct_at, created_at) VALUES (?, ?, ?, ?, ?)`,
					"demo-"+code+"-"+itoa(int64(i))+"@example.org", c.name, at, at, at)
				if err != nil {
					return err
				}
				var parent any
				if c.reply >= 0 {
					parent = ids[c.reply]
				}
				if ids[i], err = tx.InsertID(ctx, `INSERT INTO comments (article_id, parent_id, reader_id, author_name, body, status, likes, created_at)
					VALUES (?, ?, ?, ?, ?, 'approved', ?, ?)`, articleID, parent, rid, c.name, c.body, c.likes, at); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
