package article

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strings"

	xhtml "golang.org/x/net/html"
)

// mediaPath matches our own uploaded images, /media/{id}/{width}.
var mediaPath = regexp.MustCompile(`^/media/(\d+)/\d+$`)

// responsiveImages gives each of our own images a srcset of the stored
// widths, lazy loading, and its title (caption and credit) as a visible
// caption. Images from elsewhere are removed.
func responsiveImages(fragment string) string {
	if !strings.Contains(fragment, "<img") {
		return fragment
	}
	z := xhtml.NewTokenizer(strings.NewReader(fragment))
	var out bytes.Buffer
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return out.String()
		}
		tok := z.Token()
		if (tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken) || tok.Data != "img" {
			out.Write(z.Raw())
			continue
		}
		var src, title string
		for _, a := range tok.Attr {
			switch a.Key {
			case "src":
				src = a.Val
			case "title":
				title = a.Val
			}
		}
		m := mediaPath.FindStringSubmatch(src)
		if m == nil {
			continue // only our own images: readers and feed readers load nothing from third parties
		}
		var set []string
		for _, w := range []int{320, 640, 1024, 1600} {
			set = append(set, fmt.Sprintf("/media/%s/%d %dw", m[1], w, w))
		}
		tok.Attr = append(tok.Attr, xhtml.Attribute{Key: "srcset", Val: strings.Join(set, ", ")},
			xhtml.Attribute{Key: "sizes", Val: "(min-width: 760px) 720px, 100vw"},
			xhtml.Attribute{Key: "loading", Val: "lazy"})
		out.WriteString(tok.String())
		if title != "" {
			out.WriteString(`<span class="caption">` + html.EscapeString(title) + `</span>`)
		}
	}
}
