package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// TestCRUDFlow walks units, people and users through create, read, update, list and delete as
// the API's clients would, on both engines, and checks what the audit log says about it.
func TestCRUDFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		call := func(m, path string, body any, want int, out any) *httptest.ResponseRecorder {
			t.Helper()
			rec := fx.do(t, "admin", bySession, req{method: m, path: path, body: body})
			if rec.Code != want {
				t.Fatalf("%s %s = %d, want %d: %s", m, path, rec.Code, want, rec.Body)
			}
			if out != nil {
				decode(t, rec, out)
			}
			return rec
		}

		// Units: create under 甲区大队, rename and move under 乙区大队, then delete.
		var u org.Unit
		rec := call("POST", "/api/v1/units", map[string]any{"code": "ZA-2", "name": "甲二站", "kind": "站", "parent_id": fx.units["DD-A"].ID}, 201, &u)
		if u.Kind != org.Station || u.ParentName != "甲区大队" || rec.Header().Get("Location") != fmt.Sprintf("/api/v1/units/%d", u.ID) {
			t.Errorf("created unit %+v, Location %q", u, rec.Header().Get("Location"))
		}
		call("GET", fmt.Sprintf("/api/v1/units/%d", u.ID), nil, 200, &u)
		call("PUT", fmt.Sprintf("/api/v1/units/%d", u.ID), map[string]any{"code": "ZB-2", "name": "乙二站", "kind": "station", "parent_code": "DD-B", "sort_order": 2}, 200, &u)
		if u.Name != "乙二站" || u.ParentID != fx.units["DD-B"].ID || u.SortOrder != 2 {
			t.Errorf("updated unit %+v", u)
		}
		var units listBody[org.Unit]
		call("GET", fmt.Sprintf("/api/v1/units?parent_id=%d&kind=station", fx.units["DD-B"].ID), nil, 200, &units)
		if units.Total != 2 || units.Limit != 50 || units.Offset != 0 {
			t.Errorf("stations of 乙区大队: %+v", units)
		}
		// 乙区大队's liaison now sees the moved unit; 甲区大队's no longer does.
		if got := fx.do(t, "liaisonB", bySession, req{method: "GET", path: fmt.Sprintf("/api/v1/units/%d", u.ID)}).Code; got != 200 {
			t.Errorf("liaison B reading the moved unit: %d", got)
		}
		if got := fx.do(t, "liaisonA", bySession, req{method: "GET", path: fmt.Sprintf("/api/v1/units/%d", u.ID)}).Code; got != 404 {
			t.Errorf("liaison A reading the moved unit: %d", got)
		}

		// People: 甲区大队's liaison adds a person, marks them as left, then deletes them.
		var p org.Person
		rec = fx.do(t, "liaisonA", bySession, req{method: "POST", path: "/api/v1/people",
			body: map[string]any{"code": "P-A1-9", "name": "何九", "unit_code": "ZA-1", "post": "驾驶员"}})
		if rec.Code != 201 {
			t.Fatalf("create person: %d %s", rec.Code, rec.Body)
		}
		decode(t, rec, &p)
		if p.UnitName != "甲一站" || p.Status != org.Active {
			t.Errorf("created person %+v", p)
		}
		rec = fx.do(t, "liaisonA", bySession, req{method: "PUT", path: fmt.Sprintf("/api/v1/people/%d", p.ID),
			body: map[string]any{"code": "P-A1-9", "name": "何九", "unit_id": fx.units["ZA-1"].ID, "status": "已调离", "left_on": "2026-03-01"}})
		decode(t, rec, &p)
		if rec.Code != 200 || p.Status != org.Left || p.LeftOn == nil || p.LeftOn.Format("2006-01-02") != "2026-03-01" {
			t.Errorf("updated person %d %+v", rec.Code, p)
		}
		var people listBody[org.Person]
		call("GET", "/api/v1/people?status=left", nil, 200, &people)
		if people.Total != 1 || people.Items[0].ID != p.ID {
			t.Errorf("people who left: %+v", people)
		}
		if got := fx.do(t, "liaisonA", bySession, req{method: "DELETE", path: fmt.Sprintf("/api/v1/people/%d", p.ID)}).Code; got != 204 {
			t.Errorf("delete person: %d", got)
		}
		call("GET", fmt.Sprintf("/api/v1/people/%d", p.ID), nil, 404, nil)
		call("DELETE", fmt.Sprintf("/api/v1/units/%d", u.ID), nil, 204, nil)
		call("GET", fmt.Sprintf("/api/v1/units/%d", u.ID), nil, 404, nil)

		// Users: create with a password the user can log in with and must change.
		var nu org.User
		call("POST", "/api/v1/users", map[string]any{"username": "zhao", "display_name": "赵联络", "person_id": fx.people["P-A-1"].ID,
			"roles": []string{"单位联络员"}, "password": "Initial-Pass-2026"}, 201, &nu)
		if nu.UnitID != fx.units["DD-A"].ID || nu.ScopeUnitID != fx.units["DD-A"].ID || !nu.MustChangePassword {
			t.Errorf("created user %+v", nu)
		}
		ctx := context.Background()
		if _, _, err := fx.api.Auth.Login(ctx, "zhao", "Initial-Pass-2026"); err != nil {
			t.Errorf("login with the initial password: %v", err)
		}
		call("PUT", fmt.Sprintf("/api/v1/users/%d", nu.ID), map[string]any{"username": "zhao", "display_name": "赵联络", "person_id": fx.people["P-A-1"].ID,
			"unit_id": fx.units["DD-A"].ID, "roles": []string{"liaison", "inspector"}}, 200, &nu)
		if len(nu.Roles) != 2 {
			t.Errorf("roles after update: %v", nu.Roles)
		}
		var users listBody[org.User]
		call("GET", "/api/v1/users?role=inspector&q=zh", nil, 200, &users)
		if users.Total != 1 || users.Items[0].ID != nu.ID {
			t.Errorf("inspectors named zh: %+v", users)
		}
		call("POST", fmt.Sprintf("/api/v1/users/%d/password", nu.ID), map[string]any{"password": "Second-Pass-2026"}, 204, nil)
		if _, _, err := fx.api.Auth.Login(ctx, "zhao", "Initial-Pass-2026"); err == nil {
			t.Errorf("old password still works after reset")
		}
		if _, _, err := fx.api.Auth.Login(ctx, "zhao", "Second-Pass-2026"); err != nil {
			t.Errorf("login with the reset password: %v", err)
		}
		// The administrator cannot lock themselves out.
		rec = fx.do(t, "admin", bySession, req{method: "PUT", path: fmt.Sprintf("/api/v1/users/%d", fx.users["admin"].ID),
			body: map[string]any{"username": "t-admin", "display_name": "测试admin", "unit_id": fx.units["ZD"].ID, "roles": []string{"office"}}})
		if rec.Code != http.StatusBadRequest {
			t.Errorf("admin removing own admin role: %d %s", rec.Code, rec.Body)
		}

		// Every change above is in the audit log, newest first, and the chain verifies.
		var entries listBody[auditEntry]
		call("GET", fmt.Sprintf("/api/v1/audit?object_type=unit&object_id=%d", u.ID), nil, 200, &entries)
		if entries.Total != 3 || entries.Items[0].Action != "delete" || entries.Items[2].Action != "create" {
			t.Fatalf("audit of the unit: %+v", entries)
		}
		if string(entries.Items[1].After) == "" || entries.Items[1].After[0] != '{' {
			t.Errorf("audit state is not a JSON object: %s", entries.Items[1].After)
		}
		call("GET", "/api/v1/audit?object_type=person&actor=liaisonA&from=2000-01-01T00:00:00Z", nil, 200, &entries)
		if entries.Total != 3 {
			t.Errorf("liaison A's changes: %d, want 3", entries.Total)
		}
		var v verifyBody
		call("GET", "/api/v1/audit/verify", nil, 200, &v)
		if !v.OK || v.Checked < 30 {
			t.Errorf("verify: %+v", v)
		}
	})
}
