package newsletter

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

// A file with bad rows is refused whole, each bad row named with its line
// and reason; a good file imports, merges with existing subscribers and
// exports back the same.
func TestImportExport(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bad := "email,edition,lists,confirmed,created\n" +
			"ok@example.org,fr,daily breaking,true,2025-01-02T03:04:05Z\n" +
			"not-an-address,fr,daily,true,\n" +
			"x@mailinator.com,fr,daily,true,\n" +
			"y@example.org,de,daily,true,\n" +
			"z@example.org,fr,section:nope,true,\n" +
			"w@example.org,fr,daily,maybe,\n" +
			"v@example.org,fr,daily,true,yesterday\n" +
			"OK@EXAMPLE.org,fr,daily,false,\n" +
			"u@example.org,fr\n"
		res, err := f.s.Import(f.ctx, strings.NewReader(bad))
		if !errors.Is(err, ErrRefused) {
			t.Fatalf("bad file: %v", err)
		}
		want := map[int]string{3: "not a valid address", 4: "disposable", 5: "unknown edition", 6: "unknown list", 7: "confirmed", 8: "created", 9: "already on line 2", 10: "columns"}
		if len(res.Errors) != len(want) {
			t.Errorf("%d errors, want %d: %v", len(res.Errors), len(want), res.Errors)
		}
		for _, e := range res.Errors {
			if w, ok := want[e.Line]; !ok || !strings.Contains(e.Error(), w) {
				t.Errorf("error %q, want line %d to say %q", e.Error(), e.Line, w)
			}
		}
		var n int
		d.QueryRow(f.ctx, `SELECT count(*) FROM newsletter_subscribers`).Scan(&n)
		if n != 0 {
			t.Fatalf("%d subscribers written from a refused file", n)
		}
		for _, f2 := range []string{"", "mail,edition\nx@example.org,fr\n", "email,edition,lists,confirmed,created\n\"broken,fr,daily,true,\n"} {
			if _, err := f.s.Import(f.ctx, strings.NewReader(f2)); !errors.Is(err, ErrRefused) {
				t.Errorf("file %q: %v", f2, err)
			}
		}

		// An existing unconfirmed subscriber gains lists and confirmation.
		if _, err := f.s.Subscribe(f.ctx, SubscribeRequest{Edition: f.fr, Email: "old@example.org", Lists: []string{"section:culture"}}); err != nil {
			t.Fatal(err)
		}
		good := "\ufeffemail,edition,lists,confirmed,created\n" +
			"ok@example.org,fr,daily breaking,true,2025-01-02T03:04:05Z\n" +
			"ok@example.org,en,daily,false,2025-01-02T03:04:05Z\n" +
			"old@example.org,fr,daily,true,2024-06-01T00:00:00Z\n"
		res, err = f.s.Import(f.ctx, strings.NewReader(good))
		if err != nil || res.Created != 2 || res.Updated != 1 {
			t.Fatalf("good file: %+v %v", res, err)
		}
		if c, _ := f.s.Counts(f.ctx, f.fr.ID); c["daily"] != 2 || c["breaking"] != 1 || c["section:culture"] != 1 {
			t.Errorf("counts after import %v", c)
		}
		if c, _ := f.s.Counts(f.ctx, f.en.ID); c["daily"] != 0 {
			t.Errorf("unconfirmed import counted: %v", c)
		}
		var out bytes.Buffer
		if err := f.s.Export(f.ctx, &out, ""); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if lines[0] != "email,edition,lists,confirmed,created" || len(lines) != 4 {
			t.Fatalf("export:\n%s", out.String())
		}
		if !strings.Contains(out.String(), "ok@example.org,fr,breaking daily,true,2025-01-02T03:04:05Z") ||
			!strings.Contains(out.String(), "old@example.org,fr,daily section:culture,true,") {
			t.Errorf("export:\n%s", out.String())
		}
		// The export imports again unchanged (migration round trip).
		res, err = f.s.Import(f.ctx, strings.NewReader(out.String()))
		if err != nil || res.Created != 0 || res.Updated != 3 {
			t.Fatalf("re-import: %+v %v", res, err)
		}
		var again bytes.Buffer
		f.s.Export(f.ctx, &again, "")
		if again.String() != out.String() {
			t.Errorf("round trip changed the file:\n%s\n---\n%s", out.String(), again.String())
		}
		out.Reset()
		f.s.Export(f.ctx, &out, "en")
		if strings.Count(out.String(), "\n") != 2 {
			t.Errorf("edition export:\n%s", out.String())
		}
	})
}

// An address a spreadsheet would read as a formula is exported as text, and
// the export imports back to the same address.
func TestExportFormulaCells(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		in := "email,edition,lists,confirmed,created\n=1+1@example.org,fr,daily,true,2025-01-02T03:04:05Z\n"
		if res, err := f.s.Import(f.ctx, strings.NewReader(in)); err != nil || res.Created != 1 {
			t.Fatalf("import: %+v %v", res, err)
		}
		var out bytes.Buffer
		if err := f.s.Export(f.ctx, &out, ""); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "\n'=1+1@example.org,fr,") {
			t.Fatalf("formula cell not neutralised:\n%s", out.String())
		}
		res, err := f.s.Import(f.ctx, strings.NewReader(out.String()))
		if err != nil || res.Created != 0 || res.Updated != 1 {
			t.Fatalf("re-import: %+v %v", res, err)
		}
	})
}
