package demo_test

import (
	"context"
	"database/sql"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/demo"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// stored is the inventory as read back from the database, with nothing from the generator.
type stored struct {
	apps     []storedApp
	accounts []storedAccount
	groups   []storedGroup
	byID     map[int64]int // group id → index in groups
}

type storedApp struct {
	code, status, unitKind string
	unit                   int64
	features               []string
	emergency, feedback    bool
	mlps                   int
	assessed               sql.NullTime
	forms, functions       []string
	targetCount            int
}

type storedAccount struct {
	code, status, unitKind, unitName, platform string
	unit                                       int64
	operator, filing                           string
	interaction                                bool
	followers                                  int
	lastPost                                   sql.NullTime
}

type storedGroup struct {
	id             int64
	code, status   string
	owner          sql.NullInt64
	temporary      bool
	taskEnd        sql.NullTime
	approval       string
	memberCount    int
	members        []string // 工号, or "x:" + name for outsiders
	owners         []int64  // person ids with role owner
	left, external []string
	ownerLeft      bool
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func load(t *testing.T, db *store.DB) *stored {
	t.Helper()
	ctx := context.Background()
	s := &stored{byID: map[int64]int{}}
	query := func(q string, scan func(*sql.Rows) error) {
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				t.Fatal(err)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	query(`SELECT a.code, a.status, u.kind, a.unit_id, d.forced_features, d.emergency_use, d.feedback_channel, d.mlps_level,
		d.mlps_assessed_on, d.forms, a.functions, d.target_count
		FROM assets a JOIN units u ON u.id = a.unit_id JOIN app_details d ON d.asset_id = a.id WHERE a.kind = 'app' ORDER BY a.code`,
		func(r *sql.Rows) error {
			var a storedApp
			var feats, forms, funcs string
			err := r.Scan(&a.code, &a.status, &a.unitKind, &a.unit, &feats, &a.emergency, &a.feedback, &a.mlps, &a.assessed, &forms, &funcs, &a.targetCount)
			a.features, a.forms, a.functions = split(feats), split(forms), split(funcs)
			s.apps = append(s.apps, a)
			return err
		})
	query(`SELECT a.code, a.status, u.kind, u.name, a.platform, a.unit_id, d.operator, d.filing_no, d.interaction, d.followers, d.last_post_on
		FROM assets a JOIN units u ON u.id = a.unit_id JOIN account_details d ON d.asset_id = a.id WHERE a.kind = 'account' ORDER BY a.code`,
		func(r *sql.Rows) error {
			var a storedAccount
			err := r.Scan(&a.code, &a.status, &a.unitKind, &a.unitName, &a.platform, &a.unit, &a.operator, &a.filing, &a.interaction, &a.followers, &a.lastPost)
			s.accounts = append(s.accounts, a)
			return err
		})
	query(`SELECT a.id, a.code, a.status, a.owner_person_id, d.temporary, d.task_end_on, d.approval_ref, d.member_count,
		COALESCE(p.status, '')
		FROM assets a JOIN group_details d ON d.asset_id = a.id LEFT JOIN people p ON p.id = a.owner_person_id
		WHERE a.kind = 'group' ORDER BY a.code`,
		func(r *sql.Rows) error {
			var g storedGroup
			var ownerStatus string
			err := r.Scan(&g.id, &g.code, &g.status, &g.owner, &g.temporary, &g.taskEnd, &g.approval, &g.memberCount, &ownerStatus)
			g.ownerLeft = ownerStatus == "left"
			s.byID[g.id] = len(s.groups)
			s.groups = append(s.groups, g)
			return err
		})
	query(`SELECT m.group_id, m.person_id, COALESCE(p.code, ''), COALESCE(p.status, ''), m.external_name, m.role
		FROM group_members m LEFT JOIN people p ON p.id = m.person_id ORDER BY m.group_id, m.id`,
		func(r *sql.Rows) error {
			var gid int64
			var pid sql.NullInt64
			var code, status, ext, role string
			if err := r.Scan(&gid, &pid, &code, &status, &ext, &role); err != nil {
				return err
			}
			g := &s.groups[s.byID[gid]]
			if pid.Valid {
				g.members = append(g.members, code)
				if status == "left" {
					g.left = append(g.left, code)
				}
				if role == "owner" {
					g.owners = append(g.owners, pid.Int64)
				}
			} else {
				g.members = append(g.members, "x:"+ext)
				g.external = append(g.external, ext)
			}
			return nil
		})
	return s
}

func live(status string) bool { return status == "active" || status == "rectifying" }

func sorted(l []string) []string {
	out := slices.Clone(l)
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// sameList compares a truth list with one recomputed from the database.
func sameList(t *testing.T, name string, truth, db []string) {
	t.Helper()
	if a, b := sorted(truth), sorted(db); !slices.Equal(a, b) {
		t.Errorf("%s: truth has %d %v, database says %d %v", name, len(a), a, len(b), b)
	}
}

// overlapOf is the Jaccard index and containment of two member lists.
func overlapOf(a, b []string) (float64, float64) {
	in := map[string]bool{}
	for _, x := range a {
		in[x] = true
	}
	inter := 0
	for _, x := range b {
		if in[x] {
			inter++
		}
	}
	if inter == 0 {
		return 0, 0
	}
	return float64(inter) / float64(len(a)+len(b)-inter), float64(inter) / float64(min(len(a), len(b)))
}

func TestInventory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		start := time.Now()
		res, err := demo.Build(ctx, db, demo.Options{Preset: demo.Small, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: small bureau with %d apps, %d accounts, %d groups, %d members built in %v", db.Engine,
			res.Apps, res.Accounts, res.Groups, res.Members, time.Since(start))
		s := load(t, db)
		tr := res.Truth
		ref := demo.ReferenceDate

		t.Run("counts", func(t *testing.T) {
			if len(s.apps) != res.Apps || len(s.accounts) != res.Accounts || len(s.groups) != res.Groups {
				t.Errorf("database has %d apps, %d accounts, %d groups; result says %d, %d, %d",
					len(s.apps), len(s.accounts), len(s.groups), res.Apps, res.Accounts, res.Groups)
			}
			for what, r := range map[string][3]int{"apps": {len(s.apps), 30, 50}, "accounts": {len(s.accounts), 45, 90},
				"groups": {len(s.groups), 250, 350}} {
				if r[0] < r[1] || r[0] > r[2] {
					t.Errorf("%d %s, want %d–%d", r[0], what, r[1], r[2])
				}
			}
			rows := 0
			for _, g := range s.groups {
				rows += len(g.members)
				if g.memberCount != len(g.members) {
					t.Errorf("%s: member_count %d, %d rows", g.code, g.memberCount, len(g.members))
				}
				if len(g.members) == 0 {
					t.Errorf("%s has no members", g.code)
				}
			}
			if rows != res.Members {
				t.Errorf("%d member rows, result says %d", rows, res.Members)
			}
			if avg := float64(rows) / float64(len(s.groups)); avg < 10 || avg > 20 {
				t.Errorf("%.1f members per group", avg)
			}
		})

		t.Run("apps", func(t *testing.T) {
			var forced, upload, exempt, nofb, low, mlps []string
			forms := map[string][]string{}
			liveApps := map[string]storedApp{}
			for _, a := range s.apps {
				if !live(a.status) {
					continue
				}
				liveApps[a.code] = a
				if len(a.features) > 0 && a.emergency {
					exempt = append(exempt, a.code)
				}
				if len(a.features) > 0 && !a.emergency {
					forced = append(forced, a.code)
					if slices.ContainsFunc(a.features, func(f string) bool { return strings.HasPrefix(f, "upload_") }) {
						upload = append(upload, a.code)
					}
				}
				if !a.feedback {
					nofb = append(nofb, a.code)
				}
				if a.unitKind == "brigade" || a.unitKind == "station" {
					low = append(low, a.code)
				}
				if a.mlps == 3 && (!a.assessed.Valid || a.assessed.Time.Before(ref.AddDate(-1, 0, 0))) ||
					a.mlps == 4 && (!a.assessed.Valid || a.assessed.Time.Before(ref.AddDate(0, 0, -182))) {
					mlps = append(mlps, a.code)
				}
				for _, f := range a.forms {
					forms[f] = append(forms[f], a.code)
				}
			}
			sameList(t, "ForcedApps", tr.ForcedApps, forced)
			sameList(t, "UploadApps", tr.UploadApps, upload)
			sameList(t, "ExemptApps", tr.ExemptApps, exempt)
			sameList(t, "NoFeedbackApps", tr.NoFeedbackApps, nofb)
			sameList(t, "LowLevelApps", tr.LowLevelApps, low)
			sameList(t, "MLPSOverdueApps", tr.MLPSOverdueApps, mlps)
			for f, apps := range forms {
				if len(apps) < 2 {
					delete(forms, f)
				} else {
					slices.Sort(apps)
				}
			}
			if !reflect.DeepEqual(forms, tr.RepeatForms) {
				t.Errorf("RepeatForms: truth %v, database %v", tr.RepeatForms, forms)
			}
			for _, c := range tr.LowUseApps {
				if a, ok := liveApps[c]; !ok || a.targetCount < 100 {
					t.Errorf("low-use candidate %s: %+v", c, a)
				}
			}
			if len(tr.SimilarApps) < 4 {
				t.Errorf("%d similar clusters, want at least 4", len(tr.SimilarApps))
			}
			inCluster := map[string]bool{}
			for _, set := range tr.SimilarApps {
				units := map[int64]bool{}
				for i, c := range set {
					a, ok := liveApps[c]
					if !ok || inCluster[c] {
						t.Fatalf("similar app %s not live or in two clusters", c)
					}
					inCluster[c] = true
					units[a.unit] = true
					if a.unitKind != "detachment" && a.unitKind != "department" {
						t.Errorf("similar app %s built by a %s", c, a.unitKind)
					}
					// The copies do the same: they share a form, or a function word for word.
					for _, d := range set[:i] {
						b := liveApps[d]
						shared := slices.ContainsFunc(a.forms, func(f string) bool { return slices.Contains(b.forms, f) }) ||
							slices.ContainsFunc(a.functions, func(f string) bool { return slices.Contains(b.functions, f) })
						if !shared {
							t.Errorf("similar apps %s and %s share neither a form nor a function", c, d)
						}
					}
				}
				if len(set) < 2 || len(units) != len(set) {
					t.Errorf("similar cluster %v: %d owning units", set, len(units))
				}
			}
		})

		t.Run("accounts", func(t *testing.T) {
			type key struct {
				unit     int64
				platform string
			}
			byUnit := map[key][]string{}
			var stale, zombie, noint, unfiled, mismatch, lowuse []string
			peers := map[string][]int{}
			for _, a := range s.accounts {
				if !live(a.status) {
					continue
				}
				byUnit[key{a.unit, a.platform}] = append(byUnit[key{a.unit, a.platform}], a.code)
				peers[a.unitKind+"/"+a.platform] = append(peers[a.unitKind+"/"+a.platform], a.followers)
				switch days := int(ref.Sub(a.lastPost.Time).Hours() / 24); {
				case !a.lastPost.Valid || days >= 60:
					zombie = append(zombie, a.code)
				case days >= 15:
					stale = append(stale, a.code)
				case days < 0:
					t.Errorf("%s posted after the reference date", a.code)
				}
				if !a.interaction {
					noint = append(noint, a.code)
				}
				if a.filing == "" {
					unfiled = append(unfiled, a.code)
				}
				if a.operator != a.unitName {
					mismatch = append(mismatch, a.code)
				}
			}
			for _, a := range s.accounts {
				f := peers[a.unitKind+"/"+a.platform]
				if !live(a.status) || len(f) < 5 {
					continue
				}
				f = slices.Clone(f)
				slices.Sort(f)
				median := float64(f[len(f)/2])
				if len(f)%2 == 0 {
					median = float64(f[len(f)/2-1]+f[len(f)/2]) / 2
				}
				if float64(a.followers) < median/10 {
					lowuse = append(lowuse, a.code)
				}
			}
			var dups [][]string
			for _, codes := range byUnit {
				if len(codes) > 1 {
					dups = append(dups, sorted(codes))
				}
			}
			sort.Slice(dups, func(i, j int) bool { return dups[i][0] < dups[j][0] })
			if !reflect.DeepEqual(dups, tr.DupAccounts) || len(dups) == 0 {
				t.Errorf("DupAccounts: truth %v, database %v", tr.DupAccounts, dups)
			}
			sameList(t, "StaleAccounts", tr.StaleAccounts, stale)
			sameList(t, "ZombieAccounts", tr.ZombieAccounts, zombie)
			sameList(t, "NoInteractAccounts", tr.NoInteractAccounts, noint)
			sameList(t, "UnfiledAccounts", tr.UnfiledAccounts, unfiled)
			sameList(t, "MismatchAccounts", tr.MismatchAccounts, mismatch)
			sameList(t, "LowUseAccounts", tr.LowUseAccounts, lowuse)
			for name, l := range map[string][]string{"stale": stale, "zombie": zombie, "no interaction": noint, "unfiled": unfiled,
				"mismatch": mismatch, "low use": lowuse} {
				if len(l) == 0 {
					t.Errorf("no %s account planted", name)
				}
			}
		})

		t.Run("groups", func(t *testing.T) {
			var noOwner, expired, unfiled, leftOwner []string
			left, external := map[string][]string{}, map[string][]string{}
			liveGroups := map[string]*storedGroup{}
			for i := range s.groups {
				g := &s.groups[i]
				// The owner recorded on the asset is the one member with the owner role.
				if g.owner.Valid != (len(g.owners) == 1) || len(g.owners) > 1 || g.owner.Valid && g.owners[0] != g.owner.Int64 {
					t.Errorf("%s: owner %v, owner rows %v", g.code, g.owner, g.owners)
				}
				if g.temporary != g.taskEnd.Valid {
					t.Errorf("%s: temporary %v with task end %v", g.code, g.temporary, g.taskEnd)
				}
				if !live(g.status) {
					continue
				}
				liveGroups[g.code] = g
				if !g.owner.Valid {
					noOwner = append(noOwner, g.code)
				} else if g.ownerLeft {
					leftOwner = append(leftOwner, g.code)
				}
				if g.temporary && g.taskEnd.Time.Before(ref) {
					expired = append(expired, g.code)
				}
				if g.approval == "" {
					unfiled = append(unfiled, g.code)
				}
				if len(g.left) > 0 {
					left[g.code] = sorted(g.left)
				}
				if len(g.external) > 0 {
					external[g.code] = sorted(g.external)
				}
			}
			sameList(t, "NoOwnerGroups", tr.NoOwnerGroups, noOwner)
			sameList(t, "ExpiredTempGroups", tr.ExpiredTempGroups, expired)
			sameList(t, "UnfiledGroups", tr.UnfiledGroups, unfiled)
			sameList(t, "LeftOwnerGroups", tr.LeftOwnerGroups, leftOwner)
			if !reflect.DeepEqual(left, tr.LeftMembers) || len(left) == 0 {
				t.Errorf("LeftMembers: truth %v, database %v", tr.LeftMembers, left)
			}
			if !reflect.DeepEqual(external, tr.ExternalMembers) || len(external) == 0 {
				t.Errorf("ExternalMembers differ: truth %d groups, database %d", len(tr.ExternalMembers), len(external))
			}
			for _, c := range tr.IdleGroups {
				if liveGroups[c] == nil {
					t.Errorf("idle candidate %s is not a live group", c)
				}
			}
			for name, l := range map[string][]string{"ownerless": noOwner, "expired": expired, "unfiled": unfiled, "left owner": leftOwner,
				"idle": tr.IdleGroups} {
				if len(l) == 0 {
					t.Errorf("no %s group planted", name)
				}
			}
		})

		// The overlap rule over every pair of live groups, from group_members alone: the pairs at
		// the thresholds are exactly those inside the planted clusters.
		t.Run("overlap", func(t *testing.T) {
			var lives []*storedGroup
			for i := range s.groups {
				if live(s.groups[i].status) {
					lives = append(lives, &s.groups[i])
				}
			}
			cluster := map[string]int{}
			for c, set := range tr.DupGroups {
				for _, code := range set {
					if _, ok := cluster[code]; ok {
						t.Errorf("%s in two clusters", code)
					}
					cluster[code] = c
				}
			}
			edges := map[string][]string{}
			for i, a := range lives {
				for _, b := range lives[:i] {
					j, c := overlapOf(a.members, b.members)
					if j < 0.8 && c < 0.9 {
						continue
					}
					ca, okA := cluster[a.code]
					cb, okB := cluster[b.code]
					if !okA || !okB || ca != cb {
						t.Errorf("unplanted duplicate groups %s and %s: Jaccard %.2f, containment %.2f", a.code, b.code, j, c)
					}
					edges[a.code] = append(edges[a.code], b.code)
					edges[b.code] = append(edges[b.code], a.code)
				}
			}
			if len(tr.DupGroups) < 5 {
				t.Errorf("%d duplicate clusters, want at least 5", len(tr.DupGroups))
			}
			for _, set := range tr.DupGroups {
				// Connected through pairs at the thresholds.
				seen := map[string]bool{set[0]: true}
				queue := []string{set[0]}
				for len(queue) > 0 {
					x := queue[0]
					queue = queue[1:]
					for _, y := range edges[x] {
						if !seen[y] {
							seen[y] = true
							queue = append(queue, y)
						}
					}
				}
				if len(set) < 2 || len(seen) != len(set) {
					t.Errorf("cluster %v is not connected by duplicate pairs", set)
				}
			}
			if len(tr.NearMissGroups) < 5 {
				t.Errorf("%d near misses, want at least 5", len(tr.NearMissGroups))
			}
			for _, pr := range tr.NearMissGroups {
				a, b := liveGroups(lives, pr[0]), liveGroups(lives, pr[1])
				if a == nil || b == nil {
					t.Fatalf("near miss %v not live", pr)
				}
				j, c := overlapOf(a.members, b.members)
				if j < 0.6 || j > 0.75 || c >= 0.9 {
					t.Errorf("near miss %v: Jaccard %.2f, containment %.2f", pr, j, c)
				}
			}
		})

		t.Run("plan", func(t *testing.T) {
			plan, err := demo.Plan(demo.Options{Preset: demo.Small, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(plan.Truth, res.Truth) {
				t.Error("Plan's truth differs from Build's")
			}
			if plan.Apps != res.Apps || plan.Accounts != res.Accounts || plan.Groups != res.Groups || plan.Members != res.Members ||
				plan.People != res.People || plan.Units != res.Units {
				t.Errorf("Plan %+v, Build %+v", plan, res)
			}
		})
	})
}

func liveGroups(l []*storedGroup, code string) *storedGroup {
	for _, g := range l {
		if g.code == code {
			return g
		}
	}
	return nil
}

// inventorySnapshot is the stored inventory without database ids.
func inventorySnapshot(t *testing.T, db *store.DB) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	for _, q := range []string{
		`SELECT a.code || '|' || a.kind || '|' || a.name || '|' || a.platform || '|' || u.code || '|' || COALESCE(l.code, '') || '|' ||
			COALESCE(p.code, '') || '|' || a.purpose || '|' || a.functions || '|' || a.status || '|' ||
			COALESCE(CAST(a.opened_on AS TEXT), '') || '|' || COALESCE(CAST(a.closed_on AS TEXT), '') || '|' ||
			CASE WHEN a.needs_attest THEN 'y' ELSE 'n' END || '|' || a.attested_by
			FROM assets a JOIN units u ON u.id = a.unit_id LEFT JOIN units l ON l.id = a.lead_unit_id LEFT JOIN people p ON p.id = a.owner_person_id
			ORDER BY a.code`,
		`SELECT a.code || '|' || d.target_users || '|' || CAST(d.target_count AS TEXT) || '|' || d.forced_features || '|' ||
			CASE WHEN d.emergency_use THEN 'y' ELSE 'n' END || CASE WHEN d.feedback_channel THEN 'y' ELSE 'n' END ||
			CASE WHEN d.mandatory THEN 'y' ELSE 'n' END || CASE WHEN d.unified_login THEN 'y' ELSE 'n' END || '|' ||
			d.data_collected || '|' || CAST(d.mlps_level AS TEXT) || '|' || COALESCE(CAST(d.mlps_assessed_on AS TEXT), '') || '|' ||
			d.vendor || '|' || CAST(d.yearly_cost AS TEXT) || '|' || d.forms
			FROM app_details d JOIN assets a ON a.id = d.asset_id ORDER BY a.code`,
		`SELECT a.code || '|' || d.handle || '|' || d.filing_no || '|' || d.operator || '|' || CAST(d.followers AS TEXT) || '|' ||
			CASE WHEN d.interaction THEN 'y' ELSE 'n' END || '|' || COALESCE(CAST(d.last_post_on AS TEXT), '')
			FROM account_details d JOIN assets a ON a.id = d.asset_id ORDER BY a.code`,
		`SELECT a.code || '|' || CASE WHEN d.temporary THEN 'y' ELSE 'n' END || '|' || COALESCE(CAST(d.task_end_on AS TEXT), '') || '|' ||
			d.approval_ref || '|' || CAST(d.member_count AS TEXT)
			FROM group_details d JOIN assets a ON a.id = d.asset_id ORDER BY a.code`,
		`SELECT a.code || '|' || COALESCE(p.code, '') || '|' || m.external_name || '|' || m.role
			FROM group_members m JOIN assets a ON a.id = m.group_id LEFT JOIN people p ON p.id = m.person_id
			ORDER BY a.code, COALESCE(p.code, ''), m.external_name`,
	} {
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, normDates(s))
		}
		rows.Close()
	}
	return out
}

// normDates cuts the time of day SQLite keeps after a date ("2026-10-31 00:00:00+00:00").
func normDates(s string) string {
	var b strings.Builder
	for _, f := range strings.Split(s, "|") {
		if len(f) > 10 && len(f) <= 40 && f[4] == '-' && f[7] == '-' && (f[10] == ' ' || f[10] == 'T') {
			f = f[:10]
		}
		b.WriteString(f + "|")
	}
	return b.String()
}

func TestInventoryDeterministic(t *testing.T) {
	a, b, c := storetest.SQLite(t), storetest.SQLite(t), storetest.SQLite(t)
	build(t, a, 42)
	build(t, b, 42)
	build(t, c, 43)
	s1, s2, s3 := inventorySnapshot(t, a), inventorySnapshot(t, b), inventorySnapshot(t, c)
	if len(s1) < 3000 {
		t.Fatalf("snapshot of %d rows", len(s1))
	}
	if !slices.Equal(s1, s2) {
		t.Errorf("same seed, different inventory:\n%s", firstDiff(s1, s2))
	}
	if slices.Equal(s1, s3) {
		t.Error("seeds 42 and 43 built the same inventory")
	}
	t.Run("postgres", func(t *testing.T) {
		pg := storetest.Postgres(t)
		build(t, pg, 42)
		if s4 := inventorySnapshot(t, pg); !slices.Equal(s1, s4) {
			t.Errorf("SQLite and PostgreSQL inventories differ:\n%s", firstDiff(s1, s4))
		}
	})
}

// TestPlanProvince reads the province truth without a database, as benchmarks do.
func TestPlanProvince(t *testing.T) {
	if testing.Short() {
		t.Skip("province plan in short mode")
	}
	res, err := demo.Plan(demo.Options{Preset: demo.Province, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Apps < 280 || res.Accounts < 900 || res.Groups < 18500 || res.Members < 300_000 || res.Members > 450_000 {
		t.Errorf("province plan: %+v", res)
	}
	tr := res.Truth
	if len(tr.SimilarApps) < 20 || len(tr.DupGroups) < 50 || len(tr.NearMissGroups) < 50 {
		t.Errorf("province truth: %d similar clusters, %d duplicate groups, %d near misses",
			len(tr.SimilarApps), len(tr.DupGroups), len(tr.NearMissGroups))
	}
}
