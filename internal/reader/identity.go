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

// External is what a provider says about the person who signed in.
type External struct {
	Provider, Subject string // the account at the provider; Subject never changes
	Email             string
	EmailVerified     bool // the provider vouches for Email
	Name              string
}

// SignInExternal returns the reader linked to the provider's account,
// linking or creating one on the first sign-in. Accounts are linked by
// verified email only: a provider that does not vouch for the address is
// ErrUnverifiedEmail, since anyone can type someone else's address into
// an account at some provider. fallbackName names a new reader when the
// provider gives no usable name.
func (s *Store) SignInExternal(ctx context.Context, x External, fallbackName string) (r Reader, created bool, err error) {
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRow(ctx, `SELECT reader_id FROM reader_identities WHERE provider = ? AND subject = ?`, x.Provider, x.Subject).Scan(&id)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		email := NormalizeEmail(x.Email)
		if !x.EmailVerified || CheckEmail(email) != "" {
			return ErrUnverifiedEmail
		}
		now := s.now().Unix()
		err = tx.QueryRow(ctx, `SELECT id FROM readers WHERE email = ?`, email).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			name, k := CleanName(x.Name)
			if k != "" {
				name = fallbackName
			}
			nr, err := s.create(ctx, tx, email, name, "", now)
			if err != nil {
				return err
			}
			id, created = nr.ID, true
		case err != nil:
			return err
		default:
			if err := markVerified(ctx, tx, id, now); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO reader_identities (provider, subject, reader_id, email, created_at) VALUES (?, ?, ?, ?, ?)`,
			x.Provider, x.Subject, id, email, now)
		return err
	})
	if err != nil {
		return Reader{}, false, fmt.Errorf("reader: sign in with %s: %w", x.Provider, err)
	}
	r, err = s.Get(ctx, id)
	return r, created, err
}

// Identities lists the providers linked to a reader.
func (s *Store) Identities(ctx context.Context, readerID int64) ([]string, error) {
	rows, err := s.DB.Query(ctx, `SELECT provider FROM reader_identities WHERE reader_id = ? ORDER BY provider`, readerID)
	if err != nil {
		return nil, fmt.Errorf("reader: identities: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Flow is an OAuth sign-in in progress, kept server-side under its state.
type Flow struct {
	Provider, Verifier, Nonce, Next, Edition string
}

// FlowLifetime bounds the time between leaving for the provider and coming back.
const FlowLifetime = 15 * time.Minute

// StartFlow stores f and returns the state to send to the provider.
func (s *Store) StartFlow(ctx context.Context, f Flow) (string, error) {
	state, hash := account.NewToken()
	_, err := s.DB.Exec(ctx, `INSERT INTO reader_oauth_states (state_hash, provider, verifier, nonce, next, edition, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, hash, f.Provider, f.Verifier, f.Nonce, f.Next, f.Edition, s.now().Add(FlowLifetime).Unix())
	if err != nil {
		return "", fmt.Errorf("reader: start flow: %w", err)
	}
	return state, nil
}

// TakeFlow returns and deletes the flow under state: a state works once.
// Unknown, used or expired states are ErrBadToken.
func (s *Store) TakeFlow(ctx context.Context, state string) (Flow, error) {
	var f Flow
	var expires int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `DELETE FROM reader_oauth_states WHERE state_hash = ? RETURNING provider, verifier, nonce, next, edition, expires_at`,
			account.HashToken(state)).Scan(&f.Provider, &f.Verifier, &f.Nonce, &f.Next, &f.Edition, &expires)
	})
	if errors.Is(err, sql.ErrNoRows) || (err == nil && s.now().Unix() >= expires) {
		return Flow{}, ErrBadToken
	}
	if err != nil {
		return Flow{}, fmt.Errorf("reader: take flow: %w", err)
	}
	return f, nil
}
