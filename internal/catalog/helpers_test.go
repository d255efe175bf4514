package catalog_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

func TestMain(m *testing.M) {
	// Every fixture user gets a real hash; the production cost would only make the suite slow.
	auth.Cost = auth.Cheap
	os.Exit(m.Run())
}

// env is one engine's database with the org and catalog stores on top. Creating it registers
// the check every test must pass when it ends: the audit chain verifies.
type env struct {
	ctx context.Context
	db  *store.DB
	org *org.Store
	s   *catalog.Store
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := &env{ctx: context.Background(), db: db, org: &org.Store{DB: db}, s: &catalog.Store{DB: db}}
	// Cleanups run last-registered first, so this runs before storetest closes the database.
	t.Cleanup(func() {
		r, err := audit.Verify(e.ctx, e.db)
		if err != nil {
			t.Errorf("audit.Verify: %v", err)
		} else if !r.OK() {
			t.Errorf("audit chain broken at %d: %s", r.BrokenAt, r.Reason)
		}
	})
	return e
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

// check compares err with w. Every refusal must carry a Chinese message for the user.
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
	e, ok := errs.As(err)
	if !ok || e.Kind != w.kind {
		t.Fatalf("got %s error %q, want %s", errs.KindOf(err).Code(), err, w)
	}
	if w.field != "" && e.Field != w.field {
		t.Fatalf("error %q names field %q, want %q", err, e.Field, w.field)
	}
	if !hasHan(e.Msg) {
		t.Fatalf("error %q has no Chinese message", err)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
}

// dumpTables are every table the catalog writes, and the audit log.
var dumpTables = []string{"assets", "app_details", "account_details", "group_details", "group_members", "asset_events",
	"settings", "audit_log", "audit_head"}

// dump renders every row of the catalog's tables and the audit log, so that a refused call can
// be shown to have written nothing at all.
func (e *env) dump(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, table := range dumpTables {
		rows, err := e.db.QueryContext(e.ctx, `SELECT * FROM `+table+` ORDER BY 1`)
		if err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("dump %s: %v", table, err)
			}
			fmt.Fprintf(&b, "%s:", table)
			for _, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, " %v", v)
			}
			b.WriteByte('\n')
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		rows.Close()
	}
	return b.String()
}

// unchanged fails the test if the database differs from the dump taken before.
func (e *env) unchanged(t *testing.T, before string) {
	t.Helper()
	if after := e.dump(t); after != before {
		t.Fatalf("a refused call changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// refused runs a call that must fail as w and write nothing.
func (e *env) refused(t *testing.T, w want, call func() error) {
	t.Helper()
	before := e.dump(t)
	check(t, call(), w)
	e.unchanged(t, before)
}

func (e *env) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.db.QueryRowContext(e.ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("count %q: %v", query, err)
	}
	return n
}

func (e *env) auditLen(t *testing.T) int {
	t.Helper()
	return e.count(t, `SELECT count(*) FROM audit_log`)
}

func (e *env) eventCount(t *testing.T, id int64) int {
	t.Helper()
	return e.count(t, `SELECT count(*) FROM asset_events WHERE asset_id = $1`, id)
}

// lastAudit returns the newest audit entry.
func (e *env) lastAudit(t *testing.T) audit.Entry {
	t.Helper()
	list, _, err := audit.List(e.ctx, e.db, audit.Filter{Limit: 1})
	if err != nil || len(list) != 1 {
		t.Fatalf("read last audit entry: %v (%d entries)", err, len(list))
	}
	return list[0]
}

// oneAudit checks that exactly one audit entry was appended since the log had n entries and that
// it describes action on asset id by p; it returns the entry.
func (e *env) oneAudit(t *testing.T, n int, p org.Principal, action string, id int64) audit.Entry {
	t.Helper()
	if got := e.auditLen(t); got != n+1 {
		t.Fatalf("audit log grew from %d to %d entries, want exactly one more", n, got)
	}
	en := e.lastAudit(t)
	if en.Action != action || en.ObjectType != "asset" || en.ObjectID != fmt.Sprint(id) {
		t.Fatalf("audit entry is %s %s %s, want %s asset %d", en.Action, en.ObjectType, en.ObjectID, action, id)
	}
	if en.ActorID != p.UserID || en.Actor != p.Name {
		t.Fatalf("audit actor is %d %q, want %d %q", en.ActorID, en.Actor, p.UserID, p.Name)
	}
	return en
}

// state decodes one side of an audit entry.
func state(t *testing.T, js string) map[string]any {
	t.Helper()
	m := map[string]any{}
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		t.Fatalf("audit state %q: %v", js, err)
	}
	return m
}

// lastEvent is the newest history entry of an asset, read straight from the table.
type rawEvent struct {
	actor, action, from, to, reason string
}

func (e *env) lastEvent(t *testing.T, id int64) rawEvent {
	t.Helper()
	var ev rawEvent
	must(t, e.db.QueryRowContext(e.ctx, `SELECT actor, action, from_status, to_status, reason FROM asset_events
		WHERE asset_id = $1 ORDER BY id DESC LIMIT 1`, id).Scan(&ev.actor, &ev.action, &ev.from, &ev.to, &ev.reason))
	return ev
}

// fixture is the organisation the catalog tests start from:
//
//	总队 ROOT ─┬─ 处室 OFFICE (办公室), ICT (信息通信处), PRESS (新闻宣传处), LEGAL (法工处)
//	           ├─ 支队 DET-A ── 大队 BRIG-A ── 站 ST-A
//	           └─ 支队 DET-B ── 大队 BRIG-B ── 站 ST-B
//
// with a person in every unit (工号 P-<unit code>), two more in BRIG-A (PA1, PA2), one in
// BRIG-B (PB1), one who has left (GONE), and logins: admin, office, lead, support, reviewer,
// staff (ST-A), liaisonA (BRIG-A, person P-BRIG-A), liaisonB (BRIG-B, person P-BRIG-B),
// leadA (lead with scope BRIG-A only, person PA1) and staffOwner (staff, person PA2).
type fixture struct {
	root, office, ict, press, legal, detA, detB, brigA, brigB, stA, stB org.Unit
	person                                                              map[string]org.Person // by 工号
	admin, officeUser, lead, support, reviewer, staff                   org.Principal
	liaisonA, liaisonB, leadA, staffOwner                               org.Principal
}

func (e *env) fixture(t *testing.T) *fixture {
	t.Helper()
	sys := org.System
	f := &fixture{person: map[string]org.Person{}}
	unit := func(code, name string, kind org.UnitKind, parent int64) org.Unit {
		u, err := e.org.CreateUnit(e.ctx, sys, org.UnitInput{Code: code, Name: name, Kind: kind, ParentID: parent})
		must(t, err)
		return u
	}
	f.root = unit("ROOT", "省消防救援总队", org.Corps, 0)
	f.office = unit("OFFICE", "办公室", org.Department, f.root.ID)
	f.ict = unit("ICT", "信息通信处", org.Department, f.root.ID)
	f.press = unit("PRESS", "新闻宣传处", org.Department, f.root.ID)
	f.legal = unit("LEGAL", "法工处", org.Department, f.root.ID)
	f.detA = unit("DET-A", "甲市消防救援支队", org.Detachment, f.root.ID)
	f.detB = unit("DET-B", "乙市消防救援支队", org.Detachment, f.root.ID)
	f.brigA = unit("BRIG-A", "甲区消防救援大队", org.Brigade, f.detA.ID)
	f.brigB = unit("BRIG-B", "乙区消防救援大队", org.Brigade, f.detB.ID)
	f.stA = unit("ST-A", "甲街消防救援站", org.Station, f.brigA.ID)
	f.stB = unit("ST-B", "乙街消防救援站", org.Station, f.brigB.ID)
	person := func(code, name string, unit int64, status string) {
		x, err := e.org.CreatePerson(e.ctx, sys, org.PersonInput{Code: code, Name: name, UnitID: unit, Post: "消防员", Status: status})
		must(t, err)
		f.person[code] = x
	}
	names := []string{"赵一", "钱二", "孙三", "李四", "周五", "吴六", "郑七", "王八", "冯九", "陈十", "褚十一"}
	for i, u := range []org.Unit{f.root, f.office, f.ict, f.press, f.legal, f.detA, f.detB, f.brigA, f.brigB, f.stA, f.stB} {
		person("P-"+u.Code, names[i], u.ID, "")
	}
	person("PA1", "甲一", f.brigA.ID, "")
	person("PA2", "甲二", f.brigA.ID, "")
	person("PB1", "乙一", f.brigB.ID, "")
	person("GONE", "已走", f.brigA.ID, org.Left)
	hash, err := auth.HashPassword("correct horse battery staple")
	must(t, err)
	user := func(name string, roles []org.Role, unit org.Unit, scope int64, person string) org.Principal {
		in := org.UserInput{Username: name, DisplayName: "用户" + name, UnitID: unit.ID, ScopeUnitID: scope, Roles: roles}
		if person != "" {
			in.PersonID = f.person[person].ID
		}
		u, err := e.org.CreateUser(e.ctx, sys, in, hash)
		must(t, err)
		loaded, err := org.LoadUser(e.ctx, e.db, u.ID)
		must(t, err)
		return loaded.Principal()
	}
	f.admin = user("admin", []org.Role{org.RoleAdmin}, f.root, 0, "P-ROOT")
	f.officeUser = user("office", []org.Role{org.RoleOffice}, f.office, 0, "P-OFFICE")
	f.lead = user("lead", []org.Role{org.RoleLead}, f.ict, 0, "P-ICT")
	f.support = user("support", []org.Role{org.RoleSupport}, f.legal, 0, "P-LEGAL")
	f.reviewer = user("reviewer", []org.Role{org.RoleReviewer}, f.detA, 0, "P-DET-A")
	f.staff = user("staff", []org.Role{org.RoleStaff}, f.stA, 0, "P-ST-A")
	f.liaisonA = user("liaisonA", []org.Role{org.RoleLiaison}, f.brigA, 0, "P-BRIG-A")
	f.liaisonB = user("liaisonB", []org.Role{org.RoleLiaison}, f.brigB, 0, "P-BRIG-B")
	f.leadA = user("leadA", []org.Role{org.RoleLead}, f.brigA, f.brigA.ID, "PA1")
	f.staffOwner = user("staffOwner", []org.Role{org.RoleStaff}, f.brigA, 0, "PA2")
	return f
}

// pid is a fixture person's id.
func (f *fixture) pid(code string) int64 { return f.person[code].ID }

// seq makes asset codes unique within one database.
var seq int

func nextCode(prefix string) string {
	seq++
	return fmt.Sprintf("%s-%04d", prefix, seq)
}

// input is a valid asset of kind k in unit u; options change it.
func input(k catalog.Kind, u org.Unit, opts ...func(*catalog.Input)) catalog.Input {
	platform := map[catalog.Kind]string{catalog.App: "App", catalog.Account: "微信公众号", catalog.Group: "微信"}[k]
	in := catalog.Input{Code: nextCode(string(k)), Kind: k, Name: "测试" + k.Short(), Platform: platform, UnitID: u.ID,
		Purpose: "用于测试", Functions: []string{"通知"}}
	for _, o := range opts {
		if o != nil {
			o(&in)
		}
	}
	return in
}

// create records an asset that must be accepted, as p.
func (e *env) create(t *testing.T, p org.Principal, in catalog.Input) catalog.Asset {
	t.Helper()
	a, err := e.s.Create(e.ctx, p, in)
	if err != nil {
		t.Fatalf("create %s: %v", in.Code, err)
	}
	return a
}

// asset creates an asset of kind k in unit u as the system and brings it to status st along the
// state machine (merged assets are merged into a fresh live asset of the same kind).
func (e *env) asset(t *testing.T, k catalog.Kind, u org.Unit, st catalog.Status, opts ...func(*catalog.Input)) catalog.Asset {
	t.Helper()
	sys := org.System
	in := input(k, u, opts...)
	if st == catalog.Applying || st == catalog.Rejected {
		in.Status = catalog.Applying
	}
	a := e.create(t, sys, in)
	var err error
	switch st {
	case catalog.Rectifying:
		a, err = e.s.Transition(e.ctx, sys, a.ID, catalog.Rectifying, "发现问题")
	case catalog.Retired:
		a, err = e.s.Transition(e.ctx, sys, a.ID, catalog.Retired, "不再使用")
	case catalog.Rejected:
		a, err = e.s.Transition(e.ctx, sys, a.ID, catalog.Rejected, "不符合要求")
	case catalog.Merged:
		target := e.create(t, sys, input(k, u))
		var res catalog.MergeResult
		res, err = e.s.Merge(e.ctx, sys, a.ID, target.ID, "功能相近")
		a = res.From
	}
	if err != nil {
		t.Fatalf("bring %s to %s: %v", a.Code, st, err)
	}
	if a.Status != st {
		t.Fatalf("asset %s is %s, want %s", a.Code, a.Status, st)
	}
	return a
}

// get reads an asset as the system.
func (e *env) get(t *testing.T, id int64) catalog.Asset {
	t.Helper()
	a, err := e.s.Get(e.ctx, org.System, id)
	if err != nil {
		t.Fatalf("get asset %d: %v", id, err)
	}
	return a
}

// codes lists the codes of assets, in order.
func codes(list []catalog.Asset) []string {
	out := []string{}
	for _, a := range list {
		out = append(out, a.Code)
	}
	return out
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// today is the calendar date in China as stored (midnight UTC).
func today() time.Time {
	y, m, d := time.Now().In(time.FixedZone("CST", 8*3600)).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func day(y int, m time.Month, d int) catalog.Date {
	return catalog.Date{Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}
