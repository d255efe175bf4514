package api

import (
	"net/http"

	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// The health check (体检): the rules, runs over the whole bureau, and the findings they leave,
// which are read within the caller's subtree (by the finding's unit) and confirmed or dismissed
// by reviewers. analyze checks permissions and scope; the handlers validate the request.

// rulesView lists the rule definitions; they are not paged.
type rulesView struct {
	Items []analyze.Def `json:"items"`
}

func (a *API) listRules(w http.ResponseWriter, r *http.Request) error {
	if err := principal(r).Require(org.PermCatalogRead); err != nil {
		return err
	}
	out := rulesView{Items: []analyze.Def{}}
	for _, rl := range analyze.Rules() {
		out.Items = append(out.Items, rl.Def())
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

var (
	findingSeverities = map[string]analyze.Severity{"high": analyze.High, "medium": analyze.Medium, "low": analyze.Low}
	findingStatuses   = map[string]analyze.Status{"new": analyze.StatusNew, "confirmed": analyze.StatusConfirmed,
		"dismissed": analyze.StatusDismissed, "converted": analyze.StatusConverted}
)

func (a *API) listFindings(w http.ResponseWriter, r *http.Request) error {
	pg, err := readPage(r)
	if err != nil {
		return err
	}
	v := r.URL.Query()
	f := analyze.Filter{Page: pg}
	if s := v.Get("rule"); s != "" {
		if _, ok := analyze.RuleByID(s); !ok {
			return errs.Field("rule", "参数 rule 不是已知的规则编号(见 GET /api/v1/rules)")
		}
		f.RuleID = s
	}
	if s := v.Get("severity"); s != "" {
		sev, ok := findingSeverities[s]
		if !ok {
			return errs.Field("severity", "参数 severity 应为 high(高)、medium(中)或 low(低)")
		}
		f.Severity = sev
	}
	if s := v.Get("status"); s != "" {
		st, ok := findingStatuses[s]
		if !ok {
			return errs.Field("status", "参数 status 应为 new(新发现)、confirmed(已确认)、dismissed(已驳回)或 converted(已转整改)")
		}
		f.Status = st
	}
	if f.UnitID, err = httpx.QueryID(r, "unit_id"); err != nil {
		return err
	}
	if f.AssetID, err = httpx.QueryID(r, "asset_id"); err != nil {
		return err
	}
	if f.Resolved, err = queryBool(r, "resolved", false); err != nil {
		return err
	}
	list, total, err := analyze.List(r.Context(), a.DB, principal(r), f)
	if err != nil {
		return scopeFilterErr(err, "unit_id", f.UnitID)
	}
	writeList(w, list, total, pg)
	return nil
}

func (a *API) getFinding(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	f, err := analyze.Get(r.Context(), a.DB, principal(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, f)
	return nil
}

// runBody starts a run; the check date defaults to today (Shanghai).
type runBody struct {
	Date catalog.Date `json:"date"`
}

func (a *API) runFindings(w http.ResponseWriter, r *http.Request) error {
	var in runBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	p := principal(r)
	if err := p.Require(org.PermCatalogReview); err != nil {
		return err
	}
	at := in.Date.Time
	if at.IsZero() {
		at = tz.Today()
	}
	res, err := analyze.Run(r.Context(), a.DB, p, at)
	if err != nil {
		return renameField(err, "check_date", "date")
	}
	httpx.WriteJSON(w, http.StatusCreated, res)
	return nil
}

func (a *API) latestRun(w http.ResponseWriter, r *http.Request) error {
	res, err := analyze.LastRun(r.Context(), a.DB, principal(r))
	if err != nil {
		return err
	}
	if res == nil {
		return errs.E(errs.NotFound, "尚未进行过体检")
	}
	httpx.WriteJSON(w, http.StatusOK, res)
	return nil
}

func (a *API) confirmFinding(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	f, err := analyze.Confirm(r.Context(), a.DB, principal(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, f)
	return nil
}

// dismissBody rejects a finding; the reason is required.
type dismissBody struct {
	Reason string `json:"reason"`
}

func (a *API) dismissFinding(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in dismissBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	// 403 for a caller who may not decide at all, whatever the body says.
	p := principal(r)
	if err := p.Require(org.PermCatalogReview); err != nil {
		return err
	}
	f, err := analyze.Dismiss(r.Context(), a.DB, p, id, in.Reason)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, f)
	return nil
}
