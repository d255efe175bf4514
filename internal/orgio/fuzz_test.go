package orgio

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
)

// fuzzMax keeps each fuzzed input small enough for thousands of runs a second.
const fuzzMax = 1 << 20

// sampleTables is a small organisation as the export writes it.
var sampleTables = []table{
	{Units, [][]string{
		{"510000", "四川省消防救援总队", "总队", "", "0"},
		{"510100", "成都市消防救援支队", "支队", "510000", "1"},
		{"51010101", "春熙路消防救援站", "站", "510100", ""},
	}},
	{People, [][]string{
		{"1001", "张伟", "510100", "支队长", "在职", ""},
		{"1003", "王强", "51010101", "站长", "已调离", "2023-06-30"},
	}},
}

// exportedXLSX writes tables the way ExportXLSX does, without a database.
func exportedXLSX(t testing.TB, tables ...table) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		t.Fatal(err)
	}
	for i, tb := range tables {
		if i == 0 {
			f.SetSheetName(f.GetSheetName(0), tb.kind.Label())
		} else {
			f.NewSheet(tb.kind.Label())
		}
		if err := writeSheet(f, tb, st); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// checkParsed runs the file checks on a parsed workbook with an empty database and checks what
// must hold for any input.
func checkParsed(t *testing.T, wb *Workbook) {
	p := check(wb, newExisting())
	if len(p.order) != len(p.units) {
		t.Fatalf("order has %d units, file %d", len(p.order), len(p.units))
	}
	seen := map[int]bool{}
	for _, i := range p.order {
		if seen[i] {
			t.Fatalf("unit %d ordered twice", i)
		}
		seen[i] = true
	}
	for _, r := range wb.Units {
		if r.Row < 1 {
			t.Fatalf("row number %d", r.Row)
		}
	}
	for _, e := range append(wb.Errors, p.errors...) {
		if e.Message == "" || (e.Kind != Units && e.Kind != People) {
			t.Fatalf("malformed error %+v", e)
		}
	}
}

func FuzzParseCSV(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.csv")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, false)
		f.Add(data, true)
	}
	f.Add([]byte("单位编码,单位名称,单位类型,上级单位编码,排序号\n610000,甲支队,支队,620000,\n620000,乙支队,支队,610000,x\n"), false)
	f.Add([]byte("工号,姓名,所属单位编码,状态,调离日期\n1,\"a\"\"b\",2,已调离,45292\n1,c,2,,2024年3月1日\n"), true)
	f.Add([]byte("\xef\xbb\xbf标题\n工号\t姓名\t所属单位编码\n'=1\t\xff\t\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, people bool) {
		kind := Units
		if people {
			kind = People
		}
		wb, err := ParseCSV(bytes.NewReader(data), kind, fuzzMax)
		if err != nil {
			return
		}
		checkParsed(t, wb)
	})
}

func FuzzParseXLSX(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.*") // not testdata/fuzz, the fuzzer's own corpus
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(exportedXLSX(f, sampleTables...))
	f.Add(exportedXLSX(f, sampleTables[1]))
	f.Add(buildXLSX(f, false, rawSheet{"人员", row(1, "工号", "姓名", "所属单位编码", "调离日期") +
		row(2, `<c r="REF"><v>5.1000123E7</v></c>`, "a", `<c r="REF" t="str"><f>"1"</f><v>1</v></c>`, `<c r="REF" s="1"><v>45292</v></c>`)}))
	f.Add(buildXLSX(f, true, rawSheet{"说明", row(1, "x")}, rawSheet{"Sheet2", row(3, "单位编码", "单位名称", "单位类型", "上级单位编码") +
		row(4, "1", "a", "总队", "")}))
	f.Fuzz(func(t *testing.T, data []byte) {
		wb, err := ParseXLSX(bytes.NewReader(data), fuzzMax)
		if err != nil {
			return
		}
		checkParsed(t, wb)
	})
}
