package catalogio

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/sheet"
)

// fuzzMax keeps each fuzzed input small enough for thousands of runs a second.
const fuzzMax = 1 << 20

// sampleRows is a small inventory as the export writes it, by sheet.
var sampleRows = map[Sheet][][]string{
	Apps: {
		{"A-001", "消防监督执法系统", "Web系统", "510100", "510002", "1002", "监督检查\r\n执法", "执法检查\n统计、分析", "在用", "2020-01-15", "=SUM(1,2)",
			"全省监督员", "1200", "是", "打卡签到\n强制上传照片", "否", "是", "检查记录", "三级", "2024-05-01", "某公司", "350000", "是", "A-002", "日报、周报"},
		{"A-002", "指挥", "App", "510000", "", "", "", "", "申请中", "", "", "", "0", "否", "", "否", "否", "", "未定级", "", "", "0", "否", "", ""},
	},
	Accounts: {{"M-001", "成都消防", "微信公众号", "510100", "510003", "", "", "", "已注销", "", "", "cdxf119", "川公网安备", "成都支队", "250000", "否", "2024-06-01"}},
	Groups:   {{"G-001", "工作群", "微信", "510101", "510001", "0042", "", "通知", "在用", "", "", "是", "2024-12-31", "川消〔2024〕12号", "3"}},
	Members:  {{"G-001", "0042", "", "群主"}, {"G-001", "", "张三", "成员"}, {"G-001", "1003", "", "管理员"}},
}

// exportedXLSX writes sheets the way ExportXLSX does, without a database.
func exportedXLSX(t testing.TB, sheets ...Sheet) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range sheets {
		if i == 0 {
			f.SetSheetName(f.GetSheetName(0), s.Label())
		} else {
			f.NewSheet(s.Label())
		}
		rows := sampleRows[s]
		tb := table{sheet: s, rows: func(emit func([]string) error) error {
			for _, r := range rows {
				if err := emit(append([]string(nil), r...)); err != nil {
					return err
				}
			}
			return nil
		}}
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

// noData is an empty database, as check sees one.
func noData() *existing {
	return &existing{units: map[string]dbUnit{}, people: map[string]dbPerson{}, assets: map[string]*dbAsset{},
		taken: map[string]catalog.Kind{}, members: map[int64][]dbMember{}}
}

// checkParsed runs the file checks on a parsed workbook with an empty database and checks what
// must hold for any input.
func checkParsed(t *testing.T, wb *Workbook) {
	for _, s := range assetSheets {
		for _, r := range wb.Assets(s) {
			if r.Row < 1 || len(r.cells) != len(columns[s]) {
				t.Fatalf("%s row %d with %d cells", s, r.Row, len(r.cells))
			}
		}
	}
	for _, r := range wb.Members {
		if r.Row < 1 {
			t.Fatalf("member row number %d", r.Row)
		}
	}
	p := check(wb, noData())
	n := 0
	for _, g := range p.groups {
		n += len(g.items)
	}
	for _, it := range p.members {
		if it.GroupCode == "" {
			n++
		}
	}
	if n != len(p.members) {
		t.Fatalf("%d member rows grouped, %d read", n, len(p.members))
	}
	for _, e := range append(wb.Errors, p.errors...) {
		if e.Message == "" || e.Sheet.Label() == string(e.Sheet) {
			t.Fatalf("malformed error %+v", e)
		}
	}
	for _, it := range p.assets {
		if !it.bad {
			// Whatever passed the checks must export and read back as itself.
			for _, col := range columns[it.sheet] {
				if col.get == nil {
					continue
				}
				again := catalog.Input{Kind: it.in.Kind, App: &catalog.AppDetails{}, Account: &catalog.AccountDetails{}, Group: &catalog.GroupDetails{}}
				if msg := col.set(&again, col.get(&it.in)); msg != "" || col.get(&again) != col.get(&it.in) {
					t.Fatalf("%s %q does not read back: %q, %s", col.name, col.get(&it.in), col.get(&again), msg)
				}
			}
		}
	}
}

func FuzzParseCSV(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.csv")
	for i, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint8(i))
	}
	f.Add([]byte("编码,名称,平台,所属单位编码,主要功能,状态\nA-1,a,app,510100,\"x\ny、z\",在用\nA-1,b,微博,,,已下线\n"), uint8(0))
	f.Add([]byte("群组编码,工号,外部成员姓名,角色\nG,1,,群主\nG,1,,群主\nG,,x,群主\n,,,\n"), uint8(3))
	f.Add([]byte("\xef\xbb\xbf标题\n编码\t名称\t平台\t所属单位编码\t临时群组\t任务结束日期\n'=1\t\xff\t微信\t1\t否\t45292\n"), uint8(2))
	f.Add([]byte("编码,名称,平台,所属单位编码,粉丝数,等保级别\nM,m,抖音,1,1e3,\n"), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, sheet uint8) {
		wb, err := ParseCSV(bytes.NewReader(data), Sheets[int(sheet)%len(Sheets)], fuzzMax)
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
	// Hand-written workbooks parse in a fraction of a millisecond, excelize's own in several, so
	// most seeds are the former; one export keeps styles and shared strings in the corpus.
	all := map[string][][]string{}
	for _, s := range Sheets {
		var header []string
		for _, c := range columns[s] {
			header = append(header, c.name)
		}
		all[s.Label()] = append([][]string{header}, sampleRows[s]...)
	}
	f.Add(minimalXLSX(all))
	f.Add(minimalXLSX(map[string][][]string{"填表说明": {{"x"}}, "Sheet2": {{}, {"编码", "名称", "平台", "所属单位编码", "粉丝数"}, {"1", "a", "微博", "2", "x"}},
		"工作群成员": {{"成员名单"}, {"群组编码", "成员工号", "外部成员"}, {"G", "1", ""}, {"G", "1", "x"}}}))
	f.Add(exportedXLSX(f, Members))
	f.Fuzz(func(t *testing.T, data []byte) {
		wb, err := ParseXLSX(bytes.NewReader(data), fuzzMax)
		if err != nil {
			return
		}
		checkParsed(t, wb)
	})
}

// minimalXLSX is a workbook written by hand with only the parts a reader needs, so that the
// fuzzer, which mutates it, spends its time in our reading rather than in excelize's styles and
// themes. rows are <row> elements of inline strings, one list per sheet.
func minimalXLSX(sheets map[string][][]string) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	put := func(name, body string) {
		w, _ := z.Create(name)
		w.Write([]byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + body))
	}
	var overrides, list, rels strings.Builder
	n := 0
	for _, name := range slices.Sorted(maps.Keys(sheets)) {
		n++
		fmt.Fprintf(&overrides, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
		fmt.Fprintf(&list, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, name, n, n)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, n, n)
		var data strings.Builder
		for r, row := range sheets[name] {
			fmt.Fprintf(&data, `<row r="%d">`, r+1)
			for c, v := range row {
				if v != "" {
					fmt.Fprintf(&data, `<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>`, sheet.ColumnLetter(c), r+1, html.EscapeString(v))
				}
			}
			data.WriteString(`</row>`)
		}
		put(fmt.Sprintf("xl/worksheets/sheet%d.xml", n), `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+data.String()+`</sheetData></worksheet>`)
	}
	put("[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`+overrides.String()+`</Types>`)
	put("_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`+list.String()+`</sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+rels.String()+`</Relationships>`)
	z.Close()
	return b.Bytes()
}
