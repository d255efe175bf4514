package catalogio

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/sheet"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// ExportXLSX writes the inventory of the given kinds (all three when none are given) that p may
// see as one workbook: sheets 应用, 公众号 and 群组, and 群成员 when groups are exported. Retired
// and merged assets are included with their status. The file is the import format: imported
// again unchanged, it changes nothing.
func ExportXLSX(ctx context.Context, db *store.DB, p org.Principal, w io.Writer, kinds ...catalog.Kind) error {
	sheets, err := exportSheets(kinds)
	if err != nil {
		return err
	}
	if err := p.Require(org.PermCatalogRead); err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	for i, s := range sheets {
		t, err := load(ctx, db, p, s)
		if err != nil {
			return err
		}
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), s.Label())
		} else {
			_, err = f.NewSheet(s.Label())
		}
		if err != nil {
			return fmt.Errorf("catalogio: add sheet: %w", err)
		}
		if err := writeSheet(f, t, st); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("catalogio: write xlsx: %w", err)
	}
	return nil
}

// styles are the cell styles of an export: sheet's, with wrapped headers, plus wrapped text
// for lists and descriptions.
type styles struct {
	sheet.Styles
	wrap int // wrapped text, so a list shows one item per line
}

func newStyles(f *excelize.File) (styles, error) {
	base, err := sheet.NewStyles(f, true)
	if err != nil {
		return styles{}, err
	}
	st := styles{Styles: base}
	if st.wrap, err = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}); err != nil {
		return st, fmt.Errorf("catalogio: wrap style: %w", err)
	}
	return st, nil
}

// writeSheet streams one table into its sheet: header row frozen, widths set, codes as text,
// dates as real dates, counts as numbers, lists wrapped one item per line.
func writeSheet(f *excelize.File, t table, st styles) error {
	name := t.sheet.Label()
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("catalogio: sheet %s: %w", name, err)
	}
	cols := columns[t.sheet]
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return fmt.Errorf("catalogio: column width: %w", err)
		}
		style := 0
		switch {
		case c.typ == codeCell:
			style = st.Text
		case c.multiline:
			style = st.wrap
		}
		if style != 0 {
			if err := sw.SetColStyle(i+1, i+1, style); err != nil {
				return fmt.Errorf("catalogio: column style: %w", err)
			}
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 2, YSplit: 1, TopLeftCell: "C2", ActivePane: "bottomRight"}); err != nil {
		return fmt.Errorf("catalogio: freeze header: %w", err)
	}
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.name
	}
	if err := sheet.WriteHeader(sw, st.Header, header); err != nil {
		return fmt.Errorf("catalogio: write header: %w", err)
	}
	n := 1
	values := make([]any, len(cols))
	err = t.rows(func(r []string) error {
		n++
		for i, c := range cols {
			values[i] = exportCell(c, r[i], st)
		}
		axis, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return err
		}
		return sw.SetRow(axis, values)
	})
	if err != nil {
		return fmt.Errorf("catalogio: write %s row %d: %w", name, n, err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("catalogio: flush sheet %s: %w", name, err)
	}
	return nil
}

func exportCell(c column, v string, st styles) any {
	switch c.typ {
	case codeCell:
		return excelize.Cell{StyleID: st.Text, Value: v}
	case numberCell:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	case dateCell:
		if d, err := time.Parse("2006-01-02", v); err == nil {
			return excelize.Cell{StyleID: st.Date, Value: d}
		}
		return nil
	}
	if c.multiline {
		return excelize.Cell{StyleID: st.wrap, Value: v}
	}
	return v
}
