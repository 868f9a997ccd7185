package account

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

func TestCreateFirstAdmin(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := newClock()
		s := &Store{DB: d, Params: cheap, Now: clk.Now}
		mustCreate(t, s, "writer@example.com", RoleAuthor) // not an admin: set-up stays open
		old, err := s.NewSetupToken(ctx)
		if err != nil {
			t.Fatal(err)
		}
		clk.add(25 * time.Hour)
		_, err = s.CreateFirstAdmin(ctx, old, NewUser{Email: "a@example.com", Password: "correct horse"})
		wantErr(t, err, ErrTokenExpired)
		_, err = s.CreateFirstAdmin(ctx, "guessed", NewUser{Email: "a@example.com", Password: "correct horse"})
		wantErr(t, err, ErrBadToken)

		token, _ := s.NewSetupToken(ctx)
		var errs Errors
		if _, err := s.CreateFirstAdmin(ctx, token, NewUser{Email: "a@example.com", Password: "short"}); !errors.As(err, &errs) {
			t.Fatalf("weak password: %v", err)
		}
		u, err := s.CreateFirstAdmin(ctx, token, NewUser{Email: "a@example.com", Role: RoleContributor, Password: "correct horse"})
		if err != nil || u.Role != RoleAdmin {
			t.Fatalf("first admin = %+v, %v", u, err)
		}
		_, err = s.CreateFirstAdmin(ctx, token, NewUser{Email: "b@example.com", Password: "correct horse"})
		wantErr(t, err, ErrBadToken) // spent
		_, err = s.NewSetupToken(ctx)
		wantErr(t, err, ErrAdminExists)
	})
}

// Several nodes submitting the set-up page at once create one admin.
func TestCreateFirstAdminRace(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		stores := []*Store{{DB: d, Params: cheap}, {DB: node(t, d), Params: cheap}, {DB: node(t, d), Params: cheap}}
		var tokens []string
		for _, s := range stores {
			tok, err := s.NewSetupToken(ctx)
			if err != nil {
				t.Fatal(err)
			}
			tokens = append(tokens, tok, tok)
		}
		var mu sync.Mutex
		created, refused := 0, 0
		var wg sync.WaitGroup
		for i, tok := range tokens {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := stores[i%3].CreateFirstAdmin(ctx, tok, NewUser{Email: fmt.Sprintf("a%d@example.com", i), Password: "correct horse"})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					created++
				case errors.Is(err, ErrAdminExists), errors.Is(err, ErrBadToken):
					refused++
				default:
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		var admins int
		d.QueryRow(ctx, `SELECT count(*) FROM users WHERE role = 'admin'`).Scan(&admins)
		if created != 1 || refused != len(tokens)-1 || admins != 1 {
			t.Fatalf("created %d, refused %d, %d admins in the table; want exactly one", created, refused, admins)
		}
	})
}
