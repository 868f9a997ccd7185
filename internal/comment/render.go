package comment

import (
	"bytes"
	"html"
	"html/template"
	"reflect"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/util"
)

// The comment markup: Markdown without raw HTML (a "<" a reader types is
// shown as typed), then a policy that keeps paragraphs, line breaks,
// emphasis, quotes and http(s) links only. Anything else the Markdown
// produces (headings, lists, code, images) loses its element but keeps its
// text.
var (
	commentMD = goldmark.New(
		goldmark.WithExtensions(extension.Linkify, extension.Strikethrough),
		goldmark.WithParser(parser.NewParser(
			parser.WithBlockParsers(without(parser.DefaultBlockParsers(), parser.NewHTMLBlockParser())...),
			parser.WithInlineParsers(without(parser.DefaultInlineParsers(), parser.NewRawHTMLParser())...),
			parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
		)),
	)
	commentPolicy = newPolicy()
)

// without drops from ps the parser of the same type as drop.
func without(ps []util.PrioritizedValue, drop any) []util.PrioritizedValue {
	var out []util.PrioritizedValue
	for _, p := range ps {
		if typeName(p.Value) != typeName(drop) {
			out = append(out, p)
		}
	}
	return out
}

func typeName(v any) string { return reflect.TypeOf(v).String() }

func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "em", "strong", "del", "blockquote")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(false)
	return p
}

// MaxNesting bounds how deep quotes may nest (the parser's time grows with
// the square of the depth).
const MaxNesting = 8

// Render returns a comment body as safe HTML.
func Render(body string) template.HTML {
	body = bidiControls.Replace(flattenNesting(body))
	var buf bytes.Buffer
	if err := commentMD.Convert([]byte(body), &buf); err != nil {
		return template.HTML("<p>" + html.EscapeString(body) + "</p>")
	}
	out := commentPolicy.Sanitize(buf.String())
	// bluemonday writes rel="nofollow"; user-generated links also say so.
	out = strings.ReplaceAll(out, ` rel="nofollow"`, ` rel="nofollow ugc"`)
	return template.HTML(out)
}

// flattenNesting keeps only MaxNesting levels of leading quote and list
// markers on each line.
func flattenNesting(s string) string {
	if !strings.ContainsAny(s, ">-*+") {
		return s
	}
	var b strings.Builder
	for line := range strings.Lines(s) {
		depth, cut := 0, -1
		for i, c := range line {
			if c == '>' || c == '-' || c == '*' || c == '+' {
				depth++
				if depth > MaxNesting && cut < 0 {
					cut = i
				}
			} else if c != ' ' && c != '\t' {
				break
			}
		}
		if cut >= 0 {
			prefix := line[:cut]
			rest := strings.TrimLeft(line[cut:], ">-*+ \t")
			b.WriteString(prefix + rest)
			continue
		}
		b.WriteString(line)
	}
	return b.String()
}

// bidiControls are the explicit embedding, override and isolate characters:
// shown, one of them reverses the rest of a paragraph ("gro.elpmaxe//:sptth").
// The stored text keeps them; the page drops them.
var bidiControls = strings.NewReplacer("\u202a", "", "\u202b", "", "\u202c", "", "\u202d", "", "\u202e", "",
	"\u2066", "", "\u2067", "", "\u2068", "", "\u2069", "")
