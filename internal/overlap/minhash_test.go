package overlap_test

import (
	"cmp"
	"github.com/jianfu-gov/jianfu/internal/overlap"
	"slices"
	"testing"
)

// minHashLSH is the approximate baseline the issue names (MinHash signatures, banded LSH, then
// exact verification), kept in the tests to measure overlap.Find against: bands × rows hash functions;
// a pair with Jaccard J becomes a candidate with probability 1 − (1 − J^rows)^bands, which at
// 16 × 4 is 0.9998 for J = 0.8. Candidates are verified exactly, so it reports no false positive
// but may miss pairs. It covers Jaccard only: containment needs LSH Ensemble or similar.
func minHashLSH(sets [][]int32, jaccard float64, minSize, bands, rows int) []overlap.Pair {
	k := bands * rows
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
	sig := make([]uint64, len(keep)*k)
	for x, s := range keep {
		row := sig[x*k : (x+1)*k]
		for h := range row {
			row[h] = ^uint64(0)
		}
		for _, v := range s.ids {
			for h := range row {
				row[h] = min(row[h], mix(uint64(uint32(v))^seeds[h]))
			}
		}
	}
	type entry struct {
		key uint64
		set int32
	}
	cand := map[[2]int32]bool{}
	bucket := make([]entry, len(keep))
	for b := range bands {
		for x := range keep {
			key := uint64(b) * 0x9e3779b97f4a7c15
			for _, v := range sig[x*k+b*rows : x*k+(b+1)*rows] {
				key = mix(key ^ v)
			}
			bucket[x] = entry{key, int32(x)}
		}
		slices.SortFunc(bucket, func(a, b entry) int { return cmp.Compare(a.key, b.key) })
		for i := 0; i < len(bucket); {
			j := i + 1
			for j < len(bucket) && bucket[j].key == bucket[i].key {
				j++
			}
			for a := i; a < j; a++ {
				for b := a + 1; b < j; b++ {
					cand[[2]int32{min(bucket[a].set, bucket[b].set), max(bucket[a].set, bucket[b].set)}] = true
				}
			}
			i = j
		}
	}
	var out []overlap.Pair
	for c := range cand {
		a, b := keep[c[0]].ids, keep[c[1]].ids
		shared := overlap.Intersect(a, b, 0)
		jac, con := overlap.Measure(shared, len(a), len(b))
		if jac >= jaccard {
			out = append(out, overlap.Pair{A: keep[c[0]].in, B: keep[c[1]].in, Shared: shared, SizeA: len(a), SizeB: len(b), Jaccard: jac, Containment: con})
		}
	}
	overlap.SortPairs(out)
	return out
}

// seeds are the MinHash functions' keys: fixed, so runs are repeatable.
var seeds = func() []uint64 {
	s := make([]uint64, 256)
	x := uint64(2026)
	for i := range s {
		x += 0x9e3779b97f4a7c15
		s[i] = mix(x)
	}
	return s
}()

// mix is splitmix64's finaliser.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// jaccardOnly keeps the pairs that pass on Jaccard, to compare with the Jaccard-only baseline.
func jaccardOnly(ps []overlap.Pair, t float64) []overlap.Pair {
	return slices.DeleteFunc(slices.Clone(ps), func(p overlap.Pair) bool { return p.Jaccard < t })
}

// TestMinHashBaseline checks the baseline against overlap.Find on the province demo: everything it
// reports is exact (a subset of Find's Jaccard pairs), and logs its recall.
func TestMinHashBaseline(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the province demo")
	}
	d, err := province()
	if err != nil {
		t.Fatal(err)
	}
	exact, _ := overlap.Find(d.sets, dupJaccard, dupContainment, dupMinSize)
	exact = jaccardOnly(exact, dupJaccard)
	got := minHashLSH(d.sets, dupJaccard, dupMinSize, 16, 4)
	found := 0
	for _, p := range got {
		if !slices.Contains(exact, p) {
			t.Errorf("baseline reported %+v, which overlap.Find does not", p)
		}
		found++
	}
	t.Logf("Jaccard ≥ %.1f on province: exact %d pairs, MinHash-LSH (16×4) %d, recall %.3f",
		dupJaccard, len(exact), found, ratio(found, len(exact)))
}

// BenchmarkProvinceJaccard times overlap.Find (which also checks containment) against the MinHash-LSH
// baseline (Jaccard only) on the whole province, side by side.
func BenchmarkProvinceJaccard(b *testing.B) {
	d, err := province()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Find", func(b *testing.B) {
		for b.Loop() {
			overlap.Find(d.sets, dupJaccard, dupContainment, dupMinSize)
		}
	})
	b.Run("MinHashLSH", func(b *testing.B) {
		for b.Loop() {
			minHashLSH(d.sets, dupJaccard, dupMinSize, 16, 4)
		}
	})
}
