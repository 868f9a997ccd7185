// Package account holds the people who run the site: users and their roles,
// what each role may do, passwords, sessions, sign-in throttling, password
// resets and the TOTP second factor. Everything shared between nodes
// (sessions, failures, rate limits) lives in the database. It knows nothing
// of HTTP: the web layer reads cookies and calls this package.
package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lede-news/lede/internal/db"
)

var (
	// ErrNotFound means no such user, session or token.
	ErrNotFound = db.ErrNotFound
	// ErrConflict means the email address belongs to another account.
	ErrConflict = errors.New("account: the email address is already taken")
	// ErrLastAdmin refuses to demote or disable the only active admin, which
	// would leave nobody able to manage people.
	ErrLastAdmin = errors.New("account: this is the last active admin")
)

// Role is what a user is in the newsroom.
type Role string

const (
	RoleAdmin       Role = "admin"       // editors' powers plus people, editions and settings
	RoleEditor      Role = "editor"      // publishes and edits anyone's articles, moderates
	RoleAuthor      Role = "author"      // publishes their own articles
	RoleContributor Role = "contributor" // writes drafts and submits them
)

// Roles lists every role, most powerful first, for forms.
func Roles() []Role { return []Role{RoleAdmin, RoleEditor, RoleAuthor, RoleContributor} }

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool {
	switch r {
	case RoleAdmin, RoleEditor, RoleAuthor, RoleContributor:
		return true
	}
	return false
}

// User is an account. The password hash and TOTP secret stay unexported so
// a template or a JSON encoder cannot leak them.
type User struct {
	ID        int64
	Email     string
	Name      string
	Role      Role
	CreatedAt time.Time
	Disabled  bool

	passwordHash string
	totpSecret   string
}

// HasTOTP reports whether the user signs in with a second factor.
func (u User) HasTOTP() bool { return u.totpSecret != "" }

// Store reads and writes users.
type Store struct {
	DB *db.DB
	// Params are the argon2id costs for new hashes; zero means
	// DefaultParams. Hashes made with other costs are redone at sign-in.
	Params Params
	Now    func() time.Time
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Store) params() Params {
	if s.Params == (Params{}) {
		return DefaultParams
	}
	return s.Params
}

const userCols = `id, email, name, role, password_hash, totp_secret, created_at, disabled`

// userColsOf is userCols qualified with a table alias, for joins.
const userColsOf = `u.id, u.email, u.name, u.role, u.password_hash, u.totp_secret, u.created_at, u.disabled`

type scanner interface{ Scan(dest ...any) error }

func scanUser(sc scanner, extra ...any) (User, error) {
	var u User
	var created int64
	dest := append([]any{&u.ID, &u.Email, &u.Name, &u.Role, &u.passwordHash, &u.totpSecret, &created, &u.Disabled}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return User{}, db.NotFound(err)
	}
	u.CreatedAt = time.Unix(created, 0).UTC()
	return u, nil
}

func (s *Store) one(ctx context.Context, q db.Querier, what string, query string, args ...any) (User, error) {
	u, err := scanUser(q.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE `+query, args...))
	if err != nil {
		return User{}, fmt.Errorf("account: user %s: %w", what, err)
	}
	return u, nil
}
