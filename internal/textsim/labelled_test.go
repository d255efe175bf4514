package textsim

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// labelledApp is one app of a labelled set: apps with the same non-empty Group are duplicates
// of each other (they should be merged under APP-SIMILAR); all other pairs are not.
type labelledApp struct {
	ID        int64    `json:"id"`
	Unit      string   `json:"unit"`
	Group     string   `json:"group"`
	Name      string   `json:"name"`
	Purpose   string   `json:"purpose"`
	Functions []string `json:"functions"`
	Forms     []string `json:"forms"`
}

func loadLabelled(t testing.TB, name string) ([]Doc, map[int64]string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var apps []labelledApp
	if err := json.Unmarshal(b, &apps); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	docs := make([]Doc, len(apps))
	group := map[int64]string{}
	for i, a := range apps {
		docs[i] = Doc{ID: a.ID, Name: a.Name, Purpose: a.Purpose, Functions: a.Functions, Forms: a.Forms}
		group[a.ID] = a.Group
	}
	return docs, group
}

// prf is precision, recall and F1 of predicted pairs against the groups.
type prf struct {
	tp, fp, fn         int
	precision, recall  float64
	f1                 float64
	falsePos, falseNeg []Pair
}

func evaluate(docs []Doc, group map[int64]string, ps []Pair) prf {
	var r prf
	found := map[[2]int64]bool{}
	for _, p := range ps {
		if g := group[p.A]; g != "" && g == group[p.B] {
			r.tp++
			found[[2]int64{p.A, p.B}] = true
		} else {
			r.fp++
			r.falsePos = append(r.falsePos, p)
		}
	}
	for i := range docs {
		for j := i + 1; j < len(docs); j++ {
			a, b := docs[i].ID, docs[j].ID
			if a > b {
				a, b = b, a
			}
			if g := group[a]; g != "" && g == group[b] && !found[[2]int64{a, b}] {
				r.fn++
				r.falseNeg = append(r.falseNeg, Pair{A: a, B: b})
			}
		}
	}
	r.precision, r.recall = 1, 1
	if r.tp+r.fp > 0 {
		r.precision = float64(r.tp) / float64(r.tp+r.fp)
	}
	if r.tp+r.fn > 0 {
		r.recall = float64(r.tp) / float64(r.tp+r.fn)
	}
	if r.precision+r.recall > 0 {
		r.f1 = 2 * r.precision * r.recall / (r.precision + r.recall)
	}
	return r
}

func names(docs []Doc) map[int64]string {
	m := map[int64]string{}
	for _, d := range docs {
		m[d.ID] = d.Name
	}
	return m
}

// logErrors prints the misses and false alarms with their scores, so that a failing run says why.
func logErrors(t *testing.T, ix *Index, docs []Doc, r prf) {
	t.Helper()
	nm := names(docs)
	byID := map[int64]Doc{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	for _, p := range r.falsePos {
		t.Logf("  false positive %.3f  %s / %s  %v %v", p.Score, nm[p.A], nm[p.B], p.SharedTerms, p.SharedForms)
	}
	for _, p := range r.falseNeg {
		m := ix.Compare(byID[p.A], byID[p.B])
		t.Logf("  missed         %.3f  %s / %s  (name %.2f purpose %.2f functions %.2f forms %.2f) %v",
			m.Score, nm[p.A], nm[p.B], m.Name, m.Purpose, m.Functions, m.Forms, m.SharedTerms)
	}
}

// The figures TestLabelled holds the tuning set to. The goal was 0.95 for both; character
// n-grams, TF-IDF and the synonym table reach 18 of 21 true pairs with one false alarm, the best
// any setting of the options found (TestTuneGrid). The three misses share almost no words
// (执勤签到系统 / 勤务打卡小程序, 体能训练成绩管理 / 岗位练兵App, 消防宣传教育平台 /
// 全民消防学堂), and the false alarm shares 执勤车辆 and 执勤实力 (消防车辆动态调度 /
// 执勤实力上报). These floors keep what was reached from regressing.
const (
	wantPrecision = 0.94
	wantRecall    = 0.85
)

// TestLabelled measures Pairs at DefaultMin against the duplicate groups marked in
// testdata/apps.json, on which the defaults were tuned, and reports the same figures for
// testdata/apps_holdout.json, which was written before any tuning and is not asserted.
func TestLabelled(t *testing.T) {
	t.Run("tuning set", func(t *testing.T) {
		docs, group := loadLabelled(t, "apps.json")
		if len(docs) < 60 {
			t.Fatalf("only %d labelled apps", len(docs))
		}
		ix := NewIndex(docs)
		r := evaluate(docs, group, ix.Pairs(DefaultMin))
		t.Logf("apps.json (%d apps): precision %.3f recall %.3f F1 %.3f (tp %d fp %d fn %d) at %.2f",
			len(docs), r.precision, r.recall, r.f1, r.tp, r.fp, r.fn, DefaultMin)
		logErrors(t, ix, docs, r)
		if r.precision < wantPrecision || r.recall < wantRecall {
			t.Errorf("precision %.3f recall %.3f, want ≥ %.2f and ≥ %.2f", r.precision, r.recall, wantPrecision, wantRecall)
		}
	})
	t.Run("held-out set", func(t *testing.T) {
		docs, group := loadLabelled(t, "apps_holdout.json")
		ix := NewIndex(docs)
		r := evaluate(docs, group, ix.Pairs(DefaultMin))
		t.Logf("apps_holdout.json (%d apps): precision %.3f recall %.3f F1 %.3f (tp %d fp %d fn %d) at %.2f",
			len(docs), r.precision, r.recall, r.f1, r.tp, r.fp, r.fn, DefaultMin)
		logErrors(t, ix, docs, r)
	})
}

// TestStopListHelps measures the stop list (stopWords, connectives, stopUnigrams, workflowWords)
// on the tuning set: the best F1 of Pairs over all thresholds, and name-only search.
func TestStopListHelps(t *testing.T) {
	docs, group := loadLabelled(t, "apps.json")
	without := defaults
	without.stop = false
	with, wo := sweep(docs, group, &defaults), sweep(docs, group, &without)
	_, mrrWith := nameSearch(docs, group, &defaults)
	_, mrrWithout := nameSearch(docs, group, &without)
	t.Logf("with stop list:    best F1 %.3f (P %.3f R %.3f at %.3f), name-only MRR %.2f",
		with.r.f1, with.r.precision, with.r.recall, with.min, mrrWith)
	t.Logf("without stop list: best F1 %.3f (P %.3f R %.3f at %.3f), name-only MRR %.2f",
		wo.r.f1, wo.r.precision, wo.r.recall, wo.min, mrrWithout)
	if with.r.f1 <= wo.r.f1 || mrrWith < mrrWithout {
		t.Errorf("the stop list does not help: F1 %.3f vs %.3f, MRR %.2f vs %.2f", with.r.f1, wo.r.f1, mrrWith, mrrWithout)
	}
}
