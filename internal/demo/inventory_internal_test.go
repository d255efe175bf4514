package demo

import (
	"crypto/sha256"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/org"
)

// orgHash digests everything generate draws for the organisation.
func orgHash(b *bureau) string {
	h := sha256.New()
	for _, u := range b.units {
		fmt.Fprintf(h, "%s|%s|%s|%d|%d\n", u.Code, u.Name, u.Kind, u.Parent, u.Sort)
	}
	for _, p := range b.people {
		fmt.Fprintf(h, "%s|%s|%d|%s|%s|%s|%v|%v\n", p.Code, p.Name, p.Unit, p.Post, p.Status, p.LeftOn.Format("2006-01-02"), p.Female, p.Login)
	}
	for _, l := range b.logins {
		fmt.Fprintf(h, "%s|%s|%d|%d|%d\n", l.Username, l.Role, l.Person, l.Unit, l.Scope)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// TestOrgUnchanged pins the organisation as it was before the inventory generators existed:
// they draw from streams of their own, and must never shift a unit or a person.
func TestOrgUnchanged(t *testing.T) {
	for _, c := range []struct {
		p    Preset
		seed int64
		want string
	}{
		{Small, 42, "fddd2af9a55975816471caacff47e8dc021475196c5e1b11bd5a531ef841c2b0"},
		{Province, 1, "2568c02599611d8d86cf612e35b416a6da1b1ef40b990897dca17c63f01aa5ed"},
	} {
		b, err := generate(c.p, c.seed)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.genInventory(); err != nil {
			t.Fatal(err)
		}
		if got := orgHash(b); got != c.want {
			t.Errorf("%s seed %d: organisation changed (%s)", c.p, c.seed, got)
		}
	}
}

// TestConcepts checks the app catalogue: apps of different concepts must share no function, no
// form and no name, or the demo would plant similarities it does not record.
func TestConcepts(t *testing.T) {
	keys, funcs, forms, names := map[string]bool{}, map[string]string{}, map[string]string{}, map[string]string{}
	low := 0
	for _, c := range concepts {
		if keys[c.Key] {
			t.Errorf("concept %s twice", c.Key)
		}
		keys[c.Key] = true
		if len(c.Names) < 2 || len(c.Funcs) < 4 || c.Purpose == "" || len(c.Platforms) == 0 || targetUsers[c.Users] == "" {
			t.Errorf("concept %s incomplete", c.Key)
		}
		if _, ok := departmentCodes()[c.Line]; !ok {
			t.Errorf("concept %s: no 处室 %s", c.Key, c.Line)
		}
		for _, f := range c.Funcs {
			if other, ok := funcs[f]; ok {
				t.Errorf("function %s in %s and %s", f, other, c.Key)
			}
			funcs[f] = c.Key
		}
		for _, f := range c.Forms {
			if other, ok := forms[f]; ok {
				t.Errorf("form %s in %s and %s", f, other, c.Key)
			}
			if slices.Contains(commonForms, f) {
				t.Errorf("form %s of %s is also a common form", f, c.Key)
			}
			forms[f] = c.Key
		}
		for _, n := range c.Names {
			if other, ok := names[n]; ok {
				t.Errorf("name %s in %s and %s", n, other, c.Key)
			}
			names[n] = c.Key
		}
		for _, f := range c.Features {
			if !slices.ContainsFunc(catalogFeatures, func(x string) bool { return x == f }) {
				t.Errorf("concept %s: unknown feature %s", c.Key, f)
			}
		}
		if c.Level == lvLow {
			low++
		}
	}
	for _, k := range dupProne {
		if !keys[k] {
			t.Errorf("duplicate-prone concept %s does not exist", k)
		}
	}
	for _, pl := range invPlans {
		if pl.lowLevel > low {
			t.Errorf("a plan wants %d apps below county level, only %d such concepts", pl.lowLevel, low)
		}
	}
}

var catalogFeatures = []string{"checkin", "ranking", "online_time", "forced_login", "install_rate", "upload_photo", "upload_video", "upload_location"}

func departmentCodes() map[string]bool {
	m := map[string]bool{}
	for _, d := range departments {
		m[d.Code] = true
	}
	return m
}

// TestProvinceInventory generates the province preset's inventory in memory and checks its sizes
// and that its truth holds: the overlap check here is exact over all 20,000 groups.
func TestProvinceInventory(t *testing.T) {
	if testing.Short() {
		t.Skip("province inventory in short mode")
	}
	start := time.Now()
	b, err := generate(Province, 1)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := b.genInventory()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("province inventory generated in %v", time.Since(start))
	checkInventory(t, b, inv, invSizes{apps: [2]int{280, 320}, accounts: [2]int{900, 1150}, groups: [2]int{18500, 21000},
		members: [2]int{300_000, 450_000}, similar: 20, dups: 50, near: 50})
}

// TestNationalInventory is the benchmark preset, in memory: 10M memberships take a while, so it
// runs only on request (JIANFU_DEMO_NATIONAL=1).
func TestNationalInventory(t *testing.T) {
	if os.Getenv("JIANFU_DEMO_NATIONAL") == "" {
		t.Skip("set JIANFU_DEMO_NATIONAL=1 to generate the national inventory")
	}
	start := time.Now()
	b, err := generate(National, 1)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := b.genInventory()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("national inventory generated in %v", time.Since(start))
	checkInventory(t, b, inv, invSizes{apps: [2]int{380, 460}, accounts: [2]int{3000, 6000}, groups: [2]int{450_000, 520_000},
		members: [2]int{8_000_000, 12_000_000}, similar: 30, dups: 800, near: 800})
}

func TestSmallInventory(t *testing.T) {
	for seed := int64(1); seed <= 5; seed++ {
		b, err := generate(Small, seed)
		if err != nil {
			t.Fatal(err)
		}
		inv, err := b.genInventory()
		if err != nil {
			t.Fatal(err)
		}
		checkInventory(t, b, inv, invSizes{apps: [2]int{36, 44}, accounts: [2]int{45, 90}, groups: [2]int{270, 330},
			members: [2]int{3500, 5500}, similar: 4, dups: 5, near: 5})
	}
}

type invSizes struct {
	apps, accounts, groups, members [2]int
	similar, dups, near             int
}

func checkInventory(t *testing.T, b *bureau, inv *inventory, want invSizes) {
	t.Helper()
	in := func(n int, r [2]int) bool { return n >= r[0] && n <= r[1] }
	if !in(len(inv.apps), want.apps) || !in(len(inv.accounts), want.accounts) || !in(len(inv.groups), want.groups) ||
		!in(inv.members, want.members) {
		t.Errorf("%d apps, %d accounts, %d groups, %d members; want %v", len(inv.apps), len(inv.accounts), len(inv.groups), inv.members, want)
	}
	tr := inv.truth
	if len(tr.SimilarApps) < want.similar || len(tr.DupGroups) < want.dups || len(tr.NearMissGroups) < want.near {
		t.Errorf("%d similar clusters, %d duplicate groups, %d near misses", len(tr.SimilarApps), len(tr.DupGroups), len(tr.NearMissGroups))
	}
	for name, l := range map[string]int{"forced": len(tr.ForcedApps), "exempt": len(tr.ExemptApps), "no feedback": len(tr.NoFeedbackApps),
		"low level": len(tr.LowLevelApps), "mlps": len(tr.MLPSOverdueApps), "repeat forms": len(tr.RepeatForms), "low use apps": len(tr.LowUseApps),
		"dup accounts": len(tr.DupAccounts), "stale": len(tr.StaleAccounts), "zombie": len(tr.ZombieAccounts), "no interaction": len(tr.NoInteractAccounts),
		"unfiled accounts": len(tr.UnfiledAccounts), "mismatch": len(tr.MismatchAccounts), "low use accounts": len(tr.LowUseAccounts),
		"no owner": len(tr.NoOwnerGroups), "expired": len(tr.ExpiredTempGroups), "unfiled groups": len(tr.UnfiledGroups),
		"idle": len(tr.IdleGroups), "left owner": len(tr.LeftOwnerGroups), "left members": len(tr.LeftMembers), "external": len(tr.ExternalMembers)} {
		if l < 2 {
			t.Errorf("only %d %s planted", l, name)
		}
	}
	// Codes unique and in order.
	seen := map[string]bool{}
	for i, g := range inv.groups {
		if g.Code != fmt.Sprintf("GRP-%06d", i+1) || seen[g.Code] {
			t.Fatalf("group code %s at %d", g.Code, i)
		}
		seen[g.Code] = true
	}
	// Group overlaps: exactly the planted clusters, near misses in their band.
	pairs := crossingPairs(inv.groups, len(b.people), nil)
	cluster := map[int]int{}
	for c, set := range inv.dupSets {
		for _, i := range set {
			cluster[i] = c + 1
		}
	}
	for _, p := range pairs {
		if cluster[p[0]] == 0 || cluster[p[0]] != cluster[p[1]] {
			j, c := groupOverlap(&inv.groups[p[0]], &inv.groups[p[1]])
			t.Errorf("unplanted overlap %s %s and %s %s: Jaccard %.2f containment %.2f",
				inv.groups[p[0]].Code, inv.groups[p[0]].Name, inv.groups[p[1]].Code, inv.groups[p[1]].Name, j, c)
		}
	}
	for _, pr := range inv.nearMiss {
		j, c := groupOverlap(&inv.groups[pr[0]], &inv.groups[pr[1]])
		if j < 0.6 || j > 0.75 || c >= 0.9 {
			t.Errorf("near miss %s/%s: Jaccard %.2f containment %.2f", inv.groups[pr[0]].Code, inv.groups[pr[1]].Code, j, c)
		}
	}
	// Everyone in post is in some groups; few in more than the cap.
	deg := make([]int, len(b.people))
	for _, g := range inv.groups {
		if len(g.Members)+len(g.Externals) == 0 {
			t.Errorf("group %s is empty", g.Code)
		}
		for _, p := range g.Members {
			deg[p]++
		}
	}
	over := 0
	for i, p := range b.people {
		if p.Status != org.Active {
			continue
		}
		if deg[i] < inv.plan.minDeg {
			t.Errorf("%s (%s) is in %d groups", p.Code, p.Post, deg[i])
		}
		if deg[i] > inv.plan.maxDeg {
			over++
		}
	}
	if over*20 > len(b.people) {
		t.Errorf("%d of %d people in more than %d groups", over, len(b.people), inv.plan.maxDeg)
	}
}
