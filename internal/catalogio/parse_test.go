package catalogio

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
)

func TestParseXLSXRefuses(t *testing.T) {
	notXLSX, _ := os.ReadFile("testdata/not_xlsx.xlsx")
	old, _ := os.ReadFile("testdata/old.xls")
	none := buildXLSX(t, sheetData{"说明", [][]string{{"本表用于填报清单"}}})
	ambiguous := buildXLSX(t, sheetData{"Sheet1", [][]string{{ColCode, ColName, ColPlatform, ColUnit}, {"X-1", "x", "微信", "510100"}}})
	twice := buildXLSX(t, sheetData{"应用", [][]string{{ColCode}}}, sheetData{"应用程序清单", [][]string{{ColCode}}})
	big := fileOf(t, base())
	for _, c := range []struct {
		name string
		data []byte
		max  int64
		kind errs.Kind
		msg  string
	}{
		{"not a zip", notXLSX, 0, errs.Invalid, "文件不是有效的 Excel(.xlsx)文件"},
		{"empty", nil, 0, errs.Invalid, "文件不是有效的 Excel(.xlsx)文件"},
		{"a zip that is no workbook", zipOf(t, "a.txt", "x"), 0, errs.Invalid, "文件不是有效的 Excel(.xlsx)文件"},
		{"old xls", old, 0, errs.Invalid, ".xls"},
		{"no sheet of ours", none, 0, errs.Invalid, "没有找到"},
		{"asset sheet of unknown kind", ambiguous, 0, errs.Invalid, "无法判断"},
		{"two sheets of one kind", twice, 0, errs.Invalid, "两张应用表"},
		{"too large", big, int64(len(big)) - 1, errs.TooLarge, "文件超过"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseXLSX(bytes.NewReader(c.data), c.max)
			if !errs.Is(err, c.kind) || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("err = %v, want %v containing %q", err, c.kind.Code(), c.msg)
			}
		})
	}
}

func zipOf(t *testing.T, name, body string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, err := z.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(body))
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestParseXLSXRecognisesSheets(t *testing.T) {
	data := buildXLSX(t,
		sheetData{"填表说明", [][]string{{"编码请使用文本格式"}, {"状态新登记填 在用"}}},
		sheetData{"政务应用程序清单", [][]string{{"成都支队应用清单"}, {}, {" *编码 ", "名称", "平台", "所属单位编码", "年度费用(元)"}, {"A-1", "a", "app", "510100", "1,200"}}},
		sheetData{"Sheet3", [][]string{{ColCode, ColName, ColPlatform, ColUnit, "账号 id"}, {"M-1", "m", "微博", "510100", "abc"}}},
		sheetData{"工作群成员", [][]string{{"群组编码", "成员工号", "外部成员姓名"}, {"G-1", "1001", ""}, {}, {"G-1", "", "张三"}}},
	)
	wb := parseXLSX(t, data)
	if len(wb.Errors) > 0 {
		t.Fatalf("errors:\n%s", errorList(wb.Errors))
	}
	if len(wb.Apps) != 1 || wb.Apps[0].Row != 4 || wb.Apps[0].Get(Apps, ColCost) != "1,200" {
		t.Errorf("apps %+v", wb.Apps)
	}
	if len(wb.Accounts) != 1 || wb.Accounts[0].Get(Accounts, ColHandle) != "abc" {
		t.Errorf("accounts %+v", wb.Accounts)
	}
	if len(wb.Members) != 2 || wb.Members[1].Row != 4 || wb.Members[1].ExternalName != "张三" || wb.Members[0].PersonCode != "1001" {
		t.Errorf("members %+v", wb.Members)
	}
	if !wb.HasColumn(Apps, ColCost) || wb.HasColumn(Apps, ColOwner) || wb.Has(Groups) || !wb.Has(Members) || wb.HasColumn(Members, ColRole) {
		t.Error("columns or sheets misread")
	}
}

// TestParseXLSXCells checks typed cells: numbers as codes, date serials, booleans, formulas,
// and lists with line breaks.
func TestParseXLSXCells(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	sh := f.GetSheetName(0)
	f.SetSheetName(sh, "应用")
	header := []any{ColCode, ColName, ColPlatform, ColUnit, ColOwner, ColOpenedOn, ColMandatory, ColTargetCount, ColFunctions, ColNotes}
	f.SetSheetRow("应用", "A1", &header)
	f.SetSheetRow("应用", "A2", &[]any{"A-1", "名称", "App", 510100, 42, 45292, true, 1200.0, "查询\n统计、分析", ""})
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	f.SetCellStyle("应用", "F2", "F2", style)
	zeros := "0000"
	style2, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &zeros})
	f.SetCellStyle("应用", "E2", "E2", style2)
	f.SetCellFormula("应用", "J2", `"备"&"注"`)
	// Shown as 5.10E+05 and 1,200: the stored values must be read (a second pass).
	sci, _ := f.NewStyle(&excelize.Style{NumFmt: 11})
	f.SetCellStyle("应用", "D2", "D2", sci)
	thousands, _ := f.NewStyle(&excelize.Style{NumFmt: 3})
	f.SetCellStyle("应用", "H2", "H2", thousands)
	if v, _ := f.GetCellValue("应用", "D2"); v == "510100" {
		t.Fatalf("D2 shows %q: the test needs a formatted number", v)
	}
	var b bytes.Buffer
	f.WriteTo(&b)
	wb := parseXLSX(t, b.Bytes())
	if len(wb.Errors) > 0 || len(wb.Apps) != 1 {
		t.Fatalf("errors:\n%s", errorList(wb.Errors))
	}
	r := wb.Apps[0]
	for col, want := range map[string]string{ColUnit: "510100", ColOwner: "0042", ColOpenedOn: "2024-01-01", ColMandatory: "TRUE",
		ColTargetCount: "1200", ColFunctions: "查询\n统计、分析"} {
		if got := r.Get(Apps, col); got != want {
			t.Errorf("%s = %q, want %q", col, got, want)
		}
	}
	p := check(wb, &existing{units: map[string]dbUnit{}, people: map[string]dbPerson{}, assets: map[string]*dbAsset{}, taken: map[string]catalog.Kind{}})
	in := p.assets[0].in
	if !in.App.Mandatory || in.App.TargetCount != 1200 || in.OpenedOn.String() != "2024-01-01" || fmt.Sprint(in.Functions) != "[查询 统计、分析]" {
		t.Errorf("input %+v %+v", in, in.App)
	}
}

func TestParseCSV(t *testing.T) {
	t.Run("rows as Excel numbers them", func(t *testing.T) {
		text := "编码,名称,平台,所属单位编码,主要功能\r\n" +
			"A-1,a,App,510100,\"查询\r\n统计\r\n分析\"\r\n" +
			"\r\n" +
			"A-2,b,App,510100,\r\n"
		wb := parseCSV(t, Apps, text)
		if len(wb.Apps) != 2 || wb.Apps[0].Row != 2 || wb.Apps[1].Row != 4 {
			t.Errorf("rows %+v", wb.Apps)
		}
	})
	t.Run("tab separated, title rows", func(t *testing.T) {
		wb := parseCSV(t, Members, "成都支队群成员名单\n\n群组编码\t工号\t外部成员姓名\n'=G\t1001\t\n")
		if len(wb.Members) != 1 || wb.Members[0].Row != 4 || wb.Members[0].GroupCode != "=G" {
			t.Errorf("members %+v", wb.Members)
		}
	})
	t.Run("header problems", func(t *testing.T) {
		wb := parseCSV(t, Groups, "编码,名称,所属单位编码,负责人,,临时群组\nG-1,g,510100,x,y,是\n")
		wantError(t, wb.Errors, Groups, 1, ColPlatform)
		wantError(t, wb.Errors, Groups, 1, "负责人")
		if len(wb.Groups) != 0 {
			t.Error("rows read under a bad header")
		}
		wb = parseCSV(t, Groups, "编码,名称,平台,所属单位编码\nG-1,g,微信,510100,多出来的\n")
		wantError(t, wb.Errors, Groups, 2, "E列")
	})
	for _, c := range []struct {
		name, text string
		kind       errs.Kind
	}{
		{"empty", "\n\n", errs.Invalid},
		{"bad quotes", "编码,名称,平台,所属单位编码\n\"A,b\n", errs.Invalid},
		{"utf-16", "\xff\xfe编码", errs.Invalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := ParseCSV(strings.NewReader(c.text), Apps, 0); !errs.Is(err, c.kind) {
				t.Errorf("err = %v", err)
			}
		})
	}
	if _, err := ParseCSV(strings.NewReader("x"), "units", 0); !errs.Is(err, errs.Invalid) {
		t.Errorf("unknown sheet: %v", err)
	}
	if _, err := ParseCSV(strings.NewReader(strings.Repeat("x", 2000)), Apps, 1000); !errs.Is(err, errs.TooLarge) {
		t.Errorf("too large: %v", err)
	}
}

func TestTooManyRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("群组编码,工号\n")
	for i := 0; i <= MaxMemberRows; i++ {
		b.WriteString("G-1,1001\n")
	}
	if _, err := ParseCSV(strings.NewReader(b.String()), Members, 0); !errs.Is(err, errs.TooLarge) {
		t.Errorf("err = %v", err)
	}
}

func TestHeaderKey(t *testing.T) {
	for in, want := range map[string]string{"账号 ID": ColHandle, "账号id": ColHandle, "年度费用(元)": ColCost, "年度费用": ColCost, "成员工号": ColPersonCode} {
		if headerKey(in) != headerKey(want) {
			t.Errorf("%q does not match %q", in, want)
		}
	}
	for _, s := range Sheets {
		if p, err := ParseSheet(s.Label()); err != nil || p != s {
			t.Errorf("ParseSheet(%s) = %v, %v", s.Label(), p, err)
		}
	}
}
