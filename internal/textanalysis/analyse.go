// Package textanalysis turns text into index terms: words lower-cased,
// stripped of accents and stop words, and stemmed per language. "Read also"
// and search use the same terms, so they agree on what a word is.
package textanalysis

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
)

// maxWord is the longest word kept, in bytes: longer runs of letters are
// URLs, hashes or markup, not words.
const maxWord = 64

// Terms returns the index terms of text in language lang (a BCP 47 tag such
// as "fr" or "fr-CA"), in order and with repeats so callers can count them.
func Terms(lang, text string) []string {
	return AppendTerms(make([]string, 0, len(text)/12+1), lang, text)
}

// AppendTerms appends the terms of text to dst, so several fields can be
// analysed into one slice.
func AppendTerms(dst []string, lang, text string) []string {
	a := analyser{lang: lookup(lang)}
	return a.run(dst, text)
}

// analyser holds the buffers of one call; words are built in a fixed array
// so only the terms kept are allocated.
type analyser struct {
	lang   *language
	env    *snowballstem.Env
	word   [maxWord + utf8.UTFMax]byte
	folded [2 * maxWord]byte
	tokens []Token // non-nil: collect every word with its span (Tokens)
}

// run splits text on anything that is not a letter or a digit (so "l’appel"
// gives "l" and "appel"), lower-casing as it goes. Combining marks do not
// split a word: decomposed "é" stays one word.
func (a *analyser) run(dst []string, text string) []string {
	w := a.word[:0]
	n, digits, long, start := 0, true, false, 0
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z':
				digits = false
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
				digits = false
			case '0' <= c && c <= '9':
			default:
				dst = a.flush(dst, w, n, digits, long, start, i)
				w, n, digits, long = w[:0], 0, true, false
				i++
				continue
			}
			if n == 0 {
				start = i
			}
			i++
			if len(w) < maxWord {
				w = append(w, c)
			} else {
				long = true
			}
			n++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == 'ʼ': // U+02BC, an apostrophe that Unicode files as a letter
			dst = a.flush(dst, w, n, digits, long, start, i)
			w, n, digits, long = w[:0], 0, true, false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if n == 0 {
				start = i
			}
			if len(w)+utf8.UTFMax <= maxWord {
				w = utf8.AppendRune(w, unicode.ToLower(r))
			} else {
				long = true
			}
			n++
			digits = false
		case unicode.Is(unicode.Mn, r):
		default:
			dst = a.flush(dst, w, n, digits, long, start, i)
			w, n, digits, long = w[:0], 0, true, false
		}
		i += size
	}
	return a.flush(dst, w, n, digits, long, start, len(text))
}

// flush ends the word w of n runes found at text[start:end]: its term goes
// to dst, or with its span to a.tokens when the caller asked for tokens.
func (a *analyser) flush(dst []string, w []byte, n int, digits, long bool, start, end int) []string {
	if n == 0 {
		return dst
	}
	t := a.term(w, n, digits, long)
	if a.tokens != nil {
		a.tokens = append(a.tokens, Token{Term: t, Start: start, End: end})
		return dst
	}
	if t != "" {
		dst = append(dst, t)
	}
	return dst
}

// term returns the term for word w of n runes, or "" when it is too short,
// a small number (ages, counts: noise) or a stop word. Stop words are matched
// folded so "a" drops "à"; the stemmer gets the accented word when its
// language's rules use accents (French "-ée", Spanish "-ción"). The cache
// remembers stop words too, as "", so most words cost one map lookup.
func (a *analyser) term(w []byte, n int, digits, long bool) string {
	if n < 2 || long || (digits && n < 4) {
		return ""
	}
	if digits {
		return string(w)
	}
	t, ok := a.lang.cache.get(w)
	if !ok {
		f := w
		if needsFold(w) {
			f = fold(a.folded[:0], w)
		}
		if _, stop := a.lang.stop[string(f)]; !stop {
			t = a.stem(w, f)
		}
		a.lang.cache.put(w, t)
	}
	return t
}

func (a *analyser) stem(w, f []byte) string {
	if a.lang.stem == nil {
		return string(f)
	}
	in := w
	if a.lang.stemFolded {
		in = f
	}
	if a.env == nil {
		a.env = snowballstem.NewEnv("")
	}
	a.env.SetCurrent(string(in))
	a.lang.stem(a.env)
	s := a.env.Current()
	if needsFoldString(s) {
		return string(fold(a.folded[:0], []byte(s)))
	}
	return s
}
