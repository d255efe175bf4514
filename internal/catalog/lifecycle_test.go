package catalog_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// allowed is the state machine as issue 3 states it, written out independently of kinds.go:
// 申请中 → 在用 or 未通过; 在用 ↔ 整改中; both → 已下线/已注销/已解散. 已合并 is reached only by Merge.
var allowed = map[[2]catalog.Status]bool{
	{catalog.Applying, catalog.Active}:    true,
	{catalog.Applying, catalog.Rejected}:  true,
	{catalog.Active, catalog.Rectifying}:  true,
	{catalog.Active, catalog.Retired}:     true,
	{catalog.Rectifying, catalog.Active}:  true,
	{catalog.Rectifying, catalog.Retired}: true,
}

func TestCanMoveMatchesIssue(t *testing.T) {
	for _, from := range catalog.Statuses {
		for _, to := range catalog.Statuses {
			merge := to == catalog.Merged && (from == catalog.Active || from == catalog.Rectifying)
			want := allowed[[2]catalog.Status{from, to}] || merge
			if got := catalog.CanMove(from, to); got != want {
				t.Errorf("CanMove(%s, %s) = %v, want %v", from, to, got, want)
			}
		}
	}
	for _, st := range catalog.Statuses {
		for _, next := range catalog.Next(st) {
			if !catalog.CanMove(st, next) {
				t.Errorf("Next(%s) offers %s, which CanMove refuses", st, next)
			}
		}
	}
	for _, st := range []catalog.Status{catalog.Merged, catalog.Retired, catalog.Rejected} {
		if len(catalog.Next(st)) != 0 {
			t.Errorf("final status %s has successors %v", st, catalog.Next(st))
		}
	}
}

// TestTransitionMatrix tries every (from, to) pair of the six statuses on every kind: an allowed
// move succeeds with one event and one audit entry; any other fails as a conflict (or, for 已合并,
// points to Merge) and writes nothing.
func TestTransitionMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.fixture(t)
		p := f.admin
		for _, k := range catalog.Kinds {
			for _, from := range catalog.Statuses {
				for _, to := range catalog.Statuses {
					ok := allowed[[2]catalog.Status{from, to}]
					verdict := "is refused as a conflict"
					switch {
					case ok:
						verdict = "is allowed"
					case to == catalog.Merged:
						verdict = "is refused: merging needs Merge"
					}
					t.Run(fmt.Sprintf("%s %s to %s %s", k, from, to, verdict), func(t *testing.T) {
						a := e.asset(t, k, f.brigA, from)
						reason := fmt.Sprintf("从%s变为%s的原因", from.Label(k), to.Label(k))
						if !ok {
							before := e.dump(t)
							_, err := e.s.Transition(e.ctx, p, a.ID, to, reason)
							if to == catalog.Merged {
								check(t, err, invalid("status"))
							} else {
								check(t, err, conflict)
								if msg := err.Error(); !strings.Contains(msg, from.Label(k)) || !strings.Contains(msg, to.Label(k)) {
									t.Errorf("error %q does not name both statuses %s and %s", msg, from.Label(k), to.Label(k))
								}
							}
							e.unchanged(t, before)
							return
						}
						n, events := e.auditLen(t), e.eventCount(t, a.ID)
						got, err := e.s.Transition(e.ctx, p, a.ID, to, reason)
						check(t, err, pass)
						stored := e.get(t, a.ID)
						if got.Status != to || stored.Status != to {
							t.Fatalf("status is %s (returned) / %s (stored), want %s", got.Status, stored.Status, to)
						}
						if e.eventCount(t, a.ID) != events+1 {
							t.Fatalf("events grew from %d to %d, want one more", events, e.eventCount(t, a.ID))
						}
						ev := e.lastEvent(t, a.ID)
						if ev != (rawEvent{actor: p.Name, action: "transition", from: string(from), to: string(to), reason: reason}) {
							t.Fatalf("event = %+v", ev)
						}
						en := e.oneAudit(t, n, p, "transition", a.ID)
						if b, af := state(t, en.Before), state(t, en.After); b["status"] != string(from) || af["status"] != string(to) || af["reason"] != reason {
							t.Fatalf("audit before %v after %v", b, af)
						}
						closes := to == catalog.Retired || to == catalog.Rejected
						if closes && !stored.ClosedOn.Equal(today()) {
							t.Errorf("closed_on = %s, want today %s", stored.ClosedOn, today().Format("2006-01-02"))
						}
						if !closes && !stored.ClosedOn.IsZero() {
							t.Errorf("closed_on = %s, want unset", stored.ClosedOn)
						}
						if from == catalog.Applying && to == catalog.Active && !stored.OpenedOn.Equal(today()) {
							t.Errorf("approval: opened_on = %s, want today", stored.OpenedOn)
						}
						if from == catalog.Applying && to == catalog.Rejected && !stored.OpenedOn.IsZero() {
							t.Errorf("rejection: opened_on = %s, want unset", stored.OpenedOn)
						}
						if stored.UpdatedAt.Before(a.UpdatedAt) {
							t.Errorf("updated_at went back from %s to %s", a.UpdatedAt, stored.UpdatedAt)
						}
						if stored.Name != a.Name || stored.Code != a.Code || stored.UnitID != a.UnitID || stored.NeedsAttest != a.NeedsAttest {
							t.Errorf("a transition changed other fields: before %+v after %+v", a, stored)
						}
					})
				}
			}
		}
	})
}

func TestTransitionKeepsOpenedOn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.fixture(t)
		a := e.create(t, f.admin, input(catalog.App, f.stA, func(in *catalog.Input) {
			in.Status = catalog.Applying
			in.OpenedOn = day(2024, 5, 6)
		}))
		got, err := e.s.Transition(e.ctx, f.admin, a.ID, catalog.Active, "审批通过")
		check(t, err, pass)
		if got.OpenedOn.String() != "2024-05-06" {
			t.Fatalf("approval overwrote opened_on: %s", got.OpenedOn)
		}
	})
}

func TestTransitionReason(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.fixture(t)
		a := e.asset(t, catalog.Group, f.brigA, catalog.Active)
		for _, c := range []struct {
			name, reason string
		}{
			{"empty reason is refused", ""},
			{"blank reason is refused", "   "},
			{"whitespace and line breaks only are refused", " \t\r\n "},
			{"one character is too short", "好"},
			{"one character padded with spaces is too short", "  好  "},
			{"a NUL byte is refused", "原因\x00原因"},
			{"an escape character is refused", "原因\x1b[31m"},
			{"a tab is refused", "原因\t原因"},
			{"invalid UTF-8 is refused", "原因\xff\xfe"},
			{"2001 characters are too long", strings.Repeat("很", 2001)},
		} {
			t.Run(c.name, func(t *testing.T) {
				e.refused(t, invalid("reason"), func() error {
					_, err := e.s.Transition(e.ctx, f.admin, a.ID, catalog.Rectifying, c.reason)
					return err
				})
			})
		}
		t.Run("a reason is trimmed and may span lines", func(t *testing.T) {
			_, err := e.s.Transition(e.ctx, f.admin, a.ID, catalog.Rectifying, "  第一行\n第二行  ")
			check(t, err, pass)
			if ev := e.lastEvent(t, a.ID); ev.reason != "第一行\n第二行" {
				t.Fatalf("stored reason %q", ev.reason)
			}
		})
		t.Run("two characters are enough", func(t *testing.T) {
			_, err := e.s.Transition(e.ctx, f.admin, a.ID, catalog.Active, "整改")
			check(t, err, pass)
		})
	})
}

func TestTransitionBadTarget(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.fixture(t)
		a := e.asset(t, catalog.App, f.brigA, catalog.Active)
		t.Run("an unknown status is invalid", func(t *testing.T) {
			e.refused(t, invalid("status"), func() error {
				_, err := e.s.Transition(e.ctx, f.admin, a.ID, catalog.Status("bogus"), "原因原因")
				return err
			})
		})
		t.Run("an empty status is invalid", func(t *testing.T) {
			e.refused(t, invalid("status"), func() error {
				_, err := e.s.Transition(e.ctx, f.admin, a.ID, "", "原因原因")
				return err
			})
		})
		t.Run("an unknown asset is not found", func(t *testing.T) {
			e.refused(t, notFound, func() error {
				_, err := e.s.Transition(e.ctx, f.admin, a.ID+1000, catalog.Rectifying, "原因原因")
				return err
			})
		})
	})
}

// TestTransitionPermissions: a liaison (catalog.write) may move 在用 ↔ 整改中 in its unit, but
// approving, rejecting and retiring are the office's and the lead departments' (catalog.review).
func TestTransitionPermissions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.fixture(t)
		moves := []struct{ from, to catalog.Status }{
			{catalog.Applying, catalog.Active}, {catalog.Applying, catalog.Rejected},
			{catalog.Active, catalog.Rectifying}, {catalog.Rectifying, catalog.Active},
			{catalog.Active, catalog.Retired}, {catalog.Rectifying, catalog.Retired},
		}
		roles := []struct {
			name string
			p    org.Principal
			may  func(from, to catalog.Status) bool
		}{
			{"admin", f.admin, func(_, _ catalog.Status) bool { return true }},
			{"office", f.officeUser, func(_, _ catalog.Status) bool { return true }},
			{"lead", f.lead, func(_, _ catalog.Status) bool { return true }},
			{"liaison", f.liaisonA, func(from, to catalog.Status) bool {
				return from == catalog.Active && to == catalog.Rectifying || from == catalog.Rectifying && to == catalog.Active
			}},
			{"support", f.support, func(_, _ catalog.Status) bool { return false }},
			{"reviewer", f.reviewer, func(_, _ catalog.Status) bool { return false }},
			{"staff", f.staff, func(_, _ catalog.Status) bool { return false }},
		}
		for _, r := range roles {
			for _, m := range moves {
				may := r.may(m.from, m.to)
				verb := "may not"
				if may {
					verb = "may"
				}
				t.Run(fmt.Sprintf("%s %s move %s to %s", r.name, verb, m.from, m.to), func(t *testing.T) {
					a := e.asset(t, catalog.Account, f.brigA, m.from)
					if !may {
						e.refused(t, forbidden, func() error {
							_, err := e.s.Transition(e.ctx, r.p, a.ID, m.to, "原因原因")
							return err
						})
						return
					}
					n := e.auditLen(t)
					_, err := e.s.Transition(e.ctx, r.p, a.ID, m.to, "原因原因")
					check(t, err, pass)
					e.oneAudit(t, n, r.p, "transition", a.ID)
					if ev := e.lastEvent(t, a.ID); ev.actor != r.p.Name {
						t.Fatalf("event actor %q, want %q", ev.actor, r.p.Name)
					}
				})
			}
			mayMerge := r.name == "admin" || r.name == "office" || r.name == "lead"
			t.Run(fmt.Sprintf("%s merge allowed %v", r.name, mayMerge), func(t *testing.T) {
				from := e.asset(t, catalog.Account, f.brigA, catalog.Active)
				into := e.asset(t, catalog.Account, f.brigA, catalog.Active)
				if !mayMerge {
					e.refused(t, forbidden, func() error {
						_, err := e.s.Merge(e.ctx, r.p, from.ID, into.ID, "功能重复")
						return err
					})
					return
				}
				_, err := e.s.Merge(e.ctx, r.p, from.ID, into.ID, "功能重复")
				check(t, err, pass)
			})
		}
	})
}

// member is a group member as the tests compare them: 工号 (or the outsider's name) and role.
type member struct{ who, role string }

func (e *env) members(t *testing.T, p org.Principal, id int64) []member {
	t.Helper()
	list, total, err := e.s.Members(e.ctx, p, id, org.Page{Limit: org.MaxPage})
	if err != nil {
		t.Fatalf("members of %d: %v", id, err)
	}
	if total != len(list) {
		t.Fatalf("members total %d, listed %d", total, len(list))
	}
	var out []member
	for _, m := range list {
		who := m.PersonCode
		if m.External {
			who = "外:" + m.Name
		}
		out = append(out, member{who, m.Role})
	}
	return out
}

func sameMembers(a, b []member) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[member]int{}
	for _, m := range a {
		seen[m]++
	}
	for _, m := range b {
		seen[m]--
		if seen[m] < 0 {
			return false
		}
	}
	return true
}

func TestMergeGroups(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.fixture(t)
		p := f.officeUser
		g1 := e.asset(t, catalog.Group, f.brigA, catalog.Active, func(in *catalog.Input) { in.Name = "甲区防汛值班群" })
		g2 := e.asset(t, catalog.Group, f.brigA, catalog.Rectifying, func(in *catalog.Input) { in.Name = "甲区值班备勤群" })
		_, err := e.s.SetMembers(e.ctx, org.System, g1.ID, []catalog.MemberInput{
			{PersonCode: "PA1", Role: "群主"}, {PersonCode: "PA2"}, {ExternalName: "张三"}, {ExternalName: "李四"},
		})
		must(t, err)
		_, err = e.s.SetMembers(e.ctx, org.System, g2.ID, []catalog.MemberInput{
			{PersonCode: "PA2", Role: "群主"}, {PersonCode: "P-ST-A"}, {ExternalName: "张三", Role: "管理员"},
		})
		must(t, err)
		n := e.auditLen(t)
		res, err := e.s.Merge(e.ctx, p, g1.ID, g2.ID, "同一工作重复建群")
		check(t, err, pass)

		t.Run("only members not already in the target move, outsiders matched by name", func(t *testing.T) {
			if res.MovedMembers != 2 {
				t.Fatalf("MovedMembers = %d, want 2 (PA1 and 李四)", res.MovedMembers)
			}
			want := []member{{"PA2", "owner"}, {"P-ST-A", "member"}, {"外:张三", "admin"}, {"PA1", "member"}, {"外:李四", "member"}}
			if got := e.members(t, f.admin, g2.ID); !sameMembers(got, want) {
				t.Fatalf("target members %v, want %v", got, want)
			}
		})
		t.Run("the target's member count is the union", func(t *testing.T) {
			if c := res.Into.Group.MemberCount; c != 5 {
				t.Fatalf("returned member_count %d, want 5", c)
			}
			if c := e.get(t, g2.ID).Group.MemberCount; c != 5 {
				t.Fatalf("stored member_count %d, want 5", c)
			}
			if got := e.count(t, `SELECT count(*) FROM group_members WHERE group_id = $1`, g2.ID); got != 5 {
				t.Fatalf("%d member rows, want 5", got)
			}
		})
		t.Run("the source is merged, linked, closed and keeps its members as history", func(t *testing.T) {
			src := e.get(t, g1.ID)
			if src.Status != catalog.Merged || src.MergedIntoID != g2.ID || src.MergedIntoName != g2.Name {
				t.Fatalf("source status %s into %d %q", src.Status, src.MergedIntoID, src.MergedIntoName)
			}
			if !src.ClosedOn.Equal(today()) {
				t.Fatalf("closed_on %s, want today", src.ClosedOn)
			}
			if src.StatusLabel() != "已合并" {
				t.Fatalf("label %q", src.StatusLabel())
			}
			if res.From.Status != catalog.Merged || res.From.MergedIntoID != g2.ID {
				t.Fatalf("returned source %+v", res.From)
			}
			if src.Group.MemberCount != 4 || len(e.members(t, f.admin, g1.ID)) != 4 {
				t.Fatalf("source lost its member list")
			}
			if into := e.get(t, g2.ID); into.Status != catalog.Rectifying || into.MergedIntoID != 0 {
				t.Fatalf("target changed status to %s", into.Status)
			}
		})
		t.Run("both assets record the merge in their history", func(t *testing.T) {
			ev := e.lastEvent(t, g1.ID)
			if ev.action != "merge" || ev.from != "active" || ev.to != "merged" || !strings.Contains(ev.reason, g2.Name) ||
				!strings.Contains(ev.reason, "同一工作重复建群") {
				t.Fatalf("source event %+v", ev)
			}
			ev = e.lastEvent(t, g2.ID)
			if ev.action != "merged_in" || !strings.Contains(ev.reason, g1.Name) || !strings.Contains(ev.reason, g1.Code) {
				t.Fatalf("target event %+v", ev)
			}
			hist, err := e.s.Events(e.ctx, f.admin, g1.ID)
			check(t, err, pass)
			if len(hist) == 0 || hist[0].Action != "merge" || catalog.ActionLabel(hist[0].Action) != "合并" {
				t.Fatalf("history newest first: %+v", hist)
			}
		})
		t.Run("one audit entry records the merge", func(t *testing.T) {
			en := e.oneAudit(t, n, p, "merge", g1.ID)
			after := state(t, en.After)
			if after["status"] != "merged" || after["into"] != float64(g2.ID) || after["moved_members"] != float64(2) ||
				after["reason"] != "同一工作重复建群" || state(t, en.Before)["status"] != "active" {
				t.Fatalf("audit %s → %s", en.Before, en.After)
			}
		})
		t.Run("a merged asset stays searchable", func(t *testing.T) {
			list, total, err := e.s.List(e.ctx, f.admin, catalog.Filter{Status: catalog.Merged})
			check(t, err, pass)
			if total != 1 || len(list) != 1 || list[0].ID != g1.ID {
				t.Fatalf("merged list %v (%d)", codes(list), total)
			}
			list, _, err = e.s.List(e.ctx, f.admin, catalog.Filter{Q: "防汛"})
			check(t, err, pass)
			if !sameStrings(codes(list), []string{g1.Code}) {
				t.Fatalf("search 防汛 found %v", codes(list))
			}
			list, _, err = e.s.List(e.ctx, f.admin, catalog.Filter{Q: "防汛", LiveOnly: true})
			check(t, err, pass)
			if len(list) != 0 {
				t.Fatalf("LiveOnly still lists the merged group: %v", codes(list))
			}
			got, err := e.s.GetByCode(e.ctx, f.admin, g1.Code)
			check(t, err, pass)
			if got.ID != g1.ID || got.MergedIntoName != g2.Name {
				t.Fatalf("GetByCode %+v", got)
			}
		})
		t.Run("a merged group's members can no longer change", func(t *testing.T) {
			e.refused(t, conflict, func() error {
				_, err := e.s.SetMembers(e.ctx, f.admin, g1.ID, nil)
				return err
			})
		})
	})
}

func TestMergeAppsAndAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.fixture(t)
		for _, k := range []catalog.Kind{catalog.App, catalog.Account} {
			t.Run(string(k)+" merges without members", func(t *testing.T) {
				from := e.asset(t, k, f.detA, catalog.Rectifying)
				into := e.asset(t, k, f.detB, catalog.Active)
				res, err := e.s.Merge(e.ctx, f.lead, from.ID, into.ID, "功能相近,整合")
				check(t, err, pass)
				if res.MovedMembers != 0 || res.From.Status != catalog.Merged || res.Into.Status != catalog.Active {
					t.Fatalf("result %+v", res)
				}
				if ev := e.lastEvent(t, from.ID); ev.from != "rectifying" || ev.to != "merged" {
					t.Fatalf("event %+v", ev)
				}
			})
		}
	})
}

func TestMergeRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.fixture(t)
		live := e.asset(t, catalog.Group, f.brigA, catalog.Active)
		_, err := e.s.SetMembers(e.ctx, org.System, live.ID, []catalog.MemberInput{{PersonCode: "PA1"}})
		must(t, err)
		target := func(st catalog.Status) func() int64 {
			return func() int64 { return e.asset(t, catalog.Group, f.brigA, st).ID }
		}
		source := func(st catalog.Status) func() int64 {
			return func() int64 { return e.asset(t, catalog.Group, f.brigA, st).ID }
		}
		fixed := func(id int64) func() int64 { return func() int64 { return id } }
		for _, c := range []struct {
			name       string
			from, into func() int64
			reason     string
			want       want
		}{
			{"merge into itself", fixed(live.ID), fixed(live.ID), "原因原因", invalid("into")},
			{"merge into another kind", fixed(live.ID), func() int64 { return e.asset(t, catalog.App, f.brigA, catalog.Active).ID }, "原因原因", invalid("into")},
			{"merge into a retired target", fixed(live.ID), target(catalog.Retired), "原因原因", invalid("into")},
			{"merge into a merged target", fixed(live.ID), target(catalog.Merged), "原因原因", invalid("into")},
			{"merge into an applying target", fixed(live.ID), target(catalog.Applying), "原因原因", invalid("into")},
			{"merge into a rejected target", fixed(live.ID), target(catalog.Rejected), "原因原因", invalid("into")},
			{"merge into an unknown asset", fixed(live.ID), fixed(live.ID + 100000), "原因原因", invalid("into")},
			{"merge from a retired source", source(catalog.Retired), target(catalog.Active), "原因原因", conflict},
			{"merge from a merged source", source(catalog.Merged), target(catalog.Active), "原因原因", conflict},
			{"merge from an applying source", source(catalog.Applying), target(catalog.Active), "原因原因", conflict},
			{"merge from a rejected source", source(catalog.Rejected), target(catalog.Active), "原因原因", conflict},
			{"merge from an unknown asset", fixed(live.ID + 100000), target(catalog.Active), "原因原因", notFound},
			{"merge without a reason", fixed(live.ID), target(catalog.Active), " ", invalid("reason")},
			{"merge with a control character in the reason", fixed(live.ID), target(catalog.Active), "原因\x07", invalid("reason")},
		} {
			t.Run(c.name+" is refused", func(t *testing.T) {
				from, into := c.from(), c.into()
				e.refused(t, c.want, func() error {
					_, err := e.s.Merge(e.ctx, f.admin, from, into, c.reason)
					return err
				})
			})
		}
	})
}

func TestEventsHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.fixture(t)
		a := e.create(t, f.liaisonA, input(catalog.Group, f.brigA))
		in := input(catalog.Group, f.brigA)
		in.Code = a.Code
		_, err := e.s.Update(e.ctx, f.liaisonA, a.ID, in)
		must(t, err)
		_, err = e.s.SetMembers(e.ctx, f.liaisonA, a.ID, []catalog.MemberInput{{PersonCode: "PA1"}})
		must(t, err)
		_, err = e.s.Transition(e.ctx, f.liaisonA, a.ID, catalog.Rectifying, "群内频繁要求打卡")
		must(t, err)
		hist, err := e.s.Events(e.ctx, f.liaisonA, a.ID)
		check(t, err, pass)
		var actions []string
		for _, ev := range hist {
			actions = append(actions, ev.Action)
			if ev.Actor != f.liaisonA.Name || len(ev.At) != len("2006-01-02 15:04") {
				t.Errorf("event %+v", ev)
			}
			if catalog.ActionLabel(ev.Action) == "" {
				t.Errorf("action %s has no label", ev.Action)
			}
		}
		if want := []string{"transition", "members", "update", "create"}; !sameStrings(actions, want) {
			t.Fatalf("history %v, want newest first %v", actions, want)
		}
		if hist[0].FromStatus != catalog.Active || hist[0].ToStatus != catalog.Rectifying || hist[0].Reason != "群内频繁要求打卡" {
			t.Fatalf("transition event %+v", hist[0])
		}
		t.Run("staff may not read the history", func(t *testing.T) {
			_, err := e.s.Events(e.ctx, f.staff, a.ID)
			check(t, err, forbidden)
		})
		t.Run("another unit's liaison does not find it", func(t *testing.T) {
			_, err := e.s.Events(e.ctx, f.liaisonB, a.ID)
			check(t, err, notFound)
		})
	})
}
