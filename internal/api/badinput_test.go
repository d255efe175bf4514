package api

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/inspect"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
	"github.com/jianfu-gov/jianfu/internal/tz"
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
		// The inventory.
		{"asset: unknown field", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/assets", body: newApp(fx, map[string]any{"colour": "red"})}
		}, 400, "invalid", "colour"},
		{"asset: unknown field in details", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/assets", body: newApp(fx, map[string]any{"app": map[string]any{"colour": "red"}})}
		}, 400, "invalid", "colour"},
		{"asset: name not a string", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/assets", body: newApp(fx, map[string]any{"name": 5})}
		}, 400, "invalid", "name"},
		{"asset: functions not a list", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/assets", body: newApp(fx, map[string]any{"functions": "登记、通知"})}
		}, 400, "invalid", "functions"},
		{"asset: target_count not a number", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/assets", body: newApp(fx, map[string]any{"app": map[string]any{"target_count": "很多"}})}
		}, 400, "invalid", "app.target_count"},
		{"asset: mlps_assessed_on 2026-02-30", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/assets", body: newApp(fx, map[string]any{"app": map[string]any{"mlps_assessed_on": "2026-02-30"}})}
		}, 400, "invalid", "app.mlps_assessed_on"},
		{"asset: task_end_on 2026-02-30", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/assets", body: map[string]any{"code": "X-G", "kind": "group", "name": "某群", "platform": "微信",
				"unit_id": unit(fx, "ZA-1"), "group": map[string]any{"temporary": true, "task_end_on": "2026-02-30"}}}
		}, 400, "invalid", "group.task_end_on"},
		{"asset: opened_on a number", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/assets", body: newApp(fx, map[string]any{"opened_on": 20260101})}
		}, 400, "invalid", "opened_on"},
		{"asset: last_post_on 2026-13-01 on update", func(fx *fixture) req {
			return req{method: "PUT", path: assetURL(fx, "ACC-A", ""), body: map[string]any{"code": "ACC-A", "name": "甲区消防", "platform": "抖音",
				"unit_id": unit(fx, "DD-A"), "account": map[string]any{"last_post_on": "2026-13-01"}}}
		}, 400, "invalid", "account.last_post_on"},
		{"asset: unknown platform", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/assets", body: newApp(fx, map[string]any{"platform": "Telegram"})}
		}, 400, "invalid", "platform"},
		{"asset: platform of another kind", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/assets", body: newApp(fx, map[string]any{"platform": "钉钉"})}
		}, 400, "invalid", "platform"},
		{"asset: unknown kind", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/assets", body: newApp(fx, map[string]any{"kind": "website"})}
		}, 400, "invalid", "kind"},
		{"asset: unknown forced feature", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/assets", body: newApp(fx, map[string]any{"app": map[string]any{"forced_features": []string{"人脸识别"}}})}
		}, 400, "invalid", "forced_features"},
		{"asset: created retired", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/assets", body: newApp(fx, map[string]any{"status": "retired"})}
		}, 400, "invalid", "status"},
		{"asset: duplicate code", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/assets", body: newApp(fx, map[string]any{"code": "APP-A"})}
		}, 400, "invalid", "code"},
		{"asset: unknown unit", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/assets", body: newApp(fx, map[string]any{"unit_id": 999999})}
		}, 400, "invalid", "unit_id"},
		{"asset: unknown owner", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/assets", body: newApp(fx, map[string]any{"owner_code": "P-NOBODY"})}
		}, 400, "invalid", "owner_code"},
		{"asset: unknown owner id", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/assets", body: newApp(fx, map[string]any{"owner_person_id": 999999})}
		}, 400, "invalid", "owner_person_id"},
		{"asset: unknown unit_code", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/assets", body: newApp(fx, map[string]any{"unit_id": nil, "unit_code": "NOPE"})}
		}, 400, "invalid", "unit_code"},
		{"asset: lead_unit_code of no unit", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/assets", body: newApp(fx, map[string]any{"lead_unit_code": "NOPE"})}
		}, 400, "invalid", "lead_unit_code"},
		{"asset: NUL in owner_code", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/assets", body: newApp(fx, map[string]any{"owner_code": "P-A-1\x00"})}
		}, 400, "invalid", "owner_code"},
		{"asset: status on update", func(fx *fixture) req {
			return req{method: "PUT", path: assetURL(fx, "APP-A", ""), body: newApp(fx, map[string]any{"code": "APP-A", "status": "retired"})}
		}, 400, "invalid", "status"},
		{"asset: kind changed on update", func(fx *fixture) req {
			return req{method: "PUT", path: assetURL(fx, "APP-A", ""), body: newApp(fx, map[string]any{"code": "APP-A", "kind": "group", "platform": "微信"})}
		}, 400, "invalid", "kind"},
		{"asset: id abc", func(*fixture) req { return req{method: "GET", path: "/api/v1/assets/abc"} }, 400, "invalid", "id"},
		{"asset: id 0 on update", func(fx *fixture) req {
			return req{method: "PUT", path: "/api/v1/assets/0", body: newApp(fx, nil)}
		}, 400, "invalid", "id"},
		{"asset: unknown id", func(*fixture) req { return req{method: "GET", path: "/api/v1/assets/999999"} }, 404, "not_found", ""},
		{"transition to merged", func(fx *fixture) req {
			return req{method: "POST", path: assetURL(fx, "APP-A", "/transition"), body: map[string]any{"to": "merged", "reason": "功能重复"}}
		}, 400, "invalid", "to"},
		{"transition to an unknown status", func(fx *fixture) req {
			return req{method: "POST", path: assetURL(fx, "APP-A", "/transition"), body: map[string]any{"to": "gone", "reason": "不再使用"}}
		}, 400, "invalid", "to"},
		{"transition: to not a string", func(fx *fixture) req {
			return req{method: "POST", path: assetURL(fx, "APP-A", "/transition"), body: map[string]any{"to": 3, "reason": "不再使用"}}
		}, 400, "invalid", "to"},
		{"transition without reason", func(fx *fixture) req {
			return req{method: "POST", path: assetURL(fx, "APP-A", "/transition"), body: map[string]any{"to": "rectifying"}}
		}, 400, "invalid", "reason"},
		{"transition: unknown field", func(fx *fixture) req {
			return req{method: "POST", path: assetURL(fx, "APP-A", "/transition"), body: map[string]any{"to": "rectifying", "reason": "整改", "when": "now"}}
		}, 400, "invalid", "when"},
		{"transition the state machine refuses", func(fx *fixture) req {
			return req{method: "POST", path: assetURL(fx, "APP-A", "/transition"), body: map[string]any{"to": "applying", "reason": "重新申请"}}
		}, 409, "conflict", ""},
		{"transition of a retired group", func(fx *fixture) req {
			return req{method: "POST", path: assetURL(fx, "GRP-B2", "/transition"), body: map[string]any{"to": "active", "reason": "重新启用"}}
		}, 409, "conflict", ""},
		{"merge into itself", func(fx *fixture) req {
			return req{method: "POST", path: assetURL(fx, "GRP-A1", "/merge"), body: map[string]any{"into": fx.assets["GRP-A1"].ID, "reason": "功能重复"}}
		}, 400, "invalid", "into"},
		{"merge into itself by code", func(fx *fixture) req {
			return req{method: "POST", path: assetURL(fx, "GRP-A1", "/merge"), body: map[string]any{"into_code": "GRP-A1", "reason": "功能重复"}}
		}, 400, "invalid", "into_code"},
		{"merge with into and into_code", func(fx *fixture) req {
			return req{method: "POST", path: assetURL(fx, "GRP-A1", "/merge"),
				body: map[string]any{"into": fx.assets["GRP-A2"].ID, "into_code": "GRP-A2", "reason": "功能重复"}}
		}, 400, "invalid", "into"},
		{"merge without a target", func(fx *fixture) req {
			return req{method: "POST", path: assetURL(fx, "GRP-A1", "/merge"), body: map[string]any{"reason": "功能重复"}}
		}, 400, "invalid", "into"},
		{"merge: into not a number", func(fx *fixture) req {
			return req{method: "POST", path: assetURL(fx, "GRP-A1", "/merge"), body: map[string]any{"into": "GRP-A2", "reason": "功能重复"}}
		}, 400, "invalid", "into"},
		{"merge a group into an app", func(fx *fixture) req {
			return req{method: "POST", path: assetURL(fx, "GRP-A1", "/merge"), body: map[string]any{"into": fx.assets["APP-A"].ID, "reason": "功能重复"}}
		}, 400, "invalid", "into"},
		{"merge into a retired group", func(fx *fixture) req {
			return req{method: "POST", path: assetURL(fx, "GRP-B1", "/merge"), body: map[string]any{"into_code": "GRP-B2", "reason": "功能重复"}}
		}, 400, "invalid", "into_code"},
		{"merge into an unknown code", func(fx *fixture) req {
			return req{method: "POST", path: assetURL(fx, "GRP-A1", "/merge"), body: map[string]any{"into_code": "NOPE", "reason": "功能重复"}}
		}, 400, "invalid", "into_code"},
		{"merge into an unknown id", func(fx *fixture) req {
			return req{method: "POST", path: assetURL(fx, "GRP-A1", "/merge"), body: map[string]any{"into": 999999, "reason": "功能重复"}}
		}, 400, "invalid", "into"},
		{"merge without reason", func(fx *fixture) req {
			return req{method: "POST", path: assetURL(fx, "GRP-A1", "/merge"), body: map[string]any{"into": fx.assets["GRP-A2"].ID}}
		}, 400, "invalid", "reason"},
		{"member listed twice", func(fx *fixture) req {
			return req{method: "PUT", path: assetURL(fx, "GRP-A2", "/members"),
				body: map[string]any{"members": []map[string]string{{"person_code": "P-A1-1"}, {"person_code": "P-A1-1", "role": "admin"}}}}
		}, 400, "invalid", "members"},
		{"two group owners", func(fx *fixture) req {
			return req{method: "PUT", path: assetURL(fx, "GRP-A2", "/members"),
				body: map[string]any{"members": []map[string]string{{"person_code": "P-A1-1", "role": "群主"}, {"person_code": "P-A1-2", "role": "owner"}}}}
		}, 400, "invalid", "members"},
		{"member with an unknown 工号 and role", func(fx *fixture) req {
			return req{method: "PUT", path: assetURL(fx, "GRP-A2", "/members"),
				body: map[string]any{"members": []map[string]string{{"person_code": "P-NOBODY"}, {"external_name": "外部丁", "role": "king"}}}}
		}, 400, "invalid", "members"},
		{"members missing", func(fx *fixture) req {
			return req{method: "PUT", path: assetURL(fx, "GRP-A2", "/members"), body: map[string]any{}}
		}, 400, "invalid", "members"},
		{"members not a list", func(fx *fixture) req {
			return req{method: "PUT", path: assetURL(fx, "GRP-A2", "/members"), body: map[string]any{"members": "P-A1-1"}}
		}, 400, "invalid", "members"},
		{"member with an unknown field", func(fx *fixture) req {
			return req{method: "PUT", path: assetURL(fx, "GRP-A2", "/members"), body: map[string]any{"members": []map[string]string{{"code": "P-A1-1"}}}}
		}, 400, "invalid", "code"},
		{"members of an app", func(fx *fixture) req {
			return req{method: "PUT", path: assetURL(fx, "APP-A", "/members"), body: map[string]any{"members": []map[string]string{{"person_code": "P-A1-1"}}}}
		}, 400, "invalid", ""},
		{"members limit 501", func(fx *fixture) req { return req{method: "GET", path: assetURL(fx, "GRP-A1", "/members?limit=501")} }, 400, "invalid", "limit"},
		{"history offset -1", func(fx *fixture) req { return req{method: "GET", path: assetURL(fx, "GRP-A1", "/history?offset=-1")} }, 400, "invalid", "offset"},
		{"history id abc", func(*fixture) req { return req{method: "GET", path: "/api/v1/assets/abc/history"} }, 400, "invalid", "id"},
		{"attest: ids empty", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/attest", body: map[string]any{"ids": []int64{}}}
		}, 400, "invalid", "ids"},
		{"attest: ids missing", func(*fixture) req { return req{method: "POST", path: "/api/v1/attest", body: map[string]any{}} }, 400, "invalid", "ids"},
		{"attest: 501 ids", func(*fixture) req {
			ids := make([]int64, 501)
			for i := range ids {
				ids[i] = int64(i + 1)
			}
			return req{method: "POST", path: "/api/v1/attest", body: map[string]any{"ids": ids}}
		}, 400, "invalid", "ids"},
		{"attest: id 0", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/attest", body: map[string]any{"ids": []int64{0}}}
		}, 400, "invalid", "ids"},
		{"attest: id twice", func(fx *fixture) req {
			id := fx.assets["APP-A"].ID
			return req{method: "POST", path: "/api/v1/attest", body: map[string]any{"ids": []int64{id, id}}}
		}, 400, "invalid", "ids"},
		{"attest: ids not numbers", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/attest", body: map[string]any{"ids": []string{"APP-A"}}}
		}, 400, "invalid", "ids"},
		{"attest by a login linked to no person", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/attest", body: map[string]any{"ids": []int64{fx.assets["APP-A"].ID}}}
		}, 403, "forbidden", ""},
		{"assets: unknown kind", func(*fixture) req { return req{method: "GET", path: "/api/v1/assets?kind=website"} }, 400, "invalid", "kind"},
		{"assets: unknown platform", func(*fixture) req { return req{method: "GET", path: "/api/v1/assets?platform=Telegram"} }, 400, "invalid", "platform"},
		{"assets: platform of another kind", func(*fixture) req {
			return req{method: "GET", path: "/api/v1/assets?kind=app&platform=%E9%92%89%E9%92%89"}
		}, 400, "invalid", "platform"},
		{"assets: unknown status", func(*fixture) req { return req{method: "GET", path: "/api/v1/assets?status=gone"} }, 400, "invalid", "status"},
		{"assets: unknown flag", func(*fixture) req { return req{method: "GET", path: "/api/v1/assets?flag=stale"} }, 400, "invalid", "flag"},
		{"assets: unknown sort", func(*fixture) req { return req{method: "GET", path: "/api/v1/assets?sort=price"} }, 400, "invalid", "sort"},
		{"assets: unit_id abc", func(*fixture) req { return req{method: "GET", path: "/api/v1/assets?unit_id=abc"} }, 400, "invalid", "unit_id"},
		{"assets: unit_id unknown", func(*fixture) req { return req{method: "GET", path: "/api/v1/assets?unit_id=999999"} }, 400, "invalid", "unit_id"},
		{"assets: lead_unit_id -1", func(*fixture) req { return req{method: "GET", path: "/api/v1/assets?lead_unit_id=-1"} }, 400, "invalid", "lead_unit_id"},
		{"assets: owner_person_id x", func(*fixture) req { return req{method: "GET", path: "/api/v1/assets?owner_person_id=x"} }, 400, "invalid", "owner_person_id"},
		{"assets: limit 0", func(*fixture) req { return req{method: "GET", path: "/api/v1/assets?limit=0"} }, 400, "invalid", "limit"},
		{"assets: q too long", func(*fixture) req { return req{method: "GET", path: "/api/v1/assets?q=" + strings.Repeat("a", 101)} }, 400, "invalid", "q"},
		{"attest list: limit abc", func(*fixture) req { return req{method: "GET", path: "/api/v1/attest?limit=abc"} }, 400, "invalid", "limit"},
		// Intake. Requests and their bodies name fields by their path in the body.
		{"intake: unknown tab", func(*fixture) req { return req{method: "GET", path: "/api/v1/intake?tab=done"} }, 400, "invalid", "tab"},
		{"intake: unknown kind", func(*fixture) req { return req{method: "GET", path: "/api/v1/intake?kind=website"} }, 400, "invalid", "kind"},
		{"intake: unknown step", func(*fixture) req { return req{method: "GET", path: "/api/v1/intake?step=finished"} }, 400, "invalid", "step"},
		{"intake: open=yes", func(*fixture) req { return req{method: "GET", path: "/api/v1/intake?open=yes"} }, 400, "invalid", "open"},
		{"intake: mine=2", func(*fixture) req { return req{method: "GET", path: "/api/v1/intake?mine=2"} }, 400, "invalid", "mine"},
		{"intake: actionable=x", func(*fixture) req { return req{method: "GET", path: "/api/v1/intake?actionable=x"} }, 400, "invalid", "actionable"},
		{"intake: flagged=maybe", func(*fixture) req { return req{method: "GET", path: "/api/v1/intake?flagged=maybe"} }, 400, "invalid", "flagged"},
		{"intake: limit 0", func(*fixture) req { return req{method: "GET", path: "/api/v1/intake?limit=0"} }, 400, "invalid", "limit"},
		{"intake: offset -1", func(*fixture) req { return req{method: "GET", path: "/api/v1/intake?offset=-1"} }, 400, "invalid", "offset"},
		{"intake: q too long", func(*fixture) req { return req{method: "GET", path: "/api/v1/intake?q=" + strings.Repeat("a", 101)} }, 400, "invalid", "q"},
		{"intake: id abc", func(*fixture) req { return req{method: "GET", path: "/api/v1/intake/abc"} }, 400, "invalid", "id"},
		{"intake: unknown id", func(*fixture) req { return req{method: "GET", path: "/api/v1/intake/999999"} }, 404, "not_found", ""},

		{"similar: asset missing", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/intake/similar", body: map[string]any{}}
		}, 400, "invalid", "asset"},
		{"similar: unknown field", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/intake/similar", body: map[string]any{"asset": hydrantBody(fx, "", "ZD-A", nil), "colour": "red"}}
		}, 400, "invalid", "colour"},
		{"similar: asset not an object", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/intake/similar", body: map[string]any{"asset": "app"}}
		}, 400, "invalid", "asset"},
		{"similar: unknown kind", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/intake/similar", body: map[string]any{"asset": map[string]any{"kind": "website"}}}
		}, 400, "invalid", "asset.kind"},
		{"similar: unknown unit", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/intake/similar", body: map[string]any{"asset": map[string]any{"kind": "app", "unit_id": 999999}}}
		}, 400, "invalid", "asset.unit_id"},
		{"similar: unknown unit code", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/intake/similar", body: map[string]any{"asset": map[string]any{"kind": "app", "unit_code": "NOPE"}}}
		}, 400, "invalid", "asset.unit_code"},
		{"similar: members not a list", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/intake/similar", body: map[string]any{"asset": map[string]any{"kind": "group"}, "members": "P-A-1"}}
		}, 400, "invalid", "members"},

		{"submit: answers missing", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/intake", body: map[string]any{"asset": hydrantBody(fx, "X-IN", "XXC", nil)}}
		}, 400, "invalid", "answers.fits_plan"},
		{"submit: an answer too short", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/intake", body: map[string]any{"asset": hydrantBody(fx, "X-IN", "XXC", nil),
				"answers": answersBody(map[string]any{"not_module": "无"})}}
		}, 400, "invalid", "answers.not_module"},
		{"submit: an answer missing", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/intake", body: map[string]any{"asset": hydrantBody(fx, "X-IN", "XXC", nil),
				"answers": answersBody(map[string]any{"data_rules": nil})}}
		}, 400, "invalid", "answers.data_rules"},
		{"submit: answers not an object", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/intake", body: map[string]any{"asset": hydrantBody(fx, "X-IN", "XXC", nil), "answers": "都符合"}}
		}, 400, "invalid", "answers"},
		{"submit: an answer not a string", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/intake", body: map[string]any{"asset": hydrantBody(fx, "X-IN", "XXC", nil),
				"answers": answersBody(map[string]any{"fits_plan": 1})}}
		}, 400, "invalid", "answers.fits_plan"},
		{"submit: unknown field in answers", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/intake", body: map[string]any{"asset": hydrantBody(fx, "X-IN", "XXC", nil),
				"answers": answersBody(map[string]any{"remarks": "无"})}}
		}, 400, "invalid", "remarks"},
		{"submit: unknown field", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/intake", body: map[string]any{"asset": hydrantBody(fx, "X-IN", "XXC", nil),
				"answers": answersBody(nil), "urgent": true}}
		}, 400, "invalid", "urgent"},
		{"submit: asset missing", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/intake", body: map[string]any{"answers": answersBody(nil)}}
		}, 400, "invalid", "asset"},
		{"submit: name not a string", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/intake", body: map[string]any{"asset": hydrantBody(fx, "X-IN", "XXC", map[string]any{"name": 5}),
				"answers": answersBody(nil)}}
		}, 400, "invalid", "asset.name"},
		{"submit: mlps_assessed_on 2026-02-30", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/intake", body: map[string]any{"asset": hydrantBody(fx, "X-IN", "XXC",
				map[string]any{"app": map[string]any{"mlps_assessed_on": "2026-02-30"}}), "answers": answersBody(nil)}}
		}, 400, "invalid", "asset.app.mlps_assessed_on"},
		{"submit: app of a 大队 (APP-LEVEL)", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/intake", body: map[string]any{"asset": hydrantBody(fx, "X-IN", "DD-A", nil), "answers": answersBody(nil)}}
		}, 400, "invalid", "asset.unit_id"},
		{"submit: app of a station by code (APP-LEVEL)", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/intake", body: map[string]any{"asset": hydrantBody(fx, "X-IN", "ZA-1",
				map[string]any{"unit_id": nil, "unit_code": "ZA-1"}), "answers": answersBody(nil)}}
		}, 400, "invalid", "asset.unit_code"},
		{"submit: 甲市支队's yearly quota used", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/intake", body: map[string]any{"asset": hydrantBody(fx, "X-IN", "ZD-A", nil), "answers": answersBody(nil)}}
		}, 400, "invalid", "asset.unit_id"},
		{"submit: status active", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/intake", body: map[string]any{"asset": hydrantBody(fx, "X-IN", "XXC", map[string]any{"status": "active"}),
				"answers": answersBody(nil)}}
		}, 400, "invalid", "asset.status"},
		{"submit: members of an app", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/intake", body: map[string]any{"asset": hydrantBody(fx, "X-IN", "XXC", nil),
				"answers": answersBody(nil), "members": []map[string]string{{"person_code": "P-A-1"}}}}
		}, 400, "invalid", "members"},
		{"submit: duplicate code", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/intake", body: map[string]any{"asset": hydrantBody(fx, "APP-A", "XXC", nil), "answers": answersBody(nil)}}
		}, 400, "invalid", "asset.code"},
		{"submit: unknown unit code", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/intake", body: map[string]any{"asset": hydrantBody(fx, "X-IN", "XXC",
				map[string]any{"unit_id": nil, "unit_code": "NOPE"}), "answers": answersBody(nil)}}
		}, 400, "invalid", "asset.unit_code"},
		{"submit: unknown platform", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/intake", body: map[string]any{"asset": hydrantBody(fx, "X-IN", "XXC", map[string]any{"platform": "Telegram"}),
				"answers": answersBody(nil)}}
		}, 400, "invalid", "asset.platform"},
		{"submit: member with an unknown 工号", func(fx *fixture) req {
			b := groupBody(fx, "X-IN", "DD-A")
			b["members"] = []map[string]string{{"person_code": "P-NOBODY"}}
			return req{method: "POST", path: "/api/v1/intake", body: b}
		}, 400, "invalid", "members"},

		{"decide: unknown action", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "ZDA", "/decide"), body: map[string]any{"action": "accept"}}
		}, 400, "invalid", "action"},
		{"decide: action missing", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "ZDA", "/decide"), body: map[string]any{"comment": "同意"}}
		}, 400, "invalid", "action"},
		{"decide: action not a string", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "ZDA", "/decide"), body: map[string]any{"action": 1}}
		}, 400, "invalid", "action"},
		{"decide: return without comment", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "ZDA", "/decide"), body: map[string]any{"action": "return"}}
		}, 400, "invalid", "comment"},
		{"decide: reject with a trivial comment", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "ZDA", "/decide"), body: map[string]any{"action": "reject", "comment": "无"}}
		}, 400, "invalid", "comment"},
		{"decide: comment with NUL", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "ZDA", "/decide"), body: `{"action":"approve","comment":"同意\u0000"}`, contentType: "application/json"}
		}, 400, "invalid", "comment"},
		{"decide: unknown field", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "ZDA", "/decide"), body: map[string]any{"action": "approve", "vote": "yes"}}
		}, 400, "invalid", "vote"},
		{"decide: unknown step", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "ZDA", "/decide"), body: map[string]any{"action": "approve", "step": "final"}}
		}, 400, "invalid", "step"},
		{"decide: a step the request has left", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "ZDA", "/decide"), body: map[string]any{"action": "approve", "step": "lead"}}
		}, 409, "conflict", ""},
		{"decide: a decided request", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "XCC", "/decide"), body: map[string]any{"action": "approve"}}
		}, 409, "conflict", ""},
		{"decide: a returned request", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "ADM", "/decide"), body: map[string]any{"action": "reject", "comment": "不需要了"}}
		}, 409, "conflict", ""},
		{"decide: id abc", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/intake/abc/decide", body: map[string]any{"action": "approve"}}
		}, 400, "invalid", "id"},
		{"decide: unknown id", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/intake/999999/decide", body: map[string]any{"action": "approve"}}
		}, 404, "not_found", ""},
		{"withdraw: reason not a string", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "ADM", "/withdraw"), body: map[string]any{"reason": []string{"不需要"}}}
		}, 400, "invalid", "reason"},
		{"withdraw: reason with a control character", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "ADM", "/withdraw"), body: map[string]any{"reason": "不需要\a了"}}
		}, 400, "invalid", "reason"},
		{"withdraw: unknown field", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "ADM", "/withdraw"), body: map[string]any{"comment": "不需要了"}}
		}, 400, "invalid", "comment"},
		{"withdraw: empty body", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "ADM", "/withdraw"), body: "", contentType: "application/json"}
		}, 400, "invalid", ""},
		{"withdraw another's request", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "ZDA", "/withdraw"), body: map[string]any{}}
		}, 403, "forbidden", ""},
		{"resubmit: answers missing", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "ADM", "/resubmit"), body: map[string]any{}}
		}, 400, "invalid", "answers.fits_plan"},
		{"resubmit: status in the asset", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "ADM", "/resubmit"), body: map[string]any{"asset": hydrantBody(fx, "REQ-ADM", "XXC",
				map[string]any{"status": "retired"}), "answers": answersBody(nil)}}
		}, 400, "invalid", "asset.status"},
		{"resubmit: kind changed", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "ADM", "/resubmit"), body: map[string]any{"asset": hydrantBody(fx, "REQ-ADM", "XXC",
				map[string]any{"kind": "group", "platform": "微信", "app": nil}), "answers": answersBody(nil)}}
		}, 400, "invalid", "asset.kind"},
		{"resubmit: moved to a 大队 (APP-LEVEL)", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "ADM", "/resubmit"), body: map[string]any{"asset": hydrantBody(fx, "REQ-ADM", "DD-A", nil),
				"answers": answersBody(nil)}}
		}, 400, "invalid", "asset.unit_id"},
		{"resubmit: members of an app", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "ADM", "/resubmit"), body: map[string]any{"answers": answersBody(nil),
				"members": []map[string]string{{"person_code": "P-A-1"}}}}
		}, 400, "invalid", "members"},
		{"resubmit: members not a list", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "ADM", "/resubmit"), body: map[string]any{"answers": answersBody(nil), "members": 3}}
		}, 400, "invalid", "members"},
		{"resubmit another's request", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "B", "/resubmit"), body: map[string]any{"answers": map[string]any{}}}
		}, 403, "forbidden", ""},
		{"resubmit a request in review", func(fx *fixture) req {
			return req{method: "POST", path: intakeURL(fx, "ZDA", "/resubmit"), body: map[string]any{"answers": answersBody(nil)}}
		}, 403, "forbidden", ""},
		// The health check.
		{"run: impossible date", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/findings/run", body: map[string]any{"date": "2026-02-30"}}
		}, 400, "invalid", "date"},
		{"run: date in another format", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/findings/run", body: map[string]any{"date": "30/11/2026"}}
		}, 400, "invalid", "date"},
		{"run: date not a string", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/findings/run", body: map[string]any{"date": 20261130}}
		}, 400, "invalid", "date"},
		{"run: unknown field", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/findings/run", body: map[string]any{"day": "2026-11-30"}}
		}, 400, "invalid", "day"},
		{"run: empty body", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/findings/run", body: "", contentType: "application/json"}
		}, 400, "invalid", ""},
		{"findings: unknown rule", func(*fixture) req { return req{method: "GET", path: "/api/v1/findings?rule=NOPE"} }, 400, "invalid", "rule"},
		{"findings: unknown status", func(*fixture) req { return req{method: "GET", path: "/api/v1/findings?status=open"} }, 400, "invalid", "status"},
		{"findings: unknown severity", func(*fixture) req { return req{method: "GET", path: "/api/v1/findings?severity=urgent"} }, 400, "invalid", "severity"},
		{"findings: unit_id abc", func(*fixture) req { return req{method: "GET", path: "/api/v1/findings?unit_id=abc"} }, 400, "invalid", "unit_id"},
		{"findings: unknown unit", func(*fixture) req { return req{method: "GET", path: "/api/v1/findings?unit_id=999999"} }, 400, "invalid", "unit_id"},
		{"findings: asset_id 0", func(*fixture) req { return req{method: "GET", path: "/api/v1/findings?asset_id=0"} }, 400, "invalid", "asset_id"},
		{"findings: resolved maybe", func(*fixture) req { return req{method: "GET", path: "/api/v1/findings?resolved=maybe"} }, 400, "invalid", "resolved"},
		{"findings: limit 0", func(*fixture) req { return req{method: "GET", path: "/api/v1/findings?limit=0"} }, 400, "invalid", "limit"},
		{"finding id abc", func(*fixture) req { return req{method: "GET", path: "/api/v1/findings/abc"} }, 400, "invalid", "id"},
		{"unknown finding", func(*fixture) req { return req{method: "GET", path: "/api/v1/findings/999999"} }, 404, "not_found", ""},
		{"confirm: id abc", func(*fixture) req { return req{method: "POST", path: "/api/v1/findings/abc/confirm"} }, 400, "invalid", "id"},
		{"confirm an unknown finding", func(*fixture) req { return req{method: "POST", path: "/api/v1/findings/999999/confirm"} }, 404, "not_found", ""},
		{"dismiss without reason", func(fx *fixture) req {
			return req{method: "POST", path: findingURL(fx, "GRP-NOOWNER", "FND-A", "/dismiss"), body: map[string]any{}}
		}, 400, "invalid", "reason"},
		{"dismiss with a blank reason", func(fx *fixture) req {
			return req{method: "POST", path: findingURL(fx, "GRP-NOOWNER", "FND-A", "/dismiss"), body: map[string]any{"reason": "   "}}
		}, 400, "invalid", "reason"},
		{"dismiss: reason not a string", func(fx *fixture) req {
			return req{method: "POST", path: findingURL(fx, "GRP-NOOWNER", "FND-A", "/dismiss"), body: map[string]any{"reason": 5}}
		}, 400, "invalid", "reason"},
		{"dismiss: unknown field", func(fx *fixture) req {
			return req{method: "POST", path: findingURL(fx, "GRP-NOOWNER", "FND-A", "/dismiss"), body: map[string]any{"reason": "线下已登记群主", "why": "x"}}
		}, 400, "invalid", "why"},
		// The ledger. LA is 甲一站's pending item.
		{"ledger: unknown source", func(*fixture) req { return req{method: "GET", path: "/api/v1/ledger?source=rumour"} }, 400, "invalid", "source"},
		{"ledger: unknown status", func(*fixture) req { return req{method: "GET", path: "/api/v1/ledger?status=open"} }, 400, "invalid", "status"},
		{"ledger: overdue=maybe", func(*fixture) req { return req{method: "GET", path: "/api/v1/ledger?overdue=maybe"} }, 400, "invalid", "overdue"},
		{"ledger: due_this_week=2", func(*fixture) req { return req{method: "GET", path: "/api/v1/ledger?due_this_week=2"} }, 400, "invalid", "due_this_week"},
		{"ledger: unit_id abc", func(*fixture) req { return req{method: "GET", path: "/api/v1/ledger?unit_id=abc"} }, 400, "invalid", "unit_id"},
		{"ledger: unknown unit", func(*fixture) req { return req{method: "GET", path: "/api/v1/ledger?unit_id=999999"} }, 400, "invalid", "unit_id"},
		{"ledger: limit 0", func(*fixture) req { return req{method: "GET", path: "/api/v1/ledger?limit=0"} }, 400, "invalid", "limit"},
		{"ledger: q too long", func(*fixture) req { return req{method: "GET", path: "/api/v1/ledger?q=" + strings.Repeat("a", 101)} }, 400, "invalid", "q"},
		{"ledger: id abc", func(*fixture) req { return req{method: "GET", path: "/api/v1/ledger/abc"} }, 400, "invalid", "id"},
		{"ledger: unknown id", func(*fixture) req { return req{method: "GET", path: "/api/v1/ledger/999999"} }, 404, "not_found", ""},
		{"ledger create: title missing", func(fx *fixture) req {
			b := ledgerBodyFor(fx, "ZA-1", "P-A1-1", "")
			return req{method: "POST", path: "/api/v1/ledger", body: b}
		}, 400, "invalid", "title"},
		{"ledger create: title not a string", func(fx *fixture) req {
			b := ledgerBodyFor(fx, "ZA-1", "P-A1-1", "")
			b["title"] = 5
			return req{method: "POST", path: "/api/v1/ledger", body: b}
		}, 400, "invalid", "title"},
		{"ledger create: unknown source", func(fx *fixture) req {
			b := ledgerBodyFor(fx, "ZA-1", "P-A1-1", "某问题")
			b["source"] = "rumour"
			return req{method: "POST", path: "/api/v1/ledger", body: b}
		}, 400, "invalid", "source"},
		{"ledger create: unit missing", func(fx *fixture) req {
			b := ledgerBodyFor(fx, "ZA-1", "P-A1-1", "某问题")
			delete(b, "unit_id")
			return req{method: "POST", path: "/api/v1/ledger", body: b}
		}, 400, "invalid", "unit_id"},
		{"ledger create: unknown unit", func(fx *fixture) req {
			b := ledgerBodyFor(fx, "ZA-1", "P-A1-1", "某问题")
			b["unit_id"] = 999999
			return req{method: "POST", path: "/api/v1/ledger", body: b}
		}, 400, "invalid", "unit_id"},
		{"ledger create: responsible person missing", func(fx *fixture) req {
			b := ledgerBodyFor(fx, "ZA-1", "P-A1-1", "某问题")
			delete(b, "responsible_person_id")
			return req{method: "POST", path: "/api/v1/ledger", body: b}
		}, 400, "invalid", "responsible_person_id"},
		{"ledger create: responsible person of another unit", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/ledger", body: ledgerBodyFor(fx, "ZA-1", "P-B1-1", "某问题")}
		}, 400, "invalid", "responsible_person_id"},
		{"ledger create: asset of another unit", func(fx *fixture) req {
			b := ledgerBodyFor(fx, "ZA-1", "P-A1-1", "某问题")
			b["asset_id"] = fx.assets["GRP-B1"].ID
			return req{method: "POST", path: "/api/v1/ledger", body: b}
		}, 400, "invalid", "asset_id"},
		{"ledger create: lead unit not a department", func(fx *fixture) req {
			b := ledgerBodyFor(fx, "ZA-1", "P-A1-1", "某问题")
			b["lead_unit_id"] = unit(fx, "DD-A")
			return req{method: "POST", path: "/api/v1/ledger", body: b}
		}, 400, "invalid", "lead_unit_id"},
		{"ledger create: both deadlines", func(fx *fixture) req {
			b := ledgerBodyFor(fx, "ZA-1", "P-A1-1", "某问题")
			b["deadline"] = "2100-01-04"
			return req{method: "POST", path: "/api/v1/ledger", body: b}
		}, 400, "invalid", "deadline"},
		{"ledger create: no deadline", func(fx *fixture) req {
			b := ledgerBodyFor(fx, "ZA-1", "P-A1-1", "某问题")
			delete(b, "deadline_workdays")
			return req{method: "POST", path: "/api/v1/ledger", body: b}
		}, 400, "invalid", "deadline"},
		{"ledger create: deadline 2026-02-30", func(fx *fixture) req {
			b := ledgerBodyFor(fx, "ZA-1", "P-A1-1", "某问题")
			delete(b, "deadline_workdays")
			b["deadline"] = "2026-02-30"
			return req{method: "POST", path: "/api/v1/ledger", body: b}
		}, 400, "invalid", "deadline"},
		{"ledger create: deadline passed", func(fx *fixture) req {
			b := ledgerBodyFor(fx, "ZA-1", "P-A1-1", "某问题")
			delete(b, "deadline_workdays")
			b["deadline"] = "2020-01-06"
			return req{method: "POST", path: "/api/v1/ledger", body: b}
		}, 400, "invalid", "deadline"},
		{"ledger create: 999 working days", func(fx *fixture) req {
			b := ledgerBodyFor(fx, "ZA-1", "P-A1-1", "某问题")
			b["deadline_workdays"] = 999
			return req{method: "POST", path: "/api/v1/ledger", body: b}
		}, 400, "invalid", "deadline_workdays"},
		{"ledger create: unknown field", func(fx *fixture) req {
			b := ledgerBodyFor(fx, "ZA-1", "P-A1-1", "某问题")
			b["status"] = "closed"
			return req{method: "POST", path: "/api/v1/ledger", body: b}
		}, 400, "invalid", "status"},
		{"ledger: unknown action", func(fx *fixture) req {
			return req{method: "POST", path: ledgerURL(fx, "LA", "/close"), body: map[string]string{"text": "x"}}
		}, 400, "invalid", "action"},
		{"ledger action: id abc", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/ledger/abc/start", body: map[string]string{}}
		}, 400, "invalid", "id"},
		{"ledger action: unknown id", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/ledger/999999/start", body: map[string]string{}}
		}, 404, "not_found", ""},
		{"ledger action: text not a string", func(fx *fixture) req {
			return req{method: "POST", path: ledgerURL(fx, "LA", "/start"), body: map[string]any{"text": 1}}
		}, 400, "invalid", "text"},
		{"ledger action: unknown field", func(fx *fixture) req {
			return req{method: "POST", path: ledgerURL(fx, "LA", "/start"), body: map[string]any{"note": "开始"}}
		}, 400, "invalid", "note"},
		{"ledger action: empty progress", func(fx *fixture) req {
			return req{method: "POST", path: ledgerURL(fx, "LA", "/progress"), body: map[string]any{"text": " "}}
		}, 400, "invalid", "text"},
		{"ledger action: reject without reason", func(fx *fixture) req {
			return req{method: "POST", path: ledgerURL(fx, "LA", "/reject"), body: map[string]any{}}
		}, 400, "invalid", "text"},
		{"ledger action: text with a control character", func(fx *fixture) req {
			return req{method: "POST", path: ledgerURL(fx, "LA", "/start"), body: map[string]any{"text": "开始\a"}}
		}, 400, "invalid", "text"},
		{"ledger action: submit a pending item", func(fx *fixture) req {
			return req{method: "POST", path: ledgerURL(fx, "LA", "/submit"), body: map[string]any{"text": "已完成"}}
		}, 409, "conflict", ""},
		{"ledger action: verify a pending item", func(fx *fixture) req {
			return req{method: "POST", path: ledgerURL(fx, "LA", "/verify"), body: map[string]any{}}
		}, 409, "conflict", ""},
		{"ledger comment: empty", func(fx *fixture) req {
			return req{method: "POST", path: ledgerURL(fx, "LA", "/comments"), body: map[string]any{"body": ""}}
		}, 400, "invalid", "body"},
		{"ledger comment: unknown field", func(fx *fixture) req {
			return req{method: "POST", path: ledgerURL(fx, "LA", "/comments"), body: map[string]any{"text": "评论"}}
		}, 400, "invalid", "text"},
		{"ledger attachment: no filename", func(fx *fixture) req {
			return req{method: "POST", path: ledgerURL(fx, "LA", "/attachments"), body: testPDF, contentType: "application/pdf"}
		}, 400, "invalid", "filename"},
		{"ledger attachment: not a known type", func(fx *fixture) req {
			return req{method: "POST", path: ledgerURL(fx, "LA", "/attachments?filename=a.exe"), body: []byte("MZ\x90\x00"), contentType: "application/octet-stream"}
		}, 400, "invalid", "file"},
		{"ledger attachment: empty", func(fx *fixture) req {
			return req{method: "POST", path: ledgerURL(fx, "LA", "/attachments?filename=a.pdf"), body: []byte{}, contentType: "application/pdf"}
		}, 400, "invalid", "file"},
		{"ledger attachment: aid abc", func(fx *fixture) req { return req{method: "GET", path: ledgerURL(fx, "LA", "/attachments/abc")} }, 400, "invalid", "aid"},
		{"ledger attachment: unknown aid", func(fx *fixture) req { return req{method: "GET", path: ledgerURL(fx, "LA", "/attachments/999999")} }, 404, "not_found", ""},
		{"accountability: unknown kind", func(fx *fixture) req {
			return req{method: "POST", path: ledgerURL(fx, "LA", "/accountability"), body: map[string]any{"kind": "fine", "note": "罚款"}}
		}, 400, "invalid", "kind"},
		{"accountability: note missing", func(fx *fixture) req {
			return req{method: "POST", path: ledgerURL(fx, "LA", "/accountability"), body: map[string]any{"kind": "talk"}}
		}, 400, "invalid", "note"},
		{"accountability: on in the future", func(fx *fixture) req {
			return req{method: "POST", path: ledgerURL(fx, "LA", "/accountability"), body: map[string]any{"kind": "talk", "note": "约谈", "on": "2100-01-04"}}
		}, 400, "invalid", "on"},
		{"accountability: on 2026-13-01", func(fx *fixture) req {
			return req{method: "POST", path: ledgerURL(fx, "LA", "/accountability"), body: map[string]any{"kind": "talk", "note": "约谈", "on": "2026-13-01"}}
		}, 400, "invalid", "on"},
		{"convert: finding id abc", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/findings/abc/ledger", body: map[string]any{}}
		}, 400, "invalid", "id"},
		{"convert: unknown finding", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/findings/999999/ledger", body: map[string]any{"responsible_person_id": fx.people["P-A1-1"].ID, "deadline_workdays": 5}}
		}, 404, "not_found", ""},
		{"convert: responsible person missing", func(fx *fixture) req {
			return req{method: "POST", path: findingURL(fx, "GRP-NOOWNER", "FND-A", "/ledger"), body: map[string]any{"deadline_workdays": 5}}
		}, 400, "invalid", "responsible_person_id"},
		{"convert: deadline 2026-02-30", func(fx *fixture) req {
			return req{method: "POST", path: findingURL(fx, "GRP-NOOWNER", "FND-A", "/ledger"),
				body: map[string]any{"responsible_person_id": fx.people["P-A1-1"].ID, "deadline": "2026-02-30"}}
		}, 400, "invalid", "deadline"},
		// Inspections. 运行中的抽查 is in progress, 另一计划 too; 草稿计划 is a draft.
		{"inspections: limit 0", func(*fixture) req { return req{method: "GET", path: "/api/v1/inspections?limit=0"} }, 400, "invalid", "limit"},
		{"inspection: id abc", func(*fixture) req { return req{method: "GET", path: "/api/v1/inspections/abc"} }, 400, "invalid", "id"},
		{"inspection: unknown id", func(*fixture) req { return req{method: "GET", path: "/api/v1/inspections/999999"} }, 404, "not_found", ""},
		{"plan: unknown kind", func(fx *fixture) req {
			in := planInput(fx, "新计划")
			in.Kind = "audit"
			return req{method: "POST", path: "/api/v1/inspections", body: in}
		}, 400, "invalid", "kind"},
		{"plan: name missing", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/inspections", body: planInput(fx, "")}
		}, 400, "invalid", "name"},
		{"plan: ratio 2", func(fx *fixture) req {
			in := planInput(fx, "新计划")
			in.Ratio = 2
			return req{method: "POST", path: "/api/v1/inspections", body: in}
		}, 400, "invalid", "ratio"},
		{"plan: one inspector per target", func(fx *fixture) req {
			in := planInput(fx, "新计划")
			in.PerTarget = 1
			return req{method: "POST", path: "/api/v1/inspections", body: in}
		}, 400, "invalid", "per_target"},
		{"plan: unknown asset kind", func(fx *fixture) req {
			in := planInput(fx, "新计划")
			in.AssetKinds = []catalog.Kind{"website"}
			return req{method: "POST", path: "/api/v1/inspections", body: in}
		}, 400, "invalid", "asset_kinds"},
		{"plan: no checklist", func(fx *fixture) req {
			in := planInput(fx, "新计划")
			in.Items = nil
			return req{method: "POST", path: "/api/v1/inspections", body: in}
		}, 400, "invalid", "items"},
		{"plan: checklist code twice", func(fx *fixture) req {
			in := planInput(fx, "新计划")
			in.Items[1].Code = in.Items[0].Code
			return req{method: "POST", path: "/api/v1/inspections", body: in}
		}, 400, "invalid", "items[2]"},
		{"plan: unknown unit", func(fx *fixture) req {
			in := planInput(fx, "新计划")
			in.UnitID = 999999
			return req{method: "POST", path: "/api/v1/inspections", body: in}
		}, 400, "invalid", "unit_id"},
		{"plan: ratio not a number", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/inspections", body: map[string]any{"name": "新计划", "ratio": "10%"}}
		}, 400, "invalid", "ratio"},
		{"draw: seed too long", func(fx *fixture) req {
			return req{method: "POST", path: planURL(fx, "草稿计划", "/draw"), body: map[string]any{"seed": strings.Repeat("种", 201)}}
		}, 400, "invalid", "seed"},
		{"draw: seed not a string", func(fx *fixture) req {
			return req{method: "POST", path: planURL(fx, "草稿计划", "/draw"), body: map[string]any{"seed": 42}}
		}, 400, "invalid", "seed"},
		{"draw: a plan drawn already", func(fx *fixture) req {
			return req{method: "POST", path: planURL(fx, "运行中的抽查", "/draw"), body: map[string]any{}}
		}, 409, "conflict", ""},
		{"draw: id abc", func(*fixture) req { return req{method: "GET", path: "/api/v1/draws/abc"} }, 400, "invalid", "id"},
		{"draw: unknown id", func(*fixture) req { return req{method: "GET", path: "/api/v1/draws/999999"} }, 404, "not_found", ""},
		{"start: a plan in progress", func(fx *fixture) req { return req{method: "POST", path: planURL(fx, "运行中的抽查", "/start")} }, 409, "conflict", ""},
		{"start: a draft without targets", func(fx *fixture) req { return req{method: "POST", path: planURL(fx, "草稿计划", "/start")} }, 400, "invalid", ""},
		{"finish: results missing", func(fx *fixture) req { return req{method: "POST", path: planURL(fx, "运行中的抽查", "/finish")} }, 409, "conflict", ""},
		{"result: target missing", func(fx *fixture) req {
			_, item := planTargetItem(fx, "运行中的抽查")
			return req{method: "POST", path: planURL(fx, "运行中的抽查", "/results"), body: map[string]any{"item_id": item, "outcome": "pass"}}
		}, 400, "invalid", "target_id"},
		{"result: item missing", func(fx *fixture) req {
			target, _ := planTargetItem(fx, "运行中的抽查")
			return req{method: "POST", path: planURL(fx, "运行中的抽查", "/results"), body: map[string]any{"target_id": target, "outcome": "pass"}}
		}, 400, "invalid", "item_id"},
		{"result: unknown outcome", func(fx *fixture) req {
			target, item := planTargetItem(fx, "运行中的抽查")
			return req{method: "POST", path: planURL(fx, "运行中的抽查", "/results"), body: map[string]any{"target_id": target, "item_id": item, "outcome": "ok"}}
		}, 400, "invalid", "outcome"},
		{"result: fail without a note", func(fx *fixture) req {
			target, item := planTargetItem(fx, "运行中的抽查")
			return req{method: "POST", path: planURL(fx, "运行中的抽查", "/results"), body: map[string]any{"target_id": target, "item_id": item, "outcome": "fail"}}
		}, 400, "invalid", "note"},
		{"result: target of another plan", func(fx *fixture) req {
			target, item := planTargetItem(fx, "另一计划")
			return req{method: "POST", path: planURL(fx, "运行中的抽查", "/results"), body: map[string]any{"target_id": target, "item_id": item, "outcome": "pass"}}
		}, 400, "invalid", "target_id"},
		{"result: item of another plan", func(fx *fixture) req {
			target, _ := planTargetItem(fx, "运行中的抽查")
			_, item := planTargetItem(fx, "另一计划")
			return req{method: "POST", path: planURL(fx, "运行中的抽查", "/results"), body: map[string]any{"target_id": target, "item_id": item, "outcome": "pass"}}
		}, 400, "invalid", "item_id"},
		{"result: unknown target", func(fx *fixture) req {
			_, item := planTargetItem(fx, "运行中的抽查")
			return req{method: "POST", path: planURL(fx, "运行中的抽查", "/results"), body: map[string]any{"target_id": 999999, "item_id": item, "outcome": "pass"}}
		}, 404, "not_found", ""},
		{"failed: id 0", func(*fixture) req { return req{method: "GET", path: "/api/v1/inspections/0/failed"} }, 400, "invalid", "id"},
		// Filing 运行中的抽查's failure on GRP-A2, an asset without an accountable person.
		{"file failure: rid abc", func(fx *fixture) req {
			return req{method: "POST", path: planURL(fx, "运行中的抽查", "/failed/abc/ledger"), body: map[string]any{}}
		}, 400, "invalid", "rid"},
		{"file failure: unknown result", func(fx *fixture) req {
			return req{method: "POST", path: planURL(fx, "运行中的抽查", "/failed/999999/ledger"), body: map[string]any{"responsible_person_id": fx.people["P-A1-1"].ID}}
		}, 404, "not_found", ""},
		{"file failure: a failure of another plan", func(fx *fixture) req {
			return req{method: "POST", path: strings.Replace(failureURL(fx, "运行中的抽查"), planURL(fx, "运行中的抽查", ""), planURL(fx, "另一计划", ""), 1),
				body: map[string]any{"responsible_person_id": fx.people["P-A1-1"].ID}}
		}, 404, "not_found", ""},
		{"file failure: no body", func(fx *fixture) req {
			return req{method: "POST", path: failureURL(fx, "运行中的抽查"), body: "", contentType: "application/json"}
		}, 400, "invalid", ""},
		{"file failure: no responsible person for an asset without one", func(fx *fixture) req {
			return req{method: "POST", path: failureURL(fx, "运行中的抽查"), body: map[string]any{"deadline_workdays": 5}}
		}, 400, "invalid", "responsible_person_id"},
		{"file failure: responsible person not a number", func(fx *fixture) req {
			return req{method: "POST", path: failureURL(fx, "运行中的抽查"), body: map[string]any{"responsible_person_id": "P-A1-1"}}
		}, 400, "invalid", "responsible_person_id"},
		{"file failure: responsible person -1", func(fx *fixture) req {
			return req{method: "POST", path: failureURL(fx, "运行中的抽查"), body: map[string]any{"responsible_person_id": -1}}
		}, 400, "invalid", "responsible_person_id"},
		{"file failure: responsible person of another unit", func(fx *fixture) req {
			return req{method: "POST", path: failureURL(fx, "运行中的抽查"), body: map[string]any{"responsible_person_id": fx.people["P-B1-1"].ID}}
		}, 400, "invalid", "responsible_person_id"},
		{"file failure: 999 working days", func(fx *fixture) req {
			return req{method: "POST", path: failureURL(fx, "运行中的抽查"),
				body: map[string]any{"responsible_person_id": fx.people["P-A1-1"].ID, "deadline_workdays": 999}}
		}, 400, "invalid", "deadline_workdays"},
		{"file failure: a deadline date", func(fx *fixture) req {
			return req{method: "POST", path: failureURL(fx, "运行中的抽查"),
				body: map[string]any{"responsible_person_id": fx.people["P-A1-1"].ID, "deadline": "2100-01-01"}}
		}, 400, "invalid", "deadline"},
		// Declared conflicts.
		{"conflicts: user_id abc", func(*fixture) req { return req{method: "GET", path: "/api/v1/inspection-conflicts?user_id=abc"} }, 400, "invalid", "user_id"},
		{"conflicts: unknown user", func(*fixture) req { return req{method: "GET", path: "/api/v1/inspection-conflicts?user_id=999999"} }, 400, "invalid", "user_id"},
		{"conflicts: limit 0", func(*fixture) req { return req{method: "GET", path: "/api/v1/inspection-conflicts?limit=0"} }, 400, "invalid", "limit"},
		{"declare: reason missing", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/inspection-conflicts", body: map[string]any{"unit_id": unit(fx, "DD-A")}}
		}, 400, "invalid", "reason"},
		{"declare: reason not a string", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/inspection-conflicts", body: map[string]any{"unit_id": unit(fx, "DD-A"), "reason": 1}}
		}, 400, "invalid", "reason"},
		{"declare: no unit", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/inspection-conflicts", body: map[string]any{"reason": "亲属"}}
		}, 400, "invalid", "unit_id"},
		{"declare: unit_id and unit_code", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/inspection-conflicts", body: map[string]any{"unit_id": unit(fx, "DD-A"), "unit_code": "DD-A", "reason": "亲属"}}
		}, 400, "invalid", "unit_id"},
		{"declare: unknown unit", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/inspection-conflicts", body: map[string]any{"unit_id": 999999, "reason": "亲属"}}
		}, 400, "invalid", "unit_id"},
		{"declare: unknown unit code", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/inspection-conflicts", body: map[string]any{"unit_code": "NOSUCH", "reason": "亲属"}}
		}, 400, "invalid", "unit_code"},
		{"declare: unknown user", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/inspection-conflicts", body: map[string]any{"user_id": 999999, "unit_id": unit(fx, "DD-A"), "reason": "亲属"}}
		}, 400, "invalid", "user_id"},
		{"declare: unknown field", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/inspection-conflicts", body: map[string]any{"unit_id": unit(fx, "DD-A"), "reason": "亲属", "until": "2027-01-01"}}
		}, 400, "invalid", "until"},
		// Campaigns. The fixture's campaign is 甲市支队's, with 实施方案 owed by 大队.
		{"campaigns: offset -1", func(*fixture) req { return req{method: "GET", path: "/api/v1/campaigns?offset=-1"} }, 400, "invalid", "offset"},
		{"campaign: id abc", func(*fixture) req { return req{method: "GET", path: "/api/v1/campaigns/abc"} }, 400, "invalid", "id"},
		{"campaign: unknown id", func(*fixture) req { return req{method: "GET", path: "/api/v1/campaigns/999999"} }, 404, "not_found", ""},
		{"campaign: name missing", func(fx *fixture) req {
			return req{method: "POST", path: "/api/v1/campaigns", body: campaignBodyFor(fx, "", "ZD")}
		}, 400, "invalid", "name"},
		{"campaign: year 1999", func(fx *fixture) req {
			b := campaignBodyFor(fx, "专项行动", "ZD")
			b["year"] = 1999
			return req{method: "POST", path: "/api/v1/campaigns", body: b}
		}, 400, "invalid", "year"},
		{"campaign: three phases", func(fx *fixture) req {
			b := campaignBodyFor(fx, "专项行动", "ZD")
			b["phases"] = campaignPhases()[:3]
			return req{method: "POST", path: "/api/v1/campaigns", body: b}
		}, 400, "invalid", "phases"},
		{"campaign: phase date 2026-02-30", func(fx *fixture) req {
			b := campaignBodyFor(fx, "专项行动", "ZD")
			ph := campaignPhases()
			ph[1]["start"] = "2026-02-30"
			b["phases"] = ph
			return req{method: "POST", path: "/api/v1/campaigns", body: b}
		}, 400, "invalid", "phases[1].start"},
		{"campaign: phases overlap", func(fx *fixture) req {
			b := campaignBodyFor(fx, "专项行动", "ZD")
			ph := campaignPhases()
			ph[2]["start"] = ph[1]["end"]
			b["phases"] = ph
			return req{method: "POST", path: "/api/v1/campaigns", body: b}
		}, 400, "invalid", "phases[2].start"},
		{"campaign: unknown unit", func(fx *fixture) req {
			b := campaignBodyFor(fx, "专项行动", "ZD")
			b["unit_id"] = 999999
			return req{method: "POST", path: "/api/v1/campaigns", body: b}
		}, 400, "invalid", "unit_id"},
		{"board: as_of 2026-13-01", func(fx *fixture) req { return req{method: "GET", path: campaignURL(fx, "/board?as_of=2026-13-01")} }, 400, "invalid", "as_of"},
		{"task: phase 5", func(fx *fixture) req {
			return req{method: "POST", path: campaignURL(fx, "/tasks"), body: map[string]any{"phase": 5, "kind": "plan", "title": "某任务",
				"due": tz.Today().Format("2006-01-02"), "unit_kinds": []string{"brigade"}}}
		}, 400, "invalid", "phase"},
		{"task: unknown kind", func(fx *fixture) req {
			return req{method: "POST", path: campaignURL(fx, "/tasks"), body: map[string]any{"phase": 1, "kind": "poem", "title": "某任务",
				"due": tz.Today().Format("2006-01-02"), "unit_kinds": []string{"brigade"}}}
		}, 400, "invalid", "kind"},
		{"task: due outside its phase", func(fx *fixture) req {
			return req{method: "POST", path: campaignURL(fx, "/tasks"), body: map[string]any{"phase": 1, "kind": "plan", "title": "某任务",
				"due": tz.Today().AddDate(0, 0, 30).Format("2006-01-02"), "unit_kinds": []string{"brigade"}}}
		}, 400, "invalid", "due"},
		{"task: due 2026-02-30", func(fx *fixture) req {
			return req{method: "POST", path: campaignURL(fx, "/tasks"), body: map[string]any{"phase": 1, "kind": "plan", "title": "某任务",
				"due": "2026-02-30", "unit_kinds": []string{"brigade"}}}
		}, 400, "invalid", "due"},
		{"task: no unit kinds", func(fx *fixture) req {
			return req{method: "POST", path: campaignURL(fx, "/tasks"), body: map[string]any{"phase": 1, "kind": "plan", "title": "某任务",
				"due": tz.Today().Format("2006-01-02"), "unit_kinds": []string{}}}
		}, 400, "invalid", "unit_kinds"},
		{"task: unknown unit kind", func(fx *fixture) req {
			return req{method: "POST", path: campaignURL(fx, "/tasks"), body: map[string]any{"phase": 1, "kind": "plan", "title": "某任务",
				"due": tz.Today().Format("2006-01-02"), "unit_kinds": []string{"castle"}}}
		}, 400, "invalid", "unit_kinds"},
		{"submission: unit missing", func(fx *fixture) req {
			b := submissionBodyFor(fx, "DD-A")
			delete(b, "unit_id")
			return req{method: "POST", path: campaignURL(fx, "/tasks/{tid}/submissions"), body: b}
		}, 400, "invalid", "unit_id"},
		{"submission: a unit that does not owe the task", func(fx *fixture) req {
			return req{method: "POST", path: campaignURL(fx, "/tasks/{tid}/submissions"), body: submissionBodyFor(fx, "ZA-1")}
		}, 400, "invalid", "unit_id"},
		{"submission: no documents", func(fx *fixture) req {
			b := submissionBodyFor(fx, "DD-A")
			delete(b, "documents")
			return req{method: "POST", path: campaignURL(fx, "/tasks/{tid}/submissions"), body: b}
		}, 400, "invalid", "documents"},
		{"submission: content not Base64", func(fx *fixture) req {
			b := submissionBodyFor(fx, "DD-A")
			b["documents"] = []map[string]any{{"name": "a.pdf", "content": "不是"}}
			return req{method: "POST", path: campaignURL(fx, "/tasks/{tid}/submissions"), body: b}
		}, 400, "invalid", "documents"},
		{"submission: not a PDF", func(fx *fixture) req {
			b := submissionBodyFor(fx, "DD-A")
			b["documents"] = []map[string]any{{"name": "a.pdf", "content": base64.StdEncoding.EncodeToString([]byte("text"))}}
			return req{method: "POST", path: campaignURL(fx, "/tasks/{tid}/submissions"), body: b}
		}, 400, "invalid", "documents[0]"},
		{"submission: problems for a 实施方案", func(fx *fixture) req {
			b := submissionBodyFor(fx, "DD-A")
			b["problems"] = []map[string]string{{"title": "打卡", "description": "每日打卡", "measures": "取消"}}
			return req{method: "POST", path: campaignURL(fx, "/tasks/{tid}/submissions"), body: b}
		}, 400, "invalid", "problems"},
		{"submission: unknown field", func(fx *fixture) req {
			b := submissionBodyFor(fx, "DD-A")
			b["files"] = []string{}
			return req{method: "POST", path: campaignURL(fx, "/tasks/{tid}/submissions"), body: b}
		}, 400, "invalid", "files"},
		{"submission: NUL in the note", func(fx *fixture) req {
			b := submissionBodyFor(fx, "DD-A")
			b["note"] = "按时\x00报送"
			return req{method: "POST", path: campaignURL(fx, "/tasks/{tid}/submissions"), body: b}
		}, 400, "invalid", "note"},
		{"submission: malformed JSON", func(fx *fixture) req {
			return req{method: "POST", path: campaignURL(fx, "/tasks/{tid}/submissions"), body: `{"unit_id": 1,`, contentType: "application/json"}
		}, 400, "invalid", ""},
		{"submission: tid abc", func(fx *fixture) req {
			return req{method: "POST", path: campaignURL(fx, "/tasks/abc/submissions"), body: submissionBodyFor(fx, "DD-A")}
		}, 400, "invalid", "tid"},
		{"submission: unknown task", func(fx *fixture) req {
			return req{method: "POST", path: campaignURL(fx, "/tasks/999999/submissions"), body: submissionBodyFor(fx, "DD-A")}
		}, 404, "not_found", ""},
		// Filing 坏输入问题, a problem of a 自查报告 of 甲市支队自查督导.
		{"file problem: submission missing", func(fx *fixture) req {
			return req{method: "POST", path: problemURL(fx, "坏输入问题"), body: map[string]any{"responsible_person_id": fx.people["P-A-2"].ID}}
		}, 400, "invalid", "submission_id"},
		{"file problem: submission_id not a number", func(fx *fixture) req {
			return req{method: "POST", path: problemURL(fx, "坏输入问题"), body: map[string]any{"submission_id": "1", "responsible_person_id": fx.people["P-A-2"].ID}}
		}, 400, "invalid", "submission_id"},
		{"file problem: pid abc", func(fx *fixture) req {
			return req{method: "POST", path: campaignURL(fx, "/problems/abc/ledger"), body: map[string]any{"submission_id": 1}}
		}, 400, "invalid", "pid"},
		{"file problem: unknown submission", func(fx *fixture) req {
			return req{method: "POST", path: problemURL(fx, "坏输入问题"), body: map[string]any{"submission_id": 999999, "responsible_person_id": fx.people["P-A-2"].ID}}
		}, 404, "not_found", ""},
		{"file problem: unknown problem", func(fx *fixture) req {
			c, sid, _ := problemOf(fx, "坏输入问题")
			return req{method: "POST", path: fmt.Sprintf("/api/v1/campaigns/%d/problems/999999/ledger", c),
				body: map[string]any{"submission_id": sid, "responsible_person_id": fx.people["P-A-2"].ID}}
		}, 404, "not_found", ""},
		{"file problem: submission of another campaign", func(fx *fixture) req {
			_, sid, pid := problemOf(fx, "坏输入问题")
			return req{method: "POST", path: campaignURL(fx, fmt.Sprintf("/problems/%d/ledger", pid)),
				body: map[string]any{"submission_id": sid, "responsible_person_id": fx.people["P-A-2"].ID}}
		}, 404, "not_found", ""},
		{"file problem: responsible person missing", func(fx *fixture) req {
			_, sid, _ := problemOf(fx, "坏输入问题")
			return req{method: "POST", path: problemURL(fx, "坏输入问题"), body: map[string]any{"submission_id": sid}}
		}, 400, "invalid", "responsible_person_id"},
		{"file problem: responsible person of another unit", func(fx *fixture) req {
			_, sid, _ := problemOf(fx, "坏输入问题")
			return req{method: "POST", path: problemURL(fx, "坏输入问题"), body: map[string]any{"submission_id": sid, "responsible_person_id": fx.people["P-B-1"].ID}}
		}, 400, "invalid", "responsible_person_id"},
		{"file problem: -3 working days", func(fx *fixture) req {
			_, sid, _ := problemOf(fx, "坏输入问题")
			return req{method: "POST", path: problemURL(fx, "坏输入问题"),
				body: map[string]any{"submission_id": sid, "responsible_person_id": fx.people["P-A-2"].ID, "deadline_workdays": -3}}
		}, 400, "invalid", "deadline_workdays"},
		// Supervision notes of the fixture campaign.
		{"notes: unit_id abc", func(fx *fixture) req { return req{method: "GET", path: campaignURL(fx, "/notes?unit_id=abc")} }, 400, "invalid", "unit_id"},
		{"notes: offset -1", func(fx *fixture) req { return req{method: "GET", path: campaignURL(fx, "/notes?offset=-1")} }, 400, "invalid", "offset"},
		{"notes: unknown campaign", func(*fixture) req { return req{method: "GET", path: "/api/v1/campaigns/999999/notes"} }, 404, "not_found", ""},
		{"note: unit missing", func(fx *fixture) req {
			return req{method: "POST", path: campaignURL(fx, "/notes"), body: map[string]any{"date": tz.Today().Format("2006-01-02"), "text": "督导"}}
		}, 400, "invalid", "unit_id"},
		{"note: unit outside the campaign", func(fx *fixture) req {
			return req{method: "POST", path: campaignURL(fx, "/notes"), body: map[string]any{"unit_id": unit(fx, "XCC"), "date": tz.Today().Format("2006-01-02"), "text": "督导"}}
		}, 400, "invalid", "unit_id"},
		{"note: date missing", func(fx *fixture) req {
			return req{method: "POST", path: campaignURL(fx, "/notes"), body: map[string]any{"unit_id": unit(fx, "DD-A"), "text": "督导"}}
		}, 400, "invalid", "date"},
		{"note: date 2026-02-30", func(fx *fixture) req {
			return req{method: "POST", path: campaignURL(fx, "/notes"), body: map[string]any{"unit_id": unit(fx, "DD-A"), "date": "2026-02-30", "text": "督导"}}
		}, 400, "invalid", "date"},
		{"note: text missing", func(fx *fixture) req {
			return req{method: "POST", path: campaignURL(fx, "/notes"), body: map[string]any{"unit_id": unit(fx, "DD-A"), "date": tz.Today().Format("2006-01-02")}}
		}, 400, "invalid", "text"},
		{"note: text not a string", func(fx *fixture) req {
			return req{method: "POST", path: campaignURL(fx, "/notes"), body: map[string]any{"unit_id": unit(fx, "DD-A"), "date": tz.Today().Format("2006-01-02"), "text": []string{"督导"}}}
		}, 400, "invalid", "text"},
		{"note update: the unit cannot change", func(fx *fixture) req {
			return req{method: "PUT", path: noteURL(fx, "DD-A"), body: map[string]any{"unit_id": unit(fx, "DD-B"), "date": tz.Today().Format("2006-01-02"), "text": "复查"}}
		}, 400, "invalid", "unit_id"},
		{"note update: text missing", func(fx *fixture) req {
			return req{method: "PUT", path: noteURL(fx, "DD-A"), body: map[string]any{"date": tz.Today().Format("2006-01-02"), "text": " "}}
		}, 400, "invalid", "text"},
		{"note update: nid abc", func(fx *fixture) req {
			return req{method: "PUT", path: campaignURL(fx, "/notes/abc"), body: map[string]any{"date": tz.Today().Format("2006-01-02"), "text": "复查"}}
		}, 400, "invalid", "nid"},
		{"note update: unknown note", func(fx *fixture) req {
			return req{method: "PUT", path: campaignURL(fx, "/notes/999999"), body: map[string]any{"date": tz.Today().Format("2006-01-02"), "text": "复查"}}
		}, 404, "not_found", ""},
		{"note update: a note of another campaign", func(fx *fixture) req {
			c, _, _ := problemOf(fx, "坏输入问题")
			return req{method: "PUT", path: strings.Replace(noteURL(fx, "DD-A"), campaignURL(fx, ""), fmt.Sprintf("/api/v1/campaigns/%d", c), 1),
				body: map[string]any{"date": tz.Today().Format("2006-01-02"), "text": "复查"}}
		}, 404, "not_found", ""},
		// The commendation and 约谈 lists.
		{"list: unknown kind", func(fx *fixture) req { return req{method: "GET", path: campaignURL(fx, "/lists/praise")} }, 400, "invalid", "kind"},
		{"list: unknown kind on save", func(fx *fixture) req {
			return req{method: "PUT", path: campaignURL(fx, "/lists/表彰"), body: map[string]any{"entries": []any{}}}
		}, 400, "invalid", "kind"},
		{"list: unknown campaign", func(*fixture) req { return req{method: "GET", path: "/api/v1/campaigns/999999/lists/commend"} }, 404, "not_found", ""},
		{"list: entries missing", func(fx *fixture) req {
			return req{method: "PUT", path: campaignURL(fx, "/lists/commend"), body: map[string]any{}}
		}, 400, "invalid", "entries"},
		{"list: entries not a list", func(fx *fixture) req {
			return req{method: "PUT", path: campaignURL(fx, "/lists/commend"), body: map[string]any{"entries": "DD-A"}}
		}, 400, "invalid", "entries"},
		{"list: unit listed twice", func(fx *fixture) req {
			e := map[string]any{"unit_id": unit(fx, "DD-A"), "reason": "按期完成"}
			return req{method: "PUT", path: campaignURL(fx, "/lists/commend"), body: map[string]any{"entries": []any{e, e}}}
		}, 400, "invalid", "entries[1].unit_id"},
		{"list: reason missing", func(fx *fixture) req {
			return req{method: "PUT", path: campaignURL(fx, "/lists/commend"), body: map[string]any{"entries": []any{map[string]any{"unit_id": unit(fx, "DD-A")}}}}
		}, 400, "invalid", "entries[0].reason"},
		{"list: unit outside the campaign", func(fx *fixture) req {
			return req{method: "PUT", path: campaignURL(fx, "/lists/commend"),
				body: map[string]any{"entries": []any{map[string]any{"unit_id": unit(fx, "XCC"), "reason": "宣传到位"}}}}
		}, 400, "invalid", "entries[0].unit_id"},
		{"list: unit name is not input", func(fx *fixture) req {
			return req{method: "PUT", path: campaignURL(fx, "/lists/commend"),
				body: map[string]any{"entries": []any{map[string]any{"unit_id": unit(fx, "DD-A"), "unit_name": "甲区大队", "reason": "按期完成"}}}}
		}, 400, "invalid", "unit_name"},
		// Notifications.
		{"notifications: unread=maybe", func(*fixture) req { return req{method: "GET", path: "/api/v1/notifications?unread=maybe"} }, 400, "invalid", "unread"},
		{"notifications: limit 0", func(*fixture) req { return req{method: "GET", path: "/api/v1/notifications?limit=0"} }, 400, "invalid", "limit"},
		{"mark read: neither ids nor all", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/notifications/read", body: map[string]any{}}
		}, 400, "invalid", "ids"},
		{"mark read: ids and all", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/notifications/read", body: map[string]any{"ids": []int64{1}, "all": true}}
		}, 400, "invalid", "ids"},
		{"mark read: id 0", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/notifications/read", body: map[string]any{"ids": []int64{0}}}
		}, 400, "invalid", "ids"},
		{"mark read: 501 ids", func(*fixture) req {
			ids := make([]int64, 501)
			for i := range ids {
				ids[i] = int64(i + 1)
			}
			return req{method: "POST", path: "/api/v1/notifications/read", body: map[string]any{"ids": ids}}
		}, 400, "invalid", "ids"},
		{"mark read: ids not numbers", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/notifications/read", body: map[string]any{"ids": []string{"a"}}}
		}, 400, "invalid", "ids"},
		{"mark read: all not a boolean", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/notifications/read", body: map[string]any{"all": "yes"}}
		}, 400, "invalid", "all"},
		{"delete unit with children", func(fx *fixture) req {
			return req{method: "DELETE", path: fmt.Sprintf("/api/v1/units/%d", unit(fx, "DD-A"))}
		},
			409, "conflict", ""},
	}
	// Errors about several items of a list name each in details (field, then a part of the
	// message).
	details := map[string][][2]string{
		"member listed twice":                {{"第 2 项", "与第 1 项重复"}},
		"two group owners":                   {{"members", "只能有一位群主"}},
		"member with an unknown 工号 and role": {{"第 1 项 工号", "P-NOBODY"}, {"第 2 项 角色", "群主"}},
		"submit: member with an unknown 工号":  {{"第 1 项 工号", "P-NOBODY"}},
	}
	// Messages that must name the rule that refused the request.
	messages := map[string]string{
		"submit: app of a 大队 (APP-LEVEL)":              "县以下单位原则上不得开发建设应用程序(国办函〔2026〕12号)",
		"submit: app of a station by code (APP-LEVEL)": "县以下单位原则上不得开发建设应用程序",
		"resubmit: moved to a 大队 (APP-LEVEL)":          "县以下单位原则上不得开发建设应用程序",
		"submit: 甲市支队's yearly quota used":             "intake.quota.app.detachment",
		"submit: an answer too short":                  "能否作为已有应用的功能模块",
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		fx.addAssets(t)
		fx.addRequests(t)
		fx.addFindings(t)
		fx.ledgerItem("LA")
		fx.runningPlan(t)
		fx.newPlan(t, "另一计划", inspect.InProgress)
		fx.newPlan(t, "草稿计划", inspect.Draft)
		fx.fixtureCampaign(t)
		fx.failedResult(t, fx.runningPlan(t), "GRP-A2")
		fx.selfCheckProblem(t, "坏输入问题")
		fx.fixtureNotes(t)
		for _, c := range cases {
			before, beforeRows, beforeIntake := auditLen(t, db), catalogRows(t, db), intakeRows(t, db)
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
			if want, ok := details[c.name]; ok {
				if len(e.Details) != len(want) {
					t.Errorf("%s: details %+v, want %v", c.name, e.Details, want)
				}
				for i := range min(len(want), len(e.Details)) {
					if e.Details[i].Field != want[i][0] || !strings.Contains(e.Details[i].Message, want[i][1]) {
						t.Errorf("%s: detail %d is %+v, want %v", c.name, i, e.Details[i], want[i])
					}
				}
			}
			if after := auditLen(t, db); after != before {
				t.Errorf("%s: audit log grew from %d to %d: something was written", c.name, before, after)
			}
			if after := catalogRows(t, db); after != beforeRows {
				t.Errorf("%s: inventory rows went from %v to %v: something was written", c.name, beforeRows, after)
			}
			if after := intakeRows(t, db); after != beforeIntake {
				t.Errorf("%s: intake rows went from %v to %v: something was written", c.name, beforeIntake, after)
			}
			if want, ok := messages[c.name]; ok && !strings.Contains(e.Message, want) {
				t.Errorf("%s: message %q does not say %q", c.name, e.Message, want)
			}
		}
		t.Logf("%d cases", len(cases))
	})
}

// findingURL is the path of the open finding of rule on a fixture asset, with suffix.
func findingURL(fx *fixture, rule, code, suffix string) string {
	list, _, err := analyze.List(context.Background(), fx.db, org.System, analyze.Filter{RuleID: rule, AssetID: fx.assets[code].ID})
	if err != nil || len(list) != 1 {
		panic(fmt.Sprintf("finding of %s on %s: %d, %v", rule, code, len(list), err))
	}
	return fmt.Sprintf("/api/v1/findings/%d%s", list[0].ID, suffix)
}

// failureURL is the filing path of the failed result of the plan named name (it has one).
func failureURL(fx *fixture, name string) string {
	var id int64
	if err := fx.db.QueryRowContext(context.Background(), `SELECT r.id FROM inspection_results r JOIN inspection_targets t ON t.id = r.target_id
		JOIN inspection_plans p ON p.id = t.plan_id WHERE p.name = $1 AND r.outcome = 'fail'`, name).Scan(&id); err != nil {
		panic(fmt.Sprintf("failure of plan %s: %v", name, err))
	}
	return planURL(fx, name, fmt.Sprintf("/failed/%d/ledger", id))
}

// problemURL is the filing path of the 自查 problem titled title.
func problemURL(fx *fixture, title string) string {
	c, _, pid := problemOf(fx, title)
	return fmt.Sprintf("/api/v1/campaigns/%d/problems/%d/ledger", c, pid)
}

// noteURL is the path of the fixture campaign's note about the unit of code; fixtureNotes has run.
func noteURL(fx *fixture, code string) string {
	var id int64
	if err := fx.db.QueryRowContext(context.Background(), `SELECT min(n.id) FROM campaign_notes n JOIN units u ON u.id = n.unit_id
		WHERE u.code = $1`, code).Scan(&id); err != nil {
		panic(fmt.Sprintf("note about %s: %v", code, err))
	}
	return campaignURL(fx, fmt.Sprintf("/notes/%d", id))
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
		{"DELETE", "/api/v1/assets/1", 405, "method_not_allowed", "GET, HEAD, PUT"},
		{"GET", "/api/v1/assets/1/merge", 405, "method_not_allowed", "POST"},
		{"POST", "/api/v1/assets/1/members", 405, "method_not_allowed", "GET, HEAD, PUT"},
		{"DELETE", "/api/v1/attest", 405, "method_not_allowed", "GET, HEAD, POST"},
		{"GET", "/api/v1/assets/1/owners", 404, "not_found", ""},
		{"PUT", "/api/v1/intake", 405, "method_not_allowed", "GET, HEAD, POST"},
		{"POST", "/api/v1/intake/counts", 405, "method_not_allowed", "GET, HEAD"},
		{"DELETE", "/api/v1/intake/1", 405, "method_not_allowed", "GET, HEAD"},
		{"GET", "/api/v1/intake/1/decide", 405, "method_not_allowed", "POST"},
		{"PUT", "/api/v1/intake/1/resubmit", 405, "method_not_allowed", "POST"},
		{"GET", "/api/v1/intake/1/reviews", 404, "not_found", ""},
		{"GET", "/api/v1/ledger/1/start", 405, "method_not_allowed", "POST"},
		{"DELETE", "/api/v1/ledger/1", 405, "method_not_allowed", "GET, HEAD, PUT"},
		{"GET", "/api/v1/ledger/1/attachments", 405, "method_not_allowed", "POST"},
		{"POST", "/api/v1/ledger/board", 405, "method_not_allowed", "GET, HEAD"},
		{"GET", "/api/v1/ledger/1/start/now", 404, "not_found", ""},
		{"DELETE", "/api/v1/inspections/1", 405, "method_not_allowed", "GET, HEAD"},
		{"POST", "/api/v1/draws/1", 405, "method_not_allowed", "GET, HEAD"},
		{"GET", "/api/v1/campaigns/1/tasks", 405, "method_not_allowed", "POST"},
		{"PUT", "/api/v1/notifications/read", 405, "method_not_allowed", "POST"},
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

// newApp is a valid body recording an app in 甲一站, with the fields of change replaced (a nil
// value removes the field).
func newApp(fx *fixture, change map[string]any) map[string]any {
	b := map[string]any{"code": "X-APP", "kind": "app", "name": "某应用", "platform": "App", "unit_id": fx.units["ZA-1"].ID}
	for k, v := range change {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	return b
}

// assetURL is the API path of a fixture asset, with suffix.
func assetURL(fx *fixture, code, suffix string) string {
	return fmt.Sprintf("/api/v1/assets/%d%s", fx.assets[code].ID, suffix)
}

// catalogRows counts the inventory's rows (assets, events, members, and assets waiting for
// confirmation), to show that a rejected request changed none of them.
func catalogRows(t *testing.T, db *store.DB) [4]int {
	t.Helper()
	var n [4]int
	for i, q := range []string{`SELECT count(*) FROM assets`, `SELECT count(*) FROM asset_events`, `SELECT count(*) FROM group_members`,
		`SELECT count(*) FROM assets WHERE needs_attest = TRUE`} {
		storetest.Must(t, db.QueryRowContext(context.Background(), q).Scan(&n[i]))
	}
	return n
}
