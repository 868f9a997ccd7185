package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// topStory returns the path of the first top story of an edition's home.
func topStory(t *testing.T, ctx context.Context, base, edition string) string {
	t.Helper()
	run(t, ctx, chromedp.Navigate(base+"/"+edition+"/"))
	href := run(t, ctx, chromedp.Evaluate[string](`document.querySelector(".cards-top .card-title a").getAttribute("href")`))
	if !strings.HasPrefix(href, "/"+edition+"/") {
		t.Fatalf("top story link %q", href)
	}
	return href
}

func viewCount(t *testing.T, ctx context.Context) string {
	t.Helper()
	return run(t, ctx, chromedp.Evaluate[string](`document.getElementById("view-count").dataset.count`))
}

func TestArticlePage(t *testing.T) {
	s := start(t, "")
	ctx := newBrowser(t, desktopUA+" reader-a")
	path := topStory(t, ctx, s.URL, "fr")
	run(t, ctx, chromedp.Navigate(s.URL+path))

	// Every element of the reference page, visible, in the edition's words.
	texts := map[string]string{
		".article-section a": "",
		".shorturl label":    "URL courte",
		".byline":            "Par ",
		"#view-count":        "",
		".subscribe a":       "S’abonner",
		"h1.headline":        "",
		".standfirst":        "",
		".article-body h2":   "",
		".dates time":        "",
		"#read-also-h":       "Lire aussi",
		"#tags-h":            "Tags",
		".conduct a":         "Règles de conduite",
		"#discussion-h":      "Discussion",
		".translations a":    "",
		"button.copy":        "Copier",
	}
	for sel, want := range texts {
		got := run(t, ctx, chromedp.TextContent(chromedp.CSS(sel), chromedp.NodeVisible)) // the DOM text, before CSS upper-cases headings
		if strings.TrimSpace(got) == "" || !strings.Contains(got, want) {
			t.Errorf("%s: text %q, want it visible and containing %q", sel, got, want)
		}
	}
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll(".read-also li").length`)); n < 3 || n > 5 {
		t.Errorf("Lire aussi has %d articles, want 3 to 5", n)
	}
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll(".tags li").length`)); n < 1 {
		t.Errorf("no tags")
	}
	date := run(t, ctx, chromedp.Text(chromedp.CSS(".dates")))
	if !strings.Contains(date, " à ") || !strings.Contains(date, "Publié le") {
		t.Errorf("dates %q are not in French", date)
	}

	// The copy button puts the short URL on the clipboard.
	short := run(t, ctx, chromedp.Value(chromedp.CSS("#short-url")))
	if !strings.HasPrefix(short, s.URL+"/s/") {
		t.Fatalf("short URL %q", short)
	}
	grantClipboard(t, ctx, s.URL)
	run(t, ctx, chromedp.Click(chromedp.CSS("button.copy"), chromedp.NodeVisible))
	clip := run(t, ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	if clip != short {
		t.Errorf("clipboard holds %q, want %q", clip, short)
	}

	// The short URL leads back to the page.
	run(t, ctx, chromedp.Navigate(short))
	if loc := run(t, ctx, chromedp.Location()); loc != s.URL+path {
		t.Errorf("short URL led to %q, want %q", loc, s.URL+path)
	}

	// A phone shows the page without sideways scrolling.
	run(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3)))
	run(t, ctx, chromedp.Navigate(s.URL+path))
	if overflow := run(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); overflow {
		t.Error("the article page scrolls sideways on a phone")
	}
	shot := run(t, ctx, chromedp.CaptureScreenshot())
	if dir := os.Getenv("LEDE_E2E_SCREENSHOTS"); dir != "" {
		os.WriteFile(filepath.Join(dir, "article-phone.png"), shot, 0o644)
	}
}

// One count per reader per day: a new reader raises the count by one, the
// same reader again does not.
func TestViewCount(t *testing.T) {
	s := start(t, "")
	a := newBrowser(t, desktopUA+" reader-a")
	path := topStory(t, a, s.URL, "en")

	run(t, a, chromedp.Navigate(s.URL+path))
	time.Sleep(1500 * time.Millisecond) // past the page's one-second count freshness
	run(t, a, chromedp.Navigate(s.URL+path))
	seen := viewCount(t, a)

	time.Sleep(1500 * time.Millisecond)
	run(t, a, chromedp.Navigate(s.URL+path))
	if again := viewCount(t, a); again != seen {
		t.Fatalf("the same reader raised the count from %s to %s", seen, again)
	}

	b := newBrowser(t, desktopUA+" reader-b")
	time.Sleep(1500 * time.Millisecond)
	run(t, b, chromedp.Navigate(s.URL+path))
	if got, want := viewCount(t, b), inc(t, seen); got != want {
		t.Fatalf("a new reader sees %s, want %s", got, want)
	}
}

func inc(t *testing.T, n string) string {
	t.Helper()
	var v int
	for _, c := range n {
		if c < '0' || c > '9' {
			t.Fatalf("count %q is not a number", n)
		}
		v = v*10 + int(c-'0')
	}
	return itoa(v + 1)
}

func itoa(v int) string {
	if v == 0 {
		return "0"
	}
	var b []byte
	for ; v > 0; v /= 10 {
		b = append([]byte{byte('0' + v%10)}, b...)
	}
	return string(b)
}

// The page works without JavaScript: everything is there, the copy button
// stays hidden and the short URL stands in a field a reader can select.
func TestArticleWithoutJavaScript(t *testing.T) {
	s := start(t, "")
	ctx := newBrowser(t, desktopUA+" no-js")
	path := topStory(t, ctx, s.URL, "fr")
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.Navigate(s.URL+path))
	for _, sel := range []string{"h1.headline", ".byline", "#view-count", ".read-also li", "#short-url", ".conduct a"} {
		run(t, ctx, chromedp.WaitVisible(chromedp.CSS(sel)))
	}
	if hidden := run(t, ctx, chromedp.Evaluate[bool](`document.querySelector("button.copy").hidden`)); !hidden {
		t.Error("the copy button shows without JavaScript, where it cannot work")
	}
}

// Unknown pages answer 404 with a page in the edition's language.
func TestNotFoundInEditionLanguage(t *testing.T) {
	s := start(t, "")
	ctx := newBrowser(t, desktopUA+" lost")
	for path, want := range map[string]string{"/fr/nulle-part": "Page introuvable", "/en/nowhere/at-all": "Page not found"} {
		res := run(t, ctx, chromedp.NavigateResponse(s.URL+path))
		if res.Status != 404 {
			t.Errorf("%s answered %d", path, res.Status)
		}
		if h := run(t, ctx, chromedp.Text(chromedp.CSS("h1"))); h != want {
			t.Errorf("%s heading %q, want %q", path, h, want)
		}
	}
}
