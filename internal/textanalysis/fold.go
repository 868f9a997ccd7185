package textanalysis

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Accent folding is a table built once from Unicode decompositions, so the
// hot path is a slice index per non-ASCII rune instead of a transformer
// run per word. Only Latin letters are folded: removing marks from Cyrillic
// would turn й into и.
const (
	latinLo, latinHi = 0x00C0, 0x0250 // Latin-1 Supplement to Latin Extended-B
	extLo, extHi     = 0x1E00, 0x1F00 // Latin Extended Additional (Vietnamese…)
)

// The tables are package variables, not filled in init, because the stop
// word lists are folded while package variables are initialised.
var (
	latinFold = foldTable(latinLo, latinHi)
	extFold   = foldTable(extLo, extHi)
)

// ligatures and letters without a decomposition.
var special = map[rune]string{
	'œ': "oe", 'Œ': "oe", 'æ': "ae", 'Æ': "ae", 'ß': "ss", 'ẞ': "ss",
	'ø': "o", 'Ø': "o", 'đ': "d", 'Đ': "d", 'ł': "l", 'Ł': "l",
	'ð': "d", 'Ð': "d", 'þ': "th", 'Þ': "th", 'ı': "i",
}

func foldTable(lo, hi rune) []string {
	strip := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	t := make([]string, hi-lo)
	for i := range t {
		r := lo + rune(i)
		if s, ok := special[r]; ok {
			t[i] = s
			continue
		}
		if s, _, err := transform.String(strip, string(r)); err == nil && s != string(r) {
			t[i] = s
		}
	}
	return t
}

// fold appends w with Latin accents removed and ligatures spelled out. Ё
// becomes Е, as Russian writers and the Russian stemmer treat them alike.
func fold(dst, w []byte) []byte {
	for i := 0; i < len(w); {
		c := w[i]
		if c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(w[i:])
		i += n
		var s string
		switch {
		case r >= latinLo && r < latinHi:
			s = latinFold[r-latinLo]
		case r >= extLo && r < extHi:
			s = extFold[r-extLo]
		case r == 'ё':
			s = "е"
		}
		if s == "" {
			dst = utf8.AppendRune(dst, r)
		} else {
			dst = append(dst, s...)
		}
	}
	return dst
}

// needsFold reports whether fold would change w; most words do not.
func needsFold(w []byte) bool {
	for i := 0; i < len(w); {
		if w[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(w[i:])
		i += n
		if folds(r) {
			return true
		}
	}
	return false
}

func needsFoldString(w string) bool {
	for _, r := range w {
		if r >= utf8.RuneSelf && folds(r) {
			return true
		}
	}
	return false
}

func folds(r rune) bool {
	return (r >= latinLo && r < latinHi && latinFold[r-latinLo] != "") ||
		(r >= extLo && r < extHi && extFold[r-extLo] != "") || r == 'ё'
}
