package org_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func TestCreateUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		sys := org.System
		tr := e.tree(t)
		t.Run("roles are parsed, de-duplicated and sorted; the password must be changed", func(t *testing.T) {
			n := e.auditLen(t)
			u, err := e.s.CreateUser(e.ctx, sys, org.UserInput{Username: " zhang.san ", DisplayName: " 张三 ", UnitID: tr.stA.ID,
				Roles: []org.Role{org.RoleStaff, "审核员", org.RoleAdmin, org.RoleStaff, " reviewer "}}, "$argon2id$secret-hash")
			check(t, err, pass)
			en := e.oneEntry(t, n, sys, "create", "user", u.ID)
			if u.Username != "zhang.san" || u.DisplayName != "张三" || u.UnitID != tr.stA.ID || u.UnitName != tr.stA.Name {
				t.Fatalf("created %+v", u)
			}
			if fmt.Sprint(u.Roles) != "[admin reviewer staff]" {
				t.Fatalf("roles %v, want [admin reviewer staff]", u.Roles)
			}
			if !u.MustChangePassword || u.Disabled || u.LockedUntil != nil || u.LastLoginAt != nil {
				t.Fatalf("flags %+v", u)
			}
			if strings.Contains(en.After, "secret-hash") {
				t.Fatalf("the audit entry holds the password hash: %s", en.After)
			}
			if u.RoleLabels() != "系统管理员、审核员、基层人员" {
				t.Fatalf("labels %q", u.RoleLabels())
			}
			var roles int
			must(t, db.QueryRowContext(e.ctx, `SELECT count(*) FROM user_roles WHERE user_id = $1`, u.ID).Scan(&roles))
			if roles != 3 {
				t.Fatalf("%d role rows, want 3", roles)
			}
		})
		defaults := []struct {
			name  string
			roles []org.Role
			scope org.Unit
		}{
			{"admin", []org.Role{org.RoleAdmin}, tr.root},
			{"office", []org.Role{org.RoleOffice}, tr.root},
			{"lead", []org.Role{org.RoleLead}, tr.root},
			{"support", []org.Role{org.RoleSupport}, tr.root},
			{"liaison", []org.Role{org.RoleLiaison}, tr.stA},
			{"reviewer", []org.Role{org.RoleReviewer}, tr.stA},
			{"inspector", []org.Role{org.RoleInspector}, tr.stA},
			{"staff", []org.Role{org.RoleStaff}, tr.stA},
			{"liaison and lead", []org.Role{org.RoleLiaison, org.RoleLead}, tr.root},
		}
		for i, c := range defaults {
			t.Run("the default scope of "+c.name+" is "+c.scope.Code, func(t *testing.T) {
				u := e.user(t, sys, org.UserInput{Username: fmt.Sprintf("def%d", i), DisplayName: "默认", UnitID: tr.stA.ID, Roles: c.roles})
				if u.ScopeUnitID != c.scope.ID || u.ScopeUnitName != c.scope.Name {
					t.Fatalf("scope %d %s, want %s", u.ScopeUnitID, u.ScopeUnitName, c.scope.Code)
				}
				p := e.principal(t, u.ID)
				if p.Scope.All || p.Scope.UnitID != c.scope.ID || p.Scope.Path != c.scope.Path || p.UserID != u.ID || p.Name != "默认" {
					t.Fatalf("principal %+v", p)
				}
			})
		}
		t.Run("an explicit scope inside the caller's scope is kept", func(t *testing.T) {
			u := e.user(t, sys, org.UserInput{Username: "explicit", DisplayName: "指定", UnitID: tr.stA.ID, ScopeUnitID: tr.detA.ID, Roles: []org.Role{org.RoleInspector}})
			if u.ScopeUnitID != tr.detA.ID {
				t.Fatalf("scope %d, want DET-A", u.ScopeUnitID)
			}
		})
		t.Run("a linked person supplies the unit", func(t *testing.T) {
			x := tr.person["BRIG-B"]
			u := e.user(t, sys, org.UserInput{Username: "linked", DisplayName: "关联", PersonID: x.ID, Roles: []org.Role{org.RoleLiaison}})
			if u.PersonID != x.ID || u.UnitID != tr.brigB.ID || u.ScopeUnitID != tr.brigB.ID {
				t.Fatalf("created %+v", u)
			}
			before := e.dump(t)
			_, err := e.s.CreateUser(e.ctx, sys, org.UserInput{Username: "linked2", DisplayName: "关联", PersonID: x.ID, Roles: []org.Role{org.RoleStaff}}, "h")
			check(t, err, want{kind: errs.Invalid}) // the person already has an account
			e.unchanged(t, before)
		})

		// A scoped administrator: admin of 支队 A only.
		scoped := e.user(t, sys, org.UserInput{Username: "admin-a", DisplayName: "甲支队管理员", UnitID: tr.detA.ID, ScopeUnitID: tr.detA.ID, Roles: []org.Role{org.RoleAdmin}})
		sp := e.principal(t, scoped.ID)
		refused := []struct {
			name string
			in   org.UserInput
			want want
		}{
			{"an explicit scope outside the caller's", org.UserInput{UnitID: tr.stA.ID, ScopeUnitID: tr.detB.ID, Roles: []org.Role{org.RoleStaff}}, invalid("scope_unit_id")},
			{"an explicit scope above the caller's", org.UserInput{UnitID: tr.stA.ID, ScopeUnitID: tr.root.ID, Roles: []org.Role{org.RoleStaff}}, invalid("scope_unit_id")},
			{"a wide role whose default scope (the root) is outside the caller's", org.UserInput{UnitID: tr.stA.ID, Roles: []org.Role{org.RoleLead}}, invalid("scope_unit_id")},
			{"a unit outside the caller's scope", org.UserInput{UnitID: tr.stB.ID, Roles: []org.Role{org.RoleStaff}}, invalid("unit_id")},
			{"a person outside the caller's scope", org.UserInput{PersonID: tr.person["ST-B"].ID, Roles: []org.Role{org.RoleStaff}}, invalid("person_id")},
			{"a scope unit that does not exist", org.UserInput{UnitID: tr.stA.ID, ScopeUnitID: 987654, Roles: []org.Role{org.RoleStaff}}, invalid("scope_unit_id")},
			{"no unit", org.UserInput{Roles: []org.Role{org.RoleStaff}}, invalid("unit_id")},
			{"no roles", org.UserInput{UnitID: tr.stA.ID}, invalid("roles")},
			{"an unknown role", org.UserInput{UnitID: tr.stA.ID, Roles: []org.Role{"superuser"}}, invalid("roles")},
		}
		for _, c := range refused {
			t.Run("a scoped admin is refused "+c.name, func(t *testing.T) {
				c.in.Username, c.in.DisplayName = "refused", "被拒"
				before := e.dump(t)
				_, err := e.s.CreateUser(e.ctx, sp, c.in, "h")
				check(t, err, c.want)
				e.unchanged(t, before)
			})
		}
		t.Run("a scoped admin creates users inside its scope", func(t *testing.T) {
			u := e.user(t, sp, org.UserInput{Username: "inside", DisplayName: "范围内", UnitID: tr.stA.ID, Roles: []org.Role{org.RoleLiaison}})
			if u.ScopeUnitID != tr.stA.ID {
				t.Fatalf("scope %d, want ST-A", u.ScopeUnitID)
			}
		})
	})
}

func TestUpdateUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		sys := org.System
		tr := e.tree(t)
		admin := tr.user[org.RoleAdmin]
		ap := e.principal(t, admin.ID)
		self := func(roles []org.Role, disabled bool) org.UserInput {
			return org.UserInput{Username: admin.Username, DisplayName: admin.DisplayName, UnitID: admin.UnitID, Roles: roles, Disabled: disabled}
		}
		t.Run("an admin cannot disable themselves", func(t *testing.T) {
			before := e.dump(t)
			_, err := e.s.UpdateUser(e.ctx, ap, admin.ID, self([]org.Role{org.RoleAdmin}, true))
			check(t, err, want{kind: errs.Invalid})
			e.unchanged(t, before)
		})
		t.Run("an admin cannot drop their own admin role", func(t *testing.T) {
			before := e.dump(t)
			_, err := e.s.UpdateUser(e.ctx, ap, admin.ID, self([]org.Role{org.RoleOffice}, false))
			check(t, err, invalid("roles"))
			e.unchanged(t, before)
		})
		t.Run("an admin may add a role to themselves", func(t *testing.T) {
			n := e.auditLen(t)
			u, err := e.s.UpdateUser(e.ctx, ap, admin.ID, self([]org.Role{org.RoleOffice, org.RoleAdmin}, false))
			check(t, err, pass)
			en := e.oneEntry(t, n, ap, "update", "user", admin.ID)
			if fmt.Sprint(u.Roles) != "[admin office]" {
				t.Fatalf("roles %v", u.Roles)
			}
			if fmt.Sprint(state(t, en.Before)["roles"]) != "[admin]" || fmt.Sprint(state(t, en.After)["roles"]) != "[admin office]" {
				t.Fatalf("audit %s → %s", en.Before, en.After)
			}
		})
		t.Run("another admin can take the admin role away", func(t *testing.T) {
			other := e.user(t, sys, org.UserInput{Username: "admin2", DisplayName: "管理员二", UnitID: tr.root.ID, Roles: []org.Role{org.RoleAdmin}})
			op := e.principal(t, other.ID)
			u, err := e.s.UpdateUser(e.ctx, op, admin.ID, self([]org.Role{org.RoleOffice}, false))
			check(t, err, pass)
			if fmt.Sprint(u.Roles) != "[office]" {
				t.Fatalf("roles %v", u.Roles)
			}
		})

		victim := e.user(t, sys, org.UserInput{Username: "victim", DisplayName: "对象", UnitID: tr.stA.ID, Roles: []org.Role{org.RoleStaff}})
		bystander := tr.user[org.RoleStaff]
		e.addSession(t, "s1", victim.ID)
		e.addSession(t, "s2", victim.ID)
		e.addSession(t, "s3", bystander.ID)
		in := org.UserInput{Username: "victim", DisplayName: "对象", UnitID: tr.stA.ID, Roles: []org.Role{org.RoleStaff}}
		t.Run("an update that does not disable keeps the sessions", func(t *testing.T) {
			u := in
			u.DisplayName = "对象甲"
			_, err := e.s.UpdateUser(e.ctx, sys, victim.ID, u)
			check(t, err, pass)
			if n := e.sessions(t, victim.ID); n != 2 {
				t.Fatalf("%d sessions left, want 2", n)
			}
		})
		t.Run("disabling a user ends their sessions and nobody else's", func(t *testing.T) {
			u := in
			u.Disabled = true
			n := e.auditLen(t)
			got, err := e.s.UpdateUser(e.ctx, sys, victim.ID, u)
			check(t, err, pass)
			en := e.oneEntry(t, n, sys, "update", "user", victim.ID)
			if !got.Disabled || state(t, en.After)["disabled"] != true || state(t, en.Before)["disabled"] != false {
				t.Fatalf("disabled %v; audit %s → %s", got.Disabled, en.Before, en.After)
			}
			if n := e.sessions(t, victim.ID); n != 0 {
				t.Fatalf("%d sessions left, want 0", n)
			}
			if n := e.sessions(t, bystander.ID); n != 1 {
				t.Fatalf("bystander has %d sessions, want 1", n)
			}
		})
		t.Run("a refused disable keeps the sessions", func(t *testing.T) {
			e.addSession(t, "s4", admin.ID)
			ap := e.principal(t, admin.ID) // now office only: no users.write
			before := e.dump(t)
			_, err := e.s.UpdateUser(e.ctx, ap, tr.user[org.RoleLiaison].ID, org.UserInput{Username: "u-liaison", DisplayName: "x", UnitID: tr.brigA.ID,
				Roles: []org.Role{org.RoleLiaison}, Disabled: true})
			check(t, err, forbidden)
			e.unchanged(t, before)
		})
		t.Run("scope 0 resets the scope to the default for the new roles", func(t *testing.T) {
			u := in
			u.Roles = []org.Role{org.RoleLead}
			got, err := e.s.UpdateUser(e.ctx, sys, victim.ID, u)
			check(t, err, pass)
			if got.ScopeUnitID != tr.root.ID {
				t.Fatalf("scope %d, want the root", got.ScopeUnitID)
			}
			u.Roles = []org.Role{org.RoleLiaison}
			u.ScopeUnitID = tr.brigA.ID
			got, err = e.s.UpdateUser(e.ctx, sys, victim.ID, u)
			check(t, err, pass)
			if got.ScopeUnitID != tr.brigA.ID || got.Disabled {
				t.Fatalf("scope %d disabled %v", got.ScopeUnitID, got.Disabled)
			}
		})
		t.Run("a user outside the caller's scope is not found", func(t *testing.T) {
			scoped := e.user(t, sys, org.UserInput{Username: "admin-b", DisplayName: "乙管理员", UnitID: tr.detB.ID, Roles: []org.Role{org.RoleAdmin}, ScopeUnitID: tr.detB.ID})
			sp := e.principal(t, scoped.ID)
			before := e.dump(t)
			_, err := e.s.UpdateUser(e.ctx, sp, victim.ID, in)
			check(t, err, notFound)
			_, err = e.s.User(e.ctx, sp, victim.ID)
			check(t, err, notFound)
			e.unchanged(t, before)
		})
		t.Run("a user that does not exist is not found", func(t *testing.T) {
			before := e.dump(t)
			_, err := e.s.UpdateUser(e.ctx, sys, 987654, in)
			check(t, err, notFound)
			e.unchanged(t, before)
		})
	})
}

func TestLoadUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		tr := e.tree(t)
		lia := tr.user[org.RoleLiaison]
		t.Run("by id", func(t *testing.T) {
			u, err := org.LoadUser(e.ctx, db, lia.ID)
			check(t, err, pass)
			if u.Username != "u-liaison" || fmt.Sprint(u.Roles) != "[liaison]" || u.ScopeUnitID != tr.brigA.ID || u.ScopePath != tr.brigA.Path ||
				u.UnitName != tr.brigA.Name || !u.CreatedAt.Equal(lia.CreatedAt) {
				t.Fatalf("loaded %+v", u)
			}
		})
		t.Run("by name, trimmed", func(t *testing.T) {
			u, err := org.LoadUserByName(e.ctx, db, "  u-liaison ")
			check(t, err, pass)
			if u.ID != lia.ID || fmt.Sprint(u.Roles) != "[liaison]" {
				t.Fatalf("loaded %+v", u)
			}
		})
		t.Run("unknown id or name is not found", func(t *testing.T) {
			_, err := org.LoadUser(e.ctx, db, 987654)
			check(t, err, notFound)
			_, err = org.LoadUserByName(e.ctx, db, "nobody")
			check(t, err, notFound)
		})
		t.Run("inside a transaction", func(t *testing.T) {
			tx, err := db.BeginTx(e.ctx, nil)
			must(t, err)
			defer tx.Rollback()
			u, err := org.LoadUser(e.ctx, tx, lia.ID)
			check(t, err, pass)
			if u.ID != lia.ID || len(u.Roles) != 1 {
				t.Fatalf("loaded %+v", u)
			}
		})
	})
}

func TestListUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		sys := org.System
		tr := e.tree(t) // u-admin, u-office, … one per role
		e.user(t, sys, org.UserInput{Username: "rev2", DisplayName: "第二审核员", UnitID: tr.detB.ID, Roles: []org.Role{org.RoleReviewer, org.RoleInspector}})
		e.user(t, sys, org.UserInput{Username: "x_y", DisplayName: "下划线", UnitID: tr.stB.ID, Roles: []org.Role{org.RoleStaff}})
		e.user(t, sys, org.UserInput{Username: "xzy", DisplayName: "无下划线", UnitID: tr.stB.ID, Roles: []org.Role{org.RoleStaff}})
		names := func(us []org.User) string {
			var s []string
			for _, u := range us {
				s = append(s, u.Username)
			}
			return strings.Join(s, ",")
		}
		cases := []struct {
			name string
			p    org.Principal
			f    org.UserFilter
			want string // usernames in order
		}{
			{"by role", sys, org.UserFilter{Role: org.RoleReviewer}, "rev2,u-reviewer"},
			{"by another role a user also holds", sys, org.UserFilter{Role: org.RoleInspector}, "rev2,u-inspector"},
			{"Q on the username", sys, org.UserFilter{Q: "u-l"}, "u-lead,u-liaison"},
			{"Q on the display name", sys, org.UserFilter{Q: "审核员"}, "rev2,u-reviewer"},
			{"Q treats _ literally", sys, org.UserFilter{Q: "x_"}, "x_y"},
			{"Q and role together", sys, org.UserFilter{Q: "第二", Role: org.RoleInspector}, "rev2"},
			{"a role nobody has", sys, org.UserFilter{Role: "nobody"}, ""},
			{"an office principal rooted at the 总队 sees all staff", e.principal(t, tr.user[org.RoleOffice].ID), org.UserFilter{Role: org.RoleStaff}, "u-staff,x_y,xzy"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, total, err := e.s.Users(e.ctx, c.p, c.f)
				check(t, err, pass)
				if names(got) != c.want || total != len(got) {
					t.Fatalf("got %s (total %d), want %s", names(got), total, c.want)
				}
				for _, u := range got {
					if len(u.Roles) == 0 {
						t.Fatalf("%s listed without roles", u.Username)
					}
				}
			})
		}
		t.Run("roles are loaded and sorted for every listed user", func(t *testing.T) {
			got, _, err := e.s.Users(e.ctx, sys, org.UserFilter{Q: "rev2"})
			check(t, err, pass)
			if len(got) != 1 || fmt.Sprint(got[0].Roles) != "[reviewer inspector]" {
				t.Fatalf("got %+v", got)
			}
		})
		t.Run("a scoped admin lists only users whose unit is in its scope, and counts only them", func(t *testing.T) {
			scoped := e.user(t, sys, org.UserInput{Username: "admin-b", DisplayName: "乙管理员", UnitID: tr.detB.ID, ScopeUnitID: tr.detB.ID, Roles: []org.Role{org.RoleAdmin}})
			got, total, err := e.s.Users(e.ctx, e.principal(t, scoped.ID), org.UserFilter{})
			check(t, err, pass)
			if names(got) != "admin-b,rev2,x_y,xzy" || total != 4 {
				t.Fatalf("got %s (total %d)", names(got), total)
			}
			_, err = e.s.User(e.ctx, e.principal(t, scoped.ID), tr.user[org.RoleLiaison].ID)
			check(t, err, notFound)
		})
		t.Run("pages keep the total", func(t *testing.T) {
			all, total, err := e.s.Users(e.ctx, sys, org.UserFilter{})
			check(t, err, pass)
			got, total2, err := e.s.Users(e.ctx, sys, org.UserFilter{Page: org.Page{Limit: 2, Offset: 2}})
			check(t, err, pass)
			if total2 != total || len(got) != 2 || got[0].ID != all[2].ID || got[1].ID != all[3].ID {
				t.Fatalf("page %s (total %d) of %s (total %d)", names(got), total2, names(all), total)
			}
		})
	})
}

func TestParseRole(t *testing.T) {
	for _, r := range org.Roles {
		for _, in := range []string{string(r), r.Label(), " " + r.Label() + " "} {
			t.Run(in, func(t *testing.T) {
				got, err := org.ParseRole(in)
				if err != nil || got != r {
					t.Fatalf("got %q, %v; want %q", got, err, r)
				}
			})
		}
	}
	for _, in := range []string{"", "Admin", "管理员", "root"} {
		t.Run(fmt.Sprintf("%q is refused", in), func(t *testing.T) {
			_, err := org.ParseRole(in)
			check(t, err, invalid("roles"))
		})
	}
}
