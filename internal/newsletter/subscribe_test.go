package newsletter

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

// Double opt-in over a real SMTP conversation: the confirmation mail is in
// the edition's language with a one-time link; a repeat sends nothing at
// once; forged, used and expired links change nothing.
func TestSubscribeConfirm(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		req := SubscribeRequest{Edition: f.fr, Email: "Zoe.Martin@Example.ORG", Lists: []string{"daily", "section:monde", "daily"}, Client: "192.0.2.1"}
		res, err := f.s.Subscribe(f.ctx, req)
		if err != nil || !res.Sent {
			t.Fatalf("subscribe: %v %+v", err, res)
		}
		msgs := f.smtp.Messages()
		if len(msgs) != 1 || msgs[0].To[0] != "zoe.martin@example.org" {
			t.Fatalf("messages: %+v", msgs)
		}
		h, text, html := parts(t, msgs[0].Data)
		if subj, _ := (&mimeDecoder).DecodeHeader(h.Get("Subject")); !strings.Contains(subj, "Confirmez votre abonnement à Le Quotidien") {
			t.Errorf("subject %q", subj)
		}
		m := confirmRE.FindStringSubmatch(text)
		if m == nil || !strings.Contains(html, m[0]) {
			t.Fatalf("no confirmation link in both parts:\n%s\n%s", text, html)
		}
		tok := m[1]

		// Not confirmed yet: nothing goes to this address.
		if c, _ := f.s.Counts(f.ctx, f.fr.ID); c["daily"] != 0 {
			t.Fatalf("counted before confirmation: %v", c)
		}
		// A repeat moments later sends no second mail.
		if res, err := f.s.Subscribe(f.ctx, req); err != nil || res.Sent {
			t.Fatalf("repeat: %v %+v", err, res)
		}
		if n := f.smtp.Count(); n != 1 {
			t.Fatalf("%d messages after a repeat, want 1", n)
		}
		// Forged tokens.
		for _, bad := range []string{"x", strings.Repeat("A", 43), tok[:42] + "B", "../../etc/passwd"} {
			if bad == tok {
				continue
			}
			if _, err := f.s.Confirm(f.ctx, bad); !errors.Is(err, ErrBadToken) {
				t.Errorf("forged %q: %v", bad, err)
			}
		}
		if _, err := f.s.PeekConfirm(f.ctx, tok); err != nil {
			t.Fatal(err)
		}
		sub, err := f.s.Confirm(f.ctx, tok)
		if err != nil || !sub.Confirmed {
			t.Fatal(err)
		}
		if _, err := f.s.Confirm(f.ctx, tok); !errors.Is(err, ErrBadToken) {
			t.Errorf("token used twice: %v", err)
		}
		got, err := f.s.ByManageToken(f.ctx, sub.ManageToken)
		if err != nil || strings.Join(got.Lists, ",") != "daily,section:monde" || got.Email != "zoe.martin@example.org" {
			t.Fatalf("subscriber %+v %v", got, err)
		}
		if c, _ := f.s.Counts(f.ctx, f.fr.ID); c["daily"] != 1 || c["section:monde"] != 1 {
			t.Fatalf("counts %v", c)
		}

		// A confirmed address asking again (later) gets its preference
		// link, and the form does not change its lists.
		f.clock.add(time.Hour)
		req.Lists = []string{"breaking"}
		if res, err := f.s.Subscribe(f.ctx, req); err != nil || !res.Sent {
			t.Fatalf("confirmed repeat: %v %+v", err, res)
		}
		_, text, _ = parts(t, f.smtp.Messages()[1].Data)
		if !strings.Contains(text, "/newsletter/preferences/"+sub.ManageToken) {
			t.Errorf("no preference link in:\n%s", text)
		}
		if got, _ := f.s.ByManageToken(f.ctx, sub.ManageToken); strings.Join(got.Lists, ",") != "daily,section:monde" {
			t.Errorf("form changed a confirmed subscriber's lists: %v", got.Lists)
		}

		// Expired: a clear error, nothing confirmed.
		if _, err := f.s.Subscribe(f.ctx, SubscribeRequest{Edition: f.en, Email: "late@example.com", Lists: []string{"daily"}}); err != nil {
			t.Fatal(err)
		}
		_, text, _ = parts(t, f.smtp.Messages()[2].Data)
		if !strings.Contains(text, "Please confirm") {
			t.Errorf("English edition's mail not in English:\n%s", text)
		}
		late := confirmRE.FindStringSubmatch(text)[1]
		f.clock.add(ConfirmValidity + time.Minute)
		if _, err := f.s.Confirm(f.ctx, late); !errors.Is(err, ErrExpired) {
			t.Fatalf("expired token: %v", err)
		}
		if c, _ := f.s.Counts(f.ctx, f.en.ID); c["daily"] != 0 {
			t.Errorf("expired confirmation counted: %v", c)
		}
	})
}

// Bad input: a clear error and nothing stored or sent.
func TestSubscribeRefuses(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		cases := []struct {
			email string
			lists []string
			want  error
		}{
			{"not an address", []string{"daily"}, ErrInvalidEmail},
			{"Zoé <zoe@example.org>", []string{"daily"}, ErrInvalidEmail},
			{"a@b@example.org", []string{"daily"}, ErrInvalidEmail},
			{"zoe@localhost", []string{"daily"}, ErrInvalidEmail},
			{"zoe@example.org, bob@example.org", []string{"daily"}, ErrInvalidEmail},
			{"zoe@example.org\r\nBcc: x@example.org", []string{"daily"}, ErrInvalidEmail},
			{"zoe@mailinator.com", []string{"daily"}, ErrDisposable},
			{"zoe@eu.yopmail.com", []string{"daily"}, ErrDisposable},
			{"zoe@example.org", nil, ErrNoList},
			{"zoe@example.org", []string{"section:nope"}, ErrUnknownList},
			{"zoe@example.org", []string{"section:world"}, ErrUnknownList}, // another edition's section
			{"zoe@example.org", []string{"weird"}, ErrUnknownList},
		}
		for _, c := range cases {
			_, err := f.s.Subscribe(f.ctx, SubscribeRequest{Edition: f.fr, Email: c.email, Lists: c.lists, Client: "192.0.2.9"})
			if !errors.Is(err, c.want) {
				t.Errorf("%q %v: %v, want %v", c.email, c.lists, err, c.want)
			}
		}
		var n int
		d.QueryRow(f.ctx, `SELECT count(*) FROM newsletter_subscribers`).Scan(&n)
		if n != 0 || f.smtp.Count() != 0 {
			t.Fatalf("%d subscribers and %d mails after refused requests", n, f.smtp.Count())
		}
		// Mail bombing: one address asked for again and again.
		var limited bool
		for i := range 8 {
			f.clock.add(4 * time.Minute) // all within one hour
			_, err := f.s.Subscribe(f.ctx, SubscribeRequest{Edition: f.fr, Email: "victim@example.org", Lists: []string{"daily"}, Client: "192.0.2.10"})
			if errors.Is(err, ErrRateLimited) {
				limited = true
				break
			} else if err != nil {
				t.Fatalf("request %d: %v", i, err)
			}
		}
		if !limited {
			t.Error("no rate limit on repeated requests for one address")
		}
		if n := f.smtp.Count(); n > 2 {
			t.Errorf("%d confirmation mails to one address within the hour", n)
		}
	})
}
