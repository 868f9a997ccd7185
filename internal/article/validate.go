package article

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Errors maps a field to what is wrong with it.
type Errors map[string]string

func (e Errors) Error() string {
	var parts []string
	for _, f := range slices.Sorted(maps.Keys(e)) {
		parts = append(parts, f+": "+e[f])
	}
	return strings.Join(parts, "; ")
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidSlug reports whether s can stand in a URL path segment as is.
func ValidSlug(s string) bool { return len(s) <= 120 && slugRE.MatchString(s) }

// Reserved are path segments an edition uses for its own pages.
var Reserved = map[string]bool{"tags": true, "authors": true, "conduct": true, "subscribe": true,
	"search": true, "feed": true, "s": true, "static": true, "admin": true, "api": true,
	"comments": true, "account": true} // comments and reader accounts live at /{ed}/comments/… and /{ed}/account/…

// Validate checks the fields a reader sees.
func (a *Article) Validate() error {
	errs := Errors{}
	if !ValidSlug(a.Slug) {
		errs["slug"] = "must be lowercase letters, digits and single hyphens, at most 120 characters"
	}
	h := strings.TrimSpace(a.Headline)
	switch {
	case h == "":
		errs["headline"] = "is required"
	case utf8.RuneCountInString(h) > 300:
		errs["headline"] = "is longer than 300 characters"
	}
	if utf8.RuneCountInString(a.Standfirst) > 1000 {
		errs["standfirst"] = "is longer than 1000 characters"
	}
	if strings.TrimSpace(a.BodyMD) == "" {
		errs["body"] = "is required"
	} else if len(a.BodyMD) > 1<<20 {
		errs["body"] = "is larger than 1 MiB"
	} else if checkNesting(a.BodyMD) != nil {
		errs["body"] = ErrTooDeep.Error()
	}
	if utf8.RuneCountInString(a.Dateline) > 100 {
		errs["dateline"] = "is longer than 100 characters"
	}
	if a.PublishedAt.IsZero() {
		errs["published_at"] = "is required"
	}
	if !a.UpdatedAt.IsZero() && a.UpdatedAt.Before(a.PublishedAt) {
		errs["updated_at"] = "is before published_at"
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}
