package server_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/demo"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/server"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
	"github.com/jianfu-gov/jianfu/internal/webtest"
)

func TestMain(m *testing.M) {
	auth.Cost = auth.Cheap
	m.Run()
}

// demoServer serves the small demo bureau from db.
func demoServer(t *testing.T, db *store.DB) *httptest.Server {
	t.Helper()
	if _, err := demo.Build(context.Background(), db, demo.Options{Preset: demo.Small, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	h, err := server.Handler(db, &auth.Service{DB: db}, server.Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// TestBrowserAdminAddsUnit drives headless Chromium through a whole visit: log in, look at the
// dashboard, add a station, find it in the list, log out.
func TestBrowserAdminAddsUnit(t *testing.T) {
	db := storetest.SQLite(t)
	srv := demoServer(t, db)
	brigade, err := (&org.Store{DB: db}).UnitByCode(context.Background(), org.System, "SC-CD-01")
	if err != nil {
		t.Fatal(err)
	}
	ctx := webtest.Browser(t)
	webtest.FailOnConsoleErrors(t, ctx)

	must(t, chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "admin"),
		chromedp.SendKeys(chromedp.ID("password"), demo.DefaultPassword),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.ID("logout")),
	))
	heading := text(t, ctx, "main h1")
	welcome := text(t, ctx, "main p.muted")
	if heading != "首页" || !strings.Contains(welcome, "系统管理员") {
		t.Fatalf("dashboard heading %q, welcome %q", heading, welcome)
	}
	webtest.Screenshot(t, ctx, "dashboard")

	must(t, chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/units/new"),
		chromedp.WaitVisible(chromedp.CSS("input[name=code]")),
		chromedp.SendKeys(chromedp.CSS("input[name=code]"), "SC-CD-01-99"),
		chromedp.SendKeys(chromedp.CSS("input[name=name]"), "测试路消防救援站"),
		chromedp.SetValue(chromedp.CSS("select[name=kind]"), "station"),
		chromedp.SetValue(chromedp.CSS("select[name=parent_id]"), strconv.FormatInt(brigade.ID, 10)),
		chromedp.Click(chromedp.ID("save")),
		chromedp.WaitVisible(chromedp.CSS(".flash.ok")),
	))
	flash := text(t, ctx, ".flash.ok")
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/units?q=SC-CD-01-99"),
		chromedp.WaitVisible(chromedp.CSS("#units tbody tr")),
	))
	row := text(t, ctx, "#units tbody")
	if flash != "已新增" || !strings.Contains(row, "测试路消防救援站") || !strings.Contains(row, brigade.Name) {
		t.Fatalf("after adding: flash %q, list row %q", flash, row)
	}
	webtest.Screenshot(t, ctx, "units")

	must(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("logout")),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.Navigate(srv.URL+"/units"),
		chromedp.WaitVisible(chromedp.ID("username")),
	))
	if got := text(t, ctx, "main h1"); strings.Contains(got, "单位") {
		t.Fatalf("after logout /units shows %q, want the login page", got)
	}
}

// TestBrowserPhoneLayout checks the pages are usable on a phone-sized screen: the menu is
// folded behind a button that opens it.
func TestBrowserPhoneLayout(t *testing.T) {
	db := storetest.SQLite(t)
	srv := demoServer(t, db)
	ctx := webtest.Browser(t)
	webtest.FailOnConsoleErrors(t, ctx)
	navShown := `getComputedStyle(document.getElementById('nav')).display !== 'none'`
	must(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "liaison"),
		chromedp.SendKeys(chromedp.ID("password"), demo.DefaultPassword),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.CSS(".menu-toggle")),
	))
	before, err := chromedp.Run(ctx, chromedp.Evaluate[bool](navShown))
	must(t, err)
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".menu-toggle")), chromedp.Sleep(100*time.Millisecond)))
	after, err := chromedp.Run(ctx, chromedp.Evaluate[bool](navShown))
	must(t, err)
	if before || !after {
		t.Fatalf("phone menu visible before toggle %v, after %v; want hidden then shown", before, after)
	}
	webtest.Screenshot(t, ctx, "phone")
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}
