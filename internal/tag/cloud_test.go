package tag

import (
	"context"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

// The cloud counts only published articles of the window, commonest first.
func TestCloud(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
		var ed, other, sec int64
		art := map[string]int64{}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			var err error
			if ed, err = tx.InsertID(ctx, `INSERT INTO editions (code, name, lang, timezone) VALUES ('fr', 'L', 'fr', 'UTC')`); err != nil {
				return err
			}
			if other, err = tx.InsertID(ctx, `INSERT INTO editions (code, name, lang, timezone) VALUES ('en', 'L', 'en', 'UTC')`); err != nil {
				return err
			}
			if sec, err = tx.InsertID(ctx, `INSERT INTO sections (edition_id, slug, name) VALUES (?, 's', 'S')`, ed); err != nil {
				return err
			}
			for _, a := range []struct {
				slug, status string
				ago          int // days
			}{{"new1", "published", 1}, {"new2", "published", 2}, {"new3", "published", 3}, {"old", "published", 40}, {"gone", "unpublished", 1}} {
				id, err := tx.InsertID(ctx, `INSERT INTO articles (edition_id, section_id, slug, headline, body_md, body_html, status, published_at, modified_at)
					VALUES (?, ?, ?, 'A', 'x', 'x', ?, ?, 0)`, ed, sec, a.slug, a.status, now.AddDate(0, 0, -a.ago).Unix())
				if err != nil {
					return err
				}
				art[a.slug] = id
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		s := &Store{DB: d}
		ids, err := s.Ensure(ctx, ed, []string{"Russie", "Otan", "Archives", "Retiré"}, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Ensure(ctx, other, []string{"Russia"}, true); err != nil {
			t.Fatal(err)
		}
		russie, otan, archives, retire := ids[0], ids[1], ids[2], ids[3]
		for _, p := range [][2]int64{
			{art["new1"], russie}, {art["new2"], russie}, {art["new3"], russie},
			{art["new1"], otan}, {art["new2"], otan},
			{art["old"], archives}, {art["old"], russie},
			{art["gone"], retire},
		} {
			if _, err := d.Exec(ctx, `INSERT INTO article_tags (article_id, tag_id) VALUES (?, ?)`, p[0], p[1]); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Cloud(ctx, ed, now.AddDate(0, 0, -30), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Slug != "russie" || got[0].Articles != 3 || got[1].Slug != "otan" || got[1].Articles != 2 {
			t.Fatalf("Cloud = %+v, want russie 3, otan 2", got)
		}
		if got, _ := s.Cloud(ctx, ed, now.AddDate(0, 0, -30), 1); len(got) != 1 || got[0].Slug != "russie" {
			t.Fatalf("Cloud limit 1 = %+v", got)
		}
	})
}
