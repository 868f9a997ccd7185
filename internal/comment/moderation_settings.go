package comment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/newsroom"
)

// ScopeSettings are the moderation rules of one scope ("edition:1",
// "section:4", "article:12"); the most specific set value wins.
type ScopeSettings struct {
	Scope          string
	Mode           string // pre | post | "" (inherit)
	CloseAfterDays int    // -1 inherit, 0 never closes
	Closed         bool
}

// Scope names a scope for the settings table.
func Scope(kind string, id int64) string { return kind + ":" + strconv.FormatInt(id, 10) }

func (m *Moderator) checkScope(ctx context.Context, q db.Querier, scope string) (kind string, id int64, err error) {
	kind, num, ok := strings.Cut(scope, ":")
	id, perr := strconv.ParseInt(num, 10, 64)
	table := map[string]string{"edition": "editions", "section": "sections", "article": "articles"}[kind]
	if !ok || perr != nil || id <= 0 || table == "" {
		return "", 0, ErrBadScope
	}
	var n int
	if err := q.QueryRow(ctx, `SELECT count(*) FROM `+table+` WHERE id = ?`, id).Scan(&n); err != nil {
		return "", 0, err
	}
	if n == 0 {
		return "", 0, ErrBadScope
	}
	return kind, id, nil
}

// ScopeSettings returns a scope's own settings (inherit everywhere when none).
func (m *Moderator) ScopeSettings(ctx context.Context, scope string) (ScopeSettings, error) {
	s := ScopeSettings{Scope: scope, CloseAfterDays: -1}
	if _, _, err := m.checkScope(ctx, m.DB, scope); err != nil {
		return s, err
	}
	err := m.DB.QueryRow(ctx, `SELECT mode, close_after_days, closed FROM comment_settings WHERE scope = ?`, scope).
		Scan(&s.Mode, &s.CloseAfterDays, &s.Closed)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	return s, err
}

// AllScopeSettings lists every scope with settings of its own.
func (m *Moderator) AllScopeSettings(ctx context.Context) ([]ScopeSettings, error) {
	rows, err := m.DB.Query(ctx, `SELECT scope, mode, close_after_days, closed FROM comment_settings ORDER BY scope`)
	if err != nil {
		return nil, fmt.Errorf("comment: settings: %w", err)
	}
	defer rows.Close()
	var out []ScopeSettings
	for rows.Next() {
		var s ScopeSettings
		if err := rows.Scan(&s.Scope, &s.Mode, &s.CloseAfterDays, &s.Closed); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SaveScopeSettings stores a scope's settings and drops the cached pages of the
// articles it covers.
func (m *Moderator) SaveScopeSettings(ctx context.Context, userID int64, s ScopeSettings) error {
	if (s.Mode != "" && s.Mode != "pre" && s.Mode != "post") || s.CloseAfterDays < -1 || s.CloseAfterDays > 3650 {
		return ErrBadSettings
	}
	return m.DB.InTx(ctx, func(tx *db.Tx) error {
		kind, id, err := m.checkScope(ctx, tx, s.Scope)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO comment_settings (scope, mode, close_after_days, closed) VALUES (?, ?, ?, ?)
			ON CONFLICT (scope) DO UPDATE SET mode = excluded.mode, close_after_days = excluded.close_after_days, closed = excluded.closed`,
			s.Scope, s.Mode, s.CloseAfterDays, s.Closed); err != nil {
			return fmt.Errorf("comment: settings: %w", err)
		}
		detail := fmt.Sprintf("mode=%s close_after_days=%d closed=%t", modOr(s.Mode, "inherit"), s.CloseAfterDays, s.Closed)
		if err := newsroom.Audit(ctx, tx, userID, "comment.settings", s.Scope, detail); err != nil {
			return err
		}
		return modInvalidateScope(ctx, tx, kind, id)
	})
}

// SetClosed closes a scope's discussions now, or reopens them. Reopening an
// article that its age has closed also stops it closing by age (close
// after: never), since that is what "reopen now" means to the editor who
// clicks it.
func (m *Moderator) SetClosed(ctx context.Context, userID int64, scope string, closed bool) error {
	s, err := m.ScopeSettings(ctx, scope)
	if err != nil {
		return err
	}
	s.Closed = closed
	if id, ok := strings.CutPrefix(scope, "article:"); ok && !closed {
		store := &Store{DB: m.DB, Config: m.Config, Now: m.Now}
		aid, _ := strconv.ParseInt(id, 10, 64) // checked by ScopeSettings
		rules, err := store.RulesFor(ctx, aid)
		if err != nil {
			return err
		}
		var pub int64
		if err := m.DB.QueryRow(ctx, `SELECT published_at FROM articles WHERE id = ?`, aid).Scan(&pub); err != nil {
			return err
		}
		rules.Closed = false
		if !rules.Open(time.Unix(pub, 0), m.now()) {
			s.CloseAfterDays = 0
		}
	}
	return m.SaveScopeSettings(ctx, userID, s)
}

// invalidateScope drops the pages of every article a scope covers.
func modInvalidateScope(ctx context.Context, tx *db.Tx, kind string, id int64) error {
	var ids []int64
	var err error
	switch kind {
	case "article":
		ids = []int64{id}
	case "section":
		ids, err = db.IDs(ctx, tx, `SELECT id FROM articles WHERE section_id = ? AND status = 'published'`, id)
	case "edition":
		ids, err = db.IDs(ctx, tx, `SELECT id FROM articles WHERE edition_id = ? AND status = 'published'`, id)
	}
	if err != nil {
		return err
	}
	for _, a := range ids {
		if err := Invalidate(ctx, tx, a); err != nil {
			return err
		}
	}
	return nil
}

func modOr(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// FilterRule holds or rejects comments containing a word or linking to a site.
type FilterRule struct {
	ID        int64
	Kind      string // word | link
	Pattern   string
	Action    string // hold | reject
	CreatedAt time.Time
}

// Filters lists the word and link filters.
func (m *Moderator) Filters(ctx context.Context) ([]FilterRule, error) {
	rows, err := m.DB.Query(ctx, `SELECT id, kind, pattern, action, created_at FROM comment_filters ORDER BY kind, pattern`)
	if err != nil {
		return nil, fmt.Errorf("comment: filters: %w", err)
	}
	defer rows.Close()
	var out []FilterRule
	for rows.Next() {
		var f FilterRule
		var at int64
		if err := rows.Scan(&f.ID, &f.Kind, &f.Pattern, &f.Action, &at); err != nil {
			return nil, err
		}
		f.CreatedAt = time.Unix(at, 0).UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// AddFilter adds a filter. Patterns are compared without regard to case;
// a link pattern is a host name ("example.com" also matches its
// subdomains), given bare or as a URL.
func (m *Moderator) AddFilter(ctx context.Context, userID int64, kind, pattern, action string) (FilterRule, error) {
	pattern = strings.ToLower(strings.TrimSpace(pattern))
	if kind == "link" {
		pattern = strings.TrimPrefix(strings.TrimPrefix(pattern, "https://"), "http://")
		pattern = strings.TrimPrefix(pattern, "www.")
		if i := strings.IndexAny(pattern, "/?#"); i >= 0 {
			pattern = pattern[:i]
		}
	}
	n := utf8.RuneCountInString(pattern)
	if (kind != "word" && kind != "link") || (action != "hold" && action != "reject") || n == 0 || n > 200 || !utf8.ValidString(pattern) {
		return FilterRule{}, ErrBadFilter
	}
	f := FilterRule{Kind: kind, Pattern: pattern, Action: action, CreatedAt: m.now().UTC().Truncate(time.Second)}
	err := m.DB.InTx(ctx, func(tx *db.Tx) error {
		var dup int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM comment_filters WHERE kind = ? AND pattern = ?`, kind, pattern).Scan(&dup); err != nil {
			return err
		}
		if dup > 0 {
			return ErrDuplicate
		}
		var err error
		f.ID, err = tx.InsertID(ctx, `INSERT INTO comment_filters (kind, pattern, action, created_at) VALUES (?, ?, ?, ?)`,
			kind, pattern, action, f.CreatedAt.Unix())
		if err != nil {
			return fmt.Errorf("comment: add filter: %w", err)
		}
		return newsroom.Audit(ctx, tx, userID, "comment.filter_add", "filter:"+strconv.FormatInt(f.ID, 10), kind+" "+pattern+" → "+action)
	})
	return f, err
}

// DeleteFilter removes a filter; comments it held stay in the queue.
func (m *Moderator) DeleteFilter(ctx context.Context, userID, id int64) error {
	return m.DB.InTx(ctx, func(tx *db.Tx) error {
		var kind, pattern string
		err := tx.QueryRow(ctx, `SELECT kind, pattern FROM comment_filters WHERE id = ?`, id).Scan(&kind, &pattern)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNoFilter
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM comment_filters WHERE id = ?`, id); err != nil {
			return fmt.Errorf("comment: delete filter: %w", err)
		}
		return newsroom.Audit(ctx, tx, userID, "comment.filter_delete", "filter:"+strconv.FormatInt(id, 10), kind+" "+pattern)
	})
}
