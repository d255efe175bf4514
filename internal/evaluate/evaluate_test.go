package evaluate_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/campaign"
	"github.com/jianfu-gov/jianfu/internal/evaluate"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

// noon is midday in China on date s, as UTC.
func noon(s string) time.Time { return day(s).Add(4 * time.Hour) }

// bureau builds:
//
//	总队 ROOT ─┬─ 支队 CD ── 大队 CD-JJ
//	           └─ 支队 MY ── 大队 MY-FC
//
// with assets, findings, ledger items and a campaign (start 2026-03-01) whose figures as of
// 2026-06-15 the test works out by hand.
type bureau struct {
	ctx  context.Context
	db   *store.DB
	unit map[string]org.Unit
	c    campaign.Campaign
}

func build(t *testing.T, db *store.DB) *bureau {
	t.Helper()
	b := &bureau{ctx: context.Background(), db: db, unit: map[string]org.Unit{}}
	ost := &org.Store{DB: db}
	for _, u := range []struct {
		code, name string
		kind       org.UnitKind
		parent     string
	}{
		{"ROOT", "四川省消防救援总队", org.Corps, ""},
		{"CD", "成都市消防救援支队", org.Detachment, "ROOT"},
		{"CD-JJ", "锦江区消防救援大队", org.Brigade, "CD"},
		{"MY", "绵阳市消防救援支队", org.Detachment, "ROOT"},
		{"MY-FC", "涪城区消防救援大队", org.Brigade, "MY"},
	} {
		x, err := ost.CreateUnit(b.ctx, org.System, org.UnitInput{Code: u.code, Name: u.name, Kind: u.kind, ParentID: b.unit[u.parent].ID})
		storetest.Must(t, err)
		b.unit[u.code] = x
	}
	people := map[string]int64{}
	for _, u := range []string{"CD-JJ", "MY-FC", "CD"} {
		p, err := ost.CreatePerson(b.ctx, org.System, org.PersonInput{Code: "P-" + u, Name: "张" + u, UnitID: b.unit[u].ID})
		storetest.Must(t, err)
		people[u] = p.ID
	}
	exec := func(q string, args ...any) int64 {
		t.Helper()
		var id int64
		storetest.Must(t, db.QueryRowContext(b.ctx, q+" RETURNING id", args...).Scan(&id))
		return id
	}
	nullDay := func(s string) any {
		if s == "" {
			return nil
		}
		return day(s)
	}
	// Assets: code, unit, kind, status, created, opened_on, closed_on, then status events.
	type ev struct{ at, from, to string }
	for _, a := range []struct {
		code, unit, kind, status, created, opened, closed string
		events                                            []ev
	}{
		{"A1", "CD-JJ", "app", "active", "2026-01-01", "", "", nil},
		{"A2", "CD-JJ", "app", "retired", "2026-01-01", "", "2026-04-10", []ev{{"2026-04-10", "active", "retired"}}},
		{"A3", "MY-FC", "group", "merged", "2026-01-01", "", "2026-05-01", []ev{{"2026-05-01", "active", "merged"}}},
		{"A4", "MY", "account", "active", "2026-04-01", "", "", nil},
		{"A5", "CD", "group", "retired", "2025-12-01", "", "2026-02-01", []ev{{"2026-02-01", "active", "retired"}}},
		{"A6", "CD-JJ", "app", "retired", "2026-01-01", "", "2026-03-15", nil},
		{"A7", "CD-JJ", "app", "retired", "2026-01-01", "", "2026-07-01", []ev{{"2026-07-01", "active", "retired"}}},
		// Created in the system after the start, but opened (启用) long before: live at the start.
		{"A8", "MY-FC", "account", "active", "2026-05-01", "2025-06-01", "", nil},
	} {
		id := exec(`INSERT INTO assets (code, kind, name, platform, unit_id, status, opened_on, closed_on, created_at, updated_at)
			VALUES ($1, $2, $3, '微信', $4, $5, $6, $7, $8, $8)`, a.code, a.kind, "资产"+a.code, b.unit[a.unit].ID, a.status,
			nullDay(a.opened), nullDay(a.closed), noon(a.created))
		for _, e := range a.events {
			exec(`INSERT INTO asset_events (asset_id, at, actor, action, from_status, to_status) VALUES ($1, $2, '测试', 'transition', $3, $4)`,
				id, noon(e.at), e.from, e.to)
		}
	}
	run := func(d string) int64 {
		return exec(`INSERT INTO analysis_runs (started_at, finished_at, check_date, actor, rules, counts) VALUES ($1, $1, $2, '测试', '[]', '{}')`,
			noon(d), day(d))
	}
	run1, run2 := run("2026-02-01"), run("2026-04-01")
	for i, f := range []struct {
		unit, status string
		resolved     int64
		decided      string
	}{
		{"CD-JJ", "new", 0, ""},                 // open
		{"CD", "confirmed", run2, ""},           // gone after the start: closed
		{"MY", "converted", 0, "2026-04-05"},    // converted after the start: closed
		{"MY", "dismissed", run2, "2026-04-02"}, // dismissed: neither
		{"MY", "new", run1, ""},                 // gone before the start: neither
	} {
		var resolved, decided any
		if f.resolved != 0 {
			resolved = f.resolved
		}
		if f.decided != "" {
			decided = noon(f.decided)
		}
		exec(`INSERT INTO findings (rule_id, subject, kind, unit_id, severity, summary, evidence, fingerprint, disposition, status,
			first_run_id, last_run_id, resolved_run_id, decided_at) VALUES ('R', $1, 'app', $2, 'low', 's', '{}', 'fp', 'd', $3, $4, $4, $5, $6)`,
			"S"+string(rune('0'+i)), b.unit[f.unit].ID, f.status, run1, resolved, decided)
	}
	for i, l := range []struct {
		unit, status, deadline, closed, created string
	}{
		{"CD-JJ", "closed", "2026-04-30", "2026-04-20", "2026-03-10"}, // closed on time
		{"CD-JJ", "closed", "2026-04-30", "2026-05-05", "2026-03-10"}, // closed late: overdue
		{"MY-FC", "pending", "2026-05-01", "", "2026-03-20"},          // open and overdue
		{"MY-FC", "in_progress", "2026-07-01", "", "2026-03-20"},      // open, not yet due
		{"CD", "pending", "2026-02-01", "", "2026-01-15"},             // before the start: not counted
	} {
		var closed any
		if l.closed != "" {
			closed = noon(l.closed)
		}
		exec(`INSERT INTO ledger_items (number, source, unit_id, title, responsible_person_id, deadline, status, closed_at, created_by, created_at, updated_by, updated_at)
			VALUES ($1, 'self_check', $2, '问题', $3, $4, $5, $6, '测试', $7, '测试', $7)`,
			"ZG-2026-000"+string(rune('1'+i)), b.unit[l.unit].ID, people[l.unit], day(l.deadline), l.status, closed, noon(l.created))
	}
	clock := noon("2026-02-20")
	cs := campaign.New(db)
	cs.Now = func() time.Time { return clock }
	c, err := cs.Create(b.ctx, org.System, campaign.Input{Name: "2026年专项整治", Year: 2026, UnitID: b.unit["ROOT"].ID, Phases: []campaign.PhaseDates{
		{Start: day("2026-03-01"), End: day("2026-03-31")}, {Start: day("2026-04-01"), End: day("2026-05-31")},
		{Start: day("2026-06-01"), End: day("2026-07-31")}, {Start: day("2026-08-01"), End: day("2026-08-31")}}})
	storetest.Must(t, err)
	b.c = c
	t1, err := cs.CreateTask(b.ctx, org.System, c.ID, campaign.TaskInput{Phase: campaign.SelfCheck, Kind: campaign.KindSelfCheck, Title: "自查报告",
		Due: day("2026-04-30"), UnitKinds: []org.UnitKind{org.Brigade}})
	storetest.Must(t, err)
	_, err = cs.CreateTask(b.ctx, org.System, c.ID, campaign.TaskInput{Phase: campaign.Rectify, Kind: campaign.KindProgress, Title: "整改进展",
		Due: day("2026-07-15"), UnitKinds: []org.UnitKind{org.Detachment}})
	storetest.Must(t, err)
	clock = noon("2026-04-20")
	_, err = cs.Submit(b.ctx, org.System, campaign.SubmissionInput{TaskID: t1.ID, UnitID: b.unit["CD-JJ"].ID,
		Documents: []campaign.DocumentInput{{Name: "自查.pdf", Data: []byte("%PDF-1.4 test")}}})
	storetest.Must(t, err)
	return b
}

func TestEvaluate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := build(t, db)
		asOf := noon("2026-06-15")
		e, err := evaluate.Evaluate(b.ctx, db, org.System, b.c, asOf)
		storetest.Must(t, err)
		if e.Root.ID != b.unit["ROOT"].ID || len(e.Units) != 2 {
			t.Fatalf("root %s with %d units, want ROOT with CD and MY", e.Root.Code, len(e.Units))
		}
		if !e.Start.Equal(day("2026-03-01")) {
			t.Errorf("start = %s", e.Start)
		}
		nan := math.NaN()
		want := map[string]evaluate.Figures{
			"ROOT": {AppsStart: 4, GroupsStart: 1, AccountsStart: 1, AppsNow: 2, AccountsNow: 2, Retired: 2, Merged: 1,
				BurdenBefore: nan, BurdenAfter: nan, FindingsOpen: 1, FindingsClosed: 2,
				LedgerTotal: 4, LedgerClosed: 2, LedgerClosedOnTime: 1, LedgerOverdue: 2, LedgerOpenOverdue: 1,
				Submitted: 1, Missing: 1, Pending: 2},
			"CD": {AppsStart: 4, AppsNow: 2, Retired: 2, BurdenBefore: nan, BurdenAfter: nan, FindingsOpen: 1, FindingsClosed: 1,
				LedgerTotal: 2, LedgerClosed: 2, LedgerClosedOnTime: 1, LedgerOverdue: 1, Submitted: 1, Pending: 1},
			"MY": {GroupsStart: 1, AccountsStart: 1, AccountsNow: 2, Merged: 1, BurdenBefore: nan, BurdenAfter: nan, FindingsClosed: 1,
				LedgerTotal: 2, LedgerOverdue: 1, LedgerOpenOverdue: 1, Missing: 1, Pending: 1},
		}
		check := func(name string, got, want evaluate.Figures) {
			t.Helper()
			if !math.IsNaN(got.BurdenBefore) || !math.IsNaN(got.BurdenAfter) {
				t.Errorf("%s: burden %v → %v without activity data, want NaN", name, got.BurdenBefore, got.BurdenAfter)
			}
			got.BurdenBefore, got.BurdenAfter, want.BurdenBefore, want.BurdenAfter = 0, 0, 0, 0
			if got != want {
				t.Errorf("%s:\n got %+v\nwant %+v", name, got, want)
			}
		}
		check("ROOT", e.Total, want["ROOT"])
		for _, u := range e.Units {
			check(u.Code, u.Figures, want[u.Code])
		}
		if e.Total.LiveStart() != 6 || e.Total.LiveNow() != 4 {
			t.Errorf("live %d → %d, want 6 → 4", e.Total.LiveStart(), e.Total.LiveNow())
		}

		m := evaluate.Metrics(e)
		if len(m) != 2 || m[1].UnitName != "绵阳市消防救援支队" || m[1].LedgerOverdue != 1 || m[1].MissingSubmissions != 1 ||
			m[1].AssetsMerged != 1 || m[0].AssetsRetired != 2 || m[0].BurdenBefore != 0 {
			t.Errorf("metrics = %+v", m)
		}

		// A 支队 liaison sees their 支队 as the root and its 大队 as the row.
		cd := org.Principal{Name: "成都联络员", Roles: []org.Role{org.RoleLiaison},
			Scope: org.Scope{UnitID: b.unit["CD"].ID, Path: b.unit["CD"].Path}}
		e2, err := evaluate.Evaluate(b.ctx, db, cd, b.c, asOf)
		storetest.Must(t, err)
		if e2.Root.Code != "CD" || len(e2.Units) != 1 || e2.Units[0].Code != "CD-JJ" {
			t.Fatalf("CD's evaluation: root %s, units %+v", e2.Root.Code, e2.Units)
		}
		check("CD as root", e2.Total, want["CD"])
		if e2.Units[0].Submitted != 1 || e2.Units[0].AppsStart != 4 || e2.Units[0].LedgerTotal != 2 {
			t.Errorf("CD-JJ: %+v", e2.Units[0].Figures)
		}
		// Outside the campaign's tree nothing is seen.
		other := org.Principal{Name: "x", Roles: []org.Role{org.RoleLiaison}, Scope: org.Scope{UnitID: 999, Path: "/999/"}}
		if _, err := evaluate.Evaluate(b.ctx, db, other, b.c, asOf); err == nil {
			t.Error("a caller outside the campaign's tree got an evaluation")
		}
	})
}
