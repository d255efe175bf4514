package bench

import (
	"encoding/binary"
	"os"
	"runtime"
	"testing"
	"time"

	minhashlsh "github.com/ekzhu/minhash-lsh"

	"github.com/jianfu-gov/jianfu/internal/demo"
	"github.com/jianfu-gov/jianfu/internal/overlap"
)

// TestOverlapAgainstLibrary compares GRP-DUP's exact prefix-filter join (internal/overlap) with
// an existing Go MinHash-LSH library, github.com/ekzhu/minhash-lsh, on the same member lists in
// one run: wall time, and the library's recall of the exact Jaccard ≥ 0.8 pairs after its
// candidates are verified exactly. JIANFU_BENCH_LSH=province or national runs it.
func TestOverlapAgainstLibrary(t *testing.T) {
	preset := os.Getenv("JIANFU_BENCH_LSH")
	if preset == "" {
		t.Skip("set JIANFU_BENCH_LSH=province or national")
	}
	_, sets, err := demo.GroupMembers(demo.Options{Preset: demo.Preset(preset), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	const jac, minSize, numHash = 0.8, 3, 128
	mem := func() float64 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapInuse) / (1 << 20)
	}
	runtime.GC()
	start := time.Now()
	pairs, err := overlap.Find(sets, jac, 1, minSize)
	if err != nil {
		t.Fatal(err)
	}
	exact := map[[2]int]bool{}
	for _, p := range pairs {
		if p.Jaccard >= jac {
			exact[[2]int{p.A, p.B}] = true
		}
	}
	tJoin := time.Since(start)
	t.Logf("%s: %d groups; exact prefix-filter join: %v, %d pairs at Jaccard ≥ %.1f, heap %.0f MB", preset, len(sets), tJoin,
		len(exact), jac, mem())

	runtime.GC()
	start = time.Now()
	lsh := minhashlsh.NewMinhashLSH32(numHash, jac)
	sigs := make([][]uint64, len(sets))
	var buf [4]byte
	for i, s := range sets {
		if len(s) < minSize {
			continue
		}
		m := minhashlsh.NewMinhash(1, numHash)
		for _, x := range s {
			binary.LittleEndian.PutUint32(buf[:], uint32(x))
			m.Push(buf[:])
		}
		sigs[i] = m.Signature()
		lsh.Add(i, sigs[i])
	}
	tSig := time.Since(start)
	lsh.Index()
	found := map[[2]int]bool{}
	candidates := 0
	for i, sig := range sigs {
		if sig == nil {
			continue
		}
		for _, k := range lsh.Query(sig) {
			j := k.(int)
			if j <= i {
				continue
			}
			candidates++
			if jaccard(sets[i], sets[j]) >= jac {
				found[[2]int{i, j}] = true
			}
		}
	}
	tLSH := time.Since(start)
	hit := 0
	for p := range found {
		if exact[p] {
			hit++
		}
	}
	t.Logf("ekzhu/minhash-lsh (%d hashes, 32-bit): %v (signatures %v), %d candidates verified, %d pairs, recall %.3f, heap %.0f MB",
		numHash, tLSH, tSig, candidates, len(found), float64(hit)/float64(max(1, len(exact))), mem())
	t.Logf("ratio library / join: %.1f×", tLSH.Seconds()/tJoin.Seconds())
	if hit != len(found) {
		t.Errorf("the library reported %d pairs the exact join does not have", len(found)-hit)
	}
}

// jaccard of two member lists (each without repeats).
func jaccard(a, b []int32) float64 {
	in := make(map[int32]bool, len(a))
	for _, x := range a {
		in[x] = true
	}
	shared := 0
	for _, x := range b {
		if in[x] {
			shared++
		}
	}
	return float64(shared) / float64(len(a)+len(b)-shared)
}
