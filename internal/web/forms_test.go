package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/demo"
	"github.com/jianfu-gov/jianfu/internal/org"
)

func (fx *fixture) testCSRF(t *testing.T) {
	c := fx.as(t, "admin")
	parent := strconv.FormatInt(fx.brigadeC.ID, 10)
	newUnit := func(code string) url.Values {
		return url.Values{"code": {code}, "name": {"测试" + code + "消防救援站"}, "kind": {"station"}, "parent_id": {parent}, "sort_order": {"9"}}
	}
	with := func(v url.Values, csrf string) url.Values {
		v.Set("csrf", csrf)
		return v
	}

	refused := []struct {
		name string
		send func(t *testing.T) response
		want string
	}{
		{"POST without the CSRF token is refused", func(t *testing.T) response {
			return c.post(t, "/units/new", newUnit("T-CSRF-1"))
		}, "CSRF"},
		{"POST with a wrong CSRF token is refused", func(t *testing.T) response {
			return c.post(t, "/units/new", with(newUnit("T-CSRF-2"), "not-the-token"))
		}, "CSRF"},
		{"POST with another session's CSRF token is refused", func(t *testing.T) response {
			return c.post(t, "/units/new", with(newUnit("T-CSRF-3"), fx.as(t, "office").csrf))
		}, "CSRF"},
		{"POST from another origin is refused even with the token", func(t *testing.T) response {
			req, err := http.NewRequest(http.MethodPost, fx.srv.URL+"/units/new", strings.NewReader(with(newUnit("T-CSRF-4"), c.csrf).Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", "https://evil.example")
			return c.do(t, req)
		}, "跨站请求被拒绝"},
		{"POST marked cross-site by the browser is refused even with the token", func(t *testing.T) response {
			req, err := http.NewRequest(http.MethodPost, fx.srv.URL+"/units/new", strings.NewReader(with(newUnit("T-CSRF-5"), c.csrf).Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			return c.do(t, req)
		}, "跨站请求被拒绝"},
	}
	for i, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			before := fx.tally(t)
			r := tc.send(t)
			if r.Status != http.StatusForbidden {
				t.Errorf("status %d, want 403: %s", r.Status, text(r.Body))
			}
			if !strings.Contains(r.Body, tc.want) {
				t.Errorf("page does not say %s: %s", tc.want, text(r.Body))
			}
			if after := fx.tally(t); after != before {
				t.Errorf("refused POST wrote: before %+v, after %+v", before, after)
			}
			if _, ok := fx.unitByCode(t, "T-CSRF-"+strconv.Itoa(i+1)); ok {
				t.Errorf("unit T-CSRF-%d exists", i+1)
			}
		})
	}

	t.Run("POST with the right token creates the unit and one audit entry", func(t *testing.T) {
		before := fx.tally(t)
		r := c.post(t, "/units/new", c.form("code", "T-CSRF-OK", "name", "测试合规消防救援站", "kind", "station", "parent_id", parent))
		u, ok := fx.unitByCode(t, "T-CSRF-OK")
		if !ok {
			t.Fatalf("unit not created: %d %s", r.Status, text(r.Body))
		}
		if want := "/units/" + strconv.FormatInt(u.ID, 10) + "?ok=created"; r.Status != http.StatusSeeOther || r.Location() != want {
			t.Errorf("POST = %d to %q, want 303 to %q", r.Status, r.Location(), want)
		}
		want := before
		want.Units++
		want.Audit++
		if after := fx.tally(t); after != want {
			t.Errorf("after creating a unit %+v, want %+v", after, want)
		}
		if n := fx.count(t, `SELECT count(*) FROM audit_log WHERE action = 'create' AND object_type = 'unit' AND object_id = $1`, strconv.FormatInt(u.ID, 10)); n != 1 {
			t.Errorf("%d audit entries for the new unit, want 1", n)
		}
		if u.ParentID != fx.brigadeC.ID || u.Kind != org.Station || u.Name != "测试合规消防救援站" {
			t.Errorf("unit saved as %+v", u)
		}
		if r := c.get(t, r.Location()); r.Status != http.StatusOK || !strings.Contains(r.Body, "已新增") {
			t.Errorf("the unit's page after saving = %d without 已新增", r.Status)
		}
	})

	t.Run("the token of a logged-out session no longer works", func(t *testing.T) {
		c2 := fx.login(t, "office", demo.DefaultPassword)
		old := c2.csrf
		c2.post(t, "/logout", c2.form())
		c3 := fx.login(t, "office", demo.DefaultPassword)
		if c3.csrf == old {
			t.Fatal("a new session reuses the CSRF token of the old one")
		}
		before := fx.tally(t)
		r := c3.post(t, "/people/new", with(url.Values{"code": {"T-CSRF-OLD"}, "name": {"旧令牌"}, "unit_id": {parent}}, old))
		if r.Status != http.StatusForbidden {
			t.Errorf("status %d, want 403", r.Status)
		}
		if after := fx.tally(t); after != before {
			t.Errorf("refused POST wrote: before %+v, after %+v", before, after)
		}
	})
}

// badInput is a request that must be refused with a 4xx, a Chinese message, and nothing written.
type badInput struct {
	name   string
	as     string
	method string
	path   string
	form   url.Values // without csrf
	status []int      // acceptable statuses, the first the preferred
	msg    string
}

func (fx *fixture) testBadInput(t *testing.T) {
	id := func(v int64) string { return strconv.FormatInt(v, 10) }
	c, st := fx.brigadeC, fx.stationC
	unit := func(kv ...string) url.Values {
		v := url.Values{"code": {"T-BAD-U"}, "name": {"测试坏数据消防救援站"}, "kind": {"station"}, "parent_id": {id(c.ID)}, "sort_order": {"1"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	person := func(kv ...string) url.Values {
		v := url.Values{"code": {"T-BAD-P"}, "name": {"测试员"}, "unit_id": {id(st.ID)}, "post": {"消防员"}, "status": {"active"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	user := func(kv ...string) url.Values {
		v := url.Values{"username": {"t-bad-user"}, "display_name": {"测试用户"}, "unit_id": {id(c.ID)}, "roles": {"staff"},
			"password": {"Strong-Pass-2026"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	cases := []badInput{
		{"unit with an empty code", "admin", "POST", "/units/new", unit("code", ""), []int{400}, "单位编码不能为空"},
		{"unit with a code that exists names the code", "admin", "POST", "/units/new", unit("code", fx.stationA.Code), []int{409, 400},
			"单位编码 " + fx.stationA.Code + " 已存在"},
		{"unit moved under its own 站", "admin", "POST", "/units/" + id(c.ID),
			url.Values{"code": {c.Code}, "name": {c.Name}, "kind": {"brigade"}, "parent_id": {id(st.ID)}, "sort_order": {strconv.Itoa(c.SortOrder)}},
			[]int{400}, "不能把单位移到它自己或它的下级单位之下"},
		{"unit of a kind not allowed under its parent", "admin", "POST", "/units/new", unit("kind", "brigade", "parent_id", id(st.ID)),
			[]int{400}, "大队不能设在站之下"},
		{"unit of an unknown kind", "admin", "POST", "/units/new", unit("kind", "squad"), []int{400}, "单位类型无效"},
		{"unit with parent_id abc", "admin", "POST", "/units/new", unit("parent_id", "abc"), []int{400}, "上级单位无效"},
		{"unit with sort_order -5", "admin", "POST", "/units/new", unit("sort_order", "-5"), []int{400}, "0 到 1000000"},
		{"unit edit of an id that does not exist", "admin", "POST", "/units/999999999", unit(), []int{404}, "单位不存在"},
		{"person with left_on 2026-13-40", "admin", "POST", "/people/new", person("status", "left", "left_on", "2026-13-40"),
			[]int{400}, "调离日期格式应为 2006-01-02"},
		{"person with an unknown status", "admin", "POST", "/people/new", person("status", "retired"), []int{400}, "人员状态应为 在职 或 已调离"},
		{"person with unit_id abc", "admin", "POST", "/people/new", person("unit_id", "abc"), []int{400}, "所属单位无效"},
		{"person with a 工号 that exists names it", "admin", "POST", "/people/new", person("code", fx.personA.Code), []int{409, 400},
			"工号 " + fx.personA.Code + " 已存在"},
		{"liaison adding a person to the other liaison's 站", "liaison", "POST", "/people/new", person("unit_id", id(fx.stationB.ID)),
			[]int{400, 404}, "所属单位不存在或不在您的管辖范围内"},
		{"liaison moving an own person to the other liaison's 站", "liaison", "POST", "/people/" + id(fx.personA.ID),
			person("code", fx.personA.Code, "name", fx.personA.Name, "unit_id", id(fx.stationB.ID)),
			[]int{400, 404}, "所属单位不存在或不在您的管辖范围内"},
		{"liaison editing the other liaison's person", "liaison", "POST", "/people/" + id(fx.personB.ID),
			person("code", fx.personB.Code, "name", fx.personB.Name, "unit_id", id(fx.stationA.ID)),
			[]int{404}, "人员不存在或不在您的管辖范围内"},
		{"liaison deleting the other liaison's person", "liaison", "POST", "/people/" + id(fx.personB.ID) + "/delete", url.Values{},
			[]int{404}, "人员不存在或不在您的管辖范围内"},
		{"liaison deleting a person who has a login", "liaison", "POST", "/people/" + id(fx.users["staff"].PersonID) + "/delete", url.Values{},
			[]int{409}, "该人员有登录账号"},
		{"unit with sub-units deleted", "admin", "POST", "/units/" + id(c.ID) + "/delete", url.Values{}, []int{409}, "不能删除"},
		{"liaison creating a unit", "liaison", "POST", "/units/new", unit("parent_id", id(fx.brigadeA.ID)), []int{403}, "没有权限"},
		{"user with a weak password", "admin", "POST", "/users/new", user("password", "short"), []int{400}, "密码至少 10 位"},
		{"user with an unknown person_code", "admin", "POST", "/users/new", user("person_code", "NO-SUCH-CODE"), []int{400},
			"找不到工号为 NO-SUCH-CODE 的人员"},
		{"user without a role", "admin", "POST", "/users/new", user("roles", ""), []int{400}, "至少选择一个角色"},
		{"user with a username that exists", "admin", "POST", "/users/new", user("username", "liaison"), []int{409, 400}, "用户名 liaison 已存在"},
		{"office creating a user", "office", "POST", "/users/new", user(), []int{403}, "没有权限"},
		{"token with ttl_days -1", "admin", "POST", "/account/tokens", url.Values{"name": {"坏令牌"}, "ttl_days": {"-1"}}, []int{400}, "ttl_days"},
		{"units list with limit 100000", "admin", "GET", "/units?limit=100000", nil, []int{400}, "limit"},
		{"units list with offset abc", "admin", "GET", "/units?offset=abc", nil, []int{400}, "offset"},
		{"units list with an unknown kind", "admin", "GET", "/units?kind=squad", nil, []int{400}, "单位类型无效"},
		{"unit page with id abc", "admin", "GET", "/units/abc", nil, []int{400}, "编号无效"},
		{"unit page with id 0", "admin", "GET", "/units/0", nil, []int{400}, "编号无效"},
		{"people list with status zzz", "admin", "GET", "/people?status=zzz", nil, []int{400}, "人员状态无效"},
		{"people list with unit_id -1", "admin", "GET", "/people?unit_id=-1", nil, []int{400}, "unit_id"},
		{"people list with a search over 100 characters", "admin", "GET", "/people?q=" + strings.Repeat("张", 101), nil, []int{400}, "搜索词过长"},
		{"users list with an unknown role", "admin", "GET", "/users?role=king", nil, []int{400}, "未知的角色"},
		{"audit log from 2026-02-30", "admin", "GET", "/audit?from=2026-02-30", nil, []int{400}, "日期格式应为 2006-01-02"},
		{"audit log to 20260101", "admin", "GET", "/audit?to=20260101", nil, []int{400}, "日期格式应为 2006-01-02"},
		{"export of an unknown kind", "admin", "GET", "/org/export?kind=apps", nil, []int{400}, "导出类型应为 units 或 people"},
		{"export in an unknown format", "admin", "GET", "/org/export?kind=units&format=pdf", nil, []int{400}, "导出格式应为 xlsx 或 csv"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cl := fx.as(t, tc.as)
			before := fx.tally(t)
			var r response
			if tc.method == "GET" {
				r = cl.get(t, tc.path)
			} else {
				f := cl.form()
				for k, vs := range tc.form {
					for _, v := range vs {
						if v != "" || k != "roles" {
							f.Add(k, v)
						}
					}
				}
				r = cl.post(t, tc.path, f)
			}
			if !slices.Contains(tc.status, r.Status) {
				t.Errorf("status %d, want %v: %s", r.Status, tc.status, text(r.Body))
			}
			if !strings.Contains(r.Body, tc.msg) {
				t.Errorf("page does not say %q: %s", tc.msg, text(r.Body))
			}
			if !strings.Contains(r.Header.Get("Content-Type"), "text/html") {
				t.Errorf("error answered as %q, not a page", r.Header.Get("Content-Type"))
			}
			if after := fx.tally(t); after != before {
				t.Errorf("refused request wrote: before %+v, after %+v", before, after)
			}
		})
	}

	t.Run("a refused form keeps what was typed", func(t *testing.T) {
		cl := fx.as(t, "admin")
		r := cl.post(t, "/units/new", cl.form("code", "T-KEEP", "name", "保留输入消防救援站", "kind", "station", "parent_id", id(c.ID), "sort_order", "-5"))
		for _, want := range []string{`value="T-KEEP"`, `value="保留输入消防救援站"`, `class="ferr"`} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("re-rendered form lacks %s", want)
			}
		}
	})
}
