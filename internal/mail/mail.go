// Package mail sends the site's email: password resets now, newsletters
// later. With an SMTP server configured it talks SMTP; without one (in
// development) it writes each message as an .eml file in a folder, where
// it can be opened with any mail reader.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/mail"
	"time"
)

// Message is one email. To holds addresses, bare or with a name
// ("Zoé Martin <zoe@example.com>"). Text, HTML or both may be set; with
// both, readers choose (multipart/alternative).
type Message struct {
	To      []string
	Subject string
	Text    string
	HTML    string
	// Headers are extra header fields, such as List-Unsubscribe.
	Headers map[string]string
	// ID, when set, is the Message-ID's left part (before the @ and the
	// sender's domain): a message sent again after a crash then carries
	// the same Message-ID, which lets receivers tell it is a duplicate.
	// Empty: a random one.
	ID string
}

// Config says where mail goes.
type Config struct {
	// Host is the SMTP server. Empty means development: messages are
	// written to Dir instead.
	Host string
	// Port defaults to 587 (submission, STARTTLS). Port 465 speaks TLS from
	// the first byte.
	Port               int
	Username, Password string
	// From is the sender, e.g. "Le Quotidien <news@example.com>".
	From string
	// Dir receives .eml files when Host is empty: the data folder's mail/.
	Dir string
	// TLS verifies the server; nil means the system's roots. Set RootCAs
	// for a server with a private certificate authority.
	TLS *tls.Config
	// Timeout bounds one delivery (default 30 s).
	Timeout time.Duration
}

// Sender delivers messages as its Config says.
type Sender struct {
	cfg  Config
	from *mail.Address
	now  func() time.Time
}

// New checks c and returns a Sender.
func New(c Config) (*Sender, error) {
	from, err := mail.ParseAddress(c.From)
	if err != nil {
		return nil, fmt.Errorf("mail: from %q: %w", c.From, err)
	}
	if c.Host == "" && c.Dir == "" {
		return nil, errors.New("mail: neither an SMTP host nor a folder for messages")
	}
	if c.Port == 0 {
		c.Port = 587
	}
	if c.Timeout == 0 {
		c.Timeout = 30 * time.Second
	}
	return &Sender{cfg: c, from: from, now: time.Now}, nil
}

// Development reports whether messages go to files rather than SMTP.
func (s *Sender) Development() bool { return s.cfg.Host == "" }

// Send delivers m.
func (s *Sender) Send(ctx context.Context, m Message) error {
	to, err := m.recipients()
	if err != nil {
		return err
	}
	raw, err := m.compose(s.from, s.now())
	if err != nil {
		return err
	}
	if s.Development() {
		return s.writeFile(raw)
	}
	return s.sendSMTP(ctx, to, raw)
}
