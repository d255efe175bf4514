package catalog_test

import (
	"sort"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// inventory is a small inventory spread over the fixture's tree, one asset per interesting
// combination of fields; codes are chosen so that code order is plain to read.
func (e *env) inventory(t *testing.T, f *fixture) map[string]catalog.Asset {
	t.Helper()
	sys := org.System
	out := map[string]catalog.Asset{}
	add := func(in catalog.Input) catalog.Asset {
		a := e.create(t, sys, in)
		out[a.Code] = a
		return a
	}
	add(catalog.Input{Code: "app-001", Kind: catalog.App, Name: "消防监督执法系统", Platform: "App", UnitID: f.stA.ID, OwnerCode: "PA1",
		Purpose: "Fire Inspection 现场检查", Functions: []string{"执法记录", "隐患上报"},
		App: &catalog.AppDetails{ForcedFeatures: []string{"checkin"}}})
	app2 := add(catalog.Input{Code: "app-002", Kind: catalog.App, Name: "应急通信调度", Platform: "小程序", UnitID: f.detB.ID,
		LeadUnitID: f.office.ID, OwnerCode: "PB1", Purpose: "调度"})
	add(catalog.Input{Code: "acc-001", Kind: catalog.Account, Name: "甲市消防微信公众号", Platform: "微信公众号", UnitID: f.detA.ID})
	acc2 := add(catalog.Input{Code: "acc-002", Kind: catalog.Account, Name: "乙区消防抖音号", Platform: "抖音", UnitID: f.brigB.ID, OwnerCode: "PB1"})
	grp1 := add(catalog.Input{Code: "grp-001", Kind: catalog.Group, Name: "甲区值班通知群", Platform: "微信", UnitID: f.brigA.ID, OwnerCode: "PA2",
		Functions: []string{"通知", "Check-In 接龙"}, Group: &catalog.GroupDetails{Temporary: true, TaskEndOn: day(2026, 8, 31)}})
	add(catalog.Input{Code: "grp-002", Kind: catalog.Group, Name: "乙区党建学习群", Platform: "钉钉", UnitID: f.brigB.ID, Status: catalog.Applying})
	grp3 := add(catalog.Input{Code: "grp-003", Kind: catalog.Group, Name: "甲区防汛群", Platform: "微信", UnitID: f.stA.ID, OwnerCode: "PA1"})
	add(catalog.Input{Code: "app-004", Kind: catalog.App, Name: "达标率100%统计_v2", Platform: "Web系统", UnitID: f.stA.ID, OwnerCode: "P-ST-A",
		App: &catalog.AppDetails{EmergencyUse: true}})
	var err error
	_, err = e.s.Transition(e.ctx, sys, app2.ID, catalog.Rectifying, "存在强制打卡")
	must(t, err)
	_, err = e.s.Transition(e.ctx, sys, acc2.ID, catalog.Retired, "长期不更新")
	must(t, err)
	_, err = e.s.Merge(e.ctx, sys, grp3.ID, grp1.ID, "同一工作重复建群")
	must(t, err)
	// PA1 (leadA's person) confirms app-001; the merged grp-003 is skipped.
	n, err := e.s.Attest(e.ctx, f.leadA, f.pid("PA1"), []int64{out["app-001"].ID, grp3.ID})
	must(t, err)
	if n != 1 {
		t.Fatalf("attested %d, want 1", n)
	}
	for code, a := range out {
		out[code] = e.get(t, a.ID)
	}
	return out
}

// checkDetails checks that every listed asset carries its own kind's details and no other's.
func checkDetails(t *testing.T, list []catalog.Asset) {
	t.Helper()
	for _, a := range list {
		ok := a.App != nil == (a.Kind == catalog.App) && a.Account != nil == (a.Kind == catalog.Account) && a.Group != nil == (a.Kind == catalog.Group)
		if !ok {
			t.Errorf("%s (%s) details: app %v account %v group %v", a.Code, a.Kind, a.App != nil, a.Account != nil, a.Group != nil)
		}
	}
}

func TestListFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.fixture(t)
		e.inventory(t, f)
		all := []string{"acc-001", "acc-002", "app-001", "app-002", "app-004", "grp-001", "grp-002", "grp-003"}
		for _, c := range []struct {
			name   string
			filter catalog.Filter
			want   []string
		}{
			{"no filter lists everything, retired and merged too", catalog.Filter{}, all},
			{"kind app", catalog.Filter{Kind: catalog.App}, []string{"app-001", "app-002", "app-004"}},
			{"kind account", catalog.Filter{Kind: catalog.Account}, []string{"acc-001", "acc-002"}},
			{"kind group", catalog.Filter{Kind: catalog.Group}, []string{"grp-001", "grp-002", "grp-003"}},
			{"platform 微信", catalog.Filter{Platform: "微信"}, []string{"grp-001", "grp-003"}},
			{"platform 小程序", catalog.Filter{Platform: "小程序"}, []string{"app-002"}},
			{"status active", catalog.Filter{Status: catalog.Active}, []string{"acc-001", "app-001", "app-004", "grp-001"}},
			{"status rectifying", catalog.Filter{Status: catalog.Rectifying}, []string{"app-002"}},
			{"status retired", catalog.Filter{Status: catalog.Retired}, []string{"acc-002"}},
			{"status applying", catalog.Filter{Status: catalog.Applying}, []string{"grp-002"}},
			{"status merged", catalog.Filter{Status: catalog.Merged}, []string{"grp-003"}},
			{"status rejected matches nothing", catalog.Filter{Status: catalog.Rejected}, nil},
			{"live only", catalog.Filter{LiveOnly: true}, []string{"acc-001", "app-001", "app-002", "app-004", "grp-001"}},
			{"live apps", catalog.Filter{LiveOnly: true, Kind: catalog.App}, []string{"app-001", "app-002", "app-004"}},
			{"unit subtree of the root", catalog.Filter{UnitID: f.root.ID}, all},
			{"unit subtree of 支队 A", catalog.Filter{UnitID: f.detA.ID}, []string{"acc-001", "app-001", "app-004", "grp-001", "grp-003"}},
			{"unit subtree of 大队 A", catalog.Filter{UnitID: f.brigA.ID}, []string{"app-001", "app-004", "grp-001", "grp-003"}},
			{"unit subtree of 站 A", catalog.Filter{UnitID: f.stA.ID}, []string{"app-001", "app-004", "grp-003"}},
			{"unit subtree of 支队 B", catalog.Filter{UnitID: f.detB.ID}, []string{"acc-002", "app-002", "grp-002"}},
			{"unit with no assets", catalog.Filter{UnitID: f.stB.ID}, nil},
			{"lead department 办公室 (groups by default, one app by choice)", catalog.Filter{LeadUnitID: f.office.ID},
				[]string{"app-002", "grp-001", "grp-002", "grp-003"}},
			{"lead department 信息通信处", catalog.Filter{LeadUnitID: f.ict.ID}, []string{"app-001", "app-004"}},
			{"lead department 新闻宣传处", catalog.Filter{LeadUnitID: f.press.ID}, []string{"acc-001", "acc-002"}},
			{"owner PA1", catalog.Filter{OwnerPersonID: f.pid("PA1")}, []string{"app-001", "grp-003"}},
			{"owner PB1", catalog.Filter{OwnerPersonID: f.pid("PB1")}, []string{"acc-002", "app-002"}},
			{"no owner", catalog.Filter{NoOwner: true}, []string{"acc-001", "grp-002"}},
			{"search a Chinese substring of a name", catalog.Filter{Q: "执法"}, []string{"app-001"}},
			{"search a function", catalog.Filter{Q: "隐患上报"}, []string{"app-001"}},
			{"search the purpose ignoring Latin case", catalog.Filter{Q: "fire inspection"}, []string{"app-001"}},
			{"search the purpose in upper case", catalog.Filter{Q: "FIRE"}, []string{"app-001"}},
			{"search a function ignoring Latin case", catalog.Filter{Q: "check-in"}, []string{"grp-001"}},
			{"search a code ignoring case", catalog.Filter{Q: "APP-00"}, []string{"app-001", "app-002", "app-004"}},
			{"search 甲区", catalog.Filter{Q: "甲区"}, []string{"grp-001", "grp-003"}},
			{"search 消防", catalog.Filter{Q: "消防"}, []string{"acc-001", "acc-002", "app-001"}},
			{"search a literal percent sign", catalog.Filter{Q: "%"}, []string{"app-004"}},
			{"search a literal underscore", catalog.Filter{Q: "_"}, []string{"app-004"}},
			{"search across a percent sign", catalog.Filter{Q: "0%统"}, []string{"app-004"}},
			{"search with no match", catalog.Filter{Q: "不存在的资产"}, nil},
			{"search words are trimmed", catalog.Filter{Q: " 执法\t"}, []string{"app-001"}},
			{"a blank search does not filter", catalog.Filter{Q: "   "}, all},
			{"needs attestation", catalog.Filter{NeedsAttest: true}, []string{"acc-001", "acc-002", "app-002", "app-004", "grp-001", "grp-002", "grp-003"}},
			{"forced-use features", catalog.Filter{Forced: true}, []string{"app-001"}},
			{"temporary groups", catalog.Filter{Temporary: true}, []string{"grp-001"}},
			{"live groups of 大队 A", catalog.Filter{Kind: catalog.Group, UnitID: f.brigA.ID, LiveOnly: true}, []string{"grp-001"}},
			{"apps waiting for confirmation", catalog.Filter{Kind: catalog.App, NeedsAttest: true}, []string{"app-002", "app-004"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				list, total, err := e.s.List(e.ctx, f.admin, c.filter)
				check(t, err, pass)
				want := c.want
				if want == nil {
					want = []string{}
				}
				if got := codes(list); !sameStrings(got, want) || total != len(want) {
					t.Fatalf("got %v (total %d), want %v", got, total, want)
				}
				checkDetails(t, list)
			})
		}
		t.Run("an unknown unit filter is invalid", func(t *testing.T) {
			_, _, err := e.s.List(e.ctx, f.admin, catalog.Filter{UnitID: 99999})
			check(t, err, invalid("unit_id"))
		})
		t.Run("staff may not list", func(t *testing.T) {
			_, _, err := e.s.List(e.ctx, f.staff, catalog.Filter{})
			check(t, err, forbidden)
		})
		t.Run("listed assets carry their joins", func(t *testing.T) {
			list, _, err := e.s.List(e.ctx, f.admin, catalog.Filter{Q: "grp-003"})
			check(t, err, pass)
			if len(list) != 1 {
				t.Fatalf("found %v", codes(list))
			}
			a := list[0]
			if a.UnitCode != "ST-A" || a.OwnerCode != "PA1" || a.LeadUnitName != "办公室" || a.MergedIntoName != "甲区值班通知群" {
				t.Fatalf("joins %+v", a)
			}
		})
	})
}

func TestListSortAndPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.fixture(t)
		inv := e.inventory(t, f)
		var all []catalog.Asset
		for _, a := range inv {
			all = append(all, a)
		}
		// updated_at set by hand, so that the newest-first order is known: app-004 newest, then
		// in reverse code order, with acc-001 and acc-002 tied (the later id first).
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		stamp := map[string]time.Time{}
		for i, code := range []string{"acc-001", "acc-002", "app-001", "app-002", "grp-001", "grp-002", "grp-003", "app-004"} {
			ts := base.Add(time.Duration(i) * time.Hour)
			if code == "acc-002" {
				ts = base
			}
			stamp[code] = ts
			_, err := e.db.ExecContext(e.ctx, `UPDATE assets SET updated_at = $1 WHERE code = $2`, ts, code)
			must(t, err)
		}
		by := func(less func(a, b catalog.Asset) bool) []string {
			s := append([]catalog.Asset{}, all...)
			sort.Slice(s, func(i, j int) bool { return less(s[i], s[j]) })
			return codes(s)
		}
		byCode := by(func(a, b catalog.Asset) bool { return a.Code < b.Code })
		for _, c := range []struct {
			sort string
			want []string
		}{
			{"", byCode},
			{"code", byCode},
			{"name", by(func(a, b catalog.Asset) bool {
				if a.Name != b.Name {
					return a.Name < b.Name
				}
				return a.Code < b.Code
			})},
			{"unit", by(func(a, b catalog.Asset) bool {
				if a.UnitPath != b.UnitPath {
					return a.UnitPath < b.UnitPath
				}
				return a.Code < b.Code
			})},
			{"updated", by(func(a, b catalog.Asset) bool {
				if !stamp[a.Code].Equal(stamp[b.Code]) {
					return stamp[a.Code].After(stamp[b.Code])
				}
				return a.ID > b.ID
			})},
		} {
			t.Run("sort by "+c.sort+" (empty is code)", func(t *testing.T) {
				list, total, err := e.s.List(e.ctx, f.admin, catalog.Filter{Sort: c.sort})
				check(t, err, pass)
				if got := codes(list); !sameStrings(got, c.want) || total != 8 {
					t.Fatalf("order\n got %v\nwant %v", got, c.want)
				}
				checkDetails(t, list)
			})
		}
		for _, bad := range []string{"bogus", "name DESC", "a.code; DROP TABLE assets", "Name"} {
			t.Run("sort "+bad+" is invalid", func(t *testing.T) {
				_, _, err := e.s.List(e.ctx, f.admin, catalog.Filter{Sort: bad})
				check(t, err, invalid("sort"))
			})
		}
		t.Run("pages of 3 join to the whole list with the full total", func(t *testing.T) {
			var joined []string
			for off := 0; off <= 9; off += 3 {
				list, total, err := e.s.List(e.ctx, f.admin, catalog.Filter{Page: org.Page{Limit: 3, Offset: off}})
				check(t, err, pass)
				if total != 8 {
					t.Fatalf("total %d at offset %d", total, off)
				}
				if want := min(3, max(0, 8-off)); len(list) != want {
					t.Fatalf("%d rows at offset %d, want %d", len(list), off, want)
				}
				checkDetails(t, list)
				joined = append(joined, codes(list)...)
			}
			if !sameStrings(joined, byCode) {
				t.Fatalf("pages joined %v, want %v", joined, byCode)
			}
		})
		t.Run("a filtered page counts only the filtered rows", func(t *testing.T) {
			list, total, err := e.s.List(e.ctx, f.admin, catalog.Filter{Kind: catalog.Group, Page: org.Page{Limit: 2, Offset: 2}})
			check(t, err, pass)
			if total != 3 || !sameStrings(codes(list), []string{"grp-003"}) {
				t.Fatalf("got %v total %d", codes(list), total)
			}
		})
		t.Run("a zero limit is the default page and a negative offset the start", func(t *testing.T) {
			list, total, err := e.s.List(e.ctx, f.admin, catalog.Filter{Page: org.Page{Limit: 0, Offset: -5}})
			check(t, err, pass)
			if total != 8 || !sameStrings(codes(list), byCode) {
				t.Fatalf("got %v total %d", codes(list), total)
			}
		})
	})
}
