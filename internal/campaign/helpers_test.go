package campaign_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/campaign"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// env is one engine's database with a small bureau and a campaign store on a test clock.
// Creating it registers the audit-chain check every test must pass when it ends.
//
//	总队 ROOT ─┬─ 处室 OFFICE 办公室
//	           ├─ 支队 CD 成都 ─┬─ 大队 CD-JJ 锦江 ── 站 CD-JJ-1
//	           │                └─ 大队 CD-QY 青羊
//	           └─ 支队 MY 绵阳 ─── 大队 MY-FC 涪城
type env struct {
	ctx   context.Context
	db    *store.DB
	st    *campaign.Store
	unit  map[string]org.Unit
	user  map[string]org.Principal
	clock time.Time
}

var users = []struct {
	name, unit string
	roles      []org.Role
}{
	{"office", "OFFICE", []org.Role{org.RoleOffice}},
	{"admin", "ROOT", []org.Role{org.RoleAdmin}},
	{"lead", "OFFICE", []org.Role{org.RoleLead}},
	{"liaison-cd", "CD", []org.Role{org.RoleLiaison}},
	{"liaison-jj", "CD-JJ", []org.Role{org.RoleLiaison}},
	{"liaison-my", "MY", []org.Role{org.RoleLiaison}},
	{"staff", "CD-JJ-1", []org.Role{org.RoleStaff}},
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := &env{ctx: context.Background(), db: db, unit: map[string]org.Unit{}, user: map[string]org.Principal{},
		clock: time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)}
	e.st = campaign.New(db)
	e.st.Now = func() time.Time { return e.clock }
	t.Cleanup(func() {
		r, err := audit.Verify(e.ctx, e.db)
		if err != nil {
			t.Errorf("audit.Verify: %v", err)
		} else if !r.OK() {
			t.Errorf("audit chain broken at %d: %s", r.BrokenAt, r.Reason)
		}
	})
	ost := &org.Store{DB: db}
	for _, u := range []struct {
		code, name string
		kind       org.UnitKind
		parent     string
	}{
		{"ROOT", "四川省消防救援总队", org.Corps, ""},
		{"OFFICE", "办公室", org.Department, "ROOT"},
		{"CD", "成都市消防救援支队", org.Detachment, "ROOT"},
		{"CD-JJ", "锦江区消防救援大队", org.Brigade, "CD"},
		{"CD-JJ-1", "春熙路消防救援站", org.Station, "CD-JJ"},
		{"CD-QY", "青羊区消防救援大队", org.Brigade, "CD"},
		{"MY", "绵阳市消防救援支队", org.Detachment, "ROOT"},
		{"MY-FC", "涪城区消防救援大队", org.Brigade, "MY"},
	} {
		x, err := ost.CreateUnit(e.ctx, org.System, org.UnitInput{Code: u.code, Name: u.name, Kind: u.kind, ParentID: e.unit[u.parent].ID})
		must(t, err)
		e.unit[u.code] = x
	}
	for _, u := range users {
		x, err := ost.CreateUser(e.ctx, org.System, org.UserInput{Username: u.name, DisplayName: u.name, UnitID: e.unit[u.unit].ID, Roles: u.roles}, "$argon2id$test")
		must(t, err)
		loaded, err := org.LoadUser(e.ctx, db, x.ID)
		must(t, err)
		e.user[u.name] = loaded.Principal()
	}
	return e
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
}

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

// at is a moment in China time, "2006-01-02 15:04".
func at(s string) time.Time {
	loc := time.FixedZone("CST", 8*3600)
	d, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return d.UTC()
}

// phases are the 2026 campaign's four phases.
func phases() []campaign.PhaseDates {
	return []campaign.PhaseDates{
		{Start: day("2026-03-01"), End: day("2026-03-31")},
		{Start: day("2026-04-01"), End: day("2026-05-31")},
		{Start: day("2026-06-01"), End: day("2026-08-31")},
		{Start: day("2026-09-01"), End: day("2026-10-31")},
	}
}

func (e *env) campaign(t *testing.T) campaign.Campaign {
	t.Helper()
	c, err := e.st.Create(e.ctx, e.user["office"], campaign.Input{Name: "2026年整治形式主义为基层减负专项行动", Year: 2026,
		UnitID: e.unit["ROOT"].ID, Phases: phases()})
	must(t, err)
	return c
}

func (e *env) task(t *testing.T, c campaign.Campaign, ph campaign.PhaseNo, kind campaign.TaskKind, title, due string, kinds ...org.UnitKind) campaign.Task {
	t.Helper()
	x, err := e.st.CreateTask(e.ctx, e.user["office"], c.ID, campaign.TaskInput{Phase: ph, Kind: kind, Title: title, Due: day(due), UnitKinds: kinds})
	must(t, err)
	return x
}

// submit submits a PDF for unit at the moment when (China time).
func (e *env) submit(t *testing.T, who string, task campaign.Task, unit, when string) campaign.Submission {
	t.Helper()
	e.clock = at(when)
	s, err := e.st.Submit(e.ctx, e.user[who], campaign.SubmissionInput{TaskID: task.ID, UnitID: e.unit[unit].ID, Note: "报送",
		Documents: []campaign.DocumentInput{{Name: "方案.pdf", Data: pdf()}}})
	must(t, err)
	return s
}

func pdf() []byte {
	return []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

// docx builds a minimal Word document: a ZIP with word/document.xml.
func docx(t testing.TB) []byte { return zipWith(t, "[Content_Types].xml", "word/document.xml") }

func zipWith(t testing.TB, names ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range names {
		w, err := zw.Create(n)
		must(t, err)
		_, err = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><w:document/>`))
		must(t, err)
	}
	must(t, zw.Close())
	return b.Bytes()
}

// want is the expected outcome of a call: success, or an error of a kind (and field).
type want struct {
	ok    bool
	kind  errs.Kind
	field string
	msg   string // a part of the message
}

var (
	pass      = want{ok: true}
	forbidden = want{kind: errs.Forbidden}
	notFound  = want{kind: errs.NotFound}
	conflict  = want{kind: errs.Conflict}
)

func invalid(field, msg string) want { return want{kind: errs.Invalid, field: field, msg: msg} }

func check(t *testing.T, err error, w want) {
	t.Helper()
	if w.ok {
		if err != nil {
			t.Fatalf("got error %v (kind %s), want success", err, errs.KindOf(err).Code())
		}
		return
	}
	if err == nil {
		t.Fatalf("succeeded, want %s error on %q", w.kind.Code(), w.field)
	}
	if k := errs.KindOf(err); k != w.kind {
		t.Fatalf("got %s error %q, want %s", k.Code(), err, w.kind.Code())
	}
	if w.field != "" {
		e, _ := errs.As(err)
		if e.Field != w.field {
			t.Fatalf("error %q names field %q, want %q", err, e.Field, w.field)
		}
	}
	if w.msg != "" && !strings.Contains(err.Error(), w.msg) {
		t.Fatalf("error %q does not say %q", err, w.msg)
	}
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
	for _, table := range []string{"campaigns", "campaign_phases", "campaign_tasks", "campaign_submissions", "campaign_documents",
		"campaign_problems", "campaign_notes", "campaign_lists", "campaign_list_entries", "audit_log"} {
		fmt.Fprintf(&b, "%s=%d ", table, e.count(t, table))
	}
	return b.String()
}

// auditTrail lists the audit actions recorded for an object, oldest first.
func (e *env) auditTrail(t *testing.T, objectType string, id int64) string {
	t.Helper()
	rows, err := e.db.QueryContext(e.ctx, `SELECT action, actor FROM audit_log WHERE object_type = $1 AND object_id = $2 ORDER BY seq`,
		objectType, fmt.Sprint(id))
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
