package api

import (
	"fmt"
	"net/http"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/intake"
	"github.com/jianfu-gov/jianfu/internal/org"
)

// Intake: the approval (立项审核) of new apps and the filing (备案) of new accounts and groups.
// intake checks permissions, scope and the rules (APP-INTAKE, APP-LEVEL, quotas, duplicates);
// the handlers here read and validate the request and shape the answer.
//
// The bodies nest the asset, the answers and the members ({"asset": {…}, "answers": {…},
// "members": […]}), so an error names its field by its JSON path in the body: asset.unit_id,
// answers.fits_plan, members. intake and catalog name them bare (unit_id, fits_plan);
// intakeFields adds the path.

// intakeTabs are the web page's tabs, each a shorthand for list filters.
var intakeTabs = map[string]func(f *intake.Filter){
	"todo": func(f *intake.Filter) { f.Actionable = true },
	"mine": func(f *intake.Filter) { f.Mine = true },
	"open": func(f *intake.Filter) { f.Open = true },
	"all":  func(*intake.Filter) {},
}

func (a *API) listIntake(w http.ResponseWriter, r *http.Request) error {
	pg, err := readPage(r)
	if err != nil {
		return err
	}
	q, err := queryText(r, "q", 100)
	if err != nil {
		return err
	}
	v := r.URL.Query()
	f := intake.Filter{Q: q, Page: pg}
	if s := v.Get("tab"); s != "" {
		set, ok := intakeTabs[s]
		if !ok {
			return errs.Field("tab", "参数 tab 应为 todo(待我审批)、mine(我的申请)、open(审批中)或 all(全部)")
		}
		set(&f)
	}
	if s := v.Get("kind"); s != "" {
		if f.Kind, err = catalog.ParseKind(s); err != nil {
			return errs.Field("kind", "参数 kind 应为 app(应用)、account(公众号)或 group(群组)")
		}
	}
	if s := v.Get("step"); s != "" {
		st, ok := intake.ParseStep(s)
		if !ok {
			return errs.Field("step", "参数 step 应为 unit、lead、office、returned、approved、rejected 或 withdrawn")
		}
		f.Step = st
	}
	// Each flag filters when true; false is the same as leaving it out.
	for _, flag := range []struct {
		name string
		to   *bool
	}{{"open", &f.Open}, {"mine", &f.Mine}, {"actionable", &f.Actionable}, {"flagged", &f.Flagged}} {
		on, err := queryBool(r, flag.name, false)
		if err != nil {
			return err
		}
		*flag.to = *flag.to || on
	}
	list, total, err := a.Intake.List(r.Context(), principal(r), f)
	if err != nil {
		return err
	}
	writeList(w, list, total, pg)
	return nil
}

func (a *API) intakeCounts(w http.ResponseWriter, r *http.Request) error {
	c, err := a.Intake.Counts(r.Context(), principal(r))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

// similarBody is a form, possibly half filled, to search duplicates for.
type similarBody struct {
	Asset   *catalog.Input        `json:"asset"`
	Members []catalog.MemberInput `json:"members"`
}

// matchesView answers the duplicate search; items is [] rather than null when nothing is alike.
type matchesView struct {
	Items []intake.Match `json:"items"`
}

// similarIntake runs the duplicate search (查重) of a submission without submitting: it writes
// nothing.
func (a *API) similarIntake(w http.ResponseWriter, r *http.Request) error {
	var in similarBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	// As for the writes: 403 for a caller who may not search at all, whatever the body.
	p := principal(r)
	if err := p.Require(org.PermCatalogRead); err != nil {
		return err
	}
	if in.Asset == nil {
		return errs.Field("asset", "请提供要查重的资产 asset(至少填写类型 kind)")
	}
	ms, err := a.Intake.Similar(r.Context(), p, *in.Asset, in.Members)
	if err != nil {
		return intakeFields(err, in.Asset)
	}
	if ms == nil {
		ms = []intake.Match{}
	}
	httpx.WriteJSON(w, http.StatusOK, matchesView{Items: ms})
	return nil
}

// submitBody files a new asset for approval. Answers are for apps; a filing's are dropped.
// Members are for groups.
type submitBody struct {
	Asset   *catalog.Input        `json:"asset"`
	Answers intake.Answers        `json:"answers"`
	Members []catalog.MemberInput `json:"members"`
}

func (a *API) submitIntake(w http.ResponseWriter, r *http.Request) error {
	var in submitBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := mayWrite(r)
	if err != nil {
		return err
	}
	if in.Asset == nil {
		return errs.Field("asset", "请提供申请的资产 asset")
	}
	if err := applyingOnly(in.Asset); err != nil {
		return err
	}
	req, err := a.Intake.Submit(r.Context(), p, *in.Asset, in.Answers, in.Members)
	if err != nil {
		return intakeFields(err, in.Asset)
	}
	writeCreated(w, fmt.Sprintf("%sintake/%d", Prefix, req.ID), req)
	return nil
}

// applyingOnly refuses a status in a request's asset: the asset is 申请中 until the request is
// decided, and a status in the body would otherwise be dropped without a word.
func applyingOnly(in *catalog.Input) error {
	if in.Status == "" {
		return nil
	}
	if s, err := catalog.ParseStatus(string(in.Status)); err == nil && s == catalog.Applying {
		return nil
	}
	return errs.Field("asset.status", "申请中的资产不能设置状态:审批通过后为“在用”,未通过或撤回为“未通过”")
}

func (a *API) getIntake(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	req, err := a.Intake.Get(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, req)
	return nil
}

// mayWrite is checked before intake's writes: nobody without catalog.write may submit, review,
// withdraw or resubmit anything, so the answer is 403 whether or not the request is in the
// caller's scope, and whatever else is wrong with the body (intake checks the body and the scope
// of Decide, Withdraw and Resubmit before the permission).
func mayWrite(r *http.Request) (org.Principal, error) {
	p := principal(r)
	return p, p.Require(org.PermCatalogWrite)
}

// decideActions are the decisions by code and by Chinese name (the names intake's own message
// uses), and answerFields the fields of intake.Answers as intake names them in errors.
var (
	decideActions = map[string]intake.Action{}
	answerFields  = map[string]bool{}
)

func init() {
	for _, act := range []intake.Action{intake.ActApprove, intake.ActReturn, intake.ActReject} {
		decideActions[string(act)] = act
		decideActions[act.Label()] = act
	}
	for _, q := range intake.Questions {
		answerFields[q.Field] = true
	}
}

func (a *API) decideIntake(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var d intake.Decision
	if err := decodeJSON(w, r, &d); err != nil {
		return err
	}
	p, err := mayWrite(r)
	if err != nil {
		return err
	}
	act, ok := decideActions[string(d.Action)]
	if !ok {
		return errs.Field("action", "action 应为 approve(同意)、return(退回修改)或 reject(不同意)")
	}
	d.Action = act
	if d.Step != "" {
		st, ok := intake.ParseStep(string(d.Step))
		if !ok {
			return errs.Field("step", "step 应为申请当前所在环节:unit、lead 或 office")
		}
		d.Step = st
	}
	req, err := a.Intake.Decide(r.Context(), p, id, d)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, req)
	return nil
}

// withdrawBody takes a request back; the reason is optional.
type withdrawBody struct {
	Reason string `json:"reason"`
}

func (a *API) withdrawIntake(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in withdrawBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := mayWrite(r)
	if err != nil {
		return err
	}
	req, err := a.Intake.Withdraw(r.Context(), p, id, in.Reason)
	if err != nil {
		// intake checks the reason as a comment.
		return renameField(err, "comment", "reason")
	}
	httpx.WriteJSON(w, http.StatusOK, req)
	return nil
}

// resubmitBody corrects a returned request. Asset, when given, replaces the asset's fields as PUT
// /assets/{id} does; members, when given, a group's member list ([] clears it). The answers are
// given again in full.
type resubmitBody struct {
	Asset   *catalog.Input         `json:"asset"`
	Answers intake.Answers         `json:"answers"`
	Members *[]catalog.MemberInput `json:"members"`
}

func (a *API) resubmitIntake(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in resubmitBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := mayWrite(r)
	if err != nil {
		return err
	}
	if in.Asset != nil {
		if err := applyingOnly(in.Asset); err != nil {
			return err
		}
	}
	var members []catalog.MemberInput
	if in.Members != nil {
		members = *in.Members
		if members == nil {
			members = []catalog.MemberInput{} // present and empty: clear the list
		}
	}
	req, err := a.Intake.Resubmit(r.Context(), p, id, in.Asset, in.Answers, members)
	if err != nil {
		return intakeFields(err, in.Asset)
	}
	httpx.WriteJSON(w, http.StatusOK, req)
	return nil
}

// intakeFields names the field of a refused submission by its path in the body: the five
// answers under answers., a list of member problems (第 N 项 …, in details) under members, and
// every other field, which intake and catalog name as catalog.Input's, under asset. (as the body
// named it: unit_code rather than unit_id when the body gave the code).
func intakeFields(err error, in *catalog.Input) error {
	e, ok := errs.As(err)
	if !ok || e.Kind != errs.Invalid {
		return err
	}
	if l, ok := errs.ListOf(err); ok {
		return &errs.Error{Kind: errs.Invalid, Field: "members", Msg: e.Msg, Err: l}
	}
	switch {
	case e.Field == "" || e.Field == "members":
		return err
	case answerFields[e.Field]:
		return renameField(err, e.Field, "answers."+e.Field)
	}
	if in != nil {
		err = byCode(err, *in)
	}
	e, _ = errs.As(err)
	return renameField(err, e.Field, "asset."+e.Field)
}
