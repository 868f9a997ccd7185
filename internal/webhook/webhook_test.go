package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"code.dny.dev/ssrf"

	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/importer"
	"github.com/lede-news/lede/internal/jobs"
	"github.com/lede-news/lede/internal/newsroom"
	"github.com/lede-news/lede/internal/publish"
	"github.com/lede-news/lede/internal/testdb"
	"github.com/lede-news/lede/internal/webhook"
)

const site = `{"type":"edition","code":"fr","name":"Lede","lang":"fr","timezone":"Europe/Paris"}
{"type":"section","edition":"fr","slug":"defense","name":"Défense"}
{"type":"author","slug":"claire","name":"Claire"}
`

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// receiver is an HTTP endpoint that checks every request's signature the
// way the documentation tells receivers to, independently of the sender's
// code, and answers with the status codes it is told to, in turn.
type receiver struct {
	*httptest.Server
	secret string
	mu     sync.Mutex
	codes  []int // answers to give, in order; 200 once exhausted
	got    []received
}

type received struct {
	event, delivery string
	valid           bool
	payload         webhook.Payload
}

func newReceiver(t *testing.T, codes ...int) *receiver {
	r := &receiver{codes: codes}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		ts := req.Header.Get("Lede-Timestamp")
		mac := hmac.New(sha256.New, []byte(r.secretNow()))
		mac.Write([]byte(ts + "." + string(body)))
		want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
		sec, err := strconv.ParseInt(ts, 10, 64)
		fresh := err == nil && time.Since(time.Unix(sec, 0)).Abs() < 5*time.Minute
		var p webhook.Payload
		json.Unmarshal(body, &p)
		r.mu.Lock()
		r.got = append(r.got, received{req.Header.Get("Lede-Event"), req.Header.Get("Lede-Delivery"),
			fresh && hmac.Equal([]byte(want), []byte(req.Header.Get("Lede-Signature"))), p})
		code := 200
		if len(r.codes) > 0 {
			code, r.codes = r.codes[0], r.codes[1:]
		}
		r.mu.Unlock()
		w.WriteHeader(code)
		io.WriteString(w, "answer body")
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) secretNow() string  { r.mu.Lock(); defer r.mu.Unlock(); return r.secret }
func (r *receiver) setSecret(s string) { r.mu.Lock(); r.secret = s; r.mu.Unlock() }
func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

type fixture struct {
	d                 *db.DB
	svc               *webhook.Service
	n                 *newsroom.Newsroom
	edition, sec, aut int64
}

func setup(t *testing.T, d *db.DB) fixture {
	t.Helper()
	ctx := context.Background()
	if res, err := (&importer.Importer{DB: d}).Import(ctx, strings.NewReader(site)); err != nil || len(res.Errors) > 0 {
		t.Fatalf("%v %v", err, res.Errors)
	}
	svc := &webhook.Service{DB: d, BaseURL: "https://lede.test", Policy: webhook.Policy{AllowPrivate: true}, Log: quiet,
		Backoff: func(n int) time.Duration { return time.Duration(n) * time.Hour }}
	f := fixture{d: d, svc: svc, n: &newsroom.Newsroom{DB: d, Publisher: &publish.Publisher{Events: svc}}}
	d.QueryRow(ctx, `SELECT id FROM editions`).Scan(&f.edition)
	d.QueryRow(ctx, `SELECT id FROM sections`).Scan(&f.sec)
	d.QueryRow(ctx, `SELECT id FROM authors`).Scan(&f.aut)
	return f
}

func (f fixture) draft(slug string) newsroom.Draft {
	return newsroom.Draft{EditionID: f.edition, SectionID: f.sec, Slug: slug, Headline: "Le traité « New START »",
		Standfirst: "Chapeau.", BodyMD: "Texte.", AuthorIDs: []int64{f.aut}}
}

func (f fixture) endpoint(t *testing.T, url string, events ...string) (webhook.Endpoint, string) {
	t.Helper()
	if len(events) == 0 {
		events = webhook.Events
	}
	e, secret, err := f.svc.Create(context.Background(), webhook.Input{URL: url, Events: events, Active: true}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return e, secret
}

// run works through every due job, as the server's runner does, with
// svc delivering.
func run(t *testing.T, d *db.DB, svc *webhook.Service) {
	t.Helper()
	r := &jobs.Runner{DB: d, Log: quiet, Outside: map[string]jobs.Outside{webhook.JobKind: svc.Job}}
	for {
		ran, err := r.RunOne(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !ran {
			return
		}
	}
}

// makeDue brings every waiting retry forward to now, as the passing of
// time would.
func makeDue(t *testing.T, d *db.DB) {
	t.Helper()
	if _, err := d.Exec(context.Background(), `UPDATE jobs SET run_at = 0 WHERE done_at IS NULL`); err != nil {
		t.Fatal(err)
	}
}

// Publishing, updating and unpublishing through the newsroom each give one
// signed delivery per subscribed endpoint; a draft save gives none, and an
// endpoint gets only the events it chose.
func TestArticleEventsSigned(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		all, only := newReceiver(t), newReceiver(t)
		_, s1 := f.endpoint(t, all.URL+"/hook")
		_, s2 := f.endpoint(t, only.URL, webhook.EventUnpublished)
		all.setSecret(s1)
		only.setSecret(s2)
		if !strings.HasPrefix(s1, "whsec_") || s1 == s2 {
			t.Fatalf("secrets %q %q", s1, s2)
		}

		id, v, err := f.n.Save(ctx, 0, f.draft("traite"), article.ActSave)
		if err != nil {
			t.Fatal(err)
		}
		run(t, d, f.svc)
		if n := len(all.requests()); n != 0 {
			t.Fatalf("a draft save sent %d events", n)
		}
		dr := f.draft("traite")
		dr.ID, dr.Version = id, v
		if _, v, err = f.n.Save(ctx, 0, dr, article.ActPublish); err != nil {
			t.Fatal(err)
		}
		run(t, d, f.svc)
		dr.Version, dr.Headline = v, "Le traité, suite"
		if _, v, err = f.n.Save(ctx, 0, dr, article.ActSave); err != nil {
			t.Fatal(err)
		}
		run(t, d, f.svc)
		dr.Version = v
		if _, _, err = f.n.Save(ctx, 0, dr, article.ActUnpublish); err != nil {
			t.Fatal(err)
		}
		run(t, d, f.svc)

		got := all.requests()
		if len(got) != 3 {
			t.Fatalf("got %d requests, want 3: %+v", len(got), got)
		}
		for i, want := range []string{webhook.EventPublished, webhook.EventUpdated, webhook.EventUnpublished} {
			r := got[i]
			if r.event != want || r.payload.Type != want || !r.valid || !strings.HasPrefix(r.delivery, "dlv_") {
				t.Errorf("request %d: event %q type %q valid %v delivery %q", i, r.event, r.payload.Type, r.valid, r.delivery)
			}
			a := r.payload.Article
			if a == nil || a.ID != id || a.Edition != "fr" || a.URL != "https://lede.test/fr/defense/traite" || a.PublishedAt.IsZero() ||
				!strings.HasPrefix(r.payload.ID, "evt_") || r.payload.OccurredAt.IsZero() {
				t.Errorf("request %d: payload %+v article %+v", i, r.payload, a)
			}
		}
		if got[0].payload.Article.Title != "Le traité « New START »" || got[1].payload.Article.Title != "Le traité, suite" ||
			got[0].payload.Article.UpdatedAt != nil || got[1].payload.Article.UpdatedAt == nil {
			t.Errorf("titles/updated: %+v %+v", got[0].payload.Article, got[1].payload.Article)
		}
		if o := only.requests(); len(o) != 1 || o[0].event != webhook.EventUnpublished || !o[0].valid {
			t.Errorf("endpoint subscribed to unpublish only got %+v", o)
		}
	})
}

// A change that rolls back enqueues nothing: the event is in the article's
// own transaction.
func TestEventOnlyWhenChangeCommits(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		rcv := newReceiver(t)
		f.endpoint(t, rcv.URL)
		id, _, err := f.n.Save(ctx, 0, f.draft("traite"), article.ActPublish)
		if err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		err = d.InTx(ctx, func(tx *db.Tx) error {
			if err := f.svc.ArticleEvent(ctx, tx, id, webhook.EventUpdated); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		var n int
		d.QueryRow(ctx, `SELECT count(*) FROM webhook_deliveries`).Scan(&n)
		if n != 1 {
			t.Fatalf("%d deliveries, want the publication's only", n)
		}
		run(t, d, f.svc)
		if got := rcv.requests(); len(got) != 1 || got[0].event != webhook.EventPublished {
			t.Fatalf("%+v", got)
		}
	})
}

// 500s are retried with growing waits, then success; the log keeps every
// attempt. A receiver that never accepts is given up on after MaxAttempts.
func TestRetriesThenSuccessThenGiveUp(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		flaky := newReceiver(t, 500, 503, 502)
		e, secret := f.endpoint(t, flaky.URL)
		flaky.setSecret(secret)
		if _, _, err := f.n.Save(ctx, 0, f.draft("traite"), article.ActPublish); err != nil {
			t.Fatal(err)
		}
		for attempt := 1; attempt <= 3; attempt++ {
			before := time.Now().Unix()
			run(t, d, f.svc)
			if n := len(flaky.requests()); n != attempt {
				t.Fatalf("after attempt %d the receiver saw %d requests", attempt, n)
			}
			// The next attempt waits Backoff(attempt): 1h, 2h, 3h here.
			var runAt int64
			if err := d.QueryRow(ctx, `SELECT run_at FROM jobs WHERE kind = 'webhook' AND done_at IS NULL`).Scan(&runAt); err != nil {
				t.Fatalf("attempt %d: no retry queued: %v", attempt, err)
			}
			wait := runAt - before
			if want := int64(attempt * 3600); wait < want-5 || wait > want+5 {
				t.Errorf("retry after attempt %d waits %ds, want %ds", attempt, wait, want)
			}
			run(t, d, f.svc) // not due yet: nothing happens
			if n := len(flaky.requests()); n != attempt {
				t.Fatalf("a retry went out before its time")
			}
			makeDue(t, d)
		}
		run(t, d, f.svc)
		got := flaky.requests()
		if len(got) != 4 {
			t.Fatalf("%d requests, want 4", len(got))
		}
		for _, r := range got {
			if !r.valid || r.delivery != got[0].delivery || r.payload.ID != got[0].payload.ID {
				t.Errorf("retries must carry the same delivery and event ids, freshly signed: %+v", r)
			}
		}
		ds, err := f.svc.Deliveries(ctx, e.ID, 10)
		if err != nil || len(ds) != 1 {
			t.Fatalf("%v %+v", err, ds)
		}
		if ds[0].Status != webhook.StatusDelivered || ds[0].Attempts != 4 || len(ds[0].Log) != 4 {
			t.Fatalf("delivery %+v", ds[0])
		}
		if l := ds[0].Log; l[0].StatusCode != 200 || l[0].Error != "" || l[3].StatusCode != 500 || !strings.Contains(l[3].Error, "answered 500: answer body") {
			t.Errorf("log %+v", l)
		}

		// Never accepting: given up after MaxAttempts, marked failed.
		f.svc.MaxAttempts = 3
		down := newReceiver(t, 500, 500, 500, 500, 500, 500)
		e2, _ := f.endpoint(t, down.URL)
		id2, _, err := f.n.Save(ctx, 0, f.draft("autre"), article.ActPublish)
		if err != nil {
			t.Fatal(err)
		}
		_ = id2
		for range 5 {
			run(t, d, f.svc)
			makeDue(t, d)
		}
		if n := len(down.requests()); n != 3 {
			t.Fatalf("failing receiver got %d requests, want 3", n)
		}
		ds, _ = f.svc.Deliveries(ctx, e2.ID, 10)
		if len(ds) != 1 || ds[0].Status != webhook.StatusFailed || ds[0].Attempts != 3 || len(ds[0].Log) != 3 {
			t.Fatalf("%+v", ds)
		}
		var pending int
		d.QueryRow(ctx, `SELECT count(*) FROM jobs WHERE kind = 'webhook' AND done_at IS NULL`).Scan(&pending)
		if pending != 0 {
			t.Fatalf("%d attempts still queued after giving up", pending)
		}

		// Redeliver: one more attempt, now, same delivery id.
		if err := f.svc.Redeliver(ctx, e2.ID, ds[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Redeliver(ctx, e2.ID, ds[0].ID); !errors.Is(err, webhook.ErrPending) {
			t.Fatalf("second redeliver while pending: %v", err)
		}
		run(t, d, f.svc)
		ds, _ = f.svc.Deliveries(ctx, e2.ID, 10)
		if got := down.requests(); len(got) != 4 || got[3].delivery != got[0].delivery || ds[0].Status != webhook.StatusFailed || ds[0].Attempts != 4 {
			t.Fatalf("after redeliver: %d requests, %+v", len(got), ds[0])
		}

		// Pruning drops finished deliveries older than the cut, with their log.
		if err := f.svc.Prune(ctx, time.Now().Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		if ds, _ = f.svc.Deliveries(ctx, e2.ID, 10); len(ds) != 1 {
			t.Fatal("pruned a recent delivery")
		}
		if err := f.svc.Prune(ctx, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		var left int
		d.QueryRow(ctx, `SELECT count(*) FROM webhook_attempts`).Scan(&left)
		if ds, _ = f.svc.Deliveries(ctx, e2.ID, 10); len(ds) != 0 || left != 0 {
			t.Fatalf("prune left %d deliveries, %d attempts", len(ds), left)
		}
	})
}

// The dial-time guard refuses special addresses, whether written as
// literals, reached through a name, or offered by a redirect, and lets the
// configured exceptions through.
func TestSSRFRefusals(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		rcv := newReceiver(t)
		_, p, _ := strings.Cut(rcv.Listener.Addr().String(), ":")
		// Endpoints saved by a permissive server, delivered by a strict one:
		// the refusal happens when dialling, not only when saving.
		targets := []string{
			"http://127.0.0.1:" + p + "/",
			"http://[::1]:" + p + "/",
			"http://10.0.0.1/",
			"http://169.254.169.254/latest/meta-data/",
			"http://localhost:" + p + "/",
			"http://0.0.0.0:" + p + "/",
		}
		var ids []int64
		for _, u := range targets {
			e, _ := f.endpoint(t, u)
			ids = append(ids, e.ID)
		}
		strict := &webhook.Service{DB: d, BaseURL: "https://lede.test", Log: quiet, MaxAttempts: 1}
		for _, id := range ids {
			if err := strict.SendTest(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		run(t, d, strict)
		if n := len(rcv.requests()); n != 0 {
			t.Fatalf("the loopback receiver was reached %d times", n)
		}
		for i, id := range ids {
			ds, err := strict.Deliveries(ctx, id, 1)
			if err != nil || len(ds) != 1 || len(ds[0].Log) != 1 {
				t.Fatalf("%s: %v %+v", targets[i], err, ds)
			}
			a := ds[0].Log[0]
			if ds[0].Status != webhook.StatusFailed || a.StatusCode != 0 || !strings.HasPrefix(a.Error, "refused:") {
				t.Errorf("%s: %s %+v", targets[i], ds[0].Status, a)
			}
		}

		// A public-looking endpoint that redirects to loopback: the redirect
		// is not followed (the redirector itself is allowed here).
		redir := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, rcv.URL+"/internal", http.StatusTemporaryRedirect)
		}))
		defer redir.Close()
		e, _ := f.endpoint(t, redir.URL)
		if err := f.svc.SendTest(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
		run(t, d, f.svc)
		ds, _ := f.svc.Deliveries(ctx, e.ID, 1)
		if len(rcv.requests()) != 0 || len(ds) != 1 || ds[0].Log[0].StatusCode != 307 || !strings.Contains(ds[0].Log[0].Error, "redirects are not followed") {
			t.Fatalf("redirect: %d requests reached the target, %+v", len(rcv.requests()), ds)
		}

		// The client alone, as configured: refused, or let through by an
		// allow-list that names loopback (and nothing else).
		if _, err := webhook.NewClient(webhook.Policy{}).Get(rcv.URL); !errors.Is(err, ssrf.ErrProhibitedIP) {
			t.Fatalf("strict client reached loopback: %v", err)
		}
		c := webhook.NewClient(webhook.Policy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}})
		resp, err := c.Get(rcv.URL)
		if err != nil {
			t.Fatalf("allow-listed loopback refused: %v", err)
		}
		resp.Body.Close()
		if _, err := c.Get("http://10.0.0.1/"); !errors.Is(err, ssrf.ErrProhibitedIP) {
			t.Fatalf("10.0.0.1 with loopback allowed: %v", err)
		}
	})
}

// Bad endpoint settings are refused with a reason and nothing is saved.
func TestBadEndpoints(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc := &webhook.Service{DB: d, Log: quiet}
		for _, c := range []struct {
			in   webhook.Input
			want string
		}{
			{webhook.Input{URL: "", Events: webhook.Events}, "required"},
			{webhook.Input{URL: "not a url", Events: webhook.Events}, "https://"},
			{webhook.Input{URL: "ftp://example.org/x", Events: webhook.Events}, "https://"},
			{webhook.Input{URL: "javascript:alert(1)", Events: webhook.Events}, "https://"},
			{webhook.Input{URL: "https://user:pw@example.org/", Events: webhook.Events}, "user name or password"},
			{webhook.Input{URL: "https:///path", Events: webhook.Events}, "no host"},
			{webhook.Input{URL: "https://example.org/#x", Events: webhook.Events}, "fragment"},
			{webhook.Input{URL: "https://example.org:99999/", Events: webhook.Events}, "port"},
			{webhook.Input{URL: "http://127.0.0.1:8080/", Events: webhook.Events}, "special address"},
			{webhook.Input{URL: "http://[::1]/", Events: webhook.Events}, "special address"},
			{webhook.Input{URL: "http://192.168.1.10/", Events: webhook.Events}, "special address"},
			{webhook.Input{URL: "http://localhost:8080/", Events: webhook.Events}, "this machine"},
			{webhook.Input{URL: "https://example.org/", Events: nil}, "at least one event"},
			{webhook.Input{URL: "https://example.org/", Events: []string{"article.deleted"}}, "not an event"},
		} {
			_, _, err := svc.Create(ctx, c.in, 0)
			if !errors.Is(err, webhook.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%+v: %v, want %q", c.in, err, c.want)
			}
		}
		if list, _ := svc.List(ctx); len(list) != 0 {
			t.Fatalf("%d endpoints saved", len(list))
		}
		e, _, err := svc.Create(ctx, webhook.Input{URL: " https://example.org/hook?x=1 ", Events: []string{webhook.EventPublished, webhook.EventPublished}, Active: true}, 0)
		if err != nil || e.URL != "https://example.org/hook?x=1" || len(e.Events) != 1 || !e.Active {
			t.Fatalf("%v %+v", err, e)
		}
		if err := svc.Update(ctx, e.ID, webhook.Input{URL: "gopher://x", Events: webhook.Events}); !errors.Is(err, webhook.ErrInvalid) {
			t.Fatal(err)
		}
		if got, _ := svc.Get(ctx, e.ID); got.URL != e.URL {
			t.Fatalf("a refused update changed the endpoint: %+v", got)
		}
		if err := svc.Update(ctx, e.ID, webhook.Input{URL: "https://example.org/v2", Events: webhook.Events}); err != nil {
			t.Fatal(err)
		}
		if got, _ := svc.Get(ctx, e.ID); got.URL != "https://example.org/v2" || got.Active || len(got.Events) != 3 {
			t.Fatalf("%+v", got)
		}
		if err := svc.Delete(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Get(ctx, e.ID); !errors.Is(err, db.ErrNotFound) {
			t.Fatal(err)
		}
	})
}

// Verify accepts what Sign makes, and refuses a changed body, another
// secret and an old timestamp.
func TestVerify(t *testing.T) {
	body := []byte(`{"id":"evt_1"}`)
	now := time.Now()
	ts := strconv.FormatInt(now.Unix(), 10)
	h := http.Header{}
	h.Set(webhook.HeaderTimestamp, ts)
	h.Set(webhook.HeaderSignature, webhook.Sign("whsec_a", ts, body))
	if err := webhook.Verify("whsec_a", h, body, 5*time.Minute, now); err != nil {
		t.Fatal(err)
	}
	if webhook.Verify("whsec_b", h, body, 5*time.Minute, now) == nil || webhook.Verify("whsec_a", h, []byte(`{}`), 5*time.Minute, now) == nil ||
		webhook.Verify("whsec_a", h, body, 5*time.Minute, now.Add(time.Hour)) == nil {
		t.Fatal("a bad request verified")
	}
}

// The default schedule: 8 attempts spread over most of a day.
func TestDefaultBackoff(t *testing.T) {
	var total time.Duration
	for n := 1; n < webhook.DefaultMaxAttempts; n++ {
		b := webhook.DefaultBackoff(n)
		if b <= 0 || b > 14*time.Hour {
			t.Fatalf("backoff(%d) = %v", n, b)
		}
		total += b
	}
	if total < 12*time.Hour || total > 30*time.Hour {
		t.Fatalf("retries span %v", total)
	}
}

// Several nodes working the queue at once send each delivery once.
func TestDeliveredOnceAcrossNodes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		a, b := newReceiver(t), newReceiver(t)
		f.endpoint(t, a.URL)
		f.endpoint(t, b.URL, webhook.EventPublished)
		for i := range 5 {
			if _, _, err := f.n.Save(ctx, 0, f.draft("article-"+strconv.Itoa(i)), article.ActPublish); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := &jobs.Runner{DB: d, Log: quiet, Outside: map[string]jobs.Outside{webhook.JobKind: f.svc.Job}}
				for {
					ran, err := r.RunOne(ctx)
					if err != nil {
						t.Error(err)
						return
					}
					if !ran {
						return
					}
				}
			}()
		}
		wg.Wait()
		seen := map[string]int{}
		for _, r := range append(a.requests(), b.requests()...) {
			seen[r.delivery]++
		}
		if len(seen) != 10 {
			t.Fatalf("%d deliveries reached the receivers, want 10", len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("delivery %s sent %d times", id, n)
			}
		}
	})
}
