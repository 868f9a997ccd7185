package reader

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

func init() { Params = account.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32} }

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func setup(t *testing.T, d *db.DB) (*Store, *clock) {
	c := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	return &Store{DB: d, Now: c.Now}, c
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("err = %v, want %v", err, target)
	}
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSignUpVerifySignIn(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := setup(t, d)
		th := &account.Throttle{DB: d, Now: s.Now}
		r, err := s.SignUp(ctx, " Ada@Example.ORG ", "  Ada   Lovelace ", "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		if r.Email != "ada@example.org" || r.Name != "Ada Lovelace" || r.Verified || r.ConductAccepted || !r.HasPassword {
			t.Fatalf("reader = %+v", r)
		}
		_, err = s.SignUp(ctx, "ADA@example.org", "Other", "another password")
		wantErr(t, err, ErrEmailTaken)

		var fe Errors
		_, err = s.SignUp(ctx, "not-an-address", strings.Repeat("n", MaxName+1), "short")
		if !errors.As(err, &fe) || fe["email"] == "" || fe["name"] != "reader.err.name_long" || fe["password"] != "reader.err.password_short" {
			t.Fatalf("errors = %v", err)
		}
		if n := count(t, d, `SELECT count(*) FROM readers`); n != 1 {
			t.Fatalf("%d readers after bad sign-ups", n)
		}

		tok, err := s.NewVerifyToken(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Verify(ctx, tok+"x"); !errors.Is(err, ErrBadToken) {
			t.Fatalf("forged token: %v", err)
		}
		v, err := s.Verify(ctx, tok)
		if err != nil || !v.Verified {
			t.Fatalf("verify: %+v %v", v, err)
		}
		_, err = s.Verify(ctx, tok)
		wantErr(t, err, ErrBadToken) // used up

		_, err = s.SignIn(ctx, th, "ada@example.org", "wrong password!", "192.0.2.1")
		wantErr(t, err, ErrBadCredentials)
		_, err = s.SignIn(ctx, th, "nobody@example.org", "correct horse battery", "192.0.2.1")
		wantErr(t, err, ErrBadCredentials)
		got, err := s.SignIn(ctx, th, "ADA@example.org", "correct horse battery", "192.0.2.1")
		if err != nil || got.ID != r.ID {
			t.Fatalf("sign in: %+v %v", got, err)
		}
		for range 6 {
			s.SignIn(ctx, th, "ada@example.org", "wrong password!", "192.0.2.9")
		}
		_, err = s.SignIn(ctx, th, "ada@example.org", "correct horse battery", "192.0.2.9")
		wantErr(t, err, account.ErrThrottled)
		// The newsroom's counter for the same address is untouched.
		if err := th.Check(ctx, account.EmailKey("ada@example.org")); err != nil {
			t.Fatalf("staff key locked by reader failures: %v", err)
		}

		if err := s.AcceptConduct(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		wantErr(t, s.AcceptConduct(ctx, 9999), db.ErrNotFound)
		up, err := s.Update(ctx, r.ID, Settings{Name: "Ada L.", NotifyReplies: true})
		if err != nil || up.Name != "Ada L." || !up.NotifyReplies || !up.ConductAccepted {
			t.Fatalf("update: %+v %v", up, err)
		}
		_, err = s.Update(ctx, r.ID, Settings{Name: strings.Repeat("é", MaxName+1)})
		if !errors.As(err, &fe) {
			t.Fatalf("long name: %v", err)
		}
		_, err = s.Update(ctx, r.ID, Settings{Name: "bad\u202ename"})
		if !errors.As(err, &fe) || fe["name"] != "reader.err.name_invalid" {
			t.Fatalf("bidi name: %v", err)
		}
		if g, _ := s.Get(ctx, r.ID); g.Name != "Ada L." {
			t.Fatalf("name changed by a refused update: %q", g.Name)
		}
	})
}

func TestTokensExpireAndPurpose(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := setup(t, d)
		r, err := s.SignUp(ctx, "bo@example.org", "Bo", "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		verify, _ := s.NewVerifyToken(ctx, r)
		_, _, err = s.UseSignInLink(ctx, verify)
		wantErr(t, err, ErrBadToken) // a verify link is not a sign-in link, and is now spent
		_, err = s.Verify(ctx, verify)
		wantErr(t, err, ErrBadToken)

		verify, _ = s.NewVerifyToken(ctx, r)
		c.add(VerifyLifetime + time.Second)
		_, err = s.Verify(ctx, verify)
		wantErr(t, err, ErrTokenExpired)
		if g, _ := s.Get(ctx, r.ID); g.Verified {
			t.Fatal("expired link verified the address")
		}
		link, _ := s.NewSignInToken(ctx, "bo@example.org", "ignored")
		c.add(SignInLifetime)
		_, _, err = s.UseSignInLink(ctx, link)
		wantErr(t, err, ErrTokenExpired)
		if err := s.Purge(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSignInLink(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := setup(t, d)
		_, err := s.NewSignInToken(ctx, "nope", "")
		var fe Errors
		if !errors.As(err, &fe) {
			t.Fatalf("bad address: %v", err)
		}
		link, err := s.NewSignInToken(ctx, "New@Example.org", "Newcomer")
		if err != nil {
			t.Fatal(err)
		}
		r, created, err := s.UseSignInLink(ctx, link)
		if err != nil || !created || !r.Verified || r.Name != "Newcomer" || r.HasPassword || r.Email != "new@example.org" {
			t.Fatalf("link sign-up: %+v %v %v", r, created, err)
		}
		_, _, err = s.UseSignInLink(ctx, link)
		wantErr(t, err, ErrBadToken) // one time only

		// Someone signs up with another's address and a password; the owner
		// then signs in by link: the squatter's password and sessions go.
		sq, err := s.SignUp(ctx, "owner@example.org", "Squatter", "squatter password")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.StartSession(ctx, "", sq.ID); err != nil {
			t.Fatal(err)
		}
		link, _ = s.NewSignInToken(ctx, "owner@example.org", "Owner")
		r, created, err = s.UseSignInLink(ctx, link)
		if err != nil || created || r.ID != sq.ID || !r.Verified || r.HasPassword {
			t.Fatalf("owner link: %+v %v %v", r, created, err)
		}
		if n := count(t, d, `SELECT count(*) FROM reader_sessions WHERE reader_id = ?`, sq.ID); n != 0 {
			t.Fatalf("%d squatter sessions kept", n)
		}
	})
}

func TestSessions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := setup(t, d)
		r, _ := s.SignUp(ctx, "se@example.org", "Se", "correct horse battery")
		tok, err := s.StartSession(ctx, "planted", r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := s.Session(ctx, tok); err != nil || got.ID != r.ID {
			t.Fatalf("session: %+v %v", got, err)
		}
		if CSRF(tok) == "" || CSRF(tok) == CSRF(tok+"x") {
			t.Fatal("csrf not derived from the session")
		}
		tok2, _ := s.StartSession(ctx, tok, r.ID) // rotation drops the old one
		_, err = s.Session(ctx, tok)
		wantErr(t, err, db.ErrNotFound)
		c.add(IdleSession + time.Minute)
		_, err = s.Session(ctx, tok2)
		wantErr(t, err, db.ErrNotFound)
		tok3, _ := s.StartSession(ctx, "", r.ID)
		if err := s.EndSession(ctx, tok3); err != nil {
			t.Fatal(err)
		}
		_, err = s.Session(ctx, tok3)
		wantErr(t, err, db.ErrNotFound)
	})
}

func TestExternal(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := setup(t, d)
		_, _, err := s.SignInExternal(ctx, External{Provider: "github", Subject: "1", Email: "x@example.org", Name: "X"}, "Reader")
		wantErr(t, err, ErrUnverifiedEmail)
		if n := count(t, d, `SELECT count(*) FROM readers`); n != 0 {
			t.Fatal("unverified provider email created a reader")
		}
		r, created, err := s.SignInExternal(ctx, External{Provider: "github", Subject: "1", Email: "X@example.org", EmailVerified: true, Name: "\x00"}, "Reader")
		if err != nil || !created || !r.Verified || r.Name != "Reader" {
			t.Fatalf("first: %+v %v %v", r, created, err)
		}
		// Same subject, changed (even unverified) email: still the same reader.
		r2, created, err := s.SignInExternal(ctx, External{Provider: "github", Subject: "1", Email: "other@example.org"}, "Reader")
		if err != nil || created || r2.ID != r.ID {
			t.Fatalf("again: %+v %v", r2, err)
		}
		// Another provider with the same verified address links to the reader.
		r3, created, err := s.SignInExternal(ctx, External{Provider: "google", Subject: "g-1", Email: "x@example.org", EmailVerified: true}, "Reader")
		if err != nil || created || r3.ID != r.ID {
			t.Fatalf("link: %+v %v", r3, err)
		}
		ids, _ := s.Identities(ctx, r.ID)
		if strings.Join(ids, ",") != "github,google" {
			t.Fatalf("identities %v", ids)
		}

		st, err := s.StartFlow(ctx, Flow{Provider: "google", Verifier: "v", Nonce: "n", Next: "/fr/", Edition: "fr"})
		if err != nil {
			t.Fatal(err)
		}
		f, err := s.TakeFlow(ctx, st)
		if err != nil || f.Verifier != "v" || f.Nonce != "n" || f.Next != "/fr/" {
			t.Fatalf("flow %+v %v", f, err)
		}
		_, err = s.TakeFlow(ctx, st)
		wantErr(t, err, ErrBadToken)
	})
}

func TestDelete(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := setup(t, d)
		r, _ := s.SignUp(ctx, "del@example.org", "Del", "correct horse battery")
		s.StartSession(ctx, "", r.ID)
		s.NewVerifyToken(ctx, r)
		s.SignInExternal(ctx, External{Provider: "google", Subject: "d", Email: "del@example.org", EmailVerified: true}, "R")

		boom := errors.New("boom")
		err := s.Delete(ctx, r.ID, true, func(ctx context.Context, tx *db.Tx, id int64, remove bool) error { return boom })
		wantErr(t, err, boom)
		if _, err := s.Get(ctx, r.ID); err != nil {
			t.Fatalf("reader gone after a failed delete: %v", err)
		}
		var gotID int64
		var gotRemove bool
		err = s.Delete(ctx, r.ID, true, func(ctx context.Context, tx *db.Tx, id int64, remove bool) error {
			gotID, gotRemove = id, remove
			return nil
		})
		if err != nil || gotID != r.ID || !gotRemove {
			t.Fatalf("delete: %v %d %v", err, gotID, gotRemove)
		}
		for _, tbl := range []string{"readers", "reader_sessions", "reader_identities", "reader_tokens"} {
			if n := count(t, d, `SELECT count(*) FROM `+tbl); n != 0 {
				t.Fatalf("%s: %d rows left", tbl, n)
			}
		}
		wantErr(t, s.Delete(ctx, r.ID, false, nil), db.ErrNotFound)
	})
}
