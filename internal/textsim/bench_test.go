package textsim

import (
	"math/rand/v2"
	"sync"
	"testing"
)

// bench1k is 1,000 synthetic apps (randomDocs, fixed seed) and a query shaped like an intake
// request: a name, a purpose and a few functions.
var bench1k = sync.OnceValues(func() ([]Doc, Doc) {
	docs := randomDocs(rand.New(rand.NewPCG(2026, 1)), 1000)
	q := Doc{Name: "智慧营区访客预约登记小程序", Purpose: "营区访客预约、门禁登记和车辆进出管理。",
		Functions: []string{"访客预约", "门禁登记", "车辆进出", "营区巡查"}, Forms: []string{"访客登记表"}}
	return docs, q
})

func BenchmarkIndex1k(b *testing.B) {
	docs, _ := bench1k()
	for b.Loop() {
		NewIndex(docs)
	}
}

func BenchmarkSearch1k(b *testing.B) {
	docs, q := bench1k()
	ix := NewIndex(docs)
	var n int
	for b.Loop() {
		n = len(ix.Search(q, 10, DefaultMin))
	}
	b.ReportMetric(float64(n), "matches")
}

func BenchmarkPairs1k(b *testing.B) {
	docs, _ := bench1k()
	ix := NewIndex(docs)
	var n int
	for b.Loop() {
		n = len(ix.Pairs(DefaultMin))
	}
	b.ReportMetric(float64(n), "pairs")
}

// BenchmarkPairsScores1k and BenchmarkPairsBruteScores1k are the same two without explanations:
// the cost of finding the pairs alone.
func BenchmarkPairsScores1k(b *testing.B) {
	docs, _ := bench1k()
	ix := NewIndex(docs)
	for b.Loop() {
		ix.pairs(DefaultMin, false)
	}
}

func BenchmarkPairsBruteScores1k(b *testing.B) {
	docs, _ := bench1k()
	ix := NewIndex(docs)
	var n int
	for b.Loop() {
		n = 0
		for i := range ix.vecs {
			for j := i + 1; j < len(ix.vecs); j++ {
				if s, _ := ix.score(&ix.vecs[i], &ix.vecs[j]); s >= DefaultMin {
					n++
				}
			}
		}
	}
	b.ReportMetric(float64(n), "pairs")
}

// BenchmarkPairsBrute1k is the baseline Pairs is measured against: an exact score for each of
// the n(n−1)/2 pairs (vectors built once, as in the index), then explanations for the pairs
// above the threshold, as Pairs gives.
func BenchmarkPairsBrute1k(b *testing.B) {
	docs, _ := bench1k()
	ix := NewIndex(docs)
	for b.Loop() {
		var ps []Pair
		for i := range ix.vecs {
			for j := i + 1; j < len(ix.vecs); j++ {
				if s, field := ix.score(&ix.vecs[i], &ix.vecs[j]); s >= DefaultMin {
					qa, qb := ix.asQuery(i), ix.asQuery(j)
					ps = append(ps, Pair{A: docs[i].ID, B: docs[j].ID, Match: ix.match(&qa, &qb, s, field)})
				}
			}
		}
	}
}
