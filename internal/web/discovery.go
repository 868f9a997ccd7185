package web

import (
	"context"
	"math"
	"slices"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/typo"
	"github.com/lede-news/lede/internal/views"
)

// Discovery: "most read" per section and the tag cloud. Both come from the
// database (flushed view counts, article tags), so every node shows the
// same; section pages keep them for the lists' lifetime (listTTL).

// rankedCards turns ranked articles into cards with their reads, in rank
// order; articles that went away since are left out.
func (h *Handler) rankedCards(ctx context.Context, e *ed, ranked []views.Ranked) ([]card, error) {
	if len(ranked) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(ranked))
	for i, x := range ranked {
		ids[i] = x.ArticleID
	}
	list, err := h.articles.List(ctx, article.Query{IDs: ids, Limit: len(ids) + 1})
	if err != nil {
		return nil, err
	}
	byID := map[int64]article.Article{}
	for _, a := range list {
		byID[a.ID] = a
	}
	s := h.site.Load()
	var out []card
	for _, x := range ranked {
		if a, ok := byID[x.ArticleID]; ok {
			out = append(out, card{URL: s.articleURL(a), Headline: typo.Text(e.Lang, a.Headline), Views: e.T.Number(x.Views) + " " + e.T.T("views")})
		}
	}
	return out, nil
}

// sectionMostRead is a section's five most read articles since the start
// of the UTC day `days` days ago.
func (h *Handler) sectionMostRead(ctx context.Context, e *ed, sectionID int64, days int) ([]card, error) {
	ranked, err := h.Views.MostReadInSection(ctx, sectionID, days, 5)
	if err != nil {
		return nil, err
	}
	return h.rankedCards(ctx, e, ranked)
}

// Tag cloud: the edition's tags most used over the last cloudDays days.
const (
	cloudDays = 30
	cloudTags = 30
)

// cloudTag is a tag of the cloud with its weight, 1 (least used) to 5.
type cloudTag struct {
	Label, Title, URL, Count string
	Weight                   int
}

// tagCloud lists the edition's commonest recent tags in the edition's
// alphabetical order, weighted by their article counts on a log scale
// (a tag used a tenth as often as the commonest is two steps smaller);
// when all are used alike, all have the middle weight.
func (h *Handler) tagCloud(ctx context.Context, e *ed, now time.Time) ([]cloudTag, error) {
	counted, err := h.tags.Cloud(ctx, e.ID, now.AddDate(0, 0, -cloudDays), cloudTags)
	if err != nil || len(counted) == 0 {
		return nil, err
	}
	top := float64(counted[0].Articles)
	out := make([]cloudTag, len(counted))
	for i, c := range counted {
		w := 5 + int(math.Round(2*math.Log10(float64(c.Articles)/top)))
		if counted[len(counted)-1].Articles == counted[0].Articles { // all alike: no tag stands out
			w = 3
		}
		out[i] = cloudTag{Label: typo.Text(e.Lang, c.Name), Title: typo.Text(e.Lang, c.Label()), URL: "/" + e.Code + "/tags/" + c.Slug, Weight: max(w, 1)}
		if c.Articles == 1 {
			out[i].Count = e.T.T("cloud_article_one")
		} else {
			out[i].Count = e.T.T("cloud_articles", e.T.Number(int64(c.Articles)))
		}
	}
	col := collate.New(language.Make(e.Lang), collate.Loose)
	slices.SortStableFunc(out, func(a, b cloudTag) int { return col.CompareString(a.Label, b.Label) })
	return out, nil
}
