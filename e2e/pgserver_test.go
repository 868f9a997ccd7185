package e2e

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/lede-news/lede/internal/testdb"
)

// pgServer is a PostgreSQL cluster of the test's own, in a temporary
// folder on a free port: the test may stop and start it without touching
// the machine's shared server.
type pgServer struct {
	DSN  string
	dir  string
	bin  string
	port string
	as   string // run the binaries as this user ("" for the current one)
}

// privatePostgres initialises and starts a private cluster. Without the
// PostgreSQL server binaries it skips, unless LEDE_TEST_POSTGRES is set:
// then PostgreSQL tests are mandatory and it fails.
func privatePostgres(t *testing.T) *pgServer {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Strings(bins)
	if len(bins) == 0 {
		if os.Getenv(testdb.EnvPostgres) != "" {
			t.Fatal("PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) not found, and " + testdb.EnvPostgres + " is set")
		}
		t.Skip("PostgreSQL server binaries not found")
	}
	s := &pgServer{bin: filepath.Dir(bins[len(bins)-1])}
	// A folder of its own rather than t.TempDir(): the server may have to
	// run as another user, who cannot enter the test's private folders.
	dir, err := os.MkdirTemp("", "lede-pg-")
	if err != nil {
		t.Fatal(err)
	}
	s.dir = dir
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		// initdb refuses to run as root.
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatal("running as root and there is no postgres user to run PostgreSQL as: ", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		s.as = "postgres"
	}
	_, port, _ := net.SplitHostPort(freeAddr(t))
	s.port = port
	s.DSN = fmt.Sprintf("postgres://postgres@127.0.0.1:%s/postgres?sslmode=disable", port)
	if out, err := s.run("initdb", "-D", s.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
		"--locale=C", "--no-sync"); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	s.start(t)
	t.Cleanup(func() { s.run("pg_ctl", "-D", s.data(), "-m", "immediate", "-w", "stop") })
	return s
}

func (s *pgServer) data() string { return filepath.Join(s.dir, "data") }

func (s *pgServer) run(name string, args ...string) (string, error) {
	path := filepath.Join(s.bin, name)
	var cmd *exec.Cmd
	if s.as != "" {
		cmd = exec.Command(runuser(), append([]string{"-u", s.as, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = s.dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// start starts the server and waits until it accepts connections.
func (s *pgServer) start(t *testing.T) {
	t.Helper()
	opts := strings.Join([]string{"-p", s.port, "-k", s.dir, "-c", "listen_addresses=127.0.0.1",
		"-c", "fsync=off", "-c", "full_page_writes=off", "-c", "max_connections=100"}, " ")
	if out, err := s.run("pg_ctl", "-D", s.data(), "-l", filepath.Join(s.dir, "log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
}

// crash stops the server at once, as a crash or a kill would: clients'
// connections drop and new ones are refused.
func (s *pgServer) crash(t *testing.T) {
	t.Helper()
	if out, err := s.run("pg_ctl", "-D", s.data(), "-m", "immediate", "-w", "stop"); err != nil {
		t.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}

// freeze stops the server's processes (SIGSTOP) without closing anything:
// connections stay open and new ones are accepted by the kernel but never
// answered, as with a hung server or a network that drops packets.
func (s *pgServer) freeze(t *testing.T) { s.signal(t, syscall.SIGSTOP) }

// thaw resumes a frozen server.
func (s *pgServer) thaw(t *testing.T) { s.signal(t, syscall.SIGCONT) }

// signal sends sig to the postmaster (by the PID in its postmaster.pid) and
// to its children (by their parent PID in /proc).
func (s *pgServer) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.data(), "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pm, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil || pm <= 1 {
		t.Fatalf("postmaster.pid: %q", b)
	}
	pids := []int{pm}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		// pid (comm) state ppid …: comm may hold spaces, so read after the last ')'.
		rest := string(b[strings.LastIndexByte(string(b), ')')+1:])
		fields := strings.Fields(rest)
		if len(fields) > 1 && fields[1] == strconv.Itoa(pm) {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
			pids = append(pids, pid)
		}
	}
	for _, pid := range pids {
		syscall.Kill(pid, sig)
	}
}

// runuser finds util-linux's runuser even when PATH lacks the sbin folders.
func runuser() string {
	if p, err := exec.LookPath("runuser"); err == nil {
		return p
	}
	for _, p := range []string{"/usr/sbin/runuser", "/sbin/runuser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "runuser"
}
