package comment

// Flag alerts: staff who opted in get an email when readers flag a comment.
// Every node sweeps the open flags now and then and enqueues one job per
// (comment, round of flags, moderator); the jobs table's unique key makes
// that exactly once however many nodes sweep, and the runner sends each
// once. A round is the flags between two reviews, so a
// comment flagged ten times in a row makes one email, not ten.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/jobs"
	"github.com/lede-news/lede/internal/mail"
)

// FlagAlertJobKind is the jobs queue kind of moderators' flag emails.
const FlagAlertJobKind = "comment-flag-alert"

// flagSweepWindow bounds how far back a sweep looks: flags older than this
// that never got their alert (every node down for a week) are in the queue
// anyway.
const flagSweepWindow = 7 * 24 * time.Hour

// SetAlerts turns flag emails on or off for a staff user.
func (m *Moderator) SetAlerts(ctx context.Context, userID int64, on bool) error {
	return m.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if on {
			_, err = tx.Exec(ctx, `INSERT INTO moderation_alerts (user_id, created_at) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING`, userID, m.now().Unix())
		} else {
			_, err = tx.Exec(ctx, `DELETE FROM moderation_alerts WHERE user_id = ?`, userID)
		}
		if err != nil {
			return fmt.Errorf("comment: alerts: %w", err)
		}
		return nil
	})
}

// Alerts reports whether a staff user gets flag emails.
func (m *Moderator) Alerts(ctx context.Context, userID int64) (bool, error) {
	var n int
	err := m.DB.QueryRow(ctx, `SELECT count(*) FROM moderation_alerts WHERE user_id = ?`, userID).Scan(&n)
	return n > 0, err
}

// SweepFlags enqueues the alerts of open flags; it returns how many jobs
// it added.
func (m *Moderator) SweepFlags(ctx context.Context) (int, error) {
	added := 0
	err := m.DB.InTx(ctx, func(tx *db.Tx) error {
		// A round is numbered by the flags reviewed before it.
		rows, err := tx.Query(ctx, `SELECT comment_id, COALESCE(SUM(CASE WHEN reviewed THEN 1 ELSE 0 END), 0) FROM comment_flags
			WHERE comment_id IN (SELECT comment_id FROM comment_flags WHERE NOT reviewed AND created_at > ?)
			GROUP BY comment_id`, m.now().Add(-flagSweepWindow).Unix())
		if err != nil {
			return err
		}
		type round struct{ comment, since int64 }
		var rounds []round
		for rows.Next() {
			var r round
			if err := rows.Scan(&r.comment, &r.since); err != nil {
				rows.Close()
				return err
			}
			rounds = append(rounds, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(rounds) == 0 {
			return err
		}
		// Moderators who asked, still active and still allowed to moderate.
		users, err := db.IDs(ctx, tx, `SELECT u.id FROM moderation_alerts a JOIN users u ON u.id = a.user_id
			WHERE NOT u.disabled AND u.role IN ('editor', 'admin') ORDER BY u.id`)
		if err != nil || len(users) == 0 {
			return err
		}
		now := m.now()
		for _, r := range rounds {
			for _, u := range users {
				key := "comment-flag:" + strconv.FormatInt(r.comment, 10) + ":" + strconv.FormatInt(r.since, 10) + ":" + strconv.FormatInt(u, 10)
				res, err := tx.Exec(ctx, `INSERT INTO jobs (kind, key, payload, run_at, created_at) VALUES (?, ?, ?, ?, ?)
					ON CONFLICT (key) DO NOTHING`, FlagAlertJobKind, key, strconv.FormatInt(r.comment, 10)+":"+strconv.FormatInt(u, 10), now.Unix(), now.Unix())
				if err != nil {
					return fmt.Errorf("comment: flag alert: %w", err)
				}
				if n, _ := res.RowsAffected(); n > 0 {
					added++
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("comment: sweep flags: %w", err)
	}
	return added, nil
}

// RunFlagSweeper sweeps every interval until ctx ends.
func (m *Moderator) RunFlagSweeper(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := m.SweepFlags(ctx); err != nil && ctx.Err() == nil && log != nil {
			log.Warn("comment: flag sweep", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// FlagAlerter sends the flag emails from the jobs queue.
type FlagAlerter struct {
	Mail    Mailer
	BaseURL string
}

// Job emails one moderator about one flagged comment, if its flags are
// still open and the moderator still wants it.
func (a *FlagAlerter) Job(ctx context.Context, tx *db.Tx, j jobs.Job) error {
	cs, us, ok := strings.Cut(j.Payload, ":")
	commentID, err1 := strconv.ParseInt(cs, 10, 64)
	userID, err2 := strconv.ParseInt(us, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return fmt.Errorf("comment: flag alert: bad payload %q", j.Payload)
	}
	var email, name string
	err := tx.QueryRow(ctx, `SELECT u.email, u.name FROM moderation_alerts a JOIN users u ON u.id = a.user_id
		WHERE a.user_id = ? AND NOT u.disabled AND u.role IN ('editor', 'admin')`, userID).Scan(&email, &name)
	if errors.Is(db.NotFound(err), db.ErrNotFound) {
		return nil // no longer wanted
	}
	if err != nil {
		return err
	}
	c, err := get(ctx, tx, commentID)
	if errors.Is(err, db.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT reason, count(*) FROM comment_flags WHERE comment_id = ? AND NOT reviewed GROUP BY reason ORDER BY reason`, commentID)
	if err != nil {
		return err
	}
	var reasons []string
	total := 0
	for rows.Next() {
		var r string
		var n int
		if err := rows.Scan(&r, &n); err != nil {
			rows.Close()
			return err
		}
		reasons = append(reasons, fmt.Sprintf("%s (%d)", r, n))
		total += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if total == 0 {
		return nil // reviewed before the email went
	}
	var headline string
	if err := tx.QueryRow(ctx, `SELECT headline FROM articles WHERE id = ?`, c.ArticleID).Scan(&headline); err != nil {
		return db.NotFound(err)
	}
	excerpt := c.Body
	if r := []rune(excerpt); len(r) > 500 {
		excerpt = string(r[:500]) + "…"
	}
	state := "It is still shown."
	if c.Hidden {
		state = "It is hidden until a moderator reviews it."
	}
	link := a.BaseURL + "/admin/comments?view=flagged#c" + itoa(c.ID)
	text := "Hello " + name + ",\n\n" +
		fmt.Sprintf("Readers flagged a comment by %s under \"%s\": %s. %s\n\n", modOr(c.AuthorName, "a deleted account"), headline, strings.Join(reasons, ", "), state) +
		"> " + strings.ReplaceAll(strings.TrimSpace(excerpt), "\n", "\n> ") + "\n\n" +
		"Review it in the moderation queue:\n" + link + "\n\n-- \n" +
		"You get these emails because you asked for them on the moderation page; untick the box there to stop.\n"
	return a.Mail.Send(ctx, mail.Message{To: []string{email}, Subject: "Comment flagged: " + headline, Text: text})
}
