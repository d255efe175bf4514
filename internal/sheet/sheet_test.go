package sheet

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/jianfu-gov/jianfu/internal/errs"
)

func TestCellValues(t *testing.T) {
	tests := []struct {
		c    Cell
		typ  Type
		want string
	}{
		{Cell{"51000123", "51000123"}, Code, "51000123"},
		{Cell{"5.1000123E+07", "51000123"}, Code, "51000123"},
		{Cell{"51,000,123", "51000123"}, Code, "51000123"},
		{Cell{"00123", "123"}, Code, "00123"},
		{Cell{"5.1E+07", "5.1E7"}, Code, "51000000"},
		{Cell{"3", "3.0000000000000004"}, Number, "3"},
		{Cell{"1,200", "1200"}, Number, "1200"},
		{Cell{"01-01-24", "45292"}, Date, "2024-01-01"},
		{Cell{"45292", ""}, Date, "2024-01-01"},
		{Cell{"20240301", ""}, Date, "20240301"},
		{Cell{" 张伟 ", ""}, Text, "张伟"},
		{Cell{"\u200b张伟\u3000", ""}, Text, "张伟"},
		{Cell{"甲\n", ""}, List, "甲\n"},
		{Cell{"甲\n", ""}, Text, "甲"},
		{Cell{"甲\n乙", ""}, List, "甲\n乙"},
	}
	for _, tc := range tests {
		if got := tc.c.Value(tc.typ, false); got != tc.want {
			t.Errorf("%+v as %d = %q, want %q", tc.c, tc.typ, got, tc.want)
		}
	}
}

func TestNumberText(t *testing.T) {
	for _, tc := range []struct{ text, raw, want string }{
		{"00123", "123", "00123"},
		{"5.1000123E+07", "51000123", "51000123"},
		{"1.5", "1.5", "1.5"},
		{"1E+20", "1e20", "100000000000000000000"},
		{"abc", "abc", "abc"},
		{"x", "NaN", "x"},
	} {
		if got := NumberText(tc.text, tc.raw); got != tc.want {
			t.Errorf("NumberText(%q, %q) = %q, want %q", tc.text, tc.raw, got, tc.want)
		}
	}
}

func TestExcelSerialDate(t *testing.T) {
	for _, tc := range []struct {
		in       string
		date1904 bool
		want     string
	}{
		{"45292", false, "2024-01-01"},
		{"45292.75", false, "2024-01-01"}, // the time of day is dropped
		{"43830", true, "2024-01-01"},     // a workbook whose dates count from 1904
		{"17899", false, "1949-01-01"},
		{"17898", false, "17898"}, // before 1949: not a serial
		{"73415", false, "2100-12-31"},
		{"73416", false, "73416"},
		{"20240301", false, "20240301"},
		{"2024-03-01", false, "2024-03-01"},
	} {
		if got := ExcelSerialDate(tc.in, tc.date1904); got != tc.want {
			t.Errorf("ExcelSerialDate(%q, %v) = %q, want %q", tc.in, tc.date1904, got, tc.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2024-03-01": "2024-03-01", "2024/3/1": "2024-03-01", "2024.3.1": "2024-03-01", "2024年3月1日": "2024-03-01",
		"20240301": "2024-03-01", "2024-03-01 00:00:00": "2024-03-01", "2024-13-45": "", "1900-01-01": "", "明天": "",
	} {
		got, ok := ParseDate(in)
		if got != want || ok != (want != "") {
			t.Errorf("ParseDate(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestParseInt(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"3", 3, true}, {"3.0", 3, true}, {"1,200", 1200, true}, {"-7", -7, true},
		{"1e15", 1e15, true}, {"2e15", 0, false}, {"3.5", 0, false}, {"", 0, false}, {"三", 0, false},
	} {
		got, ok := ParseInt(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseInt(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestBadText(t *testing.T) {
	for _, tc := range []struct {
		in        string
		multiline bool
		want      string // a part of the message, "" for none
	}{
		{"张伟", false, ""},
		{"甲\n乙", false, "换行"},
		{"甲\r\n乙", true, ""},
		{"甲\t乙", true, "控制字符"},
		{"a\x00b", false, "控制字符"},
		{"\xff\xfe", false, "编码"},
		{"甲\uFFFD", false, "编码"},
	} {
		got := BadText(tc.in, tc.multiline)
		if (got == "") != (tc.want == "") || !strings.Contains(got, tc.want) {
			t.Errorf("BadText(%q, %v) = %q, want %q", tc.in, tc.multiline, got, tc.want)
		}
	}
}

func TestLooksScientific(t *testing.T) {
	for in, want := range map[string]bool{"5.10001E+17": true, "5e3": true, "510001": false, "E1": false, "12.5E+3": false} {
		if got := LooksScientific(in); got != want {
			t.Errorf("LooksScientific(%q) = %v", in, got)
		}
	}
}

func TestColumnLetter(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 16383: "XFD", 16384: "16385"} {
		if got := ColumnLetter(i); got != want {
			t.Errorf("ColumnLetter(%d) = %q, want %q", i, got, want)
		}
	}
}

func TestHeaderNameAndBlank(t *testing.T) {
	if got := HeaderName(Cell{Text: " *工号＊ "}); got != "工号" {
		t.Errorf("HeaderName = %q", got)
	}
	if !Blank([]Cell{{Text: " "}, {Raw: "\u3000"}}) || Blank([]Cell{{Raw: "0"}}) {
		t.Error("Blank is wrong")
	}
}

func TestDuplicates(t *testing.T) {
	keys := []string{"a", "b", "a", "", "", "a", "b"}
	type report struct {
		i, other int
		first    bool
	}
	var got []report
	dups := Duplicates(len(keys), func(i int) string { return keys[i] }, func(i, other int, first bool) {
		got = append(got, report{i, other, first})
	})
	want := []report{{0, 2, true}, {2, 0, false}, {5, 0, false}, {1, 6, true}, {6, 1, false}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reports = %v, want %v", got, want)
	}
	if !reflect.DeepEqual(dups, map[string]bool{"a": true, "b": true}) {
		t.Errorf("dups = %v", dups)
	}
}

func TestReadLimited(t *testing.T) {
	if data, err := ReadLimited(strings.NewReader("12345"), 5); err != nil || string(data) != "12345" {
		t.Errorf("at the limit: %q, %v", data, err)
	}
	_, err := ReadLimited(strings.NewReader("123456"), 5)
	if !errs.Is(err, errs.TooLarge) || !strings.Contains(err.Error(), "KB") {
		t.Errorf("over the limit: %v", err)
	}
	_, err = ReadLimited(strings.NewReader(strings.Repeat("x", 3<<20)), 2<<20)
	if !errs.Is(err, errs.TooLarge) || !strings.Contains(err.Error(), "2 MB") {
		t.Errorf("over 2 MB: %v", err)
	}
	boom := errors.New("boom")
	if _, err := ReadLimited(failingReader{boom}, 0); !errors.Is(err, boom) {
		t.Errorf("read error: %v", err)
	}
}

type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

func TestDecodeText(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("工号,姓名\n1001,张伟\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		in   string
		want string
		err  errs.Kind
	}{
		{"UTF-8", "工号,姓名", "工号,姓名", errs.Other},
		{"UTF-8 with BOM", "\xEF\xBB\xBF工号", "工号", errs.Other},
		{"GBK", gbk, "工号,姓名\n1001,张伟\n", errs.Other},
		{"mostly UTF-8", "工号,姓名,\xff", "工号,姓名,\uFFFD", errs.Other},
		{"UTF-16 LE", "\xFF\xFEa\x00", "", errs.Invalid},
		{"UTF-16 BE", "\xFE\xFF\x00a", "", errs.Invalid},
	} {
		got, err := DecodeText([]byte(tc.in))
		if got != tc.want || errs.KindOf(err) != tc.err {
			t.Errorf("%s: DecodeText = %q, %v; want %q, %v", tc.name, got, err, tc.want, tc.err)
		}
	}
}

func TestFormulaEscape(t *testing.T) {
	for _, tc := range []struct{ in, escaped string }{
		{"=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"},
		{"+86 123", "'+86 123"},
		{"-1", "'-1"},
		{"@sum", "'@sum"},
		{"\tx", "'\tx"},
		{"张伟", "张伟"},
		{"'quoted", "'quoted"},
		{"", ""},
		{"=", "'="},
	} {
		if got := EscapeFormula(tc.in); got != tc.escaped {
			t.Errorf("EscapeFormula(%q) = %q, want %q", tc.in, got, tc.escaped)
		}
		if got := UnescapeFormula(tc.escaped); got != tc.in {
			t.Errorf("UnescapeFormula(%q) = %q, want %q", tc.escaped, got, tc.in)
		}
	}
	// An apostrophe typed before anything else is the user's.
	if got := UnescapeFormula("'abc"); got != "'abc" {
		t.Errorf("UnescapeFormula('abc) = %q", got)
	}
}

func TestTabSeparated(t *testing.T) {
	for _, tc := range []struct {
		text  string
		lines int
		want  bool
	}{
		{"a\tb\n", 1, true},
		{"a,b\tc\n", 1, false},
		{"标题\na\tb\n", 1, false},
		{"标题\na\tb\n", 2, true},
		{"标题\n", 6, false},
	} {
		if got := TabSeparated(tc.text, tc.lines); got != tc.want {
			t.Errorf("TabSeparated(%q, %d) = %v", tc.text, tc.lines, got)
		}
	}
}

func TestReadCSV(t *testing.T) {
	text := "a,b\n\"1\n2\",'=x\n\nc,d\n"
	type rec struct {
		row   int
		cells []string
	}
	read := func(excelRows bool) []rec {
		var out []rec
		err := ReadCSV(text, ',', excelRows, func(row int, cells []Cell) bool {
			var s []string
			for _, c := range cells {
				s = append(s, c.Text)
			}
			out = append(out, rec{row, s})
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	// Lines as the file has them: the quoted line break counts.
	if got, want := read(false), []rec{{1, []string{"a", "b"}}, {2, []string{"1\n2", "=x"}}, {5, []string{"c", "d"}}}; !reflect.DeepEqual(got, want) {
		t.Errorf("lines: %v, want %v", got, want)
	}
	// Rows as Excel shows them: it does not.
	if got, want := read(true), []rec{{1, []string{"a", "b"}}, {2, []string{"1\n2", "=x"}}, {4, []string{"c", "d"}}}; !reflect.DeepEqual(got, want) {
		t.Errorf("excel rows: %v, want %v", got, want)
	}
	n := 0
	if err := ReadCSV(text, ',', true, func(int, []Cell) bool { n++; return false }); err != nil || n != 1 {
		t.Errorf("stopping: %d records, %v", n, err)
	}
	err := ReadCSV("a,b\n1,\"2\n", ',', false, func(int, []Cell) bool { return true })
	if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "第 2 行") {
		t.Errorf("bad quotes: %v", err)
	}
}

func TestCSVWriter(t *testing.T) {
	var b bytes.Buffer
	cw, err := NewCSVWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	row := []string{"=1+1", "张伟"}
	if err := cw.Write([]string{"工号", "姓名"}); err != nil {
		t.Fatal(err)
	}
	if err := cw.Write(row); err != nil {
		t.Fatal(err)
	}
	if err := cw.Flush(); err != nil {
		t.Fatal(err)
	}
	if want := "\xEF\xBB\xBF工号,姓名\r\n'=1+1,张伟\r\n"; b.String() != want {
		t.Errorf("wrote %q, want %q", b.String(), want)
	}
	if row[0] != "=1+1" {
		t.Errorf("Write changed its argument: %q", row[0])
	}
}

func TestCheckXLSX(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want errs.Kind
		msg  string
	}{
		{"PK\x03\x04rest", errs.Other, ""},
		{"\xD0\xCF\x11\xE0rest", errs.Invalid, ".xls"},
		{"a,b\n", errs.Invalid, "不是有效的"},
	} {
		err := CheckXLSX([]byte(tc.in))
		if errs.KindOf(err) != tc.want || err != nil && !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("CheckXLSX(%q) = %v", tc.in, err)
		}
	}
	if _, _, err := OpenXLSX([]byte("PK\x03\x04 not a zip"), 0); !errs.Is(err, errs.Invalid) {
		t.Errorf("OpenXLSX(broken) = %v", err)
	}
}

func TestUnzipLimit(t *testing.T) {
	for in, want := range map[int64]int64{1 << 20: 16 << 20, 20 << 20: 200 << 20, 100 << 20: 512 << 20} {
		if got := unzipLimit(in); got != want {
			t.Errorf("unzipLimit(%d) = %d, want %d", in, got, want)
		}
	}
}
