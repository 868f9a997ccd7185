package search

import (
	"sort"
	"strings"

	"github.com/lede-news/lede/internal/textanalysis"
)

// doc is an article as the index sees it.
type doc struct {
	id, edition, section, published int64
	fields                          [3][]string        // terms of headline, standfirst, body, in order
	words                           map[string]string  // a word each term was written as
	tf                              map[string]float64 // term frequency, weighted by field
	len                             int64              // terms in all fields
	forms                           map[[2]string]bool // accent forms: {folded word, term} (forms.go)
}

var fieldWeights = [3]float64{headlineWeight, standfirstWeight, bodyWeight}

// analyse turns an article's text into its terms.
func analyse(lang, headline, standfirst, bodyHTML string) doc {
	d := doc{words: map[string]string{}, tf: map[string]float64{}, forms: map[[2]string]bool{}}
	seen := map[string]bool{}
	for i, text := range [3]string{headline, standfirst, plainText(bodyHTML)} {
		toks := textanalysis.Tokens(lang, text)
		terms := make([]string, 0, len(toks))
		for _, t := range toks {
			if t.Term == "" {
				continue
			}
			terms = append(terms, t.Term)
			d.tf[t.Term] += fieldWeights[i]
			if _, ok := d.words[t.Term]; !ok {
				d.words[t.Term] = strings.ToLower(text[t.Start:t.End])
			}
			if w := text[t.Start:t.End]; !isASCII(w) && !seen[w] {
				seen[w] = true
				if f, ok := accentForm(lang, w, t.Term); ok {
					d.forms[[2]string{f, t.Term}] = true
				}
			}
		}
		d.fields[i] = terms
		d.len += int64(len(terms))
	}
	return d
}

// distinct returns the document's terms, sorted.
func (d *doc) distinct() []string {
	out := make([]string, 0, len(d.tf))
	for t := range d.tf {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}
