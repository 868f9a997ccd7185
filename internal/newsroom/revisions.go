package newsroom

import (
	"context"
	"fmt"
	"time"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/db"
)

// Revision is one saved version of an article.
type Revision struct {
	ID, ArticleID, UserID, SectionID           int64
	Version                                    int
	Action, Status, Slug, Headline, Standfirst string
	BodyMD, Dateline, Correction               string
	CreatedAt                                  time.Time
}

const revCols = `id, article_id, COALESCE(user_id, 0), section_id, version, action, status, slug, headline, standfirst,
	body_md, dateline, correction, created_at`

func scanRev(sc interface{ Scan(...any) error }) (Revision, error) {
	var r Revision
	var at int64
	err := sc.Scan(&r.ID, &r.ArticleID, &r.UserID, &r.SectionID, &r.Version, &r.Action, &r.Status, &r.Slug, &r.Headline,
		&r.Standfirst, &r.BodyMD, &r.Dateline, &r.Correction, &at)
	r.CreatedAt = time.Unix(at, 0).UTC()
	return r, err
}

// Revisions lists an article's revisions, newest first.
func (n *Newsroom) Revisions(ctx context.Context, articleID int64) ([]Revision, error) {
	rows, err := n.DB.Query(ctx, `SELECT `+revCols+` FROM revisions WHERE article_id = ? ORDER BY version DESC`, articleID)
	if err != nil {
		return nil, fmt.Errorf("newsroom: revisions of %d: %w", articleID, err)
	}
	defer rows.Close()
	var out []Revision
	for rows.Next() {
		r, err := scanRev(rows)
		if err != nil {
			return nil, fmt.Errorf("newsroom: revisions of %d: %w", articleID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Revision returns one version of an article.
func (n *Newsroom) Revision(ctx context.Context, articleID int64, version int) (Revision, error) {
	r, err := scanRev(n.DB.QueryRow(ctx, `SELECT `+revCols+` FROM revisions WHERE article_id = ? AND version = ?`, articleID, version))
	if err != nil {
		return r, fmt.Errorf("newsroom: revision %d of %d: %w", version, articleID, db.NotFound(err))
	}
	return r, nil
}

// Change is one run of a diff: equal, inserted or deleted text.
type Change struct {
	Op   string // "=", "+", "-"
	Text string
}

// FieldDiff is the difference of one field between two revisions.
type FieldDiff struct {
	Field   string
	Changes []Change
}

// Diff compares two revisions field by field, line by line for the body
// and word by word elsewhere; fields that did not change are left out.
func Diff(a, b Revision) []FieldDiff {
	dmp := diffmatchpatch.New()
	var out []FieldDiff
	for _, f := range []struct{ name, x, y string }{
		{"headline", a.Headline, b.Headline}, {"standfirst", a.Standfirst, b.Standfirst},
		{"slug", a.Slug, b.Slug}, {"section (number)", fmt.Sprint(a.SectionID), fmt.Sprint(b.SectionID)}, {"dateline", a.Dateline, b.Dateline}, {"correction", a.Correction, b.Correction},
		{"body", a.BodyMD, b.BodyMD},
	} {
		if f.x == f.y {
			continue
		}
		var diffs []diffmatchpatch.Diff
		if f.name == "body" {
			x, y, lines := dmp.DiffLinesToChars(f.x, f.y)
			diffs = dmp.DiffCharsToLines(dmp.DiffMain(x, y, false), lines)
		} else {
			diffs = dmp.DiffCleanupSemantic(dmp.DiffMain(f.x, f.y, false))
		}
		fd := FieldDiff{Field: f.name}
		for _, d := range diffs {
			op := "="
			switch d.Type {
			case diffmatchpatch.DiffInsert:
				op = "+"
			case diffmatchpatch.DiffDelete:
				op = "-"
			}
			fd.Changes = append(fd.Changes, Change{op, d.Text})
		}
		out = append(out, fd)
	}
	return out
}

// Restore saves the text of an old revision as the article's newest
// version, keeping its status; currentVersion guards against conflicts as
// for any save.
func (n *Newsroom) Restore(ctx context.Context, userID, articleID int64, version, currentVersion int) (int, error) {
	r, err := n.Revision(ctx, articleID, version)
	if err != nil {
		return 0, err
	}
	d, _, err := n.Load(ctx, articleID)
	if err != nil {
		return 0, err
	}
	d.Version = currentVersion
	d.SectionID, d.Slug, d.Headline, d.Standfirst = r.SectionID, r.Slug, r.Headline, r.Standfirst
	d.BodyMD, d.Dateline, d.Correction = r.BodyMD, r.Dateline, r.Correction
	_, v, err := n.Save(ctx, userID, d, article.ActSave)
	return v, err
}
