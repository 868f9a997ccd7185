package typo

import "testing"

func TestFrench(t *testing.T) {
	cases := []struct{ in, want string }{
		{`Il a dit "bonjour" hier.`, "Il a dit «\u00a0bonjour\u00a0» hier."},
		{"« La situation est grave », selon lui", "«\u00a0La situation est grave\u00a0», selon lui"},
		{"«Je ne suis pas un tueur»", "«\u00a0Je ne suis pas un tueur\u00a0»"},
		{"l'appel d'offres", "l’appel d’offres"},
		{"Pourquoi ? Parce que !", "Pourquoi\u202f? Parce que\u202f!"},
		{"Pourquoi?", "Pourquoi\u202f?"},
		{"Lire aussi: la suite", "Lire aussi\u00a0: la suite"},
		{"Lire aussi : la suite", "Lire aussi\u00a0: la suite"},
		{"à 14:03 sur https://example.org/a", "à 14:03 sur https://example.org/a"},
		{"point; virgule", "point\u202f; virgule"},
		{"Attendez...", "Attendez…"},
	}
	for _, c := range cases {
		if got := Text("fr", c.in); got != c.want {
			t.Errorf("Text(fr, %q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestEnglish(t *testing.T) {
	if got, want := Text("en", `She said "it's over" and left`), "She said “it’s over” and left"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got := Text("en", "What? Yes: 14:03"); got != "What? Yes: 14:03" {
		t.Fatalf("English must not get French spaces: %q", got)
	}
}

func TestHTMLKeepsMarkupAndCode(t *testing.T) {
	in := `<p>Il a dit "<em>non</em>" : <a href="https://x.org/?a=1&amp;b=2" title="it's">lien</a></p><pre><code>x = "y";</code></pre>`
	want := "<p>Il a dit «\u00a0<em>non</em>\u00a0»\u00a0: <a href=\"https://x.org/?a=1&amp;b=2\" title=\"it's\">lien</a></p><pre><code>x = \"y\";</code></pre>"
	if got := HTML("fr", in); got != want {
		t.Fatalf("HTML =\n%q\nwant\n%q", got, want)
	}
	if got := HTML("fr", "<p>a &lt;script&gt; b</p>"); got != "<p>a &lt;script&gt; b</p>" {
		t.Fatalf("escaped text must stay escaped: %q", got)
	}
}
