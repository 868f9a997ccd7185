package search

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/lede-news/lede/internal/db"
)

// tally gathers the changes to the vocabulary and the counts of one
// transaction, so that a batch of articles writes each term once.
type tally struct {
	df     map[int64]map[string]int64
	words  map[int64]map[string]string
	docs   map[int64]int64
	tokens map[int64]int64
	forms  map[int64]map[[2]string]bool
}

func newTally() *tally {
	return &tally{df: map[int64]map[string]int64{}, words: map[int64]map[string]string{},
		docs: map[int64]int64{}, tokens: map[int64]int64{}, forms: map[int64]map[[2]string]bool{}}
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

func (t *tally) addForms(edition int64, forms map[[2]string]bool) {
	if len(forms) == 0 {
		return
	}
	if t.forms[edition] == nil {
		t.forms[edition] = map[[2]string]bool{}
	}
	maps.Copy(t.forms[edition], forms)
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
	for e := range t.forms {
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
		if len(t.forms[e]) > 0 {
			if err := addForms(ctx, q, e, t.forms[e]); err != nil {
				return fmt.Errorf("accent forms: %w", err)
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
