package tag

import (
	"context"
	"testing"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{"États-Unis": "etats-unis", "  New START (traité) ": "new-start-traite", "Œuvre": "oeuvre", "!!!": ""} {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEnsure(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var ed int64
		d.InTx(ctx, func(tx *db.Tx) error {
			var err error
			ed, err = tx.InsertID(ctx, `INSERT INTO editions (code, name, lang, timezone) VALUES ('fr', 'L', 'fr', 'UTC')`)
			return err
		})
		s := &Store{DB: d}
		ids, err := s.Ensure(ctx, ed, []string{"Russie", "États-Unis", " ", "russie"}, true)
		if err != nil || len(ids) != 3 || ids[0] != ids[2] {
			t.Fatalf("Ensure = %v, %v", ids, err)
		}
		if _, err := s.Ensure(ctx, ed, []string{"Nouveau"}, false); err == nil {
			t.Fatal("created a tag without the right to")
		}
		all, _ := s.All(ctx, ed)
		if len(all) != 2 || all[0].Name != "Russie" {
			t.Fatalf("All = %+v", all)
		}
	})
}
