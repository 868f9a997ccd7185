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
		`loading="lazy"`, `alt="Une salle"`, `<span class="caption">La salle — Photo AHP</span>`, `src="https://example.org/x.jpg"`} {
		if !strings.Contains(html, want) {
			t.Errorf("body lacks %s:\n%s", want, html)
		}
	}
	for _, bad := range []string{"<script", "onerror", "alert(1)<"} {
		if strings.Contains(html, bad) {
			t.Errorf("body keeps %s", bad)
		}
	}
}
