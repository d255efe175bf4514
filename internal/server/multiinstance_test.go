package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/server"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// adminPW satisfies auth.CheckStrength.
const adminPW = "Jianfu-Test-2026"

// logBuffer collects what the instances log, so that a test can show it on failure and look for
// database errors that a 500 hides from the client.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// instance is one `jianfu serve` process: its own pool, auth service and HTTP server.
type instance struct {
	db  *store.DB
	srv *httptest.Server
}

func newInstance(t *testing.T, db *store.DB, logs io.Writer) *instance {
	t.Helper()
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h, err := server.Handler(db, &auth.Service{DB: db}, server.Options{Version: "test", Log: log})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &instance{db: db, srv: srv}
}

// seed writes a root unit, a detachment and an administrator who has already changed the initial
// password.
func seed(t *testing.T, db *store.DB) (root, det org.Unit) {
	t.Helper()
	ctx := context.Background()
	st := &org.Store{DB: db}
	root, err := st.CreateUnit(ctx, org.System, org.UnitInput{Code: "ZD", Name: "测试总队", Kind: org.Corps})
	storetest.Must(t, err)
	det, err = st.CreateUnit(ctx, org.System, org.UnitInput{Code: "ZD-A", Name: "甲市支队", Kind: org.Detachment, ParentID: root.ID})
	storetest.Must(t, err)
	hash, err := auth.HashPassword(adminPW)
	storetest.Must(t, err)
	_, err = st.CreateUser(ctx, org.System, org.UserInput{Username: "admin", DisplayName: "管理员", UnitID: root.ID,
		Roles: []org.Role{org.RoleAdmin}}, hash)
	storetest.Must(t, err)
	_, err = db.ExecContext(ctx, `UPDATE users SET must_change_password = FALSE`)
	storetest.Must(t, err)
	return root, det
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// login posts the login form and returns the session cookie's value.
func login(t *testing.T, base, username, password string) string {
	t.Helper()
	resp, err := noRedirect.PostForm(base+"/login", url.Values{"username": {username}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: status %d", resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == httpx.SessionCookie && c.Value != "" {
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie without HttpOnly or SameSite=Lax: %+v", c)
			}
			return c.Value
		}
	}
	t.Fatal("login: no session cookie")
	return ""
}

// call makes a request with an optional session cookie (and CSRF token) or bearer token and
// returns the status and body.
func call(t *testing.T, method, u, cookie, csrf, bearer, contentType string, body io.Reader) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: httpx.SessionCookie, Value: cookie})
	}
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, u, err)
		return 0, nil, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// csrfToken reads the session's CSRF token from GET /api/v1/me.
func csrfToken(t *testing.T, base, cookie string) string {
	t.Helper()
	status, _, body := call(t, "GET", base+"/api/v1/me", cookie, "", "", "", nil)
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &me) != nil || me.CSRF == "" {
		t.Fatalf("GET /api/v1/me: %d %s", status, body)
	}
	return me.CSRF
}

func postJSON(t *testing.T, u, cookie, csrf, bearer string, v any) (int, []byte) {
	t.Helper()
	b, _ := json.Marshal(v)
	status, _, body := call(t, "POST", u, cookie, csrf, bearer, "application/json", bytes.NewReader(b))
	return status, body
}

// TestMultiInstancePostgres is the several-instances story of docs/operations.md: two
// instances, each with its own pool, share one PostgreSQL schema.
func TestMultiInstancePostgres(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	var dbs [2]*store.DB
	for i := range dbs {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	// Both instances start at once and migrate; the session lock lets one apply the
	// migrations and the other find them done.
	var wg sync.WaitGroup
	start := make(chan struct{})
	var versions [2]int64
	var errs [2]error
	for i, db := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			versions[i], errs[i] = db.Migrate(ctx)
		}()
	}
	close(start)
	wg.Wait()
	if errs[0] != nil || errs[1] != nil || versions[0] != versions[1] || versions[0] == 0 {
		t.Fatalf("concurrent migrations: versions %v, errors %v", versions, errs)
	}
	status, err := dbs[0].MigrationStatus(ctx)
	storetest.Must(t, err)
	var applied int
	storetest.Must(t, dbs[1].QueryRowContext(ctx, `SELECT count(*) FROM goose_db_version WHERE version_id > 0`).Scan(&applied))
	if applied != len(status) {
		t.Fatalf("%d migration records for %d migrations: some ran twice", applied, len(status))
	}
	multiInstance(t, dbs)
}

// TestMultiInstanceSQLite runs the same story on two handles of one SQLite file: WAL and
// busy_timeout must make concurrent writers wait rather than fail with "database is locked".
func TestMultiInstanceSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	ctx := context.Background()
	var dbs [2]*store.DB
	for i := range dbs {
		db, err := store.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		dbs[i] = db
	}
	multiInstance(t, dbs)
}

func multiInstance(t *testing.T, dbs [2]*store.DB) {
	ctx := context.Background()
	root, det := seed(t, dbs[0])
	var logs logBuffer
	a, b := newInstance(t, dbs[0], &logs), newInstance(t, dbs[1], &logs)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("instance logs:\n%s", logs.String())
		}
	})

	t.Run("session moves between instances", func(t *testing.T) {
		cookie := login(t, a.srv.URL, "admin", adminPW)
		if status, _, body := call(t, "GET", b.srv.URL+"/", cookie, "", "", "", nil); status != http.StatusOK || !bytes.Contains(body, []byte("管理员")) {
			t.Fatalf("GET / on B with A's session: %d", status)
		}
		// The CSRF token belongs to the session, not to the instance.
		csrf := csrfToken(t, a.srv.URL, cookie)
		if got := csrfToken(t, b.srv.URL, cookie); got != csrf {
			t.Fatalf("CSRF token differs between instances: %q, %q", csrf, got)
		}
		// Logging out on B ends the session on A too.
		resp, err := noRedirect.PostForm(b.srv.URL+"/logout", url.Values{"csrf": {csrf}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close() // no cookie: must not log anyone out
		status, hdr, _ := call(t, "POST", b.srv.URL+"/logout", cookie, "", "", "application/x-www-form-urlencoded",
			strings.NewReader(url.Values{"csrf": {csrf}}.Encode()))
		if status != http.StatusSeeOther || hdr.Get("Location") != "/login" {
			t.Fatalf("logout on B: %d %v", status, hdr)
		}
		if status, hdr, _ := call(t, "GET", a.srv.URL+"/", cookie, "", "", "", nil); status != http.StatusSeeOther ||
			!strings.HasPrefix(hdr.Get("Location"), "/login") {
			t.Fatalf("GET / on A after logout on B: %d %s, want a redirect to /login", status, hdr.Get("Location"))
		}
		if status, _, _ := call(t, "GET", a.srv.URL+"/api/v1/me", cookie, "", "", "", nil); status != http.StatusUnauthorized {
			t.Fatalf("GET /api/v1/me on A after logout on B: %d, want 401", status)
		}
	})

	t.Run("concurrent writes", func(t *testing.T) {
		// A browser session on A writes people, a token made on B (with the session's CSRF token
		// read from A) writes through B, and both add stations under one detachment, which takes
		// the tree lock.
		cookie := login(t, a.srv.URL, "admin", adminPW)
		csrf := csrfToken(t, a.srv.URL, cookie)
		status, body := postJSON(t, b.srv.URL+"/api/v1/tokens", cookie, csrf, "", map[string]any{"name": "并发测试"})
		var tok struct {
			Secret string `json:"secret"`
		}
		if status != http.StatusCreated || json.Unmarshal(body, &tok) != nil || !strings.HasPrefix(tok.Secret, "jf_") {
			t.Fatalf("POST /api/v1/tokens on B: %d %s", status, body)
		}
		var auditBefore, peopleBefore int
		storetest.Must(t, dbs[0].QueryRowContext(ctx, `SELECT count(*) FROM audit_log`).Scan(&auditBefore))
		storetest.Must(t, dbs[0].QueryRowContext(ctx, `SELECT count(*) FROM people`).Scan(&peopleBefore))

		const perInstance, stationsPer = 20, 5
		var wg sync.WaitGroup
		start := make(chan struct{})
		var mu sync.Mutex
		var failures []string
		write := func(inst *instance, useToken bool, path string, v any) {
			defer wg.Done()
			<-start
			c, x, bearer := cookie, csrf, ""
			if useToken {
				c, x, bearer = "", "", tok.Secret
			}
			if status, body := postJSON(t, inst.srv.URL+path, c, x, bearer, v); status != http.StatusCreated {
				mu.Lock()
				failures = append(failures, fmt.Sprintf("%s %v: %d %s", path, v, status, body))
				mu.Unlock()
			}
		}
		for i := 0; i < perInstance; i++ {
			wg.Add(2)
			go write(a, false, "/api/v1/people", org.PersonInput{Code: fmt.Sprintf("A-%02d", i), Name: "甲实例人员", UnitID: root.ID, Post: "科员"})
			go write(b, true, "/api/v1/people", org.PersonInput{Code: fmt.Sprintf("B-%02d", i), Name: "乙实例人员", UnitID: det.ID})
		}
		for i := 0; i < stationsPer; i++ {
			wg.Add(2)
			go write(a, false, "/api/v1/units", org.UnitInput{Code: fmt.Sprintf("ZA-%d", i), Name: fmt.Sprintf("甲%d站", i), Kind: org.Station, ParentID: det.ID})
			go write(b, true, "/api/v1/units", org.UnitInput{Code: fmt.Sprintf("ZB-%d", i), Name: fmt.Sprintf("乙%d站", i), Kind: org.Station, ParentID: det.ID})
		}
		close(start)
		wg.Wait()
		for _, f := range failures {
			t.Error(f)
		}
		if l := logs.String(); strings.Contains(l, "database is locked") || strings.Contains(l, "SQLITE_BUSY") {
			t.Errorf("the instances logged lock errors:\n%s", l)
		}

		var people, stations, auditAfter int
		storetest.Must(t, dbs[1].QueryRowContext(ctx, `SELECT count(*) FROM people`).Scan(&people))
		storetest.Must(t, dbs[1].QueryRowContext(ctx, `SELECT count(*) FROM units WHERE kind = 'station'`).Scan(&stations))
		storetest.Must(t, dbs[1].QueryRowContext(ctx, `SELECT count(*) FROM audit_log`).Scan(&auditAfter))
		if people-peopleBefore != 2*perInstance || stations != 2*stationsPer {
			t.Errorf("%d people and %d stations written, want %d and %d", people-peopleBefore, stations, 2*perInstance, 2*stationsPer)
		}
		if want := 2*perInstance + 2*stationsPer; auditAfter-auditBefore != want {
			t.Errorf("%d audit entries for %d writes", auditAfter-auditBefore, want)
		}
		for i, db := range dbs {
			res, err := audit.Verify(ctx, db)
			if err != nil || !res.OK() || res.Checked != int64(auditAfter) {
				t.Errorf("audit.Verify through pool %d: %+v, %v", i, res, err)
			}
		}
		// Every station's path is under its detachment: no tree write lost another's update.
		st := &org.Store{DB: dbs[1]}
		units, total, err := st.Units(ctx, org.System, org.UnitFilter{ParentID: det.ID, Kind: org.Station, Page: org.Page{Limit: 100}})
		storetest.Must(t, err)
		if total != 2*stationsPer {
			t.Errorf("%d stations under the detachment", total)
		}
		for _, u := range units {
			if !strings.HasPrefix(u.Path, det.Path) || u.Depth() != 2 {
				t.Errorf("station %s: path %s under %s", u.Code, u.Path, det.Path)
			}
		}
	})
}

// TestSQLiteConcurrentMigrate starts two processes on one SQLite file at once, as when `jianfu
// serve` and a scheduled `jianfu import` start together after an upgrade that brings migrations.
// Only one may apply them; the other must wait and find them done.
func TestSQLiteConcurrentMigrate(t *testing.T) {
	ctx := context.Background()
	for attempt := 0; attempt < 3; attempt++ {
		path := filepath.Join(t.TempDir(), "fresh.db")
		var wg sync.WaitGroup
		start := make(chan struct{})
		var errs [2]error
		var dbs [2]*store.DB
		for i := range dbs {
			db, err := store.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			dbs[i] = db
			if i == 0 {
				// The version table already exists, as in a database a previous release created:
				// both instances then find the same migrations pending.
				_, err := db.ExecContext(ctx, `CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY AUTOINCREMENT,
					version_id INTEGER NOT NULL, is_applied INTEGER NOT NULL, tstamp TIMESTAMP DEFAULT (datetime('now')));
					INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1);`)
				storetest.Must(t, err)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = db.Migrate(ctx)
			}()
		}
		close(start)
		wg.Wait()
		dbs[0].Close()
		dbs[1].Close()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("two processes migrating one SQLite file (attempt %d): %v / %v", attempt+1, errs[0], errs[1])
		}
	}
}

// healthServer is one instance on its own SQLite database, seeded with an administrator.
func healthServer(t *testing.T) (*instance, *store.DB) {
	t.Helper()
	db := storetest.SQLite(t)
	seed(t, db)
	return newInstance(t, db, io.Discard), db
}

func TestHealthAndReady(t *testing.T) {
	inst, db := healthServer(t)
	check := func(path string, wantStatus int, wantBody string) {
		t.Helper()
		status, _, body := call(t, "GET", inst.srv.URL+path, "", "", "", "", nil)
		if status != wantStatus || (wantBody != "" && string(body) != wantBody) {
			t.Errorf("GET %s: %d %q, want %d %q", path, status, body, wantStatus, wantBody)
		}
	}
	check("/healthz", 200, "ok\n")
	check("/readyz", 200, "ready\n")
	if status, _, _ := call(t, "POST", inst.srv.URL+"/healthz", "", "", "", "", nil); status != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz: %d", status)
	}
	db.Close()
	check("/readyz", http.StatusServiceUnavailable, "")
	check("/healthz", 200, "ok\n") // the process is alive; only readiness depends on the database
}

func TestSecurityHeaders(t *testing.T) {
	inst, _ := healthServer(t)
	cookie := login(t, inst.srv.URL, "admin", adminPW)
	for _, c := range []struct{ path, cookie string }{
		{"/login", ""}, {"/", cookie}, {"/units", cookie}, {"/healthz", ""}, {"/static/app.css", ""},
		{"/api/v1/openapi.json", ""}, {"/api/v1/me", cookie}, {"/api/v1/nope", cookie}, {"/nope", ""},
	} {
		_, hdr, _ := call(t, "GET", inst.srv.URL+c.path, c.cookie, "", "", "", nil)
		csp := hdr.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: Content-Security-Policy %q lacks %q", c.path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: Content-Security-Policy allows inline code: %q", c.path, csp)
		}
		for k, v := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"} {
			if hdr.Get(k) != v {
				t.Errorf("%s: %s = %q, want %q", c.path, k, hdr.Get(k), v)
			}
		}
	}
	t.Run("cross-site post refused", func(t *testing.T) {
		req, _ := http.NewRequest("POST", inst.srv.URL+"/login", strings.NewReader("username=admin&password="+url.QueryEscape(adminPW)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || len(resp.Cookies()) != 0 {
			t.Errorf("cross-site login: %d, cookies %v", resp.StatusCode, resp.Cookies())
		}
	})
	t.Run("secure cookie", func(t *testing.T) {
		db := storetest.SQLite(t)
		seed(t, db)
		h, err := server.Handler(db, &auth.Service{DB: db}, server.Options{SecureCookie: true, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		storetest.Must(t, err)
		srv := httptest.NewServer(h)
		defer srv.Close()
		resp, err := noRedirect.PostForm(srv.URL+"/login", url.Values{"username": {"admin"}, "password": {adminPW}})
		storetest.Must(t, err)
		resp.Body.Close()
		for _, c := range resp.Cookies() {
			if c.Name == httpx.SessionCookie && !c.Secure {
				t.Errorf("SecureCookie set, cookie %+v", c)
			}
		}
	})
}

// TestBodyTooLarge: a JSON body over 1 MiB is refused with 413 and the uniform JSON error, for
// a session and for a token alike.
func TestBodyTooLarge(t *testing.T) {
	inst, db := healthServer(t)
	cookie := login(t, inst.srv.URL, "admin", adminPW)
	csrf := csrfToken(t, inst.srv.URL, cookie)
	admin, err := org.LoadUserByName(context.Background(), db, "admin")
	storetest.Must(t, err)
	_, token, err := (&auth.Service{DB: db}).CreateToken(context.Background(), admin, "test", 0)
	storetest.Must(t, err)

	big := `{"code":"X1","kind":"station","name":"` + strings.Repeat("消", server.MaxBody/3+10) + `"}`
	for _, c := range []struct{ name, path, cookie, csrf, token string }{
		{"session", "/api/v1/units", cookie, csrf, ""},
		{"token", "/api/v1/units", "", "", token},
		{"token, people", "/api/v1/people", "", "", token},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, hdr, body := call(t, "POST", inst.srv.URL+c.path, c.cookie, c.csrf, c.token, "application/json", strings.NewReader(big))
			var e httpx.ErrorBody
			if status != http.StatusRequestEntityTooLarge || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") ||
				json.Unmarshal(body, &e) != nil || e.Error.Code != "too_large" || e.Error.Message == "" {
				t.Errorf("%d %s %s", status, hdr.Get("Content-Type"), body)
			}
		})
	}
	var n int
	storetest.Must(t, db.QueryRow(`SELECT count(*) FROM units WHERE code = 'X1'`).Scan(&n))
	if n != 0 {
		t.Error("the oversized unit was written")
	}
	// Just under the limit is not refused for its size.
	small := `{"code":"X2","kind":"station","name":"` + strings.Repeat("a", server.MaxBody-100) + `"}`
	status, _, body := call(t, "POST", inst.srv.URL+"/api/v1/units", "", "", token, "application/json", strings.NewReader(small))
	if status == http.StatusRequestEntityTooLarge || status == http.StatusInternalServerError {
		t.Errorf("a body under 1 MiB: %d %.200s", status, body)
	}
}

func TestRecoverPanics(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/boom", func(http.ResponseWriter, *http.Request) { panic("secret detail: password=hunter2") })
	mux.HandleFunc("/abort", func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })
	mux.HandleFunc("/ok", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) })
	// Keep the panic's log line (and net/http's for the abort) out of the test output.
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
	srv := httptest.NewUnstartedServer(httpx.Recover(mux))
	srv.Config.ErrorLog = slog.NewLogLogger(slog.NewTextHandler(io.Discard, nil), slog.LevelError)
	srv.Start()
	defer srv.Close()

	for i := 0; i < 3; i++ { // the server survives repeated panics
		status, _, body := call(t, "GET", srv.URL+"/boom", "", "", "", "", nil)
		if status != http.StatusInternalServerError || !strings.Contains(string(body), "服务器内部错误") {
			t.Fatalf("panic: %d %q", status, body)
		}
		if strings.Contains(string(body), "hunter2") {
			t.Fatalf("the panic value reached the client: %q", body)
		}
	}
	// http.ErrAbortHandler is re-raised so that net/http drops the connection quietly.
	if resp, err := http.Get(srv.URL + "/abort"); err == nil {
		resp.Body.Close()
		t.Errorf("ErrAbortHandler answered with %d; want the connection dropped", resp.StatusCode)
	}
	if status, _, body := call(t, "GET", srv.URL+"/ok", "", "", "", "", nil); status != 200 || string(body) != "ok" {
		t.Fatalf("after the panics: %d %q", status, body)
	}
}
