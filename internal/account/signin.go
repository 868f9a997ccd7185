package account

import (
	"context"
	"errors"
	"fmt"
)

var (
	// ErrBadCredentials is the one answer to a wrong email or a wrong
	// password, so the form does not reveal which addresses have accounts.
	ErrBadCredentials = errors.New("account: wrong email or password")
	// ErrDisabled refuses a right password for a disabled account.
	ErrDisabled = errors.New("account: this account is disabled")
)

// Credentials are what a sign-in form submits, with the client's address.
type Credentials struct {
	Email, Password, Addr string
}

// SignIn checks c against the stored hash, refusing with a
// *ThrottledError while the email or address is locked. Failures count
// against both; a success clears the email's count only, so an attacker
// cannot reset the address count by signing in to their own account. A
// hash made with old costs is redone. The caller then starts a session
// (Sessions.Rotate) and, when the user has TOTP, asks for a code.
func (s *Store) SignIn(ctx context.Context, t *Throttle, c Credentials) (User, error) {
	keys := []Key{EmailKey(c.Email), AddrKey(c.Addr)}
	if err := t.Check(ctx, keys...); err != nil {
		return User{}, err
	}
	want := s.params()
	u, err := s.ByEmail(ctx, c.Email)
	if errors.Is(err, ErrNotFound) {
		CheckPassword(dummyHash(want), c.Password, want) // same time as a real check
		return User{}, errors.Join(ErrBadCredentials, t.Fail(ctx, keys...))
	}
	if err != nil {
		return User{}, err
	}
	ok, rehash := CheckPassword(u.passwordHash, c.Password, want)
	if !ok {
		return User{}, errors.Join(ErrBadCredentials, t.Fail(ctx, keys...))
	}
	if u.Disabled {
		return User{}, ErrDisabled
	}
	if err := t.Clear(ctx, keys[0]); err != nil {
		return User{}, err
	}
	if rehash {
		if err := s.setPassword(ctx, s.DB, u.ID, c.Password); err != nil {
			return User{}, fmt.Errorf("account: rehash: %w", err)
		}
	}
	return u, nil
}
