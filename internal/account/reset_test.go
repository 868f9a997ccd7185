package account

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

func TestPasswordReset(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := newClock()
		s := &Store{DB: d, Params: cheap, Now: clk.Now}
		th := &Throttle{DB: d, Now: clk.Now}
		u := mustCreate(t, s, "ada@example.com", RoleAuthor)
		_, _, err := s.NewReset(ctx, "nobody@example.com")
		wantErr(t, err, ErrNotFound)

		got, token, err := s.NewReset(ctx, "ADA@example.com")
		if err != nil || got.ID != u.ID {
			t.Fatalf("NewReset = %+v, %v", got, err)
		}
		var stored string
		d.QueryRow(ctx, `SELECT token_hash FROM password_resets`).Scan(&stored)
		if stored != hashToken(token) {
			t.Fatal("the token is not stored hashed")
		}
		sessions := &Sessions{DB: d, Now: clk.Now}
		sess, _ := sessions.Create(ctx, u.ID, "stolen laptop")

		var errs Errors
		if _, err := s.Reset(ctx, token, "short"); !errors.As(err, &errs) {
			t.Fatalf("weak password: %v", err)
		}
		clk.add(59 * time.Minute)
		if _, err := s.Reset(ctx, token, "a new long password"); err != nil {
			t.Fatalf("reset with a weak password first must not spend the token: %v", err)
		}
		_, err = s.Reset(ctx, token, "yet another password")
		wantErr(t, err, ErrBadToken)
		if _, err := s.SignIn(ctx, th, Credentials{Email: u.Email, Password: "a new long password", Addr: "192.0.2.1"}); err != nil {
			t.Fatal(err)
		}
		_, err = s.SignIn(ctx, th, Credentials{Email: u.Email, Password: "correct horse", Addr: "192.0.2.1"})
		wantErr(t, err, ErrBadCredentials)
		_, _, err = sessions.Lookup(ctx, sess)
		wantErr(t, err, ErrNotFound)

		_, late, _ := s.NewReset(ctx, u.Email)
		clk.add(time.Hour)
		_, err = s.Reset(ctx, late, "a third long password")
		wantErr(t, err, ErrTokenExpired)
		_, err = s.Reset(ctx, late, "a third long password")
		wantErr(t, err, ErrBadToken)

		s.Disable(ctx, u.ID)
		_, _, err = s.NewReset(ctx, u.Email)
		wantErr(t, err, ErrNotFound)
	})
}
