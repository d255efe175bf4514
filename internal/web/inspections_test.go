package web_test

import (
	"context"
	"fmt"
	"github.com/xuri/excelize/v2"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/demo"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// TestInspectionPages runs the inspection pages against a demo bureau of their own: a plan with
// a checklist, the 双随机 draw, results, a failure filed in the ledger, the public page and the
// re-check, and conflicts of interest.
func TestInspectionPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		t.Run("inspections", fx.testInspections)
		t.Run("conflicts", fx.testConflicts)
	})
}

// addInspector creates an enabled inspector in unit who can log in with the demo password.
func (fx *fixture) addInspector(t *testing.T, username, name string, unitID int64) org.User {
	t.Helper()
	ctx := context.Background()
	hash, err := auth.HashPassword(demo.DefaultPassword)
	storetest.Must(t, err)
	u, err := fx.st.CreateUser(ctx, org.System, org.UserInput{Username: username, DisplayName: name, UnitID: unitID, ScopeUnitID: unitID,
		Roles: []org.Role{org.RoleInspector}}, hash)
	storetest.Must(t, err)
	_, err = fx.db.ExecContext(ctx, `UPDATE users SET must_change_password = $1 WHERE id = $2`, false, u.ID)
	storetest.Must(t, err)
	return u
}

var planIDRE = regexp.MustCompile(`^/inspections/(\d+)`)

func (fx *fixture) testInspections(t *testing.T) {
	office := fx.as(t, "office")
	// Plans are run by the 总队: inspectors are recused from their own chain of units, so a plan
	// of one 支队 could not staff the 支队's own assets with its own inspectors.
	var unit int64
	storetest.Must(t, fx.db.QueryRow(`SELECT id FROM units WHERE parent_id IS NULL`).Scan(&unit))

	// Only the office and administrators create plans.
	if r := fx.as(t, "liaison").get(t, "/inspections/new"); r.Status != http.StatusForbidden {
		t.Errorf("a liaison opens the new-plan form: %d", r.Status)
	}
	if r := fx.as(t, "staff").get(t, "/inspections"); r.Status != http.StatusForbidden {
		t.Errorf("frontline staff open the inspections: %d", r.Status)
	}
	if r := office.get(t, "/inspections/new"); r.Status != http.StatusOK || !strings.Contains(r.Body, `id="plan-form"`) {
		t.Fatalf("new-plan form = %d", r.Status)
	}

	// Bad input is refused beside its field, and nothing is written.
	plans := fx.count(t, `SELECT count(*) FROM inspection_plans`)
	good := []string{"name", "2026年第四季度双随机抽查", "kind", "spot", "period", "2026年第四季度", "unit_id", fmt.Sprint(unit),
		"ratio", "5%", "per_target", "2", "items", "账号是否已备案\n\n是否要求基层强制使用\n"}
	for _, c := range []struct {
		key, value, want string
	}{
		{"items", "  \n ", "检查事项清单不能为空"},
		{"name", "", "计划名称不能为空"},
		{"ratio", "abc", "抽取比例应为数字"},
		{"ratio", "150%", "抽取比例应在 0 到 1 之间"},
		{"per_target", "1", "至少需要 2 名检查员"},
		{"kind", "nope", "计划类型应为"},
		{"unit_id", "x", "请选择组织检查的单位"},
	} {
		form := office.form(good...)
		form.Set(c.key, c.value)
		r := office.post(t, "/inspections/new", form)
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, c.want) || !strings.Contains(r.Body, `class="ferr"`) {
			t.Errorf("%s=%q: %d, want 400 with %q: %s", c.key, c.value, r.Status, c.want, text(r.Body))
		}
	}
	if n := fx.count(t, `SELECT count(*) FROM inspection_plans`); n != plans {
		t.Fatalf("refused forms wrote %d plans", n-plans)
	}
	r := office.post(t, "/inspections/new", office.form(good...))
	m := planIDRE.FindStringSubmatch(r.Location())
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("create plan = %d to %q: %s", r.Status, r.Location(), text(r.Body))
	}
	planPath := "/inspections/" + m[1]
	planID := atoi(m[1])
	if n := fx.count(t, `SELECT count(*) FROM inspection_items WHERE plan_id = $1`, planID); n != 2 {
		t.Fatalf("the checklist has %d items, want 2 (blank lines skipped)", n)
	}
	if r := office.get(t, "/inspections"); !strings.Contains(r.Body, "2026年第四季度双随机抽查") || !strings.Contains(r.Body, "草稿") {
		t.Errorf("the plan list does not show the draft plan: %s", text(r.Body))
	}

	// A plan asking for more inspectors per target than the bureau has cannot be drawn: the page
	// says so in Chinese. (The demo has one inspector.)
	unitPath := fx.unit(t, unit).Path
	poolSQL := `SELECT count(*) FROM users s JOIN units u ON u.id = s.unit_id JOIN user_roles r ON r.user_id = s.id AND r.role = 'inspector'
		WHERE NOT s.disabled AND u.path LIKE $1`
	pool := fx.count(t, poolSQL, unitPath+"%")
	big := office.form(good...)
	big.Set("name", "人手不足的计划")
	big.Set("per_target", fmt.Sprint(pool+1))
	r = office.post(t, "/inspections/new", big)
	mb := planIDRE.FindStringSubmatch(r.Location())
	if r.Status != http.StatusSeeOther || mb == nil {
		t.Fatalf("create plan = %d: %s", r.Status, text(r.Body))
	}
	r = office.post(t, "/inspections/"+mb[1]+"/draw", office.form("seed", ""))
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, fmt.Sprintf("可用的只有 %d 名", pool)) || !strings.Contains(r.Body, `class="ferr"`) {
		t.Fatalf("draw with %d inspectors for %d a target = %d: %s", pool, pool+1, r.Status, text(r.Body))
	}
	if n := fx.count(t, `SELECT count(*) FROM inspection_draws WHERE plan_id = $1`, atoi(mb[1])); n != 0 {
		t.Fatal("a failed draw was stored")
	}
	// Three more inspectors, each in another 支队 or a 处室, make a draw possible: every target
	// has at least three inspectors off its chain, and every target leaves somebody out.
	dets, _, err := fx.st.Units(context.Background(), org.System, org.UnitFilter{Kind: org.Detachment, Page: org.Page{Limit: org.MaxPage}})
	storetest.Must(t, err)
	depts, _, err := fx.st.Units(context.Background(), org.System, org.UnitFilter{Kind: org.Department, Page: org.Page{Limit: org.MaxPage}})
	storetest.Must(t, err)
	mine := []int64{fx.users["inspector"].ID}
	for _, d := range append(dets, depts...) {
		if d.ID != fx.users["inspector"].UnitID && len(mine) < 4 {
			mine = append(mine, fx.addInspector(t, fmt.Sprintf("insp_%d", len(mine)), fmt.Sprintf("检查员%d号", len(mine)), d.ID).ID)
		}
	}
	if len(mine) < 4 {
		t.Fatalf("the demo has %d 支队 and 处室, want 4", len(mine))
	}
	const seed = "2026-Q4-彩票-123456"
	if r := office.post(t, planPath+"/draw", office.form("seed", seed)); r.Status != http.StatusSeeOther {
		t.Fatalf("draw = %d: %s", r.Status, text(r.Body))
	}
	if r := office.post(t, planPath+"/draw", office.form("seed", "again")); r.Status != http.StatusConflict || !strings.Contains(r.Body, "只抽取一次") {
		t.Errorf("second draw = %d: %s", r.Status, text(r.Body))
	}
	page := office.get(t, planPath)
	targets := fx.count(t, `SELECT count(*) FROM inspection_targets WHERE plan_id = $1`, planID)
	var someone string // an inspector of some target, by name
	storetest.Must(t, fx.db.QueryRow(`SELECT s.display_name FROM inspection_target_inspectors ti JOIN users s ON s.id = ti.user_id
		JOIN inspection_targets t ON t.id = ti.target_id WHERE t.plan_id = $1 ORDER BY ti.user_id LIMIT 1`, planID).Scan(&someone))
	if page.Status != http.StatusOK || targets == 0 || !strings.Contains(page.Body, html.EscapeString(seed)) ||
		!strings.Contains(page.Body, html.EscapeString(someone)) || !strings.Contains(page.Body, "已抽取") || !strings.Contains(page.Body, planPath+"/verify") {
		t.Fatalf("plan page after the draw (%d targets): %d %s", targets, page.Status, text(page.Body))
	}
	var drawID int64
	storetest.Must(t, fx.db.QueryRow(`SELECT id FROM inspection_draws WHERE plan_id = $1`, planID).Scan(&drawID))

	// Results need the plan in progress.
	if r := office.post(t, planPath+"/start", office.form()); r.Status != http.StatusSeeOther {
		t.Fatalf("start = %d: %s", r.Status, text(r.Body))
	}
	// A target, one of its inspectors, and the pool member not assigned to it.
	var targetID, assetID, assignedID int64
	storetest.Must(t, fx.db.QueryRow(`SELECT t.id, t.asset_id, ti.user_id FROM inspection_targets t JOIN inspection_target_inspectors ti ON ti.target_id = t.id
		WHERE t.plan_id = $1 AND ti.user_id IN ($2, $3, $4, $5) ORDER BY t.id, ti.user_id LIMIT 1`, planID, mine[0], mine[1], mine[2], mine[3]).
		Scan(&targetID, &assetID, &assignedID))
	var assignedName, otherName string
	storetest.Must(t, fx.db.QueryRow(`SELECT username FROM users WHERE id = $1`, assignedID).Scan(&assignedName))
	storetest.Must(t, fx.db.QueryRow(`SELECT s.username FROM users s JOIN user_roles r ON r.user_id = s.id AND r.role = 'inspector'
		WHERE s.id IN ($1, $2, $3, $4) AND s.id NOT IN (SELECT user_id FROM inspection_target_inspectors WHERE target_id = $5) ORDER BY s.id LIMIT 1`,
		mine[0], mine[1], mine[2], mine[3], targetID).Scan(&otherName))
	var items []int64
	rows, err := fx.db.Query(`SELECT id FROM inspection_items WHERE plan_id = $1 ORDER BY seq`, planID)
	storetest.Must(t, err)
	for rows.Next() {
		var id int64
		storetest.Must(t, rows.Scan(&id))
		items = append(items, id)
	}
	rows.Close()
	assigned := fx.login(t, assignedName, demo.DefaultPassword)
	other := fx.login(t, otherName, demo.DefaultPassword)
	tgt := strconv.FormatInt(targetID, 10)
	out0, note0 := fmt.Sprintf("outcome_%d", items[0]), fmt.Sprintf("note_%d", items[0])
	out1 := fmt.Sprintf("outcome_%d", items[1])
	if r := assigned.get(t, planPath); !strings.Contains(r.Body, `id="results-`+tgt+`"`) || !strings.Contains(r.Body, `id="limited"`) {
		t.Fatalf("the assigned inspector gets no results form: %d %s", r.Status, text(r.Body))
	}
	if r := other.post(t, planPath+"/results", other.form("target_id", tgt, out0, "pass")); r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
		t.Errorf("an inspector not assigned to the target records a result: %d", r.Status)
	}
	if r := assigned.post(t, planPath+"/results", assigned.form("target_id", tgt, out0, "fail", out1, "pass")); r.Status != http.StatusBadRequest ||
		!strings.Contains(r.Body, "须写明问题") {
		t.Errorf("a failure without a note = %d: %s", r.Status, text(r.Body))
	}
	if r := assigned.post(t, planPath+"/results", assigned.form("target_id", tgt, out0, "maybe")); r.Status != http.StatusBadRequest {
		t.Errorf("an unknown outcome = %d", r.Status)
	}
	if r := assigned.post(t, planPath+"/results", assigned.form("target_id", "999999", out0, "pass")); r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
		t.Errorf("a target of no plan = %d", r.Status)
	}
	if n := fx.count(t, `SELECT count(*) FROM inspection_results WHERE target_id = $1`, targetID); n != 0 {
		t.Fatalf("refused results wrote %d rows", n)
	}
	r = assigned.post(t, planPath+"/results", assigned.form("target_id", tgt, out0, "fail", note0, "账号未备案,运营主体不明", out1, "pass"))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("record results = %d: %s", r.Status, text(r.Body))
	}
	if n := fx.count(t, `SELECT count(*) FROM inspection_results WHERE target_id = $1`, targetID); n != 2 {
		t.Fatalf("%d results recorded, want 2", n)
	}
	page = office.get(t, planPath)
	if !strings.Contains(page.Body, `id="failed"`) || !strings.Contains(page.Body, "账号未备案,运营主体不明") {
		t.Fatalf("the failed item is not listed: %s", text(page.Body))
	}

	// The failure becomes a ledger item in one step.
	var resultID int64
	storetest.Must(t, fx.db.QueryRow(`SELECT id FROM inspection_results WHERE target_id = $1 AND outcome = 'fail'`, targetID).Scan(&resultID))
	filePath := fmt.Sprintf("%s/failed/%d/ledger", planPath, resultID)
	var owner, assetUnit int64
	storetest.Must(t, fx.db.QueryRow(`SELECT COALESCE(owner_person_id, 0), unit_id FROM assets WHERE id = $1`, assetID).Scan(&owner, &assetUnit))
	form := office.form()
	if owner == 0 {
		if r := office.post(t, filePath, office.form()); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "请填写责任人工号") {
			t.Errorf("filing without a responsible person = %d: %s", r.Status, text(r.Body))
		}
		var code string
		storetest.Must(t, fx.db.QueryRow(`SELECT code FROM people WHERE unit_id = $1 AND status = 'active' ORDER BY id LIMIT 1`, assetUnit).Scan(&code))
		form = office.form("responsible_code", code)
	}
	if r := fx.as(t, "staff").post(t, filePath, fx.as(t, "staff").form()); r.Status != http.StatusForbidden {
		t.Errorf("frontline staff file a ledger item: %d", r.Status)
	}
	// Two office users file the same result at once: one item, one conflict, nothing half-written.
	items0 := fx.count(t, `SELECT count(*) FROM ledger_items`)
	statuses := make(chan int, 2)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { statuses <- office.post(t, filePath, form).Status })
	}
	wg.Wait()
	close(statuses)
	got := map[int]int{}
	for st := range statuses {
		got[st]++
	}
	if got[http.StatusSeeOther] != 1 || got[http.StatusConflict] != 1 {
		t.Fatalf("two simultaneous filings answered %v, want one 303 and one 409", got)
	}
	var number, source, title, desc string
	var unitID, asset int64
	err = fx.db.QueryRow(`SELECT number, source, unit_id, COALESCE(asset_id, 0), title, description FROM ledger_items ORDER BY id DESC LIMIT 1`).
		Scan(&number, &source, &unitID, &asset, &title, &desc)
	storetest.Must(t, err)
	if source != "spot_check" || unitID != assetUnit || asset != assetID || title != "账号是否已备案" || !strings.Contains(desc, "账号未备案,运营主体不明") {
		t.Errorf("ledger item %s: source %s unit %d asset %d title %q desc %q", number, source, unitID, asset, title, desc)
	}
	if n := fx.count(t, `SELECT count(*) FROM inspection_results WHERE id = $1 AND ledger_ref = $2`, resultID, number); n != 1 {
		t.Errorf("the result is not marked filed as %s", number)
	}
	if r := office.post(t, filePath, form); r.Status != http.StatusConflict || !strings.Contains(r.Body, number) {
		t.Errorf("filing twice = %d: %s", r.Status, text(r.Body))
	}
	if n := fx.count(t, `SELECT count(*) FROM ledger_items`); n != items0+1 {
		t.Errorf("%d ledger items created, want 1", n-items0)
	}
	if r := office.get(t, planPath); !strings.Contains(r.Body, fmt.Sprintf(`id="filed-%d"`, resultID)) {
		t.Errorf("the plan page does not show the filed item")
	}
	// A filed result can no longer change.
	if r := assigned.post(t, planPath+"/results", assigned.form("target_id", tgt, out0, "pass")); r.Status != http.StatusConflict {
		t.Errorf("changing a filed result = %d", r.Status)
	}

	// 一公开: the public page, without a login.
	anon := fx.anon(t)
	pub := anon.get(t, fmt.Sprintf("/public/draws/%d", drawID))
	if pub.Status != http.StatusOK || !strings.Contains(pub.Body, html.EscapeString(seed)) || !strings.Contains(pub.Body, "jianfu-draw-v1") ||
		!strings.Contains(pub.Body, fmt.Sprintf("jianfu draw verify %d", drawID)) || !strings.Contains(pub.Body, html.EscapeString(someone)) ||
		!strings.Contains(pub.Body, `id="strata"`) {
		t.Fatalf("public page = %d: %s", pub.Status, text(pub.Body))
	}
	for _, leak := range []string{"unit_path", "conflicts", "账号未备案", assignedName, fx.brigadeA.Path, `name="csrf"`} {
		if strings.Contains(pub.Body, leak) {
			t.Errorf("the public page shows %q", leak)
		}
	}
	// The same result as a workbook, also without a login: the seed and every target's row.
	exp := anon.get(t, fmt.Sprintf("/public/draws/%d/export", drawID))
	xf, err := excelize.OpenReader(strings.NewReader(exp.Body))
	if exp.Status != http.StatusOK || err != nil {
		t.Fatalf("public export = %d, %v", exp.Status, err)
	}
	sheetRows, _ := xf.GetRows("抽查结果公示")
	var drawn int
	fx.db.QueryRow(`SELECT count(*) FROM inspection_targets t JOIN inspection_draws d ON d.plan_id = t.plan_id WHERE d.id = $1`, drawID).Scan(&drawn)
	if len(sheetRows) != 10+drawn || len(sheetRows[4]) < 2 || sheetRows[4][1] != seed || drawn == 0 {
		t.Errorf("public export has %d rows (want 10 + %d targets): %v", len(sheetRows), drawn, sheetRows)
	}
	for _, bad := range []string{"/public/draws/999999", "/public/draws/abc", "/public/draws/0", "/public/draws/999999/export"} {
		if r := anon.get(t, bad); r.Status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", bad, r.Status)
		}
	}

	// 复核: the stored draw is reproduced.
	v := office.get(t, planPath+"/verify")
	if v.Status != http.StatusOK || !strings.Contains(v.Body, `<span class="tag">一致</span>`) {
		t.Errorf("verify = %d: %s", v.Status, text(v.Body))
	}
	if r := anon.get(t, planPath+"/verify"); r.Status != http.StatusSeeOther {
		t.Errorf("an anonymous re-check of the plan page = %d, want a redirect to login", r.Status)
	}
	for _, bad := range []string{"/inspections/abc", "/inspections/999999", "/inspections/999999/verify"} {
		if r := office.get(t, bad); r.Status != http.StatusBadRequest && r.Status != http.StatusNotFound {
			t.Errorf("GET %s = %d", bad, r.Status)
		}
	}
}

func (fx *fixture) testConflicts(t *testing.T) {
	insp := fx.as(t, "inspector")
	if r := insp.get(t, "/inspections/conflicts"); r.Status != http.StatusOK || !strings.Contains(r.Body, `id="conflict-form"`) {
		t.Fatalf("conflicts page = %d", r.Status)
	}
	if r := insp.post(t, "/inspections/conflicts", insp.form("unit_code", fx.brigadeC.Code, "reason", "")); r.Status != http.StatusBadRequest ||
		!strings.Contains(r.Body, "回避理由不能为空") {
		t.Errorf("a conflict without a reason = %d: %s", r.Status, text(r.Body))
	}
	if r := insp.post(t, "/inspections/conflicts", insp.form("unit_code", "NO-SUCH-UNIT", "reason", "x")); r.Status != http.StatusBadRequest {
		t.Errorf("an unknown unit code = %d", r.Status)
	}
	if r := insp.post(t, "/inspections/conflicts", insp.form("unit_code", fx.brigadeC.Code, "reason", "配偶在该大队工作")); r.Status != http.StatusSeeOther {
		t.Fatalf("declare = %d: %s", r.Status, text(r.Body))
	}
	if r := insp.get(t, "/inspections/conflicts"); !strings.Contains(r.Body, "配偶在该大队工作") || !strings.Contains(r.Body, html.EscapeString(fx.brigadeC.Name)) {
		t.Errorf("the declared conflict is not listed: %s", text(r.Body))
	}
	if r := insp.post(t, "/inspections/conflicts", insp.form("unit_code", fx.brigadeC.Code, "reason", "再次")); r.Status != http.StatusConflict {
		t.Errorf("declaring twice = %d", r.Status)
	}
	if n := fx.count(t, `SELECT count(*) FROM inspector_conflicts WHERE user_id = $1`, fx.users["inspector"].ID); n != 1 {
		t.Errorf("%d conflicts stored, want 1", n)
	}
}
