package inspect

import (
	"context"
	"fmt"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// AssignedPlan is what an inspector assigned to targets of a plan outside their scope may read
// of it: the plan's header and checklist, their own targets and those targets' results. The
// assignment is the permission, as it is for RecordResult; anyone else gets NotFound.
func AssignedPlan(ctx context.Context, q store.Querier, p org.Principal, planID int64) (Plan, []Target, []Result, error) {
	mine, err := MyAssignments(ctx, q, p)
	if err != nil {
		return Plan{}, nil, nil, err
	}
	var targets []Target
	for _, a := range mine {
		if a.PlanID == planID {
			targets = append(targets, a.Target)
		}
	}
	if len(targets) == 0 {
		return Plan{}, nil, nil, errs.E(errs.NotFound, "检查计划不存在或不在您的管辖范围内")
	}
	var pl Plan
	err = q.QueryRowContext(ctx, `SELECT pl.id, pl.name, pl.kind, pl.period, pl.status, pl.ratio_bp, pl.per_target, pl.inspector_ratio_bp, u.name
		FROM inspection_plans pl JOIN units u ON u.id = pl.unit_id WHERE pl.id = $1`, planID).
		Scan(&pl.ID, &pl.Name, &pl.Kind, &pl.Period, &pl.Status, &pl.RatioBP, &pl.PerTarget, &pl.InspectorRatioBP, &pl.UnitName)
	if err != nil {
		return Plan{}, nil, nil, fmt.Errorf("inspect: read plan %d: %w", planID, err)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, seq, code, text FROM inspection_items WHERE plan_id = $1 ORDER BY seq`, planID)
	if err != nil {
		return Plan{}, nil, nil, fmt.Errorf("inspect: read checklist of plan %d: %w", planID, err)
	}
	for rows.Next() {
		var it Item
		if err := rows.Scan(&it.ID, &it.Seq, &it.Code, &it.Text); err != nil {
			rows.Close()
			return Plan{}, nil, nil, fmt.Errorf("inspect: read checklist item: %w", err)
		}
		pl.Items = append(pl.Items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Plan{}, nil, nil, fmt.Errorf("inspect: read checklist: %w", err)
	}
	var results []Result
	for _, t := range targets {
		rows, err := q.QueryContext(ctx, `SELECT id, target_id, item_id, outcome, note, by_name, ledger_ref FROM inspection_results
			WHERE target_id = $1`, t.ID)
		if err != nil {
			return Plan{}, nil, nil, fmt.Errorf("inspect: read results of target %d: %w", t.ID, err)
		}
		for rows.Next() {
			var x Result
			if err := rows.Scan(&x.ID, &x.TargetID, &x.ItemID, &x.Outcome, &x.Note, &x.ByName, &x.LedgerRef); err != nil {
				rows.Close()
				return Plan{}, nil, nil, fmt.Errorf("inspect: read result: %w", err)
			}
			results = append(results, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return Plan{}, nil, nil, fmt.Errorf("inspect: read results: %w", err)
		}
	}
	return pl, targets, results, nil
}
