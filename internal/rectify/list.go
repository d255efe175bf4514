package rectify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// DueSoonWorkdays is the window of "due this week" (本周到期): the next five working days.
const DueSoonWorkdays = 5

// Filter selects items for a list. Zero fields do not filter.
type Filter struct {
	UnitID      int64  // the unit's subtree
	Source      Source //
	Status      Status //
	Overdue     bool   // only overdue items
	DueThisWeek bool   // only open items due from today to DueSoonWorkdays working days ahead
	Q           string // substring of the title or the number
	Page        org.Page
}

// where builds the conditions of f for p; the scope filter always comes first.
func (f Filter) where(ctx context.Context, q store.Querier, p org.Principal) (*store.Where, error) {
	w := &store.Where{}
	p.Scope.Filter(w, "u.path")
	if f.UnitID != 0 {
		var path string
		err := q.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, f.UnitID).Scan(&path)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !p.Scope.Contains(path) {
			return nil, errs.E(errs.NotFound, "单位不存在或不在您的管辖范围内")
		}
		if err != nil {
			return nil, fmt.Errorf("rectify: read unit %d: %w", f.UnitID, err)
		}
		w.Add(`u.path LIKE ? ESCAPE '\'`, store.Prefix(path))
	}
	if f.Source != "" {
		w.Add("i.source = ?", string(f.Source))
	}
	if f.Status != "" {
		w.Add("i.status = ?", string(f.Status))
	}
	day := today()
	if f.Overdue {
		w.Add("i.status <> 'closed' AND i.deadline < ?", day)
	}
	if f.DueThisWeek {
		cal, err := calendar.Load(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("rectify: load calendar: %w", err)
		}
		w.Add("i.status <> 'closed' AND i.deadline >= ? AND i.deadline <= ?", day, cal.AddWorkdays(day, DueSoonWorkdays))
	}
	if s := strings.TrimSpace(f.Q); s != "" {
		like := store.Like(s)
		w.Add(`(lower(i.title) LIKE lower(?) ESCAPE '\' OR lower(i.number) LIKE lower(?) ESCAPE '\')`, like, like)
	}
	return w, nil
}

// List returns one page of the items in the caller's scope matching f, soonest deadline first,
// and how many match in all.
func List(ctx context.Context, db *store.DB, p org.Principal, f Filter) ([]Item, int, error) {
	if err := requireRead(p); err != nil {
		return nil, 0, err
	}
	w, err := f.where(ctx, db, p)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := db.QueryRowContext(ctx, `SELECT count(*)`+itemFrom+w.String(), w.Args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("rectify: count items: %w", err)
	}
	pg := f.Page.Norm()
	rows, err := db.QueryContext(ctx, `SELECT `+itemCols+itemFrom+w.String()+
		` ORDER BY CASE i.status WHEN 'closed' THEN 1 ELSE 0 END, i.deadline, i.number`+w.Page(pg.Limit, pg.Offset), w.Args...)
	if err != nil {
		return nil, 0, fmt.Errorf("rectify: list items: %w", err)
	}
	defer rows.Close()
	day := today()
	var out []Item
	for rows.Next() {
		x, err := scanItem(rows, day)
		if err != nil {
			return nil, 0, fmt.Errorf("rectify: read item: %w", err)
		}
		out = append(out, x)
	}
	return out, total, rows.Err()
}

// BoardRow is one unit's line of the ledger board: its items by status, and how many are
// overdue (those are counted in their status too).
type BoardRow struct {
	UnitID   int64          `json:"unit_id"`
	UnitCode string         `json:"unit_code"`
	UnitName string         `json:"unit_name"`
	Counts   map[Status]int `json:"counts"`
	Overdue  int            `json:"overdue"`
	Total    int            `json:"total"`
}

// Board counts the items in the caller's scope per responsible unit and status, in tree
// order. Units without items are left out.
func Board(ctx context.Context, db *store.DB, p org.Principal) ([]BoardRow, error) {
	if err := requireRead(p); err != nil {
		return nil, err
	}
	w := &store.Where{}
	p.Scope.Filter(w, "u.path")
	w.Args = append(w.Args, today())
	rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT u.id, u.code, u.name, i.status, count(*),
		SUM(CASE WHEN i.status <> 'closed' AND i.deadline < $%d THEN 1 ELSE 0 END)
		FROM ledger_items i JOIN units u ON u.id = i.unit_id`, len(w.Args))+w.String()+
		` GROUP BY u.id, u.code, u.name, u.path, i.status ORDER BY u.path, i.status`, w.Args...)
	if err != nil {
		return nil, fmt.Errorf("rectify: board: %w", err)
	}
	defer rows.Close()
	var out []BoardRow
	for rows.Next() {
		var r BoardRow
		var st Status
		var n, overdue int
		if err := rows.Scan(&r.UnitID, &r.UnitCode, &r.UnitName, &st, &n, &overdue); err != nil {
			return nil, fmt.Errorf("rectify: board: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].UnitID != r.UnitID {
			r.Counts = map[Status]int{}
			out = append(out, r)
		}
		last := &out[len(out)-1]
		last.Counts[st] += n
		last.Overdue += overdue
		last.Total += n
	}
	return out, rows.Err()
}

// Detail is an item with everything recorded on it.
type Detail struct {
	Item
	History        []Event          `json:"history"`
	Comments       []Comment        `json:"comments"`
	Attachments    []Attachment     `json:"attachments"`
	Accountability []Accountability `json:"accountability"`
}

// Get returns an item in the caller's scope with its history, comments, attachments (metadata
// only) and accountability records, each oldest first.
func Get(ctx context.Context, db *store.DB, p org.Principal, id int64) (Detail, error) {
	if err := requireRead(p); err != nil {
		return Detail{}, err
	}
	it, err := get(ctx, db, p.Scope, id)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Item: it, History: []Event{}, Comments: []Comment{}, Attachments: []Attachment{}, Accountability: []Accountability{}}
	if err := each(ctx, db, `SELECT id, at, COALESCE(actor_id, 0), actor, action, from_status, to_status, reason FROM ledger_history
		WHERE item_id = $1 ORDER BY id`, id, func(s scanner) error {
		var e Event
		err := s.Scan(&e.ID, &e.At, &e.ActorID, &e.Actor, &e.Action, &e.From, &e.To, &e.Reason)
		e.At = e.At.UTC()
		d.History = append(d.History, e)
		return err
	}); err != nil {
		return d, fmt.Errorf("rectify: history of item %d: %w", id, err)
	}
	if err := each(ctx, db, `SELECT id, at, COALESCE(actor_id, 0), actor, body FROM ledger_comments WHERE item_id = $1 ORDER BY id`, id, func(s scanner) error {
		var c Comment
		err := s.Scan(&c.ID, &c.At, &c.ActorID, &c.Actor, &c.Body)
		c.At = c.At.UTC()
		d.Comments = append(d.Comments, c)
		return err
	}); err != nil {
		return d, fmt.Errorf("rectify: comments of item %d: %w", id, err)
	}
	if err := each(ctx, db, `SELECT `+attachmentCols+` FROM ledger_attachments WHERE item_id = $1 ORDER BY id`, id, func(s scanner) error {
		a, err := scanAttachment(s)
		d.Attachments = append(d.Attachments, a)
		return err
	}); err != nil {
		return d, fmt.Errorf("rectify: attachments of item %d: %w", id, err)
	}
	if err := each(ctx, db, `SELECT id, kind, note, on_date, step, COALESCE(actor_id, 0), actor, at FROM ledger_accountability
		WHERE item_id = $1 ORDER BY id`, id, func(s scanner) error {
		var a Accountability
		err := s.Scan(&a.ID, &a.Kind, &a.Note, &a.On, &a.Step, &a.ActorID, &a.Actor, &a.At)
		a.On, a.At = dateOnly(a.On), a.At.UTC()
		d.Accountability = append(d.Accountability, a)
		return err
	}); err != nil {
		return d, fmt.Errorf("rectify: accountability of item %d: %w", id, err)
	}
	return d, nil
}

type scanner interface{ Scan(...any) error }

// each runs query with one argument and calls fn on every row.
func each(ctx context.Context, q store.Querier, query string, arg any, fn func(scanner) error) error {
	return eachArgs(ctx, q, query, []any{arg}, fn)
}

// eachArgs runs query with args and calls fn on every row.
func eachArgs(ctx context.Context, q store.Querier, query string, args []any, fn func(scanner) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
