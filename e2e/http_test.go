package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

const readerUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"

func get(t *testing.T, url, ua string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("User-Agent", ua)
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

var (
	regexpShort = regexp.MustCompile(`id="short-url" type="text" readonly value="([^"]+)"`)
	countRE     = regexp.MustCompile(`id="view-count" data-count="(\d+)"`)
	linkRE      = regexp.MustCompile(`class="card-title"><a href="(/[a-z]+/[a-z0-9-]+/[a-z0-9-]+)"`)
)

func firstArticle(t *testing.T, s *server, edition string) string {
	t.Helper()
	_, body := get(t, s.URL+"/"+edition+"/", readerUA)
	m := linkRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no article link on /%s/", edition)
	}
	return m[1]
}

// shownCount reads the count from the page, as a reader (and a robot UA,
// so the read itself is not counted) sees it.
func shownCount(t *testing.T, s *server, path string) int {
	t.Helper()
	_, body := get(t, s.URL+path, "curl/8 probe")
	m := countRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no view count on %s", path)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// readers makes n distinct readers read path once each.
func readers(t *testing.T, s *server, path string, n int, tag string) {
	t.Helper()
	for i := range n {
		if code, _ := get(t, s.URL+path, fmt.Sprintf("%s %s-%d", readerUA, tag, i)); code != 200 {
			t.Fatalf("read %d: %d", i, code)
		}
	}
}

// Views survive SIGTERM exactly, and kill -9 loses at most the last second.
func TestViewsSurviveRestarts(t *testing.T) {
	dir := t.TempDir()
	s := start(t, dir)
	path := firstArticle(t, s, "fr")
	base := shownCount(t, s, path)

	readers(t, s, path, 25, "term")
	readers(t, s, path, 5, "term") // the same readers again: not counted
	s.stop(t)
	s = start(t, dir)
	if got := shownCount(t, s, path); got != base+25 {
		t.Fatalf("after SIGTERM: %d, want %d", got, base+25)
	}

	readers(t, s, path, 10, "kill")
	time.Sleep(1500 * time.Millisecond) // a flush happens every second
	s.kill()
	s = start(t, dir)
	if got := shownCount(t, s, path); got != base+35 {
		t.Fatalf("after kill -9 more than a second later: %d, want %d", got, base+35)
	}
}

func TestShortLinkOverHTTP(t *testing.T) {
	s := start(t, "")
	path := firstArticle(t, s, "en")
	_, body := get(t, s.URL+path, readerUA)
	m := regexpShort.FindStringSubmatch(body)
	if m == nil || !strings.HasPrefix(m[1], s.URL+"/s/") {
		t.Fatalf("no short URL on the page")
	}
	code, _ := get(t, m[1], readerUA)
	res, _ := noRedirect.Get(m[1])
	if code != 301 || res.Header.Get("Location") != path {
		t.Fatalf("short URL answered %d to %q, want 301 to %s", code, res.Header.Get("Location"), path)
	}
	for _, bad := range []string{"/s/nope", "/s/%2F%2Fevil.example", "/s/https:%2F%2Fevil.example", "/s/%5Cevil"} {
		if c, _ := get(t, s.URL+bad, readerUA); c != 404 {
			t.Errorf("%s answered %d, want 404", bad, c)
		}
	}
}

// rawRequest sends bytes as they are and returns the status line.
func rawRequest(t *testing.T, addr, req string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, req)
	line, _ := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(line)
}

func TestBadRequests(t *testing.T) {
	s := start(t, "")
	addr := strings.TrimPrefix(s.URL, "http://")
	cases := map[string]string{
		"GET /fr/ HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 100<<10) + "\r\n\r\n": "431",
		"GET /fr/%zz HTTP/1.1\r\nHost: x\r\n\r\n":                                             "400",
		"BREW /fr/ HTTP/1.1\r\nHost: x\r\n\r\n":                                               "405",
		"GET /fr/ HTTP/9.9\r\nHost: x\r\n\r\n":                                                "505",
		"POST /fr/ HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello":                     "405",
		"GET /" + strings.Repeat("a/", 3000) + "x HTTP/1.1\r\nHost: x\r\n\r\n":                "404",
		"GET /fr/defense/..%2F..%2Fetc%2Fpasswd HTTP/1.1\r\nHost: x\r\n\r\n":                  "404",
	}
	for req, want := range cases {
		if got := rawRequest(t, addr, req); !strings.Contains(got, " "+want+" ") {
			t.Errorf("%.60q… answered %q, want %s", req, got, want)
		}
	}
	for path, want := range map[string]int{"/fr/defense?page=0": 400, "/fr/defense?page=99999": 404, "/zz/": 404, "/fr/tags/": 301, "/fr/tags": 404} {
		if code, _ := get(t, s.URL+path, readerUA); code != want {
			t.Errorf("%s answered %d, want %d", path, code, want)
		}
	}
	if code, _ := get(t, s.URL+"/healthz", readerUA); code != 200 {
		t.Fatal("server unhealthy after bad requests")
	}
}

func lede(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "in.ndjson")
	os.WriteFile(file, []byte(`{"type":"edition","code":"de","name":"Lede","lang":"de","timezone":"Europe/Berlin"}
{"type":"section","edition":"de","slug":"politik","name":"Politik"}
{"type":"author","slug":"anna","name":"Anna"}
{"type":"article","id":"x-1","edition":"de","section":"politik","slug":"wahl","headline":"Wahl","body":"Text.","authors":["anna"],"published_at":"2026-11-20T10:00:00Z"}
{"type":"article","id":"x-2","edition":"de","section":"nope","slug":"b","headline":"B","body":"Text.","authors":["anna"],"published_at":"2026-11-20T10:00:00Z"}
not json
`), 0o644)
	args := []string{"import", "--data", dir, file}
	code, out, errs := lede(t, "", args...)
	if code != 1 || !strings.Contains(out, "4 created") || !strings.Contains(errs, "in.ndjson:5:") || !strings.Contains(errs, "in.ndjson:6:") {
		t.Fatalf("first import: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, _ = lede(t, "", args...)
	if code != 1 || !strings.Contains(out, "0 created, 0 updated, 4 unchanged, 2 refused") {
		t.Fatalf("second import: exit %d\n%s", code, out)
	}
	code, _, errs = lede(t, "", "import", "--data", dir)
	if code != 2 || !strings.Contains(errs, "FILE") {
		t.Fatalf("import without a file: exit %d %s", code, errs)
	}
	s := start(t, dir, "--demo=false")
	if c, body := get(t, s.URL+"/de/politik/wahl", readerUA); c != 200 || !strings.Contains(body, "Wahl") {
		t.Fatalf("imported article answered %d", c)
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	dir := t.TempDir()
	if code, out, errs := lede(t, "", "migrate", "--data", dir); code != 0 {
		t.Fatalf("migrate: %d %s %s", code, out, errs)
	}
	d, err := db.Open(context.Background(), filepath.Join(dir, "lede.db"))
	if err != nil {
		t.Fatal(err)
	}
	d.Exec(context.Background(), `INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)`)
	d.Close()
	code, _, errs := lede(t, "", "serve", "--data", dir, "--addr", freeAddr(t))
	if code == 0 || !strings.Contains(errs, "newer") {
		t.Fatalf("serve on a newer schema: exit %d, %s", code, errs)
	}
}

// The same site runs on PostgreSQL.
func TestServeOnPostgres(t *testing.T) {
	if os.Getenv(testdb.EnvPostgres) == "" {
		t.Skip(testdb.EnvPostgres + " not set")
	}
	s := start(t, "", "--db", testdb.PostgresDSN(t))
	path := firstArticle(t, s, "fr")
	if code, body := get(t, s.URL+path, readerUA); code != 200 || !strings.Contains(body, "Lire aussi") {
		t.Fatalf("%s on PostgreSQL answered %d", path, code)
	}
}

// An article imported by another process under embargo appears on the
// running site at its time, on its page and in the edition's latest list.
func TestEmbargoedArticleAppearsOnTime(t *testing.T) {
	dir := t.TempDir()
	s := start(t, dir)
	get(t, s.URL+"/fr/", readerUA) // the home page is now cached
	at := time.Now().Add(3 * time.Second).UTC().Truncate(time.Second)
	file := filepath.Join(dir, "emb.ndjson")
	os.WriteFile(file, []byte(fmt.Sprintf(`{"type":"article","id":"emb-1","edition":"fr","section":"defense","slug":"sous-embargo","headline":"Annonce sous embargo","body":"Texte.","authors":["claire-duval"],"published_at":%q}`+"\n", at.Format(time.RFC3339))), 0o644)
	if code, out, errs := lede(t, "", "import", "--data", dir, file); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	if code, _ := get(t, s.URL+"/fr/defense/sous-embargo", readerUA); code != 404 {
		t.Fatalf("embargoed page answered %d before its time", code)
	}
	if _, body := get(t, s.URL+"/fr/feed.xml", readerUA); strings.Contains(body, "Annonce sous embargo") {
		t.Fatal("embargoed article in the feed")
	}
	time.Sleep(time.Until(at) + 1500*time.Millisecond) // job poll and cache invalidation are each under a second
	if code, _ := get(t, s.URL+"/fr/defense/sous-embargo", readerUA); code != 200 {
		t.Fatalf("page answered %d after its time", code)
	}
	if _, body := get(t, s.URL+"/fr/", readerUA); !strings.Contains(body, "Annonce sous embargo") {
		t.Fatal("the home page does not list the article after its time")
	}
}
