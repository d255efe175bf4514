package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// addFindings records two assets that fire rules, one in each 大队 (FND-A: a group of 甲一站
// without owner; FND-B: an account of 乙一站 without filing number), and runs the health check
// as the system, once. addAssets has run before.
func (fx *fixture) addFindings(t *testing.T) {
	t.Helper()
	if _, ok := fx.assets["FND-A"]; ok {
		return
	}
	fx.assets["FND-A"] = fx.newAsset(t, catalog.Group, "ZA-1", catalog.Active, "FND-A")
	fx.assets["FND-B"] = fx.newAsset(t, catalog.Account, "ZB-1", catalog.Active, "FND-B")
	fx.runCheck(t)
}

// runCheck runs the health check as the system.
func (fx *fixture) runCheck(t *testing.T) {
	t.Helper()
	_, err := analyze.Run(context.Background(), fx.db, org.System, tz.Today())
	storetest.Must(t, err)
}

// findingOf returns the open finding of rule on the fixture asset code.
func (fx *fixture) findingOf(t *testing.T, rule, code string) analyze.Finding {
	t.Helper()
	return fx.findingOn(t, rule, fx.assets[code].ID)
}

func (fx *fixture) findingOn(t *testing.T, rule string, asset int64) analyze.Finding {
	t.Helper()
	list, _, err := analyze.List(context.Background(), fx.db, org.System, analyze.Filter{RuleID: rule, AssetID: asset})
	storetest.Must(t, err)
	if len(list) != 1 {
		t.Fatalf("%d open findings of %s on asset %d, want 1", len(list), rule, asset)
	}
	return list[0]
}

// findingPath is the path of the finding of rule on a fixture asset; the first call records the
// fixture's findings.
func findingPath(rule, code, suffix string) func(*testing.T, *fixture, string) string {
	return func(t *testing.T, fx *fixture, _ string) string {
		fx.addFindings(t)
		return fmt.Sprintf("/api/v1/findings/%d%s", fx.findingOf(t, rule, code).ID, suffix)
	}
}

// findingsPath is a path that needs the fixture's findings; format may take the id of a
// fixture unit (unit) or asset (asset).
func findingsPath(format, unit, asset string) func(*testing.T, *fixture, string) string {
	return func(t *testing.T, fx *fixture, _ string) string {
		fx.addFindings(t)
		switch {
		case unit != "":
			return fmt.Sprintf(format, fx.units[unit].ID)
		case asset != "":
			return fmt.Sprintf(format, fx.assets[asset].ID)
		}
		return format
	}
}

// freshFinding records an ownerless group of 甲一站 for each caller, runs the check, and returns
// the path of its GRP-NOOWNER finding with suffix, so that one role's decision does not decide
// the next one's answer.
func freshFinding(suffix string) func(*testing.T, *fixture, string) string {
	return func(t *testing.T, fx *fixture, _ string) string {
		fx.addFindings(t)
		a := fx.newAsset(t, catalog.Group, "ZA-1", catalog.Active, "")
		fx.runCheck(t)
		return fmt.Sprintf("/api/v1/findings/%d%s", fx.findingOn(t, "GRP-NOOWNER", a.ID).ID, suffix)
	}
}

// checkFindings checks a list of findings against the stored ones: the total is the number of
// open findings matching where (SQL over findings f) whose unit the caller may see, counted here
// from the fixture's own idea of what each role sees; every item is in scope; and liaisons see
// their own 大队's finding and never the other's.
func checkFindings(where string, args ...func(fx *fixture) any) func(*testing.T, *fixture, string, *httptest.ResponseRecorder) {
	return func(t *testing.T, fx *fixture, key string, rec *httptest.ResponseRecorder) {
		t.Helper()
		var vals []any
		for _, a := range args {
			vals = append(vals, a(fx))
		}
		q := `SELECT f.unit_id FROM findings f WHERE f.resolved_run_id IS NULL`
		if where != "" {
			q += " AND " + where
		}
		rows, err := fx.db.QueryContext(context.Background(), q, vals...)
		storetest.Must(t, err)
		want := 0
		for rows.Next() {
			var unit int64
			storetest.Must(t, rows.Scan(&unit))
			if fx.visible[key][unit] {
				want++
			}
		}
		rows.Close()
		if where == "" && strings.HasPrefix(key, "liaison") && want == 0 {
			t.Errorf("findings as %s: the fixture fires nothing in its 大队", key)
		}
		var list listBody[analyze.Finding]
		decode(t, rec, &list)
		if list.Total != want {
			t.Errorf("findings %s as %s: total %d, want %d", where, key, list.Total, want)
		}
		if page := min(list.Limit, max(want-list.Offset, 0)); len(list.Items) != page {
			t.Errorf("findings %s as %s: %d items, want %d", where, key, len(list.Items), page)
		}
		for _, f := range list.Items {
			if !fx.visible[key][f.UnitID] {
				t.Errorf("findings as %s: %s %s of unit %s, outside the scope", key, f.RuleID, f.Subject, f.UnitName)
			}
			if f.Evidence == nil || f.Title == "" || f.Basis == "" {
				t.Errorf("findings as %s: %+v lacks evidence, title or basis", key, f)
			}
		}
	}
}

// checkLatestRun: the counts are the bureau's, shown only to callers whose scope is all of it.
func checkLatestRun(t *testing.T, _ *fixture, key string, rec *httptest.ResponseRecorder) {
	t.Helper()
	var res analyze.RunResult
	decode(t, rec, &res)
	whole := strings.Contains(" "+rootRoles+" ", " "+key+" ")
	if res.ID == 0 || len(res.Rules) != len(analyze.Rules()) {
		t.Errorf("latest run as %s: %s", key, rec.Body)
	}
	if whole != (res.Counts != nil && res.Firing > 0) || !whole && (res.New != 0 || res.Gone != 0 || res.Unchanged != 0) {
		t.Errorf("latest run as %s (whole bureau %v): %s", key, whole, rec.Body)
	}
}

func checkFindingStatus(status analyze.Status) func(*testing.T, *fixture, string, *httptest.ResponseRecorder) {
	return func(t *testing.T, fx *fixture, key string, rec *httptest.ResponseRecorder) {
		t.Helper()
		var f analyze.Finding
		decode(t, rec, &f)
		if f.Status != status || f.DecidedBy != fx.users[key].DisplayName || f.DecidedAt == nil || f.RuleID != "GRP-NOOWNER" {
			t.Errorf("decided as %s: %s, want status %s", key, rec.Body, status)
		}
	}
}

// findingScopeCases are the scope table's rows for the health check. They come last: the first
// one records the fixture's findings, over an inventory the earlier rows have changed, which is
// why the lists' totals are counted from the stored findings rather than written down.
var findingScopeCases = []scopeCase{
	{name: "rules", method: "GET", path: fixed("/api/v1/rules"), want: expect(200, "staff", 403),
		check: func(t *testing.T, _ *fixture, key string, rec *httptest.ResponseRecorder) {
			var v rulesView
			decode(t, rec, &v)
			if len(v.Items) != len(analyze.Rules()) {
				t.Fatalf("rules as %s: %d, want %d", key, len(v.Items), len(analyze.Rules()))
			}
			for _, d := range v.Items {
				if d.ID == "ACC-STALE" && (len(d.Params) != 1 || d.Params[0].Default != 14 || d.Params[0].Max != 365 || d.Severity != analyze.High) {
					t.Errorf("ACC-STALE as %s: %+v", key, d)
				}
			}
		}},
	{name: "findings", method: "GET", path: findingsPath("/api/v1/findings", "", ""), want: expect(200, "staff", 403),
		check: checkFindings("")},
	{name: "findings page 2", method: "GET", path: findingsPath("/api/v1/findings?limit=2&offset=2", "", ""), want: expect(200, "staff", 403),
		check: checkFindings("")},
	{name: "ownerless groups, new", method: "GET", path: findingsPath("/api/v1/findings?rule=GRP-NOOWNER&severity=medium&status=new", "", ""),
		want: expect(200, "staff", 403), check: checkFindings("f.rule_id = 'GRP-NOOWNER' AND f.status = 'new'")},
	{name: "high findings", method: "GET", path: findingsPath("/api/v1/findings?severity=high", "", ""),
		want: expect(200, "staff", 403), check: checkFindings("f.severity = 'high'")},
	{name: "findings of 甲区大队", method: "GET", path: findingsPath("/api/v1/findings?unit_id=%d", "DD-A", ""),
		want: expect(200, "liaisonB reviewer", 400, "staff", 403),
		check: checkFindings("f.unit_id IN ($1, $2)", func(fx *fixture) any { return fx.units["DD-A"].ID },
			func(fx *fixture) any { return fx.units["ZA-1"].ID })},
	{name: "findings on FND-B", method: "GET", path: findingsPath("/api/v1/findings?asset_id=%d&resolved=true", "", "FND-B"),
		want: expect(200, "staff", 403),
		check: func(t *testing.T, fx *fixture, key string, rec *httptest.ResponseRecorder) {
			var list listBody[analyze.Finding]
			decode(t, rec, &list)
			sees := fx.visible[key][fx.units["ZB-1"].ID]
			if sees != (list.Total > 0) || len(list.Items) != list.Total {
				t.Errorf("findings on FND-B as %s: %s", key, rec.Body)
			}
			for _, f := range list.Items {
				if f.Subject != "FND-B" || len(f.Assets) == 0 || f.Assets[0].Code != "FND-B" {
					t.Errorf("findings on FND-B as %s: %+v", key, f)
				}
			}
		}},
	{name: "finding of 甲一站", method: "GET", path: findingPath("GRP-NOOWNER", "FND-A", ""),
		want: expect(200, "liaisonB reviewer", 404, "staff", 403),
		check: func(t *testing.T, _ *fixture, key string, rec *httptest.ResponseRecorder) {
			var f analyze.Finding
			decode(t, rec, &f)
			if f.Subject != "FND-A" || f.Status != analyze.StatusNew || f.Title != "群组无群主" || string(f.Evidence) != `{"owner":null}` {
				t.Errorf("FND-A as %s: %s", key, rec.Body)
			}
		}},
	{name: "finding of 乙一站", method: "GET", path: findingPath("ACC-FILING", "FND-B", ""),
		want: expect(200, "liaisonA reviewer", 404, "staff", 403)},
	{name: "latest run", method: "GET", path: findingsPath("/api/v1/findings/runs/latest", "", ""), want: expect(200, "staff", 403),
		check: checkLatestRun},

	// Writes.
	{name: "run the check", method: "POST", path: findingsPath("/api/v1/findings/run", "", ""),
		body: func(*fixture, string) any { return map[string]string{"date": tz.Today().Format("2006-01-02")} },
		want: expect(403, "admin office lead", 201),
		check: func(t *testing.T, fx *fixture, key string, rec *httptest.ResponseRecorder) {
			var res analyze.RunResult
			decode(t, rec, &res)
			if res.ID == 0 || res.Actor != fx.users[key].DisplayName || res.Firing == 0 || res.Firing != res.Unchanged || res.New != 0 ||
				!res.CheckDate.Equal(tz.Today()) {
				t.Errorf("run as %s: %s", key, rec.Body)
			}
		}},
	{name: "confirm", method: "POST", path: freshFinding("/confirm"), want: expect(403, "admin office lead", 200),
		check: checkFindingStatus(analyze.StatusConfirmed)},
	{name: "dismiss", method: "POST", path: freshFinding("/dismiss"),
		body: func(*fixture, string) any { return map[string]string{"reason": "该群组已在线下登记群主"} },
		want: expect(403, "admin office lead", 200), check: checkFindingStatus(analyze.StatusDismissed)},
}

// TestFindingFlow runs the check, reads and decides findings through the API on both engines:
// a dismissal survives the next run while its evidence stays, a confirmation cannot be made
// twice, and a liaison reads only its own 大队's findings.
func TestFindingFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		fx.addAssets(t)
		fx.assets["FND-B"] = fx.newAsset(t, catalog.Account, "ZB-1", catalog.Active, "FND-B")

		rec := fx.do(t, "admin", byToken, req{method: "GET", path: "/api/v1/findings/runs/latest"})
		if rec.Code != 404 {
			t.Fatalf("latest run before any: %d %s", rec.Code, rec.Body)
		}
		rec = fx.do(t, "office", bySession, req{method: "POST", path: "/api/v1/findings/run", body: map[string]any{}})
		if rec.Code != 201 {
			t.Fatalf("run: %d %s", rec.Code, rec.Body)
		}
		var first analyze.RunResult
		decode(t, rec, &first)
		if first.Firing == 0 || first.New != first.Firing || first.Counts["GRP-NOOWNER"].Firing == 0 || !first.CheckDate.Equal(tz.Today()) {
			t.Fatalf("first run: %s", rec.Body)
		}

		// GRP-A2 (甲一站) has no owner recorded.
		rec = fx.do(t, "lead", byToken, req{method: "GET", path: fmt.Sprintf("/api/v1/findings?rule=GRP-NOOWNER&asset_id=%d", fx.assets["GRP-A2"].ID)})
		var list listBody[analyze.Finding]
		decode(t, rec, &list)
		if rec.Code != 200 || list.Total != 1 || list.Items[0].Subject != "GRP-A2" || list.Items[0].Status != analyze.StatusNew {
			t.Fatalf("ownerless GRP-A2: %d %s", rec.Code, rec.Body)
		}
		grp := list.Items[0]
		before := auditLen(t, db)
		rec = fx.do(t, "lead", byToken, req{method: "POST", path: fmt.Sprintf("/api/v1/findings/%d/dismiss", grp.ID),
			body: map[string]string{"reason": "群主为站长,线下已登记"}})
		var f analyze.Finding
		decode(t, rec, &f)
		if rec.Code != 200 || f.Status != analyze.StatusDismissed || f.Reason != "群主为站长,线下已登记" || f.DecidedBy != fx.users["lead"].DisplayName {
			t.Fatalf("dismiss: %d %s", rec.Code, rec.Body)
		}
		if auditLen(t, db) != before+1 {
			t.Errorf("dismiss wrote %d audit entries, want 1", auditLen(t, db)-before)
		}

		rec = fx.do(t, "admin", byToken, req{method: "POST", path: "/api/v1/findings/run", body: map[string]any{"date": tz.Today().Format("2006-01-02")}})
		var second analyze.RunResult
		decode(t, rec, &second)
		if rec.Code != 201 || second.ID <= first.ID || second.Firing != first.Firing || second.Unchanged != first.Firing || second.New != 0 || second.Reopened != 0 {
			t.Fatalf("second run: %d %s", rec.Code, rec.Body)
		}
		rec = fx.do(t, "liaisonA", bySession, req{method: "GET", path: fmt.Sprintf("/api/v1/findings/%d", grp.ID)})
		decode(t, rec, &f)
		if rec.Code != 200 || f.Status != analyze.StatusDismissed || f.Reason == "" || f.LastRunID != second.ID {
			t.Errorf("dismissed finding after the second run: %d %s", rec.Code, rec.Body)
		}
		rec = fx.do(t, "admin", byToken, req{method: "GET", path: "/api/v1/findings?status=dismissed"})
		decode(t, rec, &list)
		if list.Total != 1 || list.Items[0].ID != grp.ID {
			t.Errorf("dismissed findings: %s", rec.Body)
		}

		// Confirm another: FND-B (乙一站) has no filing number.
		acc := fx.findingOf(t, "ACC-FILING", "FND-B")
		rec = fx.do(t, "liaisonA", byToken, req{method: "GET", path: fmt.Sprintf("/api/v1/findings/%d", acc.ID)})
		if rec.Code != 404 {
			t.Errorf("liaisonA reads 乙一站's finding: %d %s", rec.Code, rec.Body)
		}
		rec = fx.do(t, "office", bySession, req{method: "POST", path: fmt.Sprintf("/api/v1/findings/%d/confirm", acc.ID)})
		decode(t, rec, &f)
		if rec.Code != 200 || f.Status != analyze.StatusConfirmed || f.Subject != "FND-B" {
			t.Fatalf("confirm: %d %s", rec.Code, rec.Body)
		}
		before = auditLen(t, db)
		rec = fx.do(t, "office", bySession, req{method: "POST", path: fmt.Sprintf("/api/v1/findings/%d/confirm", acc.ID)})
		if rec.Code != 409 {
			t.Errorf("confirm twice: %d %s", rec.Code, rec.Body)
		}
		rec = fx.do(t, "office", bySession, req{method: "POST", path: fmt.Sprintf("/api/v1/findings/%d/dismiss", grp.ID),
			body: map[string]string{"reason": "再驳回一次"}})
		if rec.Code != 409 {
			t.Errorf("dismiss twice: %d %s", rec.Code, rec.Body)
		}
		if auditLen(t, db) != before {
			t.Errorf("refused decisions wrote to the audit log")
		}

		// liaisonA sees only 甲区大队's findings and none of 乙区大队's, nor their counts.
		rec = fx.do(t, "liaisonA", byToken, req{method: "GET", path: "/api/v1/findings?limit=500"})
		decode(t, rec, &list)
		if list.Total == 0 || list.Total != len(list.Items) {
			t.Fatalf("liaisonA's findings: %s", rec.Body)
		}
		for _, it := range list.Items {
			if !fx.visible["liaisonA"][it.UnitID] || it.Subject == "FND-B" {
				t.Errorf("liaisonA sees %s %s of %s", it.RuleID, it.Subject, it.UnitName)
			}
		}
		rec = fx.do(t, "liaisonA", byToken, req{method: "GET", path: "/api/v1/findings/runs/latest"})
		var last analyze.RunResult
		decode(t, rec, &last)
		if rec.Code != 200 || last.ID != second.ID || last.Counts != nil || last.Firing != 0 {
			t.Errorf("latest run as liaisonA: %d %s", rec.Code, rec.Body)
		}
		rec = fx.do(t, "admin", byToken, req{method: "GET", path: "/api/v1/findings/runs/latest"})
		decode(t, rec, &last)
		if rec.Code != 200 || last.ID != second.ID || last.Firing != second.Firing || last.Counts == nil {
			t.Errorf("latest run as admin: %d %s", rec.Code, rec.Body)
		}
	})
}

// TestFindingSchemas compares the health check's answers with the documented schemas, and its
// request bodies with the fields the decoder accepts.
func TestFindingSchemas(t *testing.T) {
	fx := newFixture(t, storetest.SQLite(t))
	fx.addAssets(t)
	var doc map[string]any
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	get := func(key string, r req) map[string]any {
		t.Helper()
		rec := fx.do(t, key, byToken, r)
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
	run := get("admin", req{method: "POST", path: "/api/v1/findings/run", body: map[string]any{}})
	rules := get("admin", req{method: "GET", path: "/api/v1/rules"})
	findings := get("admin", req{method: "GET", path: "/api/v1/findings"})
	grp := fx.findingOf(t, "GRP-NOOWNER", "GRP-A2")
	dismissed := get("admin", req{method: "POST", path: fmt.Sprintf("/api/v1/findings/%d/dismiss", grp.ID), body: map[string]any{"reason": "已登记"}})
	acc := fx.findingOf(t, "ACC-FILING", "ACC-A")
	confirmed := get("admin", req{method: "POST", path: fmt.Sprintf("/api/v1/findings/%d/confirm", acc.ID)})
	var stale map[string]any
	for _, it := range rules["items"].([]any) {
		if it.(map[string]any)["id"] == "ACC-STALE" {
			stale = it.(map[string]any)
		}
	}
	shapes := []struct {
		schema string
		v      map[string]any
	}{
		{"RunResult", run},
		{"RuleRecord", first(run, "rules")},
		{"RuleCount", run["counts"].(map[string]any)["GRP-NOOWNER"].(map[string]any)},
		{"RunResult", get("admin", req{method: "GET", path: "/api/v1/findings/runs/latest"})},
		{"RunResult", get("liaisonA", req{method: "GET", path: "/api/v1/findings/runs/latest"})},
		{"RuleList", rules},
		{"Rule", stale},
		{"RuleParam", first(stale, "params")},
		{"FindingList", findings},
		{"Finding", first(findings, "items")},
		{"FindingAsset", first(first(findings, "items"), "assets")},
		{"Finding", dismissed},
		{"Finding", confirmed},
		{"Finding", get("liaisonA", req{method: "GET", path: fmt.Sprintf("/api/v1/findings/%d", grp.ID)})},
		{"Error", get("admin", req{method: "POST", path: fmt.Sprintf("/api/v1/findings/%d/dismiss", acc.ID), body: map[string]any{}})},
	}
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
	for name, v := range map[string]any{"RunRequest": runBody{}, "DismissRequest": dismissBody{}} {
		schema, _ := resolve(doc, "#/components/schemas/"+name).(map[string]any)
		if schema == nil {
			t.Errorf("no schema %s", name)
			continue
		}
		if schema["additionalProperties"] != false {
			t.Errorf("%s: unknown fields are refused, but the schema allows them", name)
		}
		props, _ := schema["properties"].(map[string]any)
		rt := reflect.TypeOf(v)
		if len(props) != rt.NumField() {
			t.Errorf("%s: %d properties documented, %d accepted", name, len(props), rt.NumField())
		}
		for i := range rt.NumField() {
			f, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			if _, ok := props[f]; !ok {
				t.Errorf("%s: field %q is accepted but not documented", name, f)
			}
		}
	}
}
