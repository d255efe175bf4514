package org

import (
	"strconv"
	"strings"
)

// where collects AND-ed conditions written with ? and numbers them as $1, $2, … in order.
type where struct {
	parts []string
	args  []any
}

func (w *where) add(expr string, args ...any) {
	var b strings.Builder
	n := 0
	for _, r := range expr {
		if r == '?' {
			w.args = append(w.args, args[n])
			n++
			b.WriteString("$" + itoa(len(w.args)))
			continue
		}
		b.WriteRune(r)
	}
	w.parts = append(w.parts, b.String())
}

func (w *where) scope(column string, s Scope) {
	cond, args := s.sql(column, len(w.args)+1)
	w.parts = append(w.parts, cond)
	w.args = append(w.args, args...)
}

func (w *where) String() string {
	if len(w.parts) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.parts, " AND ")
}

// page appends LIMIT and OFFSET placeholders and returns the clause.
func (w *where) page(limit, offset int) string {
	w.args = append(w.args, limit, offset)
	return " LIMIT $" + itoa(len(w.args)-1) + " OFFSET $" + itoa(len(w.args))
}

func itoa(n int) string { return strconv.Itoa(n) }

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Page is a window of a list.
type Page struct {
	Limit  int
	Offset int
}

// MaxPage is the largest page any list returns.
const MaxPage = 500

func (p Page) norm() Page {
	if p.Limit <= 0 {
		p.Limit = 50
	}
	if p.Limit > MaxPage {
		p.Limit = MaxPage
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	return p
}
