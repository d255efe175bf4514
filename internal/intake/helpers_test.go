package intake_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/intake"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// env is one engine's database with a small bureau, the fixture inventory and the intake service
// on a test clock. Creating it registers the audit-chain check every test must pass when it ends.
//
//	总队 ROOT ─┬─ 处室 IT 信息通信处, NEWS 新闻宣传处, OFFICE 办公室
//	           ├─ 支队 CD 成都 ─┬─ 大队 CD-JJ 锦江 ── 站 CD-JJ-1
//	           │                └─ 大队 CD-QY 青羊
//	           └─ 支队 MY 绵阳 ─── 大队 MY-FC 涪城
type env struct {
	ctx   context.Context
	db    *store.DB
	svc   *intake.Service
	cat   *catalog.Store
	unit  map[string]org.Unit
	user  map[string]org.Principal
	apps  map[string]catalog.Asset // fixture apps by code
	clock time.Time
}

// users: name → home unit, roles. Liaisons see their own unit's subtree; the others the bureau.
var users = []struct {
	name, unit string
	roles      []org.Role
}{
	{"liaison-cd", "CD", []org.Role{org.RoleLiaison}},    // applicant for 支队 apps
	{"liaison-cd2", "CD", []org.Role{org.RoleLiaison}},   // the unit step's approver
	{"liaison-jj", "CD-JJ", []org.Role{org.RoleLiaison}}, // a 大队: files accounts and groups
	{"liaison-jj2", "CD-JJ", []org.Role{org.RoleLiaison}},
	{"liaison-qy", "CD-QY", []org.Role{org.RoleLiaison}}, // another 大队 of the same 支队
	{"liaison-my", "MY", []org.Role{org.RoleLiaison}},    // another 支队
	{"reviewer-cd", "CD", []org.Role{org.RoleReviewer}},  // reads, may not write
	{"lead-it", "IT", []org.Role{org.RoleLead}},
	{"lead-office", "OFFICE", []org.Role{org.RoleLead}},
	{"lead-news", "NEWS", []org.Role{org.RoleLead}},
	{"office", "OFFICE", []org.Role{org.RoleOffice}},
	{"office2", "OFFICE", []org.Role{org.RoleOffice}},
	{"admin", "ROOT", []org.Role{org.RoleAdmin}},
	{"support", "ROOT", []org.Role{org.RoleSupport}},
	{"staff", "CD-JJ-1", []org.Role{org.RoleStaff}},
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := &env{ctx: context.Background(), db: db, cat: &catalog.Store{DB: db}, unit: map[string]org.Unit{},
		user: map[string]org.Principal{}, apps: map[string]catalog.Asset{}, clock: time.Date(2026, 6, 15, 2, 0, 0, 0, time.UTC)}
	e.svc = intake.New(db)
	e.svc.Now = func() time.Time { return e.clock }
	t.Cleanup(func() {
		r, err := audit.Verify(e.ctx, e.db)
		if err != nil {
			t.Errorf("audit.Verify: %v", err)
		} else if !r.OK() {
			t.Errorf("audit chain broken at %d: %s", r.BrokenAt, r.Reason)
		}
	})
	ost := &org.Store{DB: db}
	sys := org.System
	for _, u := range []struct {
		code, name string
		kind       org.UnitKind
		parent     string
	}{
		{"ROOT", "四川省消防救援总队", org.Corps, ""},
		{"IT", "信息通信处", org.Department, "ROOT"},
		{"NEWS", "新闻宣传处", org.Department, "ROOT"},
		{"OFFICE", "办公室", org.Department, "ROOT"},
		{"CD", "成都市消防救援支队", org.Detachment, "ROOT"},
		{"CD-DEPT", "成都支队作训科", org.Department, "CD"},
		{"CD-JJ", "锦江区消防救援大队", org.Brigade, "CD"},
		{"CD-JJ-1", "春熙路消防救援站", org.Station, "CD-JJ"},
		{"CD-QY", "青羊区消防救援大队", org.Brigade, "CD"},
		{"MY", "绵阳市消防救援支队", org.Detachment, "ROOT"},
		{"MY-FC", "涪城区消防救援大队", org.Brigade, "MY"},
	} {
		x, err := ost.CreateUnit(e.ctx, sys, org.UnitInput{Code: u.code, Name: u.name, Kind: u.kind, ParentID: e.unit[u.parent].ID})
		must(t, err)
		e.unit[u.code] = x
	}
	for i := 1; i <= 14; i++ {
		_, err := ost.CreatePerson(e.ctx, sys, org.PersonInput{Code: fmt.Sprintf("P%02d", i), Name: fmt.Sprintf("队员%02d", i), UnitID: e.unit["CD-JJ"].ID})
		must(t, err)
	}
	for _, u := range users {
		x, err := ost.CreateUser(e.ctx, sys, org.UserInput{Username: u.name, DisplayName: u.name, UnitID: e.unit[u.unit].ID, Roles: u.roles}, "$argon2id$test")
		must(t, err)
		loaded, err := org.LoadUser(e.ctx, db, x.ID)
		must(t, err)
		e.user[u.name] = loaded.Principal()
	}
	e.loadApps(t)
	return e
}

// loadApps records testdata/apps.json as existing apps (one of them retired).
func (e *env) loadApps(t *testing.T) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "apps.json"))
	must(t, err)
	var apps []struct {
		Code, Unit, Name, Purpose, Status string
		Functions, Forms                  []string
	}
	must(t, json.Unmarshal(b, &apps))
	for _, a := range apps {
		x, err := e.cat.Create(e.ctx, org.System, catalog.Input{Code: a.Code, Kind: catalog.App, Name: a.Name, Platform: "App",
			UnitID: e.unit[a.Unit].ID, Purpose: a.Purpose, Functions: a.Functions, App: &catalog.AppDetails{Forms: a.Forms}})
		must(t, err)
		if a.Status == "retired" {
			x, err = e.cat.Transition(e.ctx, org.System, x.ID, catalog.Retired, "已整合下线")
			must(t, err)
		}
		e.apps[a.Code] = x
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
}

// want is the expected outcome of a call: success, or an error of a kind (and field).
type want struct {
	ok    bool
	kind  errs.Kind
	field string
}

var (
	pass      = want{ok: true}
	forbidden = want{kind: errs.Forbidden}
	notFound  = want{kind: errs.NotFound}
	conflict  = want{kind: errs.Conflict}
)

func invalid(field string) want { return want{kind: errs.Invalid, field: field} }

func (w want) String() string {
	if w.ok {
		return "ok"
	}
	if w.field != "" {
		return w.kind.Code() + "(" + w.field + ")"
	}
	return w.kind.Code()
}

func check(t *testing.T, err error, w want) {
	t.Helper()
	if w.ok {
		if err != nil {
			t.Fatalf("got error %v (kind %s), want success", err, errs.KindOf(err).Code())
		}
		return
	}
	if err == nil {
		t.Fatalf("succeeded, want %s", w)
	}
	if k := errs.KindOf(err); k != w.kind {
		t.Fatalf("got %s error %q, want %s", k.Code(), err, w)
	}
	if w.field != "" {
		e, _ := errs.As(err)
		if e.Field != w.field {
			t.Fatalf("error %q names field %q, want %q", err, e.Field, w.field)
		}
	}
}

// answers are five acceptable answers.
func answers() intake.Answers {
	return intake.Answers{
		FitsPlan:     "已列入总队2026年信息化建设计划第12项,由信息通信处统筹",
		NotDuplicate: "经查询全省应用清单,没有同类应用,与现有系统功能不重复",
		NotModule:    "现有系统的数据结构不支持该业务,无法作为其功能模块实现",
		CanShare:     "使用总队统一身份认证和数据共享平台,可与相关项目共用",
		DataRules:    "只采集必要的业务数据,按照数据共享目录向总队平台共享",
	}
}

// appInput is a new app of unit, unrelated to the fixture inventory unless given other text.
func (e *env) appInput(code, unit, name, purpose string, functions ...string) catalog.Input {
	return catalog.Input{Code: code, Kind: catalog.App, Name: name, Platform: "App", UnitID: e.unit[unit].ID, Purpose: purpose, Functions: functions}
}

func (e *env) unrelatedApp(code, unit string) catalog.Input {
	return e.appInput(code, unit, "营区食堂订餐", "指战员每日就餐预约、菜谱公示和伙食费结算。", "就餐预约", "菜谱公示", "伙食费结算")
}

func (e *env) submit(t *testing.T, who string, in catalog.Input, a intake.Answers, members ...catalog.MemberInput) *intake.Request {
	t.Helper()
	r, err := e.svc.Submit(e.ctx, e.user[who], in, a, members)
	if err != nil {
		t.Fatalf("submit %s by %s: %v", in.Code, who, err)
	}
	return r
}

func (e *env) decide(t *testing.T, who string, id int64, act intake.Action, comment string) *intake.Request {
	t.Helper()
	r, err := e.svc.Decide(e.ctx, e.user[who], id, intake.Decision{Action: act, Comment: comment})
	if err != nil {
		t.Fatalf("%s by %s: %v", act, who, err)
	}
	return r
}

func (e *env) asset(t *testing.T, id int64) catalog.Asset {
	t.Helper()
	a, err := e.cat.Get(e.ctx, org.System, id)
	must(t, err)
	return a
}

// lastEvent is the newest entry of an asset's history.
func (e *env) lastEvent(t *testing.T, id int64) catalog.Event {
	t.Helper()
	ev, err := e.cat.Events(e.ctx, org.System, id)
	must(t, err)
	if len(ev) == 0 {
		t.Fatalf("asset %d has no history", id)
	}
	return ev[0]
}

func (e *env) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	must(t, e.db.QueryRowContext(e.ctx, `SELECT count(*) FROM `+table).Scan(&n))
	return n
}

// snapshot counts the rows of every table a refused call might have written.
func (e *env) snapshot(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"assets", "app_details", "account_details", "group_details", "group_members", "asset_events",
		"intake_requests", "intake_reviews", "intake_matches", "audit_log"} {
		fmt.Fprintf(&b, "%s=%d ", table, e.count(t, table))
	}
	rows, err := e.db.QueryContext(e.ctx, `SELECT r.id, r.step, r.round, a.status FROM intake_requests r JOIN assets a ON a.id = r.asset_id ORDER BY r.id`)
	must(t, err)
	defer rows.Close()
	for rows.Next() {
		var id int64
		var step, status string
		var round int
		must(t, rows.Scan(&id, &step, &round, &status))
		fmt.Fprintf(&b, "[%d %s %d %s]", id, step, round, status)
	}
	must(t, rows.Err())
	return b.String()
}

func (e *env) unchanged(t *testing.T, before string) {
	t.Helper()
	if after := e.snapshot(t); after != before {
		t.Fatalf("a refused call changed the database:\nbefore %s\nafter  %s", before, after)
	}
}

func (e *env) setSetting(t *testing.T, key, value string) {
	t.Helper()
	_, err := e.db.ExecContext(e.ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value, store.Now())
	must(t, err)
}

func members(codes ...string) []catalog.MemberInput {
	var out []catalog.MemberInput
	for _, c := range codes {
		out = append(out, catalog.MemberInput{PersonCode: c})
	}
	return out
}

func codes(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("P%02d", i))
	}
	return out
}

// auditTrail lists the audit actions recorded for a request, oldest first.
func (e *env) auditTrail(t *testing.T, id int64) string {
	t.Helper()
	rows, err := e.db.QueryContext(e.ctx, `SELECT action, actor FROM audit_log WHERE object_type = 'intake_request' AND object_id = $1 ORDER BY seq`,
		fmt.Sprint(id))
	must(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var action, actor string
		must(t, rows.Scan(&action, &actor))
		out = append(out, action+"/"+actor)
	}
	must(t, rows.Err())
	return strings.Join(out, " ")
}
