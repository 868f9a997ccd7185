package main

import (
	"context"
	"fmt"
	"io"

	"github.com/lede-news/lede/internal/config"
	"github.com/lede-news/lede/internal/db"
)

func migrate(ctx context.Context, cfg config.Config, out io.Writer) error {
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer d.Close()
	applied, err := d.Migrate(ctx)
	for _, name := range applied {
		fmt.Fprintf(out, "applied %s\n", name)
	}
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(out, "schema is up to date (version %d)\n", d.LatestVersion())
	}
	return nil
}
