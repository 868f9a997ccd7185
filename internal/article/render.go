package article

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"

	"github.com/lede-news/lede/internal/typo"
)

var (
	md = goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
		goldmark.WithRendererOptions(html.WithUnsafe()), // raw HTML is allowed through, then sanitised
	)
	policy = bodyPolicy()
)

func bodyPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AddTargetBlankToFullyQualifiedLinks(false)
	p.RequireNoFollowOnLinks(false)
	p.AllowAttrs("id").Matching(bluemonday.SpaceSeparatedTokens).OnElements("h2", "h3")
	p.AllowElements("figure", "figcaption")
	p.AllowAttrs("title").OnElements("img") // caption and credit of our images
	p.AllowAttrs("alt").OnElements("img")   // any text: French alt texts have « » : ? ’
	return p
}

// RenderBody turns an article's Markdown into sanitised HTML with the
// language's typography.
func RenderBody(lang, markdown string) (string, error) {
	if err := checkNesting(markdown); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := md.Convert([]byte(markdown), &buf); err != nil {
		return "", fmt.Errorf("article: markdown: %w", err)
	}
	return responsiveImages(typo.HTML(lang, policy.Sanitize(buf.String()))), nil
}

// maxNesting bounds how deep quotes and lists may nest: the Markdown parser's
// time grows with the square of the depth, so a body of 100,000 ">" would
// hold a CPU for seconds.
const maxNesting = 24

// ErrTooDeep is returned for a body nested deeper than maxNesting.
var ErrTooDeep = fmt.Errorf("article: quotes or lists are nested more than %d deep", maxNesting)

func checkNesting(markdown string) error {
	for line := range strings.Lines(markdown) {
		depth := 0
		for _, c := range line {
			if c == '>' || c == '-' || c == '*' || c == '+' {
				depth++
			} else if c != ' ' && c != '\t' {
				break
			}
		}
		if depth > maxNesting {
			return ErrTooDeep
		}
	}
	return nil
}
