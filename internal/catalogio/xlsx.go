package catalogio

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/sheet"
)

// ParseXLSX reads an Excel workbook holding any of the sheets 应用, 公众号, 群组 and 群成员. A
// worksheet is recognised by its name (also names like "政务应用程序清单") or else by its
// header; a sheet that is neither, such as 填表说明, is ignored. Reading more than maxBytes
// fails with errs.TooLarge; a file that is not an XLSX fails with errs.Invalid.
//
// Rows are streamed and converted as they come; see streamSheet.
func ParseXLSX(r io.Reader, maxBytes int64) (*Workbook, error) {
	data, err := sheet.ReadLimited(r, maxBytes)
	if err != nil {
		return nil, err
	}
	if err := sheet.CheckXLSX(data); err != nil {
		return nil, err
	}
	wb := &Workbook{}
	if err := readWorkbook(data, maxBytes, wb); err != nil {
		return nil, err
	}
	if wb.headers == nil {
		return nil, errs.E(errs.Invalid, "工作簿中没有找到应用、公众号、群组或群成员表:工作表应命名为“应用”“公众号”“群组”“群成员”,或者表头含有“编码”或“群组编码”")
	}
	return wb, nil
}

// readWorkbook opens the workbook, uploaded with the limit maxBytes, and streams the rows of
// every sheet into wb.
func readWorkbook(data []byte, maxBytes int64, wb *Workbook) (err error) {
	defer func() {
		// excelize is a large parser fed untrusted uploads. Should it ever panic on a
		// malformed file, that file is rejected; the server must not go down with it.
		if p := recover(); p != nil {
			err = sheet.NotXLSX(fmt.Errorf("excelize panic: %v", p))
		}
	}()
	f, date1904, err := sheet.OpenXLSX(data, maxBytes)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, name := range f.GetSheetList() {
		t := &tableReader{wb: wb, sheet: sheetByName(name), name: name, date1904: date1904}
		if err := streamSheet(f, name, t); err != nil {
			return err
		}
		if err := t.finish(); err != nil {
			return err
		}
	}
	return nil
}

// streamSheet feeds a worksheet's rows to t as Excel displays them, then, if some number or
// date cells need their stored values as well (see needsRaw), reads the sheet a second time for
// those rows only. The sheet is never held as rows of text.
func streamSheet(f *excelize.File, name string, t *tableReader) error {
	t.raw = true
	err := eachRow(f, name, false, func(n int, values []string) bool {
		rec := record{row: n, cells: make([]sheet.Cell, len(values))}
		for i, v := range values {
			rec.cells[i].Text = v
		}
		return t.feed(rec)
	})
	if err != nil || len(t.fixups) == 0 || t.err != nil {
		return err
	}
	left := len(t.fixups)
	return eachRow(f, name, true, func(n int, values []string) bool {
		if _, ok := t.fixups[n]; ok {
			t.fix(n, values)
			left--
		}
		return left > 0
	})
}

// eachRow streams a worksheet's rows, displayed or stored, until fn returns false.
func eachRow(f *excelize.File, name string, raw bool, fn func(row int, values []string) bool) error {
	rows, err := f.Rows(name)
	if err != nil {
		// Not a worksheet we can read (a chart sheet, say): not one of ours either.
		return nil
	}
	defer rows.Close()
	for n := 1; rows.Next(); n++ {
		values, err := rows.Columns(excelize.Options{RawCellValue: raw})
		if err != nil {
			return sheet.NotXLSX(err)
		}
		if !fn(n, values) {
			return nil
		}
	}
	if err := rows.Error(); err != nil {
		return sheet.NotXLSX(err)
	}
	return nil
}
