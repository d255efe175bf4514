// Package overlap finds the pairs of sets whose elements overlap at a Jaccard or containment
// threshold, exactly: the health check uses it for GRP-DUP (groups formed twice for the same work,
// reference/rules.md: Jaccard ≥ 0.8, or one group's members ≥ 90% inside another), where the sets
// are groups' member ids.
//
// Find is an exact prefix-filter similarity join (Chaudhuri et al. 2006; Bayardo et al.'s
// All-Pairs and Xiao et al.'s PPJoin add the size and positional bounds used here). Elements are
// renumbered by how many sets hold them, rarest first, and each set is sorted in that order.
// Every set is indexed in full; each set then probes the index with only its first few (rarest)
// elements, and each candidate met this way is verified once by an exact intersection, so a
// reported pair is never a false positive and, by the prefix lemma (see prefixLen), no pair is
// missed. Brute compares every pair and is the oracle Find is tested against.
//
// Both report the same figures for a pair, computed the same way (measure), so "Jaccard exactly
// 0.8" means float64(shared)/float64(union) >= 0.8 in both, as in the demo's planted truth.
package overlap

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Pair is two sets that overlap at the thresholds. A < B are indexes into the input; sizes count
// distinct elements, Shared the elements both hold; Containment is Shared over the smaller size.
type Pair struct {
	A, B                 int
	Shared, SizeA, SizeB int
	Jaccard, Containment float64
}

// ErrThreshold is returned (wrapped, naming the threshold) when a threshold is outside (0, 1].
var ErrThreshold = errors.New("overlap: threshold must be in (0, 1]")

// measure is the one place the figures of a pair are computed, so that Find and Brute agree to the
// bit and the thresholds mean what float64 division says.
func measure(shared, na, nb int) (jaccard, containment float64) {
	if shared == 0 {
		return 0, 0
	}
	return float64(shared) / float64(na+nb-shared), float64(shared) / float64(min(na, nb))
}

func check(jaccard, containment float64) error {
	// NaN fails both comparisons, so it is refused too.
	if !(jaccard > 0 && jaccard <= 1) {
		return fmt.Errorf("%w: jaccard = %v", ErrThreshold, jaccard)
	}
	if !(containment > 0 && containment <= 1) {
		return fmt.Errorf("%w: containment = %v", ErrThreshold, containment)
	}
	return nil
}

// slack shrinks estimates of a least overlap before rounding them up, so that float rounding in
// the estimate can only make a bound looser (a longer prefix, a lower requirement), never cut a
// pair that measure would accept. Its effect on pruning is nil at realistic sizes.
const slack = 1 - 1e-9

// atLeast is a lower bound on the smallest integer k with k ≥ x, for x estimated in floats.
func atLeast(x float64) int {
	k := int(math.Ceil(x * slack))
	return max(k, 1) // a pair with nothing shared never qualifies
}

// Find returns every pair of sets with Jaccard ≥ jaccard or containment ≥ containment, ordered by
// (A, B). Sets are read, not changed; duplicate elements inside a set count once; sets with fewer
// than minSize distinct elements (and empty sets, whatever minSize) take no part, so minSize 2
// keeps one-member groups, which are inside every group their member is in, out of the result.
// A threshold outside (0, 1], or NaN, is refused with an error wrapping ErrThreshold.
//
// It runs on all of GOMAXPROCS. Work is the total size of the sets (to rank and index them), plus,
// for each set, the lengths of the inverted lists of its prefix elements, plus one exact
// intersection per distinct candidate; on data where each element is in a bounded number of sets
// (people are in a few dozen groups) that is close to linear in the total size.
func Find(sets [][]int32, jaccard, containment float64, minSize int) ([]Pair, error) {
	if err := check(jaccard, containment); err != nil {
		return nil, err
	}
	ix := build(sets, minSize)
	if len(ix.order) < 2 {
		return nil, nil
	}
	workers := min(runtime.GOMAXPROCS(0), max(1, len(ix.order)/1024))
	const chunk = 256
	var next atomic.Int64
	results := make([][]Pair, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			p := &prober{ix: ix, jaccard: jaccard, containment: containment,
				seen: make([]int32, len(ix.order))}
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= len(ix.order) {
					break
				}
				for pos := lo; pos < min(lo+chunk, len(ix.order)); pos++ {
					p.probe(pos)
				}
			}
			results[w] = p.out
		})
	}
	wg.Wait()
	var out []Pair
	for _, r := range results {
		out = append(out, r...)
	}
	sortPairs(out)
	return out, nil
}

// index is the sets renumbered and ordered for the join.
type index struct {
	order []int     // input index of the set at each position, by (size, input index)
	off   []int     // set at position p is ranked[off[p]:off[p+1]]
	rank  []int32   // each set's elements as ranks (rarest first), ascending
	loff  []int     // inverted list of rank e is list[loff[e]:loff[e+1]]
	list  []posting // by position ascending
}

// posting says that the set at position pos holds the element at index at of its ranked form.
type posting struct{ pos, at int32 }

func (ix *index) set(pos int) []int32 { return ix.rank[ix.off[pos]:ix.off[pos+1]] }

// build dedups the sets, drops those below minSize, renumbers elements by frequency (rarest
// first, ties by id so that the result does not depend on map order) and builds the inverted
// index over every element of every set.
func build(sets [][]int32, minSize int) *index {
	minSize = max(minSize, 1)
	// Distinct elements of each set, sorted by id.
	type kept struct {
		in  int
		ids []int32
	}
	var keep []kept
	for i, s := range sets {
		if len(s) < minSize {
			continue
		}
		ids := slices.Clone(s)
		slices.Sort(ids)
		ids = slices.Compact(ids)
		if len(ids) >= minSize {
			keep = append(keep, kept{i, ids})
		}
	}
	if len(keep) < 2 {
		return &index{} // nothing to pair
	}
	slices.SortFunc(keep, func(a, b kept) int {
		return cmp.Or(cmp.Compare(len(a.ids), len(b.ids)), cmp.Compare(a.in, b.in))
	})
	total := 0
	for _, k := range keep {
		total += len(k.ids)
	}
	// Dense ids (people numbered from 0) are counted in an array; anything else goes through a
	// map to compact numbers first.
	lo, hi := int64(math.MaxInt32), int64(math.MinInt32)
	for _, k := range keep {
		lo = min(lo, int64(k.ids[0]))
		hi = max(hi, int64(k.ids[len(k.ids)-1]))
	}
	var dense func(id int32) int32
	var ids []int32 // compact number → id, to break frequency ties by id
	if hi-lo < 4*int64(total)+1024 {
		ids = make([]int32, 0, hi-lo+1)
		for v := lo; v <= hi; v++ {
			ids = append(ids, int32(v))
		}
		base := int32(lo)
		dense = func(id int32) int32 { return id - base }
	} else {
		num := make(map[int32]int32)
		for _, k := range keep {
			for _, v := range k.ids {
				if _, ok := num[v]; !ok {
					num[v] = int32(len(num))
				}
			}
		}
		ids = make([]int32, len(num))
		for v, n := range num {
			ids[n] = v
		}
		dense = func(id int32) int32 { return num[id] }
	}
	freq := make([]int32, len(ids))
	for _, k := range keep {
		for _, v := range k.ids {
			freq[dense(v)]++
		}
	}
	// Only ids that occur are ranked: a sample of a bureau holds a fraction of its people, and
	// sorting the absent ones would cost more than the join.
	byFreq := make([]int32, 0, len(ids))
	for i, f := range freq {
		if f > 0 {
			byFreq = append(byFreq, int32(i))
		}
	}
	slices.SortFunc(byFreq, func(a, b int32) int {
		return cmp.Or(cmp.Compare(freq[a], freq[b]), cmp.Compare(ids[a], ids[b]))
	})
	rankOf := make([]int32, len(ids))
	for r, d := range byFreq {
		rankOf[d] = int32(r)
	}

	ix := &index{order: make([]int, len(keep)), off: make([]int, len(keep)+1), rank: make([]int32, 0, total)}
	for p, k := range keep {
		ix.order[p] = k.in
		start := len(ix.rank)
		for _, v := range k.ids {
			ix.rank = append(ix.rank, rankOf[dense(v)])
		}
		slices.Sort(ix.rank[start:])
		ix.off[p+1] = len(ix.rank)
	}
	// Inverted lists in compressed-row form; filled in position order, so each list is sorted
	// by position and a probe finds the later sets by binary search.
	nr := len(byFreq)
	ix.loff = make([]int, nr+1)
	for _, r := range ix.rank {
		ix.loff[r+1]++
	}
	for e := range nr {
		ix.loff[e+1] += ix.loff[e]
	}
	ix.list = make([]posting, total)
	fill := slices.Clone(ix.loff[:nr])
	for p := range keep {
		for at, r := range ix.set(p) {
			ix.list[fill[r]] = posting{int32(p), int32(at)}
			fill[r]++
		}
	}
	return ix
}

// prefixLen is how many of a set's rarest elements must be probed for a threshold m (Jaccard or
// containment) when the set is the smaller of a pair: |s| − ceil(m·|s|) + 1.
//
// Why: let s be the smaller set (|s| ≤ |r|) and O = s ∩ r. Containment ≥ c means |O| ≥ c·|s|.
// Jaccard ≥ t means |O| ≥ t·|s ∪ r| ≥ t·|r| ≥ t·|s|. Either way |O| ≥ α = ceil(m·|s|).
//
// The prefix lemma: let e be the element of O that comes first in the global (rarest-first)
// order. Every other element of O comes after e in s, and there are |O|−1 ≥ α−1 of them, so e is
// among the first |s|−α+1 elements of s. Hence a qualifying pair always shares an element of the
// smaller set's prefix, and since every element of r is indexed, probing the inverted lists of
// that prefix meets r. For containment nothing bounds where e falls in the larger set (a group of
// 10 inside one of 2,000), which is why the larger side is indexed in full; for Jaccard the same
// argument with |O| ≥ t·|r| puts e within r's own prefix, which probe uses to prune.
func prefixLen(n int, m float64) int {
	return n - min(atLeast(m*float64(n)), n) + 1
}

// needJ and needC are lower bounds on the shared elements a pair of sizes ns ≤ nr must have to
// qualify: Jaccard ≥ t needs k/(ns+nr−k) ≥ t, i.e. k ≥ t·(ns+nr)/(1+t); containment ≥ c needs
// k ≥ c·ns.
func needJ(ns, nr int, t float64) int { return atLeast(t * float64(ns+nr) / (1 + t)) }
func needC(ns int, c float64) int     { return atLeast(c * float64(ns)) }

// prober probes the index with one set at a time; each worker has its own.
type prober struct {
	ix                   *index
	jaccard, containment float64
	seen                 []int32 // seen[q] == p+1: the set at q was already met while probing p
	out                  []Pair
}

// probe reports the qualifying pairs of the set at position p with the sets after it. It scans
// the inverted lists of the longer of its two prefixes (prefixLen with each threshold), and meets
// each candidate first at their first shared element e = s[i] = r[j]: an earlier one would be in
// the prefix too and would have met r already. That makes the bounds below exact to apply:
//   - at most 1 + min(ns−i−1, nr−j−1) elements are shared;
//   - past the containment prefix (i ≥ Lc) only Jaccard can qualify, which needs nr ≤ ns/t
//     (lists are by position, hence by size, so the scan of a list stops there) and e within r's
//     own Jaccard prefix;
//   - past the Jaccard prefix of either set only containment can qualify.
func (pr *prober) probe(p int) {
	ix := pr.ix
	s := ix.set(p)
	ns := len(s)
	t, c := pr.jaccard, pr.containment
	lj, lc := prefixLen(ns, t), prefixLen(ns, c)
	kc := needC(ns, c)
	for i, e := range s[:max(lj, lc)] {
		list := ix.list[ix.loff[e]:ix.loff[e+1]]
		// Only later positions: each pair is probed by its smaller set (ties by input index).
		start, _ := slices.BinarySearchFunc(list, int32(p+1), func(x posting, pos int32) int {
			return cmp.Compare(x.pos, pos)
		})
		jacOnly, conOnly := i >= lc, i >= lj
		for _, x := range list[start:] {
			q := int(x.pos)
			r := ix.set(q)
			nr, j := len(r), int(x.at)
			if jacOnly && float64(ns) < t*slack*float64(nr) {
				break // Jaccard ≤ ns/nr < t here and for every larger set after it
			}
			if pr.seen[q] == int32(p+1) {
				continue
			}
			pr.seen[q] = int32(p + 1)
			k := kc
			switch {
			case conOnly || j >= prefixLen(nr, t):
				if jacOnly {
					continue // neither can qualify
				}
			case jacOnly:
				k = needJ(ns, nr, t)
			default:
				k = min(k, needJ(ns, nr, t))
			}
			if 1+min(ns-i-1, nr-j-1) < k {
				continue
			}
			shared := 1 + intersect(s[i+1:], r[j+1:], k-1)
			if shared < k {
				continue
			}
			jac, con := measure(shared, ns, nr)
			if jac < t && con < c {
				continue
			}
			a, b := ix.order[p], ix.order[q]
			na, nb := ns, nr
			if a > b {
				a, b, na, nb = b, a, nr, ns
			}
			pr.out = append(pr.out, Pair{A: a, B: b, Shared: shared, SizeA: na, SizeB: nb, Jaccard: jac, Containment: con})
		}
	}
}

// intersect counts the elements common to the ascending slices a and b, giving up (and returning
// less than want) as soon as want can no longer be reached. When b is much longer than a, as for
// a small group inside a 2,000-member one, it gallops through b instead of merging.
func intersect(a, b []int32, want int) int {
	if len(a) > len(b) {
		a, b = b, a
	}
	n := 0
	if len(b) > 16*len(a) {
		for i, v := range a {
			if n+len(a)-i < want {
				return n
			}
			k, found := slices.BinarySearch(b, v)
			if found {
				n++
				k++
			}
			b = b[k:]
		}
		return n
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if n+min(len(a)-i, len(b)-j) < want {
			return n
		}
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

func sortPairs(ps []Pair) {
	slices.SortFunc(ps, func(x, y Pair) int { return cmp.Or(cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B)) })
}

// Brute compares every pair of sets with an exact intersection: quadratic, for tests and for the
// speed-up Find is measured against. Its arguments and result mean what Find's do.
func Brute(sets [][]int32, jaccard, containment float64, minSize int) ([]Pair, error) {
	if err := check(jaccard, containment); err != nil {
		return nil, err
	}
	minSize = max(minSize, 1)
	type kept struct {
		in  int
		ids []int32
	}
	var keep []kept
	for i, s := range sets {
		ids := slices.Compact(slices.Sorted(slices.Values(s)))
		if len(ids) >= minSize {
			keep = append(keep, kept{i, ids})
		}
	}
	var out []Pair
	for x := range keep {
		for y := x + 1; y < len(keep); y++ {
			a, b := keep[x].ids, keep[y].ids
			shared := intersect(a, b, 0)
			if shared == 0 {
				continue
			}
			jac, con := measure(shared, len(a), len(b))
			if jac >= jaccard || con >= containment {
				out = append(out, Pair{A: keep[x].in, B: keep[y].in, Shared: shared, SizeA: len(a), SizeB: len(b), Jaccard: jac, Containment: con})
			}
		}
	}
	sortPairs(out)
	return out, nil
}

// Clusters joins pairs into connected components over sets 0..n−1 and returns those with two
// sets or more, each ascending, ordered by their first set: the groups GRP-DUP proposes to merge.
// Pairs naming a set outside 0..n−1 are ignored.
func Clusters(pairs []Pair, n int) [][]int {
	parent := make([]int, max(n, 0))
	for i := range parent {
		parent[i] = i
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, p := range pairs {
		if p.A < 0 || p.B < 0 || p.A >= n || p.B >= n {
			continue
		}
		a, b := find(p.A), find(p.B)
		if a != b {
			// The smaller index becomes the root, so each component is named by its first set.
			parent[max(a, b)] = min(a, b)
		}
	}
	members := make(map[int][]int)
	for i := range parent {
		if r := find(i); r != i {
			if members[r] == nil {
				members[r] = []int{r}
			}
			members[r] = append(members[r], i)
		}
	}
	out := make([][]int, 0, len(members))
	for _, m := range members {
		out = append(out, m)
	}
	slices.SortFunc(out, func(x, y []int) int { return cmp.Compare(x[0], y[0]) })
	return out
}
