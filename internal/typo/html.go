package typo

import (
	"bytes"
	"html"
	"strings"

	xhtml "golang.org/x/net/html"
)

// skip holds elements whose text is code or data, never prose.
var skip = map[string]bool{"code": true, "pre": true, "script": true, "style": true, "kbd": true, "samp": true}

// HTML fixes the typography of the text nodes of an HTML fragment, leaving
// tags, attributes and code alone.
func HTML(lang, fragment string) string {
	base, _, _ := strings.Cut(lang, "-")
	if base != "fr" && base != "en" {
		return fragment
	}
	z := xhtml.NewTokenizer(strings.NewReader(fragment))
	var out bytes.Buffer
	out.Grow(len(fragment) + len(fragment)/16)
	f := Fixer{Lang: lang}
	depth := 0
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			return out.String()
		case xhtml.TextToken:
			if depth > 0 {
				out.Write(z.Raw())
				continue
			}
			out.WriteString(html.EscapeString(f.Fix(string(z.Text()))))
			continue
		case xhtml.StartTagToken:
			if name, _ := z.TagName(); skip[string(name)] {
				depth++
			}
		case xhtml.EndTagToken:
			if name, _ := z.TagName(); skip[string(name)] && depth > 0 {
				depth--
			}
		}
		out.Write(z.Raw())
	}
}
