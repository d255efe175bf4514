package catalog_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func TestCreateRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.fixture(t)
		taken := e.create(t, org.System, input(catalog.App, f.stA))
		app := func(o func(*catalog.Input)) catalog.Input { return input(catalog.App, f.stA, o) }
		acc := func(o func(*catalog.Input)) catalog.Input { return input(catalog.Account, f.stA, o) }
		grp := func(o func(*catalog.Input)) catalog.Input { return input(catalog.Group, f.stA, o) }
		for _, c := range []struct {
			name string
			p    org.Principal
			in   catalog.Input
			want want
		}{
			{"no unit", f.admin, app(func(in *catalog.Input) { in.UnitID = 0 }), invalid("unit_id")},
			{"unknown unit code", f.admin, app(func(in *catalog.Input) { in.UnitID, in.UnitCode = 0, "NO-SUCH-UNIT" }), invalid("unit_id")},
			{"unknown unit id", f.admin, app(func(in *catalog.Input) { in.UnitID = 99999 }), invalid("unit_id")},
			{"unit in another 支队 than the liaison's", f.liaisonA, app(func(in *catalog.Input) { in.UnitID = f.brigB.ID }), invalid("unit_id")},
			{"unit above the liaison's 大队", f.liaisonA, app(func(in *catalog.Input) { in.UnitID = f.detA.ID }), invalid("unit_id")},
			{"unit code outside the liaison's scope", f.liaisonA, app(func(in *catalog.Input) { in.UnitID, in.UnitCode = 0, "ST-B" }), invalid("unit_id")},
			{"unknown lead department code", f.admin, app(func(in *catalog.Input) { in.LeadUnitCode = "NO-SUCH-UNIT" }), invalid("lead_unit_id")},
			{"unknown owner 工号", f.admin, app(func(in *catalog.Input) { in.OwnerCode = "NOBODY" }), invalid("owner_person_id")},
			{"unknown owner id", f.admin, app(func(in *catalog.Input) { in.OwnerPersonID = 99999 }), invalid("owner_person_id")},
			{"owner who has left (已调离)", f.admin, app(func(in *catalog.Input) { in.OwnerCode = "GONE" }), invalid("owner_person_id")},
			{"unknown kind", f.admin, app(func(in *catalog.Input) { in.Kind = "robot" }), invalid("kind")},
			{"no kind", f.admin, app(func(in *catalog.Input) { in.Kind = "" }), invalid("kind")},
			{"a group platform for an app", f.admin, app(func(in *catalog.Input) { in.Platform = "微信" }), invalid("platform")},
			{"an app platform for an account", f.admin, acc(func(in *catalog.Input) { in.Platform = "小程序" }), invalid("platform")},
			{"an account platform for a group", f.admin, grp(func(in *catalog.Input) { in.Platform = "抖音" }), invalid("platform")},
			{"no platform", f.admin, app(func(in *catalog.Input) { in.Platform = " " }), invalid("platform")},
			{"empty code", f.admin, app(func(in *catalog.Input) { in.Code = " " }), invalid("code")},
			{"code with a space", f.admin, app(func(in *catalog.Input) { in.Code = "app 1" }), invalid("code")},
			{"code starting with a dash", f.admin, app(func(in *catalog.Input) { in.Code = "-app1" }), invalid("code")},
			{"code in Chinese", f.admin, app(func(in *catalog.Input) { in.Code = "应用1" }), invalid("code")},
			{"code of 65 characters", f.admin, app(func(in *catalog.Input) { in.Code = strings.Repeat("a", 65) }), invalid("code")},
			{"duplicate code", f.admin, app(func(in *catalog.Input) { in.Code = taken.Code }), invalid("code")},
			{"duplicate code with spaces around", f.admin, grp(func(in *catalog.Input) { in.Code = "  " + taken.Code + " " }), invalid("code")},
			{"empty name", f.admin, app(func(in *catalog.Input) { in.Name = "" }), invalid("name")},
			{"blank name", f.admin, app(func(in *catalog.Input) { in.Name = " \t " }), invalid("name")},
			{"name of 101 characters", f.admin, app(func(in *catalog.Input) { in.Name = strings.Repeat("名", 101) }), invalid("name")},
			{"name with a line break", f.admin, app(func(in *catalog.Input) { in.Name = "第一\n第二" }), invalid("name")},
			{"name with a tab", f.admin, app(func(in *catalog.Input) { in.Name = "第一\t第二" }), invalid("name")},
			{"name with a NUL byte", f.admin, app(func(in *catalog.Input) { in.Name = "名\x00称" }), invalid("name")},
			{"name with a DEL character", f.admin, app(func(in *catalog.Input) { in.Name = "名\x7f称" }), invalid("name")},
			{"name in invalid UTF-8", f.admin, app(func(in *catalog.Input) { in.Name = "名\xe4\xb8称" }), invalid("name")},
			{"purpose with a control character", f.admin, app(func(in *catalog.Input) { in.Purpose = "用途\x1b" }), invalid("purpose")},
			{"purpose of 2001 characters", f.admin, app(func(in *catalog.Input) { in.Purpose = strings.Repeat("用", 2001) }), invalid("purpose")},
			{"notes in invalid UTF-8", f.admin, app(func(in *catalog.Input) { in.Notes = "\xff" }), invalid("notes")},
			{"a function with a line break", f.admin, app(func(in *catalog.Input) { in.Functions = []string{"通知\n打卡"} }), invalid("functions")},
			{"a function of 101 characters", f.admin, app(func(in *catalog.Input) { in.Functions = []string{strings.Repeat("功", 101)} }), invalid("functions")},
			{"101 functions", f.admin, app(func(in *catalog.Input) {
				in.Functions = nil
				for i := range 101 {
					in.Functions = append(in.Functions, "功能"+strings.Repeat("一", i+1))
				}
			}), invalid("functions")},
			{"opened_on in 1900", f.admin, app(func(in *catalog.Input) { in.OpenedOn = day(1900, 1, 1) }), invalid("opened_on")},
			{"opened_on in 2200", f.admin, app(func(in *catalog.Input) { in.OpenedOn = day(2200, 1, 1) }), invalid("opened_on")},
			{"mlps_assessed_on in 1900", f.admin, app(func(in *catalog.Input) {
				in.App = &catalog.AppDetails{MLPSLevel: 3, MLPSAssessedOn: day(1900, 1, 1)}
			}), invalid("mlps_assessed_on")},
			{"last_post_on in 2200", f.admin, acc(func(in *catalog.Input) { in.Account = &catalog.AccountDetails{LastPostOn: day(2200, 1, 1)} }), invalid("last_post_on")},
			{"task_end_on in 1900", f.admin, grp(func(in *catalog.Input) {
				in.Group = &catalog.GroupDetails{Temporary: true, TaskEndOn: day(1900, 1, 1)}
			}), invalid("task_end_on")},
			{"negative target_count", f.admin, app(func(in *catalog.Input) { in.App = &catalog.AppDetails{TargetCount: -1} }), invalid("target_count")},
			{"target_count over ten million", f.admin, app(func(in *catalog.Input) { in.App = &catalog.AppDetails{TargetCount: 10_000_001} }), invalid("target_count")},
			{"mlps_level 5", f.admin, app(func(in *catalog.Input) { in.App = &catalog.AppDetails{MLPSLevel: 5} }), invalid("mlps_level")},
			{"mlps_level -1", f.admin, app(func(in *catalog.Input) { in.App = &catalog.AppDetails{MLPSLevel: -1} }), invalid("mlps_level")},
			{"negative yearly_cost", f.admin, app(func(in *catalog.Input) { in.App = &catalog.AppDetails{YearlyCost: -1} }), invalid("yearly_cost")},
			{"unknown forced feature", f.admin, app(func(in *catalog.Input) {
				in.App = &catalog.AppDetails{ForcedFeatures: []string{"checkin", "摇一摇"}}
			}), invalid("forced_features")},
			{"vendor in invalid UTF-8", f.admin, app(func(in *catalog.Input) { in.App = &catalog.AppDetails{Vendor: "\xc3"} }), invalid("vendor")},
			{"a form name with a control character", f.admin, app(func(in *catalog.Input) { in.App = &catalog.AppDetails{Forms: []string{"表\x01"}} }), invalid("forms")},
			{"negative followers", f.admin, acc(func(in *catalog.Input) { in.Account = &catalog.AccountDetails{Followers: -5} }), invalid("followers")},
			{"handle with a line break", f.admin, acc(func(in *catalog.Input) { in.Account = &catalog.AccountDetails{Handle: "a\nb"} }), invalid("handle")},
			{"filing_no of 101 characters", f.admin, acc(func(in *catalog.Input) {
				in.Account = &catalog.AccountDetails{FilingNo: strings.Repeat("号", 101)}
			}), invalid("filing_no")},
			{"task_end_on on a non-temporary group", f.admin, grp(func(in *catalog.Input) { in.Group = &catalog.GroupDetails{TaskEndOn: day(2026, 3, 1)} }), invalid("task_end_on")},
			{"approval_ref with a tab", f.admin, grp(func(in *catalog.Input) { in.Group = &catalog.GroupDetails{ApprovalRef: "川消\t1号"} }), invalid("approval_ref")},
			{"status rectifying at creation", f.admin, app(func(in *catalog.Input) { in.Status = catalog.Rectifying }), invalid("status")},
			{"status retired at creation", f.admin, app(func(in *catalog.Input) { in.Status = catalog.Retired }), invalid("status")},
			{"status merged at creation", f.admin, app(func(in *catalog.Input) { in.Status = catalog.Merged }), invalid("status")},
			{"status rejected at creation", f.admin, app(func(in *catalog.Input) { in.Status = catalog.Rejected }), invalid("status")},
			{"unknown status at creation", f.admin, app(func(in *catalog.Input) { in.Status = "bogus" }), invalid("status")},
			{"staff may not create", f.staff, app(nil), forbidden},
			{"a reviewer may not create", f.reviewer, app(nil), forbidden},
			{"support may not create", f.support, app(nil), forbidden},
		} {
			t.Run(c.name+" is refused", func(t *testing.T) {
				e.refused(t, c.want, func() error {
					_, err := e.s.Create(e.ctx, c.p, c.in)
					return err
				})
			})
		}
	})
}

func TestCreate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.fixture(t)
		t.Run("every field round-trips, lists normalised", func(t *testing.T) {
			in := catalog.Input{
				Code: " app-full ", Kind: "应用", Name: " 消防监督执法系统 ", Platform: "app", UnitCode: "ST-A",
				LeadUnitCode: "LEGAL", OwnerCode: " PA1 ", Purpose: "  监督检查\n执法记录  ",
				Functions: []string{" 执法记录 ", "", "隐患上报", "执法记录", "  "}, OpenedOn: day(2020, 2, 29), Notes: "备注",
				App: &catalog.AppDetails{TargetUsers: " 全体指战员 ", TargetCount: 1200, Mandatory: true,
					ForcedFeatures: []string{"打卡签到", "checkin", " ", "积分排名"}, EmergencyUse: true, FeedbackChannel: true,
					DataCollected: "姓名、手机号", MLPSLevel: 3, MLPSAssessedOn: day(2025, 12, 31), Vendor: "某公司", YearlyCost: 150000,
					UnifiedLogin: true, SharesWith: []string{"OA", "OA", ""}, Forms: []string{"日报", " 周报 "}},
				Account: &catalog.AccountDetails{Handle: "ignored"}, Group: &catalog.GroupDetails{Temporary: true},
			}
			n := e.auditLen(t)
			a, err := e.s.Create(e.ctx, f.admin, in)
			check(t, err, pass)
			got := e.get(t, a.ID)
			if !reflect.DeepEqual(got, a) {
				t.Fatalf("Create returned\n%+v\nGet reads\n%+v", a, got)
			}
			wantApp := catalog.AppDetails{TargetUsers: "全体指战员", TargetCount: 1200, Mandatory: true,
				ForcedFeatures: []string{"checkin", "ranking"}, EmergencyUse: true, FeedbackChannel: true,
				DataCollected: "姓名、手机号", MLPSLevel: 3, MLPSAssessedOn: day(2025, 12, 31), Vendor: "某公司", YearlyCost: 150000,
				UnifiedLogin: true, SharesWith: []string{"OA"}, Forms: []string{"日报", "周报"}}
			switch {
			case got.Code != "app-full" || got.Kind != catalog.App || got.Name != "消防监督执法系统" || got.Platform != "App":
				t.Fatalf("common fields %+v", got)
			case got.UnitID != f.stA.ID || got.UnitCode != "ST-A" || got.UnitName != f.stA.Name:
				t.Fatalf("unit %d %s %s", got.UnitID, got.UnitCode, got.UnitName)
			case got.LeadUnitID != f.legal.ID || got.LeadUnitName != "法工处":
				t.Fatalf("lead %d %s", got.LeadUnitID, got.LeadUnitName)
			case got.OwnerPersonID != f.pid("PA1") || got.OwnerCode != "PA1" || got.OwnerName != "甲一":
				t.Fatalf("owner %d %s %s", got.OwnerPersonID, got.OwnerCode, got.OwnerName)
			case got.Purpose != "监督检查\n执法记录" || !sameStrings(got.Functions, []string{"执法记录", "隐患上报"}) || got.Notes != "备注":
				t.Fatalf("purpose %q functions %q", got.Purpose, got.Functions)
			case got.Status != catalog.Active || got.OpenedOn.String() != "2020-02-29" || !got.ClosedOn.IsZero():
				t.Fatalf("status %s opened %s closed %s", got.Status, got.OpenedOn, got.ClosedOn)
			case got.App == nil || !reflect.DeepEqual(*got.App, wantApp):
				t.Fatalf("app details\n got %+v\nwant %+v", got.App, wantApp)
			case got.Account != nil || got.Group != nil:
				t.Fatalf("an app has other kinds' details: %+v %+v", got.Account, got.Group)
			case !got.NeedsAttest || !got.AttestedAt.IsZero():
				t.Fatalf("created by someone else: needs_attest %v attested_at %v", got.NeedsAttest, got.AttestedAt)
			}
			en := e.oneAudit(t, n, f.admin, "create", a.ID)
			if en.Before != "" || state(t, en.After)["code"] != "app-full" {
				t.Fatalf("audit %q → %q", en.Before, en.After)
			}
			if ev := e.lastEvent(t, a.ID); ev != (rawEvent{actor: f.admin.Name, action: "create", to: "active"}) {
				t.Fatalf("event %+v", ev)
			}
		})
		t.Run("account and group details round-trip", func(t *testing.T) {
			acc := e.create(t, f.admin, input(catalog.Account, f.detA, func(in *catalog.Input) {
				in.Account = &catalog.AccountDetails{Handle: " gh_123 ", FilingNo: "川网备1号", Operator: "甲市支队", Followers: 2_000_000_000,
					Interaction: false, LastPostOn: day(2026, 1, 15)}
			}))
			want := catalog.AccountDetails{Handle: "gh_123", FilingNo: "川网备1号", Operator: "甲市支队", Followers: 2_000_000_000, LastPostOn: day(2026, 1, 15)}
			if got := e.get(t, acc.ID); got.Account == nil || *got.Account != want || got.App != nil || got.Group != nil {
				t.Fatalf("account %+v", got.Account)
			}
			grp := e.create(t, f.admin, input(catalog.Group, f.detA, func(in *catalog.Input) {
				in.Group = &catalog.GroupDetails{Temporary: true, TaskEndOn: day(2026, 6, 30), ApprovalRef: " 川消办〔2026〕1号 ", MemberCount: 99}
			}))
			wantG := catalog.GroupDetails{Temporary: true, TaskEndOn: day(2026, 6, 30), ApprovalRef: "川消办〔2026〕1号"}
			if got := e.get(t, grp.ID); got.Group == nil || *got.Group != wantG {
				t.Fatalf("group %+v (member_count is not input)", got.Group)
			}
		})
		t.Run("an account without details offers interaction", func(t *testing.T) {
			a := e.create(t, f.admin, input(catalog.Account, f.detA))
			if a.Account == nil || !a.Account.Interaction {
				t.Fatalf("account details %+v", a.Account)
			}
		})
		t.Run("a filing starts 申请中", func(t *testing.T) {
			a := e.create(t, f.liaisonA, input(catalog.App, f.stA, func(in *catalog.Input) { in.Status = "申请中" }))
			if a.Status != catalog.Applying || a.StatusLabel() != "申请中" {
				t.Fatalf("status %s", a.Status)
			}
		})
		t.Run("a name of exactly 100 characters is accepted", func(t *testing.T) {
			e.create(t, f.admin, input(catalog.App, f.stA, func(in *catalog.Input) { in.Name = strings.Repeat("名", 100) }))
		})
		t.Run("a liaison may record an asset below its 大队 with an owner from another unit", func(t *testing.T) {
			a := e.create(t, f.liaisonA, input(catalog.Group, f.stA, func(in *catalog.Input) { in.OwnerCode = "P-DET-B" }))
			if a.UnitID != f.stA.ID || a.OwnerCode != "P-DET-B" {
				t.Fatalf("asset %+v", a)
			}
		})
	})
}

// TestDefaultLead: without a lead department, the seed plan's one is taken by kind: 群组 →
// 办公室, 应用 → 信息通信处, 公众号 → 新闻宣传处 (departments directly under the root).
func TestDefaultLead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.fixture(t)
		// A 支队's own 办公室 must not be taken for the bureau's.
		_, err := e.org.CreateUnit(e.ctx, org.System, org.UnitInput{Code: "DET-A-OFFICE", Name: "办公室", Kind: org.Department, ParentID: f.detA.ID})
		must(t, err)
		for _, c := range []struct {
			kind catalog.Kind
			lead org.Unit
		}{{catalog.Group, f.office}, {catalog.App, f.ict}, {catalog.Account, f.press}} {
			t.Run(string(c.kind)+" defaults to "+c.lead.Name, func(t *testing.T) {
				a := e.create(t, f.liaisonA, input(c.kind, f.brigA))
				if a.LeadUnitID != c.lead.ID || a.LeadUnitName != c.lead.Name {
					t.Fatalf("lead %d %s, want %d %s", a.LeadUnitID, a.LeadUnitName, c.lead.ID, c.lead.Name)
				}
			})
		}
		t.Run("an explicit lead department wins", func(t *testing.T) {
			a := e.create(t, f.admin, input(catalog.Group, f.brigA, func(in *catalog.Input) { in.LeadUnitID = f.press.ID }))
			if a.LeadUnitID != f.press.ID {
				t.Fatalf("lead %d", a.LeadUnitID)
			}
		})
		t.Run("a liaison may name a lead department outside its scope", func(t *testing.T) {
			a := e.create(t, f.liaisonA, input(catalog.Group, f.brigA, func(in *catalog.Input) { in.LeadUnitCode = "LEGAL" }))
			if a.LeadUnitID != f.legal.ID {
				t.Fatalf("lead %d", a.LeadUnitID)
			}
		})
	})
}

func TestDefaultLeadMissing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		root, err := e.org.CreateUnit(e.ctx, org.System, org.UnitInput{Code: "R", Name: "总队", Kind: org.Corps})
		must(t, err)
		a := e.create(t, org.System, input(catalog.App, root))
		if a.LeadUnitID != 0 || a.LeadUnitName != "" {
			t.Fatalf("no 信息通信处 exists, yet lead is %d %s", a.LeadUnitID, a.LeadUnitName)
		}
	})
}

func TestUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.fixture(t)
		edit := func(a catalog.Asset, opts ...func(*catalog.Input)) catalog.Input {
			in := catalog.Input{Code: a.Code, Kind: a.Kind, Name: a.Name, Platform: a.Platform, UnitID: a.UnitID, LeadUnitID: a.LeadUnitID,
				OwnerPersonID: a.OwnerPersonID, Purpose: a.Purpose, Functions: a.Functions, OpenedOn: a.OpenedOn, Notes: a.Notes,
				App: a.App, Account: a.Account, Group: a.Group}
			for _, o := range opts {
				o(&in)
			}
			return in
		}
		t.Run("fields change, status and member count stay", func(t *testing.T) {
			g := e.asset(t, catalog.Group, f.brigA, catalog.Rectifying)
			_, err := e.s.SetMembers(e.ctx, org.System, g.ID, []catalog.MemberInput{{PersonCode: "PA1"}, {PersonCode: "PA2"}})
			must(t, err)
			g = e.get(t, g.ID)
			n := e.auditLen(t)
			got, err := e.s.Update(e.ctx, f.liaisonA, g.ID, edit(g, func(in *catalog.Input) {
				in.Name = "新名称"
				in.Status = catalog.Retired // ignored: status changes only through Transition
				in.Group = &catalog.GroupDetails{Temporary: true, TaskEndOn: day(2026, 12, 31), MemberCount: 0}
			}))
			check(t, err, pass)
			if got.Name != "新名称" || got.Status != catalog.Rectifying || got.Group.MemberCount != 2 || !got.Group.Temporary {
				t.Fatalf("after update %+v %+v", got, got.Group)
			}
			en := e.oneAudit(t, n, f.liaisonA, "update", g.ID)
			if state(t, en.Before)["name"] != g.Name || state(t, en.After)["name"] != "新名称" {
				t.Fatalf("audit %s → %s", en.Before, en.After)
			}
			if ev := e.lastEvent(t, g.ID); ev.action != "update" {
				t.Fatalf("event %+v", ev)
			}
		})
		t.Run("an applying asset may be edited", func(t *testing.T) {
			a := e.asset(t, catalog.App, f.stA, catalog.Applying)
			got, err := e.s.Update(e.ctx, f.liaisonA, a.ID, edit(a, func(in *catalog.Input) { in.Purpose = "补充说明" }))
			check(t, err, pass)
			if got.Status != catalog.Applying || got.Purpose != "补充说明" {
				t.Fatalf("after update %+v", got)
			}
		})
		t.Run("the kind given in Chinese is the same kind", func(t *testing.T) {
			a := e.asset(t, catalog.Group, f.stA, catalog.Active)
			_, err := e.s.Update(e.ctx, f.admin, a.ID, edit(a, func(in *catalog.Input) { in.Kind = "群组" }))
			check(t, err, pass)
		})
		t.Run("an empty kind keeps the kind", func(t *testing.T) {
			a := e.asset(t, catalog.Account, f.stA, catalog.Active)
			got, err := e.s.Update(e.ctx, f.admin, a.ID, edit(a, func(in *catalog.Input) { in.Kind = "" }))
			check(t, err, pass)
			if got.Kind != catalog.Account {
				t.Fatalf("kind %s", got.Kind)
			}
		})
		live := e.asset(t, catalog.App, f.stA, catalog.Active)
		other := e.asset(t, catalog.App, f.stA, catalog.Active)
		for _, c := range []struct {
			name string
			p    org.Principal
			id   func() int64
			in   func(a catalog.Asset) catalog.Input
			want want
		}{
			{"changing the kind", f.admin, func() int64 { return live.ID }, func(a catalog.Asset) catalog.Input {
				return edit(a, func(in *catalog.Input) { in.Kind, in.Platform = catalog.Group, "微信" })
			}, invalid("kind")},
			{"an unknown kind", f.admin, func() int64 { return live.ID }, func(a catalog.Asset) catalog.Input {
				return edit(a, func(in *catalog.Input) { in.Kind = "robot" })
			}, invalid("kind")},
			{"another asset's code", f.admin, func() int64 { return live.ID }, func(a catalog.Asset) catalog.Input {
				return edit(a, func(in *catalog.Input) { in.Code = other.Code })
			}, invalid("code")},
			{"a name with a control character", f.admin, func() int64 { return live.ID }, func(a catalog.Asset) catalog.Input {
				return edit(a, func(in *catalog.Input) { in.Name = "名\x00" })
			}, invalid("name")},
			{"an owner who has left", f.admin, func() int64 { return live.ID }, func(a catalog.Asset) catalog.Input {
				return edit(a, func(in *catalog.Input) { in.OwnerCode, in.OwnerPersonID = "GONE", 0 })
			}, invalid("owner_person_id")},
			{"moving out of the liaison's scope", f.liaisonA, func() int64 { return live.ID }, func(a catalog.Asset) catalog.Input {
				return edit(a, func(in *catalog.Input) { in.UnitID = f.stB.ID })
			}, invalid("unit_id")},
			{"an unknown asset", f.admin, func() int64 { return live.ID + 100000 }, func(a catalog.Asset) catalog.Input { return edit(a) }, notFound},
			{"a retired asset", f.admin, func() int64 { return e.asset(t, catalog.App, f.stA, catalog.Retired).ID }, nil, conflict},
			{"a merged asset", f.admin, func() int64 { return e.asset(t, catalog.App, f.stA, catalog.Merged).ID }, nil, conflict},
			{"a rejected asset", f.admin, func() int64 { return e.asset(t, catalog.App, f.stA, catalog.Rejected).ID }, nil, conflict},
			{"by staff", f.staff, func() int64 { return live.ID }, func(a catalog.Asset) catalog.Input { return edit(a) }, forbidden},
			{"by a reviewer", f.reviewer, func() int64 { return live.ID }, func(a catalog.Asset) catalog.Input { return edit(a) }, forbidden},
		} {
			t.Run(c.name+" is refused", func(t *testing.T) {
				id := c.id()
				a := live
				if id != live.ID+100000 {
					a = e.get(t, id)
				}
				in := edit(a)
				if c.in != nil {
					in = c.in(a)
				}
				e.refused(t, c.want, func() error {
					_, err := e.s.Update(e.ctx, c.p, id, in)
					return err
				})
			})
		}
	})
}
