package related

import (
	"context"
	"fmt"

	"github.com/lede-news/lede/internal/db"
)

// article is what Update reads of the article it indexes.
type article struct {
	id, edition                  int64
	status                       string
	published                    int64
	headline, standfirst, bodyMD string
	lang                         string
}

// Update recomputes an article's terms and "Read also" list inside tx, the
// publish or import transaction, once the article, its tags and its
// overrides are written, and offers the article to the lists of similar
// articles. It returns the other articles whose list changed, so the caller
// can invalidate their pages. An article that is not published is taken out
// of the index and of every list.
func (s *Store) Update(ctx context.Context, tx *db.Tx, articleID int64) (touched []int64, err error) {
	a := article{id: articleID}
	err = tx.QueryRow(ctx, `SELECT a.edition_id, a.status, a.published_at, a.headline, a.standfirst, a.body_md, e.lang
		FROM articles a JOIN editions e ON e.id = a.edition_id WHERE a.id = ?`, articleID).
		Scan(&a.edition, &a.status, &a.published, &a.headline, &a.standfirst, &a.bodyMD, &a.lang)
	if err != nil {
		return nil, fmt.Errorf("related: update %d: %w", articleID, db.NotFound(err))
	}
	if a.status == "published" {
		touched, err = index(ctx, tx, a)
	} else {
		touched, err = withdraw(ctx, tx, articleID)
	}
	if err != nil {
		return nil, fmt.Errorf("related: update %d: %w", articleID, err)
	}
	return touched, nil
}

// index analyses a published article, updates the counts and the index,
// lists its related articles and offers it to theirs.
func index(ctx context.Context, q db.Querier, a article) ([]int64, error) {
	tf := termFreqs(a.lang, a.headline, a.standfirst, a.bodyMD)
	terms := sortedKeys(tf)
	if err := recount(ctx, q, a, terms); err != nil {
		return nil, fmt.Errorf("term counts: %w", err)
	}
	n, err := docCount(ctx, q, a.edition)
	if err != nil {
		return nil, err
	}
	df, err := loadDF(ctx, q, a.edition, terms)
	if err != nil {
		return nil, fmt.Errorf("term counts: %w", err)
	}
	d := &doc{id: a.id, edition: a.edition, published: a.published, vec: weigh(tf, df, n)}
	if err := saveTerms(ctx, q, a.id, d.vec); err != nil {
		return nil, fmt.Errorf("terms: %w", err)
	}
	if err := loadLinks(ctx, q, d); err != nil {
		return nil, err
	}
	sc, err := relist(ctx, q, d)
	if err != nil {
		return nil, err
	}
	return offer(ctx, q, d, sc)
}

// recount moves the document frequencies from the terms the article was
// counted with to terms (sorted): only the difference is written.
func recount(ctx context.Context, q db.Querier, a article, terms []string) error {
	edition := a.edition
	oldEdition, old, err := loadCounted(ctx, q, a.id)
	if err != nil {
		return err
	}
	if oldEdition != edition {
		if oldEdition != 0 {
			if err := removeDF(ctx, q, oldEdition, old); err != nil {
				return err
			}
			if err := addDocs(ctx, q, oldEdition, -1); err != nil {
				return err
			}
		}
		if err := addDocs(ctx, q, edition, 1); err != nil {
			return err
		}
		old = nil
	}
	added := map[string]int64{}
	var removed []string
	i, j := 0, 0
	for i < len(old) || j < len(terms) {
		switch {
		case j == len(terms) || (i < len(old) && old[i] < terms[j]):
			removed = append(removed, old[i])
			i++
		case i == len(old) || terms[j] < old[i]:
			added[terms[j]] = 1
			j++
		default:
			i++
			j++
		}
	}
	if err := removeDF(ctx, q, edition, removed); err != nil {
		return err
	}
	if err := addDF(ctx, q, edition, added); err != nil {
		return err
	}
	return saveDoc(ctx, q, a, terms)
}

// withdraw takes an article that is no longer published out of the counts,
// the index and every list, and refills the lists it leaves.
func withdraw(ctx context.Context, q db.Querier, id int64) ([]int64, error) {
	edition, old, err := loadCounted(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if edition != 0 {
		if err := removeDF(ctx, q, edition, old); err != nil {
			return nil, fmt.Errorf("term counts: %w", err)
		}
		if err := addDocs(ctx, q, edition, -1); err != nil {
			return nil, fmt.Errorf("term counts: %w", err)
		}
	}
	holders, err := db.IDs(ctx, q, `SELECT article_id FROM related WHERE related_id = ? ORDER BY article_id`, id)
	if err != nil {
		return nil, err
	}
	for _, stmt := range []string{
		`DELETE FROM related_docs WHERE article_id = ?`,
		`DELETE FROM article_terms WHERE article_id = ?`,
		`DELETE FROM related WHERE article_id = ?`,
		`DELETE FROM related WHERE related_id = ?`,
	} {
		if _, err := q.Exec(ctx, stmt, id); err != nil {
			return nil, err
		}
	}
	return holders, relistIDs(ctx, q, holders[:min(len(holders), maxRelist)])
}
