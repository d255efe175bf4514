package orgio

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/org"
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

// styles are the cell styles of an export.
type styles struct {
	header int // bold on a light fill, bordered
	text   int // "@" (text) format, so Excel keeps codes like 00123 as typed
	date   int // yyyy-mm-dd
}

func newStyles(f *excelize.File) (styles, error) {
	var st styles
	var err error
	border := []excelize.Border{{Type: "left", Color: "9BC2E6", Style: 1}, {Type: "right", Color: "9BC2E6", Style: 1},
		{Type: "top", Color: "9BC2E6", Style: 1}, {Type: "bottom", Color: "9BC2E6", Style: 1}}
	if st.header, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border:    border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"},
	}); err != nil {
		return st, fmt.Errorf("orgio: header style: %w", err)
	}
	if st.text, err = f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil {
		return st, fmt.Errorf("orgio: text style: %w", err)
	}
	dateFmt := "yyyy-mm-dd"
	if st.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt}); err != nil {
		return st, fmt.Errorf("orgio: date style: %w", err)
	}
	return st, nil
}

// writeSheet streams one table into its sheet: header row frozen, widths set, codes as text,
// dates as real dates, 排序号 as numbers.
func writeSheet(f *excelize.File, t table, st styles) error {
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
			if err := sw.SetColStyle(i+1, i+1, st.text); err != nil {
				return fmt.Errorf("orgio: column style: %w", err)
			}
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("orgio: freeze header: %w", err)
	}
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = excelize.Cell{StyleID: st.header, Value: c.name}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{Height: 20}); err != nil {
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

func exportCell(t cellType, v string, st styles) any {
	switch t {
	case codeCell:
		return excelize.Cell{StyleID: st.text, Value: v}
	case numberCell:
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	case dateCell:
		if d, err := time.Parse("2006-01-02", v); err == nil {
			return excelize.Cell{StyleID: st.date, Value: d}
		}
		return nil
	}
	return v
}
