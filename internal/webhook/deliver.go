package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/jobs"
)

// JobKind names the delivery-attempt job.
const JobKind = "webhook"

// Request headers.
const (
	HeaderEvent     = "Lede-Event"
	HeaderDelivery  = "Lede-Delivery"
	HeaderTimestamp = "Lede-Timestamp"
	HeaderSignature = "Lede-Signature"
)

// Payload is the JSON body of every request.
type Payload struct {
	ID         string        `json:"id"` // the event's: the same for every endpoint and every retry
	Type       string        `json:"type"`
	OccurredAt time.Time     `json:"occurred_at"`
	Article    *ArticleEvent `json:"article,omitempty"`
}

// ArticleEvent describes the article as it was when the event happened.
type ArticleEvent struct {
	ID          int64      `json:"id"`
	Edition     string     `json:"edition"`
	URL         string     `json:"url"`
	Title       string     `json:"title"`
	PublishedAt time.Time  `json:"published_at"`
	UpdatedAt   *time.Time `json:"updated_at"`
}

// Sign returns the signature header's value for a body sent at timestamp
// (Unix seconds): "sha256=" and the hex HMAC-SHA256 of "timestamp.body"
// keyed with the endpoint's secret.
func Sign(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify is what a Go receiver runs: the signature must match and the
// timestamp be within tolerance of now, so a captured request cannot be
// replayed later.
func Verify(secret string, h http.Header, body []byte, tolerance time.Duration, now time.Time) error {
	ts := h.Get(HeaderTimestamp)
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("webhook: missing or malformed timestamp")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return errors.New("webhook: timestamp outside the tolerance")
	}
	if !hmac.Equal([]byte(Sign(secret, ts, body)), []byte(h.Get(HeaderSignature))) {
		return errors.New("webhook: bad signature")
	}
	return nil
}

// ArticleEvent records event for article id in tx, the transaction that
// changes the article: one delivery per active endpoint that wants it, each
// with its first attempt queued. Nothing is sent before tx commits, and a
// rolled-back change sends nothing.
func (s *Service) ArticleEvent(ctx context.Context, tx *db.Tx, id int64, event string) error {
	eps, err := activeFor(ctx, tx, event)
	if err != nil || len(eps) == 0 {
		return err
	}
	a := ArticleEvent{ID: id}
	var section, slug string
	var published int64
	var updated sql.NullInt64
	err = tx.QueryRow(ctx, `SELECT e.code, s.slug, a.slug, a.headline, a.published_at, a.updated_at
		FROM articles a JOIN editions e ON e.id = a.edition_id JOIN sections s ON s.id = a.section_id WHERE a.id = ?`, id).
		Scan(&a.Edition, &section, &slug, &a.Title, &published, &updated)
	if err != nil {
		return fmt.Errorf("webhook: article %d: %w", id, db.NotFound(err))
	}
	a.URL = s.BaseURL + "/" + a.Edition + "/" + section + "/" + slug
	a.PublishedAt = time.Unix(published, 0).UTC()
	if updated.Valid {
		t := time.Unix(updated.Int64, 0).UTC()
		a.UpdatedAt = &t
	}
	p := Payload{ID: randomID("evt_"), Type: event, OccurredAt: time.Now().UTC().Truncate(time.Second), Article: &a}
	for _, ep := range eps {
		if err := s.enqueue(ctx, tx, ep, p, s.maxAttempts(), time.Now()); err != nil {
			return err
		}
	}
	return nil
}

func activeFor(ctx context.Context, tx *db.Tx, event string) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT id, events FROM webhook_endpoints WHERE active = ? ORDER BY id`, true)
	if err != nil {
		return nil, fmt.Errorf("webhook: endpoints: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		var events string
		if err := rows.Scan(&id, &events); err != nil {
			return nil, err
		}
		if (Endpoint{Events: strings.Split(events, ",")}).Wants(event) {
			out = append(out, id)
		}
	}
	return out, rows.Err()
}

func (s *Service) enqueue(ctx context.Context, tx *db.Tx, endpoint int64, p Payload, maxAttempts int, at time.Time) error {
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	var articleID any
	if p.Article != nil {
		articleID = p.Article.ID
	}
	id, err := tx.InsertID(ctx, `INSERT INTO webhook_deliveries (uid, endpoint_id, event_id, event, article_id, body, status,
		max_attempts, next_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		randomID("dlv_"), endpoint, p.ID, p.Type, articleID, string(body), StatusPending, maxAttempts, at.Unix(), time.Now().Unix())
	if err != nil {
		return fmt.Errorf("webhook: delivery: %w", err)
	}
	return queueAttempt(ctx, tx, id, 1, at)
}

// queueAttempt queues attempt n of delivery id. The job key names both, so
// queueing the same attempt twice (a double click on "redeliver") queues it
// once.
func queueAttempt(ctx context.Context, tx *db.Tx, id int64, n int, at time.Time) error {
	return jobs.Enqueue(ctx, tx, JobKind, fmt.Sprintf("webhook:%d:%d", id, n), fmt.Sprintf("%d:%d", id, n), at)
}

// SendTest queues a webhook.test event to endpoint id, whatever its events
// and even when it is inactive, tried once. Its result shows in the log.
func (s *Service) SendTest(ctx context.Context, id int64) error {
	if _, err := s.Get(ctx, id); err != nil {
		return err
	}
	p := Payload{ID: randomID("evt_"), Type: EventTest, OccurredAt: time.Now().UTC().Truncate(time.Second)}
	return s.DB.InTx(ctx, func(tx *db.Tx) error { return s.enqueue(ctx, tx, id, p, 1, time.Now()) })
}

// ErrPending refuses a redelivery of a delivery still being tried.
var ErrPending = errors.New("webhook: this delivery is still being tried; wait for its result before sending it again")

// Redeliver queues one more attempt of a delivered or failed delivery, now,
// with the same body and delivery id (receivers can tell it is a repeat).
func (s *Service) Redeliver(ctx context.Context, endpointID, id int64) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var status string
		var attempts int
		err := tx.QueryRow(ctx, `SELECT status, attempts FROM webhook_deliveries WHERE id = ? AND endpoint_id = ?`, id, endpointID).
			Scan(&status, &attempts)
		if err != nil {
			return fmt.Errorf("webhook: delivery %d: %w", id, db.NotFound(err))
		}
		if status == StatusPending {
			return ErrPending
		}
		now := time.Now()
		if _, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET status = ?, max_attempts = ?, next_at = ?, done_at = NULL WHERE id = ?`,
			StatusPending, attempts+1, now.Unix(), id); err != nil {
			return err
		}
		return queueAttempt(ctx, tx, id, attempts+1, now)
	})
}

// Job makes one delivery attempt. The request goes out before any
// transaction opens (jobs.Outside); the attempt's outcome, the delivery's new
// state and the next attempt (if any) commit with the job's completion.
func (s *Service) Job(ctx context.Context, j jobs.Job) (jobs.Handler, error) {
	a, b, ok := strings.Cut(j.Payload, ":")
	id, err1 := strconv.ParseInt(a, 10, 64)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil {
		return nil, fmt.Errorf("webhook: bad payload %q", j.Payload)
	}
	var d struct {
		uid, event, body, status, url, secret string
		attempts, max                         int
		active                                bool
	}
	err := s.DB.QueryRow(ctx, `SELECT d.uid, d.event, d.body, d.status, d.attempts, d.max_attempts, e.url, e.secret, e.active
		FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = ?`, id).
		Scan(&d.uid, &d.event, &d.body, &d.status, &d.attempts, &d.max, &d.url, &d.secret, &d.active)
	if errors.Is(err, sql.ErrNoRows) {
		return noop, nil // the endpoint was deleted
	}
	if err != nil {
		return nil, err
	}
	if d.status != StatusPending || d.attempts >= n {
		return noop, nil // this attempt was made already
	}
	var at Attempt
	if !d.active && d.event != EventTest {
		at = Attempt{N: n, At: time.Now(), Error: "not sent: the endpoint is inactive"}
		d.max = n // no point in retrying
	} else {
		at = s.send(ctx, d.url, d.secret, d.uid, d.event, []byte(d.body), n)
	}
	return func(ctx context.Context, tx *db.Tx, _ jobs.Job) error {
		// Another node may have recorded this attempt while ours was out.
		var attempts int
		if err := tx.QueryRow(ctx, `SELECT attempts FROM webhook_deliveries WHERE id = ?`, id).Scan(&attempts); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			return err
		}
		if attempts >= n {
			return nil
		}
		return s.record(ctx, tx, id, at, d.max)
	}, nil
}

func noop(context.Context, *db.Tx, jobs.Job) error { return nil }

// Attempt is one try of a delivery, as the log shows it.
type Attempt struct {
	N          int
	At         time.Time
	StatusCode int // 0: no answer
	Duration   time.Duration
	Error      string
}

// OK reports whether the receiver accepted the delivery (a 2xx answer).
func (a Attempt) OK() bool { return a.Error == "" && a.StatusCode >= 200 && a.StatusCode < 300 }

func (s *Service) send(ctx context.Context, url, secret, uid, event string, body []byte, n int) Attempt {
	start := time.Now()
	at := Attempt{N: n, At: start}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		at.Error = err.Error()
		return at
	}
	ts := strconv.FormatInt(start.Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Lede-Webhooks/1")
	req.Header.Set(HeaderEvent, event)
	req.Header.Set(HeaderDelivery, uid)
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(secret, ts, body))
	resp, err := s.client().Do(req)
	if err != nil {
		at.Duration = time.Since(start)
		at.Error = describe(err)
		return at
	}
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, MaxResponse))
	resp.Body.Close()
	at.Duration = time.Since(start)
	at.StatusCode = resp.StatusCode
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		at.Error = fmt.Sprintf("answered %d: redirects are not followed; register the final URL", resp.StatusCode)
	default:
		at.Error = fmt.Sprintf("answered %d", resp.StatusCode)
		if t := clip(string(excerpt), 200); t != "" {
			at.Error += ": " + t
		}
	}
	return at
}

// clip keeps the first n bytes of an answer, as valid single-line text.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "")), " ")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func (s *Service) record(ctx context.Context, tx *db.Tx, id int64, at Attempt, max int) error {
	if _, err := tx.Exec(ctx, `INSERT INTO webhook_attempts (delivery_id, attempt, at, status_code, duration_ms, error)
		VALUES (?, ?, ?, ?, ?, ?)`, id, at.N, at.At.Unix(), at.StatusCode, at.Duration.Milliseconds(), at.Error); err != nil {
		return fmt.Errorf("webhook: log attempt: %w", err)
	}
	now := time.Now()
	status, next, done := StatusPending, any(nil), any(nil)
	switch {
	case at.OK():
		status, done = StatusDelivered, now.Unix()
	case at.N >= max:
		status, done = StatusFailed, now.Unix()
	default:
		when := now.Add(s.backoff(at.N))
		next = when.Unix()
		if err := queueAttempt(ctx, tx, id, at.N+1, when); err != nil {
			return err
		}
	}
	if !at.OK() {
		s.log().Warn("webhook: delivery attempt failed", "delivery", id, "attempt", at.N, "status", status, "err", at.Error)
	}
	_, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET attempts = ?, status = ?, next_at = ?, done_at = ? WHERE id = ?`,
		at.N, status, next, done, id)
	return err
}

// Delivery is one event for one endpoint, with its attempts.
type Delivery struct {
	ID          int64
	UID         string
	EventID     string
	Event       string
	ArticleID   int64
	Status      string
	Attempts    int
	MaxAttempts int
	NextAt      time.Time // zero unless a retry is waiting
	CreatedAt   time.Time
	Body        string
	Log         []Attempt // newest first
}

// Deliveries returns an endpoint's latest deliveries, newest first, each
// with its attempts.
func (s *Service) Deliveries(ctx context.Context, endpointID int64, limit int) ([]Delivery, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, uid, event_id, event, COALESCE(article_id, 0), status, attempts, max_attempts,
		COALESCE(next_at, 0), created_at, body FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY id DESC LIMIT ?`, endpointID, limit)
	if err != nil {
		return nil, fmt.Errorf("webhook: deliveries: %w", err)
	}
	var out []Delivery
	byID := map[int64]int{}
	for rows.Next() {
		var d Delivery
		var next, created int64
		if err := rows.Scan(&d.ID, &d.UID, &d.EventID, &d.Event, &d.ArticleID, &d.Status, &d.Attempts, &d.MaxAttempts,
			&next, &created, &d.Body); err != nil {
			rows.Close()
			return nil, err
		}
		if next > 0 && d.Status == StatusPending {
			d.NextAt = time.Unix(next, 0).UTC()
		}
		d.CreatedAt = time.Unix(created, 0).UTC()
		byID[d.ID] = len(out)
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]int64, 0, len(out))
	for _, d := range out {
		ids = append(ids, d.ID)
	}
	arows, err := s.DB.Query(ctx, `SELECT delivery_id, attempt, at, status_code, duration_ms, error FROM webhook_attempts
		WHERE delivery_id IN (`+db.Placeholders(len(ids))+`) ORDER BY delivery_id, attempt DESC`, db.Args(ids)...)
	if err != nil {
		return nil, fmt.Errorf("webhook: attempts: %w", err)
	}
	defer arows.Close()
	for arows.Next() {
		var did, at, ms int64
		var a Attempt
		if err := arows.Scan(&did, &a.N, &at, &a.StatusCode, &ms, &a.Error); err != nil {
			return nil, err
		}
		a.At, a.Duration = time.Unix(at, 0).UTC(), time.Duration(ms)*time.Millisecond
		out[byID[did]].Log = append(out[byID[did]].Log, a)
	}
	return out, arows.Err()
}

// Prune deletes finished deliveries (and their attempts) older than before,
// so the log keeps the recent history only.
func (s *Service) Prune(ctx context.Context, before time.Time) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		const old = `SELECT id FROM webhook_deliveries WHERE status <> 'pending' AND done_at < ?`
		if _, err := tx.Exec(ctx, `DELETE FROM webhook_attempts WHERE delivery_id IN (`+old+`)`, before.Unix()); err != nil {
			return fmt.Errorf("webhook: prune: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM webhook_deliveries WHERE status <> 'pending' AND done_at < ?`, before.Unix()); err != nil {
			return fmt.Errorf("webhook: prune: %w", err)
		}
		return nil
	})
}

// PruneEvery prunes deliveries older than keep every interval until ctx ends.
func (s *Service) PruneEvery(ctx context.Context, interval, keep time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Prune(ctx, time.Now().Add(-keep)); err != nil && ctx.Err() == nil {
				s.log().Warn("webhook: prune", "err", err)
			}
		}
	}
}
