package newsletter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/jobs"
	"github.com/lede-news/lede/internal/testdb"
)

// drain runs batches until no delivery is due.
func drain(t *testing.T, w *Worker) {
	t.Helper()
	for range 10000 {
		n, err := w.RunBatch(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("worker never ran dry")
}

// A breaking-news send over a real SMTP conversation: one message per
// confirmed subscriber with a text and an HTML part in the edition's
// language, RFC 8058 headers whose URL unsubscribes from that list.
func TestBreakingSend(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		fr := f.subscribers(t, f.fr, Breaking, 3, "fr")
		f.subscribers(t, f.fr, Daily, 2, "daily") // another list: not sent
		f.subscribers(t, f.en, Breaking, 2, "en") // another edition: not sent
		// An unconfirmed address is never sent anything.
		if _, err := f.s.Subscribe(f.ctx, SubscribeRequest{Edition: f.fr, Email: "pending@example.org", Lists: []string{Breaking}}); err != nil {
			t.Fatal(err)
		}
		confirmations := f.smtp.Count()

		if _, _, err := f.s.Breaking(f.ctx, 999999, "editor", false); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("unknown article: %v", err)
		}
		d.Exec(f.ctx, `UPDATE articles SET status = 'draft' WHERE id = ?`, f.arts["expo"])
		if _, _, err := f.s.Breaking(f.ctx, f.arts["expo"], "editor", false); !errors.Is(err, ErrNotPublished) {
			t.Errorf("draft: %v", err)
		}
		id, n, err := f.s.Breaking(f.ctx, f.arts["sommet"], "editor", false)
		if err != nil || n != 3 {
			t.Fatalf("breaking: %v, %d recipients", err, n)
		}
		w := &Worker{Service: f.s, Node: "a"}
		drain(t, w)
		st, err := f.s.SendByID(f.ctx, id)
		if err != nil || st.Sent != 3 || st.Pending != 0 || st.FinishedAt.IsZero() || st.Total != 3 {
			t.Fatalf("status %+v %v", st, err)
		}
		msgs := f.smtp.Messages()[confirmations:]
		if len(msgs) != 3 {
			t.Fatalf("%d messages, want 3", len(msgs))
		}
		seen, seenIDs := map[string]bool{}, map[string]bool{}
		for _, m := range msgs {
			seen[m.To[0]] = true
			h, text, html := parts(t, m.Data)
			subj, _ := mimeDecoder.DecodeHeader(h.Get("Subject"))
			if subj != "Alerte : Sommet à Genève" && subj != "Alerte\u202f: Sommet à Genève" && !strings.Contains(subj, "Sommet à Genève") {
				t.Errorf("subject %q", subj)
			}
			for _, body := range []string{text, html} {
				if !strings.Contains(body, "Sommet à Genève") || !strings.Contains(body, "https://news.example/fr/monde/sommet") {
					t.Errorf("article missing from part:\n%s", body)
				}
				if strings.Contains(body, "lede.invalid") {
					t.Errorf("placeholder left in part:\n%s", body)
				}
			}
			if !strings.Contains(html, `<html lang="fr">`) {
				t.Errorf("HTML part not French:\n%s", html)
			}
			if id := h.Get("Message-Id"); !regexp.MustCompile(`^<lede-newsletter\.\d+\.\d+@example\.com>$`).MatchString(id) || seenIDs[id] {
				t.Errorf("Message-ID %q: not per delivery", id)
			} else {
				seenIDs[id] = true
			}
			lu := h.Get("List-Unsubscribe")
			if !strings.HasPrefix(lu, "<https://news.example/newsletter/unsubscribe/") || !strings.HasSuffix(lu, "?list=breaking>") {
				t.Errorf("List-Unsubscribe %q", lu)
			}
			if h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
				t.Errorf("List-Unsubscribe-Post %q", h.Get("List-Unsubscribe-Post"))
			}
			tok := strings.TrimSuffix(strings.TrimPrefix(lu, "<https://news.example/newsletter/unsubscribe/"), "?list=breaking>")
			if !strings.Contains(text, "/newsletter/preferences/"+tok) || !strings.Contains(html, "/newsletter/preferences/"+tok) {
				t.Errorf("preference link of %s missing", m.To[0])
			}
			sub, err := f.s.ByManageToken(f.ctx, tok)
			if err != nil || sub.Email != m.To[0] {
				t.Errorf("token of %s belongs to %q (%v)", m.To[0], sub.Email, err)
			}
		}
		for _, e := range fr {
			if !seen[e] {
				t.Errorf("%s got nothing", e)
			}
		}

		// One-click unsubscribe from the mail's list removes that list only.
		h0, _, _ := parts(t, msgs[0].Data)
		tok := strings.TrimSuffix(strings.TrimPrefix(h0.Get("List-Unsubscribe"), "<https://news.example/newsletter/unsubscribe/"), "?list=breaking>")
		d.Exec(f.ctx, `INSERT INTO newsletter_subscriptions (subscriber_id, list, created_at) SELECT id, 'daily', 0 FROM newsletter_subscribers WHERE manage_token = ?`, tok)
		sub, err := f.s.Unsubscribe(f.ctx, tok, Breaking)
		if err != nil || strings.Join(sub.Lists, ",") != "daily" {
			t.Fatalf("unsubscribe: %+v %v", sub, err)
		}
		// An old mail's one-click link, for a list already left, changes nothing.
		if sub, err := f.s.Unsubscribe(f.ctx, tok, Breaking); err != nil || strings.Join(sub.Lists, ",") != "daily" {
			t.Fatalf("second one-click: %+v %v", sub, err)
		}
		if _, err := f.s.Unsubscribe(f.ctx, strings.Repeat("x", 43), ""); !errors.Is(err, ErrBadToken) {
			t.Errorf("forged unsubscribe: %v", err)
		}
		// The next breaking send skips them.
		before := f.smtp.Count()
		if _, _, err := f.s.Breaking(f.ctx, f.arts["sommet"], "editor", false); !errors.Is(err, ErrAlreadySent) {
			t.Errorf("second send of one article within the hour: %v", err)
		}
		if _, n, _ := f.s.Breaking(f.ctx, f.arts["sommet"], "editor", true); n != 2 {
			t.Errorf("%d recipients after an unsubscribe, want 2", n)
		}
		drain(t, w)
		if got := f.smtp.Count() - before; got != 2 {
			t.Errorf("%d messages after an unsubscribe, want 2", got)
		}
	})
}

// Someone who unsubscribes after a send was queued gets nothing from it.
func TestUnsubscribedWhileQueued(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.subscribers(t, f.fr, Breaking, 2, "q")
		id, _, err := f.s.Breaking(f.ctx, f.arts["sommet"], "editor", false)
		if err != nil {
			t.Fatal(err)
		}
		var tok string
		d.QueryRow(f.ctx, `SELECT manage_token FROM newsletter_subscribers WHERE email = 'q0000@example.org'`).Scan(&tok)
		if _, err := f.s.Unsubscribe(f.ctx, tok, ""); err != nil {
			t.Fatal(err)
		}
		drain(t, &Worker{Service: f.s})
		st, _ := f.s.SendByID(f.ctx, id)
		if st.Sent != 1 || st.Skipped != 1 || f.smtp.Count() != 1 || f.smtp.Messages()[0].To[0] != "q0001@example.org" {
			t.Fatalf("status %+v, %d messages", st, f.smtp.Count())
		}
	})
}

// Digests carry what was published since the list's last digest, per
// list, in the edition's language; nothing new sends nothing.
func TestDigest(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.subscribers(t, f.fr, Daily, 2, "d")
		f.subscribers(t, f.fr, "section:culture", 1, "c")
		f.subscribers(t, f.fr, "tag:climat", 1, "t")
		f.subscribers(t, f.fr, "author:claire-duval", 1, "a")
		f.subscribers(t, f.en, Daily, 1, "e")
		var ids []int64
		err := d.InTx(f.ctx, func(tx *db.Tx) error {
			var err error
			ids, err = f.s.DigestAll(f.ctx, tx, f.fr, "test", f.clock.Now())
			return err
		})
		if err != nil || len(ids) != 4 {
			t.Fatalf("digests %v %v", ids, err)
		}
		drain(t, &Worker{Service: f.s})
		got := map[string]string{} // recipient → text
		for _, m := range f.smtp.Messages() {
			_, text, _ := parts(t, m.Data)
			got[m.To[0]] = text
		}
		want := map[string][]string{
			"d0000@example.org": {"Sommet à Genève", "Une exposition"},
			"c0000@example.org": {"Une exposition"},
			"t0000@example.org": {"Sommet à Genève"},
			"a0000@example.org": {"Sommet à Genève"},
		}
		for who, heads := range want {
			text := got[who]
			for _, h := range heads {
				if !strings.Contains(text, h) {
					t.Errorf("%s: %q missing from\n%s", who, h, text)
				}
			}
			if strings.Contains(text, "Un ancien article") || strings.Contains(text, "Summit") {
				t.Errorf("%s: old or other edition's article in\n%s", who, text)
			}
			if !strings.Contains(text, "L’actualité du") && !strings.Contains(text, "L'actualité du") {
				t.Errorf("%s: digest not in French:\n%s", who, text)
			}
		}
		if strings.Contains(got["c0000@example.org"], "Sommet") {
			t.Error("culture digest carries a world article")
		}
		if _, ok := got["e0000@example.org"]; ok {
			t.Error("English subscriber got the French digest")
		}
		// Nothing new since: no send. A new article: only it.
		f.clock.add(time.Hour)
		err = d.InTx(f.ctx, func(tx *db.Tx) error {
			_, _, err := f.s.Digest(f.ctx, tx, f.fr, Daily, "test", f.clock.Now())
			return err
		})
		if !errors.Is(err, ErrNothingNew) {
			t.Fatalf("second digest: %v", err)
		}
		f.article(t, 1, 1, "nouveau", "Nouvelle dépêche", f.clock.Now().Add(-time.Minute), false, false)
		before := f.smtp.Count()
		err = d.InTx(f.ctx, func(tx *db.Tx) error {
			_, _, err := f.s.Digest(f.ctx, tx, f.fr, Daily, "test", f.clock.Now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		drain(t, &Worker{Service: f.s})
		for _, m := range f.smtp.Messages()[before:] {
			_, text, _ := parts(t, m.Data)
			if !strings.Contains(text, "Nouvelle dépêche") || strings.Contains(text, "Sommet") {
				t.Errorf("second digest:\n%s", text)
			}
		}
		if err := d.InTx(f.ctx, func(tx *db.Tx) error {
			_, _, err := f.s.Digest(f.ctx, tx, f.fr, Breaking, "test", f.clock.Now())
			return err
		}); !errors.Is(err, ErrUnknownList) {
			t.Errorf("digest of the breaking list: %v", err)
		}
	})
}

// The daily digest job is scheduled once per edition and day however many
// nodes schedule it, and schedules the next day when it runs.
func TestDigestSchedule(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		s := &Scheduler{Service: f.s, At: "07:30"}
		for range 3 { // three nodes starting
			if err := s.Schedule(f.ctx); err != nil {
				t.Fatal(err)
			}
		}
		var n int
		d.QueryRow(f.ctx, `SELECT count(*) FROM jobs WHERE kind = ?`, JobKind).Scan(&n)
		if n != 2 {
			t.Fatalf("%d digest jobs for two editions", n)
		}
		var runAt int64
		d.QueryRow(f.ctx, `SELECT run_at FROM jobs WHERE kind = ? AND payload = 'fr'`, JobKind).Scan(&runAt)
		at := time.Unix(runAt, 0).In(f.fr.Loc)
		if at.Hour() != 7 || at.Minute() != 30 || !at.After(f.clock.Now()) || at.Sub(f.clock.Now()) > 24*time.Hour {
			t.Errorf("fr digest at %v", at)
		}
		// At its time, the job queues the edition's digests and the next day's job.
		f.subscribers(t, f.fr, Daily, 2, "d")
		// A request never confirmed, its link long expired, is deleted.
		if _, err := f.s.Subscribe(f.ctx, SubscribeRequest{Edition: f.fr, Email: "never@example.org", Lists: []string{Daily}}); err != nil {
			t.Fatal(err)
		}
		d.Exec(f.ctx, `UPDATE newsletter_subscribers SET confirm_expires = ? WHERE email = 'never@example.org'`, f.clock.Now().Add(-UnconfirmedKept-time.Hour).Unix())
		f.article(t, 1, 1, "matin", "Au petit matin", at.Add(-time.Hour), false, false)
		f.clock.add(at.Sub(f.clock.Now()) + time.Second)
		d.Exec(f.ctx, `UPDATE jobs SET run_at = 0 WHERE payload = 'fr'`)
		runner := &jobs.Runner{DB: d, Log: slog.New(slog.DiscardHandler), Handlers: map[string]jobs.Handler{JobKind: s.Job}}
		if ran, err := runner.RunOne(f.ctx); !ran || err != nil {
			t.Fatalf("job: %v %v", ran, err)
		}
		var sends, total int
		d.QueryRow(f.ctx, `SELECT count(*), COALESCE(sum(total), 0) FROM newsletter_sends WHERE list = 'daily' AND kind = 'digest'`).Scan(&sends, &total)
		if sends != 1 || total != 2 {
			t.Errorf("digest job queued %d sends for %d recipients, want 1 for 2", sends, total)
		}
		var left int
		d.QueryRow(f.ctx, `SELECT count(*) FROM newsletter_subscribers WHERE email = 'never@example.org'`).Scan(&left)
		if left != 0 {
			t.Error("an unconfirmed request whose link expired long ago was kept")
		}
		d.QueryRow(f.ctx, `SELECT count(*) FROM jobs WHERE kind = ? AND payload = 'fr' AND done_at IS NULL AND run_at > ?`, JobKind, at.Unix()).Scan(&n)
		if n != 1 {
			t.Errorf("%d next-day jobs after the digest ran", n)
		}
		if (&Scheduler{Service: f.s, At: "7h30"}).Schedule(f.ctx) == nil {
			t.Error("bad time of day accepted")
		}
	})
}

// Temporary refusals are retried with back-off; permanent ones fail at
// once; neither stops the others.
func TestRetry(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.subscribers(t, f.fr, Breaking, 3, "r")
		var mu sync.Mutex
		tries := map[string]int{}
		f.smtp.Refuse = func(rcpt string) error {
			mu.Lock()
			defer mu.Unlock()
			tries[rcpt]++
			switch {
			case rcpt == "r0001@example.org" && tries[rcpt] == 1:
				return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}
			case rcpt == "r0002@example.org":
				return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
			}
			return nil
		}
		id, _, err := f.s.Breaking(f.ctx, f.arts["sommet"], "editor", false)
		if err != nil {
			t.Fatal(err)
		}
		w := &Worker{Service: f.s, Backoff: time.Second}
		drain(t, w)
		st, _ := f.s.SendByID(f.ctx, id)
		if st.Sent != 1 || st.Failed != 1 || st.Pending != 1 || !st.FinishedAt.IsZero() {
			t.Fatalf("after first pass: %+v", st)
		}
		var next int64
		var lastErr string
		d.QueryRow(f.ctx, `SELECT next_at, last_error FROM newsletter_deliveries WHERE email = 'r0001@example.org'`).Scan(&next, &lastErr)
		if next <= time.Now().Unix()-1 || !strings.Contains(lastErr, "451") {
			t.Errorf("retry not backed off: next_at %d, error %q", next, lastErr)
		}
		time.Sleep(time.Until(time.Unix(next+1, 0)))
		drain(t, w)
		st, _ = f.s.SendByID(f.ctx, id)
		if st.Sent != 2 || st.Failed != 1 || st.Pending != 0 || st.FinishedAt.IsZero() {
			t.Fatalf("after retry: %+v", st)
		}
		if c := f.smtp.PerRecipient(); c["r0000@example.org"] != 1 || c["r0001@example.org"] != 1 || c["r0002@example.org"] != 0 {
			t.Errorf("per recipient %v", c)
		}
	})
}

// The pace is shared: batches claimed by two nodes get distinct slots at
// least 1/Rate apart, whatever the wall clock does.
func TestPaceSlots(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.subscribers(t, f.fr, Breaking, 40, "p")
		if _, _, err := f.s.Breaking(f.ctx, f.arts["sommet"], "editor", false); err != nil {
			t.Fatal(err)
		}
		a := &Worker{Service: f.s, Rate: 100, Node: "a", Batch: 10}
		b := &Worker{Service: f.s, Rate: 100, Node: "b", Batch: 10}
		a.init()
		b.init()
		var slots []time.Time
		for _, w := range []*Worker{a, b, a, b} {
			batch, err := w.claim(f.ctx)
			if err != nil || len(batch) != 10 {
				t.Fatalf("claim: %d %v", len(batch), err)
			}
			for _, c := range batch {
				slots = append(slots, c.slot)
			}
		}
		for i := 1; i < len(slots); i++ {
			if gap := slots[i].Sub(slots[i-1]); gap < 10*time.Millisecond {
				t.Fatalf("slots %d and %d are %v apart, want ≥ 10ms at 100/s", i-1, i, gap)
			}
		}
		var mine int
		d.QueryRow(f.ctx, `SELECT count(DISTINCT locked_by) FROM newsletter_deliveries WHERE locked_by IS NOT NULL`).Scan(&mine)
		if mine != 2 {
			t.Errorf("%d nodes hold rows, want 2", mine)
		}
	})
}

// Stopped midway — the worker's context cancelled, then a node that dies
// holding a batch — the send resumes and every recipient gets exactly one
// message.
func TestResume(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		emails := f.subscribers(t, f.fr, Breaking, 300, "s")
		id, _, err := f.s.Breaking(f.ctx, f.arts["sommet"], "editor", false)
		if err != nil {
			t.Fatal(err)
		}
		f.smtp.Delay = 2 * time.Millisecond

		// 1. A worker stopped by its context after about 60 messages.
		ctx, cancel := context.WithCancel(context.Background())
		w1 := &Worker{Service: f.s, Node: "one", Concurrency: 4, Batch: 10}
		done := make(chan struct{})
		go func() { w1.Run(ctx, 10*time.Millisecond); close(done) }()
		if !f.smtp.WaitCount(60, time.Minute) {
			t.Fatal("no progress")
		}
		cancel()
		<-done
		st, _ := f.s.SendByID(f.ctx, id)
		if st.Pending == 0 || st.Sent == 0 {
			t.Fatalf("stop did not land midway: %+v", st)
		}
		if st.Sent != f.smtp.Count() {
			t.Fatalf("%d recorded sent but the server accepted %d: a stop lost track of a message", st.Sent, f.smtp.Count())
		}
		var held int
		d.QueryRow(f.ctx, `SELECT count(*) FROM newsletter_deliveries WHERE status = 'pending' AND locked_by IS NOT NULL`).Scan(&held)
		if held != 0 {
			t.Errorf("a stopped worker kept %d rows leased", held)
		}

		// 2. A node dies holding a batch: its rows wait for the lease to end.
		dead := &Worker{Service: f.s, Node: "dead", Batch: 25, Lease: time.Second}
		dead.init()
		lost, err := dead.claim(f.ctx)
		if err != nil || len(lost) != 25 {
			t.Fatalf("dead claim: %d %v", len(lost), err)
		}
		w2 := &Worker{Service: f.s, Node: "two", Concurrency: 3, Batch: 10}
		ctx2, cancel2 := context.WithCancel(context.Background())
		defer cancel2()
		go w2.Run(ctx2, 50*time.Millisecond)
		deadline := time.Now().Add(2 * time.Minute)
		for {
			st, _ = f.s.SendByID(f.ctx, id)
			if st.Done() {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("send did not complete: %+v", st)
			}
			time.Sleep(50 * time.Millisecond)
		}
		cancel2()
		if st.Sent != len(emails) || st.Failed != 0 || st.FinishedAt.IsZero() {
			t.Fatalf("final %+v", st)
		}
		per := f.smtp.PerRecipient()
		for _, e := range emails {
			if per[e] != 1 {
				t.Errorf("%s got %d messages", e, per[e])
			}
		}
		if len(per) != len(emails) {
			t.Errorf("%d recipients at the server, want %d", len(per), len(emails))
		}
		var byDead int
		d.QueryRow(f.ctx, `SELECT count(*) FROM newsletter_deliveries WHERE locked_by = 'dead' AND status = 'sent'`).Scan(&byDead)
		if byDead != 0 {
			t.Errorf("%d rows marked sent by the dead node", byDead)
		}
		_ = fmt.Sprint
	})
}
