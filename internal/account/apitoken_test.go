package account

import (
	"context"
	"errors"
	"testing"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

func TestAPITokens(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := &Store{DB: d, Params: cheap}
		u := mustCreate(t, s, "wire@lede.test", RoleAuthor)
		if _, _, err := s.CreateAPIToken(ctx, u.ID, "", []string{"root"}); err == nil {
			t.Fatal("bad token accepted")
		}
		tok, id, err := s.CreateAPIToken(ctx, u.ID, "wire feed", []string{ScopeArticlesWrite})
		if err != nil {
			t.Fatal(err)
		}
		got, scopes, err := s.LookupAPIToken(ctx, tok)
		if err != nil || got.ID != u.ID || len(scopes) != 1 || scopes[0] != ScopeArticlesWrite {
			t.Fatalf("lookup: %v %v %v", got, scopes, err)
		}
		if _, _, err := s.LookupAPIToken(ctx, tok+"x"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("forged token: %v", err)
		}
		other := mustCreate(t, s, "other@lede.test", RoleEditor)
		if err := s.RevokeAPIToken(ctx, other.ID, id); !errors.Is(err, ErrNotFound) {
			t.Fatal("revoked someone else's token")
		}
		if err := s.RevokeAPIToken(ctx, u.ID, id); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.LookupAPIToken(ctx, tok); !errors.Is(err, ErrNotFound) {
			t.Fatal("revoked token still works")
		}
		list, _ := s.APITokens(ctx, u.ID)
		if len(list) != 1 || !list[0].Revoked || list[0].LastUsed.IsZero() {
			t.Fatalf("list %+v", list)
		}
	})
}
