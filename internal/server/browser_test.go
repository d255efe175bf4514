package server_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/demo"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/server"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
	"github.com/jianfu-gov/jianfu/internal/webtest"
)

func TestMain(m *testing.M) {
	auth.Cost = auth.Cheap
	m.Run()
}

// demoServer serves the small demo bureau from db.
func demoServer(t *testing.T, db *store.DB) *httptest.Server {
	t.Helper()
	if _, err := demo.Build(context.Background(), db, demo.Options{Preset: demo.Small, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	h, err := server.Handler(db, &auth.Service{DB: db}, server.Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// TestBrowserAdminAddsUnit drives headless Chromium through a whole visit: log in, look at the
// dashboard, add a station, find it in the list, log out.
func TestBrowserAdminAddsUnit(t *testing.T) {
	db := storetest.SQLite(t)
	srv := demoServer(t, db)
	brigade, err := (&org.Store{DB: db}).UnitByCode(context.Background(), org.System, "SC-CD-01")
	if err != nil {
		t.Fatal(err)
	}
	ctx := webtest.Browser(t)
	webtest.FailOnConsoleErrors(t, ctx)

	must(t, chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "admin"),
		chromedp.SendKeys(chromedp.ID("password"), demo.DefaultPassword),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.ID("logout")),
	))
	heading := text(t, ctx, "main h1")
	welcome := text(t, ctx, "main p.muted")
	if heading != "首页" || !strings.Contains(welcome, "系统管理员") {
		t.Fatalf("dashboard heading %q, welcome %q", heading, welcome)
	}
	webtest.Screenshot(t, ctx, "dashboard")

	must(t, chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/units/new"),
		chromedp.WaitVisible(chromedp.CSS("input[name=code]")),
		chromedp.SendKeys(chromedp.CSS("input[name=code]"), "SC-CD-01-99"),
		chromedp.SendKeys(chromedp.CSS("input[name=name]"), "测试路消防救援站"),
		chromedp.SetValue(chromedp.CSS("select[name=kind]"), "station"),
		chromedp.SetValue(chromedp.CSS("select[name=parent_id]"), strconv.FormatInt(brigade.ID, 10)),
		chromedp.Click(chromedp.ID("save")),
		chromedp.WaitVisible(chromedp.CSS(".flash.ok")),
	))
	flash := text(t, ctx, ".flash.ok")
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/units?q=SC-CD-01-99"),
		chromedp.WaitVisible(chromedp.CSS("#units tbody tr")),
	))
	row := text(t, ctx, "#units tbody")
	if flash != "已新增" || !strings.Contains(row, "测试路消防救援站") || !strings.Contains(row, brigade.Name) {
		t.Fatalf("after adding: flash %q, list row %q", flash, row)
	}
	webtest.Screenshot(t, ctx, "units")

	must(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("logout")),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.Navigate(srv.URL+"/units"),
		chromedp.WaitVisible(chromedp.ID("username")),
	))
	if got := text(t, ctx, "main h1"); strings.Contains(got, "单位") {
		t.Fatalf("after logout /units shows %q, want the login page", got)
	}
}

// TestBrowserPhoneLayout checks the pages are usable on a phone-sized screen: the menu is
// folded behind a button that opens it.
func TestBrowserPhoneLayout(t *testing.T) {
	db := storetest.SQLite(t)
	srv := demoServer(t, db)
	ctx := webtest.Browser(t)
	webtest.FailOnConsoleErrors(t, ctx)
	navShown := `getComputedStyle(document.getElementById('nav')).display !== 'none'`
	must(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "liaison"),
		chromedp.SendKeys(chromedp.ID("password"), demo.DefaultPassword),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.CSS(".menu-toggle")),
	))
	before, err := chromedp.Run(ctx, chromedp.Evaluate[bool](navShown))
	must(t, err)
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".menu-toggle")), chromedp.Sleep(100*time.Millisecond)))
	after, err := chromedp.Run(ctx, chromedp.Evaluate[bool](navShown))
	must(t, err)
	if before || !after {
		t.Fatalf("phone menu visible before toggle %v, after %v; want hidden then shown", before, after)
	}
	webtest.Screenshot(t, ctx, "phone")
}

// logIn signs name in through the login form with the demo password and waits for the page after.
func logIn(t *testing.T, b context.Context, base, name string) {
	t.Helper()
	must(t, chromedp.Do(b,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), name),
		chromedp.SendKeys(chromedp.ID("password"), demo.DefaultPassword),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.ID("logout")),
	))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// TestBrowserIntakeAndMerge is issue 3's walk through the browser: a 支队 liaison files a new app,
// sees the similar app the system found, and the request goes through the unit, lead and office
// steps to 在用; then the office merges two overlapping groups.
func TestBrowserIntakeAndMerge(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	srv := demoServer(t, db)
	orgs := &org.Store{DB: db}
	cat := &catalog.Store{DB: db}
	cd, err := orgs.UnitByCode(ctx, org.System, "SC-CD")
	must(t, err)
	hash, _ := auth.HashPassword(demo.DefaultPassword)
	u, err := orgs.CreateUser(ctx, org.System, org.UserInput{Username: "liaison_cd", DisplayName: "成都支队联络员", UnitID: cd.ID,
		Roles: []org.Role{org.RoleLiaison}}, hash)
	must(t, err)
	_, err = db.Exec(`UPDATE users SET must_change_password = $1 WHERE id = $2`, false, u.ID)
	must(t, err)
	existing, err := cat.Create(ctx, org.System, catalog.Input{Code: "T-OLD-APP", Kind: catalog.App, Name: "消防监督检查执法系统", Platform: "App",
		UnitCode: "SC-MY", Purpose: "社会单位消防监督检查、隐患整改、行政执法全过程记录",
		Functions: []string{"监督检查", "隐患整改复查", "执法文书", "检查记录上传"}, App: &catalog.AppDetails{Forms: []string{"消防监督检查记录表"}}})
	must(t, err)

	b := webtest.Browser(t)
	webtest.FailOnConsoleErrors(t, b)
	login := func(name string) { t.Helper(); logIn(t, b, srv.URL, name) }
	logout := func() {
		t.Helper()
		must(t, chromedp.Do(b, chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("username"))))
	}

	login("liaison_cd")
	answers := map[string]string{
		"fits_plan":     "已列入总队2026年信息化建设计划第3项,由信息通信处统筹建设",
		"not_duplicate": "与绵阳支队消防监督检查执法系统功能相近,但本应用面向移动端现场检查",
		"not_module":    "现有执法系统为Web端,不支持离线现场取证,无法直接增加模块",
		"can_share":     "接入统一身份认证,检查数据与总队执法平台共享,不单独建库",
		"data_rules":    "只采集检查记录和隐患照片,不要求基层重复填报已有数据",
	}
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(srv.URL + "/intake/new?kind=app"),
		chromedp.WaitVisible(chromedp.CSS("input[name=code]")),
		chromedp.SendKeys(chromedp.CSS("input[name=code]"), "T-NEW-APP"),
		chromedp.SendKeys(chromedp.CSS("input[name=name]"), "防火监督执法通"),
		chromedp.SetValue(chromedp.CSS("select[name=unit_id]"), strconv.FormatInt(cd.ID, 10)),
		chromedp.SendKeys(chromedp.CSS("textarea[name=purpose]"), "消防监督检查现场执法,隐患整改跟踪"),
		chromedp.SendKeys(chromedp.CSS("textarea[name=functions]"), "监督检查\n隐患整改复查\n执法文书"),
		chromedp.SendKeys(chromedp.CSS("textarea[name=forms]"), "消防监督检查记录表"),
	}
	for field, text := range answers {
		steps = append(steps, chromedp.SendKeys(chromedp.ID("q-"+field), text))
	}
	steps = append(steps, chromedp.Click(chromedp.ID("check")), chromedp.WaitVisible(chromedp.ID("matches")))
	must(t, chromedp.Do(b, steps...))
	found := text(t, b, "#matches")
	if !strings.Contains(found, existing.Name) || !strings.Contains(found, "疑似重复") {
		t.Fatalf("the duplicate check does not show %s as a likely duplicate: %q", existing.Name, found)
	}
	webtest.Screenshot(t, b, "intake-check")
	must(t, chromedp.Do(b, chromedp.Click(chromedp.ID("submit")), chromedp.WaitVisible(chromedp.ID("dup-warning"))))
	requestURL, err := chromedp.Run(b, chromedp.Evaluate[string](`location.pathname`))
	must(t, err)
	webtest.Screenshot(t, b, "intake-request")
	logout()

	for _, reviewer := range []string{"office", "lead_it", "admin"} {
		login(reviewer)
		must(t, chromedp.Do(b,
			chromedp.Navigate(srv.URL+requestURL),
			chromedp.WaitVisible(chromedp.ID("approve")),
			chromedp.SendKeys(chromedp.ID("comment"), reviewer+" 已核查查重结果,同意"),
			chromedp.Click(chromedp.ID("approve")),
			chromedp.WaitVisible(chromedp.CSS(".flash.ok")),
		))
		logout()
	}
	app, err := cat.GetByCode(ctx, org.System, "T-NEW-APP")
	must(t, err)
	if app.Status != catalog.Active {
		t.Fatalf("after the three approvals the app is %s, want 在用", app.Status)
	}

	// Two groups of one station with nearly the same people: the office merges them.
	people, _, err := orgs.People(ctx, org.System, org.PersonFilter{UnitID: cd.ID, Status: org.Active, Page: org.Page{Limit: 6}})
	must(t, err)
	var ms []catalog.MemberInput
	for i, p := range people {
		role := ""
		if i == 0 {
			role = catalog.RoleOwner
		}
		ms = append(ms, catalog.MemberInput{PersonCode: p.Code, Role: role})
	}
	var groups []catalog.Asset
	for _, g := range []struct{ code, name string }{{"T-GRP-DUTY", "支队值班群"}, {"T-GRP-WORK", "支队工作群"}} {
		a, err := cat.Create(ctx, org.System, catalog.Input{Code: g.code, Kind: catalog.Group, Name: g.name, Platform: "微信", UnitID: cd.ID})
		must(t, err)
		_, err = cat.SetMembers(ctx, org.System, a.ID, ms)
		must(t, err)
		groups = append(groups, a)
	}
	login("office")
	must(t, chromedp.Do(b,
		chromedp.Navigate(srv.URL+"/assets/"+strconv.FormatInt(groups[0].ID, 10)),
		chromedp.WaitVisible(chromedp.ID("merge-into")),
		// The merge form asks for confirmation; the test answers yes.
		chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.SendKeys(chromedp.ID("merge-into"), "T-GRP-WORK"),
		chromedp.SendKeys(chromedp.ID("merge-reason"), "两群成员相同,合并减少重复通知"),
		chromedp.Click(chromedp.ID("merge")),
		// The source group's page has a member list too: wait for what only the target's
		// page, reached after the merge, shows.
		chromedp.WaitVisible(chromedp.CSS(".flash.ok")),
	))
	webtest.Screenshot(t, b, "merged-group")
	merged, err := cat.Get(ctx, org.System, groups[0].ID)
	must(t, err)
	if merged.Status != catalog.Merged || merged.MergedIntoID != groups[1].ID {
		t.Fatalf("after merging, the group is %s into %d; want merged into %d", merged.Status, merged.MergedIntoID, groups[1].ID)
	}
	if got := text(t, b, "#history"); !strings.Contains(got, "支队值班群") {
		t.Fatalf("the target's history does not mention the merged group: %q", got)
	}
}

// TestBrowserHealthCheck runs the health check from the page, opens a finding, and dismisses it
// with a reason; the dismissal survives the next run.
func TestBrowserHealthCheck(t *testing.T) {
	db := storetest.SQLite(t)
	srv := demoServer(t, db)
	b := webtest.Browser(t)
	webtest.FailOnConsoleErrors(t, b)
	must(t, chromedp.Do(b,
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "office"),
		chromedp.SendKeys(chromedp.ID("password"), demo.DefaultPassword),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.ID("logout")),
		chromedp.Navigate(srv.URL+"/findings?rule=GRP-NOOWNER"),
		chromedp.WaitVisible(chromedp.ID("run")),
		chromedp.Click(chromedp.ID("run")),
		chromedp.WaitVisible(chromedp.CSS(".flash.ok")),
		chromedp.Navigate(srv.URL+"/findings?rule=GRP-NOOWNER"),
		chromedp.WaitVisible(chromedp.CSS("#findings tbody a")),
	))
	webtest.Screenshot(t, b, "findings")
	must(t, chromedp.Do(b,
		chromedp.Click(chromedp.CSS("#findings tbody a")),
		chromedp.WaitVisible(chromedp.ID("evidence")),
		chromedp.SendKeys(chromedp.ID("dismiss-reason"), "该群已指定群主,待下次同步"),
		chromedp.Click(chromedp.ID("dismiss")),
		chromedp.WaitVisible(chromedp.CSS(".flash.ok")),
	))
	if got := text(t, b, "main h1"); !strings.Contains(got, "已驳回") {
		t.Fatalf("after dismissing, the finding reads %q", got)
	}
	webtest.Screenshot(t, b, "finding-dismissed")
	// A similarity finding explains itself in words: the accounts compared and what they share.
	must(t, chromedp.Do(b,
		chromedp.Navigate(srv.URL+"/findings?rule=ACC-SIMILAR"),
		chromedp.WaitVisible(chromedp.CSS("#findings tbody a")),
		chromedp.Click(chromedp.CSS("#findings tbody a")),
		chromedp.WaitVisible(chromedp.ID("evidence")),
	))
	if ev := text(t, b, "#evidence"); !strings.Contains(ev, "共同用语:") || strings.Contains(ev, `"`) {
		t.Errorf("ACC-SIMILAR evidence reads %q", ev)
	}
	webtest.Screenshot(t, b, "finding-similar-accounts")
	var dismissed int
	must(t, db.QueryRow(`SELECT count(*) FROM findings WHERE status = 'dismissed'`).Scan(&dismissed))
	if _, err := analyze.Run(context.Background(), db, org.System, time.Now()); err != nil {
		t.Fatal(err)
	}
	var after int
	must(t, db.QueryRow(`SELECT count(*) FROM findings WHERE status = 'dismissed'`).Scan(&after))
	if dismissed != 1 || after != 1 {
		t.Fatalf("dismissed findings: %d after dismissing, %d after the next run; want 1 and 1", dismissed, after)
	}
}

// TestBrowserBurden walks the burden-index dashboard on the demo bureau with its activity: the
// office sees the index and the three charts, drills into a sub-unit, changes the period; a
// frontline user opens their own burden.
func TestBrowserBurden(t *testing.T) {
	db := storetest.SQLite(t)
	srv := demoServer(t, db)
	if _, err := demo.LoadActivity(context.Background(), db, demo.Options{Preset: demo.Small, Seed: 1}, 90); err != nil {
		t.Fatal(err)
	}
	b := webtest.Browser(t)
	webtest.FailOnConsoleErrors(t, b)
	login := func(name string) { t.Helper(); logIn(t, b, srv.URL, name) }
	// charts returns the size of the SVG in each chart card, as "w×h".
	charts := func() map[string]string {
		t.Helper()
		got, err := chromedp.Run(b, chromedp.Evaluate[map[string]string](`Object.fromEntries(['trend', 'ranking', 'heatmap'].map(id => {
			const s = document.querySelector('#' + id + ' svg');
			const r = s ? s.getBoundingClientRect() : {width: 0, height: 0};
			return [id, Math.round(r.width) + '×' + Math.round(r.height)];
		}))`))
		must(t, err)
		return got
	}

	login("office")
	must(t, chromedp.Do(b,
		chromedp.Navigate(srv.URL+"/burden"),
		chromedp.WaitVisible(chromedp.ID("index")),
		chromedp.WaitVisible(chromedp.CSS("#ranking svg")),
	))
	index := text(t, b, "#index")
	if f, err := strconv.ParseFloat(index, 64); err != nil || f <= 0 {
		t.Fatalf("the index reads %q", index)
	}
	for id, size := range charts() {
		if strings.HasPrefix(size, "0×") || strings.HasSuffix(size, "×0") {
			t.Errorf("chart #%s is %s", id, size)
		}
	}
	if n, err := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll('#groups tbody a').length`)); err != nil || n == 0 {
		t.Errorf("the groups table has %d links (%v)", n, err)
	}
	webtest.Screenshot(t, b, "burden")

	// The page before a click is marked, so that waiting for the next one does not find the
	// index of the page being left.
	mark := chromedp.Evaluate[chromedp.Void](`document.body.dataset.left = '1'`)
	arrived := chromedp.WaitVisible(chromedp.CSS("body:not([data-left]) #index"))

	// A sub-unit of the ranking opens its own dashboard.
	sub := text(t, b, "#ranking tbody a")
	must(t, chromedp.Do(b,
		mark,
		chromedp.Click(chromedp.CSS("#ranking tbody a")),
		arrived,
	))
	if h := text(t, b, "main h1"); !strings.Contains(h, sub) {
		t.Fatalf("after clicking %s the heading reads %q", sub, h)
	}
	webtest.Screenshot(t, b, "burden-subunit")

	// A new period: September, chosen in the date inputs.
	must(t, chromedp.Do(b,
		chromedp.SetValue(chromedp.CSS("#period input[name=from]"), "2026-09-01"),
		chromedp.SetValue(chromedp.CSS("#period input[name=to]"), "2026-09-30"),
		mark,
		chromedp.Click(chromedp.CSS("#period button[type=submit]")),
		arrived,
	))
	loc, err := chromedp.Run(b, chromedp.Evaluate[string](`location.search`))
	must(t, err)
	if h := text(t, b, "main h1"); !strings.Contains(h, sub) || !strings.Contains(loc, "from=2026-09-01") || !strings.Contains(loc, "to=2026-09-30") {
		t.Fatalf("after changing the period: heading %q, query %q", h, loc)
	}
	if p := text(t, b, "#period .muted"); !strings.Contains(p, "30 天") {
		t.Errorf("the period reads %q, want 30 days", p)
	}
	for id, size := range charts() {
		if strings.HasPrefix(size, "0×") || strings.HasSuffix(size, "×0") {
			t.Errorf("after changing the period chart #%s is %s", id, size)
		}
	}
	must(t, chromedp.Do(b, chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("username"))))

	// The frontline user sees their own figures.
	staff, err := org.LoadUserByName(context.Background(), db, "staff")
	must(t, err)
	var name string
	must(t, db.QueryRow(`SELECT name FROM people WHERE id = $1`, staff.PersonID).Scan(&name))
	login("staff")
	must(t, chromedp.Do(b,
		chromedp.Navigate(srv.URL+"/burden/me"),
		chromedp.WaitVisible(chromedp.ID("index")),
		chromedp.WaitVisible(chromedp.CSS("#trend svg")),
	))
	if s := text(t, b, "#summary h2"); !strings.Contains(s, name) {
		t.Fatalf("staff's burden heading %q does not name %s", s, name)
	}
	if n, err := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll('#groups tbody tr').length`)); err != nil || n == 0 {
		t.Errorf("staff's groups table has %d rows (%v)", n, err)
	}
	webtest.Screenshot(t, b, "burden-me")
}

// TestBrowserLedger walks a health-check finding through the rectification ledger: the office
// converts it with a responsible person and a deadline, starts the work, uploads a screenshot as
// evidence and submits it for acceptance; the deputy director (another reviewing user) accepts
// it, and the item reads 已销号 on its page and in the list.
func TestBrowserLedger(t *testing.T) {
	db := storetest.SQLite(t)
	srv := demoServer(t, db)
	if _, err := analyze.Run(context.Background(), db, org.System, time.Now()); err != nil {
		t.Fatal(err)
	}
	// An open finding, and someone on the books in its unit's subtree to answer for it.
	var findingID int64
	var person string
	must(t, db.QueryRow(`SELECT f.id, (SELECT min(p.code) FROM people p JOIN units pu ON pu.id = p.unit_id
		WHERE pu.path LIKE u.path || '%' AND p.status = 'active') AS person
		FROM findings f JOIN units u ON u.id = f.unit_id
		WHERE f.status IN ('new', 'confirmed') AND f.resolved_run_id IS NULL
		AND EXISTS (SELECT 1 FROM people p JOIN units pu ON pu.id = p.unit_id WHERE pu.path LIKE u.path || '%' AND p.status = 'active')
		ORDER BY f.id LIMIT 1`).Scan(&findingID, &person))
	// A 2×2 greyscale PNG: the screenshot of the fix.
	evidence := filepath.Join(t.TempDir(), "整改截图.png")
	must(t, os.WriteFile(evidence, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02\b\x00\x00\x00\x00W\xddR\xf8"+
		"\x00\x00\x00\x12IDATx\x9cb:\xc1\xc0\xc0\xc0\x00\b\x00\x00\xff\xff\x03\xfa\x00\xcb\xbe\x1b\x99\xaf\x00\x00\x00\x00IEND\xaeB`\x82"), 0o600))

	b := webtest.Browser(t)
	webtest.FailOnConsoleErrors(t, b)
	login := func(name string) { t.Helper(); logIn(t, b, srv.URL, name) }
	// The page before a click is marked, so that waiting for the next page's message does not
	// find the one of the page being left.
	mark := chromedp.Evaluate[chromedp.Void](`document.body.dataset.left = '1'`)
	arrived := chromedp.WaitVisible(chromedp.CSS("body:not([data-left]) .flash.ok"))
	status := func() string { t.Helper(); return text(t, b, "#status") }

	login("office")
	must(t, chromedp.Do(b,
		chromedp.Navigate(srv.URL+"/findings/"+strconv.FormatInt(findingID, 10)),
		chromedp.WaitVisible(chromedp.ID("to-ledger")),
		chromedp.SendKeys(chromedp.ID("ledger-person"), person),
		chromedp.SetValue(chromedp.ID("ledger-workdays"), "15"),
		chromedp.SendKeys(chromedp.ID("ledger-measures"), "指定群主,清理已调离成员"),
		mark,
		chromedp.Click(chromedp.ID("to-ledger-submit")),
		arrived,
	))
	item, err := chromedp.Run(b, chromedp.Evaluate[string](`location.pathname`))
	must(t, err)
	if !strings.HasPrefix(item, "/ledger/") || status() != "待整改" || !strings.Contains(text(t, b, "main h1"), "ZG-") {
		t.Fatalf("after converting: at %s, heading %q", item, text(t, b, "main h1"))
	}
	webtest.Screenshot(t, b, "ledger-converted")

	must(t, chromedp.Do(b,
		chromedp.SendKeys(chromedp.ID("start-progress"), "已通知群主整改"),
		mark,
		chromedp.Click(chromedp.ID("start")),
		arrived,
	))
	if s := status(); s != "整改中" {
		t.Fatalf("after starting the item reads %q", s)
	}
	must(t, chromedp.Do(b,
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{evidence}),
		mark,
		chromedp.Click(chromedp.ID("upload")),
		arrived,
	))
	if a := text(t, b, "#attachments tbody"); !strings.Contains(a, "整改截图.png") {
		t.Fatalf("after uploading the attachments read %q", a)
	}
	must(t, chromedp.Do(b,
		chromedp.SendKeys(chromedp.ID("completion"), "已指定群主并清理成员,见截图"),
		mark,
		chromedp.Click(chromedp.ID("submit")),
		arrived,
		chromedp.WaitVisible(chromedp.ID("self-fixed")),
	))
	if s := status(); s != "待验收" {
		t.Fatalf("after submitting the item reads %q", s)
	}
	webtest.Screenshot(t, b, "ledger-submitted")
	must(t, chromedp.Do(b, chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("username"))))

	login("lead_office")
	must(t, chromedp.Do(b,
		chromedp.Navigate(srv.URL+item),
		chromedp.WaitVisible(chromedp.ID("verify")),
		chromedp.SendKeys(chromedp.ID("verify-note"), "材料齐全,同意销号"),
		mark,
		chromedp.Click(chromedp.ID("verify")),
		arrived,
	))
	if s := status(); s != "已销号" {
		t.Fatalf("after accepting the item reads %q", s)
	}
	number := strings.Fields(text(t, b, "main h1"))[0]
	webtest.Screenshot(t, b, "ledger-closed")
	must(t, chromedp.Do(b,
		chromedp.Navigate(srv.URL+"/ledger?status=closed"),
		chromedp.WaitVisible(chromedp.CSS("#ledger tbody tr")),
	))
	if row := text(t, b, "#ledger tbody"); !strings.Contains(row, number) || !strings.Contains(row, "已销号") {
		t.Fatalf("the closed list reads %q, want %s 已销号", row, number)
	}
}
