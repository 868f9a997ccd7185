package config

import (
	"io"
	"strings"
	"testing"
)

func TestWebhookAllowSettings(t *testing.T) {
	c, _, err := Parse("serve", []string{"--webhook-allow-private", "1", "--webhook-allow", "10.1.2.0/24, ::1,192.168.0.7"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !c.WebhookAllowPrivate || len(c.WebhookAllow) != 3 || c.WebhookAllow[1].String() != "::1/128" || c.WebhookAllow[2].String() != "192.168.0.7/32" {
		t.Fatalf("%v %v", c.WebhookAllowPrivate, c.WebhookAllow)
	}
	c, _, _ = Parse("serve", nil, io.Discard)
	if c.WebhookAllowPrivate || len(c.WebhookAllow) != 0 {
		t.Fatal("webhooks may reach private addresses by default")
	}
	_, _, err = Parse("serve", []string{"--webhook-allow-private", "maybe", "--webhook-allow", "10.0.0.0/33"}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "webhook-allow-private") || !strings.Contains(err.Error(), "10.0.0.0/33") {
		t.Fatalf("%v", err)
	}
}
