package related

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

// newsroom publishes the corpus; the arms-control stories come last so
// publishing them offers them to each other's lists.
type newsroom struct {
	*site
	talks, un, report, test, blanquette, tarte, bce, municipales int64
}

func publishNewsroom(t *testing.T, d *db.DB) *newsroom {
	st := newSite(t, d, "fr")
	n := &newsroom{site: st}
	n.blanquette = st.publish(blanquette)
	n.tarte = st.publish(tarte)
	n.bce = st.publish(bce)
	n.municipales = st.publish(municipales)
	n.talks = st.publish(armsTalks)
	n.un = st.publish(armsUN)
	n.report = st.publish(armsReport)
	n.test = st.publish(armsTest)
	return n
}

func TestRelatedByTopic(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		n := publishNewsroom(t, d)
		arms := []int64{n.talks, n.un, n.report, n.test}
		for _, id := range arms {
			got := n.computed(id)
			others := slices.DeleteFunc(slices.Clone(arms), func(x int64) bool { return x == id })
			if !containsAll(got, others...) {
				t.Errorf("article %d: related %v, want all of %v", id, got, others)
			}
			if containsAny(got, n.blanquette, n.tarte) {
				t.Errorf("article %d: related %v has a cooking story", id, got)
			}
		}
		if got := n.computed(n.blanquette); !slices.Contains(got, n.tarte) || containsAny(got, arms...) {
			t.Errorf("blanquette: related %v, want the tart and no arms control", got)
		}
		// The first story was published before the others existed: it got
		// them because they were offered to its list.
		if got := n.readAlso(n.talks); len(got) < 3 || containsAny(got, n.blanquette, n.tarte) {
			t.Errorf("For(talks) = %v", got)
		}
	})
}

func TestUpdateReturnsTouched(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		st := newSite(t, d, "fr")
		talks := st.publish(armsTalks)
		un := st.publish(armsUN)
		cake := st.publish(tarte)
		var touched []int64
		st.tx(func(tx *db.Tx) error {
			id, err := tx.InsertID(context.Background(), `INSERT INTO articles (edition_id, section_id, slug, headline,
				standfirst, body_md, body_html, status, published_at, modified_at) VALUES (?, ?, 'rapport', ?, ?, ?, '', 'published', ?, ?)`,
				st.edition, st.section("international"), armsReport.headline, armsReport.standfirst, armsReport.body, st.now, st.now)
			if err != nil {
				return err
			}
			touched, err = st.s.Update(context.Background(), tx, id)
			return err
		})
		slices.Sort(touched)
		if want := []int64{talks, un}; !slices.Equal(touched, want) {
			t.Errorf("touched %v, want %v (not the tart %d)", touched, want, cake)
		}
		// Updating again may reorder lists, as the counts moved since the
		// first publish; once more with nothing changed touches nothing.
		st.exec(talks, "")
		if got := st.exec(talks, ""); len(got) != 0 {
			t.Errorf("re-update touched %v, want none", got)
		}
	})
}

func TestPinsAndExclusions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		n := publishNewsroom(t, d)
		n.exec(n.talks, `INSERT INTO related_overrides (article_id, other_id, kind, position) VALUES
			(?, ?, 'pin', 1), (?, ?, 'pin', 0), (?, ?, 'exclude', 0), (?, ?, 'pin', 2)`,
			n.talks, n.bce, n.talks, n.municipales, n.talks, n.un, n.talks, n.tarte)
		n.exec(n.tarte, `UPDATE articles SET status = 'draft' WHERE id = ?`, n.tarte)
		got := n.readAlso(n.talks)
		if len(got) != 4 || got[0] != n.municipales || got[1] != n.bce {
			t.Fatalf("For = %v, want pins %d, %d first, then two computed", got, n.municipales, n.bce)
		}
		if slices.Contains(got, n.un) || slices.Contains(got, n.tarte) || slices.Contains(got, n.talks) {
			t.Errorf("For = %v has the excluded %d, the unpublished pin %d or itself", got, n.un, n.tarte)
		}
		if !containsAll(got[2:], n.report, n.test) {
			t.Errorf("For = %v, want the computed %d and %d after the pins", got, n.report, n.test)
		}
		if c := n.computed(n.talks); slices.Contains(c, n.un) || slices.Contains(c, n.bce) {
			t.Errorf("computed %v keeps pinned or excluded articles", c)
		}
		if l, err := n.s.For(context.Background(), n.talks, 1); err != nil || len(l) != 1 || l[0] != n.municipales {
			t.Errorf("For(limit 1) = %v, %v", l, err)
		}
	})
}

func TestFillFromSection(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		n := publishNewsroom(t, d)
		sciences := n.publish(story{section: "sciences", daysAgo: 30,
			headline: "Un télescope photographie une exoplanète", body: "Une image directe, une première."})
		lonely := n.publish(story{section: "sciences", daysAgo: 0,
			headline: "Les abeilles reconnaissent les visages", body: "Des chercheurs toulousains l'ont montré."})
		if c := n.computed(lonely); len(c) != 0 {
			t.Fatalf("computed %v, want nothing in common", c)
		}
		got := n.readAlso(lonely)
		// The section's other article, then the edition's newest: the arms
		// talks (1 day ago), then the blanquette and the BCE (2 days ago,
		// the BCE published later).
		if want := []int64{sciences, n.talks, n.bce}; !slices.Equal(got, want) {
			t.Errorf("For = %v, want %v", got, want)
		}
		n.exec(lonely, `INSERT INTO related_overrides (article_id, other_id, kind) VALUES (?, ?, 'exclude')`, lonely, n.talks)
		if got := n.readAlso(lonely); slices.Contains(got, n.talks) || len(got) != 3 {
			t.Errorf("For after exclusion = %v", got)
		}
		if _, err := n.s.For(context.Background(), lonely+100, 5); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("For(missing) error %v, want ErrNotFound", err)
		}
	})
}

func TestUnpublish(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		n := publishNewsroom(t, d)
		var holders []int64
		for _, id := range []int64{n.talks, n.report, n.test} {
			if slices.Contains(n.computed(id), n.un) {
				holders = append(holders, id)
			}
		}
		if len(holders) == 0 {
			t.Fatal("no list holds the UN story")
		}
		touched := n.exec(n.un, `UPDATE articles SET status = 'draft' WHERE id = ?`, n.un)
		if !containsAll(touched, holders...) || slices.Contains(touched, n.un) {
			t.Errorf("touched %v, want %v", touched, holders)
		}
		for _, id := range []int64{n.talks, n.report, n.test} {
			if got := n.readAlso(id); slices.Contains(got, n.un) {
				t.Errorf("For(%d) = %v still lists the unpublished %d", id, got, n.un)
			}
		}
		var terms, lists, onu int
		err := d.QueryRow(context.Background(), `SELECT
			(SELECT count(*) FROM article_terms WHERE article_id = ?),
			(SELECT count(*) FROM related WHERE article_id = ? OR related_id = ?),
			(SELECT count(*) FROM term_stats WHERE term = 'onu')`, n.un, n.un, n.un).Scan(&terms, &lists, &onu)
		if err != nil {
			t.Fatal(err)
		}
		if terms+lists+onu != 0 {
			t.Errorf("after unpublishing: %d terms, %d list rows, df(onu) row %d; want none", terms, lists, onu)
		}
		// Publishing it again brings it back.
		touched = n.exec(n.un, `UPDATE articles SET status = 'published' WHERE id = ?`, n.un)
		if len(touched) == 0 || !slices.Contains(n.computed(n.talks), n.un) {
			t.Errorf("republish touched %v; talks list %v", touched, n.computed(n.talks))
		}
	})
}

// The document frequencies kept up by Update match a count from scratch,
// also after an article's text and edition changed.
func TestRebuildMatchesIncremental(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		n := publishNewsroom(t, d)
		n.exec(n.bce, `UPDATE articles SET body_md = ? WHERE id = ?`, "Les taux de la BCE, encore et toujours.", n.bce)
		other := newSite(t, d, "en")
		n.exec(n.municipales, `UPDATE articles SET edition_id = ?, section_id = ? WHERE id = ?`,
			other.edition, other.section("politics"), n.municipales)
		before := termStats(t, d)
		calls := 0
		if err := n.s.Rebuild(context.Background(), func(done, total int) { calls++ }); err != nil {
			t.Fatal(err)
		}
		if after := termStats(t, d); !slices.Equal(before, after) {
			t.Errorf("term_stats differ after Rebuild:\nincremental %v\nrebuilt     %v", before, after)
		}
		if calls == 0 {
			t.Error("progress never called")
		}
		if got := n.computed(n.talks); !containsAll(got, n.un, n.report, n.test) {
			t.Errorf("after Rebuild, talks related %v", got)
		}
	})
}

func termStats(t *testing.T, d *db.DB) []string {
	t.Helper()
	rows, err := d.Query(context.Background(), `SELECT edition_id, term, df FROM term_stats
		UNION ALL SELECT edition_id, '(docs)', docs FROM related_editions ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var ed, df int64
		var term string
		if err := rows.Scan(&ed, &term, &df); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d/%s:%d", ed, term, df))
	}
	return out
}
