package comment

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/jobs"
	"github.com/lede-news/lede/internal/mail"
	"github.com/lede-news/lede/internal/reader"
	"github.com/lede-news/lede/internal/testdb"
)

type fixture struct {
	t                 testing.TB
	d                 *db.DB
	s                 *Store
	ed, sec, art      int64
	ctx               context.Context
	now               time.Time
	alice, bob, carol *reader.Reader
}

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, d: d, ctx: ctx, now: time.Now()}
	f.s = &Store{DB: d, Limiter: &account.Limiter{DB: d}, Config: Config{FirstHeld: -1}, Now: func() time.Time { return f.now }}
	err := d.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if f.ed, err = tx.InsertID(ctx, `INSERT INTO editions (code, name, lang, timezone) VALUES ('fr', 'Lede', 'fr', 'Europe/Paris')`); err != nil {
			return err
		}
		if f.sec, err = tx.InsertID(ctx, `INSERT INTO sections (edition_id, slug, name) VALUES (?, 'monde', 'Monde')`, f.ed); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.art = f.article("un-article", "published", f.now.Add(-time.Hour))
	f.alice = f.reader("alice@example.com", "Alice", true, true)
	f.bob = f.reader("bob@example.com", "Bob", true, true)
	f.carol = f.reader("carol@example.com", "Carol", true, true)
	return f
}

func (f *fixture) article(slug, status string, published time.Time) int64 {
	f.t.Helper()
	var id int64
	err := f.d.InTx(f.ctx, func(tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(f.ctx, `INSERT INTO articles (edition_id, section_id, slug, headline, body_md, body_html, status, published_at, modified_at)
			VALUES (?, ?, ?, 'Un titre', 'x', '<p>x</p>', ?, ?, ?)`, f.ed, f.sec, slug, status, published.Unix(), published.Unix())
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f *fixture) reader(email, name string, verified, conduct bool) *reader.Reader {
	f.t.Helper()
	v, c := int64(0), int64(0)
	if verified {
		v = f.now.Unix()
	}
	if conduct {
		c = f.now.Unix()
	}
	var id int64
	err := f.d.InTx(f.ctx, func(tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(f.ctx, `INSERT INTO readers (email, name, verified_at, conduct_at, notify_replies, created_at) VALUES (?, ?, ?, ?, TRUE, ?)`,
			email, name, v, c, f.now.Unix())
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return &reader.Reader{ID: id, Email: email, Name: name, Verified: verified, ConductAccepted: conduct, NotifyReplies: true}
}

func (f *fixture) post(r *reader.Reader, parent int64, body string) Comment {
	f.t.Helper()
	c, err := f.s.Post(f.ctx, r, NewComment{ArticleID: f.art, ParentID: parent, Body: body, Addr: "192.0.2.1"})
	if err != nil {
		f.t.Fatalf("Post(%q): %v", body, err)
	}
	return c
}

// snapshot is every row a refused action must leave alone.
func (f *fixture) snapshot() string {
	f.t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, COALESCE(parent_id, 0), COALESCE(reader_id, 0), author_name, body, status, held_reason, hidden, likes, flags, edited_at FROM comments ORDER BY id`,
		`SELECT comment_id, reader_id, 0, '', '', '', '', FALSE, 0, 0, 0 FROM comment_likes ORDER BY 1, 2`,
		`SELECT comment_id, reader_id, 0, reason, '', '', '', reviewed, 0, 0, 0 FROM comment_flags ORDER BY 1, 2`,
		`SELECT count(*), 0, 0, '', '', '', '', FALSE, 0, 0, 0 FROM jobs`,
	} {
		rows, err := f.d.Query(f.ctx, q)
		if err != nil {
			f.t.Fatal(err)
		}
		for rows.Next() {
			var a, b2, c, i, j, k int64
			var d1, e, g, h, st string
			var hid bool
			if err := rows.Scan(&a, &b2, &c, &d1, &e, &g, &h, &hid, &i, &j, &k); err != nil {
				f.t.Fatal(err)
			}
			_ = st
			fmt.Fprintln(&b, a, b2, c, d1, e, g, h, hid, i, j, k)
		}
		rows.Close()
	}
	return b.String()
}

func (f *fixture) changes() []string {
	f.t.Helper()
	rows, err := f.d.Query(f.ctx, `SELECT tag FROM changes ORDER BY id`)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if Code(err) != code {
		t.Fatalf("err = %v; want refusal %q", err, code)
	}
}

func TestPostRefusals(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.post(f.alice, 0, "first, so the snapshot is not empty")
		unverified := f.reader("u@example.com", "U", false, true)
		noConduct := f.reader("n@example.com", "N", true, false)
		banned := f.reader("b@example.com", "B", true, true)
		wasBanned := f.reader("w@example.com", "W", true, true)
		if _, err := d.Exec(f.ctx, `INSERT INTO comment_bans (reader_id, until_at, reason, by_user, created_at) VALUES (?, 0, 'r', 1, 0), (?, ?, 'r', 1, 0)`,
			banned.ID, wasBanned.ID, f.now.Add(-time.Minute).Unix()); err != nil {
			t.Fatal(err)
		}
		draft := f.article("brouillon", "draft", f.now.Add(-time.Hour))
		future := f.article("futur", "published", f.now.Add(time.Hour))
		before := f.snapshot()
		cases := []struct {
			name string
			r    *reader.Reader
			in   NewComment
			code string
		}{
			{"signed out", nil, NewComment{ArticleID: f.art, Body: "x"}, CodeSignIn},
			{"unverified", unverified, NewComment{ArticleID: f.art, Body: "x"}, CodeUnverified},
			{"no conduct", noConduct, NewComment{ArticleID: f.art, Body: "x"}, CodeConduct},
			{"banned", banned, NewComment{ArticleID: f.art, Body: "x"}, CodeBanned},
			{"unknown article", f.bob, NewComment{ArticleID: 99999, Body: "x"}, CodeNoArticle},
			{"draft", f.bob, NewComment{ArticleID: draft, Body: "x"}, CodeNoArticle},
			{"scheduled", f.bob, NewComment{ArticleID: future, Body: "x"}, CodeNoArticle},
			{"empty", f.bob, NewComment{ArticleID: f.art, Body: " \n\t"}, CodeEmpty},
			{"too long", f.bob, NewComment{ArticleID: f.art, Body: strings.Repeat("é", 5001)}, CodeTooLong},
			{"unknown parent", f.bob, NewComment{ArticleID: f.art, ParentID: 99999, Body: "x"}, CodeParent},
		}
		for _, c := range cases {
			_, err := f.s.Post(f.ctx, c.r, c.in)
			if Code(err) != c.code {
				t.Errorf("%s: err = %v; want %q", c.name, err, c.code)
			}
		}
		if after := f.snapshot(); after != before {
			t.Fatalf("refusals changed the database:\n%s\nwant\n%s", after, before)
		}
		// 5,000 characters is fine; an expired ban is over.
		if _, err := f.s.Post(f.ctx, f.bob, NewComment{ArticleID: f.art, Body: strings.Repeat("é", 5000)}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Post(f.ctx, wasBanned, NewComment{ArticleID: f.art, Body: "back"}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestClosed(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		old := f.article("ancien", "published", f.now.Add(-72*time.Hour))
		post := func(a int64) error {
			_, err := f.s.Post(f.ctx, f.alice, NewComment{ArticleID: a, Body: "x"})
			return err
		}
		if err := post(old); err != nil {
			t.Fatalf("no setting: %v", err)
		}
		// The edition closes after 2 days; the article says never.
		d.Exec(f.ctx, `INSERT INTO comment_settings (scope, close_after_days) VALUES (?, 2)`, "edition:"+itoa(f.ed))
		wantCode(t, post(old), CodeClosed)
		if err := post(f.art); err != nil {
			t.Fatalf("recent article: %v", err)
		}
		d.Exec(f.ctx, `INSERT INTO comment_settings (scope, close_after_days) VALUES (?, 0)`, "article:"+itoa(old))
		if err := post(old); err != nil {
			t.Fatalf("article never closes: %v", err)
		}
		// An editor closes the recent article.
		d.Exec(f.ctx, `INSERT INTO comment_settings (scope, closed) VALUES (?, TRUE)`, "article:"+itoa(f.art))
		before := f.snapshot()
		wantCode(t, post(f.art), CodeClosed)
		if f.snapshot() != before {
			t.Fatal("a refused comment changed the database")
		}
		if open, _ := f.s.ArticleOpen(f.ctx, f.art); open {
			t.Fatal("ArticleOpen = true for a closed article")
		}
	})
}

func TestModerationModeByScope(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		if c := f.post(f.alice, 0, "default"); c.Status != Approved {
			t.Fatalf("default mode: %s", c.Status)
		}
		d.Exec(f.ctx, `INSERT INTO comment_settings (scope, mode) VALUES (?, 'pre')`, "edition:"+itoa(f.ed))
		if c := f.post(f.alice, 0, "edition pre"); c.Status != Pending || c.HeldReason != "premoderation" {
			t.Fatalf("edition pre: %s %s", c.Status, c.HeldReason)
		}
		d.Exec(f.ctx, `INSERT INTO comment_settings (scope, mode) VALUES (?, 'post')`, "section:"+itoa(f.sec))
		if c := f.post(f.alice, 0, "section post"); c.Status != Approved {
			t.Fatalf("section post over edition pre: %s", c.Status)
		}
		d.Exec(f.ctx, `INSERT INTO comment_settings (scope, mode) VALUES (?, 'pre')`, "article:"+itoa(f.art))
		if c := f.post(f.alice, 0, "article pre"); c.Status != Pending {
			t.Fatalf("article pre over section post: %s", c.Status)
		}
		d.Exec(f.ctx, `UPDATE comment_settings SET mode = '' WHERE scope = ?`, "article:"+itoa(f.art))
		if c := f.post(f.alice, 0, "article inherits"); c.Status != Approved {
			t.Fatalf("article '' inherits the section: %s", c.Status)
		}
	})
}

func TestFirstCommentsHeld(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.s.Config.FirstHeld = 1
		c := f.post(f.alice, 0, "hello")
		if c.Status != Pending || c.HeldReason != "first" {
			t.Fatalf("first comment: %s %q", c.Status, c.HeldReason)
		}
		if got := f.changes(); len(got) != 0 {
			t.Fatalf("a held comment invalidated %v", got)
		}
		if c := f.post(f.alice, 0, "again"); c.Status != Pending {
			t.Fatalf("second before approval: %s", c.Status)
		}
		d.Exec(f.ctx, `UPDATE comments SET status = 'approved' WHERE id = ?`, c.ID)
		if c := f.post(f.alice, 0, "now trusted"); c.Status != Approved {
			t.Fatalf("after an approved one: %s", c.Status)
		}
	})
}

func TestFiltersAndHoneypot(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		d.Exec(f.ctx, `INSERT INTO comment_filters (kind, pattern, action, created_at) VALUES
			('word', 'arnaque', 'hold', 0), ('word', 'Connard', 'reject', 0), ('link', 'spam.example', 'reject', 0), ('link', 'shop.test', 'hold', 0)`)
		if c := f.post(f.alice, 0, "Une vraie ARNAQUE !"); c.Status != Pending || c.HeldReason != "filter:arnaque" {
			t.Fatalf("word hold: %s %q", c.Status, c.HeldReason)
		}
		if c := f.post(f.alice, 0, "arnaques au pluriel, arnaquer"); c.Status != Approved {
			t.Fatalf("not a whole word: %s %q", c.Status, c.HeldReason)
		}
		if c := f.post(f.alice, 0, "voir https://www.shop.test/promo"); c.Status != Pending {
			t.Fatalf("link hold: %s", c.Status)
		}
		before := f.snapshot()
		for _, body := range []string{"quel connard", "[ici](http://x.SPAM.example/a)", "www.spam.example"} {
			_, err := f.s.Post(f.ctx, f.bob, NewComment{ArticleID: f.art, Body: body})
			wantCode(t, err, CodeFiltered)
		}
		if f.snapshot() != before {
			t.Fatal("rejected comments changed the database")
		}
		c, err := f.s.Post(f.ctx, f.bob, NewComment{ArticleID: f.art, Body: "buy now", Honeypot: "http://bot"})
		if err != nil || c.Status != Spam || c.HeldReason != "honeypot" {
			t.Fatalf("honeypot: %+v %v", c, err)
		}
	})
}

func TestRateLimits(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.s.Config.ReaderLimit, f.s.Config.AddrLimit = 2, 3
		in := NewComment{ArticleID: f.art, Body: "x", Addr: "198.51.100.7"}
		for range 2 {
			if _, err := f.s.Post(f.ctx, f.alice, in); err != nil {
				t.Fatal(err)
			}
		}
		before := f.snapshot()
		_, err := f.s.Post(f.ctx, f.alice, in)
		wantCode(t, err, CodeRateReader)
		if err.(*Error).RetryAfter <= 0 {
			t.Fatal("no retry-after")
		}
		if f.snapshot() != before {
			t.Fatal("a flood refusal changed the comments")
		}
		// Bob from the same address: the address's limit (3) ends it.
		if _, err := f.s.Post(f.ctx, f.bob, in); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Post(f.ctx, f.carol, in)
		wantCode(t, err, CodeRateAddr)
		// From elsewhere Carol may post.
		in.Addr = "203.0.113.9"
		if _, err := f.s.Post(f.ctx, f.carol, in); err != nil {
			t.Fatal(err)
		}
	})
}

func TestRepliesDepthAndRefusals(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		a := f.post(f.alice, 0, "top")
		b := f.post(f.bob, a.ID, "depth 1")
		c := f.post(f.carol, b.ID, "depth 2")
		e := f.post(f.alice, c.ID, "would be depth 3")
		if e.ParentID != b.ID {
			t.Fatalf("deep reply attached to %d; want %d (the deepest level shown)", e.ParentID, b.ID)
		}
		th, err := f.s.List(f.ctx, f.art, "oldest", 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(th.Nodes) != 1 || len(th.Nodes[0].Replies) != 1 || len(th.Nodes[0].Replies[0].Replies) != 2 || th.Count != 4 {
			t.Fatalf("thread shape wrong: count %d", th.Count)
		}
		other := f.article("autre", "published", f.now.Add(-time.Hour))
		hidden := f.post(f.bob, 0, "hidden")
		deleted := f.post(f.bob, 0, "deleted")
		held := f.post(f.bob, 0, "held")
		d.Exec(f.ctx, `UPDATE comments SET hidden = TRUE WHERE id = ?`, hidden.ID)
		d.Exec(f.ctx, `UPDATE comments SET status = 'deleted' WHERE id = ?`, deleted.ID)
		d.Exec(f.ctx, `UPDATE comments SET status = 'pending' WHERE id = ?`, held.ID)
		before := f.snapshot()
		for _, p := range []int64{hidden.ID, deleted.ID, held.ID} {
			_, err := f.s.Post(f.ctx, f.carol, NewComment{ArticleID: f.art, ParentID: p, Body: "reply"})
			wantCode(t, err, CodeParent)
		}
		_, err = f.s.Post(f.ctx, f.carol, NewComment{ArticleID: other, ParentID: a.ID, Body: "reply"})
		wantCode(t, err, CodeParent)
		if f.snapshot() != before {
			t.Fatal("refused replies changed the database")
		}
	})
}

func TestEditWindowAndDelete(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		c := f.post(f.alice, 0, "typo")
		reply := f.post(f.bob, c.ID, "a reply")
		f.now = f.now.Add(10 * time.Minute)
		e, err := f.s.Edit(f.ctx, f.alice, c.ID, "fixed")
		if err != nil || e.Body != "fixed" || e.EditedAt.IsZero() {
			t.Fatalf("Edit = %+v, %v", e, err)
		}
		before := f.snapshot()
		_, err = f.s.Edit(f.ctx, f.bob, c.ID, "not mine")
		wantCode(t, err, CodeNotYours)
		_, err = f.s.Edit(f.ctx, f.alice, c.ID, strings.Repeat("x", 5001))
		wantCode(t, err, CodeTooLong)
		f.now = f.now.Add(6 * time.Minute)
		_, err = f.s.Edit(f.ctx, f.alice, c.ID, "too late")
		wantCode(t, err, CodeEditWindow)
		wantCode(t, f.s.Delete(f.ctx, f.bob, c.ID), CodeNotYours)
		if f.snapshot() != before {
			t.Fatal("refused edits changed the database")
		}
		if err := f.s.Delete(f.ctx, f.alice, c.ID); err != nil {
			t.Fatal(err)
		}
		got, _ := f.s.Get(f.ctx, c.ID)
		if got.Status != Deleted || got.Body != "fixed" {
			t.Fatalf("deleted comment: %+v", got)
		}
		th, _ := f.s.List(f.ctx, f.art, "", 1)
		if len(th.Nodes) != 1 || !th.Nodes[0].Placeholder || th.Nodes[0].Body != "" || th.Nodes[0].Replies[0].ID != reply.ID || th.Count != 1 {
			t.Fatalf("a deleted comment with a reply should be a placeholder: %+v", th)
		}
		_, err = f.s.Edit(f.ctx, f.alice, c.ID, "edit deleted")
		wantCode(t, err, CodeGone)
	})
}

func TestLikeOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		c := f.post(f.alice, 0, "like me")
		if n, err := f.s.Like(f.ctx, f.bob, c.ID); err != nil || n != 1 {
			t.Fatalf("Like = %d, %v", n, err)
		}
		before := f.snapshot()
		_, err := f.s.Like(f.ctx, f.bob, c.ID)
		wantCode(t, err, CodeTwice)
		_, err = f.s.Like(f.ctx, f.alice, c.ID)
		wantCode(t, err, CodeOwn)
		_, err = f.s.Like(f.ctx, nil, c.ID)
		wantCode(t, err, CodeSignIn)
		if f.snapshot() != before {
			t.Fatal("refused likes changed the database")
		}
		if n, _ := f.s.Like(f.ctx, f.carol, c.ID); n != 2 {
			t.Fatalf("second reader's like: %d", n)
		}
	})
}

func TestFlagsHidePastThreshold(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.s.Config.FlagThreshold = 2
		c := f.post(f.alice, 0, "rude")
		_, err := f.s.Flag(f.ctx, f.bob, c.ID, "because")
		wantCode(t, err, CodeReason)
		if hid, err := f.s.Flag(f.ctx, f.bob, c.ID, "abuse"); err != nil || hid {
			t.Fatalf("first flag: %v %v", hid, err)
		}
		_, err = f.s.Flag(f.ctx, f.bob, c.ID, "spam")
		wantCode(t, err, CodeTwice)
		_, err = f.s.Flag(f.ctx, f.alice, c.ID, "spam")
		wantCode(t, err, CodeOwn)
		n0 := len(f.changes())
		if hid, err := f.s.Flag(f.ctx, f.carol, c.ID, "spam"); err != nil || !hid {
			t.Fatalf("flag at threshold: %v %v", hid, err)
		}
		got, _ := f.s.Get(f.ctx, c.ID)
		if !got.Hidden || got.Flags != 2 || got.Status != Approved {
			t.Fatalf("after threshold: %+v", got)
		}
		if ch := f.changes(); len(ch) != n0+1 || ch[len(ch)-1] != Tag(f.art) {
			t.Fatalf("hiding should invalidate the article's discussion: %v", ch)
		}
		th, _ := f.s.List(f.ctx, f.art, "", 1)
		if th.Count != 0 || len(th.Nodes) != 0 {
			t.Fatal("a hidden comment is listed")
		}
		dave := f.reader("d@example.com", "Dave", true, true)
		_, err = f.s.Flag(f.ctx, dave, c.ID, "spam")
		wantCode(t, err, CodeGone)
	})
}

func TestListSortPaginateCount(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.s.Config.PageSize = 2
		var ids []int64
		for i, r := range []*reader.Reader{f.alice, f.bob, f.carol} {
			c := f.post(r, 0, fmt.Sprint("c", i))
			ids = append(ids, c.ID)
			f.now = f.now.Add(time.Second)
		}
		f.s.Like(f.ctx, f.alice, ids[1])
		f.s.Like(f.ctx, f.carol, ids[1])
		f.s.Like(f.ctx, f.alice, ids[2])
		order := func(sort string, page int) []int64 {
			th, err := f.s.List(f.ctx, f.art, sort, page)
			if err != nil {
				t.Fatal(err)
			}
			if th.Count != 3 || th.Pages != 2 {
				t.Fatalf("count %d pages %d", th.Count, th.Pages)
			}
			var out []int64
			for _, n := range th.Nodes {
				out = append(out, n.ID)
			}
			return out
		}
		check := func(got []int64, want ...int64) {
			t.Helper()
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("got %v; want %v", got, want)
			}
		}
		check(order("oldest", 1), ids[0], ids[1])
		check(order("oldest", 2), ids[2])
		check(order("newest", 1), ids[2], ids[1])
		check(order("liked", 1), ids[1], ids[2])
		check(order("bogus", 9), ids[2]) // unknown sort: oldest; page past the end: the last
		counts, err := f.s.Counts(f.ctx, []int64{f.art, 12345})
		if err != nil || counts[f.art] != 3 || counts[12345] != 0 {
			t.Fatalf("Counts = %v, %v", counts, err)
		}
	})
}

func TestInvalidatesOnlyTheDiscussion(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.post(f.alice, 0, "x")
		if got := f.changes(); len(got) != 1 || got[0] != "discussion:"+itoa(f.art) {
			t.Fatalf("changes = %v", got)
		}
	})
}

func TestReplyNotification(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		dir := t.TempDir()
		sender, err := mail.New(mail.Config{From: "Lede <lede@example.com>", Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		d.Exec(f.ctx, `UPDATE readers SET notify_replies = FALSE WHERE id = ?`, f.carol.ID)
		a := f.post(f.alice, 0, "question?")
		r1 := f.post(f.bob, a.ID, "answer **one**")
		f.post(f.alice, a.ID, "self reply: no mail")
		cq := f.post(f.carol, 0, "carol asks")
		f.post(f.bob, cq.ID, "carol opted out")
		// Enqueueing twice (two nodes, a retry) still makes one job.
		d.InTx(f.ctx, func(tx *db.Tx) error { return NotifyReply(f.ctx, tx, r1.ID) })
		runner := &jobs.Runner{DB: d, Handlers: map[string]jobs.Handler{NotifyJobKind: (&Notifier{DB: d, Mail: sender, BaseURL: "https://news.test"}).Job}}
		for {
			ran, err := runner.RunOne(f.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !ran {
				break
			}
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
		if len(files) != 1 {
			t.Fatalf("%d emails; want 1", len(files))
		}
		raw, _ := os.ReadFile(files[0])
		msg := string(raw)
		for _, want := range []string{"alice@example.com", "Bob", "https://news.test/fr/monde/un-article#c" + itoa(r1.ID), "answer **one**"} {
			if !strings.Contains(strings.ReplaceAll(msg, "=\r\n", ""), want) {
				t.Errorf("email lacks %q:\n%s", want, msg)
			}
		}
	})
}

func TestForgetReader(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		a := f.post(f.alice, 0, "keep me")
		b := f.post(f.bob, 0, "remove me")
		d.InTx(f.ctx, func(tx *db.Tx) error { return ForgetReader(f.ctx, tx, f.alice.ID, false) })
		d.InTx(f.ctx, func(tx *db.Tx) error { return ForgetReader(f.ctx, tx, f.bob.ID, true) })
		ga, _ := f.s.Get(f.ctx, a.ID)
		gb, _ := f.s.Get(f.ctx, b.ID)
		if ga.ReaderID != 0 || ga.AuthorName != "" || ga.Body != "keep me" || ga.Status != Approved {
			t.Fatalf("anonymised: %+v", ga)
		}
		if gb.Status != Deleted || gb.Body != "" {
			t.Fatalf("removed: %+v", gb)
		}
	})
}

func TestRender(t *testing.T) {
	cases := map[string]string{
		"*hi* **there**":                          "<p><em>hi</em> <strong>there</strong></p>",
		"see \u202eptth":                          "<p>see ptth</p>",
		"<script>alert(1)</script>":               "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
		"[x](javascript:alert(1))":                "<p>x</p>",
		"[x](https://e.test/a)":                   `<p><a href="https://e.test/a" rel="nofollow ugc">x</a></p>`,
		"> quoted":                                "<blockquote>\n<p>quoted</p>\n</blockquote>",
		"<a href=\"https://e.test\">raw</a>":      "<p>&lt;a href=&#34;https://e.test&#34;&gt;raw&lt;/a&gt;</p>",
		"![img](https://e.test/x.png)":            "<p></p>",
		"[d](data:text/html;base64,PHNjcmlwdD4=)": "<p>d</p>",
	}
	for in, want := range cases {
		if got := strings.TrimSpace(string(Render(in))); got != want {
			t.Errorf("Render(%q) = %q; want %q", in, got, want)
		}
	}
	deep := strings.Repeat(">", 5000) + " x"
	if got := Render(deep); !strings.Contains(string(got), "x") {
		t.Fatal("deep nesting lost the text")
	}
}

// A held reply tells its parent's author nothing until a moderator shows it.
func TestHeldReplyNotifiesOnApproval(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		a := f.post(f.alice, 0, "question?")
		if _, err := d.Exec(f.ctx, `INSERT INTO comment_settings (scope, mode) VALUES (?, 'pre')`, "article:"+itoa(f.art)); err != nil {
			t.Fatal(err)
		}
		r := f.post(f.bob, a.ID, "held answer")
		if r.Status != Pending {
			t.Fatalf("reply status %q, want pending", r.Status)
		}
		jobsFor := func() int {
			var n int
			if err := d.QueryRow(f.ctx, `SELECT count(*) FROM jobs WHERE kind = ?`, NotifyJobKind).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := jobsFor(); n != 0 {
			t.Fatalf("%d reply jobs for a held reply; want 0", n)
		}
		if err := (&Moderator{DB: d}).Approve(f.ctx, 1, r.ID); err != nil {
			t.Fatal(err)
		}
		if n := jobsFor(); n != 1 {
			t.Fatalf("%d reply jobs after approval; want 1", n)
		}
	})
}

// An edit is held like a new comment under pre-moderation, and a ban stops
// edits, likes and flags as it stops posts.
func TestEditUnderPreModerationAndBan(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		c := f.post(f.alice, 0, "fine text")
		other := f.post(f.bob, 0, "bob's")
		if _, err := d.Exec(f.ctx, `INSERT INTO comment_settings (scope, mode) VALUES (?, 'pre')`, "article:"+itoa(f.art)); err != nil {
			t.Fatal(err)
		}
		e, err := f.s.Edit(f.ctx, f.alice, c.ID, "ABUSIVE TEXT")
		if err != nil || e.Status != Pending || e.HeldReason != "premoderation" {
			t.Fatalf("edit under pre-moderation = %+v, %v; want held", e, err)
		}
		if _, err := d.Exec(f.ctx, `INSERT INTO comment_bans (reader_id, until_at, reason, by_user, created_at) VALUES (?, 0, 'abuse', 1, ?)`,
			f.alice.ID, f.now.Unix()); err != nil {
			t.Fatal(err)
		}
		before := f.snapshot()
		_, err = f.s.Edit(f.ctx, f.alice, c.ID, "again")
		wantCode(t, err, CodeBanned)
		_, err = f.s.shown(f.ctx, f.alice, other.ID)
		wantCode(t, err, CodeBanned)
		if f.snapshot() != before {
			t.Fatal("a banned reader's edit changed the database")
		}
	})
}

// A link filter sees hosts the way a browser does.
func TestLinkHostsNormalised(t *testing.T) {
	for text, want := range map[string]string{
		"[x](https://evil。com)":              "evil.com",
		"see https://Evil.com./page":         "evil.com",
		"[x](https:evil.com)":                "evil.com",
		"www.evil.com":                       "evil.com",
		"[x](https://xn--bcher-kva.example)": "xn--bcher-kva.example",
		"[x](https://bücher.example)":        "xn--bcher-kva.example",
	} {
		hosts := linkHosts(text)
		if !matchHost(hosts, want) {
			t.Errorf("linkHosts(%q) = %q; want it to contain %q", text, hosts, want)
		}
	}
	if hosts := linkHosts("no links, just evil dot com"); len(hosts) != 0 {
		t.Errorf("hosts in plain text: %q", hosts)
	}
}

// A form posted twice makes one comment; a moderator's edit ends the
// author's edit window, so the author cannot put the text back.
func TestDoubleSubmitAndModeratorEdit(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		a := f.post(f.alice, 0, "once")
		b := f.post(f.alice, 0, "once")
		if a.ID != b.ID {
			t.Fatalf("a double submit made comments %d and %d", a.ID, b.ID)
		}
		f.now = f.now.Add(2 * time.Minute)
		if c := f.post(f.alice, 0, "once"); c.ID == a.ID {
			t.Fatal("the same words two minutes later are a new comment")
		}
		if err := (&Moderator{DB: d}).Edit(f.ctx, 1, a.ID, "once, tidied"); err != nil {
			t.Fatal(err)
		}
		_, err := f.s.Edit(f.ctx, f.alice, a.ID, "once again")
		wantCode(t, err, CodeEditWindow)
		if got, _ := f.s.Get(f.ctx, a.ID); got.Body != "once, tidied" {
			t.Fatalf("body %q after the author's refused edit", got.Body)
		}
	})
}
