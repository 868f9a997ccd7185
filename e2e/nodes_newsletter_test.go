package e2e

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/mailtest"
	"github.com/lede-news/lede/internal/testdb"
)

// Three nodes share a newsletter send to a few thousand subscribers
// through a slowed-down SMTP server; one is killed with SIGKILL while it
// holds deliveries in flight, and the others complete the send: every
// subscriber gets exactly one message, counted at the SMTP server.
//
// The kill lands while the server holds every new conversation at RCPT
// and every message it accepted is recorded sent, so it never falls in
// the one window no SMTP client can close (between the server's "250"
// and the sender's commit; docs/design.md, "Newsletters").
func TestThreeNodesNewsletterKill(t *testing.T) {
	if os.Getenv(testdb.EnvPostgres) == "" {
		t.Skip(testdb.EnvPostgres + " not set")
	}
	const subscribers = 3000
	ctx := context.Background()
	smtpSrv, err := mailtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer smtpSrv.Close()
	smtpSrv.Delay = 2 * time.Millisecond

	dsn := testdb.PostgresDSN(t)
	args := []string{"--smtp-host", "127.0.0.1", "--smtp-port", strconv.Itoa(smtpSrv.Port),
		"--newsletter-rate", "3000", "--newsletter-lease", "5s"}
	nodes := startNodes(t, 3, dsn, args...)
	d, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()

	// A few thousand confirmed subscribers of the French breaking list.
	var edID, artID int64
	d.QueryRow(ctx, `SELECT id FROM editions WHERE code = 'fr'`).Scan(&edID)
	d.QueryRow(ctx, `SELECT id FROM articles WHERE edition_id = ? AND status = 'published' ORDER BY published_at DESC LIMIT 1`, edID).Scan(&artID)
	now := time.Now().Unix()
	err = d.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO newsletter_subscribers (edition_id, email, manage_token, confirmed_at, created_at)
			SELECT ?, 'reader' || g || '@example.org', md5(g::text) || md5('x' || g::text), ?, ? FROM generate_series(1, ?) g`, edID, now, now, subscribers); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO newsletter_subscriptions (subscriber_id, list, created_at) SELECT id, 'breaking', ? FROM newsletter_subscribers`, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	// Queue the send from the command line; the nodes deliver it.
	code, out, errs := lede(t, "", "newsletter", "--db", dsn, "send", "--article", strconv.FormatInt(artID, 10), "--detach")
	if code != 0 || !strings.Contains(out, fmt.Sprintf("queued for %d recipients", subscribers)) {
		t.Fatalf("send: %d %s %s", code, out, errs)
	}
	sentInDB := func() int {
		var n int
		d.QueryRow(ctx, `SELECT count(*) FROM newsletter_deliveries WHERE status = 'sent'`).Scan(&n)
		return n
	}

	// Midway, freeze the conversations, wait until every accepted message
	// is recorded, and kill a node that holds work.
	if !smtpSrv.WaitCount(subscribers/3, 2*time.Minute) {
		t.Fatalf("send did not start: %d messages", smtpSrv.Count())
	}
	smtpSrv.Hold()
	deadline := time.Now().Add(time.Minute)
	for sentInDB() != smtpSrv.Count() || smtpSrv.Held() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("accepted %d, recorded %d, held %d", smtpSrv.Count(), sentInDB(), smtpSrv.Held())
		}
		time.Sleep(20 * time.Millisecond)
	}
	victim := -1
	var holding int
	for i, n := range nodes {
		d.QueryRow(ctx, `SELECT count(*) FROM newsletter_deliveries WHERE status = 'pending' AND locked_by LIKE ?`,
			"%/"+strconv.Itoa(n.cmd.Process.Pid)+"/%").Scan(&holding)
		if holding > 0 {
			victim = i
			break
		}
	}
	if victim < 0 {
		t.Fatal("no node holds deliveries midway")
	}
	before := smtpSrv.Count()
	nodes[victim].kill()
	smtpSrv.Release()
	t.Logf("killed node %d holding %d deliveries after %d of %d messages", victim, holding, before, subscribers)

	// The others finish, taking over the dead node's rows after its lease.
	deadline = time.Now().Add(3 * time.Minute)
	for {
		var pending int
		d.QueryRow(ctx, `SELECT count(*) FROM newsletter_deliveries WHERE status = 'pending'`).Scan(&pending)
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries still pending", pending)
		}
		time.Sleep(100 * time.Millisecond)
	}
	per := smtpSrv.PerRecipient()
	if len(per) != subscribers {
		t.Errorf("%d distinct recipients at the server, want %d (skipped some)", len(per), subscribers)
	}
	dups := 0
	for who, n := range per {
		if n != 1 {
			dups++
			if dups < 10 {
				t.Errorf("%s got %d messages", who, n)
			}
		}
	}
	if dups > 0 {
		t.Errorf("%d recipients got more than one message", dups)
	}
	var sent, failed int
	var finished *int64
	d.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'sent'), count(*) FILTER (WHERE status = 'failed') FROM newsletter_deliveries`).Scan(&sent, &failed)
	if sent != subscribers || failed != 0 {
		t.Errorf("recorded %d sent and %d failed, want %d and 0", sent, failed, subscribers)
	}
	// The survivors' workers mark the send finished.
	for i := 0; finished == nil && i < 50; i++ {
		d.QueryRow(ctx, `SELECT finished_at FROM newsletter_sends`).Scan(&finished)
		time.Sleep(100 * time.Millisecond)
	}
	if finished == nil {
		t.Error("send never marked finished")
	}
	var survivors int
	d.QueryRow(ctx, `SELECT count(DISTINCT locked_by) FROM newsletter_deliveries WHERE status = 'sent' AND locked_by IS NOT NULL`).Scan(&survivors)
	if survivors < 2 {
		t.Errorf("deliveries recorded by %d nodes, want the work shared", survivors)
	}
}
