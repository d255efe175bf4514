package orgio

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/sheet"
)

// ParseXLSX reads an Excel workbook holding a units sheet, a people sheet or both. A sheet
// named 单位 or 人员 is that kind; any other sheet is recognised by its header (单位编码 or
// 工号) and ignored if it has neither, so a workbook may carry an instructions sheet. Reading
// more than maxBytes fails with errs.TooLarge; a file that is not an XLSX fails with errs.Invalid.
func ParseXLSX(r io.Reader, maxBytes int64) (*Workbook, error) {
	data, err := sheet.ReadLimited(r, maxBytes)
	if err != nil {
		return nil, err
	}
	if err := sheet.CheckXLSX(data); err != nil {
		return nil, err
	}
	sheets, date1904, err := readWorkbook(data, maxBytes)
	if err != nil {
		return nil, err
	}
	wb := &Workbook{}
	found := false
	for _, s := range sheets {
		if s.kind == "" || len(s.recs) == 0 {
			continue
		}
		found = true
		if err := wb.addTable(s.kind, s.recs, date1904); err != nil {
			return nil, err
		}
	}
	if !found {
		return nil, errs.E(errs.Invalid, "工作簿中没有找到单位表或人员表:工作表应命名为“单位”或“人员”,或者表头含有“单位编码”或“工号”")
	}
	return wb, nil
}

// worksheet is one worksheet's non-blank rows and the kind they hold ("" when neither).
type worksheet struct {
	kind Kind
	recs []record
}

// readWorkbook opens the workbook, uploaded with the limit maxBytes, and reads the rows of
// every sheet.
func readWorkbook(data []byte, maxBytes int64) (sheets []worksheet, date1904 bool, err error) {
	defer func() {
		// excelize is a large parser fed untrusted uploads. Should it ever panic on a
		// malformed file, that file is rejected; the server must not go down with it.
		if p := recover(); p != nil {
			sheets, err = nil, sheet.NotXLSX(fmt.Errorf("excelize panic: %v", p))
		}
	}()
	f, date1904, err := sheet.OpenXLSX(data, maxBytes)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	for _, name := range f.GetSheetList() {
		s, err := readSheet(f, name)
		if err != nil {
			return nil, false, err
		}
		sheets = append(sheets, s)
	}
	return sheets, date1904, nil
}

// readSheet reads a worksheet twice: once as displayed and once as stored, so that each cell
// can be read the way its column needs (see sheet.Cell.Value). Formulas read as their cached result.
// A sheet that is neither named nor headed like a table is skipped after its first rows.
func readSheet(f *excelize.File, name string) (worksheet, error) {
	s := worksheet{kind: sheetKind(name, nil)}
	if s.kind == "" {
		head, err := sheetRows(f, name, false, titleRows, nil)
		if err != nil {
			// Not a worksheet we can read (a chart sheet, say): not one of ours either.
			return s, nil
		}
		if s.kind = sheetKind(name, head); s.kind == "" {
			return s, nil
		}
	}
	var err error
	if s.recs, err = sheetRows(f, name, false, 0, nil); err != nil {
		return s, err
	}
	at := map[int]int{}
	for i, r := range s.recs {
		at[r.row] = i
	}
	_, err = sheetRows(f, name, true, 0, func(row int, values []string) {
		i, ok := at[row]
		if !ok {
			return
		}
		cells := s.recs[i].cells
		for j := range cells {
			if j < len(values) {
				cells[j].Raw = values[j]
			}
		}
	})
	return s, err
}

// sheetRows streams a worksheet's rows and keeps the non-blank ones as records of displayed
// values, stopping after limit records if limit > 0. When each is not nil it gets every row's
// stored values instead and nothing is kept.
func sheetRows(f *excelize.File, name string, raw bool, limit int, each func(row int, values []string)) ([]record, error) {
	rows, err := f.Rows(name)
	if err != nil {
		return nil, sheet.NotXLSX(err)
	}
	defer rows.Close()
	var recs []record
	for n := 1; rows.Next(); n++ {
		values, err := rows.Columns(excelize.Options{RawCellValue: raw})
		if err != nil {
			return nil, sheet.NotXLSX(err)
		}
		if each != nil {
			each(n, values)
			continue
		}
		rec := record{row: n, cells: make([]sheet.Cell, len(values))}
		for i, v := range values {
			rec.cells[i] = sheet.Cell{Text: v}
		}
		if rec.blank() {
			continue
		}
		if len(recs) > MaxRows+titleRows {
			return nil, errs.E(errs.TooLarge, fmt.Sprintf("工作表“%s”超过 %d 行,请分成几个文件导入", name, MaxRows))
		}
		recs = append(recs, rec)
		if limit > 0 && len(recs) >= limit {
			break
		}
	}
	if err := rows.Error(); err != nil {
		return nil, sheet.NotXLSX(err)
	}
	return recs, nil
}

// sheetKind decides what a worksheet holds: by its name, else by its header.
func sheetKind(name string, recs []record) Kind {
	switch sheet.Clean(name) {
	case Units.Label():
		return Units
	case People.Label():
		return People
	}
	for i := 0; i < len(recs) && i < titleRows; i++ {
		for _, c := range recs[i].cells {
			switch sheet.HeaderName(c) {
			case ColPersonCode:
				return People
			case ColUnitCode:
				return Units
			}
		}
	}
	return ""
}
