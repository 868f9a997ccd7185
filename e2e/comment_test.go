package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
)

const commentArticle = "/fr/defense/conseillers-securite-prolongation-new-start"

// signUpReader creates a verified reader through the real sign-up flow:
// the form, then the link in the mail the binary wrote to DATA/mail.
func signUpReader(t *testing.T, s *server, email, name string) *readerClient {
	t.Helper()
	rc := newReaderClient(t, s.URL)
	resp, body := rc.do("POST", "/fr/account/signup", url.Values{"name": {name}, "email": {email}, "password": {"correct horse battery"}})
	if resp.StatusCode != 303 {
		t.Fatalf("sign-up %s: %s\n%s", email, resp.Status, body)
	}
	u, _ := url.Parse(lastMailLink(t, s.Data, email))
	if resp, _ := rc.do("POST", u.RequestURI(), url.Values{}); resp.StatusCode != 200 {
		t.Fatalf("verify %s: %s", email, resp.Status)
	}
	if m := rc.me(); !m.Verified {
		t.Fatalf("%s not verified: %+v", email, m)
	}
	return rc
}

var articleIDRE = regexp.MustCompile(`class="comments" data-article="(\d+)"`)

func commentArticleID(t *testing.T, s *server) string {
	t.Helper()
	_, body := get(t, s.URL+commentArticle, readerUA)
	m := articleIDRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no discussion on the article page")
	}
	return m[1]
}

// openDB opens the database file the binary uses, beside it.
func openDB(t *testing.T, s *server) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), filepath.Join(s.Data, "lede.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// commentState is every row of the comment tables, to show that a refused
// action changed nothing.
func commentState(t *testing.T, d *db.DB) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id || ' ' || COALESCE(parent_id, 0) || ' ' || COALESCE(reader_id, 0) || ' ' || author_name || ' ' || body || ' ' || status || ' ' ||
			held_reason || ' ' || hidden || ' ' || likes || ' ' || flags || ' ' || edited_at FROM comments ORDER BY id`,
		`SELECT comment_id || ' ' || reader_id FROM comment_likes ORDER BY comment_id, reader_id`,
		`SELECT comment_id || ' ' || reader_id || ' ' || reason FROM comment_flags ORDER BY comment_id, reader_id`,
		`SELECT id || ' ' || conduct_at FROM readers ORDER BY id`,
	} {
		rows, err := d.Query(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			b.WriteString(s + "\n")
		}
		rows.Close()
	}
	return b.String()
}

// unchanged runs a refused action and checks its status, its message and
// that no comment, like, flag or acceptance changed.
func unchanged(t *testing.T, d *db.DB, what string, status int, message string, do func() (int, string)) {
	t.Helper()
	before := commentState(t, d)
	got, body := do()
	if got != status || !strings.Contains(body, message) {
		t.Fatalf("%s: %d, want %d with %q:\n%.2000s", what, got, status, message, body)
	}
	if after := commentState(t, d); after != before {
		t.Fatalf("%s changed the comments:\nbefore\n%s\nafter\n%s", what, before, after)
	}
}

// replyMails are the reply notifications the binary wrote for address.
func replyMails(t *testing.T, s *server, address string) []string {
	var out []string
	for _, m := range mailsTo(t, s.Data, address) {
		if strings.HasPrefix(m, "Nouvelle réponse") {
			out = append(out, m)
		}
	}
	return out
}

var commentIDRE = regexp.MustCompile(`#c(\d+)$`)

// postForm posts a comment the way a browser without JavaScript does and
// returns the new comment's id from the redirect.
func postComment(t *testing.T, rc *readerClient, article, parent, body string) string {
	t.Helper()
	form := url.Values{"article": {article}, "parent": {parent}, "body": {body}, "csrf": {rc.me().CSRF}, "conduct": {"1"}, "website": {""}}
	resp, page := rc.do("POST", "/fr/comments/new", form)
	if resp.StatusCode != 303 {
		t.Fatalf("post %q: %s\n%.2000s", body, resp.Status, page)
	}
	m := commentIDRE.FindStringSubmatch(resp.Header.Get("Location"))
	if m == nil || !strings.HasPrefix(resp.Header.Get("Location"), commentArticle) {
		t.Fatalf("post redirected to %q", resp.Header.Get("Location"))
	}
	return m[1]
}

func TestCommentsE2E(t *testing.T) {
	s := start(t, "", "--comments", "first-held=0,flags=2")
	d := openDB(t, s)
	art := commentArticleID(t, s)
	alice := signUpReader(t, s, "alice@example.org", "Alice")
	bob := signUpReader(t, s, "bob@example.org", "Bob")
	carol := signUpReader(t, s, "carol@example.org", "Carol")
	anon := newReaderClient(t, s.URL)

	// Signed out: the form page sends to sign-in and back.
	resp, _ := anon.do("GET", "/fr/comments/new?article="+art, nil)
	if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/fr/account/signin?next=") {
		t.Fatalf("signed-out form: %s %s", resp.Status, resp.Header.Get("Location"))
	}
	// The form page offers the code of conduct to a first-time commenter.
	resp, page := alice.do("GET", "/fr/comments/new?article="+art, nil)
	if resp.StatusCode != 200 || !strings.Contains(page, `href="/fr/conduct"`) || !strings.Contains(page, "J’ai lu et j’accepte les règles de conduite") ||
		!strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
		t.Fatalf("form page: %s %q", resp.Status, resp.Header.Get("Cache-Control"))
	}
	unchanged(t, d, "post without accepting the code of conduct", 403, "accepter les règles de conduite", func() (int, string) {
		resp, body := alice.do("POST", "/fr/comments/new", url.Values{"article": {art}, "body": {"hello"}, "csrf": {alice.me().CSRF}})
		return resp.StatusCode, body
	})

	// Post without JavaScript: the redirect lands on the comment, shown at once.
	c1 := postComment(t, alice, art, "", "Premier *avis* : https://example.org/x")
	if !alice.me().ConductAccepted {
		t.Fatal("the code of conduct was not recorded")
	}
	_, body := get(t, s.URL+commentArticle, readerUA)
	if !strings.Contains(body, `id="c`+c1+`"`) || !strings.Contains(body, "Premier <em>avis</em>") ||
		!strings.Contains(body, `rel="nofollow ugc"`) || !strings.Contains(body, "1 commentaire") {
		t.Fatal("the new comment is not on the article page")
	}
	if strings.Contains(body, alice.me().CSRF) {
		t.Fatal("the shared article page carries a reader's token")
	}

	// Replies, with the depth limit: the fourth level attaches to the third.
	// Alice asked to be told of replies: one mail, in French, with a link.
	if resp, body := alice.do("POST", "/fr/account/settings", url.Values{"name": {"Alice"}, "notify": {"1"}, "csrf": {alice.me().CSRF}}); resp.StatusCode >= 400 {
		t.Fatalf("opt in: %s\n%.500s", resp.Status, body)
	}
	c2 := postComment(t, bob, art, c1, "Réponse de Bob")
	var mails []string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if mails = replyMails(t, s, "alice@example.org"); len(mails) > 0 {
			break
		}
	}
	if len(mails) != 1 || !strings.Contains(mails[0], "Bob a répondu à votre commentaire") ||
		!strings.Contains(mails[0], s.URL+commentArticle+"#c"+c2) || !strings.Contains(mails[0], "> Réponse de Bob") {
		t.Fatalf("reply mails to Alice: %q", mails)
	}
	c3 := postComment(t, carol, art, c2, "Réponse de Carol")
	c4 := postComment(t, alice, art, c3, "Trop profond")
	var parent int64
	d.QueryRow(context.Background(), `SELECT parent_id FROM comments WHERE id = ?`, c4).Scan(&parent)
	if fmt.Sprint(parent) != c2 {
		t.Fatalf("deep reply attached to %d; want %s", parent, c2)
	}

	// CSRF: no token, a wrong token, another reader's token.
	for _, token := range []string{"", "forged", bob.me().CSRF} {
		unchanged(t, d, "post with token "+token, 403, "Votre formulaire a expiré", func() (int, string) {
			resp, body := alice.do("POST", "/fr/comments/new", url.Values{"article": {art}, "body": {"csrf " + token}, "csrf": {token}})
			return resp.StatusCode, body
		})
	}
	// A cross-site POST is refused before the token is even looked at.
	unchanged(t, d, "cross-site post", 403, "", func() (int, string) {
		form := url.Values{"article": {art}, "body": {"cross-site"}, "csrf": {alice.me().CSRF}}
		req, _ := http.NewRequest("POST", s.URL+"/fr/comments/new", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		resp, err := alice.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, ""
	})
	unchanged(t, d, "like without a token", 403, "expiré", func() (int, string) {
		resp, body := bob.do("POST", "/fr/comments/"+c1+"/like", url.Values{})
		return resp.StatusCode, body
	})

	// Oversized: a clear message, the text handed back.
	long := strings.Repeat("mot ", 1250) + "fin"
	unchanged(t, d, "oversized comment", 413, "dépasse 5000 caractères", func() (int, string) {
		resp, body := alice.do("POST", "/fr/comments/new", url.Values{"article": {art}, "body": {long}, "csrf": {alice.me().CSRF}})
		if !strings.Contains(body, long) {
			t.Fatal("the oversized text was not handed back")
		}
		return resp.StatusCode, body
	})

	// Edit within the window, then not after it.
	resp, _ = alice.do("POST", "/fr/comments/"+c1+"/edit", url.Values{"body": {"Premier avis, corrigé"}, "csrf": {alice.me().CSRF}})
	if resp.StatusCode != 303 {
		t.Fatalf("edit: %s", resp.Status)
	}
	if _, body := get(t, s.URL+commentArticle, readerUA); !strings.Contains(body, "Premier avis, corrigé") || !strings.Contains(body, "modifié") {
		t.Fatal("the edit is not shown")
	}
	unchanged(t, d, "edit someone else's comment", 403, "n’est pas le vôtre", func() (int, string) {
		resp, body := bob.do("POST", "/fr/comments/"+c1+"/edit", url.Values{"body": {"pirate"}, "csrf": {bob.me().CSRF}})
		return resp.StatusCode, body
	})
	d.Exec(context.Background(), `UPDATE comments SET created_at = created_at - 3600 WHERE id = ?`, c1)
	unchanged(t, d, "edit after the window", 403, "15 minutes", func() (int, string) {
		resp, body := alice.do("POST", "/fr/comments/"+c1+"/edit", url.Values{"body": {"trop tard"}, "csrf": {alice.me().CSRF}})
		if !strings.Contains(body, "trop tard") {
			t.Fatal("the refused edit's text was not handed back")
		}
		return resp.StatusCode, body
	})

	// Like once.
	if resp, _ := bob.do("POST", "/fr/comments/"+c1+"/like", url.Values{"csrf": {bob.me().CSRF}}); resp.StatusCode != 303 {
		t.Fatalf("like: %s", resp.Status)
	}
	unchanged(t, d, "like twice", 409, "déjà fait", func() (int, string) {
		resp, body := bob.do("POST", "/fr/comments/"+c1+"/like", url.Values{"csrf": {bob.me().CSRF}})
		return resp.StatusCode, body
	})
	if _, body := get(t, s.URL+commentArticle, readerUA); !strings.Contains(body, "1 mention J’aime") {
		t.Fatal("the like is not counted on the page")
	}

	// Flags: the second reader's flag hides the comment until reviewed.
	for _, rc := range []*readerClient{alice, bob} {
		if resp, body := rc.do("POST", "/fr/comments/"+c3+"/flag", url.Values{"reason": {"abuse"}, "csrf": {rc.me().CSRF}}); resp.StatusCode != 200 ||
			!strings.Contains(body, "les modérateurs vont examiner") {
			t.Fatalf("flag: %s", resp.Status)
		}
	}
	if _, body := get(t, s.URL+commentArticle, readerUA); strings.Contains(body, "Réponse de Carol") || !strings.Contains(body, "Trop profond") {
		t.Fatal("the flagged comment is still shown (or another one is gone)")
	}
	unchanged(t, d, "reply to a hidden comment", 409, "n’est plus affiché", func() (int, string) {
		resp, body := bob.do("POST", "/fr/comments/new", url.Values{"article": {art}, "parent": {c3}, "body": {"à un masqué"}, "csrf": {bob.me().CSRF}})
		return resp.StatusCode, body
	})

	// Delete own; a reply to it is refused.
	if resp, _ := bob.do("POST", "/fr/comments/"+c2+"/delete", url.Values{"csrf": {bob.me().CSRF}}); resp.StatusCode != 200 {
		t.Fatalf("delete: %s", resp.Status)
	}
	if _, body := get(t, s.URL+commentArticle, readerUA); strings.Contains(body, "Réponse de Bob") || !strings.Contains(body, "Ce commentaire a été retiré.") ||
		!strings.Contains(body, "Trop profond") {
		t.Fatal("a deleted comment with a reply should leave a placeholder, its reply shown")
	}
	unchanged(t, d, "reply to a deleted comment", 409, "n’est plus affiché", func() (int, string) {
		resp, body := carol.do("POST", "/fr/comments/new", url.Values{"article": {art}, "parent": {c2}, "body": {"à un supprimé"}, "csrf": {carol.me().CSRF}})
		return resp.StatusCode, body
	})

	// Closed by an editor: refused with a clear message, the text kept.
	if _, err := d.Exec(context.Background(), `INSERT INTO comment_settings (scope, closed) VALUES (?, TRUE)`, "article:"+art); err != nil {
		t.Fatal(err)
	}
	unchanged(t, d, "comment on a closed article", 403, "Les commentaires sont fermés", func() (int, string) {
		resp, body := alice.do("POST", "/fr/comments/new", url.Values{"article": {art}, "body": {"fermé ?"}, "csrf": {alice.me().CSRF}})
		if !strings.Contains(body, "fermé ?") {
			t.Fatal("the refused text was not handed back")
		}
		return resp.StatusCode, body
	})
	// A cached article page is served without the comment tables.
	get(t, s.URL+commentArticle, readerUA)
	if _, err := d.Exec(context.Background(), `ALTER TABLE comments RENAME TO comments_away`); err != nil {
		t.Fatal(err)
	}
	resp, body = anon.do("GET", commentArticle, nil)
	d.Exec(context.Background(), `ALTER TABLE comments_away RENAME TO comments`)
	if resp.StatusCode != 200 || !strings.Contains(body, "Trop profond") {
		t.Fatalf("a cache hit needed the comments table: %s", resp.Status)
	}
	if mails := replyMails(t, s, "alice@example.org"); len(mails) != 1 {
		t.Fatalf("%d reply mails to Alice; want exactly 1", len(mails))
	}

	// The stored text is what was written.
	var stored string
	d.QueryRow(context.Background(), `SELECT body FROM comments WHERE id = ?`, c2).Scan(&stored)
	if stored != "Réponse de Bob" {
		t.Fatalf("stored %q", stored)
	}
}

// Floods from one account and from one address are refused with a clear
// message and store nothing.
func TestCommentFloodE2E(t *testing.T) {
	s := start(t, "", "--comments", "first-held=0,reader-limit=3,addr-limit=5")
	d := openDB(t, s)
	art := commentArticleID(t, s)
	alice := signUpReader(t, s, "alice@example.org", "Alice")
	bob := signUpReader(t, s, "bob@example.org", "Bob")
	for i := range 3 {
		postComment(t, alice, art, "", fmt.Sprint("message ", i))
	}
	unchanged(t, d, "flood from one account", 429, "beaucoup de commentaires en peu de temps", func() (int, string) {
		resp, body := alice.do("POST", "/fr/comments/new", url.Values{"article": {art}, "body": {"encore"}, "csrf": {alice.me().CSRF}})
		if resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "encore") {
			t.Fatal("no Retry-After, or the text was lost")
		}
		return resp.StatusCode, body
	})
	for i := range 2 {
		postComment(t, bob, art, "", fmt.Sprint("bob ", i))
	}
	unchanged(t, d, "flood from one address", 429, "depuis votre connexion", func() (int, string) {
		resp, body := bob.do("POST", "/fr/comments/new", url.Values{"article": {art}, "body": {"de trop"}, "csrf": {bob.me().CSRF}})
		return resp.StatusCode, body
	})
	// In English too.
	resp, body := bob.do("POST", "/en/comments/new", url.Values{"article": {art}, "body": {"x"}, "csrf": {bob.me().CSRF}})
	if resp.StatusCode != 404 {
		t.Fatalf("a French article under /en/: %s\n%.500s", resp.Status, body)
	}
}
