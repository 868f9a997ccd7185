package newsroom

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// Filter selects articles in the newsroom's lists, all statuses included.
type Filter struct {
	Status    string
	EditionID int64
	SectionID int64
	AuthorID  int64
	CreatedBy int64  // only this user's articles (contributors see their own)
	Text      string // in the headline, case-insensitive
	Limit     int
	Offset    int
	Order     string // "modified" (default) or "publish" (scheduled queue)
}

// Row is an article in a newsroom list.
type Row struct {
	ID          int64
	EditionID   int64
	SectionID   int64
	Headline    string
	Slug        string
	Status      string
	PublishedAt time.Time
	ModifiedAt  time.Time
	CreatedBy   int64
	Version     int
}

// List returns the articles f selects.
func (n *Newsroom) List(ctx context.Context, f Filter) ([]Row, error) {
	conds, args := []string{"1 = 1"}, []any{}
	add := func(cond string, v any) { conds, args = append(conds, cond), append(args, v) }
	if f.Status != "" {
		add("status = ?", f.Status)
	}
	if f.EditionID != 0 {
		add("edition_id = ?", f.EditionID)
	}
	if f.SectionID != 0 {
		add("section_id = ?", f.SectionID)
	}
	if f.AuthorID != 0 {
		add("id IN (SELECT article_id FROM article_authors WHERE author_id = ?)", f.AuthorID)
	}
	if f.CreatedBy != 0 {
		add("created_by = ?", f.CreatedBy)
	}
	if t := strings.TrimSpace(f.Text); t != "" {
		add("lower(headline) LIKE ?", "%"+strings.ToLower(strings.NewReplacer("%", "", "_", "").Replace(t))+"%")
	}
	order := "modified_at DESC, id DESC"
	if f.Order == "publish" {
		order = "published_at, id"
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	rows, err := n.DB.Query(ctx, `SELECT id, edition_id, section_id, headline, slug, status, published_at, modified_at,
		COALESCE(created_by, 0), version FROM articles WHERE `+strings.Join(conds, " AND ")+` ORDER BY `+order+` LIMIT ? OFFSET ?`,
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, fmt.Errorf("newsroom: list: %w", err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		var pub, mod int64
		if err := rows.Scan(&r.ID, &r.EditionID, &r.SectionID, &r.Headline, &r.Slug, &r.Status, &pub, &mod, &r.CreatedBy, &r.Version); err != nil {
			return nil, fmt.Errorf("newsroom: list: %w", err)
		}
		r.PublishedAt, r.ModifiedAt = time.Unix(pub, 0).UTC(), time.Unix(mod, 0).UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// Owner returns who created an article (0 for imported ones).
func (n *Newsroom) Owner(ctx context.Context, id int64) (int64, error) {
	var by int64
	err := n.DB.QueryRow(ctx, `SELECT COALESCE(created_by, 0) FROM articles WHERE id = ?`, id).Scan(&by)
	return by, db.NotFound(err)
}

// Entry is a line of the audit log.
type Entry struct {
	UserID                 int64
	Action, Target, Detail string
	At                     time.Time
}

// AuditLog returns the newest entries first.
func (n *Newsroom) AuditLog(ctx context.Context, limit int) ([]Entry, error) {
	rows, err := n.DB.Query(ctx, `SELECT COALESCE(user_id, 0), action, target, detail, at FROM audit_log ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("newsroom: audit log: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var at int64
		if err := rows.Scan(&e.UserID, &e.Action, &e.Target, &e.Detail, &at); err != nil {
			return nil, err
		}
		e.At = time.Unix(at, 0).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
