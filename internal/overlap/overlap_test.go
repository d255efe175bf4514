package overlap_test

import (
	"errors"
	"fmt"
	"github.com/jianfu-gov/jianfu/internal/overlap"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomFamily draws n sets over a universe of u ids with sizes in [1, maxSize], some empty, some
// with repeated ids, and plants near-duplicates: copies of earlier sets with a few ids swapped,
// added or removed, and subsets, so that pairs land on both sides of the thresholds.
func randomFamily(r *rand.Rand, n, u, maxSize int) [][]int32 {
	sets := make([][]int32, 0, n)
	for len(sets) < n {
		switch k := r.IntN(10); {
		case k < 4 || len(sets) == 0:
			size := 1 + r.IntN(maxSize)
			if r.IntN(40) == 0 {
				size = 0
			}
			s := make([]int32, size)
			for i := range s {
				s[i] = int32(r.IntN(u))
			}
			if size > 2 && r.IntN(5) == 0 {
				s = append(s, s[0], s[1]) // duplicates inside a set count once
			}
			sets = append(sets, s)
		case k < 8:
			// A near-copy: drop, swap and add a few.
			src := sets[r.IntN(len(sets))]
			s := slices.Clone(src)
			r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
			s = s[:max(0, len(s)-r.IntN(3))]
			for range r.IntN(3) {
				if len(s) > 0 {
					s[r.IntN(len(s))] = int32(r.IntN(u))
				}
			}
			for range r.IntN(3) {
				s = append(s, int32(r.IntN(u)))
			}
			sets = append(sets, s)
		default:
			// A subset, or a superset with many more ids: containment without Jaccard.
			src := sets[r.IntN(len(sets))]
			s := slices.Clone(src)
			if r.IntN(2) == 0 && len(s) > 1 {
				s = s[:len(s)-1-r.IntN(len(s)/2+1)]
			} else {
				for range 1 + r.IntN(2*maxSize) {
					s = append(s, int32(r.IntN(u)))
				}
			}
			sets = append(sets, s)
		}
	}
	return sets
}

func TestFindMatchesBrute(t *testing.T) {
	thresholds := [][2]float64{{0.8, 0.9}, {0.5, 0.5}, {1, 1}, {0.3, 1}, {1, 0.6}, {0.05, 0.05}, {0.7, 0.85}}
	seeds := 60
	if testing.Short() {
		seeds = 15
	}
	total := 0
	for seed := range seeds {
		r := rand.New(rand.NewPCG(uint64(seed), 7))
		n := 2 + r.IntN(400)
		u := 1 + r.IntN(3000)
		maxSize := 1 + r.IntN(60)
		sets := randomFamily(r, n, u, maxSize)
		if seed%5 == 0 {
			// Negative and far-apart ids take the map path when numbering elements.
			for _, s := range sets {
				for i := range s {
					s[i] = s[i]*100003 - 1<<30
				}
			}
		}
		th := thresholds[seed%len(thresholds)]
		if seed >= len(thresholds)*2 {
			th = [2]float64{0.05 + 0.95*r.Float64(), 0.05 + 0.95*r.Float64()}
		}
		minSize := r.IntN(4)
		name := fmt.Sprintf("seed%d_n%d_u%d_max%d_j%.3f_c%.3f_min%d", seed, n, u, maxSize, th[0], th[1], minSize)
		t.Run(name, func(t *testing.T) {
			before := clone(sets)
			got, err := overlap.Find(sets, th[0], th[1], minSize)
			if err != nil {
				t.Fatal(err)
			}
			want, err := overlap.Brute(sets, th[0], th[1], minSize)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("overlap.Find found %d pairs, overlap.Brute %d; first difference: %s", len(got), len(want), firstDiff(got, want))
			}
			if !equalSets(sets, before) {
				t.Fatal("overlap.Find changed its input")
			}
			total += len(want)
		})
	}
	t.Logf("%d pairs compared over %d families", total, seeds)
}

func clone(sets [][]int32) [][]int32 {
	out := make([][]int32, len(sets))
	for i, s := range sets {
		out[i] = slices.Clone(s)
	}
	return out
}

func equalSets(a, b [][]int32) bool {
	return slices.EqualFunc(a, b, func(x, y []int32) bool { return slices.Equal(x, y) })
}

func firstDiff(got, want []overlap.Pair) string {
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			return fmt.Sprintf("missing %+v", want[i])
		case i >= len(want):
			return fmt.Sprintf("extra %+v", got[i])
		case got[i] != want[i]:
			return fmt.Sprintf("got %+v, want %+v", got[i], want[i])
		}
	}
	return "none"
}

// ids returns the set {from, …, to−1}.
func ids(from, to int) []int32 {
	var s []int32
	for v := from; v < to; v++ {
		s = append(s, int32(v))
	}
	return s
}

func TestThresholdBoundaries(t *testing.T) {
	tests := []struct {
		name    string
		a, b    []int32
		minSize int
		want    bool
		jac     float64
		con     float64
	}{
		// 8 shared of a union of 10: Jaccard exactly 0.8 (containment 8/9 < 0.9).
		{"jaccard exactly 0.8 fires", ids(0, 9), ids(1, 10), 2, true, 0.8, 8.0 / 9},
		// 79 shared of a union of 100: Jaccard 0.79, containment 79/89.
		{"jaccard 0.79 does not", ids(0, 89), ids(10, 100), 2, false, 0.79, 79.0 / 89},
		// 9 of 10 inside a set of 20: containment exactly 0.9, Jaccard 9/21.
		{"containment exactly 0.9 fires", ids(0, 10), ids(1, 21), 2, true, 9.0 / 21, 0.9},
		// 89 of 100 inside a set of 300.
		{"containment 0.89 does not", ids(0, 100), ids(11, 311), 2, false, 89.0 / 311, 0.89},
		{"identical sets fire", ids(5, 25), ids(5, 25), 2, true, 1, 1},
		{"subset of a big set fires", ids(0, 5), ids(0, 5000), 2, true, 5.0 / 5000, 1},
		{"one-member set ignored under minSize 2", ids(3, 4), ids(0, 10), 2, false, 0, 0},
		{"one-member set kept with minSize 1", ids(3, 4), ids(0, 10), 1, true, 0.1, 1},
		{"sets below minSize ignored", ids(0, 4), ids(0, 4), 5, false, 0, 0},
		{"disjoint sets do not", ids(0, 10), ids(10, 20), 1, false, 0, 0},
		{"empty sets do not", nil, nil, 0, false, 0, 0},
		{"duplicates count once", []int32{1, 1, 2, 2, 3, 3, 4, 5, 6, 7, 8, 9}, ids(1, 10), 2, true, 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sets := [][]int32{tc.a, tc.b}
			for _, f := range []func([][]int32, float64, float64, int) ([]overlap.Pair, error){overlap.Find, overlap.Brute} {
				got, err := f(sets, 0.8, 0.9, tc.minSize)
				if err != nil {
					t.Fatal(err)
				}
				if (len(got) == 1) != tc.want || len(got) > 1 {
					t.Fatalf("pairs %+v, want a pair: %v", got, tc.want)
				}
				if tc.want && (got[0].Jaccard != tc.jac || got[0].Containment != tc.con) {
					t.Errorf("Jaccard %v containment %v, want %v %v", got[0].Jaccard, got[0].Containment, tc.jac, tc.con)
				}
			}
		})
	}
}

func TestBadThresholds(t *testing.T) {
	sets := [][]int32{ids(0, 5), ids(0, 5)}
	for _, th := range [][2]float64{{0, 0.9}, {0.8, 0}, {-1, 0.9}, {1.01, 0.9}, {0.8, math.NaN()}, {math.Inf(1), 0.9}} {
		for _, f := range []func([][]int32, float64, float64, int) ([]overlap.Pair, error){overlap.Find, overlap.Brute} {
			got, err := f(sets, th[0], th[1], 2)
			if !errors.Is(err, overlap.ErrThreshold) || got != nil {
				t.Errorf("thresholds %v: %v, %v; want ErrThreshold", th, got, err)
			}
		}
	}
	if got, err := overlap.Find(nil, 0.8, 0.9, 2); err != nil || got != nil {
		t.Errorf("no sets: %v, %v", got, err)
	}
}

func TestClusters(t *testing.T) {
	pairs := []overlap.Pair{{A: 5, B: 7}, {A: 1, B: 2}, {A: 0, B: 5}, {A: 2, B: 9}, {A: 3, B: 99}}
	got := overlap.Clusters(pairs, 10)
	want := [][]int{{0, 5, 7}, {1, 2, 9}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("overlap.Clusters = %v, want %v", got, want)
	}
	if got := overlap.Clusters(nil, 3); len(got) != 0 {
		t.Errorf("no pairs: %v", got)
	}
}
