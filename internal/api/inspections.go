package api

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/filing"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/inspect"
	"github.com/jianfu-gov/jianfu/internal/org"
)

// Inspections (监督检查) and 双随机 spot checks: plans with their checklist, the reproducible random
// draw of targets and inspectors, its published view, results by the assigned inspectors, the
// failed items that become ledger items (by package filing), and inspectors' declared conflicts
// of interest (回避申报). inspect, filing and rectify check roles and scope.

// page returns the part of items pg selects, for lists the domain returns whole.
func page[T any](items []T, pg org.Page) []T {
	if pg.Offset >= len(items) {
		return nil
	}
	return items[pg.Offset:min(len(items), pg.Offset+pg.Limit)]
}

func (a *API) listInspections(w http.ResponseWriter, r *http.Request) error {
	pg, err := readPage(r)
	if err != nil {
		return err
	}
	plans, err := inspect.Plans(r.Context(), a.DB, principal(r))
	if err != nil {
		return err
	}
	for i := range plans {
		plans[i].Items = []inspect.Item{} // the list leaves checklists out
	}
	writeList(w, page(plans, pg), len(plans), pg)
	return nil
}

func (a *API) createInspection(w http.ResponseWriter, r *http.Request) error {
	var in inspect.PlanInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	pl, err := inspect.CreatePlan(r.Context(), a.DB, principal(r), in)
	if err != nil {
		return err
	}
	writeCreated(w, fmt.Sprintf("/api/v1/inspections/%d", pl.ID), pl)
	return nil
}

// inspectionView is a plan with its targets and their inspectors.
type inspectionView struct {
	inspect.Plan
	Targets []inspect.Target `json:"targets"`
}

func (a *API) getInspection(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	pl, err := inspect.GetPlan(r.Context(), a.DB, principal(r), id)
	if err != nil {
		return err
	}
	ts, err := inspect.Targets(r.Context(), a.DB, principal(r), id)
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []inspect.Target{}
	}
	httpx.WriteJSON(w, http.StatusOK, inspectionView{Plan: pl, Targets: ts})
	return nil
}

// drawBody runs the draw; an empty seed is drawn from crypto/rand.
type drawBody struct {
	Seed string `json:"seed"`
}

// drawView is a draw as published (一公开) with the outcome of re-running it from its stored
// inputs.
type drawView struct {
	inspect.PublicDraw
	Verified bool   `json:"verified"`
	Diff     string `json:"diff,omitempty"`
}

func (a *API) drawView(r *http.Request, id int64) (drawView, error) {
	pd, err := inspect.Public(r.Context(), a.DB, id)
	if err != nil {
		return drawView{}, err
	}
	v, err := inspect.CheckStored(r.Context(), a.DB, id)
	if err != nil {
		return drawView{}, err
	}
	if pd.Targets == nil {
		pd.Targets = []inspect.PublicTarget{}
	}
	return drawView{PublicDraw: pd, Verified: v.Same, Diff: v.Diff}, nil
}

func (a *API) drawInspection(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in drawBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	sd, err := inspect.RunDraw(r.Context(), a.DB, principal(r), id, inspect.DrawOptions{Seed: in.Seed})
	if err != nil {
		return err
	}
	v, err := a.drawView(r, sd.ID)
	if err != nil {
		return err
	}
	writeCreated(w, fmt.Sprintf("/api/v1/draws/%d", sd.ID), v)
	return nil
}

// getDraw shows a draw to any logged-in user: draws are published, so no permission or scope
// applies, but the API, unlike the public web page, still wants a caller.
func (a *API) getDraw(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	v, err := a.drawView(r, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, v)
	return nil
}

// planStatusView answers a move of a plan.
type planStatusView struct {
	ID     int64          `json:"id"`
	Status inspect.Status `json:"status"`
}

func (a *API) startInspection(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := inspect.Start(r.Context(), a.DB, principal(r), id); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, planStatusView{ID: id, Status: inspect.InProgress})
	return nil
}

func (a *API) finishInspection(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := inspect.Finish(r.Context(), a.DB, principal(r), id); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, planStatusView{ID: id, Status: inspect.Done})
	return nil
}

func (a *API) recordInspectionResult(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in inspect.ResultInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.TargetID <= 0 {
		return errs.Field("target_id", "请指定检查对象(target_id,见 GET /api/v1/inspections/{id} 的 targets)")
	}
	if in.ItemID <= 0 {
		return errs.Field("item_id", "请指定检查事项(item_id,见检查计划的 items)")
	}
	// The path names the plan; a target of another plan is a bad argument. (An unknown target
	// is left to inspect, which answers 404.)
	var planID int64
	err = a.DB.QueryRowContext(r.Context(), `SELECT plan_id FROM inspection_targets WHERE id = $1`, in.TargetID).Scan(&planID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("api: read target %d: %w", in.TargetID, err)
	}
	if err == nil && planID != id {
		return errs.Field("target_id", "检查对象不属于该检查计划")
	}
	res, err := inspect.RecordResult(r.Context(), a.DB, principal(r), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, res)
	return nil
}

// failedView lists a plan's failed checklist items, filed in the ledger or not.
type failedView struct {
	Items []inspect.FailedItem `json:"items"`
}

func (a *API) failedInspectionItems(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := inspect.GetPlan(r.Context(), a.DB, principal(r), id); err != nil {
		return err
	}
	items, err := inspect.FailedItems(r.Context(), a.DB, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, failedView{Items: items})
	return nil
}

// ledgerFileBody files a failed item or a 自查 problem in the ledger. responsible_person_id may
// be left out for an inspection failure whose asset has an accountable person; deadline_workdays
// defaults to filing.DefaultWorkdays.
type ledgerFileBody struct {
	ResponsiblePersonID int64 `json:"responsible_person_id"`
	DeadlineWorkdays    int   `json:"deadline_workdays"`
}

func (b ledgerFileBody) options() (filing.Options, error) {
	if b.ResponsiblePersonID < 0 {
		return filing.Options{}, errs.Field("responsible_person_id", "responsible_person_id 应为正整数")
	}
	return filing.Options{ResponsiblePersonID: b.ResponsiblePersonID, Workdays: b.DeadlineWorkdays}, nil
}

// fileInspectionFailure turns failed result rid of plan id into a ledger item (source 抽查 or 检查
// by the plan's kind); a result filed already is a 409 naming its ledger number.
func (a *API) fileInspectionFailure(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	rid, err := httpx.PathID(r, "rid")
	if err != nil {
		return err
	}
	var in ledgerFileBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	o, err := in.options()
	if err != nil {
		return err
	}
	it, err := filing.InspectionFailure(r.Context(), a.DB, principal(r), id, rid, o)
	if err != nil {
		return err
	}
	writeCreated(w, fmt.Sprintf("/api/v1/ledger/%d", it.ID), it)
	return nil
}

// listInspectionConflicts lists the declared conflicts of interest (回避申报) of user_id, the
// caller by default; another user's are for the office and administrators, within their scope.
func (a *API) listInspectionConflicts(w http.ResponseWriter, r *http.Request) error {
	pg, err := readPage(r)
	if err != nil {
		return err
	}
	p := principal(r)
	userID, err := httpx.QueryID(r, "user_id")
	if err != nil {
		return err
	}
	if userID == 0 {
		userID = p.UserID
	}
	list, err := inspect.Conflicts(r.Context(), a.DB, p, userID)
	if errs.Is(err, errs.NotFound) {
		// A filter naming a user out of scope is a bad argument, and says no more than that.
		return errs.Field("user_id", "参数 user_id 所指用户不存在或不在您的管辖范围内")
	}
	if err != nil {
		return err
	}
	writeList(w, page(list, pg), len(list), pg)
	return nil
}

// conflictBody declares a conflict of interest of user_id (the caller by default) with a unit
// named by unit_id or, for a unit outside the caller's scope, by unit_code.
type conflictBody struct {
	UserID   int64  `json:"user_id"`
	UnitID   int64  `json:"unit_id"`
	UnitCode string `json:"unit_code"`
	Reason   string `json:"reason"`
}

func (a *API) declareInspectionConflict(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	// Before the body is read: a caller who may not declare learns nothing from it, such as
	// whether a unit code exists.
	if !p.Has(org.RoleInspector) && !p.Has(org.RoleOffice) && !p.Has(org.RoleAdmin) {
		return errs.E(errs.Forbidden, "只有检查员、领导小组办公室或系统管理员可以申报回避")
	}
	var in conflictBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	in.UnitCode = strings.TrimSpace(in.UnitCode)
	switch {
	case in.UserID < 0:
		return errs.Field("user_id", "user_id 应为正整数")
	case in.UnitID < 0:
		return errs.Field("unit_id", "unit_id 应为正整数")
	case in.UnitID != 0 && in.UnitCode != "":
		return errs.Field("unit_id", "unit_id 与 unit_code 只填其一")
	case in.UnitID == 0 && in.UnitCode == "":
		return errs.Field("unit_id", "请指定回避的单位(unit_id,或范围外单位的 unit_code)")
	}
	if in.UserID == 0 {
		in.UserID = p.UserID
	}
	if in.UnitCode != "" {
		// Looked up bureau-wide, as on the web page: a declaration reveals nothing about the unit.
		u, err := a.Org.UnitByCode(r.Context(), org.System, in.UnitCode)
		if errs.Is(err, errs.NotFound) {
			return errs.Field("unit_code", "单位编码 "+in.UnitCode+" 不存在")
		}
		if err != nil {
			return err
		}
		in.UnitID = u.ID
	}
	c, err := inspect.DeclareConflict(r.Context(), a.DB, p, in.UserID, in.UnitID, in.Reason)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, c)
	return nil
}
