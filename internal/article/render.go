package article

import (
	"bytes"
	"fmt"

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
	return p
}

// RenderBody turns an article's Markdown into sanitised HTML with the
// language's typography.
func RenderBody(lang, markdown string) (string, error) {
	var buf bytes.Buffer
	if err := md.Convert([]byte(markdown), &buf); err != nil {
		return "", fmt.Errorf("article: markdown: %w", err)
	}
	return responsiveImages(typo.HTML(lang, policy.Sanitize(buf.String()))), nil
}
