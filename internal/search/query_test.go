package search

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		lang, q string
		want    string // clauses: | between alternatives, _ between phrase words
		prefix  string
		problem Problem
	}{
		{"fr", "", "", "", ProblemEmpty},
		{"fr", "   \t ", "", "", ProblemEmpty},
		{"fr", strings.Repeat("a", MaxQuery+1), "", "", ProblemTooLong},
		{"fr", strings.Repeat("é", MaxQuery), "", "", ProblemNoWords}, // a long word: dropped, not refused
		{"fr", "?!… ;-) ***", "", "", ProblemNoWords},
		{"fr", "le la les de", "", "", ProblemNoWords},
		{"fr", "Défense ", "defens", "", ""},
		{"fr", "Défense", "defens*", "defense", ""},
		{"fr", "traités nucléaires ", "trait nucleair", "", ""},
		{"fr", `"armes nucléaires" traité`, "arme_nucleair trait*", "traite", ""},
		{"fr", `traité "armes nucléaires`, "trait arme_nucleair", "", ""},
		{"fr", `« accord de paix »`, "accord_paix", "", ""},
		{"en", `"the"`, "", "", ProblemNoWords},
		{"en", `treaty AND weapons OR NOT -nuclear`, "treati weapon nuclear*", "nuclear", ""},
		{"en", `col:treaty NEAR(a b) ^x *`, "col treati near", "", ""},
		{"en", `' OR 1=1; DROP TABLE articles; --`, "drop tabl articl", "", ""},
		{"en", "treaty treaty", "treati*", "treaty", ""},
		{"en", "treaty tr", "treati tr", "", ""}, // two letters: too short to complete
		{"en", "treaty the", "treati", "", ""},   // a stop word is not completed
	} {
		q, problem := parse(c.lang, c.q)
		if problem != c.problem {
			t.Errorf("parse(%q): problem %q, want %q", c.q, problem, c.problem)
			continue
		}
		var got []string
		for _, cl := range q.clauses {
			s := strings.Join(cl.terms, "_")
			if cl.any {
				s += "*"
			}
			got = append(got, s)
		}
		if s := strings.Join(got, " "); s != c.want || q.prefix != c.prefix {
			t.Errorf("parse(%q) = %q prefix %q, want %q prefix %q", c.q, s, q.prefix, c.want, c.prefix)
		}
	}
}

func TestPlan(t *testing.T) {
	q, _ := parse("en", `"nuclear weapons" treaty weap`)
	p := q.plan([]string{"weapon", "weaponri"})
	if !slices.Equal(p.terms, []string{"nuclear", "weapon", "treati"}) || p.anyOf != nil || len(p.phrases) != 1 {
		t.Errorf("a prefix satisfied by a required term is dropped: %+v", p)
	}
	q, _ = parse("en", `treaty weap`)
	p = q.plan([]string{"weapon", "weaponri"})
	if !slices.Equal(p.rank, []string{"treati", "weap", "weapon", "weaponri"}) || len(p.anyOf) != 3 {
		t.Errorf("plan = %+v", p)
	}
	if got, want := tsquery(&p), `'treati' & ('weap' | 'weapon' | 'weaponri')`; got != want {
		t.Errorf("tsquery = %s, want %s", got, want)
	}
}

// badQueries are what a reader or a robot may type: none may cause an error.
var badQueries = []string{
	"", " ", strings.Repeat("x", 300), strings.Repeat("traité ", 40), "\"", `"""`, `"a`, `a"`, `""traité""`,
	"*", "traité*", "-traité", "+traité", "traité AND OR NOT", "NEAR(traité défense, 2)", "headline:traité",
	"^traité", "traité:", "{traité}", "(traité", "traité)", `\"`, `\`, "'", "''", "%", "_", "%traité%",
	"' OR 1=1 --", "'; DROP TABLE articles; --", "1; SELECT * FROM search_terms", `') OR ('1'='1`,
	"traité' UNION SELECT password FROM users --", "$1", "?", "??", ":1", "@x", "traité & défense | x <-> y",
	"'traité':*", "!!!", "\x00", "\xff\xfe", "traité\x00défense", "é\u0301", "\u200b", "🙂", "تراتيه", "договор",
	strings.Repeat("\"a ", 100), strings.Repeat("ab ", 85),
}

func TestBadQueries(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		s := loadCorpus(t, d, "testdata/corpus.ndjson")
		for _, ed := range []string{"fr", "en"} {
			for _, q := range badQueries {
				res, err := s.Search(context.Background(), request(t, d, ed, q))
				if err != nil {
					t.Errorf("%s %q: %v", ed, q, err)
					continue
				}
				if res.Problem == ProblemNone && res.Total < 0 {
					t.Errorf("%s %q: %+v", ed, q, res)
				}
			}
		}
		for _, sql := range []string{`SELECT count(*) FROM articles`, `SELECT count(*) FROM search_docs`} {
			var n int
			if err := d.QueryRow(context.Background(), sql).Scan(&n); err != nil || n == 0 {
				t.Errorf("%s = %d, %v after the bad queries", sql, n, err)
			}
		}
	})
}

// FuzzQuery sends arbitrary queries to SQLite's FTS5: none may be an
// error, and every problem is one the page can explain.
func FuzzQuery(f *testing.F) {
	d := testdb.SQLite(f)
	s := loadCorpus(f, d, "testdata/corpus.ndjson")
	for _, q := range badQueries {
		f.Add(q)
	}
	fr, en := request(f, d, "fr", ""), request(f, d, "en", "")
	f.Fuzz(func(t *testing.T, q string) {
		for _, r := range []Request{fr, en} {
			r.Query = q
			res, err := s.Search(context.Background(), r)
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			switch res.Problem {
			case ProblemNone, ProblemEmpty, ProblemNoWords:
			case ProblemTooLong:
				if utf8.RuneCountInString(strings.TrimSpace(strings.ToValidUTF8(q, " "))) <= MaxQuery/2 {
					t.Fatalf("%q refused as too long", q)
				}
			default:
				t.Fatalf("%q: unknown problem %q", q, res.Problem)
			}
			for _, h := range res.Hits {
				if strings.Contains(strings.ReplaceAll(strings.ReplaceAll(h.Snippet, "<mark>", ""), "</mark>", ""), "<") {
					t.Fatalf("%q: unescaped snippet %q", q, h.Snippet)
				}
			}
		}
	})
}
