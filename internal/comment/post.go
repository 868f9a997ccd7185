package comment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/jobs"
	"github.com/lede-news/lede/internal/reader"
	"golang.org/x/net/html"
	"golang.org/x/net/idna"
)

// NewComment is what a reader sends.
type NewComment struct {
	ArticleID int64
	ParentID  int64 // 0: a top-level comment
	Body      string
	Addr      string // the client's address (hashed before it is kept)
	Honeypot  string // a field people never see: bots fill it
}

const cols = `id, article_id, parent_id, reader_id, author_name, body, status, held_reason, hidden, likes, flags, addr_hash, created_at, edited_at`

func scan(row interface{ Scan(...any) error }) (Comment, error) {
	var c Comment
	var parent, rd sql.NullInt64
	var created, edited int64
	err := row.Scan(&c.ID, &c.ArticleID, &parent, &rd, &c.AuthorName, &c.Body, &c.Status, &c.HeldReason, &c.Hidden,
		&c.Likes, &c.Flags, &c.AddrHash, &created, &edited)
	if err != nil {
		return c, err
	}
	c.ParentID, c.ReaderID = parent.Int64, rd.Int64
	c.CreatedAt = time.Unix(created, 0).UTC()
	if edited > 0 {
		c.EditedAt = time.Unix(edited, 0).UTC()
	}
	return c, nil
}

// Get returns one comment, or db.ErrNotFound.
func (s *Store) Get(ctx context.Context, id int64) (Comment, error) {
	return get(ctx, s.DB, id)
}

func get(ctx context.Context, q querier, id int64) (Comment, error) {
	c, err := scan(q.QueryRow(ctx, `SELECT `+cols+` FROM comments WHERE id = ?`, id))
	if err != nil {
		return c, fmt.Errorf("comment: get %d: %w", id, db.NotFound(err))
	}
	return c, nil
}

// Post applies the posting rules and stores the comment. A refusal is an
// *Error and stores nothing. The comment comes back approved (shown at once)
// or pending with the reason it is held.
func (s *Store) Post(ctx context.Context, r *reader.Reader, in NewComment) (Comment, error) {
	cfg := s.cfg()
	if err := s.canPost(ctx, s.DB, r); err != nil {
		return Comment{}, err
	}
	a, err := s.article(ctx, s.DB, in.ArticleID)
	if err != nil {
		return Comment{}, err
	}
	if !a.Published {
		return Comment{}, refuse(CodeNoArticle)
	}
	st, err := s.settings(ctx, s.DB, a)
	if err != nil {
		return Comment{}, err
	}
	if !st.Open(a.PublishedAt, s.now()) {
		return Comment{}, refuse(CodeClosed)
	}
	if err := s.checkBody(in.Body); err != nil {
		return Comment{}, err
	}
	parent := int64(0)
	if in.ParentID != 0 {
		if parent, err = s.replyTarget(ctx, in.ArticleID, in.ParentID, cfg.MaxDepth); err != nil {
			return Comment{}, err
		}
	}
	addr := HashAddr(in.Addr)
	if s.Limiter != nil {
		ok, wait, err := s.Limiter.Allow(ctx, "comment:reader:"+itoa(r.ID), cfg.ReaderLimit, cfg.RateWindow)
		if err != nil {
			return Comment{}, err
		}
		if !ok {
			return Comment{}, &Error{Code: CodeRateReader, RetryAfter: wait}
		}
		if addr != "" {
			ok, wait, err := s.Limiter.Allow(ctx, "comment:addr:"+addr, cfg.AddrLimit, cfg.RateWindow)
			if err != nil {
				return Comment{}, err
			}
			if !ok {
				return Comment{}, &Error{Code: CodeRateAddr, RetryAfter: wait}
			}
		}
	}
	// The same text from the same reader within a minute is a double
	// submit (a form posted twice): answer with the first, post nothing.
	var dup int64
	err = s.DB.QueryRow(ctx, `SELECT id FROM comments WHERE reader_id = ? AND article_id = ? AND body = ? AND created_at > ?
		ORDER BY id DESC LIMIT 1`, r.ID, in.ArticleID, in.Body, s.now().Add(-time.Minute).Unix()).Scan(&dup)
	if err == nil {
		return s.Get(ctx, dup)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Comment{}, err
	}
	status, reason := Approved, ""
	if in.Honeypot != "" {
		status, reason = Spam, "honeypot"
	} else {
		action, pattern, err := s.filter(ctx, s.DB, in.Body)
		if err != nil {
			return Comment{}, err
		}
		switch {
		case action == "reject":
			return Comment{}, refuse(CodeFiltered)
		case action == "hold":
			status, reason = Pending, "filter:"+pattern
		case st.Mode == "pre":
			status, reason = Pending, "premoderation"
		}
	}
	c := Comment{ArticleID: in.ArticleID, ParentID: parent, ReaderID: r.ID, AuthorName: r.Name, Body: in.Body,
		Status: status, HeldReason: reason, AddrHash: addr, CreatedAt: time.Unix(s.now().Unix(), 0).UTC()}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if c.Status == Approved && cfg.FirstHeld > 0 {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM comments WHERE reader_id = ? AND status = 'approved'`, r.ID).Scan(&n); err != nil {
				return err
			}
			if n < cfg.FirstHeld {
				c.Status, c.HeldReason = Pending, "first"
			}
		}
		var parentArg any
		if c.ParentID != 0 {
			parentArg = c.ParentID
		}
		id, err := tx.InsertID(ctx, `INSERT INTO comments (article_id, parent_id, reader_id, author_name, body, status, held_reason, addr_hash, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ArticleID, parentArg, c.ReaderID, c.AuthorName, c.Body, c.Status, c.HeldReason, c.AddrHash, c.CreatedAt.Unix())
		if err != nil {
			return err
		}
		c.ID = id
		if c.Status == Approved {
			if err := Invalidate(ctx, tx, c.ArticleID); err != nil {
				return err
			}
			return NotifyReply(ctx, tx, c.ID)
		}
		return nil
	})
	if err != nil {
		return Comment{}, fmt.Errorf("comment: post: %w", err)
	}
	return c, nil
}

// replyTarget checks the comment replied to and returns the comment the
// reply attaches to: the parent itself, or its ancestor at the deepest
// level shown.
func (s *Store) replyTarget(ctx context.Context, articleID, parentID int64, maxDepth int) (int64, error) {
	p, err := get(ctx, s.DB, parentID)
	if errors.Is(err, db.ErrNotFound) {
		return 0, refuse(CodeParent)
	}
	if err != nil {
		return 0, err
	}
	if p.ArticleID != articleID || !p.Visible() {
		return 0, refuse(CodeParent)
	}
	// chain[0] is the parent, then its ancestors up to the top-level comment.
	chain := []int64{p.ID}
	for up := p.ParentID; up != 0 && len(chain) < 64; {
		chain = append(chain, up)
		var next sql.NullInt64
		if err := s.DB.QueryRow(ctx, `SELECT parent_id FROM comments WHERE id = ?`, up).Scan(&next); err != nil {
			return 0, fmt.Errorf("comment: reply target: %w", db.NotFound(err))
		}
		up = next.Int64
	}
	// The parent is at depth len(chain)-1 (0: top level); a reply sits one
	// deeper, so it may attach at most at depth maxDepth-2.
	depth := len(chain) - 1
	if depth > maxDepth-2 {
		return chain[depth-(maxDepth-2)], nil
	}
	return p.ID, nil
}

// filter returns the strongest action ("reject" over "hold") of the word
// and link filters matching body, with the pattern that matched.
func (s *Store) filter(ctx context.Context, q querier, body string) (action, pattern string, err error) {
	rows, err := q.Query(ctx, `SELECT kind, pattern, action FROM comment_filters ORDER BY id`)
	if err != nil {
		return "", "", fmt.Errorf("comment: filters: %w", err)
	}
	defer rows.Close()
	var hosts []string
	hostsDone := false
	for rows.Next() {
		var kind, pat, act string
		if err := rows.Scan(&kind, &pat, &act); err != nil {
			return "", "", fmt.Errorf("comment: filters: %w", err)
		}
		hit := false
		switch kind {
		case "word":
			hit = containsWord(body, pat)
		case "link":
			if !hostsDone {
				hosts, hostsDone = linkHosts(body), true
			}
			hit = matchHost(hosts, pat)
		}
		if !hit {
			continue
		}
		if act == "reject" {
			return "reject", pat, rows.Err()
		}
		if action == "" {
			action, pattern = "hold", pat
		}
	}
	return action, pattern, rows.Err()
}

// containsWord reports whether word occurs in text as a whole word (or
// phrase), ignoring case.
func containsWord(text, word string) bool {
	word = strings.TrimSpace(word)
	if word == "" {
		return false
	}
	lt, lw := strings.ToLower(text), strings.ToLower(word)
	for i := 0; ; {
		j := strings.Index(lt[i:], lw)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(lw)
		before, after := rune(' '), rune(' ')
		if start > 0 {
			before = lastRune(lt[:start])
		}
		if end < len(lt) {
			after = firstRune(lt[end:])
		}
		if !isWordRune(before) && !isWordRune(after) {
			return true
		}
		i = start + 1
		for i < len(lt) && !startsRune(lt[i]) {
			i++
		}
	}
}

func isWordRune(r rune) bool  { return unicode.IsLetter(r) || unicode.IsDigit(r) }
func startsRune(b byte) bool  { return b&0xC0 != 0x80 }
func firstRune(s string) rune { r, _ := utf8.DecodeRuneInString(s); return r }
func lastRune(s string) rune  { r, _ := utf8.DecodeLastRuneInString(s); return r }

var urlRe = regexp.MustCompile(`(?i)(?:https?://|www\.)[^\s<>()\[\]"']+`)

// linkHosts lists the host names of the links in text: those written out
// and those the rendered markup links to, normalised the way a browser
// reads them ("evil。com", "evil.com." and "https:evil.com" are evil.com).
func linkHosts(text string) []string {
	var out []string
	add := func(raw string) {
		if strings.HasPrefix(strings.ToLower(raw), "www.") {
			raw = "http://" + raw
		}
		if h := linkHost(raw); h != "" {
			out = append(out, h)
		}
	}
	for _, m := range urlRe.FindAllString(text, -1) {
		add(m)
	}
	z := html.NewTokenizer(strings.NewReader(string(Render(text))))
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		if tt != html.StartTagToken {
			continue
		}
		for {
			k, v, more := z.TagAttr()
			if string(k) == "href" {
				add(string(v))
			}
			if !more {
				break
			}
		}
	}
	return out
}

func linkHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	host := u.Hostname()
	if host == "" && u.Opaque != "" { // https:evil.com
		host, _, _ = strings.Cut(strings.TrimLeft(u.Opaque, "/"), "/")
	}
	if dec, err := url.PathUnescape(host); err == nil {
		host = dec
	}
	if a, err := idna.Lookup.ToASCII(host); err == nil {
		host = a
	} else if a, err := idna.Punycode.ToASCII(host); err == nil {
		host = a
	}
	return strings.TrimSuffix(strings.ToLower(host), ".")
}

// matchHost: pattern "*" matches any link; "example.com" matches it and its
// subdomains.
func matchHost(hosts []string, pattern string) bool {
	p := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(pattern), "*."))
	for _, h := range hosts {
		if p == "*" || h == p || strings.HasSuffix(h, "."+p) {
			return true
		}
	}
	return false
}

// NotifyJobKind is the jobs queue kind of reply notifications.
const NotifyJobKind = "comment-reply"

// NotifyReply queues, inside tx, the email telling the parent's author
// about reply commentID (a no-op for a top-level comment; the job decides
// whether the author asked for it). The key makes it once per reply.
func NotifyReply(ctx context.Context, tx *db.Tx, commentID int64) error {
	var parent sql.NullInt64
	if err := tx.QueryRow(ctx, `SELECT parent_id FROM comments WHERE id = ?`, commentID).Scan(&parent); err != nil {
		return fmt.Errorf("comment: notify: %w", err)
	}
	if !parent.Valid {
		return nil
	}
	return jobs.Enqueue(ctx, tx, NotifyJobKind, "comment-reply:"+itoa(commentID), itoa(commentID), time.Now())
}
