package catalogio

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strconv"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/sheet"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// table is one sheet's rows as text, in the order of columns[sheet], produced on demand so that
// a large member sheet is written as it is read.
type table struct {
	sheet Sheet
	rows  func(emit func([]string) error) error
}

// ExportCSV writes one sheet of the inventory in p's scope as UTF-8 CSV with a BOM, which Excel
// needs to show Chinese correctly. Cells that Excel would run as formulas get a leading
// apostrophe, which ParseCSV removes again.
func ExportCSV(ctx context.Context, db *store.DB, p org.Principal, w io.Writer, s Sheet) error {
	s, err := ParseSheet(string(s))
	if err != nil {
		return err
	}
	if err := p.Require(org.PermCatalogRead); err != nil {
		return err
	}
	t, err := load(ctx, db, p, s)
	if err != nil {
		return err
	}
	cw, err := sheet.NewCSVWriter(w)
	if err != nil {
		return fmt.Errorf("catalogio: write csv: %w", err)
	}
	var header []string
	for _, c := range columns[s] {
		header = append(header, c.name)
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("catalogio: write csv: %w", err)
	}
	if err := t.rows(cw.Write); err != nil {
		return fmt.Errorf("catalogio: write csv: %w", err)
	}
	if err := cw.Flush(); err != nil {
		return fmt.Errorf("catalogio: write csv: %w", err)
	}
	return nil
}

// exportSheets checks the requested kinds and lists their sheets in import order, with the
// member sheet when groups are among them.
func exportSheets(kinds []catalog.Kind) ([]Sheet, error) {
	if len(kinds) == 0 {
		kinds = catalog.Kinds
	}
	want := map[Sheet]bool{}
	for _, k := range kinds {
		k, err := catalog.ParseKind(string(k))
		if err != nil {
			return nil, err
		}
		want[SheetOf(k)] = true
	}
	want[Members] = want[Groups]
	var out []Sheet
	for _, s := range Sheets {
		if want[s] {
			out = append(out, s)
		}
	}
	return out, nil
}

// load prepares one sheet of p's inventory: every asset of the kind in p's scope, whatever its
// status (retired and merged assets are part of the record), by code; or the members of those
// groups, by group, owner and admins first.
func load(ctx context.Context, db *store.DB, p org.Principal, s Sheet) (table, error) {
	if s == Members {
		return table{sheet: s, rows: func(emit func([]string) error) error { return memberRows(ctx, db, p, emit) }}, nil
	}
	assets, err := allAssets(ctx, db, p, s.Kind())
	if err != nil {
		return table{}, err
	}
	leads, err := leadCodes(ctx, db, assets)
	if err != nil {
		return table{}, err
	}
	return table{sheet: s, rows: func(emit func([]string) error) error {
		for _, a := range assets {
			if err := emit(assetRow(s, a, leads[a.LeadUnitID])); err != nil {
				return err
			}
		}
		return nil
	}}, nil
}

// allAssets pages through catalog's list, which applies p's scope.
func allAssets(ctx context.Context, db *store.DB, p org.Principal, k catalog.Kind) ([]catalog.Asset, error) {
	s := &catalog.Store{DB: db}
	var out []catalog.Asset
	for off := 0; ; off += org.MaxPage {
		page, total, err := s.List(ctx, p, catalog.Filter{Kind: k, Sort: "code", Page: org.Page{Limit: org.MaxPage, Offset: off}})
		if err != nil {
			return nil, fmt.Errorf("catalogio: export %s: %w", k, err)
		}
		out = append(out, page...)
		if len(page) == 0 || len(out) >= total {
			return out, nil
		}
	}
}

// leadCodes reads the codes of the assets' lead departments. catalog.Asset carries the lead's
// name but not its code; the lead is usually a 总队 department outside a liaison's scope, which
// catalog already names to them.
func leadCodes(ctx context.Context, db *store.DB, assets []catalog.Asset) (map[int64]string, error) {
	seen := map[int64]bool{}
	var ids []int64
	for _, a := range assets {
		if a.LeadUnitID != 0 && !seen[a.LeadUnitID] {
			seen[a.LeadUnitID] = true
			ids = append(ids, a.LeadUnitID)
		}
	}
	out := map[int64]string{}
	err := idChunks(ids, func(in string, args []any) error {
		return query(ctx, db, `SELECT id, code FROM units WHERE id IN (`+in+`)`, args, func(rows *sql.Rows) error {
			var id int64
			var code string
			if err := rows.Scan(&id, &code); err != nil {
				return err
			}
			out[id] = code
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("catalogio: read lead departments: %w", err)
	}
	return out, nil
}

// inputOf is a stored asset in the form an import reads.
func inputOf(a catalog.Asset, leadCode string) catalog.Input {
	in := catalog.Input{Code: a.Code, Kind: a.Kind, Name: a.Name, Platform: a.Platform, UnitCode: a.UnitCode, LeadUnitCode: leadCode,
		OwnerCode: a.OwnerCode, Purpose: a.Purpose, Functions: a.Functions, Status: a.Status, OpenedOn: a.OpenedOn, Notes: a.Notes,
		App: a.App, Account: a.Account, Group: a.Group}
	switch {
	case a.Kind == catalog.App && in.App == nil:
		in.App = &catalog.AppDetails{}
	case a.Kind == catalog.Account && in.Account == nil:
		in.Account = &catalog.AccountDetails{}
	case a.Kind == catalog.Group && in.Group == nil:
		in.Group = &catalog.GroupDetails{}
	}
	return in
}

func assetRow(s Sheet, a catalog.Asset, leadCode string) []string {
	in := inputOf(a, leadCode)
	cols := columns[s]
	row := make([]string, len(cols))
	for i, c := range cols {
		switch {
		case c.name == ColStatus:
			row[i] = a.StatusLabel()
		case c.name == ColMemberCount:
			row[i] = strconv.Itoa(in.Group.MemberCount)
		default:
			row[i] = c.get(&in)
		}
	}
	return row
}

// memberRows streams the members of the groups in p's scope. catalog lists one group's members
// per call (two queries each); a province has twenty thousand groups, so this reads them all
// in one query, filtered by org's scope condition as catalog filters its lists.
func memberRows(ctx context.Context, db *store.DB, p org.Principal, emit func([]string) error) error {
	w := &store.Where{}
	w.Add("a.kind = ?", string(catalog.Group))
	p.Scope.Filter(w, "u.path")
	return query(ctx, db, `SELECT a.code, COALESCE(x.code, ''), m.external_name, m.role
		FROM group_members m JOIN assets a ON a.id = m.group_id JOIN units u ON u.id = a.unit_id LEFT JOIN people x ON x.id = m.person_id`+
		w.String()+` ORDER BY a.code, CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, m.person_id IS NULL, x.code, m.external_name`,
		w.Args, func(rows *sql.Rows) error {
			r := make([]string, 4)
			var role string
			if err := rows.Scan(&r[0], &r[1], &r[2], &role); err != nil {
				return err
			}
			r[3] = catalog.MemberRoleLabel(role)
			return emit(r)
		})
}
