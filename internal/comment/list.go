package comment

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// Node is a comment in a thread as readers see it. A Placeholder stands
// for a comment that is no longer shown but has replies that are: only
// "comment removed" is shown, never its text or author.
type Node struct {
	Comment
	Placeholder bool
	Depth       int
	Replies     []*Node
}

// Thread is one page of an article's discussion.
type Thread struct {
	Nodes []*Node // top-level comments of this page, with their replies
	Count int     // comments shown on all pages
	Sort  string  // oldest | newest | liked
	Page  int     // 1-based
	Pages int
}

// Sorts are the orders readers may choose; the first is the default.
var Sorts = []string{"oldest", "newest", "liked"}

// List returns page page of the article's discussion sorted by sort. Replies
// are always oldest first under their comment.
func (s *Store) List(ctx context.Context, articleID int64, sort string, page int) (Thread, error) {
	if !slices.Contains(Sorts, sort) {
		sort = Sorts[0]
	}
	rows, err := s.DB.Query(ctx, `SELECT `+cols+` FROM comments WHERE article_id = ? AND status <> 'pending' ORDER BY created_at, id`, articleID)
	if err != nil {
		return Thread{}, fmt.Errorf("comment: list %d: %w", articleID, err)
	}
	defer rows.Close()
	var all []*Node
	byID := map[int64]*Node{}
	for rows.Next() {
		c, err := scan(rows)
		if err != nil {
			return Thread{}, fmt.Errorf("comment: list %d: %w", articleID, err)
		}
		n := &Node{Comment: c}
		all = append(all, n)
		byID[c.ID] = n
	}
	if err := rows.Err(); err != nil {
		return Thread{}, fmt.Errorf("comment: list %d: %w", articleID, err)
	}
	var top []*Node
	for _, n := range all {
		if p := byID[n.ParentID]; n.ParentID != 0 && p != nil {
			p.Replies = append(p.Replies, n)
		} else if n.ParentID == 0 {
			top = append(top, n)
		}
	}
	count := 0
	var prune func(ns []*Node, depth int) []*Node
	prune = func(ns []*Node, depth int) []*Node {
		var out []*Node
		for _, n := range ns {
			n.Depth = depth
			n.Replies = prune(n.Replies, depth+1)
			if n.Visible() {
				count++
			} else if len(n.Replies) > 0 {
				n.Placeholder = true
				n.Body, n.AuthorName = "", ""
			} else {
				continue
			}
			out = append(out, n)
		}
		return out
	}
	top = prune(top, 0)
	switch sort {
	case "newest":
		slices.Reverse(top)
	case "liked":
		slices.SortStableFunc(top, func(a, b *Node) int { return b.Likes - a.Likes })
	}
	size := s.cfg().PageSize
	t := Thread{Count: count, Sort: sort, Pages: max(1, (len(top)+size-1)/size)}
	t.Page = min(max(page, 1), t.Pages)
	from := (t.Page - 1) * size
	t.Nodes = top[from:min(from+size, len(top))]
	return t, nil
}

// Counts returns how many comments readers see under each article.
func (s *Store) Counts(ctx context.Context, articleIDs []int64) (map[int64]int, error) {
	out := map[int64]int{}
	if len(articleIDs) == 0 {
		return out, nil
	}
	rows, err := s.DB.Query(ctx, `SELECT article_id, count(*) FROM comments WHERE article_id IN (`+db.Placeholders(len(articleIDs))+`)
		AND status = 'approved' AND hidden = FALSE GROUP BY article_id`, db.Args(articleIDs)...)
	if err != nil {
		return nil, fmt.Errorf("comment: counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("comment: counts: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}

// Mine returns the reader's comments on an article that are shown or held,
// oldest first: the cached page cannot say which are theirs.
func (s *Store) Mine(ctx context.Context, articleID, readerID int64) ([]Comment, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+cols+` FROM comments WHERE article_id = ? AND reader_id = ?
		AND status IN ('approved', 'pending') ORDER BY created_at, id`, articleID, readerID)
	if err != nil {
		return nil, fmt.Errorf("comment: mine: %w", err)
	}
	defer rows.Close()
	var out []Comment
	for rows.Next() {
		c, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("comment: mine: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Editable reports whether the comment's author may still edit it at now.
func (s *Store) Editable(c Comment, now time.Time) bool {
	return now.Before(c.CreatedAt.Add(s.cfg().EditWindow))
}
