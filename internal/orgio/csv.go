package orgio

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

// DefaultMaxBytes is the upload limit used when a caller passes 0.
const DefaultMaxBytes = 20 << 20

// ParseCSV reads a CSV file holding one kind of table. The file may be UTF-8 (with or without
// the BOM Excel writes) or GB18030/GBK, which Chinese Excel and WPS write by default; tabs are
// accepted as separators when the header has no comma. Reading more than maxBytes fails with
// errs.TooLarge.
func ParseCSV(r io.Reader, kind Kind, maxBytes int64) (*Workbook, error) {
	kind, err := ParseKind(string(kind))
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

// readLimited reads all of r, failing once it passes maxBytes rather than after buffering an
// arbitrarily large upload.
func readLimited(r io.Reader, maxBytes int64) ([]byte, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("orgio: read upload: %w", err)
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
// their row rather than the whole file being refused.
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

// csvRecords splits text into records numbered by the line they start on, which is the row
// Excel shows as long as no cell holds a line break. Blank lines are skipped but keep their
// number.
func csvRecords(text string) ([]record, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	first, _, _ := strings.Cut(text, "\n")
	if !strings.Contains(first, ",") && strings.Contains(first, "\t") {
		r.Comma = '\t'
	}
	var recs []record
	for {
		fields, err := r.Read()
		if errors.Is(err, io.EOF) {
			return recs, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, errs.Field(fmt.Sprintf("第 %d 行", pe.StartLine),
				"CSV 格式错误:引号不成对或位置不对(单元格内的英文双引号应写成两个 \"\")")
		}
		if err != nil {
			return nil, fmt.Errorf("orgio: read csv: %w", err)
		}
		line, _ := r.FieldPos(0)
		rec := record{row: line, cells: make([]cell, len(fields))}
		for i, f := range fields {
			rec.cells[i] = cell{text: unescapeFormula(f)}
		}
		if rec.blank() {
			continue
		}
		if len(recs) > MaxRows+titleRows {
			return nil, errs.E(errs.TooLarge, fmt.Sprintf("文件超过 %d 行,请分成几个文件导入", MaxRows))
		}
		recs = append(recs, rec)
	}
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
