package catalog_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// problem is one item of an errs.List: where, and a piece of the message.
type problem struct{ field, msg string }

// problems checks that err is an Invalid list carrying exactly these problems, in order.
func problems(t *testing.T, err error, expected []problem) {
	t.Helper()
	check(t, err, want{kind: errs.Invalid})
	l, ok := errs.ListOf(err)
	if !ok {
		t.Fatalf("error %q carries no problem list", err)
	}
	if len(l.Items) != len(expected) {
		t.Fatalf("%d problems, want %d: %v", len(l.Items), len(expected), l)
	}
	for i, w := range expected {
		it := l.Items[i]
		if it.Field != w.field || !strings.Contains(it.Msg, w.msg) || !hasHan(it.Msg) {
			t.Errorf("problem %d is %s: %s, want %s: …%s…", i+1, it.Field, it.Msg, w.field, w.msg)
		}
	}
	if top, _ := errs.As(err); !strings.Contains(top.Msg, fmt.Sprintf("共有 %d 处错误", len(expected))) {
		t.Errorf("summary %q does not count %d problems", top.Msg, len(expected))
	}
}

func TestSetMembersRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.fixture(t)
		g := e.asset(t, catalog.Group, f.brigA, catalog.Active)
		_, err := e.s.SetMembers(e.ctx, org.System, g.ID, []catalog.MemberInput{{PersonCode: "PA1", Role: "群主"}, {PersonCode: "PB1"}})
		must(t, err)
		for _, c := range []struct {
			name    string
			members []catalog.MemberInput
			want    []problem
		}{
			{"the same 工号 twice names both positions", []catalog.MemberInput{{PersonCode: "PA1"}, {PersonCode: "PA2"}, {PersonCode: " PA1 "}},
				[]problem{{"第 3 项", "与第 1 项重复"}}},
			{"the same outsider twice names both positions", []catalog.MemberInput{{ExternalName: "张三"}, {ExternalName: " 张三 "}},
				[]problem{{"第 2 项", "与第 1 项重复"}}},
			{"an unknown 工号 is named", []catalog.MemberInput{{PersonCode: "PA1"}, {PersonCode: "NOBODY"}},
				[]problem{{"第 2 项 工号", "NOBODY"}}},
			{"an empty row is refused", []catalog.MemberInput{{PersonCode: "PA1"}, {PersonCode: "  ", ExternalName: " "}},
				[]problem{{"第 2 项", "请填写"}}},
			{"two owners are refused", []catalog.MemberInput{{PersonCode: "PA1", Role: "群主"}, {PersonCode: "PA2", Role: "owner"}},
				[]problem{{"members", "只能有一位群主"}}},
			{"an outsider may not own the group", []catalog.MemberInput{{PersonCode: "PA1"}, {ExternalName: "王五", Role: "群主"}},
				[]problem{{"第 2 项", "群主须是本单位人员"}}},
			{"an unknown role is refused", []catalog.MemberInput{{PersonCode: "PA1", Role: "boss"}},
				[]problem{{"第 1 项 角色", "成员角色"}}},
			{"an outsider's name with a control character is refused", []catalog.MemberInput{{ExternalName: "王\x07五"}},
				[]problem{{"第 1 项 姓名", "外部成员姓名无效"}}},
			{"an outsider's name over 50 characters is refused", []catalog.MemberInput{{ExternalName: strings.Repeat("名", 51)}},
				[]problem{{"第 1 项 姓名", "外部成员姓名无效"}}},
			{"an owner who has left is refused", []catalog.MemberInput{{PersonCode: "GONE", Role: "群主"}},
				[]problem{{"第 1 项", "已调离"}}},
			{"every problem is listed at once", []catalog.MemberInput{
				{PersonCode: "PA1", Role: "群主"},    // 1 ok
				{PersonCode: "PA2"},                // 2 ok
				{PersonCode: "PA1", Role: "成员"},    // 3 duplicate of 1
				{PersonCode: "NOBODY"},             // 4 unknown
				{},                                 // 5 empty
				{PersonCode: "PB1", Role: "owner"}, // 6 second owner
				{ExternalName: "王五", Role: "群主"},   // 7 outsider as owner (third owner)
				{ExternalName: "赵六"},               // 8 ok
				{ExternalName: "赵六"},               // 9 duplicate of 8
				{PersonCode: "PA2", Role: "boss"},  // 10 bad role
				{ExternalName: "坏\x00名"},           // 11 bad name
			}, []problem{
				{"第 3 项", "与第 1 项重复"}, {"第 4 项 工号", "NOBODY"}, {"第 5 项", "请填写"}, {"第 7 项", "群主须是本单位人员"},
				{"第 9 项", "与第 8 项重复"}, {"第 10 项 角色", "成员角色"}, {"第 11 项 姓名", "外部成员姓名无效"},
				{"members", "只能有一位群主"},
			}},
		} {
			t.Run(c.name, func(t *testing.T) {
				before := e.dump(t)
				_, err := e.s.SetMembers(e.ctx, f.admin, g.ID, c.members)
				problems(t, err, c.want)
				e.unchanged(t, before)
			})
		}
		t.Run("more than MaxMembers is refused before any lookup", func(t *testing.T) {
			many := make([]catalog.MemberInput, catalog.MaxMembers+1)
			for i := range many {
				many[i] = catalog.MemberInput{ExternalName: fmt.Sprintf("外部%d", i)}
			}
			e.refused(t, invalid("members"), func() error {
				_, err := e.s.SetMembers(e.ctx, f.admin, g.ID, many)
				return err
			})
		})
		t.Run("a non-group asset has no members", func(t *testing.T) {
			for _, k := range []catalog.Kind{catalog.App, catalog.Account} {
				a := e.asset(t, k, f.brigA, catalog.Active)
				e.refused(t, want{kind: errs.Invalid}, func() error {
					_, err := e.s.SetMembers(e.ctx, f.admin, a.ID, []catalog.MemberInput{{PersonCode: "PA1"}})
					return err
				})
				_, _, err := e.s.Members(e.ctx, f.admin, a.ID, org.Page{})
				check(t, err, want{kind: errs.Invalid})
			}
		})
		t.Run("a retired group's members cannot change", func(t *testing.T) {
			r := e.asset(t, catalog.Group, f.brigA, catalog.Retired)
			e.refused(t, conflict, func() error {
				_, err := e.s.SetMembers(e.ctx, f.admin, r.ID, []catalog.MemberInput{{PersonCode: "PA1"}})
				return err
			})
		})
		t.Run("an unknown group is not found", func(t *testing.T) {
			e.refused(t, notFound, func() error {
				_, err := e.s.SetMembers(e.ctx, f.admin, g.ID+100000, nil)
				return err
			})
		})
		t.Run("reviewer and staff may not set members", func(t *testing.T) {
			for _, p := range []org.Principal{f.reviewer, f.staff, f.support} {
				e.refused(t, forbidden, func() error {
					_, err := e.s.SetMembers(e.ctx, p, g.ID, nil)
					return err
				})
			}
		})
	})
}

func TestSetMembers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.fixture(t)
		g := e.asset(t, catalog.Group, f.brigA, catalog.Active)
		list := []catalog.MemberInput{
			{ExternalName: "外甲"},
			{PersonCode: "P-ST-A"},
			{PersonCode: "PA2", Role: "管理员"},
			{PersonCode: "PA1", Role: "成员"},
			{PersonCode: "PB1"},
			{PersonCode: "GONE"},
			{PersonCode: "P-DET-A", Role: "member"},
			{PersonCode: " P-BRIG-A ", Role: "群主"},
			{ExternalName: " 外乙 ", Role: "群管理员"},
		}
		n := e.auditLen(t)
		got, err := e.s.SetMembers(e.ctx, f.liaisonA, g.ID, list)
		check(t, err, pass)
		t.Run("the count and the owner are set", func(t *testing.T) {
			if got != 9 {
				t.Fatalf("SetMembers returned %d, want 9", got)
			}
			a := e.get(t, g.ID)
			if a.Group.MemberCount != 9 {
				t.Fatalf("member_count %d, want 9", a.Group.MemberCount)
			}
			if a.OwnerPersonID != f.pid("P-BRIG-A") || a.OwnerCode != "P-BRIG-A" {
				t.Fatalf("owner %d %s, want P-BRIG-A", a.OwnerPersonID, a.OwnerCode)
			}
		})
		t.Run("the change is in the history and the audit log", func(t *testing.T) {
			en := e.oneAudit(t, n, f.liaisonA, "members", g.ID)
			b, a := state(t, en.Before), state(t, en.After)
			if b["member_count"] != float64(0) || a["member_count"] != float64(9) ||
				b["owner_person_id"] != float64(0) || a["owner_person_id"] != float64(f.pid("P-BRIG-A")) {
				t.Fatalf("audit %s → %s", en.Before, en.After)
			}
			if ev := e.lastEvent(t, g.ID); ev.action != "members" || !strings.Contains(ev.reason, "9 人") {
				t.Fatalf("event %+v", ev)
			}
		})
		// Owner first, then admins, then members; people by unit (path) and 工号, outsiders last.
		order := []member{
			{"P-BRIG-A", "owner"},
			{"PA2", "admin"}, {"外:外乙", "admin"},
			{"P-DET-A", "member"}, {"GONE", "member"}, {"PA1", "member"}, {"P-ST-A", "member"}, {"PB1", "member"}, {"外:外甲", "member"},
		}
		t.Run("members are listed owner, admins, then by unit", func(t *testing.T) {
			all := e.members(t, f.liaisonA, g.ID)
			if fmt.Sprint(all) != fmt.Sprint(order) {
				t.Fatalf("order\n got %v\nwant %v", all, order)
			}
		})
		t.Run("member details", func(t *testing.T) {
			ms, _, err := e.s.Members(e.ctx, f.admin, g.ID, org.Page{Limit: 100})
			check(t, err, pass)
			for _, m := range ms {
				switch {
				case m.External:
					if m.PersonID != 0 || m.PersonCode != "" || m.UnitName != "" || m.Status != "" {
						t.Errorf("outsider %+v", m)
					}
				case m.PersonCode == "GONE":
					if m.Status != org.Left || m.Name != "已走" {
						t.Errorf("leaver %+v", m)
					}
				default:
					if m.PersonID != f.pid(m.PersonCode) || m.Status != org.Active || m.UnitName == "" || m.Name != f.person[m.PersonCode].Name {
						t.Errorf("member %+v", m)
					}
				}
			}
		})
		t.Run("members are paged with the full total", func(t *testing.T) {
			var paged []member
			for off := 0; off < 12; off += 4 {
				ms, total, err := e.s.Members(e.ctx, f.admin, g.ID, org.Page{Limit: 4, Offset: off})
				check(t, err, pass)
				if total != 9 {
					t.Fatalf("total %d at offset %d", total, off)
				}
				if want := min(4, max(0, 9-off)); len(ms) != want {
					t.Fatalf("page at %d has %d members, want %d", off, len(ms), want)
				}
				for _, m := range ms {
					who := m.PersonCode
					if m.External {
						who = "外:" + m.Name
					}
					paged = append(paged, member{who, m.Role})
				}
			}
			if fmt.Sprint(paged) != fmt.Sprint(order) {
				t.Fatalf("pages joined\n got %v\nwant %v", paged, order)
			}
		})
		t.Run("replacing the list with one member", func(t *testing.T) {
			n, err := e.s.SetMembers(e.ctx, f.admin, g.ID, []catalog.MemberInput{{PersonCode: "PA1"}})
			check(t, err, pass)
			if n != 1 || e.get(t, g.ID).Group.MemberCount != 1 {
				t.Fatalf("returned %d, stored %d", n, e.get(t, g.ID).Group.MemberCount)
			}
			if got := e.members(t, f.admin, g.ID); fmt.Sprint(got) != fmt.Sprint([]member{{"PA1", "member"}}) {
				t.Fatalf("members %v", got)
			}
			if a := e.get(t, g.ID); a.OwnerPersonID != f.pid("P-BRIG-A") {
				t.Fatalf("a list without an owner changed the responsible person to %d", a.OwnerPersonID)
			}
		})
		t.Run("an empty list empties the group", func(t *testing.T) {
			n, err := e.s.SetMembers(e.ctx, f.admin, g.ID, nil)
			check(t, err, pass)
			if n != 0 || e.get(t, g.ID).Group.MemberCount != 0 || len(e.members(t, f.admin, g.ID)) != 0 {
				t.Fatalf("group not emptied")
			}
		})
		t.Run("an applying group may list its members", func(t *testing.T) {
			a := e.asset(t, catalog.Group, f.stA, catalog.Applying)
			n, err := e.s.SetMembers(e.ctx, f.liaisonA, a.ID, []catalog.MemberInput{{PersonCode: "PA1", Role: "群主"}})
			check(t, err, pass)
			if n != 1 || e.get(t, a.ID).OwnerPersonID != f.pid("PA1") {
				t.Fatalf("applying group members not set")
			}
		})
		t.Run("a new owner set by someone else must confirm the record", func(t *testing.T) {
			a := e.create(t, f.liaisonA, input(catalog.Group, f.brigA, func(in *catalog.Input) { in.OwnerCode = "P-BRIG-A" }))
			if a.NeedsAttest {
				t.Fatalf("owner's own record starts 待确认")
			}
			_, err := e.s.SetMembers(e.ctx, f.admin, a.ID, []catalog.MemberInput{{PersonCode: "PA2", Role: "群主"}})
			check(t, err, pass)
			if b := e.get(t, a.ID); b.OwnerPersonID != f.pid("PA2") || !b.NeedsAttest {
				t.Fatalf("owner %d needs_attest %v; the new owner has not confirmed", b.OwnerPersonID, b.NeedsAttest)
			}
		})
	})
}

// TestMemberQueriesUseAnIndex: member lists are read, counted and replaced by group; with
// millions of memberships a scan of the whole table per group would not do.
func TestMemberQueriesUseAnIndex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		conn, err := db.Conn(ctx)
		must(t, err)
		defer conn.Close()
		explain := `EXPLAIN QUERY PLAN `
		if db.Engine == store.Postgres {
			explain = `EXPLAIN `
			// The tables are empty; make the planner show whether it could use an index at all.
			_, err := conn.ExecContext(ctx, `SET enable_seqscan = off`)
			must(t, err)
		}
		rows, err := conn.QueryContext(ctx, explain+`SELECT count(*) FROM group_members WHERE group_id = 1`)
		must(t, err)
		defer rows.Close()
		cols, _ := rows.Columns()
		var plan strings.Builder
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			must(t, rows.Scan(ptrs...))
			fmt.Fprintln(&plan, vals...)
		}
		if !strings.Contains(plan.String(), "group_members_group") {
			t.Fatalf("counting a group's members does not use the group index:\n%s", plan.String())
		}
	})
}
