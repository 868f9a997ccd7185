package account

import (
	"maps"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"
)

// Errors maps a form field to what is wrong with it; the web layer renders
// it next to the field.
type Errors map[string]string

func (e Errors) Error() string {
	var parts []string
	for _, f := range slices.Sorted(maps.Keys(e)) {
		parts = append(parts, f+": "+e[f])
	}
	return strings.Join(parts, "; ")
}

// MinPassword is the shortest password accepted. Length is what resists
// guessing; composition rules only make people write passwords down.
const MinPassword = 10

// maxPassword bounds the work an attacker can make argon2 do per request.
const maxPassword = 1024

// NewUser is what an admin, the set-up page or `lede user add` submits.
type NewUser struct {
	Email    string
	Name     string
	Role     Role
	Password string
}

// NormalizeEmail lower-cases and trims an address, the form in which it is
// stored and looked up.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// checkEmail accepts a bare address (no display name, no angle brackets)
// whose domain has a dot, which catches "name@gmail" typos.
func checkEmail(email string) string {
	if email == "" {
		return "is required"
	}
	if len(email) > 254 {
		return "is too long"
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Name != "" || a.Address != email {
		return "is not a valid email address"
	}
	domain := email[strings.LastIndexByte(email, '@')+1:]
	if !strings.Contains(domain, ".") && domain != "localhost" {
		return "is not a valid email address"
	}
	return ""
}

func checkPassword(password string) string {
	switch n := utf8.RuneCountInString(password); {
	case n < MinPassword:
		return "must be at least 10 characters"
	case len(password) > maxPassword:
		return "is too long"
	}
	return ""
}

// Validate normalises n and reports every problem at once.
func (n *NewUser) Validate() error {
	errs := Errors{}
	n.Email = NormalizeEmail(n.Email)
	n.Name = strings.TrimSpace(n.Name)
	if msg := checkEmail(n.Email); msg != "" {
		errs["email"] = msg
	}
	if n.Name == "" && errs["email"] == "" {
		n.Name = n.Email[:strings.LastIndexByte(n.Email, '@')]
	}
	if utf8.RuneCountInString(n.Name) > 100 {
		errs["name"] = "must be at most 100 characters"
	}
	if !n.Role.Valid() {
		errs["role"] = "must be admin, editor, author or contributor"
	}
	if msg := checkPassword(n.Password); msg != "" {
		errs["password"] = msg
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}
