package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

type findingsData struct {
	F         analyze.Filter
	Rule      string
	Severity  string
	Status    string
	Rules     []analyze.Def
	Units     []org.Unit
	Findings  []analyze.Finding
	Pager     pager
	LastRun   *analyze.RunResult
	CanReview bool
}

func (s *Server) findings(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	_, pg, err := listParams(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	d := findingsData{Rule: q.Get("rule"), Severity: q.Get("severity"), Status: q.Get("status"), CanReview: p.Can(org.PermCatalogReview)}
	f := analyze.Filter{Page: pg, Resolved: q.Get("resolved") == "1"}
	if d.Rule != "" {
		if _, ok := analyze.RuleByID(d.Rule); !ok {
			s.fail(w, r, errs.Field("rule", "规则无效"))
			return
		}
		f.RuleID = d.Rule
	}
	switch analyze.Severity(d.Severity) {
	case "", analyze.High, analyze.Medium, analyze.Low:
		f.Severity = analyze.Severity(d.Severity)
	default:
		s.fail(w, r, errs.Field("severity", "严重程度无效"))
		return
	}
	switch analyze.Status(d.Status) {
	case "", analyze.StatusNew, analyze.StatusConfirmed, analyze.StatusDismissed, analyze.StatusConverted:
		f.Status = analyze.Status(d.Status)
	default:
		s.fail(w, r, errs.Field("status", "状态无效"))
		return
	}
	if f.UnitID, err = httpx.QueryID(r, "unit_id"); err != nil {
		s.fail(w, r, err)
		return
	}
	list, total, err := analyze.List(r.Context(), s.DB, p, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Units, err = s.Org.AllUnits(r.Context(), p); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.LastRun, err = analyze.LastRun(r.Context(), s.DB, p); err != nil {
		s.fail(w, r, err)
		return
	}
	for _, rule := range analyze.Rules() {
		d.Rules = append(d.Rules, rule.Def())
	}
	sort.Slice(d.Rules, func(i, j int) bool { return d.Rules[i].ID < d.Rules[j].ID })
	d.F, d.Findings, d.Pager = f, list, newPager(r, total, pg.Limit, pg.Offset)
	s.render(w, r, http.StatusOK, "findings", view{Title: "体检发现", Active: "findings", Data: d})
}

// findingsRun runs the health check for today (China time) over the whole bureau.
func (s *Server) findingsRun(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	if _, err := analyze.Run(r.Context(), s.DB, p, time.Now().In(tz.Shanghai)); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/findings", "analyzed")
}

type findingData struct {
	F         analyze.Finding
	Evidence  []kv
	CanReview bool
	Overlap   *overlapView // GRP-DUP: who is in which of the groups
	Convert   convertForm  // the form turning the finding into a ledger item
	LedgerID  int64        // the ledger item the finding was converted into
	LedgerNo  string
}

// overlapView is the members of a cluster of overlapping groups: one row a member, one column a
// group, those in every group first, so the office sees who would be merged with whom.
type overlapView struct {
	Groups []analyze.AssetRef
	Rows   []overlapRow
	Common int // members in every group
}

type overlapRow struct {
	Name, Code, Unit string
	In               []bool
	All              bool
}

// clusterMembers builds the overlap view from the groups' member lists, read with the caller's
// scope like any member list.
func (s *Server) clusterMembers(r *http.Request, p org.Principal, groups []analyze.AssetRef) (*overlapView, error) {
	v := &overlapView{Groups: groups}
	index := map[string]int{}
	for gi, g := range groups {
		members, _, err := s.Catalog.Members(r.Context(), p, g.ID, org.Page{Limit: org.MaxPage})
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			key := m.PersonCode
			if key == "" {
				key = "ext:" + m.Name
			}
			i, ok := index[key]
			if !ok {
				i = len(v.Rows)
				index[key] = i
				v.Rows = append(v.Rows, overlapRow{Name: m.Name, Code: m.PersonCode, Unit: m.UnitName, In: make([]bool, len(groups))})
			}
			v.Rows[i].In[gi] = true
		}
	}
	for i := range v.Rows {
		v.Rows[i].All = !slices.Contains(v.Rows[i].In, false)
		if v.Rows[i].All {
			v.Common++
		}
	}
	sort.SliceStable(v.Rows, func(i, j int) bool { return v.Rows[i].All && !v.Rows[j].All })
	return v, nil
}

type kv struct{ K, V string }

func (s *Server) finding(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderFinding(w, r, p, id, nil)
}

func (s *Server) renderFinding(w http.ResponseWriter, r *http.Request, p org.Principal, id int64, ferr error) {
	s.renderFindingForm(w, r, p, id, ferr, convertForm{Workdays: "10"})
}

// renderFindingForm is renderFinding with the conversion form as typed, its error beside the field.
func (s *Server) renderFindingForm(w http.ResponseWriter, r *http.Request, p org.Principal, id int64, ferr error, cf convertForm) {
	f, err := analyze.Get(r.Context(), s.DB, p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := findingData{F: f, Evidence: evidenceRows(f.Evidence), CanReview: p.Can(org.PermCatalogReview), Convert: cf}
	d.LedgerID, d.LedgerNo = s.ledgerOfFinding(r, id)
	if f.RuleID == "GRP-DUP" {
		if d.Overlap, err = s.clusterMembers(r, p, f.Assets); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	v := view{Title: f.Title, Active: "findings", Data: d}
	status := http.StatusOK
	if ferr != nil {
		if httpx.Status(ferr) == http.StatusInternalServerError {
			s.fail(w, r, ferr)
			return
		}
		status, v.Error = httpx.Status(ferr), httpx.Message(ferr)
		if f := httpx.Field(ferr); f != "" {
			v.FieldErr = map[string]string{f: v.Error}
		}
	}
	s.render(w, r, status, "finding", v)
}

// evidenceRows shows a finding's evidence (a JSON object) as key–value rows in key order.
// evidenceLabels name the evidence keys the rules use, so that a finding reads in Chinese; a key
// without a label is shown as it is.
var evidenceLabels = map[string]string{
	"last_post_on": "最近发布日期", "days_since": "距今天数", "threshold_days": "阈值(天)", "check_date": "检查日期",
	"window_from": "统计起始日", "window_to": "统计截止日", "messages": "消息数", "after_hours": "非工作时间消息数",
	"share": "占比", "threshold_share": "占比阈值", "demands": "留痕类要求消息数", "per_workday": "每个工作日",
	"threshold_per_workday": "每个工作日阈值", "workdays": "工作日数", "target_users": "目标用户数",
	"mean_active_users": "日均活跃用户", "days_reported": "有数据天数", "groups": "群组", "pairs": "两两比较",
	"keep": "建议保留", "threshold_jaccard": "重合度阈值", "threshold_containment": "包含度阈值", "members": "成员",
	"names": "姓名", "externals": "名录外成员", "count": "人数", "owner": "群主", "owner_status": "群主状态",
	"load": "合并前后的消息量(每人每工作日)", "task_end_on": "任务结束日期", "approval_ref": "审批备案文号",
	"filing_no": "备案编号", "operator": "注册主体", "platform": "平台", "forms": "表单", "features": "功能",
	"feature_labels": "强制功能", "mlps_level": "等保级别", "mlps_assessed_on": "等保测评日期", "score": "相似度",
	"shared_terms": "共同用语", "shared_forms": "共同表单", "unit": "单位", "accounts": "账号", "apps": "应用",
	"threshold": "阈值", "a": "甲", "b": "乙",
}

func evidenceRows(raw json.RawMessage) []kv {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return []kv{{"evidence", string(raw)}}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]kv, 0, len(keys))
	for _, k := range keys {
		out = append(out, kv{evidenceLabel(k), evidenceText(m[k])})
	}
	return out
}

func evidenceLabel(k string) string {
	if l, ok := evidenceLabels[k]; ok {
		return l
	}
	return k
}

// evidenceText writes a decoded JSON value for people rather than programs: a list of words
// joined with 、, a list of objects one per line, an object as label:value pairs, no quotes
// or braces.
func evidenceText(v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		return x
	case bool:
		if x {
			return "是"
		}
		return "否"
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		if len(x) == 0 {
			return "—"
		}
		sep := "、"
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = evidenceText(e)
			if _, ok := e.(map[string]any); ok {
				sep = "\n"
			}
		}
		return strings.Join(parts, sep)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = evidenceLabel(k) + ":" + evidenceText(x[k])
		}
		return strings.Join(parts, ";")
	}
	return fmt.Sprint(v)
}

func (s *Server) findingDecide(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch r.PathValue("action") {
	case "confirm":
		_, err = analyze.Confirm(r.Context(), s.DB, p, id)
	case "dismiss":
		_, err = analyze.Dismiss(r.Context(), s.DB, p, id, r.PostFormValue("reason"))
	default:
		err = errs.E(errs.NotFound, "操作不存在")
	}
	if err != nil {
		s.renderFinding(w, r, p, id, err)
		return
	}
	redirect(w, r, "/findings/"+strconv.FormatInt(id, 10), "updated")
}

// findingsExport writes the findings the list shows (all pages) as an XLSX workbook, in the
// columns a 问题清单 uses.
func (s *Server) findingsExport(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	q := r.URL.Query()
	f := analyze.Filter{RuleID: q.Get("rule"), Severity: analyze.Severity(q.Get("severity")), Status: analyze.Status(q.Get("status")),
		Resolved: q.Get("resolved") == "1"}
	if f.RuleID != "" {
		if _, ok := analyze.RuleByID(f.RuleID); !ok {
			s.fail(w, r, errs.Field("rule", "规则无效"))
			return
		}
	}
	var err error
	if f.UnitID, err = httpx.QueryID(r, "unit_id"); err != nil {
		s.fail(w, r, err)
		return
	}
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "体检发现"
	x.SetSheetName("Sheet1", sheet)
	header := []any{"序号", "级别", "规则", "规则名称", "问题", "所属单位", "涉及资产", "建议处置", "状态", "驳回理由", "依据"}
	x.SetSheetRow(sheet, "A1", &header)
	row := 2
	for off := 0; ; off += org.MaxPage {
		f.Page = org.Page{Limit: org.MaxPage, Offset: off}
		list, total, err := analyze.List(r.Context(), s.DB, p, f)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, it := range list {
			var assets []string
			for _, a := range it.Assets {
				assets = append(assets, a.Name+"("+a.Code+")")
			}
			vals := []any{row - 1, it.Severity.Label(), it.RuleID, it.Title, it.Summary, it.UnitName, strings.Join(assets, "、"),
				it.Disposition, it.Status.Label(), it.Reason, it.Basis}
			cell, _ := excelize.CoordinatesToCellName(1, row)
			x.SetSheetRow(sheet, cell, &vals)
			row++
		}
		if off+len(list) >= total || len(list) == 0 {
			break
		}
	}
	x.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	for col, width := range map[string]float64{"E": 60, "G": 40, "K": 50, "D": 24, "F": 20} {
		x.SetColWidth(sheet, col, col, width)
	}
	name := "体检发现_" + time.Now().In(tz.Shanghai).Format("20060102") + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	if err := x.Write(w); err != nil {
		s.Log.ErrorContext(r.Context(), "write findings export", "err", err)
	}
}
