package reader

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/db"
)

// Sessions last this long unused, and at most MaxSession in all.
const (
	IdleSession = 30 * 24 * time.Hour
	MaxSession  = 180 * 24 * time.Hour
	touchEvery  = time.Minute
)

// StartSession drops the browser's old session, if any, and starts one for
// readerID; it returns the new cookie value. Signing in always rotates, so
// a token planted before sign-in is never promoted.
func (s *Store) StartSession(ctx context.Context, old string, readerID int64) (string, error) {
	token, hash := account.NewToken()
	now := s.now().Unix()
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if old != "" {
			if _, err := tx.Exec(ctx, `DELETE FROM reader_sessions WHERE token_hash = ?`, account.HashToken(old)); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO reader_sessions (token_hash, reader_id, created_at, last_seen) VALUES (?, ?, ?, ?)`,
			hash, readerID, now, now)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("reader: start session for %d: %w", readerID, err)
	}
	return token, nil
}

// Session returns the reader signed in with token, or db.ErrNotFound when
// the token is unknown or expired. It slides the idle expiry (at most one
// write a minute per session).
func (s *Store) Session(ctx context.Context, token string) (Reader, error) {
	if token == "" {
		return Reader{}, db.ErrNotFound
	}
	now := s.now()
	hash := account.HashToken(token)
	var seen int64
	r, err := scanReader(s.DB.QueryRow(ctx, `SELECT r.id, r.email, r.name, r.password_hash <> '', r.verified_at, r.conduct_at,
		r.notify_replies, r.created_at, s.last_seen
		FROM reader_sessions s JOIN readers r ON r.id = s.reader_id
		WHERE s.token_hash = ? AND s.last_seen > ? AND s.created_at > ?`,
		hash, now.Add(-IdleSession).Unix(), now.Add(-MaxSession).Unix()), &seen)
	if err != nil {
		return Reader{}, fmt.Errorf("reader: session: %w", err)
	}
	if now.Unix()-seen >= int64(touchEvery/time.Second) {
		if _, err := s.DB.Exec(ctx, `UPDATE reader_sessions SET last_seen = ? WHERE token_hash = ?`, now.Unix(), hash); err != nil {
			return Reader{}, fmt.Errorf("reader: touch session: %w", err)
		}
	}
	return r, nil
}

// EndSession signs one browser out; an unknown token is not an error.
func (s *Store) EndSession(ctx context.Context, token string) error {
	if _, err := s.DB.Exec(ctx, `DELETE FROM reader_sessions WHERE token_hash = ?`, account.HashToken(token)); err != nil {
		return fmt.Errorf("reader: end session: %w", err)
	}
	return nil
}

// EndAllSessions signs the reader out everywhere.
func (s *Store) EndAllSessions(ctx context.Context, readerID int64) error {
	if _, err := s.DB.Exec(ctx, `DELETE FROM reader_sessions WHERE reader_id = ?`, readerID); err != nil {
		return fmt.Errorf("reader: end sessions of %d: %w", readerID, err)
	}
	return nil
}

// CSRF derives the anti-forgery token of a session from its cookie value:
// it is as secret as the session, needs no storage and changes with it.
func CSRF(sessionToken string) string {
	sum := sha256.Sum256([]byte("lede-reader-csrf\x00" + sessionToken))
	return base64.RawURLEncoding.EncodeToString(sum[:18])
}
