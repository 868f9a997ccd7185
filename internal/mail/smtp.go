package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"strconv"
	"time"
)

// sendSMTP delivers raw to the configured server: TLS from the start on
// port 465, otherwise STARTTLS whenever the server offers it. net/smtp's
// PlainAuth refuses to send the password over a connection that is neither
// encrypted nor to localhost.
func (s *Sender) sendSMTP(ctx context.Context, to []string, raw []byte) error {
	c := s.cfg
	addr := net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
	wrap := func(err error) error {
		if ctx.Err() != nil { // the deadline was forced by cancellation: say so
			return fmt.Errorf("mail: smtp %s: %w (%v)", addr, ctx.Err(), err)
		}
		return fmt.Errorf("mail: smtp %s: %w", addr, err)
	}

	tlsConf := &tls.Config{}
	if c.TLS != nil {
		tlsConf = c.TLS.Clone()
	}
	if tlsConf.ServerName == "" {
		tlsConf.ServerName = c.Host
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return wrap(err)
	}
	deadline := time.Now().Add(c.Timeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	conn.SetDeadline(deadline)
	// Cancelling ctx unblocks whatever read or write is under way.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	implicitTLS := c.Port == 465
	if implicitTLS {
		conn = tls.Client(conn, tlsConf)
	}
	client, err := smtp.NewClient(conn, c.Host)
	if err != nil {
		conn.Close()
		return wrap(err)
	}
	defer client.Close()
	if ok, _ := client.Extension("STARTTLS"); ok && !implicitTLS {
		if err := client.StartTLS(tlsConf); err != nil {
			return wrap(err)
		}
	}
	if c.Username != "" {
		if ok, _ := client.Extension("AUTH"); !ok {
			return wrap(errors.New("server offers no authentication"))
		}
		if err := client.Auth(smtp.PlainAuth("", c.Username, c.Password, c.Host)); err != nil {
			return wrap(err)
		}
	}
	if err := client.Mail(s.from.Address); err != nil {
		return wrap(err)
	}
	for _, rcpt := range to {
		if err := client.Rcpt(rcpt); err != nil {
			return wrap(fmt.Errorf("recipient %s: %w", rcpt, err))
		}
	}
	w, err := client.Data()
	if err != nil {
		return wrap(err)
	}
	if _, err := w.Write(raw); err != nil {
		return wrap(err)
	}
	if err := w.Close(); err != nil {
		return wrap(err)
	}
	// The server accepted the message at w.Close: a failing QUIT must not
	// make the caller deliver it again.
	client.Quit()
	return nil
}
