package api

import (
	"context"
	"encoding/json"
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
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// addAssets records a small inventory through catalog as org.System, a few assets per 大队 and
// some at the top, and links 甲区大队's liaison to 赵甲 (P-A-1), who is responsible for two of
// 甲区大队's assets that wait for confirmation:
//
//	XXC   APP-XXC  app      Web系统      owner P-ZD-1
//	XCC   ACC-XCC  account  微信公众号   owner P-BGS-1
//	ZD-A  GRP-ZDA  group    钉钉         owner P-ZDA-1
//	DD-A  APP-A    app      App          owner P-A-1, forced 打卡签到
//	DD-A  ACC-A    account  抖音         owner P-A-1
//	ZA-1  GRP-A1   group    微信         temporary; members P-A1-1 (群主), P-A1-2, P-A1-3, 外部甲
//	ZA-1  GRP-A2   group    企业微信     no owner
//	DD-B  APP-B    app      小程序       owner P-B-1, forced 积分排名
//	ZB-1  GRP-B1   group    微信         members P-B1-1 (群主), P-B1-2
//	ZB-1  GRP-B2   group    微信         owner P-B-1, retired
//
// The counts the scope table expects follow from this list.
func (fx *fixture) addAssets(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	cat := fx.api.Catalog
	for _, a := range []struct {
		code, kind, name, unit, platform, owner string
		app                                     *catalog.AppDetails
		group                                   *catalog.GroupDetails
	}{
		{code: "APP-XXC", kind: "app", name: "全省消防办公平台", unit: "XXC", platform: "Web系统", owner: "P-ZD-1"},
		{code: "ACC-XCC", kind: "account", name: "测试消防", unit: "XCC", platform: "微信公众号", owner: "P-BGS-1"},
		{code: "GRP-ZDA", kind: "group", name: "甲市支队指挥群", unit: "ZD-A", platform: "钉钉", owner: "P-ZDA-1"},
		{code: "APP-A", kind: "app", name: "甲区执勤通", unit: "DD-A", platform: "App", owner: "P-A-1",
			app: &catalog.AppDetails{ForcedFeatures: []string{"checkin"}, Forms: []string{"每日执勤登记"}}},
		{code: "ACC-A", kind: "account", name: "甲区消防", unit: "DD-A", platform: "抖音", owner: "P-A-1"},
		{code: "GRP-A1", kind: "group", name: "甲一站抢险临时群", unit: "ZA-1", platform: "微信",
			group: &catalog.GroupDetails{Temporary: true, TaskEndOn: catalog.Date{Time: tz.Today().AddDate(0, 1, 0)}}},
		{code: "GRP-A2", kind: "group", name: "甲一站值班群", unit: "ZA-1", platform: "企业微信"},
		{code: "APP-B", kind: "app", name: "乙区巡查小程序", unit: "DD-B", platform: "小程序", owner: "P-B-1",
			app: &catalog.AppDetails{ForcedFeatures: []string{"积分排名"}}},
		{code: "GRP-B1", kind: "group", name: "乙一站工作群", unit: "ZB-1", platform: "微信"},
		{code: "GRP-B2", kind: "group", name: "乙一站旧群", unit: "ZB-1", platform: "微信", owner: "P-B-1"},
	} {
		in := catalog.Input{Code: a.code, Kind: catalog.Kind(a.kind), Name: a.name, UnitID: fx.units[a.unit].ID, Platform: a.platform,
			OwnerCode: a.owner, Purpose: a.name + "的日常工作", App: a.app, Group: a.group}
		as, err := cat.Create(ctx, org.System, in)
		storetest.Must(t, err)
		fx.assets[a.code] = as
	}
	for code, members := range map[string][]catalog.MemberInput{
		"GRP-A1": {{PersonCode: "P-A1-1", Role: "群主"}, {PersonCode: "P-A1-2", Role: "admin"}, {PersonCode: "P-A1-3"}, {ExternalName: "外部甲"}},
		"GRP-B1": {{PersonCode: "P-B1-1", Role: "owner"}, {PersonCode: "P-B1-2"}},
	} {
		_, err := cat.SetMembers(ctx, org.System, fx.assets[code].ID, members)
		storetest.Must(t, err)
	}
	_, err := cat.Transition(ctx, org.System, fx.assets["GRP-B2"].ID, catalog.Retired, "任务已结束")
	storetest.Must(t, err)
	for code, a := range fx.assets {
		fx.assets[code], err = cat.Get(ctx, org.System, a.ID)
		storetest.Must(t, err)
	}
	// Directly, not through org.UpdateUser: the table's callers keep their sessions and
	// tokens, and the audit entries of users stay those of the fixture.
	_, err = fx.db.ExecContext(ctx, `UPDATE users SET person_id = $1 WHERE id = $2`, fx.people["P-A-1"].ID, fx.users["liaisonA"].ID)
	storetest.Must(t, err)
}

// assetPath is the path of a fixture asset, with suffix.
func assetPath(code, suffix string) func(*testing.T, *fixture, string) string {
	return func(_ *testing.T, fx *fixture, _ string) string {
		return fmt.Sprintf("/api/v1/assets/%d%s", fx.assets[code].ID, suffix)
	}
}

// newAsset records a live asset of kind in unit (in status, active or rectifying) for one row.
func (fx *fixture) newAsset(t *testing.T, kind catalog.Kind, unit string, status catalog.Status, code string) catalog.Asset {
	t.Helper()
	ctx := context.Background()
	if code == "" {
		fx.seq++
		code = fmt.Sprintf("NEW-%d", fx.seq)
	}
	platform := catalog.Platforms[kind][0]
	a, err := fx.api.Catalog.Create(ctx, org.System, catalog.Input{Code: code, Kind: kind, Name: "临时" + code, Platform: platform,
		UnitID: fx.units[unit].ID})
	storetest.Must(t, err)
	if status == catalog.Rectifying {
		a, err = fx.api.Catalog.Transition(ctx, org.System, a.ID, status, "整改测试")
		storetest.Must(t, err)
	}
	return a
}

// freshAsset creates an asset in 甲区大队 for each caller to act on, so that one role's
// transition does not decide the next one's answer.
func freshAsset(status catalog.Status, suffix string) func(*testing.T, *fixture, string) string {
	return func(t *testing.T, fx *fixture, key string) string {
		a := fx.newAsset(t, catalog.App, "DD-A", status, "")
		return fmt.Sprintf("/api/v1/assets/%d%s", a.ID, suffix)
	}
}

// freshMerge creates two groups of 甲一站 with overlapping members for each caller to merge: the
// target is fx.assets["into-"+key] (with code INTO-<key> when byCode), and two of the three
// members of the first are not yet in it.
func freshMerge(byCode bool) func(*testing.T, *fixture, string) string {
	return func(t *testing.T, fx *fixture, key string) string {
		code := ""
		if byCode {
			code = "INTO-" + key
		}
		return fx.mergePair(t, key, code)
	}
}

// mergePair creates the two groups of freshMerge and returns the merge path of the first.
func (fx *fixture) mergePair(t *testing.T, key, intoCode string) string {
	ctx := context.Background()
	from := fx.newAsset(t, catalog.Group, "ZA-1", catalog.Active, "")
	into := fx.newAsset(t, catalog.Group, "ZA-1", catalog.Active, intoCode)
	_, err := fx.api.Catalog.SetMembers(ctx, org.System, from.ID, []catalog.MemberInput{{PersonCode: "P-A1-1"}, {PersonCode: "P-A1-2"}, {ExternalName: "外部乙"}})
	storetest.Must(t, err)
	_, err = fx.api.Catalog.SetMembers(ctx, org.System, into.ID, []catalog.MemberInput{{PersonCode: "P-A1-2"}})
	storetest.Must(t, err)
	fx.assets["into-"+key] = into
	return fmt.Sprintf("/api/v1/assets/%d/merge", from.ID)
}

// checkMerged checks a merge's answer: two members moved, the source merged into the target.
func checkMerged(t *testing.T, fx *fixture, key string, rec *httptest.ResponseRecorder) {
	t.Helper()
	var res mergeView
	decode(t, rec, &res)
	if res.MovedMembers != 2 || res.From.Status != catalog.Merged || res.From.MergedIntoID != fx.assets["into-"+key].ID ||
		res.Into.Group == nil || res.Into.Group.MemberCount != 3 {
		t.Errorf("merge as %s: %+v", key, res)
	}
}

// appInput is the body that records an app in unit.
func appInput(fx *fixture, code, unit string) map[string]any {
	return map[string]any{"code": code, "kind": "app", "name": "新应用" + code, "platform": "小程序", "unit_id": fx.units[unit].ID,
		"app": map[string]any{"forced_features": []string{"打卡签到"}}}
}

// TestAssetFlow walks apps and groups through their lives as the API's clients would, on both
// engines: an app with forced features and forms is recorded, read, changed, sent to 整改中 and
// back, and retired; a group gets members and is merged into another, whose members it joins.
func TestAssetFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		call := func(key, m, path string, body any, want int, out any) *httptest.ResponseRecorder {
			t.Helper()
			rec := fx.do(t, key, bySession, req{method: m, path: path, body: body})
			if rec.Code != want {
				t.Fatalf("%s %s as %s = %d, want %d: %s", m, path, key, rec.Code, want, rec.Body)
			}
			if out != nil {
				decode(t, rec, out)
			}
			return rec
		}

		// An app, recorded by the office for 甲区大队 with 赵甲 responsible.
		var app catalog.Asset
		rec := call("office", "POST", "/api/v1/assets", map[string]any{
			"code": "JQ-ZQT", "kind": "应用", "name": "甲区执勤通", "platform": "app", "unit_code": "DD-A", "owner_code": "P-A-1",
			"purpose": "执勤登记与通知", "functions": []string{"执勤登记", "通知公告", "执勤登记"}, "opened_on": "2025-06-01",
			"app": map[string]any{"target_users": "全体指战员", "target_count": 120, "mandatory": true,
				"forced_features": []string{"打卡签到", "ranking"}, "forms": []string{"每日执勤登记", "周报"},
				"mlps_level": 2, "mlps_assessed_on": "2025-12-31", "yearly_cost": 50000},
		}, 201, &app)
		path := fmt.Sprintf("/api/v1/assets/%d", app.ID)
		if rec.Header().Get("Location") != path || app.Kind != catalog.App || app.Platform != "App" || app.Status != catalog.Active ||
			app.LeadUnitName != "信息通信处" || app.OwnerName != "赵甲" || !app.NeedsAttest || app.OpenedOn.String() != "2025-06-01" ||
			strings.Join(app.Functions, ",") != "执勤登记,通知公告" || app.App == nil ||
			strings.Join(app.App.ForcedFeatures, ",") != "checkin,ranking" || strings.Join(app.App.Forms, ",") != "每日执勤登记,周报" ||
			app.App.MLPSAssessedOn.String() != "2025-12-31" || app.Account != nil || app.Group != nil {
			t.Errorf("created app %+v %+v, Location %q", app, app.App, rec.Header().Get("Location"))
		}
		var got catalog.Asset
		call("liaisonA", "GET", path, nil, 200, &got)
		if got.Code != "JQ-ZQT" || got.App == nil || got.App.TargetCount != 120 || !got.App.Mandatory {
			t.Errorf("read app %+v", got)
		}
		if rec := fx.do(t, "liaisonB", byToken, req{method: "GET", path: path}); rec.Code != 404 {
			t.Errorf("乙区大队's liaison reading 甲区大队's app: %d", rec.Code)
		}

		// Changed by the liaison, kind omitted; the forms are dropped, the features kept.
		call("liaisonA", "PUT", path, map[string]any{
			"code": "JQ-ZQT", "name": "甲区执勤通(新版)", "platform": "App", "unit_id": fx.units["DD-A"].ID, "owner_code": "P-A-1",
			"app": map[string]any{"forced_features": []string{"checkin"}, "mlps_level": 3},
		}, 200, &got)
		if got.Name != "甲区执勤通(新版)" || got.App.MLPSLevel != 3 || len(got.App.Forms) != 0 || strings.Join(got.App.ForcedFeatures, ",") != "checkin" {
			t.Errorf("updated app %+v %+v", got, got.App)
		}
		if rec := fx.do(t, "liaisonA", bySession, req{method: "PUT", path: path, body: map[string]any{"code": "JQ-ZQT", "kind": "group",
			"name": "x", "platform": "微信", "unit_id": fx.units["DD-A"].ID}}); rec.Code != 400 || errorOf(t, rec).Field != "kind" {
			t.Errorf("changing the kind: %d %s", rec.Code, rec.Body)
		}
		// A session without the CSRF header changes nothing.
		if rec := fx.do(t, "liaisonA", bySession, req{method: "POST", path: path + "/transition",
			body: map[string]string{"to": "rectifying", "reason": "整改"}, header: map[string]string{"X-CSRF-Token": ""}}); rec.Code != 403 {
			t.Errorf("transition without CSRF header: %d %s", rec.Code, rec.Body)
		}

		// 整改中 and back by the liaison; retiring is the lead department's.
		call("liaisonA", "POST", path+"/transition", map[string]string{"to": "rectifying", "reason": "存在强制打卡"}, 200, &got)
		if got.Status != catalog.Rectifying {
			t.Errorf("after 整改: %s", got.Status)
		}
		call("liaisonA", "POST", path+"/transition", map[string]string{"to": "整改完成", "reason": "x"}, 400, nil)
		call("liaisonA", "POST", path+"/transition", map[string]string{"to": "active", "reason": "已取消打卡"}, 200, &got)
		call("liaisonA", "POST", path+"/transition", map[string]string{"to": "retired", "reason": "使用率低"}, 403, nil)
		call("lead", "POST", path+"/transition", map[string]string{"to": "retired", "reason": "使用率低,功能并入办公平台"}, 200, &got)
		if got.Status != catalog.Retired || got.ClosedOn.String() != tz.Today().Format("2006-01-02") {
			t.Errorf("after retiring: %s closed %s", got.Status, got.ClosedOn)
		}
		call("lead", "POST", path+"/transition", map[string]string{"to": "active", "reason": "重新启用"}, 409, nil)
		call("admin", "PUT", path, map[string]any{"code": "JQ-ZQT", "name": "x", "platform": "App", "unit_id": fx.units["DD-A"].ID}, 409, nil)
		var history listBody[catalog.Event]
		call("liaisonA", "GET", path+"/history", nil, 200, &history)
		var actions []string
		for _, e := range history.Items {
			actions = append(actions, e.Action+":"+string(e.ToStatus))
		}
		if history.Total != 5 || strings.Join(actions, " ") != "transition:retired transition:active transition:rectifying update: create:active" ||
			history.Items[0].Reason != "使用率低,功能并入办公平台" {
			t.Errorf("history: %+v", history)
		}
		call("liaisonA", "GET", path+"/history?limit=2&offset=4", nil, 200, &history)
		if history.Total != 5 || len(history.Items) != 1 || history.Items[0].Action != "create" {
			t.Errorf("history page: %+v", history)
		}
		var list listBody[catalog.Asset]
		call("liaisonA", "GET", "/api/v1/assets?status=retired", nil, 200, &list)
		if list.Total != 1 || list.Items[0].ID != app.ID {
			t.Errorf("retired assets: %+v", list)
		}
		call("liaisonA", "GET", "/api/v1/assets?status=live", nil, 200, &list)
		if list.Total != 0 {
			t.Errorf("live assets after retiring the only one: %+v", list)
		}

		// Two groups of 甲一站, one merged into the other by code.
		var g1, g2 catalog.Asset
		call("liaisonA", "POST", "/api/v1/assets", map[string]any{"code": "ZA1-QX", "kind": "group", "name": "甲一站抢险群", "platform": "微信",
			"unit_code": "ZA-1", "group": map[string]any{"temporary": true, "task_end_on": "2026-12-31", "approval_ref": "甲消〔2026〕1号"}}, 201, &g1)
		call("office", "POST", "/api/v1/assets", map[string]any{"code": "ZA1-ZB", "kind": "group", "name": "甲一站值班群", "platform": "钉钉",
			"unit_id": fx.units["ZA-1"].ID}, 201, &g2)
		g1Path, g2Path := fmt.Sprintf("/api/v1/assets/%d", g1.ID), fmt.Sprintf("/api/v1/assets/%d", g2.ID)
		var count countView
		call("liaisonA", "PUT", g1Path+"/members", map[string]any{"members": []map[string]string{
			{"person_code": "P-A1-1", "role": "群主"}, {"person_code": "P-A1-2"}, {"external_name": "外部丙", "role": "admin"}}}, 200, &count)
		if count.Count != 3 {
			t.Errorf("set members: %+v", count)
		}
		var members listBody[catalog.Member]
		call("inspector", "GET", g1Path+"/members", nil, 200, &members)
		// 群主, then 管理员, then members.
		if members.Total != 3 || members.Items[0].PersonCode != "P-A1-1" || members.Items[0].Role != catalog.RoleOwner ||
			!members.Items[1].External || members.Items[1].Name != "外部丙" || members.Items[2].PersonCode != "P-A1-2" {
			t.Errorf("members: %+v", members)
		}
		call("liaisonA", "GET", g1Path, nil, 200, &g1)
		if g1.OwnerCode != "P-A1-1" || g1.Group == nil || g1.Group.MemberCount != 3 || !g1.Group.Temporary || g1.Group.ApprovalRef != "甲消〔2026〕1号" {
			t.Errorf("group after members: %+v %+v", g1, g1.Group)
		}
		call("liaisonA", "PUT", g2Path+"/members", map[string]any{"members": []map[string]string{{"person_code": "P-A1-2"}, {"person_code": "P-A1-3"}}}, 200, nil)
		call("liaisonA", "POST", g1Path+"/merge", map[string]any{"into_code": "ZA1-ZB", "reason": "两群成员重合"}, 403, nil)
		call("liaisonA", "GET", "/api/v1/assets/"+fmt.Sprint(app.ID)+"/members", nil, 400, nil)
		var merged mergeView
		call("office", "POST", g1Path+"/merge", map[string]any{"into_code": "ZA1-ZB", "reason": "两群成员重合"}, 200, &merged)
		if merged.MovedMembers != 2 || merged.From.ID != g1.ID || merged.From.Status != catalog.Merged || merged.From.MergedIntoID != g2.ID ||
			merged.From.MergedIntoName != "甲一站值班群" || merged.Into.ID != g2.ID || merged.Into.Group.MemberCount != 4 {
			t.Errorf("merge: %+v", merged)
		}
		call("liaisonA", "GET", g2Path+"/members?limit=500", nil, 200, &members)
		names := map[string]bool{}
		for _, m := range members.Items {
			names[m.Name] = true
			if m.Role != catalog.RoleMember {
				t.Errorf("moved member %s keeps role %s", m.Name, m.Role)
			}
		}
		if members.Total != 4 || !names["孙一"] || !names["外部丙"] || !names["周一"] || !names["吴一"] {
			t.Errorf("members after merge: %+v", members)
		}
		call("liaisonA", "GET", g1Path+"/members", nil, 200, &members)
		if members.Total != 3 {
			t.Errorf("the merged group keeps its list as history: %+v", members)
		}
		call("office", "PUT", g1Path+"/members", map[string]any{"members": []map[string]string{}}, 409, nil)
		call("office", "POST", g2Path+"/merge", map[string]any{"into": g1.ID, "reason": "反向合并"}, 400, nil)

		// The audit log has each change of the merged group, and the chain verifies.
		var entries listBody[auditEntry]
		call("admin", "GET", fmt.Sprintf("/api/v1/audit?object_type=asset&object_id=%d", g1.ID), nil, 200, &entries)
		if entries.Total != 3 || entries.Items[0].Action != "merge" || entries.Items[2].Action != "create" {
			t.Errorf("audit of the merged group: %+v", entries)
		}
		var v verifyBody
		call("admin", "GET", "/api/v1/audit/verify", nil, 200, &v)
		if !v.OK {
			t.Errorf("verify: %+v", v)
		}
	})
}

// TestAttestFlow: a frontline member linked to a person confirms the records they are
// responsible for, including one of a unit outside their scope, and nothing else.
func TestAttestFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		fx := newFixture(t, db)
		fx.addAssets(t)
		hash, err := auth.HashPassword(testPassword)
		storetest.Must(t, err)
		u, err := fx.api.Org.CreateUser(ctx, org.System, org.UserInput{Username: "t-owner", DisplayName: "冯二", PersonID: fx.people["P-B1-1"].ID,
			UnitID: fx.units["ZB-1"].ID, Roles: []org.Role{org.RoleStaff}}, hash)
		storetest.Must(t, err)
		_, err = db.ExecContext(ctx, `UPDATE users SET must_change_password = FALSE WHERE id = $1`, u.ID)
		storetest.Must(t, err)
		fx.users["owner"] = u
		fx.creds["owner"] = fx.login(t, "owner")

		// 冯二 is 群主 of GRP-B1 (through its member list), and responsible for an app of 甲区大队,
		// outside a station member's scope, and for a retired group.
		var other, gone catalog.Asset
		rec := fx.do(t, "admin", byToken, req{method: "POST", path: "/api/v1/assets", body: map[string]any{"code": "APP-A-2", "kind": "app",
			"name": "甲区装备管理", "platform": "Web系统", "unit_code": "DD-A", "owner_code": "P-B1-1"}})
		decode(t, rec, &other)
		rec = fx.do(t, "admin", byToken, req{method: "POST", path: "/api/v1/assets", body: map[string]any{"code": "GRP-B3", "kind": "group",
			"name": "乙一站临时群", "platform": "QQ", "unit_code": "ZB-1", "owner_code": "P-B1-1"}})
		decode(t, rec, &gone)
		fx.do(t, "admin", byToken, req{method: "POST", path: fmt.Sprintf("/api/v1/assets/%d/transition", gone.ID),
			body: map[string]string{"to": "retired", "reason": "已解散"}})

		pending := func() []int64 {
			t.Helper()
			var list listBody[catalog.Asset]
			rec := fx.do(t, "owner", bySession, req{method: "GET", path: "/api/v1/attest"})
			if rec.Code != 200 {
				t.Fatalf("attest list: %d %s", rec.Code, rec.Body)
			}
			decode(t, rec, &list)
			var ids []int64
			for _, a := range list.Items {
				ids = append(ids, a.ID)
			}
			if list.Total != len(ids) {
				t.Errorf("attest list: total %d, %d items", list.Total, len(ids))
			}
			return ids
		}
		b1 := fx.assets["GRP-B1"].ID
		if ids := pending(); len(ids) != 2 || !contains(ids, b1) || !contains(ids, other.ID) {
			t.Fatalf("pending for 冯二: %v, want GRP-B1 %d and APP-A-2 %d", ids, b1, other.ID)
		}
		// The owner's role reads no inventory; only the attestation is open to them.
		if rec := fx.do(t, "owner", bySession, req{method: "GET", path: fmt.Sprintf("/api/v1/assets/%d", other.ID)}); rec.Code != 403 {
			t.Errorf("staff reading an asset: %d", rec.Code)
		}

		// Someone else's asset, alone or with one's own, is refused as a whole.
		before := auditLen(t, db)
		for _, ids := range [][]int64{{fx.assets["APP-A"].ID}, {b1, fx.assets["APP-A"].ID}, {b1, 999999}} {
			rec := fx.do(t, "owner", bySession, req{method: "POST", path: "/api/v1/attest", body: map[string]any{"ids": ids}})
			if rec.Code != 403 {
				t.Errorf("attesting %v: %d %s", ids, rec.Code, rec.Body)
			}
		}
		if auditLen(t, db) != before {
			t.Errorf("a refused attestation wrote to the audit log")
		}
		if ids := pending(); len(ids) != 2 {
			t.Errorf("pending after refusals: %v", ids)
		}

		var res attestView
		rec = fx.do(t, "owner", byToken, req{method: "POST", path: "/api/v1/attest", body: map[string]any{"ids": []int64{b1, other.ID, gone.ID}}})
		if rec.Code != 200 {
			t.Fatalf("attest: %d %s", rec.Code, rec.Body)
		}
		decode(t, rec, &res)
		if res.Confirmed != 2 { // the retired group is skipped
			t.Errorf("confirmed %d, want 2", res.Confirmed)
		}
		if ids := pending(); len(ids) != 0 {
			t.Errorf("pending after attesting: %v", ids)
		}
		var a catalog.Asset
		decode(t, fx.do(t, "admin", byToken, req{method: "GET", path: fmt.Sprintf("/api/v1/assets/%d", other.ID)}), &a)
		if a.NeedsAttest || a.AttestedAt.IsZero() || a.AttestedBy != "冯二" {
			t.Errorf("attested asset: %+v", a)
		}
		var history listBody[catalog.Event]
		decode(t, fx.do(t, "admin", byToken, req{method: "GET", path: fmt.Sprintf("/api/v1/assets/%d/history", other.ID)}), &history)
		if history.Total != 2 || history.Items[0].Action != "attest" || history.Items[0].Actor != "冯二" {
			t.Errorf("history after attesting: %+v", history)
		}

		// A change by someone else asks the owner again.
		rec = fx.do(t, "admin", byToken, req{method: "PUT", path: fmt.Sprintf("/api/v1/assets/%d", other.ID), body: map[string]any{"code": "APP-A-2",
			"name": "甲区装备管理系统", "platform": "Web系统", "unit_code": "DD-A", "owner_code": "P-B1-1"}})
		if rec.Code != 200 {
			t.Fatalf("update: %d %s", rec.Code, rec.Body)
		}
		if ids := pending(); len(ids) != 1 || ids[0] != other.ID {
			t.Errorf("pending after another's change: %v", ids)
		}

		// A login linked to no person has nothing to confirm and may confirm nothing.
		rec = fx.do(t, "admin", bySession, req{method: "POST", path: "/api/v1/attest", body: map[string]any{"ids": []int64{other.ID}}})
		if rec.Code != 403 {
			t.Errorf("attest by an unlinked login: %d %s", rec.Code, rec.Body)
		}
	})
}

func contains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// TestOpenAPIRequestSchemas checks that the request bodies of the inventory document exactly the
// fields the decoder accepts, so that a field added to catalog.Input (which the decoder would
// accept at once) cannot go undocumented, nor a documented one be refused as unknown.
func TestOpenAPIRequestSchemas(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]any{
		"AssetInput": catalog.Input{}, "AppDetails": catalog.AppDetails{}, "AccountDetails": catalog.AccountDetails{},
		"GroupDetails": catalog.GroupDetails{}, "MemberInput": catalog.MemberInput{}, "MembersUpdate": membersBody{},
		"TransitionRequest": transitionBody{}, "MergeRequest": mergeBody{}, "AttestRequest": attestBody{},
		"IntakeSubmit": submitBody{}, "IntakeResubmit": resubmitBody{}, "IntakeSimilar": similarBody{}, "IntakeWithdraw": withdrawBody{},
		"IntakeDecision": intake.Decision{}, "Answers": intake.Answers{},
	} {
		schema, _ := resolve(doc, "#/components/schemas/"+name).(map[string]any)
		if schema == nil {
			t.Errorf("no schema %s", name)
			continue
		}
		if schema["additionalProperties"] != false {
			t.Errorf("%s: unknown fields are refused, but the schema allows them", name)
		}
		props, _ := schema["properties"].(map[string]any)
		fields := map[string]bool{}
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			f, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			fields[f] = true
			if _, ok := props[f]; !ok {
				t.Errorf("%s: field %q is accepted but not documented", name, f)
			}
		}
		for p := range props {
			if !fields[p] {
				t.Errorf("%s: property %q is documented but refused", name, p)
			}
		}
	}
}
