package related

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// site is a test edition with plain-SQL helpers to write articles the way
// the importer does, then call Update in the same transaction.
type site struct {
	t        testing.TB
	d        *db.DB
	s        *Store
	edition  int64
	sections map[string]int64
	tags     map[string]int64
	now      int64
	n        int
}

func newSite(t testing.TB, d *db.DB, lang string) *site {
	t.Helper()
	st := &site{t: t, d: d, s: New(d), sections: map[string]int64{}, tags: map[string]int64{},
		now: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC).Unix()}
	st.tx(func(tx *db.Tx) (err error) {
		st.edition, err = tx.InsertID(context.Background(),
			`INSERT INTO editions (code, name, lang, timezone) VALUES (?, ?, ?, ?)`, lang, "Lede "+lang, lang, "Europe/Paris")
		return err
	})
	return st
}

func (st *site) tx(fn func(*db.Tx) error) {
	st.t.Helper()
	if err := st.d.InTx(context.Background(), fn); err != nil {
		st.t.Fatal(err)
	}
}

func (st *site) section(slug string) int64 {
	st.t.Helper()
	if id, ok := st.sections[slug]; ok {
		return id
	}
	st.tx(func(tx *db.Tx) (err error) {
		st.sections[slug], err = tx.InsertID(context.Background(),
			`INSERT INTO sections (edition_id, slug, name) VALUES (?, ?, ?)`, st.edition, slug, slug)
		return err
	})
	return st.sections[slug]
}

func (st *site) tag(slug string) int64 {
	st.t.Helper()
	if id, ok := st.tags[slug]; ok {
		return id
	}
	st.tx(func(tx *db.Tx) (err error) {
		st.tags[slug], err = tx.InsertID(context.Background(),
			`INSERT INTO tags (edition_id, slug, name) VALUES (?, ?, ?)`, st.edition, slug, slug)
		return err
	})
	return st.tags[slug]
}

// story is an article to publish.
type story struct {
	section, headline, standfirst, body string
	daysAgo                             int
	tags                                []string
}

// publish inserts a published article with its tags and runs Update.
func (st *site) publish(a story) int64 {
	st.t.Helper()
	section := st.section(a.section)
	tags := make([]int64, len(a.tags))
	for i, s := range a.tags {
		tags[i] = st.tag(s)
	}
	st.n++
	var id int64
	st.tx(func(tx *db.Tx) (err error) {
		ctx := context.Background()
		id, err = tx.InsertID(ctx, `INSERT INTO articles (edition_id, section_id, slug, headline, standfirst, body_md,
			body_html, status, published_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, '', 'published', ?, ?)`,
			st.edition, section, fmt.Sprintf("a-%d", st.n), a.headline, a.standfirst, a.body,
			st.now-int64(a.daysAgo)*86400+int64(st.n), st.now)
		if err != nil {
			return err
		}
		for _, tag := range tags {
			if _, err := tx.Exec(ctx, `INSERT INTO article_tags (article_id, tag_id) VALUES (?, ?)`, id, tag); err != nil {
				return err
			}
		}
		_, err = st.s.Update(ctx, tx, id)
		return err
	})
	return id
}

// exec runs a statement, then Update for id, and returns what it touched.
func (st *site) exec(id int64, query string, args ...any) []int64 {
	st.t.Helper()
	var touched []int64
	st.tx(func(tx *db.Tx) (err error) {
		if query != "" {
			if _, err := tx.Exec(context.Background(), query, args...); err != nil {
				return err
			}
		}
		touched, err = st.s.Update(context.Background(), tx, id)
		return err
	})
	return touched
}

// computed returns an article's stored list, best first.
func (st *site) computed(id int64) []int64 {
	st.t.Helper()
	ids, err := db.IDs(context.Background(), st.d, `SELECT related_id FROM related WHERE article_id = ? ORDER BY score DESC`, id)
	if err != nil {
		st.t.Fatal(err)
	}
	return ids
}

func (st *site) readAlso(id int64) []int64 {
	st.t.Helper()
	ids, err := st.s.For(context.Background(), id, 5)
	if err != nil {
		st.t.Fatal(err)
	}
	return ids
}

func containsAll(s []int64, ids ...int64) bool {
	for _, id := range ids {
		if !slices.Contains(s, id) {
			return false
		}
	}
	return true
}

func containsAny(s []int64, ids ...int64) bool {
	return slices.ContainsFunc(ids, func(id int64) bool { return slices.Contains(s, id) })
}
