package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/demo"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func (fx *fixture) testLogin(t *testing.T) {
	t.Run("wrong password is refused with 401 and no session", func(t *testing.T) {
		for _, username := range []string{"lead_news", "nobody-here"} {
			c := fx.anon(t)
			r := c.post(t, "/login", url.Values{"username": {username}, "password": {"Wrong-Password-1"}})
			if r.Status != http.StatusUnauthorized {
				t.Errorf("%s: status %d, want 401", username, r.Status)
			}
			// An unknown user gets the same answer as a wrong password: names are not revealed.
			if !strings.Contains(r.Body, "用户名或密码错误") {
				t.Errorf("%s: page lacks 用户名或密码错误: %s", username, text(r.Body))
			}
			for _, ck := range r.Header.Values("Set-Cookie") {
				if strings.HasPrefix(ck, httpx.SessionCookie+"=") {
					t.Errorf("%s: session cookie set on a failed login: %s", username, ck)
				}
			}
			if r := c.get(t, "/"); r.Status != http.StatusSeeOther {
				t.Errorf("%s: GET / after a failed login = %d, want 303 to the login page", username, r.Status)
			}
		}
	})

	t.Run("empty password is refused with 400", func(t *testing.T) {
		r := fx.anon(t).post(t, "/login", url.Values{"username": {"admin"}})
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "请输入用户名和密码") {
			t.Errorf("status %d, want 400 with 请输入用户名和密码: %s", r.Status, text(r.Body))
		}
	})

	for _, name := range logins {
		t.Run("demo login "+name+" reaches its home page", func(t *testing.T) {
			c := fx.as(t, name)
			r := c.get(t, "/")
			if r.Status != http.StatusOK {
				t.Fatalf("GET / = %d, want 200: %s", r.Status, text(r.Body))
			}
			if dn := fx.users[name].DisplayName; dn == "" || !strings.Contains(r.Body, dn) {
				t.Errorf("home page does not show the display name %q: %s", dn, text(r.Body))
			}
		})
	}

	t.Run("the session cookie is HttpOnly and SameSite=Lax", func(t *testing.T) {
		c := fx.anon(t)
		r := c.post(t, "/login", url.Values{"username": {"lead_it"}, "password": {demo.DefaultPassword}})
		var found bool
		for _, ck := range r.Header.Values("Set-Cookie") {
			if strings.HasPrefix(ck, httpx.SessionCookie+"=") {
				found = true
				if !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") || !strings.Contains(ck, "Path=/") {
					t.Errorf("session cookie %q lacks HttpOnly, SameSite=Lax or Path=/", ck)
				}
			}
		}
		if !found {
			t.Error("no session cookie set")
		}
	})

	t.Run("logged-in user visiting the login form goes home", func(t *testing.T) {
		r := fx.as(t, "admin").get(t, "/login")
		if r.Status != http.StatusSeeOther || r.Location() != "/" {
			t.Errorf("GET /login = %d to %q, want 303 to /", r.Status, r.Location())
		}
	})

	t.Run("logout needs the CSRF token and ends the session", func(t *testing.T) {
		c := fx.login(t, "support", demo.DefaultPassword)
		sessions := `SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'support'`
		before := fx.count(t, sessions)
		if r := c.post(t, "/logout", url.Values{}); r.Status != http.StatusForbidden {
			t.Errorf("POST /logout without csrf = %d, want 403", r.Status)
		}
		if r := c.get(t, "/"); r.Status != http.StatusOK {
			t.Fatalf("session ended by a logout without csrf: GET / = %d", r.Status)
		}
		r := c.post(t, "/logout", c.form())
		if r.Status != http.StatusSeeOther || r.Location() != "/login" {
			t.Errorf("POST /logout = %d to %q, want 303 to /login", r.Status, r.Location())
		}
		r = c.get(t, "/")
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login") {
			t.Errorf("GET / after logout = %d to %q, want 303 to /login", r.Status, r.Location())
		}
		// The old cookie is dead on the server too, not only dropped by the browser.
		if n := fx.count(t, sessions); n != before-1 {
			t.Errorf("support has %d sessions after logging out of one of %d, want %d", n, before, before-1)
		}
	})

	t.Run("next is followed only to local paths", func(t *testing.T) {
		for next, want := range map[string]string{
			"//evil.example":       "/",
			"https://evil.example": "/",
			`/\evil.example`:       "/",
			"evil.example":         "/",
			"/units?q=1":           "/units?q=1",
		} {
			c := fx.anon(t)
			r := c.post(t, "/login", url.Values{"username": {"lead_it"}, "password": {demo.DefaultPassword}, "next": {next}})
			if r.Status != http.StatusSeeOther || r.Location() != want {
				t.Errorf("next=%q: %d to %q, want 303 to %q", next, r.Status, r.Location(), want)
			}
		}
	})

	t.Run("login form keeps a local next from the redirect", func(t *testing.T) {
		c := fx.anon(t)
		r := c.get(t, "/people?status=left")
		want := "/login?next=" + url.QueryEscape("/people?status=left")
		if r.Status != http.StatusSeeOther || r.Location() != want {
			t.Fatalf("anonymous GET /people?status=left = %d to %q, want 303 to %q", r.Status, r.Location(), want)
		}
		r = c.get(t, want)
		if !strings.Contains(r.Body, `name="next" value="/people?status=left"`) {
			t.Errorf("login form does not carry next: %s", text(r.Body))
		}
		r = c.get(t, "/login?next=//evil.example")
		if strings.Contains(r.Body, "evil.example") {
			t.Errorf("login form carries a foreign next")
		}
	})

	t.Run("five wrong passwords lock the account with 429", func(t *testing.T) {
		ctx := context.Background()
		hash, err := auth.HashPassword(demo.DefaultPassword)
		storetest.Must(t, err)
		_, err = fx.st.CreateUser(ctx, org.System, org.UserInput{Username: "t-lockout", DisplayName: "锁定测试",
			UnitID: fx.brigadeC.ID, Roles: []org.Role{org.RoleStaff}}, hash)
		storetest.Must(t, err)
		for i := 1; i <= 5; i++ {
			r := fx.anon(t).post(t, "/login", url.Values{"username": {"t-lockout"}, "password": {"Wrong-Password-1"}})
			want := http.StatusUnauthorized
			if i == 5 {
				want = http.StatusTooManyRequests
			}
			if r.Status != want {
				t.Errorf("attempt %d: status %d, want %d: %s", i, r.Status, want, text(r.Body))
			}
		}
		// Locked now: even the right password is refused, with the lock's message.
		r := fx.anon(t).post(t, "/login", url.Values{"username": {"t-lockout"}, "password": {demo.DefaultPassword}})
		if r.Status != http.StatusTooManyRequests || !strings.Contains(r.Body, "登录失败次数过多") {
			t.Errorf("right password while locked: %d, want 429 with 登录失败次数过多: %s", r.Status, text(r.Body))
		}
		for _, ck := range r.Header.Values("Set-Cookie") {
			if strings.HasPrefix(ck, httpx.SessionCookie+"=") {
				t.Errorf("session cookie set for a locked account: %s", ck)
			}
		}
		if r := fx.as(t, "admin").get(t, "/users?q=t-lockout"); !strings.Contains(r.Body, "锁定至") {
			t.Errorf("the users page does not show the lock: %s", text(r.Body))
		}
	})

	expire := func(t *testing.T) {
		if _, err := fx.db.ExecContext(context.Background(), `UPDATE users SET locked_until = $1 WHERE username = 't-lockout'`,
			store.Now().Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("an expired lock is not shown", func(t *testing.T) {
		expire(t)
		r := fx.as(t, "admin").get(t, "/users?q=t-lockout")
		if strings.Contains(r.Body, "锁定至") {
			t.Fatal("a lock that has run out is still shown as 锁定至")
		}
		if !strings.Contains(r.Body, "正常") {
			t.Errorf("an unlocked user is not shown as 正常: %s", text(r.Body))
		}
	})

	t.Run("an expired lock is not enforced", func(t *testing.T) {
		expire(t)
		r := fx.anon(t).post(t, "/login", url.Values{"username": {"t-lockout"}, "password": {demo.DefaultPassword}})
		if r.Status != http.StatusSeeOther {
			t.Errorf("login after the lock ran out = %d, want 303: %s", r.Status, text(r.Body))
		}
	})
}
