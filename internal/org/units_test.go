package org_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// The placement rules written out in full rather than derived from the code's table, so that a
// change to the rules has to change this test too.
func TestUnitPlacement(t *testing.T) {
	cases := []struct {
		kind, parent org.UnitKind
		allowed      bool
	}{
		{org.Corps, org.Corps, false},
		{org.Corps, org.Detachment, false},
		{org.Corps, org.Brigade, false},
		{org.Corps, org.Station, false},
		{org.Corps, org.Department, false},
		{org.Detachment, org.Corps, true},
		{org.Detachment, org.Detachment, false},
		{org.Detachment, org.Brigade, false},
		{org.Detachment, org.Station, false},
		{org.Detachment, org.Department, false},
		{org.Brigade, org.Corps, false},
		{org.Brigade, org.Detachment, true},
		{org.Brigade, org.Brigade, false},
		{org.Brigade, org.Station, false},
		{org.Brigade, org.Department, false},
		{org.Station, org.Corps, false},
		{org.Station, org.Detachment, true},
		{org.Station, org.Brigade, true},
		{org.Station, org.Station, false},
		{org.Station, org.Department, false},
		{org.Department, org.Corps, true},
		{org.Department, org.Detachment, true},
		{org.Department, org.Brigade, true},
		{org.Department, org.Station, false},
		{org.Department, org.Department, false},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		sys := org.System
		parents := map[org.UnitKind]org.Unit{}
		parents[org.Corps] = e.unit(t, sys, "C", "总队", org.Corps, 0)
		parents[org.Detachment] = e.unit(t, sys, "D", "支队", org.Detachment, parents[org.Corps].ID)
		parents[org.Brigade] = e.unit(t, sys, "B", "大队", org.Brigade, parents[org.Detachment].ID)
		parents[org.Station] = e.unit(t, sys, "S", "站", org.Station, parents[org.Brigade].ID)
		parents[org.Department] = e.unit(t, sys, "P", "处室", org.Department, parents[org.Corps].ID)
		for i, c := range cases {
			verdict := "is refused"
			if c.allowed {
				verdict = "is allowed"
			}
			t.Run(fmt.Sprintf("%s under %s %s", c.kind.Label(), c.parent.Label(), verdict), func(t *testing.T) {
				parent := parents[c.parent]
				in := org.UnitInput{Code: fmt.Sprintf("X%d", i), Name: "新单位", Kind: c.kind, ParentID: parent.ID}
				if !c.allowed {
					before := e.dump(t)
					_, err := e.s.CreateUnit(e.ctx, sys, in)
					check(t, err, invalid("parent_id"))
					e.unchanged(t, before)
					return
				}
				n := e.auditLen(t)
				u, err := e.s.CreateUnit(e.ctx, sys, in)
				check(t, err, pass)
				e.oneEntry(t, n, sys, "create", "unit", u.ID)
				if u.ParentID != parent.ID || u.ParentName != parent.Name || u.Kind != c.kind {
					t.Fatalf("created %+v, want kind %s under %d %s", u, c.kind, parent.ID, parent.Name)
				}
				if want := parent.Path + fmt.Sprint(u.ID) + "/"; u.Path != want {
					t.Fatalf("path %q, want %q", u.Path, want)
				}
				if u.Depth() != parent.Depth()+1 {
					t.Fatalf("depth %d, parent's %d", u.Depth(), parent.Depth())
				}
			})
		}
		t.Run("the same rules apply when the parent is given by code", func(t *testing.T) {
			before := e.dump(t)
			_, err := e.s.CreateUnit(e.ctx, sys, org.UnitInput{Code: "BYCODE1", Name: "站", Kind: org.Station, ParentCode: " P "})
			check(t, err, invalid("parent_id"))
			e.unchanged(t, before)
			u, err := e.s.CreateUnit(e.ctx, sys, org.UnitInput{Code: "BYCODE2", Name: "站", Kind: "消防救援站", ParentCode: " B "})
			check(t, err, pass)
			if u.ParentID != parents[org.Brigade].ID || u.Kind != org.Station {
				t.Fatalf("got %+v, want a station under B", u)
			}
		})
		t.Run("a parent that does not exist is refused on parent_id", func(t *testing.T) {
			before := e.dump(t)
			_, err := e.s.CreateUnit(e.ctx, sys, org.UnitInput{Code: "NOPARENT", Name: "站", Kind: org.Station, ParentID: 987654})
			check(t, err, invalid("parent_id"))
			_, err = e.s.CreateUnit(e.ctx, sys, org.UnitInput{Code: "NOPARENT", Name: "站", Kind: org.Station, ParentCode: "NOSUCH"})
			check(t, err, invalid("parent_id"))
			e.unchanged(t, before)
		})
		t.Run("depth counts from the root", func(t *testing.T) {
			for k, want := range map[org.UnitKind]int{org.Corps: 0, org.Detachment: 1, org.Brigade: 2, org.Station: 3, org.Department: 1} {
				if got := parents[k].Depth(); got != want {
					t.Errorf("%s depth %d, want %d", k.Label(), got, want)
				}
			}
		})
	})
}

func TestRoot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		sys := org.System
		scopedAdmin := org.Principal{UserID: 1, Name: "管理员", Roles: []org.Role{org.RoleAdmin}, Scope: org.Scope{UnitID: 1, Path: "/1/"}}
		t.Run("a principal without the whole organisation in scope cannot create the root", func(t *testing.T) {
			before := e.dump(t)
			_, err := e.s.CreateUnit(e.ctx, scopedAdmin, org.UnitInput{Code: "ROOT", Name: "总队", Kind: org.Corps})
			check(t, err, invalid("parent_id"))
			office := org.Principal{Name: "办公室", Roles: []org.Role{org.RoleOffice}, Scope: org.Scope{}}
			_, err = e.s.CreateUnit(e.ctx, office, org.UnitInput{Code: "ROOT", Name: "总队", Kind: org.Corps})
			check(t, err, invalid("parent_id"))
			e.unchanged(t, before)
		})
		t.Run("whole scope without units.write is forbidden", func(t *testing.T) {
			before := e.dump(t)
			for _, r := range []org.Role{org.RoleLead, org.RoleSupport, org.RoleLiaison, org.RoleReviewer, org.RoleInspector, org.RoleStaff} {
				p := org.Principal{Name: string(r), Roles: []org.Role{r}, Scope: org.Scope{All: true}}
				_, err := e.s.CreateUnit(e.ctx, p, org.UnitInput{Code: "ROOT", Name: "总队", Kind: org.Corps})
				check(t, err, forbidden)
			}
			e.unchanged(t, before)
		})
		t.Run("kinds other than 总队 cannot be the root", func(t *testing.T) {
			before := e.dump(t)
			for _, k := range []org.UnitKind{org.Detachment, org.Brigade, org.Station, org.Department} {
				_, err := e.s.CreateUnit(e.ctx, sys, org.UnitInput{Code: "R" + string(k), Name: "根", Kind: k})
				check(t, err, invalid("parent_id"))
			}
			e.unchanged(t, before)
		})
		var root org.Unit
		t.Run("a principal with Scope.All creates the root", func(t *testing.T) {
			root = e.unit(t, sys, "ROOT", "总队", org.Corps, 0)
			if root.ParentID != 0 || root.Path != fmt.Sprintf("/%d/", root.ID) || root.Depth() != 0 {
				t.Fatalf("root %+v", root)
			}
		})
		t.Run("there is only one root", func(t *testing.T) {
			before := e.dump(t)
			_, err := e.s.CreateUnit(e.ctx, sys, org.UnitInput{Code: "ROOT2", Name: "第二总队", Kind: org.Corps})
			check(t, err, invalid("parent_id"))
			_, err = e.s.CreateUnit(e.ctx, sys, org.UnitInput{Code: "ROOT2", Name: "第二总队", Kind: org.Corps, ParentID: root.ID})
			check(t, err, invalid("parent_id"))
			e.unchanged(t, before)
		})
		t.Run("the root cannot be moved under another unit", func(t *testing.T) {
			d := e.unit(t, sys, "D1", "支队", org.Detachment, root.ID)
			before := e.dump(t)
			_, err := e.s.UpdateUnit(e.ctx, sys, root.ID, org.UnitInput{Code: "ROOT", Name: "总队", Kind: org.Corps, ParentID: d.ID})
			check(t, err, invalid("parent_id"))
			e.unchanged(t, before)
		})
		t.Run("another unit cannot become a second root", func(t *testing.T) {
			var d org.Unit
			d, err := e.s.UnitByCode(e.ctx, sys, "D1")
			must(t, err)
			before := e.dump(t)
			_, err = e.s.UpdateUnit(e.ctx, sys, d.ID, org.UnitInput{Code: "D1", Name: "支队", Kind: org.Detachment})
			check(t, err, invalid("parent_id"))
			_, err = e.s.UpdateUnit(e.ctx, sys, d.ID, org.UnitInput{Code: "D1", Name: "支队", Kind: org.Corps})
			check(t, err, invalid("parent_id"))
			e.unchanged(t, before)
		})
		t.Run("the root can be renamed in place", func(t *testing.T) {
			n := e.auditLen(t)
			u, err := e.s.UpdateUnit(e.ctx, sys, root.ID, org.UnitInput{Code: "ROOT", Name: "省总队", Kind: "总队"})
			check(t, err, pass)
			en := e.oneEntry(t, n, sys, "update", "unit", root.ID)
			if u.Name != "省总队" || state(t, en.Before)["name"] != "总队" || state(t, en.After)["name"] != "省总队" {
				t.Fatalf("renamed %+v; audit %s → %s", u, en.Before, en.After)
			}
		})
	})
}

// move is the input that keeps u as it is but under another parent.
func move(u org.Unit, parent int64) org.UnitInput {
	return org.UnitInput{Code: u.Code, Name: u.Name, Kind: u.Kind, ParentID: parent, SortOrder: u.SortOrder}
}

func TestMoveUnit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		sys := org.System
		tr := e.tree(t)
		// Give BRIG-A a second level and a department, so the moved subtree has several shapes.
		deptA := e.unit(t, sys, "DEPT-A", "大队办公室", org.Department, tr.brigA.ID)
		stA2 := e.unit(t, sys, "ST-A2", "甲街第二消防救援站", org.Station, tr.brigA.ID)
		pA2 := e.person(t, sys, "P-ST-A2", "陈九", "站长", stA2.ID)
		// A liaison whose scope is the unit that moves, and one for each 支队.
		liaA := e.user(t, sys, org.UserInput{Username: "lia-brig-a", DisplayName: "大队联络员", UnitID: tr.brigA.ID, Roles: []org.Role{org.RoleLiaison}})
		liaDetA := e.user(t, sys, org.UserInput{Username: "lia-det-a", DisplayName: "甲支队联络员", UnitID: tr.detA.ID, Roles: []org.Role{org.RoleLiaison}})
		liaDetB := e.user(t, sys, org.UserInput{Username: "lia-det-b", DisplayName: "乙支队联络员", UnitID: tr.detB.ID, Roles: []org.Role{org.RoleLiaison}})
		subtree := []int64{tr.brigA.ID, tr.stA.ID, deptA.ID, stA2.ID}
		subtreePeople := []int64{tr.person["BRIG-A"].ID, tr.person["ST-A"].ID, pA2.ID}
		stalePrincipal := e.principal(t, liaA.ID)

		t.Run("moving under itself is refused and writes nothing", func(t *testing.T) {
			before := e.dump(t)
			_, err := e.s.UpdateUnit(e.ctx, sys, tr.brigA.ID, move(tr.brigA, tr.brigA.ID))
			check(t, err, invalid("parent_id"))
			e.unchanged(t, before)
		})
		t.Run("moving under its own descendant is refused and writes nothing", func(t *testing.T) {
			before := e.dump(t)
			for _, d := range []org.Unit{tr.stA, deptA, stA2} {
				_, err := e.s.UpdateUnit(e.ctx, sys, tr.brigA.ID, move(tr.brigA, d.ID))
				check(t, err, invalid("parent_id"))
				// Even with a kind that would otherwise fit under the descendant.
				in := move(tr.detA, d.ID)
				in.Kind = org.Station
				_, err = e.s.UpdateUnit(e.ctx, sys, tr.detA.ID, in)
				check(t, err, invalid("parent_id"))
			}
			e.unchanged(t, before)
		})
		t.Run("moving to a parent of the wrong kind is refused", func(t *testing.T) {
			before := e.dump(t)
			for _, parent := range []org.Unit{tr.root, tr.brigB, tr.stB, tr.dept} {
				_, err := e.s.UpdateUnit(e.ctx, sys, tr.brigA.ID, move(tr.brigA, parent.ID))
				check(t, err, invalid("parent_id"))
			}
			e.unchanged(t, before)
		})
		t.Run("moving out of the caller's scope is refused", func(t *testing.T) {
			office := org.Principal{UserID: tr.user[org.RoleOffice].ID, Name: "办公室", Roles: []org.Role{org.RoleOffice},
				Scope: org.Scope{UnitID: tr.detA.ID, Path: tr.detA.Path}}
			before := e.dump(t)
			_, err := e.s.UpdateUnit(e.ctx, office, tr.brigA.ID, move(tr.brigA, tr.detB.ID))
			check(t, err, invalid("parent_id"))
			e.unchanged(t, before)
		})

		outside := map[int64]string{}
		all, err := e.s.AllUnits(e.ctx, sys)
		must(t, err)
		for _, u := range all {
			outside[u.ID] = u.Path
		}
		for _, id := range subtree {
			delete(outside, id)
		}

		t.Run("a 大队 with its subtree moves to another 支队", func(t *testing.T) {
			n := e.auditLen(t)
			moved, err := e.s.UpdateUnit(e.ctx, sys, tr.brigA.ID, move(tr.brigA, tr.detB.ID))
			check(t, err, pass)
			en := e.oneEntry(t, n, sys, "update", "unit", tr.brigA.ID)
			if b, a := state(t, en.Before)["parent_id"], state(t, en.After)["parent_id"]; b != float64(tr.detA.ID) || a != float64(tr.detB.ID) {
				t.Fatalf("audit parent_id %v → %v, want %d → %d", b, a, tr.detA.ID, tr.detB.ID)
			}
			if moved.ParentID != tr.detB.ID || moved.ParentName != tr.detB.Name || moved.Path != tr.detB.Path+fmt.Sprint(tr.brigA.ID)+"/" {
				t.Fatalf("moved unit %+v", moved)
			}
		})
		t.Run("every descendant's path follows", func(t *testing.T) {
			e.checkPaths(t)
			brig, err := e.s.Unit(e.ctx, sys, tr.brigA.ID)
			must(t, err)
			for _, id := range subtree {
				u, err := e.s.Unit(e.ctx, sys, id)
				must(t, err)
				if !strings.HasPrefix(u.Path, brig.Path) || !strings.HasPrefix(u.Path, tr.detB.Path) {
					t.Errorf("%s has path %q, want it under %q", u.Code, u.Path, brig.Path)
				}
			}
		})
		t.Run("units outside the subtree keep their paths", func(t *testing.T) {
			all, err := e.s.AllUnits(e.ctx, sys)
			must(t, err)
			for _, u := range all {
				if old, ok := outside[u.ID]; ok && u.Path != old {
					t.Errorf("%s path changed from %q to %q", u.Code, old, u.Path)
				}
			}
		})
		t.Run("the new parent's subtree lists the moved units, the old one no longer does", func(t *testing.T) {
			got, total, err := e.s.Units(e.ctx, sys, org.UnitFilter{ParentID: tr.detB.ID})
			must(t, err)
			want := append([]int64{tr.detB.ID, tr.brigB.ID, tr.stB.ID}, subtree...)
			if !sameSet(unitIDs(got), want) || total != len(want) {
				t.Fatalf("below DET-B: %v (total %d), want %v", unitIDs(got), total, want)
			}
			got, total, err = e.s.Units(e.ctx, sys, org.UnitFilter{ParentID: tr.detA.ID})
			must(t, err)
			if !sameSet(unitIDs(got), []int64{tr.detA.ID}) || total != 1 {
				t.Fatalf("below DET-A: %v (total %d), want only DET-A", unitIDs(got), total)
			}
			ps, total, err := e.s.People(e.ctx, sys, org.PersonFilter{UnitID: tr.detA.ID})
			must(t, err)
			if !sameSet(personIDs(ps), []int64{tr.person["DET-A"].ID}) || total != 1 {
				t.Fatalf("people below DET-A: %v (total %d)", personIDs(ps), total)
			}
		})
		t.Run("a principal rooted at the moved unit still sees exactly its subtree", func(t *testing.T) {
			p := e.principal(t, liaA.ID)
			got, total, err := e.s.Units(e.ctx, p, org.UnitFilter{})
			must(t, err)
			if !sameSet(unitIDs(got), subtree) || total != len(subtree) {
				t.Fatalf("sees %v (total %d), want %v", unitIDs(got), total, subtree)
			}
			ps, total, err := e.s.People(e.ctx, p, org.PersonFilter{})
			must(t, err)
			if !sameSet(personIDs(ps), subtreePeople) || total != len(subtreePeople) {
				t.Fatalf("sees people %v (total %d), want %v", personIDs(ps), total, subtreePeople)
			}
		})
		t.Run("a principal loaded before the move sees nothing rather than something wrong", func(t *testing.T) {
			got, total, err := e.s.Units(e.ctx, stalePrincipal, org.UnitFilter{})
			must(t, err)
			if len(got) != 0 || total != 0 {
				t.Fatalf("stale scope sees %v (total %d)", unitIDs(got), total)
			}
		})
		t.Run("the old 支队's liaison loses the subtree, the new one gains it", func(t *testing.T) {
			pa := e.principal(t, liaDetA.ID)
			for _, id := range subtree {
				_, err := e.s.Unit(e.ctx, pa, id)
				check(t, err, notFound)
			}
			_, err := e.s.Person(e.ctx, pa, pA2.ID)
			check(t, err, notFound)
			pb := e.principal(t, liaDetB.ID)
			for _, id := range subtree {
				_, err := e.s.Unit(e.ctx, pb, id)
				check(t, err, pass)
			}
			_, err = e.s.Person(e.ctx, pb, pA2.ID)
			check(t, err, pass)
		})
		t.Run("a station moves directly under a 支队 and back", func(t *testing.T) {
			n := e.auditLen(t)
			_, err := e.s.UpdateUnit(e.ctx, sys, stA2.ID, move(stA2, tr.detA.ID))
			check(t, err, pass)
			e.oneEntry(t, n, sys, "update", "unit", stA2.ID)
			e.checkPaths(t)
			_, err = e.s.UpdateUnit(e.ctx, sys, stA2.ID, move(stA2, tr.brigA.ID))
			check(t, err, pass)
			e.checkPaths(t)
		})
	})
}

func TestChangeUnitKind(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		sys := org.System
		tr := e.tree(t)
		refused := []struct {
			name  string
			unit  org.Unit
			kind  org.UnitKind
			field string
		}{
			{"a 大队 with a 站 below cannot become a 处室", tr.brigA, org.Department, "kind"},
			{"a 大队 with a 站 below cannot become a 站", tr.brigA, org.Station, "kind"},
			{"a 支队 with a 大队 below cannot become a 处室 under the 总队", tr.detA, org.Department, "kind"},
			{"a 大队 cannot become a 支队 under a 支队", tr.brigA, org.Detachment, "parent_id"},
			{"a 站 cannot become a 大队 under a 大队", tr.stA, org.Brigade, "parent_id"},
		}
		for _, c := range refused {
			t.Run(c.name, func(t *testing.T) {
				in := move(c.unit, c.unit.ParentID)
				in.Kind = c.kind
				before := e.dump(t)
				_, err := e.s.UpdateUnit(e.ctx, sys, c.unit.ID, in)
				check(t, err, invalid(c.field))
				e.unchanged(t, before)
			})
		}
		t.Run("a 大队 whose children fit can become a 处室", func(t *testing.T) {
			b := e.unit(t, sys, "BRIG-EMPTY", "空大队", org.Brigade, tr.detA.ID)
			e.unit(t, sys, "BRIG-EMPTY-D", "大队科室", org.Department, b.ID)
			in := move(b, b.ParentID)
			in.Kind = org.Department
			_, err := e.s.UpdateUnit(e.ctx, sys, b.ID, in)
			check(t, err, invalid("kind")) // a 处室 cannot hold a 处室
			e.unit(t, sys, "BRIG-LEAF", "空大队二", org.Brigade, tr.detA.ID)
			leaf, err := e.s.UnitByCode(e.ctx, sys, "BRIG-LEAF")
			must(t, err)
			in = move(leaf, leaf.ParentID)
			in.Kind = "处室"
			n := e.auditLen(t)
			got, err := e.s.UpdateUnit(e.ctx, sys, leaf.ID, in)
			check(t, err, pass)
			e.oneEntry(t, n, sys, "update", "unit", leaf.ID)
			if got.Kind != org.Department {
				t.Fatalf("kind %s, want department", got.Kind)
			}
		})
	})
}

func TestDeleteUnit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		sys := org.System
		tr := e.tree(t)
		scopeOnly := e.unit(t, sys, "SCOPE-ONLY", "只作管辖范围的站", org.Station, tr.brigB.ID)
		e.user(t, sys, org.UserInput{Username: "scoped", DisplayName: "范围用户", UnitID: tr.brigB.ID, ScopeUnitID: scopeOnly.ID, Roles: []org.Role{org.RoleLiaison}})
		cases := []struct {
			name string
			unit org.Unit
		}{
			{"a unit with sub-units", tr.brigA},
			{"a unit with people", tr.stB},
			{"a unit some user has as scope", scopeOnly},
			{"the root", tr.root},
		}
		for _, c := range cases {
			t.Run(c.name+" cannot be deleted", func(t *testing.T) {
				before := e.dump(t)
				check(t, e.s.DeleteUnit(e.ctx, sys, c.unit.ID), conflict)
				e.unchanged(t, before)
			})
		}
		t.Run("an empty unit is deleted with one audit entry", func(t *testing.T) {
			u := e.unit(t, sys, "EMPTY", "空站", org.Station, tr.brigA.ID)
			n := e.auditLen(t)
			check(t, e.s.DeleteUnit(e.ctx, sys, u.ID), pass)
			en := e.oneEntry(t, n, sys, "delete", "unit", u.ID)
			if state(t, en.Before)["code"] != "EMPTY" {
				t.Fatalf("audit before %s", en.Before)
			}
			_, err := e.s.Unit(e.ctx, sys, u.ID)
			check(t, err, notFound)
		})
		t.Run("a unit that does not exist is not found", func(t *testing.T) {
			before := e.dump(t)
			check(t, e.s.DeleteUnit(e.ctx, sys, 987654), notFound)
			e.unchanged(t, before)
		})
	})
}

func TestUnitLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		sys := org.System
		tr := e.tree(t)
		// Codes with LIKE's special characters, to show the search is literal.
		pct := e.unit(t, sys, "X_1", "百分之百%站", org.Station, tr.brigB.ID)
		plain := e.unit(t, sys, "XA1", "普通站", org.Station, tr.brigB.ID)
		all, total, err := e.s.Units(e.ctx, sys, org.UnitFilter{})
		must(t, err)
		if total != 10 || len(all) != 10 {
			t.Fatalf("%d units (total %d), want 10", len(all), total)
		}
		t.Run("units come in tree order: every unit after its parent, subtrees contiguous", func(t *testing.T) {
			pos := map[int64]int{}
			for i, u := range all {
				pos[u.ID] = i
			}
			for i, u := range all {
				if u.ParentID != 0 && pos[u.ParentID] >= i {
					t.Errorf("%s listed before its parent", u.Code)
				}
				if i > 0 && u.ParentID != 0 && !strings.HasPrefix(all[i-1].Path, all[pos[u.ParentID]].Path) {
					t.Errorf("%s does not follow its parent's subtree", u.Code)
				}
			}
		})
		cases := []struct {
			name string
			f    org.UnitFilter
			want []int64
		}{
			{"Q matches part of a name", org.UnitFilter{Q: "大队"}, []int64{tr.brigA.ID, tr.brigB.ID}},
			{"Q matches part of a code", org.UnitFilter{Q: "DET"}, []int64{tr.detA.ID, tr.detB.ID}},
			{"Q treats _ literally", org.UnitFilter{Q: "X_"}, []int64{pct.ID}},
			{"Q treats % literally", org.UnitFilter{Q: "%"}, []int64{pct.ID}},
			{"Kind selects one level", org.UnitFilter{Kind: org.Brigade}, []int64{tr.brigA.ID, tr.brigB.ID}},
			{"ParentID is the subtree, inclusive", org.UnitFilter{ParentID: tr.detA.ID}, []int64{tr.detA.ID, tr.brigA.ID, tr.stA.ID}},
			{"filters combine", org.UnitFilter{ParentID: tr.detB.ID, Kind: org.Station, Q: "普通"}, []int64{plain.ID}},
			{"nothing matches", org.UnitFilter{Q: "不存在的单位"}, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, total, err := e.s.Units(e.ctx, sys, c.f)
				must(t, err)
				if !sameSet(unitIDs(got), c.want) || total != len(c.want) {
					t.Fatalf("got %v (total %d), want %v", unitIDs(got), total, c.want)
				}
			})
		}
		t.Run("pages split the list and keep the total", func(t *testing.T) {
			var seen []int64
			for off := 0; off < 12; off += 4 {
				got, total, err := e.s.Units(e.ctx, sys, org.UnitFilter{Page: org.Page{Limit: 4, Offset: off}})
				must(t, err)
				if total != 10 {
					t.Fatalf("offset %d: total %d, want 10", off, total)
				}
				seen = append(seen, unitIDs(got)...)
			}
			if !sameSet(seen, unitIDs(all)) {
				t.Fatalf("pages gave %v, want %v", seen, unitIDs(all))
			}
			got, _, err := e.s.Units(e.ctx, sys, org.UnitFilter{Page: org.Page{Limit: 3, Offset: -5}})
			must(t, err)
			if len(got) != 3 || got[0].ID != all[0].ID {
				t.Fatalf("negative offset: %v", unitIDs(got))
			}
		})
		t.Run("AllUnits returns every unit in scope", func(t *testing.T) {
			got, err := e.s.AllUnits(e.ctx, sys)
			must(t, err)
			if !sameSet(unitIDs(got), unitIDs(all)) {
				t.Fatalf("AllUnits %v", unitIDs(got))
			}
			got, err = e.s.AllUnits(e.ctx, e.principal(t, tr.user[org.RoleLiaison].ID))
			must(t, err)
			if !sameSet(unitIDs(got), []int64{tr.brigA.ID, tr.stA.ID}) {
				t.Fatalf("liaison AllUnits %v", unitIDs(got))
			}
			_, err = e.s.AllUnits(e.ctx, e.principal(t, tr.user[org.RoleStaff].ID))
			check(t, err, forbidden)
		})
		t.Run("UnitByCode finds the unit; an unknown code is not found", func(t *testing.T) {
			u, err := e.s.UnitByCode(e.ctx, sys, "BRIG-B")
			check(t, err, pass)
			if u.ID != tr.brigB.ID || u.ParentName != tr.detB.Name || u.Kind != org.Brigade {
				t.Fatalf("got %+v", u)
			}
			_, err = e.s.UnitByCode(e.ctx, sys, "NOSUCH")
			check(t, err, notFound)
		})
		t.Run("reads write nothing", func(t *testing.T) {
			if n := e.auditLen(t); n != e.count(t, "units")+e.count(t, "people")+e.count(t, "users") {
				t.Fatalf("audit has %d entries, want one per created row", n)
			}
		})
	})
}

// The kind labels and aliases that imports use.
func TestParseUnitKind(t *testing.T) {
	cases := []struct {
		in   string
		want org.UnitKind
		ok   bool
	}{
		{"corps", org.Corps, true}, {"总队", org.Corps, true}, {" 支队 ", org.Detachment, true},
		{"大队", org.Brigade, true}, {"站", org.Station, true}, {"消防救援站", org.Station, true},
		{"处室", org.Department, true}, {"科室", org.Department, true}, {"department", org.Department, true},
		{"", "", false}, {"中队", "", false}, {"Corps", "", false},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%q", c.in), func(t *testing.T) {
			got, ok := org.ParseUnitKind(c.in)
			if got != c.want || ok != c.ok {
				t.Fatalf("got %q %v, want %q %v", got, ok, c.want, c.ok)
			}
		})
	}
}
