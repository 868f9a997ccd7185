package search

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/lede-news/lede/internal/db"
)

// Index brings an article's entry in step with the article inside tx, the
// transaction that wrote it: a published article is (re)indexed, any other
// is taken out, so an unpublished or embargoed story leaves search when its
// change commits, and a published one appears with it.
func (s *Store) Index(ctx context.Context, tx *db.Tx, articleID int64) error {
	t := newTally()
	err := s.index(ctx, tx, articleID, t)
	if err == nil {
		err = t.flush(ctx, tx)
	}
	if err != nil {
		return fmt.Errorf("search: index %d: %w", articleID, err)
	}
	return nil
}

func (s *Store) index(ctx context.Context, q db.Querier, id int64, t *tally) error {
	var edition, section, published int64
	var status, headline, standfirst, body, lang string
	err := q.QueryRow(ctx, `SELECT a.edition_id, a.section_id, a.status, a.published_at, a.headline, a.standfirst, a.body_html, e.lang
		FROM articles a JOIN editions e ON e.id = a.edition_id WHERE a.id = ?`, id).
		Scan(&edition, &section, &status, &published, &headline, &standfirst, &body, &lang)
	if err != nil {
		return db.NotFound(err)
	}
	if status != "published" {
		return s.withdraw(ctx, q, id, t)
	}
	d := analyse(lang, headline, standfirst, body)
	d.id, d.edition, d.section, d.published = id, edition, section, published
	return s.put(ctx, q, &d, t)
}

// entry is what the index remembers of an article: enough to take its
// counts back out exactly.
type entry struct {
	edition, len int64
	terms        []string
}

func loadEntry(ctx context.Context, q db.Querier, id int64) (entry, bool, error) {
	var e entry
	var terms string
	err := q.QueryRow(ctx, `SELECT d.edition_id, d.len, t.terms FROM search_docs d JOIN search_doc_terms t ON t.article_id = d.article_id
		WHERE d.article_id = ?`, id).Scan(&e.edition, &e.len, &terms)
	if errors.Is(err, sql.ErrNoRows) {
		return e, false, nil
	}
	e.terms = strings.Fields(terms)
	return e, err == nil, err
}

// put writes a published article's entry and tallies the move of the
// vocabulary counts from the terms it had to the terms it has.
func (s *Store) put(ctx context.Context, q db.Querier, d *doc, t *tally) error {
	old, found, err := loadEntry(ctx, q, d.id)
	if err != nil {
		return err
	}
	terms := d.distinct()
	t.addForms(d.edition, d.forms)
	if found && old.edition == d.edition {
		added, removed := diff(old.terms, terms)
		t.add(d.edition, removed, -1, nil)
		t.add(d.edition, added, 1, d.words)
		t.stats(d.edition, 0, d.len-old.len)
	} else {
		if found {
			t.add(old.edition, old.terms, -1, nil)
			t.stats(old.edition, -1, -old.len)
		}
		t.add(d.edition, terms, 1, d.words)
		t.stats(d.edition, 1, d.len)
	}
	if _, err := q.Exec(ctx, `INSERT INTO search_doc_terms (article_id, terms) VALUES (?, ?)
		ON CONFLICT (article_id) DO UPDATE SET terms = excluded.terms`, d.id, strings.Join(terms, " ")); err != nil {
		return err
	}
	return s.eng.save(ctx, q, d, found)
}

// withdraw takes an article out of the index, if it is there.
func (s *Store) withdraw(ctx context.Context, q db.Querier, id int64, t *tally) error {
	old, found, err := loadEntry(ctx, q, id)
	if err != nil || !found {
		return err
	}
	t.add(old.edition, old.terms, -1, nil)
	t.stats(old.edition, -1, -old.len)
	if _, err := q.Exec(ctx, `DELETE FROM search_doc_terms WHERE article_id = ?`, id); err != nil {
		return err
	}
	return s.eng.remove(ctx, q, id)
}

// diff compares two sorted term lists.
func diff(old, now []string) (added, removed []string) {
	i, j := 0, 0
	for i < len(old) || j < len(now) {
		switch {
		case j == len(now) || (i < len(old) && old[i] < now[j]):
			removed = append(removed, old[i])
			i++
		case i == len(old) || now[j] < old[i]:
			added = append(added, now[j])
			j++
		default:
			i++
			j++
		}
	}
	return added, removed
}
