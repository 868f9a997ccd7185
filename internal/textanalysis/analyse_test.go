package textanalysis

import (
	"slices"
	"strings"
	"testing"
)

func TestTerms(t *testing.T) {
	for _, c := range []struct {
		lang, text string
		want       []string
	}{
		{"fr", "L’appel", []string{"appel"}},
		{"fr", "l'appel d'offres", []string{"appel", "offre"}},
		{"fr", "lʼappel", []string{"appel"}},
		{"fr", "qu'il le fasse aujourd'hui", []string{"fass"}},
		{"fr", "le la les de des et à a au aux une été ete", nil},
		{"en", "The treaty, and of it: don't!", []string{"treati"}},
		{"fr", "300 soldats en 2026 au G7", []string{"soldat", "2026", "g7"}},
		{"fr", "Œuvre, cœur et ex-æquo", []string{"oeuvr", "coeur", "ex", "aequo"}},
		{"fr", "x y z", nil},
		{"fr", strings.Repeat("a", 65) + " paix", []string{"paix"}},
		{"xx", "Les Armes", []string{"les", "armes"}},
		{"", "Défense", []string{"defense"}},
	} {
		if got := Terms(c.lang, c.text); !slices.Equal(got, c.want) {
			t.Errorf("Terms(%q, %q) = %q, want %q", c.lang, c.text, got, c.want)
		}
	}
}

// same checks that every word gives one and the same term.
func same(t *testing.T, lang string, words ...string) {
	t.Helper()
	var first string
	for i, w := range words {
		got := Terms(lang, w)
		if len(got) != 1 {
			t.Errorf("Terms(%q, %q) = %q, want one term", lang, w, got)
			continue
		}
		if i == 0 {
			first = got[0]
		} else if got[0] != first {
			t.Errorf("%s: %q → %q but %q → %q", lang, words[0], first, w, got[0])
		}
	}
}

func TestSameTerm(t *testing.T) {
	same(t, "fr", "Défense", "defense", "DÉFENSE", "De\u0301fense") // the last is decomposed
	same(t, "fr", "armes", "arme")
	same(t, "fr", "nucléaires", "nucléaire", "nucleaire")
	same(t, "fr", "traités", "traité", "TRAITÉ")
	same(t, "fr-CA", "élections", "élection")
	same(t, "en", "treaties", "treaty")
	same(t, "en-GB", "negotiations", "negotiating")
	same(t, "de", "Häuser", "Haus")
	same(t, "de", "Verträge", "Vertrag")
	same(t, "de", "Straße", "Strasse")
	same(t, "es", "tratados", "tratado")
	same(t, "es", "países", "país", "pais")
	same(t, "ru", "договоры", "договор", "договора")
	same(t, "ru", "ёлки", "елки")
}

// The French and Spanish stemmers have rules for accented suffixes, so words
// are stemmed as written and folded after: folding first would leave
// "negociacion" unstemmed and split "sécurité" from "sécurités".
func TestStemBeforeFold(t *testing.T) {
	same(t, "es", "negociación", "negociaciones")
	same(t, "fr", "sécurité", "sécurités")
	same(t, "fr", "créée", "créé", "créés")
}

func TestAppendTerms(t *testing.T) {
	got := AppendTerms([]string{"titre"}, "fr", "Le désarmement")
	if want := []string{"titre", "desarm"}; !slices.Equal(got, want) {
		t.Errorf("AppendTerms = %q, want %q", got, want)
	}
}

func TestStopWordsLoaded(t *testing.T) {
	for code, l := range languages {
		if len(l.stop) < 80 {
			t.Errorf("%s: %d stop words", code, len(l.stop))
		}
	}
	if lookup("fr-CA") != languages["fr"] || lookup("FR") != languages["fr"] || lookup("pt-BR") != none {
		t.Error("lookup: wrong base language")
	}
}

var sample = strings.Repeat(`Les négociations sur le contrôle des armes nucléaires ont repris mardi à Genève,
après l’échec du traité New START. « Nous voulons un accord vérifiable », a déclaré la
ministre des Affaires étrangères, qui a rencontré son homologue américain. Les experts de la
Défense estiment que 1 500 ogives restent déployées et que la confiance s'est effondrée
depuis 2022. `, 8)

func BenchmarkTerms(b *testing.B) {
	b.SetBytes(int64(len(sample)))
	b.ReportAllocs()
	for b.Loop() {
		Terms("fr", sample)
	}
}

// The stem cache is shared by every caller.
func TestConcurrent(t *testing.T) {
	want := Terms("fr", sample)
	done := make(chan []string)
	for range 4 {
		go func() { done <- Terms("fr", sample) }()
	}
	for range 4 {
		if got := <-done; !slices.Equal(got, want) {
			t.Fatal("concurrent analysis differs")
		}
	}
}

func TestTokens(t *testing.T) {
	text := "L’appel de Défense, nucle\u0301aire!"
	got := Tokens("fr", text)
	var words, terms []string
	for _, tk := range got {
		words = append(words, text[tk.Start:tk.End])
		terms = append(terms, tk.Term)
	}
	if want := []string{"L", "appel", "de", "Défense", "nucle\u0301aire"}; !slices.Equal(words, want) {
		t.Errorf("Tokens words = %q, want %q", words, want)
	}
	if want := []string{"", "appel", "", "defens", "nucleair"}; !slices.Equal(terms, want) {
		t.Errorf("Tokens terms = %q, want %q", terms, want)
	}
	var kept []string
	for _, tk := range Tokens("fr", sample) {
		if tk.Term != "" {
			kept = append(kept, tk.Term)
		}
	}
	if want := Terms("fr", sample); !slices.Equal(kept, want) {
		t.Error("Tokens and Terms disagree on the terms of a text")
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{"Négoc": "negoc", "De\u0301f": "def", "ŒUVRE": "oeuvre", "Ёлка": "елка", "abc": "abc"} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
	if !IsStopWord("fr", "Les") || IsStopWord("fr", "défense") {
		t.Error("IsStopWord")
	}
}
