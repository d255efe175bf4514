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
