package orgio

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/sheet"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// ExportXLSX writes the tables of the given kinds (both when none are given) that p may see as
// one workbook, one sheet per kind named 单位 and 人员. The file is the import format: imported
// again unchanged, it changes nothing.
func ExportXLSX(ctx context.Context, db *store.DB, p org.Principal, w io.Writer, kinds ...Kind) error {
	kinds, err := exportKinds(kinds)
	if err != nil {
		return err
	}
	tables, err := load(ctx, db, p, kinds)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	for i, t := range tables {
		name := t.kind.Label()
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return fmt.Errorf("orgio: add sheet: %w", err)
		}
		if err := writeSheet(f, t, st); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("orgio: write xlsx: %w", err)
	}
	return nil
}

// exportKinds checks the requested kinds, drops repeats and puts them in import order.
func exportKinds(kinds []Kind) ([]Kind, error) {
	if len(kinds) == 0 {
		return Kinds, nil
	}
	want := map[Kind]bool{}
	for _, k := range kinds {
		k, err := ParseKind(string(k))
		if err != nil {
			return nil, err
		}
		want[k] = true
	}
	var out []Kind
	for _, k := range Kinds {
		if want[k] {
			out = append(out, k)
		}
	}
	return out, nil
}

func newStyles(f *excelize.File) (sheet.Styles, error) { return sheet.NewStyles(f, false) }

// writeSheet streams one table into its sheet: header row frozen, widths set, codes as text,
// dates as real dates, 排序号 as numbers.
func writeSheet(f *excelize.File, t table, st sheet.Styles) error {
	name := t.kind.Label()
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("orgio: sheet %s: %w", name, err)
	}
	cols := columns[t.kind]
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return fmt.Errorf("orgio: column width: %w", err)
		}
		if c.typ == codeCell {
			if err := sw.SetColStyle(i+1, i+1, st.Text); err != nil {
				return fmt.Errorf("orgio: column style: %w", err)
			}
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("orgio: freeze header: %w", err)
	}
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.name
	}
	if err := sheet.WriteHeader(sw, st.Header, header); err != nil {
		return fmt.Errorf("orgio: write header: %w", err)
	}
	for n, r := range t.rows {
		values := make([]any, len(cols))
		for i, c := range cols {
			values[i] = exportCell(c.typ, r[i], st)
		}
		axis, err := excelize.CoordinatesToCellName(1, n+2)
		if err != nil {
			return fmt.Errorf("orgio: row %d: %w", n+2, err)
		}
		if err := sw.SetRow(axis, values); err != nil {
			return fmt.Errorf("orgio: write row %d: %w", n+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("orgio: flush sheet %s: %w", name, err)
	}
	return nil
}

func exportCell(t cellType, v string, st sheet.Styles) any {
	switch t {
	case codeCell:
		return excelize.Cell{StyleID: st.Text, Value: v}
	case numberCell:
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	case dateCell:
		if d, err := time.Parse("2006-01-02", v); err == nil {
			return excelize.Cell{StyleID: st.Date, Value: d}
		}
		return nil
	}
	return v
}
