package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/filing"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/inspect"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// Inspections (监督检查) and 双随机、一公开 spot checks: plans with a checklist, the reproducible
// draw of targets and inspectors, results per target and checklist item, failed items turned
// into ledger items, conflicts of interest, and the public page of every draw.
//
// Who may do what is decided by the inspect and rectify packages (see their docs); the pages
// only offer the forms a caller may use and show the packages' Chinese errors beside the fields.

func (s *Server) inspectionRoutes(mux *http.ServeMux) {
	mux.Handle("GET /inspections", s.page(org.PermCatalogRead, s.inspections))
	mux.Handle("GET /inspections/new", s.page(org.PermCatalogRead, s.inspectionNew))
	mux.Handle("POST /inspections/new", s.page(org.PermCatalogRead, s.inspectionCreate))
	mux.Handle("GET /inspections/conflicts", s.page(org.PermCatalogRead, s.inspectionConflicts))
	mux.Handle("POST /inspections/conflicts", s.page(org.PermCatalogRead, s.inspectionConflictDeclare))
	mux.Handle("GET /inspections/{id}", s.page(org.PermCatalogRead, s.inspection))
	mux.Handle("POST /inspections/{id}/draw", s.page(org.PermCatalogRead, s.inspectionDraw))
	mux.Handle("POST /inspections/{id}/start", s.page(org.PermCatalogRead, s.inspectionStart))
	mux.Handle("POST /inspections/{id}/finish", s.page(org.PermCatalogRead, s.inspectionFinish))
	mux.Handle("POST /inspections/{id}/results", s.page(org.PermCatalogRead, s.inspectionResults))
	mux.Handle("POST /inspections/{id}/failed/{rid}/ledger", s.page(org.PermCatalogRead, s.inspectionFile))
	mux.Handle("GET /inspections/{id}/verify", s.page(org.PermCatalogRead, s.inspectionVerify))

	// 一公开: the published draw, for anyone, without a login.
	mux.HandleFunc("GET /public/draws/{id}", s.publicDraw)
	mux.HandleFunc("GET /public/draws/{id}/export", s.publicDrawExport)
}

// manages reports whether p runs inspections (inspect's rule: the office and administrators).
func manages(p org.Principal) bool { return p.Has(org.RoleAdmin) || p.Has(org.RoleOffice) }

// filesLedger reports whether p may record ledger items (rectify's write roles).
func filesLedger(p org.Principal) bool {
	for _, r := range []org.Role{org.RoleAdmin, org.RoleOffice, org.RoleLead, org.RoleLiaison, org.RoleInspector} {
		if p.Has(r) {
			return true
		}
	}
	return false
}

type inspectionsData struct {
	Plans       []inspect.Plan
	Assignments []inspect.Assignment
	CanManage   bool
}

func (s *Server) inspections(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	plans, err := inspect.Plans(r.Context(), s.DB, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	mine, err := inspect.MyAssignments(r.Context(), s.DB, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "inspections", view{Title: "检查抽查", Active: "inspections",
		Data: inspectionsData{Plans: plans, Assignments: mine, CanManage: manages(p)}})
}

// planForm is the new-plan form as entered, so that a refused form comes back filled in.
type planForm struct {
	UnitID         int64
	Name, Kind     string
	Period         string
	Ratio          string
	PerTarget      string
	InspectorRatio string
	AssetKinds     []string
	Items          string
}

type planFormData struct {
	In    planForm
	Units []org.Unit
	Kinds []catalog.Kind
}

func (s *Server) planFormView(r *http.Request, p org.Principal, in planForm) (view, error) {
	units, err := s.Org.AllUnits(r.Context(), p)
	if err != nil {
		return view{}, err
	}
	return view{Title: "新建检查计划", Active: "inspections", Data: planFormData{In: in, Units: units, Kinds: catalog.Kinds}}, nil
}

func (s *Server) inspectionNew(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	if !manages(p) {
		s.fail(w, r, errs.E(errs.Forbidden, "只有领导小组办公室或系统管理员可以管理检查计划"))
		return
	}
	in := planForm{Kind: string(inspect.SpotCheck), Ratio: "10%", PerTarget: strconv.Itoa(inspect.DefaultPerTarget)}
	if u, err := s.Org.Unit(r.Context(), p, p.Scope.UnitID); err == nil {
		in.UnitID = u.ID
	}
	v, err := s.planFormView(r, p, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "inspection_form", v)
}

// parseRatio reads a share written as a fraction (0.1) or a percentage (10%); "" is the default.
func parseRatio(field, label, s string) (float64, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "%", "%"))
	if s == "" {
		return 0, nil
	}
	pct := strings.HasSuffix(s, "%")
	f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "%")), 64)
	if err != nil {
		return 0, errs.Field(field, label+"应为数字,如 0.10 或 10%")
	}
	if pct {
		f /= 100
	}
	if f == 0 {
		return 0, errs.Field(field, label+"应大于 0")
	}
	return f, nil
}

// checklistLines turns the textarea, one item a line, into checklist items numbered 1, 2, …
func checklistLines(text string) []inspect.ItemInput {
	var out []inspect.ItemInput
	for line := range strings.Lines(text) {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, inspect.ItemInput{Code: strconv.Itoa(len(out) + 1), Text: line})
		}
	}
	return out
}

func (in planForm) input() (inspect.PlanInput, error) {
	pi := inspect.PlanInput{UnitID: in.UnitID, Name: in.Name, Kind: inspect.PlanKind(in.Kind), Period: in.Period, Items: checklistLines(in.Items)}
	if in.UnitID == 0 {
		return pi, errs.Field("unit_id", "请选择组织检查的单位")
	}
	var err error
	if pi.Ratio, err = parseRatio("ratio", "抽取比例", in.Ratio); err != nil {
		return pi, err
	}
	if pi.InspectorRatio, err = parseRatio("inspector_ratio", "检查员抽取比例", in.InspectorRatio); err != nil {
		return pi, err
	}
	if t := strings.TrimSpace(in.PerTarget); t != "" {
		if pi.PerTarget, err = strconv.Atoi(t); err != nil {
			return pi, errs.Field("per_target", "每个检查对象的检查员人数应为整数")
		}
		if pi.PerTarget < inspect.MinPerTarget {
			return pi, errs.Field("per_target", fmt.Sprintf("每个检查对象至少需要 %d 名检查员", inspect.MinPerTarget))
		}
	}
	for _, k := range in.AssetKinds {
		pi.AssetKinds = append(pi.AssetKinds, catalog.Kind(k))
	}
	return pi, nil
}

func (s *Server) inspectionCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	in := planForm{Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind"), Period: r.PostFormValue("period"),
		Ratio: r.PostFormValue("ratio"), PerTarget: r.PostFormValue("per_target"), InspectorRatio: r.PostFormValue("inspector_ratio"),
		AssetKinds: r.PostForm["asset_kinds"], Items: r.PostFormValue("items")}
	unitErr := error(nil)
	if u := strings.TrimSpace(r.PostFormValue("unit_id")); u != "" {
		id, err := strconv.ParseInt(u, 10, 64)
		if err != nil || id <= 0 {
			unitErr = errs.Field("unit_id", "请选择组织检查的单位")
		}
		in.UnitID = id
	}
	pi, err := in.input()
	if unitErr != nil {
		err = unitErr
	}
	var plan inspect.Plan
	if err == nil {
		plan, err = inspect.CreatePlan(r.Context(), s.DB, p, pi)
	}
	if err != nil {
		v, verr := s.planFormView(r, p, in)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		s.formError(w, r, "inspection_form", itemFieldError(v, err), err)
		return
	}
	redirect(w, r, "/inspections/"+strconv.FormatInt(plan.ID, 10), "created")
}

// itemFieldError shows an error of checklist item n ("items[n]") beside the checklist.
func itemFieldError(v view, err error) view {
	f := httpx.Field(err)
	if strings.HasPrefix(f, "items[") {
		n := strings.TrimSuffix(strings.TrimPrefix(f, "items["), "]")
		v.FieldErr = map[string]string{"items": "第 " + n + " 项:" + httpx.Message(err)}
	}
	return v
}

// cell is one checklist item of one target: its result, if recorded.
type cell struct {
	Item   inspect.Item
	Result *inspect.Result
}

// targetRow is one target of the plan with its results, in checklist order.
type targetRow struct {
	T         inspect.Target
	Cells     []cell
	CanRecord bool // the caller may record results for it now
	Mine      bool // the caller is one of its inspectors
}

type planData struct {
	Plan      inspect.Plan
	Draw      *inspect.StoredDraw
	Rows      []targetRow
	Failed    []inspect.FailedItem
	CanManage bool
	CanFile   bool
	Seed      string
	Workdays  int
	Limited   bool // an assigned inspector's view of a plan outside their scope: their targets only

	Ratio, InspectorRatio string // the plan's shares as percentages
}

// bpText writes basis points as a percentage: 1000 → "10%", 1250 → "12.5%".
func bpText(bp int) string {
	s := strings.TrimRight(strings.TrimRight(fmt.Sprintf("%d.%02d", bp/100, bp%100), "0"), ".")
	return s + "%"
}

// planError is what a refused action on the plan page shows: the message at the top and, for a
// field, beside it under key.
type planError struct {
	err error
	key string
}

func (s *Server) inspection(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPlan(w, r, id, nil)
}

// planData reads everything the plan page shows.
func (s *Server) planData(r *http.Request, p org.Principal, id int64) (planData, error) {
	ctx := r.Context()
	pv, err := s.planFor(r, p, id)
	if err != nil {
		return planData{}, err
	}
	plan, targets := pv.plan, pv.targets
	d := planData{Plan: plan, Limited: pv.limited, CanManage: manages(p) && !pv.limited, CanFile: filesLedger(p) && !pv.limited,
		Workdays: filing.DefaultWorkdays, Ratio: bpText(plan.RatioBP), InspectorRatio: bpText(plan.InspectorRatioBP)}
	var results []inspect.Result
	if pv.limited {
		results = pv.results
	} else {
		results, err = inspect.Results(ctx, s.DB, p, id)
	}
	if err != nil {
		return d, err
	}
	if !pv.limited {
		if d.Failed, err = inspect.FailedItems(ctx, s.DB, id); err != nil {
			return d, err
		}
	}
	byCell := map[[2]int64]*inspect.Result{}
	for i := range results {
		byCell[[2]int64{results[i].TargetID, results[i].ItemID}] = &results[i]
	}
	for _, t := range targets {
		row := targetRow{T: t}
		for _, x := range t.Inspectors {
			if x.UserID == p.UserID {
				row.Mine = true
			}
		}
		row.CanRecord = plan.Status == inspect.InProgress && (row.Mine || d.CanManage)
		for _, it := range plan.Items {
			row.Cells = append(row.Cells, cell{Item: it, Result: byCell[[2]int64{t.ID, it.ID}]})
		}
		d.Rows = append(d.Rows, row)
		if t.DrawID != 0 && d.Draw == nil {
			sd, err := inspect.LoadDraw(ctx, s.DB, t.DrawID)
			if err != nil {
				return d, err
			}
			d.Draw = &sd
		}
	}
	return d, nil
}

// planView is a plan as the caller may see it.
type planView struct {
	plan    inspect.Plan
	targets []inspect.Target
	results []inspect.Result // only for limited views; the full view reads them itself
	limited bool
}

// planFor reads a plan and its targets in the caller's scope or, for an inspector assigned to
// targets of a plan outside their scope, what inspect.AssignedPlan lets them see.
func (s *Server) planFor(r *http.Request, p org.Principal, id int64) (planView, error) {
	ctx := r.Context()
	plan, err := inspect.GetPlan(ctx, s.DB, p, id)
	if err == nil {
		targets, err := inspect.Targets(ctx, s.DB, p, id)
		return planView{plan: plan, targets: targets}, err
	}
	if !errs.Is(err, errs.NotFound) && !errs.Is(err, errs.Forbidden) {
		return planView{}, err
	}
	plan, targets, results, aerr := inspect.AssignedPlan(ctx, s.DB, p, id)
	if errs.Is(aerr, errs.NotFound) {
		return planView{}, err // not assigned either: the scoped reader's answer
	}
	if aerr != nil {
		return planView{}, aerr
	}
	return planView{plan: plan, targets: targets, results: results, limited: true}, nil
}

// renderPlan shows the plan page, with pe's error when an action on it was refused. Errors other
// than bad input or a conflict with the plan's state (no permission, not found) get the error
// page instead.
func (s *Server) renderPlan(w http.ResponseWriter, r *http.Request, id int64, pe *planError) {
	p := httpx.CallerFrom(r.Context()).Principal()
	if pe != nil {
		if k := errs.KindOf(pe.err); k != errs.Invalid && k != errs.Conflict {
			s.fail(w, r, pe.err)
			return
		}
	}
	d, err := s.planData(r, p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := view{Title: d.Plan.Name, Active: "inspections"}
	status := http.StatusOK
	if pe != nil {
		status, v.Error = httpx.Status(pe.err), httpx.Message(pe.err)
		key := pe.key
		if key == "" {
			key = httpx.Field(pe.err)
		}
		if key != "" {
			v.FieldErr = map[string]string{key: httpx.Message(pe.err)}
		}
		d.Seed = r.PostFormValue("seed")
	}
	v.Data = d
	s.render(w, r, status, "inspection", v)
}

func (s *Server) inspectionDraw(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := inspect.RunDraw(r.Context(), s.DB, p, id, inspect.DrawOptions{Seed: r.PostFormValue("seed")}); err != nil {
		s.renderPlan(w, r, id, &planError{err: err, key: "seed"})
		return
	}
	redirect(w, r, "/inspections/"+strconv.FormatInt(id, 10), "updated")
}

func (s *Server) inspectionStart(w http.ResponseWriter, r *http.Request) {
	s.planStatus(w, r, inspect.Start)
}

func (s *Server) inspectionFinish(w http.ResponseWriter, r *http.Request) {
	s.planStatus(w, r, inspect.Finish)
}

func (s *Server) planStatus(w http.ResponseWriter, r *http.Request, move func(ctx context.Context, db *store.DB, p org.Principal, id int64) error) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := move(r.Context(), s.DB, p, id); err != nil {
		s.renderPlan(w, r, id, &planError{err: err, key: "status"})
		return
	}
	redirect(w, r, "/inspections/"+strconv.FormatInt(id, 10), "updated")
}

// inspectionResults records the results an inspector entered for one target: for each
// checklist item with an outcome chosen, outcome_<item> and note_<item>. Every entry is checked
// before any is written, so a form with a mistake writes nothing.
func (s *Server) inspectionResults(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pv, err := s.planFor(r, p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	plan := pv.plan
	tid, _ := strconv.ParseInt(r.PostFormValue("target_id"), 10, 64)
	var target *inspect.Target
	for i := range pv.targets {
		if pv.targets[i].ID == tid {
			target = &pv.targets[i]
		}
	}
	if target == nil {
		if pv.limited {
			s.fail(w, r, errs.E(errs.Forbidden, "您不是该检查对象的检查员"))
		} else {
			s.fail(w, r, errs.E(errs.NotFound, "检查对象不在本计划中"))
		}
		return
	}
	var inputs []inspect.ResultInput
	for _, it := range plan.Items {
		out := inspect.Outcome(strings.TrimSpace(r.PostFormValue(fmt.Sprintf("outcome_%d", it.ID))))
		note := strings.TrimSpace(r.PostFormValue(fmt.Sprintf("note_%d", it.ID)))
		key := fmt.Sprintf("r%d_%d", tid, it.ID)
		switch {
		case out == "" && note == "":
			continue
		case out != inspect.Pass && out != inspect.Fail && out != inspect.NA:
			s.renderPlan(w, r, id, &planError{err: errs.Field("outcome", "请为第 "+it.Code+" 项选择检查结果:符合、不符合 或 不适用"), key: key})
			return
		case out == inspect.Fail && note == "":
			s.renderPlan(w, r, id, &planError{err: errs.Field("note", "第 "+it.Code+" 项不符合,须写明问题"), key: key})
			return
		case utf8.RuneCountInString(note) > 2000:
			s.renderPlan(w, r, id, &planError{err: errs.Field("note", "第 "+it.Code+" 项的说明不超过 2000 个字"), key: key})
			return
		}
		inputs = append(inputs, inspect.ResultInput{TargetID: tid, ItemID: it.ID, Outcome: out, Note: note})
	}
	if len(inputs) == 0 {
		s.renderPlan(w, r, id, &planError{err: errs.Field("outcome", "请至少填写一项检查结果"), key: fmt.Sprintf("t%d", tid)})
		return
	}
	for _, in := range inputs {
		if _, err := inspect.RecordResult(r.Context(), s.DB, p, in); err != nil {
			s.renderPlan(w, r, id, &planError{err: err, key: fmt.Sprintf("r%d_%d", tid, in.ItemID)})
			return
		}
	}
	redirect(w, r, "/inspections/"+strconv.FormatInt(id, 10), "updated")
}

// inspectionFile turns a failed checklist item into a ledger item (整改台账) in one step, by
// package filing: the asset's accountable person as responsible (or the person whose 工号 the form
// gives, when the asset has none) and a deadline of filing.DefaultWorkdays working days. filing writes the
// item and the result's mark in one transaction, so a second office user filing the same result
// at the same moment gets a conflict and nothing is created twice.
func (s *Server) inspectionFile(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.CallerFrom(ctx).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rid, err := httpx.PathID(r, "rid")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key := fmt.Sprintf("file%d", rid)
	f, err := filing.FindInspectionFailure(ctx, s.DB, p, id, rid)
	if errs.Is(err, errs.Conflict) {
		s.renderPlan(w, r, id, &planError{err: err, key: key})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The form asks for a 工号 only when the asset has no accountable person; filing takes the
	// asset's otherwise.
	var person int64
	if f.OwnerID == 0 {
		code := strings.TrimSpace(r.PostFormValue("responsible_code"))
		if code == "" {
			s.renderPlan(w, r, id, &planError{err: errs.Field("responsible_code", "该资产没有登记责任人,请填写责任人工号"), key: key})
			return
		}
		// Looked up bureau-wide: rectify then requires the person to work in the asset's unit or
		// below, so a code from elsewhere is refused there.
		pr, err := s.Org.PersonByCode(ctx, org.System, code)
		if err != nil {
			if errs.Is(err, errs.NotFound) {
				err = errs.Field("responsible_code", "工号 "+code+" 不存在")
			}
			s.renderPlan(w, r, id, &planError{err: err, key: key})
			return
		}
		person = pr.ID
	}
	if _, err := filing.FileInspectionFailure(ctx, s.DB, p, f, filing.Options{ResponsiblePersonID: person}); err != nil {
		if httpx.Field(err) == "responsible_person_id" {
			err = errs.Field("responsible_code", httpx.Message(err))
		}
		s.renderPlan(w, r, id, &planError{err: err, key: key})
		return
	}
	redirect(w, r, "/inspections/"+strconv.FormatInt(id, 10), "created")
}

type verifyData struct {
	Plan   inspect.Plan
	Draw   inspect.StoredDraw
	Result inspect.Verification
}

// inspectionVerify re-runs the plan's stored draw (复核) and compares it with the stored result
// and the plan's targets.
func (s *Server) inspectionVerify(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	plan, err := inspect.GetPlan(r.Context(), s.DB, p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	targets, err := inspect.Targets(r.Context(), s.DB, p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var drawID int64
	for _, t := range targets {
		if t.DrawID != 0 {
			drawID = t.DrawID
			break
		}
	}
	if drawID == 0 {
		s.fail(w, r, errs.E(errs.NotFound, "该计划还没有随机抽取"))
		return
	}
	sd, err := inspect.LoadDraw(r.Context(), s.DB, drawID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := inspect.CheckStored(r.Context(), s.DB, drawID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "inspection_verify", view{Title: "复核抽取结果", Active: "inspections",
		Data: verifyData{Plan: plan, Draw: sd, Result: res}})
}

type conflictsData struct {
	Conflicts []inspect.Conflict
	Units     []org.Unit
	UnitID    int64
	UnitCode  string
	Reason    string
}

func (s *Server) conflictsView(r *http.Request, p org.Principal, d conflictsData) (view, error) {
	var err error
	if d.Conflicts, err = inspect.Conflicts(r.Context(), s.DB, p, p.UserID); err != nil {
		return view{}, err
	}
	if d.Units, err = s.Org.AllUnits(r.Context(), p); err != nil {
		return view{}, err
	}
	return view{Title: "回避申报", Active: "inspections", Data: d}, nil
}

// inspectionConflicts lists the caller's declared conflicts of interest (回避申报) with a form to
// declare one.
func (s *Server) inspectionConflicts(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	v, err := s.conflictsView(r, p, conflictsData{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "inspection_conflicts", v)
}

// inspectionConflictDeclare declares a conflict with a unit chosen from the caller's scope or,
// for a unit outside it, named by its code: a declaration reveals nothing about that unit.
func (s *Server) inspectionConflictDeclare(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	d := conflictsData{UnitCode: strings.TrimSpace(r.PostFormValue("unit_code")), Reason: r.PostFormValue("reason")}
	var err error
	if d.UnitCode != "" {
		var u org.Unit
		if u, err = s.Org.UnitByCode(r.Context(), org.System, d.UnitCode); err != nil && errs.Is(err, errs.NotFound) {
			err = errs.Field("unit_id", "单位编码 "+d.UnitCode+" 不存在")
		}
		d.UnitID = u.ID
	} else if u := strings.TrimSpace(r.PostFormValue("unit_id")); u != "" {
		if d.UnitID, err = strconv.ParseInt(u, 10, 64); err != nil || d.UnitID <= 0 {
			err = errs.Field("unit_id", "请选择单位")
		}
	} else {
		err = errs.Field("unit_id", "请选择单位或填写单位编码")
	}
	if err == nil {
		_, err = inspect.DeclareConflict(r.Context(), s.DB, p, p.UserID, d.UnitID, d.Reason)
	}
	if err != nil {
		if errs.KindOf(err) == errs.Conflict {
			e := errs.Field("unit_id", httpx.Message(err))
			e.Kind = errs.Conflict
			err = e
		}
		v, verr := s.conflictsView(r, p, d)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		s.formError(w, r, "inspection_conflicts", v, err)
		return
	}
	redirect(w, r, "/inspections/conflicts", "created")
}

// publicDraw is the published page of a draw (一公开): open to anyone, it shows only what
// inspect.Public returns (names, never ids, paths or declared conflicts).
// publicDrawOf reads the published view of the draw in the path; an unknown id is a 404 like
// any other, answered here.
func (s *Server) publicDrawOf(w http.ResponseWriter, r *http.Request) (inspect.PublicDraw, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, errs.E(errs.NotFound, "抽取记录不存在"))
		return inspect.PublicDraw{}, false
	}
	pd, err := inspect.Public(r.Context(), s.DB, id)
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			err = errs.E(errs.NotFound, "抽取记录不存在")
		}
		s.fail(w, r, err)
		return pd, false
	}
	return pd, true
}

func (s *Server) publicDraw(w http.ResponseWriter, r *http.Request) {
	pd, ok := s.publicDrawOf(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "public_draw", view{Title: "双随机抽查结果公示", Data: pd})
}

// publicDrawExport is the published result as a workbook (一公开): the same facts as the public
// page, nothing more, for posting on the bureau's website.
func (s *Server) publicDrawExport(w http.ResponseWriter, r *http.Request) {
	pd, ok := s.publicDrawOf(w, r)
	if !ok {
		return
	}
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "抽查结果公示"
	x.SetSheetName("Sheet1", sheet)
	rows := [][]any{
		{"检查计划", pd.PlanName}, {"检查期间", pd.Period}, {"组织单位", pd.UnitName},
		{"抽取时间", pd.DrawnAt.In(tz.Shanghai).Format("2006-01-02 15:04")}, {"随机种子", pd.Seed}, {"抽取算法", pd.Algorithm},
		{"抽取比例", pd.Ratio}, {"每个对象检查人员数", pd.PerTarget}, {},
		{"序号", "检查对象编码", "检查对象", "类型", "所属单位", "检查人员"},
	}
	for i, t := range pd.Targets {
		rows = append(rows, []any{i + 1, t.AssetCode, t.AssetName, t.Kind, t.UnitName, strings.Join(t.Inspectors, "、")})
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		x.SetSheetRow(sheet, cell, &row)
	}
	x.SetColWidth(sheet, "A", "A", 20)
	x.SetColWidth(sheet, "C", "C", 30)
	x.SetColWidth(sheet, "E", "F", 30)
	name := "双随机抽查结果公示_" + pd.PlanName + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	if err := x.Write(w); err != nil {
		s.Log.ErrorContext(r.Context(), "public draw export", "err", err)
	}
}
