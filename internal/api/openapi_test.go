package api

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/store/storetest"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// openAPI is the part of an OpenAPI 3 document the tests look at.
type openAPI struct {
	OpenAPI  string                                `json:"openapi"`
	Servers  []struct{ URL string }                `json:"servers"`
	Security []map[string][]string                 `json:"security"`
	Paths    map[string]map[string]json.RawMessage `json:"paths"`
	Comps    struct {
		SecuritySchemes map[string]struct {
			Type, Scheme, In, Name string
		} `json:"securitySchemes"`
		Parameters map[string]parameter       `json:"parameters"`
		Schemas    map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

type parameter struct {
	Ref  string `json:"$ref"`
	Name string `json:"name"`
	In   string `json:"in"`
}

type operation struct {
	OperationID string                     `json:"operationId"`
	Parameters  []parameter                `json:"parameters"`
	Responses   map[string]json.RawMessage `json:"responses"`
	Security    *[]map[string][]string     `json:"security"`
}

var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "patch": true, "head": true, "options": true}

// TestOpenAPIMatchesRoutes parses the served document and checks it against the route table in
// both directions: every route is documented with its method, success status, path parameters
// and security, and every documented operation is a route.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	fx := newFixture(t, storetest.SQLite(t))
	rec := fx.do(t, "anon", byToken, req{method: "GET", path: "/api/v1/openapi.json"})
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("openapi.json: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	var doc openAPI
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.0") || len(doc.Servers) != 1 || doc.Servers[0].URL != "/api/v1" {
		t.Fatalf("openapi %q servers %v", doc.OpenAPI, doc.Servers)
	}
	ss := doc.Comps.SecuritySchemes
	if b := ss["bearerToken"]; b.Type != "http" || b.Scheme != "bearer" {
		t.Errorf("bearer scheme: %+v", b)
	}
	if c := ss["sessionCookie"]; c.Type != "apiKey" || c.In != "cookie" || c.Name != "jianfu_session" {
		t.Errorf("cookie scheme: %+v", c)
	}
	if c := ss["csrfHeader"]; c.Type != "apiKey" || c.In != "header" || c.Name != "X-CSRF-Token" {
		t.Errorf("CSRF scheme: %+v", c)
	}
	if _, ok := doc.Comps.Schemas["Error"]; !ok {
		t.Error("no Error schema")
	}

	documented := map[string]operation{}
	for path, item := range doc.Paths {
		for method, raw := range item {
			if !httpMethods[method] {
				continue
			}
			var op operation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			documented[strings.ToUpper(method)+" /api/v1"+path] = op
		}
	}
	seen := map[string]bool{}
	for _, rt := range routes {
		key := rt.Method + " " + rt.Path
		seen[key] = true
		op, ok := documented[key]
		if !ok {
			t.Errorf("route %s is not in openapi.json", key)
			continue
		}
		if _, ok := op.Responses[strconv.Itoa(rt.Status)]; !ok {
			t.Errorf("%s: documented responses %v lack the success status %d", key, keys(op.Responses), rt.Status)
		}
		if !rt.public {
			if _, ok := op.Responses["401"]; !ok {
				t.Errorf("%s: 401 not documented", key)
			}
		}
		checkSecurity(t, key, rt, op, doc.Security)
		var inPath []string
		for _, p := range op.Parameters {
			if p.Ref != "" {
				p = doc.Comps.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
			}
			if p.In == "path" {
				inPath = append(inPath, p.Name)
			}
		}
		var want []string
		for _, m := range regexp.MustCompile(`\{(\w+)\}`).FindAllStringSubmatch(rt.Path, -1) {
			want = append(want, m[1])
		}
		sort.Strings(inPath)
		sort.Strings(want) // a path may have several ({id} and {aid})
		if strings.Join(inPath, ",") != strings.Join(want, ",") {
			t.Errorf("%s: path parameters %v documented, want %v", key, inPath, want)
		}
	}
	for key := range documented {
		if !seen[key] {
			t.Errorf("openapi.json documents %s, which is not a route", key)
		}
	}
	checkRefs(t, rec.Body.Bytes())
}

// checkSecurity: public routes say so with an empty requirement; state-changing routes require
// the CSRF header alongside the cookie; the rest inherit the document's bearer-or-cookie.
func checkSecurity(t *testing.T, key string, rt route, op operation, global []map[string][]string) {
	t.Helper()
	sec := global
	if op.Security != nil {
		sec = *op.Security
	}
	has := func(schemes ...string) bool {
		for _, alt := range sec {
			if len(alt) != len(schemes) {
				continue
			}
			all := true
			for _, s := range schemes {
				if _, ok := alt[s]; !ok {
					all = false
				}
			}
			if all {
				return true
			}
		}
		return false
	}
	switch {
	case rt.public:
		if len(sec) != 0 {
			t.Errorf("%s is public but documents security %v", key, sec)
		}
	case unsafeMethod(rt.Method):
		if !has("bearerToken") || !has("sessionCookie", "csrfHeader") || has("sessionCookie") {
			t.Errorf("%s: security %v, want bearer, or cookie with CSRF header", key, sec)
		}
	default:
		if !has("bearerToken") || !has("sessionCookie") {
			t.Errorf("%s: security %v, want bearer or cookie", key, sec)
		}
	}
}

// checkRefs asserts every $ref in the document points at something that exists.
func checkRefs(t *testing.T, doc []byte) {
	t.Helper()
	var root any
	if err := json.Unmarshal(doc, &root); err != nil {
		t.Fatal(err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok && resolve(root, ref) == nil {
				t.Errorf("dangling $ref %s", ref)
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(root)
}

func resolve(root any, ref string) any {
	if !strings.HasPrefix(ref, "#/") {
		return nil
	}
	cur := root
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestOpenAPISchemasMatchResponses compares real responses with the documented schemas: every
// key a response has is documented, and every documented required key is there.
func TestOpenAPISchemasMatchResponses(t *testing.T) {
	fx := newFixture(t, storetest.SQLite(t))
	var doc map[string]any
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	get := func(key string, m mode, r req) map[string]any {
		t.Helper()
		rec := fx.do(t, key, m, r)
		var v map[string]any
		decode(t, rec, &v)
		return v
	}
	first := func(v map[string]any, key string) map[string]any {
		t.Helper()
		items, _ := v[key].([]any)
		if len(items) == 0 {
			t.Fatalf("no %s in %v", key, v)
		}
		return items[0].(map[string]any)
	}
	unitPath := "/api/v1/units/" + strconv.FormatInt(fx.units["ZA-1"].ID, 10)
	units := get("admin", byToken, req{method: "GET", path: "/api/v1/units"})
	tokens := get("admin", byToken, req{method: "GET", path: "/api/v1/tokens"})
	audit := get("admin", byToken, req{method: "GET", path: "/api/v1/audit"})
	people := get("admin", byToken, req{method: "GET", path: "/api/v1/people"})
	users := get("admin", byToken, req{method: "GET", path: "/api/v1/users"})
	imported := get("liaisonA", byToken, req{method: "POST", path: "/api/v1/import/people", body: testdata("people.csv")(fx, ""), contentType: "text/csv"})
	failed := get("liaisonA", byToken, req{method: "POST", path: "/api/v1/import/people", body: testdata("people_bad.csv")(fx, ""), contentType: "text/csv"})

	fx.addAssets(t)
	assetURL := func(code, suffix string) string {
		return "/api/v1/assets/" + strconv.FormatInt(fx.assets[code].ID, 10) + suffix
	}
	assets := get("admin", byToken, req{method: "GET", path: "/api/v1/assets"})
	app := get("admin", byToken, req{method: "GET", path: assetURL("APP-A", "")})
	account := get("admin", byToken, req{method: "GET", path: assetURL("ACC-A", "")})
	group := get("admin", byToken, req{method: "GET", path: assetURL("GRP-A1", "")})
	retired := get("admin", byToken, req{method: "GET", path: assetURL("GRP-B2", "")})
	members := get("admin", byToken, req{method: "GET", path: assetURL("GRP-A1", "/members")})
	history := get("admin", byToken, req{method: "GET", path: assetURL("GRP-B2", "/history")})
	pending := get("liaisonA", byToken, req{method: "GET", path: "/api/v1/attest"})
	attested := get("liaisonA", byToken, req{method: "POST", path: "/api/v1/attest", body: map[string]any{"ids": []int64{fx.assets["APP-A"].ID}}})
	confirmed := get("admin", byToken, req{method: "GET", path: assetURL("APP-A", "")})
	moved := get("admin", byToken, req{method: "POST", path: assetURL("GRP-A1", "/merge"), body: map[string]any{"into_code": "GRP-A2", "reason": "成员重合"}})
	set := get("admin", byToken, req{method: "PUT", path: assetURL("GRP-A2", "/members"), body: map[string]any{"members": []map[string]string{}}})
	dup := get("admin", byToken, req{method: "PUT", path: assetURL("GRP-A2", "/members"),
		body: map[string]any{"members": []map[string]string{{"external_name": "甲"}, {"external_name": "甲"}}}})

	fx.addRequests(t)
	intakeList := get("admin", byToken, req{method: "GET", path: "/api/v1/intake"})
	flagged := get("admin", byToken, req{method: "GET", path: intakeURL(fx, "ZDA", "")})
	counts := get("admin", byToken, req{method: "GET", path: "/api/v1/intake/counts"})
	similar := get("liaisonZ", byToken, req{method: "POST", path: "/api/v1/intake/similar", body: map[string]any{"asset": hydrantBody(fx, "", "ZD-A", nil)}})
	filed := get("liaisonB", byToken, req{method: "POST", path: "/api/v1/intake", body: map[string]any{
		"asset":   map[string]any{"code": "REQ-B2", "kind": "group", "name": "乙一站通知群", "platform": "微信", "unit_code": "ZB-1"},
		"members": []map[string]string{{"person_code": "P-B1-1", "role": "群主"}, {"person_code": "P-B1-2"}}}})
	decided := get("office", byToken, req{method: "POST", path: intakeURL(fx, "ZDA", "/decide"), body: map[string]any{"action": "return", "comment": "请补充"}})
	withdrawn := get("liaisonB", byToken, req{method: "POST", path: intakeURL(fx, "B", "/withdraw"), body: map[string]any{}})
	resubmitted := get("admin", byToken, req{method: "POST", path: intakeURL(fx, "ADM", "/resubmit"), body: map[string]any{"answers": answersBody(nil)}})
	badAnswer := get("admin", byToken, req{method: "POST", path: intakeURL(fx, "ZDA", "/decide"), body: map[string]any{"action": "reject"}})
	object := func(v map[string]any, key string) map[string]any {
		t.Helper()
		o, ok := v[key].(map[string]any)
		if !ok {
			t.Fatalf("no object %s in %v", key, v)
		}
		return o
	}
	// Activity data and the burden dashboards: staff is linked to 陈二, who received m3 in GRP-B1.
	ingested := get("admin", byToken, req{method: "POST", path: ingestPath("batch_id", "openapi"), body: activityNDJSON(), contentType: "application/x-ndjson"})
	again := get("admin", byToken, req{method: "POST", path: ingestPath("batch_id", "openapi"), body: activityNDJSON(), contentType: "application/x-ndjson"})
	strict := get("admin", byToken, req{method: "POST", path: ingestPath("batch_id", "openapi-strict", "strict", "true"), body: activityNDJSON()})
	_, err := fx.db.ExecContext(context.Background(), `UPDATE users SET person_id = $1 WHERE id = $2`, fx.people["P-B1-2"].ID, fx.users["staff"].ID)
	storetest.Must(t, err)
	burdenUnits := get("admin", byToken, req{method: "GET", path: "/api/v1/burden/units"})
	burdenTrend := get("admin", byToken, req{method: "GET", path: "/api/v1/burden/trend"})
	burdenGroups := get("admin", byToken, req{method: "GET", path: "/api/v1/burden/groups"})
	burdenApps := get("admin", byToken, req{method: "GET", path: "/api/v1/burden/apps"})
	burdenMe := get("staff", byToken, req{method: "GET", path: "/api/v1/burden/me"})
	shapes := []struct {
		schema string
		v      map[string]any
	}{
		{"ActivityReport", ingested},
		{"ActivityRowError", first(ingested, "errors")},
		{"ActivityReport", again},
		{"ActivityReport", strict},
		{"BurdenUnits", burdenUnits},
		{"BurdenUnit", object(burdenUnits, "unit")},
		{"BurdenPeriod", object(burdenUnits, "period")},
		{"BurdenWeights", object(burdenUnits, "weights")},
		{"BurdenUnitRow", object(burdenUnits, "self")},
		{"BurdenUnitRow", first(burdenUnits, "items")},
		{"BurdenComponents", object(object(burdenUnits, "self"), "components")},
		{"BurdenTrend", burdenTrend},
		{"DayPoint", first(burdenTrend, "items")},
		{"BurdenGroups", burdenGroups},
		{"GroupRow", first(burdenGroups, "items")},
		{"BurdenApps", burdenApps},
		{"AppRow", first(burdenApps, "items")},
		{"BurdenHeatmap", get("admin", byToken, req{method: "GET", path: "/api/v1/burden/heatmap"})},
		{"PersonView", burdenMe},
		{"DayPoint", first(burdenMe, "trend")},
		{"GroupRow", first(burdenMe, "groups")},
		{"BurdenComponents", object(burdenMe, "components")},
		{"Error", get("lead", byToken, req{method: "GET", path: "/api/v1/burden/me"})},
		{"Error", get("admin", byToken, req{method: "GET", path: "/api/v1/burden/groups?sort=x"})},
		{"UnitList", units},
		{"Unit", get("admin", byToken, req{method: "GET", path: unitPath})},
		{"Unit", first(units, "items")},
		{"PersonList", people},
		{"Person", first(people, "items")},
		{"UserList", users},
		{"User", first(users, "items")},
		{"Me", get("liaisonA", bySession, req{method: "GET", path: "/api/v1/me"})},
		{"TokenList", tokens},
		{"Token", first(tokens, "items")},
		{"TokenCreated", get("admin", bySession, req{method: "POST", path: "/api/v1/tokens", body: map[string]any{"name": "x"}})},
		{"AuditList", audit},
		{"AuditEntry", first(audit, "items")},
		{"VerifyResult", get("admin", byToken, req{method: "GET", path: "/api/v1/audit/verify"})},
		{"ImportReport", imported},
		{"ImportReport", failed},
		{"RowError", first(failed, "errors")},
		{"AssetList", assets},
		{"Asset", first(assets, "items")},
		{"Asset", app},
		{"AppDetails", object(app, "app")},
		{"Asset", account},
		{"AccountDetails", object(account, "account")},
		{"Asset", group},
		{"GroupDetails", object(group, "group")},
		{"Asset", retired},
		{"Asset", confirmed},
		{"MemberList", members},
		{"Member", first(members, "items")},
		{"EventList", history},
		{"Event", first(history, "items")},
		{"AssetList", pending},
		{"AttestResult", attested},
		{"MergeResult", moved},
		{"Asset", object(moved, "from")},
		{"Asset", object(moved, "into")},
		{"MembersCount", set},
		{"IntakeRequestList", intakeList},
		{"IntakeRequest", first(intakeList, "items")},
		{"IntakeRequest", flagged},
		{"Answers", object(flagged, "answers")},
		{"Asset", object(flagged, "asset")},
		{"IntakeReview", first(flagged, "reviews")},
		{"IntakeMatch", first(flagged, "matches")},
		{"IntakeEvidence", object(first(flagged, "matches"), "evidence")},
		{"IntakeCounts", counts},
		{"IntakeMatchList", similar},
		{"IntakeMatch", first(similar, "items")},
		{"IntakeRequest", filed},
		{"IntakeMatch", first(filed, "matches")},
		{"IntakeEvidence", object(first(filed, "matches"), "evidence")},
		{"IntakeRequest", decided},
		{"IntakeRequest", withdrawn},
		{"IntakeRequest", resubmitted},
		{"Error", badAnswer},
		{"Error", dup},
		{"Error", get("admin", byToken, req{method: "GET", path: "/api/v1/units/999999"})},
		{"Error", get("admin", byToken, req{method: "POST", path: "/api/v1/units", body: map[string]any{"code": 5}})},
	}
	shapes = append(shapes, supervisionShapes(t, fx, get, first, object)...)
	for _, s := range shapes {
		schema, _ := resolve(doc, "#/components/schemas/"+s.schema).(map[string]any)
		if schema == nil {
			t.Errorf("no schema %s", s.schema)
			continue
		}
		props, _ := schema["properties"].(map[string]any)
		for k := range s.v {
			if _, ok := props[k]; !ok {
				t.Errorf("%s: response key %q is not documented", s.schema, k)
			}
		}
		required, _ := schema["required"].([]any)
		for _, k := range required {
			if _, ok := s.v[k.(string)]; !ok {
				t.Errorf("%s: documented required key %q missing from %v", s.schema, k, s.v)
			}
		}
	}
}

// supervisionShapes calls the ledger, inspection, campaign and notification endpoints on fx
// (which has its assets) and returns their responses with the schema each must match.
func supervisionShapes(t *testing.T, fx *fixture, get func(string, mode, req) map[string]any,
	first func(map[string]any, string) map[string]any, object func(map[string]any, string) map[string]any) []struct {
	schema string
	v      map[string]any
} {
	t.Helper()
	id := func(v map[string]any) string { return strconv.FormatInt(int64(v["id"].(float64)), 10) }
	// The ledger: an item taken through the whole flow, with a comment, evidence and accountability.
	created := get("liaisonA", byToken, req{method: "POST", path: "/api/v1/ledger", body: ledgerBodyFor(fx, "ZA-1", "P-A1-1", "强制打卡")})
	item := "/api/v1/ledger/" + id(created)
	get("liaisonA", byToken, req{method: "POST", path: item + "/start", body: map[string]string{"text": "已部署"}})
	get("liaisonA", byToken, req{method: "POST", path: item + "/submit", body: map[string]string{"text": "已取消"}})
	verified := get("office", byToken, req{method: "POST", path: item + "/verify", body: map[string]string{"text": "通过"}})
	comment := get("liaisonA", byToken, req{method: "POST", path: item + "/comments", body: map[string]string{"body": "已上传照片"}})
	attachment := get("liaisonA", byToken, req{method: "POST", path: item + "/attachments?filename=a.pdf", body: testPDF, contentType: "application/pdf"})
	accountability := get("office", byToken, req{method: "POST", path: item + "/accountability", body: map[string]string{"kind": "talk", "note": "约谈"}})
	detail := get("admin", byToken, req{method: "GET", path: item})
	ledger := get("admin", byToken, req{method: "GET", path: "/api/v1/ledger"})
	board := get("admin", byToken, req{method: "GET", path: "/api/v1/ledger/board"})
	fx.addFindings(t)
	converted := get("admin", byToken, req{method: "POST", path: fmt.Sprintf("/api/v1/findings/%d/ledger", fx.findingOf(t, "GRP-NOOWNER", "FND-A").ID),
		body: map[string]any{"responsible_person_id": fx.people["P-A1-1"].ID, "deadline_workdays": 5}})

	// An inspection: planned, drawn, started, one failed item.
	fx.addInspectors(t)
	plan := get("office", byToken, req{method: "POST", path: "/api/v1/inspections", body: planInput(fx, "抽查")})
	planPath := "/api/v1/inspections/" + id(plan)
	draw := get("office", byToken, req{method: "POST", path: planPath + "/draw", body: map[string]string{}})
	started := get("office", byToken, req{method: "POST", path: planPath + "/start"})
	planDetail := get("admin", byToken, req{method: "GET", path: planPath})
	target := first(planDetail, "targets")
	result := get("office", byToken, req{method: "POST", path: planPath + "/results", body: map[string]any{"target_id": target["id"],
		"item_id": first(planDetail, "items")["id"], "outcome": "fail", "note": "强制打卡"}})
	failed := get("admin", byToken, req{method: "GET", path: planPath + "/failed"})
	plans := get("admin", byToken, req{method: "GET", path: "/api/v1/inspections"})

	// A campaign with a task and a submission with a problem.
	camp := get("office", byToken, req{method: "POST", path: "/api/v1/campaigns", body: campaignBodyFor(fx, "专项行动", "ZD")})
	campPath := "/api/v1/campaigns/" + id(camp)
	task := get("office", byToken, req{method: "POST", path: campPath + "/tasks", body: map[string]any{"phase": 1, "kind": "self_check",
		"title": "自查报告", "due": tz.Today().Format("2006-01-02"), "unit_kinds": []string{"brigade"}}})
	subBody := submissionBodyFor(fx, "DD-A")
	subBody["problems"] = []map[string]string{{"title": "打卡", "description": "每日打卡", "measures": "取消", "asset_code": "GRP-A2"}}
	submission := get("liaisonA", byToken, req{method: "POST", path: campPath + "/tasks/" + id(task) + "/submissions", body: subBody})
	campDetail := get("admin", byToken, req{method: "GET", path: campPath})
	campBoard := get("admin", byToken, req{method: "GET", path: campPath + "/board"})
	taskBoard := first(campBoard, "tasks")
	var submittedRow map[string]any
	for _, r := range taskBoard["rows"].([]any) {
		if row := r.(map[string]any); row["state"] == "submitted" {
			submittedRow = row
		}
	}
	if submittedRow == nil {
		t.Fatalf("no submitted row on %v", taskBoard)
	}

	// The failed item and the problem filed in the ledger, a note, a list and a declared conflict.
	failedItem := first(failed, "items")
	person := int64(failedItem["owner_person_id"].(float64))
	for _, p := range fx.people {
		if person == 0 && float64(p.UnitID) == failedItem["unit_id"].(float64) {
			person = p.ID
		}
	}
	filedFailure := get("office", byToken, req{method: "POST", path: fmt.Sprintf("%s/failed/%d/ledger", planPath, int64(failedItem["result_id"].(float64))),
		body: map[string]any{"responsible_person_id": person}})
	problem := first(submission, "problems")
	filedProblem := get("office", byToken, req{method: "POST", path: fmt.Sprintf("%s/problems/%s/ledger", campPath, id(problem)),
		body: map[string]any{"submission_id": submission["id"], "responsible_person_id": fx.people["P-A-2"].ID}})
	note := get("office", byToken, req{method: "POST", path: campPath + "/notes",
		body: map[string]any{"unit_id": fx.units["DD-A"].ID, "date": tz.Today().Format("2006-01-02"), "text": "督导", "follow_up": "跟进"}})
	changedNote := get("office", byToken, req{method: "PUT", path: campPath + "/notes/" + id(note),
		body: map[string]any{"date": tz.Today().Format("2006-01-02"), "text": "复查"}})
	notes := get("liaisonA", byToken, req{method: "GET", path: campPath + "/notes"})
	roster := get("office", byToken, req{method: "PUT", path: campPath + "/lists/commend",
		body: map[string]any{"entries": []map[string]any{{"unit_id": fx.units["DD-A"].ID, "reason": "按期完成"}}}})
	emptyRoster := get("office", byToken, req{method: "GET", path: campPath + "/lists/interview"})
	conflict := get("inspector", byToken, req{method: "POST", path: "/api/v1/inspection-conflicts", body: map[string]any{"unit_code": "XCC", "reason": "亲属"}})
	conflicts := get("inspector", byToken, req{method: "GET", path: "/api/v1/inspection-conflicts"})

	fx.notifyPerson(t, "P-A-1", "openapi", 1)
	notifications := get("liaisonA", byToken, req{method: "GET", path: "/api/v1/notifications"})
	return []struct {
		schema string
		v      map[string]any
	}{
		{"LedgerItem", created},
		{"LedgerItem", verified},
		{"LedgerItem", converted},
		{"LedgerComment", comment},
		{"LedgerAttachment", attachment},
		{"LedgerAccountability", accountability},
		{"LedgerDetail", detail},
		{"LedgerEvent", first(detail, "history")},
		{"LedgerComment", first(detail, "comments")},
		{"LedgerAttachment", first(detail, "attachments")},
		{"LedgerAccountability", first(detail, "accountability")},
		{"LedgerItemList", ledger},
		{"LedgerItem", first(ledger, "items")},
		{"LedgerBoard", board},
		{"LedgerBoardRow", first(board, "items")},
		{"Error", get("liaisonB", byToken, req{method: "GET", path: item})},
		{"InspectionPlan", plan},
		{"InspectionItem", first(plan, "items")},
		{"InspectionPlanList", plans},
		{"InspectionPlan", first(plans, "items")},
		{"Draw", draw},
		{"DrawStratum", first(draw, "strata")},
		{"DrawTarget", first(draw, "targets")},
		{"Draw", get("staff", byToken, req{method: "GET", path: "/api/v1/draws/" + strconv.FormatInt(int64(draw["draw_id"].(float64)), 10)})},
		{"InspectionPlanStatus", started},
		{"InspectionPlanDetail", planDetail},
		{"InspectionTarget", target},
		{"InspectorRef", first(target, "inspectors")},
		{"InspectionResult", result},
		{"FailedItemList", failed},
		{"FailedItem", first(failed, "items")},
		{"Campaign", camp},
		{"CampaignPhase", first(camp, "phases")},
		{"CampaignList", get("liaisonA", byToken, req{method: "GET", path: "/api/v1/campaigns"})},
		{"CampaignDetail", campDetail},
		{"CampaignTask", first(campDetail, "tasks")},
		{"CampaignTask", task},
		{"Submission", submission},
		{"SubmissionDocument", first(submission, "documents")},
		{"SubmissionProblem", first(submission, "problems")},
		{"CampaignBoard", campBoard},
		{"Campaign", object(campBoard, "campaign")},
		{"CampaignTaskBoard", taskBoard},
		{"CampaignTask", object(taskBoard, "task")},
		{"CampaignTaskCounts", object(taskBoard, "counts")},
		{"CampaignBoardRow", submittedRow},
		{"LedgerItem", filedFailure},
		{"LedgerItem", filedProblem},
		{"Error", get("office", byToken, req{method: "POST", path: fmt.Sprintf("%s/problems/%s/ledger", campPath, id(problem)),
			body: map[string]any{"submission_id": submission["id"], "responsible_person_id": fx.people["P-A-2"].ID}})},
		{"CampaignNote", note},
		{"CampaignNote", changedNote},
		{"CampaignNoteList", notes},
		{"CampaignNote", first(notes, "items")},
		{"CampaignRoster", roster},
		{"CampaignRosterEntry", first(roster, "entries")},
		{"CampaignRoster", emptyRoster},
		{"InspectorConflict", conflict},
		{"InspectorConflictList", conflicts},
		{"InspectorConflict", first(conflicts, "items")},
		{"NotificationList", notifications},
		{"Notification", first(notifications, "items")},
		{"UnreadCount", get("liaisonA", byToken, req{method: "GET", path: "/api/v1/notifications/unread"})},
		{"MarkReadResult", get("liaisonA", byToken, req{method: "POST", path: "/api/v1/notifications/read", body: map[string]bool{"all": true}})},
		{"Error", get("liaisonA", byToken, req{method: "POST", path: "/api/v1/notifications/read", body: map[string]bool{"all": false}})},
	}
}
