package orgio

import (
	"fmt"
	"io"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/sheet"
)

// DefaultMaxBytes is the upload limit used when a caller passes 0.
const DefaultMaxBytes = sheet.DefaultMaxBytes

// ParseCSV reads a CSV file holding one kind of table. The file may be UTF-8 (with or without
// the BOM Excel writes) or GB18030/GBK, which Chinese Excel and WPS write by default; tabs are
// accepted as separators when the header has no comma. Reading more than maxBytes fails with
// errs.TooLarge.
func ParseCSV(r io.Reader, kind Kind, maxBytes int64) (*Workbook, error) {
	kind, err := ParseKind(string(kind))
	if err != nil {
		return nil, err
	}
	data, err := sheet.ReadLimited(r, maxBytes)
	if err != nil {
		return nil, err
	}
	text, err := sheet.DecodeText(data)
	if err != nil {
		return nil, err
	}
	recs, err := csvRecords(text)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, errs.E(errs.Invalid, "文件是空的")
	}
	wb := &Workbook{}
	if err := wb.addTable(kind, recs, false); err != nil {
		return nil, err
	}
	return wb, nil
}

// csvRecords splits text into records numbered by the line they start on, which is the row
// Excel shows as long as no cell holds a line break (no units or people cell may). Blank lines
// are skipped but keep their number. Tabs separate the cells when the first line has tabs and
// no commas.
func csvRecords(text string) ([]record, error) {
	comma := ','
	if sheet.TabSeparated(text, 1) {
		comma = '\t'
	}
	var recs []record
	tooMany := false
	err := sheet.ReadCSV(text, comma, false, func(row int, cells []sheet.Cell) bool {
		rec := record{row: row, cells: cells}
		if rec.blank() {
			return true
		}
		if len(recs) > MaxRows+titleRows {
			tooMany = true
			return false
		}
		recs = append(recs, rec)
		return true
	})
	if err != nil {
		return nil, err
	}
	if tooMany {
		return nil, errs.E(errs.TooLarge, fmt.Sprintf("文件超过 %d 行,请分成几个文件导入", MaxRows))
	}
	return recs, nil
}
