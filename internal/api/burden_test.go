package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

type burdenUnitBody struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
}

type burdenPeriodBody struct {
	From, To string
	Workdays int
}

type burdenRowBody struct {
	burdenUnitBody
	People     int                `json:"people"`
	HasChild   bool               `json:"has_children"`
	Own        bool               `json:"own"`
	Components map[string]float64 `json:"components"`
	Index      float64            `json:"index"`
}

type burdenUnitsBody struct {
	Unit    burdenUnitBody     `json:"unit"`
	Period  burdenPeriodBody   `json:"period"`
	Weights map[string]float64 `json:"weights"`
	Self    burdenRowBody      `json:"self"`
	Items   []burdenRowBody    `json:"items"`
}

type burdenItemsBody struct {
	Unit   burdenUnitBody   `json:"unit"`
	Period burdenPeriodBody `json:"period"`
	Items  []map[string]any `json:"items"`
}

type heatmapBody struct {
	Unit     burdenUnitBody   `json:"unit"`
	Weekdays []string         `json:"weekdays"`
	Cells    [][]float64      `json:"cells"`
	Period   burdenPeriodBody `json:"period"`
}

type personBody struct {
	ID         int64              `json:"id"`
	Code       string             `json:"code"`
	Components map[string]float64 `json:"components"`
	Trend      []map[string]any   `json:"trend"`
	Groups     []map[string]any   `json:"groups"`
	Period     burdenPeriodBody   `json:"period"`
	Weights    map[string]float64 `json:"weights"`
}

// codes lists the items' codes, in order.
func codes(items []map[string]any) []string {
	var out []string
	for _, it := range items {
		out = append(out, it["code"].(string))
	}
	return out
}

func sum(items []map[string]any, key string) float64 {
	var s float64
	for _, it := range items {
		s += it[key].(float64)
	}
	return s
}

// burdenFixture is the fixture with its inventory, one batch of activity ingested, and the
// staff user linked to 周一 (P-A1-2), a member of GRP-A1.
func burdenFixture(t *testing.T, db *store.DB) *fixture {
	fx := newFixture(t, db)
	fx.addAssets(t)
	fx.ingest(t, "burden-1")
	_, err := db.ExecContext(context.Background(), `UPDATE users SET person_id = $1 WHERE id = $2`, fx.people["P-A1-2"].ID, fx.users["staff"].ID)
	storetest.Must(t, err)
	return fx
}

// TestBurdenScope reads every dashboard as callers of different scopes: each sees its own subtree
// by default, may narrow it, and gets 404 for a unit outside it; a caller without activity.read
// gets 403 whatever the unit.
func TestBurdenScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := burdenFixture(t, db)
		id := func(code string) string { return fmt.Sprint(fx.units[code].ID) }
		get := func(key, path string, v any) int {
			t.Helper()
			rec := fx.do(t, key, byToken, req{method: "GET", path: path})
			if rec.Code == 200 && v != nil {
				decode(t, rec, v)
			}
			return rec.Code
		}

		for _, c := range []struct {
			key, unitID string
			unit        string // the unit read, "" for 404
			people      int
			children    []string
			groups      []string
			apps        []string
			messages    float64 // on the heatmap
		}{
			{"admin", "", "ZD", 11, []string{"BGS", "XCC", "XXC", "ZD-A"}, []string{"GRP-A1", "GRP-B1"}, []string{"APP-A"}, 3},
			{"office", "", "ZD", 11, nil, []string{"GRP-A1", "GRP-B1"}, []string{"APP-A"}, 3},
			{"inspector", "", "ZD-A", 9, []string{"DD-A", "DD-B"}, []string{"GRP-A1", "GRP-B1"}, []string{"APP-A"}, 3},
			{"liaisonA", "", "DD-A", 5, []string{"ZA-1"}, []string{"GRP-A1"}, []string{"APP-A"}, 2},
			{"liaisonA", "ZA-1", "ZA-1", 3, []string{}, []string{"GRP-A1"}, []string{}, 2},
			{"liaisonA", "DD-B", "", 0, nil, nil, nil, 0},
			{"liaisonA", "ZD", "", 0, nil, nil, nil, 0},
			{"liaisonB", "", "DD-B", 3, []string{"ZB-1"}, []string{"GRP-B1"}, []string{}, 1},
			{"liaisonB", "ZA-1", "", 0, nil, nil, nil, 0},
			{"inspector", "BGS", "", 0, nil, nil, nil, 0},
		} {
			t.Run(c.key+"/"+c.unitID, func(t *testing.T) {
				q := "?"
				if c.unitID != "" {
					q = "?unit_id=" + id(c.unitID)
				}
				var units burdenUnitsBody
				code := get(c.key, "/api/v1/burden/units"+q, &units)
				if c.unit == "" {
					for _, ep := range []string{"units", "trend", "groups", "apps", "heatmap"} {
						if code := get(c.key, "/api/v1/burden/"+ep+q, nil); code != http.StatusNotFound {
							t.Errorf("%s: %d, want 404", ep, code)
						}
					}
					return
				}
				if code != 200 || units.Unit.Code != c.unit || units.Self.People != c.people || units.Self.Code != c.unit {
					t.Fatalf("units: %d %+v", code, units)
				}
				if c.children != nil {
					var got []string
					people := 0
					for _, it := range units.Items {
						people += it.People
						if it.Own {
							if it.Code != c.unit {
								t.Errorf("own row of %s names %s", c.unit, it.Code)
							}
							continue // the unit's own people (本级), not a sub-unit
						}
						got = append(got, it.Code)
					}
					if len(units.Items) > 0 && people != units.Self.People {
						t.Errorf("rows cover %d people, the unit has %d", people, units.Self.People)
					}
					if fmt.Sprint(sorted(got)) != fmt.Sprint(c.children) {
						t.Errorf("sub-units %v, want %v", got, c.children)
					}
				}
				if len(units.Weights) != 7 || len(units.Self.Components) != 7 || units.Period.Workdays < 1 {
					t.Errorf("weights, components or period missing: %+v", units)
				}
				var groups, apps, trend burdenItemsBody
				if code := get(c.key, "/api/v1/burden/groups"+q, &groups); code != 200 || fmt.Sprint(codes(groups.Items)) != fmt.Sprint(c.groups) {
					t.Errorf("groups: %d %v, want %v", code, codes(groups.Items), c.groups)
				}
				if code := get(c.key, "/api/v1/burden/apps"+q, &apps); code != 200 || fmt.Sprint(codes(apps.Items)) != fmt.Sprint(c.apps) {
					t.Errorf("apps: %d %v, want %v", code, codes(apps.Items), c.apps)
				}
				if code := get(c.key, "/api/v1/burden/trend"+q, &trend); code != 200 || len(trend.Items) != 30 || trend.Unit.Code != c.unit {
					t.Errorf("trend: %d %d days, unit %s", code, len(trend.Items), trend.Unit.Code)
				}
				var heat heatmapBody
				code = get(c.key, "/api/v1/burden/heatmap"+q, &heat)
				var total float64
				for _, row := range heat.Cells {
					for _, n := range row {
						total += n
					}
				}
				if code != 200 || len(heat.Cells) != 7 || len(heat.Cells[0]) != 24 || heat.Weekdays[0] != "周一" || total != c.messages {
					t.Errorf("heatmap: %d %d rows, %v messages, want %v", code, len(heat.Cells), total, c.messages)
				}
			})
		}

		// One day of 乙区大队: 冯二's 接龙 reached 陈二, one of its three people.
		_, d2 := activityDays()
		day := d2.Format("2006-01-02")
		var trend burdenItemsBody
		if code := get("liaisonB", "/api/v1/burden/trend?from="+day+"&to="+day, &trend); code != 200 || len(trend.Items) != 1 ||
			trend.Items[0]["day"] != day || fmt.Sprintf("%.4f", trend.Items[0]["received"]) != "0.3333" || trend.Period.From != day {
			t.Errorf("one day's trend: %d %+v", code, trend)
		}

		for _, key := range []string{"staff", "reviewer", "anon"} {
			want := http.StatusForbidden
			if key == "anon" {
				want = http.StatusUnauthorized
			}
			for _, ep := range []string{"units", "trend", "groups", "apps", "heatmap"} {
				if code := get(key, "/api/v1/burden/"+ep+"?unit_id="+id("ZA-1"), nil); code != want {
					t.Errorf("%s %s: %d, want %d", key, ep, code, want)
				}
			}
		}
	})
}

// TestBurdenMe: a user linked to a person sees that person and nobody else; a user without one
// gets 404, whatever their role.
func TestBurdenMe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := burdenFixture(t, db)
		for _, c := range []struct {
			key, person string
			received    float64
			groups      []string
		}{
			{"staff", "P-A1-2", 1, []string{"GRP-A1"}}, // m1 from 孙一; m2 was their own
			{"liaisonA", "P-A-1", 0, []string{}},       // linked by addAssets, in no group
			{"admin", "", 0, nil},
			{"lead", "", 0, nil},
		} {
			t.Run(c.key, func(t *testing.T) {
				for _, m := range []mode{byToken, bySession} {
					rec := fx.do(t, c.key, m, req{method: "GET", path: "/api/v1/burden/me"})
					if c.person == "" {
						if rec.Code != http.StatusNotFound || errorOf(t, rec).Message == "" {
							t.Errorf("%s: %d, want 404", m, rec.Code)
						}
						continue
					}
					var v personBody
					decode(t, rec, &v)
					if rec.Code != 200 || v.ID != fx.people[c.person].ID || v.Code != c.person || sum(v.Trend, "received") != c.received ||
						fmt.Sprint(codes(v.Groups)) != fmt.Sprint(c.groups) || v.Groups == nil || len(v.Weights) != 7 || v.Period.Workdays < 1 {
						t.Errorf("%s: %d %s", m, rec.Code, rec.Body)
					}
				}
			})
		}
		// The period applies to one's own figures as well.
		rec := fx.do(t, "staff", byToken, req{method: "GET", path: "/api/v1/burden/me?from=2026-01-10&to=2026-01-01"})
		if rec.Code != 400 || errorOf(t, rec).Field != "from" {
			t.Errorf("bad period: %d %s", rec.Code, rec.Body)
		}
	})
}

// TestBurdenBadInput: bad parameters are 400s naming the parameter, for the administrator, who
// may read everything.
func TestBurdenBadInput(t *testing.T) {
	fx := burdenFixture(t, storetest.SQLite(t))
	for _, c := range []struct {
		name, path string
		status     int
		field      string
	}{
		{"from not a date", "/api/v1/burden/units?from=2026-13-01", 400, "from"},
		{"from February 30", "/api/v1/burden/trend?from=2026-02-30&to=2026-03-10", 400, "from"},
		{"to not a date", "/api/v1/burden/trend?to=yesterday", 400, "to"},
		{"to in another format", "/api/v1/burden/groups?to=2026/03/01", 400, "to"},
		{"from after to", "/api/v1/burden/apps?from=2026-03-02&to=2026-03-01", 400, "from"},
		{"over a year", "/api/v1/burden/heatmap?from=2024-01-01&to=2026-01-01", 400, "from"},
		{"year 1999", "/api/v1/burden/units?from=1999-12-31&to=2000-01-05", 400, "from"},
		{"unit_id not a number", "/api/v1/burden/units?unit_id=甲", 400, "unit_id"},
		{"unit_id zero", "/api/v1/burden/trend?unit_id=0", 400, "unit_id"},
		{"unit_id negative", "/api/v1/burden/heatmap?unit_id=-3", 400, "unit_id"},
		{"unit that does not exist", "/api/v1/burden/units?unit_id=999999", 404, ""},
		{"sort unknown", "/api/v1/burden/groups?sort=name", 400, "sort"},
		{"limit zero", "/api/v1/burden/groups?limit=0", 400, "limit"},
		{"limit over 500", "/api/v1/burden/apps?limit=501", 400, "limit"},
		{"limit not a number", "/api/v1/burden/apps?limit=ten", 400, "limit"},
		{"a year exactly", "/api/v1/burden/units?from=2025-01-01&to=2025-12-31", 200, ""},
		{"sort messages, limit 1", "/api/v1/burden/groups?sort=messages&limit=1", 200, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := fx.do(t, "admin", byToken, req{method: "GET", path: c.path})
			if rec.Code != c.status {
				t.Fatalf("%d, want %d: %s", rec.Code, c.status, rec.Body)
			}
			if c.status >= 400 {
				if e := errorOf(t, rec); e.Field != c.field {
					t.Errorf("field %q, want %q (%s)", e.Field, c.field, e.Message)
				}
			}
		})
	}
	var groups burdenItemsBody
	decode(t, fx.do(t, "admin", byToken, req{method: "GET", path: "/api/v1/burden/groups?sort=messages&limit=1"}), &groups)
	if fmt.Sprint(codes(groups.Items)) != "[GRP-A1]" {
		t.Errorf("most messages: %v", codes(groups.Items))
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// burdenScopeCases are the dashboards' rows of the scope table: the roles with activity.read
// see their own subtree and get 404 for a unit outside it; /burden/me answers only the one user
// addAssets links to a person (liaisonA).
var burdenScopeCases = []scopeCase{
	{name: "burden units", method: "GET", path: fixed("/api/v1/burden/units"), want: expect(200, "reviewer staff", 403),
		check: func(t *testing.T, fx *fixture, key string, rec *httptest.ResponseRecorder) {
			var v burdenUnitsBody
			decode(t, rec, &v)
			if !fx.visible[key][v.Unit.ID] {
				t.Errorf("burden units as %s: unit %v outside the scope", key, v.Unit)
			}
			// Units the table created on the way (under 甲区大队) are not in fx.visible; the
			// fixture's own units are, or are outside the scope.
			outside := map[int64]bool{}
			for _, u := range fx.units {
				outside[u.ID] = !fx.visible[key][u.ID]
			}
			for _, it := range v.Items {
				if outside[it.ID] {
					t.Errorf("burden units as %s: row of %v, outside the scope", key, it.burdenUnitBody)
				}
			}
		}},
	{name: "burden units of 甲区大队", method: "GET", path: withUnit("/api/v1/burden/units?unit_id=%d", "DD-A"),
		want: expect(200, "liaisonB", 404, "reviewer staff", 403)},
	{name: "burden trend of 乙一站", method: "GET", path: withUnit("/api/v1/burden/trend?unit_id=%d", "ZB-1"),
		want: expect(200, "liaisonA", 404, "reviewer staff", 403)},
	{name: "burden groups of 乙一站", method: "GET", path: withUnit("/api/v1/burden/groups?unit_id=%d&sort=demands", "ZB-1"),
		want: expect(200, "liaisonA", 404, "reviewer staff", 403)},
	{name: "burden apps of 甲区大队", method: "GET", path: withUnit("/api/v1/burden/apps?unit_id=%d&limit=5", "DD-A"),
		want: expect(200, "liaisonB", 404, "reviewer staff", 403)},
	{name: "burden heatmap of 甲一站", method: "GET", path: withUnit("/api/v1/burden/heatmap?unit_id=%d", "ZA-1"),
		want: expect(200, "liaisonB", 404, "reviewer staff", 403)},
	{name: "burden me", method: "GET", path: fixed("/api/v1/burden/me"), want: expect(404, "liaisonA", 200),
		check: func(t *testing.T, fx *fixture, key string, rec *httptest.ResponseRecorder) {
			var v personBody
			decode(t, rec, &v)
			if v.ID != fx.people["P-A-1"].ID {
				t.Errorf("burden me as %s: person %d %s", key, v.ID, v.Code)
			}
		}},
}
