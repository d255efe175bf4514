// Package api is jianfu's JSON API under /api/v1: the organisation (units, people, users), the
// inventory of apps, accounts and groups (清单) with members, lifecycle, merges and attestation,
// the health check (体检: rules, runs and findings), activity data ingest and the burden index
// (负担指数), the caller's own account and API tokens, the audit log, and imports and exports of
// the organisation, described by an OpenAPI 3 document served at /api/v1/openapi.json.
//
// Handlers are thin: they decode and validate the request, call the domain package with the
// caller as a Principal, and write the result. Permissions and scope are the domain packages'
// business (org, catalog and intake filter every query by the caller's subtree); only endpoints
// that do not go through them (audit, tokens) check permissions here, besides a few checks made
// first so that the answer does not depend on what the request names (merge, intake's writes). Every error, including unknown
// paths and wrong methods, is the uniform body {"error":{"code","message","field"}}.
package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/intake"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// Prefix is the path under which the API is mounted.
const Prefix = "/api/v1/"

// API serves the JSON API. All fields are required except Catalog and Intake, which Handler
// sets to ones on DB when they are nil (as web.New does). Intake keeps an index of the bureau's
// apps, so a server should pass the one its web pages use rather than have a second one built.
type API struct {
	DB      *store.DB
	Org     *org.Store
	Auth    *auth.Service
	Catalog *catalog.Store
	Intake  *intake.Service
}

// Handler returns the handler for paths starting with /api/v1/. It expects the caller to have
// been resolved by httpx.Identify already; it rejects anonymous callers itself (except for the
// OpenAPI document), checks CSRF on state-changing requests made with a session cookie, and
// answers unknown paths and wrong methods with JSON errors rather than ServeMux's plain text.
func (a *API) Handler() http.Handler {
	if a.Catalog == nil {
		a.Catalog = &catalog.Store{DB: a.DB}
	}
	if a.Intake == nil {
		a.Intake = intake.New(a.DB)
	}
	mux := http.NewServeMux()
	// fallback sees only requests no route matched: a known path with another method gets 405,
	// anything else 404.
	fallback := http.NewServeMux()
	allowed := map[string][]string{}
	for _, rt := range routes {
		mux.Handle(rt.Method+" "+rt.Path, a.wrap(rt))
		allowed[rt.Path] = append(allowed[rt.Path], rt.Method)
	}
	for path, methods := range allowed {
		fallback.Handle(path, methodNotAllowed(methods))
	}
	fallback.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteError(w, r, errs.E(errs.NotFound, "接口不存在:"+r.URL.Path))
	})
	mux.Handle("/", fallback)
	return mux
}

func methodNotAllowed(methods []string) http.Handler {
	allow := append([]string(nil), methods...)
	for _, m := range methods {
		if m == http.MethodGet {
			allow = append(allow, http.MethodHead)
		}
	}
	sort.Strings(allow)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		// errs has no kind for this (it is a fault of the client program, never of user input),
		// so the body is written directly in the same shape.
		httpx.WriteJSON(w, http.StatusMethodNotAllowed, httpx.ErrorBody{Error: httpx.ErrorDetail{
			Code:    "method_not_allowed",
			Message: "该接口不支持 " + r.Method + " 方法,可用方法:" + strings.Join(allow, ", "),
		}})
	})
}

// wrap admits the request to rt and writes the handler's error, if any, as the error body.
func (a *API) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if err := admit(rt, r); err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		// A second limit besides DecodeJSON's, so that no handler can be made to read an
		// unbounded body by mistake.
		limit := int64(httpx.MaxJSONBody)
		if rt.upload {
			// One byte more than the parsers accept, so that theirs is the limit that fires and
			// the caller gets their message rather than a read error.
			limit = MaxUpload + 1
		}
		if rt.batch {
			limit = MaxBatch
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if err := rt.handle(a, w, r); err != nil {
			httpx.WriteError(w, r, err)
		}
	})
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// admit decides whether the caller may reach the route at all: logged in, CSRF token present
// for cookie sessions, and no pending forced password change.
func admit(rt route, r *http.Request) error {
	if rt.public {
		return nil
	}
	c := httpx.CallerFrom(r.Context())
	if c == nil {
		return errs.E(errs.Unauthorized, "请先登录,或在 Authorization 请求头中提供访问令牌(Bearer jf_…)")
	}
	if c.Session != nil && unsafeMethod(r.Method) && r.Header.Get("X-CSRF-Token") == "" {
		// API clients send the token as a header; refusing here also keeps CheckCSRF from
		// falling back to parsing the body as a form.
		return errs.E(errs.Forbidden, "缺少 X-CSRF-Token 请求头(CSRF 校验失败);令牌可从 GET /api/v1/me 获取")
	}
	if err := httpx.CheckCSRF(r); err != nil {
		return err
	}
	// As on the web pages: a temporary password set by an administrator must be replaced before
	// the session may do anything else. Tokens are exempt so that a reset does not break the
	// machines that act for the user.
	if c.Session != nil && c.User.MustChangePassword && !rt.pwChange {
		return &errs.Error{Kind: errs.Forbidden, Field: "must_change_password",
			Msg: "请先修改初始密码(POST /api/v1/me/password)"}
	}
	return nil
}

// decodeJSON is httpx.DecodeJSON plus one rule: no string may contain a NUL character. JSON
// allows "\u0000", Go strings carry it, and PostgreSQL refuses it in text with an error that
// would otherwise surface as a 500 (org does not check every field it passes on, such as
// parent_code).
//
// It also names the field when a value's own UnmarshalJSON refuses it (catalog.Date does for
// "2026-02-30"): encoding/json reports that error without saying where, and httpx passes it on
// without a field.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	// A copy of what the decoder reads; httpx's body limit sits on top of it, so it stays under
	// MaxJSONBody.
	var read bytes.Buffer
	r.Body = readCloser{io.TeeReader(r.Body, &read), r.Body}
	if err := httpx.DecodeJSON(w, r, v); err != nil {
		return refusedField(err, read.Bytes(), reflect.TypeOf(v))
	}
	if field := nulField(reflect.ValueOf(v), ""); field != "" {
		return errs.Field(field, "不能包含空字符(\\u0000)")
	}
	return nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// refusedField turns err, when it is an unmarshaler's refusal, into an error about the first
// value of body that t's own unmarshalers refuse, named by its JSON path ("app.mlps_assessed_on").
// Any other error is returned as it is.
func refusedField(err error, body []byte, t reflect.Type) error {
	e, ok := errs.As(err)
	var cause *errs.Error
	if !ok || e.Kind != errs.Invalid || e.Field != "" || !errors.As(e.Err, &cause) {
		return err
	}
	var raw json.RawMessage
	if json.NewDecoder(bytes.NewReader(body)).Decode(&raw) != nil {
		return err
	}
	path, rerr := refusedPath(t, raw, "")
	if rerr == nil || path == "" {
		return err
	}
	msg := cause.Msg
	if re, ok := errs.As(rerr); ok && re.Msg != "" {
		msg = re.Msg
	}
	return errs.Field(path, msg)
}

// refusedPath walks raw along type t and returns the path of the first value whose type's
// UnmarshalJSON fails, with that failure; a nil error means none does.
func refusedPath(t reflect.Type, raw json.RawMessage, path string) (string, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if string(bytes.TrimSpace(raw)) == "null" {
		return "", nil
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		if err := json.Unmarshal(raw, reflect.New(t).Interface()); err != nil {
			return path, err
		}
		return "", nil
	}
	switch t.Kind() {
	case reflect.Struct:
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return "", nil
		}
		return refusedMember(t, obj, path)
	case reflect.Slice, reflect.Array:
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return "", nil
		}
		for i, it := range items {
			if p, err := refusedPath(t.Elem(), it, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return p, err
			}
		}
	}
	return "", nil
}

// refusedMember is refusedPath for the members of a JSON object decoded into struct type t.
func refusedMember(t reflect.Type, obj map[string]json.RawMessage, prefix string) (string, error) {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		ft := sf.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if sf.Anonymous && name == "" && ft.Kind() == reflect.Struct && !reflect.PointerTo(ft).Implements(unmarshalerType) {
			// An embedded struct's fields are the outer object's.
			if p, err := refusedMember(ft, obj, prefix); err != nil {
				return p, err
			}
			continue
		}
		if name == "" {
			name = sf.Name
		}
		raw, ok := obj[name]
		if !ok {
			for k, v := range obj { // encoding/json matches names case-insensitively
				if strings.EqualFold(k, name) {
					raw, ok = v, true
					break
				}
			}
		}
		if !ok {
			continue
		}
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		if p, err := refusedPath(sf.Type, raw, path); err != nil {
			return p, err
		}
	}
	return "", nil
}

// nulField returns the JSON name of the first string field in v holding a NUL, or "".
func nulField(v reflect.Value, name string) string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return nulField(v.Elem(), name)
		}
	case reflect.String:
		if strings.ContainsRune(v.String(), 0) {
			return name
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if f := nulField(v.Index(i), name); f != "" {
				return f
			}
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			sf := v.Type().Field(i)
			if !sf.IsExported() {
				continue
			}
			fname, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			switch {
			case fname == "-":
				continue
			case sf.Anonymous:
				fname = name // an embedded struct's fields are the outer object's
			case fname == "":
				fname = sf.Name
			}
			if f := nulField(v.Field(i), fname); f != "" {
				return f
			}
		}
	}
	return ""
}

// caller returns the request's caller; wrap has made sure there is one.
func caller(r *http.Request) *httpx.Caller { return httpx.CallerFrom(r.Context()) }

// principal is the caller as org sees it.
func principal(r *http.Request) org.Principal { return caller(r).Principal() }

// listBody is the shape of every list response.
type listBody[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// writeList writes a page of items; an empty page is [] rather than null, so clients need no
// special case.
func writeList[T any](w http.ResponseWriter, items []T, total int, pg org.Page) {
	if items == nil {
		items = []T{}
	}
	httpx.WriteJSON(w, http.StatusOK, listBody[T]{Items: items, Total: total, Limit: pg.Limit, Offset: pg.Offset})
}

// writeCreated answers a successful POST with the new object and where to find it.
func writeCreated(w http.ResponseWriter, location string, v any) {
	w.Header().Set("Location", location)
	httpx.WriteJSON(w, http.StatusCreated, v)
}

// maxOffset bounds offset so that a client cannot ask the database to skip an absurd number of
// rows.
const maxOffset = 1_000_000

// readPage reads limit (1–500, default 50) and offset (0–1000000, default 0).
func readPage(r *http.Request) (org.Page, error) {
	limit, err := httpx.QueryInt(r, "limit", 50, org.MaxPage)
	if err == nil && limit == 0 {
		err = errs.Field("limit", "参数 limit 应为 1 到 500 之间的整数")
	}
	if err != nil {
		return org.Page{}, err
	}
	offset, err := httpx.QueryInt(r, "offset", 0, maxOffset)
	if err != nil {
		return org.Page{}, err
	}
	return org.Page{Limit: limit, Offset: offset}, nil
}

// queryText reads an optional free-text query parameter of at most max characters.
func queryText(r *http.Request, name string, max int) (string, error) {
	s := strings.TrimSpace(r.URL.Query().Get(name))
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return "", errs.Field(name, "参数 "+name+" 含有无效字符")
	}
	if utf8.RuneCountInString(s) > max {
		return "", errs.Field(name, "参数 "+name+" 过长")
	}
	return s, nil
}

// scopeFilterErr turns "the unit named by a filter parameter is not in your scope" into a 400
// naming that parameter: it is a bad argument, and the message is the same whether the unit
// exists elsewhere or not at all, so nothing leaks.
func scopeFilterErr(err error, param string, id int64) error {
	if id != 0 && errs.Is(err, errs.NotFound) {
		return errs.Field(param, "参数 "+param+" 所指单位不存在或不在您的管辖范围内")
	}
	return err
}
