package related

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

// However many articles share an article's terms and tags, only a bounded
// number are read and scored.
func TestCandidateCap(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		st := newSite(t, d, "fr")
		section, tag := st.section("politique"), st.tag("gouvernement")
		const n = 600
		terms := make([]string, 20)
		for i := range terms {
			terms[i] = fmt.Sprintf("commun%d", i)
		}
		var ids []int64
		st.tx(func(tx *db.Tx) error {
			ctx := context.Background()
			for i := range n {
				id, err := tx.InsertID(ctx, `INSERT INTO articles (edition_id, section_id, slug, headline, body_md, body_html,
					published_at, modified_at) VALUES (?, ?, ?, 'Le gouvernement', '', '', ?, ?)`,
					st.edition, section, fmt.Sprintf("p-%d", i), st.now-int64(i)*3600, st.now)
				if err != nil {
					return err
				}
				ids = append(ids, id)
				var b strings.Builder
				args := []any{}
				for j, term := range terms {
					if j > 0 {
						b.WriteString(", ")
					}
					b.WriteString("(?, ?, ?)")
					args = append(args, id, term, float64(i%97+1)/100)
				}
				if _, err := tx.Exec(ctx, `INSERT INTO article_terms (article_id, term, weight) VALUES `+b.String(), args...); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `INSERT INTO article_tags (article_id, tag_id) VALUES (?, ?)`, id, tag); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `INSERT INTO related_docs (article_id, edition_id, published_at, terms) VALUES (?, ?, ?, ?)`,
					id, st.edition, st.now-int64(i)*3600, strings.Join(terms, " ")); err != nil {
					return err
				}
			}
			return nil
		})
		ctx := context.Background()
		one := &doc{id: ids[0], edition: st.edition, published: st.now, vec: []termWeight{{"commun0", 1}}}
		m := map[int64]*match{}
		if err := termMatches(ctx, d, one, m); err != nil {
			t.Fatal(err)
		}
		if len(m) != perTerm {
			t.Errorf("one common term: %d candidates, want %d", len(m), perTerm)
		}
		all := &doc{id: ids[0], edition: st.edition, published: st.now, tags: []int64{tag}}
		for _, term := range terms {
			all.vec = append(all.vec, termWeight{term, 0.2})
		}
		m = map[int64]*match{}
		if err := tagMatches(ctx, d, all, m); err != nil {
			t.Fatal(err)
		}
		if len(m) != maxTagCands || m[ids[1]] == nil {
			t.Errorf("by tag: %d candidates, want %d with the nearest in time %d", len(m), maxTagCands, ids[1])
		}
		m, err := candidates(ctx, d, all)
		if err != nil {
			t.Fatal(err)
		}
		if len(m) > maxCandidates+maxTagCands || len(m) >= n-1 {
			t.Errorf("%d candidates out of %d articles, want at most %d", len(m), n-1, maxCandidates+maxTagCands)
		}
		for id, c := range m {
			if c.shared != 1 {
				t.Fatalf("candidate %d: %d shared tags, want 1", id, c.shared)
			}
		}
	})
}

func TestStripMarkdown(t *testing.T) {
	body := "## Titre\n\nLire [le rapport](https://example.org/r?id=3) et ![carte](/img/c.png) <a href=\"x\">Genève</a>, voir https://sipri.org/yearbook."
	tf := termFreqs("fr", "", "", body)
	for _, w := range []string{"titr", "rapport", "cart", "genev", "voir"} {
		if tf[w] == 0 {
			t.Errorf("%q missing from %v", w, tf)
		}
	}
	for _, w := range []string{"https", "exampl", "org", "img", "png", "href", "sipri", "yearbook"} {
		if tf[w] != 0 {
			t.Errorf("%q, markup, in %v", w, tf)
		}
	}
}
