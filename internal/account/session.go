package account

import (
	"context"
	"fmt"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// Session is a signed-in browser.
type Session struct {
	UserID    int64
	UserAgent string
	// SecondFactor is set once the user has given a TOTP code in this
	// session; until then a user with TOTP is only half signed in.
	SecondFactor bool
	CreatedAt    time.Time
	LastSeen     time.Time
}

// Complete reports whether the session may act for u: u has no second
// factor or has given it.
func (s Session) Complete(u User) bool { return !u.HasTOTP() || s.SecondFactor }

// Sessions keeps sessions in the database, so whichever node a request
// lands on knows the user.
type Sessions struct {
	DB  *db.DB
	Now func() time.Time
	// Idle ends a session unused this long (default 14 days); Max ends any
	// session this old (default 60 days).
	Idle, Max time.Duration
}

// touchEvery bounds the writes Lookup makes to slide the idle expiry: one a
// minute per session instead of one per request.
const touchEvery = time.Minute

func (s *Sessions) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Sessions) limits() (idle, max time.Duration) {
	idle, max = s.Idle, s.Max
	if idle == 0 {
		idle = 14 * 24 * time.Hour
	}
	if max == 0 {
		max = 60 * 24 * time.Hour
	}
	return idle, max
}

// Create starts a session for userID and returns its token, the cookie
// value. The second factor is not yet done.
func (s *Sessions) Create(ctx context.Context, userID int64, userAgent string) (string, error) {
	return s.insert(ctx, s.DB, userID, userAgent, false)
}

func (s *Sessions) insert(ctx context.Context, q db.Querier, userID int64, userAgent string, secondFactor bool) (string, error) {
	token, hash := newToken()
	if len(userAgent) > 500 {
		userAgent = userAgent[:500]
	}
	now := s.now().Unix()
	_, err := q.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, user_agent, second_factor, created_at, last_seen)
		VALUES (?, ?, ?, ?, ?, ?)`, hash, userID, userAgent, secondFactor, now, now)
	if err != nil {
		return "", fmt.Errorf("account: create session for %d: %w", userID, err)
	}
	return token, nil
}

// Rotate drops the session old (if the browser had one, whoever it was
// for) and starts a new one for userID. Signing in always goes through it,
// so a token planted in a browser before sign-in is never promoted.
func (s *Sessions) Rotate(ctx context.Context, old string, userID int64, userAgent string) (string, error) {
	var token string
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashToken(old)); err != nil {
			return fmt.Errorf("account: rotate session: %w", err)
		}
		var err error
		token, err = s.insert(ctx, tx, userID, userAgent, false)
		return err
	})
	return token, err
}

// PassSecondFactor replaces the session token with a new one marked as
// having passed the second factor: the privilege changes, so the token
// does too.
func (s *Sessions) PassSecondFactor(ctx context.Context, token string) (string, error) {
	var next string
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var userID int64
		var ua string
		err := tx.QueryRow(ctx, `DELETE FROM sessions WHERE token_hash = ? RETURNING user_id, user_agent`, hashToken(token)).Scan(&userID, &ua)
		if err != nil {
			return fmt.Errorf("account: second factor: %w", db.NotFound(err))
		}
		next, err = s.insert(ctx, tx, userID, ua, true)
		return err
	})
	return next, err
}

// Lookup returns the user and session behind token, or ErrNotFound when
// the token is unknown, expired or its user disabled. It slides the idle
// expiry forward.
func (s *Sessions) Lookup(ctx context.Context, token string) (User, Session, error) {
	if token == "" {
		return User{}, Session{}, ErrNotFound
	}
	idle, max := s.limits()
	now := s.now()
	hash := hashToken(token)
	var sess Session
	var created, seen int64
	u, err := scanUser(s.DB.QueryRow(ctx, `SELECT `+userColsOf+`, s.user_agent, s.second_factor, s.created_at, s.last_seen
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.last_seen > ? AND s.created_at > ? AND u.disabled = FALSE`,
		hash, now.Add(-idle).Unix(), now.Add(-max).Unix()), &sess.UserAgent, &sess.SecondFactor, &created, &seen)
	if err != nil {
		return User{}, Session{}, fmt.Errorf("account: session: %w", err)
	}
	sess.UserID = u.ID
	sess.CreatedAt, sess.LastSeen = time.Unix(created, 0).UTC(), time.Unix(seen, 0).UTC()
	if now.Sub(sess.LastSeen) >= touchEvery {
		if _, err := s.DB.Exec(ctx, `UPDATE sessions SET last_seen = ? WHERE token_hash = ?`, now.Unix(), hash); err != nil {
			return User{}, Session{}, fmt.Errorf("account: touch session: %w", err)
		}
		sess.LastSeen = time.Unix(now.Unix(), 0).UTC()
	}
	return u, sess, nil
}

// Delete ends one session (sign out). An unknown token is not an error.
func (s *Sessions) Delete(ctx context.Context, token string) error {
	if _, err := s.DB.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashToken(token)); err != nil {
		return fmt.Errorf("account: delete session: %w", err)
	}
	return nil
}

// DeleteAllForUser ends every session of the user: sign out everywhere.
func (s *Sessions) DeleteAllForUser(ctx context.Context, userID int64) error {
	if _, err := s.DB.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("account: delete sessions of %d: %w", userID, err)
	}
	return nil
}

// Purge deletes expired sessions; Lookup already refuses them, this only
// keeps the table small. Run it now and then (a daily job).
func (s *Sessions) Purge(ctx context.Context) (int64, error) {
	idle, max := s.limits()
	now := s.now()
	res, err := s.DB.Exec(ctx, `DELETE FROM sessions WHERE last_seen <= ? OR created_at <= ?`,
		now.Add(-idle).Unix(), now.Add(-max).Unix())
	if err != nil {
		return 0, fmt.Errorf("account: purge sessions: %w", err)
	}
	return res.RowsAffected()
}
