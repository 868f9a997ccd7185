package search

import (
	"strings"

	xhtml "golang.org/x/net/html"
)

// skipText holds elements whose text is not prose.
var skipText = map[string]bool{"script": true, "style": true, "code": true, "pre": true}

// blocks end a line of text: words on either side must not run together.
var blocks = map[string]bool{"p": true, "br": true, "li": true, "h1": true, "h2": true, "h3": true, "h4": true,
	"h5": true, "h6": true, "blockquote": true, "div": true, "ul": true, "ol": true, "tr": true, "td": true, "th": true,
	"figcaption": true, "hr": true}

// plainText returns the text of an article body's HTML, with entities
// decoded and a line break between blocks, for indexing and snippets.
func plainText(fragment string) string {
	z := xhtml.NewTokenizer(strings.NewReader(fragment))
	var b strings.Builder
	b.Grow(len(fragment))
	skip := 0
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return strings.TrimSpace(b.String())
		case xhtml.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			if skipText[string(name)] {
				skip++
			} else if blocks[string(name)] {
				b.WriteByte('\n')
			}
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			if skipText[string(name)] && skip > 0 {
				skip--
			} else if blocks[string(name)] {
				b.WriteByte('\n')
			}
		}
	}
}
