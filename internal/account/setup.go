package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// The set-up page lets the first admin be created from the browser. Until
// an admin exists anyone who reaches the site could claim it, so the page
// asks for a set-up token: `lede serve` calls NewSetupToken at start while
// HasAdmin is false and logs the link (/setup?token=…), which only the
// operator sees. Tokens are in the database, so a link logged by one node
// works on every node. The page answers 404 once HasAdmin is true.
// CreateFirstAdmin runs under the admin lock (a PostgreSQL advisory lock or
// a file lock) and checks for an admin inside its transaction, so two
// nodes or two browser tabs racing on the page create one admin.

var (
	// ErrAdminExists closes the set-up page.
	ErrAdminExists = errors.New("account: an admin already exists")
	// ErrBadToken is a reset or set-up link that was never issued or was
	// already used.
	ErrBadToken = errors.New("account: this link is not valid or was already used")
)

// setupLifetime is how long a logged set-up link works; a restart logs a
// new one.
const setupLifetime = 24 * time.Hour

// NewSetupToken returns a token for the set-up page, or ErrAdminExists.
func (s *Store) NewSetupToken(ctx context.Context) (string, error) {
	if ok, err := s.HasAdmin(ctx); err != nil {
		return "", err
	} else if ok {
		return "", ErrAdminExists
	}
	token, hash := newToken()
	if _, err := s.DB.Exec(ctx, `INSERT INTO setup_tokens (token_hash, expires_at) VALUES (?, ?)`,
		hash, s.now().Add(setupLifetime).Unix()); err != nil {
		return "", fmt.Errorf("account: setup token: %w", err)
	}
	return token, nil
}

// CreateFirstAdmin creates n as an admin if token is a live set-up token
// and no admin exists yet; it then spends every set-up token.
func (s *Store) CreateFirstAdmin(ctx context.Context, token string, n NewUser) (User, error) {
	n.Role = RoleAdmin
	var u User
	err := s.DB.Exclusive(ctx, adminLock, func() error {
		return s.DB.InTx(ctx, func(tx *db.Tx) error {
			var expires int64
			err := tx.QueryRow(ctx, `SELECT expires_at FROM setup_tokens WHERE token_hash = ?`, hashToken(token)).Scan(&expires)
			if errors.Is(err, sql.ErrNoRows) {
				return ErrBadToken
			} else if err != nil {
				return fmt.Errorf("account: setup token: %w", err)
			}
			if s.now().Unix() >= expires {
				return ErrTokenExpired
			}
			if ok, err := hasAdmin(ctx, tx); err != nil {
				return err
			} else if ok {
				return ErrAdminExists
			}
			if u, err = s.create(ctx, tx, n); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM setup_tokens`); err != nil {
				return fmt.Errorf("account: spend setup tokens: %w", err)
			}
			return nil
		})
	})
	return u, err
}
