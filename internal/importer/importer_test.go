package importer

import (
	"context"
	"strings"
	"testing"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

const sample = `{"type":"edition","code":"fr","name":"Lede","lang":"fr","timezone":"Europe/Paris","default":true}
{"type":"edition","code":"en","name":"Lede","lang":"en","timezone":"Europe/London"}
{"type":"section","edition":"fr","slug":"defense","name":"Défense","position":1}
{"type":"section","edition":"en","slug":"defense","name":"Defense","position":1}
{"type":"author","slug":"claire","name":"Claire","bio":{"fr":"Bio"}}
{"type":"tag","edition":"fr","slug":"russie","name":"Russie"}
# a comment line

{"type":"article","id":"en-1","edition":"en","section":"defense","slug":"talks","headline":"Talks","body":"Body.\n\n## Sub\n\nMore.","authors":["claire"],"published_at":"2026-11-20T14:03:00Z"}
{"type":"article","id":"fr-1","edition":"fr","section":"defense","slug":"entretien","headline":"Entretien","body":"Il a dit \"oui\".","authors":["claire"],"tags":["russie"],"published_at":"2026-11-20T15:03:00+01:00","translation_of":"en-1"}
`

func load(t *testing.T, d *db.DB, src string) Result {
	t.Helper()
	im := &Importer{DB: d}
	res, err := im.Import(context.Background(), strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func count(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportIsIdempotent(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		res := load(t, d, sample)
		if len(res.Errors) > 0 || res.Created != 8 {
			t.Fatalf("first import: %+v", res)
		}
		var group1, group2 int64
		var html, code string
		d.QueryRow(context.Background(), `SELECT translation_group FROM articles WHERE external_id = 'en-1'`).Scan(&group1)
		d.QueryRow(context.Background(), `SELECT translation_group, body_html, shortcode FROM articles WHERE external_id = 'fr-1'`).Scan(&group2, &html, &code)
		if group1 == 0 || group1 != group2 {
			t.Fatalf("translations not linked: groups %d, %d", group1, group2)
		}
		if !strings.Contains(html, "«\u00a0oui\u00a0»") || code == "" {
			t.Fatalf("body %q / short code %q", html, code)
		}
		n := count(t, d, "changes")
		res = load(t, d, sample)
		if len(res.Errors) > 0 || res.Created != 0 || res.Updated != 0 || res.Unchanged != 8 {
			t.Fatalf("second import changed something: %+v", res)
		}
		if count(t, d, "changes") != n {
			t.Fatal("re-import recorded cache invalidations")
		}
		res = load(t, d, strings.Replace(sample, `"headline":"Talks"`, `"headline":"Talks resume"`, 1))
		if res.Updated != 1 || res.Unchanged != 7 {
			t.Fatalf("edited import: %+v", res)
		}
	})
}

func TestBadRecordsWriteNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		load(t, d, sample)
		before := count(t, d, "articles")
		bad := strings.Join([]string{
			`{"type":"article","id":"x1","edition":"fr","section":"nope","slug":"a","headline":"A","body":"b","authors":["claire"],"published_at":"2026-11-20T14:03:00Z"}`,
			`{"type":"article","id":"x2","edition":"fr","section":"defense","slug":"Bad Slug","headline":"A","body":"b","authors":["claire"],"published_at":"2026-11-20T14:03:00Z"}`,
			`{"type":"article","id":"x3","edition":"fr","section":"defense","slug":"entretien","headline":"A","body":"b","authors":["claire"],"published_at":"2026-11-20T14:03:00Z"}`,
			`{"type":"article","id":"x4","edition":"fr","section":"defense","slug":"ok","headline":"A","body":"b","authors":["ghost"],"published_at":"2026-11-20T14:03:00Z"}`,
			`{"type":"article","id":"x5","edition":"fr","section":"defense","slug":"ok","headline":"A","body":"b","authors":["claire"],"published_at":"yesterday"}`,
			`{"type":"article","id":"x6","edition":"fr","section":"defense","slug":"ok","headline":"A","body":"b","authors":["claire"],"published_at":"2026-11-20T14:03:00Z","tags":["nope"]}`,
			`{"type":"section","edition":"fr","slug":"tags","name":"Tags"}`,
			`{"type":"edition","code":"de","name":"Lede","lang":"de","timezone":"Mars/Olympus"}`,
			`{"type":"article","id":"x7","edition":"fr","section":"defense","slug":"ok2","headline":"A","body":"b","authors":["claire"],"published_at":"2026-11-20T14:03:00Z","headlien":"typo"}`,
			`{"type":"article", broken`,
			`{"type":"poem"}`,
			`{"type":"article","id":"x8","edition":"fr","section":"defense","slug":"good","headline":"Fine","body":"b","authors":["claire"],"published_at":"2026-11-20T14:03:00Z"}`,
		}, "\n")
		res := load(t, d, bad)
		if len(res.Errors) != 11 || res.Created != 1 {
			t.Fatalf("want 11 errors and 1 created, got %+v", res)
		}
		for i, e := range res.Errors {
			if e.Line != i+1 {
				t.Errorf("error %d on line %d, want line %d: %v", i, e.Line, i+1, e)
			}
		}
		for _, want := range []string{"section", "slug", "already used", "ghost", "published_at", "nope", "reserved", "timezone", "unknown field", "invalid JSON", "poem"} {
			found := false
			for _, e := range res.Errors {
				found = found || strings.Contains(e.Error(), want)
			}
			if !found {
				t.Errorf("no error mentions %q: %v", want, res.Errors)
			}
		}
		if got := count(t, d, "articles"); got != before+1 {
			t.Fatalf("articles = %d, want %d", got, before+1)
		}
	})
}

func TestLongLine(t *testing.T) {
	d := testdb.SQLite(t)
	long := `{"type":"author","slug":"x","name":"` + strings.Repeat("a", MaxLine) + `"}`
	res := load(t, d, long+"\n"+`{"type":"author","slug":"y","name":"Y"}`)
	if len(res.Errors) != 1 || res.Errors[0].Line != 1 || res.Created != 1 {
		t.Fatalf("%+v", res)
	}
}

func FuzzDecode(f *testing.F) {
	for _, l := range strings.Split(sample, "\n") {
		f.Add([]byte(l))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		r, err := Decode(line)
		if err == nil && r.Type == "" {
			t.Fatalf("Decode(%q) accepted a record with no type", line)
		}
	})
}

func TestSlugChangeKeepsOldURL(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		load(t, d, sample)
		res := load(t, d, strings.Replace(sample, `"slug":"entretien"`, `"slug":"entretien-complet"`, 1))
		if res.Updated != 1 {
			t.Fatalf("%+v", res)
		}
		var to int64
		d.QueryRow(context.Background(), `SELECT article_id FROM slug_redirects WHERE slug = 'entretien'`).Scan(&to)
		if to == 0 {
			t.Fatal("old slug not kept as a redirect")
		}
	})
}

func TestDuplicateIDsAndBadUTF8(t *testing.T) {
	d := testdb.SQLite(t)
	load(t, d, sample)
	dup := `{"type":"article","id":"z-1","edition":"fr","section":"defense","slug":"z-un","headline":"Z","body":"b","authors":["claire"],"published_at":"2026-11-20T14:03:00Z"}
{"type":"article","id":"z-1","edition":"fr","section":"defense","slug":"z-deux","headline":"Z2","body":"b","authors":["claire"],"published_at":"2026-11-20T14:03:00Z"}
{"type":"author","slug":"bad","name":"` + "\xff\xfe" + `"}`
	res := load(t, d, dup)
	if res.Created != 1 || len(res.Errors) != 2 || !strings.Contains(res.Errors[0].Error(), "already used on line 1") || !strings.Contains(res.Errors[1].Error(), "UTF-8") {
		t.Fatalf("%+v", res)
	}
}
