package comment

import (
	"context"
	"io"
	"log/slog"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/jobs"
	"github.com/lede-news/lede/internal/mail"
	"github.com/lede-news/lede/internal/testdb"
)

// modInbox is a real SMTP server (go-smtp) keeping what it receives.
type modInbox struct {
	mu   sync.Mutex
	msgs []modMsg
}

type modMsg struct {
	to   []string
	data string
}

func (b *modInbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &modSession{b: b}, nil }

func (b *modInbox) got() []modMsg {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]modMsg(nil), b.msgs...)
}

type modSession struct {
	b   *modInbox
	msg modMsg
}

func (s *modSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *modSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.msg.to = append(s.msg.to, to)
	return nil
}
func (s *modSession) Data(r io.Reader) error {
	m, err := netmail.ReadMessage(r)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	s.msg.data = m.Header.Get("Subject") + "\n" + string(b)
	s.b.mu.Lock()
	s.b.msgs = append(s.b.msgs, s.msg)
	s.b.mu.Unlock()
	return err
}
func (s *modSession) Reset()        { s.msg = modMsg{} }
func (s *modSession) Logout() error { return nil }

func startModInbox(t *testing.T) (*modInbox, int) {
	t.Helper()
	be := &modInbox{}
	srv := smtp.NewServer(be)
	srv.Domain = "mx.test"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return be, l.Addr().(*net.TCPAddr).Port
}

func TestFlagAlertsOncePerRound(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newModFixture(t, d)
		inbox, port := startModInbox(t)
		sender, err := mail.New(mail.Config{Host: "127.0.0.1", Port: port, From: "Lede <lede@lede.test>"})
		if err != nil {
			t.Fatal(err)
		}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		alerter := &FlagAlerter{Mail: sender, BaseURL: "http://lede.test"}
		// Two nodes: each sweeps and runs jobs.
		runners := []*jobs.Runner{
			{DB: d, Log: log, Handlers: map[string]jobs.Handler{FlagAlertJobKind: alerter.Job}},
			{DB: d, Log: log, Handlers: map[string]jobs.Handler{FlagAlertJobKind: alerter.Job}},
		}
		nodes := []*Moderator{{DB: d}, {DB: d}}
		drain := func() {
			t.Helper()
			var wg sync.WaitGroup
			for i := range nodes {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := nodes[i].SweepFlags(ctx); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			for _, r := range runners {
				for {
					ran, err := r.RunOne(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if !ran {
						break
					}
				}
			}
		}
		var contributor int64
		d.QueryRow(ctx, `INSERT INTO users (email, name, role, password_hash, created_at) VALUES ('contrib@lede.test', 'Con', 'contributor', 'x', 1) RETURNING id`).Scan(&contributor)
		if err := f.m.SetAlerts(ctx, f.user, true); err != nil {
			t.Fatal(err)
		}
		f.m.SetAlerts(ctx, f.user, true) // twice is fine
		f.m.SetAlerts(ctx, contributor, true)
		if on, _ := f.m.Alerts(ctx, f.user); !on {
			t.Fatal("alerts not on")
		}

		id := f.comment(t, f.bob, "Un avis tranché", Approved, "")
		f.flag(t, id, f.alice, "abuse", false)
		drain()
		f.flag(t, id, f.charlie, "spam", true) // same round: no second email
		drain()
		got := inbox.got()
		if len(got) != 1 {
			t.Fatalf("%d emails for one round of flags", len(got))
		}
		if got[0].to[0] != "ed@lede.test" || !strings.Contains(got[0].data, "/admin/comments?view=flagged#c") ||
			!strings.Contains(got[0].data, "Un avis tranch") {
			t.Fatalf("email %+v", got[0])
		}

		// Reviewed, then flagged again: a new round, a new email.
		if err := f.m.DismissFlags(ctx, f.user, id); err != nil {
			t.Fatal(err)
		}
		d.Exec(ctx, `DELETE FROM comment_flags WHERE comment_id = ? AND reader_id = ?`, id, f.alice)
		f.flag(t, id, f.alice, "offtopic", false)
		drain()
		if n := len(inbox.got()); n != 2 {
			t.Fatalf("%d emails after a second round", n)
		}

		// Opted out: nothing more.
		f.m.SetAlerts(ctx, f.user, false)
		other := f.comment(t, f.alice, "Autre", Approved, "")
		f.flag(t, other, f.bob, "spam", false)
		drain()
		if n := len(inbox.got()); n != 2 {
			t.Fatalf("%d emails after opting out", n)
		}
	})
}
