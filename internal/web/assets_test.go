package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

var assetIDRE = regexp.MustCompile(`^/assets/(\d+)`)

// createAsset posts the asset form and returns the new asset's id.
func (c *client) createAsset(t *testing.T, kv ...string) int64 {
	t.Helper()
	r := c.post(t, "/assets/new", c.form(kv...))
	m := assetIDRE.FindStringSubmatch(r.Location())
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("create asset = %d %q: %s", r.Status, r.Location(), text(r.Body))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func (fx *fixture) testAssets(t *testing.T) {
	ctx := context.Background()
	cat := &catalog.Store{DB: fx.db}
	admin := fx.as(t, "admin")
	liaison := fx.as(t, "liaison")
	uid := func(u org.Unit) string { return strconv.FormatInt(u.ID, 10) }

	t.Run("a liaison records an app of its 大队 and it waits for the owner's confirmation", func(t *testing.T) {
		id := liaison.createAsset(t, "kind", "app", "code", "T-APP-1", "name", "营区智能门禁", "platform", "小程序",
			"unit_id", uid(fx.brigadeA), "owner_code", fx.personA.Code, "purpose", "营区人员车辆出入登记",
			"functions", "人脸识别\n访客登记", "forced_features", "checkin", "forms", "访客登记表", "target_count", "300")
		a, err := cat.Get(ctx, org.System, id)
		storetest.Must(t, err)
		if a.App == nil || len(a.App.ForcedFeatures) != 1 || a.App.Forms[0] != "访客登记表" || !a.NeedsAttest || a.UnitID != fx.brigadeA.ID {
			t.Fatalf("stored %+v / %+v", a, a.App)
		}
		page := liaison.get(t, "/assets/"+strconv.FormatInt(id, 10))
		for _, want := range []string{"营区智能门禁", "打卡签到", "访客登记表", "待责任人确认"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("asset page lacks %q", want)
			}
		}
		if r := fx.as(t, "liaison2").get(t, "/assets/"+strconv.FormatInt(id, 10)); r.Status != http.StatusNotFound {
			t.Fatalf("the other liaison sees it: %d", r.Status)
		}
		if r := fx.as(t, "liaison2").get(t, "/assets?q=T-APP-1"); strings.Contains(r.Body, "营区智能门禁") {
			t.Fatal("the other liaison finds it in the list")
		}
	})

	t.Run("bad input is refused with the field named and nothing written", func(t *testing.T) {
		before := fx.count(t, `SELECT count(*) FROM assets`)
		cases := []struct {
			name, want string
			kv         []string
		}{
			{"unknown platform", "平台", []string{"kind", "account", "code", "T-ACC-X", "name", "某消防", "platform", "推特", "unit_id", uid(fx.brigadeA)}},
			{"other liaison's unit", "所属单位", []string{"kind", "group", "code", "T-GRP-X", "name", "某群", "platform", "微信", "unit_id", uid(fx.brigadeB)}},
			{"bad date", "日期", []string{"kind", "account", "code", "T-ACC-Y", "name", "某消防", "platform", "微博", "unit_id", uid(fx.brigadeA), "last_post_on", "2026-02-30"}},
			{"unknown owner", "责任人", []string{"kind", "group", "code", "T-GRP-Y", "name", "某群", "platform", "微信", "unit_id", uid(fx.brigadeA), "owner_code", "NOPE"}},
			{"duplicate code", "已被其他资产使用", []string{"kind", "group", "code", "T-APP-1", "name", "某群", "platform", "微信", "unit_id", uid(fx.brigadeA)}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := liaison.post(t, "/assets/new", liaison.form(c.kv...))
				if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, c.want) {
					t.Fatalf("= %d, want 400 with %q: %s", r.Status, c.want, text(r.Body))
				}
			})
		}
		if n := fx.count(t, `SELECT count(*) FROM assets`); n != before {
			t.Fatalf("%d assets written by refused forms", n-before)
		}
	})

	t.Run("the office merges two groups and the members move", func(t *testing.T) {
		a := admin.createAsset(t, "kind", "group", "code", "T-GRP-1", "name", "站值班群", "platform", "微信", "unit_id", uid(fx.stationA))
		b := admin.createAsset(t, "kind", "group", "code", "T-GRP-2", "name", "站工作群", "platform", "微信", "unit_id", uid(fx.stationA))
		people, _, err := fx.st.People(ctx, org.System, org.PersonFilter{UnitID: fx.stationA.ID, Status: org.Active, Page: org.Page{Limit: 3}})
		storetest.Must(t, err)
		if len(people) < 3 {
			t.Fatal("station has fewer than 3 people")
		}
		set := func(id int64, lines string) {
			r := admin.post(t, "/assets/"+strconv.FormatInt(id, 10)+"/members", admin.form("members", lines))
			if r.Status != http.StatusSeeOther {
				t.Fatalf("set members = %d: %s", r.Status, text(r.Body))
			}
		}
		set(a, people[0].Code+",群主\n"+people[1].Code+"\n张联络")
		set(b, people[0].Code+" 群主\n"+people[2].Code)
		r := admin.post(t, "/assets/"+strconv.FormatInt(a, 10)+"/members", admin.form("members", people[0].Code+"\n"+people[0].Code))
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "与第 1 项重复") {
			t.Fatalf("duplicate member = %d: %s", r.Status, text(r.Body))
		}
		r = admin.post(t, "/assets/"+strconv.FormatInt(a, 10)+"/merge", admin.form("into", "T-GRP-2", "reason", "同一批人员,合并减少重复通知"))
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/assets/"+strconv.FormatInt(b, 10)) {
			t.Fatalf("merge = %d %q: %s", r.Status, r.Location(), text(r.Body))
		}
		merged, _ := cat.Get(ctx, org.System, a)
		target, _ := cat.Get(ctx, org.System, b)
		if merged.Status != catalog.Merged || merged.MergedIntoID != b || target.Group.MemberCount != 4 {
			t.Fatalf("after merge: source %s into %d, target %d members; want merged into %d with 4", merged.Status, merged.MergedIntoID, target.Group.MemberCount, b)
		}
		r = liaison.post(t, "/assets/"+strconv.FormatInt(b, 10)+"/merge", liaison.form("into", "T-GRP-1", "reason", "试试"))
		if r.Status != http.StatusForbidden {
			t.Fatalf("a liaison merging = %d, want 403", r.Status)
		}
		r = admin.post(t, "/assets/"+strconv.FormatInt(b, 10)+"/merge", admin.form("into", "T-GRP-1", "reason", "并回已合并的群"))
		if r.Status != http.StatusBadRequest {
			t.Fatalf("merge into a merged group = %d: %s", r.Status, text(r.Body))
		}
	})

	t.Run("the lifecycle is enforced and every step needs a reason", func(t *testing.T) {
		id := admin.createAsset(t, "kind", "account", "code", "T-ACC-1", "name", "锦江消防", "platform", "抖音", "unit_id", uid(fx.brigadeA))
		path := "/assets/" + strconv.FormatInt(id, 10) + "/transition"
		if r := admin.post(t, path, admin.form("to", "retired", "reason", "")); r.Status != http.StatusBadRequest {
			t.Fatalf("no reason = %d", r.Status)
		}
		if r := liaison.post(t, path, liaison.form("to", "retired", "reason", "长期不更新")); r.Status != http.StatusForbidden {
			t.Fatalf("liaison retiring = %d, want 403", r.Status)
		}
		if r := admin.post(t, path, admin.form("to", "retired", "reason", "长期不更新,注销")); r.Status != http.StatusSeeOther {
			t.Fatalf("retire = %d: %s", r.Status, text(r.Body))
		}
		if r := admin.post(t, path, admin.form("to", "active", "reason", "恢复")); r.Status != http.StatusConflict {
			t.Fatalf("retired → active = %d, want 409", r.Status)
		}
		page := admin.get(t, "/assets?q=T-ACC-1&status=retired")
		if !strings.Contains(page.Body, "已注销") {
			t.Fatal("a retired account is not searchable with its status")
		}
	})

	t.Run("the owner confirms all pending records in one click", func(t *testing.T) {
		staff := fx.as(t, "staff")
		person := fx.users["staff"].PersonID
		var code string
		storetest.Must(t, fx.db.QueryRow(`SELECT code FROM people WHERE id = $1`, person).Scan(&code))
		for _, c := range []string{"T-OWN-1", "T-OWN-2"} {
			admin.createAsset(t, "kind", "group", "code", c, "name", "群"+c, "platform", "钉钉", "unit_id", uid(fx.brigadeA), "owner_code", code)
		}
		home := staff.get(t, "/")
		if !strings.Contains(home.Body, "2 项资产待确认") {
			t.Fatalf("staff home page lacks the pending notice: %s", text(home.Body))
		}
		list := staff.get(t, "/attest")
		form := staff.form()
		for _, m := range regexp.MustCompile(`name="ids" value="(\d+)"`).FindAllStringSubmatch(list.Body, -1) {
			form.Add("ids", m[1])
		}
		if len(form["ids"]) != 2 {
			t.Fatalf("attest page lists %d assets, want 2", len(form["ids"]))
		}
		if r := staff.post(t, "/attest", form); r.Status != http.StatusSeeOther {
			t.Fatalf("attest = %d: %s", r.Status, text(r.Body))
		}
		if n := fx.count(t, `SELECT count(*) FROM assets WHERE owner_person_id = $1 AND needs_attest = $2`, person, true); n != 0 {
			t.Fatalf("%d still pending after confirming", n)
		}
		other := staff.form("ids", "1")
		if r := staff.post(t, "/attest", other); r.Status != http.StatusForbidden {
			t.Fatalf("confirming someone else's asset = %d, want 403", r.Status)
		}
	})

	t.Run("access per role", func(t *testing.T) {
		for _, c := range []struct {
			login string
			want  int
		}{{"admin", 200}, {"office", 200}, {"lead_it", 200}, {"support", 200}, {"liaison", 200}, {"reviewer", 200}, {"inspector", 200}, {"staff", 403}} {
			if r := fx.as(t, c.login).get(t, "/assets"); r.Status != c.want {
				t.Errorf("%s GET /assets = %d, want %d", c.login, r.Status, c.want)
			}
		}
		if r := fx.as(t, "reviewer").get(t, "/assets/new?kind=app"); r.Status != http.StatusForbidden {
			t.Errorf("reviewer opens the new-asset form: %d", r.Status)
		}
		for _, bad := range []string{"/assets?kind=zzz", "/assets?status=zzz", "/assets?flag=zzz", "/assets?sort=zzz", "/assets?unit_id=abc", "/assets/new?kind=zzz"} {
			if r := admin.get(t, bad); r.Status != http.StatusBadRequest {
				t.Errorf("GET %s = %d, want 400", bad, r.Status)
			}
		}
	})
}

func (fx *fixture) testAssetImport(t *testing.T) {
	admin := fx.as(t, "admin")
	liaison := fx.as(t, "liaison")
	stagingRE := regexp.MustCompile(`name="staging" value="([0-9a-f]+)"`)

	t.Run("an export re-imports as unchanged", func(t *testing.T) {
		exp := admin.get(t, "/assets/export?format=xlsx")
		if exp.Status != http.StatusOK || !strings.Contains(exp.Header.Get("Content-Disposition"), ".xlsx") {
			t.Fatalf("export = %d %q", exp.Status, exp.Header.Get("Content-Disposition"))
		}
		before := fx.count(t, `SELECT count(*) FROM audit_log`)
		r := admin.uploadTo(t, "/assets/import", nil, "清单.xlsx", []byte(exp.Body))
		m := stagingRE.FindStringSubmatch(r.Body)
		if r.Status != http.StatusOK || m == nil || strings.Contains(r.Body, "row-errors") {
			t.Fatalf("check = %d: %s", r.Status, text(r.Body))
		}
		r = admin.uploadTo(t, "/assets/import", map[string]string{"staging": m[1]}, "", nil)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "已写入") {
			t.Fatalf("apply = %d: %s", r.Status, text(r.Body))
		}
		if after := fx.count(t, `SELECT count(*) FROM audit_log`); after != before {
			t.Fatalf("re-importing an unchanged export wrote %d audit entries", after-before)
		}
	})

	t.Run("a liaison's export holds only its 大队", func(t *testing.T) {
		r := liaison.get(t, "/assets/export?format=csv&sheet=groups")
		if r.Status != http.StatusOK {
			t.Fatalf("export = %d", r.Status)
		}
		if strings.Contains(r.Body, fx.brigadeB.Name) {
			t.Fatal("the other 大队's groups are in the liaison's export")
		}
	})

	t.Run("bad files are refused with the row named", func(t *testing.T) {
		csv := "编码,名称,平台,所属单位编码\nT-CSV-1,某群,微信,NO-SUCH-UNIT\n"
		r := admin.uploadTo(t, "/assets/import", map[string]string{"sheet": "groups"}, "groups.csv", []byte(csv))
		if !strings.Contains(r.Body, "第 2 行") {
			t.Fatalf("unknown unit code not reported by row: %d %s", r.Status, text(r.Body))
		}
		for _, c := range []struct{ name, file, sheet, want string }{
			{"not excel", "x.xlsx", "", "不是有效的 Excel"},
			{"csv without a sheet", "x.csv", "", "CSV 文件请选择内容"},
			{"pdf", "x.pdf", "", "只支持"},
		} {
			r := admin.uploadTo(t, "/assets/import", map[string]string{"sheet": c.sheet}, c.file, []byte("hello"))
			if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, c.want) {
				t.Errorf("%s = %d: %s", c.name, r.Status, text(r.Body))
			}
		}
		if r := fx.as(t, "reviewer").get(t, "/assets/import"); r.Status != http.StatusForbidden {
			t.Errorf("reviewer opens the import page: %d", r.Status)
		}
	})
}
