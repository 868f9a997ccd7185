package account

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// newToken returns 32 random bytes as URL-safe text (for a cookie or a
// link) and the hash under which it is stored. A SHA-256 without salt is
// enough: the token has 256 bits of entropy, so there is nothing to guess.
func newToken() (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand since Go 1.24)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewToken is newToken for other packages (readers' sessions and links).
func NewToken() (token, hash string) { return newToken() }

// HashToken is the hash under which a token from NewToken is stored.
func HashToken(token string) string { return hashToken(token) }
