package comment

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/reader"
)

// own loads a comment the reader may change.
func (s *Store) own(ctx context.Context, r *reader.Reader, id int64) (Comment, error) {
	if r == nil || r.ID == 0 {
		return Comment{}, refuse(CodeSignIn)
	}
	c, err := s.Get(ctx, id)
	if errors.Is(err, db.ErrNotFound) {
		return c, refuse(CodeGone)
	}
	if err != nil {
		return c, err
	}
	if c.ReaderID != r.ID {
		return c, refuse(CodeNotYours)
	}
	if c.Status == Deleted || c.Status == Rejected || c.Status == Spam {
		return c, refuse(CodeGone)
	}
	return c, nil
}

// Edit replaces the body of the reader's own comment within the edit
// window. The filters apply again: a reject refuses, a hold sends the
// comment back to the moderators.
func (s *Store) Edit(ctx context.Context, r *reader.Reader, id int64, body string) (Comment, error) {
	c, err := s.own(ctx, r, id)
	if err != nil {
		return c, err
	}
	if s.now().After(c.CreatedAt.Add(s.cfg().EditWindow)) {
		return c, refuse(CodeEditWindow)
	}
	if err := s.canPost(ctx, s.DB, r); err != nil {
		return c, err // a ban stops edits as it stops posts
	}
	var modEdits int
	if err := s.DB.QueryRow(ctx, `SELECT count(*) FROM comment_edits WHERE comment_id = ?`, c.ID).Scan(&modEdits); err != nil {
		return c, err
	}
	if modEdits > 0 {
		return c, refuse(CodeEditWindow) // a moderator's edit ends the reader's window
	}
	if err := s.checkBody(body); err != nil {
		return c, err
	}
	action, pattern, err := s.filter(ctx, s.DB, body)
	if err != nil {
		return c, err
	}
	if action == "reject" {
		return c, refuse(CodeFiltered)
	}
	rules, err := s.RulesFor(ctx, c.ArticleID)
	if err != nil {
		return c, err
	}
	wasVisible := c.Visible()
	c.Body, c.EditedAt = body, s.now().UTC()
	switch {
	case action == "hold":
		c.Status, c.HeldReason = Pending, "filter:"+pattern
	case rules.Mode == "pre" && c.Status == Approved:
		// Under pre-moderation an edited text is a new text: it waits too.
		c.Status, c.HeldReason = Pending, "premoderation"
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE comments SET body = ?, edited_at = ?, status = ?, held_reason = ? WHERE id = ?`,
			c.Body, c.EditedAt.Unix(), c.Status, c.HeldReason, c.ID); err != nil {
			return err
		}
		if wasVisible {
			return Invalidate(ctx, tx, c.ArticleID)
		}
		return nil
	})
	if err != nil {
		return c, fmt.Errorf("comment: edit %d: %w", id, err)
	}
	return c, nil
}

// Delete marks the reader's own comment deleted. Its text stays in the
// database for the moderators; readers see "comment deleted" where it had
// replies, nothing otherwise.
func (s *Store) Delete(ctx context.Context, r *reader.Reader, id int64) error {
	c, err := s.own(ctx, r, id)
	if err != nil {
		return err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE comments SET status = 'deleted' WHERE id = ?`, c.ID); err != nil {
			return err
		}
		return Invalidate(ctx, tx, c.ArticleID)
	})
	if err != nil {
		return fmt.Errorf("comment: delete %d: %w", id, err)
	}
	return nil
}

// shown loads a comment readers see, for a like or a flag.
func (s *Store) shown(ctx context.Context, r *reader.Reader, id int64) (Comment, error) {
	if r == nil || r.ID == 0 {
		return Comment{}, refuse(CodeSignIn)
	}
	if !r.Verified {
		return Comment{}, refuse(CodeUnverified)
	}
	c, err := s.Get(ctx, id)
	if errors.Is(err, db.ErrNotFound) {
		return c, refuse(CodeGone)
	}
	if err != nil {
		return c, err
	}
	if !c.Visible() {
		return c, refuse(CodeGone)
	}
	if c.ReaderID == r.ID {
		return c, refuse(CodeOwn)
	}
	if err := s.notBanned(ctx, s.DB, r.ID); err != nil {
		return c, err // a banned reader neither likes nor flags
	}
	return c, nil
}

// Like counts the reader's like once; it returns the new count.
func (s *Store) Like(ctx context.Context, r *reader.Reader, id int64) (int, error) {
	c, err := s.shown(ctx, r, id)
	if err != nil {
		return 0, err
	}
	var likes int
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `INSERT INTO comment_likes (comment_id, reader_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, c.ID, r.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return refuse(CodeTwice)
		}
		if err := tx.QueryRow(ctx, `UPDATE comments SET likes = likes + 1 WHERE id = ? RETURNING likes`, c.ID).Scan(&likes); err != nil {
			return err
		}
		return Invalidate(ctx, tx, c.ArticleID)
	})
	if Code(err) != "" {
		return 0, err
	}
	if err != nil {
		return 0, fmt.Errorf("comment: like %d: %w", id, err)
	}
	return likes, nil
}

// Flag records the reader's report with a reason, once. Past the threshold
// of flags the comment is hidden until a moderator reviews it. It reports
// whether this flag hid the comment.
func (s *Store) Flag(ctx context.Context, r *reader.Reader, id int64, reason string) (bool, error) {
	if !slices.Contains(FlagReasons, reason) {
		return false, refuse(CodeReason)
	}
	c, err := s.shown(ctx, r, id)
	if err != nil {
		return false, err
	}
	threshold := s.cfg().FlagThreshold
	hid := false
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `INSERT INTO comment_flags (comment_id, reader_id, reason, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			c.ID, r.ID, reason, s.now().Unix())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return refuse(CodeTwice)
		}
		var flags int
		var hidden bool
		if err := tx.QueryRow(ctx, `UPDATE comments SET flags = flags + 1 WHERE id = ? RETURNING flags, hidden`, c.ID).Scan(&flags, &hidden); err != nil {
			return err
		}
		if flags >= threshold && !hidden {
			if _, err := tx.Exec(ctx, `UPDATE comments SET hidden = TRUE WHERE id = ?`, c.ID); err != nil {
				return err
			}
			hid = true
			return Invalidate(ctx, tx, c.ArticleID)
		}
		return nil
	})
	if Code(err) != "" {
		return false, err
	}
	if err != nil {
		return false, fmt.Errorf("comment: flag %d: %w", id, err)
	}
	return hid, nil
}
