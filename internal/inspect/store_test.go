package inspect_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/inspect"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// fx is a small bureau: a corps with a department, three detachments (one with a brigade and a
// station), users in several roles and an inventory of live and retired assets. Rows are
// inserted directly: these tests are about inspections, not about org or catalog validation.
type fx struct {
	t     *testing.T
	ctx   context.Context
	db    *store.DB
	paths map[int64]string
	units map[string]int64
	n     int

	office     org.Principal // campaign office, whole bureau
	officeB    org.Principal // office role, scope detachment B only
	liaisonB   org.Principal // liaison of detachment B
	staff      org.Principal // frontline staff, no catalog.read
	inspectors map[string]org.Principal
}

func newFx(t *testing.T, db *store.DB) *fx {
	t.Helper()
	f := &fx{t: t, ctx: context.Background(), db: db, paths: map[int64]string{}, units: map[string]int64{}, inspectors: map[string]org.Principal{}}
	t.Cleanup(func() {
		r, err := audit.Verify(f.ctx, db)
		if err != nil {
			t.Errorf("audit.Verify: %v", err)
		} else if !r.OK() {
			t.Errorf("audit chain broken at %d: %s", r.BrokenAt, r.Reason)
		}
	})
	root := f.unit("SC", "四川省消防救援总队", "corps", 0)
	f.unit("SC-BGS", "办公室", "department", root)
	a := f.unit("SC-A", "成都支队", "detachment", root)
	f.unit("SC-B", "绵阳支队", "detachment", root)
	f.unit("SC-C", "德阳支队", "detachment", root)
	ab := f.unit("SC-A1", "锦江大队", "brigade", a)
	f.unit("SC-A1Z", "春熙路站", "station", ab)

	f.office = f.user("office", "王主任", "SC-BGS", "SC", org.RoleOffice)
	f.officeB = f.user("officeb", "赵主任", "SC-B", "SC-B", org.RoleOffice)
	f.liaisonB = f.user("liaisonb", "钱联络", "SC-B", "SC-B", org.RoleLiaison)
	f.staff = f.user("staff", "孙队员", "SC-A1Z", "SC-A1Z", org.RoleStaff)
	for _, x := range []struct{ name, unit string }{
		{"张检查", "SC-BGS"}, {"李检查", "SC-BGS"}, {"周检查", "SC-A"}, {"吴检查", "SC-A1"},
		{"郑检查", "SC-B"}, {"冯检查", "SC-C"}, {"陈检查", "SC-C"}, {"褚检查", "SC"},
	} {
		f.inspectors[x.name] = f.user("i"+fmt.Sprint(len(f.inspectors)), x.name, x.unit, x.unit, org.RoleInspector)
	}
	// 48 live assets spread over kinds and units, and retired ones that must never be drawn.
	kinds := []string{"app", "account", "group"}
	units := []string{"SC", "SC-A", "SC-B", "SC-C", "SC-A1", "SC-A1Z", "SC-BGS"}
	for i := range 48 {
		f.asset(fmt.Sprintf("AS%03d", i), kinds[i%3], units[i%len(units)], "active")
	}
	for i := range 6 {
		f.asset(fmt.Sprintf("RT%03d", i), kinds[i%3], units[i%len(units)], "retired")
	}
	return f
}

func (f *fx) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatalf("setup: %v", err)
	}
}

func (f *fx) unit(code, name, kind string, parent int64) int64 {
	f.t.Helper()
	var par any
	if parent != 0 {
		par = parent
	}
	now := store.Now()
	var id int64
	f.must(f.db.QueryRowContext(f.ctx, `INSERT INTO units (code, name, kind, parent_id, path, created_at, updated_at) VALUES ($1, $2, $3, $4, '', $5, $5) RETURNING id`,
		code, name, kind, par, now).Scan(&id))
	path := fmt.Sprintf("/%d/", id)
	if parent != 0 {
		path = f.paths[parent] + fmt.Sprint(id) + "/"
	}
	_, err := f.db.ExecContext(f.ctx, `UPDATE units SET path = $1 WHERE id = $2`, path, id)
	f.must(err)
	f.paths[id], f.units[code] = path, id
	return id
}

func (f *fx) user(username, name, unit, scope string, roles ...org.Role) org.Principal {
	f.t.Helper()
	var id int64
	now := store.Now()
	f.must(f.db.QueryRowContext(f.ctx, `INSERT INTO users (username, display_name, unit_id, scope_unit_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, username, name, f.units[unit], f.units[scope], now).Scan(&id))
	for _, r := range roles {
		_, err := f.db.ExecContext(f.ctx, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, id, string(r))
		f.must(err)
	}
	return org.Principal{UserID: id, Name: name, Roles: roles, Scope: org.Scope{UnitID: f.units[scope], Path: f.paths[f.units[scope]]}}
}

func (f *fx) asset(code, kind, unit, status string) int64 {
	f.t.Helper()
	platform := map[string]string{"app": "App", "account": "微信公众号", "group": "微信"}[kind]
	var id int64
	now := store.Now()
	f.must(f.db.QueryRowContext(f.ctx, `INSERT INTO assets (code, kind, name, platform, unit_id, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, code, kind, "资产"+code, platform, f.units[unit], status, now).Scan(&id))
	return id
}

func (f *fx) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	f.must(f.db.QueryRowContext(f.ctx, query, args...).Scan(&n))
	return n
}

var checklist = []inspect.ItemInput{
	{Code: "1", Text: "是否存在强制打卡、积分排名等功能"},
	{Code: "2", Text: "是否设置投诉建议渠道"},
	{Code: "3", Text: "近14天内是否更新"},
}

func (f *fx) plan(p org.Principal, unit string, in inspect.PlanInput) inspect.Plan {
	f.t.Helper()
	in.UnitID = f.units[unit]
	if in.Name == "" {
		in.Name = "2026年第四季度政务新媒体抽查"
	}
	if in.Kind == "" {
		in.Kind = inspect.SpotCheck
	}
	if in.Period == "" {
		in.Period = "2026年第四季度"
	}
	if in.Items == nil {
		in.Items = checklist
	}
	pl, err := inspect.CreatePlan(f.ctx, f.db, p, in)
	f.must(err)
	return pl
}

func wantKind(t *testing.T, err error, kind errs.Kind, text string) {
	t.Helper()
	if err == nil {
		t.Fatalf("succeeded, want %s error", kind.Code())
	}
	e, ok := errs.As(err)
	if !ok || e.Kind != kind || !strings.Contains(err.Error(), text) {
		t.Fatalf("got %v (kind %s), want %s mentioning %q", err, errs.KindOf(err).Code(), kind.Code(), text)
	}
}

func TestRunDrawStored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		// A conflict declared by an inspector must reach the stored inputs and be respected.
		zhou := f.inspectors["周检查"]
		_, err := inspect.DeclareConflict(f.ctx, db, zhou, zhou.UserID, f.units["SC-C"], "配偶在德阳支队工作")
		f.must(err)

		pl := f.plan(f.office, "SC", inspect.PlanInput{Ratio: 0.25})
		if pl.Status != inspect.Draft || pl.RatioBP != 2500 || pl.PerTarget != 2 || len(pl.Items) != 3 || pl.Items[2].Seq != 3 {
			t.Fatalf("new plan %+v", pl)
		}
		sd, err := inspect.RunDraw(f.ctx, db, f.office, pl.ID, inspect.DrawOptions{Seed: "2026Q4-公开"})
		if err != nil {
			t.Fatal(err)
		}
		if sd.Seed != "2026Q4-公开" || sd.Algorithm != inspect.Algorithm {
			t.Fatalf("stored draw %+v", sd)
		}
		got, err := inspect.GetPlan(f.ctx, db, f.office, pl.ID)
		f.must(err)
		if got.Status != inspect.Drawn {
			t.Errorf("plan status %s after the draw", got.Status)
		}

		var in inspect.DrawInput
		var res inspect.DrawResult
		f.must(json.Unmarshal([]byte(sd.InputsJSON), &in))
		f.must(json.Unmarshal([]byte(sd.ResultJSON), &res))
		if len(in.Candidates) != 48 || len(in.Inspectors) != 8 {
			t.Errorf("inputs: %d candidates (want the 48 live assets), %d inspectors", len(in.Candidates), len(in.Inspectors))
		}
		for _, x := range in.Inspectors {
			if x.UserID == zhou.UserID && (len(x.Conflicts) != 1 || x.Conflicts[0].UnitID != f.units["SC-C"]) {
				t.Errorf("conflict missing from the inputs: %+v", x)
			}
		}
		targets, err := inspect.Targets(f.ctx, db, f.office, pl.ID)
		f.must(err)
		if len(targets) != len(res.Targets) || len(targets) == 0 {
			t.Fatalf("%d stored targets, result has %d", len(targets), len(res.Targets))
		}
		for _, tg := range targets {
			if tg.DrawID != sd.ID || len(tg.Inspectors) != 2 || strings.HasPrefix(tg.AssetCode, "RT") {
				t.Errorf("target %+v", tg)
			}
			for _, x := range tg.Inspectors {
				if x.UserID == zhou.UserID && strings.HasPrefix(f.paths[tg.UnitID], f.paths[f.units["SC-C"]]) {
					t.Errorf("周检查 drawn for %s despite the declared conflict", tg.AssetCode)
				}
			}
		}

		// Round trip: the stored draw re-runs to the same result.
		loaded, err := inspect.LoadDraw(f.ctx, db, sd.ID)
		f.must(err)
		if loaded != sd {
			t.Errorf("loaded draw differs from the stored one")
		}
		if v, err := inspect.CheckStored(f.ctx, db, sd.ID); err != nil || !v.Same {
			t.Fatalf("CheckStored = %+v, %v", v, err)
		}

		pub, err := inspect.Public(f.ctx, db, sd.ID)
		f.must(err)
		if pub.Seed != sd.Seed || pub.Algorithm != inspect.Algorithm || pub.Ratio != "25%" || pub.UnitName != "四川省消防救援总队" ||
			pub.PlanKind != "抽查" || len(pub.Targets) != len(targets) || len(pub.Strata) != len(res.Strata) {
			t.Errorf("public view %+v", pub)
		}
		for _, pt := range pub.Targets {
			if pt.AssetName == "" || pt.UnitName == "" || len(pt.Inspectors) != 2 || pt.Inspectors[0] == "" {
				t.Errorf("public target %+v", pt)
			}
		}
		if b, _ := json.Marshal(pub); strings.Contains(string(b), "配偶") || strings.Contains(string(b), "unit_path") {
			t.Errorf("public view leaks conflicts or paths: %s", b)
		}

		// A second draw of the same plan is refused: redrawing until it suits is what 双随机 forbids.
		_, err = inspect.RunDraw(f.ctx, db, f.office, pl.ID, inspect.DrawOptions{})
		wantKind(t, err, errs.Conflict, "只抽取一次")

		t.Run("tampered result", func(t *testing.T) {
			var tampered inspect.DrawResult
			f.must(json.Unmarshal([]byte(sd.ResultJSON), &tampered))
			tampered.Targets[0].Inspectors[0], tampered.Targets[0].Inspectors[1] = f.inspectors["褚检查"].UserID, f.inspectors["张检查"].UserID
			js, _ := inspect.EncodeResult(tampered)
			_, err := db.ExecContext(f.ctx, `UPDATE inspection_draws SET result_json = $1 WHERE id = $2`, js, sd.ID)
			f.must(err)
			v, err := inspect.CheckStored(f.ctx, db, sd.ID)
			if err != nil || v.Same || !strings.Contains(v.Diff, "检查员不同") {
				t.Fatalf("CheckStored after tampering = %+v, %v", v, err)
			}
			_, err = db.ExecContext(f.ctx, `UPDATE inspection_draws SET result_json = $1 WHERE id = $2`, sd.ResultJSON, sd.ID)
			f.must(err)
		})
		t.Run("tampered assignment", func(t *testing.T) {
			_, err := db.ExecContext(f.ctx, `DELETE FROM inspection_target_inspectors WHERE target_id = $1 AND user_id = $2`,
				targets[0].ID, targets[0].Inspectors[0].UserID)
			f.must(err)
			v, err := inspect.CheckStored(f.ctx, db, sd.ID)
			if err != nil || v.Same || !strings.Contains(v.Diff, targets[0].AssetCode) {
				t.Fatalf("CheckStored after removing an inspector = %+v, %v", v, err)
			}
		})
	})
}

func TestRunDrawRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		// 德阳支队 has live assets but only two inspectors, both its own: all recused.
		plC := f.plan(f.office, "SC-C", inspect.PlanInput{})
		// An app-only plan of a station that owns only a retired app and a live group: no candidates.
		f.unit("SC-B1Z", "游仙站", "station", f.units["SC-B"])
		f.asset("ST-RET", "app", "SC-B1Z", "retired")
		f.asset("ST-GRP", "group", "SC-B1Z", "active")
		plEmpty := f.plan(f.office, "SC-B1Z", inspect.PlanInput{AssetKinds: []catalog.Kind{catalog.App}})
		for _, c := range []struct {
			name string
			plan int64
			want string
		}{
			{"no candidates", plEmpty.ID, "没有可抽取的检查对象"},
			{"inspectors all recused", plC.ID, "回避后可用的只有 0 名"},
		} {
			t.Run(c.name, func(t *testing.T) {
				audits := f.count(`SELECT count(*) FROM audit_log`)
				_, err := inspect.RunDraw(f.ctx, db, f.office, c.plan, inspect.DrawOptions{})
				wantKind(t, err, errs.Invalid, c.want)
				if n := f.count(`SELECT count(*) FROM inspection_draws`) + f.count(`SELECT count(*) FROM inspection_targets`) +
					f.count(`SELECT count(*) FROM inspection_target_inspectors`); n != 0 {
					t.Errorf("%d draw rows stored after a refused draw", n)
				}
				if after := f.count(`SELECT count(*) FROM audit_log`); after != audits {
					t.Errorf("audit log grew from %d to %d", audits, after)
				}
				pl, err := inspect.GetPlan(f.ctx, db, f.office, c.plan)
				f.must(err)
				if pl.Status != inspect.Draft {
					t.Errorf("status %s after a refused draw", pl.Status)
				}
			})
		}
		// Too few inspectors in the pool for the team.
		plA := f.plan(f.office, "SC-A1Z", inspect.PlanInput{PerTarget: 3})
		_, err := inspect.RunDraw(f.ctx, db, f.office, plA.ID, inspect.DrawOptions{})
		wantKind(t, err, errs.Invalid, "抽取 3 名检查员至少需要 3 名检查员,可用的只有 0 名")
	})
}

func TestChecklistResults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		pl := f.plan(f.office, "SC", inspect.PlanInput{Kind: inspect.Inspection})
		var assetB, assetC int64
		f.must(db.QueryRowContext(f.ctx, `SELECT id FROM assets WHERE code = 'AS002'`).Scan(&assetB)) // 绵阳支队
		f.must(db.QueryRowContext(f.ctx, `SELECT id FROM assets WHERE code = 'AS003'`).Scan(&assetC)) // 德阳支队
		zhang, li, zheng, feng := f.inspectors["张检查"], f.inspectors["李检查"], f.inspectors["郑检查"], f.inspectors["冯检查"]

		for _, c := range []struct {
			name       string
			p          org.Principal
			asset      int64
			inspectors []int64
			kind       errs.Kind
			want       string
		}{
			{"recused inspector", f.office, assetB, []int64{zhang.UserID, zheng.UserID}, errs.Invalid, "回避"},
			{"one inspector", f.office, assetB, []int64{zhang.UserID, zhang.UserID}, errs.Invalid, "至少需要 2 名"},
			{"not an inspector", f.office, assetB, []int64{zhang.UserID, f.liaisonB.UserID}, errs.Invalid, "不是本计划检查员"},
			{"liaison may not", f.liaisonB, assetB, []int64{zhang.UserID, li.UserID}, errs.Forbidden, "管理检查计划"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := inspect.AddTarget(f.ctx, db, c.p, pl.ID, c.asset, c.inspectors)
				wantKind(t, err, c.kind, c.want)
			})
		}
		tB, err := inspect.AddTarget(f.ctx, db, f.office, pl.ID, assetB, []int64{zhang.UserID, li.UserID})
		f.must(err)
		tC, err := inspect.AddTarget(f.ctx, db, f.office, pl.ID, assetC, []int64{zhang.UserID, zheng.UserID})
		f.must(err)
		_, err = inspect.AddTarget(f.ctx, db, f.office, pl.ID, assetC, []int64{li.UserID, zheng.UserID})
		wantKind(t, err, errs.Invalid, "已在本计划")

		item := func(code string) int64 {
			for _, it := range pl.Items {
				if it.Code == code {
					return it.ID
				}
			}
			t.Fatalf("no item %s", code)
			return 0
		}
		// Not yet started: no results.
		_, err = inspect.RecordResult(f.ctx, db, zhang, inspect.ResultInput{TargetID: tB.ID, ItemID: item("1"), Outcome: inspect.Pass})
		wantKind(t, err, errs.Conflict, "不能填写")
		f.must(inspect.Start(f.ctx, db, f.office, pl.ID))
		_, err = inspect.SetChecklist(f.ctx, db, f.office, pl.ID, checklist[:1])
		wantKind(t, err, errs.Conflict, "不能再修改")

		for _, c := range []struct {
			name string
			p    org.Principal
			in   inspect.ResultInput
			kind errs.Kind
			want string
		}{
			{"not assigned", feng, inspect.ResultInput{TargetID: tB.ID, ItemID: item("1"), Outcome: inspect.Pass}, errs.Forbidden, "不是该检查对象"},
			{"fail without note", zhang, inspect.ResultInput{TargetID: tB.ID, ItemID: item("1"), Outcome: inspect.Fail}, errs.Invalid, "写明问题"},
			{"bad outcome", zhang, inspect.ResultInput{TargetID: tB.ID, ItemID: item("1"), Outcome: "maybe"}, errs.Invalid, "符合"},
			{"item of another plan", zhang, inspect.ResultInput{TargetID: tB.ID, ItemID: 999999, Outcome: inspect.Pass}, errs.Invalid, "清单"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := inspect.RecordResult(f.ctx, db, c.p, c.in)
				wantKind(t, err, c.kind, c.want)
			})
		}
		record := func(p org.Principal, target int64, code string, o inspect.Outcome, note string) inspect.Result {
			t.Helper()
			r, err := inspect.RecordResult(f.ctx, db, p, inspect.ResultInput{TargetID: target, ItemID: item(code), Outcome: o, Note: note})
			if err != nil {
				t.Fatalf("record %s: %v", code, err)
			}
			return r
		}
		record(zhang, tB.ID, "1", inspect.Pass, "")
		failB := record(li, tB.ID, "2", inspect.Fail, "未设置投诉建议渠道")
		record(li, tB.ID, "3", inspect.NA, "应用无内容发布")
		record(zheng, tC.ID, "1", inspect.Pass, "")
		record(zheng, tC.ID, "2", inspect.Pass, "")
		err = inspect.Finish(f.ctx, db, f.office, pl.ID)
		wantKind(t, err, errs.Conflict, "还有 1 项")
		// A correction replaces the earlier result rather than adding one.
		record(zheng, tC.ID, "3", inspect.Pass, "")
		failC := record(zhang, tC.ID, "3", inspect.Fail, "近30天未更新")
		if n := f.count(`SELECT count(*) FROM inspection_results`); n != 6 {
			t.Errorf("%d results stored, want 6", n)
		}

		fails, err := inspect.FailedItems(f.ctx, db, pl.ID)
		f.must(err)
		if len(fails) != 2 {
			t.Fatalf("failed items %+v", fails)
		}
		fb := fails[0]
		if fb.ResultID != failB.ID || fb.AssetID != assetB || fb.UnitID != f.units["SC-B"] || fb.ItemText != checklist[1].Text ||
			fb.Note != "未设置投诉建议渠道" || fb.InspectorID != li.UserID || fb.Inspector != "李检查" || fb.LedgerRef != "" || fb.PlanName == "" ||
			fb.PlanKind != inspect.Inspection {
			t.Errorf("failed item %+v", fb)
		}
		if fails[1].ResultID != failC.ID || fails[1].Inspector != "张检查" {
			t.Errorf("second failed item %+v", fails[1])
		}

		// Filing happens in the caller's transaction, with its ledger item.
		f.must(db.Tx(f.ctx, func(tx *sql.Tx) error { return inspect.MarkFiled(f.ctx, tx, failB.ID, "ZG-2026-0001") }))
		f.must(db.Tx(f.ctx, func(tx *sql.Tx) error { return inspect.MarkFiled(f.ctx, tx, failB.ID, "ZG-2026-0001") }))
		err = db.Tx(f.ctx, func(tx *sql.Tx) error { return inspect.MarkFiled(f.ctx, tx, failB.ID, "ZG-2026-0002") })
		wantKind(t, err, errs.Conflict, "ZG-2026-0001")
		var passID int64
		f.must(db.QueryRowContext(f.ctx, `SELECT id FROM inspection_results WHERE outcome = 'pass' LIMIT 1`).Scan(&passID))
		err = db.Tx(f.ctx, func(tx *sql.Tx) error { return inspect.MarkFiled(f.ctx, tx, passID, "ZG-X") })
		wantKind(t, err, errs.Invalid, "不符合")
		// A rolled-back ledger transaction leaves the result unfiled.
		_ = db.Tx(f.ctx, func(tx *sql.Tx) error {
			f.must(inspect.MarkFiled(f.ctx, tx, failC.ID, "ZG-ROLLED-BACK"))
			return fmt.Errorf("ledger insert failed")
		})
		fails, err = inspect.FailedItems(f.ctx, db, pl.ID)
		f.must(err)
		if fails[0].LedgerRef != "ZG-2026-0001" || fails[1].LedgerRef != "" {
			t.Errorf("ledger refs %q, %q", fails[0].LedgerRef, fails[1].LedgerRef)
		}
		_, err = inspect.RecordResult(f.ctx, db, li, inspect.ResultInput{TargetID: tB.ID, ItemID: item("2"), Outcome: inspect.Pass})
		wantKind(t, err, errs.Conflict, "已转入整改台账")

		mine, err := inspect.MyAssignments(f.ctx, db, zheng)
		f.must(err)
		if len(mine) != 1 || mine[0].AssetID != assetC || mine[0].Status != inspect.InProgress {
			t.Errorf("郑检查's assignments %+v", mine)
		}
		f.must(inspect.Finish(f.ctx, db, f.office, pl.ID))
		got, err := inspect.GetPlan(f.ctx, db, f.office, pl.ID)
		f.must(err)
		if got.Status != inspect.Done {
			t.Errorf("status %s after Finish", got.Status)
		}
		rs, err := inspect.Results(f.ctx, db, f.office, pl.ID)
		f.must(err)
		if len(rs) != 6 || rs[0].ItemCode != "1" {
			t.Errorf("results %+v", rs)
		}
	})
}

// TestScope: a plan belongs to the unit that runs it and is visible to callers whose scope
// contains that unit.
func TestScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		plRoot := f.plan(f.office, "SC", inspect.PlanInput{Name: "总队抽查"})
		plB := f.plan(f.officeB, "SC-B", inspect.PlanInput{Name: "绵阳支队自查"})
		liaisonA := f.user("liaisona", "孙联络", "SC-A", "SC-A", org.RoleLiaison)
		for _, c := range []struct {
			name    string
			p       org.Principal
			see     []int64
			hidden  []int64
			listErr errs.Kind
		}{
			{"office sees all", f.office, []int64{plRoot.ID, plB.ID}, nil, 0},
			{"liaison of B sees B's plan only", f.liaisonB, []int64{plB.ID}, []int64{plRoot.ID}, 0},
			{"liaison of A sees neither", liaisonA, nil, []int64{plRoot.ID, plB.ID}, 0},
			{"staff may not read plans", f.staff, nil, nil, errs.Forbidden},
		} {
			t.Run(c.name, func(t *testing.T) {
				list, err := inspect.Plans(f.ctx, db, c.p)
				if c.listErr != 0 {
					wantKind(t, err, c.listErr, "权限")
					return
				}
				f.must(err)
				var ids []int64
				for _, pl := range list {
					ids = append(ids, pl.ID)
				}
				if fmt.Sprint(ids) != fmt.Sprint(reverse(c.see)) {
					t.Errorf("Plans = %v, want %v", ids, reverse(c.see))
				}
				for _, id := range c.hidden {
					_, err := inspect.GetPlan(f.ctx, db, c.p, id)
					wantKind(t, err, errs.NotFound, "不在您的管辖范围内")
					_, err = inspect.Targets(f.ctx, db, c.p, id)
					wantKind(t, err, errs.NotFound, "不在您的管辖范围内")
				}
			})
		}
		t.Run("office of B may not run a plan for A", func(t *testing.T) {
			_, err := inspect.CreatePlan(f.ctx, db, f.officeB, inspect.PlanInput{UnitID: f.units["SC-A"], Name: "x", Kind: inspect.SpotCheck, Period: "2026", Items: checklist})
			wantKind(t, err, errs.Invalid, "不在您的管辖范围内")
			_, err = inspect.RunDraw(f.ctx, db, f.officeB, plRoot.ID, inspect.DrawOptions{})
			wantKind(t, err, errs.NotFound, "不在您的管辖范围内")
		})
		t.Run("liaison may not create", func(t *testing.T) {
			_, err := inspect.CreatePlan(f.ctx, db, f.liaisonB, inspect.PlanInput{UnitID: f.units["SC-B"], Name: "x", Kind: inspect.SpotCheck, Period: "2026", Items: checklist})
			wantKind(t, err, errs.Forbidden, "管理检查计划")
		})
		t.Run("plan input validation", func(t *testing.T) {
			for _, c := range []struct {
				name  string
				in    inspect.PlanInput
				field string
			}{
				{"no checklist", inspect.PlanInput{Name: "x", Kind: inspect.SpotCheck, Period: "p"}, "items"},
				{"duplicate item code", inspect.PlanInput{Name: "x", Kind: inspect.SpotCheck, Period: "p", Items: []inspect.ItemInput{{"1", "a"}, {"1", "b"}}}, "items[2]"},
				{"bad kind", inspect.PlanInput{Name: "x", Kind: "audit", Period: "p", Items: checklist}, "kind"},
				{"ratio above 1", inspect.PlanInput{Name: "x", Kind: inspect.SpotCheck, Period: "p", Items: checklist, Ratio: 10}, "ratio"},
				{"one inspector", inspect.PlanInput{Name: "x", Kind: inspect.SpotCheck, Period: "p", Items: checklist, PerTarget: 1}, "per_target"},
				{"no period", inspect.PlanInput{Name: "x", Kind: inspect.SpotCheck, Items: checklist}, "period"},
			} {
				t.Run(c.name, func(t *testing.T) {
					c.in.UnitID = f.units["SC"]
					_, err := inspect.CreatePlan(f.ctx, db, f.office, c.in)
					e, ok := errs.As(err)
					if !ok || e.Kind != errs.Invalid || e.Field != c.field {
						t.Fatalf("err = %v, want Invalid on %s", err, c.field)
					}
				})
			}
		})
	})
}

func reverse(ids []int64) []int64 {
	out := make([]int64, len(ids))
	for i, id := range ids {
		out[len(ids)-1-i] = id
	}
	return out
}
