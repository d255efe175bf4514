package sheet

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

// ReadLimited reads all of r, failing with errs.TooLarge once it passes maxBytes (0 or less
// for DefaultMaxBytes) rather than after buffering an arbitrarily large upload.
func ReadLimited(r io.Reader, maxBytes int64) ([]byte, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("sheet: read upload: %w", err)
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

// DecodeText turns a text file's bytes into a string. Valid UTF-8 is taken as UTF-8 (a BOM is
// dropped), and so is a file that is mostly UTF-8 with a few broken bytes; anything else is
// decoded as GB18030, a superset of GBK. Bytes that fit neither become U+FFFD, which the row
// checks then report with their row rather than the whole file being refused. UTF-16 fails with
// errs.Invalid.
func DecodeText(data []byte) (string, error) {
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

// TabSeparated reports whether the first of the first lines lines of text that has a separator
// (a title above the header has none) has tabs and no commas: text pasted from Excel, or saved
// as "文本文件".
func TabSeparated(text string, lines int) bool {
	for i := 0; i < lines && text != ""; i++ {
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

// ReadCSV reads text record by record, separated by comma (a rune such as '\t' or ','), and
// hands each record's row and cells to fn until fn returns false. Cells have their formula
// escape removed (see UnescapeFormula). A record's row is the line it starts on; with
// excelRows, less the line breaks inside earlier records' cells, which is the row Excel shows
// when it opens the file. Records may differ in length. A malformed record fails with an
// errs.Field error naming its row.
func ReadCSV(text string, comma rune, excelRows bool, fn func(row int, cells []Cell) bool) error {
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	r.Comma = comma
	inCells := 0 // line breaks inside the cells read so far, with excelRows
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
			return fmt.Errorf("sheet: read csv: %w", err)
		}
		line, _ := r.FieldPos(0)
		row := line - inCells
		cells := make([]Cell, len(fields))
		for i, f := range fields {
			cells[i] = Cell{Text: UnescapeFormula(f)}
			if excelRows {
				inCells += strings.Count(f, "\n")
			}
		}
		if !fn(row, cells) {
			return nil
		}
	}
}

// formulaStart are the characters that make Excel treat a CSV cell as a formula. Exports put an
// apostrophe before them (so a name like "=HYPERLINK(…)" cannot run when the file is opened)
// and imports take it off again, so such values survive a round trip.
const formulaStart = "=+-@\t\r"

// EscapeFormula puts an apostrophe before a value that Excel would run as a formula.
func EscapeFormula(s string) string {
	if s != "" && strings.ContainsRune(formulaStart, rune(s[0])) {
		return "'" + s
	}
	return s
}

// UnescapeFormula takes off the apostrophe EscapeFormula put on.
func UnescapeFormula(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune(formulaStart, rune(s[1])) {
		return s[1:]
	}
	return s
}

// CSVWriter writes an export as UTF-8 CSV with a BOM, which Excel needs to show Chinese
// correctly, and CRLF line ends, escaping cells that Excel would run as formulas.
type CSVWriter struct {
	w   *csv.Writer
	out []string
}

// NewCSVWriter writes the BOM to w and returns a writer for the records.
func NewCSVWriter(w io.Writer) (*CSVWriter, error) {
	if _, err := io.WriteString(w, "\xEF\xBB\xBF"); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &CSVWriter{w: cw}, nil
}

// Write writes one record, each cell through EscapeFormula. It does not modify cells.
func (c *CSVWriter) Write(cells []string) error {
	c.out = c.out[:0]
	for _, v := range cells {
		c.out = append(c.out, EscapeFormula(v))
	}
	return c.w.Write(c.out)
}

// Flush writes out what is buffered and reports any error of an earlier Write or the flush.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}
