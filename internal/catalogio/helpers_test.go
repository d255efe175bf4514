package catalogio

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func TestMain(m *testing.M) {
	// The demo org of the benchmark hashes a password for its logins; tests need no real cost.
	auth.Cost = auth.Cheap
	os.Exit(m.Run())
}

// seedOrg builds a small bureau through org, as the application would, and returns its units by
// code. The 总队's departments are the default lead departments catalog assigns.
func seedOrg(t testing.TB, db *store.DB) map[string]org.Unit {
	t.Helper()
	ctx := context.Background()
	s := &org.Store{DB: db}
	units := []org.UnitInput{
		{Code: "510000", Name: "四川省消防救援总队", Kind: org.Corps},
		{Code: "510001", Name: "办公室", Kind: org.Department, ParentCode: "510000", SortOrder: 1},
		{Code: "510002", Name: "信息通信处", Kind: org.Department, ParentCode: "510000", SortOrder: 2},
		{Code: "510003", Name: "新闻宣传处", Kind: org.Department, ParentCode: "510000", SortOrder: 3},
		{Code: "510100", Name: "成都市消防救援支队", Kind: org.Detachment, ParentCode: "510000", SortOrder: 4},
		{Code: "510101", Name: "锦江区大队", Kind: org.Brigade, ParentCode: "510100"},
		{Code: "51010101", Name: "春熙路消防救援站", Kind: org.Station, ParentCode: "510101"},
		{Code: "510200", Name: "绵阳市消防救援支队", Kind: org.Detachment, ParentCode: "510000", SortOrder: 5},
	}
	out := map[string]org.Unit{}
	for _, in := range units {
		u, err := s.CreateUnit(ctx, org.System, in)
		storetest.Must(t, err)
		out[u.Code] = u
	}
	people := []org.PersonInput{
		{Code: "1001", Name: "张伟", UnitCode: "510001", Post: "主任"},
		{Code: "1002", Name: "李娜", UnitCode: "510100", Post: "支队长"},
		{Code: "1003", Name: "王强", UnitCode: "51010101", Post: "站长"},
		{Code: "0042", Name: "陈静", UnitCode: "510101"},
		{Code: "2001", Name: "刘洋", UnitCode: "510200"},
		{Code: "1004", Name: "赵敏", UnitCode: "510100", Status: org.Left, LeftOn: "2023-06-30"},
	}
	for _, in := range people {
		_, err := s.CreatePerson(ctx, org.System, in)
		storetest.Must(t, err)
	}
	return out
}

func date(s string) catalog.Date {
	d, err := catalog.ParseDate("date", s)
	if err != nil {
		panic(err)
	}
	return d
}

// seedCatalog records a small inventory through catalog: every kind, every detail, lists whose
// items hold separators, a formula-like note, line breaks, outsiders and roles in groups. All
// assets are 在用 or 申请中, the statuses an import may create.
func seedCatalog(t testing.TB, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	s := &catalog.Store{DB: db}
	assets := []catalog.Input{
		{Code: "A-001", Kind: catalog.App, Name: "消防监督执法系统", Platform: "Web系统", UnitCode: "510100", LeadUnitCode: "510002",
			OwnerCode: "1002", Purpose: "监督检查、执法文书\r\n全流程办理", Functions: []string{"执法检查", "文书管理", "统计、分析"},
			OpenedOn: date("2020-01-15"), Notes: "=SUM(1,2)",
			App: &catalog.AppDetails{TargetUsers: "全省监督员", TargetCount: 1200, Mandatory: true, ForcedFeatures: []string{"upload_photo", "checkin"},
				FeedbackChannel: true, DataCollected: "检查记录\n现场照片", MLPSLevel: 3, MLPSAssessedOn: date("2024-05-01"), Vendor: "某科技有限公司",
				YearlyCost: 350000, UnifiedLogin: true, SharesWith: []string{"A-002"}, Forms: []string{"日报、周报", "月报"}}},
		{Code: "A-002", Kind: catalog.App, Name: "灭火救援指挥", Platform: "App", UnitCode: "510000", Status: catalog.Applying,
			Functions: []string{"调度、指挥"}},
		{Code: "M-001", Kind: catalog.Account, Name: "成都消防", Platform: "微信公众号", UnitCode: "510100", OwnerCode: "1002",
			Account: &catalog.AccountDetails{Handle: "cdxf119", FilingNo: "川公网安备 51010402000001 号", Operator: "成都市消防救援支队",
				Followers: 250000, Interaction: false, LastPostOn: date("2024-06-01")}},
		{Code: "M-002", Kind: catalog.Account, Name: "绵阳消防", Platform: "抖音", UnitCode: "510200"},
		{Code: "G-001", Kind: catalog.Group, Name: "锦江大队工作群", Platform: "微信", UnitCode: "510101", OwnerCode: "0042",
			Functions: []string{"通知", "值班"}, Group: &catalog.GroupDetails{}},
		{Code: "G-002", Kind: catalog.Group, Name: "春熙路站临时群", Platform: "钉钉", UnitCode: "51010101", OwnerCode: "1003",
			Group: &catalog.GroupDetails{Temporary: true, TaskEndOn: date("2024-12-31"), ApprovalRef: "川消〔2024〕12号"}},
		{Code: "G-003", Kind: catalog.Group, Name: "绵阳支队空群", Platform: "企业微信", UnitCode: "510200"},
	}
	ids := map[string]int64{}
	for _, in := range assets {
		a, err := s.Create(ctx, org.System, in)
		storetest.Must(t, err)
		ids[a.Code] = a.ID
	}
	members := map[string][]catalog.MemberInput{
		"G-001": {{PersonCode: "0042", Role: catalog.RoleOwner}, {PersonCode: "1003", Role: catalog.RoleAdmin},
			{PersonCode: "1001"}, {ExternalName: "张三(外聘专家)"}, {PersonCode: "1004"}},
		"G-002": {{PersonCode: "1003", Role: catalog.RoleOwner}, {PersonCode: "2001"}},
	}
	for code, list := range members {
		_, err := s.SetMembers(ctx, org.System, ids[code], list)
		storetest.Must(t, err)
	}
}

// seedHistory adds what only the lifecycle produces: a retired app and a group merged into
// G-001.
func seedHistory(t testing.TB, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	s := &catalog.Store{DB: db}
	old, err := s.Create(ctx, org.System, catalog.Input{Code: "A-009", Kind: catalog.App, Name: "旧版考勤系统", Platform: "App", UnitCode: "510100"})
	storetest.Must(t, err)
	_, err = s.Transition(ctx, org.System, old.ID, catalog.Retired, "功能并入执法系统")
	storetest.Must(t, err)
	g, err := s.Create(ctx, org.System, catalog.Input{Code: "G-009", Kind: catalog.Group, Name: "锦江大队通知群", Platform: "微信", UnitCode: "510101"})
	storetest.Must(t, err)
	_, err = s.SetMembers(ctx, org.System, g.ID, []catalog.MemberInput{{PersonCode: "1001", Role: catalog.RoleOwner}, {PersonCode: "2001"}})
	storetest.Must(t, err)
	into, err := s.GetByCode(ctx, org.System, "G-001")
	storetest.Must(t, err)
	_, err = s.Merge(ctx, org.System, g.ID, into.ID, "与工作群重复")
	storetest.Must(t, err)
}

// liaison is a 单位联络员 whose scope is the subtree of u.
func liaison(u org.Unit) org.Principal {
	return org.Principal{Name: "联络员", Roles: []org.Role{org.RoleLiaison}, Scope: org.Scope{UnitID: u.ID, Path: u.Path}}
}

// freshDB is another empty database on the same engine as db.
func freshDB(t *testing.T, db *store.DB) *store.DB {
	t.Helper()
	if db.Engine == store.Postgres {
		return storetest.Postgres(t)
	}
	return storetest.SQLite(t)
}

// verifyAudit fails the test unless the audit chain verifies.
func verifyAudit(t *testing.T, db *store.DB) {
	t.Helper()
	r, err := audit.Verify(context.Background(), db)
	if err != nil {
		t.Fatalf("audit.Verify: %v", err)
	}
	if !r.OK() {
		t.Fatalf("audit chain broken at %d: %s", r.BrokenAt, r.Reason)
	}
}

// dump is the inventory as stable text, one line per asset and one per member, for comparing
// two databases whose ids differ. It leaves out what an import does not carry (timestamps,
// attestation, history).
func dump(t testing.TB, db *store.DB) string {
	t.Helper()
	ctx := context.Background()
	s := &catalog.Store{DB: db}
	var lines []string
	for _, k := range catalog.Kinds {
		list, err := allAssets(ctx, db, org.System, k)
		storetest.Must(t, err)
		for _, a := range list {
			details, _ := json.Marshal([]any{a.App, a.Account, a.Group})
			lines = append(lines, fmt.Sprintf("%s %s %q %s unit=%s lead=%s owner=%s purpose=%q functions=%q status=%s merged=%s opened=%s notes=%q %s",
				a.Code, a.Kind, a.Name, a.Platform, a.UnitCode, a.LeadUnitName, a.OwnerCode, a.Purpose, a.Functions, a.Status,
				a.MergedIntoName, a.OpenedOn, a.Notes, details))
			if a.Kind != catalog.Group {
				continue
			}
			members, _, err := s.Members(ctx, org.System, a.ID, org.Page{Limit: org.MaxPage})
			storetest.Must(t, err)
			for _, m := range members {
				lines = append(lines, fmt.Sprintf("  %s member %s %s ext=%v %s", a.Code, m.PersonCode, m.Name, m.External, m.Role))
			}
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// counts is how many assets, members, events and audit entries the database holds: what
// "nothing was written" is checked against.
type counts struct{ assets, members, events, audit int }

func count(t testing.TB, db *store.DB) counts {
	t.Helper()
	var c counts
	err := db.QueryRowContext(context.Background(), `SELECT (SELECT count(*) FROM assets), (SELECT count(*) FROM group_members),
		(SELECT count(*) FROM asset_events), (SELECT count(*) FROM audit_log)`).Scan(&c.assets, &c.members, &c.events, &c.audit)
	storetest.Must(t, err)
	return c
}

func exportXLSX(t testing.TB, db *store.DB, p org.Principal, kinds ...catalog.Kind) []byte {
	t.Helper()
	var b bytes.Buffer
	storetest.Must(t, ExportXLSX(context.Background(), db, p, &b, kinds...))
	return b.Bytes()
}

func exportCSV(t testing.TB, db *store.DB, p org.Principal, s Sheet) []byte {
	t.Helper()
	var b bytes.Buffer
	storetest.Must(t, ExportCSV(context.Background(), db, p, &b, s))
	return b.Bytes()
}

func parseXLSX(t testing.TB, data []byte) *Workbook {
	t.Helper()
	wb, err := ParseXLSX(bytes.NewReader(data), DefaultMaxBytes)
	if err != nil {
		t.Fatalf("ParseXLSX: %v", err)
	}
	return wb
}

func parseCSV(t testing.TB, s Sheet, text string) *Workbook {
	t.Helper()
	wb, err := ParseCSV(strings.NewReader(text), s, DefaultMaxBytes)
	if err != nil {
		t.Fatalf("ParseCSV: %v", err)
	}
	return wb
}

// sheetData is a worksheet as rows of text; the first row is usually the header.
type sheetData struct {
	name string
	rows [][]string
}

// buildXLSX writes sheets with excelize as a user's Excel would, every cell as text.
func buildXLSX(t testing.TB, sheets ...sheetData) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			storetest.Must(t, f.SetSheetName(f.GetSheetName(0), s.name))
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range s.rows {
			values := make([]any, len(row))
			for j, v := range row {
				values[j] = v
			}
			axis, _ := excelize.CoordinatesToCellName(1, r+1)
			storetest.Must(t, f.SetSheetRow(s.name, axis, &values))
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// wantError fails unless list holds a problem at (sheet, row, column).
func wantError(t *testing.T, list []RowError, s Sheet, row int, column string) {
	t.Helper()
	for _, e := range list {
		if e.Sheet == s && e.Row == row && e.Column == column {
			return
		}
	}
	t.Errorf("no error at %s row %d column %q; got:\n%s", s.Label(), row, column, errorList(list))
}

func errorList(list []RowError) string {
	var b strings.Builder
	for _, e := range list {
		fmt.Fprintf(&b, "  %s [%s]: %s\n", e.Location(), e.Value, e.Message)
	}
	return b.String()
}

// checkCounts checks that every row is accounted for exactly once.
func checkCounts(t *testing.T, rep *Report) {
	t.Helper()
	for _, s := range Sheets {
		c := rep.Sheet(s)
		if c.Created+c.Updated+c.Unchanged+c.Failed != c.Rows {
			t.Errorf("%s counts do not add up: %+v", s.Label(), c)
		}
	}
}

func importOK(t *testing.T, db *store.DB, p org.Principal, wb *Workbook, opt Options) *Report {
	t.Helper()
	rep, err := Import(context.Background(), db, p, wb, opt)
	if err != nil {
		t.Fatalf("Import: %v\n%s", err, errorList(rep.errorsOrNil()))
	}
	checkCounts(t, rep)
	return rep
}

func (r *Report) errorsOrNil() []RowError {
	if r == nil {
		return nil
	}
	return r.Errors
}
