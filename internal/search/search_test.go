package search

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

func TestSearch(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		s := loadCorpus(t, d, "testdata/corpus.ndjson")
		ctx := context.Background()
		russie := lookupID(t, d, `SELECT id FROM tags WHERE slug = 'russie'`)
		russia := lookupID(t, d, `SELECT id FROM tags WHERE slug = 'russia'`)
		marc := lookupID(t, d, `SELECT id FROM authors WHERE slug = 'marc'`)
		culture := lookupID(t, d, `SELECT s.id FROM sections s JOIN editions e ON e.id = s.edition_id WHERE e.code = 'fr' AND s.slug = 'culture'`)
		for _, c := range []struct {
			name, ed, q string
			edit        func(*Request)
			want        []string // in order
			any         bool     // want is a set
		}{
			{"accents folded", "fr", "defense", nil, []string{"fr-traite", "fr-armes"}, true},
			{"accents typed", "fr", "DÉFENSE", nil, []string{"fr-traite", "fr-armes"}, true},
			{"stemmed", "fr", "traités", nil, []string{"fr-traite"}, false},
			{"stemmed en", "en", "weapon treaties", nil, []string{"en-treaty"}, false},
			{"all words must match", "en", "treaty festival", nil, nil, false},
			{"prefix of the last word", "fr", "négoc", nil, []string{"fr-traite"}, false},
			{"no prefix after a space", "fr", "négoc ", nil, nil, false},
			{"prefix among words", "en", "salt fest", nil, []string{"en-festival"}, false},
			{"phrase", "en", `"fresh start"`, nil, []string{"en-defence"}, false},
			{"phrase across stop words", "fr", `"commande des armes"`, nil, []string{"fr-armes"}, false},
			{"phrase in the wrong order", "fr", `"armes commande"`, nil, nil, false},
			{"phrase fr", "fr", `"new start"`, nil, []string{"fr-traite"}, false},
			{"words of a phrase apart", "en", `"start fresh"`, nil, nil, false},
			{"unbalanced quote is a phrase to the end", "en", `air "fresh start`, nil, []string{"en-defence"}, false},
			{"typographic quotes", "fr", "« nouveau départ »", nil, []string{"fr-armes"}, false},
			{"section", "fr", "prête", func(r *Request) { r.SectionID = culture }, []string{"fr-musee"}, false},
			{"section excludes", "fr", "traité", func(r *Request) { r.SectionID = culture }, nil, false},
			{"tag", "en", "treaty", func(r *Request) { r.TagID = russia }, []string{"en-treaty"}, false},
			{"tag fr", "fr", "traité", func(r *Request) { r.TagID = russie }, []string{"fr-traite"}, false},
			{"author", "en", "treaty", func(r *Request) { r.AuthorID = marc }, []string{"en-defence"}, false},
			{"from", "en", "treaty", func(r *Request) { r.From = time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC) }, []string{"en-treaty"}, false},
			{"to", "en", "treaty", func(r *Request) { r.To = time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC) }, []string{"en-defence"}, false},
			{"other edition's words", "en", "traité", nil, nil, false},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := request(t, d, c.ed, c.q)
				if c.edit != nil {
					c.edit(&r)
				}
				res, err := s.Search(ctx, r)
				if err != nil {
					t.Fatal(err)
				}
				got := externalIDs(t, d, res.Hits)
				if c.any {
					slices.Sort(got)
					slices.Sort(c.want)
				}
				if !slices.Equal(got, c.want) {
					t.Errorf("%s %q = %q, want %q", c.ed, c.q, got, c.want)
				}
				if res.Total != len(c.want) {
					t.Errorf("%s %q: total %d, want %d", c.ed, c.q, res.Total, len(c.want))
				}
			})
		}
	})
}

func TestSnippetsAndHighlights(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		s := loadCorpus(t, d, "testdata/corpus.ndjson")
		res, err := s.Search(context.Background(), request(t, d, "fr", "AT&T sel"))
		if err != nil || len(res.Hits) != 1 {
			t.Fatalf("%+v %v", res, err)
		}
		snip := res.Hits[0].Snippet
		for _, want := range []string{"<mark>AT</mark>&amp;T", "<mark>sel</mark>", "&lt;b&gt;gras&lt;/b&gt;"} {
			if !strings.Contains(snip, want) && !(want == "&lt;b&gt;gras&lt;/b&gt;" && strings.Contains(snip, "gras")) {
				t.Errorf("snippet %q lacks %q", snip, want)
			}
		}
		if strings.Contains(snip, "<b>") {
			t.Errorf("snippet %q carries markup", snip)
		}
		if got, want := res.Highlight(`Le « sel » & <la> mer`), `Le « <mark>sel</mark> » &amp; &lt;la&gt; mer`; got != want {
			t.Errorf("Highlight = %q, want %q", got, want)
		}
	})
}

func TestPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		s := loadCorpus(t, d, "testdata/corpus.ndjson")
		var seen []string
		for page := 1; page <= 3; page++ {
			r := request(t, d, "en", "start")
			r.Page, r.PerPage = page, 1
			res, err := s.Search(context.Background(), r)
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != 3 {
				t.Errorf("page %d: total %d, want 3", page, res.Total)
			}
			seen = append(seen, externalIDs(t, d, res.Hits)...)
		}
		r := request(t, d, "en", "start")
		r.Page, r.PerPage = 4, 1
		if res, err := s.Search(context.Background(), r); err != nil || len(res.Hits) != 0 || res.Total != 3 {
			t.Errorf("past the end: %+v %v", res, err)
		}
		all, _ := s.Search(context.Background(), request(t, d, "en", "start"))
		if want := externalIDs(t, d, all.Hits); !slices.Equal(seen, want) {
			t.Errorf("pages %q, all at once %q", seen, want)
		}
		r.Page = 2000
		if _, err := s.Search(context.Background(), r); err != ErrPageRange {
			t.Errorf("page 2000: %v", err)
		}
	})
}

func TestSuggestion(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		s := loadCorpus(t, d, "testdata/corpus.ndjson")
		for _, c := range []struct{ ed, q, want string }{
			{"fr", "défanse", "défense"},
			{"fr", "defanse ", "défense "},
			{"en", "treety", "treaty"},
			{"en", "salt festivl", "salt festival"},
			{"en", "qwxzv", ""},
			{"en", "trxqz", ""},           // words start with t, none within two edits: no suggestion
			{"en", "treaty festival", ""}, // every word exists: nothing to correct
		} {
			res, err := s.Search(context.Background(), request(t, d, c.ed, c.q))
			if err != nil {
				t.Fatal(err)
			}
			want := strings.TrimSpace(c.want)
			if res.Total != 0 || res.Suggestion != want {
				t.Errorf("%s %q: total %d, suggestion %q, want %q", c.ed, c.q, res.Total, res.Suggestion, want)
			}
		}
	})
}

// Unpublishing takes an article out of search in the same transaction, and
// publishing it again brings it back, counts included.
func TestUnpublish(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		s := loadCorpus(t, d, "testdata/corpus.ndjson")
		ctx := context.Background()
		id := lookupID(t, d, `SELECT id FROM articles WHERE external_id = 'fr-traite'`)
		count := func(q string) int {
			res, err := s.Search(ctx, request(t, d, "fr", q))
			if err != nil {
				t.Fatal(err)
			}
			return res.Total
		}
		vocab := func() (n int64) {
			d.QueryRow(ctx, `SELECT COALESCE(sum(df), 0) FROM search_terms`).Scan(&n)
			return n
		}
		before := vocab()
		setStatus := func(status string) {
			err := d.InTx(ctx, func(tx *db.Tx) error {
				if _, err := tx.Exec(ctx, `UPDATE articles SET status = ? WHERE id = ?`, status, id); err != nil {
					return err
				}
				return s.Index(ctx, tx, id)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		setStatus("draft")
		if n := count("traités"); n != 0 {
			t.Errorf("unpublished article still found (%d)", n)
		}
		if n := count("négociations"); n != 0 {
			t.Errorf("unpublished article still found by another word (%d)", n)
		}
		setStatus("published")
		if n := count("traités"); n != 1 {
			t.Errorf("republished article found %d times", n)
		}
		if after := vocab(); after != before {
			t.Errorf("vocabulary counts drifted: %d, then %d", before, after)
		}
		// A rebuild changes nothing.
		if err := s.Rebuild(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if after := vocab(); after != before {
			t.Errorf("rebuild changed the vocabulary counts: %d, then %d", before, after)
		}
		if n, err := s.Missing(ctx); err != nil || n != 0 {
			t.Errorf("Missing = %d, %v", n, err)
		}
	})
}
