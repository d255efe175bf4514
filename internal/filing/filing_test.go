package filing_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/campaign"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/filing"
	"github.com/jianfu-gov/jianfu/internal/inspect"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/rectify"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

func TestMain(m *testing.M) {
	auth.Cost = auth.Cheap
	os.Exit(m.Run())
}

// env is a small bureau built through org and catalog as the system:
//
//	ZD 总队 ─┬─ BGS 办公室 (the office and two inspectors)
//	         └─ ZD-A 支队 ─┬─ DD-A 大队 (people P-A, P-A2; groups GRP-OWNED, owned by P-A, and GRP-NONE)
//	                       └─ DD-B 大队 (person P-B; its liaison)
type env struct {
	ctx     context.Context
	db      *store.DB
	units   map[string]int64
	people  map[string]int64
	office  org.Principal
	liaison org.Principal // of DD-B
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := &env{ctx: context.Background(), db: db, units: map[string]int64{}, people: map[string]int64{}}
	st := &org.Store{DB: db}
	for _, u := range []struct{ code, kind, parent string }{
		{"ZD", "corps", ""}, {"BGS", "department", "ZD"}, {"ZD-A", "detachment", "ZD"}, {"DD-A", "brigade", "ZD-A"}, {"DD-B", "brigade", "ZD-A"},
	} {
		unit, err := st.CreateUnit(e.ctx, org.System, org.UnitInput{Code: u.code, Name: "单位" + u.code, Kind: org.UnitKind(u.kind), ParentID: e.units[u.parent]})
		storetest.Must(t, err)
		e.units[u.code] = unit.ID
	}
	for _, p := range []struct{ code, unit string }{{"P-A", "DD-A"}, {"P-A2", "DD-A"}, {"P-B", "DD-B"}} {
		person, err := st.CreatePerson(e.ctx, org.System, org.PersonInput{Code: p.code, Name: "人员" + p.code, UnitID: e.units[p.unit]})
		storetest.Must(t, err)
		e.people[p.code] = person.ID
	}
	user := func(name, unit string, role org.Role) org.Principal {
		u, err := st.CreateUser(e.ctx, org.System, org.UserInput{Username: name, DisplayName: name, UnitID: e.units[unit], Roles: []org.Role{role}}, "$argon2id$test$hash")
		storetest.Must(t, err)
		u, err = org.LoadUser(e.ctx, db, u.ID)
		storetest.Must(t, err)
		return u.Principal()
	}
	e.office = user("office", "BGS", org.RoleOffice)
	e.liaison = user("liaison-b", "DD-B", org.RoleLiaison)
	user("inspector-1", "BGS", org.RoleInspector)
	user("inspector-2", "BGS", org.RoleInspector)
	cat := &catalog.Store{DB: db}
	for code, owner := range map[string]int64{"GRP-OWNED": e.people["P-A"], "GRP-NONE": 0} {
		_, err := cat.Create(e.ctx, org.System, catalog.Input{Code: code, Kind: catalog.Group, Name: "工作群" + code, Platform: catalog.Platforms[catalog.Group][0],
			UnitID: e.units["DD-A"], OwnerPersonID: owner, Purpose: "日常工作"})
		storetest.Must(t, err)
	}
	return e
}

// failures runs a plan of kind over DD-A's groups, with a checklist item longer than a ledger
// title, and records a failure on each; it returns the plan and the failed results by asset code.
func (e *env) failures(t *testing.T, kind inspect.PlanKind) (int64, map[string]int64) {
	t.Helper()
	pl, err := inspect.CreatePlan(e.ctx, e.db, org.System, inspect.PlanInput{UnitID: e.units["ZD"], Name: "计划" + string(kind), Kind: kind,
		Period: "2026年第四季度", AssetKinds: []catalog.Kind{catalog.Group}, Ratio: 1,
		Items: []inspect.ItemInput{{Code: "C1", Text: "是否强制打卡" + strings.Repeat("长", 300)}}})
	storetest.Must(t, err)
	_, err = inspect.RunDraw(e.ctx, e.db, org.System, pl.ID, inspect.DrawOptions{Seed: "种子"})
	storetest.Must(t, err)
	storetest.Must(t, inspect.Start(e.ctx, e.db, org.System, pl.ID))
	ts, err := inspect.Targets(e.ctx, e.db, org.System, pl.ID)
	storetest.Must(t, err)
	out := map[string]int64{}
	for _, x := range ts {
		res, err := inspect.RecordResult(e.ctx, e.db, org.System, inspect.ResultInput{TargetID: x.ID, ItemID: pl.Items[0].ID, Outcome: inspect.Fail,
			Note: x.AssetCode + " 每日打卡"})
		storetest.Must(t, err)
		out[x.AssetCode] = res.ID
	}
	return pl.ID, out
}

func (e *env) ledgerItems(t *testing.T) int {
	t.Helper()
	var n int
	storetest.Must(t, e.db.QueryRowContext(e.ctx, `SELECT count(*) FROM ledger_items`).Scan(&n))
	return n
}

// wantErr checks err's kind, field and that its message says want.
func wantErr(t *testing.T, err error, kind errs.Kind, field, want string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != kind || e.Field != field || !strings.Contains(e.Msg, want) {
		t.Errorf("error %v, want kind %v field %q saying %q", err, kind, field, want)
	}
}

func TestInspectionFailure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		spot, spotFails := e.failures(t, inspect.SpotCheck)
		insp, inspFails := e.failures(t, inspect.Inspection)

		for _, c := range []struct {
			name         string
			plan, result int64
			o            filing.Options
			source       rectify.Source
			person       int64
		}{
			{"a spot check, the asset's accountable person", spot, spotFails["GRP-OWNED"], filing.Options{}, rectify.SourceSpotCheck, e.people["P-A"]},
			{"an inspection, the person named", insp, inspFails["GRP-NONE"], filing.Options{ResponsiblePersonID: e.people["P-A2"], Workdays: 3}, rectify.SourceInspection, e.people["P-A2"]},
			{"a person named instead of the accountable one", insp, inspFails["GRP-OWNED"], filing.Options{ResponsiblePersonID: e.people["P-A2"]}, rectify.SourceInspection, e.people["P-A2"]},
		} {
			t.Run(c.name, func(t *testing.T) {
				it, err := filing.InspectionFailure(e.ctx, db, e.office, c.plan, c.result, c.o)
				if err != nil {
					t.Fatal(err)
				}
				if it.Source != c.source || it.ResponsiblePersonID != c.person || it.UnitID != e.units["DD-A"] || it.AssetID == 0 ||
					utf8.RuneCountInString(it.Title) != rectify.MaxTitle || !strings.HasPrefix(it.Title, "是否强制打卡") || !strings.HasSuffix(it.Title, "…") ||
					!strings.Contains(it.Description, "每日打卡") || !strings.Contains(it.Description, "检查事项 C1") {
					t.Errorf("item %+v", it)
				}
				fails, err := inspect.FailedItems(e.ctx, db, c.plan)
				storetest.Must(t, err)
				for _, f := range fails {
					if f.ResultID == c.result && f.LedgerRef != it.Number {
						t.Errorf("result %d marked %q, want %q", f.ResultID, f.LedgerRef, it.Number)
					}
				}
				// Filed once.
				_, err = filing.InspectionFailure(e.ctx, db, e.office, c.plan, c.result, c.o)
				wantErr(t, err, errs.Conflict, "", it.Number)
			})
		}

		n := e.ledgerItems(t)
		for _, c := range []struct {
			name         string
			p            org.Principal
			plan, result int64
			o            filing.Options
			kind         errs.Kind
			field, msg   string
		}{
			{"no accountable person and none named", e.office, spot, spotFails["GRP-NONE"], filing.Options{}, errs.Invalid, "responsible_person_id", "没有登记责任人"},
			{"a person of another unit", e.office, spot, spotFails["GRP-NONE"], filing.Options{ResponsiblePersonID: e.people["P-B"]}, errs.Invalid, "responsible_person_id", ""},
			{"a deadline over a year", e.office, spot, spotFails["GRP-NONE"], filing.Options{ResponsiblePersonID: e.people["P-A"], Workdays: 300}, errs.Invalid, "deadline_workdays", "250"},
			{"a plan outside the caller's scope", e.liaison, spot, spotFails["GRP-NONE"], filing.Options{ResponsiblePersonID: e.people["P-A"]}, errs.NotFound, "", ""},
			{"a result of another plan", e.office, insp, spotFails["GRP-NONE"], filing.Options{ResponsiblePersonID: e.people["P-A"]}, errs.NotFound, "", "没有这一项"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := filing.InspectionFailure(e.ctx, db, c.p, c.plan, c.result, c.o)
				wantErr(t, err, c.kind, c.field, c.msg)
			})
		}
		if got := e.ledgerItems(t); got != n {
			t.Errorf("refused filings created %d ledger items", got-n)
		}
	})
}

func TestSelfCheckProblem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		st := campaign.New(db)
		today := tz.Today()
		phases := []campaign.PhaseDates{{Start: today.AddDate(0, 0, -10), End: today.AddDate(0, 0, 10)}}
		for i := 1; i < 4; i++ {
			phases = append(phases, campaign.PhaseDates{Start: today.AddDate(0, 0, 1+10*i), End: today.AddDate(0, 0, 10+10*i)})
		}
		var ids []int64
		for _, name := range []string{"减负专项行动", "另一专项行动"} {
			c, err := st.Create(e.ctx, org.System, campaign.Input{Name: name, Year: today.Year(), UnitID: e.units["ZD-A"], Phases: phases})
			storetest.Must(t, err)
			ids = append(ids, c.ID)
		}
		task, err := st.CreateTask(e.ctx, org.System, ids[0], campaign.TaskInput{Phase: campaign.Mobilize, Kind: campaign.KindSelfCheck, Title: "自查报告",
			Due: today.AddDate(0, 0, 5), UnitKinds: []org.UnitKind{org.Brigade}})
		storetest.Must(t, err)
		sub, err := st.Submit(e.ctx, org.System, campaign.SubmissionInput{TaskID: task.ID, UnitID: e.units["DD-A"],
			Documents: []campaign.DocumentInput{{Name: "自查报告.pdf", Data: []byte("%PDF-1.4\n%%EOF\n")}},
			Problems:  []campaign.ProblemInput{{Title: "值班群每日打卡", Description: "要求每日打卡", AssetCode: "GRP-NONE", Measures: "取消打卡"}}})
		storetest.Must(t, err)
		pid := sub.Problems[0].ID
		named := filing.Options{ResponsiblePersonID: e.people["P-A2"]}

		for _, c := range []struct {
			name       string
			p          org.Principal
			campaign   int64
			o          filing.Options
			kind       errs.Kind
			field, msg string
		}{
			{"a liaison", e.liaison, ids[0], named, errs.Forbidden, "", "办公室"},
			{"under another campaign", e.office, ids[1], named, errs.NotFound, "", "报送记录"},
			{"no person named", e.office, ids[0], filing.Options{}, errs.Invalid, "responsible_person_id", "责任人"},
			{"a person of another unit", e.office, ids[0], filing.Options{ResponsiblePersonID: e.people["P-B"]}, errs.Invalid, "responsible_person_id", ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := filing.SelfCheckProblem(e.ctx, db, c.p, c.campaign, sub.ID, pid, c.o)
				wantErr(t, err, c.kind, c.field, c.msg)
			})
		}
		if n := e.ledgerItems(t); n != 0 {
			t.Fatalf("refused filings created %d ledger items", n)
		}

		it, err := filing.SelfCheckProblem(e.ctx, db, e.office, ids[0], sub.ID, pid, named)
		if err != nil {
			t.Fatal(err)
		}
		if it.Source != rectify.SourceSelfCheck || it.UnitID != e.units["DD-A"] || it.Title != "值班群每日打卡" || it.Measures != "取消打卡" ||
			it.ResponsiblePersonID != e.people["P-A2"] || !strings.Contains(it.Description, "相关资产:GRP-NONE") ||
			!strings.Contains(it.Description, "来源:减负专项行动 自查报告") {
			t.Errorf("item %+v", it)
		}
		got, err := st.Submission(e.ctx, org.System, sub.ID)
		storetest.Must(t, err)
		if got.Problems[0].LedgerRef != it.Number {
			t.Errorf("problem marked %q, want %q", got.Problems[0].LedgerRef, it.Number)
		}
		_, err = filing.SelfCheckProblem(e.ctx, db, e.office, ids[0], sub.ID, pid, named)
		wantErr(t, err, errs.Conflict, "", it.Number)
		if n := e.ledgerItems(t); n != 1 {
			t.Errorf("%d ledger items, want 1", n)
		}
	})
}
