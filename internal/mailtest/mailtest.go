// Package mailtest runs a real SMTP server (emersion/go-smtp) on a
// loopback port for tests and benchmarks: it keeps every message it
// accepts, can be slowed down, and can hold new conversations before they
// deliver anything (to stop a sender at a known point).
package mailtest

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/mail"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is one accepted message.
type Message struct {
	From string
	To   []string
	Data []byte
}

// Header parses the message's header.
func (m Message) Header() mail.Header {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return mail.Header{}
	}
	return msg.Header
}

// Server is a running SMTP server.
type Server struct {
	Addr string
	Port int
	// Delay slows each message down, before it is accepted (at RCPT).
	Delay time.Duration
	// Refuse, when set, may refuse a recipient with an *smtp.SMTPError.
	Refuse func(rcpt string) error

	srv     *smtp.Server
	mu      sync.Mutex
	msgs    []Message
	changed chan struct{}
	gate    chan struct{} // nil: open; otherwise closed on Release
	held    int
}

// Start runs a server until Close.
func Start() (*Server, error) {
	s := &Server{changed: make(chan struct{})}
	s.srv = smtp.NewServer(s)
	s.srv.Domain = "mx.test"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout, s.srv.WriteTimeout = 30*time.Second, 30*time.Second
	s.srv.MaxRecipients = 100
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.Addr = l.Addr().String()
	s.Port = l.Addr().(*net.TCPAddr).Port
	go s.srv.Serve(l)
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// Messages returns the accepted messages so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Count is how many messages were accepted.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.msgs)
}

// PerRecipient counts accepted messages per recipient address.
func (s *Server) PerRecipient() map[string]int {
	out := map[string]int{}
	for _, m := range s.Messages() {
		for _, r := range m.To {
			out[r]++
		}
	}
	return out
}

// WaitCount waits until at least n messages were accepted, or timeout.
func (s *Server) WaitCount(n int, timeout time.Duration) bool {
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		got, ch := len(s.msgs), s.changed
		s.mu.Unlock()
		if got >= n {
			return true
		}
		select {
		case <-ch:
		case <-deadline:
			return false
		}
	}
}

// Hold makes new recipients wait (before any message is accepted) until
// Release.
func (s *Server) Hold() {
	s.mu.Lock()
	if s.gate == nil {
		s.gate = make(chan struct{})
	}
	s.mu.Unlock()
}

// Held is how many conversations are waiting at the gate.
func (s *Server) Held() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held
}

// Release opens the gate.
func (s *Server) Release() {
	s.mu.Lock()
	if s.gate != nil {
		close(s.gate)
		s.gate = nil
	}
	s.mu.Unlock()
}

// NewSession implements smtp.Backend.
func (s *Server) NewSession(c *smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }

type session struct {
	s   *Server
	msg Message
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.msg.From = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s := x.s
	s.mu.Lock()
	gate := s.gate
	if gate != nil {
		s.held++
	}
	s.mu.Unlock()
	if gate != nil {
		<-gate
		s.mu.Lock()
		s.held--
		s.mu.Unlock()
	}
	if s.Delay > 0 {
		time.Sleep(s.Delay)
	}
	if s.Refuse != nil {
		if err := s.Refuse(to); err != nil {
			return err
		}
	}
	x.msg.To = append(x.msg.To, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if len(x.msg.To) == 0 {
		return errors.New("no recipient")
	}
	x.msg.Data = data
	s := x.s
	s.mu.Lock()
	s.msgs = append(s.msgs, x.msg)
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
	return nil
}

func (x *session) Reset()        { x.msg = Message{} }
func (x *session) Logout() error { return nil }
