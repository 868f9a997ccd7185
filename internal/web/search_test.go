package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/importer"
	"github.com/lede-news/lede/internal/testdb"
)

// newSearchHandler is the test site with its search index built.
func newSearchHandler(t testing.TB, d *db.DB) *Handler {
	t.Helper()
	h := newTestHandler(t, d)
	if err := h.Search.Rebuild(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestSearchPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		h := newSearchHandler(t, d)
		long := strings.Repeat("traité ", 40)
		article := `href="/fr/defense/prorogation-new-start"`
		noStore := map[string]string{"Cache-Control": "no-store"}
		for _, c := range []check{
			{"GET", "/fr/", nil, 200, []string{`action="/fr/search"`, `name="q"`, "Rechercher"}, nil, nil},
			{"GET", "/en/defense/security-advisers-talk", nil, 200, []string{`action="/en/search"`, `placeholder="Search…"`}, nil, nil},
			{"GET", "/fr/search", nil, 200, []string{"<h1>Recherche</h1>", `<meta name="robots" content="noindex, follow">`},
				[]string{"search-message"}, noStore},
			{"GET", "/fr/search?q=traite", nil, 200, []string{article, "<mark>traité</mark>", "1 résultat", "Défense"}, nil, noStore},
			{"GET", "/fr/search?q=TRAIT%C3%89S", nil, 200, []string{article}, nil, nil},
			{"GET", "/fr/search?q=trai", nil, 200, []string{article, "<mark>traité</mark>"}, nil, nil},
			{"GET", "/fr/search?q=%22new+start%22", nil, 200, []string{article, "<mark>New</mark> <mark>Start</mark>"}, nil, nil},
			{"GET", "/fr/search?q=%22start+new%22", nil, 200, []string{"Aucun article"}, []string{article}, nil},
			{"GET", "/fr/search?q=festivl", nil, 200, []string{"Aucun article", "Vouliez-vous dire", `href="/fr/search?q=festival"`, "festival</a>\u202f?"}, nil, nil},
			{"GET", "/fr/search?q=%3F%21%2A", nil, 200, []string{"aucun mot à chercher"}, nil, nil},
			{"GET", "/fr/search?q=le+la+les", nil, 200, []string{"aucun mot à chercher"}, nil, nil},
			{"GET", "/fr/search?q=" + url.QueryEscape(long), nil, 200, []string{"trop longue", "256"}, nil, nil},
			{"GET", "/fr/search?q=" + url.QueryEscape("<script>alert(1)</script>"), nil, 200, []string{"&lt;script&gt;"}, []string{"<script>alert"}, nil},
			{"GET", "/fr/search?q=" + url.QueryEscape("' OR 1=1; DROP TABLE articles; --"), nil, 200, []string{"Aucun article"}, nil, nil},
			{"GET", "/fr/search?q=" + url.QueryEscape(`traité" AND NEAR(x y) col:* "`), nil, 200, nil, nil, nil},
			{"GET", "/fr/search?q=traite&section=culture", nil, 200, []string{"Aucun article", `<option value="culture" selected>`}, []string{article}, nil},
			{"GET", "/fr/search?q=festival&section=culture", nil, 200, []string{`href="/fr/culture/festival"`}, nil, nil},
			{"GET", "/fr/search?q=traite&tag=russie", nil, 200, []string{article, "Tag\u00a0: Russie", `href="/fr/search?q=traite"`}, nil, nil},
			{"GET", "/fr/search?q=traite&author=agence-horizon", nil, 200, []string{article, "Auteur\u00a0: Agence Horizon Presse"}, nil, nil},
			{"GET", "/fr/search?q=festival&author=agence-horizon", nil, 200, []string{"Aucun article"}, nil, nil},
			{"GET", "/fr/search?q=traite&from=2021-01-25&to=2021-01-25", nil, 200, []string{article, `value="2021-01-25"`}, nil, nil},
			{"GET", "/fr/search?q=traite&from=2021-01-26", nil, 200, []string{"Aucun article"}, nil, nil},
			// Filters that cannot be read are dropped with a word, never an error page.
			{"GET", "/fr/search?q=traite&section=nope", nil, 200, []string{"Filtres ignorés, car illisibles : section.", article}, nil, nil},
			{"GET", "/fr/search?q=traite&tag=nope", nil, 200, []string{"illisibles : tag.", article}, nil, nil},
			{"GET", "/fr/search?q=traite&author=nope", nil, 200, []string{"illisibles : author.", article}, nil, nil},
			{"GET", "/fr/search?q=traite&from=26/01/2021&to=x", nil, 200, []string{"illisibles : from, to.", article}, nil, nil},
			{"GET", "/fr/search?q=traite&page=0", nil, 200, []string{"illisibles : page.", article}, nil, nil},
			{"GET", "/fr/search?q=traite&page=2", nil, 200, []string{"1 résultat", `rel="prev" href="/fr/search?q=traite"`}, []string{article}, nil},
			{"GET", "/fr/search?q=traite&page=1000", nil, 200, []string{"illisibles : page.", article}, nil, nil},
			{"GET", "/en/search?q=treaty", nil, 200, []string{"1 result", "<mark>treaty</mark>", `href="/en/defense/security-advisers-talk"`}, nil, nil},
			{"GET", "/en/search?q=trait%C3%A9", nil, 200, []string{"No article matches"}, nil, nil},
			{"GET", "/xx/search?q=traite", nil, 404, nil, nil, nil},
			{"POST", "/fr/search?q=traite", nil, 405, nil, nil, nil},
		} {
			c.run(t, h)
		}
		if p := h.Cache.Get("/fr/search"); p != nil {
			t.Error("a search page went into the page cache")
		}
	})
}

func TestSearchJSON(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		h := newSearchHandler(t, d)
		get := func(path string, want int) searchResponse {
			t.Helper()
			w := do(h, "GET", path, nil)
			if w.Code != want {
				t.Fatalf("%s = %d, want %d: %s", path, w.Code, want, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("%s: Content-Type %q", path, ct)
			}
			var r searchResponse
			if err := json.Unmarshal(w.Body.Bytes(), &r); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			return r
		}
		r := get("/fr/search.json?q=trait%C3%A9", 200)
		if r.Total != 1 || len(r.Results) != 1 || r.Results[0].URL != "http://lede.test/fr/defense/prorogation-new-start" ||
			!strings.Contains(r.Results[0].HeadlineHTML, "<mark>traité</mark>") || r.Results[0].ID == 0 || r.Results[0].Score <= 0 {
			t.Errorf("traité: %+v", r)
		}
		if r := get("/fr/search.json?q=festivl", 200); r.Total != 0 || r.Suggestion != "festival" || r.SuggestionURL != "/fr/search.json?q=festival" || r.Message == "" {
			t.Errorf("festivl: %+v", r)
		}
		if r := get("/fr/search.json?q=", 200); r.Problem != "empty" || r.Results == nil {
			t.Errorf("empty: %+v", r)
		}
		if r := get("/en/search.json?q="+url.QueryEscape(strings.Repeat("x ", 200)), 200); r.Problem != "too_long" {
			t.Errorf("too long: %+v", r)
		}
		if r := get("/en/search.json?q=trea&per_page=1", 200); r.Total != 1 || r.PerPage != 1 {
			t.Errorf("prefix: %+v", r)
		}
		for _, path := range []string{"/fr/search.json?q=x&section=nope", "/fr/search.json?q=x&per_page=0", "/fr/search.json?q=x&per_page=51",
			"/fr/search.json?q=x&page=-1"} {
			w := do(h, "GET", path, nil)
			if w.Code != 400 || !strings.Contains(w.Body.String(), `"error":"bad_request"`) {
				t.Errorf("%s = %d %s", path, w.Code, w.Body)
			}
		}
	})
}

// An article imported while the site runs is found at once, by a search
// that was already made: search pages are not cached.
func TestSearchFindsNewArticles(t *testing.T) {
	d := testdb.SQLite(t)
	h := newSearchHandler(t, d)
	if w := do(h, "GET", "/fr/search?q=ogives", nil); !strings.Contains(w.Body.String(), "Aucun article") {
		t.Fatal("ogives found before the article exists")
	}
	rec := `{"type":"article","id":"fr-3","edition":"fr","section":"defense","slug":"ogives","headline":"Les ogives comptées","body":"Texte.","authors":["claire-duval"],"published_at":"2021-01-26T10:00:00Z"}`
	res, err := (&importer.Importer{DB: d, Search: h.Search}).Import(context.Background(), strings.NewReader(rec))
	if err != nil || len(res.Errors) > 0 {
		t.Fatal(err, res.Errors)
	}
	if w := do(h, "GET", "/fr/search?q=ogives", nil); !strings.Contains(w.Body.String(), `href="/fr/defense/ogives"`) {
		t.Fatal("new article not found")
	}
}

// FuzzSearchQuery sends arbitrary queries through the router to the page
// and the JSON endpoint: never a server error.
func FuzzSearchQuery(f *testing.F) {
	h := newSearchHandler(f, testdb.SQLite(f))
	for _, q := range []string{"traité", `"new start"`, "", "*", `"`, "' OR 1=1 --", "NEAR(a b)", "a:b", strings.Repeat("é", 300), "\xff"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		for _, p := range []string{"/fr/search?q=", "/en/search.json?q="} {
			r := httptest.NewRequest("GET", p+url.QueryEscape(q), nil)
			r.Header.Set("User-Agent", browserUA)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				t.Fatalf("%s%q answered %d", p, q, w.Code)
			}
		}
	})
}
