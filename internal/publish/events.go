package publish

import (
	"context"

	"github.com/lede-news/lede/internal/db"
)

// eventSink hears, inside the transaction that makes the change, that an
// article was published, updated or taken down (outgoing webhooks).
type eventSink interface {
	ArticleEvent(ctx context.Context, tx *db.Tx, articleID int64, event string) error
}

// Event names what a change of status from → to means to the outside
// world: "article.published" when it becomes visible, "article.updated"
// when a visible article is saved, "article.unpublished" when it stops
// being visible; "" otherwise (drafts, reviews, scheduling).
func Event(from, to string) string {
	const published = "published"
	switch {
	case from != published && to == published:
		return "article.published"
	case from == published && to == published:
		return "article.updated"
	case from == published && to != published:
		return "article.unpublished"
	}
	return ""
}

// Transition tells the event sink, if any, of article id's change of status.
func (p *Publisher) Transition(ctx context.Context, tx *db.Tx, id int64, from, to string) error {
	ev := Event(from, to)
	if p == nil || p.Events == nil || ev == "" {
		return nil
	}
	return p.Events.ArticleEvent(ctx, tx, id, ev)
}
