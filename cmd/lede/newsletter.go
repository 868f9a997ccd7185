package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/config"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/mail"
	"github.com/lede-news/lede/internal/newsletter"
)

const newsletterUsage = `Usage:
  lede newsletter send --edition CODE --list KEY      queue the list's digest (what was published since its last one)
  lede newsletter send --article ID [--again]         queue a breaking-news send of a published article
  lede newsletter status [ID]                         list the sends, or follow one with a progress bar
  lede newsletter export [--edition CODE] FILE        write subscribers as CSV (- for standard output)
  lede newsletter import FILE                         read subscribers from CSV (- for standard input)

List keys: daily, breaking, section:SLUG, tag:SLUG, author:SLUG.
send waits for the send to finish, delivering alongside the running nodes
(--detach only queues it; Ctrl-C stops waiting, the nodes carry on).
`

// newsletterCmd runs `lede newsletter …`.
func newsletterCmd(ctx context.Context, cfg config.Config, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, newsletterUsage)
		return 2
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("lede newsletter "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, newsletterUsage) }
	edition := fs.String("edition", "", "edition code (fr, en…)")
	list := fs.String("list", "", "list key: daily, section:SLUG, tag:SLUG, author:SLUG")
	articleID := fs.Int64("article", 0, "article id, for a breaking-news send")
	again := fs.Bool("again", false, "send an article sent less than an hour ago once more")
	detach := fs.Bool("detach", false, "queue the send and return at once")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "lede newsletter %s: %v\n", sub, err)
		return 1
	}
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return fail(err)
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		return fail(err)
	}
	mailer, err := mail.New(mail.Config{Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUsername,
		Password: cfg.SMTPPassword, From: cfg.MailFrom, Dir: filepath.Join(cfg.Data, "mail")})
	if err != nil {
		return fail(err)
	}
	svc := &newsletter.Service{DB: d, Mail: mailer, Limiter: &account.Limiter{DB: d}, BaseURL: cfg.BaseURL, Log: cfg.Logger(stderr)}

	switch sub {
	case "send":
		var id int64
		var n int
		switch {
		case *articleID != 0:
			id, n, err = svc.Breaking(ctx, *articleID, "cli", *again)
		case *edition != "" && *list != "":
			var e newsletter.Edition
			if e, err = svc.EditionByCode(ctx, *edition); errors.Is(err, db.ErrNotFound) {
				return fail(fmt.Errorf("no edition %q", *edition))
			} else if err != nil {
				return fail(err)
			}
			err = d.InTx(ctx, func(tx *db.Tx) error {
				id, n, err = svc.Digest(ctx, tx, e, *list, "cli", time.Now())
				return err
			})
		default:
			fmt.Fprint(stderr, "lede newsletter send: give --edition and --list, or --article\n\n"+newsletterUsage)
			return 2
		}
		if errors.Is(err, db.ErrNotFound) {
			return fail(fmt.Errorf("no article %d", *articleID))
		}
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "send %d queued for %d recipients\n", id, n)
		if *detach || n == 0 {
			return 0
		}
		wctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			(&newsletter.Worker{Service: svc, Rate: cfg.NewsletterRate, Lease: cfg.NewsletterLease}).Run(wctx, time.Second)
			close(done)
		}()
		code := follow(ctx, svc, id, stdout, stderr)
		stop()
		<-done
		return code
	case "status":
		if fs.NArg() == 1 {
			id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
			if err != nil {
				return fail(fmt.Errorf("%q is not a send number", fs.Arg(0)))
			}
			return follow(ctx, svc, id, stdout, stderr)
		}
		sends, err := svc.Sends(ctx, 20)
		if err != nil {
			return fail(err)
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tEDITION\tLIST\tQUEUED\tTOTAL\tSENT\tFAILED\tSKIPPED\tPENDING\tSUBJECT")
		for _, s := range sends {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\n", s.ID, s.Edition, s.List, s.CreatedAt.UTC().Format("2006-01-02 15:04"),
				s.Total, s.Sent, s.Failed, s.Skipped, s.Pending, s.Subject)
		}
		tw.Flush()
		return 0
	case "export":
		if fs.NArg() != 1 {
			fmt.Fprint(stderr, newsletterUsage)
			return 2
		}
		var w io.Writer = stdout
		var f *os.File
		if fs.Arg(0) != "-" {
			if f, err = os.OpenFile(fs.Arg(0), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600); err != nil {
				return fail(err)
			}
			w = f
		}
		err = svc.Export(ctx, w, *edition)
		if f != nil {
			err = errors.Join(err, f.Close())
		}
		if err != nil {
			return fail(err)
		}
		return 0
	case "import":
		if fs.NArg() != 1 {
			fmt.Fprint(stderr, newsletterUsage)
			return 2
		}
		var r io.Reader = stdin
		if fs.Arg(0) != "-" {
			f, err := os.Open(fs.Arg(0))
			if err != nil {
				return fail(err)
			}
			defer f.Close()
			r = f
		}
		res, err := svc.Import(ctx, r)
		for _, e := range res.Errors {
			fmt.Fprintf(stderr, "%s:%d: %v\n", fs.Arg(0), e.Line, e.Err)
		}
		if errors.Is(err, newsletter.ErrRefused) {
			fmt.Fprintf(stderr, "lede newsletter import: %d bad rows: the file was refused, nothing was imported\n", len(res.Errors))
			return 1
		} else if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "%d rows: %d new subscribers, %d updated\n", res.Rows, res.Created, res.Updated)
		return 0
	}
	fmt.Fprintf(stderr, "lede newsletter: unknown command %q\n\n%s", sub, newsletterUsage)
	return 2
}

// follow draws a send's progress until it is done or ctx ends.
func follow(ctx context.Context, svc *newsletter.Service, id int64, stdout, stderr io.Writer) int {
	s, err := svc.SendByID(ctx, id)
	if errors.Is(err, db.ErrNotFound) {
		fmt.Fprintf(stderr, "lede newsletter: no send %d\n", id)
		return 1
	} else if err != nil {
		fmt.Fprintf(stderr, "lede newsletter: %v\n", err)
		return 1
	}
	bar := newProgress(stderr, s.Total)
	bar.label, bar.unit = "sending", "messages"
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for !s.Done() {
		bar.set(s.Sent + s.Failed + s.Skipped)
		select {
		case <-ctx.Done():
			bar.done()
			fmt.Fprintf(stdout, "send %d: %d sent, %d failed, %d skipped, %d pending (still under way)\n", s.ID, s.Sent, s.Failed, s.Skipped, s.Pending)
			return 0
		case <-t.C:
		}
		if s, err = svc.SendByID(context.WithoutCancel(ctx), id); err != nil {
			fmt.Fprintf(stderr, "lede newsletter: %v\n", err)
			return 1
		}
	}
	bar.set(s.Total)
	bar.done()
	fmt.Fprintf(stdout, "send %d: %d sent, %d failed, %d skipped, %d pending\n", s.ID, s.Sent, s.Failed, s.Skipped, s.Pending)
	if s.Failed > 0 {
		return 1
	}
	return 0
}
