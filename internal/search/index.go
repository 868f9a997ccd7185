package search

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/lede-news/lede/internal/db"
)

// Index brings an article's entry in step with the article inside tx, the
// transaction that wrote it: a published article is (re)indexed, any other
// is taken out, so an unpublished or embargoed story leaves search when its
// change commits, and a published one appears with it.
func (s *Store) Index(ctx context.Context, tx *db.Tx, articleID int64) error {
	t := newTally()
	err := s.index(ctx, tx, articleID, t)
	if err == nil {
		err = t.flush(ctx, tx)
	}
	if err != nil {
		return fmt.Errorf("search: index %d: %w", articleID, err)
	}
	return nil
}

func (s *Store) index(ctx context.Context, q db.Querier, id int64, t *tally) error {
	var edition, section, published int64
	var status, headline, standfirst, body, lang string
	err := q.QueryRow(ctx, `SELECT a.edition_id, a.section_id, a.status, a.published_at, a.headline, a.standfirst, a.body_html, e.lang
		FROM articles a JOIN editions e ON e.id = a.edition_id WHERE a.id = ?`, id).
		Scan(&edition, &section, &status, &published, &headline, &standfirst, &body, &lang)
	if err != nil {
		return db.NotFound(err)
	}
	if status != "published" {
		return s.withdraw(ctx, q, id, t)
	}
	d := analyse(lang, headline, standfirst, body)
	d.id, d.edition, d.section, d.published = id, edition, section, published
	return s.put(ctx, q, &d, t)
}

// entry is what the index remembers of an article: enough to take its
// counts back out exactly.
type entry struct {
	edition, len int64
	terms        []string
}

func loadEntry(ctx context.Context, q db.Querier, id int64) (entry, bool, error) {
	var e entry
	var terms string
	err := q.QueryRow(ctx, `SELECT d.edition_id, d.len, t.terms FROM search_docs d JOIN search_doc_terms t ON t.article_id = d.article_id
		WHERE d.article_id = ?`, id).Scan(&e.edition, &e.len, &terms)
	if errors.Is(err, sql.ErrNoRows) {
		return e, false, nil
	}
	e.terms = strings.Fields(terms)
	return e, err == nil, err
}

// put writes a published article's entry and tallies the move of the
// vocabulary counts from the terms it had to the terms it has.
func (s *Store) put(ctx context.Context, q db.Querier, d *doc, t *tally) error {
	old, found, err := loadEntry(ctx, q, d.id)
	if err != nil {
		return err
	}
	terms := d.distinct()
	if found && old.edition == d.edition {
		added, removed := diff(old.terms, terms)
		t.add(d.edition, removed, -1, nil)
		t.add(d.edition, added, 1, d.words)
		t.stats(d.edition, 0, d.len-old.len)
	} else {
		if found {
			t.add(old.edition, old.terms, -1, nil)
			t.stats(old.edition, -1, -old.len)
		}
		t.add(d.edition, terms, 1, d.words)
		t.stats(d.edition, 1, d.len)
	}
	if _, err := q.Exec(ctx, `INSERT INTO search_doc_terms (article_id, terms) VALUES (?, ?)
		ON CONFLICT (article_id) DO UPDATE SET terms = excluded.terms`, d.id, strings.Join(terms, " ")); err != nil {
		return err
	}
	return s.eng.save(ctx, q, d, found)
}

// withdraw takes an article out of the index, if it is there.
func (s *Store) withdraw(ctx context.Context, q db.Querier, id int64, t *tally) error {
	old, found, err := loadEntry(ctx, q, id)
	if err != nil || !found {
		return err
	}
	t.add(old.edition, old.terms, -1, nil)
	t.stats(old.edition, -1, -old.len)
	if _, err := q.Exec(ctx, `DELETE FROM search_doc_terms WHERE article_id = ?`, id); err != nil {
		return err
	}
	return s.eng.remove(ctx, q, id)
}

// diff compares two sorted term lists.
func diff(old, now []string) (added, removed []string) {
	i, j := 0, 0
	for i < len(old) || j < len(now) {
		switch {
		case j == len(now) || (i < len(old) && old[i] < now[j]):
			removed = append(removed, old[i])
			i++
		case i == len(old) || now[j] < old[i]:
			added = append(added, now[j])
			j++
		default:
			i++
			j++
		}
	}
	return added, removed
}

// tally gathers the changes to the vocabulary and the counts of one
// transaction, so that a batch of articles writes each term once.
type tally struct {
	df     map[int64]map[string]int64
	words  map[int64]map[string]string
	docs   map[int64]int64
	tokens map[int64]int64
}

func newTally() *tally {
	return &tally{df: map[int64]map[string]int64{}, words: map[int64]map[string]string{},
		docs: map[int64]int64{}, tokens: map[int64]int64{}}
}

func (t *tally) add(edition int64, terms []string, delta int64, words map[string]string) {
	if len(terms) == 0 {
		return
	}
	df, w := t.df[edition], t.words[edition]
	if df == nil {
		df, w = map[string]int64{}, map[string]string{}
		t.df[edition], t.words[edition] = df, w
	}
	for _, term := range terms {
		df[term] += delta
		if words != nil && w[term] == "" {
			w[term] = words[term]
		}
	}
}

func (t *tally) stats(edition, docs, tokens int64) {
	t.docs[edition] += docs
	t.tokens[edition] += tokens
}

// flush writes the tally: editions in order and terms sorted, so that
// concurrent publishes lock rows in the same order.
func (t *tally) flush(ctx context.Context, q db.Querier) error {
	eds := make([]int64, 0, len(t.df)+len(t.docs))
	for e := range t.df {
		eds = append(eds, e)
	}
	for e := range t.docs {
		eds = append(eds, e)
	}
	slices.Sort(eds)
	for _, e := range slices.Compact(eds) {
		var up []string
		down := map[int64][]string{}
		for _, term := range slices.Sorted(maps.Keys(t.df[e])) {
			switch n := t.df[e][term]; {
			case n > 0:
				up = append(up, term)
			case n < 0:
				down[-n] = append(down[-n], term)
			}
		}
		if err := addTerms(ctx, q, e, up, t.df[e], t.words[e]); err != nil {
			return fmt.Errorf("vocabulary: %w", err)
		}
		for _, n := range slices.Sorted(maps.Keys(down)) {
			if err := removeTerms(ctx, q, e, down[n], n); err != nil {
				return fmt.Errorf("vocabulary: %w", err)
			}
		}
		if t.docs[e] != 0 || t.tokens[e] != 0 {
			if err := addStats(ctx, q, e, t.docs[e], t.tokens[e]); err != nil {
				return fmt.Errorf("counts: %w", err)
			}
		}
	}
	return nil
}

// chunk bounds multi-row statements under both engines' parameter limits.
const chunk = 256

// addTerms counts df[term] more articles for each of terms, remembering a
// word for the terms the edition did not have.
func addTerms(ctx context.Context, q db.Querier, edition int64, terms []string, df map[string]int64, words map[string]string) error {
	for part := range slices.Chunk(terms, chunk) {
		var sb strings.Builder
		sb.WriteString(`INSERT INTO search_terms (edition_id, term, df, word) VALUES `)
		args := make([]any, 0, 4*len(part))
		for i, t := range part {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?, ?)")
			args = append(args, edition, t, df[t], words[t])
		}
		sb.WriteString(` ON CONFLICT (edition_id, term) DO UPDATE SET df = search_terms.df + excluded.df`)
		if _, err := q.Exec(ctx, sb.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// removeTerms counts n articles fewer for each of terms and forgets the
// terms no article has any more.
func removeTerms(ctx context.Context, q db.Querier, edition int64, terms []string, n int64) error {
	for part := range slices.Chunk(terms, chunk) {
		set, args := valuesList(part)
		args = append([]any{edition}, args...)
		if _, err := q.Exec(ctx, `UPDATE search_terms SET df = df - ? WHERE edition_id = ? AND term IN (`+set+`)`,
			append([]any{n}, args...)...); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `DELETE FROM search_terms WHERE edition_id = ? AND df <= 0 AND term IN (`+set+`)`, args...); err != nil {
			return err
		}
	}
	return nil
}

// valuesList returns a subquery listing vals, for `IN (…)`, padded by
// repeating the last value to a power of two so that PostgreSQL sees a few
// statement shapes. A VALUES list is joined like a table; a long plain IN
// list of strings can get a generic plan that compares every row to every
// element.
func valuesList(vals []string) (string, []any) {
	n := 1
	for n < len(vals) {
		n *= 2
	}
	args := make([]any, n)
	for i := range args {
		args[i] = vals[min(i, len(vals)-1)]
	}
	return `SELECT column1 FROM (VALUES (?)` + strings.Repeat(", (?)", n-1) + `) AS v`, args
}

func addStats(ctx context.Context, q db.Querier, edition, docs, tokens int64) error {
	_, err := q.Exec(ctx, `INSERT INTO search_stats (edition_id, docs, tokens) VALUES (?, ?, ?)
		ON CONFLICT (edition_id) DO UPDATE SET docs = search_stats.docs + excluded.docs, tokens = search_stats.tokens + excluded.tokens`,
		edition, docs, tokens)
	return err
}
