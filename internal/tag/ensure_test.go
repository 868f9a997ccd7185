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

func TestMerge(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var ed, sec, a1, a2 int64
		d.InTx(ctx, func(tx *db.Tx) error {
			ed, _ = tx.InsertID(ctx, `INSERT INTO editions (code, name, lang, timezone) VALUES ('fr', 'L', 'fr', 'UTC')`)
			sec, _ = tx.InsertID(ctx, `INSERT INTO sections (edition_id, slug, name) VALUES (?, 's', 'S')`, ed)
			a1, _ = tx.InsertID(ctx, `INSERT INTO articles (edition_id, section_id, slug, headline, body_md, body_html, published_at, modified_at) VALUES (?, ?, 'a', 'A', 'x', 'x', 0, 0)`, ed, sec)
			a2, _ = tx.InsertID(ctx, `INSERT INTO articles (edition_id, section_id, slug, headline, body_md, body_html, published_at, modified_at) VALUES (?, ?, 'b', 'B', 'x', 'x', 0, 0)`, ed, sec)
			return nil
		})
		s := &Store{DB: d}
		ids, _ := s.Ensure(ctx, ed, []string{"USA", "États-Unis"}, true)
		d.Exec(ctx, `INSERT INTO article_tags (article_id, tag_id) VALUES (?, ?), (?, ?), (?, ?)`, a1, ids[0], a2, ids[0], a2, ids[1])
		if err := s.Merge(ctx, ids[0], ids[0]); err == nil {
			t.Fatal("merged a tag into itself")
		}
		if err := s.Merge(ctx, ids[0], ids[1]); err != nil {
			t.Fatal(err)
		}
		counted, _ := s.WithCounts(ctx, ed)
		if len(counted) != 1 || counted[0].Articles != 2 || counted[0].Slug != "etats-unis" {
			t.Fatalf("after merge: %+v", counted)
		}
		if r, err := s.Redirect(ctx, ed, "usa"); err != nil || r.ID != ids[1] {
			t.Fatalf("redirect: %v %v", r, err)
		}
	})
}
