package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func (fx *fixture) testPassword(t *testing.T) {
	const temp, changed = "Temp-Pass-2026", "Changed-Pass-2026"
	admin := fx.as(t, "admin")

	// A liaison of the third 大队, created through the admin page: new users must change the
	// password the administrator gave them.
	r := admin.post(t, "/users/new", admin.form("username", "t-newcomer", "display_name", "新来的联络员",
		"unit_id", strconv.FormatInt(fx.brigadeC.ID, 10), "roles", "liaison", "password", temp))
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/users/") {
		t.Fatalf("creating the user = %d to %q: %s", r.Status, r.Location(), text(r.Body))
	}
	if n := fx.count(t, `SELECT count(*) FROM users WHERE username = 't-newcomer' AND must_change_password`); n != 1 {
		t.Fatalf("the new user need not change the password")
	}
	c := fx.login(t, "t-newcomer", temp)

	t.Run("every page sends a user with a temporary password to the password form", func(t *testing.T) {
		for _, path := range []string{"/", "/units", "/units/" + strconv.FormatInt(fx.brigadeC.ID, 10), "/people", "/people/new",
			"/org/import", "/org/export?kind=people", "/account/tokens"} {
			r := c.get(t, path)
			if r.Status != http.StatusSeeOther || r.Location() != "/account/password" {
				t.Errorf("GET %s = %d to %q, want 303 to /account/password", path, r.Status, r.Location())
			}
		}
		before := fx.tally(t)
		r := c.post(t, "/people/new", c.form("code", "T-PW-1", "name", "不该写入", "unit_id", strconv.FormatInt(fx.stationC.ID, 10)))
		if r.Status != http.StatusSeeOther || r.Location() != "/account/password" {
			t.Errorf("POST /people/new = %d to %q, want 303 to /account/password", r.Status, r.Location())
		}
		if after := fx.tally(t); after != before {
			t.Errorf("a user with a temporary password wrote: before %+v, after %+v", before, after)
		}
		r = c.get(t, "/account/password")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "您正在使用临时密码") {
			t.Errorf("password form = %d without the temporary-password notice", r.Status)
		}
	})

	t.Run("a wrong old password is refused", func(t *testing.T) {
		r := c.post(t, "/account/password", c.form("old_password", "Not-The-Pass-1", "new_password", changed, "confirm", changed))
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "原密码不正确") {
			t.Errorf("status %d, want 400 with 原密码不正确: %s", r.Status, text(r.Body))
		}
	})

	t.Run("a confirmation that differs is refused", func(t *testing.T) {
		r := c.post(t, "/account/password", c.form("old_password", temp, "new_password", changed, "confirm", changed+"x"))
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "两次输入的新密码不一致") {
			t.Errorf("status %d, want 400 with 两次输入的新密码不一致: %s", r.Status, text(r.Body))
		}
	})

	t.Run("a weak new password is refused", func(t *testing.T) {
		r := c.post(t, "/account/password", c.form("old_password", temp, "new_password", "weak", "confirm", "weak"))
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "密码至少 10 位") {
			t.Errorf("status %d, want 400 with 密码至少 10 位: %s", r.Status, text(r.Body))
		}
		if r := c.get(t, "/"); r.Status != http.StatusSeeOther {
			t.Errorf("after refused changes GET / = %d, want still 303", r.Status)
		}
	})

	t.Run("changing the password opens the pages and keeps the session", func(t *testing.T) {
		other := fx.login(t, "t-newcomer", temp) // a second browser, whose session the change ends
		r := c.post(t, "/account/password", c.form("old_password", temp, "new_password", changed, "confirm", changed))
		if r.Status != http.StatusSeeOther || r.Location() != "/?ok=password" {
			t.Fatalf("status %d to %q, want 303 to /?ok=password: %s", r.Status, r.Location(), text(r.Body))
		}
		r = c.get(t, "/?ok=password")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "密码已修改") {
			t.Errorf("GET / after the change = %d: %s", r.Status, text(r.Body))
		}
		if r := c.get(t, "/units"); r.Status != http.StatusOK {
			t.Errorf("GET /units after the change = %d, want 200", r.Status)
		}
		if r := other.get(t, "/"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login") {
			t.Errorf("the other session after the change: GET / = %d to %q, want 303 to /login", r.Status, r.Location())
		}
		fx.login(t, "t-newcomer", changed)
	})

	t.Run("a password reset by the administrator must be changed again", func(t *testing.T) {
		var id int64
		if err := fx.db.QueryRow(`SELECT id FROM users WHERE username = 't-newcomer'`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		r := admin.post(t, "/users/"+strconv.FormatInt(id, 10)+"/password", admin.form("password", temp))
		if r.Status != http.StatusSeeOther {
			t.Fatalf("reset = %d: %s", r.Status, text(r.Body))
		}
		if r := c.get(t, "/"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login") {
			t.Errorf("session after the reset: GET / = %d to %q, want 303 to /login", r.Status, r.Location())
		}
		c := fx.login(t, "t-newcomer", temp)
		if r := c.get(t, "/units"); r.Status != http.StatusSeeOther || r.Location() != "/account/password" {
			t.Errorf("GET /units after the reset = %d to %q, want 303 to /account/password", r.Status, r.Location())
		}
	})

	t.Run("a disabled user is logged out and cannot log in", func(t *testing.T) {
		var id int64
		if err := fx.db.QueryRow(`SELECT id FROM users WHERE username = 't-newcomer'`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		c := fx.login(t, "t-newcomer", temp)
		r := admin.post(t, "/users/"+strconv.FormatInt(id, 10), admin.form("username", "t-newcomer", "display_name", "新来的联络员",
			"unit_id", strconv.FormatInt(fx.brigadeC.ID, 10), "roles", "liaison", "disabled", "on"))
		if r.Status != http.StatusSeeOther {
			t.Fatalf("disabling = %d: %s", r.Status, text(r.Body))
		}
		if r := c.get(t, "/account/password"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login") {
			t.Errorf("the disabled user's session: GET = %d to %q, want 303 to /login", r.Status, r.Location())
		}
		r = fx.anon(t).post(t, "/login", url.Values{"username": {"t-newcomer"}, "password": {temp}})
		if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "账号已停用") {
			t.Errorf("login of a disabled user = %d, want 403 with 账号已停用: %s", r.Status, text(r.Body))
		}
		// Disabling yourself is refused, so that an administrator cannot lock everyone out.
		admins := fx.users["admin"]
		r = admin.post(t, "/users/"+strconv.FormatInt(admins.ID, 10), admin.form("username", "admin", "display_name", admins.DisplayName,
			"unit_id", strconv.FormatInt(admins.UnitID, 10), "roles", "admin", "disabled", "on"))
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "不能停用自己的账号") {
			t.Errorf("disabling oneself = %d, want 400 with 不能停用自己的账号: %s", r.Status, text(r.Body))
		}
	})
}
