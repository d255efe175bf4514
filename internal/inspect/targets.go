package inspect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// InspectorRef names an inspector of a target.
type InspectorRef struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
}

// Target is one asset under inspection in a plan, with its inspectors.
type Target struct {
	ID         int64          `json:"id"`
	PlanID     int64          `json:"plan_id"`
	AssetID    int64          `json:"asset_id"`
	AssetCode  string         `json:"asset_code"`
	AssetName  string         `json:"asset_name"`
	AssetKind  string         `json:"asset_kind"`
	UnitID     int64          `json:"unit_id"`
	UnitName   string         `json:"unit_name"`
	Stratum    string         `json:"stratum"`
	DrawID     int64          `json:"draw_id,omitempty"` // 0 when chosen by hand
	Inspectors []InspectorRef `json:"inspectors"`
}

// Targets lists a plan's targets in asset-code order, if the plan is in the caller's scope.
func Targets(ctx context.Context, q store.Querier, p org.Principal, planID int64) ([]Target, error) {
	if _, err := GetPlan(ctx, q, p, planID); err != nil {
		return nil, err
	}
	return loadTargets(ctx, q, "t.plan_id = $1", planID)
}

func loadTargets(ctx context.Context, q store.Querier, cond string, args ...any) ([]Target, error) {
	rows, err := q.QueryContext(ctx, `SELECT t.id, t.plan_id, a.id, a.code, a.name, a.kind, u.id, u.name, t.stratum, COALESCE(t.draw_id, 0)
		FROM inspection_targets t JOIN assets a ON a.id = t.asset_id JOIN units u ON u.id = a.unit_id
		WHERE `+cond+` ORDER BY a.code`, args...)
	if err != nil {
		return nil, fmt.Errorf("inspect: list targets: %w", err)
	}
	var out []Target
	idx := map[int64]int{}
	for rows.Next() {
		var t Target
		if err := rows.Scan(&t.ID, &t.PlanID, &t.AssetID, &t.AssetCode, &t.AssetName, &t.AssetKind, &t.UnitID, &t.UnitName, &t.Stratum, &t.DrawID); err != nil {
			rows.Close()
			return nil, fmt.Errorf("inspect: read target: %w", err)
		}
		t.Inspectors = []InspectorRef{}
		idx[t.ID] = len(out)
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("inspect: list targets: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	// One query for the inspectors of all targets; the list is bounded by the plan's size.
	ph := make([]string, len(out))
	ids := make([]any, len(out))
	for i, t := range out {
		ph[i] = fmt.Sprintf("$%d", i+1)
		ids[i] = t.ID
	}
	irows, err := q.QueryContext(ctx, `SELECT ti.target_id, s.id, s.display_name FROM inspection_target_inspectors ti JOIN users s ON s.id = ti.user_id
		WHERE ti.target_id IN (`+strings.Join(ph, ",")+`) ORDER BY ti.target_id, s.id`, ids...)
	if err != nil {
		return nil, fmt.Errorf("inspect: list target inspectors: %w", err)
	}
	defer irows.Close()
	for irows.Next() {
		var tid int64
		var r InspectorRef
		if err := irows.Scan(&tid, &r.UserID, &r.Name); err != nil {
			return nil, fmt.Errorf("inspect: read target inspector: %w", err)
		}
		out[idx[tid]].Inspectors = append(out[idx[tid]].Inspectors, r)
	}
	return out, irows.Err()
}

// AddTarget puts an asset, chosen by hand, into a draft plan with its inspectors. The same rules
// as a draw apply: the asset is live and owned inside the plan unit's subtree, and there are at
// least the plan's per-target count of distinct inspectors from the pool, none of them recused.
func AddTarget(ctx context.Context, db *store.DB, p org.Principal, planID, assetID int64, inspectorIDs []int64) (Target, error) {
	if err := requireManage(p); err != nil {
		return Target{}, err
	}
	var out Target
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		pl, err := lockPlan(ctx, tx, p.Scope, planID)
		if err != nil {
			return err
		}
		if pl.Status != Draft {
			return errs.E(errs.Conflict, "只有草稿状态的计划可以手工添加检查对象")
		}
		var drawn int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM inspection_draws WHERE plan_id = $1`, planID).Scan(&drawn); err != nil {
			return fmt.Errorf("inspect: check draw: %w", err)
		}
		if drawn > 0 {
			return errs.E(errs.Conflict, "该计划已随机抽取,不能再手工添加检查对象")
		}
		cands, err := loadCandidates(ctx, tx, pl, assetID)
		if err != nil {
			return err
		}
		if len(cands) == 0 {
			return errs.Field("asset_id", "资产不存在、已停用或不在计划单位的范围内")
		}
		c := cands[0]
		ids := slices.Clone(inspectorIDs)
		slices.Sort(ids)
		ids = slices.Compact(ids)
		if len(ids) < pl.PerTarget {
			return errs.Field("inspectors", fmt.Sprintf("每个检查对象至少需要 %d 名不同的检查员", pl.PerTarget))
		}
		pool, err := loadPool(ctx, tx, pl.UnitPath)
		if err != nil {
			return err
		}
		byID := map[int64]Inspector{}
		for _, x := range pool {
			byID[x.UserID] = x
		}
		for _, id := range ids {
			x, ok := byID[id]
			if !ok {
				return errs.Field("inspectors", fmt.Sprintf("用户 %d 不是本计划检查员名录中的检查员", id))
			}
			if Recused(x.UnitPath, c.UnitPath, x.Conflicts) {
				return errs.Field("inspectors", fmt.Sprintf("检查员 %s 与 %s 所属单位有关联,应当回避", x.Name, c.Name))
			}
		}
		tid, err := insertTarget(ctx, tx, planID, c, 0, ids)
		if store.IsUnique(err) {
			return errs.Field("asset_id", "该资产已在本计划的检查对象中")
		}
		if err != nil {
			return err
		}
		ts, err := loadTargets(ctx, tx, "t.id = $1", tid)
		if err != nil {
			return err
		}
		out = ts[0]
		return audit.Record(ctx, tx, p.Actor(), "add_target", "inspection_plan", fmt.Sprint(planID), nil, out)
	})
	return out, err
}

func insertTarget(ctx context.Context, tx store.Querier, planID int64, c Candidate, drawID int64, inspectors []int64) (int64, error) {
	var draw any
	if drawID != 0 {
		draw = drawID
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO inspection_targets (plan_id, asset_id, draw_id, stratum, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		planID, c.AssetID, draw, c.Stratum(), store.Now()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("inspect: insert target %s: %w", c.Code, err)
	}
	for _, u := range inspectors {
		if _, err := tx.ExecContext(ctx, `INSERT INTO inspection_target_inspectors (target_id, user_id) VALUES ($1, $2)`, id, u); err != nil {
			return 0, fmt.Errorf("inspect: assign inspector %d to %s: %w", u, c.Code, err)
		}
	}
	return id, nil
}

// loadCandidates reads the live assets (in use or being rectified) owned inside the plan unit's
// subtree and of the plan's asset kinds: the 检查对象名录库 a draw picks from. onlyAsset, when not
// 0, narrows it to one asset.
func loadCandidates(ctx context.Context, q store.Querier, pl Plan, onlyAsset int64) ([]Candidate, error) {
	w := &store.Where{}
	w.Add(`u.path LIKE ? ESCAPE '\'`, store.EscapeLike(pl.UnitPath)+"%")
	w.Add("a.status IN ('active', 'rectifying')")
	if len(pl.AssetKinds) > 0 {
		ph := make([]string, len(pl.AssetKinds))
		args := make([]any, len(pl.AssetKinds))
		for i, k := range pl.AssetKinds {
			ph[i], args[i] = "?", string(k)
		}
		w.Add("a.kind IN ("+strings.Join(ph, ",")+")", args...)
	}
	if onlyAsset != 0 {
		w.Add("a.id = ?", onlyAsset)
	}
	rows, err := q.QueryContext(ctx, `SELECT a.id, a.code, a.name, a.kind, u.kind, u.id, u.path FROM assets a JOIN units u ON u.id = a.unit_id`+
		w.String()+` ORDER BY a.code`, w.Args...)
	if err != nil {
		return nil, fmt.Errorf("inspect: list candidates: %w", err)
	}
	defer rows.Close()
	out := []Candidate{}
	for rows.Next() {
		var c Candidate
		if err := rows.Scan(&c.AssetID, &c.Code, &c.Name, &c.Kind, &c.Level, &c.UnitID, &c.UnitPath); err != nil {
			return nil, fmt.Errorf("inspect: read candidate: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// loadPool reads the inspector pool of a plan: enabled users holding the inspector role whose
// unit lies in the plan unit's subtree (the unit deploys its own 执法检查人员名录库), each with
// their declared conflicts.
func loadPool(ctx context.Context, q store.Querier, planUnitPath string) ([]Inspector, error) {
	rows, err := q.QueryContext(ctx, `SELECT s.id, s.display_name, u.id, u.path FROM users s JOIN units u ON u.id = s.unit_id
		JOIN user_roles r ON r.user_id = s.id AND r.role = $1
		WHERE NOT s.disabled AND u.path LIKE $2 ESCAPE '\' ORDER BY s.id`, string(org.RoleInspector), store.EscapeLike(planUnitPath)+"%")
	if err != nil {
		return nil, fmt.Errorf("inspect: list inspector pool: %w", err)
	}
	var pool []Inspector
	idx := map[int64]int{}
	for rows.Next() {
		var x Inspector
		if err := rows.Scan(&x.UserID, &x.Name, &x.UnitID, &x.UnitPath); err != nil {
			rows.Close()
			return nil, fmt.Errorf("inspect: read inspector: %w", err)
		}
		x.Conflicts = []ConflictUnit{}
		idx[x.UserID] = len(pool)
		pool = append(pool, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("inspect: list inspector pool: %w", err)
	}
	crows, err := q.QueryContext(ctx, `SELECT c.user_id, u.id, u.path FROM inspector_conflicts c JOIN units u ON u.id = c.unit_id ORDER BY c.user_id, u.path`)
	if err != nil {
		return nil, fmt.Errorf("inspect: list conflicts: %w", err)
	}
	defer crows.Close()
	for crows.Next() {
		var uid int64
		var c ConflictUnit
		if err := crows.Scan(&uid, &c.UnitID, &c.UnitPath); err != nil {
			return nil, fmt.Errorf("inspect: read conflict: %w", err)
		}
		if i, ok := idx[uid]; ok {
			pool[i].Conflicts = append(pool[i].Conflicts, c)
		}
	}
	return pool, crows.Err()
}

// Conflict is a declared conflict of interest (回避申报) of an inspector with a unit.
type Conflict struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	UnitID    int64     `json:"unit_id"`
	UnitName  string    `json:"unit_name"`
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
}

// DeclareConflict records that an inspector must not inspect a unit (and the units under it).
// Inspectors declare their own; the office and administrators may record one for any inspector
// in their scope. Naming a unit outside one's scope is allowed: a declaration reveals nothing.
func DeclareConflict(ctx context.Context, db *store.DB, p org.Principal, userID, unitID int64, reason string) (Conflict, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 200 {
		return Conflict{}, errs.Field("reason", "回避理由不能为空,且不超过 200 个字")
	}
	if userID != p.UserID || !p.Has(org.RoleInspector) {
		if err := requireManage(p); err != nil {
			return Conflict{}, err
		}
	}
	var c Conflict
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var userPath string
		err := tx.QueryRowContext(ctx, `SELECT u.path FROM users s JOIN units u ON u.id = s.unit_id WHERE s.id = $1`, userID).Scan(&userPath)
		if errors.Is(err, sql.ErrNoRows) || err == nil && userID != p.UserID && !p.Scope.Contains(userPath) {
			return errs.Field("user_id", "用户不存在或不在您的管辖范围内")
		}
		if err != nil {
			return fmt.Errorf("inspect: read user %d: %w", userID, err)
		}
		if _, err := unitPath(ctx, tx, org.Scope{All: true}, unitID); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO inspector_conflicts (user_id, unit_id, reason, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			userID, unitID, reason, store.Now(), p.Name).Scan(&c.ID)
		if store.IsUnique(err) {
			return errs.E(errs.Conflict, "该检查员已申报与此单位回避")
		}
		if err != nil {
			return fmt.Errorf("inspect: insert conflict: %w", err)
		}
		cs, err := conflicts(ctx, tx, "c.id = $1", c.ID)
		if err != nil {
			return err
		}
		c = cs[0]
		return audit.Record(ctx, tx, p.Actor(), "declare_conflict", "inspector", fmt.Sprint(userID), nil, c)
	})
	return c, err
}

// Conflicts lists an inspector's declared conflicts: one's own, or anyone's in scope for the
// office and administrators.
func Conflicts(ctx context.Context, q store.Querier, p org.Principal, userID int64) ([]Conflict, error) {
	if userID != p.UserID {
		if err := requireManage(p); err != nil {
			return nil, err
		}
		var path string
		err := q.QueryRowContext(ctx, `SELECT u.path FROM users s JOIN units u ON u.id = s.unit_id WHERE s.id = $1`, userID).Scan(&path)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !p.Scope.Contains(path) {
			return nil, errs.E(errs.NotFound, "用户不存在或不在您的管辖范围内")
		}
		if err != nil {
			return nil, fmt.Errorf("inspect: read user %d: %w", userID, err)
		}
	}
	return conflicts(ctx, q, "c.user_id = $1", userID)
}

func conflicts(ctx context.Context, q store.Querier, cond string, args ...any) ([]Conflict, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.user_id, c.unit_id, u.name, c.reason, c.created_at, c.created_by
		FROM inspector_conflicts c JOIN units u ON u.id = c.unit_id WHERE `+cond+` ORDER BY c.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("inspect: list conflicts: %w", err)
	}
	defer rows.Close()
	out := []Conflict{}
	for rows.Next() {
		var c Conflict
		if err := rows.Scan(&c.ID, &c.UserID, &c.UnitID, &c.UnitName, &c.Reason, &c.CreatedAt, &c.CreatedBy); err != nil {
			return nil, fmt.Errorf("inspect: read conflict: %w", err)
		}
		c.CreatedAt = c.CreatedAt.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}
