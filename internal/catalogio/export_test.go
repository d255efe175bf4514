package catalogio

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func TestExportXLSX(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedOrg(t, db)
		seedCatalog(t, db)
		seedHistory(t, db)

		f, err := excelize.OpenReader(bytes.NewReader(exportXLSX(t, db, org.System)))
		storetest.Must(t, err)
		defer f.Close()
		if got := strings.Join(f.GetSheetList(), ","); got != "应用,公众号,群组,群成员" {
			t.Errorf("sheets %s", got)
		}
		rows, err := f.GetRows("应用")
		storetest.Must(t, err)
		if strings.Join(rows[0], ",") != columnNames(Apps) && strings.Join(rows[0], "、") != columnNames(Apps) {
			t.Errorf("header %v", rows[0])
		}
		if len(rows) != 4 || rows[3][0] != "A-009" || rows[3][8] != "已下线" {
			t.Errorf("apps %v", rows)
		}
		// lists one item per line, features by name, 等保 in words, codes as text.
		a1 := rows[1]
		for col, want := range map[string]string{ColFunctions: "执法检查\n文书管理\n统计、分析", ColForced: "强制上传照片\n打卡签到",
			ColMLPS: "三级", ColLead: "510002", ColMandatory: "是", ColOpenedOn: "2020-01-15", ColCost: "350000", ColStatus: "在用"} {
			i, _ := lookupColumn(Apps, col)
			if a1[i] != want {
				t.Errorf("%s = %q, want %q", col, a1[i], want)
			}
		}
		groups, _ := f.GetRows("群组")
		if len(groups) != 5 || groups[4][0] != "G-009" || !strings.Contains(strings.Join(groups[4], ","), "已合并") {
			t.Errorf("groups %v", groups)
		}
		members, _ := f.GetRows("群成员")
		if len(members) != 11 || strings.Join(members[1], ",") != "G-001,0042,,群主" || strings.Join(members[2], ",") != "G-001,1003,,管理员" {
			t.Errorf("members %v", members)
		}
		panes, err := f.GetPanes("群成员")
		storetest.Must(t, err)
		if !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("panes %+v", panes)
		}
		if w, _ := f.GetColWidth("应用", "B"); w < 20 {
			t.Errorf("name column width %v", w)
		}
		style, _ := f.GetCellStyle("应用", "A1")
		if s, _ := f.GetStyle(style); s == nil || s.Font == nil || !s.Font.Bold {
			t.Errorf("header style %+v", s)
		}
		if typ, _ := f.GetCellType("应用", "I2"); typ == excelize.CellTypeNumber {
			t.Error("status written as a number")
		}
		dateStyle, _ := f.GetCellStyle("应用", "J2")
		if s, _ := f.GetStyle(dateStyle); s == nil || s.CustomNumFmt == nil || *s.CustomNumFmt != "yyyy-mm-dd" {
			t.Errorf("date style %+v", s)
		}

		// Only the kinds asked for; the member sheet comes with the groups.
		f2, err := excelize.OpenReader(bytes.NewReader(exportXLSX(t, db, org.System, catalog.Account)))
		storetest.Must(t, err)
		defer f2.Close()
		if got := strings.Join(f2.GetSheetList(), ","); got != "公众号" {
			t.Errorf("sheets %s", got)
		}
		if err := ExportXLSX(context.Background(), db, org.System, &bytes.Buffer{}, "机器人"); !errs.Is(err, errs.Invalid) {
			t.Errorf("unknown kind: %v", err)
		}
		staff := org.Principal{Name: "基层", Roles: []org.Role{org.RoleStaff}, Scope: org.Scope{All: true}}
		if err := ExportXLSX(context.Background(), db, staff, &bytes.Buffer{}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("staff export: %v", err)
		}
		if err := ExportCSV(context.Background(), db, staff, &bytes.Buffer{}, Members); !errs.Is(err, errs.Forbidden) {
			t.Errorf("staff export: %v", err)
		}
	})
}

func TestExportCSV(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		units := seedOrg(t, db)
		seedCatalog(t, db)
		data := string(exportCSV(t, db, liaison(units["51010101"]), Members))
		want := "\xEF\xBB\xBF群组编码,工号,外部成员姓名,角色\r\nG-002,1003,,群主\r\nG-002,2001,,成员\r\n"
		if data != want {
			t.Errorf("got %q\nwant %q", data, want)
		}
		apps := string(exportCSV(t, db, org.System, Apps))
		if !strings.Contains(apps, "\"执法检查\r\n文书管理\r\n统计、分析\"") {
			t.Errorf("list cell %q", apps)
		}
	})
}
