package web_test

import (
	"net/http"
	"strings"
	"testing"
)

func (fx *fixture) testSettings(t *testing.T) {
	admin := fx.as(t, "admin")
	if r := fx.as(t, "office").get(t, "/settings"); r.Status != http.StatusForbidden {
		t.Fatalf("office GET /settings = %d, want 403", r.Status)
	}
	r := admin.post(t, "/settings", admin.form("catalog.attest_months", "0", "intake.quota.app.corps", "5"))
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "1 到 36") {
		t.Fatalf("bad value = %d: %s", r.Status, text(r.Body))
	}
	if n := fx.count(t, `SELECT count(*) FROM settings WHERE key LIKE 'intake.%' OR key LIKE 'catalog.%'`); n != 0 {
		t.Fatalf("a refused form wrote %d settings", n)
	}
	r = admin.post(t, "/settings", admin.form("catalog.attest_months", "3", "intake.quota.app.corps", "5"))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save = %d: %s", r.Status, text(r.Body))
	}
	if n := fx.count(t, `SELECT count(*) FROM settings WHERE key = 'catalog.attest_months' AND value = '3'`); n != 1 {
		t.Fatal("setting not stored")
	}
	page := admin.get(t, "/settings")
	if !strings.Contains(page.Body, `value="3"`) {
		t.Fatal("the settings page does not show the stored value")
	}
	admin.post(t, "/settings", admin.form("catalog.attest_months", "", "intake.quota.app.corps", ""))
}
