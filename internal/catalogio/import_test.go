package catalogio

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func TestRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src *store.DB) {
		seedOrg(t, src)
		seedCatalog(t, src)
		want := dump(t, src)
		all := func(r *Report) [4]int {
			return [4]int{r.Apps.Unchanged, r.Accounts.Unchanged, r.Groups.Unchanged, r.Members.Unchanged}
		}

		t.Run("xlsx into an empty inventory", func(t *testing.T) {
			dst := freshDB(t, src)
			seedOrg(t, dst)
			rep := importOK(t, dst, org.System, parseXLSX(t, exportXLSX(t, src, org.System)), Options{})
			if rep.Apps.Created != 2 || rep.Accounts.Created != 2 || rep.Groups.Created != 3 || rep.Members.Created != 7 ||
				rep.Members.Lists != 2 || !rep.Written || len(rep.Errors) > 0 {
				t.Errorf("report %+v", rep)
			}
			if got := dump(t, dst); got != want {
				t.Errorf("imported inventory differs\ngot:\n%s\nwant:\n%s", got, want)
			}
			before := count(t, dst)
			again := importOK(t, dst, org.System, parseXLSX(t, exportXLSX(t, dst, org.System)), Options{})
			if all(again) != [4]int{2, 2, 3, 7} || again.Members.ListsUnchanged != 2 || again.Members.Lists != 0 {
				t.Errorf("second import changed something: %+v", again)
			}
			if after := count(t, dst); after != before {
				t.Errorf("second import wrote: %+v → %+v", before, after)
			}
			verifyAudit(t, dst)
		})

		t.Run("csv into an empty inventory", func(t *testing.T) {
			dst := freshDB(t, src)
			seedOrg(t, dst)
			for _, s := range Sheets {
				data := exportCSV(t, src, org.System, s)
				if s == Apps && !strings.Contains(string(data), "'=SUM(1,2)") {
					t.Errorf("formula-like cell not escaped:\n%s", data)
				}
				importOK(t, dst, org.System, parseCSV(t, s, string(data)), Options{})
			}
			// CSV has one line break inside a quoted cell, so CR LF comes back as LF; the
			// import counts the two as the same text (see the re-import below).
			crlf := func(s string) string { return strings.ReplaceAll(s, `\r\n`, `\n`) }
			if got := dump(t, dst); crlf(got) != crlf(want) {
				t.Errorf("imported inventory differs\ngot:\n%s\nwant:\n%s", got, want)
			}
			before := count(t, dst)
			for _, s := range Sheets {
				rep := importOK(t, dst, org.System, parseCSV(t, s, string(exportCSV(t, dst, org.System, s))), Options{})
				if c := rep.Sheet(s); c.Unchanged != c.Rows {
					t.Errorf("%s: second import changed something: %+v", s.Label(), c)
				}
			}
			if after := count(t, dst); after != before {
				t.Errorf("second import wrote: %+v → %+v", before, after)
			}
		})

		t.Run("export with history imported into its own database changes nothing", func(t *testing.T) {
			db := freshDB(t, src)
			seedOrg(t, db)
			seedCatalog(t, db)
			seedHistory(t, db)
			data := exportXLSX(t, db, org.System)
			for _, s := range []string{"已下线", "已合并"} {
				if !strings.Contains(xlsxText(t, data), s) {
					t.Errorf("export lacks an asset %s", s)
				}
			}
			before, was := count(t, db), dump(t, db)
			rep := importOK(t, db, org.System, parseXLSX(t, data), Options{})
			if all(rep) != [4]int{3, 2, 4, 10} || rep.Members.Lists != 0 {
				t.Errorf("report %+v", rep)
			}
			if after := count(t, db); after != before {
				t.Errorf("import of own export wrote: %+v → %+v", before, after)
			}
			if got := dump(t, db); got != was {
				t.Errorf("inventory changed\ngot:\n%s\nwant:\n%s", got, was)
			}
		})

		t.Run("a changed row is updated and audited, the rest left alone", func(t *testing.T) {
			db := freshDB(t, src)
			seedOrg(t, db)
			seedCatalog(t, db)
			wb := parseXLSX(t, exportXLSX(t, db, org.System))
			set(t, wb, Accounts, 0, ColFollowers, "260000")
			wb.Members = append(wb.Members, MemberRow{Row: 99, GroupCode: "G-003", PersonCode: "2001", Role: "群主"})
			before := count(t, db)
			rep := importOK(t, db, org.System, wb, Options{})
			// G-003's 责任人工号 is empty, so it is taken from the new 群主: the group row changes too.
			if rep.Accounts.Updated != 1 || rep.Accounts.Unchanged != 1 || rep.Apps.Unchanged != 2 || rep.Groups.Updated != 1 ||
				rep.Groups.Unchanged != 2 || rep.Members.Created != 1 || rep.Members.Lists != 1 || rep.Members.ListsUnchanged != 2 {
				t.Errorf("report %+v", rep)
			}
			// Two updates and one member list, each an event and an audit entry.
			if after := count(t, db); after.audit != before.audit+3 || after.events != before.events+3 || after.members != before.members+1 {
				t.Errorf("wrote %+v → %+v", before, after)
			}
			a, err := (&catalog.Store{DB: db}).GetByCode(context.Background(), org.System, "G-003")
			storetest.Must(t, err)
			if a.OwnerCode != "2001" || a.Group.MemberCount != 1 {
				t.Errorf("G-003 owner %q, %d members", a.OwnerCode, a.Group.MemberCount)
			}
			verifyAudit(t, db)
		})
	})
}

// set changes one cell of an asset row of a parsed workbook.
func set(t *testing.T, wb *Workbook, s Sheet, i int, col, v string) {
	t.Helper()
	j, ok := lookupColumn(s, col)
	if !ok {
		t.Fatalf("no column %s", col)
	}
	(*wb.assetRows(s))[i].cells[j] = v
}

func TestDryRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src *store.DB) {
		seedOrg(t, src)
		seedCatalog(t, src)
		data := exportXLSX(t, src, org.System)
		dst := freshDB(t, src)
		seedOrg(t, dst)
		before := count(t, dst)
		dry := importOK(t, dst, org.System, parseXLSX(t, data), Options{DryRun: true})
		if !dry.DryRun || dry.Written {
			t.Errorf("dry run report %+v", dry)
		}
		if after := count(t, dst); after != before {
			t.Errorf("dry run wrote: %+v → %+v", before, after)
		}
		real := importOK(t, dst, org.System, parseXLSX(t, data), Options{})
		if dry.Apps != real.Apps || dry.Accounts != real.Accounts || dry.Groups != real.Groups || dry.Members != real.Members ||
			len(dry.Errors) != len(real.Errors) || !real.Written {
			t.Errorf("dry run and import differ:\n%+v\n%+v", dry, real)
		}

		// A dry run shows what only the database finds: here a principal who may read the
		// inventory but not change it, which catalog refuses row by row.
		reviewer := org.Principal{Name: "审核员", Roles: []org.Role{org.RoleReviewer}, Scope: org.Scope{All: true}}
		empty := freshDB(t, src)
		seedOrg(t, empty)
		before = count(t, empty)
		rep, err := Import(context.Background(), empty, reviewer, parseXLSX(t, data), Options{DryRun: true})
		if !errs.Is(err, errs.Invalid) || rep == nil || rep.Apps.Failed != 2 || rep.Groups.Failed != 3 {
			t.Fatalf("err %v, report %+v", err, rep)
		}
		if !strings.Contains(rep.Errors[0].Message, "权限") {
			t.Errorf("error %+v", rep.Errors[0])
		}
		if after := count(t, empty); after != before {
			t.Errorf("dry run wrote: %+v → %+v", before, after)
		}
	})
}

// base is a valid file for the broken-file table: one row of each sheet, on top of seedOrg
// and seedCatalog. Columns are addressed by header, so cases can change any cell.
func base() map[Sheet][][]string {
	return map[Sheet][][]string{
		Apps: {
			{ColCode, ColName, ColPlatform, ColUnit, ColOwner, ColMandatory, ColForced, ColMLPS, ColOpenedOn, ColSharesWith, ColStatus},
			{"A-100", "新应用", "小程序", "510100", "1002", "是", "打卡签到", "二级", "2024-01-02", "A-001", ""},
		},
		Accounts: {
			{ColCode, ColName, ColPlatform, ColUnit, ColFollowers, ColInteraction, ColLastPost},
			{"M-100", "新账号", "微博", "510100", "100", "否", "2024/3/1"},
		},
		Groups: {
			{ColCode, ColName, ColPlatform, ColUnit, ColOwner, ColTemporary, ColTaskEnd},
			{"G-100", "新群", "微信", "510101", "", "是", "2025-01-31"},
		},
		Members: {
			{ColGroupCode, ColPersonCode, ColExternalName, ColRole},
			{"G-100", "0042", "", "群主"},
			{"G-100", "1003", "", ""},
			{"G-100", "", "李四", "成员"},
			{"G-001", "1001", "", "群主"},
		},
	}
}

func fileOf(t testing.TB, sheets map[Sheet][][]string) []byte {
	var list []sheetData
	for _, s := range Sheets {
		if rows, ok := sheets[s]; ok {
			list = append(list, sheetData{s.Label(), rows})
		}
	}
	return buildXLSX(t, list...)
}

// cellAt sets the cell of sheet s, data row r (1-based, as in the sheet; the header is row 1),
// in the column headed col.
func cellAt(sheets map[Sheet][][]string, s Sheet, r int, col, v string) {
	for j, h := range sheets[s][0] {
		if h == col {
			sheets[s][r-1][j] = v
			return
		}
	}
	panic("no column " + col)
}

func TestBrokenFiles(t *testing.T) {
	type at struct {
		sheet Sheet
		row   int
		col   string
	}
	cases := []struct {
		name  string
		edit  func(f map[Sheet][][]string)
		wants []at
	}{
		{"missing header", func(f map[Sheet][][]string) {
			f[Apps][0][2], f[Apps][1][2] = "", ""
		}, []at{{Apps, 1, ColPlatform}}},
		{"unknown header", func(f map[Sheet][][]string) { f[Accounts][0][4] = "负责人电话" }, []at{{Accounts, 1, "负责人电话"}}},
		{"repeated header", func(f map[Sheet][][]string) { f[Groups][0][6] = ColTemporary }, []at{{Groups, 1, ColTemporary}}},
		{"member sheet without 工号 and 外部成员姓名", func(f map[Sheet][][]string) {
			f[Members] = [][]string{{ColGroupCode, ColRole}, {"G-100", "成员"}}
		}, []at{{Members, 1, ColPersonCode}}},
		{"duplicate code in file", func(f map[Sheet][][]string) {
			f[Apps] = append(f[Apps], append([]string(nil), f[Apps][1]...))
		}, []at{{Apps, 2, ColCode}, {Apps, 3, ColCode}}},
		{"code of another kind in the file", func(f map[Sheet][][]string) { cellAt(f, Accounts, 2, ColCode, "G-100") },
			[]at{{Accounts, 2, ColCode}, {Groups, 2, ColCode}}},
		{"code stored as another kind", func(f map[Sheet][][]string) { cellAt(f, Accounts, 2, ColCode, "A-001") }, []at{{Accounts, 2, ColCode}}},
		{"unknown unit code", func(f map[Sheet][][]string) { cellAt(f, Apps, 2, ColUnit, "519999") }, []at{{Apps, 2, ColUnit}}},
		{"unknown owner 工号", func(f map[Sheet][][]string) { cellAt(f, Apps, 2, ColOwner, "9999") }, []at{{Apps, 2, ColOwner}}},
		{"owner who has left", func(f map[Sheet][][]string) { cellAt(f, Apps, 2, ColOwner, "1004") }, []at{{Apps, 2, ColOwner}}},
		{"unknown member 工号", func(f map[Sheet][][]string) { cellAt(f, Members, 3, ColPersonCode, "9999") }, []at{{Members, 3, ColPersonCode}}},
		{"member listed twice", func(f map[Sheet][][]string) { cellAt(f, Members, 3, ColPersonCode, "0042") },
			[]at{{Members, 2, ColPersonCode}, {Members, 3, ColPersonCode}}},
		{"outsider listed twice", func(f map[Sheet][][]string) {
			f[Members] = append(f[Members], []string{"G-100", "", "李四", ""})
		}, []at{{Members, 4, ColExternalName}, {Members, 6, ColExternalName}}},
		{"member of an unknown group", func(f map[Sheet][][]string) { cellAt(f, Members, 5, ColGroupCode, "G-404") }, []at{{Members, 5, ColGroupCode}}},
		{"member of an app", func(f map[Sheet][][]string) { cellAt(f, Members, 5, ColGroupCode, "A-001") }, []at{{Members, 5, ColGroupCode}}},
		{"member of an app in the file", func(f map[Sheet][][]string) { cellAt(f, Members, 5, ColGroupCode, "A-100") }, []at{{Members, 5, ColGroupCode}}},
		{"both 工号 and 外部成员姓名", func(f map[Sheet][][]string) { cellAt(f, Members, 3, ColExternalName, "王强") }, []at{{Members, 3, ColExternalName}}},
		{"neither 工号 nor 外部成员姓名", func(f map[Sheet][][]string) { cellAt(f, Members, 4, ColExternalName, "") }, []at{{Members, 4, ColPersonCode}}},
		{"outsider as 群主", func(f map[Sheet][][]string) { cellAt(f, Members, 4, ColRole, "群主") }, []at{{Members, 4, ColRole}}},
		{"two owners in one group", func(f map[Sheet][][]string) { cellAt(f, Members, 3, ColRole, "群主") },
			[]at{{Members, 2, ColRole}, {Members, 3, ColRole}}},
		{"群主 who has left", func(f map[Sheet][][]string) { cellAt(f, Members, 5, ColPersonCode, "1004") }, []at{{Members, 5, ColRole}}},
		{"bad role", func(f map[Sheet][][]string) { cellAt(f, Members, 3, ColRole, "群员") }, []at{{Members, 3, ColRole}}},
		{"群主 differs from the group's 责任人工号", func(f map[Sheet][][]string) { cellAt(f, Groups, 2, ColOwner, "1003") },
			[]at{{Members, 2, ColRole}}},
		{"bad platform", func(f map[Sheet][][]string) { cellAt(f, Apps, 2, ColPlatform, "微博") }, []at{{Apps, 2, ColPlatform}}},
		{"bad boolean", func(f map[Sheet][][]string) { cellAt(f, Apps, 2, ColMandatory, "强制") }, []at{{Apps, 2, ColMandatory}}},
		{"bad date", func(f map[Sheet][][]string) { cellAt(f, Accounts, 2, ColLastPost, "2024-13-01") }, []at{{Accounts, 2, ColLastPost}}},
		{"bad number", func(f map[Sheet][][]string) { cellAt(f, Accounts, 2, ColFollowers, "十万") }, []at{{Accounts, 2, ColFollowers}}},
		{"bad 等保级别", func(f map[Sheet][][]string) { cellAt(f, Apps, 2, ColMLPS, "五级") }, []at{{Apps, 2, ColMLPS}}},
		{"unknown forced feature", func(f map[Sheet][][]string) { cellAt(f, Apps, 2, ColForced, "打卡签到、刷脸") }, []at{{Apps, 2, ColForced}}},
		{"sharing with an unknown app", func(f map[Sheet][][]string) { cellAt(f, Apps, 2, ColSharesWith, "A-001、A-404") }, []at{{Apps, 2, ColSharesWith}}},
		{"task end of a standing group", func(f map[Sheet][][]string) { cellAt(f, Groups, 2, ColTemporary, "否") }, []at{{Groups, 2, ColTaskEnd}}},
		{"line break in a name", func(f map[Sheet][][]string) { cellAt(f, Apps, 2, ColName, "新\n应用") }, []at{{Apps, 2, ColName}}},
		{"code in scientific notation", func(f map[Sheet][][]string) { cellAt(f, Apps, 2, ColUnit, "5.101E+05") }, []at{{Apps, 2, ColUnit}}},
		{"new asset with a lifecycle status", func(f map[Sheet][][]string) { cellAt(f, Apps, 2, ColStatus, "已下线") }, []at{{Apps, 2, ColStatus}}},
		{"status change attempted via import", func(f map[Sheet][][]string) {
			f[Apps] = append(f[Apps], []string{"A-002", "灭火救援指挥", "App", "510000", "", "", "", "", "", "", "在用"})
		}, []at{{Apps, 3, ColStatus}}},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedOrg(t, db)
		seedCatalog(t, db)
		if _, err := Import(context.Background(), db, org.System, parseXLSX(t, fileOf(t, base())), Options{DryRun: true}); err != nil {
			t.Fatalf("the base file does not import: %v", err)
		}
		before := count(t, db)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				f := base()
				c.edit(f)
				wb, err := ParseXLSX(bytes.NewReader(fileOf(t, f)), DefaultMaxBytes)
				if err != nil {
					t.Fatalf("ParseXLSX: %v", err)
				}
				rep, err := Import(context.Background(), db, org.System, wb, Options{})
				if !errs.Is(err, errs.Invalid) || rep == nil {
					t.Fatalf("err = %v, want invalid with a report", err)
				}
				if rep.Written {
					t.Error("report says written")
				}
				for _, w := range c.wants {
					wantError(t, rep.Errors, w.sheet, w.row, w.col)
				}
				for _, e := range rep.Errors {
					if e.Message == "" || e.Sheet.Label() == string(e.Sheet) {
						t.Errorf("malformed error %+v", e)
					}
				}
				if l, ok := errs.ListOf(err); !ok || len(l.Items) != len(rep.Errors) {
					t.Errorf("error list %v", err)
				}
				if after := count(t, db); after != before {
					t.Errorf("wrote: %+v → %+v", before, after)
				}
			})
		}
	})
}

func TestValidOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedOrg(t, db)
		seedCatalog(t, db)
		f := base()
		cellAt(f, Accounts, 2, ColPlatform, "微信群") // the account fails
		cellAt(f, Groups, 2, ColUnit, "519999")    // so does the new group, and its members with it
		f[Members] = append(f[Members],
			[]string{"G-002", "1003", "", "群主"},  // G-002's list: fine by itself …
			[]string{"G-002", "9999", "", ""},    // … but one row is bad, so the list is not replaced
			[]string{"G-003", "2001", "", "管理员"}) // G-003's list is replaced
		rep, err := Import(context.Background(), db, org.System, parseXLSX(t, fileOf(t, f)), Options{ValidOnly: true})
		if err != nil {
			t.Fatalf("Import: %v", err)
		}
		checkCounts(t, rep)
		if !rep.Written || rep.Apps.Created != 1 || rep.Accounts.Failed != 1 || rep.Groups.Failed != 1 {
			t.Errorf("report %+v", rep)
		}
		// G-100 (3 rows) and G-002 (2 rows) fail; G-001 and G-003 are replaced.
		if m := rep.Members; m.Failed != 5 || m.Lists != 2 || m.Created != 1 || m.Updated != 1 || m.Removed != 4 {
			t.Errorf("members %+v\n%s", m, errorList(rep.Errors))
		}
		wantError(t, rep.Errors, Members, 2, ColGroupCode)
		wantError(t, rep.Errors, Members, 6, ColGroupCode)
		wantError(t, rep.Errors, Members, 7, ColPersonCode)
		s := &catalog.Store{DB: db}
		ctx := context.Background()
		for code, want := range map[string]string{"A-100": "", "M-100": "资产不存在", "G-100": "资产不存在"} {
			_, err := s.GetByCode(ctx, org.System, code)
			if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
				t.Errorf("%s: %v", code, err)
			}
		}
		g2, _ := s.GetByCode(ctx, org.System, "G-002")
		if g2.Group.MemberCount != 2 {
			t.Errorf("G-002 list changed: %d members", g2.Group.MemberCount)
		}
		g1, _ := s.GetByCode(ctx, org.System, "G-001")
		if g1.Group.MemberCount != 1 || g1.OwnerCode != "1001" {
			t.Errorf("G-001: %d members, owner %s", g1.Group.MemberCount, g1.OwnerCode)
		}
		verifyAudit(t, db)
	})
}

func TestLiaisonScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		units := seedOrg(t, db)
		seedCatalog(t, db)
		ctx := context.Background()
		chengdu := liaison(units["510100"])

		// The liaison's own export holds their subtree only and imports unchanged.
		own := parseXLSX(t, exportXLSX(t, db, chengdu))
		if len(own.Apps) != 1 || len(own.Accounts) != 1 || len(own.Groups) != 2 || len(own.Members) != 7 {
			t.Fatalf("liaison export: %d apps, %d accounts, %d groups, %d members", len(own.Apps), len(own.Accounts), len(own.Groups), len(own.Members))
		}
		before := count(t, db)
		rep := importOK(t, db, chengdu, own, Options{})
		if rep.Apps.Unchanged != 1 || rep.Groups.Unchanged != 2 || rep.Members.Unchanged != 7 {
			t.Errorf("report %+v", rep)
		}

		// The administrator's export reaches other units: those rows are refused, nothing is
		// written, and the liaison learns nothing about them but that the code is taken.
		rep, err := Import(ctx, db, chengdu, parseXLSX(t, exportXLSX(t, db, org.System)), Options{})
		if !errs.Is(err, errs.Invalid) {
			t.Fatalf("err = %v", err)
		}
		wantError(t, rep.Errors, Apps, 3, ColCode) // A-002 of the 总队
		wantError(t, rep.Errors, Apps, 3, ColUnit)
		wantError(t, rep.Errors, Accounts, 3, ColCode) // M-002 of 绵阳
		wantError(t, rep.Errors, Groups, 4, ColCode)   // G-003 of 绵阳
		if after := count(t, db); after != before {
			t.Errorf("wrote: %+v → %+v", before, after)
		}

		// Creating in another unit, or naming another unit's group, is refused per row.
		f := base()
		cellAt(f, Apps, 2, ColUnit, "510200")
		f[Members] = append(f[Members], []string{"G-003", "2001", "", ""})
		rep, err = Import(ctx, db, chengdu, parseXLSX(t, fileOf(t, f)), Options{ValidOnly: true})
		if err != nil {
			t.Fatalf("Import: %v", err)
		}
		wantError(t, rep.Errors, Apps, 2, ColUnit)
		wantError(t, rep.Errors, Members, 6, ColGroupCode)
		if rep.Accounts.Created != 1 || rep.Groups.Created != 1 || rep.Members.Lists != 2 {
			t.Errorf("report %+v", rep)
		}
		verifyAudit(t, db)
	})
}

func TestLifecycleRefusalsAreRowErrors(t *testing.T) {
	// A retired asset and a merged group's list cannot change: each row that tries is refused
	// alone, naming what differs, and the rest of the file is written.
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedOrg(t, db)
		seedCatalog(t, db)
		seedHistory(t, db)
		wb := parseXLSX(t, exportXLSX(t, db, org.System))
		var row int
		for i, r := range wb.Apps {
			if r.Get(Apps, ColCode) == "A-009" {
				set(t, wb, Apps, i, ColName, "旧版考勤系统(已停用)")
				row = r.Row
			}
		}
		set(t, wb, Apps, 0, ColVendor, "另一家公司")
		for i, r := range wb.Members {
			if r.GroupCode == "G-009" {
				wb.Members[i].Role = "管理员"
			}
		}
		rep, err := Import(context.Background(), db, org.System, wb, Options{ValidOnly: true})
		if err != nil {
			t.Fatalf("Import: %v", err)
		}
		checkCounts(t, rep)
		wantError(t, rep.Errors, Apps, row, ColName)
		if rep.Apps.Updated != 1 || rep.Apps.Failed != 1 || rep.Members.Failed != 2 {
			t.Errorf("report %+v\n%s", rep, errorList(rep.Errors))
		}
		a, _ := (&catalog.Store{DB: db}).GetByCode(context.Background(), org.System, "A-001")
		if a.App.Vendor != "另一家公司" {
			t.Errorf("vendor %q", a.App.Vendor)
		}
		verifyAudit(t, db)
	})
}

func TestGBKCSV(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedOrg(t, db)
		for _, f := range []struct {
			sheet Sheet
			file  string
		}{{Groups, "testdata/groups_gbk.csv"}, {Members, "testdata/members_gbk.csv"}} {
			wb, err := ParseCSV(mustOpen(t, f.file), f.sheet, DefaultMaxBytes)
			if err != nil {
				t.Fatalf("%s: %v", f.file, err)
			}
			importOK(t, db, org.System, wb, Options{})
		}
		a, err := (&catalog.Store{DB: db}).GetByCode(context.Background(), org.System, "G-201")
		storetest.Must(t, err)
		if a.Name != "锦江大队值班群" || a.Platform != "企业微信" || !a.Group.Temporary || a.Group.MemberCount != 3 || a.OwnerCode != "0042" {
			t.Errorf("imported %+v %+v", a, a.Group)
		}
	})
}

func mustOpen(t *testing.T, name string) *bytes.Reader {
	t.Helper()
	data, err := os.ReadFile(name)
	storetest.Must(t, err)
	return bytes.NewReader(data)
}

// xlsxText is every cell of a workbook, for looking a value up.
func xlsxText(t *testing.T, data []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	storetest.Must(t, err)
	defer f.Close()
	var b strings.Builder
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		storetest.Must(t, err)
		for _, r := range rows {
			b.WriteString(strings.Join(r, "\t") + "\n")
		}
	}
	return b.String()
}

func TestRefusedByCatalog(t *testing.T) {
	// What only catalog decides (here, the permission to change the inventory) comes back as
	// row errors; on PostgreSQL the refused row is undone under its savepoint and the
	// transaction goes on.
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedOrg(t, db)
		seedCatalog(t, db)
		reviewer := org.Principal{Name: "审核员", Roles: []org.Role{org.RoleReviewer}, Scope: org.Scope{All: true}}
		wb := parseXLSX(t, exportXLSX(t, db, reviewer))
		set(t, wb, Groups, 1, ColApproval, "川消〔2025〕1号")
		wb.Members = append(wb.Members, MemberRow{Row: 99, GroupCode: "G-003", PersonCode: "2001"})
		before := count(t, db)
		rep, err := Import(context.Background(), db, reviewer, wb, Options{ValidOnly: true})
		if err != nil {
			t.Fatalf("Import: %v", err)
		}
		checkCounts(t, rep)
		// G-002's members depend on its row, which failed.
		if rep.Groups.Failed != 1 || rep.Groups.Unchanged != 2 || rep.Apps.Unchanged != 2 || rep.Members.Failed != 3 || rep.Members.Unchanged != 5 {
			t.Errorf("report %+v\n%s", rep, errorList(rep.Errors))
		}
		wantError(t, rep.Errors, Groups, 3, "")
		wantError(t, rep.Errors, Members, 99, ColGroupCode)
		if after := count(t, db); after != before {
			t.Errorf("wrote: %+v → %+v", before, after)
		}
	})
}
