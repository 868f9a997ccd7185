package account

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// API token scopes. A token never grants more than its user's role.
const (
	ScopeArticlesRead  = "articles:read"
	ScopeArticlesWrite = "articles:write"
)

// Scopes lists the scopes a token may carry.
func Scopes() []string { return []string{ScopeArticlesRead, ScopeArticlesWrite} }

// APIToken describes a token; the secret itself is shown once, at creation.
type APIToken struct {
	ID        int64
	Name      string
	Scopes    []string
	CreatedAt time.Time
	LastUsed  time.Time
	Revoked   bool
}

// CreateAPIToken makes a token for userID and returns it with its id.
func (s *Store) CreateAPIToken(ctx context.Context, userID int64, name string, scopes []string) (string, int64, error) {
	name = strings.TrimSpace(name)
	errs := Errors{}
	if name == "" || len(name) > 100 {
		errs["name"] = "is required, at most 100 characters"
	}
	if len(scopes) == 0 {
		errs["scopes"] = "choose at least one"
	}
	for _, sc := range scopes {
		if !slices.Contains(Scopes(), sc) {
			errs["scopes"] = fmt.Sprintf("%q is not a scope", sc)
		}
	}
	if len(errs) > 0 {
		return "", 0, errs
	}
	token, hash := newToken()
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?)`,
			userID, name, hash, strings.Join(scopes, " "), s.now().Unix())
		return err
	})
	if err != nil {
		return "", 0, fmt.Errorf("account: create token: %w", err)
	}
	return "lede_" + token, id, nil
}

// LookupAPIToken returns the user behind a live token and its scopes.
func (s *Store) LookupAPIToken(ctx context.Context, token string) (User, []string, error) {
	raw, ok := strings.CutPrefix(token, "lede_")
	if !ok {
		return User{}, nil, ErrNotFound
	}
	var userID int64
	var scopes string
	err := s.DB.QueryRow(ctx, `SELECT user_id, scopes FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL`, hashToken(raw)).
		Scan(&userID, &scopes)
	if err != nil {
		return User{}, nil, db.NotFound(err)
	}
	u, err := s.ByID(ctx, userID)
	if err != nil {
		return User{}, nil, err
	}
	if u.Disabled {
		return User{}, nil, ErrNotFound
	}
	s.DB.Exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?`, s.now().Unix(), hashToken(raw))
	return u, strings.Fields(scopes), nil
}

// APITokens lists a user's tokens, newest first.
func (s *Store) APITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, name, scopes, created_at, COALESCE(last_used_at, 0), revoked_at IS NOT NULL
		FROM api_tokens WHERE user_id = ? ORDER BY id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("account: tokens: %w", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var scopes string
		var created, used int64
		if err := rows.Scan(&t.ID, &t.Name, &scopes, &created, &used, &t.Revoked); err != nil {
			return nil, err
		}
		t.Scopes, t.CreatedAt = strings.Fields(scopes), time.Unix(created, 0).UTC()
		if used > 0 {
			t.LastUsed = time.Unix(used, 0).UTC()
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeAPIToken ends one of the user's tokens.
func (s *Store) RevokeAPIToken(ctx context.Context, userID, id int64) error {
	res, err := s.DB.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL`,
		s.now().Unix(), id, userID)
	if err != nil {
		return fmt.Errorf("account: revoke token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
