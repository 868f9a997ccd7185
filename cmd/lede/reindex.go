package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/lede-news/lede/internal/config"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/related"
	"github.com/lede-news/lede/internal/search"
)

// reindex rebuilds the search index, then "Read also", from the published
// articles: after an upgrade that changed the analysis, or on a database
// that had articles before search existed. The site can keep serving: both
// work in short transactions and replace entries in place.
func reindex(ctx context.Context, cfg config.Config, stdout, stderr io.Writer) error {
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		return err
	}
	for _, step := range []struct {
		label, unit string
		run         func(context.Context, func(done, total int)) error
	}{
		{"search index", "articles", search.New(d).Rebuild},
		{"read also", "steps", related.New(d).Rebuild}, // three passes over the articles
	} {
		start := time.Now()
		bar := newProgress(stderr, 0)
		bar.label, bar.unit = step.label, step.unit
		n := 0
		err := step.run(ctx, func(done, total int) {
			bar.total, n = total, total
			bar.set(done)
		})
		bar.done()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: rebuilt, %d %s in %v\n", step.label, n, step.unit, time.Since(start).Round(time.Millisecond))
	}
	return nil
}
