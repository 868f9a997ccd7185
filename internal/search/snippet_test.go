package search

import "testing"

func TestFlatten(t *testing.T) {
	for in, want := range map[string]string{
		"Fin.\n\nDébut":        "Fin. Début",
		"Un intertitre\nTexte": "Un intertitre — Texte",
		"a\tb < c":             "a — b &lt; c",
		"\nDébut":              " Début",
		"fin\n":                "fin ",
		"sans saut":            "sans saut",
	} {
		if got := flatten(in); got != want {
			t.Errorf("flatten(%q) = %q, want %q", in, got, want)
		}
	}
}
