package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/demo"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/server"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func TestMain(m *testing.M) {
	// The demo hashes a password for every login and the tests create more; the production
	// cost would only make the suite slow.
	auth.Cost = auth.Cheap
	os.Exit(m.Run())
}

// TestPages builds the small demo bureau once per engine and serves it through the complete
// handler (pages, API and middleware, as jianfu serve does), then runs every page test against
// it. The read-only tests come first; tests that write use entities of their own (the third
// 大队, users they create) so that they do not disturb the others.
func TestPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		t.Run("login", fx.testLogin)
		t.Run("access", fx.testAccess)
		t.Run("scope", fx.testScope)
		t.Run("csrf", fx.testCSRF)
		t.Run("badinput", fx.testBadInput)
		t.Run("import", fx.testImport)
		t.Run("lang", fx.testLang)
		t.Run("password", fx.testPassword)
		t.Run("tokens", fx.testTokens)
		t.Run("audit", fx.testAudit)
		t.Run("assets", fx.testAssets)
		t.Run("settings", fx.testSettings)
		t.Run("assetimport", fx.testAssetImport)
		t.Run("findings", fx.testFindings)
	})
}

// logins are the demo's users, one per role and two liaisons (demo's loginSpecs).
var logins = []string{"admin", "office", "lead_office", "lead_it", "lead_news", "support", "liaison", "liaison2",
	"reviewer", "inspector", "staff"}

// fixture is the demo bureau behind a test server, and the units and people the tests refer to.
type fixture struct {
	db  *store.DB
	st  *org.Store
	srv *httptest.Server

	users map[string]org.User // the demo logins by username

	// brigadeA and brigadeB are the two liaisons' 大队 (their scope units); stationA and
	// stationB a 站 inside each, personA and personB someone working there. brigadeC is a third
	// 大队, in neither liaison's scope, for the tests that write; stationC is one of its 站.
	brigadeA, brigadeB, brigadeC org.Unit
	stationA, stationB, stationC org.Unit
	personA, personB             org.Person

	clients map[string]*client // logged-in demo users, shared by the tests
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	_, err := demo.Build(ctx, db, demo.Options{Preset: demo.Small, Seed: 1})
	storetest.Must(t, err)
	h, err := server.Handler(db, &auth.Service{DB: db}, server.Options{Version: "test"})
	storetest.Must(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	fx := &fixture{db: db, st: &org.Store{DB: db}, srv: srv, users: map[string]org.User{}, clients: map[string]*client{}}
	for _, name := range logins {
		u, err := org.LoadUserByName(ctx, db, name)
		storetest.Must(t, err)
		fx.users[name] = u
	}
	fx.brigadeA = fx.unit(t, fx.users["liaison"].ScopeUnitID)
	fx.brigadeB = fx.unit(t, fx.users["liaison2"].ScopeUnitID)
	if fx.brigadeA.Kind != org.Brigade || fx.brigadeB.Kind != org.Brigade {
		t.Fatalf("the liaisons' scopes are %s and %s, want two 大队", fx.brigadeA.Kind, fx.brigadeB.Kind)
	}
	fx.stationA = fx.child(t, fx.brigadeA, org.Station)
	fx.stationB = fx.child(t, fx.brigadeB, org.Station)
	fx.personA = fx.personIn(t, fx.stationA)
	fx.personB = fx.personIn(t, fx.stationB)

	// The third 大队: the first whose 支队 holds neither liaison's 大队, nor the reviewer's and
	// inspector's 支队.
	brigades, _, err := fx.st.Units(ctx, org.System, org.UnitFilter{Kind: org.Brigade, Page: org.Page{Limit: org.MaxPage}})
	storetest.Must(t, err)
	for _, b := range brigades {
		if b.ParentID != fx.brigadeA.ParentID && b.ParentID != fx.brigadeB.ParentID {
			fx.brigadeC = b
			break
		}
	}
	if fx.brigadeC.ID == 0 {
		t.Fatal("the demo has no 大队 outside the two liaisons' 支队")
	}
	fx.stationC = fx.child(t, fx.brigadeC, org.Station)
	return fx
}

func (fx *fixture) unit(t *testing.T, id int64) org.Unit {
	t.Helper()
	u, err := fx.st.Unit(context.Background(), org.System, id)
	storetest.Must(t, err)
	return u
}

func (fx *fixture) unitByCode(t *testing.T, code string) (org.Unit, bool) {
	t.Helper()
	u, err := fx.st.UnitByCode(context.Background(), org.System, code)
	return u, err == nil
}

func (fx *fixture) child(t *testing.T, parent org.Unit, kind org.UnitKind) org.Unit {
	t.Helper()
	list, _, err := fx.st.Units(context.Background(), org.System, org.UnitFilter{ParentID: parent.ID, Kind: kind})
	storetest.Must(t, err)
	for _, u := range list {
		if u.ParentID == parent.ID {
			return u
		}
	}
	t.Fatalf("unit %s has no %s", parent.Code, kind)
	return org.Unit{}
}

func (fx *fixture) personIn(t *testing.T, u org.Unit) org.Person {
	t.Helper()
	list, _, err := fx.st.People(context.Background(), org.System, org.PersonFilter{UnitID: u.ID})
	storetest.Must(t, err)
	for _, p := range list {
		if p.UnitID == u.ID {
			return p
		}
	}
	t.Fatalf("unit %s has nobody", u.Code)
	return org.Person{}
}

// count runs a count(*) query written independently of org's.
func (fx *fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	storetest.Must(t, fx.db.QueryRowContext(context.Background(), query, args...).Scan(&n))
	return n
}

// tally is how many rows the tables that pages write hold; a refused request changes none.
type tally struct{ Units, People, Users, Audit int }

func (fx *fixture) tally(t *testing.T) tally {
	t.Helper()
	return tally{
		Units:  fx.count(t, `SELECT count(*) FROM units`),
		People: fx.count(t, `SELECT count(*) FROM people`),
		Users:  fx.count(t, `SELECT count(*) FROM users`),
		Audit:  fx.count(t, `SELECT count(*) FROM audit_log`),
	}
}

// client is one browser: a cookie jar, redirects not followed, and the session's CSRF token
// once logged in.
type client struct {
	fx   *fixture
	hc   *http.Client
	csrf string
}

// response is what the server answered.
type response struct {
	Status int
	Header http.Header
	Body   string
}

// Location is the redirect target.
func (r response) Location() string { return r.Header.Get("Location") }

func (fx *fixture) anon(t *testing.T) *client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	storetest.Must(t, err)
	return &client{fx: fx, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (c *client) do(t *testing.T, req *http.Request) response {
	t.Helper()
	res, err := c.hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.RequestURI(), err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", req.Method, req.URL.RequestURI(), err)
	}
	if res.StatusCode == http.StatusInternalServerError {
		t.Errorf("%s %s: 500 Internal Server Error: %s", req.Method, req.URL.RequestURI(), text(string(body)))
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: string(body)}
}

func (c *client) get(t *testing.T, path string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.fx.srv.URL+path, nil)
	storetest.Must(t, err)
	return c.do(t, req)
}

// post sends form as a browser on the site's own page would: form-encoded, with the site as
// Origin. The CSRF token is the caller's to add (see form).
func (c *client) post(t *testing.T, path string, form url.Values) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.fx.srv.URL+path, strings.NewReader(form.Encode()))
	storetest.Must(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.fx.srv.URL)
	return c.do(t, req)
}

// form is kv as a form carrying the client's CSRF token, as every form on a page does.
func (c *client) form(kv ...string) url.Values {
	v := url.Values{"csrf": {c.csrf}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// upload posts a multipart form with the CSRF token first (as browsers send the fields in page
// order), the fields, and a file when name is not empty.
func (c *client) upload(t *testing.T, fields map[string]string, name string, content []byte) response {
	t.Helper()
	return c.uploadTo(t, "/org/import", fields, name, content)
}

// uploadTo is upload to another import page.
func (c *client) uploadTo(t *testing.T, path string, fields map[string]string, name string, content []byte) response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	storetest.Must(t, mw.WriteField("csrf", c.csrf))
	for k, v := range fields {
		storetest.Must(t, mw.WriteField(k, v))
	}
	if name != "" {
		fw, err := mw.CreateFormFile("file", name)
		storetest.Must(t, err)
		_, err = fw.Write(content)
		storetest.Must(t, err)
	}
	storetest.Must(t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, c.fx.srv.URL+path, &buf)
	storetest.Must(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.fx.srv.URL)
	return c.do(t, req)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login signs in through the form and reads the CSRF token from the page it lands on. It fails
// the test unless the form accepts the password with a redirect to next (default /).
func (fx *fixture) login(t *testing.T, username, password string) *client {
	t.Helper()
	c := fx.anon(t)
	if r := c.get(t, "/login"); r.Status != http.StatusOK {
		t.Fatalf("GET /login = %d", r.Status)
	}
	r := c.post(t, "/login", url.Values{"username": {username}, "password": {password}})
	if r.Status != http.StatusSeeOther || r.Location() != "/" {
		t.Fatalf("log in as %s = %d to %q, want 303 to /: %s", username, r.Status, r.Location(), text(r.Body))
	}
	c.readCSRF(t, "/account/password") // the one page open even to a user who must change the password
	return c
}

func (c *client) readCSRF(t *testing.T, path string) {
	t.Helper()
	r := c.get(t, path)
	m := csrfRE.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("GET %s = %d without a CSRF token", path, r.Status)
	}
	c.csrf = m[1]
}

// as returns a logged-in client of demo user name, shared between tests.
func (fx *fixture) as(t *testing.T, name string) *client {
	t.Helper()
	if c, ok := fx.clients[name]; ok {
		return c
	}
	c := fx.login(t, name, demo.DefaultPassword)
	fx.clients[name] = c
	return c
}

var tagRE = regexp.MustCompile(`(?s)<[^>]*>|\s+`)

// text is a page reduced to its text, shortened, for failure messages.
func text(body string) string {
	s := strings.TrimSpace(tagRE.ReplaceAllString(body, " "))
	if r := []rune(s); len(r) > 400 {
		s = string(r[:400]) + "…"
	}
	return s
}
