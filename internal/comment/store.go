package comment

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/reader"
)

// Config holds the operator's comment settings; zero fields take the
// defaults of DefaultConfig.
type Config struct {
	MaxLength      int           // characters in a body
	EditWindow     time.Duration // how long after posting a reader may edit
	MaxDepth       int           // levels of the thread shown; deeper replies attach to the deepest
	FlagThreshold  int           // flags from distinct readers that hide a comment until reviewed
	FirstHeld      int           // a reader's first N comments wait for a moderator
	CloseAfterDays int           // default when no setting says: 0 never closes
	ReaderLimit    int           // comments per reader per RateWindow
	AddrLimit      int           // comments per client address per RateWindow
	RateWindow     time.Duration
	PageSize       int // top-level comments per page
}

// DefaultConfig is what an operator gets without settings.
var DefaultConfig = Config{MaxLength: 5000, EditWindow: 15 * time.Minute, MaxDepth: 3, FlagThreshold: 3,
	FirstHeld: 1, CloseAfterDays: 0, ReaderLimit: 5, AddrLimit: 20, RateWindow: 10 * time.Minute, PageSize: 50}

func (c Config) withDefaults() Config {
	d := DefaultConfig
	if c.MaxLength > 0 {
		d.MaxLength = c.MaxLength
	}
	if c.EditWindow != 0 {
		d.EditWindow = c.EditWindow
	}
	if c.MaxDepth > 0 {
		d.MaxDepth = c.MaxDepth
	}
	if c.FlagThreshold > 0 {
		d.FlagThreshold = c.FlagThreshold
	}
	if c.FirstHeld != 0 {
		d.FirstHeld = max(c.FirstHeld, 0) // -1: hold none
	}
	if c.CloseAfterDays > 0 {
		d.CloseAfterDays = c.CloseAfterDays
	}
	if c.ReaderLimit > 0 {
		d.ReaderLimit = c.ReaderLimit
	}
	if c.AddrLimit > 0 {
		d.AddrLimit = c.AddrLimit
	}
	if c.RateWindow > 0 {
		d.RateWindow = c.RateWindow
	}
	if c.PageSize > 0 {
		d.PageSize = c.PageSize
	}
	return d
}

// Store reads and writes comments.
type Store struct {
	DB      *db.DB
	Limiter *account.Limiter // nil: no rate limits
	Config  Config
	Now     func() time.Time
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Store) cfg() Config { return s.Config.withDefaults() }

// Error is a refusal a reader can act on; Code names the message
// ("comment_err_"+Code in the catalogs).
type Error struct {
	Code       string
	RetryAfter time.Duration
}

func (e *Error) Error() string { return "comment: refused: " + e.Code }

// Refusal codes.
const (
	CodeSignIn     = "signin"     // no reader
	CodeUnverified = "unverified" // email not verified
	CodeConduct    = "conduct"    // code of conduct not accepted
	CodeBanned     = "banned"
	CodeNoArticle  = "no_article" // unknown or unpublished article
	CodeClosed     = "closed"
	CodeEmpty      = "empty"
	CodeTooLong    = "too_long"
	CodeParent     = "parent" // reply to a comment that is not shown
	CodeRateReader = "rate_reader"
	CodeRateAddr   = "rate_addr"
	CodeFiltered   = "filtered" // a reject filter matched
	CodeNotYours   = "not_yours"
	CodeEditWindow = "edit_window"
	CodeGone       = "gone" // the comment is not shown (deleted, hidden, held)
	CodeOwn        = "own"  // liking or flagging one's own comment
	CodeTwice      = "twice"
	CodeReason     = "reason" // flag without a known reason
)

func refuse(code string) error { return &Error{Code: code} }

// Code returns the refusal code of err, or "".
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// FlagReasons are the reasons a reader may give when flagging.
var FlagReasons = []string{"spam", "abuse", "offtopic", "other"}

// HashAddr turns a client address into what is stored and rate-limited.
func HashAddr(addr string) string {
	if addr == "" {
		return ""
	}
	sum := sha256.Sum256([]byte("lede-comment-addr:" + addr))
	return hex.EncodeToString(sum[:16])
}

// articleInfo is what the posting rules need to know about an article.
type articleInfo struct {
	ID, EditionID, SectionID int64
	Published                bool
	PublishedAt              time.Time
}

func (s *Store) article(ctx context.Context, q querier, id int64) (articleInfo, error) {
	var a articleInfo
	var status string
	var pub int64
	err := q.QueryRow(ctx, `SELECT id, edition_id, section_id, status, published_at FROM articles WHERE id = ?`, id).
		Scan(&a.ID, &a.EditionID, &a.SectionID, &status, &pub)
	if errors.Is(err, sql.ErrNoRows) {
		return a, refuse(CodeNoArticle)
	}
	if err != nil {
		return a, fmt.Errorf("comment: article %d: %w", id, err)
	}
	a.PublishedAt = time.Unix(pub, 0)
	a.Published = status == "published" && !a.PublishedAt.After(s.now())
	return a, nil
}

type querier interface {
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Rules are the moderation settings in force for one article.
type Rules struct {
	Mode           string // pre | post
	CloseAfterDays int    // 0: never
	Closed         bool   // closed by an editor at some scope
}

// RulesFor resolves the settings of an article: the most specific scope
// that says something wins (article > section > edition); an editor's
// "closed" at any scope closes.
func (s *Store) RulesFor(ctx context.Context, articleID int64) (Rules, error) {
	a, err := s.article(ctx, s.DB, articleID)
	if err != nil {
		return Rules{}, err
	}
	return s.settings(ctx, s.DB, a)
}

func (s *Store) settings(ctx context.Context, q querier, a articleInfo) (Rules, error) {
	scopes := []string{"article:" + itoa(a.ID), "section:" + itoa(a.SectionID), "edition:" + itoa(a.EditionID)}
	rows, err := q.Query(ctx, `SELECT scope, mode, close_after_days, closed FROM comment_settings WHERE scope IN (?, ?, ?)`,
		scopes[0], scopes[1], scopes[2])
	if err != nil {
		return Rules{}, fmt.Errorf("comment: settings: %w", err)
	}
	defer rows.Close()
	type row struct {
		mode   string
		days   int
		closed bool
	}
	got := map[string]row{}
	for rows.Next() {
		var sc string
		var r row
		if err := rows.Scan(&sc, &r.mode, &r.days, &r.closed); err != nil {
			return Rules{}, fmt.Errorf("comment: settings: %w", err)
		}
		got[sc] = r
	}
	if err := rows.Err(); err != nil {
		return Rules{}, fmt.Errorf("comment: settings: %w", err)
	}
	st := Rules{Mode: "", CloseAfterDays: -1}
	for _, sc := range scopes { // most specific first
		r, ok := got[sc]
		if !ok {
			continue
		}
		if st.Mode == "" && (r.mode == "pre" || r.mode == "post") {
			st.Mode = r.mode
		}
		if st.CloseAfterDays < 0 && r.days >= 0 {
			st.CloseAfterDays = r.days
		}
		st.Closed = st.Closed || r.closed
	}
	if st.Mode == "" {
		st.Mode = "post"
	}
	if st.CloseAfterDays < 0 {
		st.CloseAfterDays = s.cfg().CloseAfterDays
	}
	return st, nil
}

// Open reports whether the article takes comments now.
func (st Rules) Open(publishedAt, now time.Time) bool {
	if st.Closed {
		return false
	}
	return st.CloseAfterDays <= 0 || now.Before(publishedAt.Add(time.Duration(st.CloseAfterDays)*24*time.Hour))
}

// ArticleOpen reports whether an article takes comments now (false for an
// unknown or unpublished one).
func (s *Store) ArticleOpen(ctx context.Context, articleID int64) (bool, error) {
	a, err := s.article(ctx, s.DB, articleID)
	if Code(err) == CodeNoArticle {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !a.Published {
		return false, nil
	}
	st, err := s.settings(ctx, s.DB, a)
	if err != nil {
		return false, err
	}
	return st.Open(a.PublishedAt, s.now()), nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// checkBody applies the size rules.
func (s *Store) checkBody(body string) error {
	if strings.TrimSpace(body) == "" {
		return refuse(CodeEmpty)
	}
	if !utf8.ValidString(body) {
		return refuse(CodeEmpty)
	}
	if utf8.RuneCountInString(body) > s.cfg().MaxLength {
		return refuse(CodeTooLong)
	}
	return nil
}

// canPost applies the rules about the reader.
func (s *Store) canPost(ctx context.Context, q querier, r *reader.Reader) error {
	if r == nil || r.ID == 0 {
		return refuse(CodeSignIn)
	}
	if !r.Verified {
		return refuse(CodeUnverified)
	}
	if !r.ConductAccepted {
		return refuse(CodeConduct)
	}
	return s.notBanned(ctx, q, r.ID)
}

// notBanned refuses a reader under a ban in force.
func (s *Store) notBanned(ctx context.Context, q querier, readerID int64) error {
	var n int
	err := q.QueryRow(ctx, `SELECT count(*) FROM comment_bans WHERE reader_id = ? AND (until_at = 0 OR until_at > ?)`,
		readerID, s.now().Unix()).Scan(&n)
	if err != nil {
		return fmt.Errorf("comment: bans: %w", err)
	}
	if n > 0 {
		return refuse(CodeBanned)
	}
	return nil
}
