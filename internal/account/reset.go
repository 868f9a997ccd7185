package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// ErrTokenExpired is a reset or set-up token past its time.
var ErrTokenExpired = errors.New("account: the link has expired; ask for a new one")

// resetLifetime is how long a password reset link works.
const resetLifetime = time.Hour

// NewReset makes a password reset token for the active user with email,
// to be mailed as a link. An unknown or disabled address is ErrNotFound;
// the web layer answers the same way in every case, so the form does not
// reveal who has an account.
func (s *Store) NewReset(ctx context.Context, email string) (User, string, error) {
	u, err := s.ByEmail(ctx, email)
	if err != nil {
		return User{}, "", err
	}
	if u.Disabled {
		return User{}, "", fmt.Errorf("account: reset %s: %w", u.Email, ErrNotFound)
	}
	token, hash := newToken()
	if _, err := s.DB.Exec(ctx, `INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES (?, ?, ?)`,
		hash, u.ID, s.now().Add(resetLifetime).Unix()); err != nil {
		return User{}, "", fmt.Errorf("account: reset %s: %w", u.Email, err)
	}
	return u, token, nil
}

// Reset sets a new password with a token from NewReset: ErrBadToken when
// the token is unknown or used, ErrTokenExpired after an hour. The token is used
// up even when it has expired; every other reset token and every session
// of the user end too, since whoever held the old password is signed out.
// A weak password is refused before the token is spent.
func (s *Store) Reset(ctx context.Context, token, password string) (User, error) {
	if msg := checkPassword(password); msg != "" {
		return User{}, Errors{"password": msg}
	}
	var userID, expires int64
	expired := false
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRow(ctx, `DELETE FROM password_resets WHERE token_hash = ? RETURNING user_id, expires_at`,
			hashToken(token)).Scan(&userID, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrBadToken
		} else if err != nil {
			return err
		}
		if s.now().Unix() >= expires {
			expired = true
			return nil // commit the delete: the token must never work again
		}
		if err := s.setPassword(ctx, tx, userID, password); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM password_resets WHERE user_id = ?`, `DELETE FROM sessions WHERE user_id = ?`} {
			if _, err := tx.Exec(ctx, q, userID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return User{}, fmt.Errorf("account: reset password: %w", err)
	}
	if expired {
		return User{}, ErrTokenExpired
	}
	return s.ByID(ctx, userID)
}
