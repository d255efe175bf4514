package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/org"
)

// dupProne are the concepts that 支队 most often build for themselves although the 总队 or a
// neighbour already has one: attendance, training check-ins, camp gates, study. Planted
// duplicate clusters are drawn from them first.
var dupProne = []string{"duty", "fitness", "camp", "study", "train", "water", "equip", "plan", "leave", "onpost",
	"publicity", "highrise", "familiar", "grid", "canteen", "party", "finance", "dorm", "ebike", "vehicle",
	"inspect", "hukou", "scba", "repair", "museum", "volunteer", "psych", "family", "security", "forest"}

// sectionFor maps a 总队 department's line to the 支队 科室 that does the same work.
var sectionFor = map[string]string{"ZZXL": "ZZXL", "FHJD": "FHJD", "ZZJY": "ZZJY", "HQZB": "HQZB", "XXTX": "XXTX",
	"BGS": "BGS", "DW": "BGS", "CW": "HQZB", "FG": "FHJD", "XWXC": "BGS"}

// genApps draws the apps: every concept at most once, except the planted clusters of
// near-duplicates, which are copies of one concept built by different 支队 under other names.
func (inv *inventory) genApps(b *bureau, ix *orgIndex, r *rand.Rand) {
	pl := inv.plan
	var low, rest []int
	keyIdx := map[string]int{}
	for i, c := range concepts {
		keyIdx[c.Key] = i
		if c.Level == lvLow {
			low = append(low, i)
		} else {
			rest = append(rest, i)
		}
	}
	// Clusters first: shuffled duplicate-prone concepts, then any other.
	prone := make([]int, 0, len(dupProne))
	for _, k := range dupProne {
		prone = append(prone, keyIdx[k])
	}
	r.Shuffle(len(prone), func(i, j int) { prone[i], prone[j] = prone[j], prone[i] })
	r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	used := map[int]bool{}
	var clusterConcepts []int
	for _, c := range append(prone, rest...) {
		if len(clusterConcepts) == pl.similar {
			break
		}
		if !used[c] {
			used[c] = true
			clusterConcepts = append(clusterConcepts, c)
		}
	}
	var singles []int
	for _, c := range rest {
		if !used[c] {
			singles = append(singles, c)
		}
	}
	nLow := min(pl.lowLevel, len(low))
	budget := pl.apps - nLow - 2*len(clusterConcepts)
	if budget < len(singles) {
		// Keep two concepts with forced features and two exempt ones (安保/应急) in the sample:
		// demos and tests rely on both. singles is already shuffled.
		var keep, others []int
		n := [3]int{}
		for _, c := range singles {
			if k := boolRank(concepts[c]); k > 0 && n[k] < 2 {
				n[k]++
				keep = append(keep, c)
			} else {
				others = append(others, c)
			}
		}
		keep = keep[:min(len(keep), budget)]
		singles = append(keep, others[:max(0, budget-len(keep))]...)
		budget = 0
	} else {
		budget -= len(singles)
	}
	sizes := make([]int, len(clusterConcepts))
	for i := range sizes {
		sizes[i] = 2
		if r.IntN(3) == 0 {
			sizes[i] = 3
			budget-- // a triple now and then, paid from the singles' share below
		}
	}
	// Whatever the singles leave goes to the clusters, a few at a time, never more copies than
	// 支队 plus the 总队's own.
	capacity := func(i int) int {
		if concepts[clusterConcepts[i]].Level == lvCorps {
			return len(b.detachments) + 1
		}
		return len(b.detachments)
	}
	for i := range sizes {
		sizes[i] = min(sizes[i], capacity(i))
	}
	for k := 0; budget > 0 && k < 100*len(sizes); k++ {
		i := k % len(sizes)
		if sizes[i] < capacity(i) && (r.IntN(2) == 0 || k >= 2*len(sizes)) {
			sizes[i]++
			budget--
		}
	}
	for budget < 0 && len(singles) > 0 {
		singles = singles[:len(singles)-1]
		budget++
	}

	detOrder := slices.Clone(b.detachments)
	r.Shuffle(len(detOrder), func(i, j int) { detOrder[i], detOrder[j] = detOrder[j], detOrder[i] })
	nextDet := 0
	names := map[string]bool{}
	for _, c := range singles {
		unit := b.depts[concepts[c].Line]
		if concepts[c].Level == lvDet {
			unit = detOrder[nextDet%len(detOrder)]
			nextDet++
		}
		inv.apps = append(inv.apps, inv.newApp(b, ix, r, c, unit, 0, false, names))
	}
	for ci, c := range clusterConcepts {
		exact := r.IntN(4) == 0 // exact-function duplicates: one vendor's product sold twice
		var members []int
		dets := slices.Clone(b.detachments)
		r.Shuffle(len(dets), func(i, j int) { dets[i], dets[j] = dets[j], dets[i] })
		for k := range sizes[ci] {
			var unit int
			switch {
			case k == 0 && concepts[c].Level == lvCorps:
				unit = b.depts[concepts[c].Line]
			case concepts[c].Level == lvCorps:
				unit = dets[(k-1)%len(dets)]
			default:
				unit = dets[k%len(dets)]
			}
			a := inv.newApp(b, ix, r, c, unit, k, exact, names)
			a.cluster = ci
			members = append(members, len(inv.apps))
			inv.apps = append(inv.apps, a)
		}
		inv.similar = append(inv.similar, members)
	}
	// Apps built below county level: a 大队 or a 站 made its own.
	r.Shuffle(len(low), func(i, j int) { low[i], low[j] = low[j], low[i] })
	for _, c := range low[:nLow] {
		unit := pick(r, b.brigades)
		if r.IntN(3) == 0 {
			unit = pick(r, b.stations)
		}
		inv.apps = append(inv.apps, inv.newApp(b, ix, r, c, unit, 0, false, names))
	}
	inv.plantApps(b, r)
	// Codes follow the tree and then the name, so that nothing about a plant shows in its code.
	slices.SortStableFunc(inv.apps, func(a, c app) int {
		if a.Unit != c.Unit {
			return a.Unit - c.Unit
		}
		return strings.Compare(a.Name, c.Name)
	})
	for i := range inv.apps {
		inv.apps[i].Code = fmt.Sprintf("APP-%04d", i+1)
	}
	// The 总队's systems exchange data with a few of each other (共享数据的应用).
	var corps []int
	for i, a := range inv.apps {
		if b.units[a.Unit].Kind == org.Department && a.Status == "active" {
			corps = append(corps, i)
		}
	}
	for _, i := range corps {
		if r.IntN(10) < 3 && len(corps) > 2 {
			for range between(r, 1, 2) {
				if j := pick(r, corps); j != i && !slices.Contains(inv.apps[i].Shares, inv.apps[j].Code) {
					inv.apps[i].Shares = append(inv.apps[i].Shares, inv.apps[j].Code)
				}
			}
		}
	}
	for k := range inv.similar {
		inv.similar[k] = inv.similar[k][:0]
	}
	for i, a := range inv.apps {
		if a.cluster >= 0 {
			inv.similar[a.cluster] = append(inv.similar[a.cluster], i)
		}
	}
}

// boolRank sorts concepts with forced features (exempt or not) first.
func boolRank(c concept) int {
	switch {
	case len(c.Features) > 0 && c.Emergency:
		return 2
	case len(c.Features) > 0:
		return 1
	}
	return 0
}

// newApp makes the copy-th app of concept c, owned by unit. The first copy uses the concept's own
// words; later copies are renamed and reworded unless exact.
func (inv *inventory) newApp(b *bureau, ix *orgIndex, r *rand.Rand, c, unit, copyN int, exact bool, names map[string]bool) app {
	cc := concepts[c]
	kind := b.units[unit].Kind
	a := app{Unit: unit, concept: c, cluster: -1, Status: "active", Feedback: true, Emergency: cc.Emergency,
		Features: slices.Clone(cc.Features), Data: cc.Data, MLPS: cc.MLPS, Platform: pick(r, cc.Platforms)}
	// Name: the concept's name for the first copy, another of its names for later ones, often with
	// the 支队's city in front, as local systems are named (成都消防智慧营区).
	name := cc.Names[copyN%len(cc.Names)]
	if copyN >= len(cc.Names) {
		name = cc.Names[1+copyN%(len(cc.Names)-1)]
	}
	prefix := ""
	switch kind {
	case org.Detachment:
		if r.IntN(2) == 0 || copyN > 0 {
			prefix = ix.place[unit] + "消防"
		}
	case org.Brigade, org.Station:
		prefix = ix.place[unit] + "消防"
		if kind == org.Station {
			prefix = ix.short[unit]
		}
	default:
		if r.IntN(3) == 0 {
			prefix = "四川消防"
		}
	}
	if strings.HasPrefix(name, "消防") {
		prefix = strings.TrimSuffix(prefix, "消防") // not 绵阳消防消防志愿者管理
	}
	a.Name = prefix + name
	for n := 2; names[a.Name]; n++ {
		a.Name = fmt.Sprintf("%s%s(%d)", prefix, name, n)
	}
	names[a.Name] = true
	a.Functions = slices.Clone(cc.Funcs)
	a.Purpose = cc.Purpose
	a.Forms = slices.Clone(cc.Forms)
	if copyN > 0 {
		if !exact {
			a.Functions = reword(r, a.Functions)
			if len(a.Functions) > 3 && r.IntN(2) == 0 {
				i := r.IntN(len(a.Functions))
				a.Functions = slices.Delete(a.Functions, i, i+1)
			}
			r.Shuffle(len(a.Functions), func(i, j int) { a.Functions[i], a.Functions[j] = a.Functions[j], a.Functions[i] })
			if len(a.Forms) > 1 && r.IntN(2) == 0 {
				a.Forms = a.Forms[:1]
			}
		}
		a.Purpose = strings.Join(reword(r, []string{cc.Purpose}), "")
		if kind == org.Detachment {
			a.Purpose = ix.short[unit] + "自建，" + a.Purpose
		}
	}
	// Who it is for and how many: counted from the organisation, so usage rates mean something.
	a.TargetUsers = targetUsers[cc.Users]
	a.TargetCount = inv.targetCount(b, ix, r, cc.Users, unit)
	a.Mandatory = (cc.Users == "all" || cc.Users == "station") && r.IntN(3) == 0
	// Owner: the head of the 处室 for the 总队's apps; in a 支队, someone of the 科室 doing that
	// work; in a 大队 or 站, whoever built it.
	switch kind {
	case org.Department:
		a.Owner = int(ix.active[unit][min(r.IntN(2), len(ix.active[unit])-1)])
	case org.Detachment:
		a.Owner = -1
		for _, k := range ix.kids[unit] {
			if strings.HasSuffix(b.units[k].Code, "-"+sectionFor[cc.Line]) && len(ix.active[k]) > 0 {
				a.Owner = int(pick(r, ix.active[k]))
			}
		}
		if a.Owner < 0 {
			a.Owner = int(pick(r, ix.active[unit]))
		}
	default:
		a.Owner = int(pick(r, ix.active[unit]))
	}
	// Money, vendor and security.
	switch kind {
	case org.Department:
		a.Cost = int64(between(r, 20, 300)) * 10000
		a.Unified = r.IntN(10) < 7
		a.Opened = ReferenceDate.AddDate(-between(r, 1, 9), -r.IntN(12), -r.IntN(28))
	case org.Detachment:
		a.Cost = int64(between(r, 2, 60)) * 10000
		a.Unified = r.IntN(10) < 2
		a.Opened = ReferenceDate.AddDate(-between(r, 0, 6), -between(r, 1, 11), -r.IntN(28))
	default:
		a.Cost = int64(r.IntN(6)) * 5000
		a.Opened = ReferenceDate.AddDate(-between(r, 0, 3), -between(r, 1, 11), -r.IntN(28))
	}
	a.Vendor = pick(r, vendors)
	if r.IntN(8) == 0 || kind == org.Brigade || kind == org.Station {
		a.Vendor = ix.short[unit] + "自主开发"
		a.Cost = 0
	}
	switch a.MLPS {
	case 4:
		a.Assessed = daysBefore(between(r, 20, 150))
	case 3:
		a.Assessed = daysBefore(between(r, 30, 300))
	case 2:
		a.Assessed = daysBefore(between(r, 30, 700))
	}
	if !a.Assessed.IsZero() && a.Assessed.Before(a.Opened) {
		a.Assessed = a.Opened.AddDate(0, 1, 0) // assessed when it went live
	}
	if r.IntN(8) > 0 {
		a.Attested = daysBefore(between(r, 5, 170))
	}
	return a
}

// reword rewrites some of the wording of items: copies of an app say the same differently.
func reword(r *rand.Rand, items []string) []string {
	out := make([]string, len(items))
	for i, s := range items {
		for _, w := range rewords {
			if strings.Contains(s, w[0]) && r.IntN(2) == 0 {
				s = strings.Replace(s, w[0], w[1], 1)
			}
		}
		out[i] = s
	}
	return out
}

// targetCount counts the target population inside the owning unit's reach: the whole province
// for the 总队's apps, the 支队 for its own, the 大队 below that.
func (inv *inventory) targetCount(b *bureau, ix *orgIndex, r *rand.Rand, users string, unit int) int {
	scope := ix.all
	scale := 1.0
	if d := ix.det[unit]; d >= 0 {
		scope = ix.sub[d]
		scale = 0.08
		if br := ix.brigade[unit]; br >= 0 {
			scope = ix.sub[br]
			scale = 0.01
		}
	}
	count := func(ok func(p person) bool) int {
		n := 0
		for _, i := range scope {
			if ok(b.people[i]) {
				n++
			}
		}
		return n
	}
	switch users {
	case "all":
		return len(scope)
	case "station":
		return count(func(p person) bool { return b.units[p.Unit].Kind == org.Station })
	case "fire":
		return count(func(p person) bool {
			return p.Post == "防火监督员" || p.Post == "大队长" || p.Post == "副大队长"
		})
	case "cadre":
		return count(func(p person) bool { return !rankAndFile[p.Post] })
	case "hq":
		return count(func(p person) bool {
			k := b.units[p.Unit].Kind
			return k == org.Department || k == org.Corps || k == org.Detachment
		})
	case "driver":
		return count(func(p person) bool { return p.Post == "驾驶员" })
	case "public":
		return int(float64(between(r, 2_000_000, 8_000_000)) * scale)
	case "units":
		return int(float64(between(r, 60_000, 120_000)) * scale)
	}
	return len(scope)
}

// rankAndFile are the posts that are not cadres.
var rankAndFile = map[string]bool{"消防员": true, "战斗员": true, "驾驶员": true, "通信员": true, "文员": true, "班长": true}

// plantApps adds the planted problems that are not duplicates: missing complaint channels,
// overdue 等保 assessments, forms asked for again in unrelated apps, low-use candidates, and a
// few retired apps that rules must ignore.
func (inv *inventory) plantApps(b *bureau, r *rand.Rand) {
	pl := inv.plan
	n := len(inv.apps)
	order := r.Perm(n)
	next := 0
	take := func(ok func(a *app) bool) *app {
		for k := 0; k < n; k++ {
			a := &inv.apps[order[(next+k)%n]]
			if ok(a) {
				next += k + 1
				return a
			}
		}
		return nil
	}
	for range pl.noFeedback {
		if a := take(func(a *app) bool { return a.Feedback }); a != nil {
			a.Feedback = false
		}
	}
	for range pl.mlpsOverdue {
		a := take(func(a *app) bool { return a.MLPS == 3 && !a.Assessed.Before(daysBefore(300)) })
		if a == nil {
			a = take(func(a *app) bool {
				return a.MLPS == 2 && b.units[a.Unit].Kind != org.Brigade && b.units[a.Unit].Kind != org.Station
			})
			if a == nil {
				break
			}
			a.MLPS = 3
		}
		a.Assessed = daysBefore(between(r, 400, 1000))
		if a.Opened.After(a.Assessed) {
			a.Opened = a.Assessed.AddDate(0, -between(r, 1, 12), 0)
		}
		if r.IntN(4) == 0 {
			a.Assessed = time.Time{} // graded but never assessed
		}
	}
	// Repeated forms go into apps of different concepts outside clusters, so the only reason
	// they share a form is the planted one.
	for f := 0; f < pl.repeatForms && f < len(commonForms); f++ {
		k := between(r, 2, 4)
		seen := map[int]bool{}
		for range k {
			// Only apps with forms of their own: one shared form must not be all two apps have in common.
			a := take(func(a *app) bool { return a.cluster < 0 && !seen[a.concept] && len(a.Forms) >= 1 && len(a.Forms) < 6 })
			if a == nil {
				break
			}
			seen[a.concept] = true
			a.Forms = append(a.Forms, commonForms[f])
		}
	}
	for range pl.appLowUse {
		a := take(func(a *app) bool { return !a.lowUse && a.TargetCount >= 100 && a.cluster < 0 })
		if a == nil {
			break
		}
		a.lowUse = true
	}
	// Retired apps: history, not problems. Only plain singletons retire.
	for range max(1, n/30) {
		a := take(func(a *app) bool {
			return a.cluster < 0 && a.Feedback && !a.lowUse && len(a.Features) == 0 && a.MLPS < 3 &&
				b.units[a.Unit].Kind != org.Brigade && b.units[a.Unit].Kind != org.Station && !hasCommonForm(a.Forms)
		})
		if a == nil {
			break
		}
		a.Status = "retired"
		a.Closed = daysBefore(between(r, 30, 400))
		if a.Opened.After(a.Closed) {
			a.Opened = a.Closed.AddDate(-2, 0, 0)
		}
	}
}

func hasCommonForm(forms []string) bool {
	for _, f := range forms {
		if slices.Contains(commonForms, f) {
			return true
		}
	}
	return false
}
