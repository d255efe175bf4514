package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/burden"
	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/demo"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// TestBurden serves the small demo bureau with 90 days of activity and checks the burden pages:
// the dashboard, its exports, the personal page and the activity import.
func TestBurden(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		_, err := demo.LoadActivity(context.Background(), db, demo.Options{Preset: demo.Small, Seed: 1}, 90)
		storetest.Must(t, err)
		t.Run("dashboard", fx.testBurdenDashboard)
		t.Run("access", fx.testBurdenAccess)
		t.Run("me", fx.testBurdenMe)
		t.Run("export", fx.testBurdenExport)
		t.Run("period", fx.testBurdenPeriod)
		t.Run("import", fx.testActivityImport)
	})
}

// section is the element with id in body, up to the next card: enough to look inside one part
// of the dashboard.
func section(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("the page has no #%s: %s", id, text(body))
	}
	rest := body[i:]
	if j := strings.Index(rest[1:], `<div class="card`); j >= 0 {
		rest = rest[:j+1]
	}
	return rest
}

var (
	rankRowRE = regexp.MustCompile(`<tr><td>(?:<a href="/burden\?unit_id=(\d+)[^"]*">)?([^<]+)(?:</a>)?</td><td>(\d+)</td>`)
	peopleRE  = regexp.MustCompile(`\((\d+) 人\)`)
	indexRE   = regexp.MustCompile(`<strong id="index">([0-9.]+)</strong>`)
)

func (fx *fixture) testBurdenDashboard(t *testing.T) {
	r := fx.as(t, "office").get(t, "/burden")
	if r.Status != http.StatusOK {
		t.Fatalf("office GET /burden = %d: %s", r.Status, text(r.Body))
	}
	comps := section(t, r.Body, "components")
	for _, k := range burden.ComponentList {
		if !strings.Contains(comps, `data-key="`+string(k)+`"`) || !strings.Contains(comps, k.Label()) {
			t.Errorf("the components table lacks %s (%s)", k, k.Label())
		}
	}
	if m := indexRE.FindStringSubmatch(r.Body); m == nil || m[1] == "0.0" {
		t.Errorf("the index is missing or zero: %v", m)
	}
	for _, id := range []string{"trend", "ranking", "heatmap"} {
		if s := section(t, r.Body, id); !strings.Contains(s, "<svg") {
			t.Errorf("#%s has no SVG chart", id)
		}
	}
	for _, id := range []string{"groups", "apps"} {
		s := section(t, r.Body, id)
		if strings.Contains(s, `class="empty"`) || !strings.Contains(s, `href="/assets/`) {
			t.Errorf("the %s table is empty: %s", id, text(s))
		}
	}

	// The direct sub-units' people add up to the root's, and match what burden counts.
	m := peopleRE.FindStringSubmatch(section(t, r.Body, "summary"))
	if m == nil {
		t.Fatal("the summary shows no number of people")
	}
	total, _ := strconv.Atoi(m[1])
	rows := rankRowRE.FindAllStringSubmatch(section(t, r.Body, "ranking"), -1)
	if len(rows) == 0 {
		t.Fatal("the ranking table has no rows")
	}
	sum := 0
	var sub string // a sub-unit with sub-units of its own
	for _, row := range rows {
		n, _ := strconv.Atoi(row[3])
		sum += n
		if sub == "" && row[1] != "" {
			sub = row[1]
		}
	}
	if sum != total || total == 0 {
		t.Errorf("the ranking's people add up to %d, the root has %d", sum, total)
	}
	root, err := burden.Root(context.Background(), fx.db, org.System.Scope, 0)
	storetest.Must(t, err)
	// The demo's corps has people of its own (its leaders): the ranking shows them as 本级.
	if own := fx.count(t, `SELECT count(*) FROM people WHERE unit_id = $1 AND status = 'active'`, root.ID); own > 0 &&
		!strings.Contains(section(t, r.Body, "ranking"), "<td>"+html.EscapeString(root.Name)+"本级</td><td>"+strconv.Itoa(own)+"</td>") {
		t.Errorf("the ranking has no row for the %d people of %s itself", own, root.Name)
	}
	if !strings.Contains(r.Body, "<h1>负担指数 · "+html.EscapeString(root.Name)+"</h1>") {
		t.Errorf("the heading does not name the root unit %s", root.Name)
	}

	// A sub-unit's link opens its own dashboard.
	if sub == "" {
		t.Fatal("no sub-unit in the ranking links to its own dashboard")
	}
	id, _ := strconv.ParseInt(sub, 10, 64)
	u := fx.unit(t, id)
	r = fx.as(t, "office").get(t, "/burden?unit_id="+sub)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "<h1>负担指数 · "+html.EscapeString(u.Name)+"</h1>") {
		t.Errorf("the dashboard of %s = %d: %s", u.Name, r.Status, text(r.Body))
	}
	for _, s := range []string{"demands", "after_hours", "messages", "deliveries"} {
		if r := fx.as(t, "office").get(t, "/burden?sort="+s); r.Status != http.StatusOK {
			t.Errorf("sort=%s = %d", s, r.Status)
		}
	}
	if r := fx.as(t, "office").get(t, "/burden?sort=name"); r.Status != http.StatusBadRequest {
		t.Errorf("an unknown sort = %d, want 400", r.Status)
	}
}

func (fx *fixture) testBurdenAccess(t *testing.T) {
	liaison := fx.as(t, "liaison")
	if r := liaison.get(t, "/burden"); r.Status != http.StatusOK || !strings.Contains(r.Body, "负担指数 · "+html.EscapeString(fx.brigadeA.Name)) {
		t.Errorf("liaison's /burden = %d, want their 大队 %s: %s", r.Status, fx.brigadeA.Name, text(r.Body))
	}
	other := "/burden?unit_id=" + strconv.FormatInt(fx.brigadeB.ID, 10)
	if r := liaison.get(t, other); r.Status != http.StatusNotFound {
		t.Errorf("liaison opens another 大队's dashboard: %d", r.Status)
	}
	if r := liaison.get(t, "/burden/export?table=units&unit_id="+strconv.FormatInt(fx.brigadeB.ID, 10)); r.Status != http.StatusNotFound {
		t.Errorf("liaison exports another 大队's ranking: %d", r.Status)
	}
	if r := liaison.get(t, "/burden?unit_id="+strconv.FormatInt(fx.stationA.ID, 10)); r.Status != http.StatusOK {
		t.Errorf("liaison opens a station of their own 大队: %d", r.Status)
	}
	for _, name := range []string{"reviewer", "staff"} {
		c := fx.as(t, name)
		if r := c.get(t, "/burden"); r.Status != http.StatusForbidden {
			t.Errorf("%s GET /burden = %d, want 403", name, r.Status)
		}
		if r := c.get(t, "/burden/export?table=units"); r.Status != http.StatusForbidden {
			t.Errorf("%s GET /burden/export = %d, want 403", name, r.Status)
		}
		if r := c.get(t, "/burden/me"); r.Status != http.StatusOK {
			t.Errorf("%s GET /burden/me = %d, want 200", name, r.Status)
		}
	}
	if r := fx.anon(t).get(t, "/burden/me"); r.Status != http.StatusSeeOther {
		t.Errorf("anonymous GET /burden/me = %d, want a redirect to the login", r.Status)
	}
}

func (fx *fixture) testBurdenMe(t *testing.T) {
	ctx := context.Background()
	staff := fx.users["staff"]
	if staff.PersonID == 0 {
		t.Fatal("the demo's staff user is not linked to a person")
	}
	var name string
	storetest.Must(t, fx.db.QueryRowContext(ctx, `SELECT name FROM people WHERE id = $1`, staff.PersonID).Scan(&name))
	r := fx.as(t, "staff").get(t, "/burden/me")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, html.EscapeString(name)) || strings.Contains(r.Body, `id="unlinked"`) {
		t.Fatalf("staff's /burden/me = %d without their name %s: %s", r.Status, name, text(r.Body))
	}

	// The index shown is the person's own, not their unit's.
	cal, err := calendar.Load(ctx, fx.db)
	storetest.Must(t, err)
	w, err := burden.LoadWeights(ctx, fx.db)
	storetest.Must(t, err)
	_, last, ok, err := burden.DataRange(ctx, fx.db)
	storetest.Must(t, err)
	if !ok {
		t.Fatal("no activity data")
	}
	per, err := burden.ParsePeriod(cal, "", "", last)
	storetest.Must(t, err)
	v, err := burden.Person(ctx, fx.db, cal, staff.PersonID, per, w)
	storetest.Must(t, err)
	m := indexRE.FindStringSubmatch(r.Body)
	if m == nil || m[1] != fmt.Sprintf("%.1f", v.Index) {
		t.Errorf("staff's index reads %v, want %.1f", m, v.Index)
	}

	// The groups listed are the person's, and no other member is named.
	groups := section(t, r.Body, "groups")
	if len(v.Groups) == 0 {
		t.Fatal("the demo's staff person is in no group")
	}
	for _, g := range v.Groups {
		if !strings.Contains(groups, html.EscapeString(g.Name)) {
			t.Errorf("staff's groups lack %s", g.Name)
		}
	}
	if n := strings.Count(groups, "<tr><td>"); n != len(v.Groups) {
		t.Errorf("staff's page lists %d groups, the person is in %d", n, len(v.Groups))
	}
	rows, err := fx.db.QueryContext(ctx, `SELECT DISTINCT p.name FROM group_members m JOIN group_members mine ON mine.group_id = m.group_id
		JOIN people p ON p.id = m.person_id WHERE mine.person_id = $1 AND m.person_id <> $1`, staff.PersonID)
	storetest.Must(t, err)
	defer rows.Close()
	others := 0
	for rows.Next() {
		var other string
		storetest.Must(t, rows.Scan(&other))
		if strings.Contains(name, other) || strings.Contains(other, name) {
			continue
		}
		others++
		if strings.Contains(r.Body, html.EscapeString(other)) {
			t.Errorf("staff's page names another member, %s", other)
		}
	}
	storetest.Must(t, rows.Err())
	if others == 0 {
		t.Error("the staff person's groups have no other members to look for")
	}

	// An account with no person sees a message, not somebody else's figures.
	hash, err := auth.HashPassword(demo.DefaultPassword)
	storetest.Must(t, err)
	u, err := fx.st.CreateUser(ctx, org.System, org.UserInput{Username: "burden_nolink", DisplayName: "未关联账号",
		UnitID: fx.stationA.ID, Roles: []org.Role{org.RoleStaff}}, hash)
	storetest.Must(t, err)
	_, err = fx.db.ExecContext(ctx, `UPDATE users SET must_change_password = $1, person_id = NULL WHERE id = $2`, false, u.ID)
	storetest.Must(t, err)
	r = fx.login(t, "burden_nolink", demo.DefaultPassword).get(t, "/burden/me")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `id="unlinked"`) || strings.Contains(r.Body, `id="index"`) {
		t.Errorf("an unlinked account's /burden/me = %d: %s", r.Status, text(r.Body))
	}
	// Linked to a person, it shows that person.
	_, err = fx.db.ExecContext(ctx, `UPDATE users SET person_id = $1 WHERE id = $2`, fx.personA.ID, u.ID)
	storetest.Must(t, err)
	r = fx.login(t, "burden_nolink", demo.DefaultPassword).get(t, "/burden/me")
	if r.Status != http.StatusOK || strings.Contains(r.Body, `id="unlinked"`) || !strings.Contains(r.Body, html.EscapeString(fx.personA.Name)) {
		t.Errorf("after linking to %s, /burden/me = %d: %s", fx.personA.Name, r.Status, text(r.Body))
	}
}

func (fx *fixture) testBurdenExport(t *testing.T) {
	office := fx.as(t, "office")
	for _, c := range []struct{ table, sheet, first, second string }{
		{"units", "单位负担指数", "序号", "单位"},
		{"groups", "工作群负担", "序号", "群编号"},
		{"apps", "应用使用", "序号", "应用编号"},
		{"trend", "每日趋势", "日期", "工作日"},
		{"heatmap", "消息时段", "星期", "00时"},
	} {
		r := office.get(t, "/burden/export?table="+c.table)
		if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
			t.Errorf("export %s = %d %s", c.table, r.Status, r.Header.Get("Content-Type"))
			continue
		}
		if d := r.Header.Get("Content-Disposition"); !strings.Contains(d, "attachment") || !strings.Contains(d, ".xlsx") {
			t.Errorf("export %s: Content-Disposition %q", c.table, d)
		}
		x, err := excelize.OpenReader(strings.NewReader(r.Body))
		if err != nil {
			t.Errorf("export %s is not an XLSX file: %v", c.table, err)
			continue
		}
		rows, err := x.GetRows(c.sheet)
		x.Close()
		if err != nil || len(rows) < 2 || len(rows[0]) < 2 || rows[0][0] != c.first || rows[0][1] != c.second || len(rows[1]) < 2 {
			t.Errorf("export %s: sheet %s has %d rows (%v), header %v", c.table, c.sheet, len(rows), err, first(rows))
		}
		switch c.table {
		case "units":
			last := rows[len(rows)-1]
			if last[0] != "合计" {
				t.Errorf("the units export does not end with the total: %v", last)
			}
			sum := 0
			for _, row := range rows[1 : len(rows)-1] {
				n, _ := strconv.Atoi(row[2])
				sum += n
			}
			if strconv.Itoa(sum) != last[2] {
				t.Errorf("the units export's rows count %d people, its total %s", sum, last[2])
			}
		case "heatmap":
			if len(rows) != 8 || len(rows[0]) != 25 {
				t.Errorf("the heatmap export is %d×%d, want 8×25", len(rows), len(rows[0]))
			}
		}
	}
	if r := office.get(t, "/burden/export?table=people"); r.Status != http.StatusBadRequest {
		t.Errorf("export of an unknown table = %d, want 400", r.Status)
	}
	if r := office.get(t, "/burden/export"); r.Status != http.StatusBadRequest {
		t.Errorf("export without a table = %d, want 400", r.Status)
	}
}

func first(rows [][]string) []string {
	if len(rows) == 0 {
		return nil
	}
	return rows[0]
}

func (fx *fixture) testBurdenPeriod(t *testing.T) {
	office := fx.as(t, "office")
	if r := office.get(t, "/burden?from=2026-09-01&to=2026-09-30"); r.Status != http.StatusOK ||
		!strings.Contains(r.Body, `value="2026-09-01"`) || !strings.Contains(r.Body, "统计期间 30 天") {
		t.Errorf("a chosen period = %d: %s", r.Status, text(r.Body))
	}
	for _, c := range []struct{ query, msg string }{
		{"from=2026-13-40", "日期无效"},
		{"to=2026-02-30", "日期无效"},
		{"from=2026-10-31&to=2026-10-01", "不能晚于"},
		{"from=2025-01-01&to=2026-10-31", "不能超过一年"},
	} {
		for _, path := range []string{"/burden?", "/burden/me?", "/burden/export?table=units&"} {
			r := office.get(t, path+c.query)
			if r.Status != http.StatusBadRequest || path != "/burden/export?table=units&" && !strings.Contains(r.Body, c.msg) {
				t.Errorf("%s%s = %d, want 400 with %q: %s", path, c.query, r.Status, c.msg, text(r.Body))
			}
		}
	}
}

func (fx *fixture) testActivityImport(t *testing.T) {
	ctx := context.Background()
	office := fx.as(t, "office")
	if r := office.get(t, "/activity/import"); r.Status != http.StatusOK || !strings.Contains(r.Body, `id="upload"`) {
		t.Fatalf("office GET /activity/import = %d", r.Status)
	}
	// A group of the liaison's 大队 and one of its members.
	var groupID int64
	var group, sender string
	storetest.Must(t, fx.db.QueryRowContext(ctx, `SELECT a.id, a.code, p.code FROM assets a JOIN units u ON u.id = a.unit_id
		JOIN group_members m ON m.group_id = a.id JOIN people p ON p.id = m.person_id
		WHERE a.kind = 'group' AND a.status = 'active' AND u.path LIKE $1 ORDER BY a.code, p.code LIMIT 1`, fx.brigadeA.Path+"%").
		Scan(&groupID, &group, &sender))
	file := []byte(strings.Join([]string{
		`{"id":"burden-test-1","group":"` + group + `","sender":"` + sender + `","time":"2026-10-20 09:30:00","kind":"text","text":"请各位今天下班前报送值班表,收到请回复"}`,
		`{"id":"burden-test-2","group":"` + group + `","sender":"` + sender + `","time":"2026-10-20 22:15:00","kind":"text","text":"明早八点前打卡"}`,
		`{"id":"burden-test-3","group":"GRP-NOT-THERE","sender":"` + sender + `","time":"2026-10-20 10:00:00","kind":"text","text":"不在清单中的群"}`,
		`{"id":"burden-test-4","group":"` + group + `","sender":"` + sender + `","time":"昨天上午","kind":"text","text":"时间写错"}`,
	}, "\n") + "\n")
	messages := func() int {
		return fx.count(t, `SELECT COALESCE(sum(messages), 0) FROM act_group_days WHERE group_id = $1`, groupID)
	}
	batches := fx.count(t, `SELECT count(*) FROM ingest_batches`)
	before := messages()

	r := office.uploadTo(t, "/activity/import", nil, "burden-test.ndjson", file)
	rep := section(t, r.Body, "report")
	if r.Status != http.StatusOK || !strings.Contains(rep, "导入完成") || !strings.Contains(rep, "读取 4 行:接收 2 行,拒绝 2 行") {
		t.Fatalf("upload = %d: %s", r.Status, text(rep))
	}
	rejected := section(t, r.Body, "rejected")
	if strings.Count(rejected, "<tr><td>") != 2 || !strings.Contains(rejected, "GRP-NOT-THERE") {
		t.Errorf("the rejected rows are not listed: %s", text(rejected))
	}
	after := messages()
	if after != before+2 || fx.count(t, `SELECT count(*) FROM ingest_batches`) != batches+1 {
		t.Errorf("the group's messages went from %d to %d, want +2", before, after)
	}

	r = office.uploadTo(t, "/activity/import", nil, "again.ndjson", file)
	if rep := section(t, r.Body, "report"); r.Status != http.StatusOK || !strings.Contains(rep, "该批次此前已导入") {
		t.Errorf("the second upload = %d: %s", r.Status, text(rep))
	}
	if n := messages(); n != after || fx.count(t, `SELECT count(*) FROM ingest_batches`) != batches+1 {
		t.Errorf("uploading the same file again changed the group's messages from %d to %d", after, n)
	}

	r = office.uploadTo(t, "/activity/import", map[string]string{"dry_run": "1"}, "dry.ndjson", append(file, []byte(`{"id":"burden-test-5","group":"`+group+`","sender":"`+sender+`","time":"2026-10-21 09:00:00","kind":"text"}`+"\n")...))
	if rep := section(t, r.Body, "report"); r.Status != http.StatusOK || !strings.Contains(rep, "检查结果(未写入)") || messages() != after {
		t.Errorf("a dry run = %d: %s", r.Status, text(rep))
	}
	if r := office.uploadTo(t, "/activity/import", nil, "", nil); r.Status != http.StatusBadRequest {
		t.Errorf("an upload without a file = %d, want 400", r.Status)
	}

	liaison := fx.as(t, "liaison")
	if r := liaison.get(t, "/activity/import"); r.Status != http.StatusForbidden {
		t.Errorf("liaison GET /activity/import = %d, want 403", r.Status)
	}
	if r := liaison.uploadTo(t, "/activity/import", nil, "burden-test-liaison.ndjson", append(file, '\n')); r.Status != http.StatusForbidden {
		t.Errorf("liaison uploads = %d, want 403", r.Status)
	}
	if n := messages(); n != after {
		t.Errorf("a refused upload changed the group's messages from %d to %d", after, n)
	}
}
