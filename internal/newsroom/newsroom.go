// Package newsroom is the editorial side of articles: saving with
// optimistic locking, the workflow from draft to publication, revisions,
// old URLs and the audit log. The web and API layers call it; it checks no
// permissions itself (the caller does, with account.Can).
package newsroom

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/publish"
	"github.com/lede-news/lede/internal/shortlink"
)

// ErrConflict means someone else saved the article since the editor
// loaded it: the save is refused and nothing is overwritten.
var ErrConflict = errors.New("newsroom: the article was changed by someone else since you opened it")

// Draft is what an editor submits.
type Draft struct {
	ID         int64 // 0: a new article
	Version    int   // the version the editor loaded; must still be current
	EditionID  int64
	SectionID  int64
	Slug       string
	Headline   string
	Standfirst string
	BodyMD     string
	Dateline   string
	Correction string    // shown to readers when set
	PublishAt  time.Time // for ActSchedule; zero otherwise
	Top        bool
	AuthorIDs  []int64
	TagIDs     []int64

	TranslationOf  int64   // an article of another edition telling the same story
	Pins, Excludes []int64 // editors' choices for "Read also", pins in order
	Alias          string  // an extra short-link code
	SEOTitle       string
	SEODescription string
}

// Newsroom writes articles.
type Newsroom struct {
	DB        *db.DB
	Publisher *publish.Publisher
	Now       func() time.Time
}

func (n *Newsroom) now() time.Time {
	if n.Now != nil {
		return n.Now()
	}
	return time.Now()
}

// current is the stored state a save starts from.
type current struct {
	status    string
	version   int
	slug      string
	published int64
}

// Save stores d and applies act, in one transaction, and returns the
// article's id and new version.
func (n *Newsroom) Save(ctx context.Context, userID int64, d Draft, act article.Action) (int64, int, error) {
	var id int64
	var version int
	err := n.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, version, err = n.save(ctx, tx, userID, d, act)
		return err
	})
	return id, version, err
}

func (n *Newsroom) save(ctx context.Context, tx *db.Tx, userID int64, d Draft, act article.Action) (int64, int, error) {
	cur := current{status: article.StatusDraft}
	if d.ID != 0 {
		err := tx.QueryRow(ctx, `SELECT status, version, slug, published_at FROM articles WHERE id = ?`, d.ID).
			Scan(&cur.status, &cur.version, &cur.slug, &cur.published)
		if err != nil {
			return 0, 0, fmt.Errorf("newsroom: article %d: %w", d.ID, db.NotFound(err))
		}
		if cur.version != d.Version {
			return 0, 0, ErrConflict
		}
	}
	to, err := article.Next(cur.status, act)
	if err != nil {
		return 0, 0, err
	}
	now := n.now().UTC().Truncate(time.Second)
	a := article.Article{Slug: d.Slug, Headline: strings.TrimSpace(d.Headline), Standfirst: strings.TrimSpace(d.Standfirst),
		BodyMD: d.BodyMD, Dateline: strings.TrimSpace(d.Dateline), Status: to, PublishedAt: now}
	switch {
	case act == article.ActSchedule:
		if !d.PublishAt.After(now) {
			return 0, 0, article.Errors{"publish_at": "must be in the future"}
		}
		a.PublishedAt = d.PublishAt.UTC()
	case to == article.StatusScheduled:
		a.PublishedAt = time.Unix(cur.published, 0).UTC() // saving keeps the scheduled time
	case cur.status == article.StatusPublished || cur.status == article.StatusUnpublished:
		a.PublishedAt = time.Unix(cur.published, 0).UTC() // a publication keeps its first date
	}
	// Otherwise now: the moment of first publication (drafts get a placeholder
	// that publication replaces).
	if err := a.Validate(); err != nil {
		return 0, 0, err
	}
	var lang string
	if err := tx.QueryRow(ctx, `SELECT lang FROM editions WHERE id = ?`, d.EditionID).Scan(&lang); err != nil {
		return 0, 0, article.Errors{"edition": "does not exist"}
	}
	var secEdition int64
	if err := tx.QueryRow(ctx, `SELECT edition_id FROM sections WHERE id = ?`, d.SectionID).Scan(&secEdition); err != nil || secEdition != d.EditionID {
		return 0, 0, article.Errors{"section": "is not a section of this edition"}
	}
	if len(d.AuthorIDs) == 0 {
		return 0, 0, article.Errors{"authors": "needs at least one author"}
	}
	var taken int64
	if err := tx.QueryRow(ctx, `SELECT id FROM articles WHERE edition_id = ? AND slug = ? AND id <> ?`, d.EditionID, d.Slug, d.ID).Scan(&taken); err == nil {
		return 0, 0, article.Errors{"slug": "is already used by another article in this edition"}
	}
	if a.BodyHTML, err = article.RenderBody(lang, a.BodyMD); err != nil {
		return 0, 0, err
	}
	var before []string
	if d.ID != 0 {
		if before, err = publish.Tags(ctx, tx, d.ID); err != nil {
			return 0, 0, err
		}
	}
	var updatedAt any
	if cur.status == article.StatusPublished && to == article.StatusPublished {
		updatedAt = now.Unix() // a change to a published article shows as an update
	}
	id, version := d.ID, cur.version+1
	if d.ID == 0 {
		version = 1
		id, err = tx.InsertID(ctx, `INSERT INTO articles (edition_id, section_id, slug, headline, standfirst, body_md, body_html,
			dateline, status, top, published_at, modified_at, correction, created_by, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
			d.EditionID, d.SectionID, a.Slug, a.Headline, a.Standfirst, a.BodyMD, a.BodyHTML, a.Dateline, to, d.Top,
			a.PublishedAt.Unix(), now.Unix(), d.Correction, nullID(userID))
		if err == nil {
			_, err = tx.Exec(ctx, `UPDATE articles SET shortcode = ? WHERE id = ?`, shortlink.Code(id), id)
		}
	} else {
		var res interface{ RowsAffected() (int64, error) }
		res, err = tx.Exec(ctx, `UPDATE articles SET edition_id = ?, section_id = ?, slug = ?, headline = ?, standfirst = ?,
			body_md = ?, body_html = ?, dateline = ?, status = ?, top = ?, published_at = ?,
			updated_at = COALESCE(?, updated_at), modified_at = ?, correction = ?, version = version + 1
			WHERE id = ? AND version = ?`,
			d.EditionID, d.SectionID, a.Slug, a.Headline, a.Standfirst, a.BodyMD, a.BodyHTML, a.Dateline, to, d.Top,
			a.PublishedAt.Unix(), updatedAt, now.Unix(), d.Correction, d.ID, d.Version)
		if err == nil {
			if k, _ := res.RowsAffected(); k != 1 {
				return 0, 0, ErrConflict
			}
		}
	}
	if err != nil {
		return 0, 0, fmt.Errorf("newsroom: save: %w", err)
	}
	if err := n.links(ctx, tx, id, d); err != nil {
		return 0, 0, err
	}
	// A slug taken now no longer redirects elsewhere.
	if _, err := tx.Exec(ctx, `DELETE FROM slug_redirects WHERE edition_id = ? AND slug = ?`, d.EditionID, a.Slug); err != nil {
		return 0, 0, err
	}
	if d.ID != 0 && cur.slug != a.Slug {
		if _, err := tx.Exec(ctx, `INSERT INTO slug_redirects (edition_id, slug, article_id) VALUES (?, ?, ?)
			ON CONFLICT (edition_id, slug) DO UPDATE SET article_id = excluded.article_id`, d.EditionID, cur.slug, id); err != nil {
			return 0, 0, fmt.Errorf("newsroom: keep old slug: %w", err)
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE articles SET seo_title = ?, seo_description = ? WHERE id = ?`,
		strings.TrimSpace(d.SEOTitle), strings.TrimSpace(d.SEODescription), id); err != nil {
		return 0, 0, fmt.Errorf("newsroom: seo: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO revisions (article_id, version, user_id, action, status, section_id, slug, headline,
		standfirst, body_md, dateline, correction, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, version, nullID(userID), string(act), to, d.SectionID, a.Slug, a.Headline, a.Standfirst, a.BodyMD, a.Dateline,
		d.Correction, now.Unix()); err != nil {
		return 0, 0, fmt.Errorf("newsroom: revision: %w", err)
	}
	if err := n.Publisher.Changed(ctx, tx, id, before); err != nil {
		return 0, 0, err
	}
	if err := n.Publisher.Transition(ctx, tx, id, cur.status, to); err != nil {
		return 0, 0, err
	}
	if to == article.StatusScheduled {
		if err := publish.Schedule(ctx, tx, id, a.PublishedAt); err != nil {
			return 0, 0, err
		}
	}
	return id, version, Audit(ctx, tx, userID, "article."+string(act), "article:"+strconv.FormatInt(id, 10), to)
}

func (n *Newsroom) links(ctx context.Context, tx *db.Tx, id int64, d Draft) error {
	if err := n.extras(ctx, tx, id, d); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM article_authors WHERE article_id = ?`, id); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM article_tags WHERE article_id = ?`, id); err != nil {
		return err
	}
	for i, a := range d.AuthorIDs {
		if _, err := tx.Exec(ctx, `INSERT INTO article_authors (article_id, author_id, position) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, id, a, i); err != nil {
			return fmt.Errorf("newsroom: author %d: %w", a, err)
		}
	}
	for _, t := range d.TagIDs {
		if _, err := tx.Exec(ctx, `INSERT INTO article_tags (article_id, tag_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, id, t); err != nil {
			return fmt.Errorf("newsroom: tag %d: %w", t, err)
		}
	}
	return nil
}

// Audit records who did what.
func Audit(ctx context.Context, tx *db.Tx, userID int64, action, target, detail string) error {
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (user_id, action, target, detail, at) VALUES (?, ?, ?, ?, ?)`,
		nullID(userID), action, target, detail, time.Now().Unix())
	if err != nil {
		return fmt.Errorf("newsroom: audit: %w", err)
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// AuditEvent records an action outside an article save.
func (n *Newsroom) AuditEvent(ctx context.Context, userID int64, action, target, detail string) error {
	return n.DB.InTx(ctx, func(tx *db.Tx) error { return Audit(ctx, tx, userID, action, target, detail) })
}
