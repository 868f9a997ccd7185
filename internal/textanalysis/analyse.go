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
}

// run splits text on anything that is not a letter or a digit (so "l’appel"
// gives "l" and "appel"), lower-casing as it goes. Combining marks do not
// split a word: decomposed "é" stays one word.
func (a *analyser) run(dst []string, text string) []string {
	w := a.word[:0]
	n, digits, long := 0, true, false
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z':
				digits = false
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
				digits = false
			case '0' <= c && c <= '9':
			default:
				dst = a.emit(dst, w, n, digits, long)
				w, n, digits, long = w[:0], 0, true, false
				continue
			}
			if len(w) < maxWord {
				w = append(w, c)
			} else {
				long = true
			}
			n++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		switch {
		case r == 'ʼ': // U+02BC, an apostrophe that Unicode files as a letter
			dst = a.emit(dst, w, n, digits, long)
			w, n, digits, long = w[:0], 0, true, false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if len(w)+utf8.UTFMax <= maxWord {
				w = utf8.AppendRune(w, unicode.ToLower(r))
			} else {
				long = true
			}
			n++
			digits = false
		case unicode.Is(unicode.Mn, r):
		default:
			dst = a.emit(dst, w, n, digits, long)
			w, n, digits, long = w[:0], 0, true, false
		}
	}
	return a.emit(dst, w, n, digits, long)
}

// emit appends the term for word w of n runes, unless it is too short, a
// small number (ages, counts: noise) or a stop word. Stop words are matched
// folded so "a" drops "à"; the stemmer gets the accented word when its
// language's rules use accents (French "-ée", Spanish "-ción"). The cache
// remembers stop words too, as "", so most words cost one map lookup.
func (a *analyser) emit(dst []string, w []byte, n int, digits, long bool) []string {
	if n < 2 || long || (digits && n < 4) {
		return dst
	}
	if digits {
		return append(dst, string(w))
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
	if t == "" {
		return dst
	}
	return append(dst, t)
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
