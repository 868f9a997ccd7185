package account

import (
	"context"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

func TestSessions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := newClock()
		s := &Store{DB: d, Params: cheap, Now: clk.Now}
		u := mustCreate(t, s, "ada@example.com", RoleEditor)
		a := &Sessions{DB: d, Now: clk.Now}
		b := &Sessions{DB: node(t, d), Now: clk.Now} // another node

		token, err := a.Create(ctx, u.ID, "Firefox")
		if err != nil {
			t.Fatal(err)
		}
		if len(token) != 43 {
			t.Errorf("token %q: want 32 bytes in base64url", token)
		}
		var stored string
		d.QueryRow(ctx, `SELECT token_hash FROM sessions`).Scan(&stored)
		if stored == token || stored != hashToken(token) {
			t.Fatalf("stored %q for token %q: want its SHA-256 only", stored, token)
		}
		got, sess, err := b.Lookup(ctx, token)
		if err != nil || got.ID != u.ID || sess.UserAgent != "Firefox" || sess.SecondFactor || !sess.Complete(got) {
			t.Fatalf("Lookup on node b = %+v %+v %v", got, sess, err)
		}
		_, _, err = b.Lookup(ctx, token+"x")
		wantErr(t, err, ErrNotFound)
		_, _, err = b.Lookup(ctx, "")
		wantErr(t, err, ErrNotFound)

		// Sign-in rotates: the old token dies, the new one works.
		next, err := b.Rotate(ctx, token, u.ID, "Firefox")
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = a.Lookup(ctx, token)
		wantErr(t, err, ErrNotFound)
		if _, _, err := a.Lookup(ctx, next); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Rotate(ctx, "never-issued", u.ID, "Firefox"); err != nil {
			t.Fatalf("rotating from no session: %v", err)
		}

		// Sign out everywhere.
		other, _ := a.Create(ctx, u.ID, "Safari")
		if err := b.DeleteAllForUser(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{next, other} {
			_, _, err = a.Lookup(ctx, tok)
			wantErr(t, err, ErrNotFound)
		}
		one, _ := a.Create(ctx, u.ID, "Safari")
		if err := a.Delete(ctx, one); err != nil {
			t.Fatal(err)
		}
		_, _, err = b.Lookup(ctx, one)
		wantErr(t, err, ErrNotFound)
	})
}

func TestSessionSecondFactor(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := &Store{DB: d, Params: cheap}
		u := mustCreate(t, s, "ada@example.com", RoleEditor)
		d.Exec(ctx, `UPDATE users SET totp_secret = 'JBSWY3DPEHPK3PXP' WHERE id = ?`, u.ID)
		ss := &Sessions{DB: d}
		half, _ := ss.Create(ctx, u.ID, "Firefox")
		got, sess, err := ss.Lookup(ctx, half)
		if err != nil || sess.Complete(got) {
			t.Fatalf("before the code: complete=%v err=%v, want a half session", sess.Complete(got), err)
		}
		full, err := ss.PassSecondFactor(ctx, half)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = ss.Lookup(ctx, half)
		wantErr(t, err, ErrNotFound)
		got, sess, err = ss.Lookup(ctx, full)
		if err != nil || !sess.SecondFactor || !sess.Complete(got) || sess.UserAgent != "Firefox" {
			t.Fatalf("after the code: %+v %v", sess, err)
		}
		_, err = ss.PassSecondFactor(ctx, half)
		wantErr(t, err, ErrNotFound)
	})
}

// Sessions end after 14 idle days, and after 60 days however busy; use
// slides the idle limit, writing at most once a minute.
func TestSessionExpiry(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := newClock()
		s := &Store{DB: d, Params: cheap, Now: clk.Now}
		u := mustCreate(t, s, "ada@example.com", RoleEditor)
		ss := &Sessions{DB: d, Now: clk.Now}
		idle, _ := ss.Create(ctx, u.ID, "")
		busy, _ := ss.Create(ctx, u.ID, "")
		start := clk.Now()

		clk.add(30 * time.Second)
		_, sess, _ := ss.Lookup(ctx, busy)
		if !sess.LastSeen.Equal(start) {
			t.Errorf("last seen moved after 30 s (%s): one write per request", sess.LastSeen)
		}
		for day := 1; day <= 59; day++ {
			clk.add(24 * time.Hour)
			if _, _, err := ss.Lookup(ctx, busy); err != nil {
				t.Fatalf("busy session ended on day %d: %v", day, err)
			}
			if day == 13 {
				if _, _, err := ss.Lookup(ctx, idle); err != nil {
					t.Fatalf("idle session ended before 14 days: %v", err)
				}
			}
			if day == 28 {
				_, _, err := ss.Lookup(ctx, idle)
				wantErr(t, err, ErrNotFound)
			}
		}
		clk.add(24 * time.Hour)
		_, _, err := ss.Lookup(ctx, busy)
		wantErr(t, err, ErrNotFound)

		if n, err := ss.Purge(ctx); err != nil || n != 2 {
			t.Fatalf("Purge = %d, %v; want 2", n, err)
		}
	})
}
