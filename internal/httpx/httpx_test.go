package httpx_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
)

// userCreate mirrors the API's user input: an embedded struct, a slice, a bool and the
// password beside them.
type userCreate struct {
	org.UserInput
	Password string `json:"password"`
}

func decode(body string, contentType string, v any) error {
	r := httptest.NewRequest("POST", "/api/v1/units", strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	return httpx.DecodeJSON(httptest.NewRecorder(), r, v)
}

// hasHan reports whether s holds at least one Chinese character: every message a user may see
// is in Chinese.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func TestDecodeJSON(t *testing.T) {
	const ct = "application/json"
	for _, c := range []struct {
		name, body, ct string
		kind           errs.Kind // errs.Other: no error expected
		field, msg     string    // substrings; "" matches anything
	}{
		{"valid", `{"code":"SC","name":"四川省消防救援总队","kind":"corps","sort_order":1}`, ct, errs.Other, "", ""},
		{"valid with charset", `{"code":"SC"}`, "application/json; charset=utf-8", errs.Other, "", ""},
		{"no content type", `{"code":"SC"}`, "", errs.Other, "", ""},
		{"trailing whitespace", "{\"code\":\"SC\"}\r\n\t ", ct, errs.Other, "", ""},
		{"malformed", `{"code":"SC",}`, ct, errs.Invalid, "", "JSON 格式错误"},
		{"malformed offset", `{"code" "SC"}`, ct, errs.Invalid, "", "第 9 个字节"},
		{"not JSON", `code=SC`, ct, errs.Invalid, "", "JSON 格式错误"},
		{"unknown field", `{"code":"SC","colour":"red"}`, ct, errs.Invalid, "colour", "未知字段"},
		{"unknown field with quote", `{"a\"b":1}`, ct, errs.Invalid, `a\"b`, "未知字段"},
		{"string for number", `{"sort_order":"1"}`, ct, errs.Invalid, "sort_order", "应为 数字"},
		{"number for string", `{"code":1}`, ct, errs.Invalid, "code", "应为 字符串"},
		{"object for string", `{"name":{}}`, ct, errs.Invalid, "name", "应为 字符串"},
		{"float for int", `{"parent_id":1.5}`, ct, errs.Invalid, "parent_id", "应为 数字"},
		{"overflow", `{"sort_order":1e400}`, ct, errs.Invalid, "sort_order", ""},
		{"array body", `[]`, ct, errs.Invalid, "", "应为 对象"},
		{"string body", `"SC"`, ct, errs.Invalid, "", "应为 对象"},
		{"two objects", `{"code":"SC"}{"code":"SD"}`, ct, errs.Invalid, "", "只能包含一个 JSON 对象"},
		{"trailing garbage", `{"code":"SC"} x`, ct, errs.Invalid, "", "只能包含一个 JSON 对象"},
		{"trailing bracket", `{"code":"SC"}]`, ct, errs.Invalid, "", "只能包含一个 JSON 对象"},
		{"empty", ``, ct, errs.Invalid, "", "请求体为空"},
		{"only whitespace", " \n ", ct, errs.Invalid, "", "请求体为空"},
		{"truncated", `{"code":"S`, ct, errs.Invalid, "", "JSON 不完整"},
		{"too large", `{"name":"` + strings.Repeat("a", httpx.MaxJSONBody) + `"}`, ct, errs.TooLarge, "", "请求体过大"},
		{"too large whitespace", strings.Repeat(" ", httpx.MaxJSONBody+1) + `{}`, ct, errs.TooLarge, "", "请求体过大"},
		{"form content type", `{"code":"SC"}`, "application/x-www-form-urlencoded", errs.Invalid, "", "Content-Type: application/json"},
		{"text content type", `{"code":"SC"}`, "text/plain", errs.Invalid, "", "Content-Type"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var in org.UnitInput
			err := decode(c.body, c.ct, &in)
			if c.kind == errs.Other {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				if in.Code != "SC" {
					t.Fatalf("decoded %+v", in)
				}
				return
			}
			e, ok := err.(*errs.Error)
			if !ok {
				t.Fatalf("err = %#v, want an *errs.Error", err)
			}
			if e.Kind != c.kind || !strings.Contains(e.Field, c.field) || !strings.Contains(e.Msg, c.msg) || !hasHan(e.Msg) {
				t.Fatalf("got kind %v field %q msg %q; want kind %v field ~%q msg ~%q", e.Kind, e.Field, e.Msg, c.kind, c.field, c.msg)
			}
			if c.field != "" && e.Field != c.field && !strings.Contains(c.name, "quote") {
				t.Errorf("field %q, want %q", e.Field, c.field)
			}
		})
	}

	// The field named is the one the client sent: the API's user input embeds org.UserInput,
	// whose fields are top-level members of the JSON object.
	t.Run("embedded struct field", func(t *testing.T) {
		for _, c := range []struct{ body, field, want string }{
			{`{"username":"a","roles":["admin"],"password":1}`, "password", "字符串"},
			{`{"username":"a","roles":"admin"}`, "roles", "数组"},
			{`{"username":"a","roles":[1]}`, "roles", "字符串"},
			{`{"username":"a","disabled":"yes"}`, "disabled", "布尔值"},
			{`{"username":1}`, "username", "字符串"},
		} {
			var in userCreate
			err := decode(c.body, ct, &in)
			if err == nil || !strings.Contains(httpx.Message(err), c.want) {
				t.Fatalf("%s: err = %v", c.body, err)
			}
			if got := httpx.Field(err); got != c.field {
				t.Fatalf("%s: field %q, want %q", c.body, got, c.field)
			}
		}
	})

	// Media types are case-insensitive (RFC 9110 §8.3.1): a client that writes
	// "Application/JSON" sends JSON.
	t.Run("content type case", func(t *testing.T) {
		var in org.UnitInput
		if err := decode(`{"code":"SC"}`, "Application/JSON; charset=UTF-8", &in); err != nil {
			t.Fatalf("Application/JSON refused: %v", err)
		}
	})
}

func TestStatusAndMessage(t *testing.T) {
	internal := errors.New("pq: password authentication failed for user jianfu at 10.0.0.5")
	generic := "服务器内部错误,请稍后重试;如持续出现请联系管理员"
	var list errs.List
	list.Add("第 3 行 工号", "工号重复")
	list.Add("第 4 行 姓名", "不能为空")
	for _, c := range []struct {
		name   string
		err    error
		status int
		code   string
		msg    string // exact, or a prefix when it ends in …
	}{
		{"invalid", errs.Field("code", "单位编码无效"), 400, "invalid", "单位编码无效"},
		{"not found", errs.E(errs.NotFound, "不存在或不在您的管辖范围内"), 404, "not_found", "不存在或不在您的管辖范围内"},
		{"conflict", errs.E(errs.Conflict, "编码已被使用"), 409, "conflict", "编码已被使用"},
		{"forbidden", errs.E(errs.Forbidden, "没有权限"), 403, "forbidden", "没有权限"},
		{"unauthorized", errs.E(errs.Unauthorized, "请先登录"), 401, "unauthorized", "请先登录"},
		{"too large", errs.E(errs.TooLarge, "上传内容过大"), 413, "too_large", "上传内容过大"},
		{"rate limited", errs.E(errs.RateLimited, "已锁定"), 429, "rate_limited", "已锁定"},
		{"wrapped kind", fmt.Errorf("org: create unit: %w", errs.E(errs.Conflict, "编码已被使用")), 409, "conflict", "编码已被使用"},
		{"classified wrap hides the cause", errs.Wrap(errs.Invalid, "无法解析请求体", internal), 400, "invalid", "无法解析请求体"},
		{"list", list.Err(), 400, "invalid", "共有 2 处错误:…"},
		{"plain error", internal, 500, "internal", generic},
		{"wrapped plain error", fmt.Errorf("store: begin: %w", internal), 500, "internal", generic},
		{"Other kind", errs.Wrap(errs.Other, "数据库故障 10.0.0.5", internal), 500, "internal", generic},
		{"Other kind from E", errs.E(errs.Other, "内部细节"), 500, "internal", generic},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := httpx.Status(c.err); got != c.status {
				t.Errorf("Status = %d, want %d", got, c.status)
			}
			msg := httpx.Message(c.err)
			if p, ok := strings.CutSuffix(c.msg, "…"); ok {
				if !strings.HasPrefix(msg, p) {
					t.Errorf("Message = %q, want a prefix %q", msg, p)
				}
			} else if msg != c.msg {
				t.Errorf("Message = %q, want %q", msg, c.msg)
			}
			// The uniform body says the same and never carries the internal cause.
			w := httptest.NewRecorder()
			httpx.WriteError(w, httptest.NewRequest("GET", "/api/v1/x", nil), c.err)
			var body httpx.ErrorBody
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if w.Code != c.status || body.Error.Code != c.code || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
				t.Errorf("WriteError: %d %s %s", w.Code, w.Header().Get("Content-Type"), w.Body.String())
			}
			for _, secret := range []string{"pq:", "10.0.0.5", "password authentication", "内部细节"} {
				if strings.Contains(w.Body.String(), secret) {
					t.Errorf("the body leaks %q: %s", secret, w.Body.String())
				}
			}
		})
	}
	t.Run("list details", func(t *testing.T) {
		w := httptest.NewRecorder()
		httpx.WriteError(w, httptest.NewRequest("POST", "/api/v1/x", nil), fmt.Errorf("import: %w", list.Err()))
		var body httpx.ErrorBody
		json.Unmarshal(w.Body.Bytes(), &body)
		if len(body.Error.Details) != 2 || body.Error.Details[0].Field != "第 3 行 工号" || body.Error.Message != "共有 2 处错误" {
			t.Errorf("%s", w.Body.String())
		}
	})
	if httpx.Field(errs.Field("name", "x")) != "name" || httpx.Field(errors.New("x")) != "" {
		t.Error("Field")
	}
}

func TestRecover(t *testing.T) {
	h := httpx.Recover(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(fmt.Errorf("db password hunter2")) }))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 500 || strings.Contains(w.Body.String(), "hunter2") {
		t.Fatalf("%d %q", w.Code, w.Body.String())
	}
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Fatalf("recovered %v, want http.ErrAbortHandler re-raised", v)
		}
	}()
	httpx.Recover(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })).
		ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
}

func TestQueryHelpers(t *testing.T) {
	r := httptest.NewRequest("GET", "/x?limit=20&bad=-1&big=99999&id=7&zero=0&word=abc", nil)
	if n, err := httpx.QueryInt(r, "limit", 50, 500); n != 20 || err != nil {
		t.Errorf("limit: %d %v", n, err)
	}
	if n, err := httpx.QueryInt(r, "absent", 50, 500); n != 50 || err != nil {
		t.Errorf("default: %d %v", n, err)
	}
	for _, name := range []string{"bad", "big", "word"} {
		if _, err := httpx.QueryInt(r, name, 0, 500); httpx.Field(err) != name || httpx.Status(err) != 400 {
			t.Errorf("%s: %v", name, err)
		}
	}
	if id, err := httpx.QueryID(r, "id"); id != 7 || err != nil {
		t.Errorf("id: %d %v", id, err)
	}
	for _, name := range []string{"zero", "bad", "word"} {
		if _, err := httpx.QueryID(r, name); httpx.Field(err) != name {
			t.Errorf("QueryID %s: %v", name, err)
		}
	}
	if n, err := httpx.QueryIntValue(" 30 ", "ttl_days", 90, 3650); n != 30 || err != nil {
		t.Errorf("QueryIntValue: %d %v", n, err)
	}
	if _, err := httpx.QueryIntValue("4000", "ttl_days", 90, 3650); httpx.Field(err) != "ttl_days" {
		t.Errorf("QueryIntValue over max: %v", err)
	}
}

// FuzzDecodeJSON feeds arbitrary bodies to DecodeJSON. It must never panic, and must return nil
// or an *errs.Error of kind Invalid or TooLarge whose message is non-empty Chinese (the API
// shows it to the user as it is), mapped to 400 or 413.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"code":"SC","name":"四川省消防救援总队","kind":"corps","parent_id":0,"parent_code":"","sort_order":1}`,
		`{"username":"admin","display_name":"管理员","roles":["admin","office"],"disabled":false,"password":"Jianfu@2026"}`,
		`{}`, `null`, `[]`, `""`, `0`, `{"code":1}`, `{"roles":[1]}`, `{"colour":"red"}`, `{"a":`, `{"code":"SC"} {}`,
		`{"code":"\u0000"}`, `{"sort_order":1e400}`, `{"parent_id":-1}`, "\xff\xfe{", `{"name":"\ud800"}`,
		`{"code":"SC","code":"SD"}`, `{"CODE":"SC"}`, `{"Roles":null}`, `{"disabled":"true"}`,
	} {
		f.Add(s, "application/json")
	}
	f.Add(`{"code":"SC"}`, "")
	f.Add(`{"code":"SC"}`, "text/plain")
	f.Fuzz(func(t *testing.T, body, contentType string) {
		for _, v := range []any{new(org.UnitInput), new(org.PersonInput), new(userCreate), new(map[string]any)} {
			r := httptest.NewRequest("POST", "/api/v1/units", strings.NewReader(body))
			if contentType != "" {
				r.Header["Content-Type"] = []string{contentType}
			}
			err := httpx.DecodeJSON(httptest.NewRecorder(), r, v)
			if err == nil {
				// Accepted input is one JSON value and nothing more.
				if !json.Valid([]byte(body)) {
					t.Fatalf("accepted invalid JSON %q into %T", body, v)
				}
				continue
			}
			e, ok := err.(*errs.Error)
			if !ok {
				t.Fatalf("%T for %q: %#v, want an *errs.Error", v, body, err)
			}
			if e.Kind != errs.Invalid && e.Kind != errs.TooLarge {
				t.Fatalf("kind %v for %q", e.Kind, body)
			}
			if e.Msg == "" || !hasHan(e.Msg) {
				t.Fatalf("message %q for %q is not Chinese", e.Msg, body)
			}
			if s := httpx.Status(err); s != 400 && s != 413 {
				t.Fatalf("status %d for %q", s, body)
			}
			if httpx.Message(err) == "" {
				t.Fatal("empty user message")
			}
		}
	})
}
