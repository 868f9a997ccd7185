package importer

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"unicode/utf8"

	"github.com/lede-news/lede/internal/db"
)

// MaxLine is the longest record accepted.
const MaxLine = 4 << 20

// relatedUpdater recomputes "Read also" inside the import transaction and
// returns the other articles whose list changed.
type relatedUpdater interface {
	Update(ctx context.Context, tx *db.Tx, articleID int64) ([]int64, error)
}

// searchIndexer brings an article's search entry in step with it inside
// the import transaction.
type searchIndexer interface {
	Index(ctx context.Context, tx *db.Tx, articleID int64) error
}

// Importer writes records to the database.
type Importer struct {
	DB      *db.DB
	Related relatedUpdater
	Search  searchIndexer
	Log     *slog.Logger
	// Progress, when set, is called after each line.
	Progress func(line int)

	seen map[string]int // article id → line, within one Import
}

// LineError is a record that was not loaded.
type LineError struct {
	Line int
	Err  error
}

func (e LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Result counts what an import did.
type Result struct {
	Lines     int
	Created   int
	Updated   int
	Unchanged int
	Errors    []LineError
}

// Outcome of one record.
type outcome int

const (
	unchanged outcome = iota
	created
	updated
)

// Import reads records from r until EOF. It returns an error only when the
// input cannot be read; bad records are listed in Result.Errors.
func (im *Importer) Import(ctx context.Context, r io.Reader) (Result, error) {
	var res Result
	im.seen = map[string]int{}
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := readLine(br)
		if len(line) > 0 || (err == nil) {
			res.Lines++
			im.one(ctx, &res, line)
			if im.Progress != nil {
				im.Progress(res.Lines)
			}
		}
		if errors.Is(err, io.EOF) {
			return res, nil
		}
		if errors.Is(err, errLineTooLong) {
			res.Lines++
			res.Errors = append(res.Errors, LineError{res.Lines, fmt.Errorf("line longer than %d bytes", MaxLine)})
			continue
		}
		if err != nil {
			return res, fmt.Errorf("import: read: %w", err)
		}
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
	}
}

func (im *Importer) one(ctx context.Context, res *Result, line []byte) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 || line[0] == '#' {
		return
	}
	if !utf8.Valid(line) {
		res.Errors = append(res.Errors, LineError{res.Lines, errors.New("the line is not valid UTF-8")})
		return
	}
	rec, err := Decode(line)
	if err == nil && rec.Type == "article" {
		if first, dup := im.seen[rec.ID]; dup {
			err = fmt.Errorf("id %q was already used on line %d of this file", rec.ID, first)
		} else {
			im.seen[rec.ID] = res.Lines
		}
	}
	if err == nil {
		var o outcome
		o, err = im.write(ctx, &rec, line)
		switch o {
		case created:
			res.Created++
		case updated:
			res.Updated++
		default:
			if err == nil {
				res.Unchanged++
			}
		}
	}
	if err != nil {
		res.Errors = append(res.Errors, LineError{res.Lines, err})
	}
}

var errLineTooLong = errors.New("line too long")

// readLine returns the next line without its newline; a line over MaxLine is
// skipped whole and reported as errLineTooLong.
func readLine(br *bufio.Reader) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) > MaxLine {
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, err
			}
			return nil, errLineTooLong
		}
		buf = append(buf, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err == nil {
			return buf[:len(buf)-1], nil
		}
		return buf, err
	}
}
