package e2e

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

// Two nodes on one PostgreSQL database: a comment approved on one node
// appears on the other's cached article page, flags posted on one hide it
// on both, and the moderator who asked gets exactly one email about them,
// however many nodes sweep for flags.
func TestModerationTwoNodes(t *testing.T) {
	if os.Getenv(testdb.EnvPostgres) == "" {
		t.Skip(testdb.EnvPostgres + " not set")
	}
	dsn := testdb.PostgresDSN(t)
	nodes := startNodes(t, 2, dsn, "--comments", "flags=2")
	d, err := db.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := (&account.Store{DB: d}).Create(context.Background(), account.NewUser{Email: "editor@lede.test", Name: "Édith",
		Role: account.RoleEditor, Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}

	a, b := nodes[0], nodes[1]
	path := firstArticle(t, a, "fr")
	_, page := get(t, a.URL+path, readerUA)
	article := modArticleRE.FindStringSubmatch(page)[1]

	// The moderator works on node b, and asks for flag emails.
	mod := newReaderClient(t, b.URL)
	if resp, body := mod.do("POST", "/admin/signin", url.Values{"email": {"editor@lede.test"}, "password": {"correct horse battery"}, "next": {"/admin/"}}); resp.StatusCode != 303 {
		t.Fatalf("moderator sign-in: %s\n%s", resp.Status, body)
	}
	if resp, _ := mod.do("POST", "/admin/comments/alerts", url.Values{"alerts": {"1"}}); resp.StatusCode != 303 {
		t.Fatalf("alerts: %s", resp.Status)
	}

	// A reader comments on node a; it is held (a first comment).
	zoe := signUpReader(t, a, "zoe@example.org", "Zoé")
	text := "Un commentaire approuvé sur un autre nœud."
	if code, body := zoe.postComment(article, text); code >= 400 {
		t.Fatalf("post: %d\n%s", code, body)
	}
	var id string
	d.QueryRow(context.Background(), `SELECT id FROM comments WHERE body = ?`, text).Scan(&id)
	for _, n := range nodes {
		waitPage(t, n, path, text, false) // both nodes have the page cached without it
	}
	if resp, _ := mod.do("POST", "/admin/comments/"+id+"/approve", url.Values{}); resp.StatusCode != 303 {
		t.Fatalf("approve: %s", resp.Status)
	}
	for _, n := range nodes {
		waitPage(t, n, path, text, true)
	}

	// Two readers flag it on node a: hidden on both nodes.
	for _, who := range []string{"yann", "ines"} {
		rc := signUpReader(t, a, who+"@example.org", who)
		if resp, body := rc.do("POST", "/fr/comments/"+id+"/flag", url.Values{"reason": {"spam"}, "csrf": {rc.me().CSRF}}); resp.StatusCode != 200 {
			t.Fatalf("flag: %s\n%s", resp.Status, body)
		}
	}
	for _, n := range nodes {
		waitPage(t, n, path, text, false)
	}

	// One email, from whichever node ran the job.
	emails := func() int {
		return len(mailsTo(t, a.Data, "editor@lede.test")) + len(mailsTo(t, b.Data, "editor@lede.test"))
	}
	deadline := time.Now().Add(40 * time.Second) // a sweep every 10 s on each node, then the runner
	for emails() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no flag email")
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(12 * time.Second) // both nodes sweep again
	if n := emails(); n != 1 {
		t.Fatalf("%d flag emails for one round of flags", n)
	}
	all := append(mailsTo(t, a.Data, "editor@lede.test"), mailsTo(t, b.Data, "editor@lede.test")...)
	if !strings.Contains(all[0], "spam (2)") || !strings.Contains(all[0], "/admin/comments?view=flagged#c"+id) {
		t.Fatalf("flag email:\n%s", all[0])
	}

	// Dismissed on node b: shown again on both.
	if resp, _ := mod.do("POST", "/admin/comments/"+id+"/dismiss", url.Values{}); resp.StatusCode != 303 {
		t.Fatalf("dismiss: %s", resp.Status)
	}
	for _, n := range nodes {
		waitPage(t, n, path, text, true)
	}
}
