package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/intake"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func TestMain(m *testing.M) {
	// Every fixture user's password is hashed; the production cost would make the suite slow
	// without testing anything more.
	auth.Cost = auth.Cheap
	os.Exit(m.Run())
}

// testPassword satisfies auth.CheckStrength and contains none of the fixture usernames.
const testPassword = "Jianfu-Test-2026"

// roles are the callers of the scope table: one user per role, two liaisons of different 大队,
// and an anonymous caller.
var roles = []string{"admin", "office", "lead", "support", "liaisonA", "liaisonB", "reviewer", "inspector", "staff", "anon"}

// cred is how a fixture user authenticates: a session cookie with its CSRF token, and a token.
type cred struct {
	cookie, csrf, token string
}

// fixture is a small bureau built through org with org.System:
//
//	ZD 测试总队
//	├── BGS 办公室, XXC 信息通信处, XCC 新闻宣传处 (departments)
//	└── ZD-A 甲市支队
//	    ├── DD-A 甲区大队 └── ZA-1 甲一站
//	    └── DD-B 乙区大队 └── ZB-1 乙一站
//
// Which units each role sees is written down here (visible), not computed by org, so that the
// table tests org's scoping rather than repeating it.
type fixture struct {
	db      *store.DB
	api     *API
	h       http.Handler
	units   map[string]org.Unit   // by code
	people  map[string]org.Person // by 工号
	users   map[string]org.User   // by role name (and "victim")
	creds   map[string]cred       // by role name
	visible map[string]map[int64]bool
	// assets is the inventory addAssets records (by code), and objects rows create on the way.
	assets map[string]catalog.Asset
	seq    int // numbers the assets rows create, so that their codes differ
	// requests are the intake requests addIntake files (by name), nil until it has run.
	requests map[string]intake.Request
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	st := &org.Store{DB: db}
	a := &API{DB: db, Org: st, Auth: &auth.Service{DB: db}}
	fx := &fixture{db: db, api: a, h: httpx.Identify(a.Auth, a.Handler()),
		units: map[string]org.Unit{}, people: map[string]org.Person{}, users: map[string]org.User{},
		creds: map[string]cred{}, visible: map[string]map[int64]bool{}, assets: map[string]catalog.Asset{}}

	for _, u := range []struct{ code, name, kind, parent string }{
		{"ZD", "测试总队", "corps", ""},
		{"BGS", "办公室", "department", "ZD"},
		{"XXC", "信息通信处", "department", "ZD"},
		{"XCC", "新闻宣传处", "department", "ZD"},
		{"ZD-A", "甲市支队", "detachment", "ZD"},
		{"DD-A", "甲区大队", "brigade", "ZD-A"},
		{"ZA-1", "甲一站", "station", "DD-A"},
		{"DD-B", "乙区大队", "brigade", "ZD-A"},
		{"ZB-1", "乙一站", "station", "DD-B"},
	} {
		in := org.UnitInput{Code: u.code, Name: u.name, Kind: org.UnitKind(u.kind)}
		if u.parent != "" {
			in.ParentID = fx.units[u.parent].ID
		}
		unit, err := st.CreateUnit(ctx, org.System, in)
		storetest.Must(t, err)
		fx.units[u.code] = unit
	}
	for _, p := range []struct{ code, name, unit string }{
		{"P-ZD-1", "张总", "ZD"}, {"P-BGS-1", "李文", "BGS"}, {"P-ZDA-1", "王支", "ZD-A"},
		{"P-A-1", "赵甲", "DD-A"}, {"P-A-2", "钱甲", "DD-A"},
		{"P-A1-1", "孙一", "ZA-1"}, {"P-A1-2", "周一", "ZA-1"}, {"P-A1-3", "吴一", "ZA-1"},
		{"P-B-1", "郑乙", "DD-B"}, {"P-B1-1", "冯二", "ZB-1"}, {"P-B1-2", "陈二", "ZB-1"},
	} {
		person, err := st.CreatePerson(ctx, org.System, org.PersonInput{Code: p.code, Name: p.name, UnitID: fx.units[p.unit].ID})
		storetest.Must(t, err)
		fx.people[p.code] = person
	}
	hash, err := auth.HashPassword(testPassword)
	storetest.Must(t, err)
	for _, u := range []struct {
		key  string
		role org.Role
		unit string
	}{
		{"admin", org.RoleAdmin, "ZD"}, {"office", org.RoleOffice, "BGS"}, {"lead", org.RoleLead, "XXC"},
		{"support", org.RoleSupport, "BGS"}, {"liaisonA", org.RoleLiaison, "DD-A"}, {"liaisonB", org.RoleLiaison, "DD-B"},
		{"reviewer", org.RoleReviewer, "XCC"}, {"inspector", org.RoleInspector, "ZD-A"}, {"staff", org.RoleStaff, "ZA-1"},
		{"victim", org.RoleStaff, "ZB-1"},
	} {
		// Scope units are left to org's defaults (the root for admin, office and departments, the
		// own unit otherwise); visible below says what that must amount to.
		user, err := st.CreateUser(ctx, org.System, org.UserInput{Username: "t-" + strings.ToLower(u.key), DisplayName: "测试" + u.key,
			UnitID: fx.units[u.unit].ID, Roles: []org.Role{u.role}}, hash)
		storetest.Must(t, err)
		fx.users[u.key] = user
	}
	// Fixture users start with their passwords changed; TestMustChangePassword sets the flag
	// back for the one user it needs it on.
	_, err = db.ExecContext(ctx, `UPDATE users SET must_change_password = FALSE`)
	storetest.Must(t, err)
	for _, key := range roles {
		if key != "anon" {
			fx.creds[key] = fx.login(t, key)
		}
	}

	root := []string{"ZD", "BGS", "XXC", "XCC", "ZD-A", "DD-A", "ZA-1", "DD-B", "ZB-1"}
	for key, codes := range map[string][]string{
		"admin": root, "office": root, "lead": root, "support": root,
		"liaisonA": {"DD-A", "ZA-1"}, "liaisonB": {"DD-B", "ZB-1"}, "reviewer": {"XCC"},
		"inspector": {"ZD-A", "DD-A", "ZA-1", "DD-B", "ZB-1"}, "staff": {"ZA-1"},
	} {
		fx.visible[key] = map[int64]bool{}
		for _, c := range codes {
			fx.visible[key][fx.units[c].ID] = true
		}
	}
	return fx
}

// login starts a session for the fixture user key the way the web's login form does, and
// issues it an API token.
func (fx *fixture) login(t *testing.T, key string) cred {
	t.Helper()
	ctx := context.Background()
	u, secret, err := fx.api.Auth.Login(ctx, fx.users[key].Username, testPassword)
	storetest.Must(t, err)
	sess, _, err := fx.api.Auth.Resolve(ctx, secret)
	storetest.Must(t, err)
	_, token, err := fx.api.Auth.CreateToken(ctx, u, "fixture", 0)
	storetest.Must(t, err)
	return cred{cookie: secret, csrf: sess.CSRF, token: token}
}

// mode is how a request authenticates.
type mode string

const (
	bySession mode = "session" // cookie, plus X-CSRF-Token on state-changing requests
	byToken   mode = "token"   // Authorization: Bearer
)

// req describes one request; body is JSON-encoded unless it is a string or []byte.
type req struct {
	method, path string
	body         any
	contentType  string
	header       map[string]string
}

// do sends r as the fixture user key ("anon" for nobody) authenticated by m.
func (fx *fixture) do(t *testing.T, key string, m mode, r req) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	ct := r.contentType
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(data)
		if ct == "" {
			ct = "application/json"
		}
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	if ct != "" {
		hr.Header.Set("Content-Type", ct)
	}
	if c, ok := fx.creds[key]; ok {
		switch m {
		case bySession:
			hr.AddCookie(&http.Cookie{Name: httpx.SessionCookie, Value: c.cookie})
			if unsafeMethod(r.method) {
				hr.Header.Set("X-CSRF-Token", c.csrf)
			}
		case byToken:
			hr.Header.Set("Authorization", "Bearer "+c.token)
		}
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	fx.h.ServeHTTP(rec, hr)
	if rec.Code >= 400 {
		checkErrorBody(t, rec)
	}
	if rec.Code >= 500 {
		t.Errorf("%s %s as %s: server error %d: %s", r.method, r.path, key, rec.Code, rec.Body)
	}
	return rec
}

// checkErrorBody asserts the uniform error body: JSON with a code and a Chinese message. (An
// import with row errors answers with its report, which carries the same "error" member.)
func checkErrorBody(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error response has Content-Type %q: %.300s", ct, rec.Body)
		return
	}
	var body httpx.ErrorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Errorf("error body is not JSON: %v: %.300s", err, rec.Body)
		return
	}
	if body.Error.Code == "" || body.Error.Message == "" {
		t.Errorf("error body without code or message: %.300s", rec.Body)
	}
}

// errorOf decodes an error response.
func errorOf(t *testing.T, rec *httptest.ResponseRecorder) httpx.ErrorDetail {
	t.Helper()
	var body httpx.ErrorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("decode error body: %v: %s", err, rec.Body)
	}
	return body.Error
}

// decode reads a JSON response into v.
func decode(t *testing.T, rec *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("decode response: %v: %s", err, rec.Body)
	}
}

// auditLen is the number of audit entries, to show that a rejected request wrote nothing.
func auditLen(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	storetest.Must(t, db.QueryRowContext(context.Background(), `SELECT count(*) FROM audit_log`).Scan(&n))
	return n
}

// sameEngine returns a fresh database on db's engine, for a second independent run.
func sameEngine(t *testing.T, db *store.DB) *store.DB {
	if db.Engine == store.Postgres {
		return storetest.Postgres(t)
	}
	return storetest.SQLite(t)
}

func decodeBytes(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode response: %v: %s", err, b)
	}
}
