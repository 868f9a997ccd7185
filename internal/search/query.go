package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lede-news/lede/internal/textanalysis"
)

// Problem says why a query was not run.
type Problem string

const (
	ProblemNone    Problem = ""
	ProblemEmpty   Problem = "empty"    // nothing typed
	ProblemTooLong Problem = "too_long" // over MaxQuery characters
	ProblemNoWords Problem = "no_words" // only punctuation, operators or very common words
)

// query is a reader's search as typed, parsed. There is no operator
// syntax: quotes make a phrase, every other mark is punctuation, and AND,
// OR, NOT, NEAR, -, *, ^ or column: are read as text or dropped, so nothing
// typed reaches an engine's query language.
type query struct {
	text    string   // the query, trimmed and with typographic quotes made plain
	clauses []clause // all must match
	typed   []typed  // the words behind the clauses, for "did you mean"
	prefix  string   // the last word folded, when it is being typed
}

// clause is a term, the terms of a phrase in order, or alternatives: the
// term of a word being typed and the terms it may become.
type clause struct {
	terms []string
	any   bool
}

// typed is a word of the query: where it is in query.text and its term.
type typed struct {
	start, end int
	term       string
}

// quotes are read as ", so « une phrase » and “a phrase” work too.
var quotes = strings.NewReplacer("“", `"`, "”", `"`, "„", `"`, "«", `"`, "»", `"`, "″", `"`)

// parse reads a query in lang. A quote left open runs to the end; the last
// word is a prefix unless it is followed by a space or a mark, or is short
// or a stop word.
func parse(lang, raw string) (query, Problem) {
	untrimmed := quotes.Replace(strings.ToValidUTF8(raw, " "))
	text := strings.TrimSpace(untrimmed)
	q := query{text: text}
	if text == "" {
		return q, ProblemEmpty
	}
	if utf8.RuneCountInString(text) > MaxQuery {
		return q, ProblemTooLong
	}
	seen := map[string]bool{}
	offset := 0
	parts := strings.Split(text, `"`)
	for i, part := range parts {
		quoted := i%2 == 1
		var phrase []string
		for _, t := range textanalysis.Tokens(lang, part) {
			if t.Term == "" {
				continue
			}
			q.typed = append(q.typed, typed{start: offset + t.Start, end: offset + t.End, term: t.Term})
			if quoted {
				phrase = append(phrase, t.Term)
			} else if !seen[t.Term] {
				seen[t.Term] = true
				q.clauses = append(q.clauses, clause{terms: []string{t.Term}})
			}
		}
		if len(phrase) > 1 {
			q.clauses = append(q.clauses, clause{terms: phrase})
		} else if len(phrase) == 1 && !seen[phrase[0]] {
			seen[phrase[0]] = true
			q.clauses = append(q.clauses, clause{terms: phrase})
		}
		offset += len(part) + 1
	}
	if len(q.clauses) > maxClauses {
		q.clauses = q.clauses[:maxClauses]
	}
	if len(q.clauses) == 0 {
		return q, ProblemNoWords
	}
	if r, _ := utf8.DecodeLastRuneInString(untrimmed); unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
		q.prefix = lastPrefix(lang, parts)
	}
	if q.prefix != "" {
		last := &q.clauses[len(q.clauses)-1]
		if len(last.terms) == 1 && last.terms[0] == q.typed[len(q.typed)-1].term {
			last.any = true
		} else {
			q.prefix = ""
		}
	}
	return q, ProblemNone
}

// lastPrefix returns the last word of the query folded, when it may be
// half typed: the query ends with it (checked by the caller), outside
// quotes, and it is long enough and not a stop word.
func lastPrefix(lang string, parts []string) string {
	if len(parts)%2 == 0 { // inside an open quote
		return ""
	}
	last := parts[len(parts)-1]
	toks := textanalysis.Tokens(lang, last)
	if len(toks) == 0 {
		return ""
	}
	t := toks[len(toks)-1]
	word := last[t.Start:t.End]
	if t.Term == "" || t.End != len(last) || utf8.RuneCountInString(word) < minPrefix {
		return ""
	}
	return textanalysis.Fold(word)
}

// plan is what the engines run: every term in terms, every phrase, and one
// of anyOf when set. rank lists the terms BM25 scores, in the order the
// engines sum them.
type plan struct {
	terms   []string
	phrases [][]string
	anyOf   []string
	rank    []string
}

// plan turns the clauses into the plan, given the terms the prefix may
// become. Alternatives that are also required terms make the prefix clause
// always true, and it is dropped.
func (q *query) plan(expansions []string) plan {
	var p plan
	have := map[string]bool{}
	var alts []string
	for _, c := range q.clauses {
		if c.any {
			alts = append(alts, c.terms...)
			alts = append(alts, expansions...)
			continue
		}
		if len(c.terms) > 1 {
			p.phrases = append(p.phrases, c.terms)
		}
		for _, t := range c.terms {
			if !have[t] {
				have[t] = true
				p.terms = append(p.terms, t)
			}
		}
	}
	seen := map[string]bool{}
	for _, a := range alts {
		if have[a] {
			p.anyOf = nil
			break
		}
		if !seen[a] {
			seen[a] = true
			p.anyOf = append(p.anyOf, a)
		}
	}
	if len(p.anyOf) == 1 {
		p.terms = append(p.terms, p.anyOf[0])
		p.anyOf = nil
	}
	p.rank = append(append(p.rank, p.terms...), p.anyOf...)
	return p
}
