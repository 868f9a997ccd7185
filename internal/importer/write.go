package importer

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/author"
	"github.com/lede-news/lede/internal/changes"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/edition"
	"github.com/lede-news/lede/internal/tag"
)

func (im *Importer) write(ctx context.Context, r *Record, line []byte) (outcome, error) {
	var o outcome
	err := im.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		switch r.Type {
		case "edition":
			o, err = writeEdition(ctx, tx, r)
		case "section":
			o, err = writeSection(ctx, tx, r)
		case "author":
			o, err = writeAuthor(ctx, tx, r)
		case "tag":
			o, err = writeTag(ctx, tx, r)
		case "article":
			o, err = im.writeArticle(ctx, tx, r)
		}
		return err
	})
	if err != nil {
		return unchanged, err
	}
	return o, nil
}

// upserted tells created from updated from unchanged by comparing the row
// before and after.
func upserted(before string, found bool, after string) outcome {
	switch {
	case !found:
		return created
	case before != after:
		return updated
	}
	return unchanged
}

func rowText(ctx context.Context, tx *db.Tx, query string, args ...any) (string, bool, error) {
	var s string
	err := tx.QueryRow(ctx, query, args...).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return s, err == nil, err
}

func writeEdition(ctx context.Context, tx *db.Tx, r *Record) (outcome, error) {
	const q = `SELECT name || '|' || lang || '|' || timezone || '|' || tagline || '|' || conduct_md || '|' || is_default || '|' || feed_full_text FROM editions WHERE code = ?`
	before, found, err := rowText(ctx, tx, q, r.Code)
	if err != nil {
		return unchanged, err
	}
	if _, err := edition.Upsert(ctx, tx, edition.Edition{Code: r.Code, Name: r.Name, Lang: r.Lang,
		Timezone: r.Timezone, Tagline: r.Tagline, ConductMD: r.Conduct, Default: r.Default, FeedFullText: !r.FeedSummary}); err != nil {
		return unchanged, err
	}
	after, _, err := rowText(ctx, tx, q, r.Code)
	if err != nil {
		return unchanged, err
	}
	o := upserted(before, found, after)
	if o != unchanged {
		err = changes.Record(ctx, tx, "site")
	}
	return o, err
}

func editionID(ctx context.Context, tx *db.Tx, code string) (int64, string, error) {
	id, lang, err := edition.IDByCode(ctx, tx, code)
	if errors.Is(err, db.ErrNotFound) {
		return 0, "", article.Errors{"edition": fmt.Sprintf("%q does not exist (define it on an earlier line)", code)}
	}
	return id, lang, err
}

func writeSection(ctx context.Context, tx *db.Tx, r *Record) (outcome, error) {
	ed, _, err := editionID(ctx, tx, r.Edition)
	if err != nil {
		return unchanged, err
	}
	const q = `SELECT name || '|' || position FROM sections WHERE edition_id = ? AND slug = ?`
	before, found, err := rowText(ctx, tx, q, ed, r.Slug)
	if err != nil {
		return unchanged, err
	}
	if _, err := edition.UpsertSection(ctx, tx, edition.Section{EditionID: ed, Slug: r.Slug, Name: r.Name, Position: r.Position}); err != nil {
		return unchanged, err
	}
	after, _, err := rowText(ctx, tx, q, ed, r.Slug)
	if err != nil {
		return unchanged, err
	}
	o := upserted(before, found, after)
	if o != unchanged {
		err = changes.Record(ctx, tx, "site")
	}
	return o, err
}

func writeAuthor(ctx context.Context, tx *db.Tx, r *Record) (outcome, error) {
	const q = `SELECT name || '|' || bio_json || '|' || agency || '|' || photo FROM authors WHERE slug = ?`
	before, found, err := rowText(ctx, tx, q, r.Slug)
	if err != nil {
		return unchanged, err
	}
	id, err := author.Upsert(ctx, tx, author.Author{Slug: r.Slug, Name: r.Name, Bio: r.Bio, Agency: r.Agency, Photo: r.Photo})
	if err != nil {
		return unchanged, err
	}
	after, _, err := rowText(ctx, tx, q, r.Slug)
	if err != nil {
		return unchanged, err
	}
	o := upserted(before, found, after)
	if o == updated {
		err = recordArticlesOf(ctx, tx, "author:"+strconv.FormatInt(id, 10),
			`SELECT article_id FROM article_authors WHERE author_id = ?`, id)
	}
	return o, err
}

func writeTag(ctx context.Context, tx *db.Tx, r *Record) (outcome, error) {
	ed, _, err := editionID(ctx, tx, r.Edition)
	if err != nil {
		return unchanged, err
	}
	const q = `SELECT name || '|' || long_name || '|' || description FROM tags WHERE edition_id = ? AND slug = ?`
	before, found, err := rowText(ctx, tx, q, ed, r.Slug)
	if err != nil {
		return unchanged, err
	}
	id, err := tag.Upsert(ctx, tx, tag.Tag{EditionID: ed, Slug: r.Slug, Name: r.Name, LongName: r.LongName, Description: r.Description})
	if err != nil {
		return unchanged, err
	}
	after, _, err := rowText(ctx, tx, q, ed, r.Slug)
	if err != nil {
		return unchanged, err
	}
	o := upserted(before, found, after)
	if o == updated {
		err = recordArticlesOf(ctx, tx, "tag:"+strconv.FormatInt(id, 10),
			`SELECT article_id FROM article_tags WHERE tag_id = ?`, id)
	}
	return o, err
}

// recordArticlesOf invalidates a list page and every article it holds.
func recordArticlesOf(ctx context.Context, tx *db.Tx, listTag, query string, args ...any) error {
	ids, err := db.IDs(ctx, tx, query, args...)
	if err != nil {
		return err
	}
	tags := []string{listTag}
	for _, id := range ids {
		tags = append(tags, "article:"+strconv.FormatInt(id, 10))
	}
	return changes.Record(ctx, tx, tags...)
}

func hashRecord(r *Record) string {
	b, _ := json.Marshal(r)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
