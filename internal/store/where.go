package store

import (
	"strconv"
	"strings"
)

// Where collects AND-ed conditions written with ? and numbers the placeholders $1, $2, … in
// order, so that list queries with optional filters stay readable.
type Where struct {
	parts []string
	Args  []any
}

// Add appends a condition; each ? in expr takes the next of args.
func (w *Where) Add(expr string, args ...any) {
	var b strings.Builder
	n := 0
	for _, r := range expr {
		if r == '?' {
			w.Args = append(w.Args, args[n])
			n++
			b.WriteString("$" + strconv.Itoa(len(w.Args)))
			continue
		}
		b.WriteRune(r)
	}
	w.parts = append(w.parts, b.String())
}

// String is the WHERE clause, or "" when there are no conditions.
func (w *Where) String() string {
	if len(w.parts) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.parts, " AND ")
}

// Page appends LIMIT and OFFSET placeholders and returns the clause.
func (w *Where) Page(limit, offset int) string {
	w.Args = append(w.Args, limit, offset)
	return " LIMIT $" + strconv.Itoa(len(w.Args)-1) + " OFFSET $" + strconv.Itoa(len(w.Args))
}

// EscapeLike escapes s for a LIKE pattern with ESCAPE '\'.
func EscapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
