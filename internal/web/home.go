package web

import (
	"net/http"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
)

type kindCount struct {
	Kind  org.UnitKind
	Count int
}

type homeData struct {
	ScopeName  string
	UnitCounts []kindCount
	Units      int
	People     int
	PeopleLeft int
	Users      int
	Person     *org.Person
	Recent     []audit.Entry
	Inventory  []kindTotal
	Pending    int
}

type kindTotal struct {
	Kind  catalog.Kind
	Live  int
	Total int
}

// home is each role's dashboard: what is in the caller's scope, and for the office and the
// administrator the latest changes. Later capabilities add their panels here.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c := httpx.CallerFrom(ctx)
	p := c.Principal()
	d := homeData{ScopeName: c.User.ScopeUnitName}
	if p.Can(org.PermUnitsRead) {
		for _, k := range org.UnitKinds {
			_, n, err := s.Org.Units(ctx, p, org.UnitFilter{Kind: k, Page: org.Page{Limit: 1}})
			if err != nil {
				s.fail(w, r, err)
				return
			}
			d.UnitCounts = append(d.UnitCounts, kindCount{k, n})
			d.Units += n
		}
	}
	if p.Can(org.PermPeopleRead) {
		var err error
		if _, d.People, err = s.Org.People(ctx, p, org.PersonFilter{Status: org.Active, Page: org.Page{Limit: 1}}); err != nil {
			s.fail(w, r, err)
			return
		}
		if _, d.PeopleLeft, err = s.Org.People(ctx, p, org.PersonFilter{Status: org.Left, Page: org.Page{Limit: 1}}); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if p.Can(org.PermUsersRead) {
		var err error
		if _, d.Users, err = s.Org.Users(ctx, p, org.UserFilter{Page: org.Page{Limit: 1}}); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if p.Can(org.PermAuditRead) {
		recent, _, err := audit.List(ctx, s.DB, audit.Filter{Limit: 8})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Recent = recent
	}
	if p.Can(org.PermCatalogRead) {
		for _, k := range catalog.Kinds {
			_, live, err := s.Catalog.List(ctx, p, catalog.Filter{Kind: k, LiveOnly: true, Page: org.Page{Limit: 1}})
			if err != nil {
				s.fail(w, r, err)
				return
			}
			d.Inventory = append(d.Inventory, kindTotal{Kind: k, Live: live})
		}
	}
	if c.User.PersonID != 0 {
		pending, err := s.Catalog.Pending(ctx, p, c.User.PersonID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Pending = len(pending)
	}
	if c.User.PersonID != 0 {
		// Everyone may see their own record, even without the right to list people.
		if person, err := s.Org.Person(ctx, org.System, c.User.PersonID); err == nil {
			d.Person = &person
		}
	}
	s.render(w, r, http.StatusOK, "home", view{Title: "首页", Active: "home", Data: d})
}
