package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"golang.org/x/term"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/config"
	"github.com/lede-news/lede/internal/db"
)

const userUsage = `Usage:
  lede user [--data DIR] [--db DSN] add --email EMAIL --role ROLE [--name NAME]

Creates an account; the first admin is made this way (or on the one-time
set-up page). ROLE is admin, editor, author or contributor. The password is
asked on the terminal, or taken from $LEDE_PASSWORD, or else read as one line
from standard input.
`

// userCmd manages accounts from the command line, so a new site can get its
// first admin before anyone reaches it over the network.
func userCmd(ctx context.Context, cfg config.Config, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprint(stderr, userUsage)
		return 2
	}
	fs := flag.NewFlagSet("lede user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, userUsage) }
	email := fs.String("email", "", "email address, used to sign in")
	role := fs.String("role", "", "admin, editor, author or contributor")
	name := fs.String("name", "", "display name (default: the part of the email before @)")
	if err := fs.Parse(args[1:]); errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "lede user add: unexpected argument %q (global flags such as --db go before add)\n", fs.Arg(0))
		return 2
	}
	n := account.NewUser{Email: *email, Name: *name, Role: account.Role(*role), Password: strings.Repeat("-", account.MinPassword)}
	if !fieldsOK(stderr, n.Validate()) { // check all but the password before asking for it
		return 1
	}
	var err error
	if n.Password, err = readPassword(stdin, stderr); err != nil {
		fmt.Fprintf(stderr, "lede user add: %v\n", err)
		return 1
	}
	if !fieldsOK(stderr, n.Validate()) {
		return 1
	}
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		fmt.Fprintf(stderr, "lede user add: %v\n", err)
		return 1
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil { // the first admin may come before the first serve
		fmt.Fprintf(stderr, "lede user add: %v\n", err)
		return 1
	}
	u, err := (&account.Store{DB: d}).Create(ctx, n)
	if errors.Is(err, account.ErrConflict) {
		fmt.Fprintf(stderr, "lede user add: an account with the email %s already exists\n", n.Email)
		return 1
	}
	if err != nil {
		if fieldsOK(stderr, err) {
			fmt.Fprintf(stderr, "lede user add: %v\n", err)
		}
		return 1
	}
	fmt.Fprintf(stdout, "created %s %s (%s), id %d\n", u.Role, u.Email, u.Name, u.ID)
	return 0
}

// fieldsOK prints the field errors in err, if it holds any, and reports
// whether there were none.
func fieldsOK(stderr io.Writer, err error) bool {
	var errs account.Errors
	if !errors.As(err, &errs) {
		return true
	}
	for _, f := range slices.Sorted(maps.Keys(errs)) {
		fmt.Fprintf(stderr, "lede user add: %s %s\n", f, errs[f])
	}
	return false
}

// readPassword takes $LEDE_PASSWORD when set, else asks twice on a
// terminal without echo, else reads one line of stdin (for scripts).
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if p, ok := os.LookupEnv("LEDE_PASSWORD"); ok {
		return p, nil
	}
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		p, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(stderr, "Repeat password: ")
		again, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(p) != string(again) {
			return "", errors.New("the passwords differ")
		}
		return string(p), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
