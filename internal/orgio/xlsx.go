package orgio

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/errs"
)

// ParseXLSX reads an Excel workbook holding a units sheet, a people sheet or both. A sheet
// named 单位 or 人员 is that kind; any other sheet is recognised by its header (单位编码 or
// 工号) and ignored if it has neither, so a workbook may carry an instructions sheet. Reading
// more than maxBytes fails with errs.TooLarge; a file that is not an XLSX fails with errs.Invalid.
func ParseXLSX(r io.Reader, maxBytes int64) (*Workbook, error) {
	data, err := readLimited(r, maxBytes)
	if err != nil {
		return nil, err
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
			return nil, errs.E(errs.Invalid, "这是旧版 Excel(.xls)文件或加密的文件,请在 Excel 中另存为不加密的 .xlsx 文件后再导入")
		}
		return nil, notXLSX(nil)
	}
	sheets, date1904, err := readWorkbook(data, unzipLimit(maxBytes))
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

func notXLSX(cause error) error {
	return errs.Wrap(errs.Invalid, "文件不是有效的 Excel(.xlsx)文件", cause)
}

// unzipLimit bounds what a workbook may expand to in memory. Sheet XML compresses about tenfold,
// so this admits any honest file under maxBytes and stops a zip bomb early.
func unzipLimit(maxBytes int64) int64 {
	return min(max(10*maxBytes, 16<<20), 512<<20)
}

// sheet is one worksheet's non-blank rows and the kind they hold ("" when neither).
type sheet struct {
	kind Kind
	recs []record
}

// readWorkbook opens the workbook and reads the rows of every sheet.
func readWorkbook(data []byte, limit int64) (sheets []sheet, date1904 bool, err error) {
	defer func() {
		// excelize is a large parser fed untrusted uploads. Should it ever panic on a
		// malformed file, that file is rejected; the server must not go down with it.
		if p := recover(); p != nil {
			sheets, err = nil, notXLSX(fmt.Errorf("excelize panic: %v", p))
		}
	}()
	// Both limits equal keeps every part in memory: no temporary files to clean up.
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: limit, UnzipXMLSizeLimit: limit})
	if err != nil {
		// excelize has no sentinel for this one; its message is the only way to tell a zip
		// bomb from a broken file.
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, false, errs.Wrap(errs.TooLarge, "Excel 文件解压后过大", err)
		}
		return nil, false, notXLSX(err)
	}
	defer f.Close()
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
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
// can be read the way its column needs (see cell.value). Formulas read as their cached result.
// A sheet that is neither named nor headed like a table is skipped after its first rows.
func readSheet(f *excelize.File, name string) (sheet, error) {
	s := sheet{kind: sheetKind(name, nil)}
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
				cells[j].raw = values[j]
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
		return nil, notXLSX(err)
	}
	defer rows.Close()
	var recs []record
	for n := 1; rows.Next(); n++ {
		values, err := rows.Columns(excelize.Options{RawCellValue: raw})
		if err != nil {
			return nil, notXLSX(err)
		}
		if each != nil {
			each(n, values)
			continue
		}
		rec := record{row: n, cells: make([]cell, len(values))}
		for i, v := range values {
			rec.cells[i] = cell{text: v}
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
		return nil, notXLSX(err)
	}
	return recs, nil
}

// sheetKind decides what a worksheet holds: by its name, else by its header.
func sheetKind(name string, recs []record) Kind {
	switch clean(name) {
	case Units.Label():
		return Units
	case People.Label():
		return People
	}
	for i := 0; i < len(recs) && i < titleRows; i++ {
		for _, c := range recs[i].cells {
			switch headerName(c) {
			case ColPersonCode:
				return People
			case ColUnitCode:
				return Units
			}
		}
	}
	return ""
}
