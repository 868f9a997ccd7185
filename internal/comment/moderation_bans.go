package comment

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

// BanDurations are the lengths a moderator chooses from.
var BanDurations = []struct {
	Value, Label string
	Days         int // 0: for good
}{
	{"1d", "1 day", 1}, {"7d", "7 days", 7}, {"30d", "30 days", 30}, {"forever", "For good", 0},
}

// ParseBanDuration reads a duration value ("1d", "7d", "30d", "forever").
func ParseBanDuration(v string) (days int, err error) {
	for _, d := range BanDurations {
		if d.Value == v {
			return d.Days, nil
		}
	}
	return 0, ErrBadDuration
}

// Ban keeps a reader from commenting for days (0: for good). A new ban
// replaces the one in force, if any.
func (m *Moderator) Ban(ctx context.Context, userID, readerID int64, days int, reason string) (ReaderBan, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return ReaderBan{}, ErrNoReason
	}
	if days != 0 && days != 1 && days != 7 && days != 30 {
		return ReaderBan{}, ErrBadDuration
	}
	now := m.now()
	b := ReaderBan{ReaderID: readerID, ByUser: userID, Reason: reason, CreatedAt: now.UTC().Truncate(time.Second)}
	var until int64
	if days > 0 {
		b.Until = now.Add(time.Duration(days) * 24 * time.Hour).UTC().Truncate(time.Second)
		until = b.Until.Unix()
	}
	err := m.DB.InTx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM readers WHERE id = ?`, readerID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrNoReader
		}
		// One ban in force at a time: end the current one now.
		if _, err := tx.Exec(ctx, `UPDATE comment_bans SET until_at = ? WHERE reader_id = ? AND (until_at = 0 OR until_at > ?)`,
			now.Unix(), readerID, now.Unix()); err != nil {
			return fmt.Errorf("comment: ban: %w", err)
		}
		var err error
		b.ID, err = tx.InsertID(ctx, `INSERT INTO comment_bans (reader_id, until_at, reason, by_user, created_at) VALUES (?, ?, ?, ?, ?)`,
			readerID, until, reason, userID, now.Unix())
		if err != nil {
			return fmt.Errorf("comment: ban: %w", err)
		}
		length := "for good"
		if days > 0 {
			length = strconv.Itoa(days) + " days"
		}
		return newsroom.Audit(ctx, tx, userID, "comment.ban", "reader:"+strconv.FormatInt(readerID, 10), length+": "+reason)
	})
	return b, err
}

// BanAuthor bans the reader who wrote comment id.
func (m *Moderator) BanAuthor(ctx context.Context, userID, id int64, days int, reason string) (ReaderBan, error) {
	var readerID sql.NullInt64
	err := m.DB.QueryRow(ctx, `SELECT reader_id FROM comments WHERE id = ?`, id).Scan(&readerID)
	if errors.Is(err, sql.ErrNoRows) {
		return ReaderBan{}, ErrNoComment
	}
	if err != nil {
		return ReaderBan{}, err
	}
	if !readerID.Valid {
		return ReaderBan{}, ErrNoReader
	}
	return m.Ban(ctx, userID, readerID.Int64, days, reason)
}

// Lift ends a reader's ban now; the ban stays in the reader's history.
func (m *Moderator) Lift(ctx context.Context, userID, readerID int64) error {
	return m.DB.InTx(ctx, func(tx *db.Tx) error {
		now := m.now().Unix()
		res, err := tx.Exec(ctx, `UPDATE comment_bans SET until_at = ? WHERE reader_id = ? AND (until_at = 0 OR until_at > ?)`, now, readerID, now)
		if err != nil {
			return fmt.Errorf("comment: lift ban: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNoBan
		}
		return newsroom.Audit(ctx, tx, userID, "comment.unban", "reader:"+strconv.FormatInt(readerID, 10), "")
	})
}

// Bans lists the bans in force, newest first.
func (m *Moderator) Bans(ctx context.Context) ([]BanRow, error) {
	rows, err := m.DB.Query(ctx, `SELECT b.id, b.reader_id, b.by_user, b.until_at, b.reason, b.created_at, COALESCE(r.name, ''), COALESCE(r.email, '')
		FROM comment_bans b LEFT JOIN readers r ON r.id = b.reader_id
		WHERE b.until_at = 0 OR b.until_at > ? ORDER BY b.id DESC LIMIT 500`, m.now().Unix())
	if err != nil {
		return nil, fmt.Errorf("comment: bans: %w", err)
	}
	defer rows.Close()
	var out []BanRow
	for rows.Next() {
		var b BanRow
		var until, created int64
		if err := rows.Scan(&b.ID, &b.ReaderID, &b.ByUser, &until, &b.Reason, &created, &b.Name, &b.Email); err != nil {
			return nil, err
		}
		if until > 0 {
			b.Until = time.Unix(until, 0).UTC()
		}
		b.CreatedAt = time.Unix(created, 0).UTC()
		out = append(out, b)
	}
	return out, rows.Err()
}

// BanRow is a ban with the reader's name, for the bans list.
type BanRow struct {
	ReaderBan
	Name, Email string
}

// FlagRow is one reader's report on a comment.
type FlagRow struct {
	ReaderID  int64
	Reason    string
	CreatedAt time.Time
	Reviewed  bool
}

// Flags lists a comment's flags, open ones first.
func (m *Moderator) Flags(ctx context.Context, id int64) ([]FlagRow, error) {
	rows, err := m.DB.Query(ctx, `SELECT reader_id, reason, created_at, reviewed FROM comment_flags WHERE comment_id = ?
		ORDER BY reviewed, created_at`, id)
	if err != nil {
		return nil, fmt.Errorf("comment: flags: %w", err)
	}
	defer rows.Close()
	var out []FlagRow
	for rows.Next() {
		var f FlagRow
		var at int64
		if err := rows.Scan(&f.ReaderID, &f.Reason, &at, &f.Reviewed); err != nil {
			return nil, err
		}
		f.CreatedAt = time.Unix(at, 0).UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// DismissFlags marks a comment's flags reviewed and shows it again if the
// flags had hidden it; its status does not change.
func (m *Moderator) DismissFlags(ctx context.Context, userID, id int64) error {
	return m.DB.InTx(ctx, func(tx *db.Tx) error {
		articleID, status, hidden, err := modLoad(ctx, tx, id)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE comment_flags SET reviewed = ? WHERE comment_id = ? AND NOT reviewed`, true, id)
		if err != nil {
			return fmt.Errorf("comment: dismiss flags: %w", err)
		}
		n, _ := res.RowsAffected()
		if _, err := tx.Exec(ctx, `UPDATE comments SET hidden = ?, flags = 0 WHERE id = ?`, false, id); err != nil {
			return fmt.Errorf("comment: dismiss flags: %w", err)
		}
		if err := newsroom.Audit(ctx, tx, userID, "comment.flags_dismiss", modTarget(id), strconv.FormatInt(n, 10)+" flags; "+status); err != nil {
			return err
		}
		if hidden {
			return Invalidate(ctx, tx, articleID)
		}
		return nil
	})
}

// UpholdFlags agrees with the flags: the comment is rejected.
func (m *Moderator) UpholdFlags(ctx context.Context, userID, id int64) error {
	return m.setStatus(ctx, userID, id, "rejected", "comment.flags_uphold")
}
