package newsletter

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/textproto"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/lede-news/lede/internal/db"
	lmail "github.com/lede-news/lede/internal/mail"
)

// Worker delivers queued newsletter mail. Every node runs one; they share
// the work through the delivery rows (docs/design.md, "Newsletters"):
//
//   - a batch is claimed with SKIP LOCKED and a lease (locked_until,
//     locked_by), and reserves its sending slots from the cluster-wide pace;
//   - before each message the worker renews the row's lease, checking it
//     is still its own, so no other node can hold the row while it talks
//     SMTP (Timeout is well under Lease);
//   - after the server accepts the message, the row is marked sent in a
//     transaction that checks the lease again, whatever happened to ctx.
//
// A node that dies leaves leased rows that another claims when the lease
// ends; a stopping node finishes the message in flight and releases the
// rest of its batch at once.
type Worker struct {
	Service *Service
	// Rate is the most messages per second across all nodes; 0: no limit.
	Rate float64
	// Concurrency is how many messages one node has in flight (default 4).
	Concurrency int
	// Batch is how many rows one claim takes (default: two seconds' worth
	// at Rate, between 1 and 50).
	Batch int
	// Lease is how long a claim holds (default 1 minute).
	Lease time.Duration
	// Timeout bounds one SMTP delivery (default 30 s); keep it under Lease.
	Timeout time.Duration
	// MaxAttempts before a temporary failure becomes final (default 5).
	MaxAttempts int
	// Backoff is the first retry delay, doubled each attempt (default 1 min).
	Backoff time.Duration
	// Node names this process in locked_by; default host/pid/random.
	Node string

	once  sync.Once
	cache sync.Map // send id → *sendBody (sends never change)
}

type sendBody struct {
	subject, text, html, list, listID string
}

func (w *Worker) init() {
	w.once.Do(func() {
		if w.Node == "" {
			b := make([]byte, 4)
			rand.Read(b)
			host, _ := os.Hostname()
			w.Node = fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
		}
		if w.Concurrency <= 0 {
			w.Concurrency = 4
		}
		if w.Lease <= 0 {
			w.Lease = time.Minute
		}
		if w.Timeout <= 0 {
			w.Timeout = 30 * time.Second
		}
		if w.Timeout > w.Lease/2 {
			w.Timeout = w.Lease / 2
		}
		if w.MaxAttempts <= 0 {
			w.MaxAttempts = 5
		}
		if w.Backoff <= 0 {
			w.Backoff = time.Minute
		}
		if w.Batch <= 0 {
			w.Batch = 20
			if w.Rate > 0 {
				w.Batch = min(50, max(1, int(w.Rate*2)))
			}
		}
	})
}

// Run works until ctx ends, looking for due deliveries every idle.
func (w *Worker) Run(ctx context.Context, idle time.Duration) {
	w.init()
	var wg sync.WaitGroup
	for range w.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				n, err := w.RunBatch(ctx)
				if err != nil && ctx.Err() == nil {
					w.Service.log().Warn("newsletter: worker", "err", err)
				}
				if n == 0 || err != nil {
					select {
					case <-ctx.Done():
					case <-time.After(idle):
					}
				}
			}
		}()
	}
	wg.Wait()
}

type claimed struct {
	id, sendID    int64
	email, manage string
	attempts      int
	active        bool
	slot          time.Time
}

// RunBatch claims up to Batch due deliveries and delivers them. It returns
// how many it claimed.
func (w *Worker) RunBatch(ctx context.Context) (int, error) {
	w.init()
	batch, err := w.claim(ctx)
	if err != nil || len(batch) == 0 {
		return 0, err
	}
	// Writes after a delivery must happen even when ctx ends: an accepted
	// message is recorded as sent, a stopped batch is released.
	bg := context.WithoutCancel(ctx)
	sends := map[int64]bool{}
	for i, c := range batch {
		sends[c.sendID] = true
		if ctx.Err() != nil {
			w.release(bg, batch[i:])
			break
		}
		if !c.active {
			w.finish(bg, c, "skipped", "unsubscribed before delivery")
			continue
		}
		if d := time.Until(c.slot); d > 0 {
			select {
			case <-ctx.Done():
				w.release(bg, batch[i:])
				return len(batch), nil
			case <-time.After(d):
			}
		}
		mine, err := w.renew(bg, c.id)
		if err != nil {
			return len(batch), err
		}
		if !mine {
			continue // the lease ran out and another node has the row
		}
		m, err := w.message(bg, c)
		if err == nil {
			sctx, cancel := context.WithTimeout(bg, w.Timeout) // a message in flight is finished, not cut
			err = w.Service.Mail.Send(sctx, m)
			cancel()
		}
		if err == nil {
			w.finish(bg, c, "sent", "")
		} else {
			w.failed(bg, c, err)
		}
	}
	for id := range sends {
		w.Service.DB.Exec(bg, `UPDATE newsletter_sends SET finished_at = ?,
			n_sent = (SELECT count(*) FROM newsletter_deliveries WHERE send_id = ? AND status = 'sent'),
			n_failed = (SELECT count(*) FROM newsletter_deliveries WHERE send_id = ? AND status = 'failed'),
			n_skipped = (SELECT count(*) FROM newsletter_deliveries WHERE send_id = ? AND status = 'skipped')
			WHERE id = ? AND finished_at IS NULL
			AND NOT EXISTS (SELECT 1 FROM newsletter_deliveries WHERE send_id = ? AND status = 'pending')`, time.Now().Unix(), id, id, id, id, id)
	}
	return len(batch), nil
}

func (w *Worker) claim(ctx context.Context) ([]claimed, error) {
	var out []claimed
	now := time.Now()
	err := w.Service.DB.InTx(ctx, func(tx *db.Tx) error {
		out = out[:0]
		rows, err := tx.Query(ctx, `SELECT id FROM newsletter_deliveries WHERE status = 'pending' AND next_at <= ?
			AND (locked_until IS NULL OR locked_until < ?) ORDER BY next_at, id LIMIT ?`+tx.Dialect().SkipLocked(), now.Unix(), now.Unix(), w.Batch)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(ids) == 0 {
			return err
		}
		in := db.Placeholders(len(ids))
		args := append([]any{now.Add(w.Lease).Unix(), w.Node}, db.Args(ids)...)
		if _, err := tx.Exec(ctx, `UPDATE newsletter_deliveries SET locked_until = ?, locked_by = ?, attempts = attempts + 1 WHERE id IN (`+in+`)`, args...); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT d.id, d.send_id, d.email, d.attempts, COALESCE(s.manage_token, ''),
			CASE WHEN s.confirmed_at IS NOT NULL AND EXISTS (SELECT 1 FROM newsletter_subscriptions l WHERE l.subscriber_id = d.subscriber_id AND l.list = n.list) THEN 1 ELSE 0 END
			FROM newsletter_deliveries d JOIN newsletter_sends n ON n.id = d.send_id LEFT JOIN newsletter_subscribers s ON s.id = d.subscriber_id
			WHERE d.id IN (`+in+`) ORDER BY d.id`, db.Args(ids)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c claimed
			var active int
			if err := rows.Scan(&c.id, &c.sendID, &c.email, &c.attempts, &c.manage, &active); err != nil {
				rows.Close()
				return err
			}
			c.active = active == 1 && c.manage != ""
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// Reserve one sending slot per message from the shared pace: the
		// row is the cluster's clock, so N nodes together keep to Rate.
		start := now
		if w.Rate > 0 {
			step := int64(float64(time.Second/time.Microsecond) / w.Rate)
			nowUS := now.UnixMicro()
			var next int64
			if err := tx.QueryRow(ctx, `UPDATE newsletter_pace SET next_slot = CASE WHEN next_slot < ? THEN ? ELSE next_slot END + ?
				WHERE id = 1 RETURNING next_slot`, nowUS, nowUS, step*int64(len(out))).Scan(&next); err != nil {
				return fmt.Errorf("pace: %w", err)
			}
			start = time.UnixMicro(next - step*int64(len(out)))
			for i := range out {
				out[i].slot = start.Add(time.Duration(int64(i)*step) * time.Microsecond)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("newsletter: claim: %w", err)
	}
	return out, nil
}

// renew extends the lease of a row this node holds and reports whether it
// still holds it.
func (w *Worker) renew(ctx context.Context, id int64) (bool, error) {
	res, err := w.Service.DB.Exec(ctx, `UPDATE newsletter_deliveries SET locked_until = ? WHERE id = ? AND locked_by = ? AND status = 'pending'`,
		time.Now().Add(w.Lease).Unix(), id, w.Node)
	if err != nil {
		return false, fmt.Errorf("newsletter: renew lease: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// finish records a final status, if the row is still this node's.
func (w *Worker) finish(ctx context.Context, c claimed, status, note string) {
	res, err := w.Service.DB.Exec(ctx, `UPDATE newsletter_deliveries SET status = ?, sent_at = ?, locked_until = NULL, last_error = ?
		WHERE id = ? AND locked_by = ? AND status = 'pending'`, status, time.Now().Unix(), note, c.id, w.Node)
	if err != nil {
		w.Service.log().Error("newsletter: record delivery", "id", c.id, "status", status, "err", err)
		return
	}
	if n, _ := res.RowsAffected(); n != 1 && status == "sent" {
		w.Service.log().Error("newsletter: lease lost after delivery: the recipient may get this message twice", "id", c.id)
	}
}

// failed schedules a retry with back-off, or gives up on permanent SMTP
// refusals (5xx) and after MaxAttempts.
func (w *Worker) failed(ctx context.Context, c claimed, cause error) {
	var te *textproto.Error
	permanent := errors.As(cause, &te) && te.Code >= 500
	if permanent || c.attempts >= w.MaxAttempts {
		w.finish(ctx, c, "failed", cause.Error())
		w.Service.log().Warn("newsletter: delivery failed", "id", c.id, "attempts", c.attempts, "err", cause)
		return
	}
	delay := w.Backoff << min(c.attempts-1, 10)
	_, err := w.Service.DB.Exec(ctx, `UPDATE newsletter_deliveries SET next_at = ?, locked_until = NULL, locked_by = NULL, last_error = ?
		WHERE id = ? AND locked_by = ? AND status = 'pending'`, time.Now().Add(delay).Unix(), cause.Error(), c.id, w.Node)
	if err != nil {
		w.Service.log().Error("newsletter: schedule retry", "id", c.id, "err", err)
	}
}

// release hands rows back at once, for another worker or node.
func (w *Worker) release(ctx context.Context, rest []claimed) {
	for _, c := range rest {
		w.Service.DB.Exec(ctx, `UPDATE newsletter_deliveries SET locked_until = NULL, locked_by = NULL, attempts = attempts - 1
			WHERE id = ? AND locked_by = ? AND status = 'pending'`, c.id, w.Node)
	}
}

func (w *Worker) body(ctx context.Context, sendID int64) (*sendBody, error) {
	if b, ok := w.cache.Load(sendID); ok {
		return b.(*sendBody), nil
	}
	var b sendBody
	var code string
	err := w.Service.DB.QueryRow(ctx, `SELECT n.subject, n.body_text, n.body_html, n.list, e.code FROM newsletter_sends n JOIN editions e ON e.id = n.edition_id
		WHERE n.id = ?`, sendID).Scan(&b.subject, &b.text, &b.html, &b.list, &code)
	if err != nil {
		return nil, fmt.Errorf("newsletter: load send %d: %w", sendID, err)
	}
	host := "localhost"
	if u, err := url.Parse(w.Service.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	b.listID = strings.NewReplacer(":", "-", "_", "-").Replace(b.list) + "." + code + "." + host
	w.cache.Store(sendID, &b)
	return &b, nil
}

// message fills one recipient's links into a send.
func (w *Worker) message(ctx context.Context, c claimed) (lmail.Message, error) {
	b, err := w.body(ctx, c.sendID)
	if err != nil {
		return lmail.Message{}, err
	}
	prefs := w.Service.PreferencesURL(c.manage)
	unsub := w.Service.UnsubscribeURL(c.manage, b.list)
	r := strings.NewReplacer(phPreferences, prefs, phUnsubscribe, unsub)
	return lmail.Message{To: []string{c.email}, Subject: b.subject, Text: r.Replace(b.text), HTML: r.Replace(b.html),
		ID: fmt.Sprintf("lede-newsletter.%d.%d", c.sendID, c.id), // the same for every attempt of a delivery
		Headers: map[string]string{
			"List-Unsubscribe":      "<" + unsub + ">",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
			"List-Id":               "<" + b.listID + ">",
			"X-Lede-Delivery":       fmt.Sprintf("%d-%d", c.sendID, c.id),
		}}, nil
}
