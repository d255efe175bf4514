// Package inspect runs inspections (监督检查) and 双随机、一公开 spot checks of the inventory:
// plans with a checklist (检查事项清单), targets chosen by hand or by a reproducible random
// draw, the inspectors of each target, and the result of every checklist item.
//
// # Scope
//
// A plan belongs to the unit that runs it. A caller with catalog.read may read plans whose unit
// lies in their scope; since targets are drawn only from the plan unit's subtree, a visible
// plan's targets are in scope too. The campaign office and administrators (roles office, admin)
// create, draw and move plans, within their scope. An inspector records results only for the
// targets assigned to them, whatever their scope: the assignment is the permission.
//
// # The draw
//
// Draw is a pure function of a DrawInput, which holds the seed, the algorithm version, the
// settings and the complete candidate list and inspector pool; RunDraw gathers that input from
// the live inventory, runs Draw and stores both as canonical JSON, so Verify (and anyone with the
// published inputs) can recompute the result. The algorithm, "jianfu-draw-v1":
//
//  1. Canonical order: candidates by stratum (asset kind app, account, group × unit level corps,
//     detachment, brigade, station, department) then asset code; inspectors by user id.
//  2. Randomness: ChaCha8 keyed with SHA-256 of the seed string; a number in [0, n) takes
//     Uint64 values, rejecting those below 2^64 mod n, and reduces mod n; a shuffle is
//     Fisher–Yates from the last element down.
//  3. Each non-empty stratum, in order, is shuffled and its first ceil(size × ratio) (at least 1)
//     candidates are drawn.
//  4. The team is ceil(pool × inspector ratio) inspectors (at least the per-target count): the
//     whole pool, or the first k of a shuffle of it.
//  5. Drawn targets, in canonical order, each take the per-target count of team members that are
//     not recused (see Recused), preferring the least loaded; ties are broken by a shuffle of the
//     eligible members followed by a stable sort by load.
//  6. Rebalance, without randomness: while some target has an inspector a and an eligible,
//     unassigned inspector b with load(a) − load(b) ≥ 2, give b the target instead of a.
//
// So every drawn target has the requested number of distinct, non-recused inspectors, and no
// single reassignment could narrow any gap in load; without recusal constraints loads differ by
// at most 1. When recusal leaves a target too few inspectors the draw fails and nothing is stored.
package inspect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// PlanKind distinguishes a random spot check from a planned inspection.
type PlanKind string

// The kinds of plan.
const (
	SpotCheck  PlanKind = "spot"       // 抽查
	Inspection PlanKind = "inspection" // 检查
)

// Label is the kind's Chinese name.
func (k PlanKind) Label() string {
	return map[PlanKind]string{SpotCheck: "抽查", Inspection: "检查"}[k]
}

// Status is where a plan is in its life: draft → drawn → in_progress → done. A plan whose
// targets are chosen by hand goes from draft straight to in_progress.
type Status string

// The statuses.
const (
	Draft      Status = "draft"       // 草稿
	Drawn      Status = "drawn"       // 已抽取
	InProgress Status = "in_progress" // 检查中
	Done       Status = "done"        // 已完成
)

// Label is the status's Chinese name.
func (s Status) Label() string {
	return map[Status]string{Draft: "草稿", Drawn: "已抽取", InProgress: "检查中", Done: "已完成"}[s]
}

// Item is one entry of a plan's checklist.
type Item struct {
	ID   int64  `json:"id"`
	Seq  int    `json:"seq"`
	Code string `json:"code"`
	Text string `json:"text"`
}

// ItemInput is a checklist entry as a caller gives it; the order of the list is the order of
// the checklist.
type ItemInput struct {
	Code string `json:"code"`
	Text string `json:"text"`
}

// Plan is an inspection plan (检查计划).
type Plan struct {
	ID               int64          `json:"id"`
	UnitID           int64          `json:"unit_id"`
	UnitName         string         `json:"unit_name"`
	UnitPath         string         `json:"-"`
	Name             string         `json:"name"`
	Kind             PlanKind       `json:"kind"`
	Period           string         `json:"period"`
	Status           Status         `json:"status"`
	AssetKinds       []catalog.Kind `json:"asset_kinds"` // empty: all kinds
	RatioBP          int            `json:"ratio_bp"`
	PerTarget        int            `json:"per_target"`
	InspectorRatioBP int            `json:"inspector_ratio_bp"`
	CreatedBy        string         `json:"created_by"`
	CreatedAt        time.Time      `json:"created_at"`
	UpdatedAt        time.Time      `json:"updated_at"`
	Items            []Item         `json:"items"`
}

// PlanInput is what a caller sets on a plan. Zero draw settings take the defaults; Ratio and
// InspectorRatio are fractions (0.10 = 10%), kept to basis points.
type PlanInput struct {
	UnitID         int64          `json:"unit_id"`
	Name           string         `json:"name"`
	Kind           PlanKind       `json:"kind"`
	Period         string         `json:"period"`
	AssetKinds     []catalog.Kind `json:"asset_kinds"`
	Ratio          float64        `json:"ratio"`
	PerTarget      int            `json:"per_target"`
	InspectorRatio float64        `json:"inspector_ratio"`
	Items          []ItemInput    `json:"items"`
}

func toBP(field, label string, f float64, def int) (int, error) {
	if f == 0 {
		return def, nil
	}
	if !(f > 0 && f <= 1) {
		return 0, errs.Field(field, label+"应在 0 到 1 之间(如 0.10 表示 10%)")
	}
	bp := int(f*10000 + 0.5)
	return max(bp, 1), nil
}

func (in *PlanInput) normalize() (ratio, inspRatio int, err error) {
	in.Name = strings.TrimSpace(in.Name)
	in.Period = strings.TrimSpace(in.Period)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 100 {
		return 0, 0, errs.Field("name", "计划名称不能为空,且不超过 100 个字")
	}
	if in.Period == "" || utf8.RuneCountInString(in.Period) > 50 {
		return 0, 0, errs.Field("period", "检查期间不能为空(如 2026年第四季度),且不超过 50 个字")
	}
	if in.Kind != SpotCheck && in.Kind != Inspection {
		return 0, 0, errs.Field("kind", "计划类型应为 抽查(spot) 或 检查(inspection)")
	}
	for i, k := range in.AssetKinds {
		kk, err := catalog.ParseKind(string(k))
		if err != nil {
			return 0, 0, errs.Field("asset_kinds", "资产类型应为 应用、公众号 或 群组")
		}
		in.AssetKinds[i] = kk
	}
	if in.PerTarget == 0 {
		in.PerTarget = DefaultPerTarget
	}
	if in.PerTarget < MinPerTarget || in.PerTarget > 20 {
		return 0, 0, errs.Field("per_target", fmt.Sprintf("每个检查对象的检查员人数应在 %d 到 20 之间", MinPerTarget))
	}
	if ratio, err = toBP("ratio", "抽取比例", in.Ratio, DefaultRatioBP); err != nil {
		return 0, 0, err
	}
	if inspRatio, err = toBP("inspector_ratio", "检查员抽取比例", in.InspectorRatio, DefaultInspectorRatioBP); err != nil {
		return 0, 0, err
	}
	return ratio, inspRatio, checkItems(in.Items)
}

func checkItems(items []ItemInput) error {
	if len(items) == 0 {
		return errs.Field("items", "检查事项清单不能为空:只检查清单所列事项")
	}
	seen := map[string]bool{}
	for i := range items {
		items[i].Code = strings.TrimSpace(items[i].Code)
		items[i].Text = strings.TrimSpace(items[i].Text)
		field := fmt.Sprintf("items[%d]", i+1)
		if items[i].Code == "" || utf8.RuneCountInString(items[i].Code) > 20 {
			return errs.Field(field, "检查事项编号不能为空,且不超过 20 个字符")
		}
		if items[i].Text == "" || utf8.RuneCountInString(items[i].Text) > 500 {
			return errs.Field(field, "检查事项内容不能为空,且不超过 500 个字")
		}
		if seen[items[i].Code] {
			return errs.Field(field, "检查事项编号 "+items[i].Code+" 重复")
		}
		seen[items[i].Code] = true
	}
	return nil
}

// canManage reports whether p runs inspections: the campaign office and administrators
// (DESIGN.md: the office "runs the campaign, inspections, reports").
func canManage(p org.Principal) bool { return p.Has(org.RoleAdmin) || p.Has(org.RoleOffice) }

func requireManage(p org.Principal) error {
	if !canManage(p) {
		return errs.E(errs.Forbidden, "只有领导小组办公室或系统管理员可以管理检查计划")
	}
	return nil
}

func joinKinds(ks []catalog.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ",")
}

func splitKinds(s string) []catalog.Kind {
	out := []catalog.Kind{}
	for _, k := range strings.Split(s, ",") {
		if k != "" {
			out = append(out, catalog.Kind(k))
		}
	}
	return out
}

// CreatePlan adds a draft plan run by a unit in the caller's scope, with its checklist.
func CreatePlan(ctx context.Context, db *store.DB, p org.Principal, in PlanInput) (Plan, error) {
	if err := requireManage(p); err != nil {
		return Plan{}, err
	}
	ratio, inspRatio, err := in.normalize()
	if err != nil {
		return Plan{}, err
	}
	var plan Plan
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := unitPath(ctx, tx, p.Scope, in.UnitID); err != nil {
			return err
		}
		now := store.Now()
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO inspection_plans (unit_id, name, kind, period, status, asset_kinds, ratio_bp, per_target,
			inspector_ratio_bp, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
			in.UnitID, in.Name, string(in.Kind), in.Period, string(Draft), joinKinds(in.AssetKinds), ratio, in.PerTarget, inspRatio, p.Name, now).Scan(&id)
		if err != nil {
			return fmt.Errorf("inspect: insert plan: %w", err)
		}
		if err := insertItems(ctx, tx, id, in.Items); err != nil {
			return err
		}
		if plan, err = getPlan(ctx, tx, org.Scope{All: true}, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "create", "inspection_plan", fmt.Sprint(id), nil, plan)
	})
	return plan, err
}

func insertItems(ctx context.Context, tx store.Querier, planID int64, items []ItemInput) error {
	for i, it := range items {
		if _, err := tx.ExecContext(ctx, `INSERT INTO inspection_items (plan_id, seq, code, text) VALUES ($1, $2, $3, $4)`,
			planID, i+1, it.Code, it.Text); err != nil {
			return fmt.Errorf("inspect: insert checklist item %s: %w", it.Code, err)
		}
	}
	return nil
}

// SetChecklist replaces a draft plan's checklist. Once targets are being inspected the list is
// fixed: results refer to its items.
func SetChecklist(ctx context.Context, db *store.DB, p org.Principal, planID int64, items []ItemInput) (Plan, error) {
	if err := requireManage(p); err != nil {
		return Plan{}, err
	}
	if err := checkItems(items); err != nil {
		return Plan{}, err
	}
	var after Plan
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := lockPlan(ctx, tx, p.Scope, planID)
		if err != nil {
			return err
		}
		if before.Status != Draft && before.Status != Drawn {
			return errs.E(errs.Conflict, "检查已开始,检查事项清单不能再修改")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM inspection_items WHERE plan_id = $1`, planID); err != nil {
			return fmt.Errorf("inspect: clear checklist: %w", err)
		}
		if err := insertItems(ctx, tx, planID, items); err != nil {
			return err
		}
		if after, err = getPlan(ctx, tx, org.Scope{All: true}, planID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "set_checklist", "inspection_plan", fmt.Sprint(planID), before.Items, after.Items)
	})
	return after, err
}

// unitPath reads the path of a unit in scope.
func unitPath(ctx context.Context, q store.Querier, s org.Scope, unitID int64) (string, error) {
	var path string
	err := q.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, unitID).Scan(&path)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !s.Contains(path) {
		return "", errs.Field("unit_id", "单位不存在或不在您的管辖范围内")
	}
	if err != nil {
		return "", fmt.Errorf("inspect: read unit: %w", err)
	}
	return path, nil
}

const planCols = `pl.id, pl.unit_id, u.name, u.path, pl.name, pl.kind, pl.period, pl.status, pl.asset_kinds, pl.ratio_bp, pl.per_target,
	pl.inspector_ratio_bp, pl.created_by, pl.created_at, pl.updated_at`
const planFrom = ` FROM inspection_plans pl JOIN units u ON u.id = pl.unit_id`

func scanPlan(s interface{ Scan(...any) error }) (Plan, error) {
	var pl Plan
	var kinds string
	err := s.Scan(&pl.ID, &pl.UnitID, &pl.UnitName, &pl.UnitPath, &pl.Name, &pl.Kind, &pl.Period, &pl.Status, &kinds, &pl.RatioBP,
		&pl.PerTarget, &pl.InspectorRatioBP, &pl.CreatedBy, &pl.CreatedAt, &pl.UpdatedAt)
	pl.AssetKinds = splitKinds(kinds)
	pl.CreatedAt, pl.UpdatedAt = pl.CreatedAt.UTC(), pl.UpdatedAt.UTC()
	return pl, err
}

// getPlan reads a plan and its checklist; outside the scope it does not exist for the caller.
func getPlan(ctx context.Context, q store.Querier, s org.Scope, id int64) (Plan, error) {
	w := &store.Where{}
	w.Add("pl.id = ?", id)
	s.Filter(w, "u.path")
	pl, err := scanPlan(q.QueryRowContext(ctx, `SELECT `+planCols+planFrom+w.String(), w.Args...))
	if errors.Is(err, sql.ErrNoRows) {
		return pl, errs.E(errs.NotFound, "检查计划不存在或不在您的管辖范围内")
	}
	if err != nil {
		return pl, fmt.Errorf("inspect: read plan %d: %w", id, err)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, seq, code, text FROM inspection_items WHERE plan_id = $1 ORDER BY seq`, id)
	if err != nil {
		return pl, fmt.Errorf("inspect: read checklist of plan %d: %w", id, err)
	}
	defer rows.Close()
	pl.Items = []Item{}
	for rows.Next() {
		var it Item
		if err := rows.Scan(&it.ID, &it.Seq, &it.Code, &it.Text); err != nil {
			return pl, fmt.Errorf("inspect: read checklist item: %w", err)
		}
		pl.Items = append(pl.Items, it)
	}
	return pl, rows.Err()
}

// lockPlan reads a plan in scope for a change, taking its row lock first (a no-op update) so
// that two concurrent changes of one plan's status run one after the other.
func lockPlan(ctx context.Context, tx store.Querier, s org.Scope, id int64) (Plan, error) {
	if _, err := tx.ExecContext(ctx, `UPDATE inspection_plans SET id = id WHERE id = $1`, id); err != nil {
		return Plan{}, fmt.Errorf("inspect: lock plan %d: %w", id, err)
	}
	return getPlan(ctx, tx, s, id)
}

// GetPlan returns a plan with its checklist, if its unit is in the caller's scope.
func GetPlan(ctx context.Context, q store.Querier, p org.Principal, id int64) (Plan, error) {
	if err := p.Require(org.PermCatalogRead); err != nil {
		return Plan{}, err
	}
	return getPlan(ctx, q, p.Scope, id)
}

// Plans lists the plans of units in the caller's scope, newest first (without checklists).
func Plans(ctx context.Context, q store.Querier, p org.Principal) ([]Plan, error) {
	if err := p.Require(org.PermCatalogRead); err != nil {
		return nil, err
	}
	w := &store.Where{}
	p.Scope.Filter(w, "u.path")
	rows, err := q.QueryContext(ctx, `SELECT `+planCols+planFrom+w.String()+` ORDER BY pl.id DESC`, w.Args...)
	if err != nil {
		return nil, fmt.Errorf("inspect: list plans: %w", err)
	}
	defer rows.Close()
	var out []Plan
	for rows.Next() {
		pl, err := scanPlan(rows)
		if err != nil {
			return nil, fmt.Errorf("inspect: read plan: %w", err)
		}
		out = append(out, pl)
	}
	return out, rows.Err()
}

// setStatus moves a locked plan to another status and audits the move.
func setStatus(ctx context.Context, tx store.Querier, p org.Principal, before Plan, to Status) error {
	if _, err := tx.ExecContext(ctx, `UPDATE inspection_plans SET status = $1, updated_at = $2 WHERE id = $3`,
		string(to), store.Now(), before.ID); err != nil {
		return fmt.Errorf("inspect: set status of plan %d: %w", before.ID, err)
	}
	return audit.Record(ctx, tx, p.Actor(), "status", "inspection_plan", fmt.Sprint(before.ID),
		map[string]string{"status": string(before.Status)}, map[string]string{"status": string(to)})
}

// Start opens a drawn plan, or a draft with hand-chosen targets, for inspection.
func Start(ctx context.Context, db *store.DB, p org.Principal, planID int64) error {
	if err := requireManage(p); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		pl, err := lockPlan(ctx, tx, p.Scope, planID)
		if err != nil {
			return err
		}
		if pl.Status != Draft && pl.Status != Drawn {
			return errs.E(errs.Conflict, "计划当前为“"+pl.Status.Label()+"”,不能开始检查")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM inspection_targets WHERE plan_id = $1`, planID).Scan(&n); err != nil {
			return fmt.Errorf("inspect: count targets: %w", err)
		}
		if n == 0 {
			return errs.E(errs.Invalid, "计划还没有检查对象:请先抽取或选择检查对象")
		}
		return setStatus(ctx, tx, p, pl, InProgress)
	})
}

// Finish closes a plan once every target has a result for every checklist item.
func Finish(ctx context.Context, db *store.DB, p org.Principal, planID int64) error {
	if err := requireManage(p); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		pl, err := lockPlan(ctx, tx, p.Scope, planID)
		if err != nil {
			return err
		}
		if pl.Status != InProgress {
			return errs.E(errs.Conflict, "计划当前为“"+pl.Status.Label()+"”,不能结束")
		}
		var missing int
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM inspection_targets t JOIN inspection_items i ON i.plan_id = t.plan_id
			WHERE t.plan_id = $1 AND NOT EXISTS (SELECT 1 FROM inspection_results r WHERE r.target_id = t.id AND r.item_id = i.id)`, planID).Scan(&missing)
		if err != nil {
			return fmt.Errorf("inspect: count missing results: %w", err)
		}
		if missing > 0 {
			return errs.E(errs.Conflict, fmt.Sprintf("还有 %d 项检查结果未填写,不能结束检查", missing))
		}
		return setStatus(ctx, tx, p, pl, Done)
	})
}
