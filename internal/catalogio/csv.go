package catalogio

import (
	"io"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/sheet"
)

// DefaultMaxBytes is the upload limit used when a caller passes 0. Callers importing a whole
// province's groups and members pass more (50 MB holds 200,000 member rows with room to spare).
const DefaultMaxBytes = sheet.DefaultMaxBytes

// ParseCSV reads a CSV file holding one sheet. The file may be UTF-8 (with or without the BOM
// Excel writes) or GB18030/GBK, which Chinese Excel and WPS write by default; tabs are accepted
// as separators when the header has no comma. Reading more than maxBytes fails with
// errs.TooLarge.
//
// Rows are numbered as Excel shows them when it opens the file: a cell holding line breaks
// (a list, one item per line) does not shift the numbers of the rows below it.
func ParseCSV(r io.Reader, s Sheet, maxBytes int64) (*Workbook, error) {
	s, err := ParseSheet(string(s))
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
	wb := &Workbook{}
	t := &tableReader{wb: wb, sheet: s}
	if err := csvRecords(text, t.feed); err != nil {
		return nil, err
	}
	if err := t.finish(); err != nil {
		return nil, err
	}
	if !t.found && !t.done {
		return nil, errs.E(errs.Invalid, "文件是空的")
	}
	return wb, nil
}

// csvRecords reads text record by record and hands each to feed until it returns false. A
// record's row is the row Excel shows (see sheet.ReadCSV). Blank lines are skipped but keep their
// number, as Excel shows them. Tabs separate the cells when the first line with a separator
// (a title above the header has none) has tabs and no commas.
func csvRecords(text string, feed func(record) bool) error {
	comma := ','
	if sheet.TabSeparated(text, titleRows+1) {
		comma = '\t'
	}
	return sheet.ReadCSV(text, comma, true, func(row int, cells []sheet.Cell) bool {
		return feed(record{row: row, cells: cells})
	})
}
