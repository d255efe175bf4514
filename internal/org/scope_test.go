package org_test

import (
	"fmt"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// byRole is the expected outcome of one operation for each role's user in the tree:
// admin, office, lead and support belong to the 总队 and see all of it; the liaison belongs to
// BRIG-A (大队 A); reviewer and inspector to DET-A (支队 A); staff to ST-A. "A" below is the
// liaison's subtree, "B" the other 支队's.
type byRole map[org.Role]want

// scopeOp is one call made as each role. prep runs as the system (its writes are not the
// operation's), and returns the call, which reports the id of the object it wrote.
type scopeOp struct {
	name           string
	action, object string // the audit entry a success appends; "" for reads
	prep           func(t *testing.T, e *env, tr *tree, tag string) func(p org.Principal) (int64, error)
	want           byRole
}

func scopeOps() []scopeOp {
	// Shorthands for the common rows.
	readAll := func(liaison, rv want) byRole {
		return byRole{org.RoleAdmin: pass, org.RoleOffice: pass, org.RoleLead: pass, org.RoleSupport: pass,
			org.RoleLiaison: liaison, org.RoleReviewer: rv, org.RoleInspector: rv, org.RoleStaff: forbidden}
	}
	officeWrites := byRole{org.RoleAdmin: pass, org.RoleOffice: pass, org.RoleLead: forbidden, org.RoleSupport: forbidden,
		org.RoleLiaison: forbidden, org.RoleReviewer: forbidden, org.RoleInspector: forbidden, org.RoleStaff: forbidden}
	peopleWrites := func(liaison want) byRole {
		return byRole{org.RoleAdmin: pass, org.RoleOffice: pass, org.RoleLead: forbidden, org.RoleSupport: forbidden,
			org.RoleLiaison: liaison, org.RoleReviewer: forbidden, org.RoleInspector: forbidden, org.RoleStaff: forbidden}
	}
	usersRead := byRole{org.RoleAdmin: pass, org.RoleOffice: pass, org.RoleLead: forbidden, org.RoleSupport: forbidden,
		org.RoleLiaison: forbidden, org.RoleReviewer: forbidden, org.RoleInspector: forbidden, org.RoleStaff: forbidden}
	adminOnly := byRole{org.RoleAdmin: pass, org.RoleOffice: forbidden, org.RoleLead: forbidden, org.RoleSupport: forbidden,
		org.RoleLiaison: forbidden, org.RoleReviewer: forbidden, org.RoleInspector: forbidden, org.RoleStaff: forbidden}

	victim := func(t *testing.T, e *env, tag string, unit org.Unit) org.Person {
		return e.person(t, org.System, "V-"+tag, "对象", "", unit.ID)
	}
	update := func(x org.Person, unit int64) org.PersonInput {
		return org.PersonInput{Code: x.Code, Name: x.Name, UnitID: unit, Post: "班长"}
	}
	return []scopeOp{
		{"read a unit in A", "", "", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			return func(p org.Principal) (int64, error) { _, err := e.s.Unit(e.ctx, p, tr.brigA.ID); return 0, err }
		}, readAll(pass, pass)},
		{"read a unit in B by id", "", "", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			return func(p org.Principal) (int64, error) { _, err := e.s.Unit(e.ctx, p, tr.brigB.ID); return 0, err }
		}, readAll(notFound, notFound)},
		{"read a unit in B by code", "", "", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			return func(p org.Principal) (int64, error) { _, err := e.s.UnitByCode(e.ctx, p, tr.brigB.Code); return 0, err }
		}, readAll(notFound, notFound)},
		{"list units with ParentID in B", "", "", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			return func(p org.Principal) (int64, error) {
				_, _, err := e.s.Units(e.ctx, p, org.UnitFilter{ParentID: tr.detB.ID})
				return 0, err
			}
		}, readAll(notFound, notFound)},
		{"create a unit in A", "create", "unit", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			return func(p org.Principal) (int64, error) {
				u, err := e.s.CreateUnit(e.ctx, p, org.UnitInput{Code: "U-" + tag, Name: "新站", Kind: org.Station, ParentID: tr.brigA.ID})
				return u.ID, err
			}
		}, officeWrites},
		{"rename a unit in B", "update", "unit", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			return func(p org.Principal) (int64, error) {
				_, err := e.s.UpdateUnit(e.ctx, p, tr.stB.ID, org.UnitInput{Code: tr.stB.Code, Name: "乙街站" + tag, Kind: org.Station, ParentID: tr.brigB.ID})
				return tr.stB.ID, err
			}
		}, officeWrites},
		{"delete an empty unit in B", "delete", "unit", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			u := e.unit(t, org.System, "D-"+tag, "待删站", org.Station, tr.brigB.ID)
			return func(p org.Principal) (int64, error) { return u.ID, e.s.DeleteUnit(e.ctx, p, u.ID) }
		}, officeWrites},
		{"read a person in A", "", "", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			return func(p org.Principal) (int64, error) {
				_, err := e.s.Person(e.ctx, p, tr.person["ST-A"].ID)
				return 0, err
			}
		}, readAll(pass, forbidden)},
		{"read a person in B", "", "", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			return func(p org.Principal) (int64, error) {
				_, err := e.s.Person(e.ctx, p, tr.person["ST-B"].ID)
				return 0, err
			}
		}, readAll(notFound, forbidden)},
		{"list people", "", "", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			return func(p org.Principal) (int64, error) {
				_, _, err := e.s.People(e.ctx, p, org.PersonFilter{})
				return 0, err
			}
		}, readAll(pass, forbidden)},
		{"list people with UnitID in B", "", "", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			return func(p org.Principal) (int64, error) {
				_, _, err := e.s.People(e.ctx, p, org.PersonFilter{UnitID: tr.detB.ID})
				return 0, err
			}
		}, readAll(notFound, forbidden)},
		{"create a person in A", "create", "person", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			return func(p org.Principal) (int64, error) {
				x, err := e.s.CreatePerson(e.ctx, p, org.PersonInput{Code: "N-" + tag, Name: "新人", UnitID: tr.stA.ID})
				return x.ID, err
			}
		}, peopleWrites(pass)},
		{"create a person in B by unit_id", "create", "person", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			return func(p org.Principal) (int64, error) {
				x, err := e.s.CreatePerson(e.ctx, p, org.PersonInput{Code: "N-" + tag, Name: "新人", UnitID: tr.stB.ID})
				return x.ID, err
			}
		}, peopleWrites(invalid("unit_id"))},
		{"create a person in B by unit_code", "create", "person", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			return func(p org.Principal) (int64, error) {
				x, err := e.s.CreatePerson(e.ctx, p, org.PersonInput{Code: "N-" + tag, Name: "新人", UnitCode: tr.stB.Code})
				return x.ID, err
			}
		}, peopleWrites(invalid("unit_id"))},
		{"update a person in A", "update", "person", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			x := victim(t, e, tag, tr.stA)
			return func(p org.Principal) (int64, error) {
				_, err := e.s.UpdatePerson(e.ctx, p, x.ID, update(x, tr.stA.ID))
				return x.ID, err
			}
		}, peopleWrites(pass)},
		{"update a person in B", "update", "person", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			x := victim(t, e, tag, tr.stB)
			return func(p org.Principal) (int64, error) {
				_, err := e.s.UpdatePerson(e.ctx, p, x.ID, update(x, tr.stB.ID))
				return x.ID, err
			}
		}, peopleWrites(notFound)},
		{"move a person from A to B", "update", "person", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			x := victim(t, e, tag, tr.stA)
			return func(p org.Principal) (int64, error) {
				_, err := e.s.UpdatePerson(e.ctx, p, x.ID, update(x, tr.stB.ID))
				return x.ID, err
			}
		}, peopleWrites(invalid("unit_id"))},
		{"move a person from A to B by unit_code", "update", "person", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			x := victim(t, e, tag, tr.stA)
			return func(p org.Principal) (int64, error) {
				in := update(x, 0)
				in.UnitCode = tr.brigB.Code
				_, err := e.s.UpdatePerson(e.ctx, p, x.ID, in)
				return x.ID, err
			}
		}, peopleWrites(invalid("unit_id"))},
		{"move a person from B to A", "update", "person", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			x := victim(t, e, tag, tr.stB)
			return func(p org.Principal) (int64, error) {
				_, err := e.s.UpdatePerson(e.ctx, p, x.ID, update(x, tr.stA.ID))
				return x.ID, err
			}
		}, peopleWrites(notFound)},
		{"delete a person in A", "delete", "person", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			x := victim(t, e, tag, tr.stA)
			return func(p org.Principal) (int64, error) { return x.ID, e.s.DeletePerson(e.ctx, p, x.ID) }
		}, peopleWrites(pass)},
		{"delete a person in B", "delete", "person", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			x := victim(t, e, tag, tr.stB)
			return func(p org.Principal) (int64, error) { return x.ID, e.s.DeletePerson(e.ctx, p, x.ID) }
		}, peopleWrites(notFound)},
		{"list users", "", "", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			return func(p org.Principal) (int64, error) {
				_, _, err := e.s.Users(e.ctx, p, org.UserFilter{})
				return 0, err
			}
		}, usersRead},
		{"read a user", "", "", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			return func(p org.Principal) (int64, error) {
				_, err := e.s.User(e.ctx, p, tr.user[org.RoleLiaison].ID)
				return 0, err
			}
		}, usersRead},
		{"create a user in A", "create", "user", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			return func(p org.Principal) (int64, error) {
				u, err := e.s.CreateUser(e.ctx, p, org.UserInput{Username: "n-" + tag, DisplayName: "新用户", UnitID: tr.stA.ID, Roles: []org.Role{org.RoleStaff}}, "hash")
				return u.ID, err
			}
		}, adminOnly},
		{"disable a user in A", "update", "user", func(t *testing.T, e *env, tr *tree, tag string) func(org.Principal) (int64, error) {
			u := e.user(t, org.System, org.UserInput{Username: "v-" + tag, DisplayName: "对象", UnitID: tr.stA.ID, Roles: []org.Role{org.RoleStaff}})
			return func(p org.Principal) (int64, error) {
				_, err := e.s.UpdateUser(e.ctx, p, u.ID, org.UserInput{Username: u.Username, DisplayName: u.DisplayName, UnitID: tr.stA.ID,
					Roles: []org.Role{org.RoleStaff}, Disabled: true})
				return u.ID, err
			}
		}, adminOnly},
	}
}

// TestScopeByRole runs every operation as every role's user and checks the outcome; a refusal
// must write nothing (every row of every org table and the audit log compare equal), a success
// of a write must append exactly one audit entry, and a read writes nothing either way.
func TestScopeByRole(t *testing.T) {
	scopeName := map[org.Role]string{
		org.RoleAdmin: "总队", org.RoleOffice: "总队", org.RoleLead: "总队", org.RoleSupport: "总队",
		org.RoleLiaison: "大队A", org.RoleReviewer: "支队A", org.RoleInspector: "支队A", org.RoleStaff: "站A",
	}
	ops := scopeOps()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		tr := e.tree(t)
		principals := map[org.Role]org.Principal{}
		for _, r := range org.Roles {
			principals[r] = e.principal(t, tr.user[r].ID)
		}
		t.Run("users get the scopes the table assumes", func(t *testing.T) {
			want := map[org.Role]org.Unit{org.RoleAdmin: tr.root, org.RoleOffice: tr.root, org.RoleLead: tr.root, org.RoleSupport: tr.root,
				org.RoleLiaison: tr.brigA, org.RoleReviewer: tr.detA, org.RoleInspector: tr.detA, org.RoleStaff: tr.stA}
			for r, u := range want {
				if s := principals[r].Scope; s.All || s.UnitID != u.ID || s.Path != u.Path {
					t.Errorf("%s scope %+v, want %s (%s)", r, s, u.Code, u.Path)
				}
			}
		})
		for i, op := range ops {
			for _, r := range org.Roles {
				w, ok := op.want[r]
				if !ok {
					t.Fatalf("%s: no expectation for %s", op.name, r)
				}
				name := fmt.Sprintf("%s@%s %s: %s", r, scopeName[r], op.name, w)
				tag := fmt.Sprintf("%d-%s", i, r)
				t.Run(name, func(t *testing.T) {
					p := principals[r]
					call := op.prep(t, e, tr, tag)
					before := e.dump(t)
					n := e.auditLen(t)
					id, err := call(p)
					check(t, err, w)
					if w.ok && op.action != "" {
						e.oneEntry(t, n, p, op.action, op.object, id)
						return
					}
					e.unchanged(t, before)
				})
			}
		}
	})
}

// TestLiaisonSeesOnlyItsSubtree is the heart of scoping: a liaison of 大队 A lists only A's
// units and people, and no count, filter or error tells it anything about B.
func TestLiaisonSeesOnlyItsSubtree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		tr := e.tree(t)
		// More people in B than in A, so that totals leaking B would show.
		for i := 0; i < 5; i++ {
			e.person(t, org.System, fmt.Sprintf("PB-%d", i), "乙队员", "消防员", tr.stB.ID)
		}
		lia := e.principal(t, tr.user[org.RoleLiaison].ID)
		unitsA := []int64{tr.brigA.ID, tr.stA.ID}
		peopleA := []int64{tr.person["BRIG-A"].ID, tr.person["ST-A"].ID}
		before := e.dump(t)

		unitCases := []struct {
			name string
			f    org.UnitFilter
			want []int64
		}{
			{"all units", org.UnitFilter{}, unitsA},
			{"Q matching names in both", org.UnitFilter{Q: "消防救援"}, unitsA},
			{"Q matching only B", org.UnitFilter{Q: "乙"}, nil},
			{"Q matching only B's codes", org.UnitFilter{Q: "-B"}, nil},
			{"kind present in both", org.UnitFilter{Kind: org.Station}, []int64{tr.stA.ID}},
			{"kind only above the scope", org.UnitFilter{Kind: org.Detachment}, nil},
			{"ParentID inside the scope", org.UnitFilter{ParentID: tr.stA.ID}, []int64{tr.stA.ID}},
			{"first page of one", org.UnitFilter{Page: org.Page{Limit: 1}}, unitsA[:1]},
		}
		for _, c := range unitCases {
			t.Run("units: "+c.name+" count only A", func(t *testing.T) {
				got, total, err := e.s.Units(e.ctx, lia, c.f)
				check(t, err, pass)
				wantTotal := len(c.want)
				if c.f.Limit == 1 {
					wantTotal = len(unitsA)
				}
				if !sameSet(unitIDs(got), c.want) || total != wantTotal {
					t.Fatalf("got %v (total %d), want %v (total %d)", unitIDs(got), total, c.want, wantTotal)
				}
			})
		}
		personCases := []struct {
			name string
			f    org.PersonFilter
			want []int64
		}{
			{"all people", org.PersonFilter{}, peopleA},
			{"Q matching the post everyone has", org.PersonFilter{Q: "消防员"}, peopleA},
			{"Q matching only B's names", org.PersonFilter{Q: "乙队员"}, nil},
			{"Q matching only B's codes", org.PersonFilter{Q: "PB-"}, nil},
			{"status everyone has", org.PersonFilter{Status: org.Active}, peopleA},
			{"UnitID inside the scope", org.PersonFilter{UnitID: tr.stA.ID}, []int64{tr.person["ST-A"].ID}},
			{"second page of one", org.PersonFilter{Page: org.Page{Limit: 1, Offset: 1}}, peopleA[1:]},
		}
		for _, c := range personCases {
			t.Run("people: "+c.name+" count only A", func(t *testing.T) {
				got, total, err := e.s.People(e.ctx, lia, c.f)
				check(t, err, pass)
				wantTotal := len(c.want)
				if c.f.Limit == 1 {
					wantTotal = len(peopleA)
				}
				if !sameSet(personIDs(got), c.want) || total != wantTotal {
					t.Fatalf("got %v (total %d), want %v (total %d)", personIDs(got), total, c.want, wantTotal)
				}
				for _, x := range got {
					if x.UnitID != tr.brigA.ID && x.UnitID != tr.stA.ID {
						t.Fatalf("person %s of unit %s leaked", x.Code, x.UnitCode)
					}
				}
			})
		}

		// Each pair asks about B and about something that does not exist at all; the answers
		// must be indistinguishable.
		const missing = 987654
		probes := []struct {
			name       string
			b, nowhere func() (int, error)
		}{
			{"Unit by id",
				func() (int, error) { _, err := e.s.Unit(e.ctx, lia, tr.brigB.ID); return 0, err },
				func() (int, error) { _, err := e.s.Unit(e.ctx, lia, missing); return 0, err }},
			{"Unit by code",
				func() (int, error) { _, err := e.s.UnitByCode(e.ctx, lia, tr.brigB.Code); return 0, err },
				func() (int, error) { _, err := e.s.UnitByCode(e.ctx, lia, "NOSUCH"); return 0, err }},
			{"Units with ParentID",
				func() (int, error) {
					l, n, err := e.s.Units(e.ctx, lia, org.UnitFilter{ParentID: tr.detB.ID})
					return n + len(l), err
				},
				func() (int, error) {
					l, n, err := e.s.Units(e.ctx, lia, org.UnitFilter{ParentID: missing})
					return n + len(l), err
				}},
			{"Units with ParentID of B's root-side parent",
				func() (int, error) {
					l, n, err := e.s.Units(e.ctx, lia, org.UnitFilter{ParentID: tr.root.ID})
					return n + len(l), err
				},
				func() (int, error) {
					l, n, err := e.s.Units(e.ctx, lia, org.UnitFilter{ParentID: missing})
					return n + len(l), err
				}},
			{"Person by id",
				func() (int, error) { _, err := e.s.Person(e.ctx, lia, tr.person["ST-B"].ID); return 0, err },
				func() (int, error) { _, err := e.s.Person(e.ctx, lia, missing); return 0, err }},
			{"People with UnitID",
				func() (int, error) {
					l, n, err := e.s.People(e.ctx, lia, org.PersonFilter{UnitID: tr.stB.ID})
					return n + len(l), err
				},
				func() (int, error) {
					l, n, err := e.s.People(e.ctx, lia, org.PersonFilter{UnitID: missing})
					return n + len(l), err
				}},
			{"CreatePerson in a unit",
				func() (int, error) {
					_, err := e.s.CreatePerson(e.ctx, lia, org.PersonInput{Code: "PROBE", Name: "探", UnitID: tr.stB.ID})
					return 0, err
				},
				func() (int, error) {
					_, err := e.s.CreatePerson(e.ctx, lia, org.PersonInput{Code: "PROBE", Name: "探", UnitID: missing})
					return 0, err
				}},
			{"CreatePerson in a unit by code",
				func() (int, error) {
					_, err := e.s.CreatePerson(e.ctx, lia, org.PersonInput{Code: "PROBE", Name: "探", UnitCode: tr.stB.Code})
					return 0, err
				},
				func() (int, error) {
					_, err := e.s.CreatePerson(e.ctx, lia, org.PersonInput{Code: "PROBE", Name: "探", UnitCode: "NOSUCH"})
					return 0, err
				}},
			{"UpdatePerson",
				func() (int, error) {
					x := tr.person["ST-B"]
					_, err := e.s.UpdatePerson(e.ctx, lia, x.ID, org.PersonInput{Code: x.Code, Name: x.Name, UnitID: tr.stA.ID})
					return 0, err
				},
				func() (int, error) {
					x := tr.person["ST-B"]
					_, err := e.s.UpdatePerson(e.ctx, lia, missing, org.PersonInput{Code: x.Code, Name: x.Name, UnitID: tr.stA.ID})
					return 0, err
				}},
			{"DeletePerson",
				func() (int, error) { return 0, e.s.DeletePerson(e.ctx, lia, tr.person["ST-B"].ID) },
				func() (int, error) { return 0, e.s.DeletePerson(e.ctx, lia, missing) }},
		}
		for _, pr := range probes {
			t.Run(pr.name+" answers about B exactly as about nothing", func(t *testing.T) {
				nb, errB := pr.b()
				nn, errN := pr.nowhere()
				if errB == nil || errN == nil {
					t.Fatalf("about B: %v; about nothing: %v; want both refused", errB, errN)
				}
				eb, _ := errs.As(errB)
				en, _ := errs.As(errN)
				if eb == nil || en == nil || *eb != *en || nb != 0 || nn != 0 {
					t.Fatalf("about B: %#v (%d rows); about nothing: %#v (%d rows)", eb, nb, en, nn)
				}
				if eb.Kind != errs.NotFound && eb.Kind != errs.Invalid {
					t.Fatalf("kind %s, want not_found or invalid", eb.Kind.Code())
				}
			})
		}
		t.Run("nothing the liaison tried was written", func(t *testing.T) {
			e.unchanged(t, before)
		})
	})
}

// A principal whose scope is empty (no unit, not All) sees and changes nothing, whatever its
// roles: the SQL condition for an empty scope matches no row.
func TestEmptyScopeSeesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		tr := e.tree(t)
		p := org.Principal{UserID: 99, Name: "无范围", Roles: []org.Role{org.RoleAdmin}}
		before := e.dump(t)
		us, n, err := e.s.Units(e.ctx, p, org.UnitFilter{})
		if err != nil || n != 0 || len(us) != 0 {
			t.Fatalf("units: %v, total %d, %v", unitIDs(us), n, err)
		}
		ps, n, err := e.s.People(e.ctx, p, org.PersonFilter{})
		if err != nil || n != 0 || len(ps) != 0 {
			t.Fatalf("people: %v, total %d, %v", personIDs(ps), n, err)
		}
		users, n, err := e.s.Users(e.ctx, p, org.UserFilter{})
		if err != nil || n != 0 || len(users) != 0 {
			t.Fatalf("users: %d, total %d, %v", len(users), n, err)
		}
		_, err = e.s.Unit(e.ctx, p, tr.root.ID)
		check(t, err, notFound)
		_, err = e.s.CreateUnit(e.ctx, p, org.UnitInput{Code: "X", Name: "站", Kind: org.Station, ParentID: tr.brigA.ID})
		check(t, err, invalid("parent_id"))
		_, err = e.s.CreatePerson(e.ctx, p, org.PersonInput{Code: "X", Name: "人", UnitID: tr.stA.ID})
		check(t, err, invalid("unit_id"))
		check(t, e.s.DeletePerson(e.ctx, p, tr.person["ST-A"].ID), notFound)
		e.unchanged(t, before)
	})
}

func TestScopeContains(t *testing.T) {
	cases := []struct {
		name  string
		scope org.Scope
		path  string
		want  bool
	}{
		{"All contains anything", org.Scope{All: true}, "/1/2/", true},
		{"the scope unit itself", org.Scope{Path: "/1/2/"}, "/1/2/", true},
		{"a descendant", org.Scope{Path: "/1/2/"}, "/1/2/3/", true},
		{"the parent", org.Scope{Path: "/1/2/"}, "/1/", false},
		{"a sibling whose id starts with the same digits", org.Scope{Path: "/1/2/"}, "/1/20/", false},
		{"an empty scope contains nothing", org.Scope{}, "/1/", false},
		{"an empty scope does not contain the empty path", org.Scope{}, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.scope.Contains(c.path); got != c.want {
				t.Fatalf("%+v.Contains(%q) = %v, want %v", c.scope, c.path, got, c.want)
			}
		})
	}
}

func TestPermissions(t *testing.T) {
	all := []org.Perm{org.PermUnitsRead, org.PermUnitsWrite, org.PermPeopleRead, org.PermPeopleWrite, org.PermUsersRead, org.PermUsersWrite, org.PermAuditRead}
	grants := map[org.Role][]org.Perm{
		org.RoleAdmin:     all,
		org.RoleOffice:    {org.PermUnitsRead, org.PermUnitsWrite, org.PermPeopleRead, org.PermPeopleWrite, org.PermUsersRead, org.PermAuditRead},
		org.RoleLead:      {org.PermUnitsRead, org.PermPeopleRead},
		org.RoleSupport:   {org.PermUnitsRead, org.PermPeopleRead},
		org.RoleLiaison:   {org.PermUnitsRead, org.PermPeopleRead, org.PermPeopleWrite},
		org.RoleReviewer:  {org.PermUnitsRead},
		org.RoleInspector: {org.PermUnitsRead},
		org.RoleStaff:     nil,
	}
	for _, r := range org.Roles {
		p := org.Principal{Roles: []org.Role{r}}
		for _, perm := range all {
			want := false
			for _, g := range grants[r] {
				want = want || g == perm
			}
			t.Run(fmt.Sprintf("%s %s %v", r, perm, want), func(t *testing.T) {
				if p.Can(perm) != want {
					t.Fatalf("Can = %v", !want)
				}
				err := p.Require(perm)
				if want != (err == nil) || (err != nil && !errs.Is(err, errs.Forbidden)) {
					t.Fatalf("Require = %v", err)
				}
			})
		}
	}
	t.Run("roles add up", func(t *testing.T) {
		p := org.Principal{Roles: []org.Role{org.RoleReviewer, org.RoleLiaison}}
		if !p.Can(org.PermPeopleWrite) || !p.Has(org.RoleReviewer) || p.Has(org.RoleAdmin) {
			t.Fatal("reviewer+liaison should have people.write and be no admin")
		}
		if (org.Principal{}).Can(org.PermUnitsRead) {
			t.Fatal("a principal with no roles can read units")
		}
	})
}
