package account

import (
	"context"
	"errors"
	"testing"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

func TestCreateAndFind(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := &Store{DB: d, Params: cheap}
		u, err := s.Create(ctx, NewUser{Email: "  Ada@Example.COM ", Role: RoleEditor, Password: "correct horse"})
		if err != nil {
			t.Fatal(err)
		}
		if u.ID == 0 || u.Email != "ada@example.com" || u.Name != "ada" || u.Role != RoleEditor || u.Disabled || u.HasTOTP() || u.CreatedAt.IsZero() {
			t.Fatalf("created %+v", u)
		}
		got, err := s.ByEmail(ctx, "ADA@example.com")
		if err != nil || got.ID != u.ID {
			t.Fatalf("ByEmail: %+v, %v", got, err)
		}
		if got, err := s.ByID(ctx, u.ID); err != nil || got.Email != u.Email {
			t.Fatalf("ByID: %+v, %v", got, err)
		}
		_, err = s.Create(ctx, NewUser{Email: "ADA@example.com", Role: RoleAuthor, Password: "another password"})
		wantErr(t, err, ErrConflict)
		_, err = s.ByID(ctx, 9999)
		wantErr(t, err, ErrNotFound)
		_, err = s.ByEmail(ctx, "nobody@example.com")
		wantErr(t, err, ErrNotFound)

		mustCreate(t, s, "zoe@example.com", RoleAuthor)
		bo, _ := s.Create(ctx, NewUser{Email: "b@example.com", Name: "Bob", Role: RoleAuthor, Password: "correct horse"})
		list, err := s.List(ctx)
		if err != nil || len(list) != 3 || list[0].Email != "ada@example.com" || list[1].ID != bo.ID || list[2].Email != "zoe@example.com" {
			t.Fatalf("List = %+v, %v", list, err)
		}
	})
}

func TestCreateValidation(t *testing.T) {
	cases := []struct {
		n      NewUser
		fields []string
	}{
		{NewUser{Email: "not an email", Role: RoleAdmin, Password: "correct horse"}, []string{"email"}},
		{NewUser{Email: "Ada <ada@example.com>", Role: RoleAdmin, Password: "correct horse"}, []string{"email"}},
		{NewUser{Email: "ada@example", Role: RoleAdmin, Password: "correct horse"}, []string{"email"}},
		{NewUser{Email: "", Role: RoleAdmin, Password: "correct horse"}, []string{"email"}},
		{NewUser{Email: "ada@example.com", Role: "owner", Password: "correct horse"}, []string{"role"}},
		{NewUser{Email: "ada@example.com", Role: RoleAdmin, Password: "short"}, []string{"password"}},
		{NewUser{Email: "ada@example.com", Role: RoleAdmin, Password: "ééééééééé"}, []string{"password"}}, // 9 characters, 18 bytes
		{NewUser{Email: "x", Role: "", Password: ""}, []string{"email", "role", "password"}},
	}
	for _, c := range cases {
		err := c.n.Validate()
		var errs Errors
		if !errors.As(err, &errs) || len(errs) != len(c.fields) {
			t.Errorf("%+v: err = %v, want errors on %v", c.n, err, c.fields)
			continue
		}
		for _, f := range c.fields {
			if errs[f] == "" {
				t.Errorf("%+v: no error on %s (%v)", c.n, f, errs)
			}
		}
	}
	ok := NewUser{Email: "admin@localhost", Role: RoleAdmin, Password: "dix lettres"}
	if err := ok.Validate(); err != nil {
		t.Errorf("valid user refused: %v", err)
	}
}

func TestRolesAndDisable(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := &Store{DB: d, Params: cheap}
		if ok, err := s.HasAdmin(ctx); err != nil || ok {
			t.Fatalf("HasAdmin on an empty site = %v, %v", ok, err)
		}
		a := mustCreate(t, s, "a@example.com", RoleAdmin)
		e := mustCreate(t, s, "e@example.com", RoleEditor)
		if ok, _ := s.HasAdmin(ctx); !ok {
			t.Fatal("HasAdmin false after creating one")
		}
		wantErr(t, s.SetRole(ctx, a.ID, RoleEditor), ErrLastAdmin)
		wantErr(t, s.Disable(ctx, a.ID), ErrLastAdmin)
		var errs Errors
		if err := s.SetRole(ctx, e.ID, "chief"); !errors.As(err, &errs) || errs["role"] == "" {
			t.Fatalf("unknown role: %v", err)
		}
		wantErr(t, s.SetRole(ctx, 9999, RoleAuthor), ErrNotFound)

		if err := s.SetRole(ctx, e.ID, RoleAdmin); err != nil {
			t.Fatal(err)
		}
		if err := s.SetRole(ctx, a.ID, RoleAuthor); err != nil { // another admin remains
			t.Fatal(err)
		}
		sessions := &Sessions{DB: d}
		token, err := sessions.Create(ctx, e.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		wantErr(t, s.Disable(ctx, e.ID), ErrLastAdmin)
		if err := s.SetRole(ctx, a.ID, RoleAdmin); err != nil {
			t.Fatal(err)
		}
		if err := s.Disable(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
		if u, _ := s.ByID(ctx, e.ID); !u.Disabled {
			t.Error("not disabled")
		}
		_, _, err = sessions.Lookup(ctx, token)
		wantErr(t, err, ErrNotFound)
		if err := s.Enable(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
		if u, _ := s.ByID(ctx, e.ID); u.Disabled {
			t.Error("still disabled")
		}
		if _, _, err = sessions.Lookup(ctx, token); !errors.Is(err, ErrNotFound) {
			t.Error("enabling brought a session back; disabling must end them")
		}
	})
}

func TestSetPassword(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := &Store{DB: d, Params: cheap}
		th := &Throttle{DB: d}
		u := mustCreate(t, s, "a@example.com", RoleAuthor)
		var errs Errors
		if err := s.SetPassword(ctx, u.ID, "short"); !errors.As(err, &errs) {
			t.Fatalf("short password: %v", err)
		}
		wantErr(t, s.SetPassword(ctx, 9999, "long enough now"), ErrNotFound)
		if err := s.SetPassword(ctx, u.ID, "long enough now"); err != nil {
			t.Fatal(err)
		}
		_, err := s.SignIn(ctx, th, Credentials{Email: u.Email, Password: "correct horse", Addr: "192.0.2.1"})
		wantErr(t, err, ErrBadCredentials)
		if _, err := s.SignIn(ctx, th, Credentials{Email: u.Email, Password: "long enough now", Addr: "192.0.2.1"}); err != nil {
			t.Fatal(err)
		}
	})
}
