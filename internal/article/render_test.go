package article

import (
	"strings"
	"testing"
)

func TestRenderBody(t *testing.T) {
	html, err := RenderBody("fr", "Texte.\n\n![Une salle](/media/12/1024 \"La salle — Photo AHP\")\n\n![ailleurs](https://example.org/x.jpg)\n\n<script>alert(1)</script><img src=x onerror=alert(1)>")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`srcset="/media/12/320 320w, /media/12/640 640w, /media/12/1024 1024w, /media/12/1600 1600w"`,
		`loading="lazy"`, `alt="Une salle"`, `<span class="caption">La salle — Photo AHP</span>`} {
		if !strings.Contains(html, want) {
			t.Errorf("body lacks %s:\n%s", want, html)
		}
	}
	for _, bad := range []string{"<script", "onerror", "alert(1)<", "example.org", `src="x"`} {
		if strings.Contains(html, bad) {
			t.Errorf("body keeps %s", bad)
		}
	}
}

func TestAltTextKeepsFrenchPunctuation(t *testing.T) {
	html, _ := RenderBody("fr", "![Carte : « Paris » ? l’été 100 %](/media/3/1024)")
	if !strings.Contains(html, `alt="Carte`) {
		t.Fatalf("alt dropped: %s", html)
	}
}

func TestNestingIsBounded(t *testing.T) {
	if _, err := RenderBody("fr", strings.Repeat(">", 100000)+" x"); err != ErrTooDeep {
		t.Fatalf("deep quotes: %v", err)
	}
	if _, err := RenderBody("fr", "> > citation\n\n- liste\n  - sous-liste"); err != nil {
		t.Fatal(err)
	}
}
