package rectify_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/rectify"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

func TestMain(m *testing.M) {
	// Fixture users get real hashes; the production cost would only slow the suite.
	auth.Cost = auth.Cheap
	os.Exit(m.Run())
}

// shanghai is a moment on a date in China: 10:00 local time.
func shanghai(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 10, 0, 0, 0, tz.Shanghai)
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// setClock makes the ledger's now t for the rest of the test.
func setClock(t *testing.T, at time.Time) {
	t.Helper()
	old := rectify.Clock
	rectify.Clock = func() time.Time { return at }
	t.Cleanup(func() { rectify.Clock = old })
}

// env is one engine's database with a small bureau:
//
//	总队 ROOT ─┬─ 处室 OFFICE 办公室, ICT 信息通信处
//	           ├─ 支队 DET-A ── 大队 BRIG-A ── 站 ST-A
//	           └─ 支队 DET-B ── 大队 BRIG-B
//
// a person P-<code> in every unit, PA1 in BRIG-A, PA2 in ST-A, GONE (left) in BRIG-A, PB1 in
// BRIG-B; and logins admin, office, office2, lead (ICT), inspector, support, reviewer, staff,
// liaisonA and liaisonA2 (scope BRIG-A, people P-BRIG-A and PA1), liaisonB (BRIG-B), and
// leadB, a lead whose scope is BRIG-B only.
// Creating it sets the clock to 2026-09-28 and registers the audit-chain check.
type env struct {
	ctx    context.Context
	db     *store.DB
	unit   map[string]org.Unit
	person map[string]org.Person
	user   map[string]org.Principal
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	setClock(t, shanghai(2026, 9, 28))
	e := &env{ctx: context.Background(), db: db, unit: map[string]org.Unit{}, person: map[string]org.Person{}, user: map[string]org.Principal{}}
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
		{"ROOT", "省消防救援总队", org.Corps, ""},
		{"OFFICE", "办公室", org.Department, "ROOT"},
		{"ICT", "信息通信处", org.Department, "ROOT"},
		{"DET-A", "甲市消防救援支队", org.Detachment, "ROOT"},
		{"DET-B", "乙市消防救援支队", org.Detachment, "ROOT"},
		{"BRIG-A", "甲区消防救援大队", org.Brigade, "DET-A"},
		{"BRIG-B", "乙区消防救援大队", org.Brigade, "DET-B"},
		{"ST-A", "甲街消防救援站", org.Station, "BRIG-A"},
	} {
		x, err := ost.CreateUnit(e.ctx, sys, org.UnitInput{Code: u.code, Name: u.name, Kind: u.kind, ParentID: e.unit[u.parent].ID})
		must(t, err)
		e.unit[u.code] = x
	}
	names := map[string]string{"ROOT": "赵总", "OFFICE": "钱办", "ICT": "孙信", "DET-A": "李甲", "DET-B": "周乙", "BRIG-A": "吴大", "BRIG-B": "郑大", "ST-A": "王站"}
	person := func(code, name, unit, status string) {
		x, err := ost.CreatePerson(e.ctx, sys, org.PersonInput{Code: code, Name: name, UnitID: e.unit[unit].ID, Post: "消防员", Status: status})
		must(t, err)
		e.person[code] = x
	}
	for code, name := range names {
		person("P-"+code, name, code, "")
	}
	person("PA1", "甲一", "BRIG-A", "")
	person("PA2", "甲二", "ST-A", "")
	person("GONE", "已走", "BRIG-A", org.Left)
	person("PB1", "乙一", "BRIG-B", "")
	hash, err := auth.HashPassword("correct horse battery staple")
	must(t, err)
	user := func(name string, role org.Role, unit, scope, person string) {
		in := org.UserInput{Username: name, DisplayName: "用户" + name, UnitID: e.unit[unit].ID, Roles: []org.Role{role}}
		if scope != "" {
			in.ScopeUnitID = e.unit[scope].ID
		}
		if person != "" {
			in.PersonID = e.person[person].ID
		}
		u, err := ost.CreateUser(e.ctx, sys, in, hash)
		must(t, err)
		loaded, err := org.LoadUser(e.ctx, db, u.ID)
		must(t, err)
		e.user[name] = loaded.Principal()
	}
	user("admin", org.RoleAdmin, "ROOT", "", "P-ROOT")
	user("office", org.RoleOffice, "OFFICE", "", "P-OFFICE")
	user("office2", org.RoleOffice, "OFFICE", "", "")
	user("lead", org.RoleLead, "ICT", "", "P-ICT")
	user("inspector", org.RoleInspector, "ROOT", "ROOT", "")
	user("support", org.RoleSupport, "ROOT", "", "")
	user("reviewer", org.RoleReviewer, "DET-A", "", "")
	user("staff", org.RoleStaff, "ST-A", "", "")
	user("liaisonA", org.RoleLiaison, "BRIG-A", "", "P-BRIG-A")
	user("liaisonA2", org.RoleLiaison, "BRIG-A", "", "PA1")
	user("liaisonB", org.RoleLiaison, "BRIG-B", "", "P-BRIG-B")
	user("leadB", org.RoleLead, "BRIG-B", "BRIG-B", "")
	return e
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
	tooLarge  = want{kind: errs.TooLarge}
)

func invalid(field string) want { return want{kind: errs.Invalid, field: field} }

func (w want) String() string {
	if w.ok {
		return "ok"
	}
	return w.kind.Code() + "(" + w.field + ")"
}

// check compares err with w. Every refusal must carry a Chinese message.
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

// ledgerTables are every table the ledger (and a conversion) writes, and the audit log.
var ledgerTables = []string{"ledger_items", "ledger_numbers", "ledger_history", "ledger_comments", "ledger_attachments",
	"ledger_accountability", "findings", "audit_log"}

// counts renders the row count of every ledger table, so that a refused call can be shown to
// have written nothing.
func (e *env) counts(t *testing.T) string {
	t.Helper()
	s := ""
	for _, table := range ledgerTables {
		s += fmt.Sprintf("%s=%d ", table, e.count(t, `SELECT count(*) FROM `+table))
	}
	var fs string
	rows, err := e.db.QueryContext(e.ctx, `SELECT id, status FROM findings ORDER BY id`)
	must(t, err)
	defer rows.Close()
	for rows.Next() {
		var id int64
		var st string
		must(t, rows.Scan(&id, &st))
		fs += fmt.Sprintf("%d:%s ", id, st)
	}
	return s + fs
}

// refused runs a call that must fail as w and write nothing.
func (e *env) refused(t *testing.T, w want, call func() error) {
	t.Helper()
	before := e.counts(t)
	check(t, call(), w)
	if after := e.counts(t); after != before {
		t.Fatalf("a refused call changed the database:\nbefore: %s\nafter:  %s", before, after)
	}
}

func (e *env) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.db.QueryRowContext(e.ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("count %q: %v", query, err)
	}
	return n
}

// input is a valid item in unit (a code) with person (a 工号) responsible, due in 10 working days.
func (e *env) input(unit, person string) rectify.Input {
	return rectify.Input{Source: rectify.SourceSelfCheck, UnitID: e.unit[unit].ID, Title: "工作群组过多", Description: "同一工作重复建群",
		Measures: "合并重复群组", ResponsiblePersonID: e.person[person].ID, DeadlineWorkdays: 10}
}

// item creates an item as the admin and brings it to status st along the machine (office
// submits, office2 accepts).
func (e *env) item(t *testing.T, unit, person string, st rectify.Status) rectify.Item {
	t.Helper()
	it, err := rectify.Create(e.ctx, e.db, e.user["admin"], e.input(unit, person))
	must(t, err)
	steps := []func() (rectify.Item, error){
		func() (rectify.Item, error) {
			return rectify.Start(e.ctx, e.db, e.user["office"], it.ID, "已开始梳理")
		},
		func() (rectify.Item, error) {
			return rectify.Submit(e.ctx, e.db, e.user["office"], it.ID, "已合并 3 个群")
		},
		func() (rectify.Item, error) {
			return rectify.Verify(e.ctx, e.db, e.user["office2"], it.ID, "核实无误")
		},
	}
	for _, s := range steps {
		if it.Status == st {
			break
		}
		it, err = s()
		must(t, err)
	}
	if it.Status != st {
		t.Fatalf("item is %s, want %s", it.Status, st)
	}
	return it
}

// lastAudit is the newest audit entry.
func (e *env) lastAudit(t *testing.T) audit.Entry {
	t.Helper()
	list, _, err := audit.List(e.ctx, e.db, audit.Filter{Limit: 1})
	if err != nil || len(list) != 1 {
		t.Fatalf("read last audit entry: %v (%d entries)", err, len(list))
	}
	return list[0]
}
