package demo

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// demoThread is the discussion seeded under the drone-defence exercise
// story of each edition (not the top story, which the tests keep without
// comments), so a first start shows comments, a reply and likes.
var demoThread = map[string]struct {
	slug   string
	thread []demoComment
}{
	"fr": {"exercice-lettonie-defenses-essaims-de-drones", []demoComment{
		{"Hélène M.", "Le coût est tout le problème : un intercepteur à plusieurs centaines de milliers d'euros contre un drone à *quelques milliers*.", -1, 4, 5 * time.Hour},
		{"Paul R.", "D'où l'intérêt des brouilleurs évoqués dans l'article : c'est moins spectaculaire, mais bien moins cher.", 0, 2, 4 * time.Hour},
		{"Sofia K.", "Reste à savoir ce que l'exercice dira des essaims réellement autonomes, sans liaison à brouiller.", -1, 1, 2 * time.Hour},
	}},
	"en": {"baltic-exercise-tests-defences-against-drone-swarms", []demoComment{
		{"Dana W.", "Cost is the whole problem: a missile worth hundreds of thousands against a drone worth *a few thousand*.", -1, 3, 5 * time.Hour},
		{"Omar B.", "Hence the jamming and guns mentioned in the piece: less spectacular, far cheaper.", 0, 1, 3 * time.Hour},
	}},
}

type demoComment struct {
	name, body string
	reply      int // index of the comment answered, or -1
	likes      int
	ago        time.Duration
}

// seedComments posts demoThread as approved comments by demo readers
// (verified, code of conduct accepted, no password: nobody signs in as them).
func seedComments(ctx context.Context, d *db.DB, now time.Time) error {
	return d.InTx(ctx, func(tx *db.Tx) error {
		for code, demo := range demoThread {
			thread := demo.thread
			var articleID int64
			err := tx.QueryRow(ctx, `SELECT a.id FROM articles a JOIN editions e ON e.id = a.edition_id
				WHERE e.code = ? AND a.slug = ? AND a.status = 'published'`, code, demo.slug).Scan(&articleID)
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
