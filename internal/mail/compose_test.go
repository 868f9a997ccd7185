package mail

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"
	"time"
)

// Header injection and malformed messages are refused, not sent.
func TestComposeRefuses(t *testing.T) {
	from := &mail.Address{Address: "news@example.com"}
	ok := Message{To: []string{"a@example.com"}, Subject: "Hi", Text: "x"}
	cases := map[string]func(m *Message){
		"no body":               func(m *Message) { m.Text = "" },
		"line break in subject": func(m *Message) { m.Subject = "Hi\r\nBcc: victim@example.com" },
		"bad recipient":         func(m *Message) { m.To = []string{"not an address"} },
		"header value newline":  func(m *Message) { m.Headers = map[string]string{"X-Tag": "a\nBcc: v@example.com"} },
		"header name colon":     func(m *Message) { m.Headers = map[string]string{"X-Tag: y": "a"} },
		"header name space":     func(m *Message) { m.Headers = map[string]string{"X Tag": "a"} },
		"reserved header":       func(m *Message) { m.Headers = map[string]string{"bcc": "v@example.com"} },
		"reserved from":         func(m *Message) { m.Headers = map[string]string{"From": "boss@example.com"} },
		"message id with @":     func(m *Message) { m.ID = "a@evil.example" },
		"message id newline":    func(m *Message) { m.ID = "a\r\nBcc: v@example.com" },
	}
	for name, change := range cases {
		m := ok
		change(&m)
		if _, err := m.compose(from, time.Now()); err == nil {
			t.Errorf("%s: composed", name)
		}
	}
	if _, err := (Message{Subject: "x", Text: "x"}).recipients(); err == nil {
		t.Error("no recipient accepted")
	}
	if _, err := ok.compose(from, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// A single HTML body is sent alone; non-ASCII extra headers are encoded.
func TestComposeHTMLOnly(t *testing.T) {
	m := Message{To: []string{"a@example.com"}, Subject: "Édition du soir", HTML: "<p>" + strings.Repeat("é", 100) + "</p>",
		Headers: map[string]string{"x-lede-note": "déjà vu"}}
	raw, err := m.compose(&mail.Address{Name: "Lede", Address: "news@example.com"}, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Content-Type: text/html; charset=utf-8\r\n", "Content-Transfer-Encoding: quoted-printable\r\n",
		"X-Lede-Note: =?utf-8?q?d=C3=A9j=C3=A0_vu?=\r\n", "Date: Mon, 02 Mar 2026 09:00:00 +0000\r\n", "From: \"Lede\" <news@example.com>\r\n"} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("missing %q in\n%s", want, raw)
		}
	}
	got, _ := mail.ReadMessage(bytes.NewReader(raw))
	if got.Header.Get("X-Lede-Note") == "" {
		t.Error("extra header lost")
	}
}
