package config

import (
	"io"
	"strings"
	"testing"
)

func TestDefaultsGiveAWorkingSite(t *testing.T) {
	c, rest, err := Parse("serve", nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.BaseURL != "http://localhost:8080" || c.DB != "data/lede.db" || !c.Demo || len(rest) != 0 {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestEnvAndFlags(t *testing.T) {
	t.Setenv("LEDE_ADDR", "127.0.0.1:9000")
	t.Setenv("LEDE_DB", "postgres://u:secret@db/lede")
	c, rest, err := Parse("import", []string{"--data", "/tmp/x", "file.ndjson"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9000" || c.Data != "/tmp/x" || c.DB != "postgres://u:secret@db/lede" || rest[0] != "file.ndjson" {
		t.Fatalf("%+v %v", c, rest)
	}
	if r := Redact(c.DB); strings.Contains(r, "secret") {
		t.Fatalf("Redact kept the password: %s", r)
	}
}

func TestBadValuesAreReported(t *testing.T) {
	_, _, err := Parse("serve", []string{"--addr", "nope", "--base-url", "ftp://x/y", "--trusted-proxies", "banana",
		"--log-level", "loud", "--cache-pages", "-1"}, io.Discard)
	if err == nil {
		t.Fatal("bad values accepted")
	}
	for _, want := range []string{"addr", "base-url", "trusted-proxies", "log-level", "cache-pages"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s: %v", want, err)
		}
	}
}
