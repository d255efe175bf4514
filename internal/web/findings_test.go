package web_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func (fx *fixture) testFindings(t *testing.T) {
	admin := fx.as(t, "admin")
	if r := fx.as(t, "reviewer").post(t, "/findings/run", fx.as(t, "reviewer").form()); r.Status != http.StatusForbidden {
		t.Fatalf("a reviewer runs the health check: %d", r.Status)
	}
	if r := admin.post(t, "/findings/run", admin.form()); r.Status != http.StatusSeeOther {
		t.Fatalf("run = %d: %s", r.Status, text(r.Body))
	}
	all := fx.count(t, `SELECT count(*) FROM findings WHERE resolved_run_id IS NULL`)
	if all == 0 {
		t.Fatal("the demo's planted problems produced no findings")
	}
	page := admin.get(t, "/findings?limit=500")
	if !strings.Contains(page.Body, "GRP-NOOWNER") || !strings.Contains(page.Body, "共 "+strconv.Itoa(all)+" 条") {
		t.Fatalf("the list does not show all %d findings: %s", all, text(page.Body))
	}
	// A liaison sees the findings of its 大队 only.
	mine := fx.count(t, `SELECT count(*) FROM findings f JOIN units u ON u.id = f.unit_id WHERE f.resolved_run_id IS NULL AND u.path LIKE $1`,
		fx.brigadeA.Path+"%")
	if r := fx.as(t, "liaison").get(t, "/findings?limit=500"); !strings.Contains(r.Body, "共 "+strconv.Itoa(mine)+" 条") {
		t.Fatalf("liaison's list does not count %d: %s", mine, text(r.Body))
	}
	m := regexp.MustCompile(`href="/findings/(\d+)"`).FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatal("no finding link")
	}
	path := "/findings/" + m[1]
	if r := admin.get(t, path); r.Status != http.StatusOK || !strings.Contains(r.Body, "evidence") {
		t.Fatalf("finding page = %d", r.Status)
	}
	// A similarity finding reads as text: the accounts compared, the words they share, no JSON.
	var similar int64
	storetest.Must(t, fx.db.QueryRow(`SELECT id FROM findings WHERE rule_id = 'ACC-SIMILAR' ORDER BY id LIMIT 1`).Scan(&similar))
	if r := admin.get(t, "/findings/"+strconv.FormatInt(similar, 10)); !strings.Contains(r.Body, "两两比较") ||
		!strings.Contains(r.Body, "共同用语:") || strings.Contains(r.Body, "&#34;") {
		t.Errorf("ACC-SIMILAR evidence is not readable: %s", text(r.Body))
	}
	if r := admin.post(t, path+"/dismiss", admin.form("reason", "")); r.Status != http.StatusBadRequest {
		t.Fatalf("dismiss without a reason = %d", r.Status)
	}
	if r := admin.post(t, path+"/dismiss", admin.form("reason", "该群已于上周解散,待下次同步")); r.Status != http.StatusSeeOther {
		t.Fatalf("dismiss = %d: %s", r.Status, text(r.Body))
	}
	admin.post(t, "/findings/run", admin.form())
	if n := fx.count(t, `SELECT count(*) FROM findings WHERE id = $1 AND status = 'dismissed'`, m[1]); n != 1 {
		t.Fatal("a dismissed finding did not stay dismissed after the next run")
	}
	exp := admin.get(t, "/findings/export")
	x, err := excelize.OpenReader(strings.NewReader(exp.Body))
	if exp.Status != http.StatusOK || err != nil {
		t.Fatalf("export = %d, %v", exp.Status, err)
	}
	rows, _ := x.GetRows("体检发现")
	if len(rows) != all+1 || rows[0][2] != "规则" {
		t.Fatalf("export has %d rows, want %d findings and a header", len(rows), all)
	}
	// An overlapping-groups finding lists who is in which group, those in all of them first.
	var dup int64
	fx.db.QueryRow(`SELECT id FROM findings WHERE rule_id = 'GRP-DUP' AND resolved_run_id IS NULL ORDER BY id LIMIT 1`).Scan(&dup)
	if dup == 0 {
		t.Fatal("the demo has no GRP-DUP finding")
	}
	r := admin.get(t, "/findings/"+strconv.FormatInt(dup, 10))
	common := regexp.MustCompile(`(\d+) 人同时在所有群中`).FindStringSubmatch(r.Body)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `id="overlap"`) || common == nil || common[1] == "0" ||
		strings.Count(r.Body, `<tr class="common">`) != atoi(common[1]) {
		t.Errorf("GRP-DUP finding page: %d, members in common %v", r.Status, common)
	}
	for _, bad := range []string{"/findings?rule=NOPE", "/findings/export?rule=NOPE", "/findings?severity=x", "/findings?status=x", "/findings/abc"} {
		if r := admin.get(t, bad); r.Status != http.StatusBadRequest {
			t.Errorf("GET %s = %d, want 400", bad, r.Status)
		}
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
