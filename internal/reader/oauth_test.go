package reader_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"

	"github.com/lede-news/lede/internal/config"
	"github.com/lede-news/lede/internal/reader"
	"github.com/lede-news/lede/internal/reader/oidctest"
)

const redirect = "http://127.0.0.1:1/oauth/test/callback" // never reached: the test stops at it

func startProvider(t *testing.T) (*oidctest.Server, *reader.Provider) {
	t.Helper()
	op, err := oidctest.Listen()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { op.Close() })
	err = op.Serve([]string{redirect},
		oidctest.User{ID: "u-1", Username: "vera", Password: "pw", First: "Vera", Last: "Fied", Email: "vera@example.org", EmailVerified: true},
		oidctest.User{ID: "u-2", Username: "una", Password: "pw", First: "Una", Last: "Verified", Email: "una@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	p := reader.NewProvider(config.OAuthProvider{Name: "test", Label: "Test", Kind: "oidc", ClientID: oidctest.ClientID,
		ClientSecret: oidctest.ClientSecret, Issuer: op.URL}, redirect)
	return op, p
}

func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

// authorize runs the flow up to the callback and returns its code and state.
func authorize(t *testing.T, op *oidctest.Server, p *reader.Provider, state, verifier, nonce, user string) string {
	t.Helper()
	authURL, err := p.Begin(context.Background(), state, verifier, nonce)
	if err != nil {
		t.Fatal(err)
	}
	q := mustParse(t, authURL).Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") != nonce || q.Get("state") != state {
		t.Fatalf("authorization URL lacks PKCE, nonce or state: %s", authURL)
	}
	back, err := op.SignIn(browser(), authURL, user, "pw")
	if err != nil {
		t.Fatal(err)
	}
	if back.Query().Get("state") != state {
		t.Fatalf("state came back as %q", back.Query().Get("state"))
	}
	return back.Query().Get("code")
}

func mustParse(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

const verifier = "a-pkce-verifier-of-enough-length-0123456789abcdef"

func TestOIDCSuccessAndReplayedCode(t *testing.T) {
	ctx := context.Background()
	op, p := startProvider(t)
	code := authorize(t, op, p, "state-1", verifier, "nonce-1", "vera")
	x, err := p.Finish(ctx, code, verifier, "nonce-1")
	if err != nil {
		t.Fatal(err)
	}
	if x.Provider != "test" || x.Subject != "u-1" || x.Email != "vera@example.org" || !x.EmailVerified || x.Name != "Vera Fied" {
		t.Fatalf("external = %+v", x)
	}
	_, err = p.Finish(ctx, code, verifier, "nonce-1")
	if !errors.Is(err, reader.ErrRefused) {
		t.Fatalf("replayed code: %v", err)
	}
}

func TestOIDCWrongNonce(t *testing.T) {
	op, p := startProvider(t)
	code := authorize(t, op, p, "state-2", verifier, "nonce-sent", "vera")
	_, err := p.Finish(context.Background(), code, verifier, "nonce-expected")
	if !errors.Is(err, reader.ErrRefused) {
		t.Fatalf("wrong nonce: %v", err)
	}
}

func TestOIDCPKCE(t *testing.T) {
	op, p := startProvider(t)
	code := authorize(t, op, p, "state-3", verifier, "nonce-3", "vera")
	_, err := p.Finish(context.Background(), code, "another-verifier-of-enough-length-0123456789abcdef", "nonce-3")
	if !errors.Is(err, reader.ErrRefused) {
		t.Fatalf("wrong PKCE verifier: %v", err)
	}
	code = authorize(t, op, p, "state-4", verifier, "nonce-4", "vera")
	_, err = p.Finish(context.Background(), code, "", "nonce-4")
	if !errors.Is(err, reader.ErrRefused) {
		t.Fatalf("no PKCE verifier: %v", err)
	}
}

func TestOIDCUnverifiedEmail(t *testing.T) {
	op, p := startProvider(t)
	code := authorize(t, op, p, "state-5", verifier, "nonce-5", "una")
	x, err := p.Finish(context.Background(), code, verifier, "nonce-5")
	if err != nil {
		t.Fatal(err)
	}
	if x.EmailVerified || x.Email != "una@example.org" {
		t.Fatalf("external = %+v", x)
	}
}

func TestOIDCProviderDown(t *testing.T) {
	p := reader.NewProvider(config.OAuthProvider{Name: "gone", Kind: "oidc", ClientID: "x", ClientSecret: "y", Issuer: "http://127.0.0.1:1"}, redirect)
	_, err := p.Begin(context.Background(), "s", verifier, "n")
	if !errors.Is(err, reader.ErrProviderDown) {
		t.Fatalf("unreachable issuer: %v", err)
	}
}
