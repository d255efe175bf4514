package demo

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// batchRows is how many rows one INSERT carries on each engine. On PostgreSQL every statement is
// a round trip, so rows go a few hundred at a time (far below its 65535-parameter limit). SQLite
// runs in-process, and modernc's driver looks up each parameter's name by a linear scan, which
// makes binding quadratic in the parameters of a statement: the national build took 10 s at 400
// rows per statement and 5 s at 100 (measured on SQLite, 2 cores).
var batchRows = map[store.Engine]int{store.Postgres: 400, store.SQLite: 100}

// inserter writes rows of one table with multi-row INSERT … RETURNING id, code. The statement for
// a full batch is prepared once and reused; only the last, shorter batch is planned again. Every
// row shares $1, the build's timestamp, for created_at and updated_at.
type inserter struct {
	tx    *sql.Tx
	batch int // rows per full statement
	table string
	cols  []string
	now   time.Time
	full  *sql.Stmt
}

func (in *inserter) sql(rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + in.table + " (" + strings.Join(in.cols, ", ") + ", created_at, updated_at) VALUES ")
	n := 2
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for range in.cols {
			b.WriteString("$" + strconv.Itoa(n) + ", ")
			n++
		}
		b.WriteString("$1, $1)")
	}
	b.WriteString(" RETURNING id, code")
	return b.String()
}

// insert writes rows [from, to) as given by row (one value per column) and hands each new id to
// setID together with the row's index. Rows come back in no guaranteed order, hence the code.
func (in *inserter) insert(ctx context.Context, from, to int, row func(i int) []any, code func(i int) string, setID func(i int, id int64)) error {
	n := to - from
	args := make([]any, 1, 1+n*len(in.cols))
	args[0] = in.now
	byCode := make(map[string]int, n)
	for i := from; i < to; i++ {
		args = append(args, row(i)...)
		byCode[code(i)] = i
	}
	var rows *sql.Rows
	var err error
	if n == in.batch {
		if in.full == nil {
			if in.full, err = in.tx.PrepareContext(ctx, in.sql(in.batch)); err != nil {
				return fmt.Errorf("prepare: %w", err)
			}
		}
		rows, err = in.full.QueryContext(ctx, args...)
	} else {
		rows, err = in.tx.QueryContext(ctx, in.sql(n), args...)
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	got := 0
	for rows.Next() {
		var id int64
		var c string
		if err := rows.Scan(&id, &c); err != nil {
			return err
		}
		i, ok := byCode[c]
		if !ok {
			return fmt.Errorf("unexpected code %q returned", c)
		}
		setID(i, id)
		got++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if got != n {
		return fmt.Errorf("%d rows returned for %d inserted", got, n)
	}
	return nil
}

func (in *inserter) close() {
	if in.full != nil {
		in.full.Close()
	}
}

// report passes progress on at most once per percent of a step (and always at its start and
// end), so that a progress bar is smooth without a callback per batch.
func (b *bureau) report(step string, done, total int) {
	if b.progress == nil {
		return
	}
	pct := 0
	if total > 0 {
		pct = done * 100 / total
	}
	if step == b.lastStep && pct == b.lastPct && done != total {
		return
	}
	b.lastStep, b.lastPct = step, pct
	b.progress(step, done, total)
}

// writeUnits inserts the tree one depth at a time, because a row needs its parent's id. Paths
// need the row's own id, so each depth is inserted with an empty path and then completed by one
// UPDATE that appends the id to the parent's path: two statements per depth instead of one per
// unit.
func (b *bureau) writeUnits(ctx context.Context, tx *sql.Tx) error {
	in := &inserter{tx: tx, batch: b.batch, table: "units", cols: []string{"code", "name", "kind", "parent_id", "path", "sort_order"}, now: store.Now()}
	defer in.close()
	byDepth := [][]int{}
	for i, u := range b.units {
		for len(byDepth) <= u.Depth {
			byDepth = append(byDepth, nil)
		}
		byDepth[u.Depth] = append(byDepth[u.Depth], i)
	}
	done := 0
	b.report("单位", 0, len(b.units))
	for _, level := range byDepth {
		row := func(k int) []any {
			u := b.units[level[k]]
			var parent any
			if u.Parent >= 0 {
				parent = b.units[u.Parent].ID
			}
			return []any{u.Code, u.Name, string(u.Kind), parent, "", u.Sort}
		}
		code := func(k int) string { return b.units[level[k]].Code }
		setID := func(k int, id int64) { b.units[level[k]].ID = id }
		for from := 0; from < len(level); from += in.batch {
			to := min(from+in.batch, len(level))
			if err := in.insert(ctx, from, to, row, code, setID); err != nil {
				return fmt.Errorf("demo: insert units: %w", err)
			}
			done += to - from
			b.report("单位", done, len(b.units))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE units SET path = COALESCE((SELECT p.path FROM units p WHERE p.id = units.parent_id), '/')
			|| CAST(id AS TEXT) || '/' WHERE path = ''`); err != nil {
			return fmt.Errorf("demo: set unit paths: %w", err)
		}
		for _, i := range level {
			u := &b.units[i]
			if u.Parent < 0 {
				u.Path = "/" + strconv.FormatInt(u.ID, 10) + "/"
			} else {
				u.Path = b.units[u.Parent].Path + strconv.FormatInt(u.ID, 10) + "/"
			}
		}
	}
	return nil
}

// writePeople inserts every person in batches. It bypasses org.CreatePersonTx on purpose: that
// re-reads each row and writes an audit entry per person, which at 200k people is most of the
// build; one summary entry records the demo instead.
func (b *bureau) writePeople(ctx context.Context, tx *sql.Tx) error {
	in := &inserter{tx: tx, batch: b.batch, table: "people", cols: []string{"code", "name", "unit_id", "post", "status", "left_on"}, now: store.Now()}
	defer in.close()
	row := func(i int) []any {
		p := b.people[i]
		var left any
		if !p.LeftOn.IsZero() {
			left = p.LeftOn
		}
		return []any{p.Code, p.Name, b.units[p.Unit].ID, p.Post, p.Status, left}
	}
	code := func(i int) string { return b.people[i].Code }
	setID := func(i int, id int64) { b.people[i].ID = id }
	b.report("人员", 0, len(b.people))
	for from := 0; from < len(b.people); from += in.batch {
		to := min(from+in.batch, len(b.people))
		if err := in.insert(ctx, from, to, row, code, setID); err != nil {
			return fmt.Errorf("demo: insert people: %w", err)
		}
		b.report("人员", to, len(b.people))
	}
	return nil
}

// writeUsers creates the demo logins. They are few, so plain statements do; they are inserted
// with must_change_password off because everyone shares the published demo password anyway.
func (b *bureau) writeUsers(ctx context.Context, tx *sql.Tx, hash string) error {
	now := store.Now()
	b.report("账号", 0, len(b.logins))
	for i := range b.logins {
		l := &b.logins[i]
		p := b.people[l.Person]
		err := tx.QueryRowContext(ctx, `INSERT INTO users (username, display_name, person_id, unit_id, scope_unit_id, password_hash,
			disabled, must_change_password, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, FALSE, FALSE, $7, $7) RETURNING id`,
			l.Username, p.Name, p.ID, b.units[l.Unit].ID, b.units[l.Scope].ID, hash, now).Scan(&l.ID)
		if err != nil {
			return fmt.Errorf("demo: insert user %s: %w", l.Username, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, l.ID, string(l.Role)); err != nil {
			return fmt.Errorf("demo: insert role of %s: %w", l.Username, err)
		}
		b.report("账号", i+1, len(b.logins))
	}
	return nil
}

// recordAudit appends one entry per table saying what the demo created, so the log shows that
// this data is synthetic and how to rebuild it (preset and seed) without one entry per row.
func (b *bureau) recordAudit(ctx context.Context, tx *sql.Tx) error {
	build := map[string]any{"preset": string(b.preset), "seed": b.seed}
	units := map[string]any{"total": len(b.units)}
	for _, k := range org.UnitKinds {
		units[string(k)] = 0
	}
	for _, u := range b.units {
		units[string(u.Kind)] = units[string(u.Kind)].(int) + 1
	}
	left := 0
	for _, p := range b.people {
		if p.Status == org.Left {
			left++
		}
	}
	people := map[string]any{"total": len(b.people), org.Active: len(b.people) - left, org.Left: left}
	var users []map[string]any
	for _, l := range b.logins {
		users = append(users, map[string]any{"id": l.ID, "username": l.Username, "role": string(l.Role),
			"unit": b.units[l.Unit].Code, "scope": b.units[l.Scope].Code})
	}
	entries := []struct {
		object string
		after  any
	}{
		{"unit", map[string]any{"demo": build, "units": units}},
		{"person", map[string]any{"demo": build, "people": people}},
		{"user", map[string]any{"demo": build, "users": users}},
	}
	for _, e := range entries {
		if err := audit.Record(ctx, tx, audit.System, "demo", e.object, "*", nil, e.after); err != nil {
			return fmt.Errorf("demo: audit %s: %w", e.object, err)
		}
	}
	return nil
}
