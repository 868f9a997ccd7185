// Package webhook sends signed HTTP notifications to endpoints that admins
// register when articles are published, updated or taken down.
//
// An event is recorded in the transaction that changes the article, as one
// delivery per interested endpoint plus a job (internal/jobs): it exists
// exactly when the change commits, survives restarts, and is attempted by
// one node at a time. Each attempt is its own job, so the retry schedule
// (about a day) is the webhook's own, and every attempt is logged.
package webhook

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lede-news/lede/internal/db"
)

// Event types.
const (
	EventPublished   = "article.published"
	EventUpdated     = "article.updated"
	EventUnpublished = "article.unpublished"
	EventTest        = "webhook.test" // sent from the newsroom UI, to every endpoint whatever its events
)

// Events lists the article events an endpoint can subscribe to.
var Events = []string{EventPublished, EventUpdated, EventUnpublished}

// Delivery statuses.
const (
	StatusPending   = "pending"
	StatusDelivered = "delivered"
	StatusFailed    = "failed"
)

// Service stores endpoints, records events and delivers them.
type Service struct {
	DB      *db.DB
	BaseURL string // the site's public URL, for article links
	Policy  Policy
	Client  *http.Client // nil: NewClient(Policy)
	Log     *slog.Logger
	// MaxAttempts is how many times an event is tried before it is marked
	// failed (default 8); Backoff the wait after attempt n failed.
	MaxAttempts int
	Backoff     func(attempt int) time.Duration
}

// DefaultMaxAttempts and DefaultBackoff spread tries over about 18 hours:
// 1, 3, 9, 27 and 81 minutes, then 4 and 12 hours, each ±10%.
const DefaultMaxAttempts = 8

// DefaultBackoff is the wait after attempt n (1-based) failed.
func DefaultBackoff(n int) time.Duration {
	d := time.Minute
	for i := 1; i < n && d < 12*time.Hour; i++ {
		d *= 3
	}
	d = min(d, 12*time.Hour)
	var b [1]byte
	rand.Read(b[:])
	jitter := time.Duration(int64(d) / 10 * (int64(b[0]) - 128) / 128) // spreads retries of many deliveries
	return d + jitter
}

func (s *Service) maxAttempts() int {
	if s.MaxAttempts > 0 {
		return s.MaxAttempts
	}
	return DefaultMaxAttempts
}

func (s *Service) backoff(n int) time.Duration {
	if s.Backoff != nil {
		return s.Backoff(n)
	}
	return DefaultBackoff(n)
}

func (s *Service) client() *http.Client {
	if s.Client == nil {
		s.Client = NewClient(s.Policy)
	}
	return s.Client
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

// Endpoint is a registered receiver.
type Endpoint struct {
	ID          int64
	URL         string
	Description string
	Events      []string
	Active      bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Counts of its deliveries, for the list page.
	Delivered, Failed, Pending int
}

// Wants reports whether the endpoint subscribed to event.
func (e Endpoint) Wants(event string) bool { return slices.Contains(e.Events, event) }

// Input is what an admin submits for an endpoint.
type Input struct {
	URL         string
	Description string
	Events      []string
	Active      bool
}

func (s *Service) check(in Input) (Input, error) {
	u, err := ValidateURL(in.URL, s.Policy)
	if err != nil {
		return in, err
	}
	in.URL = u
	in.Description = strings.TrimSpace(in.Description)
	if utf8.RuneCountInString(in.Description) > 200 {
		return in, invalid("the description is longer than 200 characters")
	}
	if len(in.Events) == 0 {
		return in, invalid("choose at least one event")
	}
	var evs []string
	for _, e := range in.Events {
		if !slices.Contains(Events, e) {
			return in, invalid("%q is not an event; the events are %s", e, strings.Join(Events, ", "))
		}
		if !slices.Contains(evs, e) {
			evs = append(evs, e)
		}
	}
	in.Events = evs
	return in, nil
}

// NewSecret makes an endpoint's signing secret: 32 random bytes.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b)
}

func randomID(prefix string) string {
	b := make([]byte, 12)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// Create registers an endpoint and returns it with its secret, which is
// shown to the admin this once.
func (s *Service) Create(ctx context.Context, in Input, userID int64) (Endpoint, string, error) {
	in, err := s.check(in)
	if err != nil {
		return Endpoint{}, "", err
	}
	secret := NewSecret()
	now := time.Now().Unix()
	var by any
	if userID != 0 {
		by = userID
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		id, err = tx.InsertID(ctx, `INSERT INTO webhook_endpoints (url, description, events, secret, active, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, in.URL, in.Description, strings.Join(in.Events, ","), secret, in.Active, by, now, now)
		return err
	})
	if err != nil {
		return Endpoint{}, "", fmt.Errorf("webhook: create: %w", err)
	}
	e, err := s.Get(ctx, id)
	return e, secret, err
}

// Update changes an endpoint's URL, description, events and active flag;
// the secret stays.
func (s *Service) Update(ctx context.Context, id int64, in Input) error {
	in, err := s.check(in)
	if err != nil {
		return err
	}
	res, err := s.DB.Exec(ctx, `UPDATE webhook_endpoints SET url = ?, description = ?, events = ?, active = ?, updated_at = ? WHERE id = ?`,
		in.URL, in.Description, strings.Join(in.Events, ","), in.Active, time.Now().Unix(), id)
	if err != nil {
		return fmt.Errorf("webhook: update %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return db.ErrNotFound
	}
	return nil
}

// RotateSecret gives the endpoint a new secret and returns it.
func (s *Service) RotateSecret(ctx context.Context, id int64) (string, error) {
	secret := NewSecret()
	res, err := s.DB.Exec(ctx, `UPDATE webhook_endpoints SET secret = ?, updated_at = ? WHERE id = ?`, secret, time.Now().Unix(), id)
	if err != nil {
		return "", fmt.Errorf("webhook: rotate %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", db.ErrNotFound
	}
	return secret, nil
}

// Delete removes an endpoint with its delivery log. Queued attempts find
// nothing to do.
func (s *Service) Delete(ctx context.Context, id int64) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE endpoint_id = ?)`, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM webhook_deliveries WHERE endpoint_id = ?`, id); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM webhook_endpoints WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return db.ErrNotFound
		}
		return nil
	})
}

const endpointCols = `e.id, e.url, e.description, e.events, e.active, e.created_at, e.updated_at,
	(SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'delivered'),
	(SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'failed'),
	(SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'pending')`

type scanner interface{ Scan(...any) error }

func scanEndpoint(r scanner) (Endpoint, error) {
	var e Endpoint
	var events string
	var created, updated int64
	err := r.Scan(&e.ID, &e.URL, &e.Description, &events, &e.Active, &created, &updated, &e.Delivered, &e.Failed, &e.Pending)
	e.Events = strings.Split(events, ",")
	e.CreatedAt, e.UpdatedAt = time.Unix(created, 0).UTC(), time.Unix(updated, 0).UTC()
	return e, err
}

// Get returns one endpoint.
func (s *Service) Get(ctx context.Context, id int64) (Endpoint, error) {
	e, err := scanEndpoint(s.DB.QueryRow(ctx, `SELECT `+endpointCols+` FROM webhook_endpoints e WHERE e.id = ?`, id))
	if err != nil {
		return e, fmt.Errorf("webhook: endpoint %d: %w", id, db.NotFound(err))
	}
	return e, nil
}

// List returns every endpoint, oldest first.
func (s *Service) List(ctx context.Context) ([]Endpoint, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+endpointCols+` FROM webhook_endpoints e ORDER BY e.id`)
	if err != nil {
		return nil, fmt.Errorf("webhook: list: %w", err)
	}
	defer rows.Close()
	var out []Endpoint
	for rows.Next() {
		e, err := scanEndpoint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
