// Package i18n holds the UI message catalogs and the locale rules for dates
// and numbers. Catalog text goes through the language's typography once, at
// load.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lede-news/lede/internal/typo"
)

//go:embed catalogs/*.json
var catalogFS embed.FS

// Catalog is the messages of one language.
type Catalog struct {
	Lang string
	msgs map[string]string
}

var catalogs = load()

func load() map[string]*Catalog {
	entries, err := catalogFS.ReadDir("catalogs")
	if err != nil {
		panic(err)
	}
	out := map[string]*Catalog{}
	for _, e := range entries {
		b, err := catalogFS.ReadFile("catalogs/" + e.Name())
		if err != nil {
			panic(err)
		}
		// fr.json and fr.comments.json both belong to "fr": each feature
		// keeps its messages in its own file.
		lang, _, _ := strings.Cut(e.Name(), ".")
		c := out[lang]
		if c == nil {
			c = &Catalog{Lang: lang, msgs: map[string]string{}}
			out[lang] = c
		}
		var msgs map[string]string
		if err := json.Unmarshal(b, &msgs); err != nil {
			panic(fmt.Sprintf("i18n: catalog %s: %v", e.Name(), err))
		}
		for k, v := range msgs {
			if _, dup := c.msgs[k]; dup {
				panic(fmt.Sprintf("i18n: catalog %s: key %q is also in another %s file", e.Name(), k, lang))
			}
			c.msgs[k] = typo.Text(lang, v)
		}
	}
	return out
}

// For returns the catalog of lang (a BCP 47 tag), falling back to its base
// language and then English.
func For(lang string) *Catalog {
	if c, ok := catalogs[lang]; ok {
		return c
	}
	base, _, _ := strings.Cut(lang, "-")
	if c, ok := catalogs[base]; ok {
		return c
	}
	return catalogs["en"]
}

// Languages lists the languages with a catalog.
func Languages() []string {
	var out []string
	for l := range catalogs {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// T returns the message for key; a missing key shows as the key itself so
// that it is seen and fixed, never as an empty string.
func (c *Catalog) T(key string, args ...any) string {
	m, ok := c.msgs[key]
	if !ok {
		if en := catalogs["en"]; en != c {
			if m, ok = en.msgs[key]; !ok {
				return key
			}
		} else {
			return key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(m, args...)
	}
	return m
}

// Keys lists the catalog's keys, for tests that compare catalogs.
func (c *Catalog) Keys() []string {
	var out []string
	for k := range c.msgs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var months = map[string][12]string{
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// Date formats t's calendar day in the catalog's language: "25 janvier 2021".
func (c *Catalog) Date(t time.Time) string {
	m, ok := months[c.Lang]
	if !ok {
		m = months["en"]
	}
	d := strconv.Itoa(t.Day())
	if c.Lang == "fr" && t.Day() == 1 {
		d = "1er"
	}
	return d + " " + m[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// DateTime formats t as "25 janvier 2021 à 14:03".
func (c *Catalog) DateTime(t time.Time) string {
	return c.Date(t) + " " + c.T("at") + " " + t.Format("15:04")
}

// Number formats n with the language's digit grouping: French groups with a
// narrow no-break space from five digits on (6272, 12 500), English with
// commas.
func (c *Catalog) Number(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := ","
	if c.Lang == "fr" {
		if len(s) <= 4 {
			return sign(neg) + s
		}
		sep = "\u202f"
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return sign(neg) + b.String()
}

func sign(neg bool) string {
	if neg {
		return "-"
	}
	return ""
}
