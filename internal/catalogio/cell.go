package catalogio

// The cell-reading helpers below are orgio's (internal/orgio/cell.go, check.go): how a 台账
// cell is read does not depend on what the table holds. orgio does not export them, so they
// are copied here with their behaviour unchanged (badText gained the multiline switch that
// description columns need); they belong in one shared package that both importers use.

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/org"
)

// cell is one spreadsheet cell as read: text is what Excel displays (number formats applied),
// raw is the stored value. They differ only for numbers and dates in XLSX; CSV cells have text only.
type cell struct {
	text string
	raw  string
}

// clean trims what surrounds a value typed or pasted into a cell: ASCII and full-width spaces,
// non-breaking spaces, and the zero-width characters that come with text copied from web pages.
func clean(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff'
	})
}

// value reads a cell as a column of type t expects it. (orgio's, with list cells added.)
func (c cell) value(t cellType, date1904 bool) string {
	text, raw := clean(c.text), clean(c.raw)
	if t == listCell && strings.ContainsAny(c.text, "\r\n") && !strings.ContainsAny(text, "\r\n") {
		// A list cell with a line break holds one item per line even when it has one item
		// (see joinList); trimming must not lose that.
		return text + "\n"
	}
	if raw == "" || raw == text {
		if t == dateCell {
			return excelSerialDate(text, date1904)
		}
		return text
	}
	switch t {
	case codeCell, numberCell:
		return numberText(text, raw)
	case dateCell:
		return excelSerialDate(raw, date1904)
	}
	return text
}

var digits = regexp.MustCompile(`^[0-9]+$`)

// numberText reads a number cell that holds a code or an integer. Displayed digits win, so a
// code shown as 00123 by a "00000" format keeps its zeros; otherwise the stored value is used,
// so 51000123 displayed as 5.1000123E+07 or 51,000,123 still reads "51000123".
func numberText(text, raw string) string {
	if digits.MatchString(text) {
		return text
	}
	if digits.MatchString(raw) {
		return raw
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return text
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// Excel date serials of 1949-01-01 and 2100-12-31, the range org.ParseDate accepts.
const (
	minSerial = 17899
	maxSerial = 73415
)

// excelSerialDate turns an Excel date serial (a plain number in a date column) into YYYY-MM-DD
// and leaves anything else to the date parser. Only serials between 1949 and 2100 count, so a
// typed 20240301 is not mistaken for one.
func excelSerialDate(s string, date1904 bool) string {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < minSerial || f >= maxSerial+1 {
		return s
	}
	t, err := excelize.ExcelDateToTime(math.Floor(f), date1904)
	if err != nil {
		return s
	}
	return t.Format("2006-01-02")
}

// badText says what is wrong with a cell's characters, or "" if nothing is. Line breaks are
// refused except in columns that hold descriptions or lists (multiline); other control
// characters always, because they break exports, searches and the codes other systems match on.
func badText(s string, multiline bool) string {
	if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
		return "含有无法识别的字符,请确认文件编码为 UTF-8 或 GBK"
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			if r == '\n' || r == '\r' {
				if multiline {
					continue
				}
				return "不能包含换行"
			}
			return "含有控制字符"
		}
	}
	return ""
}

var scientific = regexp.MustCompile(`^[0-9](\.[0-9]+)?[eE][+-]?[0-9]+$`)

// looksScientific catches codes that Excel already turned into 5.10001E+17 before saving a
// CSV: their digits are lost and cannot be recovered here.
func looksScientific(s string) bool { return scientific.MatchString(s) }

// columnLetter is Excel's name for the 0-based column index i ("A", "B", … "AA").
func columnLetter(i int) string {
	s, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return strconv.Itoa(i + 1)
	}
	return s
}

var dateSep = strings.NewReplacer("年", "-", "月", "-", "日", "", ".", "-", "/", "-")
var compactDate = regexp.MustCompile(`^([0-9]{4})([0-9]{2})([0-9]{2})$`)

// parseDate reads the ways a date is written in a 台账 (2024-03-01, 2024/3/1, 2024.3.1,
// 2024年3月1日, 20240301, with or without a midnight time) as YYYY-MM-DD.
func parseDate(s string) (string, bool) {
	s = dateSep.Replace(s)
	if d, t, ok := strings.Cut(s, " "); ok && strings.Trim(t, "0:") == "" {
		s = d
	}
	s = compactDate.ReplaceAllString(s, "$1-$2-$3")
	d, err := org.ParseDate(s)
	if err != nil {
		return "", false
	}
	return d.Format("2006-01-02"), true
}

// parseInt reads an integer, also as Excel stores one ("3.0") or shows one ("1,200").
func parseInt(s string) (int64, bool) {
	s = strings.ReplaceAll(s, ",", "")
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e15 {
		return 0, false
	}
	return int64(f), true
}

// duplicates finds keys that occur more than once and calls report for every such item,
// naming another item with the same key (the first names the second; the others name the
// first). It returns the duplicated keys.
func duplicates(n int, key func(int) string, report func(i, other int, first bool)) map[string]bool {
	seen := map[string]int{}
	dups := map[string]bool{}
	for i := 0; i < n; i++ {
		c := key(i)
		if c == "" {
			continue
		}
		j, ok := seen[c]
		if !ok {
			seen[c] = i
			continue
		}
		if !dups[c] {
			dups[c] = true
			report(j, i, true)
		}
		report(i, j, false)
	}
	return dups
}
