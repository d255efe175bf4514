package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/intake"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// leadSystem is the system acting as a lead department, to move fixture requests past the lead
// step without spending a fixture user's one approval per round.
var leadSystem = org.Principal{Name: "系统", Roles: []org.Role{org.RoleLead}, Scope: org.Scope{All: true}}

// addIntake adds what every intake test needs to the fixture (after addAssets):
//
//   - liaisonZ, the liaison of 甲市支队 (catalog.write, scope the 支队's subtree), who files the
//     支队's apps. It is not one of the scope table's roles, whose rows stay as they were;
//   - APP-SY, an app of 信息通信处 about fire-water sources that a new hydrant app duplicates.
func (fx *fixture) addIntake(t *testing.T) {
	t.Helper()
	if _, ok := fx.users["liaisonZ"]; ok {
		return
	}
	ctx := context.Background()
	hash, err := auth.HashPassword(testPassword)
	storetest.Must(t, err)
	u, err := fx.api.Org.CreateUser(ctx, org.System, org.UserInput{Username: "t-liaisonz", DisplayName: "测试liaisonZ",
		UnitID: fx.units["ZD-A"].ID, Roles: []org.Role{org.RoleLiaison}}, hash)
	storetest.Must(t, err)
	_, err = fx.db.ExecContext(ctx, `UPDATE users SET must_change_password = FALSE WHERE id = $1`, u.ID)
	storetest.Must(t, err)
	fx.users["liaisonZ"] = u
	fx.creds["liaisonZ"] = fx.login(t, "liaisonZ")

	a, err := fx.api.Catalog.Create(ctx, org.System, catalog.Input{Code: "APP-SY", Kind: catalog.App, Name: "消防水源管理系统", Platform: "Web系统",
		UnitID: fx.units["XXC"].ID, Purpose: "全市市政消火栓、消防水池和天然水源的位置登记,巡检维护记录,故障报修,在地图上展示水源分布。",
		Functions: []string{"水源登记", "消火栓巡检", "维护记录", "故障报修", "水源地图"},
		App:       &catalog.AppDetails{Forms: []string{"消防水源巡检记录"}}})
	storetest.Must(t, err)
	fx.assets["APP-SY"] = a
}

// addRequests files the fixture's requests (after addIntake), which the scope table's counts
// follow from:
//
//	ZDA  app      甲市支队    by liaisonZ  at the unit step; a likely duplicate of APP-SY
//	A    group    甲区大队    by liaisonA  at the unit step
//	B    account  乙区大队    by liaisonB  returned to the applicant
//	XCC  account  新闻宣传处  by office    approved (备案)
//	ADM  app      信息通信处  by admin     returned to the applicant
func (fx *fixture) addRequests(t *testing.T) {
	t.Helper()
	if fx.requests != nil {
		return
	}
	fx.addIntake(t)
	fx.requests = map[string]intake.Request{}
	ctx := context.Background()
	submit := func(name, who string, in catalog.Input, a intake.Answers, members ...catalog.MemberInput) {
		t.Helper()
		r, err := fx.api.Intake.Submit(ctx, fx.principal(t, who), in, a, members)
		storetest.Must(t, err)
		fx.requests[name] = *r
	}
	submit("ZDA", "liaisonZ", hydrantApp(fx, "REQ-ZDA", "ZD-A"), goodAnswers())
	submit("A", "liaisonA", catalog.Input{Code: "REQ-A", Kind: catalog.Group, Name: "甲区大队装备保障群", Platform: "企业微信",
		UnitID: fx.units["DD-A"].ID, Purpose: "装备维修保养的通知和协调"}, intake.Answers{},
		catalog.MemberInput{PersonCode: "P-A-1", Role: "群主"}, catalog.MemberInput{PersonCode: "P-A-2"})
	submit("B", "liaisonB", catalog.Input{Code: "REQ-B", Kind: catalog.Account, Name: "乙区防火宣传", Platform: "微博",
		UnitID: fx.units["DD-B"].ID, Purpose: "防火知识科普"}, intake.Answers{})
	submit("XCC", "office", catalog.Input{Code: "REQ-XCC", Kind: catalog.Account, Name: "测试消防视频号", Platform: "微信视频号",
		UnitID: fx.units["XCC"].ID, Purpose: "发布救援现场短视频"}, intake.Answers{})
	submit("ADM", "admin", catalog.Input{Code: "REQ-ADM", Kind: catalog.App, Name: "装备物资台账", Platform: "Web系统",
		UnitID: fx.units["XXC"].ID, Purpose: "器材装备的入库、出库、调拨和年度盘点。", Functions: []string{"入库登记", "出库登记", "调拨", "年度盘点"}},
		goodAnswers())
	fx.move(t, "B", org.System, intake.ActReturn)
	fx.move(t, "ADM", org.System, intake.ActReturn)
	fx.move(t, "XCC", org.System, intake.ActApprove)
	fx.move(t, "XCC", leadSystem, intake.ActApprove)
}

// move decides the fixture request name as p and keeps the result.
func (fx *fixture) move(t *testing.T, name string, p org.Principal, act intake.Action) {
	t.Helper()
	r, err := fx.api.Intake.Decide(context.Background(), p, fx.requests[name].ID, intake.Decision{Action: act, Comment: "请补充说明"})
	storetest.Must(t, err)
	fx.requests[name] = *r
}

// principal is the fixture user key as intake sees it.
func (fx *fixture) principal(t *testing.T, key string) org.Principal {
	t.Helper()
	u, err := org.LoadUser(context.Background(), fx.db, fx.users[key].ID)
	storetest.Must(t, err)
	return u.Principal()
}

// goodAnswers are five acceptable answers to the checks of APP-INTAKE; the one on duplicates
// names APP-SY.
func goodAnswers() intake.Answers {
	return intake.Answers{
		FitsPlan:     "已列入总队2026年信息化建设计划第12项,由信息通信处统筹",
		NotDuplicate: "对照消防水源管理系统,本应用只做市政消火栓的日常巡查,不做水源登记",
		NotModule:    "现有系统的数据结构不支持该业务,无法作为其功能模块实现",
		CanShare:     "使用总队统一身份认证和数据共享平台,可与相关项目共用",
		DataRules:    "只采集必要的业务数据,按照数据共享目录向总队平台共享",
	}
}

// answersBody is goodAnswers as a request body's answers, with the fields of change replaced (a
// nil value removes the field).
func answersBody(change map[string]any) map[string]any {
	a := goodAnswers()
	b := map[string]any{"fits_plan": a.FitsPlan, "not_duplicate": a.NotDuplicate, "not_module": a.NotModule,
		"can_share": a.CanShare, "data_rules": a.DataRules}
	for k, v := range change {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	return b
}

// hydrantApp is a new app of unit that duplicates APP-SY in other words.
func hydrantApp(fx *fixture, code, unit string) catalog.Input {
	return catalog.Input{Code: code, Kind: catalog.App, Name: "市政消火栓巡查App", Platform: "App", UnitID: fx.units[unit].ID,
		Purpose:   "对辖区市政消火栓和消防水池开展日常巡查,记录维护保养情况,发现故障上报维修,在地图上查看水源分布。",
		Functions: []string{"消火栓巡查", "维护保养记录", "故障上报", "水源分布地图"},
		App:       &catalog.AppDetails{Forms: []string{"消防水源巡检记录"}}}
}

// hydrantBody is hydrantApp as a request body's asset, with the fields of change replaced (a nil
// value removes the field).
func hydrantBody(fx *fixture, code, unit string, change map[string]any) map[string]any {
	in := hydrantApp(fx, code, unit)
	b := map[string]any{"code": in.Code, "kind": "app", "name": in.Name, "platform": in.Platform, "unit_id": in.UnitID,
		"purpose": in.Purpose, "functions": in.Functions, "app": map[string]any{"forms": in.App.Forms}}
	for k, v := range change {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	return b
}

// intakeURL is the API path of a fixture request, with suffix.
func intakeURL(fx *fixture, name, suffix string) string {
	return fmt.Sprintf("/api/v1/intake/%d%s", fx.requests[name].ID, suffix)
}

// intakeRows counts the rows of intake's tables, to show that a refused call wrote none.
func intakeRows(t *testing.T, db *store.DB) [3]int {
	t.Helper()
	var n [3]int
	for i, table := range []string{"intake_requests", "intake_reviews", "intake_matches"} {
		storetest.Must(t, db.QueryRowContext(context.Background(), `SELECT count(*) FROM `+table).Scan(&n[i]))
	}
	return n
}

// raiseQuota lets each 支队 and the 总队 file many apps a year, for the scope table's rows that
// file one app per caller.
func (fx *fixture) raiseQuota(t *testing.T) {
	t.Helper()
	for _, key := range []string{intake.KeyQuotaCorps, intake.KeyQuotaDetachment} {
		_, err := fx.db.ExecContext(context.Background(), `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, "100", store.Now())
		storetest.Must(t, err)
	}
}

// intakePath is a fixed path of the intake rows, which files the fixture's requests first.
func intakePath(p string) func(*testing.T, *fixture, string) string {
	return func(t *testing.T, fx *fixture, _ string) string {
		fx.addRequests(t)
		fx.raiseQuota(t)
		return p
	}
}

// requestPath is the path of a fixture request, with suffix.
func requestPath(name, suffix string) func(*testing.T, *fixture, string) string {
	return func(t *testing.T, fx *fixture, _ string) string {
		fx.addRequests(t)
		return intakeURL(fx, name, suffix)
	}
}

// freshRequest files a request for each caller to act on, so that one role's decision does not
// decide the next one's answer, and moves it on to step as the system. It is a group of 甲区大队
// filed by 甲市支队's liaison, or an app of 甲市支队 (three steps) by that liaison; with own, the
// group is filed by the caller itself when the caller may file (in 乙区大队 for its liaison).
func freshRequest(kind catalog.Kind, own bool, step intake.Step, suffix string) func(*testing.T, *fixture, string) string {
	return func(t *testing.T, fx *fixture, key string) string {
		t.Helper()
		fx.addRequests(t)
		ctx := context.Background()
		who, unit := "liaisonZ", "DD-A"
		if _, ok := fx.users[key]; ok && own && fx.principal(t, key).Can(org.PermCatalogWrite) {
			who = key
			if key == "liaisonB" {
				unit = "DD-B"
			}
		}
		fx.seq++
		code := fmt.Sprintf("IN-%d", fx.seq)
		in := catalog.Input{Code: code, Kind: catalog.Group, Name: "临时工作群" + code, Platform: "钉钉", UnitID: fx.units[unit].ID}
		var a intake.Answers
		if kind == catalog.App {
			fx.raiseQuota(t)
			in, a = hydrantApp(fx, code, "ZD-A"), goodAnswers()
		}
		r, err := fx.api.Intake.Submit(ctx, fx.principal(t, who), in, a, nil)
		storetest.Must(t, err)
		var moves []move
		switch step {
		case intake.StepLead:
			moves = []move{{org.System, intake.ActApprove}}
		case intake.StepOffice:
			moves = []move{{org.System, intake.ActApprove}, {leadSystem, intake.ActApprove}}
		case intake.StepReturned:
			moves = []move{{org.System, intake.ActReturn}}
		}
		for _, m := range moves {
			r, err = fx.api.Intake.Decide(ctx, m.p, r.ID, intake.Decision{Action: m.act, Comment: "请补充说明"})
			storetest.Must(t, err)
		}
		if r.Step != step {
			t.Fatalf("fresh request at %s, want %s", r.Step, step)
		}
		return fmt.Sprintf("/api/v1/intake/%d%s", r.ID, suffix)
	}
}

// move is a decision freshRequest takes as p.
type move struct {
	p   org.Principal
	act intake.Action
}

// checkRequest returns a scope-table check that the answer is a request at step, in round, with
// the asset in status.
func checkRequest(step intake.Step, round int, status catalog.Status) func(*testing.T, *fixture, string, *httptest.ResponseRecorder) {
	return func(t *testing.T, _ *fixture, key string, rec *httptest.ResponseRecorder) {
		t.Helper()
		var r intake.Request
		decode(t, rec, &r)
		if r.Step != step || r.Round != round || r.AssetStatus != status || r.Asset == nil || len(r.Reviews) == 0 {
			t.Errorf("as %s: request at %s round %d, asset %s, want %s round %d, %s: %s", key, r.Step, r.Round, r.AssetStatus,
				step, round, status, rec.Body)
		}
	}
}

// checkActions returns a scope-table check of the actions a request offers each role.
func checkActions(want map[string]string) func(*testing.T, *fixture, string, *httptest.ResponseRecorder) {
	return func(t *testing.T, _ *fixture, key string, rec *httptest.ResponseRecorder) {
		t.Helper()
		var r intake.Request
		decode(t, rec, &r)
		var got []string
		for _, a := range r.Actions {
			got = append(got, string(a))
		}
		if strings.Join(got, " ") != want[key] {
			t.Errorf("actions for %s: %v, want %q", key, got, want[key])
		}
	}
}

// checkCounts checks the counts of the fixture's requests as each role sees them.
func checkCounts(t *testing.T, _ *fixture, key string, rec *httptest.ResponseRecorder) {
	t.Helper()
	var c intake.Counts
	decode(t, rec, &c)
	want := intake.Counts{ToReviewByStep: map[intake.Step]int{}}
	switch key {
	case "admin", "office", "lead":
		want.ToReview, want.ToReviewByStep[intake.StepUnit] = 2, 2
	}
	want.Returned = per("admin liaisonB", 1)[key]
	want.Pending = per("liaisonA", 1)[key]
	want.Flagged = per(rootRoles+" inspector", 1)[key]
	if fmt.Sprint(c) != fmt.Sprint(want) {
		t.Errorf("counts for %s: %+v, want %+v", key, c, want)
	}
}

// checkFound checks that a duplicate search found the planted APP-SY as a likely duplicate, with
// its reasons. (The fixture's own hydrant app, REQ-ZDA, applying, is found too.)
func checkFound(t *testing.T, _ *fixture, key string, rec *httptest.ResponseRecorder) {
	t.Helper()
	var ms matchesView
	decode(t, rec, &ms)
	for _, m := range ms.Items {
		if m.Code == "APP-SY" {
			if !m.Blocking || m.Score < intake.DefaultSimilarBlock || len(m.Reasons) == 0 || m.UnitName != "信息通信处" || m.Status != catalog.Active {
				t.Errorf("similar as %s: %+v", key, m)
			}
			return
		}
	}
	t.Errorf("similar as %s did not find APP-SY: %.500s", key, rec.Body)
}

// groupBody is a request body filing a group of unit with two members.
func groupBody(fx *fixture, code, unit string) map[string]any {
	return map[string]any{"asset": map[string]any{"code": code, "kind": "group", "name": "新建群" + code, "platform": "微信",
		"unit_id": fx.units[unit].ID, "purpose": "装备保障联络"},
		"members": []map[string]string{{"person_code": "P-A-1", "role": "群主"}, {"external_name": "外部乙"}}}
}

// decideBody is a decision.
func decideBody(action, comment, step string) func(*fixture, string) any {
	return func(*fixture, string) any {
		b := map[string]any{"action": action}
		if comment != "" {
			b["comment"] = comment
		}
		if step != "" {
			b["step"] = step
		}
		return b
	}
}

// intakeScopeCases are the scope table's rows for intake. They come after every other row: the
// first one files the fixture's requests, and the other rows' counts stay those of the fixture.
// Reads come first again.
var intakeScopeCases = []scopeCase{
	{name: "intake", method: "GET", path: intakePath("/api/v1/intake"), want: expect(200, "staff", 403), unitOf: "unit_id",
		totals: per(rootRoles, 5, "inspector", 3, "liaisonA liaisonB reviewer", 1)},
	{name: "intake page 2", method: "GET", path: intakePath("/api/v1/intake?limit=2&offset=2"), want: expect(200, "staff", 403), unitOf: "unit_id",
		totals: per(rootRoles, 5, "inspector", 3, "liaisonA liaisonB reviewer", 1)},
	{name: "intake to do", method: "GET", path: intakePath("/api/v1/intake?tab=todo"), want: expect(200, "staff", 403), unitOf: "unit_id",
		totals: per("admin office lead", 2, "support liaisonA liaisonB reviewer inspector", 0)},
	{name: "intake actionable apps", method: "GET", path: intakePath("/api/v1/intake?actionable=true&kind=app"), want: expect(200, "staff", 403),
		unitOf: "unit_id", totals: per("admin office lead", 1, "support liaisonA liaisonB reviewer inspector", 0)},
	{name: "intake mine", method: "GET", path: intakePath("/api/v1/intake?mine=true"), want: expect(200, "staff", 403), unitOf: "unit_id",
		totals: per("admin office liaisonA liaisonB", 1, "lead support reviewer inspector", 0)},
	{name: "intake open", method: "GET", path: intakePath("/api/v1/intake?open=true&tab=all"), want: expect(200, "staff", 403), unitOf: "unit_id",
		totals: per(rootRoles+" inspector", 2, "liaisonA", 1, "liaisonB reviewer", 0)},
	{name: "intake returned accounts", method: "GET", path: intakePath("/api/v1/intake?kind=account&step=%E9%80%80%E5%9B%9E%E4%BF%AE%E6%94%B9"),
		want: expect(200, "staff", 403), unitOf: "unit_id", totals: per(rootRoles+" inspector liaisonB", 1, "liaisonA reviewer", 0)},
	{name: "intake approved", method: "GET", path: intakePath("/api/v1/intake?step=approved&open=false"), want: expect(200, "staff", 403),
		unitOf: "unit_id", totals: per(rootRoles+" reviewer", 1, "inspector liaisonA liaisonB", 0)},
	{name: "intake flagged", method: "GET", path: intakePath("/api/v1/intake?flagged=true"), want: expect(200, "staff", 403), unitOf: "unit_id",
		totals: per(rootRoles+" inspector", 1, "liaisonA liaisonB reviewer", 0)},
	{name: "intake q=甲", method: "GET", path: intakePath("/api/v1/intake?q=%E7%94%B2"), want: expect(200, "staff", 403), unitOf: "unit_id",
		totals: per(rootRoles+" inspector liaisonA", 1, "liaisonB reviewer", 0)},
	{name: "intake counts", method: "GET", path: intakePath("/api/v1/intake/counts"), want: expect(200, "staff", 403), check: checkCounts},
	{name: "request of 甲区大队", method: "GET", path: requestPath("A", ""), want: expect(200, "liaisonB reviewer", 404, "staff", 403),
		check: checkActions(map[string]string{"admin": "approve return reject", "office": "approve return reject", "lead": "approve return reject",
			"liaisonA": "withdraw"})},
	{name: "request of 甲市支队", method: "GET", path: requestPath("ZDA", ""), want: expect(200, "liaisonA liaisonB reviewer", 404, "staff", 403),
		check: func(t *testing.T, _ *fixture, key string, rec *httptest.ResponseRecorder) {
			var r intake.Request
			decode(t, rec, &r)
			if !r.Flagged || len(r.Matches) == 0 || r.Matches[0].Code != "APP-SY" || !r.Matches[0].Addressed || r.Asset == nil || r.Asset.Code != "REQ-ZDA" {
				t.Errorf("ZDA as %s: %s", key, rec.Body)
			}
		}},
	{name: "request of 新闻宣传处", method: "GET", path: requestPath("XCC", ""), want: expect(200, "liaisonA liaisonB inspector", 404, "staff", 403),
		check: checkRequest(intake.StepApproved, 1, catalog.Active)},
	{name: "similar apps of 甲市支队", method: "POST", path: intakePath("/api/v1/intake/similar"),
		body: func(fx *fixture, _ string) any { return map[string]any{"asset": hydrantBody(fx, "", "ZD-A", nil)} },
		want: expect(200, "liaisonA liaisonB reviewer", 400, "staff", 403), check: checkFound},
	{name: "similar apps, no unit", method: "POST", path: intakePath("/api/v1/intake/similar"),
		body: func(fx *fixture, _ string) any {
			return map[string]any{"asset": hydrantBody(fx, "", "ZD-A", map[string]any{"unit_id": nil, "code": nil})}
		},
		want: expect(200, "staff", 403), check: checkFound},

	// Writes.
	{name: "submit a group of 甲区大队", method: "POST", path: intakePath("/api/v1/intake"),
		body: func(fx *fixture, key string) any { return groupBody(fx, "IS-"+key, "DD-A") },
		want: expect(403, "admin office lead liaisonA", 201, "liaisonB", 400),
		check: func(t *testing.T, fx *fixture, key string, rec *httptest.ResponseRecorder) {
			var r intake.Request
			decode(t, rec, &r)
			if r.Step != intake.StepUnit || r.Round != 1 || r.AssetStatus != catalog.Applying || r.Asset == nil || r.Asset.Group == nil ||
				r.Asset.Group.MemberCount != 2 || r.ApplicantUserID != fx.users[key].ID || strings.Join(actionsOf(r), " ") != "withdraw" ||
				rec.Header().Get("Location") != fmt.Sprintf("/api/v1/intake/%d", r.ID) {
				t.Errorf("submitted as %s: %s, Location %q", key, rec.Body, rec.Header().Get("Location"))
			}
		}},
	{name: "submit an app of 甲市支队", method: "POST", path: intakePath("/api/v1/intake"),
		body: func(fx *fixture, key string) any {
			return map[string]any{"asset": hydrantBody(fx, "IA-"+key, "ZD-A", nil), "answers": answersBody(nil)}
		},
		want:  expect(403, "admin office lead", 201, "liaisonA liaisonB", 400),
		check: checkRequest(intake.StepUnit, 1, catalog.Applying)},
	{name: "approve at the unit step", method: "POST", path: freshRequest(catalog.Group, false, intake.StepUnit, "/decide"),
		body: decideBody("approve", "", "unit"), want: expect(403, "admin office lead liaisonA", 200, "liaisonB", 404),
		check: checkRequest(intake.StepLead, 1, catalog.Applying)},
	{name: "approve one's own request", method: "POST", path: freshRequest(catalog.Group, true, intake.StepUnit, "/decide"),
		body: decideBody("同意", "", ""), want: expect(403)},
	// The lead step belongs to the asset's own lead department: the fixture's lead works in
	// 信息通信处, which leads apps.
	{name: "approve at the lead step", method: "POST", path: freshRequest(catalog.App, false, intake.StepLead, "/decide"),
		body: decideBody("approve", "同意立项", "lead"), want: expect(403, "lead", 200, "liaisonA liaisonB", 404),
		check: checkRequest(intake.StepOffice, 1, catalog.Applying)},
	{name: "another department's lead may not approve", method: "POST", path: freshRequest(catalog.Group, false, intake.StepLead, "/decide"),
		body: decideBody("approve", "同意备案", "lead"), want: expect(403, "liaisonB", 404)},
	{name: "approve at the office step", method: "POST", path: freshRequest(catalog.App, false, intake.StepOffice, "/decide"),
		body: decideBody("approve", "", ""), want: expect(403, "admin office", 200, "liaisonA liaisonB", 404),
		check: checkRequest(intake.StepApproved, 1, catalog.Active)},
	{name: "return at the unit step", method: "POST", path: freshRequest(catalog.Group, false, intake.StepUnit, "/decide"),
		body: decideBody("return", "请补充群成员名单", "unit"), want: expect(403, "admin office lead liaisonA", 200, "liaisonB", 404),
		check: checkRequest(intake.StepReturned, 1, catalog.Applying)},
	{name: "reject at the unit step", method: "POST", path: freshRequest(catalog.Group, false, intake.StepUnit, "/decide"),
		body: decideBody("reject", "已有同类群组", ""), want: expect(403, "admin office lead liaisonA", 200, "liaisonB", 404),
		check: checkRequest(intake.StepRejected, 1, catalog.Rejected)},
	{name: "withdraw one's own request", method: "POST", path: freshRequest(catalog.Group, true, intake.StepUnit, "/withdraw"),
		body: func(*fixture, string) any { return map[string]string{"reason": "不再需要"} },
		want: expect(403, "admin office lead liaisonA liaisonB", 200), check: checkRequest(intake.StepWithdrawn, 1, catalog.Rejected)},
	{name: "withdraw another's request", method: "POST", path: freshRequest(catalog.Group, false, intake.StepUnit, "/withdraw"),
		body: func(*fixture, string) any { return map[string]string{} }, want: expect(403, "liaisonB", 404)},
	{name: "resubmit one's own request", method: "POST", path: freshRequest(catalog.Group, true, intake.StepReturned, "/resubmit"),
		body: func(*fixture, string) any {
			return map[string]any{"answers": map[string]string{}, "members": []map[string]string{{"external_name": "外部乙"}}}
		},
		want: expect(403, "admin office lead liaisonA liaisonB", 200), check: checkRequest(intake.StepUnit, 2, catalog.Applying)},
	{name: "resubmit another's request", method: "POST", path: freshRequest(catalog.Group, false, intake.StepReturned, "/resubmit"),
		body: func(*fixture, string) any { return map[string]any{"answers": map[string]string{}} }, want: expect(403, "liaisonB", 404)},
}

func actionsOf(r intake.Request) []string {
	var out []string
	for _, a := range r.Actions {
		out = append(out, string(a))
	}
	return out
}

// TestIntakeFlow walks an app of 甲市支队 through 立项审核 as the API's clients would, on both
// engines: the 支队's liaison checks for duplicates and submits; the request is returned at the
// unit step, corrected and resubmitted as round 2, and approved by the office (another writer
// whose scope holds the 支队) at the unit step, a lead department and the administrator at the
// office step, after which the app is in use. The applicant may not approve it, nobody may
// approve two steps of one round, and outsiders neither see nor act. A second app of the 支队
// exceeds its yearly quota, and a group filed and withdrawn ends 未通过.
func TestIntakeFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		fx.addAssets(t)
		fx.addIntake(t)
		call := func(key, m, path string, body any, want int, out any) *httptest.ResponseRecorder {
			t.Helper()
			rec := fx.do(t, key, bySession, req{method: m, path: path, body: body})
			if rec.Code != want {
				t.Fatalf("%s %s as %s = %d, want %d: %s", m, path, key, rec.Code, want, rec.Body)
			}
			if out != nil {
				// Fields the answer omits (actions, when there are none) must not keep the
				// previous answer's values.
				reflect.ValueOf(out).Elem().SetZero()
				decode(t, rec, out)
			}
			return rec
		}
		// refused makes a call that must be refused with status (and field), writing nothing.
		refused := func(key, m, path string, body any, want int, field string) {
			t.Helper()
			before, rows, intakeBefore := auditLen(t, db), catalogRows(t, db), intakeRows(t, db)
			rec := call(key, m, path, body, want, nil)
			if e := errorOf(t, rec); e.Field != field {
				t.Errorf("%s %s as %s: field %q, want %q: %s", m, path, key, e.Field, field, e.Message)
			}
			if auditLen(t, db) != before || catalogRows(t, db) != rows || intakeRows(t, db) != intakeBefore {
				t.Errorf("%s %s as %s was refused but wrote something", m, path, key)
			}
		}
		decide := func(action, comment, step string) map[string]any {
			return map[string]any{"action": action, "comment": comment, "step": step}
		}

		// 查重 first: the planted APP-SY is a likely duplicate; nothing is written.
		before, rows, intakeBefore := auditLen(t, db), catalogRows(t, db), intakeRows(t, db)
		var found matchesView
		call("liaisonZ", "POST", "/api/v1/intake/similar", map[string]any{"asset": hydrantBody(fx, "ZDA-XHS", "ZD-A", nil)}, 200, &found)
		if len(found.Items) != 1 || found.Items[0].Code != "APP-SY" || !found.Items[0].Blocking || found.Items[0].Addressed {
			t.Fatalf("similar: %+v", found)
		}
		if auditLen(t, db) != before || catalogRows(t, db) != rows || intakeRows(t, db) != intakeBefore {
			t.Error("the duplicate search wrote something")
		}

		// Submitted by the 支队's liaison; the answers name APP-SY.
		var r intake.Request
		rec := call("liaisonZ", "POST", "/api/v1/intake", map[string]any{"asset": hydrantBody(fx, "ZDA-XHS", "ZD-A", nil),
			"answers": answersBody(nil)}, 201, &r)
		path := fmt.Sprintf("/api/v1/intake/%d", r.ID)
		if rec.Header().Get("Location") != path || r.Kind != catalog.App || r.Step != intake.StepUnit || r.Round != 1 ||
			r.AssetStatus != catalog.Applying || r.UnitID != fx.units["ZD-A"].ID || r.ApplicantUserID != fx.users["liaisonZ"].ID ||
			!r.Flagged || r.TopScore < intake.DefaultSimilarBlock || len(r.Matches) != 1 || r.Matches[0].Code != "APP-SY" ||
			!r.Matches[0].Addressed || len(r.Reviews) != 1 || r.Reviews[0].Action != intake.ActSubmit ||
			strings.Join(actionsOf(r), " ") != "withdraw" || r.Asset == nil || r.Asset.Status != catalog.Applying {
			t.Fatalf("submitted: %s", rec.Body)
		}
		assetPath := fmt.Sprintf("/api/v1/assets/%d", r.AssetID)

		// Nobody approves their own request; a 大队's liaison does not see the 支队's; read-only
		// roles may look but not act; frontline staff may not even look.
		refused("liaisonZ", "POST", path+"/decide", decide("approve", "", "unit"), 403, "")
		refused("liaisonA", "GET", path, nil, 404, "")
		refused("liaisonA", "POST", path+"/decide", decide("approve", "", ""), 404, "")
		refused("reviewer", "POST", path+"/decide", decide("approve", "", ""), 403, "")
		refused("inspector", "POST", path+"/decide", decide("approve", "", ""), 403, "")
		refused("inspector", "POST", path+"/withdraw", map[string]any{}, 403, "")
		refused("staff", "GET", path, nil, 403, "")
		var seen intake.Request
		call("inspector", "GET", path, nil, 200, &seen)
		if seen.ID != r.ID || len(seen.Actions) != 0 || len(seen.Matches) != 1 {
			t.Errorf("the inspector's view: %+v", seen)
		}

		// Returned at the unit step, which needs a comment.
		refused("office", "POST", path+"/decide", decide("return", "", "unit"), 400, "comment")
		call("office", "POST", path+"/decide", decide("return", "请说明与消防水源管理系统的区别", "unit"), 200, &r)
		if r.Step != intake.StepReturned || r.Round != 1 || len(r.Actions) != 0 {
			t.Errorf("returned: %+v", r)
		}
		refused("lead", "POST", path+"/decide", decide("approve", "", ""), 409, "")
		call("liaisonZ", "GET", path, nil, 200, &r)
		if strings.Join(actionsOf(r), " ") != "resubmit withdraw" {
			t.Errorf("the applicant's actions on a returned request: %v", r.Actions)
		}

		// Corrected and resubmitted by the applicant only: round 2, back at the unit step.
		corrected := map[string]any{"asset": hydrantBody(fx, "ZDA-XHS", "ZD-A", map[string]any{"name": "市政消火栓日常巡查"}),
			"answers": answersBody(map[string]any{"not_duplicate": "消防水源管理系统管理水源台账,本应用只做消火栓的日常巡查,巡查结果推送至该系统"})}
		refused("office", "POST", path+"/resubmit", corrected, 403, "")
		refused("liaisonZ", "POST", path+"/resubmit", map[string]any{"answers": answersBody(map[string]any{"fits_plan": "符合"})}, 400, "answers.fits_plan")
		call("liaisonZ", "POST", path+"/resubmit", corrected, 200, &r)
		if r.Step != intake.StepUnit || r.Round != 2 || r.AssetName != "市政消火栓日常巡查" || !strings.HasPrefix(r.Answers.NotDuplicate, "消防水源管理系统管理") ||
			len(r.Matches) != 1 || !r.Matches[0].Addressed || len(r.Reviews) != 3 || r.Reviews[2].Action != intake.ActResubmit || r.Reviews[2].Round != 2 {
			t.Fatalf("resubmitted: %+v", r)
		}

		// Round 2: the office at the unit step (its return was round 1), a lead department, then
		// the administrator at the office step. A stale step is a conflict.
		call("office", "POST", path+"/decide", decide("approve", "", "unit"), 200, &r)
		if r.Step != intake.StepLead {
			t.Fatalf("after the unit step: %s", r.Step)
		}
		refused("office", "POST", path+"/decide", decide("approve", "", ""), 403, "")
		refused("lead", "POST", path+"/decide", decide("approve", "", "unit"), 409, "")
		call("lead", "POST", path+"/decide", decide("approve", "纳入全省水源管理统一规划", "lead"), 200, &r)
		if r.Step != intake.StepOffice {
			t.Fatalf("after the lead step: %s", r.Step)
		}
		refused("office", "POST", path+"/decide", decide("approve", "", "office"), 403, "")
		refused("lead", "POST", path+"/decide", decide("approve", "", "office"), 403, "")
		var counts intake.Counts
		call("admin", "GET", "/api/v1/intake/counts", nil, 200, &counts)
		if counts.ToReview != 1 || counts.ToReviewByStep[intake.StepOffice] != 1 || counts.Flagged != 1 {
			t.Errorf("the administrator's counts: %+v", counts)
		}
		call("admin", "POST", path+"/decide", decide("approve", "同意立项", "office"), 200, &r)
		if r.Step != intake.StepApproved || r.AssetStatus != catalog.Active || len(r.Actions) != 0 {
			t.Fatalf("approved: %+v", r)
		}
		var steps []string
		for _, v := range r.Reviews {
			steps = append(steps, fmt.Sprintf("%d:%s:%s", v.Round, v.Step, v.Action))
		}
		if strings.Join(steps, " ") != "1:unit:submit 1:unit:return 2:unit:resubmit 2:unit:approve 2:lead:approve 2:office:approve" ||
			r.Reviews[5].ReviewerName != "测试admin" || r.Reviews[1].Comment != "请说明与消防水源管理系统的区别" {
			t.Errorf("timeline: %v %+v", steps, r.Reviews)
		}
		var app catalog.Asset
		call("liaisonZ", "GET", assetPath, nil, 200, &app)
		if app.Status != catalog.Active || app.Name != "市政消火栓日常巡查" {
			t.Errorf("the approved app: %+v", app)
		}
		refused("admin", "POST", path+"/decide", decide("reject", "重复", ""), 409, "")
		refused("liaisonZ", "POST", path+"/withdraw", map[string]any{}, 409, "")

		var list listBody[intake.Request]
		call("liaisonZ", "GET", "/api/v1/intake?mine=true&step=approved", nil, 200, &list)
		if list.Total != 1 || list.Items[0].ID != r.ID || list.Items[0].Reviews != nil {
			t.Errorf("the applicant's approved requests: %+v", list)
		}
		var entries listBody[auditEntry]
		call("admin", "GET", fmt.Sprintf("/api/v1/audit?object_type=intake_request&object_id=%d", r.ID), nil, 200, &entries)
		var acts []string
		for _, e := range entries.Items {
			acts = append(acts, e.Action)
		}
		if strings.Join(acts, " ") != "intake.approve intake.approve intake.approve intake.resubmit intake.return intake.submit" {
			t.Errorf("audit of the request: %v", acts)
		}

		// The 支队's quota (one app a year) is used.
		refused("liaisonZ", "POST", "/api/v1/intake", map[string]any{"asset": hydrantBody(fx, "ZDA-2", "ZD-A", map[string]any{"name": "营区门禁"}),
			"answers": answersBody(nil)}, 400, "asset.unit_id")

		// A group filed for 甲区大队 and withdrawn by its applicant.
		var g intake.Request
		call("liaisonZ", "POST", "/api/v1/intake", groupBody(fx, "ZDA-QUN", "DD-A"), 201, &g)
		gPath := fmt.Sprintf("/api/v1/intake/%d", g.ID)
		if g.Kind != catalog.Group || g.Asset == nil || g.Asset.Group == nil || g.Asset.Group.MemberCount != 2 || g.Answers != (intake.Answers{}) {
			t.Errorf("filed group: %+v", g)
		}
		refused("liaisonA", "POST", gPath+"/withdraw", map[string]any{"reason": "不需要"}, 403, "")
		call("liaisonZ", "POST", gPath+"/withdraw", map[string]any{"reason": "任务取消"}, 200, &g)
		if g.Step != intake.StepWithdrawn || g.AssetStatus != catalog.Rejected || g.Reviews[len(g.Reviews)-1].Comment != "任务取消" {
			t.Errorf("withdrawn: %+v", g)
		}
		refused("liaisonZ", "POST", gPath+"/resubmit", map[string]any{"answers": map[string]any{}}, 409, "")

		var v verifyBody
		call("admin", "GET", "/api/v1/audit/verify", nil, 200, &v)
		if !v.OK {
			t.Errorf("verify: %+v", v)
		}
	})
}

// TestIntakeAppLevel: a 大队 may not build apps (APP-LEVEL), whoever files for it and however the
// unit is named; the refusal names the rule and the field, and nothing is written.
func TestIntakeAppLevel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		fx.addAssets(t)
		for _, c := range []struct {
			key, unit, field string
			change           map[string]any
		}{
			{"liaisonA", "DD-A", "asset.unit_id", nil},
			{"liaisonA", "ZA-1", "asset.unit_code", map[string]any{"unit_id": nil, "unit_code": "ZA-1"}},
			{"office", "DD-B", "asset.unit_id", nil},
			{"admin", "ZB-1", "asset.unit_id", nil},
		} {
			before, rows, intakeBefore := auditLen(t, db), catalogRows(t, db), intakeRows(t, db)
			rec := fx.do(t, c.key, byToken, req{method: "POST", path: "/api/v1/intake",
				body: map[string]any{"asset": hydrantBody(fx, "X-LEVEL", c.unit, c.change), "answers": answersBody(nil)}})
			if rec.Code != 400 {
				t.Errorf("app of %s by %s: %d %s", c.unit, c.key, rec.Code, rec.Body)
				continue
			}
			e := errorOf(t, rec)
			if e.Code != "invalid" || e.Field != c.field || !strings.Contains(e.Message, "县以下单位原则上不得开发建设应用程序(国办函〔2026〕12号)") ||
				!strings.Contains(e.Message, fx.units[c.unit].Name) {
				t.Errorf("app of %s by %s: %+v", c.unit, c.key, e)
			}
			if auditLen(t, db) != before || catalogRows(t, db) != rows || intakeRows(t, db) != intakeBefore {
				t.Errorf("app of %s by %s was refused but wrote something", c.unit, c.key)
			}
		}
		// The same 大队 may file accounts and groups.
		if rec := fx.do(t, "liaisonA", byToken, req{method: "POST", path: "/api/v1/intake", body: groupBody(fx, "X-GRP", "DD-A")}); rec.Code != 201 {
			t.Errorf("group of a 大队: %d %s", rec.Code, rec.Body)
		}
	})
}

// TestIntakeSimilar: the duplicate search finds the planted near-duplicate app across the whole
// bureau with its score and reasons, ignores unrelated text, applies ACC-DUP to accounts and
// GRP-DUP to groups (naming an out-of-scope group to nobody), and writes nothing.
func TestIntakeSimilar(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		fx.addAssets(t)
		fx.addIntake(t)
		before, rows, intakeBefore := auditLen(t, db), catalogRows(t, db), intakeRows(t, db)
		similar := func(key string, body map[string]any) []intake.Match {
			t.Helper()
			rec := fx.do(t, key, byToken, req{method: "POST", path: "/api/v1/intake/similar", body: body})
			if rec.Code != 200 {
				t.Fatalf("similar as %s: %d %s", key, rec.Code, rec.Body)
			}
			var ms matchesView
			decode(t, rec, &ms)
			if ms.Items == nil || !strings.HasPrefix(rec.Body.String(), `{"items":[`) {
				t.Fatalf("similar as %s: %s", key, rec.Body)
			}
			return ms.Items
		}

		// 乙区大队's liaison cannot read 信息通信处's app, but the search names it: the point is to
		// stop building what exists elsewhere.
		ms := similar("liaisonB", map[string]any{"asset": hydrantBody(fx, "", "", map[string]any{"unit_id": nil})})
		if len(ms) != 1 {
			t.Fatalf("matches %+v, want only APP-SY", ms)
		}
		m := ms[0]
		if m.Code != "APP-SY" || m.Name != "消防水源管理系统" || m.UnitName != "信息通信处" || m.Kind != catalog.App || m.Status != catalog.Active ||
			m.Score < intake.DefaultSimilarBlock || !m.Blocking || m.AssetID != fx.assets["APP-SY"].ID {
			t.Errorf("match %+v", m)
		}
		if len(m.Reasons) < 3 || !strings.HasPrefix(m.Reasons[0], "文本相似度") || !strings.Contains(strings.Join(m.Reasons, " "), "APP-SIMILAR") ||
			strings.Join(m.Evidence.SharedForms, ",") != "消防水源巡检记录" || len(m.Evidence.SharedTerms) == 0 || m.Evidence.Purpose <= 0 {
			t.Errorf("reasons %q, evidence %+v", m.Reasons, m.Evidence)
		}
		if rec := fx.do(t, "liaisonB", byToken, req{method: "GET", path: fmt.Sprintf("/api/v1/assets/%d", m.AssetID)}); rec.Code != 404 {
			t.Errorf("liaisonB reading the matched app: %d", rec.Code)
		}

		// Unrelated text finds nothing; so does a form with nothing but its kind.
		for _, asset := range []map[string]any{
			{"kind": "app", "name": "营区食堂订餐", "purpose": "指战员每日就餐预约、菜谱公示和伙食费结算。", "functions": []string{"就餐预约", "菜谱公示"}},
			{"kind": "应用"},
		} {
			if ms := similar("office", map[string]any{"asset": asset}); len(ms) != 0 {
				t.Errorf("%v matches %+v", asset["name"], ms)
			}
		}

		// ACC-DUP: 甲区大队 already has an account on 抖音.
		ms = similar("liaisonA", map[string]any{"asset": map[string]any{"kind": "account", "name": "甲区消防救援", "platform": "抖音", "unit_code": "DD-A"}})
		if len(ms) == 0 || ms[0].Code != "ACC-A" || !ms[0].Blocking || !ms[0].Evidence.SameUnit || !ms[0].Evidence.SamePlatform || len(ms[0].Reasons) == 0 {
			t.Errorf("account matches %+v", ms)
		}

		// GRP-DUP: the members of 乙一站's work group, proposed again. Its liaison sees which group;
		// 甲区大队's sees that one exists, not its name.
		members := []map[string]string{{"person_code": "P-B1-1"}, {"person_code": "P-B1-2"}}
		ms = similar("liaisonB", map[string]any{"asset": map[string]any{"kind": "group", "name": "乙一站通知群", "unit_code": "ZB-1"}, "members": members})
		if len(ms) == 0 || ms[0].Code != "GRP-B1" || !ms[0].Blocking || ms[0].Evidence.SharedMembers != 2 || ms[0].Evidence.Jaccard != 1 || ms[0].Redacted {
			t.Errorf("group matches for 乙区大队: %+v", ms)
		}
		ms = similar("liaisonA", map[string]any{"asset": map[string]any{"kind": "group", "name": "某群"}, "members": members})
		if len(ms) == 0 || !ms[0].Redacted || ms[0].Code != "" || ms[0].AssetID != 0 || ms[0].UnitName != "" || strings.Contains(fmt.Sprint(ms[0]), "乙一站") ||
			ms[0].Evidence.SharedMembers != 2 {
			t.Errorf("group matches for 甲区大队: %+v", ms)
		}

		if auditLen(t, db) != before || catalogRows(t, db) != rows || intakeRows(t, db) != intakeBefore {
			t.Error("the duplicate search wrote something")
		}
	})
}
