package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// subtree is what an independent query finds below (and including) a unit: the names and codes
// of its units and people.
type subtree struct {
	units, people             int
	active, left              int
	unitCodes, personCodes    []string
	unitNames, personNames    []string
	unitsByKind               map[org.UnitKind]int
	codeSet, nameSet, allText map[string]bool
}

func (fx *fixture) subtree(t *testing.T, root org.Unit) subtree {
	t.Helper()
	ctx := context.Background()
	like := root.Path + "%" // paths are digits and slashes: nothing to escape
	s := subtree{unitsByKind: map[org.UnitKind]int{}, codeSet: map[string]bool{}, nameSet: map[string]bool{}}
	rows, err := fx.db.QueryContext(ctx, `SELECT code, name, kind FROM units WHERE path LIKE $1`, like)
	storetest.Must(t, err)
	for rows.Next() {
		var code, name, kind string
		storetest.Must(t, rows.Scan(&code, &name, &kind))
		s.units++
		s.unitsByKind[org.UnitKind(kind)]++
		s.unitCodes = append(s.unitCodes, code)
		s.unitNames = append(s.unitNames, name)
	}
	storetest.Must(t, rows.Err())
	rows.Close()
	rows, err = fx.db.QueryContext(ctx, `SELECT p.code, p.name, p.status FROM people p JOIN units u ON u.id = p.unit_id WHERE u.path LIKE $1`, like)
	storetest.Must(t, err)
	for rows.Next() {
		var code, name, status string
		storetest.Must(t, rows.Scan(&code, &name, &status))
		s.people++
		if status == org.Left {
			s.left++
		} else {
			s.active++
		}
		s.personCodes = append(s.personCodes, code)
		s.personNames = append(s.personNames, name)
	}
	storetest.Must(t, rows.Err())
	rows.Close()
	for _, c := range append(slices.Clone(s.unitCodes), s.personCodes...) {
		s.codeSet[c] = true
	}
	for _, n := range append(slices.Clone(s.unitNames), s.personNames...) {
		s.nameSet[n] = true
	}
	return s
}

var totalRE = regexp.MustCompile(`共 (\d+) 条`)

func total(t *testing.T, body string) int {
	t.Helper()
	m := totalRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("page shows no total (共 N 条): %s", text(body))
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

var codeTokenRE = regexp.MustCompile(`[A-Za-z0-9][A-Za-z0-9_.\-]*`)

// leaks lists what of other's codes and names appears in body. Codes are matched as whole
// tokens; a name only when no name the caller may see contains it (demo names repeat across
// units: two 站 may both be 龙泉消防救援站), so a match is never innocent.
func leaks(body string, other, own subtree, ownExtra ...string) []string {
	tokens := map[string]bool{}
	for _, tok := range codeTokenRE.FindAllString(body, -1) {
		tokens[tok] = true
	}
	var out []string
	for c := range other.codeSet {
		if tokens[c] && !own.codeSet[c] {
			out = append(out, "code "+c)
		}
	}
	visible := append(append(slices.Clone(own.unitNames), own.personNames...), ownExtra...)
names:
	for n := range other.nameSet {
		for _, v := range visible {
			if strings.Contains(v, n) {
				continue names
			}
		}
		if strings.Contains(body, n) {
			out = append(out, "name "+n)
		}
	}
	sort.Strings(out)
	return out
}

func (fx *fixture) testScope(t *testing.T) {
	c := fx.as(t, "liaison")
	own, other := fx.subtree(t, fx.brigadeA), fx.subtree(t, fx.brigadeB)
	me := fx.users["liaison"]
	extra := []string{me.DisplayName, me.UnitName, me.ScopeUnitName}
	if own.people == 0 || other.people == 0 || own.units < 2 {
		t.Fatalf("fixture: 大队 A has %d units and %d people, B %d people", own.units, own.people, other.people)
	}

	t.Run("the leak check finds the other 大队 where it is allowed", func(t *testing.T) {
		// The office sees both 大队: its pages must trip the check, or the check proves nothing.
		for _, path := range []string{"/people?limit=500&unit_id=" + strconv.FormatInt(fx.brigadeB.ID, 10),
			"/units?limit=500&q=" + fx.brigadeB.Code} {
			if l := leaks(fx.as(t, "office").get(t, path).Body, other, own, extra...); len(l) == 0 {
				t.Errorf("GET %s as office: the leak check finds nothing of 大队 B", path)
			}
		}
	})

	t.Run("people list counts only the liaison's 大队", func(t *testing.T) {
		r := c.get(t, "/people?limit=500")
		if r.Status != http.StatusOK {
			t.Fatalf("status %d", r.Status)
		}
		if n := total(t, r.Body); n != own.people {
			t.Errorf("people page says 共 %d 条, the 大队 subtree holds %d", n, own.people)
		}
		for _, code := range own.personCodes {
			if !strings.Contains(r.Body, "<td>"+code+"</td>") {
				t.Errorf("own person %s missing from the list", code)
			}
		}
		if l := leaks(r.Body, other, own, extra...); len(l) > 0 {
			t.Errorf("people page shows liaison2's 大队: %v", l)
		}
	})

	t.Run("people list filtered by the other 大队 is refused, not emptied", func(t *testing.T) {
		r := c.get(t, "/people?unit_id="+strconv.FormatInt(fx.brigadeB.ID, 10))
		if r.Status != http.StatusNotFound {
			t.Errorf("status %d, want 404: %s", r.Status, text(r.Body))
		}
		if l := leaks(r.Body, other, own, extra...); len(l) > 0 {
			t.Errorf("page shows liaison2's 大队: %v", l)
		}
	})

	t.Run("people search finds nobody outside the 大队", func(t *testing.T) {
		// personB's 工号 exactly: the count must be 0, not 1 hidden row.
		r := c.get(t, "/people?q="+fx.personB.Code)
		if n := total(t, r.Body); n != 0 {
			t.Errorf("searching for personB's 工号 says 共 %d 条, want 0", n)
		}
	})

	t.Run("units list counts only the liaison's 大队", func(t *testing.T) {
		r := c.get(t, "/units?limit=500")
		if r.Status != http.StatusOK {
			t.Fatalf("status %d", r.Status)
		}
		if n := total(t, r.Body); n != own.units {
			t.Errorf("units page says 共 %d 条, the 大队 subtree holds %d", n, own.units)
		}
		for _, code := range own.unitCodes {
			if !strings.Contains(r.Body, "<td>"+code+"</td>") {
				t.Errorf("own unit %s missing from the list", code)
			}
		}
		if l := leaks(r.Body, other, own, extra...); len(l) > 0 {
			t.Errorf("units page shows liaison2's 大队: %v", l)
		}
	})

	t.Run("units list by kind counts only the 大队", func(t *testing.T) {
		for _, k := range org.UnitKinds {
			r := c.get(t, "/units?kind="+string(k))
			if n := total(t, r.Body); n != own.unitsByKind[k] {
				t.Errorf("kind %s: 共 %d 条, the 大队 subtree holds %d", k, n, own.unitsByKind[k])
			}
		}
	})

	t.Run("home page counts only the 大队", func(t *testing.T) {
		r := c.get(t, "/")
		for label, want := range map[string]int{"单位": own.units, "在职人员": own.active} {
			m := regexp.MustCompile(`<div class="num">(\d+)</div><div>` + label + `</div>`).FindStringSubmatch(r.Body)
			if m == nil {
				t.Errorf("home page has no %s card: %s", label, text(r.Body))
				continue
			}
			if n, _ := strconv.Atoi(m[1]); n != want {
				t.Errorf("home page: %s %d, the 大队 subtree holds %d", label, n, want)
			}
		}
		if m := regexp.MustCompile(`已调离 (\d+)`).FindStringSubmatch(r.Body); m == nil || m[1] != strconv.Itoa(own.left) {
			t.Errorf("home page: 已调离 %v, the 大队 subtree holds %d", m, own.left)
		}
		if strings.Contains(r.Body, `<div>用户</div>`) {
			t.Errorf("home page counts users for a liaison, who may not list them")
		}
		if l := leaks(r.Body, other, own, extra...); len(l) > 0 {
			t.Errorf("home page shows liaison2's 大队: %v", l)
		}
	})

	t.Run("the own 大队's page shows its real parent", func(t *testing.T) {
		// The 大队's parent 支队 lies outside the scope, so it is not among the parent picker's
		// options; the read-only form must still not claim the 大队 has no parent. (The units list
		// shows the same parent name in its 上级单位 column.)
		r := c.get(t, "/units/"+strconv.FormatInt(fx.brigadeA.ID, 10))
		if !strings.Contains(r.Body, fx.brigadeA.ParentName) {
			t.Fatal("the unit form does not show the 大队's parent to its liaison")
		}
	})

	t.Run("record pages of the own 大队 show no other 大队 in their pickers", func(t *testing.T) {
		for _, path := range []string{"/people/new", "/people/" + strconv.FormatInt(fx.personA.ID, 10),
			"/units/" + strconv.FormatInt(fx.stationA.ID, 10), "/org/import", "/account/tokens"} {
			r := c.get(t, path)
			if r.Status != http.StatusOK {
				t.Errorf("GET %s = %d", path, r.Status)
			}
			if l := leaks(r.Body, other, own, extra...); len(l) > 0 {
				t.Errorf("GET %s shows liaison2's 大队: %v", path, l)
			}
		}
	})

	wantCodes := slices.Sorted(slices.Values(own.personCodes))
	t.Run("people CSV export holds only the 大队's 工号", func(t *testing.T) {
		r := c.get(t, "/org/export?kind=people&format=csv")
		if r.Status != http.StatusOK {
			t.Fatalf("status %d: %s", r.Status, text(r.Body))
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if got := column(t, recs, "工号"); !slices.Equal(got, wantCodes) {
			t.Errorf("CSV 工号 = %v\nwant the 大队's %v", got, wantCodes)
		}
		if l := leaks(r.Body, other, own, extra...); len(l) > 0 {
			t.Errorf("CSV shows liaison2's 大队: %v", l)
		}
	})

	t.Run("export files are named by the day in China", func(t *testing.T) {
		r := c.get(t, "/org/export?kind=people&format=csv")
		cd := r.Header.Get("Content-Disposition")
		now := time.Now()
		want := url.PathEscape("人员_" + now.In(tz.Shanghai).Format("20060102") + ".csv")
		if !strings.Contains(cd, want) {
			t.Errorf("Content-Disposition %q, want the file name %s", cd, want)
		}
	})

	t.Run("people XLSX export holds only the 大队's 工号", func(t *testing.T) {
		r := c.get(t, "/org/export?kind=people&format=xlsx")
		if r.Status != http.StatusOK {
			t.Fatalf("status %d: %s", r.Status, text(r.Body))
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(r.Body)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("人员")
		if err != nil {
			t.Fatal(err)
		}
		if got := column(t, rows, "工号"); !slices.Equal(got, wantCodes) {
			t.Errorf("XLSX 工号 = %v\nwant the 大队's %v", got, wantCodes)
		}
		for _, sheet := range f.GetSheetList() {
			rows, _ := f.GetRows(sheet)
			var all []string
			for _, row := range rows {
				all = append(all, strings.Join(row, "\t"))
			}
			if l := leaks(strings.Join(all, "\n"), other, own, extra...); len(l) > 0 {
				t.Errorf("XLSX sheet %s shows liaison2's 大队: %v", sheet, l)
			}
		}
	})

	t.Run("units CSV export holds only the 大队's units", func(t *testing.T) {
		r := c.get(t, "/org/export?kind=units&format=csv")
		if r.Status != http.StatusOK {
			t.Fatalf("status %d: %s", r.Status, text(r.Body))
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if got, want := column(t, recs, "单位编码"), slices.Sorted(slices.Values(own.unitCodes)); !slices.Equal(got, want) {
			t.Errorf("CSV 单位编码 = %v\nwant the 大队's %v", got, want)
		}
	})
}

// column returns the sorted values of the column headed name in the first row.
func column(t *testing.T, rows [][]string, name string) []string {
	t.Helper()
	if len(rows) == 0 {
		t.Fatal("empty table")
	}
	i := slices.Index(rows[0], name)
	if i < 0 {
		t.Fatalf("no column %s in %v", name, rows[0])
	}
	var out []string
	for _, r := range rows[1:] {
		if i < len(r) {
			out = append(out, r[i])
		}
	}
	sort.Strings(out)
	return out
}
