package orgio

import (
	"archive/zip"
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/errs"
)

func TestParseCSV(t *testing.T) {
	gbk, err := os.ReadFile("testdata/people_gbk.csv")
	if err != nil {
		t.Fatal(err)
	}
	bom, err := os.ReadFile("testdata/units_bom.csv")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		kind   Kind
		data   string
		units  []UnitRow
		people []PersonRow
	}{
		{"GBK as Chinese Excel writes it", People, string(gbk), nil, []PersonRow{
			{Row: 2, Code: "3001", Name: "赵敏", UnitCode: "510101", Post: "战斗员", Status: "在职"},
			{Row: 3, Code: "3002", Name: "钱磊", UnitCode: "510101", Post: "驾驶员", Status: "已调离", LeftOn: "2024/3/1"},
		}},
		{"UTF-8 with BOM", Units, string(bom), []UnitRow{
			{Row: 2, Code: "510101", Name: "锦江区大队", Kind: "大队", ParentCode: "510100"},
			{Row: 3, Code: "510102", Name: "青羊区大队", Kind: "大队", ParentCode: "510100", SortOrder: "2"},
			{Row: 4, Code: "51010201", Name: "草市街消防救援站", Kind: "消防救援站", ParentCode: "510102", SortOrder: "1"},
		}, nil},
		{"columns in any order, spaces and asterisks around headers and cells", People,
			" 姓名 ,*工号,所属单位编码\n  张伟\u3000, 1001 ,\u200b510001\n", nil,
			[]PersonRow{{Row: 2, Code: "1001", Name: "张伟", UnitCode: "510001"}}},
		{"title row above the header, blank lines keep their numbers", People,
			"成都支队人员台账,,\n工号,姓名,所属单位编码\n\n1001,张伟,510001\n,,\n1002,李娜,510100\n", nil,
			[]PersonRow{{Row: 4, Code: "1001", Name: "张伟", UnitCode: "510001"}, {Row: 6, Code: "1002", Name: "李娜", UnitCode: "510100"}}},
		{"tab separated", People, "工号\t姓名\t所属单位编码\n1001\t张伟\t510001\n", nil,
			[]PersonRow{{Row: 2, Code: "1001", Name: "张伟", UnitCode: "510001"}}},
		{"apostrophe before a formula character is removed", People, "工号,姓名,所属单位编码,职务\n1001,张伟,510001,'=SUM(1)\n", nil,
			[]PersonRow{{Row: 2, Code: "1001", Name: "张伟", UnitCode: "510001", Post: "=SUM(1)"}}},
		{"header only", Units, "单位编码,单位名称,单位类型,上级单位编码\n", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wb := parseCSV(t, tc.kind, tc.data)
			if len(wb.Errors) > 0 {
				t.Fatalf("errors: %v", wb.Errors)
			}
			if !reflect.DeepEqual(wb.Units, tc.units) || !reflect.DeepEqual(wb.People, tc.people) {
				t.Errorf("got units %+v people %+v\nwant units %+v people %+v", wb.Units, wb.People, tc.units, tc.people)
			}
			if !wb.Has(tc.kind) {
				t.Errorf("Has(%s) = false", tc.kind)
			}
		})
	}
}

func TestParseCSVHeaderErrors(t *testing.T) {
	tests := []struct {
		name   string
		kind   Kind
		data   string
		row    int
		column string
	}{
		{"missing required header", People, "工号,所属单位编码\n1001,510001\n", 1, ColPersonName},
		{"renamed header is unknown", People, "工号,名字,所属单位编码\n1001,张伟,510001\n", 1, "名字"},
		{"renamed header leaves its column missing", People, "工号,名字,所属单位编码\n1001,张伟,510001\n", 1, ColPersonName},
		{"header twice", Units, "单位编码,单位名称,单位类型,上级单位编码,单位名称\n1,a,总队,,b\n", 1, ColUnitName},
		{"data without a header", People, "工号,姓名,所属单位编码\n1001,张伟,510001,备注\n", 2, "D列"},
		{"units header in a people file", People, "单位编码,单位名称,单位类型,上级单位编码\n1,a,总队,\n", 1, ColPersonCode},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wb := parseCSV(t, tc.kind, tc.data)
			wantRowError(t, wb.Errors, tc.kind, tc.row, tc.column)
			if len(wb.Units)+len(wb.People) != 0 {
				t.Errorf("rows read despite header errors: %+v %+v", wb.Units, wb.People)
			}
		})
	}
}

func TestParseCSVRejects(t *testing.T) {
	big := "工号,姓名,所属单位编码\n" + strings.Repeat("1,a,1\n", MaxRows+1)
	tests := []struct {
		name string
		kind Kind
		data string
		max  int64
		want errs.Kind
		msg  string
	}{
		{"empty file", People, "", 0, errs.Invalid, "空"},
		{"over the byte limit", People, "工号,姓名,所属单位编码\n1001,张伟,510001\n", 20, errs.TooLarge, "文件超过"},
		{"over the row limit", People, big, int64(len(big)), errs.TooLarge, "100000"},
		{"unbalanced quotes", People, "工号,姓名,所属单位编码\n1001,\"张伟,510001\n", 0, errs.Invalid, "引号"},
		{"UTF-16", People, "\xff\xfe\x01\x00", 0, errs.Invalid, "UTF-16"},
		{"unknown kind", "groups", "a\n", 0, errs.Invalid, "未知的数据类型"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCSV(strings.NewReader(tc.data), tc.kind, tc.max)
			if errs.KindOf(err) != tc.want || err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v (kind %v), want kind %v containing %q", err, errs.KindOf(err), tc.want, tc.msg)
			}
		})
	}
}

func TestParseXLSXCells(t *testing.T) {
	// Cells as Excel and WPS store them: shared and inline strings, numbers in codes (also in
	// exponent form and with a "00000" format), formulas with their cached results, date
	// serials, and text dates.
	people := rawSheet{"人员", row(1, "工号", " 姓名 ", "所属单位编码", "职务", "状态", "调离日期") +
		row(2, `<c r="REF"><v>51000123</v></c>`, "张伟", `<c r="REF"><v>5.1000123E7</v></c>`, "", "在职", "") +
		row(3, `<c r="REF" s="2"><v>42</v></c>`, "  李娜  ", `<c r="REF" t="str"><f>"5100"&amp;"01"</f><v>510001</v></c>`, `<c r="REF" t="str"><f>"站"&amp;"长"</f><v>站长</v></c>`, "已调离", `<c r="REF" s="1"><v>45352</v></c>`) +
		row(5, "1005", "王强", "510001", "", "已调离", "2024年3月1日")}
	data := buildXLSX(t, false, rawSheet{"说明", row(1, "请按表头填写")}, people)
	wb := parseXLSX(t, data)
	want := []PersonRow{
		{Row: 2, Code: "51000123", Name: "张伟", UnitCode: "51000123", Status: "在职"},
		{Row: 3, Code: "00042", Name: "李娜", UnitCode: "510001", Post: "站长", Status: "已调离", LeftOn: "2024-03-01"},
		{Row: 5, Code: "1005", Name: "王强", UnitCode: "510001", Status: "已调离", LeftOn: "2024年3月1日"},
	}
	if len(wb.Errors) > 0 || !reflect.DeepEqual(wb.People, want) {
		t.Errorf("got %+v errors %v\nwant %+v", wb.People, wb.Errors, want)
	}
	if wb.Has(Units) {
		t.Error("instructions sheet taken for a units sheet")
	}

	t.Run("1904 date system", func(t *testing.T) {
		data := buildXLSX(t, true, rawSheet{"人员", row(1, "工号", "姓名", "所属单位编码", "调离日期") +
			row(2, "1", "a", "1", `<c r="REF" s="1"><v>43890</v></c>`)})
		wb := parseXLSX(t, data)
		if got := wb.People[0].LeftOn; got != "2024-03-01" {
			t.Errorf("LeftOn = %q, want 2024-03-01", got)
		}
	})
}

func TestParseXLSXWorkbooks(t *testing.T) {
	unitsHeader := row(1, "单位编码", "单位名称", "单位类型", "上级单位编码", "排序号")
	peopleHeader := row(1, "工号", "姓名", "所属单位编码")
	t.Run("one sheet per file, found by its header", func(t *testing.T) {
		wb := parseXLSX(t, buildXLSX(t, false, rawSheet{"Sheet1", peopleHeader + row(2, "1001", "张伟", "510001")}))
		if len(wb.People) != 1 || wb.Has(Units) {
			t.Errorf("got %+v", wb)
		}
	})
	t.Run("both sheets", func(t *testing.T) {
		wb := parseXLSX(t, buildXLSX(t, false, rawSheet{"人员", peopleHeader + row(2, "1001", "张伟", "510001")},
			rawSheet{"单位", unitsHeader + row(2, "510001", "办公室", "处室", "510000", `<c r="REF"><v>3</v></c>`)}))
		if len(wb.People) != 1 || len(wb.Units) != 1 || wb.Units[0].SortOrder != "3" {
			t.Errorf("got %+v", wb)
		}
	})
	t.Run("an empty sheet is absent", func(t *testing.T) {
		wb := parseXLSX(t, buildXLSX(t, false, rawSheet{"单位", ""}, rawSheet{"人员", peopleHeader}))
		if wb.Has(Units) || !wb.Has(People) || len(wb.People) != 0 {
			t.Errorf("got %+v", wb)
		}
	})
	t.Run("header errors", func(t *testing.T) {
		wb := parseXLSX(t, buildXLSX(t, false, rawSheet{"单位", row(1, "单位编码", "单位名称", "类型", "上级单位编码")}))
		wantRowError(t, wb.Errors, Units, 1, "类型")
		wantRowError(t, wb.Errors, Units, 1, ColUnitKind)
	})

	t.Run("a chart sheet is skipped", func(t *testing.T) {
		f := excelize.NewFile()
		f.SetSheetName("Sheet1", "人员")
		f.SetSheetRow("人员", "A1", &[]any{"工号", "姓名", "所属单位编码"})
		f.SetSheetRow("人员", "A2", &[]any{1001, "张伟", 510001})
		if err := f.AddChartSheet("图表", &excelize.Chart{Type: excelize.Col,
			Series: []excelize.ChartSeries{{Name: "人员!$A$1", Categories: "人员!$B$2:$B$2", Values: "人员!$A$2:$A$2"}}}); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		f.WriteTo(&b)
		wb := parseXLSX(t, b.Bytes())
		if len(wb.People) != 1 || wb.People[0].Code != "1001" || wb.People[0].UnitCode != "510001" {
			t.Errorf("got %+v", wb.People)
		}
	})

	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "hello")
	var plain bytes.Buffer
	f.WriteTo(&plain)
	notXLSX, _ := os.ReadFile("testdata/not_xlsx.xlsx")
	xls, _ := os.ReadFile("testdata/old.xls")
	var zipNotXLSX bytes.Buffer
	{
		z := zip.NewWriter(&zipNotXLSX)
		w, _ := z.Create("hello.txt")
		w.Write([]byte("not a workbook"))
		z.Close()
	}
	tests := []struct {
		name string
		data []byte
		max  int64
		want errs.Kind
		msg  string
	}{
		{"text file", notXLSX, 0, errs.Invalid, "文件不是有效的 Excel(.xlsx)文件"},
		{"old .xls", xls, 0, errs.Invalid, ".xls"},
		{"zip that is not a workbook", zipNotXLSX.Bytes(), 0, errs.Invalid, "文件不是有效的 Excel(.xlsx)文件"},
		{"empty file", nil, 0, errs.Invalid, "文件不是有效的 Excel(.xlsx)文件"},
		{"workbook without our sheets", plain.Bytes(), 0, errs.Invalid, "没有找到单位表或人员表"},
		{"over the byte limit", plain.Bytes(), 100, errs.TooLarge, "文件超过"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseXLSX(bytes.NewReader(tc.data), tc.max)
			if errs.KindOf(err) != tc.want || err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v (kind %v), want kind %v containing %q", err, errs.KindOf(err), tc.want, tc.msg)
			}
		})
	}
}

func TestParseXLSXZipBomb(t *testing.T) {
	// 20 MB of sheet XML compresses to a few dozen KB: small upload, large expansion.
	rows := row(1, "工号", "姓名", "所属单位编码") + `<row r="2">` + strings.Repeat(" ", 20<<20) + `</row>`
	data := buildXLSX(t, false, rawSheet{"人员", rows})
	if len(data) > 1<<20 {
		t.Fatalf("bomb is %d bytes", len(data))
	}
	_, err := ParseXLSX(bytes.NewReader(data), 1<<20)
	if !errs.Is(err, errs.TooLarge) {
		t.Errorf("err = %v, want TooLarge", err)
	}
}

func TestParseXLSXTooManyRows(t *testing.T) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	sw.SetRow("A1", []any{"工号", "姓名", "所属单位编码"})
	for i := 2; i <= MaxRows+2; i++ {
		axis, _ := excelize.CoordinatesToCellName(1, i)
		sw.SetRow(axis, []any{i, "a", "1"})
	}
	sw.Flush()
	var b bytes.Buffer
	f.WriteTo(&b)
	_, err = ParseXLSX(&b, DefaultMaxBytes)
	if !errs.Is(err, errs.TooLarge) {
		t.Errorf("err = %v, want TooLarge", err)
	}
}
