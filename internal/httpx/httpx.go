// Package httpx is what the web pages and the JSON API share: resolving the caller from a
// session cookie or a bearer token, CSRF checks, request limits, and the one mapping from error
// kinds to HTTP status codes.
package httpx

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "jianfu_session"

// Caller is the resolved user of a request.
type Caller struct {
	User    org.User
	Session *auth.Session // nil for bearer tokens
}

// Principal is the caller as store methods see it.
func (c *Caller) Principal() org.Principal { return c.User.Principal() }

type ctxKey struct{}

// CallerFrom returns the request's caller, or nil when nobody is logged in.
func CallerFrom(ctx context.Context) *Caller {
	c, _ := ctx.Value(ctxKey{}).(*Caller)
	return c
}

// WithCaller stores the caller in ctx.
func WithCaller(ctx context.Context, c *Caller) context.Context {
	return context.WithValue(ctx, ctxKey{}, c)
}

// Identify resolves the caller from a bearer token or the session cookie and stores it in the
// request context. It never rejects: handlers decide whether a caller is required.
func Identify(a *auth.Service, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
			u, err := a.ResolveToken(r.Context(), strings.TrimSpace(strings.TrimPrefix(h, "Bearer ")))
			if err == nil {
				r = r.WithContext(WithCaller(r.Context(), &Caller{User: u}))
			} else if errs.KindOf(err) == errs.Other {
				slog.ErrorContext(r.Context(), "resolve token", "err", err)
			}
		} else if ck, err := r.Cookie(SessionCookie); err == nil && ck.Value != "" {
			sess, u, err := a.Resolve(r.Context(), ck.Value)
			if err == nil {
				r = r.WithContext(WithCaller(r.Context(), &Caller{User: u, Session: &sess}))
			} else if errs.KindOf(err) == errs.Other {
				slog.ErrorContext(r.Context(), "resolve session", "err", err)
			}
		}
		next.ServeHTTP(w, r)
	})
}

// CheckCSRF verifies a state-changing request made with a session cookie carries the session's
// CSRF token (form field "csrf" or header X-CSRF-Token). Bearer-token requests cannot be forged
// by a browser and need none. This sits behind http.CrossOriginProtection as a second line for
// browsers that send no Sec-Fetch-Site or Origin.
func CheckCSRF(r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	c := CallerFrom(r.Context())
	if c == nil || c.Session == nil {
		return nil
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" && strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		// Uploads are parsed here, under the body limit, so that an oversized file is reported
		// as such rather than as a missing token.
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return errs.E(errs.TooLarge, "上传内容过大")
			}
			return errs.Wrap(errs.Invalid, "上传内容无法解析", err)
		}
	}
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(c.Session.CSRF)) != 1 {
		return errs.E(errs.Forbidden, "页面已过期或请求来源不明(CSRF 校验失败),请刷新页面后重试")
	}
	return nil
}

// Status maps an error kind to its HTTP status. This is the only place that does.
func Status(err error) int {
	switch errs.KindOf(err) {
	case errs.Invalid:
		return http.StatusBadRequest
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Conflict:
		return http.StatusConflict
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.Unauthorized:
		return http.StatusUnauthorized
	case errs.TooLarge:
		return http.StatusRequestEntityTooLarge
	case errs.RateLimited:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// Message is the text a user may see for err: the classified message, or a generic one for
// internal faults (whose detail goes to the log only).
func Message(err error) string {
	if e, ok := errs.As(err); ok && e.Kind != errs.Other {
		if l, ok := errs.ListOf(err); ok {
			return e.Msg + ":" + l.Error()
		}
		return e.Msg
	}
	return "服务器内部错误,请稍后重试;如持续出现请联系管理员"
}

// Field is the input field err concerns, if any.
func Field(err error) string {
	if e, ok := errs.As(err); ok {
		return e.Field
	}
	return ""
}

// ErrorBody is the API's uniform error body.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong: a stable code, a Chinese message and the field concerned.
type ErrorDetail struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Field   string   `json:"field,omitempty"`
	Details []Detail `json:"details,omitempty"`
}

// Detail is one of several problems (for example one bad row of an import).
type Detail struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// WriteError writes err as the uniform JSON error body, logging internal faults.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	status := Status(err)
	if status == http.StatusInternalServerError {
		slog.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	body := ErrorBody{Error: ErrorDetail{Code: errs.KindOf(err).Code(), Message: Message(err), Field: Field(err)}}
	if l, ok := errs.ListOf(err); ok {
		body.Error.Message = errs.KindOf(err).Code()
		if e, ok := errs.As(err); ok {
			body.Error.Message = e.Msg
		}
		for _, it := range l.Items {
			body.Error.Details = append(body.Error.Details, Detail{Field: it.Field, Message: it.Msg})
		}
	}
	WriteJSON(w, status, body)
}

// WriteJSON writes v as JSON with the status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// MaxJSONBody is the largest JSON request body accepted.
const MaxJSONBody = 1 << 20

// DecodeJSON reads exactly one JSON object into v, refusing unknown fields, trailing data,
// wrong types and bodies over MaxJSONBody, with a Chinese message naming the field.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return errs.E(errs.Invalid, "请求体应为 JSON(Content-Type: application/json)")
		}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxJSONBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.More() {
			return errs.E(errs.Invalid, "请求体只能包含一个 JSON 对象")
		}
		if _, err := dec.Token(); err != io.EOF {
			return errs.E(errs.Invalid, "请求体只能包含一个 JSON 对象")
		}
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return errs.E(errs.TooLarge, "请求体过大(最多 1 MB)")
	case errors.As(err, &syn):
		return errs.E(errs.Invalid, "JSON 格式错误,位于第 "+strconv.FormatInt(syn.Offset, 10)+" 个字节附近")
	case errors.As(err, &typ):
		return errs.Field(jsonField(typ.Field), "类型错误:应为 "+jsonType(typ.Type.Kind().String()))
	case errors.Is(err, io.EOF):
		return errs.E(errs.Invalid, "请求体为空")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errs.E(errs.Invalid, "JSON 不完整")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return errs.Field(f, "未知字段")
	}
	return errs.Wrap(errs.Invalid, "无法解析请求体", err)
}

// jsonField drops the names of embedded Go structs from a decoder's field path
// ("UserInput.roles" → "roles"): clients know the JSON names only, which are lower case.
func jsonField(path string) string {
	parts := strings.Split(path, ".")
	for len(parts) > 1 && parts[0] != "" && unicode.IsUpper([]rune(parts[0])[0]) {
		parts = parts[1:]
	}
	return strings.Join(parts, ".")
}

func jsonType(k string) string {
	switch k {
	case "string":
		return "字符串"
	case "bool":
		return "布尔值"
	case "slice":
		return "数组"
	case "struct", "map":
		return "对象"
	}
	if strings.HasPrefix(k, "int") || strings.HasPrefix(k, "uint") || strings.HasPrefix(k, "float") {
		return "数字"
	}
	return k
}

// PathID reads a positive integer id from the path value name.
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Field(name, "编号无效:"+r.PathValue(name))
	}
	return id, nil
}

// QueryInt reads an optional non-negative integer query parameter within [0, max].
func QueryInt(r *http.Request, name string, def, max int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > max {
		return 0, errs.Field(name, "参数 "+name+" 应为 0 到 "+strconv.Itoa(max)+" 之间的整数")
	}
	return n, nil
}

// QueryID reads an optional id query parameter (0 when absent).
func QueryID(r *http.Request, name string) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Field(name, "参数 "+name+" 应为正整数")
	}
	return id, nil
}

// Recover turns a panic in a handler into a 500 (logged with the stack by net/http's own
// machinery being bypassed, so we log it here) instead of a dropped connection.
func Recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				slog.ErrorContext(r.Context(), "panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				http.Error(w, "服务器内部错误", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// QueryIntValue parses s (a form or query value named name) as an integer in [0, max]; empty
// gives def.
func QueryIntValue(s, name string, def, max int) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > max {
		return 0, errs.Field(name, name+" 应为 0 到 "+strconv.Itoa(max)+" 之间的整数")
	}
	return n, nil
}
