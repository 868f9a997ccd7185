package textanalysis

import (
	"embed"
	"strings"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/french"
	"github.com/blevesearch/snowballstem/german"
	"github.com/blevesearch/snowballstem/russian"
	"github.com/blevesearch/snowballstem/spanish"
)

//go:embed stopwords_*.txt
var stopFS embed.FS

// language is what analysis needs to know about one language. Stop words are
// kept folded, so a word typed without its accents is dropped too.
// stemFolded says the stemmer gets the folded word: the English one knows no
// accents and the Russian one no ё; the French, German and Spanish ones
// have rules for their accented letters and get the word as written.
type language struct {
	stem       func(*snowballstem.Env) bool
	stemFolded bool
	stop       map[string]struct{}
	cache      stemCache
}

var none = &language{stop: map[string]struct{}{}}

var languages = map[string]*language{
	"en": load("en", english.Stem, true),
	"fr": load("fr", french.Stem, false),
	"de": load("de", german.Stem, false),
	"es": load("es", spanish.Stem, false),
	"ru": load("ru", russian.Stem, true),
}

func load(code string, stem func(*snowballstem.Env) bool, stemFolded bool) *language {
	b, err := stopFS.ReadFile("stopwords_" + code + ".txt")
	if err != nil {
		panic("textanalysis: " + err.Error())
	}
	l := &language{stem: stem, stemFolded: stemFolded, stop: map[string]struct{}{}}
	for line := range strings.Lines(string(b)) {
		w := strings.TrimSpace(line)
		if w == "" || w[0] == '#' {
			continue
		}
		l.stop[string(fold(nil, []byte(strings.ToLower(w))))] = struct{}{}
	}
	return l
}

// lookup finds the language of a BCP 47 tag by its base ("fr-CA" → "fr").
// Unknown languages are neither stemmed nor stripped of stop words.
func lookup(tag string) *language {
	base := tag
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		base = tag[:i]
	}
	if len(base) == 2 {
		if l, ok := languages[strings.ToLower(base)]; ok {
			return l
		}
	}
	return none
}
