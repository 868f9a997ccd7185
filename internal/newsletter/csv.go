package newsletter

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/lede-news/lede/internal/db"
)

// CSVHeader is the subscribers file's first line. lists holds list keys
// separated by spaces ("daily section:monde"); confirmed is true or false;
// created is RFC 3339.
var CSVHeader = []string{"email", "edition", "lists", "confirmed", "created"}

// Export writes every subscriber (of one edition when code is not empty)
// as CSV, oldest first.
func (s *Service) Export(ctx context.Context, w io.Writer, code string) error {
	q := `SELECT s.id, s.email, e.code, s.confirmed_at IS NOT NULL, s.created_at FROM newsletter_subscribers s JOIN editions e ON e.id = s.edition_id`
	var args []any
	if code != "" {
		q += ` WHERE e.code = ?`
		args = append(args, code)
	}
	rows, err := s.DB.Query(ctx, q+` ORDER BY s.id`, args...)
	if err != nil {
		return fmt.Errorf("newsletter: export: %w", err)
	}
	type row struct {
		id          int64
		email, code string
		confirmed   bool
		created     int64
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.email, &r.code, &r.confirmed, &r.created); err != nil {
			rows.Close()
			return err
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	lists := map[int64][]string{}
	lr, err := s.DB.Query(ctx, `SELECT subscriber_id, list FROM newsletter_subscriptions ORDER BY subscriber_id, list`)
	if err != nil {
		return err
	}
	for lr.Next() {
		var id int64
		var l string
		if err := lr.Scan(&id, &l); err != nil {
			lr.Close()
			return err
		}
		lists[id] = append(lists[id], l)
	}
	lr.Close()
	cw := csv.NewWriter(w)
	cw.Write(CSVHeader)
	for _, r := range all {
		cw.Write([]string{cellSafe(r.email), r.code, strings.Join(lists[r.id], " "), fmt.Sprint(r.confirmed), time.Unix(r.created, 0).UTC().Format(time.RFC3339)})
	}
	cw.Flush()
	return cw.Error()
}

// RowError is one refused line of an import.
type RowError struct {
	Line int
	Err  error
}

func (e RowError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// ImportResult counts an import.
type ImportResult struct {
	Rows, Created, Updated int
	Errors                 []RowError
}

// ErrRefused is returned when any row is bad: the whole file is refused
// and nothing is written, so fixing the listed lines and importing again
// gives a complete, single import.
var ErrRefused = errors.New("newsletter: file refused, nothing imported")

// MaxImportRows bounds one file.
const MaxImportRows = 1_000_000

type importRow struct {
	line      int
	email     string
	edition   Edition
	lists     []string
	confirmed bool
	created   time.Time
}

// Import reads subscribers from CSV (CSVHeader's columns, in that order).
// Every row is checked first; one bad row refuses the file (ErrRefused,
// with every bad row listed). An address already subscribed to the edition
// keeps its lists and gains the file's; it becomes confirmed if the file
// says so. Imported addresses get no confirmation mail: they come from a
// list where they had already opted in, or stay unconfirmed (sent nothing)
// until they subscribe themselves.
func (s *Service) Import(ctx context.Context, r io.Reader) (ImportResult, error) {
	var res ImportResult
	eds, err := s.Editions(ctx)
	if err != nil {
		return res, err
	}
	byCode := map[string]Edition{}
	for _, e := range eds {
		byCode[e.Code] = e
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	head, err := cr.Read()
	if err != nil {
		res.Errors = append(res.Errors, RowError{1, fmt.Errorf("no header line (%v); the first line must be %s", err, strings.Join(CSVHeader, ","))})
		return res, ErrRefused
	}
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\ufeff") // a spreadsheet's byte order mark
	}
	if strings.Join(head, ",") != strings.Join(CSVHeader, ",") {
		res.Errors = append(res.Errors, RowError{1, fmt.Errorf("header is %q; it must be %s", strings.Join(head, ","), strings.Join(CSVHeader, ","))})
		return res, ErrRefused
	}
	var rows []importRow
	seen := map[string]int{}
	bad := func(line int, format string, a ...any) {
		res.Errors = append(res.Errors, RowError{line, fmt.Errorf(format, a...)})
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			bad(pe.StartLine, "%v", pe.Err)
			break // past a broken quote the lines cannot be told apart
		} else if err != nil {
			return res, err
		}
		line, _ := cr.FieldPos(0)
		res.Rows++
		if res.Rows > MaxImportRows {
			bad(line, "more than %d rows: split the file", MaxImportRows)
			break
		}
		if len(rec) != len(CSVHeader) {
			bad(line, "%d columns, want %d (%s)", len(rec), len(CSVHeader), strings.Join(CSVHeader, ","))
			continue
		}
		row := importRow{line: line}
		var ok bool
		if row.edition, ok = byCode[strings.TrimSpace(rec[1])]; !ok {
			bad(line, "unknown edition %q", rec[1])
			continue
		}
		if row.email, err = NormalizeEmail(cellRead(rec[0])); err != nil {
			bad(line, "email %q: %s", rec[0], reason(err))
			continue
		}
		if row.lists, err = cleanLists(ctx, s.DB, row.edition.ID, strings.Fields(rec[2])); err != nil {
			bad(line, "lists %q: %v", rec[2], strings.TrimPrefix(err.Error(), "newsletter: "))
			continue
		}
		switch strings.ToLower(strings.TrimSpace(rec[3])) {
		case "true", "yes", "1":
			row.confirmed = true
		case "false", "no", "0", "":
		default:
			bad(line, "confirmed %q: must be true or false", rec[3])
			continue
		}
		if c := strings.TrimSpace(rec[4]); c == "" {
			row.created = s.now()
		} else if row.created, err = time.Parse(time.RFC3339, c); err != nil {
			bad(line, "created %q: must be a date like 2026-11-29T07:00:00Z", rec[4])
			continue
		}
		key := row.edition.Code + " " + row.email
		if prev, dup := seen[key]; dup {
			bad(line, "%s is already on line %d for edition %s", row.email, prev, row.edition.Code)
			continue
		}
		seen[key] = line
		rows = append(rows, row)
	}
	if len(res.Errors) > 0 {
		return res, ErrRefused
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		res.Created, res.Updated = 0, 0
		now := s.now().Unix()
		for _, r := range rows {
			var id int64
			var confirmed *int64
			err := tx.QueryRow(ctx, `SELECT id, confirmed_at FROM newsletter_subscribers WHERE edition_id = ? AND email = ?`, r.edition.ID, r.email).Scan(&id, &confirmed)
			var conf any
			if r.confirmed {
				conf = r.created.Unix()
			}
			switch {
			case errors.Is(err, sql.ErrNoRows):
				id, err = tx.InsertID(ctx, `INSERT INTO newsletter_subscribers (edition_id, email, manage_token, confirmed_at, created_at) VALUES (?, ?, ?, ?, ?)`,
					r.edition.ID, r.email, token(), conf, r.created.Unix())
				if err != nil {
					return err
				}
				res.Created++
			case err != nil:
				return err
			default:
				if confirmed == nil && r.confirmed {
					if _, err := tx.Exec(ctx, `UPDATE newsletter_subscribers SET confirmed_at = ? WHERE id = ?`, conf, id); err != nil {
						return err
					}
				}
				res.Updated++
			}
			for _, l := range r.lists {
				if _, err := tx.Exec(ctx, `INSERT INTO newsletter_subscriptions (subscriber_id, list, created_at) VALUES (?, ?, ?)
					ON CONFLICT (subscriber_id, list) DO NOTHING`, id, l, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("newsletter: import: %w", err)
	}
	return res, nil
}

func reason(err error) string {
	switch {
	case errors.Is(err, ErrDisposable):
		return "disposable address provider"
	case errors.Is(err, ErrInvalidEmail):
		return "not a valid address"
	}
	return err.Error()
}

// cellSafe keeps a spreadsheet from reading a cell as a formula: anyone can
// subscribe an address such as "=cmd…@example.com", and the export is opened
// in spreadsheets. cellRead undoes it on import.
func cellSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@", rune(v[0])) {
		return "'" + v
	}
	return v
}

func cellRead(v string) string {
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@", rune(v[1])) {
		return v[1:]
	}
	return v
}
