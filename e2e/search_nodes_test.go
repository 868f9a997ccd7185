package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

// Two nodes on one PostgreSQL database: an article published through one
// node's API is found by the other's search within a second, is gone from
// both at once when unpublished, and an embargoed (scheduled) one is found
// by neither before its time and by both after it.
func TestSearchAcrossNodes(t *testing.T) {
	if os.Getenv(testdb.EnvPostgres) == "" {
		t.Skip(testdb.EnvPostgres + " not set")
	}
	dsn := testdb.PostgresDSN(t)
	a := start(t, "", "--db", dsn)
	b := start(t, "", "--db", dsn)
	ctx := context.Background()
	d, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	users := &account.Store{DB: d}
	u, err := users.Create(ctx, account.NewUser{Email: "editor@lede.test", Name: "Editor", Role: account.RoleEditor, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := users.CreateAPIToken(ctx, u.ID, "e2e", []string{account.ScopeArticlesWrite})
	if err != nil {
		t.Fatal(err)
	}
	api := func(method, path, body string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(method, a.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		var out map[string]any
		if err := json.Unmarshal(raw, &out); err != nil || res.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, raw)
		}
		return out
	}
	found := func(n *server, q string) int {
		t.Helper()
		code, body := get(t, n.URL+"/fr/search.json?q="+q, readerUA)
		var res struct{ Total int }
		if err := json.Unmarshal([]byte(body), &res); code != 200 || err != nil {
			t.Fatalf("search on %s: %d %s", n.URL, code, body)
		}
		return res.Total
	}
	for _, n := range []*server{a, b} {
		if got := found(n, "zephyrin"); got != 0 {
			t.Fatalf("%s finds %d articles before publication", n.URL, got)
		}
	}

	// Published on a, found by b (typed without the accent) within a second.
	art := api("POST", "/api/v1/articles", `{"edition":"fr","section":"defense","headline":"Le vent zéphyrin souffle sur la rade","body":"Texte.","authors":["claire-duval"],"action":"publish"}`)
	published := time.Now()
	for found(b, "zephyrin") != 1 {
		if time.Since(published) > time.Second {
			t.Fatal("the other node does not find the article a second after publication")
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("found on the other node %v after publication", time.Since(published).Round(time.Millisecond))

	// Unpublished on a: the next search on either node does not find it.
	art["action"] = "unpublish"
	body, _ := json.Marshal(art)
	id := jsonID(t, art)
	api("PUT", "/api/v1/articles/"+id, string(body))
	for _, n := range []*server{b, a} {
		if got := found(n, "zephyrin"); got != 0 {
			t.Fatalf("%s still finds the unpublished article", n.URL)
		}
	}
	// Published again, found again; unpublished, gone again.
	art = api("GET", "/api/v1/articles/"+id, "")
	art["action"] = "publish"
	body, _ = json.Marshal(art)
	api("PUT", "/api/v1/articles/"+id, string(body))
	if found(a, "zephyrin") != 1 || found(b, "zephyrin") != 1 {
		t.Fatal("the republished article is not found on both nodes")
	}

	// Embargoed: scheduled through a for a few seconds ahead.
	at := time.Now().Add(4 * time.Second).UTC().Truncate(time.Second)
	api("POST", "/api/v1/articles", `{"edition":"fr","section":"defense","headline":"Annonce du catamaran Kerguelen","body":"Texte sous embargo.","authors":["claire-duval"],"action":"schedule","publish_at":"`+at.Format(time.RFC3339)+`"}`)
	for time.Until(at) > 300*time.Millisecond {
		for _, n := range []*server{a, b} {
			if got := found(n, "kerguelen"); got != 0 {
				t.Fatalf("%s finds the embargoed article %v before its time", n.URL, time.Until(at))
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(time.Until(at))
	for _, n := range []*server{a, b} {
		for found(n, "kerguelen") != 1 {
			if time.Since(at) > 3*time.Second { // the jobs runner polls every second
				var status string
				var pub int64
				d.QueryRow(ctx, `SELECT status, published_at FROM articles WHERE headline LIKE '%Kerguelen'`).Scan(&status, &pub)
				var jobs int
				d.QueryRow(ctx, `SELECT count(*) FROM jobs WHERE done_at IS NOT NULL`).Scan(&jobs)
				t.Fatalf("%s does not find the article after its embargo (%s, published_at %v, at %v, %d jobs done)", n.URL, status, time.Unix(pub, 0).UTC(), at, jobs)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// jsonID is the "id" of an API article, as a path segment.
func jsonID(t *testing.T, art map[string]any) string {
	t.Helper()
	f, ok := art["id"].(float64)
	if !ok {
		t.Fatalf("no id in %v", art)
	}
	return itoa(int(f))
}
