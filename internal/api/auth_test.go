package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// TestCSRF checks that a cookie session must send its CSRF token on state-changing requests and
// a bearer token need not.
func TestCSRF(t *testing.T) {
	fx := newFixture(t, storetest.SQLite(t))
	c := fx.creds["admin"]
	body := map[string]any{"name": "同步", "ttl_days": 1}
	send := func(header map[string]string) int {
		return fx.do(t, "anon", bySession, req{method: "POST", path: "/api/v1/tokens", body: body, header: header}).Code
	}
	cookie := func(csrf string) map[string]string {
		h := map[string]string{"Cookie": "jianfu_session=" + c.cookie}
		if csrf != "" {
			h["X-CSRF-Token"] = csrf
		}
		return h
	}
	before := auditLen(t, fx.db)
	if got := send(cookie("")); got != http.StatusForbidden {
		t.Errorf("session without X-CSRF-Token: %d, want 403", got)
	}
	if got := send(cookie("forged")); got != http.StatusForbidden {
		t.Errorf("session with a wrong X-CSRF-Token: %d, want 403", got)
	}
	if got := send(cookie(fx.creds["office"].csrf)); got != http.StatusForbidden {
		t.Errorf("session with another session's X-CSRF-Token: %d, want 403", got)
	}
	if n := auditLen(t, fx.db); n != before {
		t.Errorf("refused requests wrote %d audit entries", n-before)
	}
	if got := send(cookie(c.csrf)); got != http.StatusCreated {
		t.Errorf("session with its X-CSRF-Token: %d, want 201", got)
	}
	// A form field is not accepted in place of the header: the API reads JSON bodies only.
	form := cookie("")
	form["Content-Type"] = "application/x-www-form-urlencoded"
	rec := fx.do(t, "anon", bySession, req{method: "POST", path: "/api/v1/units", body: "csrf=" + c.csrf, header: form})
	if rec.Code != http.StatusForbidden {
		t.Errorf("session with the CSRF token as a form field: %d, want 403", rec.Code)
	}
	// GET needs no token, even with a session.
	if got := fx.do(t, "anon", bySession, req{method: "GET", path: "/api/v1/units", header: cookie("")}).Code; got != 200 {
		t.Errorf("GET with session and no token: %d, want 200", got)
	}
	// A bearer token cannot be forged by a browser and needs no CSRF token.
	rec = fx.do(t, "admin", byToken, req{method: "POST", path: "/api/v1/people",
		body: map[string]any{"code": "CSRF-1", "name": "某", "unit_id": fx.units["ZA-1"].ID}})
	if rec.Code != http.StatusCreated {
		t.Errorf("bearer POST without CSRF token: %d, want 201: %s", rec.Code, rec.Body)
	}
	// GET /me hands the session its token.
	var me meBody
	decode(t, fx.do(t, "admin", bySession, req{method: "GET", path: "/api/v1/me"}), &me)
	if me.CSRFToken != c.csrf || me.Auth != "session" {
		t.Errorf("me by session: auth %q csrf %q, want session and the session's token", me.Auth, me.CSRFToken)
	}
	decode(t, fx.do(t, "admin", byToken, req{method: "GET", path: "/api/v1/me"}), &me)
	if me.Auth != "token" {
		t.Errorf("me by token: auth %q", me.Auth)
	}
}

// TestTokenLifecycle creates a token in a session, uses it, lists it, revokes it and checks it
// no longer works.
func TestTokenLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		rec := fx.do(t, "liaisonA", bySession, req{method: "POST", path: "/api/v1/tokens", body: map[string]any{"name": "台账同步", "ttl_days": 7}})
		if rec.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
		var created tokenCreated
		decode(t, rec, &created)
		if len(created.Secret) < 40 || created.Secret[:3] != "jf_" || created.Token.ExpiresAt == nil {
			t.Fatalf("created token: %+v", created)
		}
		if loc := rec.Header().Get("Location"); loc != fmt.Sprintf("/api/v1/tokens/%d", created.Token.ID) {
			t.Errorf("Location %q", loc)
		}
		bearer := map[string]string{"Authorization": "Bearer " + created.Secret}
		use := func() int {
			return fx.do(t, "anon", byToken, req{method: "GET", path: "/api/v1/people", header: bearer}).Code
		}
		if got := use(); got != 200 {
			t.Fatalf("use new token: %d", got)
		}
		// The token acts with its user's scope.
		var list listBody[map[string]any]
		decode(t, fx.do(t, "anon", byToken, req{method: "GET", path: "/api/v1/people", header: bearer}), &list)
		if list.Total != 5 {
			t.Errorf("people through liaison A's token: total %d, want 5", list.Total)
		}
		// The list shows the token but never its secret.
		rec = fx.do(t, "liaisonA", bySession, req{method: "GET", path: "/api/v1/tokens"})
		var tokens listBody[map[string]any]
		decode(t, rec, &tokens)
		if tokens.Total != 2 || strings.Contains(rec.Body.String(), created.Secret) {
			t.Errorf("token list: %s", rec.Body)
		}
		// A token cannot mint another.
		rec = fx.do(t, "anon", byToken, req{method: "POST", path: "/api/v1/tokens", body: map[string]any{"name": "x"}, header: bearer})
		if rec.Code != http.StatusForbidden {
			t.Errorf("token creating a token: %d, want 403", rec.Code)
		}
		// Another user cannot revoke it, not even an administrator.
		path := fmt.Sprintf("/api/v1/tokens/%d", created.Token.ID)
		if got := fx.do(t, "admin", bySession, req{method: "DELETE", path: path}).Code; got != http.StatusNotFound {
			t.Errorf("admin revoking liaison's token: %d, want 404", got)
		}
		if got := use(); got != 200 {
			t.Fatalf("token after failed revoke: %d", got)
		}
		if got := fx.do(t, "liaisonA", bySession, req{method: "DELETE", path: path}).Code; got != http.StatusNoContent {
			t.Fatalf("revoke: %d", got)
		}
		if got := use(); got != http.StatusUnauthorized {
			t.Errorf("revoked token: %d, want 401", got)
		}
		if got := fx.do(t, "liaisonA", bySession, req{method: "DELETE", path: path}).Code; got != http.StatusNotFound {
			t.Errorf("revoke twice: %d, want 404", got)
		}
		// Garbage and unknown tokens are 401 as well.
		for _, h := range []string{"Bearer jf_unknown", "Bearer nonsense", "Bearer "} {
			rec := fx.do(t, "anon", byToken, req{method: "GET", path: "/api/v1/me", header: map[string]string{"Authorization": h}})
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("%q: %d, want 401", h, rec.Code)
			}
		}
	})
}

// TestMustChangePassword checks that a session with a temporary password can only read itself
// and change the password, while the user's tokens keep working.
func TestMustChangePassword(t *testing.T) {
	fx := newFixture(t, storetest.SQLite(t))
	ctx := context.Background()
	_, err := fx.db.ExecContext(ctx, `UPDATE users SET must_change_password = TRUE WHERE id = $1`, fx.users["liaisonA"].ID)
	storetest.Must(t, err)
	rec := fx.do(t, "liaisonA", bySession, req{method: "GET", path: "/api/v1/units"})
	if rec.Code != http.StatusForbidden || errorOf(t, rec).Field != "must_change_password" {
		t.Errorf("units with a temporary password: %d %s", rec.Code, rec.Body)
	}
	if got := fx.do(t, "liaisonA", byToken, req{method: "GET", path: "/api/v1/units"}).Code; got != 200 {
		t.Errorf("token of a user with a temporary password: %d, want 200", got)
	}
	if got := fx.do(t, "liaisonA", bySession, req{method: "GET", path: "/api/v1/me"}).Code; got != 200 {
		t.Errorf("me with a temporary password: %d", got)
	}
	rec = fx.do(t, "liaisonA", bySession, req{method: "POST", path: "/api/v1/me/password",
		body: map[string]string{"old_password": testPassword, "new_password": "Changed-Pass-2026"}})
	if rec.Code != http.StatusNoContent {
		t.Fatalf("change password: %d %s", rec.Code, rec.Body)
	}
	// The session that changed the password stays; the flag is cleared.
	if got := fx.do(t, "liaisonA", bySession, req{method: "GET", path: "/api/v1/units"}).Code; got != 200 {
		t.Errorf("units after changing the password: %d, want 200", got)
	}
	if _, _, err := fx.api.Auth.Login(ctx, fx.users["liaisonA"].Username, "Changed-Pass-2026"); err != nil {
		t.Errorf("login with the new password: %v", err)
	}
}

// TestAuditNeedsWholeScope: the audit log is not divided by unit, so an office user whose scope
// was narrowed to one 支队 must not read it, although the role grants audit.read.
func TestAuditNeedsWholeScope(t *testing.T) {
	fx := newFixture(t, storetest.SQLite(t))
	ctx := context.Background()
	_, err := fx.db.ExecContext(ctx, `UPDATE users SET scope_unit_id = $1 WHERE id = $2`, fx.units["ZD-A"].ID, fx.users["office"].ID)
	storetest.Must(t, err)
	for _, path := range []string{"/api/v1/audit", "/api/v1/audit/verify"} {
		if got := fx.do(t, "office", byToken, req{method: "GET", path: path}).Code; got != http.StatusForbidden {
			t.Errorf("%s by an office user scoped to a 支队: %d, want 403", path, got)
		}
	}
	var me meBody
	decode(t, fx.do(t, "office", byToken, req{method: "GET", path: "/api/v1/me"}), &me)
	if me.Scope.Whole || me.Scope.UnitID != fx.units["ZD-A"].ID {
		t.Errorf("me.scope = %+v", me.Scope)
	}
}
