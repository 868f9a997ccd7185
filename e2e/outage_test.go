package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
)

var articleLinkRE = regexp.MustCompile(`href="(/fr/[a-z-]+/[a-z0-9-]+)"`)

// PostgreSQL crashes under a running node and comes back: cached pages keep
// being served, other requests get a 503 page at once (no hang, no crash),
// /healthz says so, the log says so once rather than per request, views
// counted meanwhile are written when the database is back, and the node
// reconnects by itself.
func TestPostgresOutage(t *testing.T) {
	pg := privatePostgres(t)
	n := start(t, "", "--db", pg.DSN)

	_, home := get(t, n.URL+"/fr/", readerUA)
	var paths []string
	for _, m := range articleLinkRE.FindAllStringSubmatch(home, -1) {
		if !strings.HasPrefix(m[1], "/fr/tags/") && !strings.HasPrefix(m[1], "/fr/authors/") && !contains(paths, m[1]) {
			paths = append(paths, m[1])
		}
	}
	if len(paths) < 3 {
		t.Fatalf("want 3 article links on /fr/, found %v", paths)
	}
	warm, cold, search := paths[0], paths[1], "/fr/search?q=otan"
	for _, p := range []string{"/en/", warm} {
		if code, _ := get(t, n.URL+p, readerUA); code != 200 {
			t.Fatalf("%s: %d", p, code)
		}
	}

	d, err := db.Open(context.Background(), pg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var id int64
	slug := warm[strings.LastIndex(warm, "/")+1:]
	if err := d.QueryRow(context.Background(), `SELECT id FROM articles WHERE slug = ?`, slug).Scan(&id); err != nil {
		t.Fatal(err)
	}
	stored := func() (int64, error) {
		var v int64
		err := d.QueryRow(context.Background(), `SELECT COALESCE((SELECT n FROM view_totals WHERE article_id = ?), 0)`, id).Scan(&v)
		return v, err
	}
	time.Sleep(2 * time.Second) // the warming read is flushed
	base, err := stored()
	if err != nil {
		t.Fatal(err)
	}

	pg.crash(t)
	outage := time.Now()

	// A client that gives up long after any sane answer: a hang fails.
	client := &http.Client{Timeout: 30 * time.Second, CheckRedirect: noRedirect.CheckRedirect}
	fetch := func(path, ua string) (int, string, http.Header) {
		t.Helper()
		req, _ := http.NewRequest("GET", n.URL+path, nil)
		req.Header.Set("User-Agent", ua)
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %s during the outage: %v\n%s", path, err, n.log)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b), res.Header
	}

	// Cached pages are served, and their reads counted.
	const readers = 25
	for i := range readers {
		if code, _, _ := fetch(warm, fmt.Sprintf("%s outage-%d", readerUA, i)); code != 200 {
			t.Fatalf("cached article %s during the outage: %d", warm, code)
		}
	}
	for _, p := range []string{"/fr/", "/en/"} {
		if code, _, _ := fetch(p, readerUA); code != 200 {
			t.Errorf("cached page %s during the outage: %d", p, code)
		}
	}
	// Anything else: a clear 503 page in the edition's language, many times.
	for i := range 20 {
		for _, p := range []string{cold, search} {
			code, body, h := fetch(p, readerUA)
			if code != http.StatusServiceUnavailable {
				t.Fatalf("uncached %s during the outage: %d, want 503\n%.300s", p, code, body)
			}
			if i == 0 {
				if !strings.Contains(body, "temporairement indisponible") {
					t.Errorf("503 page for %s does not say the site is temporarily unavailable:\n%.2000s", p, body)
				}
				if h.Get("Retry-After") == "" || h.Get("Cache-Control") != "no-store" {
					t.Errorf("503 for %s: Retry-After %q, Cache-Control %q", p, h.Get("Retry-After"), h.Get("Cache-Control"))
				}
			}
		}
	}
	code, body, _ := fetch("/healthz", "probe")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "database unavailable") {
		t.Errorf("/healthz during the outage: %d %q", code, body)
	}
	if code, body, _ := fetch("/admin/signin", readerUA); code != http.StatusServiceUnavailable && code != 200 {
		t.Errorf("/admin/signin during the outage: %d\n%.300s", code, body)
	}
	// A session or a token that cannot be checked is not taken for an
	// invalid one: the newsroom and the API answer 503, not "sign in again".
	for _, c := range []struct{ path, header, value string }{
		{"/admin/", "Cookie", "lede_session=some-session"},
		{"/api/v1/articles", "Authorization", "Bearer lede_sometoken"},
	} {
		req, _ := http.NewRequest("GET", n.URL+c.path, nil)
		req.Header.Set(c.header, c.value)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("%s with a %s during the outage: %d, want 503", c.path, c.header, res.StatusCode)
		}
	}
	time.Sleep(3 * time.Second) // several failed flushes, polls and job claims
	t.Logf("outage lasted %s", time.Since(outage).Round(time.Millisecond))
	if n.cmd.ProcessState != nil {
		t.Fatalf("the node exited during the outage:\n%s", n.log)
	}

	pg.start(t)
	// The node reconnects by itself.
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, _, _ := fetch("/healthz", "probe")
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz still %d 30 s after PostgreSQL came back:\n%s", code, n.log)
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, p := range []string{cold, search} {
		if code, _, _ := fetch(p, readerUA); code != 200 {
			t.Errorf("%s after the outage: %d", p, code)
		}
	}
	// The views counted during the outage reach the database.
	deadline = time.Now().Add(15 * time.Second)
	for {
		got, err := stored()
		if err == nil && got == base+readers {
			break
		}
		if err == nil && got > base+readers {
			t.Fatalf("views stored: %d, want %d: counted twice?", got, base+readers)
		}
		if time.Now().After(deadline) {
			t.Fatalf("views stored: %d (err %v), want %d: the outage's views were lost\n%s", got, err, base+readers, n.log)
		}
		time.Sleep(200 * time.Millisecond)
	}

	// One line when the outage starts and one when it ends, per part, not
	// one per request or per retry.
	log := n.log.String()
	for _, part := range []string{"web", "views", "changes", "jobs"} {
		down := strings.Count(log, "msg=\"database unavailable\" part="+part)
		up := strings.Count(log, "msg=\"database back\" part="+part)
		if down > 1 || up > 1 || (part == "web" && (down != 1 || up != 1)) {
			t.Errorf("%s: %d unavailable and %d back lines, want one each at most", part, down, up)
		}
	}
	if strings.Count(log, "level=WARN")+strings.Count(log, "level=ERROR") > 20 {
		t.Errorf("the outage logged too much:\n%s", log)
	}

	// PostgreSQL hangs (a frozen server, or a network that drops packets):
	// a request the cache cannot answer gets its 503 page after a bounded
	// wait, not a hung connection.
	pg.freeze(t)
	code, body, _ = fetch(paths[2], readerUA)
	if code != http.StatusServiceUnavailable {
		t.Errorf("uncached %s while PostgreSQL hangs: %d, want 503\n%.300s", paths[2], code, body)
	}
	if code, _, _ := fetch(warm, readerUA); code != 200 {
		t.Errorf("cached %s while PostgreSQL hangs: %d", warm, code)
	}
	if code, _, _ := fetch("/healthz", "probe"); code != http.StatusServiceUnavailable {
		t.Errorf("/healthz while PostgreSQL hangs: %d", code)
	}
	pg.thaw(t)
	deadline = time.Now().Add(30 * time.Second)
	for {
		code, _, _ := fetch(paths[2], readerUA)
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still %d 30 s after PostgreSQL resumed", paths[2], code)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("node log:\n%s", n.log)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
