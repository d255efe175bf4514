package demo_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/demo"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func TestMain(m *testing.M) {
	// Production cost makes each hash take ~100 ms and 64 MiB; tests only need correct hashes.
	auth.Cost = auth.Cheap
	os.Exit(m.Run())
}

// build writes the small bureau and fails the test on error.
func build(t *testing.T, db *store.DB, seed int64) *demo.Result {
	t.Helper()
	start := time.Now()
	res, err := demo.Build(context.Background(), db, demo.Options{Preset: demo.Small, Seed: seed})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	t.Logf("%s: small bureau (%d units, %d people, %d users) built in %v", db.Engine, res.Units, res.People, res.Users, time.Since(start))
	return res
}

// allowedParents restates org's placement rule, so that a change to either side shows up here.
var allowedParents = map[org.UnitKind][]org.UnitKind{
	org.Detachment: {org.Corps},
	org.Brigade:    {org.Detachment},
	org.Station:    {org.Detachment, org.Brigade},
	org.Department: {org.Corps, org.Detachment, org.Brigade},
}

func TestBuild(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var steps []string
		last := map[string][2]int{}
		res, err := demo.Build(ctx, db, demo.Options{Preset: demo.Small, Seed: 1, Progress: func(step string, done, total int) {
			if _, ok := last[step]; !ok {
				steps = append(steps, step)
			}
			last[step] = [2]int{done, total}
		}})
		if err != nil {
			t.Fatal(err)
		}
		st := &org.Store{DB: db}
		units, err := st.AllUnits(ctx, org.System)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[int64]org.Unit{}
		var rootID int64
		for _, u := range units {
			byID[u.ID] = u
			if u.ParentID == 0 {
				rootID = u.ID
			}
		}

		t.Run("counts", func(t *testing.T) {
			wantU, wantP := demo.Sizes(demo.Small)
			if !near(res.Units, wantU) || !near(res.People, wantP) {
				t.Errorf("built %d units, %d people; Sizes says about %d, %d", res.Units, res.People, wantU, wantP)
			}
			if len(units) != res.Units {
				t.Errorf("database has %d units, result says %d", len(units), res.Units)
			}
			var people, users int
			storetest.Must(t, db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM people), (SELECT count(*) FROM users)`).Scan(&people, &users))
			if people != res.People || users != res.Users || users != len(res.Logins) {
				t.Errorf("database has %d people, %d users; result says %d, %d (%d logins)", people, users, res.People, res.Users, len(res.Logins))
			}
			kinds := map[org.UnitKind]int{}
			for _, u := range units {
				kinds[u.Kind]++
			}
			for k, r := range map[org.UnitKind][2]int{org.Corps: {1, 1}, org.Detachment: {3, 4}, org.Brigade: {10, 14},
				org.Station: {24, 45}, org.Department: {10, 25}} {
				if kinds[k] < r[0] || kinds[k] > r[1] {
					t.Errorf("%d units of kind %s, want %d–%d", kinds[k], k, r[0], r[1])
				}
			}
			if !slices.Equal(steps, []string{"单位", "人员", "账号", "应用", "公众号", "群组", "群成员"}) {
				t.Errorf("progress steps %v", steps)
			}
			for step, n := range map[string]int{"单位": res.Units, "人员": res.People, "账号": res.Users,
				"应用": res.Apps, "公众号": res.Accounts, "群组": res.Groups, "群成员": res.Members} {
				if last[step] != [2]int{n, n} {
					t.Errorf("progress for %s ended at %v, want %d/%d", step, last[step], n, n)
				}
			}
		})

		t.Run("tree", func(t *testing.T) {
			names := map[string]bool{}
			for _, u := range units {
				if u.ParentID == 0 {
					if u.Kind != org.Corps || u.Code != "SC" || u.Name != "四川省消防救援总队" || u.Path != fmt.Sprintf("/%d/", u.ID) {
						t.Errorf("root %+v", u)
					}
					continue
				}
				parent, ok := byID[u.ParentID]
				if !ok {
					t.Fatalf("%s: parent %d missing", u.Code, u.ParentID)
				}
				if !slices.Contains(allowedParents[u.Kind], parent.Kind) {
					t.Errorf("%s (%s) under %s (%s)", u.Name, u.Kind, parent.Name, parent.Kind)
				}
				if u.Path != fmt.Sprintf("%s%d/", parent.Path, u.ID) {
					t.Errorf("%s: path %q under %q", u.Code, u.Path, parent.Path)
				}
				if !strings.HasPrefix(u.Code, parent.Code+"-") {
					t.Errorf("code %s does not extend its parent's %s", u.Code, parent.Code)
				}
				key := parent.Code + "/" + u.Name
				if names[key] {
					t.Errorf("two units named %s under %s", u.Name, parent.Name)
				}
				names[key] = true
				suffix := map[org.UnitKind]string{org.Detachment: "消防救援支队", org.Brigade: "大队", org.Station: "站"}[u.Kind]
				if !strings.HasSuffix(u.Name, suffix) {
					t.Errorf("%s %q does not end in %s", u.Kind, u.Name, suffix)
				}
			}
			for _, want := range []string{"SC/办公室", "SC/信息通信处", "SC/新闻宣传处", "SC/法工处", "SC/组织教育处", "SC/队务处", "SC/财务处",
				"SC/成都市消防救援支队", "SC-CD/锦江区消防救援大队", "SC-CD/特勤消防救援站", "SC/绵阳市消防救援支队"} {
				if !names[want] {
					t.Errorf("missing unit %s", want)
				}
			}
		})

		t.Run("people", func(t *testing.T) {
			people, total, err := st.People(ctx, org.System, org.PersonFilter{Page: org.Page{Limit: org.MaxPage}})
			if err != nil {
				t.Fatal(err)
			}
			if total != res.People || len(people) != total {
				t.Fatalf("listed %d of %d people, built %d", len(people), total, res.People)
			}
			left := 0
			posts := map[org.UnitKind]map[string]bool{}
			for _, p := range people {
				if !strings.HasPrefix(p.Code, "51") || len(p.Code) != 8 {
					t.Errorf("工号 %q", p.Code)
				}
				if n := utf8.RuneCountInString(p.Name); n < 2 || n > 3 {
					t.Errorf("name %q", p.Name)
				}
				if p.Status == org.Left {
					left++
					if p.LeftOn == nil {
						t.Errorf("%s left without a date", p.Code)
					}
				} else if p.LeftOn != nil {
					t.Errorf("%s in post with a left_on date", p.Code)
				}
				k := byID[p.UnitID].Kind
				if posts[k] == nil {
					posts[k] = map[string]bool{}
				}
				posts[k][p.Post] = true
			}
			if left < 3 || left > res.People/20 {
				t.Errorf("%d of %d people have left, want about 2%%", left, res.People)
			}
			for k, want := range map[org.UnitKind][]string{org.Station: {"站长", "指导员", "消防员", "驾驶员", "通信员"},
				org.Brigade: {"大队长", "教导员"}, org.Department: {"处长", "主任", "科长"}, org.Corps: {"总队长"}} {
				for _, post := range want {
					if !posts[k][post] {
						t.Errorf("no %s in any %s", post, k)
					}
				}
			}
		})

		t.Run("logins", func(t *testing.T) {
			got := map[org.Role]bool{}
			for _, l := range res.Logins {
				got[l.Role] = true
				u, err := org.LoadUserByName(ctx, db, l.Username)
				if err != nil {
					t.Fatalf("%s: %v", l.Username, err)
				}
				if !slices.Equal(u.Roles, []org.Role{l.Role}) || u.MustChangePassword || u.Disabled || u.PersonID == 0 {
					t.Errorf("%s: %+v", l.Username, u)
				}
				if l.Password != demo.DefaultPassword || l.RoleLabel != l.Role.Label() || l.UnitName != u.UnitName {
					t.Errorf("login %+v for user in %s", l, u.UnitName)
				}
				var hash string
				storetest.Must(t, db.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&hash))
				if ok, err := auth.CheckPassword(hash, l.Password); !ok || err != nil {
					t.Errorf("%s cannot log in: %v %v", l.Username, ok, err)
				}
				if ok, _ := auth.CheckPassword(hash, "wrong"+l.Password); ok {
					t.Errorf("%s logs in with a wrong password", l.Username)
				}
				p, err := st.Person(ctx, org.System, u.PersonID)
				if err != nil || p.UnitID != u.UnitID || p.Name != u.DisplayName || p.Status != org.Active {
					t.Errorf("%s: person %+v, %v", l.Username, p, err)
				}
				wide := l.Role == org.RoleAdmin || l.Role == org.RoleOffice || l.Role == org.RoleLead || l.Role == org.RoleSupport
				if want := u.UnitID; wide && u.ScopeUnitID != rootID || !wide && u.ScopeUnitID != want {
					t.Errorf("%s: scope %s, unit %s", l.Username, u.ScopeUnitName, u.UnitName)
				}
			}
			for _, r := range org.Roles {
				if !got[r] {
					t.Errorf("no demo login for role %s", r)
				}
			}
			for user, unit := range map[string]string{"office": "办公室", "lead_office": "办公室", "lead_it": "信息通信处",
				"lead_news": "新闻宣传处", "support": "法工处", "admin": "四川省消防救援总队"} {
				if u, err := org.LoadUserByName(ctx, db, user); err != nil || u.UnitName != unit {
					t.Errorf("%s is in %q (%v), want %s", user, u.UnitName, err, unit)
				}
			}
		})

		t.Run("scopes", func(t *testing.T) {
			visible := func(username string) (org.User, map[int64]bool) {
				u, err := org.LoadUserByName(ctx, db, username)
				if err != nil {
					t.Fatal(err)
				}
				list, err := st.AllUnits(ctx, u.Principal())
				if err != nil {
					t.Fatalf("%s: %v", username, err)
				}
				seen := map[int64]bool{}
				for _, x := range list {
					if !strings.HasPrefix(x.Path, u.ScopePath) {
						t.Errorf("%s sees %s outside %s", username, x.Name, u.ScopeUnitName)
					}
					seen[x.ID] = true
				}
				return u, seen
			}
			l1, s1 := visible("liaison")
			l2, s2 := visible("liaison2")
			if byID[l1.ScopeUnitID].Kind != org.Brigade || byID[l2.ScopeUnitID].Kind != org.Brigade {
				t.Fatalf("liaison scopes %s, %s; want 大队", l1.ScopeUnitName, l2.ScopeUnitName)
			}
			if l1.ScopeUnitID == l2.ScopeUnitID || strings.HasPrefix(l1.ScopePath, l2.ScopePath) || strings.HasPrefix(l2.ScopePath, l1.ScopePath) {
				t.Fatalf("liaison scopes overlap: %s, %s", l1.ScopePath, l2.ScopePath)
			}
			for id := range s1 {
				if s2[id] {
					t.Errorf("both liaisons see %s", byID[id].Name)
				}
			}
			if len(s1) < 2 || len(s1) >= len(units)/2 {
				t.Errorf("liaison sees %d of %d units", len(s1), len(units))
			}
			staff, err := org.LoadUserByName(ctx, db, "staff")
			if err != nil {
				t.Fatal(err)
			}
			if byID[staff.ScopeUnitID].Kind != org.Station || !s1[staff.UnitID] || s2[staff.UnitID] {
				t.Errorf("staff at %s: want a station inside liaison's brigade only", staff.UnitName)
			}
			for _, name := range []string{"reviewer", "inspector"} {
				u, seen := visible(name)
				if byID[u.ScopeUnitID].Kind != org.Detachment || len(seen) < 5 {
					t.Errorf("%s scoped to %s, sees %d units", name, u.ScopeUnitName, len(seen))
				}
			}
		})

		t.Run("audit", func(t *testing.T) {
			r, err := audit.Verify(ctx, db)
			if err != nil || !r.OK() {
				t.Fatalf("verify: %+v %v", r, err)
			}
			if r.Checked != 7 {
				t.Errorf("%d audit entries, want one each for units, people, users, apps, accounts, groups and members", r.Checked)
			}
			assets, _, err := audit.List(ctx, db, audit.Filter{ObjectType: "asset"})
			if err != nil || len(assets) != 3 || !strings.Contains(assets[0].After+assets[1].After+assets[2].After, `"similar_clusters"`) {
				t.Errorf("asset audit entries %+v, %v", assets, err)
			}
			entries, _, err := audit.List(ctx, db, audit.Filter{ObjectType: "person"})
			if err != nil || len(entries) != 1 || !strings.Contains(entries[0].After, `"preset":"small"`) {
				t.Errorf("person audit entry %+v, %v", entries, err)
			}
		})

		t.Run("twice", func(t *testing.T) {
			_, err := demo.Build(ctx, db, demo.Options{Preset: demo.Small, Seed: 1})
			if !errs.Is(err, errs.Conflict) {
				t.Fatalf("second build: %v, want a conflict", err)
			}
			var n int
			storetest.Must(t, db.QueryRowContext(ctx, `SELECT count(*) FROM units`).Scan(&n))
			if n != res.Units {
				t.Errorf("failed build left %d units, want %d", n, res.Units)
			}
		})
	})
}

func near(got, want int) bool { return got >= want*3/4 && got <= want*5/4 }

// snapshot is everything that must not vary between builds with one seed: ids may.
func snapshot(t *testing.T, db *store.DB) (units, people []string) {
	t.Helper()
	ctx := context.Background()
	read := func(query string) []string {
		rows, err := db.QueryContext(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var a, b, c, d, e string
			var left sql.NullTime
			if err := rows.Scan(&a, &b, &c, &d, &e, &left); err != nil {
				t.Fatal(err)
			}
			if left.Valid {
				e += " " + left.Time.UTC().Format("2006-01-02")
			}
			out = append(out, strings.Join([]string{a, b, c, d, e}, "|"))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	units = read(`SELECT u.code, u.name, COALESCE(p.code, ''), u.kind, CAST(u.sort_order AS TEXT), NULL
		FROM units u LEFT JOIN units p ON p.id = u.parent_id ORDER BY u.code`)
	people = read(`SELECT p.code, p.name, u.code, p.post, p.status, p.left_on FROM people p JOIN units u ON u.id = p.unit_id ORDER BY p.code`)
	return units, people
}

func TestDeterministic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fresh := storetest.SQLite
		if db.Engine == store.Postgres {
			fresh = storetest.Postgres
		}
		again, other := fresh(t), fresh(t)
		build(t, db, 42)
		build(t, again, 42)
		build(t, other, 43)
		u1, p1 := snapshot(t, db)
		u2, p2 := snapshot(t, again)
		u3, p3 := snapshot(t, other)
		if !slices.Equal(u1, u2) {
			t.Errorf("same seed, different units:\n%s", firstDiff(u1, u2))
		}
		if !slices.Equal(p1, p2) {
			t.Errorf("same seed, different people:\n%s", firstDiff(p1, p2))
		}
		if slices.Equal(p1, p3) {
			t.Error("seeds 42 and 43 built the same people")
		}
		// The frame (the 总队, its 处室, the 支队 and their 大队) is fixed by the preset alone.
		if !slices.Equal(frame(u1), frame(u3)) {
			t.Error("seeds 42 and 43 built different 支队 or 大队")
		}
	})
}

// TestSameOnBothEngines checks that the engine does not influence what is generated.
func TestSameOnBothEngines(t *testing.T) {
	lite := storetest.SQLite(t)
	build(t, lite, 5)
	t.Run("postgres", func(t *testing.T) {
		pg := storetest.Postgres(t)
		build(t, pg, 5)
		u1, p1 := snapshot(t, lite)
		u2, p2 := snapshot(t, pg)
		if !slices.Equal(u1, u2) || !slices.Equal(p1, p2) {
			t.Errorf("SQLite and PostgreSQL builds differ:\n%s\n%s", firstDiff(u1, u2), firstDiff(p1, p2))
		}
	})
}

func frame(units []string) []string {
	var out []string
	for _, u := range units {
		if !strings.Contains(u, "|station|") {
			out = append(out, u)
		}
	}
	return out
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("row %d: %q vs %q", i, a[i], b[i])
		}
	}
	return fmt.Sprintf("lengths %d vs %d", len(a), len(b))
}

func TestSizes(t *testing.T) {
	for _, tc := range []struct {
		preset             demo.Preset
		minUnits, maxUnits int
		minPeople, maxPeop int
	}{
		{demo.Small, 50, 100, 250, 400},
		{"", 50, 100, 250, 400},
		{demo.Province, 600, 1200, 9000, 12000},
		{demo.National, 4000, 10000, 180000, 230000},
	} {
		u, p := demo.Sizes(tc.preset)
		if u < tc.minUnits || u > tc.maxUnits || p < tc.minPeople || p > tc.maxPeop {
			t.Errorf("Sizes(%q) = %d units, %d people", tc.preset, u, p)
		}
	}
	if u, p := demo.Sizes("galactic"); u != 0 || p != 0 {
		t.Errorf("unknown preset sized %d, %d", u, p)
	}
}

func TestUnknownPreset(t *testing.T) {
	db := storetest.SQLite(t)
	_, err := demo.Build(context.Background(), db, demo.Options{Preset: "galactic"})
	if !errs.Is(err, errs.Invalid) {
		t.Fatalf("got %v, want invalid", err)
	}
}
