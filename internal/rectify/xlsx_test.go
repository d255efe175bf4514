package rectify_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/rectify"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// sheetRows reads the displayed cells of a workbook's first sheet.
func sheetRows(t *testing.T, data []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	must(t, err)
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	must(t, err)
	return rows
}

// workbook builds an XLSX file from rows of cells; a time.Time becomes a date cell.
func workbook(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		axis, _ := excelize.CoordinatesToCellName(1, i+1)
		must(t, f.SetSheetRow("Sheet1", axis, &r))
	}
	var b bytes.Buffer
	must(t, f.Write(&b))
	return b.Bytes()
}

func (e *env) export(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	must(t, rectify.ExportXLSX(e.ctx, e.db, e.user["office"], rectify.Filter{}, &b))
	return b.Bytes()
}

// sameEngine opens a second fresh database of db's engine.
func sameEngine(t *testing.T, db *store.DB) *store.DB {
	if db.Engine == store.Postgres {
		return storetest.Postgres(t)
	}
	return storetest.SQLite(t)
}

func TestXLSXRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		admin := e.user["admin"]
		e.item(t, "ST-A", "PA2", rectify.Pending)
		e.item(t, "BRIG-A", "PA1", rectify.InProgress)
		e.item(t, "BRIG-B", "PB1", rectify.Review)
		e.item(t, "BRIG-B", "PB1", rectify.Closed)
		in := e.input("BRIG-A", "PA1")
		in.Source, in.Title, in.Description, in.Measures = rectify.SourceReport, "要求每日打卡截图", "", "取消打卡要求\n改为线上自动统计"
		in.DeadlineWorkdays, in.Deadline = 0, date(2026, 9, 29)
		_, err := rectify.Create(e.ctx, db, admin, in)
		must(t, err)
		setClock(t, shanghai(2026, 10, 8)) // the last item is now overdue

		a := e.export(t)
		rows := sheetRows(t, a)
		if len(rows) != 6 || strings.Join(rows[0], ",") != "序号,问题来源,问题描述,责任单位,责任人,整改措施,整改时限,整改进展,完成情况,编号,状态" {
			t.Fatalf("export rows %q", rows)
		}
		if got := strings.Join(rows[5], "|"); got != "5|举报|要求每日打卡截图|甲区消防救援大队|甲一(PA1)|取消打卡要求\n改为线上自动统计|2026-09-29|||ZG-2026-0005|待整改(逾期)" {
			t.Fatalf("row 6 %q", got)
		}

		e2 := newEnv(t, sameEngine(t, db))
		setClock(t, shanghai(2026, 10, 8))
		t.Run("dry run writes nothing", func(t *testing.T) {
			before := e2.counts(t)
			rep, err := rectify.ImportXLSX(e2.ctx, e2.db, e2.user["office"], bytes.NewReader(a), rectify.ImportOptions{DryRun: true})
			check(t, err, pass)
			if rep.Rows != 5 || rep.Created != 5 || rep.Written {
				t.Fatalf("dry run report %+v", rep)
			}
			if after := e2.counts(t); after != before {
				t.Fatalf("a dry run wrote:\n%s\n%s", before, after)
			}
		})
		rep, err := rectify.ImportXLSX(e2.ctx, e2.db, e2.user["office"], bytes.NewReader(a), rectify.ImportOptions{})
		check(t, err, pass)
		if rep.Created != 5 || !rep.Written {
			t.Fatalf("import report %+v", rep)
		}
		b := e2.export(t)
		if got, want := fmt.Sprintf("%q", sheetRows(t, b)), fmt.Sprintf("%q", rows); got != want {
			t.Fatalf("the round trip changed the ledger:\n got %s\nwant %s", got, want)
		}
		t.Run("imported twice adds nothing", func(t *testing.T) {
			before := e.count(t, `SELECT count(*) FROM ledger_items`)
			rep, err := rectify.ImportXLSX(e.ctx, db, e.user["office"], bytes.NewReader(a), rectify.ImportOptions{})
			check(t, err, pass)
			if rep.Unchanged != 5 || rep.Created != 0 || e.count(t, `SELECT count(*) FROM ledger_items`) != before {
				t.Fatalf("re-import report %+v", rep)
			}
		})
		t.Run("a liaison may not import another unit's rows", func(t *testing.T) {
			e3 := newEnv(t, sameEngine(t, db))
			e3.refused(t, want{kind: errs.Invalid}, func() error {
				_, err := rectify.ImportXLSX(e3.ctx, e3.db, e3.user["liaisonB"], bytes.NewReader(a), rectify.ImportOptions{})
				return err
			})
		})
	})
}

func TestXLSXImportErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		header := []any{"序号", "问题来源", "问题描述", "责任单位", "责任人", "整改措施", "整改时限", "整改进展", "完成情况", "编号", "状态"}
		good := func(n int) []any {
			return []any{n, "自查", "重复填报", "BRIG-A", "甲一", "合并报表", date(2026, 10, 30), "", "", "", "待整改"}
		}
		with := func(n int, col int, v any) []any {
			r := good(n)
			r[col] = v
			return r
		}
		file := workbook(t, []any{"2026年整改台账"}, header, good(1),
			with(2, 1, "道听途说"),
			with(3, 3, "不存在的大队"),
			with(4, 4, "乙一"), // in BRIG-B, not BRIG-A
			with(5, 6, "下周"),
			with(6, 2, ""),
			with(7, 10, "已完成"),
			with(8, 4, "已走"), // has left
			with(9, 9, "ZG-X-1"),
			with(10, 9, "ZG-X-1"),
		)
		var rep *rectify.ImportReport
		e.refused(t, want{kind: errs.Invalid}, func() error {
			var err error
			rep, err = rectify.ImportXLSX(e.ctx, db, e.user["office"], bytes.NewReader(file), rectify.ImportOptions{})
			return err
		})
		got := map[string]rectify.RowError{}
		for _, re := range rep.Errors {
			got[re.Location()] = re
			if !hasHan(re.Message) {
				t.Errorf("%s: message %q is not Chinese", re.Location(), re.Message)
			}
		}
		wantAt := map[string]string{
			"第4行 B列(问题来源)": "道听途说",
			"第5行 D列(责任单位)": "不存在的大队",
			"第6行 E列(责任人)":  "乙一",
			"第7行 G列(整改时限)": "下周",
			"第8行 C列(问题描述)": "",
			"第9行 K列(状态)":   "已完成",
			"第10行 E列(责任人)": "已走",
			"第12行 J列(编号)":  "ZG-X-1",
		}
		for loc, v := range wantAt {
			re, ok := got[loc]
			if !ok {
				t.Errorf("no error at %s; got %v", loc, rep.Errors)
				continue
			}
			if re.Value != v {
				t.Errorf("%s: value %q, want %q", loc, re.Value, v)
			}
		}
		if len(rep.Errors) != len(wantAt) {
			t.Fatalf("%d errors, want %d: %+v", len(rep.Errors), len(wantAt), rep.Errors)
		}
		if rep.Written || rep.Rows != 10 {
			t.Fatalf("report %+v", rep)
		}
		t.Run("the good rows alone import", func(t *testing.T) {
			ok := workbook(t, []any{"2026年整改台账"}, header, good(1), with(2, 4, "PA1"), with(3, 4, "甲一(PA1)"), with(4, 3, "甲区消防救援大队"),
				with(5, 6, "2026/11/2"), with(6, 9, "ZG-X-1"))
			rep, err := rectify.ImportXLSX(e.ctx, db, e.user["liaisonA"], bytes.NewReader(ok), rectify.ImportOptions{})
			check(t, err, pass)
			if rep.Created != 6 {
				t.Fatalf("report %+v", rep)
			}
			list, _, err := rectify.List(e.ctx, db, e.user["office"], rectify.Filter{Q: "ZG-X-1"})
			must(t, err)
			if len(list) != 1 || list[0].ResponsibleCode != "PA1" || !list[0].Deadline.Equal(date(2026, 10, 30)) {
				t.Fatalf("imported %+v", list)
			}
			list, _, err = rectify.List(e.ctx, db, e.user["office"], rectify.Filter{UnitID: e.unit["BRIG-A"].ID})
			must(t, err)
			found := false
			for _, it := range list {
				found = found || it.Deadline.Equal(date(2026, 11, 2))
			}
			if !found {
				t.Fatal("the date written 2026/11/2 was not read")
			}
		})
		t.Run("a missing column", func(t *testing.T) {
			bad := workbook(t, []any{"序号", "问题来源", "问题描述", "责任单位"}, []any{1, "自查", "x", "BRIG-A"})
			e.refused(t, want{kind: errs.Invalid}, func() error {
				_, err := rectify.ImportXLSX(e.ctx, db, e.user["office"], bytes.NewReader(bad), rectify.ImportOptions{})
				if err == nil || !strings.Contains(err.Error(), "责任人") {
					t.Errorf("error %v does not name the missing columns", err)
				}
				return err
			})
		})
		t.Run("not a workbook", func(t *testing.T) {
			_, err := rectify.ImportXLSX(e.ctx, db, e.user["office"], strings.NewReader("序号,问题来源\n"), rectify.ImportOptions{})
			check(t, err, want{kind: errs.Invalid})
		})
	})
}
