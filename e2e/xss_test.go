package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// xssPayloads reads e2e/testdata/xss.txt.
func xssPayloads(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("testdata/xss.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "# ") {
			continue
		}
		out = append(out, strings.ReplaceAll(line, `\n`, "\n"))
	}
	if len(out) < 100 {
		t.Fatalf("only %d payloads", len(out))
	}
	return out
}

// nameRules says whether the reader accounts accept s as a display name,
// and how they store it (white space folded).
func nameRules(s string) (string, bool) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" || utf8.RuneCountInString(s) > 50 {
		return "", false
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return "", false
		}
	}
	return s, true
}

// trap records, in a browser tab, every call a payload could make and
// every dialog; the page's CSP is bypassed so that only the escaping
// stands between a payload and its execution.
const trap = `window.__hits = [];
window.__xss = function () { window.__hits.push("__xss " + (document.currentScript ? "script" : "handler")); };
window.alert = window.confirm = window.prompt = function (m) { window.__hits.push("dialog " + m); };`

type dialogs struct {
	sync.Mutex
	n []string
}

func armBrowser(t *testing.T, ctx context.Context, s *server, rc *readerClient) *dialogs {
	t.Helper()
	d := &dialogs{}
	chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			d.Lock()
			d.n = append(d.n, e.Message)
			d.Unlock()
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	})
	if _, err := chromedp.Call(ctx, page.Enable, page.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: trap}); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(s.URL)
	for _, c := range rc.c.Jar.Cookies(u) {
		if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: c.Name, Value: c.Value, URL: s.URL, Path: "/"}); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// violations lists what should never be in the discussion: handlers,
// styles, active elements, links that are not http(s).
const violations = `(() => {
  const bad = [];
  document.querySelectorAll(".comments *").forEach(el => {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name) || a.name === "style" || a.name === "srcdoc" || a.name === "formaction") bad.push(el.tagName + " " + a.name);
    }
    const tag = el.tagName.toLowerCase();
    if (el.closest(".comment-body, .comment-author, .comment-meta") && !el.matches("div.comment-body")) {
      if (!["p", "br", "em", "strong", "del", "blockquote", "a", "span", "time"].includes(tag)) bad.push("element " + tag);
      if (tag === "a" && !el.closest(".comment-meta")) {
        const h = el.getAttribute("href") || "";
        if (!/^https?:\/\//i.test(h)) bad.push("href " + h);
        if (el.getAttribute("rel") !== "nofollow ugc") bad.push("rel " + el.getAttribute("rel"));
      }
    }
  });
  return bad;
})()`

func checkClean(t *testing.T, ctx context.Context, d *dialogs, when string) {
	t.Helper()
	time.Sleep(300 * time.Millisecond) // let autofocus, load and error events fire
	hits := run(t, ctx, chromedp.Evaluate[[]string](`window.__hits`))
	if len(hits) > 0 {
		t.Fatalf("%s: payloads ran: %q", when, hits)
	}
	d.Lock()
	n := d.n
	d.Unlock()
	if len(n) > 0 {
		t.Fatalf("%s: dialogs opened: %q", when, n)
	}
	if bad := run(t, ctx, chromedp.Evaluate[[]string](violations)); len(bad) > 0 {
		t.Fatalf("%s: unsafe markup in the discussion: %q", when, bad)
	}
}

// More than 100 XSS payloads, as comment bodies and as display names, on
// the article page and inserted by JavaScript: none runs, no dialog opens,
// and the stored text is what was posted.
func TestXSSCorpusBrowser(t *testing.T) {
	ctx := newBrowser(t, desktopUA)
	s := start(t, "", "--comments", "first-held=0,reader-limit=100000,addr-limit=100000,page-size=2000")
	d := openDB(t, s)
	art := commentArticleID(t, s)
	payloads := xssPayloads(t)
	rc := signUpReader(t, s, "mallory@example.org", "Mallory")

	// Bodies, posted without JavaScript.
	for _, p := range payloads {
		id := postComment(t, rc, art, "", p)
		var stored string
		d.QueryRow(context.Background(), `SELECT body FROM comments WHERE id = ?`, id).Scan(&stored)
		if stored != p {
			t.Fatalf("stored %q; posted %q", stored, p)
		}
	}
	// Display names: every payload the account rules accept.
	names := 0
	for _, p := range payloads {
		want, ok := nameRules(p)
		if !ok {
			continue
		}
		resp, body := rc.do("POST", "/fr/account/settings", url.Values{"name": {p}, "csrf": {rc.me().CSRF}})
		if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("rename to %q: %s\n%.500s", p, resp.Status, body)
		}
		id := postComment(t, rc, art, "", fmt.Sprint("name ", names))
		var stored string
		d.QueryRow(context.Background(), `SELECT author_name FROM comments WHERE id = ?`, id).Scan(&stored)
		if stored != want {
			t.Fatalf("author stored %q; want %q", stored, want)
		}
		names++
	}
	if names < 60 {
		t.Fatalf("only %d payloads tried as names", names)
	}
	t.Logf("%d payloads as bodies, %d as display names", len(payloads), names)

	dl := armBrowser(t, ctx, s, rc)
	run(t, ctx, chromedp.Navigate(s.URL+commentArticle))
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS(".comments > form.comment-form")))
	shown := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll(".comment-list > li.comment").length`))
	if shown != len(payloads)+names {
		t.Fatalf("%d comments shown; want %d", shown, len(payloads)+names)
	}
	checkClean(t, ctx, dl, "article page")

	// The same payloads posted with JavaScript and inserted without a reload.
	// Each carries a suffix: the same text again from the same reader within
	// a minute would be taken for a double submit.
	jsPayloads := make([]string, len(payloads))
	for i, p := range payloads {
		jsPayloads[i] = p + " js"
	}
	js, _ := json.Marshal(jsPayloads)
	inserted := run(t, ctx, chromedp.Evaluate[int](`(async (payloads) => {
  window.__noReload = true;
  const form = document.querySelector(".comments > form.comment-form");
  const list = document.querySelector(".comment-list");
  for (const p of payloads) {
    const n = list.children.length;
    form.querySelector("textarea").value = p;
    form.requestSubmit();
    const until = Date.now() + 10000;
    while (list.children.length === n) {
      const err = form.querySelector(".comment-form-error");
      if (err && !err.hidden && err.textContent) throw new Error("refused: " + err.textContent);
      if (Date.now() > until) throw new Error("not inserted: " + p);
      await new Promise(r => setTimeout(r, 10));
    }
  }
  return list.children.length;
})(`+string(js)+`)`, chromedp.EvalAwaitPromise))
	if inserted != shown+len(payloads) {
		t.Fatalf("%d comments after the JavaScript posts; want %d", inserted, shown+len(payloads))
	}
	if !run(t, ctx, chromedp.Evaluate[bool](`window.__noReload === true`)) {
		t.Fatal("the page reloaded")
	}
	checkClean(t, ctx, dl, "inserted by JavaScript")
	for i, p := range payloads {
		for _, body := range []string{p, jsPayloads[i]} {
			var n int
			d.QueryRow(context.Background(), `SELECT count(*) FROM comments WHERE body = ?`, body).Scan(&n)
			if n != 1 {
				t.Fatalf("%q stored %d times; want 1", body, n)
			}
		}
	}
	// And once more after a reload, from the cache.
	run(t, ctx, chromedp.Navigate(s.URL+commentArticle))
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS(".comments > form.comment-form")))
	checkClean(t, ctx, dl, "reloaded page")
}
