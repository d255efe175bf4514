package catalogio

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/jianfu-gov/jianfu/internal/errs"
)

// DefaultMaxBytes is the upload limit used when a caller passes 0. Callers importing a whole
// province's groups and members pass more (50 MB holds 200,000 member rows with room to spare).
const DefaultMaxBytes = 20 << 20

// ParseCSV reads a CSV file holding one sheet. The file may be UTF-8 (with or without the BOM
// Excel writes) or GB18030/GBK, which Chinese Excel and WPS write by default; tabs are accepted
// as separators when the header has no comma. Reading more than maxBytes fails with
// errs.TooLarge.
//
// Rows are numbered as Excel shows them when it opens the file: a cell holding line breaks
// (a list, one item per line) does not shift the numbers of the rows below it.
func ParseCSV(r io.Reader, sheet Sheet, maxBytes int64) (*Workbook, error) {
	sheet, err := ParseSheet(string(sheet))
	if err != nil {
		return nil, err
	}
	data, err := readLimited(r, maxBytes)
	if err != nil {
		return nil, err
	}
	text, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	wb := &Workbook{}
	t := &tableReader{wb: wb, sheet: sheet}
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

// readLimited reads all of r, failing once it passes maxBytes rather than after buffering an
// arbitrarily large upload.
func readLimited(r io.Reader, maxBytes int64) ([]byte, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("catalogio: read upload: %w", err)
	}
	if int64(len(data)) > maxBytes {
		return nil, errs.E(errs.TooLarge, "文件超过 "+sizeText(maxBytes)+",请分成几个文件导入")
	}
	return data, nil
}

func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%g MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%g KB", float64(n)/(1<<10))
}

// decodeText turns the file's bytes into a string. Valid UTF-8 is taken as UTF-8, and so is a
// file that is mostly UTF-8 with a few broken bytes; anything else is decoded as GB18030, a
// superset of GBK. Bytes that fit neither become U+FFFD, which the row checks then report with
// their row rather than the whole file being refused. (orgio's, copied.)
func decodeText(data []byte) (string, error) {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return "", errs.E(errs.Invalid, "不支持 UTF-16 编码的文件,请在 Excel 中另存为“CSV UTF-8(逗号分隔)”")
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if utf8.Valid(data) {
		return string(data), nil
	}
	if mostlyUTF8(data) {
		return strings.ToValidUTF8(string(data), string(utf8.RuneError)), nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return "", errs.Wrap(errs.Invalid, "无法识别文件编码,请另存为 UTF-8 或 GBK 编码的 CSV", err)
	}
	return string(out), nil
}

// mostlyUTF8 reports whether data has more well-formed multi-byte UTF-8 characters than
// broken bytes. GBK text read as UTF-8 is almost all broken bytes.
func mostlyUTF8(data []byte) bool {
	good, bad := 0, 0
	for len(data) > 0 {
		r, n := utf8.DecodeRune(data)
		if r == utf8.RuneError && n == 1 {
			bad++
		} else if n > 1 {
			good++
		}
		data = data[n:]
	}
	return good > bad
}

// csvRecords reads text record by record and hands each to feed until it returns false. A
// record's row is the line it starts on less the line breaks inside earlier records' cells:
// the row Excel shows. Blank lines are skipped but keep their number, as Excel shows them.
func csvRecords(text string, feed func(record) bool) error {
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	if tabSeparated(text) {
		r.Comma = '\t'
	}
	inCells := 0 // line breaks inside the cells read so far
	for {
		fields, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return errs.Field(fmt.Sprintf("第 %d 行", pe.StartLine-inCells),
				"CSV 格式错误:引号不成对或位置不对(单元格内的英文双引号应写成两个 \"\")")
		}
		if err != nil {
			return fmt.Errorf("catalogio: read csv: %w", err)
		}
		line, _ := r.FieldPos(0)
		rec := record{row: line - inCells, cells: make([]cell, len(fields))}
		for i, f := range fields {
			rec.cells[i] = cell{text: unescapeFormula(f)}
			inCells += strings.Count(f, "\n")
		}
		if !feed(rec) {
			return nil
		}
	}
}

// tabSeparated reports whether the file's first line with a separator (a title above the
// header has none) has tabs and no commas: text pasted from Excel, or saved as "文本文件".
func tabSeparated(text string) bool {
	for i := 0; i < titleRows+1 && text != ""; i++ {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		switch {
		case strings.Contains(line, ","):
			return false
		case strings.Contains(line, "\t"):
			return true
		}
	}
	return false
}

// formulaStart are the characters that make Excel treat a CSV cell as a formula. Exports put an
// apostrophe before them (so a name like "=HYPERLINK(…)" cannot run when the file is opened)
// and imports take it off again, so such values survive a round trip.
const formulaStart = "=+-@\t\r"

func escapeFormula(s string) string {
	if s != "" && strings.ContainsRune(formulaStart, rune(s[0])) {
		return "'" + s
	}
	return s
}

func unescapeFormula(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune(formulaStart, rune(s[1])) {
		return s[1:]
	}
	return s
}
