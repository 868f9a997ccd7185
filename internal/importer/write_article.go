package importer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/author"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/edition"
	"github.com/lede-news/lede/internal/publish"
	"github.com/lede-news/lede/internal/shortlink"
	"github.com/lede-news/lede/internal/tag"
)

// resolved holds an article record's references turned into ids.
type resolved struct {
	edition, section int64
	lang             string
	authors, tags    []int64
	group            int64
	pins, excludes   []int64
}

func (im *Importer) resolve(ctx context.Context, tx *db.Tx, r *Record) (resolved, error) {
	var x resolved
	var err error
	if x.edition, x.lang, err = editionID(ctx, tx, r.Edition); err != nil {
		return x, err
	}
	errs := article.Errors{}
	if x.section, err = edition.SectionID(ctx, tx, x.edition, r.Section); errors.Is(err, db.ErrNotFound) {
		errs["section"] = fmt.Sprintf("%q does not exist in edition %s", r.Section, r.Edition)
	} else if err != nil {
		return x, err
	}
	for _, s := range r.Authors {
		id, err := author.IDBySlug(ctx, tx, s)
		if errors.Is(err, db.ErrNotFound) {
			errs["authors"] = fmt.Sprintf("author %q does not exist", s)
			continue
		} else if err != nil {
			return x, err
		}
		x.authors = appendUnique(x.authors, id)
	}
	for _, s := range r.Tags {
		id, err := tag.IDBySlug(ctx, tx, x.edition, s)
		if errors.Is(err, db.ErrNotFound) {
			errs["tags"] = fmt.Sprintf("tag %q does not exist in edition %s", s, r.Edition)
			continue
		} else if err != nil {
			return x, err
		}
		x.tags = appendUnique(x.tags, id)
	}
	if r.TranslationOf != "" {
		var id, group, ed int64
		err := tx.QueryRow(ctx, `SELECT id, COALESCE(translation_group, id), edition_id FROM articles WHERE external_id = ?`,
			r.TranslationOf).Scan(&id, &group, &ed)
		switch {
		case err != nil && errors.Is(db.NotFound(err), db.ErrNotFound):
			errs["translation_of"] = fmt.Sprintf("article %q does not exist (define it on an earlier line)", r.TranslationOf)
		case err != nil:
			return x, err
		case ed == x.edition:
			errs["translation_of"] = "a translation must be in another edition"
		default:
			x.group = group
		}
	}
	for field, list := range map[string][]string{"related_pin": r.RelatedPin, "related_exclude": r.RelatedExclude} {
		for _, ext := range list {
			var id, ed int64
			err := tx.QueryRow(ctx, `SELECT id, edition_id FROM articles WHERE external_id = ?`, ext).Scan(&id, &ed)
			if err != nil || ed != x.edition {
				if err != nil && !errors.Is(db.NotFound(err), db.ErrNotFound) {
					return x, err
				}
				errs[field] = fmt.Sprintf("article %q does not exist in edition %s", ext, r.Edition)
				continue
			}
			if field == "related_pin" {
				x.pins = appendUnique(x.pins, id)
			} else {
				x.excludes = appendUnique(x.excludes, id)
			}
		}
	}
	if len(errs) > 0 {
		return x, errs
	}
	return x, nil
}

func appendUnique(s []int64, id int64) []int64 {
	for _, v := range s {
		if v == id {
			return s
		}
	}
	return append(s, id)
}

func (im *Importer) writeArticle(ctx context.Context, tx *db.Tx, r *Record) (outcome, error) {
	x, err := im.resolve(ctx, tx, r)
	if err != nil {
		return unchanged, err
	}
	hash := hashRecord(r)
	var id, oldEdition int64
	var oldHash, oldSlug string
	err = tx.QueryRow(ctx, `SELECT id, content_hash, slug, edition_id FROM articles WHERE external_id = ?`, r.ID).Scan(&id, &oldHash, &oldSlug, &oldEdition)
	found := err == nil
	if err != nil && !errors.Is(db.NotFound(err), db.ErrNotFound) {
		return unchanged, err
	}
	if found && oldHash == hash {
		return unchanged, nil
	}
	var other int64
	err = tx.QueryRow(ctx, `SELECT id FROM articles WHERE edition_id = ? AND slug = ? AND COALESCE(external_id, '') <> ?`,
		x.edition, r.Slug, r.ID).Scan(&other)
	if err == nil {
		return unchanged, article.Errors{"slug": fmt.Sprintf("%q is already used by another article in edition %s", r.Slug, r.Edition)}
	} else if !errors.Is(db.NotFound(err), db.ErrNotFound) {
		return unchanged, err
	}

	var before []string // pages that show the article now may stop showing it
	if found {
		if before, err = publish.Tags(ctx, tx, id); err != nil {
			return unchanged, err
		}
	}
	a := r.Article()
	if a.PublishedAt.After(time.Now()) {
		a.Status = article.StatusScheduled // embargoed: invisible until a job publishes it
	}
	if a.BodyHTML, err = article.RenderBody(x.lang, a.BodyMD); err != nil {
		return unchanged, err
	}
	var updatedAt any
	if !a.UpdatedAt.IsZero() {
		updatedAt = a.UpdatedAt.Unix()
	}
	now := time.Now().Unix()
	var group any
	if x.group != 0 {
		group = x.group
	}
	if found {
		_, err = tx.Exec(ctx, `UPDATE articles SET edition_id = ?, section_id = ?, slug = ?, headline = ?, standfirst = ?,
			body_md = ?, body_html = ?, dateline = ?, status = ?, top = ?, published_at = ?, updated_at = ?, modified_at = ?,
			translation_group = COALESCE(?, translation_group), content_hash = ? WHERE id = ?`,
			x.edition, x.section, a.Slug, a.Headline, a.Standfirst, a.BodyMD, a.BodyHTML, a.Dateline, a.Status, a.Top,
			a.PublishedAt.Unix(), updatedAt, now, group, hash, id)
	} else {
		id, err = tx.InsertID(ctx, `INSERT INTO articles (external_id, edition_id, section_id, slug, headline, standfirst,
			body_md, body_html, dateline, status, top, published_at, updated_at, modified_at, translation_group, content_hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, x.edition, x.section, a.Slug, a.Headline, a.Standfirst, a.BodyMD, a.BodyHTML, a.Dateline, a.Status, a.Top,
			a.PublishedAt.Unix(), updatedAt, now, group, hash)
		if err == nil {
			_, err = tx.Exec(ctx, `UPDATE articles SET shortcode = ? WHERE id = ?`, shortlink.Code(id), id)
		}
	}
	if err != nil {
		return unchanged, fmt.Errorf("article %s: %w", r.ID, err)
	}
	// The old URL keeps answering (301) after a slug change; a slug taken
	// now no longer redirects elsewhere.
	if _, err := tx.Exec(ctx, `DELETE FROM slug_redirects WHERE edition_id = ? AND slug = ?`, x.edition, a.Slug); err != nil {
		return unchanged, err
	}
	if found && oldSlug != a.Slug {
		if _, err := tx.Exec(ctx, `INSERT INTO slug_redirects (edition_id, slug, article_id) VALUES (?, ?, ?)
			ON CONFLICT (edition_id, slug) DO UPDATE SET article_id = excluded.article_id`, oldEdition, oldSlug, id); err != nil {
			return unchanged, err
		}
	}
	if err := im.writeLinks(ctx, tx, id, x); err != nil {
		return unchanged, fmt.Errorf("article %s: %w", r.ID, err)
	}
	if err := (&publish.Publisher{Related: im.Related, Search: im.Search}).Changed(ctx, tx, id, before); err != nil {
		return unchanged, fmt.Errorf("article %s: %w", r.ID, err)
	}
	if a.Status == article.StatusScheduled {
		if err := publish.Schedule(ctx, tx, id, a.PublishedAt); err != nil {
			return unchanged, err
		}
	}
	if found {
		return updated, nil
	}
	return created, nil
}

// writeLinks replaces the article's bylines, tags, translation group and
// "Read also" overrides.
func (im *Importer) writeLinks(ctx context.Context, tx *db.Tx, id int64, x resolved) error {
	for _, q := range []string{`DELETE FROM article_authors WHERE article_id = ?`, `DELETE FROM article_tags WHERE article_id = ?`,
		`DELETE FROM related_overrides WHERE article_id = ?`} {
		if _, err := tx.Exec(ctx, q, id); err != nil {
			return err
		}
	}
	for i, a := range x.authors {
		if _, err := tx.Exec(ctx, `INSERT INTO article_authors (article_id, author_id, position) VALUES (?, ?, ?)`, id, a, i); err != nil {
			return err
		}
	}
	for _, t := range x.tags {
		if _, err := tx.Exec(ctx, `INSERT INTO article_tags (article_id, tag_id) VALUES (?, ?)`, id, t); err != nil {
			return err
		}
	}
	if x.group != 0 {
		if _, err := tx.Exec(ctx, `UPDATE articles SET translation_group = ? WHERE id = ?`, x.group, x.group); err != nil {
			return err
		}
	}
	for i, p := range x.pins {
		if _, err := tx.Exec(ctx, `INSERT INTO related_overrides (article_id, other_id, kind, position) VALUES (?, ?, 'pin', ?)`, id, p, i); err != nil {
			return err
		}
	}
	for _, e := range x.excludes {
		if _, err := tx.Exec(ctx, `INSERT INTO related_overrides (article_id, other_id, kind, position) VALUES (?, ?, 'exclude', 0)
			ON CONFLICT (article_id, other_id) DO NOTHING`, id, e); err != nil {
			return err
		}
	}
	return nil
}
