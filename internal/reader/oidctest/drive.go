package oidctest

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// SignIn plays the browser at the provider: it opens authURL (the
// provider's authorization URL), signs in as username on the login page and
// returns the URL the provider redirects back to (the relying party's
// callback with code and state), without following it.
func (s *Server) SignIn(client *http.Client, authURL, username, password string) (*url.URL, error) {
	c := *client
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !strings.HasPrefix(req.URL.String(), s.URL+"/") {
			return http.ErrUseLastResponse // back at the relying party: stop
		}
		return nil
	}
	resp, err := c.Get(authURL)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.Path, "/login/") {
		return nil, fmt.Errorf("oidctest: authorize answered %s at %s", resp.Status, resp.Request.URL)
	}
	id := resp.Request.URL.Query().Get("authRequestID")
	resp, err = c.PostForm(s.URL+"/login/username", url.Values{"id": {id}, "username": {username}, "password": {password}})
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode/100 != 3 || loc == "" {
		return nil, fmt.Errorf("oidctest: login answered %s: %s", resp.Status, body)
	}
	return resp.Request.URL.Parse(loc)
}
