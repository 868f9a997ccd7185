// Package demo loads the demo newsroom into an empty database: two editions,
// their sections, tags and authors, translated articles, and reads spread
// over the weeks since each was published.
package demo

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/importer"
)

//go:embed *.ndjson
var files embed.FS

// Empty reports whether the database has no edition yet.
func Empty(ctx context.Context, d *db.DB) (bool, error) {
	var n int
	err := d.QueryRow(ctx, `SELECT count(*) FROM editions`).Scan(&n)
	return n == 0, err
}

// Records returns the demo records with their dates moved so that the
// newest publication or update happened an hour before now.
func Records(now time.Time) ([]byte, error) {
	names, err := fs.Glob(files, "articles-*.ndjson")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	names = append([]string{"base.ndjson"}, names...) // editions, sections and authors come first
	var recs []importer.Record
	for _, n := range names {
		b, err := files.ReadFile(n)
		if err != nil {
			return nil, err
		}
		for i, line := range bytes.Split(b, []byte("\n")) {
			line = bytes.TrimSpace(line)
			if len(line) == 0 || line[0] == '#' {
				continue
			}
			r, err := importer.Decode(line)
			if err != nil {
				return nil, fmt.Errorf("demo: %s line %d: %w", n, i+1, err)
			}
			recs = append(recs, r)
		}
	}
	var newest time.Time
	for _, r := range recs {
		for _, s := range []string{r.PublishedAt, r.UpdatedAt} {
			if t, err := time.Parse(time.RFC3339, s); err == nil && t.After(newest) {
				newest = t
			}
		}
	}
	shift := now.Add(-time.Hour).Sub(newest).Truncate(time.Minute)
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	for _, r := range recs {
		r.PublishedAt = shifted(r.PublishedAt, shift)
		r.UpdatedAt = shifted(r.UpdatedAt, shift)
		if err := enc.Encode(r); err != nil {
			return nil, err
		}
	}
	return out.Bytes(), nil
}

func shifted(s string, d time.Duration) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.Add(d).UTC().Format(time.RFC3339)
}

// Load imports the demo records through im and then invents their reads
// and a discussion under one story of each edition.
func Load(ctx context.Context, im *importer.Importer, now time.Time) (importer.Result, error) {
	recs, err := Records(now)
	if err != nil {
		return importer.Result{}, err
	}
	res, err := im.Import(ctx, bytes.NewReader(recs))
	if err != nil {
		return res, err
	}
	if len(res.Errors) > 0 {
		return res, fmt.Errorf("demo: %d bad records, first: %v", len(res.Errors), res.Errors[0])
	}
	if err := seedViews(ctx, im.DB, now); err != nil {
		return res, err
	}
	return res, seedComments(ctx, im.DB, now)
}

// seedViews gives each article a plausible curve of daily reads: a peak on
// publication, decaying over the following days, with a long tail.
func seedViews(ctx context.Context, d *db.DB, now time.Time) error {
	rows, err := d.Query(ctx, `SELECT id, published_at, top FROM articles`)
	if err != nil {
		return err
	}
	type art struct {
		id, pub int64
		top     bool
	}
	var arts []art
	for rows.Next() {
		var a art
		if err := rows.Scan(&a.id, &a.pub, &a.top); err != nil {
			rows.Close()
			return err
		}
		arts = append(arts, a)
	}
	rows.Close()
	today := now.UTC().Truncate(24 * time.Hour)
	return d.InTx(ctx, func(tx *db.Tx) error {
		for _, a := range arts {
			rng := rand.New(rand.NewPCG(uint64(a.id), 7))
			peak := 300 + rng.Float64()*2500
			if a.top {
				peak *= 2.5
			}
			var total int64
			first := time.Unix(a.pub, 0).UTC().Truncate(24 * time.Hour)
			for day := first; !day.After(today); day = day.AddDate(0, 0, 1) {
				age := day.Sub(first).Hours() / 24
				n := int64(peak*math.Exp(-age/2.2)*(0.7+0.6*rng.Float64())) + int64(rng.IntN(15))
				if n <= 0 {
					continue
				}
				if _, err := tx.Exec(ctx, `INSERT INTO views_daily (article_id, day, n) VALUES (?, ?, ?)`,
					a.id, day.Format(time.DateOnly), n); err != nil {
					return err
				}
				total += n
			}
			if _, err := tx.Exec(ctx, `INSERT INTO view_totals (article_id, n, updated_at) VALUES (?, ?, ?)`,
				a.id, total, now.Unix()); err != nil {
				return err
			}
		}
		return nil
	})
}
