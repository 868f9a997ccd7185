package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lede-news/lede/internal/db"
)

// adminLock serialises changes that could leave the site without an admin
// (first admin, demotion, disabling) across every node.
const adminLock = "account-admins"

// Create validates n and stores a new user. A taken email is ErrConflict;
// invalid fields are Errors.
func (s *Store) Create(ctx context.Context, n NewUser) (User, error) {
	var u User
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		u, err = s.create(ctx, tx, n)
		return err
	})
	return u, err
}

func (s *Store) create(ctx context.Context, tx *db.Tx, n NewUser) (User, error) {
	if err := n.Validate(); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(n.Password, s.params())
	if err != nil {
		return User{}, err
	}
	now := s.now().Unix()
	id, err := tx.InsertID(ctx, `INSERT INTO users (email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (email) DO NOTHING`, n.Email, n.Name, string(n.Role), hash, now)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrConflict
	}
	if err != nil {
		return User{}, fmt.Errorf("account: create %s: %w", n.Email, err)
	}
	return s.one(ctx, tx, n.Email, `id = ?`, id)
}

// ByID returns the user with id, or ErrNotFound.
func (s *Store) ByID(ctx context.Context, id int64) (User, error) {
	return s.one(ctx, s.DB, fmt.Sprint(id), `id = ?`, id)
}

// ByEmail returns the user with email, in any case, or ErrNotFound.
func (s *Store) ByEmail(ctx context.Context, email string) (User, error) {
	email = NormalizeEmail(email)
	return s.one(ctx, s.DB, email, `email = ?`, email)
}

// List returns every user, by name: a newsroom has tens of people, not
// thousands, so there is no paging.
func (s *Store) List(ctx context.Context) ([]User, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+userCols+` FROM users ORDER BY lower(name), id`)
	if err != nil {
		return nil, fmt.Errorf("account: list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("account: list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetPassword replaces the user's password. The caller decides whether to
// end the user's other sessions (Sessions.DeleteAllForUser).
func (s *Store) SetPassword(ctx context.Context, id int64, password string) error {
	if msg := checkPassword(password); msg != "" {
		return Errors{"password": msg}
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error { return s.setPassword(ctx, tx, id, password) })
}

func (s *Store) setPassword(ctx context.Context, q db.Querier, id int64, password string) error {
	hash, err := HashPassword(password, s.params())
	if err != nil {
		return err
	}
	return s.update(ctx, q, id, "set password", `password_hash = ?`, hash)
}

// update sets columns of user id and reports ErrNotFound when there is none.
func (s *Store) update(ctx context.Context, q db.Querier, id int64, what, set string, args ...any) error {
	res, err := q.Exec(ctx, `UPDATE users SET `+set+` WHERE id = ?`, append(args, id)...)
	if err != nil {
		return fmt.Errorf("account: %s %d: %w", what, id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("account: %s %d: %w", what, id, err)
	} else if n == 0 {
		return fmt.Errorf("account: %s %d: %w", what, id, ErrNotFound)
	}
	return nil
}

// SetRole changes the user's role; demoting the last active admin is
// ErrLastAdmin.
func (s *Store) SetRole(ctx context.Context, id int64, role Role) error {
	if !role.Valid() {
		return Errors{"role": "must be admin, editor, author or contributor"}
	}
	return s.guardAdmins(ctx, id, role != RoleAdmin, func(tx *db.Tx) error {
		return s.update(ctx, tx, id, "set role", `role = ?`, string(role))
	})
}

// Disable stops the user signing in and ends their sessions; the account
// and its bylines stay. Disabling the last active admin is ErrLastAdmin.
func (s *Store) Disable(ctx context.Context, id int64) error {
	return s.guardAdmins(ctx, id, true, func(tx *db.Tx) error {
		if err := s.update(ctx, tx, id, "disable", `disabled = TRUE`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return fmt.Errorf("account: disable %d: %w", id, err)
		}
		return nil
	})
}

// Enable lets a disabled user sign in again.
func (s *Store) Enable(ctx context.Context, id int64) error {
	return s.update(ctx, s.DB, id, "enable", `disabled = FALSE`)
}

// guardAdmins runs fn in a transaction under the admin lock, refusing with
// ErrLastAdmin when losing would take admin powers from user id and no other
// active admin exists.
func (s *Store) guardAdmins(ctx context.Context, id int64, losing bool, fn func(tx *db.Tx) error) error {
	return s.DB.Exclusive(ctx, adminLock, func() error {
		return s.DB.InTx(ctx, func(tx *db.Tx) error {
			if losing {
				var isAdmin, others int
				err := tx.QueryRow(ctx, `SELECT
					(SELECT count(*) FROM users WHERE id = ? AND role = 'admin' AND disabled = FALSE),
					(SELECT count(*) FROM users WHERE id <> ? AND role = 'admin' AND disabled = FALSE)`, id, id).Scan(&isAdmin, &others)
				if err != nil {
					return fmt.Errorf("account: count admins: %w", err)
				}
				if isAdmin == 1 && others == 0 {
					return ErrLastAdmin
				}
			}
			return fn(tx)
		})
	})
}

// HasAdmin reports whether an active admin exists; the set-up page is open
// only while none does.
func (s *Store) HasAdmin(ctx context.Context) (bool, error) {
	return hasAdmin(ctx, s.DB)
}

func hasAdmin(ctx context.Context, q db.Querier) (bool, error) {
	var n int
	if err := q.QueryRow(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled = FALSE`).Scan(&n); err != nil {
		return false, fmt.Errorf("account: has admin: %w", err)
	}
	return n > 0, nil
}
