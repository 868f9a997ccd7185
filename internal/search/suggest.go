package search

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/textanalysis"
)

// suggest returns the query with each word the edition has never used
// replaced by the closest word it has, when that query finds something.
func (s *Store) suggest(ctx context.Context, r Request, q *query) (string, error) {
	terms := make([]string, 0, len(q.typed))
	for _, w := range q.typed {
		terms = append(terms, w.term)
	}
	known, err := knownTerms(ctx, s.DB, r.EditionID, terms)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	at, changed := 0, false
	for _, w := range q.typed {
		if known[w.term] {
			continue
		}
		word, err := closest(ctx, s.DB, r.EditionID, textanalysis.Fold(q.text[w.start:w.end]))
		if err != nil {
			return "", err
		}
		if word == "" {
			continue
		}
		b.WriteString(q.text[at:w.start])
		b.WriteString(word)
		at, changed = w.end, true
	}
	if !changed {
		return "", nil
	}
	b.WriteString(q.text[at:])
	suggestion := b.String()
	sq, problem := parse(r.Lang, suggestion+" ")
	if problem != ProblemNone {
		return "", nil
	}
	_, total, err := s.eng.find(ctx, s.DB, &finding{plan: sq.plan(nil), req: r, limit: 1})
	if err != nil || total == 0 {
		return "", err
	}
	return suggestion, nil
}

func knownTerms(ctx context.Context, q db.Querier, edition int64, terms []string) (map[string]bool, error) {
	known := map[string]bool{}
	if len(terms) == 0 {
		return known, nil
	}
	set, args := valuesList(terms)
	rows, err := q.Query(ctx, `SELECT term FROM search_terms WHERE edition_id = ? AND term IN (`+set+`)`, append([]any{edition}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		known[t] = true
	}
	return known, rows.Err()
}

// closest returns the edition's word nearest to folded (a word as typed,
// folded) in edit distance, among words of about its length whose term
// starts with the same letter: one edit allowed up to four letters, two
// beyond. Ties go to the commoner word.
func closest(ctx context.Context, q db.Querier, edition int64, folded string) (string, error) {
	n := utf8.RuneCountInString(folded)
	if n < 3 {
		return "", nil
	}
	limit := 1
	if n > 4 {
		limit = 2
	}
	first, _ := utf8.DecodeRuneInString(folded)
	lo := string(first)
	rows, err := q.Query(ctx, `SELECT word, df FROM search_terms WHERE edition_id = ? AND term >= ? AND term < ?
		AND length(word) BETWEEN ? AND ?`, edition, lo, lo+"\U0010FFFF", n-limit, n+limit)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	best, bestD, bestDF := "", limit+1, int64(-1)
	for rows.Next() {
		var w string
		var df int64
		if err := rows.Scan(&w, &df); err != nil {
			return "", err
		}
		d := distance(folded, textanalysis.Fold(w), limit)
		if d > limit { // too far: no suggestion rather than any word
			continue
		}
		if d < bestD || (d == bestD && (df > bestDF || (df == bestDF && w < best))) {
			best, bestD, bestDF = w, d, df
		}
	}
	return best, rows.Err()
}

// distance is the optimal string alignment distance between a and b (edits
// of one letter, and swaps of two neighbours), or limit+1 when it is more
// than limit.
func distance(a, b string, limit int) int {
	x, y := []rune(a), []rune(b)
	if d := len(x) - len(y); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(y)+1)
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(y)], limit+1)
}
