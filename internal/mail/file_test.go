package mail

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Without SMTP, each message becomes one complete, private .eml file.
func TestSendToFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mail")
	s, err := New(Config{From: "Rédaction <news@example.com>", Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Development() {
		t.Fatal("no host, but not in development")
	}
	for range 2 {
		if err := s.Send(context.Background(), french); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("%d files, want 2 (and no temporary ones)", len(entries))
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".eml") || strings.HasPrefix(e.Name(), ".") {
			t.Errorf("file %q", e.Name())
		}
		info, _ := e.Info()
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600: it holds reset links", e.Name(), info.Mode().Perm())
		}
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		checkMessage(t, raw)
	}
}

func TestNewRefuses(t *testing.T) {
	if _, err := New(Config{From: "not an address", Dir: t.TempDir()}); err == nil {
		t.Error("bad From accepted")
	}
	if _, err := New(Config{From: "news@example.com"}); err == nil {
		t.Error("neither host nor folder accepted")
	}
	if err := (&Sender{cfg: Config{Dir: "/proc/no-such/mail"}}).writeFile([]byte("x")); err == nil {
		t.Error("unwritable folder accepted")
	}
}
