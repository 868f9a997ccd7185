package reader

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/db"
)

// Purposes of mailed links, and how long each works.
const (
	PurposeVerify = "verify"
	PurposeSignIn = "signin"

	VerifyLifetime = 48 * time.Hour
	SignInLifetime = 30 * time.Minute
)

// NewVerifyToken makes the link that confirms r's address.
func (s *Store) NewVerifyToken(ctx context.Context, r Reader) (string, error) {
	return s.newToken(ctx, PurposeVerify, r.ID, r.Email, "", VerifyLifetime)
}

// NewSignInToken makes a one-time sign-in link for email. When the address
// has no account yet, using the link creates one named name (the caller
// passes a default when the reader gave none). An invalid address or name
// is Errors whether or not the address has an account, so the form does
// not tell who has one.
func (s *Store) NewSignInToken(ctx context.Context, email, name string) (string, error) {
	email = NormalizeEmail(email)
	errs := Errors{}
	if k := CheckEmail(email); k != "" {
		errs["email"] = k
	}
	name, k := CleanName(name)
	if k != "" {
		errs["name"] = k
	}
	if len(errs) > 0 {
		return "", errs
	}
	var id int64
	err := s.DB.QueryRow(ctx, `SELECT id FROM readers WHERE email = ?`, email).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("reader: sign-in link: %w", err)
	}
	return s.newToken(ctx, PurposeSignIn, id, email, name, SignInLifetime)
}

func (s *Store) newToken(ctx context.Context, purpose string, readerID int64, email, name string, life time.Duration) (string, error) {
	token, hash := account.NewToken()
	now := s.now()
	_, err := s.DB.Exec(ctx, `INSERT INTO reader_tokens (token_hash, purpose, reader_id, email, name, expires_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, hash, purpose, readerID, email, name, now.Add(life).Unix(), now.Unix())
	if err != nil {
		return "", fmt.Errorf("reader: new %s token: %w", purpose, err)
	}
	return token, nil
}

type tokenRow struct {
	readerID       int64
	email, name    string
	expires        int64
	expired, wrong bool
}

// take deletes the token (whatever happens next it never works again) and
// returns its row; ErrBadToken when unknown or for another purpose.
func (s *Store) take(ctx context.Context, tx *db.Tx, purpose, token string) (tokenRow, error) {
	var t tokenRow
	var p string
	err := tx.QueryRow(ctx, `DELETE FROM reader_tokens WHERE token_hash = ? RETURNING purpose, reader_id, email, name, expires_at`,
		account.HashToken(token)).Scan(&p, &t.readerID, &t.email, &t.name, &t.expires)
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrBadToken
	}
	if err != nil {
		return t, err
	}
	t.wrong = p != purpose
	t.expired = s.now().Unix() >= t.expires
	return t, nil
}

// useToken runs fn with the token's row in a transaction that always
// commits the token's deletion; a wrong purpose is ErrBadToken, an old
// link ErrTokenExpired.
func (s *Store) useToken(ctx context.Context, purpose, token string, fn func(tx *db.Tx, t tokenRow) error) error {
	var refused error
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		t, err := s.take(ctx, tx, purpose, token)
		if err != nil {
			return err
		}
		switch {
		case t.wrong:
			refused = ErrBadToken
			return nil
		case t.expired:
			refused = ErrTokenExpired
			return nil
		}
		return fn(tx, t)
	})
	if err == nil {
		err = refused
	}
	return err
}

// Verify confirms the address a verify link was sent to. The link only
// counts while the account still has that address.
func (s *Store) Verify(ctx context.Context, token string) (Reader, error) {
	var id int64
	err := s.useToken(ctx, PurposeVerify, token, func(tx *db.Tx, t tokenRow) error {
		res, err := tx.Exec(ctx, `UPDATE readers SET verified_at = CASE WHEN verified_at = 0 THEN ? ELSE verified_at END
			WHERE id = ? AND email = ?`, s.now().Unix(), t.readerID, t.email)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrBadToken
		}
		id = t.readerID
		return nil
	})
	if err != nil {
		return Reader{}, fmt.Errorf("reader: verify: %w", err)
	}
	return s.Get(ctx, id)
}

// UseSignInLink signs in with a one-time link. Following the link proves
// the reader holds the address, so it is verified too; an address with no
// account gets one (created is true).
func (s *Store) UseSignInLink(ctx context.Context, token string) (r Reader, created bool, err error) {
	var id int64
	err = s.useToken(ctx, PurposeSignIn, token, func(tx *db.Tx, t tokenRow) error {
		now := s.now().Unix()
		err := tx.QueryRow(ctx, `SELECT id FROM readers WHERE email = ?`, t.email).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			nr, err := s.create(ctx, tx, t.email, t.name, "", now)
			id, created = nr.ID, true
			return err
		}
		if err != nil {
			return err
		}
		return markVerified(ctx, tx, id, now)
	})
	if err != nil {
		return Reader{}, false, fmt.Errorf("reader: sign-in link: %w", err)
	}
	r, err = s.Get(ctx, id)
	return r, created, err
}

// markVerified records a proof of the address. When the account was not
// verified until now, whoever set its password had not proved they hold the
// address (someone may have signed up with another's email ahead of them):
// the password is cleared and every session ends.
func markVerified(ctx context.Context, tx *db.Tx, id, now int64) error {
	var verified int64
	if err := tx.QueryRow(ctx, `SELECT verified_at FROM readers WHERE id = ?`, id).Scan(&verified); err != nil {
		return db.NotFound(err)
	}
	if verified > 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `UPDATE readers SET verified_at = ?, password_hash = '' WHERE id = ?`, now, id); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `DELETE FROM reader_sessions WHERE reader_id = ?`, id)
	return err
}

// Purge deletes expired links, OAuth flows and sessions.
func (s *Store) Purge(ctx context.Context) error {
	now := s.now()
	for _, q := range []struct {
		sql string
		arg []any
	}{
		{`DELETE FROM reader_tokens WHERE expires_at <= ?`, []any{now.Unix()}},
		{`DELETE FROM reader_oauth_states WHERE expires_at <= ?`, []any{now.Unix()}},
		{`DELETE FROM reader_sessions WHERE last_seen <= ? OR created_at <= ?`, []any{now.Add(-IdleSession).Unix(), now.Add(-MaxSession).Unix()}},
	} {
		if _, err := s.DB.Exec(ctx, q.sql, q.arg...); err != nil {
			return fmt.Errorf("reader: purge: %w", err)
		}
	}
	return nil
}
