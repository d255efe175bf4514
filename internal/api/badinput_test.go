package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// TestBadInput sends malformed and rule-breaking requests as the administrator (who may do
// everything, so only the input can be at fault) and checks each is a 4xx naming the field, and
// that nothing was written.
func TestBadInput(t *testing.T) {
	unit := func(fx *fixture, code string) int64 { return fx.units[code].ID }
	cases := []struct {
		name   string
		r      func(fx *fixture) req
		status int
		code   string
		field  string
	}{
		{"malformed JSON", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/units", body: `{"code": "X",`, contentType: "application/json"}
		},
			400, "invalid", ""},
		{"JSON syntax error", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/units", body: `{"code" "X"}`, contentType: "application/json"}
		},
			400, "invalid", ""},
		{"two JSON objects", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/people", body: `{"code":"X","name":"某"} {}`, contentType: "application/json"}
		}, 400, "invalid", ""},
		{"empty body", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/units", body: "", contentType: "application/json"}
		},
			400, "invalid", ""},
		{"not JSON", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/units", body: "code=X", contentType: "application/x-www-form-urlencoded"}
		},
			400, "invalid", ""},
		{"unknown field", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/units", body: map[string]any{"code": "X1", "name": "某站", "kind": "station", "parent_id": unit(fx, "DD-A"), "colour": "red"}}
		}, 400, "invalid", "colour"},
		{"wrong type", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/units", body: map[string]any{"code": "X1", "name": 5, "kind": "station", "parent_id": unit(fx, "DD-A")}}
		}, 400, "invalid", "name"},
		{"wrong type of id", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/people", body: map[string]any{"code": "X1", "name": "某", "unit_id": "甲一站"}}
		}, 400, "invalid", "unit_id"},
		{"roles not a list", func(fx *fixture) req {
			return req{method: "PUT", path: fmt.Sprintf("/api/v1/users/%d", fx.users["victim"].ID),
				body: map[string]any{"username": "t-victim", "display_name": "某", "unit_id": unit(fx, "ZB-1"), "roles": "admin"}}
		}, 400, "invalid", "roles"},
		{"2 MB body", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/units", body: `{"code":"X1","name":"` + strings.Repeat("长", 700_000) + `"}`, contentType: "application/json"}
		}, 413, "too_large", ""},
		{"id abc", func(*fixture) req { return req{method: "GET", path: "/api/v1/units/abc"} }, 400, "invalid", "id"},
		{"id -1", func(*fixture) req { return req{method: "GET", path: "/api/v1/people/-1"} }, 400, "invalid", "id"},
		{"id 0", func(*fixture) req { return req{method: "DELETE", path: "/api/v1/units/0"} }, 400, "invalid", "id"},
		{"id overflows", func(*fixture) req { return req{method: "GET", path: "/api/v1/users/99999999999999999999"} }, 400, "invalid", "id"},
		{"id abc on update", func(*fixture) req {
			return req{method: "PUT", path: "/api/v1/people/abc", body: map[string]any{"code": "X", "name": "某"}}
		}, 400, "invalid", "id"},
		{"id abc on reset", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/users/abc/password", body: map[string]any{"password": "Reset-Pass-2026"}}
		}, 400, "invalid", "id"},
		{"token id abc", func(*fixture) req { return req{method: "DELETE", path: "/api/v1/tokens/abc"} }, 400, "invalid", "id"},
		{"unknown id", func(*fixture) req { return req{method: "GET", path: "/api/v1/units/999999"} }, 404, "not_found", ""},
		{"limit 100000", func(*fixture) req { return req{method: "GET", path: "/api/v1/units?limit=100000"} }, 400, "invalid", "limit"},
		{"limit 0", func(*fixture) req { return req{method: "GET", path: "/api/v1/people?limit=0"} }, 400, "invalid", "limit"},
		{"limit abc", func(*fixture) req { return req{method: "GET", path: "/api/v1/users?limit=abc"} }, 400, "invalid", "limit"},
		{"offset -1", func(*fixture) req { return req{method: "GET", path: "/api/v1/units?offset=-1"} }, 400, "invalid", "offset"},
		{"offset huge", func(*fixture) req { return req{method: "GET", path: "/api/v1/audit?offset=99999999999"} }, 400, "invalid", "offset"},
		{"tokens limit", func(*fixture) req { return req{method: "GET", path: "/api/v1/tokens?limit=501"} }, 400, "invalid", "limit"},
		{"unknown kind filter", func(*fixture) req { return req{method: "GET", path: "/api/v1/units?kind=castle"} }, 400, "invalid", "kind"},
		{"parent_id abc", func(*fixture) req { return req{method: "GET", path: "/api/v1/units?parent_id=abc"} }, 400, "invalid", "parent_id"},
		{"parent_id unknown", func(*fixture) req { return req{method: "GET", path: "/api/v1/units?parent_id=999999"} }, 400, "invalid", "parent_id"},
		{"unknown status filter", func(*fixture) req { return req{method: "GET", path: "/api/v1/people?status=gone"} }, 400, "invalid", "status"},
		{"unit_id -5", func(*fixture) req { return req{method: "GET", path: "/api/v1/people?unit_id=-5"} }, 400, "invalid", "unit_id"},
		{"unknown role filter", func(*fixture) req { return req{method: "GET", path: "/api/v1/users?role=king"} }, 400, "invalid", "role"},
		{"q too long", func(*fixture) req { return req{method: "GET", path: "/api/v1/units?q=" + strings.Repeat("a", 101)} }, 400, "invalid", "q"},
		{"date 2026-13-40", func(*fixture) req { return req{method: "GET", path: "/api/v1/audit?from=2026-13-40"} }, 400, "invalid", "from"},
		{"date 2026-02-30", func(*fixture) req { return req{method: "GET", path: "/api/v1/audit?to=2026-02-30"} }, 400, "invalid", "to"},
		{"time without zone", func(*fixture) req { return req{method: "GET", path: "/api/v1/audit?from=2026-01-01T08:00:00"} }, 400, "invalid", "from"},
		{"to before from", func(*fixture) req { return req{method: "GET", path: "/api/v1/audit?from=2026-03-01&to=2026-02-01"} }, 400, "invalid", "to"},
		{"unit under its own descendant", func(fx *fixture) req {
			return req{method: "PUT", path: fmt.Sprintf("/api/v1/units/%d", unit(fx, "ZD-A")),
				body: map[string]any{"code": "ZD-A", "name": "甲市支队", "kind": "detachment", "parent_id": unit(fx, "DD-A")}}
		}, 400, "invalid", "parent_id"},
		{"unit under itself", func(fx *fixture) req {
			return req{method: "PUT", path: fmt.Sprintf("/api/v1/units/%d", unit(fx, "DD-A")),
				body: map[string]any{"code": "DD-A", "name": "甲区大队", "kind": "brigade", "parent_id": unit(fx, "DD-A")}}
		}, 400, "invalid", "parent_id"},
		{"duplicate unit code", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/units", body: map[string]any{"code": "ZA-1", "name": "又一站", "kind": "station", "parent_id": unit(fx, "DD-A")}}
		}, 400, "invalid", "code"},
		{"duplicate 工号", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/people", body: map[string]any{"code": "P-A1-1", "name": "重名", "unit_id": unit(fx, "ZA-1")}}
		}, 400, "invalid", "code"},
		{"duplicate username", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/users", body: map[string]any{"username": "t-staff", "display_name": "某", "unit_id": unit(fx, "ZA-1"),
				"roles": []string{"staff"}, "password": testPassword}}
		}, 400, "invalid", "username"},
		{"unknown unit kind", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/units", body: map[string]any{"code": "X1", "name": "某", "kind": "castle", "parent_id": unit(fx, "DD-A")}}
		}, 400, "invalid", "kind"},
		{"station under the corps", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/units", body: map[string]any{"code": "X1", "name": "某站", "kind": "station", "parent_id": unit(fx, "ZD")}}
		}, 400, "invalid", "parent_id"},
		{"bad code characters", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/units", body: map[string]any{"code": "甲 1", "name": "某站", "kind": "station", "parent_id": unit(fx, "DD-A")}}
		}, 400, "invalid", "code"},
		{"left_on 2026-13-40", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/people", body: map[string]any{"code": "X1", "name": "某", "unit_id": unit(fx, "ZA-1"), "status": "left", "left_on": "2026-13-40"}}
		}, 400, "invalid", "left_on"},
		{"weak password", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/users", body: map[string]any{"username": "x1", "display_name": "某", "unit_id": unit(fx, "ZA-1"),
				"roles": []string{"staff"}, "password": "short"}}
		}, 400, "invalid", "password"},
		{"no roles", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/users", body: map[string]any{"username": "x1", "display_name": "某", "unit_id": unit(fx, "ZA-1"),
				"roles": []string{}, "password": testPassword}}
		}, 400, "invalid", "roles"},
		{"weak reset password", func(fx *fixture) req {
			return req{method: "POST", path: fmt.Sprintf("/api/v1/users/%d/password", fx.users["victim"].ID), body: map[string]any{"password": "abc"}}
		}, 400, "invalid", "password"},
		{"wrong old password", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/me/password", body: map[string]any{"old_password": "nope", "new_password": "Another-Pass-2027"}}
		}, 400, "invalid", "old_password"},
		{"weak new password", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/me/password", body: map[string]any{"old_password": testPassword, "new_password": "weak"}}
		}, 400, "invalid", "new_password"},
		{"token ttl -1", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/tokens", body: map[string]any{"name": "x", "ttl_days": -1}}
		},
			400, "invalid", "ttl_days"},
		{"token ttl 99999", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/tokens", body: map[string]any{"name": "x", "ttl_days": 99999}}
		},
			400, "invalid", "ttl_days"},
		{"token without name", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/tokens", body: map[string]any{"ttl_days": 1}}
		},
			400, "invalid", "name"},
		// PostgreSQL refuses NUL in text; org does not check every field, so the API does.
		{"NUL in parent_code", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/units", body: `{"code":"X1","name":"某站","kind":"station","parent_code":"DD-A\u0000"}`, contentType: "application/json"}
		}, 400, "invalid", "parent_code"},
		{"NUL in unit_code", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/people", body: `{"code":"X1","name":"某","unit_code":"ZA-1\u0000"}`, contentType: "application/json"}
		}, 400, "invalid", "unit_code"},
		{"NUL in token name", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/tokens", body: `{"name":"同步\u0000"}`, contentType: "application/json"}
		}, 400, "invalid", "name"},
		{"NUL in a role", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/users", body: map[string]any{"username": "x1", "display_name": "某", "unit_id": unit(fx, "ZA-1"),
				"roles": []string{"staff\x00"}, "password": testPassword}}
		}, 400, "invalid", "roles"},
		{"delete unit with children", func(fx *fixture) req {
			return req{method: "DELETE", path: fmt.Sprintf("/api/v1/units/%d", unit(fx, "DD-A"))}
		},
			409, "conflict", ""},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		for _, c := range cases {
			before := auditLen(t, db)
			r := c.r(fx)
			rec := fx.do(t, "admin", bySession, r)
			if rec.Code != c.status {
				t.Errorf("%s: %s %s = %d, want %d: %s", c.name, r.method, r.path, rec.Code, c.status, rec.Body)
				continue
			}
			e := errorOf(t, rec)
			if e.Code != c.code || e.Field != c.field {
				t.Errorf("%s: error code %q field %q, want %q %q: %s", c.name, e.Code, e.Field, c.code, c.field, e.Message)
			}
			if after := auditLen(t, db); after != before {
				t.Errorf("%s: audit log grew from %d to %d: something was written", c.name, before, after)
			}
		}
		t.Logf("%d cases", len(cases))
	})
}

// TestUnknownPathAndMethod checks that the API's own 404 and 405 are JSON, not ServeMux text.
func TestUnknownPathAndMethod(t *testing.T) {
	fx := newFixture(t, storetest.SQLite(t))
	cases := []struct {
		method, path string
		status       int
		code, allow  string
	}{
		{"GET", "/api/v1/nothing", 404, "not_found", ""},
		{"GET", "/api/v1/units/1/children", 404, "not_found", ""},
		{"GET", "/api/v1/", 404, "not_found", ""},
		{"POST", "/api/v1/me", 405, "method_not_allowed", "GET, HEAD"},
		{"PATCH", "/api/v1/units/1", 405, "method_not_allowed", "DELETE, GET, HEAD, PUT"},
		{"DELETE", "/api/v1/units", 405, "method_not_allowed", "GET, HEAD, POST"},
		{"GET", "/api/v1/users/1/password", 405, "method_not_allowed", "POST"},
	}
	for _, key := range []string{"admin", "anon"} {
		for _, c := range cases {
			rec := fx.do(t, key, byToken, req{method: c.method, path: c.path})
			if rec.Code != c.status {
				t.Errorf("%s %s as %s = %d, want %d: %s", c.method, c.path, key, rec.Code, c.status, rec.Body)
				continue
			}
			if e := errorOf(t, rec); e.Code != c.code {
				t.Errorf("%s %s: code %q, want %q", c.method, c.path, e.Code, c.code)
			}
			if got := rec.Header().Get("Allow"); got != c.allow {
				t.Errorf("%s %s: Allow %q, want %q", c.method, c.path, got, c.allow)
			}
		}
	}
	// HEAD is served by the GET routes, with no body.
	if rec := fx.do(t, "admin", byToken, req{method: http.MethodHead, path: "/api/v1/me"}); rec.Code != 200 {
		t.Errorf("HEAD /api/v1/me = %d", rec.Code)
	}
}
