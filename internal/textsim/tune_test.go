package textsim

import (
	"flag"
	"fmt"
	"slices"
	"testing"
)

var tune = flag.Bool("textsim.tune", false, "run TestTune: sweep the options on the labelled sets")

// sweepResult is how one options value does on a labelled set: the threshold with the best F1
// (the midpoint of the widest gap among thresholds of equal F1), and the figures there.
type sweepResult struct {
	min    float64
	r      prf
	minPos float64 // the lowest score of a true pair
	maxNeg float64 // the highest score of a false pair
}

// sweep scores every pair once (min ≈ 0) and finds the threshold with the best F1 in one pass
// over the scores, best first.
func sweep(docs []Doc, group map[int64]string, opt *options) sweepResult {
	ps := newIndex(docs, opt).pairs(1e-9, false) // sorted by score, descending
	truePairs := evaluate(docs, group, nil).fn
	isTrue := func(p Pair) bool { g := group[p.A]; return g != "" && g == group[p.B] }
	res := sweepResult{minPos: 1, min: 1}
	if evaluate(docs, group, ps).fn > 0 { // some true pairs share no feature at all
		res.minPos = 0
	}
	best := -1.0
	tp, fp := 0, 0
	for i, p := range ps {
		if isTrue(p) {
			tp++
			res.minPos = min(res.minPos, p.Score)
		} else {
			fp++
			res.maxNeg = max(res.maxNeg, p.Score)
		}
		if i+1 < len(ps) && ps[i+1].Score == p.Score {
			continue // a threshold cannot split equal scores
		}
		next := 0.0
		if i+1 < len(ps) {
			next = ps[i+1].Score
		}
		prec, rec := float64(tp)/float64(tp+fp), float64(tp)/float64(max(truePairs, 1))
		f1 := 0.0
		if prec+rec > 0 {
			f1 = 2 * prec * rec / (prec + rec)
		}
		if f1 > best+1e-12 {
			best, res.min = f1, (p.Score+next)/2
		}
	}
	res.r = evaluate(docs, group, above(ps, res.min))
	return res
}

func above(ps []Pair, th float64) []Pair {
	var out []Pair
	for _, p := range ps {
		if p.Score >= th {
			out = append(out, p)
		}
	}
	return out
}

func heldOut(docs []Doc, group map[int64]string, opt *options, th float64) prf {
	return evaluate(docs, group, newIndex(docs, opt).pairs(th, false))
}

// TestTune is how the defaults were chosen. It is skipped unless -textsim.tune is given:
//
//	go test ./internal/textsim/ -run TestTune -textsim.tune -v
//
// For each variant it prints, on apps.json, the best-F1 threshold, the figures there and the gap
// between the weakest true pair and the strongest false one; then the held-out figures at that
// same threshold (never used to choose anything).
func TestTune(t *testing.T) {
	if !*tune {
		t.Skip("run with -textsim.tune")
	}
	docs, group := loadLabelled(t, "apps.json")
	hdocs, hgroup := loadLabelled(t, "apps_holdout.json")
	type variant struct {
		name string
		opt  options
	}
	var vs []variant
	add := func(name string, edit func(o *options)) {
		o := defaults
		edit(&o)
		vs = append(vs, variant{name, o})
	}
	add("defaults", func(o *options) {})
	add("no stop list", func(o *options) { o.stop = false })
	add("no synonyms", func(o *options) { o.conceptWeight = 0 })
	add("no workflow weighting", func(o *options) { o.workflowWeight = 1 })
	add("no unigrams", func(o *options) { o.uniWeight = 0 })
	add("no form boost", func(o *options) { o.formBoost = 0 })
	add("no whole-form feature", func(o *options) { o.formWeight = 0 })
	add("fields weighted apart", func(o *options) {
		o.fieldWeight = [numFields]float64{fName: 0.3, fPurpose: 0.2, fFunctions: 0.3, fAll: 0.2}
	})
	for _, v := range vs {
		s := sweep(docs, group, &v.opt)
		h := heldOut(hdocs, hgroup, &v.opt, s.min)
		_, mrr := nameSearch(docs, group, &v.opt)
		_, hmrr := nameSearch(hdocs, hgroup, &v.opt)
		t.Logf("%-22s best th %.3f P %.3f R %.3f F1 %.3f | holdout P %.3f R %.3f F1 %.3f | name-only MRR %.2f, holdout %.2f",
			v.name, s.min, s.r.precision, s.r.recall, s.r.f1, h.precision, h.recall, h.f1, mrr, hmrr)
	}
}

// TestTuneGrid searches the options jointly and prints the twenty best on apps.json by pair F1,
// then by name-only MRR, with their held-out figures at the same threshold. The defaults sit on
// the top plateau (boost 0.3 to 0.6 and workflow weight 0.15 to 0.3 tie on both measures here).
func TestTuneGrid(t *testing.T) {
	if !*tune {
		t.Skip("run with -textsim.tune")
	}
	docs, group := loadLabelled(t, "apps.json")
	hdocs, hgroup := loadLabelled(t, "apps_holdout.json")
	type row struct {
		name string
		opt  options
		s    sweepResult
		h    prf
		nm   [4]float64 // name-only hit@1 and MRR, tuning then held-out
	}
	var rows []row
	fieldSets := map[string][numFields]float64{
		"pooled":  {fAll: 1},
		"apart":   {fName: 0.3, fPurpose: 0.2, fFunctions: 0.3, fAll: 0.2},
		"mixed":   {fName: 0.2, fPurpose: 0.1, fFunctions: 0.3, fAll: 0.4},
		"no name": {fPurpose: 0.2, fFunctions: 0.3, fAll: 0.5},
	}
	for _, fs := range []string{"pooled", "apart", "mixed", "no name"} {
		for _, u := range []float64{0, 0.3, 0.6} {
			for _, ww := range []float64{0.15, 0.3, 0.6, 1} {
				for _, cw := range []float64{0, 0.5, 1} {
					for _, fb := range []float64{0.3, 0.4, 0.6} {
						o := defaults
						o.fieldWeight, o.uniWeight, o.workflowWeight, o.conceptWeight, o.formBoost = fieldSets[fs], u, ww, cw, fb
						s := sweep(docs, group, &o)
						r := row{fmt.Sprintf("%-7s uni %.1f wf %.2f syn %.1f boost %.1f", fs, u, ww, cw, fb),
							o, s, heldOut(hdocs, hgroup, &o, s.min), [4]float64{}}
						r.nm[0], r.nm[1] = nameSearch(docs, group, &o)
						r.nm[2], r.nm[3] = nameSearch(hdocs, hgroup, &o)
						rows = append(rows, r)
					}
				}
			}
		}
	}
	// Ranked on the tuning set only: pair F1, then name-only MRR. The held-out columns are
	// printed, never used to rank.
	slices.SortStableFunc(rows, func(a, b row) int {
		if a.s.r.f1 != b.s.r.f1 {
			return cmpDesc(a.s.r.f1, b.s.r.f1)
		}
		return cmpDesc(a.nm[1], b.nm[1])
	})
	for _, r := range rows[:min(20, len(rows))] {
		t.Logf("%-42s th %.3f P %.3f R %.3f F1 %.3f | holdout P %.3f R %.3f F1 %.3f | name hit@1 %.2f MRR %.2f, holdout %.2f %.2f",
			r.name, r.s.min, r.s.r.precision, r.s.r.recall, r.s.r.f1, r.h.precision, r.h.recall, r.h.f1,
			r.nm[0], r.nm[1], r.nm[2], r.nm[3])
	}
}

// nameSearch queries the index with the name alone of every app that has a duplicate and
// returns hit@1 (a duplicate ranks first) and the mean reciprocal rank of the first duplicate:
// how intake does when all it has is the new app's name.
func nameSearch(docs []Doc, group map[int64]string, opt *options) (hit1, mrr float64) {
	ix := newIndex(docs, opt)
	n := 0
	for _, d := range docs {
		g := group[d.ID]
		if g == "" {
			continue
		}
		n++
		for rank, m := range ix.Search(Doc{ID: d.ID, Name: d.Name}, 0, 1e-9) {
			if group[m.ID] == g {
				if rank == 0 {
					hit1++
				}
				mrr += 1 / float64(rank+1)
				break
			}
		}
	}
	return hit1 / float64(n), mrr / float64(n)
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}
