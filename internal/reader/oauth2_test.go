package reader

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"golang.org/x/oauth2"

	"github.com/lede-news/lede/internal/config"
)

// oauth2Provider stands in for GitHub's or Facebook's token endpoint and
// user API (they publish no test server): it checks the code and the PKCE
// verifier sent with it, and the bearer token on API calls.
func oauth2Provider(t *testing.T, api map[string]any) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/token" {
			r.ParseForm()
			if r.PostForm.Get("code") != "good-code" || r.PostForm.Get("code_verifier") != verifierForTest {
				w.WriteHeader(http.StatusBadRequest)
				w.Write([]byte(`{"error":"invalid_grant"}`))
				return
			}
			w.Write([]byte(`{"access_token":"at-1","token_type":"bearer"}`))
			return
		}
		if r.Header.Get("Authorization") != "Bearer at-1" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		v, ok := api[r.URL.Path]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		json.NewEncoder(w).Encode(v)
	}))
	t.Cleanup(srv.Close)
	return srv
}

const verifierForTest = "verifier-0123456789-0123456789-0123456789-abc"

func TestGitHubPrimaryVerifiedEmail(t *testing.T) {
	srv := oauth2Provider(t, map[string]any{
		"/user": map[string]any{"id": 42, "login": "octo", "name": ""},
		"/user/emails": []map[string]any{
			{"email": "other@example.org", "primary": false, "verified": true},
			{"email": "octo@example.org", "primary": true, "verified": true},
		},
	})
	oldE, oldA := githubEndpoint, githubAPI
	t.Cleanup(func() { githubEndpoint, githubAPI = oldE, oldA })
	githubEndpoint = oauth2.Endpoint{AuthURL: srv.URL + "/authorize", TokenURL: srv.URL + "/token", AuthStyle: oauth2.AuthStyleInParams}
	githubAPI = srv.URL
	p := NewProvider(config.OAuthProvider{Name: "github", Kind: "github", ClientID: "c", ClientSecret: "s"}, "http://lede.test/oauth/github/callback")
	authURL, err := p.Begin(context.Background(), "st", verifierForTest, "n")
	if err != nil {
		t.Fatal(err)
	}
	q, _ := url.Parse(authURL)
	if q.Query().Get("code_challenge_method") != "S256" || q.Query().Get("state") != "st" {
		t.Fatalf("auth URL %s", authURL)
	}
	x, err := p.Finish(context.Background(), "good-code", verifierForTest, "n")
	if err != nil {
		t.Fatal(err)
	}
	if x.Subject != "42" || x.Email != "octo@example.org" || !x.EmailVerified || x.Name != "octo" {
		t.Fatalf("external %+v", x)
	}
	if _, err := p.Finish(context.Background(), "good-code", "wrong-verifier-0123456789-0123456789-0123456789", "n"); !errors.Is(err, ErrRefused) {
		t.Fatalf("wrong verifier: %v", err)
	}
}

func TestGitHubUnverifiedPrimary(t *testing.T) {
	srv := oauth2Provider(t, map[string]any{
		"/user":        map[string]any{"id": 7, "login": "x"},
		"/user/emails": []map[string]any{{"email": "x@example.org", "primary": true, "verified": false}},
	})
	oldE, oldA := githubEndpoint, githubAPI
	t.Cleanup(func() { githubEndpoint, githubAPI = oldE, oldA })
	githubEndpoint = oauth2.Endpoint{TokenURL: srv.URL + "/token", AuthStyle: oauth2.AuthStyleInParams}
	githubAPI = srv.URL
	p := NewProvider(config.OAuthProvider{Name: "github", Kind: "github", ClientID: "c", ClientSecret: "s"}, "http://lede.test/cb")
	x, err := p.Finish(context.Background(), "good-code", verifierForTest, "")
	if err != nil || x.EmailVerified {
		t.Fatalf("external %+v %v", x, err)
	}
}

func TestFacebookProfile(t *testing.T) {
	srv := oauth2Provider(t, map[string]any{"/me": map[string]any{"id": "fb-9", "name": "Fay Book", "email": "fay@example.org"}})
	oldE, oldA := facebookEndpoint, facebookAPI
	t.Cleanup(func() { facebookEndpoint, facebookAPI = oldE, oldA })
	facebookEndpoint = oauth2.Endpoint{TokenURL: srv.URL + "/token", AuthStyle: oauth2.AuthStyleInParams}
	facebookAPI = srv.URL
	p := NewProvider(config.OAuthProvider{Name: "facebook", Kind: "facebook", ClientID: "c", ClientSecret: "s"}, "http://lede.test/cb")
	x, err := p.Finish(context.Background(), "good-code", verifierForTest, "")
	if err != nil || x.Subject != "fb-9" || !x.EmailVerified || x.Name != "Fay Book" {
		t.Fatalf("external %+v %v", x, err)
	}
	if _, err := p.Finish(context.Background(), "replayed-code", verifierForTest, ""); !errors.Is(err, ErrRefused) {
		t.Fatalf("bad code: %v", err)
	}
}
