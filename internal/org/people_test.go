package org_test

import (
	"database/sql"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func TestCreatePerson(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		sys := org.System
		tr := e.tree(t)
		t.Run("fields are trimmed, the unit can be given by code, the person starts 在职", func(t *testing.T) {
			n := e.auditLen(t)
			x, err := e.s.CreatePerson(e.ctx, sys, org.PersonInput{Code: " P-001 ", Name: " 张三 ", UnitCode: " ST-A ", Post: " 站长 "})
			check(t, err, pass)
			en := e.oneEntry(t, n, sys, "create", "person", x.ID)
			if x.Code != "P-001" || x.Name != "张三" || x.UnitID != tr.stA.ID || x.UnitCode != "ST-A" || x.UnitName != tr.stA.Name ||
				x.Post != "站长" || x.Status != org.Active || x.LeftOn != nil || x.CreatedAt.IsZero() {
				t.Fatalf("created %+v", x)
			}
			if after := state(t, en.After); after["code"] != "P-001" || after["unit_id"] != float64(tr.stA.ID) {
				t.Fatalf("audit after %s", en.After)
			}
			got, err := e.s.Person(e.ctx, sys, x.ID)
			check(t, err, pass)
			if got.Code != x.Code || got.Name != x.Name || got.UnitID != x.UnitID || got.Post != x.Post || got.Status != x.Status ||
				!got.CreatedAt.Equal(x.CreatedAt) || !got.UpdatedAt.Equal(x.UpdatedAt) {
				t.Fatalf("read back %+v, created %+v", got, x)
			}
		})
		t.Run("a unit is required", func(t *testing.T) {
			before := e.dump(t)
			_, err := e.s.CreatePerson(e.ctx, sys, org.PersonInput{Code: "P-002", Name: "李四"})
			check(t, err, invalid("unit_id"))
			_, err = e.s.CreatePerson(e.ctx, sys, org.PersonInput{Code: "P-002", Name: "李四", UnitCode: "  "})
			check(t, err, invalid("unit_id"))
			e.unchanged(t, before)
		})
		statuses := []struct {
			in, want string
		}{
			{"", org.Active}, {"active", org.Active}, {"在职", org.Active}, {" 在职 ", org.Active},
			{"left", org.Left}, {"已调离", org.Left}, {"调离", org.Left}, {"离职", org.Left}, {"退出", org.Left},
		}
		for i, c := range statuses {
			t.Run(fmt.Sprintf("status %q is stored as %s", c.in, c.want), func(t *testing.T) {
				in := org.PersonInput{Code: fmt.Sprintf("S-%d", i), Name: "王五", UnitID: tr.stA.ID, Status: c.in}
				if c.want == org.Left {
					in.LeftOn = "2024-03-05"
				}
				x, err := e.s.CreatePerson(e.ctx, sys, in)
				check(t, err, pass)
				if x.Status != c.want {
					t.Fatalf("status %q", x.Status)
				}
			})
		}
		t.Run("已调离 with a date keeps the date", func(t *testing.T) {
			x, err := e.s.CreatePerson(e.ctx, sys, org.PersonInput{Code: "L-1", Name: "赵六", UnitID: tr.stA.ID, Status: "已调离", LeftOn: "2024-03-05"})
			check(t, err, pass)
			if x.Status != org.Left || x.LeftOn == nil || !x.LeftOn.Equal(day(2024, 3, 5)) {
				t.Fatalf("status %s left_on %s", x.Status, dateOf(x.LeftOn))
			}
		})
		t.Run("已调离 without a date is dated today", func(t *testing.T) {
			x, err := e.s.CreatePerson(e.ctx, sys, org.PersonInput{Code: "L-2", Name: "赵七", UnitID: tr.stA.ID, Status: "已调离"})
			check(t, err, pass)
			if x.LeftOn == nil {
				t.Fatal("a person created 已调离 without a date has no left_on; want today")
			}
			if today := shanghaiToday(); !x.LeftOn.Equal(today) {
				t.Fatalf("left_on %s, want %s", dateOf(x.LeftOn), dateOf(&today))
			}
		})
		t.Run("在职 ignores a date of leaving", func(t *testing.T) {
			x, err := e.s.CreatePerson(e.ctx, sys, org.PersonInput{Code: "L-3", Name: "赵八", UnitID: tr.stA.ID, Status: "在职", LeftOn: "2024-03-05"})
			check(t, err, pass)
			if x.LeftOn != nil {
				t.Fatal("a person created 在职 keeps left_on " + dateOf(x.LeftOn) + "; want none")
			}
		})
	})
}

func TestUpdatePerson(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		sys := org.System
		tr := e.tree(t)
		x := e.person(t, sys, "P-100", "张三", "消防员", tr.stA.ID)
		in := func(status, leftOn string) org.PersonInput {
			return org.PersonInput{Code: "P-100", Name: "张三", UnitID: tr.stA.ID, Post: "消防员", Status: status, LeftOn: leftOn}
		}
		steps := []struct {
			name   string
			in     org.PersonInput
			status string
			left   *time.Time
		}{
			{"已调离 with a date (slashes accepted) records it", in("已调离", "2024/3/5"), org.Left, ptr(day(2024, 3, 5))},
			{"已调离 again without a date keeps the date", in("已调离", ""), org.Left, ptr(day(2024, 3, 5))},
			{"已调离 with a new date replaces it", in("left", "2024-04-01"), org.Left, ptr(day(2024, 4, 1))},
			{"back to 在职 clears the date", in("在职", ""), org.Active, nil},
			{"在职 with a date still has none", in("在职", "2024-04-01"), org.Active, nil},
		}
		for _, c := range steps {
			t.Run(c.name, func(t *testing.T) {
				n := e.auditLen(t)
				got, err := e.s.UpdatePerson(e.ctx, sys, x.ID, c.in)
				check(t, err, pass)
				en := e.oneEntry(t, n, sys, "update", "person", x.ID)
				if got.Status != c.status || dateOf(got.LeftOn) != dateOf(c.left) {
					t.Fatalf("status %s left_on %s, want %s %s", got.Status, dateOf(got.LeftOn), c.status, dateOf(c.left))
				}
				if state(t, en.After)["status"] != c.status {
					t.Fatalf("audit after %s", en.After)
				}
				read, err := e.s.Person(e.ctx, sys, x.ID)
				must(t, err)
				if read.Status != c.status || dateOf(read.LeftOn) != dateOf(c.left) {
					t.Fatalf("read back status %s left_on %s", read.Status, dateOf(read.LeftOn))
				}
			})
		}
		t.Run("已调离 without a date is dated today in China", func(t *testing.T) {
			cn := shanghaiToday()
			got, err := e.s.UpdatePerson(e.ctx, sys, x.ID, in("已调离", ""))
			check(t, err, pass)
			if got.LeftOn == nil {
				t.Fatal("left_on not set")
			}
			if !got.LeftOn.Equal(cn) && !got.LeftOn.Equal(shanghaiToday()) {
				t.Fatalf("left_on %s, want %s", dateOf(got.LeftOn), dateOf(&cn))
			}
		})
		t.Run("all fields change and the audit entry shows before and after", func(t *testing.T) {
			n := e.auditLen(t)
			got, err := e.s.UpdatePerson(e.ctx, sys, x.ID, org.PersonInput{Code: "P-101", Name: "张三丰", UnitCode: "BRIG-A", Post: "大队长"})
			check(t, err, pass)
			en := e.oneEntry(t, n, sys, "update", "person", x.ID)
			if got.Code != "P-101" || got.Name != "张三丰" || got.UnitID != tr.brigA.ID || got.Post != "大队长" || got.Status != org.Active {
				t.Fatalf("updated %+v", got)
			}
			b, a := state(t, en.Before), state(t, en.After)
			if b["code"] != "P-100" || a["code"] != "P-101" || b["unit_id"] != float64(tr.stA.ID) || a["unit_id"] != float64(tr.brigA.ID) {
				t.Fatalf("audit %s → %s", en.Before, en.After)
			}
		})
		t.Run("a person that does not exist is not found", func(t *testing.T) {
			before := e.dump(t)
			_, err := e.s.UpdatePerson(e.ctx, sys, 987654, in("", ""))
			check(t, err, notFound)
			e.unchanged(t, before)
		})
		t.Run("an unknown unit is refused on unit_id", func(t *testing.T) {
			before := e.dump(t)
			bad := in("", "")
			bad.Code = "P-101"
			bad.UnitID = 987654
			_, err := e.s.UpdatePerson(e.ctx, sys, x.ID, bad)
			check(t, err, invalid("unit_id"))
			e.unchanged(t, before)
		})
	})
}

func ptr[T any](v T) *T { return &v }

func TestDeletePerson(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		sys := org.System
		tr := e.tree(t)
		t.Run("a person without an account is deleted with one audit entry", func(t *testing.T) {
			x := e.person(t, sys, "GONE", "将删", "", tr.stA.ID)
			n := e.auditLen(t)
			check(t, e.s.DeletePerson(e.ctx, sys, x.ID), pass)
			en := e.oneEntry(t, n, sys, "delete", "person", x.ID)
			if state(t, en.Before)["code"] != "GONE" {
				t.Fatalf("audit before %s", en.Before)
			}
			_, err := e.s.Person(e.ctx, sys, x.ID)
			check(t, err, notFound)
		})
		t.Run("a person with a user account cannot be deleted", func(t *testing.T) {
			x := e.person(t, sys, "HASUSER", "有账号", "", tr.stA.ID)
			e.user(t, sys, org.UserInput{Username: "hasuser", DisplayName: "有账号", PersonID: x.ID, Roles: []org.Role{org.RoleStaff}})
			before := e.dump(t)
			check(t, e.s.DeletePerson(e.ctx, sys, x.ID), conflict)
			e.unchanged(t, before)
		})
		t.Run("a person that does not exist is not found", func(t *testing.T) {
			before := e.dump(t)
			check(t, e.s.DeletePerson(e.ctx, sys, 987654), notFound)
			e.unchanged(t, before)
		})
	})
}

func TestPeopleSearchAndPaging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		sys := org.System
		tr := e.tree(t) // one person per unit, all 消防员
		surnames := []string{"张", "王", "李"}
		byCode := map[string]org.Person{}
		for i := 1; i <= 12; i++ {
			post := "消防员"
			if i%4 == 0 {
				post = "指导员"
			}
			x := e.person(t, sys, fmt.Sprintf("S-%02d", i), fmt.Sprintf("%s%d号", surnames[i%3], i), post, tr.stB.ID)
			byCode[x.Code] = x
		}
		special := []org.Person{
			e.person(t, sys, "A_B", "下划线", "文员", tr.brigB.ID),
			e.person(t, sys, "AXB", "无下划线", "文员", tr.brigB.ID),
			e.person(t, sys, "PCT", "百分号", "完成率100%", tr.brigB.ID),
		}
		left, err := e.s.UpdatePerson(e.ctx, sys, byCode["S-12"].ID, org.PersonInput{Code: "S-12", Name: byCode["S-12"].Name, UnitID: tr.stB.ID,
			Post: "指导员", Status: "已调离", LeftOn: "2024-01-01"})
		must(t, err)
		codes := func(ps []org.Person) []string {
			var out []string
			for _, p := range ps {
				out = append(out, p.Code)
			}
			sort.Strings(out)
			return out
		}
		cases := []struct {
			name string
			f    org.PersonFilter
			want []string
		}{
			{"Q matches part of a name", org.PersonFilter{Q: "张"}, []string{"S-03", "S-06", "S-09", "S-12"}},
			{"Q matches part of a 工号", org.PersonFilter{Q: "S-1"}, []string{"S-10", "S-11", "S-12"}},
			{"Q matches part of a post", org.PersonFilter{Q: "指导"}, []string{"S-04", "S-08", "S-12"}},
			{"Q treats _ literally", org.PersonFilter{Q: "A_"}, []string{"A_B"}},
			{"Q treats % literally", org.PersonFilter{Q: "0%"}, []string{"PCT"}},
			{"Status selects 已调离", org.PersonFilter{Status: org.Left}, []string{left.Code}},
			{"UnitID is the unit's subtree", org.PersonFilter{UnitID: tr.brigB.ID, Q: "A"}, []string{"AXB", "A_B"}},
			{"filters combine", org.PersonFilter{Q: "指导", Status: org.Active, UnitID: tr.stB.ID}, []string{"S-04", "S-08"}},
			{"nothing matches", org.PersonFilter{Q: "不存在"}, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, total, err := e.s.People(e.ctx, sys, c.f)
				check(t, err, pass)
				if fmt.Sprint(codes(got)) != fmt.Sprint(c.want) || total != len(c.want) {
					t.Fatalf("got %v (total %d), want %v", codes(got), total, c.want)
				}
			})
		}
		t.Run("Q on a 工号 ignores letter case, on both engines", func(t *testing.T) {
			got, total, err := e.s.People(e.ctx, sys, org.PersonFilter{Q: "s-1"})
			check(t, err, pass)
			if total != 3 || len(got) != 3 {
				t.Fatalf("got %v (total %d), want S-10, S-11, S-12", codes(got), total)
			}
		})
		all := len(tr.person) + 12 + len(special)
		t.Run("pages of 5 cover everyone once, in unit then 工号 order, with the full total", func(t *testing.T) {
			var seen []org.Person
			for off := 0; off < all+5; off += 5 {
				got, total, err := e.s.People(e.ctx, sys, org.PersonFilter{Page: org.Page{Limit: 5, Offset: off}})
				check(t, err, pass)
				if total != all {
					t.Fatalf("offset %d: total %d, want %d", off, total, all)
				}
				if want := min(5, max(0, all-off)); len(got) != want {
					t.Fatalf("offset %d: %d rows, want %d", off, len(got), want)
				}
				seen = append(seen, got...)
			}
			ids := map[int64]bool{}
			for i, x := range seen {
				if ids[x.ID] {
					t.Fatalf("%s listed twice", x.Code)
				}
				ids[x.ID] = true
				if i > 0 && seen[i-1].UnitID == x.UnitID && seen[i-1].Code > x.Code {
					t.Fatalf("%s listed before %s in the same unit", seen[i-1].Code, x.Code)
				}
			}
		})
	})
}

// Page sizes: zero means the default of 50, anything above MaxPage is cut to MaxPage. The rows
// are inserted directly, since five hundred audited creates would only slow the test.
func TestPageLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		root := e.unit(t, org.System, "ROOT", "总队", org.Corps, 0)
		const n = org.MaxPage + 20
		must(t, db.Tx(e.ctx, func(tx *sql.Tx) error {
			now := store.Now()
			for i := 0; i < n; i++ {
				if _, err := tx.ExecContext(e.ctx, `INSERT INTO people (code, name, unit_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)`,
					fmt.Sprintf("N%04d", i), "队员", root.ID, now); err != nil {
					return err
				}
			}
			return nil
		}))
		cases := []struct {
			name       string
			page       org.Page
			want       int
			firstIndex int
		}{
			{"zero limit gives 50", org.Page{}, 50, 0},
			{"negative limit gives 50", org.Page{Limit: -1}, 50, 0},
			{"a limit above MaxPage gives MaxPage", org.Page{Limit: 10_000}, org.MaxPage, 0},
			{"an offset near the end gives the rest", org.Page{Limit: 100, Offset: n - 7}, 7, n - 7},
			{"an offset past the end gives nothing", org.Page{Offset: n}, 0, 0},
			{"a negative offset starts at the beginning", org.Page{Limit: 3, Offset: -10}, 3, 0},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, total, err := e.s.People(e.ctx, org.System, org.PersonFilter{Page: c.page})
				check(t, err, pass)
				if total != n || len(got) != c.want {
					t.Fatalf("%d rows (total %d), want %d (total %d)", len(got), total, c.want, n)
				}
				if len(got) > 0 && got[0].Code != fmt.Sprintf("N%04d", c.firstIndex) {
					t.Fatalf("first row %s, want N%04d", got[0].Code, c.firstIndex)
				}
			})
		}
	})
}
