package textsim

import (
	"cmp"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

var dutyApp = Doc{
	ID:        1,
	Name:      "值班考勤打卡",
	Purpose:   "机关和消防站人员每日值班签到、考勤打卡，统计出勤情况。",
	Functions: []string{"值班签到", "考勤打卡", "请假登记", "出勤统计"},
	Forms:     []string{"值班登记表"},
}

func valid(t *testing.T, m Match) {
	t.Helper()
	for _, x := range []float64{m.Score, m.Name, m.Purpose, m.Functions, m.Forms} {
		if math.IsNaN(x) || x < 0 || x > 1 {
			t.Fatalf("value %v out of [0, 1] in %+v", x, m)
		}
	}
}

func TestSimilarity(t *testing.T) {
	long := strings.Repeat("值班考勤打卡签到统计", 5000)
	for _, tc := range []struct {
		name     string
		a, b     Doc
		min, max float64
	}{
		{"identical", dutyApp, dutyApp, 1, 1},
		{"identical but traditional and full-width", dutyApp, Doc{
			Name: "值班考勤打卡", Purpose: "機關和消防站人員每日值班簽到、考勤打卡，統計出勤情況。",
			Functions: []string{"值班簽到", "考勤打卡", "請假登記", "出勤統計"}, Forms: []string{"值班登記表"}}, 1, 1},
		{"identical name only", Doc{Name: "营区管理"}, Doc{Name: "营区管理"}, 1, 1},
		{"identical generic name only", Doc{Name: "智慧消防管理平台"}, Doc{Name: "智慧消防管理平台"}, 1, 1},
		{"disjoint", dutyApp, Doc{Name: "财务报销", Purpose: "差旅费网上报账", Functions: []string{"发票扫描"}}, 0, 0},
		{"near duplicate", dutyApp, Doc{Name: "执勤签到系统", Purpose: "消防站执勤人员交接班签到，记录在岗在位情况。",
			Functions: []string{"交接班签到", "在岗在位", "考勤统计", "值班表编排"}, Forms: []string{"值班登记表"}}, 0.4, 0.99},
		{"both empty", Doc{}, Doc{}, 0, 0},
		{"one empty", dutyApp, Doc{}, 0, 0},
		{"only punctuation", Doc{Name: "、。！"}, Doc{Name: "？？"}, 0, 0},
		{"name only against full", Doc{Name: "值班考勤"}, dutyApp, 0.2, 1},
		{"invalid UTF-8", Doc{Name: "值班\xff\xfe考勤", Functions: []string{"\xc3\x28"}}, dutyApp, 0, 1},
		{"very long texts", Doc{Name: long, Purpose: long, Functions: []string{long, long}, Forms: []string{long}}, dutyApp, 0, 1},
		{"very long identical", Doc{Purpose: long}, Doc{Purpose: long}, 1, 1},
		{"forms only, same form", Doc{Forms: []string{"人员基本信息登记表"}}, Doc{Forms: []string{"人员基本信息登记表"}}, 1, 1},
		{"same form, no text in common", Doc{Name: "值班", Forms: []string{"人员基本信息登记表"}},
			Doc{Forms: []string{"人员基本信息登记表"}}, 1, 1},
		{"same form, different text", Doc{Name: "值班", Forms: []string{"人员基本信息登记表"}},
			Doc{Name: "装备", Forms: []string{"人员基本信息登记表"}}, 0.4, 0.4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ab, ba := Similarity(tc.a, tc.b), Similarity(tc.b, tc.a)
			valid(t, ab)
			if ab.Score < tc.min || ab.Score > tc.max {
				t.Errorf("score %v, want in [%v, %v]; %+v", ab.Score, tc.min, tc.max, ab)
			}
			if ab.Score != ba.Score {
				t.Errorf("not symmetric: %v and %v", ab.Score, ba.Score)
			}
		})
	}
}

func TestExplanation(t *testing.T) {
	ix := NewIndex([]Doc{dutyApp, {ID: 2, Name: "财务报销系统"}, {ID: 3, Name: "装备管理"}})
	q := Doc{Name: "考勤打卡小程序", Purpose: "人员上下班定位考勤打卡", Forms: []string{"值班登记表 "}}
	ms := ix.Search(q, 1, 0)
	if len(ms) != 1 || ms[0].ID != 1 {
		t.Fatalf("Search = %+v, want the duty app", ms)
	}
	m := ms[0]
	if len(m.SharedTerms) == 0 || m.SharedTerms[0] != "考勤打卡" {
		t.Errorf("SharedTerms = %q, want 考勤打卡 first (bigrams merged into the word)", m.SharedTerms)
	}
	if !reflect.DeepEqual(m.SharedForms, []string{"值班登记表"}) {
		t.Errorf("SharedForms = %q", m.SharedForms)
	}
	// A synonym is explained with both words.
	m = Similarity(Doc{Name: "执勤签到"}, Doc{Name: "值班打卡"})
	if !slices.Contains(m.SharedTerms, "签到≈打卡") || !slices.Contains(m.SharedTerms, "执勤≈值班") {
		t.Errorf("SharedTerms = %q, want 签到≈打卡 and 执勤≈值班", m.SharedTerms)
	}
}

func TestSearch(t *testing.T) {
	docs, group := loadLabelled(t, "apps.json")
	ix := NewIndex(docs)

	t.Run("planted duplicate first", func(t *testing.T) {
		// Every app of the labelled set, rewritten the way another unit would file it: in
		// traditional characters and full-width Latin, functions reversed, purpose dropped. Its
		// original must come first.
		for _, d := range docs {
			q := Doc{ID: -1, Name: toTraditional(d.Name), Functions: slices.Clone(d.Functions), Forms: d.Forms}
			slices.Reverse(q.Functions)
			for i := range q.Functions {
				q.Functions[i] = toTraditional(q.Functions[i])
			}
			ms := ix.Search(q, 3, DefaultMin)
			if len(ms) == 0 || ms[0].ID != d.ID {
				t.Errorf("%s: got %+v, want %d first", d.Name, ms, d.ID)
			}
		}
	})
	t.Run("labelled duplicates", func(t *testing.T) {
		hits, n := 0, 0
		for _, d := range docs {
			if group[d.ID] == "" {
				continue
			}
			n++
			if ms := ix.Search(d, 1, 0); len(ms) == 1 && group[ms[0].ID] == group[d.ID] {
				hits++
			}
		}
		t.Logf("a labelled duplicate ranks first for %d of %d apps", hits, n)
		if hits < n*8/10 {
			t.Errorf("only %d of %d", hits, n)
		}
	})
	t.Run("excludes the query, limit, min, order", func(t *testing.T) {
		ms := ix.Search(docs[0], 0, 0)
		for i, m := range ms {
			valid(t, m)
			if m.ID == docs[0].ID {
				t.Errorf("query returned itself")
			}
			if m.Score <= 0 {
				t.Errorf("score %v ≤ 0 returned", m.Score)
			}
			if i > 0 && (ms[i-1].Score < m.Score || ms[i-1].Score == m.Score && ms[i-1].ID > m.ID) {
				t.Errorf("out of order at %d", i)
			}
		}
		if got := ix.Search(docs[0], 2, 0); len(got) != min(2, len(ms)) {
			t.Errorf("limit 2: %d matches", len(got))
		}
		for _, m := range ix.Search(docs[0], 0, 0.3) {
			if m.Score < 0.3 {
				t.Errorf("min 0.3: got %v", m.Score)
			}
		}
		if got := ix.Search(Doc{}, 10, 0); len(got) != 0 {
			t.Errorf("empty query: %+v", got)
		}
	})
	t.Run("Search agrees with Compare", func(t *testing.T) {
		q := Doc{ID: 0, Name: "执勤打卡", Functions: []string{"签到", "考勤统计"}}
		for _, m := range ix.Search(q, 0, 0) {
			c := ix.Compare(q, docs[slices.IndexFunc(docs, func(d Doc) bool { return d.ID == m.ID })])
			if c.Score != m.Score || !reflect.DeepEqual(c.SharedTerms, m.SharedTerms) {
				t.Errorf("%d: Search %v %q, Compare %v %q", m.ID, m.Score, m.SharedTerms, c.Score, c.SharedTerms)
			}
		}
	})
}

// toTraditional writes simplified text in traditional characters (where the table knows them) and
// Latin in full width, as a query from another unit might be typed.
func toTraditional(s string) string {
	back := map[rune]rune{}
	rs := []rune(t2sPairs)
	for i := len(rs) - 2; i >= 0; i -= 2 { // earliest pair wins
		back[rs[i+1]] = rs[i]
	}
	return strings.Map(func(r rune) rune {
		if t, ok := back[r]; ok {
			return t
		}
		if r > ' ' && r < 0x7F {
			return r + 0xFEE0
		}
		return r
	}, s)
}

func TestDeterminism(t *testing.T) {
	docs, _ := loadLabelled(t, "apps.json")
	want := NewIndex(docs).Pairs(0.05)
	wantSearch := NewIndex(docs).Search(docs[3], 0, 0)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 5 {
		shuffled := slices.Clone(docs)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		ix := NewIndex(shuffled)
		if got := ix.Pairs(0.05); !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffle %d: Pairs differ", i)
		}
		if got := ix.Search(docs[3], 0, 0); !reflect.DeepEqual(got, wantSearch) {
			t.Fatalf("shuffle %d: Search differs", i)
		}
	}
}

func TestConcurrentSearch(t *testing.T) {
	docs, _ := loadLabelled(t, "apps.json")
	ix := NewIndex(docs)
	want := ix.Search(docs[0], 5, 0)
	done := make(chan []Match)
	for range 8 {
		go func() { done <- ix.Search(docs[0], 5, 0) }()
	}
	for range 8 {
		if got := <-done; !reflect.DeepEqual(got, want) {
			t.Fatal("concurrent Search differs")
		}
	}
}

// TestPairsEqualsBruteForce is the property that candidate pruning loses nothing: on random
// documents, Pairs returns exactly the pairs whose Compare score reaches min, with the same scores.
func TestPairsEqualsBruteForce(t *testing.T) {
	for seed := range uint64(12) {
		rng := rand.New(rand.NewPCG(seed, 99))
		docs := randomDocs(rng, 20+rng.IntN(50))
		if seed%4 == 0 { // duplicate documents, and IDs out of position order
			docs = append(docs, docs[0], docs[1])
			docs[len(docs)-1].ID = -docs[len(docs)-1].ID
		}
		ix := NewIndex(docs)
		var all []Pair // every pair, by brute force
		for i := range docs {
			for j := i + 1; j < len(docs); j++ {
				a, b := docs[i], docs[j]
				if b.ID < a.ID {
					a, b = b, a
				}
				all = append(all, Pair{A: a.ID, B: b.ID, Match: ix.Compare(a, b)})
			}
		}
		slices.SortStableFunc(all, func(x, y Pair) int {
			switch {
			case x.Score != y.Score:
				return cmpDesc(x.Score, y.Score)
			case x.A != y.A:
				return cmp.Compare(x.A, y.A)
			}
			return cmp.Compare(x.B, y.B)
		})
		for _, min := range []float64{0.05, 0.2, DefaultMin, 0.5, 0.9} {
			got := ix.Pairs(min)
			var want []Pair
			for _, p := range all {
				if p.Score >= min && p.Score > 0 {
					want = append(want, p)
				}
			}
			if len(got) != len(want) {
				t.Fatalf("seed %d min %v: %d pairs, brute force %d", seed, min, len(got), len(want))
			}
			for k := range got {
				if !reflect.DeepEqual(got[k], want[k]) {
					t.Fatalf("seed %d min %v pair %d:\n got  %+v\n want %+v", seed, min, k, got[k], want[k])
				}
			}
		}
	}
}

func FuzzSimilarity(f *testing.F) {
	f.Add("值班考勤打卡", "考勤打卡、值班签到", "值班登记表", "执勤签到系统", "交接班签到", "值班登记表")
	f.Add("", "", "", "", "", "")
	f.Add("消防\xffApp", "ＯＡ", "表", "消防", "app", "表")
	f.Fuzz(func(t *testing.T, n1, f1, fo1, n2, f2, fo2 string) {
		a := Doc{ID: 1, Name: n1, Purpose: f1 + n2, Functions: strings.Split(f1, "、"), Forms: []string{fo1}}
		b := Doc{ID: 2, Name: n2, Purpose: f2, Functions: strings.Split(f2, "、"), Forms: []string{fo2}}
		ab, ba := Similarity(a, b), Similarity(b, a)
		valid(t, ab)
		if ab.Score != ba.Score {
			t.Fatalf("not symmetric: %v, %v", ab.Score, ba.Score)
		}
		if aa := Similarity(a, a); aa.Score != 1 && aa.Score != 0 {
			t.Fatalf("self-similarity %v", aa.Score)
		}
	})
}
