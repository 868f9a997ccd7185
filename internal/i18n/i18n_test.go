package i18n

import (
	"slices"
	"testing"
	"time"
)

func TestCatalogsHaveTheSameKeys(t *testing.T) {
	en := For("en").Keys()
	for _, l := range Languages() {
		if got := For(l).Keys(); !slices.Equal(got, en) {
			t.Errorf("catalog %s keys differ from en:\n%v\n%v", l, got, en)
		}
	}
}

func TestFrenchWordsOfTheReferencePage(t *testing.T) {
	fr := For("fr")
	for key, want := range map[string]string{
		"short_url": "URL courte", "by": "Par", "subscribe": "S’abonner", "read_also": "Lire aussi",
		"tags": "Tags", "conduct": "Règles de conduite", "discussion": "Discussion",
	} {
		if got := fr.T(key); got != want {
			t.Errorf("fr %s = %q, want %q", key, got, want)
		}
	}
}

func TestDates(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	ts := time.Date(2021, 1, 25, 13, 3, 0, 0, time.UTC).In(paris)
	if got, want := For("fr").DateTime(ts), "25 janvier 2021 à 14:03"; got != want {
		t.Errorf("fr DateTime = %q, want %q", got, want)
	}
	if got, want := For("en").DateTime(ts), "25 January 2021 at 14:03"; got != want {
		t.Errorf("en DateTime = %q, want %q", got, want)
	}
	if got := For("fr").Date(time.Date(2021, 2, 1, 0, 0, 0, 0, time.UTC)); got != "1er février 2021" {
		t.Errorf("fr first of month = %q", got)
	}
	if got := For("fr-CA").Lang; got != "fr" {
		t.Errorf("fr-CA falls back to %q", got)
	}
}

func TestNumber(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    int64
		want string
	}{{"fr", 6272, "6272"}, {"fr", 12500, "12\u202f500"}, {"en", 6272, "6,272"}, {"en", 1234567, "1,234,567"}, {"en", 12, "12"}} {
		if got := For(c.lang).Number(c.n); got != c.want {
			t.Errorf("%s Number(%d) = %q, want %q", c.lang, c.n, got, c.want)
		}
	}
}
