package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lede-news/lede/internal/testdb"
)

// tideArticles writes n French articles about tide readings, the first
// inDefense of them in the Défense section and the others in Sciences,
// published over the last n hours, and imports them into the running site.
func tideArticles(t *testing.T, s *server, args []string, n, inDefense int) {
	t.Helper()
	var b strings.Builder
	for i := range n {
		sec := "sciences"
		if i < inDefense {
			sec = "defense"
		}
		at := time.Now().Add(-time.Duration(i+1) * time.Hour).UTC().Format(time.RFC3339)
		fmt.Fprintf(&b, `{"type":"article","id":"tide-%d","edition":"fr","section":%q,"slug":"releve-marees-%d","headline":"Relevé n°%d des marées à Brest","standfirst":"Les marées de la semaine, mesurées au port.","body":"Le marégraphe a enregistré des marées de coefficient %d.","authors":["claire-duval"],"published_at":%q}`+"\n",
			i, sec, i, i, 40+i, at)
	}
	file := filepath.Join(t.TempDir(), "tides.ndjson")
	os.WriteFile(file, []byte(b.String()), 0o644)
	if code, out, errs := lede(t, "", append(append([]string{"import"}, args...), file)...); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
}

// waitJS waits until cond, a JavaScript expression, is true in the page
// (a new page after a submit or a click: the old one's elements must not
// be read for the new one's).
func waitJS(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	for i := 0; ; i++ {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		if err == nil && ok {
			return
		}
		if i > 100 {
			t.Fatalf("waiting for %s: %v", cond, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A reader searches from the home page's box: highlighted results,
// "defense" finds "Défense", a section filter narrows, pages follow, and a
// misspelt query that finds nothing offers the right spelling.
func TestSearchInBrowser(t *testing.T) {
	ctx := newBrowser(t, desktopUA+" searcher")
	dir := t.TempDir()
	s := start(t, dir)
	tideArticles(t, s, []string{"--data", dir}, 25, 10)

	// From the home page's box, without accents.
	run(t, ctx, chromedp.Navigate(s.URL+"/fr/"))
	run(t, ctx, chromedp.SendKeys(chromedp.CSS(`#site-search`), "defense\n"))
	waitJS(t, ctx, `location.pathname === "/fr/search" && document.readyState === "complete"`)
	if loc := run(t, ctx, chromedp.Location()); !strings.Contains(loc, "/fr/search?q=defense") {
		t.Fatalf("the box led to %s", loc)
	}
	marks := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".search-snippet mark")].map(m => m.textContent)`))
	if len(marks) == 0 {
		t.Fatal("no highlighted snippet")
	}
	for _, m := range marks {
		if !strings.EqualFold(m, "défense") && !strings.EqualFold(m, "défenses") {
			t.Errorf("snippet highlights %q for defense", m)
		}
	}

	// A query with more than a page of results, then a filter.
	count := func() string { return run(t, ctx, chromedp.Text(chromedp.CSS(`.search-count`))) }
	items := func() int {
		return run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("ol.search-results > li").length`))
	}
	run(t, ctx, chromedp.Steps(
		chromedp.Evaluate[chromedp.Void](`document.getElementById("search-q").value = ""`),
		chromedp.SendKeys(chromedp.CSS(`#search-q`), "marées brest\n"),
	))
	waitJS(t, ctx, `location.search.includes("brest") && document.readyState === "complete"`)
	if c, n := count(), items(); c != "25 résultats" || n != 20 {
		t.Fatalf("marées brest: %q, %d results shown, want 25 résultats, 20 shown", c, n)
	}
	if h := run(t, ctx, chromedp.InnerHTML(chromedp.CSS(`ol.search-results .card-title a`))); !strings.Contains(h, "<mark>marées</mark>") || !strings.Contains(h, "<mark>Brest</mark>") {
		t.Errorf("headline not highlighted: %s", h)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS(`.pager a[rel=next]`)))
	waitJS(t, ctx, `location.search.includes("page=2") && document.readyState === "complete"`)
	if n := items(); n != 5 || !strings.Contains(run(t, ctx, chromedp.Location()), "page=2") {
		t.Fatalf("page 2 shows %d results, want 5", n)
	}
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll(".pager a[rel=next]").length`)); n != 0 {
		t.Error("the last page offers a next page")
	}
	run(t, ctx, chromedp.Steps(
		chromedp.Evaluate[chromedp.Void](`document.querySelector("select[name=section]").value = "defense"`),
		chromedp.Click(chromedp.CSS(`.search-main button`)),
	))
	waitJS(t, ctx, `location.search.includes("section=defense") && document.readyState === "complete"`)
	if c, n := count(), items(); c != "10 résultats" || n != 10 {
		t.Fatalf("filtered to Défense: %q, %d shown, want 10 résultats", c, n)
	}
	if loc := run(t, ctx, chromedp.Location()); strings.Contains(loc, "page=") || !strings.Contains(loc, "section=defense") {
		t.Errorf("filtering kept the page or lost the section: %s", loc)
	}
	sections := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("ol.search-results .card-section")].map(a => a.textContent)`))
	for _, sec := range sections {
		if sec != "Défense" {
			t.Fatalf("a %s result in the Défense filter", sec)
		}
	}

	// A word the stemmer reads differently without its accents.
	run(t, ctx, chromedp.Navigate(s.URL+"/fr/search?q=securite"))
	if marks := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".search-results mark")].map(m => m.textContent.toLowerCase())`)); !slices.Contains(marks, "sécurité") {
		t.Errorf("securite highlights %v, not sécurité", marks)
	}

	// Nothing found: a suggestion that leads to results.
	run(t, ctx, chromedp.Navigate(s.URL+"/fr/search?q="+url.QueryEscape("glacers alpins")))
	if msg := run(t, ctx, chromedp.Text(chromedp.CSS(`.search-message`))); msg != "Aucun article ne correspond à votre recherche." {
		t.Errorf("message %q", msg)
	}
	if sug := run(t, ctx, chromedp.Text(chromedp.CSS(`.search-suggestion a`))); sug != "glaciers alpins" {
		t.Fatalf("suggestion %q, want glaciers alpins", sug)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS(`.search-suggestion a`)))
	waitJS(t, ctx, `location.search.includes("glaciers") && document.readyState === "complete"`)
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("ol.search-results > li").length`)); n == 0 {
		t.Fatal("the suggestion finds nothing")
	}
	if dir := os.Getenv("LEDE_E2E_SCREENSHOTS"); dir != "" {
		os.WriteFile(filepath.Join(dir, "search.png"), run(t, ctx, chromedp.CaptureScreenshot()), 0o644)
	}
}

// Bad queries get a page with results or a message and the JSON the same,
// never an error, on SQLite and on PostgreSQL; nothing is changed by them.
func TestSearchBadInput(t *testing.T) {
	engines := map[string][]string{"sqlite": nil}
	if os.Getenv(testdb.EnvPostgres) != "" {
		engines["postgres"] = []string{"--db", testdb.PostgresDSN(t)}
	}
	queries := map[string]string{ // query → what the JSON's problem must be ("" : ran)
		"":                                     "empty",
		"   ":                                  "empty",
		strings.Repeat("défense ", 40):         "too_long",
		strings.Repeat("x", 20_000):            "too_long", // (past 64 KiB, the request line itself is refused: 431)
		"!!! ??? … ---":                        "no_words",
		"« » “ ” ' \"":                         "no_words",
		"le la les du":                         "no_words",
		"((((":                                 "no_words",
		"\x00\x01":                             "no_words",
		"\xff\xfe défense":                     "",
		"AND OR NOT -défense* NEAR(a b) col:x": "",
		`"défense aérienne`:                    "",
		`défense" aérienne"`:                   "",
		`« défense aérienne`:                   "",
		`'; DROP TABLE articles; --`:           "",
		`%' OR 1=1 --`:                         "no_words",
		`défense* OR {headline}: "x" NEAR/2`:   "",
		`to_tsquery('fr', 'x') @@ ''`:          "",
		`headline:défense ^défense défense^2`:  "",
		`$1 ? ?? :x \ \\ ;`:                    "no_words",
	}
	for engine, args := range engines {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			s := start(t, dir, args...)
			for q, problem := range queries {
				for _, path := range []string{"/fr/search", "/en/search"} {
					code, page := get(t, s.URL+path+"?q="+url.QueryEscape(q), readerUA)
					if code != 200 || !(strings.Contains(page, `class="search-message"`) || strings.Contains(page, `class="search-count"`) || q == "" || q == "   ") {
						t.Errorf("%s %.40q: %d, no message nor results", path, q, code)
					}
					code, body := get(t, s.URL+path+".json?q="+url.QueryEscape(q), readerUA)
					var res struct {
						Problem, Message string
						Total            int
						Results          []json.RawMessage
					}
					if err := json.Unmarshal([]byte(body), &res); code != 200 || err != nil {
						t.Errorf("%s.json %.40q: %d %v %.200s", path, q, code, err, body)
						continue
					}
					if res.Problem != problem && !(q == "le la les du" && path == "/en/search") { // French stop words only
						t.Errorf("%s.json %.40q: problem %q, want %q", path, q, res.Problem, problem)
					}
					if res.Message == "" && res.Total == 0 {
						t.Errorf("%s.json %.40q: neither results nor a message", path, q)
					}
				}
			}
			// Nothing was changed: the same search still finds the same.
			_, body := get(t, s.URL+"/fr/search.json?q=defense", readerUA)
			var res struct{ Total int }
			json.Unmarshal([]byte(body), &res)
			if res.Total == 0 {
				t.Fatal("defense finds nothing after the bad queries")
			}
			if code, _ := get(t, s.URL+"/fr/", readerUA); code != 200 {
				t.Fatal("home page broken after the bad queries")
			}
		})
	}
}
