package search

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

// Words typed without their accents find the articles that wrote them
// with accents, also where the stemmer reads the accent ("sécurité" is
// secur, "securite" securit): the indexed accent forms map one to the other.
func TestUnaccentedForms(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := loadCorpus(t, d, "testdata/corpus.ndjson")
		file := filepath.Join(t.TempDir(), "more.ndjson")
		os.WriteFile(file, []byte(`{"type":"article","id":"acc-1","edition":"fr","section":"defense","slug":"securite-journee","headline":"La sécurité de la journée","standfirst":"Une réunion privée au musée.","body":"La vallée et la fusée Borée : une durée record.","authors":["marc"],"published_at":"2026-11-20T10:00:00Z"}
{"type":"article","id":"acc-2","edition":"fr","section":"defense","slug":"securit","headline":"Une duree sans accent","body":"Texte.","authors":["marc"],"published_at":"2026-11-20T10:00:00Z"}
`), 0o644)
		loadCorpus(t, d, file)
		for _, q := range []string{"securite ", "sécurité ", "SECURITE journee", "journee", "privee musee ", `"securite de la journee"`, "vallee fusee boree "} {
			res, err := s.Search(ctx, request(t, d, "fr", q))
			if err != nil {
				t.Fatal(err)
			}
			if got := externalIDs(t, d, res.Hits); !slices.Contains(got, "acc-1") {
				t.Errorf("%q finds %v, not the accented article", q, got)
				continue
			}
			if q == "securite " && !strings.Contains(res.Hits[0].Snippet+res.Highlight("La sécurité de la journée"), "<mark>sécurité</mark>") {
				t.Errorf("%q does not highlight sécurité", q)
			}
		}
		// The term of the word as typed also exists ("duree" written without
		// its accent, as often as "durée"): ties go to the word as typed.
		res, _ := s.Search(ctx, request(t, d, "fr", "duree "))
		if got := externalIDs(t, d, res.Hits); !slices.Equal(got, []string{"acc-2"}) {
			t.Errorf("duree finds %v, want acc-2 alone", got)
		}
		if res, _ := s.Search(ctx, request(t, d, "fr", "durée ")); !slices.Equal(externalIDs(t, d, res.Hits), []string{"acc-1"}) {
			t.Errorf("durée finds %v, want acc-1 alone", externalIDs(t, d, res.Hits))
		}
		// Unpublishing leaves the form (harmless) but not the article.
		d.Exec(ctx, `UPDATE articles SET status = 'unpublished' WHERE external_id = 'acc-1'`)
		d.InTx(ctx, func(tx *db.Tx) error {
			return s.Index(ctx, tx, lookupID(t, d, `SELECT id FROM articles WHERE external_id = 'acc-1'`))
		})
		if res, _ := s.Search(ctx, request(t, d, "fr", "journee ")); res.Total != 0 {
			t.Errorf("journee finds %d after unpublishing", res.Total)
		}
	})
}

// A database indexed before the accent forms existed (migration 0017 sets
// the marker when it finds an index) asks for a rebuild, which fills the
// forms and clears the marker.
func TestFormsPendingUntilRebuild(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := loadCorpus(t, d, "testdata/corpus.ndjson")
		if n, err := s.Missing(ctx); err != nil || n != 0 {
			t.Fatalf("Missing on a fresh index = %d, %v", n, err)
		}
		var docs int
		d.QueryRow(ctx, `SELECT count(*) FROM search_docs`).Scan(&docs)
		if _, err := d.Exec(ctx, `DELETE FROM search_forms`); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, `INSERT INTO search_meta (key, value) VALUES ('forms_pending', '1')`); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.Missing(ctx); n != docs || n == 0 {
			t.Fatalf("Missing with forms pending = %d, want the %d indexed articles", n, docs)
		}
		if err := s.Rebuild(ctx, nil); err != nil {
			t.Fatal(err)
		}
		var forms int
		d.QueryRow(ctx, `SELECT count(*) FROM search_forms`).Scan(&forms)
		if n, _ := s.Missing(ctx); n != 0 || forms == 0 {
			t.Fatalf("after Rebuild: Missing = %d, %d forms", n, forms)
		}
	})
}
