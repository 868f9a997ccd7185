package search

import (
	"context"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/textanalysis"
)

// Accent forms. The French and Spanish stemmers read accents: "sécurité"
// gives secur but "securite" gives securit, "journée" journ but "journee"
// journe. So that a word typed without its accents still finds the
// articles that wrote it with them, indexing records, for each accented
// word whose folded form has another term, the pair (folded word, term)
// in search_forms; a query word is then read as the term, among its own
// and its form's, that the edition's articles use most.

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// accentForm returns word folded when its term differs from term, the
// term of word as written.
func accentForm(lang, word, term string) (string, bool) {
	f := textanalysis.Fold(word)
	ft := textanalysis.Terms(lang, f)
	if len(ft) != 1 || ft[0] == term {
		return "", false
	}
	return f, true
}

// addForms records the forms of a transaction, sorted so that concurrent
// publications lock in the same order.
func addForms(ctx context.Context, q db.Querier, edition int64, forms map[[2]string]bool) error {
	keys := slices.SortedFunc(maps.Keys(forms), func(a, b [2]string) int {
		return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1])
	})
	for part := range slices.Chunk(keys, chunk) {
		var sb strings.Builder
		sb.WriteString(`INSERT INTO search_forms (edition_id, form, term) VALUES `)
		args := make([]any, 0, 3*len(part))
		for i, k := range part {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?)")
			args = append(args, edition, k[0], k[1])
		}
		sb.WriteString(` ON CONFLICT (edition_id, form, term) DO NOTHING`)
		if _, err := q.Exec(ctx, sb.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// unaccent reads each word of q as the term the edition uses most among
// the word's own and those of the accented words it is a folded form of,
// ties to its own. Clauses, phrases and the typed words follow.
func unaccent(ctx context.Context, d db.Querier, edition int64, q *query) error {
	forms := map[string]string{} // folded typed word → its term
	for _, t := range q.typed {
		forms[textanalysis.Fold(q.text[t.start:t.end])] = t.term
	}
	if len(forms) == 0 {
		return nil
	}
	set, args := valuesList(slices.Sorted(maps.Keys(forms)))
	rows, err := d.Query(ctx, `SELECT form, term FROM search_forms WHERE edition_id = ? AND form IN (`+set+`)`, append([]any{edition}, args...)...)
	if err != nil {
		return err
	}
	alts := map[string][]string{} // a typed word's term → other terms
	for rows.Next() {
		var form, term string
		if err := rows.Scan(&form, &term); err != nil {
			rows.Close()
			return err
		}
		if own := forms[form]; own != term && !slices.Contains(alts[own], term) {
			alts[own] = append(alts[own], term)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(alts) == 0 {
		return err
	}
	var terms []string
	for own, others := range alts {
		terms = append(terms, own)
		terms = append(terms, others...)
	}
	slices.Sort(terms)
	set, args = valuesList(slices.Compact(terms))
	df := map[string]int64{}
	rows, err = d.Query(ctx, `SELECT term, df FROM search_terms WHERE edition_id = ? AND term IN (`+set+`)`, append([]any{edition}, args...)...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var t string
		var n int64
		if err := rows.Scan(&t, &n); err != nil {
			rows.Close()
			return err
		}
		df[t] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	swap := map[string]string{}
	for own, others := range alts {
		best := own
		for _, o := range slices.Sorted(slices.Values(others)) {
			if df[o] > df[best] {
				best = o
			}
		}
		if best != own {
			swap[own] = best
		}
	}
	for i := range q.clauses {
		for j, t := range q.clauses[i].terms {
			if s, ok := swap[t]; ok {
				q.clauses[i].terms[j] = s
			}
		}
	}
	for i, t := range q.typed {
		if s, ok := swap[t.term]; ok {
			q.typed[i].term = s
		}
	}
	return nil
}
