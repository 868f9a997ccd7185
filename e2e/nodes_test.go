package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

// Three nodes against one PostgreSQL database: they migrate it once when
// started together, see a publication on another node within a second, add
// their view counts up exactly, and publish a scheduled article once.
func TestThreeNodes(t *testing.T) {
	if os.Getenv(testdb.EnvPostgres) == "" {
		t.Skip(testdb.EnvPostgres + " not set")
	}
	dsn := testdb.PostgresDSN(t)
	nodes := startNodes(t, 3, dsn)
	d, err := db.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var editions int
	d.QueryRow(context.Background(), `SELECT count(*) FROM editions`).Scan(&editions)
	if editions != 2 {
		t.Fatalf("%d editions after three nodes started: demo content loaded more than once?", editions)
	}

	// Freshness: cache the home page everywhere, publish, read everywhere.
	for _, n := range nodes {
		get(t, n.URL+"/fr/", readerUA)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "new.ndjson")
	now := time.Now().UTC().Add(-time.Minute).Format(time.RFC3339)
	os.WriteFile(file, []byte(fmt.Sprintf(`{"type":"article","id":"n-1","edition":"fr","section":"defense","slug":"depeche-fraiche","headline":"Dépêche fraîche","body":"Texte.","authors":["claire-duval"],"published_at":%q}`+"\n", now)), 0o644)
	if code, out, errs := lede(t, "", "import", "--db", dsn, file); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	published := time.Now()
	for _, n := range nodes[1:] {
		for {
			code, _ := get(t, n.URL+"/fr/defense/depeche-fraiche", readerUA)
			_, home := get(t, n.URL+"/fr/", readerUA)
			if code == 200 && strings.Contains(home, "Dépêche fraîche") {
				break
			}
			if time.Since(published) > time.Second {
				t.Fatalf("%s: article not visible a second after publication (page %d)", n.URL, code)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	// Counts: 3 × 20 distinct readers spread over the nodes add up exactly.
	path := "/fr/defense/depeche-fraiche"
	time.Sleep(2500 * time.Millisecond) // let the reads above reach every node
	base := shownCount(t, nodes[0], path)
	for i := range 60 {
		n := nodes[i%3]
		if code, _ := get(t, n.URL+path, fmt.Sprintf("%s spread-%d", readerUA, i)); code != 200 {
			t.Fatalf("read %d: %d", i, code)
		}
	}
	time.Sleep(3 * time.Second) // a flush a second, then each node reads the others' totals
	for _, n := range nodes {
		if got := shownCount(t, n, path); got != base+60 {
			t.Errorf("%s shows %d, want %d", n.URL, got, base+60)
		}
	}

	// Exactly once: a scheduled article is published by one node.
	at := time.Now().Add(2 * time.Second).UTC().Truncate(time.Second).Add(time.Second)
	os.WriteFile(file, []byte(fmt.Sprintf(`{"type":"article","id":"n-2","edition":"fr","section":"defense","slug":"a-heure-dite","headline":"À l'heure dite","body":"Texte.","authors":["claire-duval"],"published_at":%q}`+"\n", at.Format(time.RFC3339))), 0o644)
	if code, out, errs := lede(t, "", "import", "--db", dsn, file); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	time.Sleep(time.Until(at) + 2*time.Second)
	var done, attempts int
	d.QueryRow(context.Background(), `SELECT count(*), COALESCE(sum(attempts), 0) FROM jobs WHERE key LIKE 'publish:%' AND done_at IS NOT NULL`).Scan(&done, &attempts)
	if done != 1 || attempts != 1 {
		t.Fatalf("scheduled publication: %d jobs done in %d attempts, want 1 in 1", done, attempts)
	}
	for _, n := range nodes {
		if code, _ := get(t, n.URL+"/fr/defense/a-heure-dite", readerUA); code != 200 {
			t.Errorf("%s: scheduled article answered %d after its time", n.URL, code)
		}
	}
}

// startNodes starts n nodes at once against the PostgreSQL database dsn,
// each with args, and stops the test if any did not come up.
func startNodes(t *testing.T, n int, dsn string, args ...string) []*server {
	t.Helper()
	nodes := make([]*server, n)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Add(1)
		go func() { defer wg.Done(); nodes[i] = start(t, "", append([]string{"--db", dsn}, args...)...) }()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return nodes
}
