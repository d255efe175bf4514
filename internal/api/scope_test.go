package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/orgio"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// scopeCase is one endpoint called by every role of the fixture.
type scopeCase struct {
	name   string
	method string
	// path may create the object the call acts on, so that each role gets its own (deleting the
	// same unit twice would make the second answer depend on the first).
	path func(t *testing.T, fx *fixture, key string) string
	body func(fx *fixture, key string) any
	ct   string // Content-Type when the body is not JSON
	want map[string]int
	// tokenWant overrides want when the caller uses a bearer token.
	tokenWant map[string]int
	// For list responses: the expected total per role, and the unit each item belongs to, which
	// must be one the role may see.
	totals map[string]int
	unitOf string
	// check inspects a successful response further.
	check func(t *testing.T, fx *fixture, key string, rec *httptest.ResponseRecorder)
}

// expect maps each role to rest, anonymous callers to 401, and the roles named in groups
// ("admin office", 201, …) to the status after them.
func expect(rest int, groups ...any) map[string]int {
	m := map[string]int{}
	for _, k := range roles {
		m[k] = rest
	}
	m["anon"] = http.StatusUnauthorized
	for k, v := range per(groups...) {
		m[k] = v
	}
	return m
}

// per maps the roles named in groups to the number after them.
func per(groups ...any) map[string]int {
	m := map[string]int{}
	for i := 0; i < len(groups); i += 2 {
		for _, k := range strings.Fields(groups[i].(string)) {
			if !isRole(k) {
				panic("unknown role in table: " + k)
			}
			m[k] = groups[i+1].(int)
		}
	}
	return m
}

func isRole(k string) bool {
	for _, r := range roles {
		if r == k {
			return true
		}
	}
	return false
}

const rootRoles = "admin office lead support"

func fixed(p string) func(*testing.T, *fixture, string) string {
	return func(*testing.T, *fixture, string) string { return p }
}

func unitPath(code, suffix string) func(*testing.T, *fixture, string) string {
	return func(_ *testing.T, fx *fixture, _ string) string {
		return fmt.Sprintf("/api/v1/units/%d%s", fx.units[code].ID, suffix)
	}
}

func personPath(code string) func(*testing.T, *fixture, string) string {
	return func(_ *testing.T, fx *fixture, _ string) string {
		return fmt.Sprintf("/api/v1/people/%d", fx.people[code].ID)
	}
}

func userPath(key, suffix string) func(*testing.T, *fixture, string) string {
	return func(_ *testing.T, fx *fixture, _ string) string {
		return fmt.Sprintf("/api/v1/users/%d%s", fx.users[key].ID, suffix)
	}
}

func withUnit(format, code string) func(*testing.T, *fixture, string) string {
	return func(_ *testing.T, fx *fixture, _ string) string { return fmt.Sprintf(format, fx.units[code].ID) }
}

// freshUnit creates an empty station under 甲区大队 for key to delete.
func freshUnit(t *testing.T, fx *fixture, key string) string {
	u, err := fx.api.Org.CreateUnit(context.Background(), org.System,
		org.UnitInput{Code: "DEL-" + key, Name: "待删站" + key, Kind: org.Station, ParentID: fx.units["DD-A"].ID})
	storetest.Must(t, err)
	return fmt.Sprintf("/api/v1/units/%d", u.ID)
}

// freshPerson creates a person in 甲一站 for key to change or delete.
func freshPerson(prefix string) func(*testing.T, *fixture, string) string {
	return func(t *testing.T, fx *fixture, key string) string {
		p, err := fx.api.Org.CreatePerson(context.Background(), org.System,
			org.PersonInput{Code: prefix + "-" + key, Name: "临时" + key, UnitID: fx.units["ZA-1"].ID})
		storetest.Must(t, err)
		return fmt.Sprintf("/api/v1/people/%d", p.ID)
	}
}

// freshToken creates a token of the fixture user owner (the caller itself when owner is "") for
// the caller to revoke.
func freshToken(owner string) func(*testing.T, *fixture, string) string {
	return func(t *testing.T, fx *fixture, key string) string {
		who := owner
		if who == "" {
			who = key
		}
		u, ok := fx.users[who]
		if !ok {
			return "/api/v1/tokens/1"
		}
		tok, _, err := fx.api.Auth.CreateToken(context.Background(), u, "待吊销", 0)
		storetest.Must(t, err)
		return fmt.Sprintf("/api/v1/tokens/%d", tok.ID)
	}
}

var scopeCases = []scopeCase{
	// Reads come first, so that the totals are those of the fixture.
	{name: "me", method: "GET", path: fixed("/api/v1/me"), want: expect(200),
		check: func(t *testing.T, fx *fixture, key string, rec *httptest.ResponseRecorder) {
			if !strings.Contains(rec.Body.String(), `"username":"`+fx.users[key].Username+`"`) {
				t.Errorf("me is not %s: %s", key, rec.Body)
			}
		}},
	{name: "openapi", method: "GET", path: fixed("/api/v1/openapi.json"), want: expect(200, "anon", 200)},

	{name: "units", method: "GET", path: fixed("/api/v1/units"), want: expect(200, "staff", 403), unitOf: "id",
		totals: per(rootRoles, 9, "liaisonA liaisonB", 2, "reviewer", 1, "inspector", 5)},
	{name: "units?limit=1", method: "GET", path: fixed("/api/v1/units?limit=1&offset=1"), want: expect(200, "staff", 403), unitOf: "id",
		totals: per(rootRoles, 9, "liaisonA liaisonB", 2, "reviewer", 1, "inspector", 5)},
	{name: "units?parent_id=甲区大队", method: "GET", path: withUnit("/api/v1/units?parent_id=%d", "DD-A"), unitOf: "id",
		want:   expect(200, "liaisonB reviewer", 400, "staff", 403),
		totals: per(rootRoles+" liaisonA inspector", 2)},
	{name: "units?kind=station", method: "GET", path: fixed("/api/v1/units?kind=station"), want: expect(200, "staff", 403), unitOf: "id",
		totals: per(rootRoles+" inspector", 2, "liaisonA liaisonB", 1, "reviewer", 0)},
	{name: "units?q=乙", method: "GET", path: fixed("/api/v1/units?q=%E4%B9%99"), want: expect(200, "staff", 403), unitOf: "id",
		totals: per(rootRoles+" inspector liaisonB", 2, "liaisonA reviewer", 0)},
	{name: "unit 甲一站", method: "GET", path: unitPath("ZA-1", ""),
		want: expect(200, "liaisonB reviewer", 404, "staff", 403)},
	{name: "unit 乙一站", method: "GET", path: unitPath("ZB-1", ""),
		want: expect(200, "liaisonA reviewer", 404, "staff", 403)},

	{name: "people", method: "GET", path: fixed("/api/v1/people"), unitOf: "unit_id",
		want:   expect(200, "reviewer inspector staff", 403),
		totals: per(rootRoles, 11, "liaisonA", 5, "liaisonB", 3)},
	{name: "people?unit_id=乙区大队", method: "GET", path: withUnit("/api/v1/people?unit_id=%d", "DD-B"), unitOf: "unit_id",
		want:   expect(200, "liaisonA", 400, "reviewer inspector staff", 403),
		totals: per(rootRoles+" liaisonB", 3)},
	{name: "people?q=P-B1", method: "GET", path: fixed("/api/v1/people?q=P-B1&status=active"), unitOf: "unit_id",
		want:   expect(200, "reviewer inspector staff", 403),
		totals: per(rootRoles+" liaisonB", 2, "liaisonA", 0)},
	{name: "person of 甲一站", method: "GET", path: personPath("P-A1-1"),
		want: expect(200, "liaisonB", 404, "reviewer inspector staff", 403)},
	{name: "person of 乙一站", method: "GET", path: personPath("P-B1-1"),
		want: expect(200, "liaisonA", 404, "reviewer inspector staff", 403)},

	{name: "users", method: "GET", path: fixed("/api/v1/users"), unitOf: "unit_id",
		want: expect(403, "admin office", 200), totals: per("admin office", 10)},
	{name: "users?role=liaison", method: "GET", path: fixed("/api/v1/users?role=liaison"), unitOf: "unit_id",
		want: expect(403, "admin office", 200), totals: per("admin office", 2)},
	{name: "user liaisonB", method: "GET", path: userPath("liaisonB", ""), want: expect(403, "admin office", 200)},

	{name: "tokens", method: "GET", path: fixed("/api/v1/tokens"), want: expect(200), totals: per(rootRoles+" liaisonA liaisonB reviewer inspector staff", 1)},

	// The inventory; addAssets says what each role sees.
	{name: "assets", method: "GET", path: fixed("/api/v1/assets"), want: expect(200, "staff", 403), unitOf: "unit_id",
		totals: per(rootRoles, 10, "liaisonA", 4, "liaisonB", 3, "reviewer", 1, "inspector", 8)},
	{name: "assets page 2", method: "GET", path: fixed("/api/v1/assets?limit=2&offset=2&sort=name"), want: expect(200, "staff", 403), unitOf: "unit_id",
		totals: per(rootRoles, 10, "liaisonA", 4, "liaisonB", 3, "reviewer", 1, "inspector", 8)},
	{name: "assets live", method: "GET", path: fixed("/api/v1/assets?status=live&sort=updated"), want: expect(200, "staff", 403), unitOf: "unit_id",
		totals: per(rootRoles, 9, "liaisonA", 4, "liaisonB", 2, "reviewer", 1, "inspector", 7)},
	{name: "assets retired", method: "GET", path: fixed("/api/v1/assets?status=%E5%B7%B2%E8%A7%A3%E6%95%A3"), want: expect(200, "staff", 403), unitOf: "unit_id",
		totals: per(rootRoles+" liaisonB inspector", 1, "liaisonA reviewer", 0)},
	{name: "groups", method: "GET", path: fixed("/api/v1/assets?kind=group&sort=unit"), want: expect(200, "staff", 403), unitOf: "unit_id",
		totals: per(rootRoles+" inspector", 5, "liaisonA liaisonB", 2, "reviewer", 0)},
	{name: "groups on 微信", method: "GET", path: fixed("/api/v1/assets?kind=%E7%BE%A4%E7%BB%84&platform=%E5%BE%AE%E4%BF%A1"), want: expect(200, "staff", 403),
		unitOf: "unit_id", totals: per(rootRoles+" inspector", 3, "liaisonA", 1, "liaisonB", 2, "reviewer", 0)},
	{name: "assets of 甲区大队", method: "GET", path: withUnit("/api/v1/assets?unit_id=%d", "DD-A"), unitOf: "unit_id",
		want:   expect(200, "liaisonB reviewer", 400, "staff", 403),
		totals: per(rootRoles+" liaisonA inspector", 4)},
	{name: "assets q=甲", method: "GET", path: fixed("/api/v1/assets?q=%E7%94%B2"), want: expect(200, "staff", 403), unitOf: "unit_id",
		totals: per(rootRoles+" inspector", 5, "liaisonA", 4, "liaisonB reviewer", 0)},
	{name: "forced", method: "GET", path: fixed("/api/v1/assets?flag=forced"), want: expect(200, "staff", 403), unitOf: "unit_id",
		totals: per(rootRoles+" inspector", 2, "liaisonA liaisonB", 1, "reviewer", 0)},
	{name: "temporary", method: "GET", path: fixed("/api/v1/assets?flag=temporary"), want: expect(200, "staff", 403), unitOf: "unit_id",
		totals: per(rootRoles+" inspector liaisonA", 1, "liaisonB reviewer", 0)},
	{name: "no owner", method: "GET", path: fixed("/api/v1/assets?flag=noowner"), want: expect(200, "staff", 403), unitOf: "unit_id",
		totals: per(rootRoles+" inspector liaisonA", 1, "liaisonB reviewer", 0)},
	{name: "waiting for 赵甲", method: "GET", path: func(_ *testing.T, fx *fixture, _ string) string {
		return fmt.Sprintf("/api/v1/assets?flag=attest&owner_person_id=%d", fx.people["P-A-1"].ID)
	}, want: expect(200, "staff", 403), unitOf: "unit_id",
		totals: per(rootRoles+" inspector liaisonA", 2, "liaisonB reviewer", 0)},
	{name: "apps led by 信息通信处", method: "GET", path: withUnit("/api/v1/assets?kind=app&lead_unit_id=%d", "XXC"), want: expect(200, "staff", 403),
		unitOf: "unit_id", totals: per(rootRoles, 3, "inspector", 2, "liaisonA liaisonB", 1, "reviewer", 0)},
	{name: "asset of 甲区大队", method: "GET", path: assetPath("APP-A", ""),
		want: expect(200, "liaisonB reviewer", 404, "staff", 403),
		check: func(t *testing.T, fx *fixture, key string, rec *httptest.ResponseRecorder) {
			var a catalog.Asset
			decode(t, rec, &a)
			if a.Code != "APP-A" || a.App == nil || len(a.App.ForcedFeatures) != 1 || a.OwnerCode != "P-A-1" || a.LeadUnitName != "信息通信处" {
				t.Errorf("APP-A as %s: %+v", key, a)
			}
		}},
	{name: "asset of 乙区大队", method: "GET", path: assetPath("GRP-B1", ""),
		want: expect(200, "liaisonA reviewer", 404, "staff", 403)},
	{name: "asset of 新闻宣传处", method: "GET", path: assetPath("ACC-XCC", ""),
		want: expect(200, "liaisonA liaisonB inspector", 404, "staff", 403)},
	{name: "members of 甲一站's group", method: "GET", path: assetPath("GRP-A1", "/members"),
		want:   expect(200, "liaisonB reviewer", 404, "staff", 403),
		totals: per(rootRoles+" liaisonA inspector", 4)},
	{name: "members page", method: "GET", path: assetPath("GRP-B1", "/members?limit=1&offset=1"),
		want:   expect(200, "liaisonA reviewer", 404, "staff", 403),
		totals: per(rootRoles+" liaisonB inspector", 2)},
	{name: "history of 乙一站's old group", method: "GET", path: assetPath("GRP-B2", "/history"),
		want:   expect(200, "liaisonA reviewer", 404, "staff", 403),
		totals: per(rootRoles+" liaisonB inspector", 2)},
	// Pending assets are the caller's own as responsible person, whatever the role: only
	// 甲区大队's liaison is linked to a person.
	{name: "attest list", method: "GET", path: fixed("/api/v1/attest"), want: expect(200), unitOf: "unit_id",
		totals: per(rootRoles+" liaisonB reviewer inspector staff", 0, "liaisonA", 2)},

	{name: "audit", method: "GET", path: fixed("/api/v1/audit?object_type=unit&from=2000-01-01&to=2100-12-31"),
		want: expect(403, "admin office", 200), totals: per("admin office", 9)},
	{name: "audit verify", method: "GET", path: fixed("/api/v1/audit/verify"), want: expect(403, "admin office", 200),
		check: func(t *testing.T, _ *fixture, _ string, rec *httptest.ResponseRecorder) {
			if !strings.Contains(rec.Body.String(), `"ok":true`) {
				t.Errorf("chain does not verify: %s", rec.Body)
			}
		}},
	{name: "export units", method: "GET", path: fixed("/api/v1/export/units"), want: expect(200, "staff", 403),
		check: checkExport(orgio.Units, per(rootRoles, 9, "liaisonA liaisonB", 2, "reviewer", 1, "inspector", 5))},
	{name: "export people as CSV", method: "GET", path: fixed("/api/v1/export/people?format=csv"),
		want:  expect(200, "reviewer inspector staff", 403),
		check: checkExport(orgio.People, per(rootRoles, 11, "liaisonA", 5, "liaisonB", 3))},
	{name: "import people, dry run", method: "POST", path: fixed("/api/v1/import/people"),
		body: testdata("people.csv"), ct: "text/csv",
		want:  expect(403, "admin office liaisonA", 200, "liaisonB", 400),
		check: checkImport(1, 1, 0)},
	{name: "import units, dry run", method: "POST", path: fixed("/api/v1/import/units?dry_run=true"),
		body: testdata("units.xlsx"), ct: xlsxType,
		want:  expect(403, "admin office", 200),
		check: checkImport(1, 0, 1)},

	// Writes.
	{name: "change own password, wrong old one", method: "POST", path: fixed("/api/v1/me/password"),
		body: func(*fixture, string) any {
			return map[string]string{"old_password": "wrong", "new_password": "Another-Pass-2027"}
		},
		want: expect(400)},
	{name: "create unit", method: "POST", path: fixed("/api/v1/units"),
		body: func(fx *fixture, key string) any {
			return org.UnitInput{Code: "N-" + key, Name: "新站" + key, Kind: org.Station, ParentID: fx.units["DD-A"].ID}
		},
		want: expect(403, "admin office", 201)},
	{name: "update unit", method: "PUT", path: unitPath("ZA-1", ""),
		body: func(fx *fixture, key string) any {
			return org.UnitInput{Code: "ZA-1", Name: "甲一消防救援站", Kind: org.Station, ParentID: fx.units["DD-A"].ID}
		},
		want: expect(403, "admin office", 200)},
	{name: "delete unit", method: "DELETE", path: freshUnit, want: expect(403, "admin office", 204)},

	{name: "create person", method: "POST", path: fixed("/api/v1/people"),
		body: func(fx *fixture, key string) any {
			return org.PersonInput{Code: "NP-" + key, Name: "新人" + key, UnitID: fx.units["ZA-1"].ID}
		},
		want: expect(403, "admin office liaisonA", 201, "liaisonB", 400)},
	{name: "update person", method: "PUT", path: personPath("P-A1-1"),
		body: func(fx *fixture, key string) any {
			return org.PersonInput{Code: "P-A1-1", Name: "孙一", UnitID: fx.units["ZA-1"].ID, Post: "战斗员"}
		},
		want: expect(403, "admin office liaisonA", 200, "liaisonB", 404)},
	{name: "move person to 乙一站", method: "PUT", path: freshPerson("MV"),
		body: func(fx *fixture, key string) any {
			return org.PersonInput{Code: "MV-" + key, Name: "临时" + key, UnitID: fx.units["ZB-1"].ID}
		},
		want: expect(403, "admin office", 200, "liaisonA", 400, "liaisonB", 404)},
	{name: "delete person", method: "DELETE", path: freshPerson("DEL"),
		want: expect(403, "admin office liaisonA", 204, "liaisonB", 404)},

	{name: "create user", method: "POST", path: fixed("/api/v1/users"),
		body: func(fx *fixture, key string) any {
			return map[string]any{"username": "nu-" + strings.ToLower(key), "display_name": "新用户", "unit_id": fx.units["ZA-1"].ID,
				"roles": []string{"staff"}, "password": testPassword}
		},
		want: expect(403, "admin", 201)},
	{name: "update user", method: "PUT", path: userPath("victim", ""),
		body: func(fx *fixture, key string) any {
			return org.UserInput{Username: "t-victim", DisplayName: "受测用户", UnitID: fx.units["ZB-1"].ID, Roles: []org.Role{org.RoleStaff}}
		},
		want: expect(403, "admin", 200)},
	{name: "reset password", method: "POST", path: userPath("victim", "/password"),
		body: func(*fixture, string) any { return map[string]string{"password": "Reset-Pass-2026"} },
		want: expect(403, "admin", 204)},

	// The inventory.
	{name: "create asset in 甲一站", method: "POST", path: fixed("/api/v1/assets"),
		body: func(fx *fixture, key string) any { return appInput(fx, "C-"+key, "ZA-1") },
		want: expect(403, "admin office lead liaisonA", 201, "liaisonB", 400),
		check: func(t *testing.T, fx *fixture, key string, rec *httptest.ResponseRecorder) {
			var a catalog.Asset
			decode(t, rec, &a)
			if a.UnitID != fx.units["ZA-1"].ID || a.Status != catalog.Active || !a.NeedsAttest || a.App == nil ||
				strings.Join(a.App.ForcedFeatures, ",") != "checkin" || rec.Header().Get("Location") != fmt.Sprintf("/api/v1/assets/%d", a.ID) {
				t.Errorf("created as %s: %+v, Location %q", key, a, rec.Header().Get("Location"))
			}
		}},
	{name: "update asset of 甲区大队", method: "PUT", path: assetPath("APP-A", ""),
		body: func(fx *fixture, key string) any {
			return map[string]any{"code": "APP-A", "name": "甲区执勤通", "platform": "App", "unit_code": "DD-A", "owner_code": "P-A-1",
				"purpose": "执勤登记", "app": map[string]any{"forced_features": []string{"checkin"}, "mlps_level": 2}}
		},
		want: expect(403, "admin office lead liaisonA", 200, "liaisonB", 404)},
	{name: "transition to 整改中", method: "POST", path: freshAsset(catalog.Active, "/transition"),
		body: func(*fixture, string) any {
			return map[string]string{"to": "rectifying", "reason": "存在强制打卡"}
		},
		want: expect(403, "admin office lead liaisonA", 200, "liaisonB", 404)},
	{name: "transition back to 在用", method: "POST", path: freshAsset(catalog.Rectifying, "/transition"),
		body: func(*fixture, string) any { return map[string]string{"to": "在用", "reason": "整改完成"} },
		want: expect(403, "admin office lead liaisonA", 200, "liaisonB", 404)},
	{name: "retire", method: "POST", path: freshAsset(catalog.Active, "/transition"),
		body: func(*fixture, string) any { return map[string]string{"to": "retired", "reason": "使用率低"} },
		want: expect(403, "admin office lead", 200)},
	{name: "transition to merged", method: "POST", path: freshAsset(catalog.Active, "/transition"),
		body: func(*fixture, string) any { return map[string]string{"to": "merged", "reason": "功能重复"} },
		want: expect(403, "admin office lead", 400)},
	{name: "merge by id", method: "POST", path: freshMerge(false),
		body: func(fx *fixture, key string) any {
			return map[string]any{"into": fx.assets["into-"+key].ID, "reason": "功能重复"}
		},
		want: expect(403, "admin office lead", 200), check: checkMerged},
	{name: "merge by code", method: "POST", path: freshMerge(true),
		body: func(fx *fixture, key string) any {
			return map[string]any{"into_code": "INTO-" + key, "reason": "功能重复"}
		},
		want: expect(403, "admin office lead", 200), check: checkMerged},
	{name: "set members of 甲一站's group", method: "PUT", path: assetPath("GRP-A2", "/members"),
		body: func(*fixture, string) any {
			return map[string]any{"members": []map[string]string{{"person_code": "P-A1-1"}, {"external_name": "外部乙", "role": "成员"}}}
		},
		want: expect(403, "admin office lead liaisonA", 200, "liaisonB", 404),
		check: func(t *testing.T, _ *fixture, key string, rec *httptest.ResponseRecorder) {
			if strings.TrimSpace(rec.Body.String()) != `{"count":2}` {
				t.Errorf("set members as %s: %s", key, rec.Body)
			}
		}},
	{name: "attest", method: "POST", path: fixed("/api/v1/attest"),
		body: func(fx *fixture, _ string) any { return map[string]any{"ids": []int64{fx.assets["APP-A"].ID}} },
		want: expect(403, "liaisonA", 200),
		check: func(t *testing.T, _ *fixture, key string, rec *httptest.ResponseRecorder) {
			if strings.TrimSpace(rec.Body.String()) != `{"confirmed":1}` {
				t.Errorf("attest as %s: %s", key, rec.Body)
			}
		}},

	{name: "create token", method: "POST", path: fixed("/api/v1/tokens"),
		body:      func(*fixture, string) any { return map[string]any{"name": "同步", "ttl_days": 30} },
		want:      expect(201),
		tokenWant: expect(403)},
	{name: "revoke own token", method: "DELETE", path: freshToken(""), want: expect(204)},
	{name: "revoke another's token", method: "DELETE", path: freshToken("victim"), want: expect(404)},
}

// TestScopeTable calls every endpoint as every role, by session and by token, on both engines,
// and checks the status, list totals, and that no list item lies outside the caller's scope.
func TestScopeTable(t *testing.T) {
	covered := map[string]bool{}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for i, m := range []mode{bySession, byToken} {
			t.Run(string(m), func(t *testing.T) {
				d := db
				if i > 0 {
					d = sameEngine(t, db)
				}
				fx := newFixture(t, d)
				fx.addAssets(t)
				n := 0
				for _, c := range slices.Concat(scopeCases, intakeScopeCases, findingScopeCases, burdenScopeCases, activityScopeCases,
					ledgerScopeCases, inspectionScopeCases, campaignScopeCases, notificationScopeCases) {
					for _, key := range roles {
						want := c.want[key]
						if w, ok := c.tokenWant[key]; ok && m == byToken {
							want = w
						}
						path := runScopeCase(t, fx, m, c, key, want)
						covered[routePattern(c.method, path)] = true
						n++
					}
				}
				t.Logf("%d cases", n)
			})
		}
	})
	// A route added without a row here fails the table.
	for _, rt := range routes {
		if !covered[rt.Method+" "+rt.Path] {
			t.Errorf("scope table has no row for %s %s", rt.Method, rt.Path)
		}
	}
}

// testdata returns a body read from testdata/name.
func testdata(name string) func(*fixture, string) any {
	return func(*fixture, string) any {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			panic(err)
		}
		return b
	}
}

// checkExport parses an exported file and checks it holds exactly the rows the caller may see:
// the count, and that every unit it names is in the caller's scope.
func checkExport(kind orgio.Kind, counts map[string]int) func(*testing.T, *fixture, string, *httptest.ResponseRecorder) {
	return func(t *testing.T, fx *fixture, key string, rec *httptest.ResponseRecorder) {
		t.Helper()
		cd := rec.Header().Get("Content-Disposition")
		label := map[orgio.Kind]string{orgio.Units: "%E5%8D%95%E4%BD%8D-", orgio.People: "%E4%BA%BA%E5%91%98-"}[kind]
		if !strings.HasPrefix(cd, "attachment; ") || !strings.Contains(cd, "filename*=UTF-8''"+label) {
			t.Errorf("export %s as %s: Content-Disposition %q", kind, key, cd)
		}
		var wb *orgio.Workbook
		var err error
		if strings.HasPrefix(rec.Header().Get("Content-Type"), csvType) {
			wb, err = orgio.ParseCSV(rec.Body, kind, 0)
		} else {
			wb, err = orgio.ParseXLSX(rec.Body, 0)
		}
		if err != nil {
			t.Fatalf("export %s as %s: %v", kind, key, err)
		}
		visible := map[string]bool{}
		for code, u := range fx.units {
			if fx.visible[key][u.ID] {
				visible[code] = true
			}
		}
		var codes []string
		for _, u := range wb.Units {
			codes = append(codes, u.Code)
		}
		for _, p := range wb.People {
			codes = append(codes, p.UnitCode)
		}
		if len(codes) != counts[key] {
			t.Errorf("export %s as %s: %d rows, want %d", kind, key, len(codes), counts[key])
		}
		for _, c := range codes {
			if !visible[c] {
				t.Errorf("export %s as %s: row of unit %s, outside the scope", kind, key, c)
			}
		}
	}
}

// checkImport checks a successful import report's counts and that a dry run wrote nothing.
func checkImport(created, updated, unchanged int) func(*testing.T, *fixture, string, *httptest.ResponseRecorder) {
	return func(t *testing.T, _ *fixture, key string, rec *httptest.ResponseRecorder) {
		t.Helper()
		var rep importReport
		decode(t, rec, &rep)
		if rep.Created != created || rep.Updated != updated || rep.Unchanged != unchanged || !rep.DryRun || rep.Written || len(rep.Errors) != 0 {
			t.Errorf("import as %s: %+v, want %d created, %d updated, %d unchanged, not written", key, rep, created, updated, unchanged)
		}
	}
}

// runScopeCase makes one call and returns the concrete path it used.
func runScopeCase(t *testing.T, fx *fixture, m mode, c scopeCase, key string, want int) string {
	t.Helper()
	path := c.path(t, fx, key)
	r := req{method: c.method, path: path, contentType: c.ct}
	if c.body != nil {
		r.body = c.body(fx, key)
	}
	rec := fx.do(t, key, m, r)
	if rec.Code != want {
		t.Errorf("%s as %s: %s %s = %d, want %d: %s", c.name, key, c.method, path, rec.Code, want, rec.Body)
		return path
	}
	if rec.Code >= 300 {
		return path
	}
	if c.totals != nil {
		checkList(t, fx, c, key, rec.Body.Bytes())
	}
	if c.check != nil {
		c.check(t, fx, key, rec)
	}
	return path
}

// checkList asserts the list's total, its page size, and that every item's unit is visible to
// the caller; the last is what keeps one 大队's liaison from seeing another's data.
func checkList(t *testing.T, fx *fixture, c scopeCase, key string, body []byte) {
	t.Helper()
	var list struct {
		Items        []map[string]any
		Total, Limit int
		Offset       int
	}
	decodeBytes(t, body, &list)
	want, ok := c.totals[key]
	if !ok {
		t.Fatalf("%s: no expected total for %s", c.name, key)
	}
	if list.Total != want {
		t.Errorf("%s as %s: total %d, want %d", c.name, key, list.Total, want)
	}
	if page := min(list.Limit, max(want-list.Offset, 0)); len(list.Items) != page {
		t.Errorf("%s as %s: %d items, want %d", c.name, key, len(list.Items), page)
	}
	if c.unitOf == "" {
		return
	}
	for _, it := range list.Items {
		id, _ := it[c.unitOf].(float64)
		if !fx.visible[key][int64(id)] {
			t.Errorf("%s as %s: item outside scope: %v", c.name, key, it)
		}
	}
}

// routePattern returns the pattern of the route that serves method and path, or "".
func routePattern(method, path string) string {
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.Handle(rt.Method+" "+rt.Path, http.NotFoundHandler())
	}
	_, pattern := mux.Handler(httptest.NewRequest(method, path, nil))
	return pattern
}
