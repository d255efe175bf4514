package org_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// env is one engine's database with the org store on top. Creating it registers the checks
// every test must pass when it ends: the audit chain verifies and every unit's path is its
// parent's path plus its own id.
type env struct {
	ctx context.Context
	db  *store.DB
	s   *org.Store
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := &env{ctx: context.Background(), db: db, s: &org.Store{DB: db}}
	// Cleanups run last-registered first, so these run before storetest closes the database.
	t.Cleanup(func() {
		r, err := audit.Verify(e.ctx, e.db)
		if err != nil {
			t.Errorf("audit.Verify: %v", err)
		} else if !r.OK() {
			t.Errorf("audit chain broken at %d: %s", r.BrokenAt, r.Reason)
		}
		e.checkPaths(t)
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

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
}

// dump renders every row of the tables org writes (and the audit log), so that a refused call
// can be shown to have written nothing at all.
func (e *env) dump(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"units", "people", "users", "user_roles", "sessions", "audit_log", "audit_head"} {
		rows, err := e.db.QueryContext(e.ctx, `SELECT * FROM `+table+` ORDER BY 1, 2`)
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

func (e *env) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := e.db.QueryRowContext(e.ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func (e *env) auditLen(t *testing.T) int { t.Helper(); return e.count(t, "audit_log") }

// oneEntry checks that exactly one audit entry was appended since the log had n entries, that it
// describes action on (objType, objID) by p, and that it carries the states the action implies:
// no before for a create, no after for a delete, both for an update.
func (e *env) oneEntry(t *testing.T, n int, p org.Principal, action, objType string, objID int64) audit.Entry {
	t.Helper()
	if got := e.auditLen(t); got != n+1 {
		t.Fatalf("audit log grew from %d to %d entries, want exactly one more", n, got)
	}
	list, _, err := audit.List(e.ctx, e.db, audit.Filter{Limit: 1})
	if err != nil || len(list) != 1 {
		t.Fatalf("read last audit entry: %v (%d entries)", err, len(list))
	}
	en := list[0]
	if en.Action != action || en.ObjectType != objType || en.ObjectID != fmt.Sprint(objID) {
		t.Fatalf("audit entry is %s %s %s, want %s %s %d", en.Action, en.ObjectType, en.ObjectID, action, objType, objID)
	}
	if en.ActorID != p.UserID || en.Actor != p.Name {
		t.Fatalf("audit actor is %d %q, want %d %q", en.ActorID, en.Actor, p.UserID, p.Name)
	}
	switch action {
	case "create":
		if en.Before != "" || en.After == "" {
			t.Fatalf("create entry: before %q, after %q; want only after", en.Before, en.After)
		}
	case "delete":
		if en.Before == "" || en.After != "" {
			t.Fatalf("delete entry: before %q, after %q; want only before", en.Before, en.After)
		}
	default:
		if en.Before == "" || en.After == "" {
			t.Fatalf("%s entry: before %q, after %q; want both", action, en.Before, en.After)
		}
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

// checkPaths verifies the tree invariant that scopes rely on: a root's path is /id/, every other
// unit's path is its parent's path followed by id/.
func (e *env) checkPaths(t *testing.T) {
	t.Helper()
	rows, err := e.db.QueryContext(e.ctx, `SELECT u.id, u.path, COALESCE(p.path, '') FROM units u LEFT JOIN units p ON p.id = u.parent_id`)
	if err != nil {
		t.Errorf("read paths: %v", err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var path, parent string
		if err := rows.Scan(&id, &path, &parent); err != nil {
			t.Errorf("read paths: %v", err)
			return
		}
		want := fmt.Sprintf("/%d/", id)
		if parent != "" {
			want = parent + fmt.Sprintf("%d/", id)
		}
		if path != want {
			t.Errorf("unit %d has path %q, want %q (parent's path + id)", id, path, want)
		}
	}
}

// unit creates a unit that must be accepted and checks its audit entry.
func (e *env) unit(t *testing.T, p org.Principal, code, name string, kind org.UnitKind, parent int64) org.Unit {
	t.Helper()
	n := e.auditLen(t)
	u, err := e.s.CreateUnit(e.ctx, p, org.UnitInput{Code: code, Name: name, Kind: kind, ParentID: parent})
	if err != nil {
		t.Fatalf("create unit %s: %v", code, err)
	}
	en := e.oneEntry(t, n, p, "create", "unit", u.ID)
	if got := state(t, en.After)["code"]; got != code {
		t.Fatalf("audit after.code = %v, want %s", got, code)
	}
	return u
}

// person creates a person that must be accepted and checks its audit entry.
func (e *env) person(t *testing.T, p org.Principal, code, name, post string, unit int64) org.Person {
	t.Helper()
	n := e.auditLen(t)
	x, err := e.s.CreatePerson(e.ctx, p, org.PersonInput{Code: code, Name: name, UnitID: unit, Post: post})
	if err != nil {
		t.Fatalf("create person %s: %v", code, err)
	}
	e.oneEntry(t, n, p, "create", "person", x.ID)
	return x
}

// user creates a user that must be accepted and checks its audit entry.
func (e *env) user(t *testing.T, p org.Principal, in org.UserInput) org.User {
	t.Helper()
	n := e.auditLen(t)
	u, err := e.s.CreateUser(e.ctx, p, in, "$argon2id$test$hash")
	if err != nil {
		t.Fatalf("create user %s: %v", in.Username, err)
	}
	e.oneEntry(t, n, p, "create", "user", u.ID)
	return u
}

// principal loads a user the way the auth layer does and returns them as a caller.
func (e *env) principal(t *testing.T, id int64) org.Principal {
	t.Helper()
	u, err := org.LoadUser(e.ctx, e.db, id)
	if err != nil {
		t.Fatalf("load user %d: %v", id, err)
	}
	return u.Principal()
}

// addSession inserts a session row by hand, as the auth package would at login.
func (e *env) addSession(t *testing.T, id string, user int64) {
	t.Helper()
	now := store.Now()
	_, err := e.db.ExecContext(e.ctx, `INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at, last_seen_at)
		VALUES ($1, $2, 'csrf', $3, $4, $3)`, id, user, now, now.Add(time.Hour))
	must(t, err)
}

func (e *env) sessions(t *testing.T, user int64) int {
	t.Helper()
	var n int
	must(t, e.db.QueryRowContext(e.ctx, `SELECT count(*) FROM sessions WHERE user_id = $1`, user).Scan(&n))
	return n
}

// tree is the organisation most tests start from:
//
//	总队 ROOT ─┬─ 处室 DEPT
//	           ├─ 支队 DET-A ── 大队 BRIG-A ── 站 ST-A
//	           └─ 支队 DET-B ── 大队 BRIG-B ── 站 ST-B
//
// with one person in every unit and a user for every role.
type tree struct {
	root, dept, detA, detB, brigA, brigB, stA, stB org.Unit
	person                                         map[string]org.Person // by unit code
	user                                           map[org.Role]org.User
}

func (e *env) tree(t *testing.T) *tree {
	t.Helper()
	sys := org.System
	tr := &tree{person: map[string]org.Person{}, user: map[org.Role]org.User{}}
	tr.root = e.unit(t, sys, "ROOT", "省消防救援总队", org.Corps, 0)
	tr.dept = e.unit(t, sys, "DEPT", "办公室", org.Department, tr.root.ID)
	tr.detA = e.unit(t, sys, "DET-A", "甲市消防救援支队", org.Detachment, tr.root.ID)
	tr.detB = e.unit(t, sys, "DET-B", "乙市消防救援支队", org.Detachment, tr.root.ID)
	tr.brigA = e.unit(t, sys, "BRIG-A", "甲区消防救援大队", org.Brigade, tr.detA.ID)
	tr.brigB = e.unit(t, sys, "BRIG-B", "乙区消防救援大队", org.Brigade, tr.detB.ID)
	tr.stA = e.unit(t, sys, "ST-A", "甲街消防救援站", org.Station, tr.brigA.ID)
	tr.stB = e.unit(t, sys, "ST-B", "乙街消防救援站", org.Station, tr.brigB.ID)
	names := []string{"赵一", "钱二", "孙三", "李四", "周五", "吴六", "郑七", "王八"}
	for i, u := range []org.Unit{tr.root, tr.dept, tr.detA, tr.detB, tr.brigA, tr.brigB, tr.stA, tr.stB} {
		tr.person[u.Code] = e.person(t, sys, "P-"+u.Code, names[i], "消防员", u.ID)
	}
	home := map[org.Role]org.Unit{
		org.RoleAdmin: tr.root, org.RoleOffice: tr.dept, org.RoleLead: tr.dept, org.RoleSupport: tr.dept,
		org.RoleLiaison: tr.brigA, org.RoleReviewer: tr.detA, org.RoleInspector: tr.detA, org.RoleStaff: tr.stA,
	}
	for _, r := range org.Roles {
		tr.user[r] = e.user(t, sys, org.UserInput{Username: "u-" + string(r), DisplayName: r.Label(), UnitID: home[r].ID, Roles: []org.Role{r}})
	}
	return tr
}

// ids lists the ids of units, for comparing sets.
func unitIDs(us []org.Unit) []int64 {
	var out []int64
	for _, u := range us {
		out = append(out, u.ID)
	}
	return out
}

func personIDs(ps []org.Person) []int64 {
	var out []int64
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func sameSet(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[int64]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
		if m[x] < 0 {
			return false
		}
	}
	return true
}

// shanghaiToday is the calendar date in China, as a UTC midnight (how DATE columns read back).
func shanghaiToday() time.Time {
	y, m, d := time.Now().In(time.FixedZone("CST", 8*3600)).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func utcToday() time.Time {
	y, m, d := time.Now().UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func dateOf(t *time.Time) string {
	if t == nil {
		return "<nil>"
	}
	return t.Format("2006-01-02")
}
