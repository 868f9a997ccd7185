package config

import (
	"strings"
	"testing"
)

func TestOAuthFromEnv(t *testing.T) {
	ps, errs := oauthFromEnv([]string{
		"PATH=/bin",
		"LEDE_OAUTH_GOOGLE_CLIENT_ID=g-id", "LEDE_OAUTH_GOOGLE_CLIENT_SECRET=g-secret",
		"LEDE_OAUTH_GITHUB_CLIENT_ID=gh-id", "LEDE_OAUTH_GITHUB_CLIENT_SECRET=gh-secret", "LEDE_OAUTH_GITHUB_SCOPES=read:user  user:email",
		"LEDE_OAUTH_SPUTNIK_CLIENT_ID=s-id", "LEDE_OAUTH_SPUTNIK_CLIENT_SECRET=s-secret",
		"LEDE_OAUTH_SPUTNIK_ISSUER=https://id.sputnik.example/.well-known/openid-configuration",
	})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(ps) != 3 || ps[0].Name != "github" || ps[1].Name != "google" || ps[2].Name != "sputnik" {
		t.Fatalf("providers %+v", ps)
	}
	if ps[0].Kind != "github" || ps[0].Label != "GitHub" || strings.Join(ps[0].Scopes, ",") != "read:user,user:email" {
		t.Fatalf("github %+v", ps[0])
	}
	if ps[1].Kind != "oidc" || ps[1].Issuer != "https://accounts.google.com" || ps[1].ClientSecret != "g-secret" {
		t.Fatalf("google %+v", ps[1])
	}
	if ps[2].Kind != "oidc" || ps[2].Label != "Sputnik" || ps[2].Issuer != "https://id.sputnik.example" {
		t.Fatalf("sputnik %+v", ps[2])
	}

	_, errs = oauthFromEnv([]string{
		"LEDE_OAUTH_ACME_CLIENT_ID=x", "LEDE_OAUTH_ACME_CLIENT_SECRET=y", // no issuer
		"LEDE_OAUTH_FACEBOOK_CLIENT_ID=x", // no secret
		"LEDE_OAUTH_GITHUB_CLIENT_ID=x", "LEDE_OAUTH_GITHUB_CLIENT_SECRET=y", "LEDE_OAUTH_GITHUB_ISSUER=https://x.example",
		"LEDE_OAUTH_BAD.NAME_CLIENT_ID=x", "LEDE_OAUTH_BAD.NAME_CLIENT_SECRET=y", "LEDE_OAUTH_BAD.NAME_ISSUER=https://x.example",
		"LEDE_OAUTH_FTP_CLIENT_ID=x", "LEDE_OAUTH_FTP_CLIENT_SECRET=y", "LEDE_OAUTH_FTP_ISSUER=ftp://x.example",
	})
	want := []string{"LEDE_OAUTH_ACME_ISSUER", "LEDE_OAUTH_FACEBOOK: both", "not an OpenID Connect provider", "letters, digits", "LEDE_OAUTH_FTP_ISSUER"}
	all := ""
	for _, e := range errs {
		all += e.Error() + "\n"
	}
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("no error about %q in:\n%s", w, all)
		}
	}
}
