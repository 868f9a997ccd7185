package related

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/lede-news/lede/internal/db"
)

// score finds d's candidates and rates them, best first, leaving out those
// under minScore: the cosine of the term vectors (their dot product, as both
// are normalised) plus tagBonus per shared tag, at most maxTagBonus, times a
// decay on the gap between publication times.
func score(ctx context.Context, q db.Querier, d *doc) ([]scored, error) {
	m, err := candidates(ctx, q, d)
	if err != nil {
		return nil, err
	}
	out := make([]scored, 0, len(m))
	for id, c := range m {
		s := (c.dot + min(tagBonus*float64(c.shared), maxTagBonus)) * decay(d.published, c.published)
		if s >= minScore {
			out = append(out, scored{id, s})
		}
	}
	sortScored(out)
	return out, nil
}

// decay favours articles published close together, with a floor so an
// older piece on the same subject can still be listed.
func decay(a, b int64) float64 {
	gap := math.Abs(float64(a-b)) / 86400
	return decayFloor + (1-decayFloor)*math.Exp(-gap/decayDays)
}

// sortScored orders by score, then newest id, so ties are stable.
func sortScored(s []scored) {
	slices.SortFunc(s, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(b.id, a.id)
	})
}
