package overlap_test

import (
	"cmp"
	"github.com/jianfu-gov/jianfu/internal/overlap"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/demo"
)

// The GRP-DUP defaults (reference/rules.md).
const (
	dupJaccard     = 0.8
	dupContainment = 0.9
	dupMinSize     = 2
)

type demoData struct {
	codes []string
	sets  [][]int32
	truth *demo.Truth
	build time.Duration
}

func loadDemo(p demo.Preset) (*demoData, error) {
	start := time.Now()
	opt := demo.Options{Preset: p, Seed: 1}
	codes, sets, err := demo.GroupMembers(opt)
	if err != nil {
		return nil, err
	}
	res, err := demo.Plan(opt)
	if err != nil {
		return nil, err
	}
	return &demoData{codes: codes, sets: sets, truth: res.Truth, build: time.Since(start)}, nil
}

// province is built once per test binary: tests and benchmarks share it.
var province = sync.OnceValues(func() (*demoData, error) { return loadDemo(demo.Province) })

// TestDemoTruth runs GRP-DUP's defaults on the province demo and scores the result against the
// planted truth: every planted cluster found whole (recall), nothing reported outside a planted
// cluster and no near miss reported (precision).
func TestDemoTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the province demo")
	}
	d, err := province()
	if err != nil {
		t.Fatal(err)
	}
	memberships := 0
	for _, s := range d.sets {
		memberships += len(s)
	}
	start := time.Now()
	pairs, err := overlap.Find(d.sets, dupJaccard, dupContainment, dupMinSize)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("province: %d live groups, %d memberships (demo built in %v); Find: %d pairs in %v",
		len(d.sets), memberships, d.build.Round(time.Millisecond), len(pairs), took.Round(time.Millisecond))

	score(t, d, pairs, "province")
}

// score compares the pairs overlap.Find reported on a demo with its planted truth, logs precision and
// recall, and fails unless both are 1 and no near miss was reported.
func score(t *testing.T, d *demoData, pairs []overlap.Pair, preset string) {
	t.Helper()
	cluster := map[string]int{} // group code → planted cluster + 1
	for c, set := range d.truth.DupGroups {
		for _, code := range set {
			cluster[code] = c + 1
		}
	}
	near := map[[2]string]bool{}
	for _, pr := range d.truth.NearMissGroups {
		near[[2]string{pr[0], pr[1]}] = true
		near[[2]string{pr[1], pr[0]}] = true
	}
	truePairs, nearReported := 0, 0
	for _, p := range pairs {
		a, b := d.codes[p.A], d.codes[p.B]
		if c := cluster[a]; c != 0 && c == cluster[b] {
			truePairs++
		} else {
			t.Errorf("false positive: %s and %s (Jaccard %.3f, containment %.3f)", a, b, p.Jaccard, p.Containment)
		}
		if near[[2]string{a, b}] {
			nearReported++
		}
	}
	// overlap.Clusters are compared whole: a planted cluster is recalled if overlap.Find joins exactly its groups.
	var found []string
	for _, c := range overlap.Clusters(pairs, len(d.sets)) {
		var codes []string
		for _, i := range c {
			codes = append(codes, d.codes[i])
		}
		slices.Sort(codes)
		found = append(found, strings.Join(codes, ","))
	}
	var planted []string
	for _, set := range d.truth.DupGroups {
		planted = append(planted, strings.Join(set, ","))
	}
	recalled := 0
	for _, p := range planted {
		if slices.Contains(found, p) {
			recalled++
		} else {
			t.Errorf("planted cluster %s not found whole", p)
		}
	}
	exact := 0
	for _, f := range found {
		if slices.Contains(planted, f) {
			exact++
		}
	}
	pairPrecision := ratio(truePairs, len(pairs))
	recall := ratio(recalled, len(planted))
	precision := ratio(exact, len(found))
	t.Logf("GRP-DUP on %s: %d planted clusters, %d found; cluster recall %.3f, cluster precision %.3f; "+
		"pair precision %.3f (%d pairs); near misses reported %d of %d",
		preset, len(planted), len(found), recall, precision, pairPrecision, len(pairs), nearReported, len(d.truth.NearMissGroups))
	if len(planted) == 0 || len(d.truth.NearMissGroups) == 0 {
		t.Error("the demo planted nothing to find")
	}
	if recall != 1 || precision != 1 || pairPrecision != 1 || nearReported != 0 {
		t.Errorf("recall %.3f, precision %.3f, pair precision %.3f, near misses %d: want 1, 1, 1, 0",
			recall, precision, pairPrecision, nearReported)
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// sample is n groups: every group of a planted cluster or near miss, so that the sample has
// pairs on both sides of the thresholds, then the first groups in order up to n (groups are
// ordered by owning unit, so a prefix keeps units' groups together with their ordinary overlaps).
func (d *demoData) sample(n int) [][]int32 {
	pick := map[string]bool{}
	for _, l := range [][][]string{d.truth.DupGroups, d.truth.NearMissGroups} {
		for _, set := range l {
			for _, code := range set {
				if len(pick) < n/2 {
					pick[code] = true
				}
			}
		}
	}
	var out [][]int32
	for i, code := range d.codes {
		if pick[code] {
			out = append(out, d.sets[i])
		}
	}
	for i := 0; len(out) < n && i < len(d.sets); i++ {
		if !pick[d.codes[i]] {
			out = append(out, d.sets[i])
		}
	}
	return out
}

// TestDemoSampleMatchesBrute checks overlap.Find against the oracle on real-looking data, where the
// random families of TestFindMatchesBrute may not reach (post groups of 2,000 members, people in
// 40 groups).
func TestDemoSampleMatchesBrute(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the province demo")
	}
	d, err := province()
	if err != nil {
		t.Fatal(err)
	}
	s := d.sample(2000)
	for _, th := range [][2]float64{{dupJaccard, dupContainment}, {0.5, 0.6}} {
		got, _ := overlap.Find(s, th[0], th[1], dupMinSize)
		want, _ := overlap.Brute(s, th[0], th[1], dupMinSize)
		if !slices.Equal(got, want) {
			t.Errorf("thresholds %v: overlap.Find %d pairs, Brute %d; %s", th, len(got), len(want), firstDiff(got, want))
		}
		t.Logf("thresholds %v on %d groups: %d pairs", th, len(s), len(want))
	}
}

func BenchmarkFindProvince(b *testing.B) {
	d, err := province()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := overlap.Find(d.sets, dupJaccard, dupContainment, dupMinSize); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProvinceSample times Brute and overlap.Find on the same 2,000 groups, side by side, for the
// speed-up of the join over comparing every pair.
func BenchmarkProvinceSample(b *testing.B) {
	d, err := province()
	if err != nil {
		b.Fatal(err)
	}
	s := d.sample(2000)
	for _, f := range []struct {
		name string
		f    func([][]int32, float64, float64, int) ([]overlap.Pair, error)
	}{{"Brute", overlap.Brute}, {"Find", overlap.Find}} {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := f.f(s, dupJaccard, dupContainment, dupMinSize); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestNational runs GRP-DUP's defaults on the national demo (500k groups, ~10M memberships) and
// prints wall time and peak heap; it also compares overlap.Find with Brute on a 2,000-group sample for the
// speed-up. It takes minutes and gigabytes, so it runs only with JIANFU_OVERLAP_NATIONAL=1.
func TestNational(t *testing.T) {
	if os.Getenv("JIANFU_OVERLAP_NATIONAL") != "1" {
		t.Skip("set JIANFU_OVERLAP_NATIONAL=1 to run the national-scale overlap")
	}
	d, err := loadDemo(demo.National)
	if err != nil {
		t.Fatal(err)
	}
	memberships := 0
	for _, s := range d.sets {
		memberships += len(s)
	}
	t.Logf("national: %d live groups, %d memberships, demo built in %v", len(d.sets), memberships, d.build.Round(time.Millisecond))

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	stop := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		// HeapInuse sampled while overlap.Find runs: the demo's own data is already live, so the
		// figure is the whole process's heap at its highest.
		var top uint64
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-tick.C:
				runtime.ReadMemStats(&m)
				top = max(top, m.HeapInuse)
			case <-stop:
				runtime.ReadMemStats(&m)
				peak <- max(top, m.HeapInuse)
				return
			}
		}
	}()
	start := time.Now()
	pairs, err := overlap.Find(d.sets, dupJaccard, dupContainment, dupMinSize)
	took := time.Since(start)
	close(stop)
	top := <-peak
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Find: %d pairs, %d clusters in %v; heap in use before %d MB, peak %d MB (GOMAXPROCS %d)",
		len(pairs), len(overlap.Clusters(pairs, len(d.sets))), took.Round(time.Millisecond),
		before.HeapInuse>>20, top>>20, runtime.GOMAXPROCS(0))
	score(t, d, pairs, "national")

	// The MinHash-LSH baseline (minhash_test.go), Jaccard only, in the same run.
	start = time.Now()
	lsh := minHashLSH(d.sets, dupJaccard, dupMinSize, 16, 4)
	lshTook := time.Since(start)
	exact := jaccardOnly(pairs, dupJaccard)
	hit := 0
	for _, p := range lsh {
		if _, ok := slices.BinarySearchFunc(exact, p, func(x, y overlap.Pair) int {
			return cmp.Or(cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B))
		}); ok {
			hit++
		}
	}
	t.Logf("Jaccard ≥ %.1f: exact %d pairs; MinHash-LSH 16×4 found %d (%d exact) in %v: recall %.4f; LSH time / overlap.Find time = %.2f",
		dupJaccard, len(exact), len(lsh), hit, lshTook.Round(time.Millisecond), ratio(hit, len(exact)), float64(lshTook)/float64(took))

	s := d.sample(2000)
	start = time.Now()
	want, _ := overlap.Brute(s, dupJaccard, dupContainment, dupMinSize)
	brute := time.Since(start)
	start = time.Now()
	got, _ := overlap.Find(s, dupJaccard, dupContainment, dupMinSize)
	find := time.Since(start)
	if !slices.Equal(got, want) {
		t.Errorf("sample: overlap.Find %d pairs, Brute %d", len(got), len(want))
	}
	t.Logf("sample of %d groups: Brute %v, overlap.Find %v (%.0f×); Brute on all %d groups would take ~%v",
		len(s), brute, find, float64(brute)/float64(find), len(d.sets),
		time.Duration(float64(brute)*float64(len(d.sets))*float64(len(d.sets))/float64(len(s)*len(s))).Round(time.Minute))
}
