// Package e2e drives the real lede binary over HTTP and in headless
// Chromium. The browser tests run when LEDE_TEST_BROWSER names the Chromium
// binary, and must pass then: a missing browser fails them.
package e2e

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "lede-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "lede")
	build := exec.Command("go", "build", "-o", binary, "../cmd/lede")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: build failed:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running lede serve process.
type server struct {
	URL  string
	Data string
	cmd  *exec.Cmd
	log  *bytes.Buffer
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// start runs `lede serve` on a free port with data in dir (a new temp folder
// when empty) and waits until it answers.
func start(t testing.TB, dir string, args ...string) *server {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	addr := freeAddr(t)
	s := &server{URL: "http://" + addr, Data: dir, log: &bytes.Buffer{}}
	s.cmd = exec.Command(binary, append([]string{"serve", "--addr", addr, "--data", dir, "--base-url", s.URL}, args...)...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.stop(t) })
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(s.URL + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return s
			}
		}
		if s.cmd.ProcessState != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("lede serve did not come up:\n%s", s.log)
	return nil
}

// stop sends SIGTERM and waits for the process to flush and exit.
func (s *server) stop(t testing.TB) {
	if s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("lede serve exited with %v:\n%s", err, s.log)
		}
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		t.Errorf("lede serve did not stop on SIGTERM:\n%s", s.log)
	}
}

// kill stops the process the hard way, as a crash would.
func (s *server) kill() {
	s.cmd.Process.Kill()
	s.cmd.Wait()
}

// noRedirect is an HTTP client that reports redirects instead of following.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
