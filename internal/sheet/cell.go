package sheet

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

// Type says how a column's cells are read from and written to a spreadsheet.
type Type int

// The types of column.
const (
	Text   Type = iota // free text, read as displayed
	Code               // a stable code: numbers are read without exponent or separators
	Number             // an integer
	Date               // a calendar date: text or an Excel date serial
	Bool               // 是/否
	List               // a list: one item per line, or separated by 、,;
)

// Cell is one spreadsheet cell as read: Text is what Excel displays (number formats applied),
// Raw is the stored value. They differ only for numbers and dates in XLSX; CSV cells have Text
// only.
type Cell struct {
	Text string
	Raw  string
}

// Clean trims what surrounds a value typed or pasted into a cell: ASCII and full-width spaces,
// non-breaking spaces, and the zero-width characters that come with text copied from web pages.
func Clean(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff'
	})
}

// Value reads a cell as a column of type t expects it. A List cell with a line break keeps a
// trailing one even when it holds a single item, so that it still reads as one item per line.
func (c Cell) Value(t Type, date1904 bool) string {
	text, raw := Clean(c.Text), Clean(c.Raw)
	if t == List && strings.ContainsAny(c.Text, "\r\n") && !strings.ContainsAny(text, "\r\n") {
		return text + "\n"
	}
	if raw == "" || raw == text {
		if t == Date {
			return ExcelSerialDate(text, date1904)
		}
		return text
	}
	switch t {
	case Code, Number:
		return NumberText(text, raw)
	case Date:
		return ExcelSerialDate(raw, date1904)
	}
	return text
}

// Blank reports whether every cell is empty once cleaned, displayed and stored value alike.
func Blank(cells []Cell) bool {
	for _, c := range cells {
		if Clean(c.Text) != "" || Clean(c.Raw) != "" {
			return false
		}
	}
	return true
}

// HeaderName reads a header cell. A leading or trailing asterisk, which templates use to mark
// required columns, is not part of the name.
func HeaderName(c Cell) string {
	return Clean(strings.Trim(Clean(c.Text), "*＊"))
}

var digits = regexp.MustCompile(`^[0-9]+$`)

// IsDigits reports whether s is one or more ASCII digits and nothing else.
func IsDigits(s string) bool { return digits.MatchString(s) }

// NumberText reads a number cell that holds a code or an integer. Displayed digits win, so a
// code shown as 00123 by a "00000" format keeps its zeros; otherwise the stored value is used,
// so 51000123 displayed as 5.1000123E+07 or 51,000,123 still reads "51000123".
func NumberText(text, raw string) string {
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

// ExcelSerialDate turns an Excel date serial (a plain number in a date column) into YYYY-MM-DD
// and leaves anything else to the date parser. Only serials between 1949 and 2100 count, so a
// typed 20240301 is not mistaken for one.
func ExcelSerialDate(s string, date1904 bool) string {
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

// BadText says what is wrong with a cell's characters, or "" if nothing is. Line breaks are
// refused unless multiline (columns that hold descriptions or lists); other control characters
// always, because they break exports, searches and the codes other systems match on.
func BadText(s string, multiline bool) string {
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

// LooksScientific catches codes that Excel already turned into 5.10001E+17 before saving a
// CSV: their digits are lost and cannot be recovered here.
func LooksScientific(s string) bool { return scientific.MatchString(s) }

// ColumnLetter is Excel's name for the 0-based column index i ("A", "B", … "AA").
func ColumnLetter(i int) string {
	s, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return strconv.Itoa(i + 1)
	}
	return s
}

var dateSep = strings.NewReplacer("年", "-", "月", "-", "日", "", ".", "-", "/", "-")
var compactDate = regexp.MustCompile(`^([0-9]{4})([0-9]{2})([0-9]{2})$`)

// ParseDate reads the ways a date is written in a 台账 (2024-03-01, 2024/3/1, 2024.3.1,
// 2024年3月1日, 20240301, with or without a midnight time) as YYYY-MM-DD.
func ParseDate(s string) (string, bool) {
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

// ParseInt reads an integer, also as Excel stores one ("3.0") or shows one ("1,200").
func ParseInt(s string) (int64, bool) {
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

// Duplicates finds keys that occur more than once among n items and calls report for every
// such item, naming another item with the same key (the first names the second; the others
// name the first). Empty keys are never duplicates. It returns the duplicated keys.
func Duplicates(n int, key func(int) string, report func(i, other int, first bool)) map[string]bool {
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
