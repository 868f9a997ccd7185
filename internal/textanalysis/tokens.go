package textanalysis

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token is one word of a text: its byte span and its index term, "" when
// the word is a stop word, a small number or too short to index.
type Token struct {
	Term       string
	Start, End int
}

// Tokens returns every word of text in order, with the term Terms would
// give it. Search uses the spans to highlight matches, the order of the
// indexed words for phrases, and the raw last word for prefix matching.
func Tokens(lang, text string) []Token {
	a := analyser{lang: lookup(lang), tokens: make([]Token, 0, len(text)/6+1)}
	a.run(nil, text)
	return a.tokens
}

// Fold lower-cases a word and strips it of accents and combining marks,
// without stemming it: the form a half-typed word is compared in, since a
// stemmer would mangle "négoc" while the terms of "négociation" start with
// "negoc".
func Fold(word string) string {
	var b []byte
	for _, r := range word {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b = utf8.AppendRune(b, unicode.ToLower(r))
	}
	if !needsFold(b) {
		return string(b)
	}
	return string(fold(nil, b))
}

// IsStopWord reports whether word is one of the language's stop words.
func IsStopWord(lang, word string) bool {
	_, ok := lookup(lang).stop[Fold(strings.TrimSpace(word))]
	return ok
}
