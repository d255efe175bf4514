package orgio

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func TestExportOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedOrg(t, db)
		wb := parseXLSX(t, exportXLSX(t, db, org.System))
		var units, people []string
		for _, r := range wb.Units {
			units = append(units, r.Code)
		}
		for _, r := range wb.People {
			people = append(people, r.Code+"@"+r.UnitCode)
		}
		if got, want := strings.Join(units, " "), "510000 510001 510100 510101 51010101 510200"; got != want {
			t.Errorf("units in order %s, want %s", got, want)
		}
		if got, want := strings.Join(people, " "), "1001@510001 1002@510100 0042@510101 1003@51010101 2001@510200"; got != want {
			t.Errorf("people in order %s, want %s", got, want)
		}
		if wb.People[3].LeftOn != "2023-06-30" || wb.People[3].Status != "已调离" {
			t.Errorf("left person exported as %+v", wb.People[3])
		}
	})
}

func TestExportXLSXLayout(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(exportedXLSX(t, sampleTables...)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, ",") != "单位,人员" {
		t.Errorf("sheets %v", got)
	}
	panes, err := f.GetPanes("人员")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v %v", panes, err)
	}
	if w, _ := f.GetColWidth("单位", "B"); w < 20 {
		t.Errorf("单位名称 column width %v", w)
	}
	id, _ := f.GetCellStyle("人员", "A1")
	st, err := f.GetStyle(id)
	if err != nil || st.Font == nil || !st.Font.Bold || len(st.Fill.Color) == 0 {
		t.Errorf("header style %+v %v", st, err)
	}
	id, _ = f.GetCellStyle("人员", "F3")
	if st, _ := f.GetStyle(id); st.CustomNumFmt == nil || *st.CustomNumFmt != "yyyy-mm-dd" {
		t.Errorf("date cell style %+v", st)
	}
	if v, _ := f.GetCellValue("人员", "F3"); v != "2023-06-30" {
		t.Errorf("date shown as %q", v)
	}
	if typ, _ := f.GetCellType("单位", "A2"); typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset {
		t.Errorf("code written as a number (type %v)", typ)
	}
}
