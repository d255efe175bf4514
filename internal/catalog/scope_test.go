package catalog_test

import (
	"testing"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// TestScope: the liaison of 大队 A sees and changes only its subtree (BRIG-A and ST-A); assets
// of 大队 B, and of its own 支队 above it, do not exist for it, not even as counts.
func TestScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.fixture(t)
		named := func(name string) func(*catalog.Input) { return func(in *catalog.Input) { in.Name = name } }
		aApp := e.asset(t, catalog.App, f.stA, catalog.Active, named("甲站应用"))
		aGrp := e.asset(t, catalog.Group, f.brigA, catalog.Active, named("甲队群"))
		aGrp2 := e.asset(t, catalog.Group, f.stA, catalog.Active, named("甲站群"))
		e.asset(t, catalog.Account, f.brigA, catalog.Retired, named("甲队旧号"))
		bApp := e.asset(t, catalog.App, f.stB, catalog.Active, named("乙站应用"))
		bGrp := e.asset(t, catalog.Group, f.brigB, catalog.Active, named("乙队群"))
		detA := e.asset(t, catalog.Account, f.detA, catalog.Active, named("甲支队号"))
		_, err := e.s.SetMembers(e.ctx, org.System, bGrp.ID, []catalog.MemberInput{{PersonCode: "PB1"}})
		must(t, err)

		lists := []struct {
			name   string
			p      org.Principal
			filter catalog.Filter
			total  int
		}{
			{"liaison A lists only its subtree", f.liaisonA, catalog.Filter{}, 4},
			{"liaison A's groups", f.liaisonA, catalog.Filter{Kind: catalog.Group}, 2},
			{"liaison A's live assets", f.liaisonA, catalog.Filter{LiveOnly: true}, 3},
			{"liaison A searching B's name finds nothing", f.liaisonA, catalog.Filter{Q: "乙"}, 0},
			{"liaison A searching its 支队's account finds nothing", f.liaisonA, catalog.Filter{Q: "甲支队"}, 0},
			{"liaison A filtering by its own 站", f.liaisonA, catalog.Filter{UnitID: f.stA.ID}, 2},
			{"liaison B lists only its subtree", f.liaisonB, catalog.Filter{}, 2},
			{"the scoped lead sees what liaison A sees", f.leadA, catalog.Filter{}, 4},
			{"the reviewer of 支队 A sees the 支队's subtree", f.reviewer, catalog.Filter{}, 5},
			{"the office sees everything", f.officeUser, catalog.Filter{}, 7},
			{"support sees everything", f.support, catalog.Filter{}, 7},
			{"a principal without a scope sees nothing", org.Principal{Name: "无范围", Roles: []org.Role{org.RoleLiaison}}, catalog.Filter{}, 0},
		}
		for _, c := range lists {
			t.Run(c.name, func(t *testing.T) {
				list, total, err := e.s.List(e.ctx, c.p, c.filter)
				check(t, err, pass)
				if total != c.total || len(list) != c.total {
					t.Fatalf("total %d, listed %v, want %d", total, codes(list), c.total)
				}
				for _, a := range list {
					if !c.p.Scope.Contains(a.UnitPath) {
						t.Fatalf("listed %s of unit %s outside the scope %s", a.Code, a.UnitPath, c.p.Scope.Path)
					}
				}
			})
		}
		for _, id := range []struct {
			name string
			a    catalog.Asset
		}{{"B's app", bApp}, {"B's group", bGrp}, {"the 支队's account above A", detA}} {
			t.Run("liaison A does not find "+id.name, func(t *testing.T) {
				_, err := e.s.Get(e.ctx, f.liaisonA, id.a.ID)
				check(t, err, notFound)
				_, err = e.s.GetByCode(e.ctx, f.liaisonA, id.a.Code)
				check(t, err, notFound)
				_, err = e.s.Events(e.ctx, f.liaisonA, id.a.ID)
				check(t, err, notFound)
			})
		}
		t.Run("liaison A finds its own", func(t *testing.T) {
			_, err := e.s.Get(e.ctx, f.liaisonA, aApp.ID)
			check(t, err, pass)
			_, err = e.s.GetByCode(e.ctx, f.liaisonA, " "+aApp.Code+" ")
			check(t, err, pass)
			_, _, err = e.s.Members(e.ctx, f.liaisonA, aGrp.ID, org.Page{})
			check(t, err, pass)
		})
		t.Run("liaison A does not see B's members", func(t *testing.T) {
			_, _, err := e.s.Members(e.ctx, f.liaisonA, bGrp.ID, org.Page{})
			check(t, err, notFound)
		})
		writes := []struct {
			name string
			p    org.Principal
			call func(p org.Principal) error
			want want
		}{
			{"update B's app", f.liaisonA, func(p org.Principal) error {
				_, err := e.s.Update(e.ctx, p, bApp.ID, input(catalog.App, f.stA, func(in *catalog.Input) { in.Code = bApp.Code }))
				return err
			}, notFound},
			{"move B's app to rectification", f.liaisonA, func(p org.Principal) error {
				_, err := e.s.Transition(e.ctx, p, bApp.ID, catalog.Rectifying, "越权操作")
				return err
			}, notFound},
			{"retire B's app as a lead scoped to A", f.leadA, func(p org.Principal) error {
				_, err := e.s.Transition(e.ctx, p, bApp.ID, catalog.Retired, "越权操作")
				return err
			}, notFound},
			{"set B's group's members", f.liaisonA, func(p org.Principal) error {
				_, err := e.s.SetMembers(e.ctx, p, bGrp.ID, []catalog.MemberInput{{PersonCode: "PA1"}})
				return err
			}, notFound},
			{"merge B's group into A's", f.leadA, func(p org.Principal) error {
				_, err := e.s.Merge(e.ctx, p, bGrp.ID, aGrp.ID, "越权合并")
				return err
			}, notFound},
			{"merge A's group into B's", f.leadA, func(p org.Principal) error {
				_, err := e.s.Merge(e.ctx, p, aGrp.ID, bGrp.ID, "越权合并")
				return err
			}, invalid("into")},
			{"filter by B's unit", f.liaisonA, func(p org.Principal) error {
				_, _, err := e.s.List(e.ctx, p, catalog.Filter{UnitID: f.brigB.ID})
				return err
			}, invalid("unit_id")},
			{"filter by the 支队 above A", f.liaisonA, func(p org.Principal) error {
				_, _, err := e.s.List(e.ctx, p, catalog.Filter{UnitID: f.detA.ID})
				return err
			}, invalid("unit_id")},
			{"create in B", f.liaisonA, func(p org.Principal) error {
				_, err := e.s.Create(e.ctx, p, input(catalog.App, f.brigB))
				return err
			}, invalid("unit_id")},
			{"move A's app to B", f.liaisonA, func(p org.Principal) error {
				_, err := e.s.Update(e.ctx, p, aApp.ID, input(catalog.App, f.stB, func(in *catalog.Input) { in.Code = aApp.Code }))
				return err
			}, invalid("unit_id")},
		}
		for _, c := range writes {
			t.Run(c.name+" is refused", func(t *testing.T) {
				e.refused(t, c.want, func() error { return c.call(c.p) })
			})
		}
		t.Run("the scoped lead may merge inside A", func(t *testing.T) {
			res, err := e.s.Merge(e.ctx, f.leadA, aGrp2.ID, aGrp.ID, "同一工作重复建群")
			check(t, err, pass)
			if res.From.MergedIntoID != aGrp.ID {
				t.Fatalf("merge result %+v", res.From)
			}
		})
		t.Run("staff may not read the inventory", func(t *testing.T) {
			for _, call := range []func() error{
				func() error { _, _, err := e.s.List(e.ctx, f.staff, catalog.Filter{}); return err },
				func() error { _, err := e.s.Get(e.ctx, f.staff, aApp.ID); return err },
				func() error { _, err := e.s.GetByCode(e.ctx, f.staff, aApp.Code); return err },
				func() error { _, _, err := e.s.Members(e.ctx, f.staff, aGrp.ID, org.Page{}); return err },
				func() error { _, err := e.s.Events(e.ctx, f.staff, aApp.ID); return err },
			} {
				check(t, call(), forbidden)
			}
		})
	})
}

// TestPendingIgnoresScope: one's own records wait for confirmation on one's home page wherever
// they are in the tree, and only one's own.
func TestPendingIgnoresScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.fixture(t)
		owned := func(u org.Unit, owner string) func(*catalog.Input) {
			return func(in *catalog.Input) { in.UnitID, in.OwnerCode = u.ID, owner }
		}
		inB := e.asset(t, catalog.Group, f.brigB, catalog.Active, owned(f.brigB, "P-BRIG-A"))
		inA := e.asset(t, catalog.App, f.stA, catalog.Active, owned(f.stA, "P-BRIG-A"))
		t.Run("liaison A's pending list includes its group in B", func(t *testing.T) {
			list, err := e.s.Pending(e.ctx, f.liaisonA, f.pid("P-BRIG-A"))
			check(t, err, pass)
			if got := sorted(codes(list)); !sameStrings(got, sorted([]string{inB.Code, inA.Code})) {
				t.Fatalf("pending %v", got)
			}
			checkDetails(t, list)
			_, err = e.s.Get(e.ctx, f.liaisonA, inB.ID)
			check(t, err, notFound)
		})
		t.Run("staff who own a record see it pending and may confirm it", func(t *testing.T) {
			mine := e.asset(t, catalog.Group, f.brigB, catalog.Active, owned(f.brigB, "PA2"))
			list, err := e.s.Pending(e.ctx, f.staffOwner, f.pid("PA2"))
			check(t, err, pass)
			if !sameStrings(codes(list), []string{mine.Code}) {
				t.Fatalf("pending %v", codes(list))
			}
			n, err := e.s.Attest(e.ctx, f.staffOwner, f.pid("PA2"), []int64{mine.ID})
			check(t, err, pass)
			if n != 1 || e.get(t, mine.ID).NeedsAttest {
				t.Fatalf("attest %d", n)
			}
		})
		t.Run("someone else's pending list is not one's to read", func(t *testing.T) {
			_, err := e.s.Pending(e.ctx, f.liaisonB, f.pid("P-BRIG-A"))
			check(t, err, forbidden)
		})
	})
}
