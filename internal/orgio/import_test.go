package orgio

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func importOK(t *testing.T, db *store.DB, p org.Principal, wb *Workbook, opt Options) *Report {
	t.Helper()
	rep, err := Import(context.Background(), db, p, wb, opt)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	checkCounts(t, rep)
	return rep
}

// checkCounts checks that every row is accounted for exactly once.
func checkCounts(t *testing.T, rep *Report) {
	t.Helper()
	for _, c := range []Counts{rep.Units, rep.People} {
		if c.Created+c.Updated+c.Unchanged+c.Failed != c.Rows {
			t.Errorf("counts do not add up: %+v", c)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src *store.DB) {
		seedOrg(t, src)
		want := dump(t, src)

		t.Run("xlsx into an empty database", func(t *testing.T) {
			dst := freshDB(t, src)
			rep := importOK(t, dst, org.System, parseXLSX(t, exportXLSX(t, src, org.System)), Options{})
			if rep.Units.Created != 6 || rep.People.Created != 5 || !rep.Written || len(rep.Errors) > 0 {
				t.Errorf("report %+v", rep)
			}
			if got := dump(t, dst); got != want {
				t.Errorf("imported organisation differs\ngot:\n%s\nwant:\n%s", got, want)
			}
			before := count(t, dst)
			again := importOK(t, dst, org.System, parseXLSX(t, exportXLSX(t, dst, org.System)), Options{})
			if again.Units.Unchanged != 6 || again.People.Unchanged != 5 || again.Units.Created+again.Units.Updated+again.People.Created+again.People.Updated != 0 {
				t.Errorf("second import changed something: %+v", again)
			}
			if after := count(t, dst); after != before {
				t.Errorf("second import wrote: %+v → %+v", before, after)
			}
		})

		t.Run("csv into an empty database", func(t *testing.T) {
			dst := freshDB(t, src)
			for _, k := range Kinds {
				var b bytes.Buffer
				storetest.Must(t, ExportCSV(context.Background(), src, org.System, &b, k))
				if k == People && !strings.Contains(b.String(), "'=SUM(1,2)") {
					t.Errorf("formula-like cell not escaped:\n%s", b.String())
				}
				wb, err := ParseCSV(&b, k, DefaultMaxBytes)
				storetest.Must(t, err)
				importOK(t, dst, org.System, wb, Options{})
			}
			if got := dump(t, dst); got != want {
				t.Errorf("imported organisation differs\ngot:\n%s\nwant:\n%s", got, want)
			}
		})

		t.Run("export imported into its own database changes nothing", func(t *testing.T) {
			before := count(t, src)
			rep := importOK(t, src, org.System, parseXLSX(t, exportXLSX(t, src, org.System)), Options{})
			if rep.Units.Unchanged != 6 || rep.People.Unchanged != 5 {
				t.Errorf("report %+v", rep)
			}
			if after := count(t, src); after != before {
				t.Errorf("wrote: %+v → %+v", before, after)
			}
		})
	})
}

func TestDryRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedOrg(t, db)
		units := "单位编码,单位名称,单位类型,上级单位编码,排序号\n" +
			"510102,青羊区大队,大队,510100,\n" +
			"510101,锦江区消防救援大队,大队,510100,\n" // renamed
		people := "工号,姓名,所属单位编码,职务\n" +
			"3001,赵敏,510102,战斗员\n" +
			"1001,张伟,510001,主任\n" // unchanged
		before := count(t, db)
		rep := importOK(t, db, org.System, parseCSV(t, Units, units), Options{DryRun: true})
		if rep.Written || !rep.DryRun || rep.Units != (Counts{Rows: 2, Created: 1, Updated: 1}) {
			t.Errorf("dry run report %+v", rep)
		}
		// 510102 does not exist outside the dry run above, so the person cannot be placed.
		rep, err := Import(context.Background(), db, org.System, parseCSV(t, People, people), Options{DryRun: true})
		if !errs.Is(err, errs.Invalid) || rep.Written {
			t.Errorf("err = %v, report %+v", err, rep)
		}
		wantRowError(t, rep.Errors, People, 2, ColPersonUnit)
		if after := count(t, db); after != before {
			t.Errorf("dry run wrote: %+v → %+v", before, after)
		}

		both := parseXLSX(t, buildXLSX(t, false,
			rawSheet{"单位", row(1, "单位编码", "单位名称", "单位类型", "上级单位编码") + row(2, "510102", "青羊区大队", "大队", "510100")},
			rawSheet{"人员", row(1, "工号", "姓名", "所属单位编码") + row(2, "3001", "赵敏", "510102") + row(3, "1001", "张伟", "510001")}))
		dry := importOK(t, db, org.System, both, Options{DryRun: true})
		if after := count(t, db); after != before {
			t.Errorf("dry run wrote: %+v → %+v", before, after)
		}
		real := importOK(t, db, org.System, both, Options{})
		if dry.Units != real.Units || dry.People != real.People || !real.Written {
			t.Errorf("dry run %+v %+v differs from import %+v %+v", dry.Units, dry.People, real.Units, real.People)
		}
		// 1001 has no 职务 or 状态 column here, so only a create of 3001 and of 510102.
		if real.People != (Counts{Rows: 2, Created: 1, Unchanged: 1}) {
			t.Errorf("people %+v", real.People)
		}
	})
}

// brokenCase is a file that must be refused with an error at each of want, writing nothing.
type brokenCase struct {
	name string
	kind Kind   // CSV of this kind, unless xlsx is set
	text string // CSV content
	want []RowError
}

func TestImportBrokenFiles(t *testing.T) {
	unitsHeader := "单位编码,单位名称,单位类型,上级单位编码,排序号\n"
	peopleHeader := "工号,姓名,所属单位编码,职务,状态,调离日期\n"
	tests := []brokenCase{
		{"missing header", People, "工号,所属单位编码\n3001,510101\n", []RowError{{Kind: People, Row: 1, Column: ColPersonName}}},
		{"renamed header", People, "工号,名字,所属单位编码\n3001,赵敏,510101\n",
			[]RowError{{Kind: People, Row: 1, Column: "名字"}, {Kind: People, Row: 1, Column: ColPersonName}}},
		{"duplicate 工号 in file", People, peopleHeader + "3001,赵敏,510101,,,\n3002,钱磊,510101,,,\n3001,孙丽,510101,,,\n",
			[]RowError{{Kind: People, Row: 2, Column: ColPersonCode}, {Kind: People, Row: 4, Column: ColPersonCode}}},
		{"unknown unit code", People, peopleHeader + "3001,赵敏,999999,,,\n", []RowError{{Kind: People, Row: 2, Column: ColPersonUnit}}},
		{"unknown parent code", Units, unitsHeader + "510102,青羊区大队,大队,999999,\n", []RowError{{Kind: Units, Row: 2, Column: ColParentCode}}},
		{"cycle of new units", Units, unitsHeader + "610000,甲支队,支队,620000,\n620000,乙支队,支队,610000,\n",
			[]RowError{{Kind: Units, Row: 2, Column: ColParentCode}, {Kind: Units, Row: 3, Column: ColParentCode}}},
		{"cycle through existing units", Units, unitsHeader + "510100,成都市消防救援支队,支队,510101,\n510101,锦江区大队,大队,510100,\n",
			[]RowError{{Kind: Units, Row: 2, Column: ColParentCode}, {Kind: Units, Row: 3, Column: ColParentCode}}},
		{"unit is its own parent", Units, unitsHeader + "510102,青羊区大队,大队,510102,\n", []RowError{{Kind: Units, Row: 2, Column: ColParentCode}}},
		{"bad kind", Units, unitsHeader + "510102,青羊区大队,中队,510100,\n", []RowError{{Kind: Units, Row: 2, Column: ColUnitKind}}},
		{"bad sort order", Units, unitsHeader + "510102,青羊区大队,大队,510100,第二\n", []RowError{{Kind: Units, Row: 2, Column: ColSortOrder}}},
		{"bad date", People, peopleHeader + "3001,赵敏,510101,,已调离,2024-13-45\n", []RowError{{Kind: People, Row: 2, Column: ColLeftOn}}},
		{"date for someone in post", People, peopleHeader + "3001,赵敏,510101,,在职,2024-03-01\n", []RowError{{Kind: People, Row: 2, Column: ColLeftOn}}},
		{"bad status", People, peopleHeader + "3001,赵敏,510101,,休假,\n", []RowError{{Kind: People, Row: 2, Column: ColStatus}}},
		{"empty required cells", People, peopleHeader + ",,510101,,,\n", []RowError{{Kind: People, Row: 2, Column: ColPersonCode}, {Kind: People, Row: 2, Column: ColPersonName}}},
		{"line break in a cell", People, peopleHeader + "3001,\"赵\n敏\",510101,,,\n", []RowError{{Kind: People, Row: 2, Column: ColPersonName}}},
		{"control character", People, peopleHeader + "3001,赵\x07敏,510101,,,\n", []RowError{{Kind: People, Row: 2, Column: ColPersonName}}},
		{"NUL byte", People, peopleHeader + "30\x0001,赵敏,510101,,,\n", []RowError{{Kind: People, Row: 2, Column: ColPersonCode}}},
		{"bytes neither UTF-8 nor GBK", People, peopleHeader + "3001,\xff\xff,510101,,,\n", []RowError{{Kind: People, Row: 2, Column: ColPersonName}}},
		{"code in scientific notation", People, peopleHeader + "5.10001E+17,赵敏,510101,,,\n", []RowError{{Kind: People, Row: 2, Column: ColPersonCode}}},
		// The next ones pass the file checks; org refuses them inside the transaction and the
		// error comes back on the row and column it concerns.
		{"org: code with a space", People, peopleHeader + "30 01,赵敏,510101,,,\n", []RowError{{Kind: People, Row: 2, Column: ColPersonCode}}},
		{"org: name too long", Units, unitsHeader + "510102," + strings.Repeat("大", 101) + ",大队,510100,\n", []RowError{{Kind: Units, Row: 2, Column: ColUnitName}}},
		{"org: station directly under the corps", Units, unitsHeader + "510003,直属站,站,510000,\n", []RowError{{Kind: Units, Row: 2, Column: ColParentCode}}},
		{"org: a second root", Units, unitsHeader + "520000,贵州省消防救援总队,总队,,\n", []RowError{{Kind: Units, Row: 2, Column: ColParentCode}}},
		{"org: sort order out of range", Units, unitsHeader + "510102,青羊区大队,大队,510100,2000000\n", []RowError{{Kind: Units, Row: 2, Column: ColSortOrder}}},
		{"rows under a failed unit fail too", Units, unitsHeader + "510103,金牛区大队,中队,510100,\n51010301,金牛站,站,510103,\n",
			[]RowError{{Kind: Units, Row: 2, Column: ColUnitKind}, {Kind: Units, Row: 3, Column: ColParentCode}}},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedOrg(t, db)
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				before := count(t, db)
				wb := parseCSV(t, tc.kind, tc.text)
				for _, opt := range []Options{{DryRun: true}, {}} {
					rep, err := Import(context.Background(), db, org.System, wb, opt)
					if !errs.Is(err, errs.Invalid) {
						t.Fatalf("Import(%+v) err = %v, want Invalid", opt, err)
					}
					if l, ok := errs.ListOf(err); !ok || len(l.Items) != len(rep.Errors) {
						t.Errorf("error does not list the %d row errors: %v", len(rep.Errors), err)
					}
					for _, w := range tc.want {
						wantRowError(t, rep.Errors, w.Kind, w.Row, w.Column)
					}
					if len(rep.Errors) != len(tc.want) {
						t.Errorf("got %d errors, want %d: %v", len(rep.Errors), len(tc.want), rep.Errors)
					}
					for _, e := range rep.Errors {
						if e.Message == "" {
							t.Errorf("error without a message: %+v", e)
						}
					}
					if rep.Written {
						t.Error("report says written")
					}
					checkCounts(t, rep)
				}
				if after := count(t, db); after != before {
					t.Errorf("wrote: %+v → %+v", before, after)
				}
			})
		}
	})
}

func TestImportRefusesFiles(t *testing.T) {
	notXLSX, err := os.ReadFile("testdata/not_xlsx.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("x"), 2048)
	for _, tc := range []struct {
		name string
		data []byte
		max  int64
		want errs.Kind
		msg  string
	}{
		{"not an xlsx", notXLSX, DefaultMaxBytes, errs.Invalid, "文件不是有效的 Excel(.xlsx)文件"},
		{"oversized", big, 1024, errs.TooLarge, "文件超过 1 KB"},
		{"oversized at 20 MB", make([]byte, 20<<20+1), 20 << 20, errs.TooLarge, "文件超过 20 MB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseXLSX(bytes.NewReader(tc.data), tc.max)
			if !errs.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v, want %v containing %q", err, tc.want, tc.msg)
			}
		})
	}
}

func TestChildBeforeParent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedOrg(t, db)
		wb := parseXLSX(t, buildXLSX(t, false,
			rawSheet{"人员", row(1, "工号", "姓名", "所属单位编码") + row(2, "3001", "赵敏", "51030101")},
			rawSheet{"单位", row(1, "单位编码", "单位名称", "单位类型", "上级单位编码") +
				row(2, "51030101", "东风站", "消防救援站", "510301") +
				row(3, "510301", "旌阳区大队", "大队", "510300") +
				row(4, "510300", "德阳市消防救援支队", "支队", "510000")}))
		rep := importOK(t, db, org.System, wb, Options{})
		if rep.Units.Created != 3 || rep.People.Created != 1 || len(rep.Errors) > 0 {
			t.Fatalf("report %+v", rep)
		}
		u, err := (&org.Store{DB: db}).UnitByCode(context.Background(), org.System, "51030101")
		storetest.Must(t, err)
		if u.Depth() != 3 || u.Kind != org.Station {
			t.Errorf("station at depth %d kind %s", u.Depth(), u.Kind)
		}
	})
}

func TestValidOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedOrg(t, db)
		before := count(t, db)
		wb := parseXLSX(t, buildXLSX(t, false,
			rawSheet{"单位", row(1, "单位编码", "单位名称", "单位类型", "上级单位编码") +
				row(2, "510102", "青羊区大队", "大队", "510100") +
				row(3, "510103", "金牛区大队", "中队", "510100") + // bad kind
				row(4, "51010301", "金牛站", "站", "510103")}, // under the bad unit
			rawSheet{"人员", row(1, "工号", "姓名", "所属单位编码") +
				row(2, "3001", "赵敏", "510102") +
				row(3, "3002", "钱磊", "510103") + // in the bad unit
				row(4, "3003", "孙丽", "999999") + // unknown unit
				row(5, "3004", "周涛", "510101") +
				row(6, "30 05", "吴刚", "510101") + // refused by org, inside the transaction
				row(7, "3006", "郑洁", "510102")}))
		rep := importOK(t, db, org.System, wb, Options{ValidOnly: true})
		if !rep.Written {
			t.Error("valid rows not written")
		}
		if rep.Units != (Counts{Rows: 3, Created: 1, Failed: 2}) || rep.People != (Counts{Rows: 6, Created: 3, Failed: 3}) {
			t.Errorf("units %+v people %+v", rep.Units, rep.People)
		}
		wantRowError(t, rep.Errors, Units, 3, ColUnitKind)
		wantRowError(t, rep.Errors, Units, 4, ColParentCode)
		wantRowError(t, rep.Errors, People, 3, ColPersonUnit)
		wantRowError(t, rep.Errors, People, 4, ColPersonUnit)
		wantRowError(t, rep.Errors, People, 6, ColPersonCode)
		after := count(t, db)
		if after.units != before.units+1 || after.people != before.people+3 {
			t.Errorf("wrote %+v → %+v", before, after)
		}
		got := dump(t, db)
		for _, s := range []string{"unit 510102 青羊区大队", "person 3001 赵敏 unit=510102", "person 3004 周涛 unit=510101", "person 3006 郑洁 unit=510102"} {
			if !strings.Contains(got, s) {
				t.Errorf("missing %q in\n%s", s, got)
			}
		}
		for _, s := range []string{"510103", "3002", "3003", "30 05"} {
			if strings.Contains(got, s) {
				t.Errorf("bad row %s imported", s)
			}
		}
	})
}

func TestReimportUpdates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedOrg(t, db)
		// Only the columns that change: 职务 and 排序号 are absent and keep their values;
		// 1003 stays 已调离 with the stored date because the date cell is empty.
		wb := parseXLSX(t, buildXLSX(t, false,
			rawSheet{"单位", row(1, "单位编码", "单位名称", "单位类型", "上级单位编码") +
				row(2, "510001", "办公室(党委办公室)", "科室", "510000") +
				row(3, "510100", "成都市消防救援支队", "支队", "510000")},
			rawSheet{"人员", row(1, "工号", "姓名", "所属单位编码", "状态", "调离日期") +
				row(2, "1002", "李娜", "510101", "在职", "") +
				row(3, "1003", "王强", "51010101", "已调离", "") +
				row(4, "0042", "陈静", "510101", "离职", "2024-01-15")}))
		rep := importOK(t, db, org.System, wb, Options{})
		if rep.Units != (Counts{Rows: 2, Updated: 1, Unchanged: 1}) || rep.People != (Counts{Rows: 3, Updated: 2, Unchanged: 1}) {
			t.Errorf("units %+v people %+v errors %v", rep.Units, rep.People, rep.Errors)
		}
		got := dump(t, db)
		for _, s := range []string{
			"unit 510001 办公室(党委办公室) department parent=510000 sort=1",
			"unit 510100 成都市消防救援支队 detachment parent=510000 sort=2",
			"person 1002 李娜 unit=510101 post=支队长 active",
			"person 1003 王强 unit=51010101 post=站长 left 2023-06-30",
			"person 0042 陈静 unit=510101 post= left 2024-01-15",
		} {
			if !strings.Contains(got, s) {
				t.Errorf("missing %q in\n%s", s, got)
			}
		}
	})
}

func TestLiaison(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		units := seedOrg(t, db)
		chengdu := liaison(units["510100"])

		t.Run("cannot import people into another unit", func(t *testing.T) {
			before := count(t, db)
			wb := parseCSV(t, People, "工号,姓名,所属单位编码\n3001,赵敏,510101\n3002,钱磊,510200\n3003,孙丽,510000\n2001,刘洋,510101\n")
			rep, err := Import(context.Background(), db, chengdu, wb, Options{})
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("err = %v, want Invalid", err)
			}
			wantRowError(t, rep.Errors, People, 3, ColPersonUnit) // 绵阳, a sibling
			wantRowError(t, rep.Errors, People, 4, ColPersonUnit) // 总队, the parent
			wantRowError(t, rep.Errors, People, 5, ColPersonCode) // someone of 绵阳 moved in
			if len(rep.Errors) != 3 {
				t.Errorf("errors %v", rep.Errors)
			}
			for _, e := range rep.Errors {
				if strings.Contains(e.Message, "绵阳") || strings.Contains(e.Message, "刘洋") {
					t.Errorf("message leaks data outside the scope: %s", e.Message)
				}
			}
			if after := count(t, db); after != before {
				t.Errorf("wrote: %+v → %+v", before, after)
			}
			rep = importOK(t, db, chengdu, wb, Options{ValidOnly: true, DryRun: true})
			if rep.People.Created != 1 {
				t.Errorf("valid rows: %+v", rep.People)
			}
		})

		t.Run("cannot change units", func(t *testing.T) {
			wb := parseCSV(t, Units, "单位编码,单位名称,单位类型,上级单位编码\n510102,青羊区大队,大队,510100\n")
			rep, err := Import(context.Background(), db, chengdu, wb, Options{})
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("err = %v", err)
			}
			wantRowError(t, rep.Errors, Units, 2, "")
		})

		t.Run("export holds only the subtree and imports back unchanged", func(t *testing.T) {
			data := exportXLSX(t, db, chengdu)
			wb := parseXLSX(t, data)
			var codes []string
			for _, r := range wb.Units {
				codes = append(codes, r.Code+"<"+r.ParentCode)
			}
			for _, r := range wb.People {
				codes = append(codes, r.Code)
			}
			if got, want := strings.Join(codes, " "), "510100<510000 510101<510100 51010101<510101 1002 0042 1003"; got != want {
				t.Errorf("export holds %s, want %s", got, want)
			}
			before := count(t, db)
			rep := importOK(t, db, chengdu, wb, Options{})
			if rep.Units.Unchanged != 3 || rep.People.Unchanged != 3 || len(rep.Errors) > 0 {
				t.Errorf("report %+v", rep)
			}
			if after := count(t, db); after != before {
				t.Errorf("wrote: %+v → %+v", before, after)
			}
		})

		t.Run("may add people to its units", func(t *testing.T) {
			gbk, err := os.ReadFile("testdata/people_gbk.csv")
			storetest.Must(t, err)
			wb, err := ParseCSV(bytes.NewReader(gbk), People, DefaultMaxBytes)
			storetest.Must(t, err)
			rep := importOK(t, db, chengdu, wb, Options{})
			if rep.People.Created != 2 {
				t.Errorf("report %+v", rep)
			}
			if got := dump(t, db); !strings.Contains(got, "person 3002 钱磊 unit=510101 post=驾驶员 left 2024-03-01") {
				t.Errorf("GBK file imported as\n%s", got)
			}
		})
	})
}

func TestImportNeedsPermission(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		units := seedOrg(t, db)
		staff := org.Principal{UserID: 9, Name: "基层", Roles: []org.Role{org.RoleStaff}, Scope: org.Scope{UnitID: units["510101"].ID, Path: units["510101"].Path}}
		var b bytes.Buffer
		if err := ExportXLSX(context.Background(), db, staff, &b); !errs.Is(err, errs.Forbidden) {
			t.Errorf("export err = %v, want Forbidden", err)
		}
		rep, err := Import(context.Background(), db, staff, parseCSV(t, People, "工号,姓名,所属单位编码\n3001,赵敏,510101\n"), Options{})
		if !errs.Is(err, errs.Invalid) || len(rep.Errors) != 1 {
			t.Fatalf("err = %v, report %+v", err, rep)
		}
	})
}
