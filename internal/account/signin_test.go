package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

func TestSignIn(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := &Store{DB: d, Params: cheap}
		th := &Throttle{DB: d}
		u := mustCreate(t, s, "ada@example.com", RoleAuthor)
		got, err := s.SignIn(ctx, th, Credentials{Email: "ADA@example.com", Password: "correct horse", Addr: "192.0.2.1"})
		if err != nil || got.ID != u.ID {
			t.Fatalf("SignIn = %+v, %v", got, err)
		}
		_, err = s.SignIn(ctx, th, Credentials{Email: "ada@example.com", Password: "wrong horse!", Addr: "192.0.2.1"})
		wantErr(t, err, ErrBadCredentials)
		_, err = s.SignIn(ctx, th, Credentials{Email: "nobody@example.com", Password: "correct horse", Addr: "192.0.2.1"})
		wantErr(t, err, ErrBadCredentials)
		if err.Error() != ErrBadCredentials.Error() {
			t.Errorf("unknown email says %q, must say the same as a wrong password", err)
		}
		if err := s.Disable(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		_, err = s.SignIn(ctx, th, Credentials{Email: "ada@example.com", Password: "correct horse", Addr: "192.0.2.1"})
		wantErr(t, err, ErrDisabled)
		_, err = s.SignIn(ctx, th, Credentials{Email: "ada@example.com", Password: "wrong horse!", Addr: "192.0.2.1"})
		wantErr(t, err, ErrBadCredentials) // a wrong password reveals nothing about the account
	})
}

// A hash made with old costs is redone with the current ones at sign-in.
func TestSignInRehashes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		old := &Store{DB: d, Params: cheap}
		u := mustCreate(t, old, "ada@example.com", RoleAuthor)
		stronger := cheap
		stronger.Memory, stronger.Time = 128, 2
		s := &Store{DB: d, Params: stronger}
		if _, err := s.SignIn(ctx, &Throttle{DB: d}, Credentials{Email: u.Email, Password: "correct horse", Addr: "192.0.2.1"}); err != nil {
			t.Fatal(err)
		}
		got, _ := s.ByID(ctx, u.ID)
		if !strings.HasPrefix(got.passwordHash, "$argon2id$v=19$m=128,t=2,p=1$") {
			t.Fatalf("hash not redone: %s", got.passwordHash)
		}
		if _, err := s.SignIn(ctx, &Throttle{DB: d}, Credentials{Email: u.Email, Password: "correct horse", Addr: "192.0.2.1"}); err != nil {
			t.Fatalf("sign-in after rehash: %v", err)
		}
	})
}

// Five failures lock the email on every node, for one minute, then two,
// four…; the lock refuses even the right password; success clears.
func TestSignInLockout(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := newClock()
		s := &Store{DB: d, Params: cheap, Now: clk.Now}
		mustCreate(t, s, "ada@example.com", RoleAuthor)
		nodes := []*Throttle{{DB: d, Now: clk.Now}, {DB: node(t, d), Now: clk.Now}}
		signIn := func(i int, password string) error {
			_, err := s.SignIn(ctx, nodes[i%2], Credentials{Email: "ada@example.com", Password: password, Addr: fmt.Sprintf("192.0.2.%d", i)})
			return err
		}
		for i := range 5 {
			wantErr(t, signIn(i, "wrong horse!"), ErrBadCredentials)
			clk.add(time.Second)
		}
		for wait := time.Minute; wait <= 4*time.Minute; wait *= 2 {
			err := signIn(7, "correct horse")
			var te *ThrottledError
			if !errors.As(err, &te) || !errors.Is(err, ErrThrottled) {
				t.Fatalf("locked: err = %v, want a ThrottledError", err)
			}
			if te.RetryAfter <= wait-2*time.Second || te.RetryAfter > wait {
				t.Fatalf("retry after %s, want about %s", te.RetryAfter, wait)
			}
			clk.add(te.RetryAfter)
			wantErr(t, signIn(8, "wrong horse!"), ErrBadCredentials) // one more failure doubles the lock
		}
		clk.add(8 * time.Minute)
		if err := signIn(9, "correct horse"); err != nil {
			t.Fatalf("after the lock: %v", err)
		}
		wantErr(t, signIn(10, "wrong horse!"), ErrBadCredentials) // the count started again
		if err := signIn(11, "correct horse"); err != nil {
			t.Fatalf("one failure after a success must not lock: %v", err)
		}
	})
}

// Failures are forgotten after a quiet window, and one address trying many
// emails is locked too.
func TestThrottleWindowAndAddress(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := newClock()
		th := &Throttle{DB: d, Now: clk.Now}
		k := EmailKey("ada@example.com")
		for range 4 {
			if err := th.Fail(ctx, k); err != nil {
				t.Fatal(err)
			}
		}
		clk.add(15 * time.Minute)
		if err := th.Fail(ctx, k); err != nil {
			t.Fatal(err)
		}
		if err := th.Check(ctx, k); err != nil {
			t.Fatalf("failures 15 min apart must not add up: %v", err)
		}

		s := &Store{DB: d, Params: cheap, Now: clk.Now}
		for i := range 20 {
			_, err := s.SignIn(ctx, th, Credentials{Email: fmt.Sprintf("u%d@example.com", i), Password: "guess guess", Addr: "2001:db8::1"})
			wantErr(t, err, ErrBadCredentials)
		}
		// Another address in the same /64 is the same client.
		_, err := s.SignIn(ctx, th, Credentials{Email: "new@example.com", Password: "guess guess", Addr: "2001:db8::2"})
		wantErr(t, err, ErrThrottled)
		if err := th.Check(ctx, AddrKey("198.51.100.7")); err != nil {
			t.Fatalf("another address is locked: %v", err)
		}
		clk.add(time.Hour)
		if err := th.Purge(ctx); err != nil {
			t.Fatal(err)
		}
		var n int
		d.QueryRow(ctx, `SELECT count(*) FROM signin_failures`).Scan(&n)
		if n != 0 {
			t.Errorf("%d failures left after purge", n)
		}
	})
}

func TestAddrKey(t *testing.T) {
	for addr, want := range map[string]string{
		"192.0.2.1":            "addr:192.0.2.1",
		"2001:db8:1:2:3:4:5:6": "addr:2001:db8:1:2::/64",
		"::ffff:192.0.2.1":     "addr:::ffff:192.0.2.1",
		"not-an-ip":            "addr:not-an-ip",
	} {
		if got := AddrKey(addr).Name; got != want {
			t.Errorf("AddrKey(%q) = %q, want %q", addr, got, want)
		}
	}
}
