package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/demo"
)

// testLang checks the language switch loosely: the English catalogue is still being filled in,
// so only the page's declared language is certain.
func (fx *fixture) testLang(t *testing.T) {
	c := fx.login(t, "admin", demo.DefaultPassword) // its own jar: the cookie must not reach other tests

	t.Run("English is chosen by /lang/en and kept in a cookie", func(t *testing.T) {
		r := c.get(t, "/lang/en")
		if r.Status != http.StatusSeeOther || r.Location() != "/" {
			t.Errorf("GET /lang/en = %d to %q, want 303 to /", r.Status, r.Location())
		}
		r = c.get(t, "/")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, `<html lang="en">`) {
			t.Errorf("GET / after /lang/en = %d, want 200 with <html lang=\"en\">: %.200s", r.Status, r.Body)
		}
		// Data stays as entered: the user's name is the same in every language.
		if !strings.Contains(r.Body, fx.users["admin"].DisplayName) {
			t.Errorf("English home page lacks the display name")
		}
		if r := c.get(t, "/units"); r.Status != http.StatusOK || !strings.Contains(r.Body, `<html lang="en">`) {
			t.Errorf("GET /units in English = %d", r.Status)
		}
	})

	t.Run("Chinese is restored by /lang/zh", func(t *testing.T) {
		c.get(t, "/lang/zh")
		if r := c.get(t, "/"); !strings.Contains(r.Body, `<html lang="zh-CN">`) {
			t.Errorf("GET / after /lang/zh is not zh-CN: %.200s", r.Body)
		}
	})

	t.Run("switching returns to the same-site page it came from, never elsewhere", func(t *testing.T) {
		for referer, want := range map[string]string{
			fx.srv.URL + "/units?kind=station": "/units?kind=station",
			"https://evil.example/units":       "/",
			"":                                 "/",
		} {
			req, err := http.NewRequest(http.MethodGet, fx.srv.URL+"/lang/zh", nil)
			if err != nil {
				t.Fatal(err)
			}
			if referer != "" {
				req.Header.Set("Referer", referer)
			}
			if r := c.do(t, req); r.Status != http.StatusSeeOther || r.Location() != want {
				t.Errorf("Referer %q: %d to %q, want 303 to %q", referer, r.Status, r.Location(), want)
			}
		}
	})

	t.Run("Chinese is the default", func(t *testing.T) {
		if r := fx.anon(t).get(t, "/login"); !strings.Contains(r.Body, `<html lang="zh-CN">`) {
			t.Errorf("login page without a cookie is not zh-CN")
		}
	})
}
