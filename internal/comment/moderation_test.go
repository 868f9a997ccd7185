package comment

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/reader"
	"github.com/lede-news/lede/internal/testdb"
)

// modFixture is an edition, a section, an article, a staff user and two
// readers, inserted directly.
type modFixture struct {
	d                   *db.DB
	m                   *Moderator
	edition, section    int64
	article, user       int64
	alice, bob, charlie int64
}

func newModFixture(t *testing.T, d *db.DB) *modFixture {
	t.Helper()
	ctx := context.Background()
	f := &modFixture{d: d, m: &Moderator{DB: d}}
	now := time.Now().Unix()
	err := d.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if f.edition, err = tx.InsertID(ctx, `INSERT INTO editions (code, name, lang, timezone) VALUES ('fr', 'Le Quotidien', 'fr', 'Europe/Paris')`); err != nil {
			return err
		}
		if f.section, err = tx.InsertID(ctx, `INSERT INTO sections (edition_id, slug, name) VALUES (?, 'monde', 'Monde')`, f.edition); err != nil {
			return err
		}
		if f.article, err = tx.InsertID(ctx, `INSERT INTO articles (edition_id, section_id, slug, headline, body_md, body_html, published_at, modified_at)
			VALUES (?, ?, 'un-article', 'Un article', 'Texte.', '<p>Texte.</p>', ?, ?)`, f.edition, f.section, now, now); err != nil {
			return err
		}
		if f.user, err = tx.InsertID(ctx, `INSERT INTO users (email, name, role, password_hash, created_at) VALUES ('ed@lede.test', 'Ed', 'editor', 'x', ?)`, now); err != nil {
			return err
		}
		for _, r := range []struct {
			id   *int64
			name string
		}{{&f.alice, "alice"}, {&f.bob, "bob"}, {&f.charlie, "charlie"}} {
			if *r.id, err = tx.InsertID(ctx, `INSERT INTO readers (email, name, verified_at, conduct_at, created_at) VALUES (?, ?, ?, ?, ?)`,
				r.name+"@example.com", r.name, now, now, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// comment inserts a comment by reader with status.
func (f *modFixture) comment(t *testing.T, reader int64, body, status, held string) int64 {
	t.Helper()
	var id int64
	err := f.d.InTx(context.Background(), func(tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(context.Background(), `INSERT INTO comments (article_id, reader_id, author_name, body, status, held_reason, created_at)
			VALUES (?, ?, 'Alice', ?, ?, ?, ?)`, f.article, reader, body, status, held, time.Now().Unix())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *modFixture) flag(t *testing.T, id, reader int64, reason string, hide bool) {
	t.Helper()
	ctx := context.Background()
	if _, err := f.d.Exec(ctx, `INSERT INTO comment_flags (comment_id, reader_id, reason, created_at) VALUES (?, ?, ?, ?)`, id, reader, reason, time.Now().Unix()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.d.Exec(ctx, `UPDATE comments SET flags = flags + 1, hidden = ? WHERE id = ?`, hide, id); err != nil {
		t.Fatal(err)
	}
}

func (f *modFixture) status(t *testing.T, id int64) (status string, hidden bool, body string) {
	t.Helper()
	if err := f.d.QueryRow(context.Background(), `SELECT status, hidden, body FROM comments WHERE id = ?`, id).Scan(&status, &hidden, &body); err != nil {
		t.Fatal(err)
	}
	return
}

func (f *modFixture) audits(t *testing.T, action string) int {
	t.Helper()
	var n int
	f.d.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = ?`, action).Scan(&n)
	return n
}

func (f *modFixture) changes(t *testing.T) int {
	t.Helper()
	var n int
	f.d.QueryRow(context.Background(), `SELECT count(*) FROM changes WHERE tag = ?`, Tag(f.article)).Scan(&n)
	return n
}

func ids(items []QueueItem) []int64 {
	var out []int64
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func TestModerationQueueAndActions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newModFixture(t, d)
		held := f.comment(t, f.alice, "Premier commentaire", Pending, "premoderation")
		fine := f.comment(t, f.bob, "Un avis", Approved, "")
		flagged := f.comment(t, f.bob, "Insulte", Approved, "")
		f.flag(t, flagged, f.alice, "abuse", false)
		f.flag(t, flagged, f.charlie, "abuse", true)

		items, err := f.m.Queue(ctx, QueueFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(items); len(got) != 2 || got[0] != flagged || got[1] != held {
			t.Fatalf("review queue %v, want [%d %d]", got, flagged, held)
		}
		if it := items[0]; it.Flags != 2 || len(it.FlagReasons) != 1 || it.FlagReasons[0].Reason != "abuse" || !it.Hidden ||
			it.Author.Comments != 2 || it.Path != "/fr/monde/un-article" || it.Headline != "Un article" {
			t.Fatalf("flagged item %+v", it)
		}
		if items[1].HeldReason != "premoderation" {
			t.Fatalf("held reason %q", items[1].HeldReason)
		}
		if n, _ := f.m.QueueCount(ctx); n != 2 {
			t.Fatalf("queue count %d", n)
		}
		if items, _ := f.m.Queue(ctx, QueueFilter{View: QueueHeld}); len(items) != 1 || items[0].ID != held {
			t.Fatalf("held view %v", ids(items))
		}
		if items, _ := f.m.Queue(ctx, QueueFilter{EditionID: f.edition + 100}); len(items) != 0 {
			t.Fatalf("other edition lists %v", ids(items))
		}
		if _, err := f.m.Queue(ctx, QueueFilter{View: "bogus"}); err == nil {
			t.Fatal("unknown view accepted")
		}

		before := f.changes(t)
		if err := f.m.Approve(ctx, f.user, held); err != nil {
			t.Fatal(err)
		}
		if st, _, _ := f.status(t, held); st != Approved {
			t.Fatalf("approved comment is %s", st)
		}
		if f.changes(t) != before+1 || f.audits(t, "comment.approve") != 1 {
			t.Fatal("approve did not invalidate the page or write the audit log")
		}
		if err := f.m.Reject(ctx, f.user, fine); err != nil {
			t.Fatal(err)
		}
		if err := f.m.Restore(ctx, f.user, fine); err != nil {
			t.Fatal(err)
		}
		if err := f.m.Spam(ctx, f.user, fine); err != nil {
			t.Fatal(err)
		}
		if st, _, body := f.status(t, fine); st != Spam || body != "Un avis" {
			t.Fatalf("spam: %s %q (the text must be kept)", st, body)
		}
		if err := f.m.Approve(ctx, f.user, 99999); !errors.Is(err, ErrNoComment) {
			t.Fatalf("unknown comment: %v", err)
		}

		// A deleted comment is the reader's choice: it stays deleted.
		gone := f.comment(t, f.alice, "Regrets", Deleted, "")
		if err := f.m.Restore(ctx, f.user, gone); !errors.Is(err, ErrReaderDeleted) {
			t.Fatalf("restore deleted: %v", err)
		}

		// Flags: dismissing shows the comment again; upholding rejects it.
		if err := f.m.DismissFlags(ctx, f.user, flagged); err != nil {
			t.Fatal(err)
		}
		if st, hidden, _ := f.status(t, flagged); st != Approved || hidden {
			t.Fatalf("after dismiss: %s hidden=%t", st, hidden)
		}
		if fl, _ := f.m.Flags(ctx, flagged); len(fl) != 2 || !fl[0].Reviewed {
			t.Fatalf("flags after dismiss %+v", fl)
		}
		if n, _ := f.m.QueueCount(ctx); n != 0 {
			t.Fatalf("queue count after review %d", n)
		}
		other := f.comment(t, f.alice, "Encore", Approved, "")
		f.flag(t, other, f.bob, "spam", true)
		if err := f.m.UpholdFlags(ctx, f.user, other); err != nil {
			t.Fatal(err)
		}
		if st, hidden, _ := f.status(t, other); st != Rejected || hidden {
			t.Fatalf("after uphold: %s hidden=%t", st, hidden)
		}
		if f.audits(t, "comment.flags_dismiss") != 1 || f.audits(t, "comment.flags_uphold") != 1 {
			t.Fatal("flag reviews not audited")
		}
	})
}

func TestModerationEditKeepsOriginal(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newModFixture(t, d)
		id := f.comment(t, f.alice, "Texte <b>original</b> avec une adresse perso@example.com", Approved, "")
		if err := f.m.Edit(ctx, f.user, id, "Texte original [adresse retirée]"); err != nil {
			t.Fatal(err)
		}
		if _, _, body := f.status(t, id); body != "Texte original [adresse retirée]" {
			t.Fatalf("body %q", body)
		}
		edits, err := f.m.Edits(ctx, id)
		if err != nil || len(edits) != 1 || edits[0].Before != "Texte <b>original</b> avec une adresse perso@example.com" {
			t.Fatalf("edits %+v %v", edits, err)
		}
		var detail string
		d.QueryRow(ctx, `SELECT detail FROM audit_log WHERE action = 'comment.edit'`).Scan(&detail)
		if !strings.HasPrefix(detail, "edit:") {
			t.Fatalf("audit detail %q", detail)
		}
		for _, bad := range []string{"", "   ", strings.Repeat("x", 5001)} {
			if err := f.m.Edit(ctx, f.user, id, bad); !errors.Is(err, ErrEmptyBody) {
				t.Fatalf("edit to %d chars: %v", len(bad), err)
			}
		}
		if err := f.m.Edit(ctx, f.user, 4242, "x"); !errors.Is(err, ErrNoComment) {
			t.Fatalf("edit unknown: %v", err)
		}
		if err := f.m.RevertEdits(ctx, f.user, id); err != nil {
			t.Fatal(err)
		}
		if _, _, body := f.status(t, id); body != "Texte <b>original</b> avec une adresse perso@example.com" {
			t.Fatalf("reverted body %q", body)
		}
	})
}

func TestModerationBans(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newModFixture(t, d)
		now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
		f.m.Now = func() time.Time { return now }
		id := f.comment(t, f.alice, "Troll", Approved, "")

		if _, err := ParseBanDuration("2d"); !errors.Is(err, ErrBadDuration) {
			t.Fatal("2d accepted")
		}
		if _, err := f.m.Ban(ctx, f.user, f.alice, 3, "x"); !errors.Is(err, ErrBadDuration) {
			t.Fatalf("3 days: %v", err)
		}
		if _, err := f.m.BanAuthor(ctx, f.user, id, 7, "  "); !errors.Is(err, ErrNoReason) {
			t.Fatalf("no reason: %v", err)
		}
		if _, err := f.m.Ban(ctx, f.user, 777, 7, "x"); !errors.Is(err, ErrNoReader) {
			t.Fatalf("unknown reader: %v", err)
		}
		var n int
		d.QueryRow(ctx, `SELECT count(*) FROM comment_bans`).Scan(&n)
		if n != 0 {
			t.Fatalf("%d bans after refusals", n)
		}

		days, _ := ParseBanDuration("7d")
		b, err := f.m.BanAuthor(ctx, f.user, id, days, "Insultes répétées")
		if err != nil {
			t.Fatal(err)
		}
		if !b.Until.Equal(now.Add(7*24*time.Hour)) || b.ReaderID != f.alice {
			t.Fatalf("ban %+v", b)
		}
		active, err := f.m.ActiveBan(ctx, f.alice)
		if err != nil || active.ID != b.ID {
			t.Fatalf("active ban %+v %v", active, err)
		}
		// The posting path's own check (comment_bans in force) sees it.
		d.QueryRow(ctx, `SELECT count(*) FROM comment_bans WHERE reader_id = ? AND (until_at = 0 OR until_at > ?)`, f.alice, now.Unix()).Scan(&n)
		if n != 1 {
			t.Fatalf("%d bans in force", n)
		}
		// A second ban replaces the first; for good has no end.
		if _, err := f.m.Ban(ctx, f.user, f.alice, 0, "Récidive"); err != nil {
			t.Fatal(err)
		}
		if a, _ := f.m.ActiveBan(ctx, f.alice); !a.Forever() || a.Reason != "Récidive" {
			t.Fatalf("ban for good %+v", a)
		}
		h, _ := f.m.History(ctx, f.alice)
		if h.Bans != 2 || h.ActiveBan == nil || h.Comments != 1 {
			t.Fatalf("history %+v", h)
		}
		if bans, _ := f.m.Bans(ctx); len(bans) != 1 || bans[0].Name != "alice" {
			t.Fatalf("bans in force %+v", bans)
		}
		if err := f.m.Lift(ctx, f.user, f.alice); err != nil {
			t.Fatal(err)
		}
		if _, err := f.m.ActiveBan(ctx, f.alice); !errors.Is(err, ErrNoBan) {
			t.Fatalf("after lift: %v", err)
		}
		if err := f.m.Lift(ctx, f.user, f.alice); !errors.Is(err, ErrNoBan) {
			t.Fatalf("lift twice: %v", err)
		}
		// A ban ends by itself.
		if _, err := f.m.Ban(ctx, f.user, f.bob, 1, "Calme-toi"); err != nil {
			t.Fatal(err)
		}
		now = now.Add(25 * time.Hour)
		if _, err := f.m.ActiveBan(ctx, f.bob); !errors.Is(err, ErrNoBan) {
			t.Fatalf("a day ban after 25 hours: %v", err)
		}
		if f.audits(t, "comment.ban") != 3 || f.audits(t, "comment.unban") != 1 {
			t.Fatal("bans not audited")
		}
	})
}

func TestModerationSettingsAndFilters(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newModFixture(t, d)
		store := &Store{DB: d}

		art := Scope("article", f.article)
		if err := f.m.SaveScopeSettings(ctx, f.user, ScopeSettings{Scope: art, Mode: "pre", CloseAfterDays: -1}); err != nil {
			t.Fatal(err)
		}
		if st, err := store.RulesFor(ctx, f.article); err != nil || st.Mode != "pre" {
			t.Fatalf("the posting path reads %+v %v", st, err)
		}
		before := f.changes(t)
		if err := f.m.SaveScopeSettings(ctx, f.user, ScopeSettings{Scope: Scope("edition", f.edition), Mode: "post", CloseAfterDays: 3}); err != nil {
			t.Fatal(err)
		}
		if f.changes(t) != before+1 {
			t.Fatal("edition settings did not drop the edition's article pages")
		}
		if st, _ := store.RulesFor(ctx, f.article); st.Mode != "pre" || st.CloseAfterDays != 3 {
			t.Fatalf("article inherits %+v", st)
		}
		for _, bad := range []ScopeSettings{
			{Scope: art, Mode: "sometimes", CloseAfterDays: -1},
			{Scope: art, CloseAfterDays: -2},
			{Scope: "article:999", CloseAfterDays: -1},
			{Scope: "planet:1", CloseAfterDays: -1},
			{Scope: "article:x", CloseAfterDays: -1},
		} {
			if err := f.m.SaveScopeSettings(ctx, f.user, bad); err == nil {
				t.Fatalf("saved %+v", bad)
			}
		}
		if s, _ := f.m.ScopeSettings(ctx, art); s.Mode != "pre" {
			t.Fatalf("refusals changed the settings: %+v", s)
		}

		if err := f.m.SetClosed(ctx, f.user, art, true); err != nil {
			t.Fatal(err)
		}
		if open, _ := store.ArticleOpen(ctx, f.article); open {
			t.Fatal("closed article is open")
		}
		if err := f.m.SetClosed(ctx, f.user, art, false); err != nil {
			t.Fatal(err)
		}
		if s, _ := f.m.ScopeSettings(ctx, art); s.Closed || s.CloseAfterDays != -1 || s.Mode != "pre" {
			t.Fatalf("reopened: %+v", s)
		}
		// Five days on, the edition's three days have closed it: reopening
		// now also stops it closing by age.
		f.m.Now = func() time.Time { return time.Now().Add(5 * 24 * time.Hour) }
		if err := f.m.SetClosed(ctx, f.user, art, true); err != nil {
			t.Fatal(err)
		}
		if err := f.m.SetClosed(ctx, f.user, art, false); err != nil {
			t.Fatal(err)
		}
		if s, _ := f.m.ScopeSettings(ctx, art); s.Closed || s.CloseAfterDays != 0 {
			t.Fatalf("reopened after its time: %+v", s)
		}
		if open, _ := store.ArticleOpen(ctx, f.article); !open {
			t.Fatal("reopened article is closed")
		}
		f.m.Now = nil
		if all, _ := f.m.AllScopeSettings(ctx); len(all) != 2 {
			t.Fatalf("all settings %+v", all)
		}
		if f.audits(t, "comment.settings") != 6 {
			t.Fatalf("%d settings audits", f.audits(t, "comment.settings"))
		}

		// Filters.
		w, err := f.m.AddFilter(ctx, f.user, "word", "  Crétin ", "hold")
		if err != nil || w.Pattern != "crétin" {
			t.Fatalf("word filter %+v %v", w, err)
		}
		l, err := f.m.AddFilter(ctx, f.user, "link", "https://www.Spam.example/promo", "reject")
		if err != nil || l.Pattern != "spam.example" {
			t.Fatalf("link filter %+v %v", l, err)
		}
		if _, err := f.m.AddFilter(ctx, f.user, "word", "CRÉTIN", "reject"); !errors.Is(err, ErrDuplicate) {
			t.Fatalf("duplicate: %v", err)
		}
		for _, bad := range [][3]string{{"regex", "x", "hold"}, {"word", "", "hold"}, {"word", "x", "delete"}, {"word", strings.Repeat("x", 201), "hold"}} {
			if _, err := f.m.AddFilter(ctx, f.user, bad[0], bad[1], bad[2]); !errors.Is(err, ErrBadFilter) {
				t.Fatalf("filter %v: %v", bad, err)
			}
		}
		// The posting path applies them.
		alice := &reader.Reader{ID: f.alice, Name: "alice", Verified: true, ConductAccepted: true}
		if c, err := store.Post(ctx, alice, NewComment{ArticleID: f.article, Body: "Quel Crétin !"}); err != nil || c.Status != Pending || c.HeldReason != "filter:crétin" {
			t.Fatalf("word filter when posting: %+v %v", c, err)
		}
		if _, err := store.Post(ctx, alice, NewComment{ArticleID: f.article, Body: "Voir http://promo.spam.example/x"}); err == nil {
			t.Fatal("the link filter let a comment through")
		}
		if err := f.m.DeleteFilter(ctx, f.user, w.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.m.DeleteFilter(ctx, f.user, w.ID); !errors.Is(err, ErrNoFilter) {
			t.Fatalf("delete twice: %v", err)
		}
		if fs, _ := f.m.Filters(ctx); len(fs) != 1 || fs[0].ID != l.ID {
			t.Fatalf("filters %+v", fs)
		}
	})
}
