// Package reader keeps the accounts of readers, the people who comment:
// sign-up with a password or a one-time link, email verification, sessions,
// identities at external sign-in providers, settings and deletion. Readers
// are apart from the newsroom's users (internal/account) and can do nothing
// in the newsroom.
package reader

import (
	"context"
	"fmt"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// Reader is a reader's account.
type Reader struct {
	ID              int64
	Email, Name     string
	Verified        bool // the email was confirmed (verified_at > 0)
	ConductAccepted bool // the code of conduct was accepted (conduct_at > 0)
	NotifyReplies   bool
	HasPassword     bool
	CreatedAt       time.Time
}

// Store reads and writes readers.
type Store struct {
	DB  *db.DB
	Now func() time.Time
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

const readerCols = `id, email, name, password_hash <> '', verified_at, conduct_at, notify_replies, created_at`

type scanner interface{ Scan(...any) error }

func scanReader(row scanner, extra ...any) (Reader, error) {
	var r Reader
	var verified, conduct, created int64
	dest := append([]any{&r.ID, &r.Email, &r.Name, &r.HasPassword, &verified, &conduct, &r.NotifyReplies, &created}, extra...)
	if err := row.Scan(dest...); err != nil {
		return Reader{}, db.NotFound(err)
	}
	r.Verified, r.ConductAccepted = verified > 0, conduct > 0
	r.CreatedAt = time.Unix(created, 0).UTC()
	return r, nil
}

// Get returns the reader with id, or db.ErrNotFound.
func (s *Store) Get(ctx context.Context, id int64) (Reader, error) {
	r, err := scanReader(s.DB.QueryRow(ctx, `SELECT `+readerCols+` FROM readers WHERE id = ?`, id))
	if err != nil {
		return Reader{}, fmt.Errorf("reader: get %d: %w", id, err)
	}
	return r, nil
}

// AcceptConduct records that the reader accepted the code of conduct (the
// first time only: a second call keeps the first date).
func (s *Store) AcceptConduct(ctx context.Context, id int64) error {
	res, err := s.DB.Exec(ctx, `UPDATE readers SET conduct_at = CASE WHEN conduct_at = 0 THEN ? ELSE conduct_at END WHERE id = ?`,
		s.now().Unix(), id)
	if err != nil {
		return fmt.Errorf("reader: accept conduct %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("reader: accept conduct %d: %w", id, db.ErrNotFound)
	}
	return nil
}
