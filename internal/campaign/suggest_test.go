package campaign_test

import (
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/campaign"
)

func TestSuggest(t *testing.T) {
	// good qualifies for commendation under the default rules with nothing to spare on the
	// burden: 100 → 80 is exactly 20%.
	good := campaign.UnitMetrics{UnitID: 1, UnitName: "锦江区消防救援大队", LedgerTotal: 6, LedgerClosed: 6,
		BurdenBefore: 100, BurdenAfter: 80, AssetsRetired: 2, AssetsMerged: 1}
	// plain triggers nothing.
	plain := campaign.UnitMetrics{UnitID: 2, UnitName: "青羊区消防救援大队", LedgerTotal: 4, LedgerClosed: 3, LedgerOverdue: 2,
		BurdenBefore: 50, BurdenAfter: 50, MissingSubmissions: 1}
	mod := func(m campaign.UnitMetrics, f func(*campaign.UnitMetrics)) campaign.UnitMetrics { f(&m); return m }
	for _, tc := range []struct {
		name      string
		m         campaign.UnitMetrics
		rules     *campaign.ListRules
		commend   bool
		interview bool
		reason    []string // parts of the reason
	}{
		{"commend at exactly a 20% drop", good, nil, true, false,
			[]string{"整改台账 6 项全部按期销号", "由 100.0 降至 80.0(下降 20.0%)", "下线 2 个、合并 1 个", "按时报送"}},
		{"commend with a fractional 20% drop", mod(good, func(m *campaign.UnitMetrics) { m.BurdenBefore, m.BurdenAfter = 1.0, 0.8 }), nil, true, false, nil},
		{"no commendation below a 20% drop", mod(good, func(m *campaign.UnitMetrics) { m.BurdenAfter = 80.1 }), nil, false, false, nil},
		{"no commendation with an open item", mod(good, func(m *campaign.UnitMetrics) { m.LedgerClosed = 5 }), nil, false, false, nil},
		{"no commendation with an item closed late", mod(good, func(m *campaign.UnitMetrics) { m.LedgerOverdue = 1 }), nil, false, false, nil},
		{"no commendation with a missing submission", mod(good, func(m *campaign.UnitMetrics) { m.MissingSubmissions = 1 }), nil, false, false, nil},
		{"one late submission is tolerated", mod(good, func(m *campaign.UnitMetrics) { m.LateSubmissions = 1 }), nil, true, false, []string{"逾期 1 项"}},
		{"two late submissions are not", mod(good, func(m *campaign.UnitMetrics) { m.LateSubmissions = 2 }), nil, false, false, nil},
		{"no commendation without a baseline", mod(good, func(m *campaign.UnitMetrics) { m.BurdenBefore, m.BurdenAfter = 0, 0 }), nil, false, false, nil},
		{"a stricter rule", good, &campaign.ListRules{CommendBurdenDrop: 0.3, InterviewOverdue: 3, InterviewMissing: 2}, false, false, nil},

		{"nothing below every 约谈 threshold", plain, nil, false, false, nil},
		{"约谈 at 3 overdue items", mod(plain, func(m *campaign.UnitMetrics) { m.LedgerOverdue = 3 }), nil, false, true,
			[]string{"整改台账逾期 3 项(达到 3 项的约谈标准)"}},
		{"约谈 at 2 missing submissions", mod(plain, func(m *campaign.UnitMetrics) { m.MissingSubmissions = 2 }), nil, false, true,
			[]string{"逾期未报送材料 2 项"}},
		{"约谈 when the burden rises", mod(plain, func(m *campaign.UnitMetrics) { m.BurdenAfter = 50.5 }), nil, false, true,
			[]string{"由 50.0 升至 50.5(上升 1.0%)"}},
		{"every reason at once", mod(plain, func(m *campaign.UnitMetrics) { m.LedgerOverdue, m.MissingSubmissions, m.BurdenAfter = 4, 3, 60 }), nil, false, true,
			[]string{"逾期 4 项", ";逾期未报送材料 3 项", ";基层负担指数不降反升"}},
		{"a tolerated rise", mod(plain, func(m *campaign.UnitMetrics) { m.BurdenAfter = 55 }),
			&campaign.ListRules{InterviewOverdue: 3, InterviewMissing: 2, InterviewBurdenRise: 0.10}, false, false, nil},
		{"a rise above the tolerance", mod(plain, func(m *campaign.UnitMetrics) { m.BurdenAfter = 55.5 }),
			&campaign.ListRules{InterviewOverdue: 3, InterviewMissing: 2, InterviewBurdenRise: 0.10}, false, true, []string{"上升 11.0%"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rules := campaign.DefaultListRules
			if tc.rules != nil {
				rules = *tc.rules
			}
			commend, interview := campaign.Suggest([]campaign.UnitMetrics{tc.m}, rules)
			if (len(commend) == 1) != tc.commend || (len(interview) == 1) != tc.interview {
				t.Fatalf("commend %+v, interview %+v; want commend=%v interview=%v", commend, interview, tc.commend, tc.interview)
			}
			var reason string
			for _, e := range append(commend, interview...) {
				if e.UnitID != tc.m.UnitID || e.UnitName != tc.m.UnitName || e.Reason == "" {
					t.Fatalf("entry %+v", e)
				}
				reason = e.Reason
			}
			for _, part := range tc.reason {
				if !strings.Contains(reason, part) {
					t.Errorf("reason %q lacks %q", reason, part)
				}
			}
		})
	}
	t.Run("order follows the input", func(t *testing.T) {
		a, b := good, good
		a.UnitID, b.UnitID = 7, 3
		commend, _ := campaign.Suggest([]campaign.UnitMetrics{a, plain, b}, campaign.DefaultListRules)
		if len(commend) != 2 || commend[0].UnitID != 7 || commend[1].UnitID != 3 {
			t.Fatalf("commend %+v", commend)
		}
	})
}
