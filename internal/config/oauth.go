package config

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// OAuthProvider is an external sign-in provider for readers, set by
// environment variables LEDE_OAUTH_<NAME>_…:
//
//	CLIENT_ID, CLIENT_SECRET  the application's credentials at the provider (required)
//	ISSUER                    an OpenID Connect issuer URL, read by discovery
//	                          (required for names other than GOOGLE, FACEBOOK, GITHUB)
//	LABEL                     the name on the button ("Sputnik"); default: the preset's or the name
//	SCOPES                    space-separated scopes instead of the default
//
// GOOGLE is OpenID Connect at https://accounts.google.com; FACEBOOK and
// GITHUB are OAuth 2 with their user APIs.
type OAuthProvider struct {
	Name         string // lower-case: the path segment /oauth/<name>/callback
	Label        string
	Kind         string // oidc | github | facebook
	ClientID     string
	ClientSecret string
	Issuer       string // oidc only
	Scopes       []string
}

var oauthPresets = map[string]OAuthProvider{
	"google":   {Label: "Google", Kind: "oidc", Issuer: "https://accounts.google.com"},
	"facebook": {Label: "Facebook", Kind: "facebook"},
	"github":   {Label: "GitHub", Kind: "github"},
}

// oauthFromEnv reads the providers from environ (os.Environ()), in name
// order, with every problem at once.
func oauthFromEnv(environ []string) ([]OAuthProvider, []error) {
	env := map[string]string{}
	var names []string
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		rest, ok := strings.CutPrefix(k, "LEDE_OAUTH_")
		if !ok {
			continue
		}
		env[k] = v
		if name, ok := strings.CutSuffix(rest, "_CLIENT_ID"); ok && name != "" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	var out []OAuthProvider
	var errs []error
	for _, n := range names {
		get := func(s string) string { return strings.TrimSpace(env["LEDE_OAUTH_"+n+"_"+s]) }
		name := strings.ToLower(n)
		p, preset := oauthPresets[name]
		p.Name, p.ClientID, p.ClientSecret = name, get("CLIENT_ID"), get("CLIENT_SECRET")
		if !preset {
			p.Kind, p.Label = "oidc", n[:1]+strings.ToLower(n[1:])
		}
		if v := get("LABEL"); v != "" {
			p.Label = v
		}
		if v := get("ISSUER"); v != "" {
			if p.Kind != "oidc" {
				errs = append(errs, fmt.Errorf("LEDE_OAUTH_%s_ISSUER: %s is not an OpenID Connect provider", n, p.Label))
			}
			p.Issuer = strings.TrimRight(v, "/")
			p.Issuer = strings.TrimSuffix(p.Issuer, "/.well-known/openid-configuration")
		}
		if v := get("SCOPES"); v != "" {
			p.Scopes = strings.Fields(v)
		}
		for _, r := range name {
			if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
				errs = append(errs, fmt.Errorf("LEDE_OAUTH_%s_CLIENT_ID: the provider name may hold only letters, digits and -", n))
				break
			}
		}
		if p.ClientID == "" || p.ClientSecret == "" {
			errs = append(errs, fmt.Errorf("LEDE_OAUTH_%s: both _CLIENT_ID and _CLIENT_SECRET are required", n))
		}
		if p.Kind == "oidc" {
			if u, err := url.Parse(p.Issuer); p.Issuer == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				errs = append(errs, fmt.Errorf("LEDE_OAUTH_%s_ISSUER %q: must be the provider's https:// issuer (discovery) URL", n, p.Issuer))
			}
		}
		out = append(out, p)
	}
	return out, errs
}
