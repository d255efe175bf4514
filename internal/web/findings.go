package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

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
	f, err := analyze.Get(r.Context(), s.DB, p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := view{Title: f.Title, Active: "findings", Data: findingData{F: f, Evidence: evidenceRows(f.Evidence), CanReview: p.Can(org.PermCatalogReview)}}
	status := http.StatusOK
	if ferr != nil {
		if httpx.Status(ferr) == http.StatusInternalServerError {
			s.fail(w, r, ferr)
			return
		}
		status, v.Error = httpx.Status(ferr), httpx.Message(ferr)
	}
	s.render(w, r, status, "finding", v)
}

// evidenceRows shows a finding's evidence (a JSON object) as key–value rows in key order.
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
		val := m[k]
		text := fmt.Sprint(val)
		if _, ok := val.(string); !ok {
			if b, err := json.Marshal(val); err == nil {
				text = string(b)
			}
		}
		out = append(out, kv{k, text})
	}
	return out
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
