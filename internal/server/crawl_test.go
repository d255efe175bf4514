package server_test

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/demo"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// TestCrawl opens, as every demo login, every page the menu links to and every page those link
// to, on the whole demo (inventory, 90 days of activity, the campaign under way), and fails on
// any server error: whatever a user can click must answer with a page, a refusal or a download.
func TestCrawl(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole demo")
	}
	db := storetest.SQLite(t)
	srv := demoServer(t, db)
	ctx := context.Background()
	opt := demo.Options{Preset: demo.Small, Seed: 1}
	if _, err := demo.LoadActivity(ctx, db, opt, demo.ActivityDays(demo.Small)); err != nil {
		t.Fatal(err)
	}
	sup, err := demo.LoadSupervision(ctx, db, opt)
	if err != nil {
		t.Fatal(err)
	}
	logins := []string{"admin", "office", "lead_office", "support", "liaison", "reviewer", "inspector", "staff"}
	for _, l := range sup.Logins {
		logins = append(logins, l.Username)
	}
	svc := &auth.Service{DB: db}
	href := regexp.MustCompile(`href="(/[^"#]*)"`)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, login := range logins {
		t.Run(login, func(t *testing.T) {
			_, secret, err := svc.Login(ctx, login, demo.DefaultPassword)
			if err != nil {
				t.Fatal(err)
			}
			get := func(path string) (int, string) {
				req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
				req.AddCookie(&http.Cookie{Name: httpx.SessionCookie, Value: secret})
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
					return resp.StatusCode, ""
				}
				return resp.StatusCode, string(body)
			}
			seen := map[string]bool{}
			queue := []string{"/"}
			for depth := 0; depth < 3 && len(queue) > 0; depth++ {
				var next []string
				for _, path := range queue {
					if seen[path] || strings.HasPrefix(path, "/lang/") || strings.HasPrefix(path, "/static/") || len(seen) > 400 {
						continue
					}
					seen[path] = true
					status, body := get(path)
					if status >= 500 {
						t.Errorf("GET %s = %d", path, status)
						continue
					}
					for _, m := range href.FindAllStringSubmatch(body, -1) {
						next = append(next, strings.ReplaceAll(m[1], "&amp;", "&"))
					}
				}
				queue = next
			}
			if len(seen) < 10 {
				t.Errorf("only %d pages reached", len(seen))
			}
			t.Logf("%s: %d pages", login, len(seen))
		})
	}
}
