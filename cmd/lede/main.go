// Command lede runs the Lede news platform: `lede serve` starts the site,
// `lede migrate` applies database migrations, `lede import FILE` loads NDJSON.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/lede-news/lede/internal/config"
)

const usage = `Lede, a news publishing platform.

Usage:
  lede serve   [flags]        start the site (migrates the database, loads demo content into an empty one)
  lede migrate [flags]        apply pending database migrations
  lede import  [flags] FILE   load editions, sections, authors, tags and articles from NDJSON (docs/import.md); - reads stdin
  lede reindex [flags]        rebuild the search index and "Read also" from the published articles
  lede user    [flags] add --email EMAIL --role ROLE [--name NAME]
                              create an account, e.g. the first admin (password from the terminal, $LEDE_PASSWORD or stdin)
  lede newsletter [flags] send|status|export|import …
                              newsletter sends, their progress, and subscribers as CSV ('lede newsletter' for details)
  lede config                 list the settings, their environment variables and defaults

Run 'lede COMMAND -h' for the flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, args := args[0], args[1:]
	if cmd == "config" {
		config.Print(stdout)
		return 0
	}
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	cfg, rest, err := config.Parse(cmd, args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "lede %s: %v\n", cmd, err)
		return 2
	}
	log := cfg.Logger(stderr)
	switch cmd {
	case "serve":
		err = serve(ctx, cfg, log)
	case "migrate":
		err = migrate(ctx, cfg, stdout)
	case "reindex":
		err = reindex(ctx, cfg, stdout, stderr)
	case "import":
		if len(rest) != 1 {
			fmt.Fprintln(stderr, "lede import: give one FILE (or - for standard input)")
			return 2
		}
		return importFile(ctx, cfg, rest[0], stdin, stdout, stderr)
	case "user":
		return userCmd(ctx, cfg, rest, stdin, stdout, stderr)
	case "newsletter":
		return newsletterCmd(ctx, cfg, rest, stdin, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "lede: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "lede %s: %v\n", cmd, err)
		return 1
	}
	return 0
}
