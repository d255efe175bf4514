package demo

import (
	"fmt"
	"slices"
)

// Thresholds of GRP-DUP (reference/rules.md). Planted duplicates clear them by a margin and near
// misses stay below them by a margin, so that rounding in a rules engine cannot flip a case.
const (
	dupJaccard     = 0.8
	dupContainment = 0.9
)

// crosses reports whether two member sets of sizes na and nb sharing inter members count as
// duplicates: Jaccard ≥ 0.8, or the smaller set ≥ 90% inside the larger.
func crosses(inter, na, nb int) bool {
	j, c := overlap(inter, na, nb)
	return j >= dupJaccard || c >= dupContainment
}

// overlap returns the Jaccard index and the containment (share of the smaller set inside the
// larger) of two sets.
func overlap(inter, na, nb int) (jaccard, containment float64) {
	if inter == 0 {
		return 0, 0
	}
	return float64(inter) / float64(na+nb-inter), float64(inter) / float64(min(na, nb))
}

// check finds every pair of groups whose members overlap at the GRP-DUP thresholds and that is
// not a planted cluster, and drops a group of each such pair: a working group if there is one,
// else a planted copy (whose cluster or near miss then goes), else the smaller of two units' own
// groups (in the small preset a 科室 can be almost all of another group). A base of a plant is
// never dropped; two of them overlapping is a bug in the generator. Overlaps are counted through
// each member's list of groups (see crossingPairs); outsiders have unique names, so they add to
// sizes but never to shared members.
func (g *groupGen) check(planted bool) error {
	groups := g.inv.groups
	cluster := make(map[int]int)
	for c, set := range g.inv.dupSets {
		for _, i := range set {
			cluster[i] = c + 1
		}
	}
	// One pass is enough: dropping a group cannot make two others overlap. After the plants,
	// only the groups they added or changed need comparing again.
	var only []int
	if planted {
		only = g.dirty
	}
	for _, pr := range crossingPairs(groups, len(g.b.people), only) {
		a, b := pr[0], pr[1]
		if groups[a].dropped || groups[b].dropped {
			continue
		}
		if ca := cluster[a]; ca != 0 && ca == cluster[b] {
			continue
		}
		victim := -1
		switch {
		case !groups[b].protected:
			victim = b
		case !groups[a].protected:
			victim = a
		case groups[b].kind == gkDerived:
			victim = b
		case groups[a].kind == gkDerived:
			victim = a
		case !groups[a].base && !groups[b].base:
			// Two of the units' own groups: in a tiny unit one can be almost all of another.
			victim = a
			if len(groups[b].Members) < len(groups[a].Members) {
				victim = b
			}
		default:
			return fmt.Errorf("demo: groups %q and %q overlap by construction", groups[a].Name, groups[b].Name)
		}
		groups[victim].dropped = true
	}
	if !planted {
		return nil
	}
	// Planted sets lose what was dropped; a cluster needs two groups, a near miss both.
	var sets [][]int
	for _, set := range g.inv.dupSets {
		var keep []int
		for _, i := range set {
			if !groups[i].dropped {
				keep = append(keep, i)
			}
		}
		if len(keep) >= 2 {
			sets = append(sets, keep)
		}
	}
	g.inv.dupSets = sets
	// A near miss must stay in its band even if fewer people could be added than planned.
	var near [][2]int
	for _, pr := range g.inv.nearMiss {
		if groups[pr[0]].dropped || groups[pr[1]].dropped {
			continue
		}
		j, c := groupOverlap(&groups[pr[0]], &groups[pr[1]])
		if j < 0.6 || j > 0.75 || c > 0.89 {
			groups[pr[1]].dropped = true
			continue
		}
		near = append(near, pr)
	}
	g.inv.nearMiss = near
	return nil
}

// groupOverlap is the Jaccard index and containment of two groups' members.
func groupOverlap(a, b *group) (jaccard, containment float64) {
	in := make(map[int32]bool, len(a.Members))
	for _, p := range a.Members {
		in[p] = true
	}
	inter := 0
	for _, p := range b.Members {
		if in[p] {
			inter++
		}
	}
	return overlap(inter, len(a.Members)+len(a.Externals), len(b.Members)+len(b.Externals))
}

// crossingPairs returns the pairs (a < b) of groups that are not dropped and overlap at the
// GRP-DUP thresholds. With only nil it compares every pair that shares a member, through each
// person's list of groups, in time proportional to the sum over people of the square of their
// number of groups; with only set, it compares just those groups with all others (after a few
// groups changed).
func crossingPairs(groups []group, people int, only []int) [][2]int {
	// Each person's groups in ascending order, in compressed-row form.
	off := make([]int32, people+1)
	for i := range groups {
		if groups[i].dropped {
			continue
		}
		for _, p := range groups[i].Members {
			off[p+1]++
		}
	}
	for i := range people {
		off[i+1] += off[i]
	}
	list := make([]int32, off[people])
	cursor := slices.Clone(off[:people])
	for i := range groups {
		if groups[i].dropped {
			continue
		}
		for _, p := range groups[i].Members {
			list[cursor[p]] = int32(i)
			cursor[p]++
		}
	}
	copy(cursor, off[:people])
	count := make([]int32, len(groups))
	var touched []int32
	var out [][2]int
	size := make([]int32, len(groups))
	for i := range groups {
		size[i] = int32(len(groups[i].Members) + len(groups[i].Externals))
	}
	flush := func(a int) {
		na := size[a]
		for _, b := range touched {
			// Both thresholds need at least 80% of the smaller group shared: test that in
			// integers first, since most pairs share a member or two.
			inter := count[b]
			if 5*inter >= 4*min(na, size[b]) && crosses(int(inter), int(na), int(size[b])) {
				out = append(out, [2]int{min(a, int(b)), max(a, int(b))})
			}
			count[b] = 0
		}
		touched = touched[:0]
	}
	if only != nil {
		for _, a := range only {
			if groups[a].dropped {
				continue
			}
			for _, p := range groups[a].Members {
				for _, b := range list[off[p]:off[p+1]] {
					if int(b) != a {
						if count[b] == 0 {
							touched = append(touched, b)
						}
						count[b]++
					}
				}
			}
			flush(a)
		}
		slices.SortFunc(out, func(x, y [2]int) int { return cmpPair(x, y) })
		return slices.Compact(out)
	}
	for a := range groups {
		if groups[a].dropped {
			continue
		}
		for _, p := range groups[a].Members {
			// Groups are visited in order, so a is at p's cursor and later groups follow it.
			cursor[p]++
			for _, b := range list[cursor[p]:off[p+1]] {
				if count[b] == 0 {
					touched = append(touched, b)
				}
				count[b]++
			}
		}
		flush(a)
	}
	return out
}

func cmpPair(x, y [2]int) int {
	if x[0] != y[0] {
		return x[0] - y[0]
	}
	return x[1] - y[1]
}
