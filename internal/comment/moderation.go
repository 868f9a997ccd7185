package comment

// Moderation: the newsroom's side of comments. Every action runs in one
// transaction with its audit row, and invalidates the article page when it
// changes what readers see. Permissions are the caller's (account.Can with
// CommentModerate).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/newsroom"
)

// Moderation errors: the caller shows them; nothing was changed.
var (
	ErrNoComment     = errors.New("comment: no such comment")
	ErrNoReader      = errors.New("comment: the comment's author has no account any more")
	ErrBadDuration   = errors.New("comment: a ban lasts 1, 7 or 30 days, or for good")
	ErrNoReason      = errors.New("comment: give a reason (at most 500 characters)")
	ErrNoBan         = errors.New("comment: no such ban in force")
	ErrBadScope      = errors.New("comment: no such edition, section or article")
	ErrBadSettings   = errors.New("comment: mode is pre, post or inherit; closing after 0 to 3650 days, or inherit")
	ErrBadFilter     = errors.New("comment: a filter is a word or a link (1 to 200 characters) that holds or rejects")
	ErrDuplicate     = errors.New("comment: that filter exists already")
	ErrNoFilter      = errors.New("comment: no such filter")
	ErrEmptyBody     = errors.New("comment: the text may not be empty (at most 5000 characters)")
	ErrReaderDeleted = errors.New("comment: the reader deleted this comment; it cannot be restored")
)

// Queue views.
const (
	QueueReview  = "review"  // everything waiting for a moderator: held, hidden or flagged
	QueueHeld    = "pending" // held before publication
	QueueFlagged = "flagged" // flags not reviewed yet (hidden or not)
	QueueAll     = "all"
)

// QueueViews lists the queue's views, for the filter menu (the comment
// statuses approved, rejected and spam are views too).
func QueueViews() []string {
	return []string{QueueReview, QueueHeld, QueueFlagged, "approved", "rejected", "spam", QueueAll}
}

// QueueFilter chooses what the queue lists.
type QueueFilter struct {
	EditionID int64  // 0: every edition
	View      string // one of QueueViews; "" is QueueReview
	Limit     int    // default 50
	BeforeID  int64  // page on: items with a smaller id (newest first)
}

// FlagReason counts the open flags of one reason.
type FlagReason struct {
	Reason string
	Count  int
}

// AuthorHistory is what a moderator weighs before deciding.
type AuthorHistory struct {
	Comments, Approved, Rejected, Spam int
	Bans                               int
	ActiveBan                          *ReaderBan // nil: not banned now
}

// QueueItem is one comment in the queue, with its context.
type QueueItem struct {
	ID, ArticleID, ParentID, ReaderID int64
	AuthorName, Body, Status          string
	HeldReason                        string
	Hidden                            bool
	Flags                             int // open (unreviewed) flags
	FlagReasons                       []FlagReason
	CreatedAt, EditedAt               time.Time
	Headline, Path, Edition           string // the article, its public path, its edition's code
	Author                            AuthorHistory
}

// ReaderBan keeps a reader from commenting until Until (zero: for good).
type ReaderBan struct {
	ID, ReaderID, ByUser int64
	Until                time.Time
	Reason               string
	CreatedAt            time.Time
}

// Forever reports whether the ban never ends.
func (b ReaderBan) Forever() bool { return b.Until.IsZero() }

// Moderator changes comments on behalf of newsroom users.
type Moderator struct {
	DB     *db.DB
	Config Config // the comment settings, for the defaults of the rules
	Now    func() time.Time
}

func (m *Moderator) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// Queue lists comments for f, newest first.
func (m *Moderator) Queue(ctx context.Context, f QueueFilter) ([]QueueItem, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	where := []string{"1=1"}
	var args []any
	switch f.View {
	case "", QueueReview:
		where = append(where, "(c.status = 'pending' OR (c.hidden AND c.status = 'approved') OR EXISTS (SELECT 1 FROM comment_flags f WHERE f.comment_id = c.id AND NOT f.reviewed AND c.status = 'approved'))")
	case QueueHeld:
		where = append(where, "c.status = 'pending'")
	case QueueFlagged:
		where = append(where, "EXISTS (SELECT 1 FROM comment_flags f WHERE f.comment_id = c.id AND NOT f.reviewed)")
	case "approved", "rejected", "spam":
		where = append(where, "c.status = ?")
		args = append(args, f.View)
	case QueueAll:
		where = append(where, "c.status <> 'deleted'")
	default:
		return nil, fmt.Errorf("comment: unknown queue view %q", f.View)
	}
	if f.EditionID != 0 {
		where = append(where, "a.edition_id = ?")
		args = append(args, f.EditionID)
	}
	if f.BeforeID > 0 {
		where = append(where, "c.id < ?")
		args = append(args, f.BeforeID)
	}
	args = append(args, f.Limit)
	rows, err := m.DB.Query(ctx, `SELECT c.id, c.article_id, COALESCE(c.parent_id, 0), COALESCE(c.reader_id, 0), c.author_name, c.body,
		c.status, c.held_reason, c.hidden, c.created_at, c.edited_at, a.headline, e.code, s.slug, a.slug
		FROM comments c JOIN articles a ON a.id = c.article_id JOIN editions e ON e.id = a.edition_id
		JOIN sections s ON s.id = a.section_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY c.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("comment: queue: %w", err)
	}
	var items []QueueItem
	for rows.Next() {
		var it QueueItem
		var created, edited int64
		var sec, slug string
		if err := rows.Scan(&it.ID, &it.ArticleID, &it.ParentID, &it.ReaderID, &it.AuthorName, &it.Body, &it.Status, &it.HeldReason,
			&it.Hidden, &created, &edited, &it.Headline, &it.Edition, &sec, &slug); err != nil {
			rows.Close()
			return nil, fmt.Errorf("comment: queue: %w", err)
		}
		it.CreatedAt = time.Unix(created, 0).UTC()
		if edited > 0 {
			it.EditedAt = time.Unix(edited, 0).UTC()
		}
		it.Path = "/" + it.Edition + "/" + sec + "/" + slug
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("comment: queue: %w", err)
	}
	histories := map[int64]AuthorHistory{}
	for i := range items {
		it := &items[i]
		if it.FlagReasons, err = m.flagReasons(ctx, it.ID); err != nil {
			return nil, err
		}
		for _, r := range it.FlagReasons {
			it.Flags += r.Count
		}
		if it.ReaderID == 0 {
			continue
		}
		h, ok := histories[it.ReaderID]
		if !ok {
			if h, err = m.History(ctx, it.ReaderID); err != nil {
				return nil, err
			}
			histories[it.ReaderID] = h
		}
		it.Author = h
	}
	return items, nil
}

// Item returns one comment as the queue shows it.
func (m *Moderator) Item(ctx context.Context, id int64) (QueueItem, error) {
	items, err := m.Queue(ctx, QueueFilter{View: QueueAll, BeforeID: id + 1, Limit: 1})
	if err != nil {
		return QueueItem{}, err
	}
	if len(items) == 0 || items[0].ID != id {
		return QueueItem{}, ErrNoComment
	}
	return items[0], nil
}

// QueueCount is how many comments wait for a moderator (the nav's badge).
func (m *Moderator) QueueCount(ctx context.Context) (int, error) {
	var n int
	err := m.DB.QueryRow(ctx, `SELECT count(*) FROM comments c WHERE c.status = 'pending' OR (c.status = 'approved' AND (c.hidden
		OR EXISTS (SELECT 1 FROM comment_flags f WHERE f.comment_id = c.id AND NOT f.reviewed)))`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("comment: queue count: %w", err)
	}
	return n, nil
}

func (m *Moderator) flagReasons(ctx context.Context, id int64) ([]FlagReason, error) {
	rows, err := m.DB.Query(ctx, `SELECT reason, count(*) FROM comment_flags WHERE comment_id = ? AND NOT reviewed
		GROUP BY reason ORDER BY count(*) DESC, reason`, id)
	if err != nil {
		return nil, fmt.Errorf("comment: flags: %w", err)
	}
	defer rows.Close()
	var out []FlagReason
	for rows.Next() {
		var r FlagReason
		if err := rows.Scan(&r.Reason, &r.Count); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// History counts a reader's comments by status and bans.
func (m *Moderator) History(ctx context.Context, readerID int64) (AuthorHistory, error) {
	var h AuthorHistory
	err := m.DB.QueryRow(ctx, `SELECT count(*),
		COALESCE(SUM(CASE WHEN status = 'approved' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'spam' THEN 1 ELSE 0 END), 0)
		FROM comments WHERE reader_id = ?`, readerID).Scan(&h.Comments, &h.Approved, &h.Rejected, &h.Spam)
	if err != nil {
		return h, fmt.Errorf("comment: history: %w", err)
	}
	if err := m.DB.QueryRow(ctx, `SELECT count(*) FROM comment_bans WHERE reader_id = ?`, readerID).Scan(&h.Bans); err != nil {
		return h, fmt.Errorf("comment: history: %w", err)
	}
	b, err := m.ActiveBan(ctx, readerID)
	if err == nil {
		h.ActiveBan = &b
	} else if !errors.Is(err, ErrNoBan) {
		return h, err
	}
	return h, nil
}

// ActiveBan returns the ban in force on a reader, or ErrNoBan.
func (m *Moderator) ActiveBan(ctx context.Context, readerID int64) (ReaderBan, error) {
	var b ReaderBan
	var until, created int64
	err := m.DB.QueryRow(ctx, `SELECT id, reader_id, by_user, until_at, reason, created_at FROM comment_bans
		WHERE reader_id = ? AND (until_at = 0 OR until_at > ?) ORDER BY until_at = 0 DESC, until_at DESC LIMIT 1`,
		readerID, m.now().Unix()).Scan(&b.ID, &b.ReaderID, &b.ByUser, &until, &b.Reason, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return b, ErrNoBan
	}
	if err != nil {
		return b, fmt.Errorf("comment: ban: %w", err)
	}
	if until > 0 {
		b.Until = time.Unix(until, 0).UTC()
	}
	b.CreatedAt = time.Unix(created, 0).UTC()
	return b, nil
}

// target is what the audit log names.
func modTarget(id int64) string { return "comment:" + strconv.FormatInt(id, 10) }

// load reads what an action needs about a comment, inside tx.
func modLoad(ctx context.Context, tx *db.Tx, id int64) (articleID int64, status string, hidden bool, err error) {
	err = tx.QueryRow(ctx, `SELECT article_id, status, hidden FROM comments WHERE id = ?`, id).Scan(&articleID, &status, &hidden)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNoComment
	}
	return
}

// setStatus moves a comment to status, closes its open flags (a moderator
// looked at it) and un-hides it: hidden only means "waiting for review".
func (m *Moderator) setStatus(ctx context.Context, userID, id int64, status, action string) error {
	return m.DB.InTx(ctx, func(tx *db.Tx) error {
		articleID, from, _, err := modLoad(ctx, tx, id)
		if err != nil {
			return err
		}
		if from == "deleted" {
			return ErrReaderDeleted
		}
		if _, err := tx.Exec(ctx, `UPDATE comments SET status = ?, hidden = ?, flags = 0 WHERE id = ?`, status, false, id); err != nil {
			return fmt.Errorf("comment: %s: %w", action, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE comment_flags SET reviewed = ? WHERE comment_id = ? AND NOT reviewed`, true, id); err != nil {
			return fmt.Errorf("comment: %s: %w", action, err)
		}
		if err := newsroom.Audit(ctx, tx, userID, action, modTarget(id), from+" → "+status); err != nil {
			return err
		}
		if status == "approved" && from != "approved" {
			// A held reply tells its parent's author only once it is shown.
			if err := NotifyReply(ctx, tx, id); err != nil {
				return err
			}
		}
		return Invalidate(ctx, tx, articleID)
	})
}

// Approve publishes a held comment, or clears a hidden or flagged one.
func (m *Moderator) Approve(ctx context.Context, userID, id int64) error {
	return m.setStatus(ctx, userID, id, "approved", "comment.approve")
}

// Reject takes a comment off the page; its text is kept.
func (m *Moderator) Reject(ctx context.Context, userID, id int64) error {
	return m.setStatus(ctx, userID, id, "rejected", "comment.reject")
}

// Spam rejects a comment as spam; its text is kept.
func (m *Moderator) Spam(ctx context.Context, userID, id int64) error {
	return m.setStatus(ctx, userID, id, "spam", "comment.spam")
}

// Restore puts a rejected or spam comment back on the page.
func (m *Moderator) Restore(ctx context.Context, userID, id int64) error {
	return m.setStatus(ctx, userID, id, "approved", "comment.restore")
}

// maxEditBody bounds a moderator's edit like a reader's comment.
const maxEditBody = 5000

// Edit replaces a comment's text. The text it replaces is kept verbatim in
// comment_edits (named by the audit row), so the edit can be undone.
func (m *Moderator) Edit(ctx context.Context, userID, id int64, body string) error {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	if strings.TrimSpace(body) == "" || utf8.RuneCountInString(body) > maxEditBody || !utf8.ValidString(body) {
		return ErrEmptyBody
	}
	return m.DB.InTx(ctx, func(tx *db.Tx) error {
		var articleID int64
		var before, status string
		err := tx.QueryRow(ctx, `SELECT article_id, body, status FROM comments WHERE id = ?`, id).Scan(&articleID, &before, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNoComment
		}
		if err != nil {
			return err
		}
		if status == "deleted" {
			return ErrReaderDeleted
		}
		if before == body {
			return nil
		}
		now := m.now().Unix()
		editID, err := tx.InsertID(ctx, `INSERT INTO comment_edits (comment_id, body_before, body_after, user_id, at) VALUES (?, ?, ?, ?, ?)`,
			id, before, body, userID, now)
		if err != nil {
			return fmt.Errorf("comment: edit: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE comments SET body = ?, edited_at = ? WHERE id = ?`, body, now, id); err != nil {
			return fmt.Errorf("comment: edit: %w", err)
		}
		if err := newsroom.Audit(ctx, tx, userID, "comment.edit", modTarget(id), "edit:"+strconv.FormatInt(editID, 10)); err != nil {
			return err
		}
		return Invalidate(ctx, tx, articleID)
	})
}

// ModEdit is one moderator edit of a comment.
type ModEdit struct {
	ID, UserID    int64
	Before, After string
	At            time.Time
}

// Edits lists a comment's moderator edits, oldest first.
func (m *Moderator) Edits(ctx context.Context, id int64) ([]ModEdit, error) {
	rows, err := m.DB.Query(ctx, `SELECT id, user_id, body_before, body_after, at FROM comment_edits WHERE comment_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("comment: edits: %w", err)
	}
	defer rows.Close()
	var out []ModEdit
	for rows.Next() {
		var r ModEdit
		var at int64
		if err := rows.Scan(&r.ID, &r.UserID, &r.Before, &r.After, &at); err != nil {
			return nil, err
		}
		r.At = time.Unix(at, 0).UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// RevertEdits puts back the text the reader wrote before the first
// moderator edit (itself recorded as an edit).
func (m *Moderator) RevertEdits(ctx context.Context, userID, id int64) error {
	var original string
	err := m.DB.QueryRow(ctx, `SELECT body_before FROM comment_edits WHERE comment_id = ? ORDER BY id LIMIT 1`, id).Scan(&original)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNoComment
	}
	if err != nil {
		return err
	}
	return m.Edit(ctx, userID, id, original)
}
