package org_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// input is one value for one field of a unit, person or user input.
type input struct {
	field, value string
}

// The values every code (unit code, 工号, username) must refuse.
func badCodes(field string) []input {
	return []input{
		{field, ""},
		{field, "   "},
		{field, "A B"},
		{field, "甲支队"},
		{field, "-A"},
		{field, ".A"},
		{field, "A/B"},
		{field, "A%"},
		{field, strings.Repeat("A", 65)},
		{field, "A\xffB"},
		{field, "A\nB"},
		{field, "A\x00B"},
	}
}

// The values every line of text (names, posts) must refuse, for a limit of max characters.
func badText(field string, max int, required bool) []input {
	in := []input{
		{field, strings.Repeat("站", max+1)},
		{field, "甲\n乙"},
		{field, "甲\r乙"},
		{field, "甲\x00乙"},
		{field, "\xff甲"},
		{field, "甲\xe4\xb8乙"}, // a truncated multi-byte character
		{field, "甲\x1b[31m乙"},
		{field, "甲\t乙"},
		{field, "甲\x07乙"},
		{field, "甲\x7f乙"},
		{field, "甲\u0085乙"},
	}
	if required {
		in = append(in, input{field, ""}, input{field, " \t "})
	}
	return in
}

func (c input) String() string { return fmt.Sprintf("%s %q", c.field, c.value) }

func setUnit(in *org.UnitInput, c input) {
	switch c.field {
	case "code":
		in.Code = c.value
	case "name":
		in.Name = c.value
	case "kind":
		in.Kind = org.UnitKind(c.value)
	case "sort_order":
		in.SortOrder, _ = strconv.Atoi(c.value)
	default:
		panic(c.field)
	}
}

func setPerson(in *org.PersonInput, c input) {
	switch c.field {
	case "code":
		in.Code = c.value
	case "name":
		in.Name = c.value
	case "post":
		in.Post = c.value
	case "status":
		in.Status = c.value
	case "left_on":
		in.Status, in.LeftOn = org.Left, c.value
	default:
		panic(c.field)
	}
}

func setUser(in *org.UserInput, c input) {
	switch c.field {
	case "username":
		in.Username = c.value
	case "display_name":
		in.DisplayName = c.value
	case "roles":
		in.Roles = nil
		if c.value != "" {
			in.Roles = []org.Role{org.Role(c.value)}
		}
	default:
		panic(c.field)
	}
}

// refuse runs a create or update that must fail with Invalid on the case's field and write
// nothing.
func refuse(t *testing.T, e *env, c input, call func() error) {
	t.Helper()
	before := e.dump(t)
	err := call()
	check(t, err, invalid(c.field))
	e.unchanged(t, before)
}

func TestBadUnitInput(t *testing.T) {
	bad := append(badCodes("code"), badText("name", 100, true)...)
	bad = append(bad,
		input{"kind", ""}, input{"kind", "中队"}, input{"kind", "Corps"},
		input{"sort_order", "-1"}, input{"sort_order", "1000001"})
	good := []input{
		{"code", strings.Repeat("A", 64)}, {"code", " a.b_c-1 "}, {"code", "9"},
		{"name", strings.Repeat("站", 100)}, {"name", " 甲街站 "},
		{"kind", "站"}, {"kind", " station "}, {"sort_order", "1000000"}, {"sort_order", "0"},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		tr := e.tree(t)
		for i, c := range bad {
			t.Run("create refuses "+c.String(), func(t *testing.T) {
				in := org.UnitInput{Code: fmt.Sprintf("NEW-%d", i), Name: "新站", Kind: org.Station, ParentID: tr.brigA.ID}
				setUnit(&in, c)
				refuse(t, e, c, func() error { _, err := e.s.CreateUnit(e.ctx, org.System, in); return err })
			})
			t.Run("update refuses "+c.String(), func(t *testing.T) {
				in := move(tr.stA, tr.brigA.ID)
				setUnit(&in, c)
				refuse(t, e, c, func() error { _, err := e.s.UpdateUnit(e.ctx, org.System, tr.stA.ID, in); return err })
			})
		}
		for i, c := range good {
			t.Run("create accepts "+c.String(), func(t *testing.T) {
				in := org.UnitInput{Code: fmt.Sprintf("OK-%d", i), Name: "新站", Kind: org.Station, ParentID: tr.brigA.ID}
				setUnit(&in, c)
				n := e.auditLen(t)
				u, err := e.s.CreateUnit(e.ctx, org.System, in)
				check(t, err, pass)
				e.oneEntry(t, n, org.System, "create", "unit", u.ID)
				if u.Code != strings.TrimSpace(in.Code) || u.Name != strings.TrimSpace(in.Name) || u.Kind != org.Station {
					t.Fatalf("stored %q %q %s", u.Code, u.Name, u.Kind)
				}
			})
		}
		t.Run("a duplicate unit code is refused on create and update", func(t *testing.T) {
			before := e.dump(t)
			for _, code := range []string{"DET-B", " DET-B "} {
				_, err := e.s.CreateUnit(e.ctx, org.System, org.UnitInput{Code: code, Name: "重复", Kind: org.Detachment, ParentID: tr.root.ID})
				check(t, err, invalid("code"))
			}
			in := move(tr.stA, tr.brigA.ID)
			in.Code = "ST-B"
			_, err := e.s.UpdateUnit(e.ctx, org.System, tr.stA.ID, in)
			check(t, err, invalid("code"))
			e.unchanged(t, before)
		})
	})
}

func TestBadPersonInput(t *testing.T) {
	bad := append(badCodes("code"), badText("name", 50, true)...)
	bad = append(bad, badText("post", 100, false)...)
	bad = append(bad,
		input{"status", "休假"}, input{"status", "Active"},
		input{"left_on", "2024-13-01"}, input{"left_on", "2024-02-30"}, input{"left_on", "1900-01-01"},
		input{"left_on", "2101-01-01"}, input{"left_on", "下周"}, input{"left_on", "20240101"})
	good := []input{
		{"code", strings.Repeat("9", 64)}, {"name", strings.Repeat("张", 50)}, {"post", strings.Repeat("长", 100)},
		{"post", ""}, {"left_on", "1949-10-01"}, {"left_on", " 2100/12/31 "},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		tr := e.tree(t)
		x := tr.person["ST-A"]
		for i, c := range bad {
			t.Run("create refuses "+c.String(), func(t *testing.T) {
				in := org.PersonInput{Code: fmt.Sprintf("NEW-%d", i), Name: "新人", UnitID: tr.stA.ID}
				setPerson(&in, c)
				refuse(t, e, c, func() error { _, err := e.s.CreatePerson(e.ctx, org.System, in); return err })
			})
			t.Run("update refuses "+c.String(), func(t *testing.T) {
				in := org.PersonInput{Code: x.Code, Name: x.Name, UnitID: x.UnitID, Post: x.Post}
				setPerson(&in, c)
				refuse(t, e, c, func() error { _, err := e.s.UpdatePerson(e.ctx, org.System, x.ID, in); return err })
			})
		}
		for i, c := range good {
			t.Run("create accepts "+c.String(), func(t *testing.T) {
				in := org.PersonInput{Code: fmt.Sprintf("OK-%d", i), Name: "新人", UnitID: tr.stA.ID}
				setPerson(&in, c)
				n := e.auditLen(t)
				p, err := e.s.CreatePerson(e.ctx, org.System, in)
				check(t, err, pass)
				e.oneEntry(t, n, org.System, "create", "person", p.ID)
			})
		}
		t.Run("a duplicate 工号 is refused on create and update", func(t *testing.T) {
			before := e.dump(t)
			for _, code := range []string{"P-ST-B", " P-ST-B "} {
				_, err := e.s.CreatePerson(e.ctx, org.System, org.PersonInput{Code: code, Name: "重复", UnitID: tr.stA.ID})
				check(t, err, invalid("code"))
			}
			_, err := e.s.UpdatePerson(e.ctx, org.System, x.ID, org.PersonInput{Code: "P-ST-B", Name: x.Name, UnitID: x.UnitID})
			check(t, err, invalid("code"))
			e.unchanged(t, before)
		})
	})
}

func TestBadUserInput(t *testing.T) {
	bad := append(badCodes("username"), badText("display_name", 50, true)...)
	bad = append(bad, input{"roles", ""}, input{"roles", "superuser"}, input{"roles", "Admin"})
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		tr := e.tree(t)
		u := tr.user[org.RoleStaff]
		for i, c := range bad {
			t.Run("create refuses "+c.String(), func(t *testing.T) {
				in := org.UserInput{Username: fmt.Sprintf("new%d", i), DisplayName: "新用户", UnitID: tr.stA.ID, Roles: []org.Role{org.RoleStaff}}
				setUser(&in, c)
				refuse(t, e, c, func() error { _, err := e.s.CreateUser(e.ctx, org.System, in, "h"); return err })
			})
			t.Run("update refuses "+c.String(), func(t *testing.T) {
				in := org.UserInput{Username: u.Username, DisplayName: u.DisplayName, UnitID: u.UnitID, Roles: u.Roles}
				setUser(&in, c)
				refuse(t, e, c, func() error { _, err := e.s.UpdateUser(e.ctx, org.System, u.ID, in); return err })
			})
		}
		t.Run("a duplicate username is refused on create and update", func(t *testing.T) {
			before := e.dump(t)
			for _, name := range []string{"u-admin", " u-admin "} {
				_, err := e.s.CreateUser(e.ctx, org.System, org.UserInput{Username: name, DisplayName: "重复", UnitID: tr.stA.ID, Roles: []org.Role{org.RoleStaff}}, "h")
				check(t, err, invalid("username"))
			}
			_, err := e.s.UpdateUser(e.ctx, org.System, u.ID, org.UserInput{Username: "u-admin", DisplayName: u.DisplayName, UnitID: u.UnitID, Roles: u.Roles})
			check(t, err, invalid("username"))
			e.unchanged(t, before)
		})
	})
}

func TestParseDate(t *testing.T) {
	cases := []struct {
		in   string
		want string
	}{
		{"2024-03-05", "2024-03-05"}, {"2024-3-5", "2024-03-05"}, {"2024/03/05", "2024-03-05"}, {" 1949-01-01 ", "1949-01-01"},
		{"2100-12-31", "2100-12-31"}, {"1948-12-31", ""}, {"2101-01-01", ""}, {"2024-02-30", ""}, {"05/03/2024", ""}, {"", ""},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%q", c.in), func(t *testing.T) {
			d, err := org.ParseDate(c.in)
			if c.want == "" {
				if err == nil {
					t.Fatalf("accepted as %s", d.Format("2006-01-02"))
				}
				return
			}
			if err != nil || d.Format("2006-01-02") != c.want || d.Location().String() != "UTC" {
				t.Fatalf("got %v %v, want %s UTC", d, err, c.want)
			}
		})
	}
}
