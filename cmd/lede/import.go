package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/lede-news/lede/internal/config"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/importer"
	"github.com/lede-news/lede/internal/related"
	"github.com/lede-news/lede/internal/search"
)

// importFile loads an NDJSON file. It exits 1 when any record was refused,
// after loading all the others.
func importFile(ctx context.Context, cfg config.Config, path string, stdin io.Reader, stdout, stderr io.Writer) int {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		fmt.Fprintf(stderr, "lede import: %v\n", err)
		return 1
	}
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		fmt.Fprintf(stderr, "lede import: %v\n", err)
		return 1
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil { // a new data folder can be filled before its first serve
		fmt.Fprintf(stderr, "lede import: %v\n", err)
		return 1
	}
	total := bytes.Count(data, []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		total++
	}
	im := &importer.Importer{DB: d, Related: &related.Store{DB: d}, Search: search.New(d), Log: cfg.Logger(stderr)}
	bar := newProgress(stderr, total)
	im.Progress = bar.set
	res, err := im.Import(ctx, bytes.NewReader(data))
	bar.done()
	for _, e := range res.Errors {
		fmt.Fprintf(stderr, "%s:%d: %v\n", path, e.Line, e.Err)
	}
	fmt.Fprintf(stdout, "%d lines: %d created, %d updated, %d unchanged, %d refused\n",
		res.Lines, res.Created, res.Updated, res.Unchanged, len(res.Errors))
	if err != nil {
		fmt.Fprintf(stderr, "lede import: %v\n", err)
		return 1
	}
	if len(res.Errors) > 0 {
		return 1
	}
	return 0
}

// progress draws a bar on a terminal and nothing elsewhere.
type progress struct {
	w           io.Writer
	total       int
	tty         bool
	last        int
	label, unit string // "importing", "lines"
}

func newProgress(w io.Writer, total int) *progress {
	p := &progress{w: w, total: total, label: "importing", unit: "lines"}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
	}
	return p
}

func (p *progress) set(n int) {
	if !p.tty || p.total == 0 {
		return
	}
	pct := n * 100 / p.total
	if pct == p.last && n != p.total {
		return
	}
	p.last = pct
	const width = 30
	filled := min(width, n*width/p.total)
	fmt.Fprintf(p.w, "\r%s [%s%s] %3d%% %d/%d %s", p.label, strings.Repeat("#", filled), strings.Repeat(".", width-filled), pct, n, p.total, p.unit)
}

func (p *progress) done() {
	if p.tty {
		fmt.Fprintln(p.w)
	}
}
