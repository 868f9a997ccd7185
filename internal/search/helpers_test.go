package search

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/importer"
)

// now is the fixed "now" of the tests, a week after the corpus's newest
// article, so the recency boost does not depend on the day the tests run.
var now = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// loadCorpus imports an NDJSON file through the importer, which indexes
// each article in its transaction, as publishing does.
func loadCorpus(t testing.TB, d *db.DB, path string) *Store {
	t.Helper()
	s := New(d)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := (&importer.Importer{DB: d, Search: s}).Import(context.Background(), f)
	if err != nil || len(res.Errors) > 0 {
		t.Fatalf("import %s: %v %v", path, err, res.Errors)
	}
	return s
}

func lookupID(t testing.TB, d *db.DB, query string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := d.QueryRow(context.Background(), query, args...).Scan(&id); err != nil {
		t.Fatalf("%s %v: %v", query, args, err)
	}
	return id
}

func editionID(t testing.TB, d *db.DB, code string) int64 {
	return lookupID(t, d, `SELECT id FROM editions WHERE code = ?`, code)
}

func editionLang(t testing.TB, d *db.DB, code string) string {
	t.Helper()
	var lang string
	if err := d.QueryRow(context.Background(), `SELECT lang FROM editions WHERE code = ?`, code).Scan(&lang); err != nil {
		t.Fatal(err)
	}
	return lang
}

// externalIDs maps hits to the articles' external ids.
func externalIDs(t testing.TB, d *db.DB, hits []Hit) []string {
	t.Helper()
	out := make([]string, len(hits))
	for i, h := range hits {
		if err := d.QueryRow(context.Background(), `SELECT external_id FROM articles WHERE id = ?`, h.ArticleID).Scan(&out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// request builds a request for edition code with the tests' fixed now.
func request(t testing.TB, d *db.DB, code, q string) Request {
	return Request{EditionID: editionID(t, d, code), Lang: editionLang(t, d, code), Query: q, Now: now}
}
