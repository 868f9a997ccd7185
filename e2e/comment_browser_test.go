package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// every polls at an interval: requestAnimationFrame may not run in a
// headless tab that draws nothing.
var every = chromedp.WithPollingInterval(50 * time.Millisecond)

// A reader with JavaScript on accepts the code of conduct beside the form,
// comments, replies, likes another's comment and edits their own, all
// without a reload; a reload shows the same thread from the page cache.
func TestCommentsWithJavaScriptBrowser(t *testing.T) {
	ctx, cancel := context.WithTimeout(newBrowser(t, desktopUA), 2*time.Minute)
	defer cancel()
	s := start(t, "", "--comments", "first-held=0")
	d := openDB(t, s)
	art := commentArticleID(t, s)
	other := signUpReader(t, s, "other@example.org", "Olga")
	first := postComment(t, other, art, "", "Un premier avis d’Olga")
	rc := signUpReader(t, s, "jules@example.org", "Jules")
	dl := armBrowser(t, ctx, s, rc)

	run(t, ctx, chromedp.Navigate(s.URL+commentArticle))
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS(".comments > form.comment-form")))
	run(t, ctx, chromedp.Evaluate[bool](`window.__noReload = true`))
	// The code of conduct is offered right there, with its link.
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS(".comments > form.comment-form .comment-conduct")))
	if href := run(t, ctx, chromedp.Evaluate[string](`document.querySelector(".comments > form .comment-conduct a").getAttribute("href")`)); href != "/fr/conduct" {
		t.Fatalf("conduct link %q", href)
	}
	// Submitting without accepting is stopped by the browser: nothing posted.
	run(t, ctx, chromedp.SendKeys(chromedp.CSS(".comments > form.comment-form textarea"), "Mon *premier* commentaire"))
	run(t, ctx, chromedp.Click(chromedp.CSS(".comments > form.comment-form button[type=submit]")))
	var n int
	d.QueryRow(context.Background(), `SELECT count(*) FROM comments WHERE article_id = ?`, art).Scan(&n)
	if n != 1 {
		t.Fatalf("%d comments; the unchecked code of conduct should have stopped the post", n)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS(".comments > form.comment-form .comment-conduct input[type=checkbox]")))
	run(t, ctx, chromedp.Click(chromedp.CSS(".comments > form.comment-form button[type=submit]")))
	run(t, ctx, chromedp.Poll[bool](`[...document.querySelectorAll(".comment-list > li .comment-body")].some(b => b.innerHTML.includes("<em>premier</em>"))`, every))
	if run(t, ctx, chromedp.Evaluate[bool](`!document.querySelector(".comments > form .comment-conduct").hidden`)) {
		t.Fatal("the code of conduct is still asked for after accepting it")
	}
	if !rc.me().ConductAccepted {
		t.Fatal("the acceptance was not recorded")
	}
	mine := run(t, ctx, chromedp.Evaluate[string](`document.querySelector(".comment-list > li:last-child").id`))

	// Reply to Olga in place.
	run(t, ctx, chromedp.Click(chromedp.CSS("#c"+first+" > .comment-actions .comment-reply")))
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS("#c"+first+" > form.comment-form textarea")))
	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#c"+first+" > form.comment-form textarea"), "Je réponds à Olga"))
	run(t, ctx, chromedp.Click(chromedp.CSS("#c"+first+" > form.comment-form button[type=submit]")))
	run(t, ctx, chromedp.Poll[bool](`(document.querySelector("#c`+first+` > .comment-replies") || {}).textContent.includes("Je réponds à Olga")`, every))

	// Like Olga's comment.
	run(t, ctx, chromedp.Click(chromedp.CSS("#c"+first+" > .comment-actions .comment-like")))
	run(t, ctx, chromedp.Poll[bool](`document.querySelector("#c`+first+` > .comment-actions .comment-likes").textContent.includes("1")`, every))

	// Edit my own comment.
	run(t, ctx, chromedp.Click(chromedp.CSS("#"+mine+" .comment-own .comment-edit")))
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS("#"+mine+" form.comment-edit-form textarea")))
	if v := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("#`+mine+` form.comment-edit-form textarea").value`)); v != "Mon *premier* commentaire" {
		t.Fatalf("edit form holds %q; want the text as written", v)
	}
	run(t, ctx, chromedp.SetValue(chromedp.CSS("#"+mine+" form.comment-edit-form textarea"), "Mon premier commentaire, **corrigé**"))
	run(t, ctx, chromedp.Click(chromedp.CSS("#"+mine+" form.comment-edit-form button[type=submit]")))
	run(t, ctx, chromedp.Poll[bool](`(document.querySelector("#`+mine+` > .comment-body") || {}).innerHTML.includes("<strong>corrigé</strong>")`, every))

	if !run(t, ctx, chromedp.Evaluate[bool](`window.__noReload === true`)) {
		t.Fatal("the page reloaded")
	}
	checkClean(t, ctx, dl, "after posting with JavaScript")

	var body string
	var likes int
	d.QueryRow(context.Background(), `SELECT body FROM comments WHERE id = ?`, strings.TrimPrefix(mine, "c")).Scan(&body)
	d.QueryRow(context.Background(), `SELECT likes FROM comments WHERE id = ?`, first).Scan(&likes)
	if body != "Mon premier commentaire, **corrigé**" || likes != 1 {
		t.Fatalf("stored body %q, likes %d", body, likes)
	}
	// A reload (from the cache, invalidated by the posts) shows the thread.
	run(t, ctx, chromedp.Navigate(s.URL+commentArticle))
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS(".comments > form.comment-form")))
	text := run(t, ctx, chromedp.Text(chromedp.CSS(".comment-list")))
	for _, want := range []string{"Un premier avis d’Olga", "Je réponds à Olga", "corrigé", "1 mention J’aime"} {
		if !strings.Contains(text, want) {
			t.Fatalf("after a reload the thread lacks %q:\n%s", want, text)
		}
	}
	if c := run(t, ctx, chromedp.Text(chromedp.CSS(".comment-count"))); c != "3 commentaires" {
		t.Fatalf("count %q", c)
	}
	// After the reload, the page learns which comments are mine (mine.json)
	// and edits start from the text as written, not from its rendering.
	run(t, ctx, chromedp.Click(chromedp.CSS("#"+mine+" .comment-own .comment-edit")))
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS("#"+mine+" form.comment-edit-form textarea")))
	if v := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("#`+mine+` form.comment-edit-form textarea").value`)); v != "Mon premier commentaire, **corrigé**" {
		t.Fatalf("edit form after a reload holds %q", v)
	}
	if run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#c`+first+` > .comment-own").length`)) != 0 {
		t.Fatal("Olga's comment offers Jules an edit")
	}
}
