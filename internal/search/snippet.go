package search

import (
	"context"
	"html"
	"strings"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/textanalysis"
	"github.com/lede-news/lede/internal/typo"
)

// snippetWords is the length of a snippet, in words.
const snippetWords = 32

// snippets reads the found articles and cuts each one's best passage. An
// article unpublished since the search is dropped.
func (s *Store) snippets(ctx context.Context, res *Results, hits []hit) ([]Hit, error) {
	if len(hits) == 0 {
		return nil, nil
	}
	ids := make([]any, len(hits))
	for i, h := range hits {
		ids[i] = h.id
	}
	rows, err := s.DB.Query(ctx, `SELECT id, standfirst, body_html FROM articles
		WHERE status = 'published' AND id IN (`+db.Placeholders(len(ids))+`)`, ids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	text := map[int64]string{}
	for rows.Next() {
		var id int64
		var standfirst, body string
		if err := rows.Scan(&id, &standfirst, &body); err != nil {
			return nil, err
		}
		text[id] = strings.TrimSpace(typo.Text(res.lang, standfirst) + "\n" + plainText(body))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Hit, 0, len(hits))
	for _, h := range hits {
		if t, ok := text[h.id]; ok {
			out = append(out, Hit{ArticleID: h.id, Score: h.score, Snippet: res.snippet(t)})
		}
	}
	return out, nil
}

// snippet returns the passage of text with the most distinct query terms,
// then the most matches, as HTML.
func (res *Results) snippet(text string) string {
	toks := textanalysis.Tokens(res.lang, text)
	if len(toks) == 0 {
		return ""
	}
	best, bestKinds, bestN := 0, -1, -1
	count := map[string]int{}
	kinds, n := 0, 0
	for i, t := range toks {
		if res.marks[t.Term] {
			if count[t.Term] == 0 {
				kinds++
			}
			count[t.Term]++
			n++
		}
		if j := i - snippetWords; j >= 0 && res.marks[toks[j].Term] {
			count[toks[j].Term]--
			if count[toks[j].Term] == 0 {
				kinds--
			}
			n--
		}
		start := max(0, i-snippetWords+1)
		if kinds > bestKinds || (kinds == bestKinds && n > bestN) {
			best, bestKinds, bestN = start, kinds, n
		}
	}
	// Start a few words before the first match, so it is read in context.
	for i := best; i < min(best+snippetWords, len(toks)); i++ {
		if res.marks[toks[i].Term] {
			best = max(0, min(i-4, len(toks)-snippetWords))
			break
		}
	}
	end := min(best+snippetWords, len(toks))
	from, to := toks[best].Start, toks[end-1].End
	if best == 0 {
		from = 0
	}
	if end == len(toks) {
		to = len(text)
	}
	var b strings.Builder
	if best > 0 {
		b.WriteString("… ")
	}
	res.mark(&b, text[from:to], toks[best:end], from)
	if end < len(toks) {
		b.WriteString(" …")
	}
	return b.String()
}

// Highlight escapes text and marks the words that match the query, for
// headlines.
func (res *Results) Highlight(text string) string {
	var b strings.Builder
	res.mark(&b, text, textanalysis.Tokens(res.lang, text), 0)
	return b.String()
}

// mark writes text escaped with its matching tokens in <mark>; token spans
// are offsets into a larger string that text starts at base of. Line
// breaks become spaces.
func (res *Results) mark(b *strings.Builder, text string, toks []textanalysis.Token, base int) {
	at := 0
	for _, t := range toks {
		if !res.marks[t.Term] {
			continue
		}
		s, e := t.Start-base, t.End-base
		b.WriteString(flatten(text[at:s]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[s:e]))
		b.WriteString("</mark>")
		at = e
	}
	b.WriteString(flatten(text[at:]))
}

// flatten escapes s and turns each run of line breaks and tabs into a
// space, or into a dash after a block that ends without punctuation (a
// sub-heading), so it does not run into the next sentence.
func flatten(s string) string {
	if strings.ContainsAny(s, "\n\r\t") {
		var b strings.Builder
		var last rune
		gap := false
		for _, r := range s {
			if r == '\n' || r == '\r' || r == '\t' {
				gap = true
				continue
			}
			if gap {
				switch {
				case b.Len() == 0 || strings.ContainsRune(".!?…:;»”\"", last):
					b.WriteByte(' ')
				default:
					b.WriteString(" — ")
				}
				gap = false
			}
			if r != ' ' && r != '\u00a0' {
				last = r
			}
			b.WriteRune(r)
		}
		if gap {
			b.WriteByte(' ')
		}
		s = b.String()
	}
	return html.EscapeString(s)
}
