// Package shortlink makes the compact codes of /s/{code} links.
package shortlink

import (
	"regexp"
	"strings"
)

// The alphabet leaves out 0, O, I and l, which readers confuse.
const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// Code returns the short code of an article id. Ids are scrambled by a
// multiplication that is a bijection modulo 2³², so consecutive articles do
// not get consecutive codes, and two ids never share one.
func Code(id int64) string {
	x := uint64(uint32(id) * 0x9E3779B1)
	x |= uint64(id>>32) << 32
	var b []byte
	for x > 0 || len(b) < 4 {
		b = append(b, alphabet[x%uint64(len(alphabet))])
		x /= uint64(len(alphabet))
	}
	return string(b)
}

var aliasRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{1,63}$`)

// ValidCode reports whether s may be looked up as a code or alias; anything
// else is answered 404 without touching the database.
func ValidCode(s string) bool { return aliasRE.MatchString(s) }

// Target returns the path a short link redirects to. It only ever returns a
// path on this site: an absolute path that does not start with // or /\.
func Target(path string) (string, bool) {
	if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "//") || strings.HasPrefix(path, "/\\") ||
		strings.ContainsAny(path, "\r\n\t\\") {
		return "", false
	}
	return path, true
}
