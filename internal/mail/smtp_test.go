package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
)

var french = Message{
	To:      []string{"Zoé Lefèvre <zoe@example.com>", "bob@example.org"},
	Subject: "Réinitialisez votre mot de passe « Le Quotidien » — lien valable une heure, ne le transmettez à personne",
	Text:    "Bonjour Zoé,\n\nCliquez ici : https://example.com/reset?t=abc\n.\nUne ligne qui n'a qu'un point, ci-dessus.\n",
	HTML:    "<p>Bonjour <b>Zoé</b>,</p>\n<p><a href=\"https://example.com/reset?t=abc\">Réinitialiser</a></p>\n",
	Headers: map[string]string{"X-Lede-Kind": "password-reset"},
}

// A real SMTP conversation: STARTTLS, AUTH PLAIN, two recipients, a French
// subject and a text+HTML body arrive intact.
func TestSendSMTP(t *testing.T) {
	cert, pool := selfSigned(t)
	be := &backend{user: "lede"}
	port := startServer(t, be, &tls.Config{Certificates: []tls.Certificate{cert}})
	s, err := New(Config{Host: "127.0.0.1", Port: port, Username: "lede", Password: "secret",
		From: "Rédaction <news@example.com>", TLS: &tls.Config{RootCAs: pool}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), french); err != nil {
		t.Fatal(err)
	}
	msgs := be.got()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages", len(msgs))
	}
	got := msgs[0]
	if !got.tls || got.authed != "lede" || got.from != "news@example.com" ||
		strings.Join(got.to, " ") != "zoe@example.com bob@example.org" {
		t.Fatalf("conversation: tls=%v auth=%q from=%q to=%v", got.tls, got.authed, got.from, got.to)
	}
	checkMessage(t, got.data)
}

// checkMessage parses raw as a mail reader would and compares it with
// french.
func checkMessage(t *testing.T, raw []byte) {
	t.Helper()
	head, body, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for i, line := range strings.Split(string(head), "\r\n") {
		if len(line) > 998 {
			t.Errorf("header line %d is %d characters long", i+1, len(line))
		}
	}
	for i, line := range strings.Split(string(body), "\r\n") {
		if len(line) > 76 {
			t.Errorf("body line %d is %d characters long: %q", i+1, len(line), line)
		}
	}
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) {
		t.Error("a bare LF in the message")
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil || subject != french.Subject {
		t.Errorf("subject %q (%v), want %q", subject, err, french.Subject)
	}
	from, err := m.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Rédaction" || from[0].Address != "news@example.com" {
		t.Errorf("From %+v, %v", from, err)
	}
	to, err := m.Header.AddressList("To")
	if err != nil || len(to) != 2 || to[0].Name != "Zoé Lefèvre" || to[1].Address != "bob@example.org" {
		t.Errorf("To %+v, %v", to, err)
	}
	if _, err := m.Header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	if id := m.Header.Get("Message-Id"); !strings.HasSuffix(id, "@example.com>") {
		t.Errorf("Message-ID %q", id)
	}
	if m.Header.Get("X-Lede-Kind") != "password-reset" || m.Header.Get("Mime-Version") != "1.0" {
		t.Errorf("headers %v", m.Header)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q", m.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	var parts []string
	for {
		p, err := mr.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(p)
		parts = append(parts, p.Header.Get("Content-Type")+"\n"+strings.ReplaceAll(string(body), "\r\n", "\n"))
	}
	want := []string{"text/plain; charset=utf-8\n" + french.Text, "text/html; charset=utf-8\n" + french.HTML}
	if len(parts) != 2 || parts[0] != want[0] || parts[1] != want[1] {
		t.Errorf("parts:\n%q\nwant:\n%q", parts, want)
	}
}

// A local relay without TLS or authentication: the plain conversation.
func TestSendSMTPPlainRelay(t *testing.T) {
	be := &backend{}
	port := startServer(t, be, nil)
	s, _ := New(Config{Host: "127.0.0.1", Port: port, From: "news@example.com"})
	if err := s.Send(context.Background(), Message{To: []string{"a@example.com"}, Subject: "Hello", Text: "Plain."}); err != nil {
		t.Fatal(err)
	}
	got := be.got()[0]
	if got.tls || got.authed != "" {
		t.Errorf("tls=%v auth=%q on a plain relay", got.tls, got.authed)
	}
	m, _ := mail.ReadMessage(bytes.NewReader(got.data))
	body, _ := io.ReadAll(m.Body)
	if m.Header.Get("Content-Type") != "text/plain; charset=utf-8" || m.Header.Get("Subject") != "Hello" || string(body) != "Plain.\r\n" {
		t.Errorf("got %v %q", m.Header, body)
	}
}

func TestSendSMTPErrors(t *testing.T) {
	cert, pool := selfSigned(t)
	be := &backend{user: "lede"}
	tlsPort := startServer(t, be, &tls.Config{Certificates: []tls.Certificate{cert}})
	plainPort := startServer(t, be, nil) // offers neither STARTTLS nor AUTH
	msg := Message{To: []string{"a@example.com"}, Subject: "x", Text: "x"}

	s, _ := New(Config{Host: "127.0.0.1", Port: tlsPort, Username: "lede", Password: "wrong", From: "news@example.com", TLS: &tls.Config{RootCAs: pool}})
	if err := s.Send(context.Background(), msg); err == nil || !strings.Contains(err.Error(), "invalid credentials") {
		t.Errorf("wrong password: %v", err)
	}
	s, _ = New(Config{Host: "127.0.0.1", Port: tlsPort, From: "news@example.com"})
	if err := s.Send(context.Background(), msg); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusted certificate: %v", err)
	}
	s, _ = New(Config{Host: "127.0.0.1", Port: plainPort, Username: "lede", Password: "secret", From: "news@example.com"})
	if err := s.Send(context.Background(), msg); err == nil || !strings.Contains(err.Error(), "no authentication") {
		t.Errorf("credentials for a server without AUTH: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, _ = New(Config{Host: "127.0.0.1", Port: plainPort, From: "news@example.com"})
	if err := s.Send(ctx, msg); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if n := len(be.got()); n != 0 {
		t.Errorf("%d messages delivered", n)
	}
}
