// Package newsletter runs the email newsletters: subscribers and their
// lists per edition (daily digest, a section, a tag, an author, breaking
// news), double opt-in, the preference centre and one-click unsubscribe,
// and sending through a durable per-recipient queue in the database that
// every node works on (send.go).
package newsletter

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/mail"
	"sort"
	"strings"
	"time"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/edition"
	"github.com/lede-news/lede/internal/i18n"
	lmail "github.com/lede-news/lede/internal/mail"
)

// Sender delivers one message; *mail.Sender is one.
type Sender interface {
	Send(ctx context.Context, m lmail.Message) error
}

// Service is the newsletters' store and mailer.
type Service struct {
	DB      *db.DB
	Mail    Sender
	Limiter *account.Limiter
	BaseURL string // scheme and host: links in mails
	Log     *slog.Logger
	Now     func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// Errors a reader can cause; the web pages turn each into a clear message.
var (
	ErrInvalidEmail = errors.New("newsletter: invalid email address")
	ErrDisposable   = errors.New("newsletter: disposable email address")
	ErrNoList       = errors.New("newsletter: no list chosen")
	ErrUnknownList  = errors.New("newsletter: unknown list")
	ErrRateLimited  = errors.New("newsletter: too many requests")
	ErrBadToken     = errors.New("newsletter: invalid link")
	ErrExpired      = errors.New("newsletter: expired link")
)

const (
	// ConfirmValidity is how long a confirmation link works.
	ConfirmValidity = 48 * time.Hour
	// resendAfter is the least time between two confirmation mails to one
	// address: a repeated request within it sends nothing new.
	resendAfter = 15 * time.Minute
)

// List keys.
const (
	Daily    = "daily"
	Breaking = "breaking"
)

// List is one list a reader can choose.
type List struct {
	Key  string // daily, breaking, section:SLUG, tag:SLUG, author:SLUG
	Name string // in the edition's language
	Kind string // daily, breaking, section, tag, author
}

// Edition is what the package needs of an edition.
type Edition struct {
	edition.Edition
	T *i18n.Catalog
}

// Editions returns every edition.
func (s *Service) Editions(ctx context.Context) ([]Edition, error) {
	all, err := (&edition.Store{DB: s.DB}).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Edition, len(all))
	for i, e := range all {
		out[i] = Edition{Edition: e, T: i18n.For(e.Lang)}
	}
	return out, nil
}

// EditionByCode returns one edition.
func (s *Service) EditionByCode(ctx context.Context, code string) (Edition, error) {
	eds, err := s.Editions(ctx)
	if err != nil {
		return Edition{}, err
	}
	for _, e := range eds {
		if e.Code == code {
			return e, nil
		}
	}
	return Edition{}, db.ErrNotFound
}

func (s *Service) editionByID(ctx context.Context, id int64) (Edition, error) {
	eds, err := s.Editions(ctx)
	if err != nil {
		return Edition{}, err
	}
	for _, e := range eds {
		if e.ID == id {
			return e, nil
		}
	}
	return Edition{}, db.ErrNotFound
}

// maxTagLists is how many tags the subscribe form offers: the most used.
const maxTagLists = 12

// Lists returns the lists of an edition: the daily digest, breaking news,
// each section, each author who wrote in it and its most used tags.
func (s *Service) Lists(ctx context.Context, e Edition) ([]List, error) {
	out := []List{{Key: Daily, Name: e.T.T("nl_list_daily"), Kind: Daily}, {Key: Breaking, Name: e.T.T("nl_list_breaking"), Kind: Breaking}}
	add := func(kind, q string, args ...any) error {
		rows, err := s.DB.Query(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("newsletter: lists: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var slug, name string
			if err := rows.Scan(&slug, &name); err != nil {
				return err
			}
			out = append(out, List{Key: kind + ":" + slug, Name: name, Kind: kind})
		}
		return rows.Err()
	}
	err := errors.Join(
		add("section", `SELECT slug, name FROM sections WHERE edition_id = ? ORDER BY position, name`, e.ID),
		add("tag", `SELECT t.slug, t.name FROM tags t JOIN article_tags at ON at.tag_id = t.id JOIN articles a ON a.id = at.article_id
			WHERE t.edition_id = ? AND a.status = 'published' GROUP BY t.id, t.slug, t.name ORDER BY count(*) DESC, t.name LIMIT ?`, e.ID, maxTagLists),
		add("author", `SELECT au.slug, au.name FROM authors au WHERE au.id IN (SELECT aa.author_id FROM article_authors aa
			JOIN articles a ON a.id = aa.article_id WHERE a.edition_id = ? AND a.status = 'published') ORDER BY au.name`, e.ID))
	if err != nil {
		return nil, err
	}
	return out, nil
}

// validList reports whether key names a list of the edition (any tag or
// author, not only those the form shows).
func validList(ctx context.Context, q db.Querier, editionID int64, key string) (bool, error) {
	if key == Daily || key == Breaking {
		return true, nil
	}
	kind, slug, ok := strings.Cut(key, ":")
	if !ok || slug == "" {
		return false, nil
	}
	var n int
	var err error
	switch kind {
	case "section":
		err = q.QueryRow(ctx, `SELECT count(*) FROM sections WHERE edition_id = ? AND slug = ?`, editionID, slug).Scan(&n)
	case "tag":
		err = q.QueryRow(ctx, `SELECT count(*) FROM tags WHERE edition_id = ? AND slug = ?`, editionID, slug).Scan(&n)
	case "author":
		err = q.QueryRow(ctx, `SELECT count(*) FROM authors WHERE slug = ?`, slug).Scan(&n)
	default:
		return false, nil
	}
	return n > 0, err
}

// cleanLists checks and de-duplicates keys.
func cleanLists(ctx context.Context, q db.Querier, editionID int64, keys []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, k := range keys {
		k = strings.TrimSpace(k)
		if k == "" || seen[k] {
			continue
		}
		ok, err := validList(ctx, q, editionID, k)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrUnknownList, k)
		}
		seen[k] = true
		out = append(out, k)
	}
	sort.Strings(out)
	return out, nil
}

//go:embed disposable.txt
var disposableList string

var disposable = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(disposableList, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			m[l] = true
		}
	}
	return m
}()

// NormalizeEmail checks a bare address and returns it in lower case (local
// parts are case-sensitive in theory, never in practice: Zoe@ and zoe@
// are one reader, who should not get everything twice). Names, comments, several addresses and domains without a dot
// are refused; so are disposable-address providers (ErrDisposable).
func NormalizeEmail(in string) (string, error) {
	in = strings.TrimSpace(in)
	if in == "" || len(in) > 254 || strings.ContainsAny(in, " <>,;\"\r\n") {
		return "", ErrInvalidEmail
	}
	a, err := mail.ParseAddress(in)
	if err != nil || a.Address != in || a.Name != "" {
		return "", ErrInvalidEmail
	}
	at := strings.LastIndexByte(in, '@')
	local, domain := in[:at], strings.ToLower(in[at+1:])
	if local == "" || len(local) > 64 || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") ||
		strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") || strings.HasPrefix(domain, "[") {
		return "", ErrInvalidEmail
	}
	for d := domain; d != ""; {
		if disposable[d] {
			return "", ErrDisposable
		}
		_, rest, ok := strings.Cut(d, ".")
		if !ok {
			break
		}
		d = rest
	}
	return strings.ToLower(local) + "@" + domain, nil
}

// token returns 32 random bytes as URL-safe text.
func token() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hash(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

// wellFormed rejects tokens that cannot be ours before any query.
func wellFormed(t string) bool {
	if len(t) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(t)
	return err == nil
}

// Subscriber is one address in one edition.
type Subscriber struct {
	ID          int64
	EditionID   int64
	Email       string
	ManageToken string
	Confirmed   bool
	CreatedAt   time.Time
	Lists       []string
}

// SubscribeRequest is the subscribe form.
type SubscribeRequest struct {
	Edition Edition
	Email   string
	Lists   []string
	Client  string // the reader's address, for the rate limit
}

// SubscribeResult says what happened, for logs and tests; the reader sees
// the same page in every case, so the form tells nobody who subscribes.
type SubscribeResult struct {
	Sent bool // a confirmation (or "already subscribed") mail went out
}

// Subscribe records a request and mails a confirmation link. A repeat
// within resendAfter sends nothing; a confirmed subscriber gets a mail
// with the link to their preferences instead, and their lists are not
// changed by the form (anyone can type anyone's address).
func (s *Service) Subscribe(ctx context.Context, req SubscribeRequest) (SubscribeResult, error) {
	var res SubscribeResult
	email, err := NormalizeEmail(req.Email)
	if err != nil {
		return res, err
	}
	lists, err := cleanLists(ctx, s.DB, req.Edition.ID, req.Lists)
	if err != nil {
		return res, err
	}
	if len(lists) == 0 {
		return res, ErrNoList
	}
	if s.Limiter != nil {
		ok1, _, err1 := s.Limiter.Allow(ctx, "newsletter:email:"+email, 5, time.Hour)
		ok2, _, err2 := s.Limiter.Allow(ctx, "newsletter:client:"+account.AddrKey(req.Client).Name, 20, time.Hour)
		if err := errors.Join(err1, err2); err != nil {
			return res, err
		}
		if !ok1 || !ok2 {
			return res, ErrRateLimited
		}
	}
	now := s.now()
	var confirmTok string
	var confirmed bool
	var manage string
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var id int64
		var sentAt *int64
		var confirmedAt *int64
		err := tx.QueryRow(ctx, `SELECT id, manage_token, confirm_sent_at, confirmed_at FROM newsletter_subscribers WHERE edition_id = ? AND email = ?`,
			req.Edition.ID, email).Scan(&id, &manage, &sentAt, &confirmedAt)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			manage = token()
			id, err = tx.InsertID(ctx, `INSERT INTO newsletter_subscribers (edition_id, email, manage_token, created_at) VALUES (?, ?, ?, ?)`,
				req.Edition.ID, email, manage, now.Unix())
			if err != nil {
				return err
			}
		case err != nil:
			return err
		}
		if sentAt != nil && now.Sub(time.Unix(*sentAt, 0)) < resendAfter {
			return nil // a mail went out moments ago: "check your inbox"
		}
		confirmed = confirmedAt != nil
		if !confirmed {
			if err := setLists(ctx, tx, id, lists, now); err != nil {
				return err
			}
			confirmTok = token()
			_, err = tx.Exec(ctx, `UPDATE newsletter_subscribers SET confirm_hash = ?, confirm_expires = ?, confirm_sent_at = ? WHERE id = ?`,
				hash(confirmTok), now.Add(ConfirmValidity).Unix(), now.Unix(), id)
			return err
		}
		confirmTok = "-" // mail the preference link
		_, err = tx.Exec(ctx, `UPDATE newsletter_subscribers SET confirm_sent_at = ? WHERE id = ?`, now.Unix(), id)
		return err
	})
	if err != nil {
		return res, fmt.Errorf("newsletter: subscribe: %w", err)
	}
	if confirmTok == "" {
		return res, nil
	}
	m := s.confirmationMail(req.Edition, email, confirmTok, manage, confirmed)
	if err := s.Mail.Send(ctx, m); err != nil {
		// Let the reader try again at once rather than wait for a mail
		// that never left.
		s.DB.Exec(context.WithoutCancel(ctx), `UPDATE newsletter_subscribers SET confirm_sent_at = NULL WHERE edition_id = ? AND email = ?`, req.Edition.ID, email)
		return res, fmt.Errorf("newsletter: confirmation mail: %w", err)
	}
	res.Sent = true
	return res, nil
}

func setLists(ctx context.Context, tx *db.Tx, id int64, lists []string, now time.Time) error {
	if _, err := tx.Exec(ctx, `DELETE FROM newsletter_subscriptions WHERE subscriber_id = ?`, id); err != nil {
		return err
	}
	for _, l := range lists {
		if _, err := tx.Exec(ctx, `INSERT INTO newsletter_subscriptions (subscriber_id, list, created_at) VALUES (?, ?, ?)`, id, l, now.Unix()); err != nil {
			return err
		}
	}
	return nil
}

// URLs in mails.
func (s *Service) confirmURL(tok string) string { return s.BaseURL + "/newsletter/confirm/" + tok }

// PreferencesURL is the subscriber's preference centre.
func (s *Service) PreferencesURL(manage string) string {
	return s.BaseURL + "/newsletter/preferences/" + manage
}

// UnsubscribeURL is the one-click address of List-Unsubscribe for list.
func (s *Service) UnsubscribeURL(manage, list string) string {
	return s.BaseURL + "/newsletter/unsubscribe/" + manage + "?list=" + list
}

func (s *Service) confirmationMail(e Edition, email, tok, manage string, confirmed bool) lmail.Message {
	T := e.T
	if confirmed {
		link := s.PreferencesURL(manage)
		return lmail.Message{To: []string{email}, Subject: T.T("nl_mail_already_subject", e.Name),
			Text: T.T("nl_mail_already_text", e.Name, link),
			HTML: fmt.Sprintf(`<p>%s</p><p><a href="%s">%s</a></p>`, html.EscapeString(T.T("nl_mail_already_intro", e.Name)), html.EscapeString(link), html.EscapeString(T.T("nl_preferences_title")))}
	}
	link := s.confirmURL(tok)
	return lmail.Message{To: []string{email}, Subject: T.T("nl_mail_confirm_subject", e.Name),
		Text: T.T("nl_mail_confirm_text", e.Name, link),
		HTML: fmt.Sprintf(`<p>%s</p><p><a href="%s">%s</a></p><p>%s</p>`, html.EscapeString(T.T("nl_mail_confirm_intro", e.Name)), html.EscapeString(link),
			html.EscapeString(T.T("nl_confirm_button")), html.EscapeString(T.T("nl_mail_confirm_ignore")))}
}

// PeekConfirm checks a confirmation token without using it: the page
// behind the mail's link asks for a click, so that link scanners which
// open every URL of a mail confirm nothing.
func (s *Service) PeekConfirm(ctx context.Context, tok string) (Subscriber, error) {
	if !wellFormed(tok) {
		return Subscriber{}, ErrBadToken
	}
	var sub Subscriber
	var expires int64
	err := s.DB.QueryRow(ctx, `SELECT id, edition_id, email, manage_token, confirm_expires FROM newsletter_subscribers WHERE confirm_hash = ?`,
		hash(tok)).Scan(&sub.ID, &sub.EditionID, &sub.Email, &sub.ManageToken, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return sub, ErrBadToken
	}
	if err != nil {
		return sub, err
	}
	if s.now().Unix() > expires {
		return sub, ErrExpired
	}
	return sub, nil
}

// Confirm uses a confirmation token: the subscriber's lists become active.
// The token works once.
func (s *Service) Confirm(ctx context.Context, tok string) (Subscriber, error) {
	sub, err := s.PeekConfirm(ctx, tok)
	if err != nil {
		return sub, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE newsletter_subscribers SET confirmed_at = COALESCE(confirmed_at, ?), confirm_hash = NULL, confirm_expires = NULL
			WHERE id = ? AND confirm_hash = ?`, s.now().Unix(), sub.ID, hash(tok))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrBadToken // used meanwhile
		}
		return nil
	})
	if err != nil {
		return sub, err
	}
	sub.Confirmed = true
	return sub, nil
}

// ByManageToken returns the subscriber behind a preference link.
func (s *Service) ByManageToken(ctx context.Context, tok string) (Subscriber, error) {
	if !wellFormed(tok) {
		return Subscriber{}, ErrBadToken
	}
	var sub Subscriber
	var confirmed *int64
	var created int64
	err := s.DB.QueryRow(ctx, `SELECT id, edition_id, email, manage_token, confirmed_at, created_at FROM newsletter_subscribers WHERE manage_token = ?`,
		tok).Scan(&sub.ID, &sub.EditionID, &sub.Email, &sub.ManageToken, &confirmed, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return sub, ErrBadToken
	}
	if err != nil {
		return sub, err
	}
	sub.Confirmed, sub.CreatedAt = confirmed != nil, time.Unix(created, 0)
	sub.Lists, err = listsOf(ctx, s.DB, sub.ID)
	return sub, err
}

func listsOf(ctx context.Context, q db.Querier, id int64) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT list FROM newsletter_subscriptions WHERE subscriber_id = ? ORDER BY list`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// SetLists replaces the lists of the subscriber behind tok (an empty list
// unsubscribes from everything). Using the preference link also confirms
// the address: it came from a mail sent there.
func (s *Service) SetLists(ctx context.Context, tok string, lists []string) (Subscriber, error) {
	sub, err := s.ByManageToken(ctx, tok)
	if err != nil {
		return sub, err
	}
	clean, err := cleanLists(ctx, s.DB, sub.EditionID, lists)
	if err != nil {
		return sub, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := setLists(ctx, tx, sub.ID, clean, s.now()); err != nil {
			return err
		}
		if len(clean) > 0 && !sub.Confirmed {
			_, err := tx.Exec(ctx, `UPDATE newsletter_subscribers SET confirmed_at = ?, confirm_hash = NULL WHERE id = ?`, s.now().Unix(), sub.ID)
			return err
		}
		return nil
	})
	sub.Lists = clean
	return sub, err
}

// Unsubscribe removes list from the subscriber behind tok, or every list
// when list is empty; a list they no longer have changes nothing (an old
// mail's one-click link must not unsubscribe them from the others). It is
// what the one-click POST does, so it asks for nothing else.
func (s *Service) Unsubscribe(ctx context.Context, tok, list string) (Subscriber, error) {
	sub, err := s.ByManageToken(ctx, tok)
	if err != nil {
		return sub, err
	}
	has := false
	for _, l := range sub.Lists {
		has = has || l == list
	}
	switch {
	case list == "":
		_, err = s.DB.Exec(ctx, `DELETE FROM newsletter_subscriptions WHERE subscriber_id = ?`, sub.ID)
	case has:
		_, err = s.DB.Exec(ctx, `DELETE FROM newsletter_subscriptions WHERE subscriber_id = ? AND list = ?`, sub.ID, list)
	}
	if err != nil {
		return sub, fmt.Errorf("newsletter: unsubscribe: %w", err)
	}
	sub.Lists, err = listsOf(ctx, s.DB, sub.ID)
	return sub, err
}

// Counts returns, per list of the edition, how many confirmed subscribers
// receive it.
func (s *Service) Counts(ctx context.Context, editionID int64) (map[string]int, error) {
	rows, err := s.DB.Query(ctx, `SELECT l.list, count(*) FROM newsletter_subscriptions l JOIN newsletter_subscribers s ON s.id = l.subscriber_id
		WHERE s.edition_id = ? AND s.confirmed_at IS NOT NULL GROUP BY l.list`, editionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var l string
		var n int
		if err := rows.Scan(&l, &n); err != nil {
			return nil, err
		}
		out[l] = n
	}
	return out, rows.Err()
}
