// Package publish holds what happens around an article's change of state:
// the cache tags of every page that shows it, the "Read also" refresh, and
// scheduled publication as a job that runs once across all nodes.
package publish

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/lede-news/lede/internal/changes"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/jobs"
)

// JobKind names the scheduled-publication job.
const JobKind = "publish"

// relatedUpdater recomputes "Read also" for an article and returns the
// other articles whose list changed.
type relatedUpdater interface {
	Update(ctx context.Context, tx *db.Tx, articleID int64) ([]int64, error)
}

// searchIndexer brings an article's search entry in step with it: indexed
// when published, taken out otherwise.
type searchIndexer interface {
	Index(ctx context.Context, tx *db.Tx, articleID int64) error
}

// Publisher records the consequences of article changes.
type Publisher struct {
	Related relatedUpdater // nil: "Read also" is not maintained (tests)
	Search  searchIndexer  // nil: no search index (tests)
	Events  eventSink      // nil: no webhooks (tests, imports)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Tags lists the cache tags of the pages that show article id as it is now
// in the database: its own, its edition's and section's lists, its tags',
// its authors', and its translations. Call it before a change too, so pages
// that stop showing the article are dropped as well.
func Tags(ctx context.Context, tx *db.Tx, id int64) ([]string, error) {
	var ed, sec, group int64
	err := tx.QueryRow(ctx, `SELECT edition_id, section_id, COALESCE(translation_group, 0) FROM articles WHERE id = ?`, id).
		Scan(&ed, &sec, &group)
	if err != nil {
		return nil, fmt.Errorf("publish: tags of %d: %w", id, db.NotFound(err))
	}
	tags := []string{"article:" + itoa(id), "edition:" + itoa(ed), "section:" + itoa(sec)}
	for _, q := range []struct{ prefix, query string }{
		{"tag:", `SELECT tag_id FROM article_tags WHERE article_id = ?`},
		{"author:", `SELECT author_id FROM article_authors WHERE article_id = ?`},
		{"article:", `SELECT id FROM articles WHERE translation_group = ? AND id <> ?`},
	} {
		args := []any{id}
		if q.prefix == "article:" {
			if group == 0 {
				continue
			}
			args = []any{group, id}
		}
		ids, err := db.IDs(ctx, tx, q.query, args...)
		if err != nil {
			return nil, fmt.Errorf("publish: tags of %d: %w", id, err)
		}
		for _, x := range ids {
			tags = append(tags, q.prefix+itoa(x))
		}
	}
	return tags, nil
}

// Changed refreshes "Read also" around article id and records, for every
// node's cache, the tags of the pages that show it now, plus before (the
// tags taken before the change).
func (p *Publisher) Changed(ctx context.Context, tx *db.Tx, id int64, before []string) error {
	tags, err := Tags(ctx, tx, id)
	if err != nil {
		return err
	}
	tags = append(tags, before...)
	if p.Related != nil {
		touched, err := p.Related.Update(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, o := range touched {
			tags = append(tags, "article:"+itoa(o))
		}
	}
	if p.Search != nil {
		if err := p.Search.Index(ctx, tx, id); err != nil {
			return err
		}
	}
	return changes.Record(ctx, tx, dedupe(tags)...)
}

// Schedule queues the publication of article id at at. Keyed by article
// and time, so scheduling the same thing twice queues it once.
func Schedule(ctx context.Context, tx *db.Tx, id int64, at time.Time) error {
	return jobs.Enqueue(ctx, tx, JobKind, fmt.Sprintf("publish:%d:%d", id, at.Unix()), itoa(id), at)
}

// Job is the jobs.Handler that publishes a scheduled article whose time has
// come. An article rescheduled later, unpublished or already published in
// the meantime is left alone.
func (p *Publisher) Job(ctx context.Context, tx *db.Tx, j jobs.Job) error {
	id, err := strconv.ParseInt(j.Payload, 10, 64)
	if err != nil {
		return fmt.Errorf("publish: bad payload %q", j.Payload)
	}
	now := time.Now().Unix()
	res, err := tx.Exec(ctx, `UPDATE articles SET status = 'published', modified_at = ?
		WHERE id = ? AND status = 'scheduled' AND published_at <= ?`, now, id, now)
	if err != nil {
		return fmt.Errorf("publish: %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	if err := p.Changed(ctx, tx, id, nil); err != nil {
		return err
	}
	return p.Transition(ctx, tx, id, "scheduled", "published")
}

func dedupe(tags []string) []string {
	seen := make(map[string]bool, len(tags))
	out := tags[:0]
	for _, t := range tags {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}
