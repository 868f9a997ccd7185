package comment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/i18n"
	"github.com/lede-news/lede/internal/jobs"
	"github.com/lede-news/lede/internal/mail"
)

// Mailer sends one message (internal/mail's Sender).
type Mailer interface {
	Send(ctx context.Context, m mail.Message) error
}

// Notifier sends reply notifications from the jobs queue: the job and its
// completion commit together, so one node sends each (a node that dies
// between the send and the commit can make another send it again).
type Notifier struct {
	DB      *db.DB
	Mail    Mailer
	BaseURL string // https://example.org
}

// Job sends the email for the reply whose id is the payload, if the author
// of the comment replied to asked for it and still should get it.
func (n *Notifier) Job(ctx context.Context, tx *db.Tx, j jobs.Job) error {
	id, err := strconv.ParseInt(j.Payload, 10, 64)
	if err != nil {
		return fmt.Errorf("comment: notify: bad payload %q", j.Payload)
	}
	reply, err := get(ctx, tx, id)
	if errors.Is(err, db.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !reply.Visible() || reply.ParentID == 0 {
		return nil
	}
	parent, err := get(ctx, tx, reply.ParentID)
	if err != nil {
		return db.NotFound(err)
	}
	if parent.ReaderID == 0 || parent.ReaderID == reply.ReaderID || parent.Status == Deleted {
		return nil
	}
	var email, name string
	var verified int64
	var notify bool
	err = tx.QueryRow(ctx, `SELECT email, name, verified_at, notify_replies FROM readers WHERE id = ?`, parent.ReaderID).
		Scan(&email, &name, &verified, &notify)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if !notify || verified == 0 {
		return nil
	}
	var code, lang, sec, slug, headline string
	err = tx.QueryRow(ctx, `SELECT e.code, e.lang, s.slug, a.slug, a.headline FROM articles a
		JOIN editions e ON e.id = a.edition_id JOIN sections s ON s.id = a.section_id WHERE a.id = ?`, reply.ArticleID).
		Scan(&code, &lang, &sec, &slug, &headline)
	if err != nil {
		return db.NotFound(err)
	}
	T := i18n.For(lang)
	link := n.BaseURL + "/" + code + "/" + sec + "/" + slug + "#c" + itoa(reply.ID)
	settings := n.BaseURL + "/" + code + "/account/settings"
	excerpt := reply.Body
	if r := []rune(excerpt); len(r) > 500 {
		excerpt = string(r[:500]) + "…"
	}
	quoted := "> " + strings.ReplaceAll(strings.TrimSpace(excerpt), "\n", "\n> ")
	text := T.T("comment_mail_greeting", name) + "\n\n" +
		T.T("comment_mail_body", displayName(T, reply.AuthorName), headline) + "\n\n" + quoted + "\n\n" +
		T.T("comment_mail_link") + "\n" + link + "\n\n-- \n" + T.T("comment_mail_stop") + "\n" + settings + "\n"
	return n.Mail.Send(ctx, mail.Message{To: []string{email}, Subject: T.T("comment_mail_subject", headline), Text: text,
		Headers: map[string]string{"List-Unsubscribe": "<" + settings + ">"}})
}

// displayName is the name shown for an author; "" is a deleted account.
func displayName(T *i18n.Catalog, name string) string {
	if name == "" {
		return T.T("comment_deleted_account")
	}
	return name
}
