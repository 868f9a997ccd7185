package related

import (
	"strings"

	"github.com/lede-news/lede/internal/db"
)

// chunk bounds IN lists and multi-row inserts well under both engines'
// parameter limits.
const chunk = 512

// inList returns placeholders and arguments for an IN list of vals, padded
// by repeating the last value to a power of two so PostgreSQL's cache of
// rebound queries sees a handful of shapes, not one per length.
func inList[T int64 | string](vals []T) (string, []any) {
	n := 1
	for n < len(vals) {
		n *= 2
	}
	args := make([]any, n)
	for i := range args {
		args[i] = vals[min(i, len(vals)-1)]
	}
	return db.Placeholders(n), args
}

// termSet returns a subquery listing terms, for `term IN (…)`, and its
// arguments. A plain IN list of hundreds of strings is a trap on
// PostgreSQL: once the statement is cached with a generic plan, it can scan
// the edition's terms comparing each to every list element. A VALUES list
// has a known size and is joined like a table. Padded like inList.
func termSet(terms []string) (string, []any) {
	marks, args := inList(terms)
	return `SELECT column1 FROM (VALUES (` + strings.ReplaceAll(marks, ", ", "), (") + `)) AS v`, args
}
