package newsletter

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/jobs"
)

// JobKind is the jobs kind of the daily digests of one edition.
const JobKind = "newsletter.digest"

// UnconfirmedKept is how long after its link expired an unconfirmed
// request is kept (the daily job then deletes it).
const UnconfirmedKept = 7 * 24 * time.Hour

// Scheduler queues each edition's daily digests at a time of day in the
// edition's time zone, through the jobs queue: one job per edition and
// day (key newsletter-digest:fr:2026-11-29), so nodes that all schedule it
// create it once and one of them runs it.
type Scheduler struct {
	Service *Service
	At      string // "07:00"
}

// ParseAt checks an "HH:MM" time of day.
func ParseAt(at string) (h, m int, err error) {
	t, err := time.Parse("15:04", at)
	if err != nil {
		return 0, 0, fmt.Errorf("time of day %q: must be HH:MM, e.g. 07:00", at)
	}
	return t.Hour(), t.Minute(), nil
}

// next returns the next digest time after now in e's zone.
func (s *Scheduler) next(e Edition, now time.Time) (time.Time, error) {
	h, m, err := ParseAt(s.At)
	if err != nil {
		return time.Time{}, err
	}
	loc := e.Loc
	if loc == nil {
		loc = time.UTC
	}
	l := now.In(loc)
	t := time.Date(l.Year(), l.Month(), l.Day(), h, m, 0, 0, loc)
	if !t.After(now) {
		t = time.Date(l.Year(), l.Month(), l.Day()+1, h, m, 0, 0, loc)
	}
	return t, nil
}

func key(e Edition, t time.Time) string {
	return "newsletter-digest:" + e.Code + ":" + t.In(e.Loc).Format("2006-01-02")
}

// Schedule queues the next digest job of every edition; run it at start.
func (s *Scheduler) Schedule(ctx context.Context) error {
	eds, err := s.Service.Editions(ctx)
	if err != nil {
		return err
	}
	now := s.Service.now()
	return s.Service.DB.InTx(ctx, func(tx *db.Tx) error {
		for _, e := range eds {
			t, err := s.next(e, now)
			if err != nil {
				return err
			}
			if err := jobs.Enqueue(ctx, tx, JobKind, key(e, t), e.Code, t); err != nil {
				return err
			}
		}
		return nil
	})
}

// Job queues the edition's digests (in the job's transaction, so they are
// queued once) and the next day's job, and deletes requests never
// confirmed.
func (s *Scheduler) Job(ctx context.Context, tx *db.Tx, j jobs.Job) error {
	e, err := s.Service.EditionByCode(ctx, strings.TrimSpace(j.Payload))
	if err != nil {
		return fmt.Errorf("newsletter: digest job for edition %q: %w", j.Payload, err)
	}
	now := s.Service.now()
	ids, err := s.Service.DigestAll(ctx, tx, e, "schedule", now)
	if err != nil {
		return err
	}
	// Requests never confirmed leave no address behind for long.
	res, err := tx.Exec(ctx, `DELETE FROM newsletter_subscribers WHERE edition_id = ? AND confirmed_at IS NULL
		AND confirm_sent_at IS NOT NULL AND confirm_expires < ?`, e.ID, now.Add(-UnconfirmedKept).Unix())
	if err != nil {
		return fmt.Errorf("newsletter: purge unconfirmed: %w", err)
	}
	purged, _ := res.RowsAffected()
	s.Service.log().Info("newsletter: daily digests queued", "edition", e.Code, "sends", len(ids), "unconfirmed_purged", purged)
	// The next day's job of this edition, and of any edition created since
	// the nodes started.
	eds, err := s.Service.Editions(ctx)
	if err != nil {
		return err
	}
	for _, x := range eds {
		t, err := s.next(x, now.Add(time.Minute))
		if err != nil {
			return err
		}
		if err := jobs.Enqueue(ctx, tx, JobKind, key(x, t), x.Code, t); err != nil {
			return err
		}
	}
	return nil
}
