package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/org"
)

// grants is what each demo login may do with the organisation pages' permissions (the catalog
// permissions are for pages still to come), written down from org's role table (roles.go) and
// DESIGN.md's "Who uses it" rather than read from the code under test; the test checks that org
// agrees before using it.
var grants = map[string][]org.Perm{
	"admin":       {org.PermUnitsRead, org.PermUnitsWrite, org.PermPeopleRead, org.PermPeopleWrite, org.PermUsersRead, org.PermUsersWrite, org.PermAuditRead},
	"office":      {org.PermUnitsRead, org.PermUnitsWrite, org.PermPeopleRead, org.PermPeopleWrite, org.PermUsersRead, org.PermAuditRead},
	"lead_office": {org.PermUnitsRead, org.PermPeopleRead},
	"lead_it":     {org.PermUnitsRead, org.PermPeopleRead},
	"lead_news":   {org.PermUnitsRead, org.PermPeopleRead},
	"support":     {org.PermUnitsRead, org.PermPeopleRead},
	"liaison":     {org.PermUnitsRead, org.PermPeopleRead, org.PermPeopleWrite},
	"liaison2":    {org.PermUnitsRead, org.PermPeopleRead, org.PermPeopleWrite},
	"reviewer":    {org.PermUnitsRead},
	"inspector":   {org.PermUnitsRead},
	"staff":       {},
}

var allPerms = []org.Perm{org.PermUnitsRead, org.PermUnitsWrite, org.PermPeopleRead, org.PermPeopleWrite,
	org.PermUsersRead, org.PermUsersWrite, org.PermAuditRead}

// sees says which liaison's 大队 ("A" of liaison, "B" of liaison2) lies in each login's scope:
// admin, office, lead and support departments see the whole bureau; the others their own unit's
// subtree. The reviewer sits on the 支队 above A, the inspector on the 支队 above B, and staff in
// a 站 of A (demo's loginSpecs).
var sees = map[string]string{
	"admin": "AB", "office": "AB", "lead_office": "AB", "lead_it": "AB", "lead_news": "AB", "support": "AB",
	"liaison": "A", "liaison2": "B", "reviewer": "A", "inspector": "B", "staff": "A",
}

func can(login string, perm org.Perm) bool {
	for _, p := range grants[login] {
		if p == perm {
			return true
		}
	}
	return false
}

// accessPage is one GET page: the permission it needs (none for every logged-in user) and, for
// the pages of one record, whose 大队 the record is in.
type accessPage struct {
	path  string
	perm  org.Perm
	scope string // "A", "B" or "" for pages not about one record
}

func (fx *fixture) accessPages() []accessPage {
	id := func(f string, v int64) string { return fmt.Sprintf(f, v) }
	return []accessPage{
		{"/", "", ""},
		{"/units", org.PermUnitsRead, ""},
		{"/units/new", org.PermUnitsWrite, ""},
		{id("/units/%d", fx.stationA.ID), org.PermUnitsRead, "A"},
		{id("/units/%d", fx.stationB.ID), org.PermUnitsRead, "B"},
		{"/people", org.PermPeopleRead, ""},
		{"/people/new", org.PermPeopleWrite, ""},
		{id("/people/%d", fx.personA.ID), org.PermPeopleRead, "A"},
		{id("/people/%d", fx.personB.ID), org.PermPeopleRead, "B"},
		{"/org/import", org.PermPeopleWrite, ""},
		// A units export holds what the units page shows, so it needs what that page needs.
		{"/org/export?kind=units", org.PermUnitsRead, ""},
		{"/org/export?kind=people", org.PermPeopleRead, ""},
		{"/users", org.PermUsersRead, ""},
		{"/users/new", org.PermUsersWrite, ""},
		{id("/users/%d", fx.users["liaison"].ID), org.PermUsersRead, "A"},
		{id("/users/%d", fx.users["liaison2"].ID), org.PermUsersRead, "B"},
		{"/audit", org.PermAuditRead, ""},
		{"/audit/verify", org.PermAuditRead, ""},
		{"/account/password", "", ""},
		{"/account/tokens", "", ""},
	}
}

func (fx *fixture) testAccess(t *testing.T) {
	t.Run("the expected grants are org's", func(t *testing.T) {
		for _, login := range logins {
			p := fx.users[login].Principal()
			for _, perm := range allPerms {
				if p.Can(perm) != can(login, perm) {
					t.Errorf("%s %s: org says %v, the test's table %v", login, perm, p.Can(perm), can(login, perm))
				}
			}
		}
	})

	pages := fx.accessPages()
	t.Run("anonymous is sent to the login page", func(t *testing.T) {
		c := fx.anon(t)
		for _, pg := range pages {
			r := c.get(t, pg.path)
			want := "/login?next=" + url.QueryEscape(pg.path)
			if r.Status != http.StatusSeeOther || r.Location() != want {
				t.Errorf("GET %s = %d to %q, want 303 to %q", pg.path, r.Status, r.Location(), want)
			}
		}
	})

	for _, login := range logins {
		for _, pg := range pages {
			want := http.StatusOK
			switch {
			case pg.perm != "" && !can(login, pg.perm):
				want = http.StatusForbidden
			case pg.scope != "" && !strings.Contains(sees[login], pg.scope):
				want = http.StatusNotFound
			}
			name := fmt.Sprintf("%s GET %s is %d", login, pg.path, want)
			if pg.scope != "" {
				name = fmt.Sprintf("%s GET %s (in 大队 %s) is %d", login, pg.path, pg.scope, want)
			}
			t.Run(name, func(t *testing.T) {
				r := fx.as(t, login).get(t, pg.path)
				if r.Status == http.StatusForbidden && want == http.StatusOK && strings.HasPrefix(pg.path, "/org/export?kind=units") &&
					!can(login, org.PermPeopleRead) {
					t.Fatal("a role that may list units cannot export them")
				}
				if r.Status != want {
					t.Fatalf("status %d, want %d: %s", r.Status, want, text(r.Body))
				}
				switch want {
				case http.StatusForbidden:
					if !strings.Contains(r.Body, "没有权限") {
						t.Errorf("403 page does not say 没有权限: %s", text(r.Body))
					}
				case http.StatusNotFound:
					if !strings.Contains(r.Body, "不在您的管辖范围内") {
						t.Errorf("404 page does not say 不在您的管辖范围内: %s", text(r.Body))
					}
				case http.StatusOK:
					if strings.HasPrefix(pg.path, "/org/export") {
						if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
							t.Errorf("export is not an attachment: Content-Disposition %q", cd)
						}
					} else if !strings.Contains(r.Body, `name="csrf"`) {
						t.Errorf("page has no logout form with the CSRF token: %s", text(r.Body))
					}
				}
			})
		}
	}

	t.Run("the menu links only the pages a role may open", func(t *testing.T) {
		for _, login := range logins {
			body := fx.as(t, login).get(t, "/").Body
			for href, perm := range map[string]org.Perm{"/units": org.PermUnitsRead, "/people": org.PermPeopleRead,
				"/users": org.PermUsersRead, "/audit": org.PermAuditRead} {
				link := `<a href="` + href + `">`
				if strings.Contains(body, link) != can(login, perm) {
					t.Errorf("%s: menu link to %s shown=%v, may open=%v", login, href, strings.Contains(body, link), can(login, perm))
				}
			}
		}
	})
}
