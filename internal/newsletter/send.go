package newsletter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// A send (campaign) is one message to the confirmed subscribers of one
// list, queued as one delivery row per recipient.
type Send struct {
	ID         int64
	EditionID  int64
	Edition    string // code
	List       string
	Kind       string // digest or breaking
	ArticleID  int64
	Subject    string
	Total      int
	CreatedBy  string
	CreatedAt  time.Time
	FinishedAt time.Time // zero while deliveries are pending

	Pending, Sent, Failed, Skipped int
}

// Done reports whether no delivery is pending.
func (s Send) Done() bool { return s.Pending == 0 }

// Kinds of sends.
const (
	KindDigest   = "digest"
	KindBreaking = "breaking"
)

// Placeholders in a send's bodies, replaced per recipient. They are plain
// URL-safe words, so templates and quoted-printable leave them intact.
const (
	phPreferences = "https://lede.invalid/__PREFERENCES__"
	phUnsubscribe = "https://lede.invalid/__UNSUBSCRIBE__"
)

// ErrNotPublished refuses a breaking send of an article readers cannot see.
var ErrNotPublished = errors.New("newsletter: the article is not published")

// ErrNothingNew means a digest had no article to carry: nothing was sent.
var ErrNothingNew = errors.New("newsletter: no new article for this list")

type mailArticle struct {
	Headline, Standfirst, URL string
}

type mailView struct {
	Lang, Subject, EditionName, Heading string
	Articles                            []mailArticle
	Why, PrefsLabel, UnsubLabel         string
	Prefs, Unsub                        template.URL
}

var mailHTML = template.Must(template.New("mail").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{{.Subject}}</title></head>
<body style="margin:0;padding:16px;background:#f6f5f1;color:#111;font-family:Georgia,'Times New Roman',serif">
<div style="max-width:640px;margin:0 auto;background:#fff;padding:20px 24px">
<p style="margin:0 0 4px;font:13px/1.4 Helvetica,Arial,sans-serif;color:#666">{{.EditionName}}</p>
<h1 style="margin:0 0 20px;font-size:24px;line-height:1.2">{{.Heading}}</h1>
{{range .Articles}}<div style="margin:0 0 20px">
<h2 style="margin:0;font-size:19px;line-height:1.25"><a href="{{.URL}}" style="color:#111">{{.Headline}}</a></h2>
{{with .Standfirst}}<p style="margin:6px 0 0;font-size:15px;line-height:1.45;color:#333">{{.}}</p>{{end}}
</div>
{{end}}<hr style="border:0;border-top:1px solid #ddd">
<p style="font:12px/1.5 Helvetica,Arial,sans-serif;color:#666">{{.Why}}<br>
<a href="{{.Prefs}}" style="color:#666">{{.PrefsLabel}}</a> · <a href="{{.Unsub}}" style="color:#666">{{.UnsubLabel}}</a></p>
</div>
</body></html>
`))

// render builds subject, text and HTML bodies of a send, with the
// per-recipient links left as placeholders.
func (s *Service) render(e Edition, list, subject, heading string, arts []mailArticle) (text, html string, err error) {
	T := e.T
	v := mailView{Lang: e.Lang, Subject: subject, EditionName: e.Name, Heading: heading, Articles: arts,
		Why: T.T("nl_mail_why", s.ListName(e, list)), PrefsLabel: T.T("nl_preferences_title"), UnsubLabel: T.T("nl_unsubscribe"),
		Prefs: template.URL(phPreferences), Unsub: template.URL(phUnsubscribe)}
	var b strings.Builder
	if err := mailHTML.Execute(&b, v); err != nil {
		return "", "", err
	}
	html = b.String()
	b.Reset()
	b.WriteString(e.Name + "\n\n" + heading + "\n\n")
	for _, a := range arts {
		b.WriteString(a.Headline + "\n")
		if a.Standfirst != "" {
			b.WriteString(a.Standfirst + "\n")
		}
		b.WriteString(a.URL + "\n\n")
	}
	b.WriteString("-- \n" + v.Why + "\n" + T.T("nl_link_line", v.PrefsLabel, phPreferences) + "\n" + T.T("nl_link_line", v.UnsubLabel, phUnsubscribe) + "\n")
	return b.String(), html, nil
}

// ListName names a list in the edition's language.
func (s *Service) ListName(e Edition, list string) string {
	switch list {
	case Daily:
		return e.T.T("nl_list_daily")
	case Breaking:
		return e.T.T("nl_list_breaking")
	}
	kind, slug, _ := strings.Cut(list, ":")
	var name string
	switch kind {
	case "section":
		s.DB.QueryRow(context.Background(), `SELECT name FROM sections WHERE edition_id = ? AND slug = ?`, e.ID, slug).Scan(&name)
	case "tag":
		s.DB.QueryRow(context.Background(), `SELECT name FROM tags WHERE edition_id = ? AND slug = ?`, e.ID, slug).Scan(&name)
	case "author":
		s.DB.QueryRow(context.Background(), `SELECT name FROM authors WHERE slug = ?`, slug).Scan(&name)
	}
	if name == "" {
		name = slug
	}
	return e.T.T("nl_list_"+kind, name)
}

// enqueue creates a send and one pending delivery per confirmed subscriber
// of the list, in tx: the whole audience is fixed at once.
func enqueue(ctx context.Context, tx *db.Tx, e Edition, list, kind string, articleID int64, subject, text, html, by string, now time.Time) (int64, int, error) {
	var art any
	if articleID != 0 {
		art = articleID
	}
	id, err := tx.InsertID(ctx, `INSERT INTO newsletter_sends (edition_id, list, kind, article_id, subject, body_text, body_html, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, list, kind, art, subject, text, html, by, now.Unix())
	if err != nil {
		return 0, 0, fmt.Errorf("newsletter: create send: %w", err)
	}
	res, err := tx.Exec(ctx, `INSERT INTO newsletter_deliveries (send_id, subscriber_id, email, next_at)
		SELECT ?, s.id, s.email, ? FROM newsletter_subscribers s JOIN newsletter_subscriptions l ON l.subscriber_id = s.id
		WHERE s.edition_id = ? AND l.list = ? AND s.confirmed_at IS NOT NULL ORDER BY s.id`, id, now.Unix(), e.ID, list)
	if err != nil {
		return 0, 0, fmt.Errorf("newsletter: queue deliveries: %w", err)
	}
	n, _ := res.RowsAffected()
	var fin any
	if n == 0 {
		fin = now.Unix()
	}
	if _, err := tx.Exec(ctx, `UPDATE newsletter_sends SET total = ?, finished_at = ?, n_sent = 0, n_failed = 0, n_skipped = 0 WHERE id = ? AND ? = 0`, n, fin, id, n); err != nil {
		return 0, 0, err
	}
	if _, err := tx.Exec(ctx, `UPDATE newsletter_sends SET total = ? WHERE id = ?`, n, id); err != nil {
		return 0, 0, err
	}
	return id, int(n), nil
}

// ErrAlreadySent guards against a second breaking send of one article
// (a double click, two editors at once) within BreakingGuard.
var ErrAlreadySent = errors.New("newsletter: this article was sent to the breaking-news list less than an hour ago")

// BreakingGuard is how long a breaking send of an article blocks another
// one unless asked for explicitly.
const BreakingGuard = time.Hour

// Breaking queues a published article to its edition's breaking-news list.
// A second send of the same article within BreakingGuard needs again.
func (s *Service) Breaking(ctx context.Context, articleID int64, by string, again bool) (int64, int, error) {
	var edID int64
	var status, slug, secSlug, headline, standfirst string
	err := s.DB.QueryRow(ctx, `SELECT a.edition_id, a.status, a.slug, s.slug, a.headline, a.standfirst FROM articles a JOIN sections s ON s.id = a.section_id
		WHERE a.id = ?`, articleID).Scan(&edID, &status, &slug, &secSlug, &headline, &standfirst)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, db.ErrNotFound
	}
	if err != nil {
		return 0, 0, err
	}
	if status != "published" {
		return 0, 0, ErrNotPublished
	}
	e, err := s.editionByID(ctx, edID)
	if err != nil {
		return 0, 0, err
	}
	subject := e.T.T("nl_breaking_subject", headline)
	arts := []mailArticle{{Headline: headline, Standfirst: standfirst, URL: s.BaseURL + "/" + e.Code + "/" + secSlug + "/" + slug}}
	text, html, err := s.render(e, Breaking, subject, e.T.T("nl_breaking_heading"), arts)
	if err != nil {
		return 0, 0, err
	}
	var id int64
	var n int
	// The lock makes check-then-insert atomic across nodes.
	err = s.DB.Exclusive(ctx, "newsletter-breaking", func() error {
		return s.DB.InTx(ctx, func(tx *db.Tx) error {
			var recent int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM newsletter_sends WHERE kind = ? AND article_id = ? AND created_at > ?`,
				KindBreaking, articleID, s.now().Add(-BreakingGuard).Unix()).Scan(&recent); err != nil {
				return err
			}
			if recent > 0 && !again {
				return ErrAlreadySent
			}
			id, n, err = enqueue(ctx, tx, e, Breaking, KindBreaking, articleID, subject, text, html, by, s.now())
			return err
		})
	})
	return id, n, err
}

// maxDigestArticles bounds a digest's length.
const maxDigestArticles = 30

// Digest queues the digest of one list: what was published in the edition
// (and the list's section, tag or author) since the list's last digest,
// or in the last day for a first one. It returns ErrNothingNew, and sends
// nothing, when there is no such article.
func (s *Service) Digest(ctx context.Context, tx *db.Tx, e Edition, list, by string, until time.Time) (int64, int, error) {
	if ok, err := validList(ctx, tx, e.ID, list); err != nil {
		return 0, 0, err
	} else if !ok || list == Breaking {
		return 0, 0, fmt.Errorf("%w: %q", ErrUnknownList, list)
	}
	var last int64
	err := tx.QueryRow(ctx, `SELECT last_until FROM newsletter_list_state WHERE edition_id = ? AND list = ?`, e.ID, list).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		last = until.Add(-24 * time.Hour).Unix()
	} else if err != nil {
		return 0, 0, err
	}
	q := `SELECT a.headline, a.standfirst, a.slug, s.slug FROM articles a JOIN sections s ON s.id = a.section_id
		WHERE a.edition_id = ? AND a.status = 'published' AND a.published_at >= ? AND a.published_at < ?`
	args := []any{e.ID, last, until.Unix()}
	kind, slug, _ := strings.Cut(list, ":")
	switch kind {
	case "section":
		q += ` AND s.slug = ?`
		args = append(args, slug)
	case "tag":
		q += ` AND a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE t.edition_id = ? AND t.slug = ?)`
		args = append(args, e.ID, slug)
	case "author":
		q += ` AND a.id IN (SELECT aa.article_id FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE au.slug = ?)`
		args = append(args, slug)
	}
	rows, err := tx.Query(ctx, q+` ORDER BY a.top DESC, a.published_at DESC, a.id DESC LIMIT `+strconv.Itoa(maxDigestArticles), args...)
	if err != nil {
		return 0, 0, fmt.Errorf("newsletter: digest articles: %w", err)
	}
	var arts []mailArticle
	for rows.Next() {
		var a mailArticle
		var slug, sec string
		if err := rows.Scan(&a.Headline, &a.Standfirst, &slug, &sec); err != nil {
			rows.Close()
			return 0, 0, err
		}
		a.URL = s.BaseURL + "/" + e.Code + "/" + sec + "/" + slug
		arts = append(arts, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	if len(arts) == 0 {
		return 0, 0, ErrNothingNew
	}
	day := e.T.Date(until.In(e.Loc))
	subject := e.T.T("nl_digest_subject", s.ListName(e, list), day)
	text, html, err := s.render(e, list, subject, e.T.T("nl_digest_heading", day), arts)
	if err != nil {
		return 0, 0, err
	}
	id, n, err := enqueue(ctx, tx, e, list, KindDigest, 0, subject, text, html, by, s.now())
	if err != nil {
		return 0, 0, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO newsletter_list_state (edition_id, list, last_until) VALUES (?, ?, ?)
		ON CONFLICT (edition_id, list) DO UPDATE SET last_until = excluded.last_until`, e.ID, list, until.Unix())
	return id, n, err
}

// DigestAll queues the digests of every list of the edition that has
// confirmed subscribers; lists with nothing new are left for next time.
func (s *Service) DigestAll(ctx context.Context, tx *db.Tx, e Edition, by string, until time.Time) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT DISTINCT l.list FROM newsletter_subscriptions l JOIN newsletter_subscribers s ON s.id = l.subscriber_id
		WHERE s.edition_id = ? AND s.confirmed_at IS NOT NULL AND l.list <> ? ORDER BY l.list`, e.ID, Breaking)
	if err != nil {
		return nil, err
	}
	var lists []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			rows.Close()
			return nil, err
		}
		lists = append(lists, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var ids []int64
	for _, l := range lists {
		id, _, err := s.Digest(ctx, tx, e, l, by, until)
		if errors.Is(err, ErrNothingNew) || errors.Is(err, ErrUnknownList) {
			continue // a list whose tag was merged away keeps its rows but gets nothing
		}
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// Sends lists the most recent sends with their progress.
func (s *Service) Sends(ctx context.Context, limit int) ([]Send, error) {
	return s.sends(ctx, `ORDER BY n.id DESC LIMIT ?`, limit)
}

// SendByID returns one send with its progress.
func (s *Service) SendByID(ctx context.Context, id int64) (Send, error) {
	out, err := s.sends(ctx, `AND n.id = ?`, id)
	if err != nil {
		return Send{}, err
	}
	if len(out) == 0 {
		return Send{}, db.ErrNotFound
	}
	return out[0], nil
}

func (s *Service) sends(ctx context.Context, tail string, arg any) ([]Send, error) {
	rows, err := s.DB.Query(ctx, `SELECT n.id, n.edition_id, e.code, n.list, n.kind, COALESCE(n.article_id, 0), n.subject, n.total, n.created_by,
		n.created_at, COALESCE(n.finished_at, 0),
		CASE WHEN n.n_sent IS NOT NULL THEN 0 ELSE (SELECT count(*) FROM newsletter_deliveries d WHERE d.send_id = n.id AND d.status = 'pending') END,
		COALESCE(n.n_sent, (SELECT count(*) FROM newsletter_deliveries d WHERE d.send_id = n.id AND d.status = 'sent')),
		COALESCE(n.n_failed, (SELECT count(*) FROM newsletter_deliveries d WHERE d.send_id = n.id AND d.status = 'failed')),
		COALESCE(n.n_skipped, (SELECT count(*) FROM newsletter_deliveries d WHERE d.send_id = n.id AND d.status = 'skipped'))
		FROM newsletter_sends n JOIN editions e ON e.id = n.edition_id WHERE 1 = 1 `+tail, arg)
	if err != nil {
		return nil, fmt.Errorf("newsletter: sends: %w", err)
	}
	defer rows.Close()
	var out []Send
	for rows.Next() {
		var x Send
		var created, fin int64
		if err := rows.Scan(&x.ID, &x.EditionID, &x.Edition, &x.List, &x.Kind, &x.ArticleID, &x.Subject, &x.Total, &x.CreatedBy,
			&created, &fin, &x.Pending, &x.Sent, &x.Failed, &x.Skipped); err != nil {
			return nil, err
		}
		x.CreatedAt = time.Unix(created, 0)
		if fin != 0 {
			x.FinishedAt = time.Unix(fin, 0)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
