package reader

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/lede-news/lede/internal/config"
)

var (
	// ErrProviderDown is a provider that could not be reached or answered
	// nonsense (discovery, token exchange, user API).
	ErrProviderDown = errors.New("reader: the sign-in provider did not answer as expected")
	// ErrRefused is a sign-in the provider did not confirm: a code it does
	// not know (replayed, expired, forged), a token that fails verification,
	// a nonce that is not ours.
	ErrRefused = errors.New("reader: the sign-in was not confirmed by the provider")
)

// Provider signs readers in with one OAuth 2 / OpenID Connect provider.
type Provider struct {
	config.OAuthProvider
	RedirectURL string
	Client      *http.Client // for every call to the provider

	mu       sync.Mutex
	oauth    *oauth2.Config
	verifier *oidc.IDTokenVerifier
	oidc     *oidc.Provider
}

// Endpoints of the OAuth 2 presets.
var (
	githubEndpoint = oauth2.Endpoint{AuthURL: "https://github.com/login/oauth/authorize",
		TokenURL: "https://github.com/login/oauth/access_token", AuthStyle: oauth2.AuthStyleInParams}
	githubAPI          = "https://api.github.com"
	facebookEndpoint   = oauth2.Endpoint{AuthURL: "https://www.facebook.com/v21.0/dialog/oauth", TokenURL: "https://graph.facebook.com/v21.0/oauth/access_token"}
	facebookAPI        = "https://graph.facebook.com/v21.0"
	defaultOIDCScopes  = []string{oidc.ScopeOpenID, "email", "profile"}
	defaultGithubScope = []string{"read:user", "user:email"}
	defaultFBScopes    = []string{"email", "public_profile"}
)

// NewProvider prepares p; OpenID Connect discovery happens at the first
// sign-in, so a provider that is down does not stop the site from starting.
func NewProvider(c config.OAuthProvider, redirectURL string) *Provider {
	return &Provider{OAuthProvider: c, RedirectURL: redirectURL, Client: &http.Client{Timeout: 15 * time.Second}}
}

func (p *Provider) ctx(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, p.Client)
}

// setup returns the OAuth configuration, running discovery once.
func (p *Provider) setup(ctx context.Context) (*oauth2.Config, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.oauth != nil {
		return p.oauth, nil
	}
	c := &oauth2.Config{ClientID: p.ClientID, ClientSecret: p.ClientSecret, RedirectURL: p.RedirectURL, Scopes: p.Scopes}
	switch p.Kind {
	case "oidc":
		op, err := oidc.NewProvider(p.ctx(ctx), p.Issuer)
		if err != nil {
			return nil, fmt.Errorf("%w: %s discovery: %v", ErrProviderDown, p.Name, err)
		}
		p.oidc = op
		p.verifier = op.VerifierContext(p.ctx(context.Background()), &oidc.Config{ClientID: p.ClientID})
		c.Endpoint = op.Endpoint()
		if c.Scopes == nil {
			c.Scopes = defaultOIDCScopes
		}
	case "github":
		c.Endpoint = githubEndpoint
		if c.Scopes == nil {
			c.Scopes = defaultGithubScope
		}
	case "facebook":
		c.Endpoint = facebookEndpoint
		if c.Scopes == nil {
			c.Scopes = defaultFBScopes
		}
	default:
		return nil, fmt.Errorf("reader: provider %s: unknown kind %q", p.Name, p.Kind)
	}
	p.oauth = c
	return c, nil
}

// Begin returns the provider's authorization URL for a new flow: state
// names the flow, verifier is the PKCE secret (S256 challenge sent), nonce
// is bound into the OIDC ID token.
func (p *Provider) Begin(ctx context.Context, state, verifier, nonce string) (string, error) {
	c, err := p.setup(ctx)
	if err != nil {
		return "", err
	}
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
	if p.Kind == "oidc" {
		opts = append(opts, oidc.Nonce(nonce))
	}
	return c.AuthCodeURL(state, opts...), nil
}

// Finish exchanges the code (with the PKCE verifier) and says who signed
// in. For OpenID Connect the ID token's signature, issuer, audience, expiry
// and nonce are checked.
func (p *Provider) Finish(ctx context.Context, code, verifier, nonce string) (External, error) {
	c, err := p.setup(ctx)
	if err != nil {
		return External{}, err
	}
	ctx = p.ctx(ctx)
	tok, err := c.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return External{}, fmt.Errorf("%w: %s token: %v", ErrRefused, p.Name, err)
		}
		return External{}, fmt.Errorf("%w: %s token: %v", ErrProviderDown, p.Name, err)
	}
	switch p.Kind {
	case "oidc":
		return p.finishOIDC(ctx, c, tok, nonce)
	case "github":
		return p.finishGitHub(ctx, c, tok)
	default:
		return p.finishFacebook(ctx, c, tok)
	}
}

type oidcClaims struct {
	Subject       string `json:"sub"`
	Email         string `json:"email"`
	EmailVerified any    `json:"email_verified"` // bool, or "true" at some providers
	Name          string `json:"name"`
	GivenName     string `json:"given_name"`
	Nickname      string `json:"preferred_username"`
}

func truthy(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		b, _ := strconv.ParseBool(v)
		return b
	}
	return false
}

func (p *Provider) finishOIDC(ctx context.Context, c *oauth2.Config, tok *oauth2.Token, nonce string) (External, error) {
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return External{}, fmt.Errorf("%w: %s sent no ID token", ErrRefused, p.Name)
	}
	id, err := p.verifier.Verify(ctx, raw)
	if err != nil {
		return External{}, fmt.Errorf("%w: %s ID token: %v", ErrRefused, p.Name, err)
	}
	if nonce == "" || id.Nonce != nonce {
		return External{}, fmt.Errorf("%w: %s ID token: nonce does not match", ErrRefused, p.Name)
	}
	var cl oidcClaims
	if err := id.Claims(&cl); err != nil {
		return External{}, fmt.Errorf("%w: %s claims: %v", ErrRefused, p.Name, err)
	}
	if cl.Email == "" && p.oidc.UserInfoEndpoint() != "" {
		// Some providers keep the email out of the ID token.
		ui, err := p.oidc.UserInfo(ctx, c.TokenSource(ctx, tok))
		if err != nil {
			return External{}, fmt.Errorf("%w: %s userinfo: %v", ErrProviderDown, p.Name, err)
		}
		var more oidcClaims
		if err := ui.Claims(&more); err != nil || ui.Subject != id.Subject {
			return External{}, fmt.Errorf("%w: %s userinfo is for another subject", ErrRefused, p.Name)
		}
		cl.Email, cl.EmailVerified = more.Email, more.EmailVerified
		if cl.Name == "" {
			cl.Name = more.Name
		}
	}
	name := cl.Name
	if name == "" {
		name = cl.GivenName
	}
	if name == "" {
		name = cl.Nickname
	}
	return External{Provider: p.Name, Subject: id.Subject, Email: cl.Email, EmailVerified: truthy(cl.EmailVerified), Name: name}, nil
}

// getJSON calls a provider API with the access token.
func (p *Provider) getJSON(ctx context.Context, c *oauth2.Config, tok *oauth2.Token, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.Client(ctx, tok).Do(req)
	if err != nil {
		return fmt.Errorf("%w: %s API: %v", ErrProviderDown, p.Name, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%w: %s API %s: %s", ErrProviderDown, p.Name, resp.Status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%w: %s API: %v", ErrProviderDown, p.Name, err)
	}
	return nil
}

// finishGitHub reads the user and their addresses: only the primary,
// verified address counts (the profile's public email is not checked by
// GitHub).
func (p *Provider) finishGitHub(ctx context.Context, c *oauth2.Config, tok *oauth2.Token) (External, error) {
	var u struct {
		ID    int64  `json:"id"`
		Login string `json:"login"`
		Name  string `json:"name"`
	}
	if err := p.getJSON(ctx, c, tok, githubAPI+"/user", &u); err != nil {
		return External{}, err
	}
	if u.ID == 0 {
		return External{}, fmt.Errorf("%w: github user without id", ErrProviderDown)
	}
	var emails []struct {
		Email    string `json:"email"`
		Primary  bool   `json:"primary"`
		Verified bool   `json:"verified"`
	}
	if err := p.getJSON(ctx, c, tok, githubAPI+"/user/emails", &emails); err != nil {
		return External{}, err
	}
	x := External{Provider: p.Name, Subject: strconv.FormatInt(u.ID, 10), Name: u.Name}
	if x.Name == "" {
		x.Name = u.Login
	}
	for _, e := range emails {
		if e.Primary {
			x.Email, x.EmailVerified = e.Email, e.Verified
		}
	}
	return x, nil
}

// finishFacebook reads the profile. Facebook returns an email only when the
// person confirmed it with Facebook, so a returned address is verified.
func (p *Provider) finishFacebook(ctx context.Context, c *oauth2.Config, tok *oauth2.Token) (External, error) {
	var u struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		Email string `json:"email"`
	}
	if err := p.getJSON(ctx, c, tok, facebookAPI+"/me?fields=id,name,email", &u); err != nil {
		return External{}, err
	}
	if u.ID == "" {
		return External{}, fmt.Errorf("%w: facebook user without id", ErrProviderDown)
	}
	return External{Provider: p.Name, Subject: u.ID, Email: u.Email, EmailVerified: u.Email != "", Name: u.Name}, nil
}
