package web

import (
	"context"
	"html/template"
	"net/url"
	"strconv"
	"time"

	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/comment"
	"github.com/lede-news/lede/internal/i18n"
)

// nodeView is one comment as the templates show it. Author names are
// plain strings: the templates escape them.
type nodeView struct {
	T             *i18n.Catalog
	ID            int64
	Author        string
	Placeholder   bool
	Body          template.HTML
	Date, DateISO string
	Edited        bool
	Likes         int
	LikesLabel    string
	Depth         int
	Replies       []*nodeView
	ActionsURL    string // the private page with like, report, edit, delete
	ReplyURL      string // the private form page
	Held          bool   // shown to its author only, in the JSON answer
	HeldNote      string
}

func (h *Handler) nodeView(e *ed, n *comment.Node) *nodeView {
	v := &nodeView{T: e.T, ID: n.ID, Placeholder: n.Placeholder, Depth: n.Depth, Likes: n.Likes,
		Date: e.T.DateTime(n.CreatedAt.In(e.Loc)), DateISO: n.CreatedAt.Format(time.RFC3339), Edited: !n.EditedAt.IsZero(),
		LikesLabel: likesLabel(e, n.Likes),
		ActionsURL: "/" + e.Code + "/comments/" + strconv.FormatInt(n.ID, 10),
		ReplyURL:   "/" + e.Code + "/comments/new?article=" + strconv.FormatInt(n.ArticleID, 10) + "&parent=" + strconv.FormatInt(n.ID, 10)}
	if !n.Placeholder {
		v.Author = n.AuthorName
		if v.Author == "" {
			v.Author = e.T.T("comment_deleted_account")
		}
		v.Body = comment.Render(n.Body)
	}
	for _, r := range n.Replies {
		v.Replies = append(v.Replies, h.nodeView(e, r))
	}
	return v
}

func likesLabel(e *ed, n int) string {
	if n == 1 {
		return e.T.T("comment_likes_one")
	}
	return e.T.T("comment_likes", e.T.Number(int64(n)))
}

func (v *nodeView) withHeld(held bool, note string) *nodeView {
	v.Held, v.HeldNote = held, note
	return v
}

// discussionView is the discussion area of the cached article page: the
// same for every reader, so it holds no reader's data (no token, no name).
type discussionView struct {
	T              *i18n.Catalog
	Edition        string
	ArticleID      int64
	Open           bool
	Count          string
	CountN         int
	Sorts          []sortLink
	Nodes          []*nodeView
	Page, Pages    int
	PageLabel      string
	PrevURL        string
	NextURL        string
	NewURL         string // the private form page
	SignInURL      string
	Providers      []readerProvider
	Form           commentForm // the form JavaScript shows, without a token
	Reasons        []flagReason
	MeURL, MineURL string
}

type sortLink struct {
	Label, URL string
	Current    bool
}

// discussionVariant reads ?sort= and ?page= of an article page: "" for the
// default (oldest first, page 1), else the canonical query the variant is
// cached under. ok is false for values that name no variant.
func discussionVariant(q url.Values) (sort string, page int, variant string, ok bool) {
	sort, page = "oldest", 1
	if s := q.Get("sort"); s != "" {
		valid := false
		for _, x := range comment.Sorts {
			valid = valid || x == s
		}
		if !valid {
			return "oldest", 1, "", false
		}
		sort = s
	}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 10000 {
			return "oldest", 1, "", false
		}
		page = n
	}
	if sort == "oldest" && page == 1 {
		return sort, page, "", true
	}
	return sort, page, "?sort=" + sort + "&page=" + strconv.Itoa(page), true
}

// discussion renders the discussion area of article a for the cached page.
func (h *Handler) discussion(ctx context.Context, e *ed, a article.Article, path, sort string, page int) (template.HTML, error) {
	if h.comments == nil {
		return "", nil
	}
	u := h.comments
	th, err := u.store.List(ctx, a.ID, sort, page)
	if err != nil {
		return "", err
	}
	open, err := u.store.ArticleOpen(ctx, a.ID)
	if err != nil {
		return "", err
	}
	aid := strconv.FormatInt(a.ID, 10)
	newURL := "/" + e.Code + "/comments/new?article=" + aid
	v := discussionView{T: e.T, Edition: e.Code, ArticleID: a.ID, Open: open, CountN: th.Count, Page: th.Page, Pages: th.Pages,
		NewURL: newURL, SignInURL: signInURL(e, newURL), MeURL: "/" + e.Code + "/account/me.json",
		MineURL: "/" + e.Code + "/comments/mine.json?article=" + aid,
		Form: commentForm{T: e.T, Action: "/" + e.Code + "/comments/new", ArticleID: a.ID, ConductURL: "/" + e.Code + "/conduct",
			MaxLength: u.maxLength(), Label: e.T.T("comment_form_label")}}
	v.Count = commentCount(e.T, th.Count)
	for _, p := range h.readerProviders(e) {
		p.StartURL += "?next=" + url.QueryEscape(newURL)
		v.Providers = append(v.Providers, p)
	}
	for _, s := range comment.Sorts {
		q := "?sort=" + s
		if s == "oldest" {
			q = ""
		}
		v.Sorts = append(v.Sorts, sortLink{Label: e.T.T("comment_sort_" + s), URL: path + q + "#discussion", Current: s == th.Sort})
	}
	pageURL := func(n int) string {
		return path + "?sort=" + th.Sort + "&page=" + strconv.Itoa(n) + "#discussion"
	}
	if th.Page > 1 {
		v.PrevURL = pageURL(th.Page - 1)
	}
	if th.Page < th.Pages {
		v.NextURL = pageURL(th.Page + 1)
	}
	if th.Pages > 1 {
		v.PageLabel = e.T.T("comment_page", th.Page, th.Pages)
	}
	for _, n := range th.Nodes {
		v.Nodes = append(v.Nodes, h.nodeView(e, n))
	}
	for _, reason := range comment.FlagReasons {
		v.Reasons = append(v.Reasons, flagReason{reason, e.T.T("comment_flag_" + reason)})
	}
	b, err := u.execute("discussion", v)
	if err != nil {
		return "", err
	}
	return template.HTML(b), nil
}

func commentCount(T *i18n.Catalog, n int) string {
	switch n {
	case 0:
		return T.T("comment_count_zero")
	case 1:
		return T.T("comment_count_one")
	default:
		return T.T("comment_count_many", T.Number(int64(n)))
	}
}

// commentCounts labels the comment counts of cards ("" for none). A list
// is cached for its lifetime, so its counts may be that old.
func (h *Handler) commentCounts(ctx context.Context, e *ed, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if h.comments == nil {
		return out, nil
	}
	counts, err := h.comments.store.Counts(ctx, ids)
	if err != nil {
		return nil, err
	}
	for id, n := range counts {
		if n > 0 {
			out[id] = commentCount(e.T, n)
		}
	}
	return out, nil
}
