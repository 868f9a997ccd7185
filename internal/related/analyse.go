package related

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/lede-news/lede/internal/textanalysis"
)

// Field weights: a word in the headline says more about the article than one
// in the body.
const (
	headlineWeight   = 3
	standfirstWeight = 2
	bodyWeight       = 1
)

// termFreqs counts the weighted occurrences of each term in an article.
func termFreqs(lang, headline, standfirst, bodyMD string) map[string]float64 {
	tf := make(map[string]float64, 256)
	var buf []string
	for _, f := range []struct {
		text   string
		weight float64
	}{{headline, headlineWeight}, {standfirst, standfirstWeight}, {stripMarkdown(bodyMD), bodyWeight}} {
		buf = textanalysis.AppendTerms(buf[:0], lang, f.text)
		for _, t := range buf {
			tf[t] += f.weight
		}
	}
	return tf
}

// weigh turns term frequencies into the article's vector: sublinear TF
// times idf = ln(1 + n/df), the strongest keepTerms terms, L2-normalised so
// a dot product of two vectors is their cosine.
func weigh(tf map[string]float64, df map[string]int64, n int64) []termWeight {
	vec := make([]termWeight, 0, len(tf))
	for t, f := range tf {
		d := max(df[t], 1)
		idf := math.Log(1 + float64(max(n, d))/float64(d))
		vec = append(vec, termWeight{t, (1 + math.Log(f)) * idf})
	}
	slices.SortFunc(vec, func(a, b termWeight) int {
		if c := cmp.Compare(b.weight, a.weight); c != 0 {
			return c
		}
		return strings.Compare(a.term, b.term)
	})
	vec = vec[:min(len(vec), keepTerms)]
	var sum float64
	for _, tw := range vec {
		sum += tw.weight * tw.weight
	}
	if sum > 0 {
		norm := math.Sqrt(sum)
		for i := range vec {
			vec[i].weight /= norm
		}
	}
	return vec
}

// stripMarkdown drops what in Markdown is not prose: link and image
// destinations, HTML tags and bare URLs. Emphasis, headings and list marks
// are punctuation, which analysis skips anyway.
func stripMarkdown(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ']' && i+1 < len(s) && s[i+1] == '(':
			if j := strings.IndexByte(s[i:], ')'); j > 0 {
				b.WriteByte(' ')
				i += j + 1
				continue
			}
		case c == '<' && i+1 < len(s) && (isASCIILetter(s[i+1]) || s[i+1] == '/' || s[i+1] == '!'):
			if j := strings.IndexByte(s[i:], '>'); j > 0 {
				b.WriteByte(' ')
				i += j + 1
				continue
			}
		case c == 'h' && (strings.HasPrefix(s[i:], "http://") || strings.HasPrefix(s[i:], "https://")):
			j := strings.IndexAny(s[i:], " \t\n)>]")
			if j < 0 {
				j = len(s) - i
			}
			i += j
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
