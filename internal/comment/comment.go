// Package comment keeps readers' comments under articles: posting with its
// rules (sign-in, code of conduct, bans, moderation mode, closed articles,
// first comments held, word and link filters, rate limits, size), replies,
// edits, deletion, likes, flags with auto-hide, the safe markup they are
// shown through, and reply notifications. The newsroom's moderation actions
// live in moderation*.go.
package comment

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/lede-news/lede/internal/changes"
	"github.com/lede-news/lede/internal/db"
)

// Statuses of a comment.
const (
	Pending  = "pending"
	Approved = "approved"
	Rejected = "rejected"
	Spam     = "spam"
	Deleted  = "deleted"
)

// Comment is one comment as stored.
type Comment struct {
	ID         int64
	ArticleID  int64
	ParentID   int64 // 0: a top-level comment
	ReaderID   int64 // 0: the reader deleted their account
	AuthorName string
	Body       string // verbatim
	Status     string
	HeldReason string
	Hidden     bool
	Likes      int
	Flags      int
	AddrHash   string
	CreatedAt  time.Time
	EditedAt   time.Time // zero: never edited
}

// Visible reports whether readers see the comment.
func (c Comment) Visible() bool { return c.Status == Approved && !c.Hidden }

// Tag is the cache tag of an article's discussion: only the article's own
// page carries it, so a new comment drops that one page and no list.
func Tag(articleID int64) string { return "discussion:" + strconv.FormatInt(articleID, 10) }

// Invalidate records, inside tx, that what readers see of articleID's
// discussion changed, so every node drops that article's cached page.
func Invalidate(ctx context.Context, tx *db.Tx, articleID int64) error {
	return changes.Record(ctx, tx, Tag(articleID))
}

// ForgetReader is called inside the transaction that deletes a reader's
// account. remove=false keeps their comments, shown as by a deleted account;
// remove=true marks them deleted. Either way the link to the reader goes.
func ForgetReader(ctx context.Context, tx *db.Tx, readerID int64, remove bool) error {
	rows, err := tx.Query(ctx, `SELECT DISTINCT article_id FROM comments WHERE reader_id = ?`, readerID)
	if err != nil {
		return fmt.Errorf("comment: forget reader: %w", err)
	}
	var articles []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("comment: forget reader: %w", err)
		}
		articles = append(articles, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("comment: forget reader: %w", err)
	}
	q := `UPDATE comments SET reader_id = NULL, author_name = '', addr_hash = '' WHERE reader_id = ?`
	if remove {
		q = `UPDATE comments SET reader_id = NULL, author_name = '', addr_hash = '', status = 'deleted', body = '' WHERE reader_id = ?`
	}
	if _, err := tx.Exec(ctx, q, readerID); err != nil {
		return fmt.Errorf("comment: forget reader: %w", err)
	}
	for _, a := range articles {
		if err := Invalidate(ctx, tx, a); err != nil {
			return err
		}
	}
	return nil
}
