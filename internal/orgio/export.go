package orgio

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/sheet"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// table is one kind's rows as text, in the order of columns[kind].
type table struct {
	kind Kind
	rows [][]string
}

// ExportCSV writes one kind of table in p's scope as UTF-8 CSV with a BOM, which Excel needs to
// show Chinese correctly. Cells that Excel would run as formulas get a leading apostrophe, which
// ParseCSV removes again.
func ExportCSV(ctx context.Context, db *store.DB, p org.Principal, w io.Writer, kind Kind) error {
	kind, err := ParseKind(string(kind))
	if err != nil {
		return err
	}
	tables, err := load(ctx, db, p, []Kind{kind})
	if err != nil {
		return err
	}
	cw, err := sheet.NewCSVWriter(w)
	if err != nil {
		return fmt.Errorf("orgio: write csv: %w", err)
	}
	var header []string
	for _, c := range columns[kind] {
		header = append(header, c.name)
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("orgio: write csv: %w", err)
	}
	for _, r := range tables[0].rows {
		if err := cw.Write(r); err != nil {
			return fmt.Errorf("orgio: write csv: %w", err)
		}
	}
	if err := cw.Flush(); err != nil {
		return fmt.Errorf("orgio: write csv: %w", err)
	}
	return nil
}

// load reads the tables of the given kinds that p may see. Units come in tree order (siblings by
// 排序号, then code), people by their unit's place in that order and then by 工号, so that a
// file reads like the organisation chart and imports parents first.
func load(ctx context.Context, db *store.DB, p org.Principal, kinds []Kind) ([]table, error) {
	s := &org.Store{DB: db}
	all, err := s.AllUnits(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("orgio: export units: %w", err)
	}
	units := treeOrder(all)
	var out []table
	for _, k := range kinds {
		t := table{kind: k}
		switch k {
		case Units:
			t.rows, err = unitRows(ctx, db, units)
		case People:
			t.rows, err = personRows(ctx, s, p, units)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// treeOrder sorts units depth-first from the top of the caller's subtree.
func treeOrder(all []org.Unit) []org.Unit {
	byID := map[int64]bool{}
	for _, u := range all {
		byID[u.ID] = true
	}
	children := map[int64][]org.Unit{}
	var roots []org.Unit
	for _, u := range all {
		if byID[u.ParentID] {
			children[u.ParentID] = append(children[u.ParentID], u)
		} else {
			roots = append(roots, u)
		}
	}
	less := func(list []org.Unit) func(i, j int) bool {
		return func(i, j int) bool {
			if list[i].SortOrder != list[j].SortOrder {
				return list[i].SortOrder < list[j].SortOrder
			}
			return list[i].Code < list[j].Code
		}
	}
	var out []org.Unit
	var walk func(list []org.Unit)
	walk = func(list []org.Unit) {
		sort.SliceStable(list, less(list))
		for _, u := range list {
			out = append(out, u)
			walk(children[u.ID])
		}
	}
	walk(roots)
	return out
}

func unitRows(ctx context.Context, db *store.DB, units []org.Unit) ([][]string, error) {
	code := map[int64]string{}
	for _, u := range units {
		code[u.ID] = u.Code
	}
	rows := make([][]string, 0, len(units))
	for _, u := range units {
		parent, ok := code[u.ParentID]
		if !ok && u.ParentID != 0 {
			// The top of a liaison's subtree: its parent is outside the scope, but org already
			// shows its name, and the code lets the file be imported again unchanged.
			// org.Unit carries no parent code, so it is read here.
			if err := db.QueryRowContext(ctx, `SELECT code FROM units WHERE id = $1`, u.ParentID).Scan(&parent); err != nil {
				return nil, fmt.Errorf("orgio: read parent code: %w", err)
			}
		}
		rows = append(rows, []string{u.Code, u.Name, u.Kind.Label(), parent, strconv.Itoa(u.SortOrder)})
	}
	return rows, nil
}

func personRows(ctx context.Context, s *org.Store, p org.Principal, units []org.Unit) ([][]string, error) {
	place := map[int64]int{}
	for i, u := range units {
		place[u.ID] = i
	}
	var people []org.Person
	for off := 0; ; off += org.MaxPage {
		page, total, err := s.People(ctx, p, org.PersonFilter{Page: org.Page{Limit: org.MaxPage, Offset: off}})
		if err != nil {
			return nil, fmt.Errorf("orgio: export people: %w", err)
		}
		people = append(people, page...)
		if len(page) == 0 || len(people) >= total {
			break
		}
	}
	sort.SliceStable(people, func(i, j int) bool {
		a, b := people[i], people[j]
		if place[a.UnitID] != place[b.UnitID] {
			return place[a.UnitID] < place[b.UnitID]
		}
		return a.Code < b.Code
	})
	rows := make([][]string, 0, len(people))
	for _, x := range people {
		left := ""
		if x.LeftOn != nil {
			left = x.LeftOn.Format("2006-01-02")
		}
		rows = append(rows, []string{x.Code, x.Name, x.UnitCode, x.Post, org.StatusLabel(x.Status), left})
	}
	return rows, nil
}
