package e2e

import (
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/testdb"
)

// Two nodes on one PostgreSQL database: a comment posted on one shows on the
// other's cached page, the rate limit holds across them, and a reply
// notification is mailed once in all.
func TestCommentsTwoNodesE2E(t *testing.T) {
	if os.Getenv(testdb.EnvPostgres) == "" {
		t.Skip(testdb.EnvPostgres + " not set")
	}
	dsn := testdb.PostgresDSN(t)
	nodes := startNodes(t, 2, dsn, "--comments", "first-held=0,reader-limit=3")
	a, b := nodes[0], nodes[1]
	art := commentArticleID(t, b) // cached on b now
	alice := signUpReader(t, a, "alice@example.org", "Alice")
	bob := signUpReader(t, a, "bob@example.org", "Bob")
	alice.do("POST", "/fr/account/settings", url.Values{"name": {"Alice"}, "notify": {"1"}, "csrf": {alice.me().CSRF}})

	c1 := postComment(t, alice, art, "", "Posté sur le premier nœud")
	visible := func(n *server, text string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			if _, page := get(t, n.URL+commentArticle, readerUA); strings.Contains(page, text) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %q not shown", n.URL, text)
			}
		}
	}
	visible(b, "Posté sur le premier nœud")

	// Bob, signed in on a, replies through b (same database, same session).
	bobB := newReaderClient(t, b.URL)
	u, _ := url.Parse(a.URL)
	ub, _ := url.Parse(b.URL)
	bobB.c.Jar.SetCookies(ub, bob.c.Jar.Cookies(u))
	postComment(t, bobB, art, c1, "Réponse par le second nœud")
	visible(a, "Réponse par le second nœud")

	// The limit of 3 per reader holds across the nodes.
	postComment(t, alice, art, "", "deux")
	aliceB := newReaderClient(t, b.URL)
	aliceB.c.Jar.SetCookies(ub, alice.c.Jar.Cookies(u))
	postComment(t, aliceB, art, "", "trois")
	resp, body := aliceB.do("POST", "/fr/comments/new", url.Values{"article": {art}, "body": {"quatre"}, "csrf": {aliceB.me().CSRF}})
	if resp.StatusCode != 429 || !strings.Contains(body, "quatre") {
		t.Fatalf("fourth comment across nodes: %s", resp.Status)
	}

	// One reply, one mail, whichever node ran the job.
	var n int
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if n = len(replyMails(t, a, "alice@example.org")) + len(replyMails(t, b, "alice@example.org")); n > 0 {
			break
		}
	}
	time.Sleep(time.Second) // a second node sending it again would have by now
	if n = len(replyMails(t, a, "alice@example.org")) + len(replyMails(t, b, "alice@example.org")); n != 1 {
		t.Fatalf("%d reply mails; want 1", n)
	}
}
