package e2e

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var commentBodyRE = regexp.MustCompile(`<div class="comment-body"><p>([^<]*)</p>`)

func commentBodies(t *testing.T, s *server, query string) []string {
	t.Helper()
	_, body := get(t, s.URL+commentArticle+query, readerUA)
	var out []string
	for _, m := range commentBodyRE.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// Sorting and paging are cached variants of the page; the buttons name the
// configured providers in the edition's language; cards count comments.
func TestCommentPagesE2E(t *testing.T) {
	t.Setenv("LEDE_OAUTH_GOOGLE_CLIENT_ID", "client")
	t.Setenv("LEDE_OAUTH_GOOGLE_CLIENT_SECRET", "secret")
	s := start(t, "", "--comments", "first-held=0,page-size=2")
	art := commentArticleID(t, s)
	alice := signUpReader(t, s, "alice@example.org", "Alice")
	bob := signUpReader(t, s, "bob@example.org", "Bob")
	var ids []string
	for _, b := range []string{"un", "deux", "trois", "quatre", "cinq"} {
		ids = append(ids, postComment(t, alice, art, "", b))
	}
	if resp, _ := bob.do("POST", "/fr/comments/"+ids[3]+"/like", url.Values{"csrf": {bob.me().CSRF}}); resp.StatusCode != 303 {
		t.Fatalf("like: %s", resp.Status)
	}
	check := func(query string, want ...string) {
		t.Helper()
		for range 2 { // rendered, then from the cache
			if got := commentBodies(t, s, query); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("%q shows %q; want %q", query, got, want)
			}
		}
	}
	check("", "un", "deux")
	check("?page=3", "cinq")
	check("?sort=newest", "cinq", "quatre")
	check("?sort=liked&page=1", "quatre", "un")
	check("?sort=oldest&page=2", "trois", "quatre")
	for _, q := range []string{"?sort=bogus", "?page=4", "?sort=newest&page=9999"} {
		if status, _ := get(t, s.URL+commentArticle+q, readerUA); status != 404 {
			t.Fatalf("%s: %d, want 404 (only pages that exist are rendered and cached)", q, status)
		}
	}
	_, page := get(t, s.URL+commentArticle, readerUA)
	for _, want := range []string{"5 commentaires", "Page 1 sur 3", "Commenter avec un compte du site", "Commenter via Google",
		`href="/fr/account/oauth/google?next=` + url.QueryEscape("/fr/comments/new?article="+art) + `"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("article page lacks %q", want)
		}
	}
	// The section's list counts the comments on the card.
	if _, list := get(t, s.URL+"/fr/defense", readerUA); !strings.Contains(list, `#discussion">5 commentaires</a>`) {
		t.Fatal("no comment count on the card")
	}

	// The English edition speaks English.
	en := regexp.MustCompile(`hreflang="en" href="[^"]*(/en/[^"]+)"`).FindStringSubmatch(page)
	if en == nil {
		t.Fatal("no English translation link")
	}
	_, enPage := get(t, s.URL+en[1], readerUA)
	for _, want := range []string{"No comments yet", "Comment with a site account", "Comment via Google"} {
		if !strings.Contains(enPage, want) {
			t.Fatalf("English article page lacks %q", want)
		}
	}
	enArt := articleIDRE.FindStringSubmatch(enPage)[1]
	resp, body := alice.do("POST", "/en/comments/new", url.Values{"article": {enArt}, "body": {"hello"}})
	if resp.StatusCode != 403 || !strings.Contains(body, "Your form has expired") || !strings.Contains(body, "hello") {
		t.Fatalf("English refusal: %s", resp.Status)
	}
}

// A comment on an article unpublished since the page was read is refused
// with a clear message and its text handed back.
func TestCommentUnpublishedE2E(t *testing.T) {
	s := start(t, "", "--comments", "first-held=0")
	d := openDB(t, s)
	art := commentArticleID(t, s)
	alice := signUpReader(t, s, "alice@example.org", "Alice")
	postComment(t, alice, art, "", "avant")
	if _, err := d.Exec(context.Background(), `UPDATE articles SET status = 'draft' WHERE id = ?`, art); err != nil {
		t.Fatal(err)
	}
	unchanged(t, d, "comment on an unpublished article", 404, "n’est pas publié", func() (int, string) {
		resp, body := alice.do("POST", "/fr/comments/new", url.Values{"article": {art}, "body": {"mon texte précieux"}, "csrf": {alice.me().CSRF}, "conduct": {"1"}})
		if !strings.Contains(body, "mon texte précieux") {
			t.Fatal("the text was lost")
		}
		return resp.StatusCode, body
	})
}
