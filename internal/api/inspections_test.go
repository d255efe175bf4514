package api

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/inspect"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/rectify"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// addInspectors adds two inspectors in the bureau's departments, inspX (信息通信处) and inspY
// (新闻宣传处), with sessions and tokens: with the fixture's inspector of 甲市支队, who must recuse
// from that 支队's assets, every group of the fixture has two inspectors who may inspect it.
func (fx *fixture) addInspectors(t *testing.T) {
	t.Helper()
	if _, ok := fx.users["inspX"]; ok {
		return
	}
	hash, err := auth.HashPassword(testPassword)
	storetest.Must(t, err)
	for key, unit := range map[string]string{"inspX": "XXC", "inspY": "XCC"} {
		u, err := fx.api.Org.CreateUser(context.Background(), org.System, org.UserInput{Username: "t-" + strings.ToLower(key),
			DisplayName: "检查员" + key, UnitID: fx.units[unit].ID, Roles: []org.Role{org.RoleInspector}}, hash)
		storetest.Must(t, err)
		_, err = fx.db.ExecContext(context.Background(), `UPDATE users SET must_change_password = FALSE WHERE id = $1`, u.ID)
		storetest.Must(t, err)
		fx.users[key] = u
		fx.creds[key] = fx.login(t, key)
	}
}

// planInput is a spot check of every live group of the bureau, run by the 总队, with a
// checklist of two items.
func planInput(fx *fixture, name string) inspect.PlanInput {
	return inspect.PlanInput{UnitID: fx.units["ZD"].ID, Name: name, Kind: inspect.SpotCheck, Period: "2026年第四季度",
		AssetKinds: []catalog.Kind{catalog.Group}, Ratio: 1, Items: []inspect.ItemInput{{Code: "C1", Text: "是否强制打卡"}, {Code: "C2", Text: "是否指定群主"}}}
}

// newPlan records a draft plan as the system, drawn and started as far as status says.
func (fx *fixture) newPlan(t *testing.T, name string, status inspect.Status) inspect.Plan {
	t.Helper()
	fx.addInspectors(t)
	ctx := context.Background()
	pl, err := inspect.CreatePlan(ctx, fx.db, org.System, planInput(fx, name))
	storetest.Must(t, err)
	if status == inspect.Drawn || status == inspect.InProgress {
		_, err = inspect.RunDraw(ctx, fx.db, org.System, pl.ID, inspect.DrawOptions{Seed: "seed-" + name})
		storetest.Must(t, err)
	}
	if status == inspect.InProgress {
		storetest.Must(t, inspect.Start(ctx, fx.db, org.System, pl.ID))
	}
	pl.Status = status
	return pl
}

// runningPlan returns the fixture's plan in progress, recording it on first use.
func (fx *fixture) runningPlan(t *testing.T) int64 {
	t.Helper()
	var id int64
	err := fx.db.QueryRowContext(context.Background(), `SELECT id FROM inspection_plans WHERE name = '运行中的抽查'`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return fx.newPlan(t, "运行中的抽查", inspect.InProgress).ID
	}
	storetest.Must(t, err)
	return id
}

// planTarget returns the target of a plan on the fixture asset code.
func (fx *fixture) planTarget(t *testing.T, planID int64, code string) inspect.Target {
	t.Helper()
	ts, err := inspect.Targets(context.Background(), fx.db, org.System, planID)
	storetest.Must(t, err)
	for _, x := range ts {
		if x.AssetCode == code {
			return x
		}
	}
	t.Fatalf("plan %d has no target %s", planID, code)
	return inspect.Target{}
}

func runningPlanPath(suffix string) func(*testing.T, *fixture, string) string {
	return func(t *testing.T, fx *fixture, _ string) string {
		return fmt.Sprintf("/api/v1/inspections/%d%s", fx.runningPlan(t), suffix)
	}
}

// freshPlan records a plan in status for each caller.
func freshPlan(status inspect.Status, suffix string) func(*testing.T, *fixture, string) string {
	return func(t *testing.T, fx *fixture, key string) string {
		return fmt.Sprintf("/api/v1/inspections/%d%s", fx.newPlan(t, "计划-"+key+suffix, status).ID, suffix)
	}
}

// resultBody records a pass for GRP-A1's first checklist item in the running plan: 甲市支队's
// inspector is recused from it, so only the managers (and the two inspectors drawn) may.
func resultBody(fx *fixture, _ string) any {
	// runningPlan has run: the path builder comes first.
	var planID int64
	if err := fx.db.QueryRowContext(context.Background(), `SELECT id FROM inspection_plans WHERE name = '运行中的抽查'`).Scan(&planID); err != nil {
		panic(err)
	}
	pl, err := inspect.GetPlan(context.Background(), fx.db, org.System, planID)
	if err != nil {
		panic(err)
	}
	ts, err := inspect.Targets(context.Background(), fx.db, org.System, planID)
	if err != nil {
		panic(err)
	}
	for _, x := range ts {
		if x.AssetCode == "GRP-A1" {
			return map[string]any{"target_id": x.ID, "item_id": pl.Items[0].ID, "outcome": "pass"}
		}
	}
	panic("no target GRP-A1")
}

// failedResult records, as the system, a failure of the first checklist item on the target of
// plan planID on the fixture asset code.
func (fx *fixture) failedResult(t *testing.T, planID int64, code string) inspect.Result {
	t.Helper()
	ctx := context.Background()
	pl, err := inspect.GetPlan(ctx, fx.db, org.System, planID)
	storetest.Must(t, err)
	res, err := inspect.RecordResult(ctx, fx.db, org.System, inspect.ResultInput{TargetID: fx.planTarget(t, planID, code).ID,
		ItemID: pl.Items[0].ID, Outcome: inspect.Fail, Note: "群内每日要求打卡"})
	storetest.Must(t, err)
	return res
}

// freshFailure records a plan in progress with a failure on GRP-A1 (甲一站's group) for each
// caller to file.
func freshFailure(t *testing.T, fx *fixture, key string) string {
	pl := fx.newPlan(t, "转台账-"+key, inspect.InProgress)
	return fmt.Sprintf("/api/v1/inspections/%d/failed/%d/ledger", pl.ID, fx.failedResult(t, pl.ID, "GRP-A1").ID)
}

// fixtureConflict declares, as the system and on first use, that the fixture's inspector must not
// inspect 新闻宣传处.
func (fx *fixture) fixtureConflict(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	cs, err := inspect.Conflicts(ctx, fx.db, org.System, fx.users["inspector"].ID)
	storetest.Must(t, err)
	if len(cs) == 0 {
		_, err = inspect.DeclareConflict(ctx, fx.db, org.System, fx.users["inspector"].ID, fx.units["XCC"].ID, "配偶在该处室工作")
		storetest.Must(t, err)
	}
}

// conflictsPath is the conflicts list, of the fixture user who when not "".
func conflictsPath(who string) func(*testing.T, *fixture, string) string {
	return func(t *testing.T, fx *fixture, _ string) string {
		fx.fixtureConflict(t)
		if who == "" {
			return "/api/v1/inspection-conflicts"
		}
		return fmt.Sprintf("/api/v1/inspection-conflicts?user_id=%d", fx.users[who].ID)
	}
}

var inspectionScopeCases = []scopeCase{
	{name: "inspections", method: "GET", path: func(t *testing.T, fx *fixture, _ string) string {
		fx.runningPlan(t)
		return "/api/v1/inspections?limit=5"
	}, want: expect(200, "staff", 403), unitOf: "unit_id",
		check: func(t *testing.T, fx *fixture, key string, rec *httptest.ResponseRecorder) {
			var list listBody[inspect.Plan]
			decode(t, rec, &list)
			if root := strings.Contains(rootRoles, key); root != (list.Total > 0) {
				t.Errorf("plans as %s: %s", key, rec.Body)
			}
		}},
	{name: "inspection plan", method: "GET", path: runningPlanPath(""), want: expect(200, "liaisonA liaisonB reviewer inspector", 404, "staff", 403),
		check: func(t *testing.T, _ *fixture, key string, rec *httptest.ResponseRecorder) {
			var v inspectionView
			decode(t, rec, &v)
			if v.Status != inspect.InProgress || len(v.Items) != 2 || len(v.Targets) == 0 || len(v.Targets[0].Inspectors) != 2 {
				t.Errorf("plan as %s: %s", key, rec.Body)
			}
		}},
	{name: "failed items", method: "GET", path: runningPlanPath("/failed"), want: expect(200, "liaisonA liaisonB reviewer inspector", 404, "staff", 403)},
	// Declared conflicts: one's own, anyone's in scope for the office and administrators.
	{name: "own conflicts", method: "GET", path: conflictsPath(""), want: expect(200),
		totals: per(rootRoles+" liaisonA liaisonB reviewer staff", 0, "inspector", 1)},
	{name: "the inspector's conflicts", method: "GET", path: conflictsPath("inspector"), want: expect(403, "admin office inspector", 200),
		totals: per("admin office inspector", 1)},
	{name: "draw", method: "GET", path: func(t *testing.T, fx *fixture, _ string) string {
		var id int64
		storetest.Must(t, fx.db.QueryRowContext(context.Background(), `SELECT id FROM inspection_draws WHERE plan_id = $1`, fx.runningPlan(t)).Scan(&id))
		return fmt.Sprintf("/api/v1/draws/%d", id)
	}, want: expect(200),
		check: func(t *testing.T, _ *fixture, key string, rec *httptest.ResponseRecorder) {
			var v drawView
			decode(t, rec, &v)
			if !v.Verified || v.Seed != "seed-运行中的抽查" || len(v.Targets) == 0 {
				t.Errorf("draw as %s: %s", key, rec.Body)
			}
		}},

	// Writes.
	{name: "create plan", method: "POST", path: fixed("/api/v1/inspections"),
		body: func(fx *fixture, key string) any { return planInput(fx, "新计划"+key) }, want: expect(403, "admin office", 201)},
	{name: "run the draw", method: "POST", path: freshPlan(inspect.Draft, "/draw"),
		body: func(*fixture, string) any { return map[string]string{"seed": "公开的种子"} }, want: expect(403, "admin office", 201)},
	{name: "start the inspection", method: "POST", path: freshPlan(inspect.Drawn, "/start"), want: expect(403, "admin office", 200)},
	{name: "finish with results missing", method: "POST", path: runningPlanPath("/finish"), want: expect(403, "admin office", 409)},
	{name: "record a result", method: "POST", path: runningPlanPath("/results"), body: resultBody, want: expect(403, "admin office", 200)},
	// The plan is the 总队's: outside the scope of the 大队, 处室 and the 支队's inspector it is not
	// found; of those who see it, the ledger's recording roles may file.
	{name: "file a failed item", method: "POST", path: freshFailure,
		body: func(fx *fixture, _ string) any {
			return map[string]any{"responsible_person_id": fx.people["P-A1-1"].ID, "deadline_workdays": 5}
		},
		want: expect(404, "admin office lead", 201, "support staff", 403),
		check: func(t *testing.T, fx *fixture, key string, rec *httptest.ResponseRecorder) {
			var it rectify.Item
			decode(t, rec, &it)
			if it.Source != rectify.SourceSpotCheck || it.UnitID != fx.units["ZA-1"].ID || it.ResponsiblePersonID != fx.people["P-A1-1"].ID ||
				rec.Header().Get("Location") != fmt.Sprintf("/api/v1/ledger/%d", it.ID) {
				t.Errorf("filed as %s: %s", key, rec.Body)
			}
		}},
	{name: "declare own conflict", method: "POST", path: fixed("/api/v1/inspection-conflicts"),
		body: func(fx *fixture, _ string) any {
			return map[string]any{"unit_id": fx.units["BGS"].ID, "reason": "曾在该单位任职"}
		},
		want: expect(403, "admin office inspector", 201)},
	{name: "declare for the inspector", method: "POST", path: fixed("/api/v1/inspection-conflicts"),
		body: func(fx *fixture, key string) any {
			unit := map[string]string{"admin": "DD-A", "office": "DD-B"}[key]
			if unit == "" {
				unit = "ZB-1"
			}
			return map[string]any{"user_id": fx.users["inspector"].ID, "unit_code": unit, "reason": "亲属在该单位"}
		},
		want: expect(403, "admin office inspector", 201),
		check: func(t *testing.T, fx *fixture, key string, rec *httptest.ResponseRecorder) {
			var c inspect.Conflict
			decode(t, rec, &c)
			if c.UserID != fx.users["inspector"].ID || c.UnitID == 0 || c.CreatedBy != fx.users[key].DisplayName {
				t.Errorf("declared as %s: %s", key, rec.Body)
			}
		}},
}

// TestInspectionFlow plans, draws, starts and inspects through the API on both engines.
func TestInspectionFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		fx.addAssets(t)
		fx.addInspectors(t)
		do := func(key string, r req, want int) *httptest.ResponseRecorder {
			t.Helper()
			rec := fx.do(t, key, byToken, r)
			if rec.Code != want {
				t.Fatalf("%s %s as %s = %d, want %d: %s", r.method, r.path, key, rec.Code, want, rec.Body)
			}
			return rec
		}
		rec := do("office", req{method: "POST", path: "/api/v1/inspections", body: map[string]any{"unit_id": fx.units["ZD"].ID, "name": "群组抽查",
			"kind": "spot", "period": "2026年第四季度", "asset_kinds": []string{"group"}, "ratio": 1,
			"items": []map[string]string{{"code": "C1", "text": "是否强制打卡"}, {"code": "C2", "text": "是否指定群主"}}}}, 201)
		var pl inspect.Plan
		decode(t, rec, &pl)
		path := rec.Header().Get("Location")
		if pl.Status != inspect.Draft || len(pl.Items) != 2 || pl.RatioBP != 10000 || path != fmt.Sprintf("/api/v1/inspections/%d", pl.ID) {
			t.Fatalf("created: %s", rec.Body)
		}
		do("liaisonA", req{method: "GET", path: path}, 404)
		do("staff", req{method: "GET", path: path}, 403)

		// The draw: stored, verified, published; once per plan.
		rec = do("office", req{method: "POST", path: path + "/draw", body: map[string]string{"seed": "2026-11-30 双色球"}}, 201)
		var dv drawView
		decode(t, rec, &dv)
		if !dv.Verified || dv.Seed != "2026-11-30 双色球" || dv.PlanID != pl.ID || len(dv.Targets) != 4 || dv.Ratio != "100%" {
			t.Fatalf("draw: %s", rec.Body)
		}
		do("office", req{method: "POST", path: path + "/draw", body: map[string]string{}}, 409)
		var pub drawView
		decode(t, do("staff", req{method: "GET", path: rec.Header().Get("Location")}, 200), &pub)
		if pub.DrawID != dv.DrawID || !pub.Verified || pub.Seed != dv.Seed {
			t.Errorf("published draw: %+v", pub)
		}
		do("anon", req{method: "GET", path: rec.Header().Get("Location")}, 401)

		// Results need the inspection started, and come from the target's own inspectors.
		target := fx.planTarget(t, pl.ID, "GRP-A1")
		var assigned string
		for _, x := range target.Inspectors {
			for key, u := range fx.users {
				if u.ID == x.UserID && strings.HasPrefix(key, "insp") {
					assigned = key
				}
			}
		}
		if assigned == "" || len(target.Inspectors) != 2 {
			t.Fatalf("GRP-A1's inspectors: %+v", target.Inspectors)
		}
		fail := map[string]any{"target_id": target.ID, "item_id": pl.Items[0].ID, "outcome": "fail", "note": "群内每日要求打卡"}
		do(assigned, req{method: "POST", path: path + "/results", body: fail}, 409)
		if rec := do("office", req{method: "POST", path: path + "/start"}, 200); !strings.Contains(rec.Body.String(), `"in_progress"`) {
			t.Errorf("start: %s", rec.Body)
		}
		do("inspector", req{method: "POST", path: path + "/results", body: fail}, 403) // recused from 甲一站, so not drawn
		noNote := map[string]any{"target_id": target.ID, "item_id": pl.Items[0].ID, "outcome": "fail"}
		if e := errorOf(t, do(assigned, req{method: "POST", path: path + "/results", body: noNote}, 400)); e.Field != "note" {
			t.Errorf("fail without a note: %+v", e)
		}
		var res inspect.Result
		decode(t, do(assigned, req{method: "POST", path: path + "/results", body: fail}, 200), &res)
		if res.Outcome != inspect.Fail || res.ByUserID != fx.users[assigned].ID || res.ItemCode != "C1" {
			t.Errorf("result: %+v", res)
		}
		other := fx.newPlan(t, "另一计划", inspect.InProgress)
		if e := errorOf(t, do("office", req{method: "POST", path: fmt.Sprintf("/api/v1/inspections/%d/results", other.ID), body: fail}, 400)); e.Field != "target_id" {
			t.Errorf("target of another plan: %+v", e)
		}

		var failed failedView
		decode(t, do("lead", req{method: "GET", path: path + "/failed"}, 200), &failed)
		if len(failed.Items) != 1 || failed.Items[0].AssetCode != "GRP-A1" || failed.Items[0].Note != "群内每日要求打卡" {
			t.Errorf("failed items: %+v", failed)
		}
		do("office", req{method: "POST", path: path + "/finish"}, 409)

		var list listBody[inspect.Plan]
		decode(t, do("admin", req{method: "GET", path: "/api/v1/inspections?limit=1&offset=1"}, 200), &list)
		if list.Total != 2 || len(list.Items) != 1 || list.Items[0].ID != pl.ID || len(list.Items[0].Items) != 0 {
			t.Errorf("plans: %+v", list)
		}
	})
}

// planURL is the API path of the fixture plan named name, with suffix; request builders without
// a *testing.T use it, so it panics.
func planURL(fx *fixture, name, suffix string) string {
	var id int64
	if err := fx.db.QueryRowContext(context.Background(), `SELECT id FROM inspection_plans WHERE name = $1`, name).Scan(&id); err != nil {
		panic(fmt.Sprintf("plan %s: %v", name, err))
	}
	return fmt.Sprintf("/api/v1/inspections/%d%s", id, suffix)
}

// planTargetItem returns the first target and the first checklist item of the plan named name.
func planTargetItem(fx *fixture, name string) (target, item int64) {
	err := fx.db.QueryRowContext(context.Background(), `SELECT t.id, i.id FROM inspection_plans p JOIN inspection_targets t ON t.plan_id = p.id
		JOIN inspection_items i ON i.plan_id = p.id WHERE p.name = $1 ORDER BY t.id, i.seq LIMIT 1`, name).Scan(&target, &item)
	if err != nil {
		panic(fmt.Sprintf("target of plan %s: %v", name, err))
	}
	return target, item
}

// drawURL is the path of the draw of the plan named name.
func drawURL(fx *fixture, name string) string {
	var id int64
	if err := fx.db.QueryRowContext(context.Background(), `SELECT d.id FROM inspection_draws d JOIN inspection_plans p ON p.id = d.plan_id
		WHERE p.name = $1`, name).Scan(&id); err != nil {
		panic(fmt.Sprintf("draw of plan %s: %v", name, err))
	}
	return fmt.Sprintf("/api/v1/draws/%d", id)
}

// TestFileInspectionFailure files failed checklist items in the ledger through the API on both
// engines: refused calls create nothing, the first filing creates the item and marks the result,
// the second is a conflict naming the item.
func TestFileInspectionFailure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		fx.addAssets(t)
		pl := fx.newPlan(t, "转台账抽查", inspect.InProgress)
		owned := fx.failedResult(t, pl.ID, "GRP-ZDA") // 王支 is its accountable person
		orphan := fx.failedResult(t, pl.ID, "GRP-A2") // nobody is
		path := func(res inspect.Result) string {
			return fmt.Sprintf("/api/v1/inspections/%d/failed/%d/ledger", pl.ID, res.ID)
		}
		ledgerItems := func() int {
			var n int
			storetest.Must(t, db.QueryRowContext(context.Background(), `SELECT count(*) FROM ledger_items`).Scan(&n))
			return n
		}

		before := ledgerItems()
		for _, c := range []struct {
			name, key string
			res       inspect.Result
			body      map[string]any
			status    int
			field     string
		}{
			{"a 大队 liaison outside the plan's scope", "liaisonA", owned, map[string]any{}, 404, ""},
			{"the 支队's inspector outside the plan's scope", "inspector", owned, map[string]any{}, 404, ""},
			{"frontline staff", "staff", owned, map[string]any{}, 403, ""},
			{"support, who sees the plan but may not record ledger items", "support", owned, map[string]any{}, 403, ""},
			{"no responsible person for an asset without one", "office", orphan, map[string]any{}, 400, "responsible_person_id"},
			{"a responsible person outside the asset's unit", "office", orphan, map[string]any{"responsible_person_id": fx.people["P-B1-1"].ID}, 400, "responsible_person_id"},
			{"a deadline over a year", "office", owned, map[string]any{"deadline_workdays": 251}, 400, "deadline_workdays"},
		} {
			t.Run(c.name, func(t *testing.T) {
				rec := fx.do(t, c.key, byToken, req{method: "POST", path: path(c.res), body: c.body})
				if rec.Code != c.status {
					t.Fatalf("= %d, want %d: %s", rec.Code, c.status, rec.Body)
				}
				if e := errorOf(t, rec); e.Field != c.field {
					t.Errorf("field %q, want %q: %s", e.Field, c.field, e.Message)
				}
			})
		}
		if n := ledgerItems(); n != before {
			t.Fatalf("refused filings created %d ledger items", n-before)
		}

		// The asset's accountable person is responsible unless another is named.
		rec := fx.do(t, "office", byToken, req{method: "POST", path: path(owned), body: map[string]any{}})
		if rec.Code != 201 {
			t.Fatalf("file = %d: %s", rec.Code, rec.Body)
		}
		var it rectify.Item
		decode(t, rec, &it)
		if it.Source != rectify.SourceSpotCheck || it.UnitID != fx.units["ZD-A"].ID || it.AssetID != fx.assets["GRP-ZDA"].ID ||
			it.ResponsiblePersonID != fx.people["P-ZDA-1"].ID || it.Title != "是否强制打卡" || !strings.Contains(it.Description, "群内每日要求打卡") ||
			it.Status != rectify.Pending || rec.Header().Get("Location") != fmt.Sprintf("/api/v1/ledger/%d", it.ID) {
			t.Errorf("filed item: %s", rec.Body)
		}
		var failed failedView
		decode(t, fx.do(t, "office", byToken, req{method: "GET", path: fmt.Sprintf("/api/v1/inspections/%d/failed", pl.ID)}), &failed)
		for _, f := range failed.Items {
			if want := map[int64]string{owned.ID: it.Number}[f.ResultID]; f.LedgerRef != want {
				t.Errorf("result %d: ledger_ref %q, want %q", f.ResultID, f.LedgerRef, want)
			}
		}
		// Filed once: the second filing, by another user, is a conflict that names the item.
		rec = fx.do(t, "admin", bySession, req{method: "POST", path: path(owned), body: map[string]any{}})
		if e := errorOf(t, rec); rec.Code != 409 || !strings.Contains(e.Message, it.Number) {
			t.Errorf("filing twice = %d: %s", rec.Code, rec.Body)
		}

		// An asset without an accountable person takes the one named, with the deadline given.
		rec = fx.do(t, "lead", byToken, req{method: "POST", path: path(orphan),
			body: map[string]any{"responsible_person_id": fx.people["P-A1-2"].ID, "deadline_workdays": 3}})
		if rec.Code != 201 {
			t.Fatalf("file with a person = %d: %s", rec.Code, rec.Body)
		}
		decode(t, rec, &it)
		if it.ResponsiblePersonID != fx.people["P-A1-2"].ID || it.UnitID != fx.units["ZA-1"].ID {
			t.Errorf("filed item: %s", rec.Body)
		}
		if n := ledgerItems(); n != before+2 {
			t.Errorf("%d ledger items created, want 2", n-before)
		}
	})
}

// TestInspectionConflicts declares conflicts of interest through the API on both engines and
// reads them back: one's own as an inspector, another's as the office.
func TestInspectionConflicts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		do := func(key string, r req, want int) *httptest.ResponseRecorder {
			t.Helper()
			rec := fx.do(t, key, byToken, r)
			if rec.Code != want {
				t.Fatalf("%s %s as %s = %d, want %d: %s", r.method, r.path, key, rec.Code, want, rec.Body)
			}
			return rec
		}
		inspector := fx.users["inspector"].ID
		const path = "/api/v1/inspection-conflicts"

		// The inspector names 新闻宣传处, outside the scope, by its code.
		var c inspect.Conflict
		decode(t, do("inspector", req{method: "POST", path: path, body: map[string]any{"unit_code": "XCC", "reason": "配偶在该处室工作"}}, 201), &c)
		if c.UserID != inspector || c.UnitID != fx.units["XCC"].ID || c.UnitName != "新闻宣传处" || c.CreatedBy != "测试inspector" {
			t.Errorf("declared: %+v", c)
		}
		do("inspector", req{method: "POST", path: path, body: map[string]any{"unit_id": fx.units["XCC"].ID, "reason": "再次申报"}}, 409)
		// Only for oneself, unless one is the office.
		do("inspector", req{method: "POST", path: path, body: map[string]any{"user_id": fx.users["liaisonA"].ID, "unit_id": fx.units["XCC"].ID, "reason": "代报"}}, 403)
		do("liaisonA", req{method: "POST", path: path, body: map[string]any{"unit_id": fx.units["XCC"].ID, "reason": "亲属"}}, 403)
		decode(t, do("office", req{method: "POST", path: path, body: map[string]any{"user_id": inspector, "unit_id": fx.units["DD-B"].ID, "reason": "曾在该大队任职"}}, 201), &c)
		if c.UserID != inspector || c.CreatedBy != "测试office" {
			t.Errorf("declared by the office: %+v", c)
		}

		for _, tc := range []struct {
			name, key, path string
			status, total   int
			units           []string
		}{
			{"the inspector's own", "inspector", path, 200, 2, []string{"XCC", "DD-B"}},
			{"the inspector's, by the office", "office", fmt.Sprintf("%s?user_id=%d", path, inspector), 200, 2, []string{"XCC", "DD-B"}},
			{"the inspector's second, by the office", "office", fmt.Sprintf("%s?user_id=%d&offset=1", path, inspector), 200, 2, []string{"DD-B"}},
			{"the office's own", "office", path, 200, 0, nil},
			{"the inspector's, by a liaison", "liaisonA", fmt.Sprintf("%s?user_id=%d", path, inspector), 403, 0, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				rec := do(tc.key, req{method: "GET", path: tc.path}, tc.status)
				if tc.status != 200 {
					return
				}
				var list listBody[inspect.Conflict]
				decode(t, rec, &list)
				var got []string
				for _, x := range list.Items {
					for code, u := range fx.units {
						if u.ID == x.UnitID {
							got = append(got, code)
						}
					}
				}
				if strings.Join(got, ",") != strings.Join(tc.units, ",") || list.Total != tc.total {
					t.Errorf("conflicts %v (total %d), want %v", got, list.Total, tc.units)
				}
			})
		}
	})
}
