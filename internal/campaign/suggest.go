package campaign

import (
	"fmt"
	"strings"
)

// UnitMetrics are one unit's figures at the end of a campaign, gathered by the caller from the
// ledger, the burden index, the inventory and the board (this package depends on none of them).
type UnitMetrics struct {
	UnitID   int64  `json:"unit_id"`
	UnitName string `json:"unit_name"`

	LedgerTotal   int `json:"ledger_total"`   // rectification ledger items of the unit
	LedgerClosed  int `json:"ledger_closed"`  // of which closed (销号)
	LedgerOverdue int `json:"ledger_overdue"` // of which past their deadline: open and overdue, or closed late

	BurdenBefore float64 `json:"burden_before"` // burden index at the start of the campaign
	BurdenAfter  float64 `json:"burden_after"`  // and at its end

	AssetsRetired int `json:"assets_retired"` // apps, accounts and groups taken offline
	AssetsMerged  int `json:"assets_merged"`  // merged into another

	LateSubmissions    int `json:"late_submissions"`    // tasks submitted after the due date
	MissingSubmissions int `json:"missing_submissions"` // tasks not submitted though due
}

// BurdenChange is the relative change of the burden index, (after-before)/before: -0.25 is a
// 25% reduction. ok is false when there is no baseline to compare with.
func (m UnitMetrics) BurdenChange() (change float64, ok bool) {
	if m.BurdenBefore <= 0 {
		return 0, false
	}
	return (m.BurdenAfter - m.BurdenBefore) / m.BurdenBefore, true
}

// ListRules are the thresholds Suggest applies. DefaultListRules holds the defaults.
type ListRules struct {
	// Commendation (表彰) needs all of: every ledger item closed and none overdue; the burden
	// index down by at least CommendBurdenDrop (0.20 = 20%); at most CommendMaxMissing missing
	// and CommendMaxLate late submissions.
	CommendBurdenDrop float64 `json:"commend_burden_drop"`
	CommendMaxMissing int     `json:"commend_max_missing"`
	CommendMaxLate    int     `json:"commend_max_late"`
	// 约谈 needs any of: at least InterviewOverdue overdue ledger items; at least
	// InterviewMissing missing submissions; the burden index up by more than InterviewBurdenRise
	// (0 = any rise).
	InterviewOverdue    int     `json:"interview_overdue"`
	InterviewMissing    int     `json:"interview_missing"`
	InterviewBurdenRise float64 `json:"interview_burden_rise"`
}

// DefaultListRules are the defaults: commend with all ledger items closed on time, burden down
// ≥ 20%, no missing submissions and up to one late one; 约谈 with ≥ 3 overdue items, ≥ 2 missing
// submissions, or any rise of the burden index.
var DefaultListRules = ListRules{
	CommendBurdenDrop: 0.20, CommendMaxMissing: 0, CommendMaxLate: 1,
	InterviewOverdue: 3, InterviewMissing: 2, InterviewBurdenRise: 0,
}

// Entry is one unit on a commendation or 约谈 list with the reason, in Chinese, built from its
// figures.
type Entry struct {
	UnitID   int64  `json:"unit_id"`
	UnitName string `json:"unit_name"`
	Reason   string `json:"reason"`
}

// eps absorbs floating-point error at a threshold: a drop from 1.0 to 0.8 is 20%, although
// (1.0-0.8)/1.0 is 0.19999999999999996.
const eps = 1e-9

// Suggest proposes the commendation and 约谈 lists from the units' figures, in the order the
// metrics come in. The office edits the proposal before saving it (SaveList): the figures
// suggest, people decide. A unit that qualifies for 约谈 is never commended.
func Suggest(metrics []UnitMetrics, rules ListRules) (commend, interview []Entry) {
	for _, m := range metrics {
		if reasons := interviewReasons(m, rules); len(reasons) > 0 {
			interview = append(interview, Entry{UnitID: m.UnitID, UnitName: m.UnitName, Reason: strings.Join(reasons, ";")})
			continue
		}
		if reason, ok := commendReason(m, rules); ok {
			commend = append(commend, Entry{UnitID: m.UnitID, UnitName: m.UnitName, Reason: reason})
		}
	}
	return commend, interview
}

func interviewReasons(m UnitMetrics, r ListRules) []string {
	var out []string
	if r.InterviewOverdue > 0 && m.LedgerOverdue >= r.InterviewOverdue {
		out = append(out, fmt.Sprintf("整改台账逾期 %d 项(达到 %d 项的约谈标准)", m.LedgerOverdue, r.InterviewOverdue))
	}
	if r.InterviewMissing > 0 && m.MissingSubmissions >= r.InterviewMissing {
		out = append(out, fmt.Sprintf("逾期未报送材料 %d 项(达到 %d 项的约谈标准)", m.MissingSubmissions, r.InterviewMissing))
	}
	if ch, ok := m.BurdenChange(); ok && ch > r.InterviewBurdenRise+eps {
		out = append(out, fmt.Sprintf("基层负担指数不降反升,由 %.1f 升至 %.1f(上升 %.1f%%)", m.BurdenBefore, m.BurdenAfter, ch*100))
	}
	return out
}

func commendReason(m UnitMetrics, r ListRules) (string, bool) {
	if m.LedgerClosed < m.LedgerTotal || m.LedgerOverdue > 0 {
		return "", false
	}
	ch, ok := m.BurdenChange()
	if !ok || -ch < r.CommendBurdenDrop-eps {
		return "", false
	}
	if m.MissingSubmissions > r.CommendMaxMissing || m.LateSubmissions > r.CommendMaxLate {
		return "", false
	}
	var parts []string
	if m.LedgerTotal > 0 {
		parts = append(parts, fmt.Sprintf("整改台账 %d 项全部按期销号", m.LedgerTotal))
	} else {
		parts = append(parts, "无整改台账事项")
	}
	parts = append(parts, fmt.Sprintf("基层负担指数由 %.1f 降至 %.1f(下降 %.1f%%)", m.BurdenBefore, m.BurdenAfter, -ch*100))
	if n := m.AssetsRetired + m.AssetsMerged; n > 0 {
		parts = append(parts, fmt.Sprintf("下线 %d 个、合并 %d 个政务应用、账号或群组", m.AssetsRetired, m.AssetsMerged))
	}
	switch {
	case m.MissingSubmissions == 0 && m.LateSubmissions == 0:
		parts = append(parts, "各阶段材料均按时报送")
	case m.MissingSubmissions == 0:
		parts = append(parts, fmt.Sprintf("各阶段材料均已报送(逾期 %d 项)", m.LateSubmissions))
	default:
		parts = append(parts, fmt.Sprintf("缺报材料 %d 项", m.MissingSubmissions))
	}
	return strings.Join(parts, ";"), true
}
