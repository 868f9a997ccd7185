package newsroom

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/importer"
	"github.com/lede-news/lede/internal/publish"
	"github.com/lede-news/lede/internal/related"
	"github.com/lede-news/lede/internal/testdb"
)

const site = `{"type":"edition","code":"fr","name":"Lede","lang":"fr","timezone":"Europe/Paris"}
{"type":"section","edition":"fr","slug":"defense","name":"Défense"}
{"type":"section","edition":"fr","slug":"culture","name":"Culture"}
{"type":"author","slug":"claire","name":"Claire"}
`

type fixture struct {
	n                 *Newsroom
	edition, sec, aut int64
	store             *article.Store
}

func setup(t *testing.T, d *db.DB) fixture {
	t.Helper()
	ctx := context.Background()
	if res, err := (&importer.Importer{DB: d}).Import(ctx, strings.NewReader(site)); err != nil || len(res.Errors) > 0 {
		t.Fatalf("%v %v", err, res.Errors)
	}
	f := fixture{n: &Newsroom{DB: d, Publisher: &publish.Publisher{Related: related.New(d)}}, store: &article.Store{DB: d}}
	d.QueryRow(ctx, `SELECT id FROM editions`).Scan(&f.edition)
	d.QueryRow(ctx, `SELECT id FROM sections WHERE slug = 'defense'`).Scan(&f.sec)
	d.QueryRow(ctx, `SELECT id FROM authors`).Scan(&f.aut)
	return f
}

func (f fixture) draft() Draft {
	return Draft{EditionID: f.edition, SectionID: f.sec, Slug: "traite", Headline: "Le traité", Standfirst: "Chapeau.",
		BodyMD: "Premier paragraphe.\n\n## Suite\n\nDeuxième.", AuthorIDs: []int64{f.aut}}
}

func TestWorkflowEndToEnd(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		id, v, err := f.n.Save(ctx, 7, f.draft(), article.ActSave)
		if err != nil || v != 1 {
			t.Fatalf("create draft: %v v%d", err, v)
		}
		if _, err := f.store.Published(ctx, f.edition, "traite"); !errors.Is(err, db.ErrNotFound) {
			t.Fatal("a draft is public")
		}
		dr, status, _ := f.n.Load(ctx, id)
		if _, v, err = f.n.Save(ctx, 7, dr, article.ActSubmit); err != nil || v != 2 {
			t.Fatalf("submit: %v", err)
		}
		dr, status, _ = f.n.Load(ctx, id)
		if status != article.StatusSubmitted {
			t.Fatalf("status %s", status)
		}
		if _, _, err = f.n.Save(ctx, 8, dr, article.ActUnpublish); !errors.Is(err, article.ErrIllegalTransition) {
			t.Fatalf("unpublish a submitted article: %v", err)
		}
		if _, v, err = f.n.Save(ctx, 8, dr, article.ActPublish); err != nil {
			t.Fatalf("publish: %v", err)
		}
		a, err := f.store.Published(ctx, f.edition, "traite")
		if err != nil || !a.UpdatedAt.IsZero() || a.Shortcode == "" {
			t.Fatalf("published article %+v %v", a, err)
		}

		// Two editors open version 3; the second save is refused.
		first, _, _ := f.n.Load(ctx, id)
		second := first
		first.BodyMD += "\n\nAjout de Marie."
		if _, _, err := f.n.Save(ctx, 8, first, article.ActSave); err != nil {
			t.Fatal(err)
		}
		second.Headline = "Titre de Paul"
		if _, _, err := f.n.Save(ctx, 9, second, article.ActSave); !errors.Is(err, ErrConflict) {
			t.Fatalf("conflicting save: %v, want ErrConflict", err)
		}
		a, _ = f.store.Published(ctx, f.edition, "traite")
		if !strings.Contains(a.BodyMD, "Ajout de Marie") || a.Headline != "Le traité" || a.UpdatedAt.IsZero() {
			t.Fatalf("after the refused save: %q %q updated %v", a.Headline, a.BodyMD, a.UpdatedAt)
		}

		// A slug change keeps the old one as a redirect.
		dr, _, _ = f.n.Load(ctx, id)
		dr.Slug = "traite-new-start"
		if _, _, err := f.n.Save(ctx, 8, dr, article.ActSave); err != nil {
			t.Fatal(err)
		}
		var to int64
		d.QueryRow(ctx, `SELECT article_id FROM slug_redirects WHERE slug = 'traite'`).Scan(&to)
		if to != id {
			t.Fatal("old slug not kept")
		}

		// Revisions: every save, diff and restore.
		revs, err := f.n.Revisions(ctx, id)
		if err != nil || len(revs) != 5 {
			t.Fatalf("%d revisions, %v", len(revs), err)
		}
		diff := Diff(revs[len(revs)-1], revs[0])
		fields := map[string]bool{}
		for _, fd := range diff {
			fields[fd.Field] = true
		}
		if !fields["body"] || !fields["slug"] || fields["headline"] {
			t.Fatalf("diff fields %v", fields)
		}
		cur, _, _ := f.n.Load(ctx, id)
		if _, err := f.n.Restore(ctx, 8, id, 1, cur.Version); err != nil {
			t.Fatal(err)
		}
		a, _ = f.store.Published(ctx, f.edition, "traite")
		if strings.Contains(a.BodyMD, "Ajout de Marie") {
			t.Fatal("restore did not bring back version 1's text")
		}

		dr, _, _ = f.n.Load(ctx, id)
		if _, _, err := f.n.Save(ctx, 8, dr, article.ActUnpublish); err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.Published(ctx, f.edition, "traite"); !errors.Is(err, db.ErrNotFound) {
			t.Fatal("unpublished article still public")
		}
		var audits int
		d.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE target = ?`, "article:"+itoa(id)).Scan(&audits)
		if audits != 7 {
			t.Fatalf("%d audit entries, want 7", audits)
		}
	})
}

func TestBadDrafts(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		var other int64
		d.QueryRow(ctx, `SELECT id FROM sections WHERE slug = 'culture'`).Scan(&other)
		for name, mod := range map[string]func(*Draft){
			"headline": func(x *Draft) { x.Headline = " " },
			"slug":     func(x *Draft) { x.Slug = "Pas Bon" },
			"body":     func(x *Draft) { x.BodyMD = "" },
			"authors":  func(x *Draft) { x.AuthorIDs = nil },
			"section":  func(x *Draft) { x.SectionID = 99999 },
			"edition":  func(x *Draft) { x.EditionID = 99999 },
		} {
			x := f.draft()
			mod(&x)
			_, _, err := f.n.Save(ctx, 1, x, article.ActSave)
			var ve article.Errors
			if !errors.As(err, &ve) || ve[name] == "" {
				t.Errorf("%s: %v, want a field error", name, err)
			}
		}
		x := f.draft()
		x.PublishAt = time.Now().Add(-time.Hour)
		if _, _, err := f.n.Save(ctx, 1, x, article.ActSchedule); err == nil {
			t.Error("scheduled in the past")
		}
		var n int
		d.QueryRow(ctx, `SELECT count(*) FROM articles`).Scan(&n)
		if n != 0 {
			t.Fatalf("bad drafts wrote %d articles", n)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A scheduled article stays scheduled when saved; a draft's publication
// date is when it is published, not when it was started.
func TestPublicationDates(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		clock := time.Now().UTC().Truncate(time.Second)
		f.n.Now = func() time.Time { return clock }
		id, _, err := f.n.Save(ctx, 1, f.draft(), article.ActSave)
		if err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(3 * time.Hour)
		dr, _, _ := f.n.Load(ctx, id)
		if _, _, err := f.n.Save(ctx, 1, dr, article.ActPublish); err != nil {
			t.Fatal(err)
		}
		a, _ := f.store.Published(ctx, f.edition, "traite")
		if !a.PublishedAt.Equal(clock) {
			t.Fatalf("published at %v, want the publication time %v", a.PublishedAt, clock)
		}

		x := f.draft()
		x.Slug = "embargo"
		x.PublishAt = clock.Add(time.Hour)
		id2, _, err := f.n.Save(ctx, 1, x, article.ActSchedule)
		if err != nil {
			t.Fatal(err)
		}
		dr, _, _ = f.n.Load(ctx, id2)
		dr.BodyMD += "\n\nUn mot de plus."
		if _, _, err := f.n.Save(ctx, 1, dr, article.ActSave); err != nil {
			t.Fatal(err)
		}
		dr, status, _ := f.n.Load(ctx, id2)
		if status != article.StatusScheduled || !dr.PublishAt.Equal(clock.Add(time.Hour)) {
			t.Fatalf("after saving a scheduled article: %s at %v", status, dr.PublishAt)
		}
		var due int64
		d.QueryRow(ctx, `SELECT min(run_at) FROM jobs WHERE payload = ? AND done_at IS NULL`, strconv.FormatInt(id2, 10)).Scan(&due)
		if due != clock.Add(time.Hour).Unix() {
			t.Fatalf("publish job at %d, want %d", due, clock.Add(time.Hour).Unix())
		}
	})
}
