package account

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTOTPEnrolment(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := newClock()
		s := &Store{DB: d, Params: cheap, Now: clk.Now}
		u := mustCreate(t, s, "ada@example.com", RoleEditor)
		wantErr(t, s.ConfirmTOTP(ctx, u.ID, "123456"), ErrNoTOTP)
		setup, err := s.BeginTOTP(ctx, u.ID, "Le Quotidien")
		if err != nil {
			t.Fatal(err)
		}
		link, err := url.Parse(setup.URL)
		if err != nil || link.Scheme != "otpauth" || link.Host != "totp" || link.Query().Get("secret") != setup.Secret || link.Query().Get("issuer") != "Le Quotidien" {
			t.Fatalf("URL %q", setup.URL)
		}
		if got, _ := s.ByID(ctx, u.ID); got.HasTOTP() {
			t.Fatal("TOTP on before the first code")
		}
		wantErr(t, s.ConfirmTOTP(ctx, u.ID, "000000"), ErrBadCode)
		if err := s.ConfirmTOTP(ctx, u.ID, code(t, setup.Secret, clk.Now())); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.ByID(ctx, u.ID); !got.HasTOTP() {
			t.Fatal("TOTP off after confirming")
		}
		// The code used to confirm cannot sign in again.
		th := &Throttle{DB: d, Now: clk.Now}
		wantErr(t, s.CheckTOTP(ctx, th, u.ID, code(t, setup.Secret, clk.Now())), ErrBadCode)
		if err := s.DisableTOTP(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.ByID(ctx, u.ID); got.HasTOTP() {
			t.Fatal("TOTP still on")
		}
		wantErr(t, s.CheckTOTP(ctx, th, u.ID, "123456"), ErrNoTOTP)
	})
}

func TestTOTPCheck(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := newClock()
		s := &Store{DB: d, Params: cheap, Now: clk.Now}
		u := mustCreate(t, s, "ada@example.com", RoleEditor)
		setup, _ := s.BeginTOTP(ctx, u.ID, "Lede")
		clk.add(-time.Hour) // confirm long ago, so every step below is later
		if err := s.ConfirmTOTP(ctx, u.ID, code(t, setup.Secret, clk.Now())); err != nil {
			t.Fatal(err)
		}
		clk.add(time.Hour)
		th := &Throttle{DB: d, Now: clk.Now}
		other := &Store{DB: node(t, d), Params: cheap, Now: clk.Now}
		now := clk.Now()

		wantErr(t, s.CheckTOTP(ctx, th, u.ID, code(t, setup.Secret, now.Add(-60*time.Second))), ErrBadCode)
		wantErr(t, s.CheckTOTP(ctx, th, u.ID, code(t, setup.Secret, now.Add(60*time.Second))), ErrBadCode)
		prev := code(t, setup.Secret, now.Add(-30*time.Second))
		if err := s.CheckTOTP(ctx, th, u.ID, prev); err != nil {
			t.Fatalf("code of the previous step refused: %v", err)
		}
		cur := code(t, setup.Secret, now)
		spaced := cur[:3] + " " + cur[3:]
		if err := other.CheckTOTP(ctx, th, u.ID, spaced); err != nil {
			t.Fatalf("current code on another node refused: %v", err)
		}
		wantErr(t, s.CheckTOTP(ctx, th, u.ID, cur), ErrBadCode)  // replay
		wantErr(t, s.CheckTOTP(ctx, th, u.ID, prev), ErrBadCode) // an older step after a newer one
		next := code(t, setup.Secret, now.Add(30*time.Second))
		if err := s.CheckTOTP(ctx, th, u.ID, next); err != nil {
			t.Fatalf("code of the next step refused: %v", err)
		}
	})
}

func TestTOTPThrottled(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := newClock()
		s := &Store{DB: d, Params: cheap, Now: clk.Now}
		u := mustCreate(t, s, "ada@example.com", RoleEditor)
		setup, _ := s.BeginTOTP(ctx, u.ID, "Lede")
		clk.add(-time.Hour)
		s.ConfirmTOTP(ctx, u.ID, code(t, setup.Secret, clk.Now()))
		clk.add(time.Hour)
		th := &Throttle{DB: d, Now: clk.Now}
		for range 5 {
			wantErr(t, s.CheckTOTP(ctx, th, u.ID, "12345x"), ErrBadCode)
		}
		wantErr(t, s.CheckTOTP(ctx, th, u.ID, code(t, setup.Secret, clk.Now())), ErrThrottled)
		clk.add(time.Minute)
		if err := s.CheckTOTP(ctx, th, u.ID, code(t, setup.Secret, clk.Now())); err != nil {
			t.Fatalf("after the lock: %v", err)
		}
	})
}
