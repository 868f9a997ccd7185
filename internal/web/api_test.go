package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/testdb"
)

func apiDo(s *newsroomSite, method, path, token, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "http://lede.test"+path, strings.NewReader(body))
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, r)
	return w
}

func TestAPI(t *testing.T) {
	d := testdb.SQLite(t)
	s := newNewsroomSite(t, d)
	token := func(role account.Role, scopes ...string) string {
		c := s.signIn(t, role)
		form := url.Values{"name": {"script"}, "scopes": scopes}
		w := c.do("POST", "/admin/account/tokens", form)
		m := regexp.MustCompile(`<code id="new-token">(lede_[A-Za-z0-9_-]+)</code>`).FindStringSubmatch(w.Body.String())
		if m == nil {
			t.Fatalf("no token shown: %d", w.Code)
		}
		return m[1]
	}
	author := token(account.RoleAuthor, account.ScopeArticlesWrite)
	reader := token(account.RoleEditor, account.ScopeArticlesRead)
	contributor := token(account.RoleContributor, account.ScopeArticlesWrite)

	body := `{"edition":"fr","section":"defense","headline":"Dépêche par l'API","body":"Texte.\n\n## Suite\n\nFin.","authors":["claire-duval"],"tags":["Russie"],"action":"publish"}`
	if w := apiDo(s, "POST", "/api/v1/articles", "", body); w.Code != http.StatusUnauthorized {
		t.Fatalf("no token: %d", w.Code)
	}
	if w := apiDo(s, "POST", "/api/v1/articles", "lede_forged", body); w.Code != http.StatusUnauthorized {
		t.Fatalf("forged token: %d", w.Code)
	}
	if w := apiDo(s, "POST", "/api/v1/articles", reader, body); w.Code != http.StatusForbidden {
		t.Fatalf("read-only token writes: %d", w.Code)
	}
	if w := apiDo(s, "POST", "/api/v1/articles", contributor, body); w.Code != http.StatusForbidden {
		t.Fatalf("contributor publishes through the API: %d", w.Code)
	}
	w := apiDo(s, "POST", "/api/v1/articles", author, body)
	var got apiArticle
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != http.StatusCreated || got.Status != "published" || got.URL == "" {
		t.Fatalf("publish: %d %s", w.Code, w.Body)
	}
	s.h.Cache.Invalidate("site")
	if w := do(s.h, "GET", "/fr/defense/depeche-par-l-api", nil); w.Code != 200 {
		t.Fatalf("published page: %d", w.Code)
	}
	path := "/api/v1/articles/" + itoa(got.ID)
	upd := strings.Replace(body, `"action":"publish"`, `"action":"save","version":1`, 1)
	upd = strings.Replace(upd, "Texte.", "Texte corrigé.", 1)
	if w := apiDo(s, "PUT", path, author, upd); w.Code != 200 {
		t.Fatalf("update: %d %s", w.Code, w.Body)
	}
	if w := apiDo(s, "PUT", path, author, upd); w.Code != http.StatusConflict {
		t.Fatalf("stale version: %d", w.Code)
	}
	if w := apiDo(s, "GET", path, reader, ""); w.Code != 200 || !strings.Contains(w.Body.String(), "Texte corrigé.") {
		t.Fatalf("get: %d %s", w.Code, w.Body)
	}
	for _, bad := range []string{`{"edition":"zz"}`, `{nope`, `{"edition":"fr","section":"defense","headline":"x","body":"y","authors":["ghost"]}`, `{"headline":"x","extra":1}`} {
		if w := apiDo(s, "POST", "/api/v1/articles", author, bad); w.Code != http.StatusBadRequest && w.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", bad, w.Code)
		}
	}
	if w := apiDo(s, "GET", "/api/v1/articles?status=published", reader, ""); w.Code != 200 || !strings.Contains(w.Body.String(), "Dépêche par l") {
		t.Fatalf("list: %d", w.Code)
	}
}
