// Package oidctest runs a real OpenID Connect provider (zitadel/oidc's op
// package, with its example in-memory storage) on a loopback port, for
// tests of the readers' external sign-in: discovery, the authorization
// code flow with PKCE, signed ID tokens with the nonce, userinfo. Only
// tests import it.
package oidctest

import (
	"crypto/sha256"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"strings"

	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// User is an account at the test provider. Its Username signs in on the
// provider's login page with Password.
type User struct {
	ID, Username, Password string
	First, Last            string
	Email                  string
	EmailVerified          bool
}

// The client Lede is registered as.
const (
	ClientID     = "lede-test"
	ClientSecret = "lede-test-secret"
)

// Server is a running provider. Set the redirect URI with Serve once the
// relying party's address is known.
type Server struct {
	URL string // the issuer: http://127.0.0.1:port
	ln  net.Listener
	srv *http.Server
}

// Listen reserves a loopback port for the provider.
func Listen() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	return &Server{URL: "http://" + ln.Addr().String(), ln: ln}, nil
}

type users map[string]*storage.User

func (u users) GetUserByID(id string) *storage.User { return u[id] }
func (u users) GetUserByUsername(name string) *storage.User {
	for _, x := range u {
		if x.Username == name {
			return x
		}
	}
	return nil
}
func (u users) ExampleClientID() string { return "service" }

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Test provider – sign in</title></head><body>
<h1>Test provider</h1>{{with .Error}}<p id="error">{{.}}</p>{{end}}
<form method="post" action="/login/username">
<input type="hidden" name="id" value="{{.ID}}">
<label>User <input id="username" name="username"></label>
<label>Password <input id="password" name="password" type="password"></label>
<button id="submit" type="submit">Sign in</button>
</form></body></html>`))

// Serve starts the provider with one web client allowed to redirect to
// redirectURIs, and the given users.
func (s *Server) Serve(redirectURIs []string, people ...User) error {
	us := users{}
	for _, p := range people {
		us[p.ID] = &storage.User{ID: p.ID, Username: p.Username, Password: p.Password, FirstName: p.First, LastName: p.Last,
			Email: p.Email, EmailVerified: p.EmailVerified, PreferredLanguage: language.English}
	}
	st := storage.NewStorageWithClients(us, map[string]*storage.Client{
		ClientID: storage.WebClient(ClientID, ClientSecret, redirectURIs...),
	})
	key := sha256.Sum256([]byte("lede oidc test provider"))
	provider, err := op.NewProvider(&op.Config{CryptoKey: key, CodeMethodS256: true, AuthMethodPost: true,
		SupportedUILocales: []language.Tag{language.English}}, st, op.StaticIssuer(s.URL), op.WithAllowInsecure())
	if err != nil {
		return fmt.Errorf("oidctest: provider: %w", err)
	}
	callback := op.AuthCallbackURL(provider)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login/username", func(w http.ResponseWriter, r *http.Request) {
		loginPage.Execute(w, map[string]string{"ID": r.FormValue("authRequestID")})
	})
	mux.Handle("POST /login/username", op.NewIssuerInterceptor(provider.IssuerFromRequest).HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.FormValue("id")
		if err := st.CheckUsernamePassword(strings.TrimSpace(r.FormValue("username")), r.FormValue("password"), id); err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			loginPage.Execute(w, map[string]string{"ID": id, "Error": err.Error()})
			return
		}
		http.Redirect(w, r, callback(r.Context(), id), http.StatusFound)
	}))
	mux.Handle("/", provider)
	s.srv = &http.Server{Handler: mux}
	go s.srv.Serve(s.ln)
	return nil
}

// Close stops the provider.
func (s *Server) Close() error {
	if s.srv == nil {
		return s.ln.Close()
	}
	return s.srv.Close()
}
