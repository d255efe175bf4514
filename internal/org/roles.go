// Package org holds the organisation: units as a tree, people, users and their roles, and the
// scope (a unit subtree) that limits what each caller may see and change.
//
// Every method that reads or writes unit data takes the caller as a Principal and filters by its
// scope in SQL, so a handler that forgets a check still cannot leak another unit's data.
package org

import (
	"strings"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// Role is what a user does in the campaign (DESIGN.md, "Who uses it").
type Role string

// The roles. A user may hold several.
const (
	RoleAdmin     Role = "admin"     // 系统管理员
	RoleOffice    Role = "office"    // 领导小组办公室
	RoleLead      Role = "lead"      // 牵头处室
	RoleSupport   Role = "support"   // 配合处室
	RoleLiaison   Role = "liaison"   // 单位联络员
	RoleReviewer  Role = "reviewer"  // 审核员
	RoleInspector Role = "inspector" // 检查员
	RoleStaff     Role = "staff"     // 基层人员
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleOffice, RoleLead, RoleSupport, RoleLiaison, RoleReviewer, RoleInspector, RoleStaff}

var roleLabels = map[Role]string{
	RoleAdmin: "系统管理员", RoleOffice: "领导小组办公室", RoleLead: "牵头处室", RoleSupport: "配合处室",
	RoleLiaison: "单位联络员", RoleReviewer: "审核员", RoleInspector: "检查员", RoleStaff: "基层人员",
}

// Label is the role's Chinese name.
func (r Role) Label() string {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return string(r)
}

// ParseRole accepts a role code or its Chinese name.
func ParseRole(s string) (Role, error) {
	s = strings.TrimSpace(s)
	for _, r := range Roles {
		if s == string(r) || s == r.Label() {
			return r, nil
		}
	}
	return "", errs.Field("roles", "未知的角色:"+s)
}

// Perm is one thing a role may do. Scope still limits which units it applies to.
type Perm string

// The permissions of the foundation; later capabilities add their own.
const (
	PermUnitsRead   Perm = "units.read"
	PermUnitsWrite  Perm = "units.write"
	PermPeopleRead  Perm = "people.read"
	PermPeopleWrite Perm = "people.write"
	PermUsersRead   Perm = "users.read"
	PermUsersWrite  Perm = "users.write"
	PermAuditRead   Perm = "audit.read"

	PermCatalogRead   Perm = "catalog.read"   // see the inventory of apps, accounts and groups
	PermCatalogWrite  Perm = "catalog.write"  // keep one's units' inventory, file new assets, attest
	PermCatalogReview Perm = "catalog.review" // approve filings, change lifecycle, merge and retire

	PermActivityRead   Perm = "activity.read"   // see the burden dashboards of one's units
	PermActivityIngest Perm = "activity.ingest" // send activity data (files, the ingest API)
)

var grants = map[Role][]Perm{
	RoleAdmin: {PermUnitsRead, PermUnitsWrite, PermPeopleRead, PermPeopleWrite, PermUsersRead, PermUsersWrite, PermAuditRead,
		PermCatalogRead, PermCatalogWrite, PermCatalogReview, PermActivityRead, PermActivityIngest},
	RoleOffice: {PermUnitsRead, PermUnitsWrite, PermPeopleRead, PermPeopleWrite, PermUsersRead, PermAuditRead,
		PermCatalogRead, PermCatalogWrite, PermCatalogReview, PermActivityRead, PermActivityIngest},
	RoleLead:      {PermUnitsRead, PermPeopleRead, PermCatalogRead, PermCatalogWrite, PermCatalogReview, PermActivityRead},
	RoleSupport:   {PermUnitsRead, PermPeopleRead, PermCatalogRead, PermActivityRead},
	RoleLiaison:   {PermUnitsRead, PermPeopleRead, PermPeopleWrite, PermCatalogRead, PermCatalogWrite, PermActivityRead},
	RoleReviewer:  {PermUnitsRead, PermCatalogRead},
	RoleInspector: {PermUnitsRead, PermCatalogRead, PermActivityRead},
	RoleStaff:     {},
}

// Principal is the caller of a store method: who they are, what they may do and where.
type Principal struct {
	UserID int64
	Name   string
	Roles  []Role
	Scope  Scope
}

// System is the principal of jianfu's own commands (demo, import from the command line): it may
// do everything everywhere.
var System = Principal{Name: "系统", Roles: []Role{RoleAdmin}, Scope: Scope{All: true}}

// Has reports whether p holds role r.
func (p Principal) Has(r Role) bool {
	for _, x := range p.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Can reports whether any of p's roles grants perm.
func (p Principal) Can(perm Perm) bool {
	for _, r := range p.Roles {
		for _, g := range grants[r] {
			if g == perm {
				return true
			}
		}
	}
	return false
}

// AllPerms lists every permission in a stable order.
var AllPerms = []Perm{PermUnitsRead, PermUnitsWrite, PermPeopleRead, PermPeopleWrite, PermUsersRead, PermUsersWrite, PermAuditRead,
	PermCatalogRead, PermCatalogWrite, PermCatalogReview}

// Perms lists every permission p holds, each once, in a stable order.
func (p Principal) Perms() []Perm {
	var out []Perm
	for _, perm := range AllPerms {
		if p.Can(perm) {
			out = append(out, perm)
		}
	}
	return out
}

// Require returns a Forbidden error unless p may do perm.
func (p Principal) Require(perm Perm) error {
	if p.Can(perm) {
		return nil
	}
	return errs.E(errs.Forbidden, "没有权限执行此操作")
}

// Scope is the unit subtree a caller may see: the unit whose path is Path and everything below
// it. All is the whole organisation (administrators and jianfu's own commands).
type Scope struct {
	All    bool
	UnitID int64
	Path   string
}

// Whole reports whether the scope is the whole organisation: jianfu's own commands, or a user
// whose scope unit is the root (a path of one id, "/<id>/"). Bureau-wide figures (the audit log,
// a health check's totals) are shown only to such callers.
func (s Scope) Whole() bool { return s.All || s.Path != "" && strings.Count(s.Path, "/") == 2 }

// Contains reports whether a unit with the given path lies inside the scope.
func (s Scope) Contains(path string) bool {
	return s.All || (s.Path != "" && strings.HasPrefix(path, s.Path))
}

// Filter adds to w a condition restricting column (a unit path) to the scope. An empty scope
// matches nothing rather than everything. Every package that lists unit data filters with it.
func (s Scope) Filter(w *store.Where, column string) {
	switch {
	case s.All:
	case s.Path == "":
		w.Add("1=0")
	default:
		w.Add(column+` LIKE ? ESCAPE '\'`, store.EscapeLike(s.Path)+"%")
	}
}
