package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
)

// page wraps a handler that needs a logged-in caller (and perm, when not empty).
func (s *Server) page(perm org.Perm, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := httpx.CallerFrom(r.Context())
		if c == nil || c.Session == nil {
			next := r.URL.RequestURI()
			http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		if err := httpx.CheckCSRF(r); err != nil {
			s.fail(w, r, err)
			return
		}
		if perm != "" && !c.Principal().Can(perm) {
			s.fail(w, r, errs.E(errs.Forbidden, "您没有权限访问此页面"))
			return
		}
		// A user with a temporary password may do nothing else until it is changed.
		if c.User.MustChangePassword && r.URL.Path != "/account/password" {
			http.Redirect(w, r, "/account/password", http.StatusSeeOther)
			return
		}
		h(w, r)
	})
}

func safeNext(next string) string {
	// Only local paths: "//host" or "/\host" would send the user elsewhere after login.
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if c := httpx.CallerFrom(r.Context()); c != nil && c.Session != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", view{Title: "登录", Data: map[string]string{"Next": safeNext(r.URL.Query().Get("next"))}})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	username := strings.TrimSpace(r.PostFormValue("username"))
	next := safeNext(r.PostFormValue("next"))
	data := map[string]string{"Next": next, "Username": username}
	if username == "" || r.PostFormValue("password") == "" {
		s.render(w, r, http.StatusBadRequest, "login", view{Title: "登录", Error: "请输入用户名和密码", Data: data})
		return
	}
	_, secret, err := s.Auth.Login(r.Context(), username, r.PostFormValue("password"))
	if err != nil {
		status := httpx.Status(err)
		if status == http.StatusInternalServerError {
			s.fail(w, r, err)
			return
		}
		// The log names the attempt but never the password.
		s.Log.InfoContext(r.Context(), "login failed", "username", username, "reason", errs.KindOf(err).Code())
		s.render(w, r, status, "login", view{Title: "登录", Error: httpx.Message(err), Data: data})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: httpx.SessionCookie, Value: secret, Path: "/", HttpOnly: true,
		Secure: s.SecureCookie, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	c := httpx.CallerFrom(r.Context())
	if c != nil && c.Session != nil {
		if err := httpx.CheckCSRF(r); err != nil {
			s.fail(w, r, err)
			return
		}
		if err := s.Auth.Logout(r.Context(), c.Session.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: httpx.SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.SecureCookie, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	lang := "zh"
	if r.PathValue("lang") == "en" {
		lang = "en"
	}
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		Secure: s.SecureCookie, SameSite: http.SameSiteLaxMode, Expires: time.Now().AddDate(1, 0, 0)})
	back := "/"
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host {
		back = safeNext(ref.RequestURI())
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "password", view{Title: "修改密码"})
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	c := httpx.CallerFrom(r.Context())
	if r.PostFormValue("new_password") != r.PostFormValue("confirm") {
		s.formError(w, r, "password", view{Title: "修改密码"}, errs.Field("confirm", "两次输入的新密码不一致"))
		return
	}
	err := s.Auth.ChangePassword(r.Context(), c.User, c.Session.ID, r.PostFormValue("old_password"), r.PostFormValue("new_password"))
	if err != nil {
		s.formError(w, r, "password", view{Title: "修改密码"}, err)
		return
	}
	redirect(w, r, "/", "password")
}

func (s *Server) tokens(w http.ResponseWriter, r *http.Request) {
	c := httpx.CallerFrom(r.Context())
	list, err := s.Auth.Tokens(r.Context(), c.User.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "tokens", view{Title: "API 令牌", Data: map[string]any{"Tokens": list}})
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	c := httpx.CallerFrom(r.Context())
	days, err := httpx.QueryIntValue(r.PostFormValue("ttl_days"), "ttl_days", 90, 3650)
	if err == nil {
		var secret string
		_, secret, err = s.Auth.CreateToken(r.Context(), c.User, r.PostFormValue("name"), time.Duration(days)*24*time.Hour)
		if err == nil {
			list, _ := s.Auth.Tokens(r.Context(), c.User.ID)
			s.render(w, r, http.StatusOK, "tokens", view{Title: "API 令牌", Flash: "令牌已创建,请立即复制保存,它不会再次显示",
				Data: map[string]any{"Tokens": list, "Secret": secret}})
			return
		}
	}
	list, _ := s.Auth.Tokens(r.Context(), c.User.ID)
	s.formError(w, r, "tokens", view{Title: "API 令牌", Data: map[string]any{"Tokens": list}}, err)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	c := httpx.CallerFrom(r.Context())
	id, err := httpx.PathID(r, "id")
	if err == nil {
		err = s.Auth.RevokeToken(r.Context(), c.User, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/account/tokens", "revoked")
}
