package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"slices"
	"strings"
	"time"
)

// reserved are the header fields compose writes itself; Headers may not
// override them.
var reserved = map[string]bool{"From": true, "To": true, "Subject": true, "Date": true, "Message-Id": true,
	"Mime-Version": true, "Content-Type": true, "Content-Transfer-Encoding": true, "Cc": true, "Bcc": true}

// recipients parses To into bare addresses for the SMTP envelope.
func (m Message) recipients() ([]string, error) {
	if len(m.To) == 0 {
		return nil, errors.New("mail: no recipient")
	}
	out := make([]string, len(m.To))
	for i, t := range m.To {
		a, err := mail.ParseAddress(t)
		if err != nil {
			return nil, fmt.Errorf("mail: recipient %q: %w", t, err)
		}
		out[i] = a.Address
	}
	return out, nil
}

// compose renders m as an RFC 5322 message with CRLF line ends. Bodies are
// quoted-printable UTF-8; non-ASCII header text is RFC 2047 Q-encoded.
func (m Message) compose(from *mail.Address, now time.Time) ([]byte, error) {
	if m.Text == "" && m.HTML == "" {
		return nil, errors.New("mail: message has no body")
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, errors.New("mail: line break in subject")
	}
	var to []string
	for _, t := range m.To {
		a, err := mail.ParseAddress(t)
		if err != nil {
			return nil, fmt.Errorf("mail: recipient %q: %w", t, err)
		}
		to = append(to, a.String())
	}
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", from.String())
	header("To", strings.Join(to, ",\r\n "))
	header("Subject", fold(mime.QEncoding.Encode("utf-8", m.Subject)))
	header("Date", now.Format(time.RFC1123Z))
	if m.ID != "" {
		if !validFieldName(m.ID) || strings.ContainsAny(m.ID, "<>@()[]\\,;\"") {
			return nil, fmt.Errorf("mail: message id %q refused", m.ID)
		}
		header("Message-ID", "<"+m.ID+"@"+from.Address[strings.LastIndexByte(from.Address, '@')+1:]+">")
	} else {
		header("Message-ID", messageID(from.Address))
	}
	header("MIME-Version", "1.0")
	for _, k := range slices.Sorted(maps.Keys(m.Headers)) {
		v := m.Headers[k]
		ck := textproto.CanonicalMIMEHeaderKey(k)
		if !validFieldName(k) || reserved[ck] || strings.ContainsAny(v, "\r\n") {
			return nil, fmt.Errorf("mail: header %q refused", k)
		}
		header(ck, fold(mime.QEncoding.Encode("utf-8", v)))
	}
	switch {
	case m.Text != "" && m.HTML != "":
		w := multipart.NewWriter(&b)
		header("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": w.Boundary()}))
		b.WriteString("\r\n")
		for _, p := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
			pw, err := w.CreatePart(textproto.MIMEHeader{
				"Content-Type":              {p.typ + "; charset=utf-8"},
				"Content-Transfer-Encoding": {"quoted-printable"},
			})
			if err != nil {
				return nil, err
			}
			if err := writeQP(pw, p.body); err != nil {
				return nil, err
			}
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
	default:
		typ, body := "text/plain", m.Text
		if m.HTML != "" {
			typ, body = "text/html", m.HTML
		}
		header("Content-Type", typ+"; charset=utf-8")
		header("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		if err := writeQP(&b, body); err != nil {
			return nil, err
		}
	}
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n") // as SMTP's DATA would add, so files and deliveries match
	}
	return b.Bytes(), nil
}

func writeQP(w io.Writer, body string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(body)); err != nil {
		return fmt.Errorf("mail: encode body: %w", err)
	}
	return qp.Close()
}

// fold puts each RFC 2047 encoded word of a long header on its own
// continuation line, keeping lines under the 78-character guideline.
func fold(v string) string { return strings.ReplaceAll(v, "?= =?", "?=\r\n =?") }

// validFieldName accepts RFC 5322 field names: printable ASCII but colon.
func validFieldName(k string) bool {
	if k == "" {
		return false
	}
	for _, c := range []byte(k) {
		if c <= ' ' || c > '~' || c == ':' {
			return false
		}
	}
	return true
}

func messageID(from string) string {
	b := make([]byte, 16)
	rand.Read(b)
	return "<" + hex.EncodeToString(b) + "@" + from[strings.LastIndexByte(from, '@')+1:] + ">"
}
