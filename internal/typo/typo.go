// Package typo applies a language's typographic conventions to text: French
// « guillemets », apostrophes and the non-breaking spaces French puts before
// ; : ! ? and inside guillemets; English curly quotes.
package typo

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	nbsp       = '\u00a0' // before : and inside « »
	narrowNbsp = '\u202f' // before ; ! ?
)

// Text fixes the typography of plain text in lang. The quote state does not
// carry over between calls; use a Fixer for text split into pieces.
func Text(lang, s string) string {
	f := Fixer{Lang: lang}
	return f.Fix(s)
}

// Fixer fixes consecutive pieces of one text (the text nodes of an HTML
// fragment), remembering whether a double quote is open.
type Fixer struct {
	Lang      string
	quoteOpen bool
	prev      rune // last rune of the previous piece
}

// Fix returns s with the conventions of f.Lang applied.
func (f *Fixer) Fix(s string) string {
	base, _, _ := strings.Cut(f.Lang, "-")
	if base != "fr" && base != "en" {
		return s
	}
	if !strings.ContainsAny(s, "\"'.;:!?«» ") {
		if s != "" {
			f.prev, _ = utf8.DecodeLastRuneInString(s)
		}
		return s
	}
	fr := base == "fr"
	var b strings.Builder
	b.Grow(len(s) + 16)
	prev := f.prev
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		next := rune(0)
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		switch {
		case c == '.' && next == '.' && i+2 < len(rs) && rs[i+2] == '.':
			c = '…'
			i += 2
		case c == '\'':
			if isWordRune(prev) {
				c = '’'
			} else if fr {
				c = '’'
			} else {
				c = '‘'
			}
		case c == '"':
			if f.quoteOpen {
				f.quoteOpen = false
				if fr {
					b.WriteString(trimTrailingSpace(&b, prev))
					b.WriteRune(nbsp)
					c = '»'
				} else {
					c = '”'
				}
			} else {
				f.quoteOpen = true
				if fr {
					b.WriteRune('«')
					b.WriteRune(nbsp)
					for i+1 < len(rs) && rs[i+1] == ' ' {
						i++
					}
					prev = nbsp
					continue
				}
				c = '“'
			}
		case fr && c == '«':
			b.WriteRune('«')
			b.WriteRune(nbsp)
			for i+1 < len(rs) && (rs[i+1] == ' ' || rs[i+1] == nbsp || rs[i+1] == narrowNbsp) {
				i++
			}
			prev = nbsp
			continue
		case fr && c == '»':
			if prev != nbsp && prev != narrowNbsp {
				trimTrailingSpace(&b, prev)
				b.WriteRune(nbsp)
			}
		case fr && (c == ';' || c == '!' || c == '?' || c == ':'):
			space := narrowNbsp
			if c == ':' {
				space = nbsp
			}
			switch {
			case prev == ' ':
				trimTrailingSpace(&b, prev)
				b.WriteRune(space)
			case c == ':' && (unicode.IsDigit(prev) || next == '/' || next == ':' || (next != 0 && !unicode.IsSpace(next))):
				// a time (14:03), a URL or a path: leave it alone
			case isWordRune(prev) || prev == '»' || prev == ')':
				if c != ':' || next == 0 || unicode.IsSpace(next) {
					b.WriteRune(space)
				}
			}
		}
		b.WriteRune(c)
		prev = c
	}
	f.prev = prev
	return b.String()
}

// trimTrailingSpace drops one ordinary space just written to b.
func trimTrailingSpace(b *strings.Builder, prev rune) string {
	if prev != ' ' {
		return ""
	}
	s := b.String()
	if strings.HasSuffix(s, " ") {
		s = s[:len(s)-1]
		b.Reset()
		b.WriteString(s)
	}
	return ""
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
