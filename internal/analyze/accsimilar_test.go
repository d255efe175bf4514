package analyze_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// TestAccSimilar builds a bureau whose units each run their own 微博 account in the standard
// wording, two 支队 that also run a 科普 account each in their own words, one 支队 with such an
// account on another platform only, and a 大队 with two 科普 accounts of its own (ACC-DUP's case).
// Only the two 支队's 科普 accounts on 微博 are one finding, and the words shown do not include
// the places.
func TestAccSimilar(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		root, _ := f.unit("R", "四川省消防救援总队", org.Corps, 0)
		places := map[string]int64{}
		for _, p := range []string{"成都市", "绵阳市", "德阳市", "乐山市", "泸州市"} {
			places[p], _ = f.unit("D-"+p, p+"消防救援支队", org.Detachment, root)
		}
		jinjiang, _ := f.unit("B-JJ", "锦江区消防救援大队", org.Brigade, places["成都市"])
		nanmen, _ := f.unit("S-NM", "南门特勤站", org.Station, jinjiang)
		account := func(code string, unit int64, platform, name, purpose string) {
			id := f.account(code, unit, "x", map[string]any{"platform": platform})
			f.exec(`UPDATE assets SET name = $1, purpose = $2, functions = $3 WHERE id = $4`, name, purpose, "信息发布\n留言互动", id)
		}
		// Every unit's own account, worded the same way about its own place.
		n := 0
		own := func(unit int64, place string) {
			n++
			account(fmt.Sprintf("OWN-%02d", n), unit, "微博", strings.TrimSuffix(place, "市")+"消防",
				"发布"+place+"消防救援工作动态、警情通报和消防安全提示，受理群众留言。")
		}
		for p, u := range places {
			own(u, p)
		}
		own(jinjiang, "锦江辖区")
		own(nanmen, "南门辖区")
		account("KP-CD", places["成都市"], "微博", "成都消防科普", "面向成都市中小学生和家长普及家庭防火、火场逃生自救知识，推送校园消防安全课堂。")
		account("KP-MY", places["绵阳市"], "微博", "绵阳消防安全课堂", "开展绵阳校园消防安全教育，推送家庭防火常识和火场逃生自救知识。")
		account("KP-DY", places["德阳市"], "抖音", "德阳消防科普", "面向德阳中小学生和家长普及家庭防火、火场逃生自救知识。")
		account("KP-JJ1", jinjiang, "今日头条", "锦江消防科普", "面向中小学生和家长普及家庭防火、火场逃生自救知识。")
		account("KP-JJ2", jinjiang, "今日头条", "锦江消防安全课堂", "推送家庭防火常识和火场逃生自救知识，服务中小学生和家长。")

		hits := similarHits(t, f, analyze.Defaults())
		if got := slices.Collect(mapKeys(hits)); !slices.Equal(got, []string{"KP-CD,KP-MY"}) {
			t.Fatalf("ACC-SIMILAR = %v, want [KP-CD,KP-MY]", got)
		}
		ev := fmt.Sprint(hits["KP-CD,KP-MY"].Evidence["pairs"])
		if !strings.Contains(ev, "逃生自救") {
			t.Errorf("the shared words miss 逃生自救: %s", ev)
		}
		for _, place := range []string{"成都", "绵阳"} {
			if strings.Contains(ev, place) {
				t.Errorf("the shared words include the place %s: %s", place, ev)
			}
		}

		t.Run("threshold", func(t *testing.T) {
			cfg := analyze.Defaults()
			cfg["ACC-SIMILAR"].Params["min_score"] = 1
			if hits := similarHits(t, f, cfg); len(hits) != 0 {
				t.Errorf("at 1.0 ACC-SIMILAR = %v, want nothing: the wordings differ", slices.Collect(mapKeys(hits)))
			}
		})
		t.Run("standard share", func(t *testing.T) {
			// With the share at its maximum no own account is standard: every unit's account
			// resembles every other's, and they all become one cluster.
			cfg := analyze.Defaults()
			cfg["ACC-SIMILAR"].Params["standard_share"] = 1.0001
			hits := similarHits(t, f, cfg)
			var own bool
			for subject := range hits {
				own = own || strings.Contains(subject, "OWN-")
			}
			if !own {
				t.Errorf("unreachable share: own accounts not reported: %v", slices.Collect(mapKeys(hits)))
			}
		})
	})
}

// similarHits runs ACC-SIMILAR alone and returns its hits by subject.
func similarHits(t *testing.T, f *fx, cfg analyze.Configs) map[string]analyze.Hit {
	t.Helper()
	inv, err := analyze.Load(f.ctx, f.db)
	if err != nil {
		t.Fatal(err)
	}
	rule, ok := analyze.RuleByID("ACC-SIMILAR")
	if !ok {
		t.Fatal("ACC-SIMILAR is not registered")
	}
	hits, err := rule.Check(f.ctx, &analyze.Env{Inv: inv, At: analyze.CheckDate(at), Configs: cfg, Q: f.db})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]analyze.Hit{}
	for _, h := range hits {
		out[h.Subject] = h
	}
	return out
}

func mapKeys(m map[string]analyze.Hit) func(func(string) bool) {
	return func(yield func(string) bool) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !yield(k) {
				return
			}
		}
	}
}
