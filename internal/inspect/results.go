package inspect

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// Outcome is the result of one checklist item for one target.
type Outcome string

// The outcomes.
const (
	Pass Outcome = "pass" // 符合
	Fail Outcome = "fail" // 不符合
	NA   Outcome = "na"   // 不适用
)

// Label is the outcome's Chinese name.
func (o Outcome) Label() string {
	return map[Outcome]string{Pass: "符合", Fail: "不符合", NA: "不适用"}[o]
}

// Result is one recorded result.
type Result struct {
	ID        int64     `json:"id"`
	TargetID  int64     `json:"target_id"`
	ItemID    int64     `json:"item_id"`
	ItemCode  string    `json:"item_code"`
	ItemText  string    `json:"item_text"`
	Outcome   Outcome   `json:"outcome"`
	Note      string    `json:"note"`
	ByUserID  int64     `json:"by_user_id"`
	ByName    string    `json:"by_name"`
	At        time.Time `json:"at"`
	LedgerRef string    `json:"ledger_ref,omitempty"`
}

// ResultInput is what an inspector records for one item of one target.
type ResultInput struct {
	TargetID int64   `json:"target_id"`
	ItemID   int64   `json:"item_id"`
	Outcome  Outcome `json:"outcome"`
	Note     string  `json:"note"`
}

// RecordResult records (or corrects) the result of one checklist item for one target of a plan
// in progress. Inspectors assigned to the target may record it; so may the office and
// administrators with the plan in scope. A failure needs a note: it becomes the problem
// description of a ledger item. A result already filed in the ledger can no longer change.
func RecordResult(ctx context.Context, db *store.DB, p org.Principal, in ResultInput) (Result, error) {
	in.Note = strings.TrimSpace(in.Note)
	switch in.Outcome {
	case Pass, Fail, NA:
	default:
		return Result{}, errs.Field("outcome", "检查结果应为 符合、不符合 或 不适用")
	}
	if in.Outcome == Fail && in.Note == "" {
		return Result{}, errs.Field("note", "不符合的事项须写明问题")
	}
	if utf8.RuneCountInString(in.Note) > 2000 {
		return Result{}, errs.Field("note", "说明不超过 2000 个字")
	}
	var out Result
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var planID int64
		err := tx.QueryRowContext(ctx, `SELECT plan_id FROM inspection_targets WHERE id = $1`, in.TargetID).Scan(&planID)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "检查对象不存在")
		}
		if err != nil {
			return fmt.Errorf("inspect: read target %d: %w", in.TargetID, err)
		}
		var assigned int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM inspection_target_inspectors WHERE target_id = $1 AND user_id = $2`,
			in.TargetID, p.UserID).Scan(&assigned); err != nil {
			return fmt.Errorf("inspect: check assignment: %w", err)
		}
		scope := p.Scope
		if assigned > 0 {
			scope = org.Scope{All: true} // the assignment is the permission
		} else if !canManage(p) {
			return errs.E(errs.Forbidden, "您不是该检查对象的检查员")
		}
		pl, err := lockPlan(ctx, tx, scope, planID)
		if err != nil {
			return err
		}
		if pl.Status != InProgress {
			return errs.E(errs.Conflict, "计划当前为“"+pl.Status.Label()+"”,不能填写检查结果")
		}
		var itemOK int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM inspection_items WHERE id = $1 AND plan_id = $2`, in.ItemID, planID).Scan(&itemOK); err != nil {
			return fmt.Errorf("inspect: check item: %w", err)
		}
		if itemOK == 0 {
			return errs.Field("item_id", "检查事项不在本计划的清单中")
		}
		before, err := results(ctx, tx, "r.target_id = $1 AND r.item_id = $2", in.TargetID, in.ItemID)
		if err != nil {
			return err
		}
		if len(before) > 0 && before[0].LedgerRef != "" {
			return errs.E(errs.Conflict, "该问题已转入整改台账("+before[0].LedgerRef+"),不能再修改检查结果")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO inspection_results (target_id, item_id, outcome, note, by_user_id, by_name, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (target_id, item_id) DO UPDATE SET outcome = excluded.outcome, note = excluded.note,
				by_user_id = excluded.by_user_id, by_name = excluded.by_name, at = excluded.at`,
			in.TargetID, in.ItemID, string(in.Outcome), in.Note, store.NullID(p.UserID), p.Name, store.Now())
		if err != nil {
			return fmt.Errorf("inspect: save result: %w", err)
		}
		after, err := results(ctx, tx, "r.target_id = $1 AND r.item_id = $2", in.TargetID, in.ItemID)
		if err != nil {
			return err
		}
		out = after[0]
		var b any
		if len(before) > 0 {
			b = before[0]
		}
		return audit.Record(ctx, tx, p.Actor(), "record_result", "inspection_result", fmt.Sprint(out.ID), b, out)
	})
	return out, err
}

// Results lists every recorded result of a plan in the caller's scope, by target and item order.
func Results(ctx context.Context, q store.Querier, p org.Principal, planID int64) ([]Result, error) {
	if _, err := GetPlan(ctx, q, p, planID); err != nil {
		return nil, err
	}
	return results(ctx, q, "t.plan_id = $1", planID)
}

func results(ctx context.Context, q store.Querier, cond string, args ...any) ([]Result, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.target_id, r.item_id, i.code, i.text, r.outcome, r.note, COALESCE(r.by_user_id, 0), r.by_name, r.at, r.ledger_ref
		FROM inspection_results r JOIN inspection_items i ON i.id = r.item_id JOIN inspection_targets t ON t.id = r.target_id
		WHERE `+cond+` ORDER BY r.target_id, i.seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("inspect: list results: %w", err)
	}
	defer rows.Close()
	out := []Result{}
	for rows.Next() {
		var r Result
		if err := rows.Scan(&r.ID, &r.TargetID, &r.ItemID, &r.ItemCode, &r.ItemText, &r.Outcome, &r.Note, &r.ByUserID, &r.ByName, &r.At, &r.LedgerRef); err != nil {
			return nil, fmt.Errorf("inspect: read result: %w", err)
		}
		r.At = r.At.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// FailedItem is a failed checklist item with what a rectification ledger item needs. The
// inspect package does not know the ledger: the caller creates the ledger item and then calls
// MarkFiled in the same transaction.
type FailedItem struct {
	ResultID    int64     `json:"result_id"`
	PlanID      int64     `json:"plan_id"`
	PlanName    string    `json:"plan_name"`
	PlanKind    PlanKind  `json:"plan_kind"` // spot → ledger source spot_check, inspection → inspection
	TargetID    int64     `json:"target_id"`
	AssetID     int64     `json:"asset_id"`
	AssetCode   string    `json:"asset_code"`
	AssetName   string    `json:"asset_name"`
	UnitID      int64     `json:"unit_id"`         // the asset's owning unit: the unit that must rectify
	OwnerID     int64     `json:"owner_person_id"` // the asset's accountable person, 0 if none is recorded
	ItemCode    string    `json:"item_code"`
	ItemText    string    `json:"item_text"`
	Note        string    `json:"note"`
	InspectorID int64     `json:"inspector_id"`
	Inspector   string    `json:"inspector"`
	At          time.Time `json:"at"`
	LedgerRef   string    `json:"ledger_ref"` // "" until filed
}

// FailedItems lists every failed item of a plan, filed or not (LedgerRef tells), by asset code
// and checklist order. It takes no principal: the caller has already read the plan in scope.
func FailedItems(ctx context.Context, q store.Querier, planID int64) ([]FailedItem, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.id, pl.id, pl.name, pl.kind, t.id, a.id, a.code, a.name, a.unit_id, COALESCE(a.owner_person_id, 0), i.code, i.text, r.note,
			COALESCE(r.by_user_id, 0), r.by_name, r.at, r.ledger_ref
		FROM inspection_results r JOIN inspection_targets t ON t.id = r.target_id JOIN inspection_plans pl ON pl.id = t.plan_id
			JOIN assets a ON a.id = t.asset_id JOIN inspection_items i ON i.id = r.item_id
		WHERE t.plan_id = $1 AND r.outcome = $2 ORDER BY a.code, i.seq`, planID, string(Fail))
	if err != nil {
		return nil, fmt.Errorf("inspect: list failed items of plan %d: %w", planID, err)
	}
	defer rows.Close()
	out := []FailedItem{}
	for rows.Next() {
		var f FailedItem
		if err := rows.Scan(&f.ResultID, &f.PlanID, &f.PlanName, &f.PlanKind, &f.TargetID, &f.AssetID, &f.AssetCode, &f.AssetName, &f.UnitID, &f.OwnerID,
			&f.ItemCode, &f.ItemText, &f.Note, &f.InspectorID, &f.Inspector, &f.At, &f.LedgerRef); err != nil {
			return nil, fmt.Errorf("inspect: read failed item: %w", err)
		}
		f.At = f.At.UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// MarkFiled records that a failed result has been filed in the ledger as ledgerRef. Call it in
// the transaction that creates the ledger item, so both happen or neither. Filing the same
// result again under the same reference does nothing; under another reference it is a Conflict,
// so a problem is never filed twice. The audit entry is written as the system: the ledger
// item's own entry in the same transaction names the user.
func MarkFiled(ctx context.Context, tx store.Querier, resultID int64, ledgerRef string) error {
	ledgerRef = strings.TrimSpace(ledgerRef)
	if ledgerRef == "" || utf8.RuneCountInString(ledgerRef) > 100 {
		return errs.Field("ledger_ref", "台账编号不能为空,且不超过 100 个字符")
	}
	var outcome, ref string
	err := tx.QueryRowContext(ctx, `SELECT outcome, ledger_ref FROM inspection_results WHERE id = $1`, resultID).Scan(&outcome, &ref)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.E(errs.NotFound, "检查结果不存在")
	}
	if err != nil {
		return fmt.Errorf("inspect: read result %d: %w", resultID, err)
	}
	if Outcome(outcome) != Fail {
		return errs.E(errs.Invalid, "只有“不符合”的检查事项可以转入整改台账")
	}
	if ref == ledgerRef {
		return nil
	}
	if ref != "" {
		return errs.E(errs.Conflict, "该问题已转入整改台账("+ref+")")
	}
	// The condition on ledger_ref makes a concurrent second filing update nothing.
	res, err := tx.ExecContext(ctx, `UPDATE inspection_results SET ledger_ref = $1, filed_at = $2 WHERE id = $3 AND ledger_ref = ''`,
		ledgerRef, store.Now(), resultID)
	if err != nil {
		return fmt.Errorf("inspect: mark result %d filed: %w", resultID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("inspect: mark result %d filed: %w", resultID, err)
	} else if n == 0 {
		return errs.E(errs.Conflict, "该问题刚刚已被转入整改台账")
	}
	return audit.Record(ctx, tx, audit.System, "file", "inspection_result", fmt.Sprint(resultID),
		map[string]string{"ledger_ref": ""}, map[string]string{"ledger_ref": ledgerRef})
}

// Assignment is a target assigned to an inspector, with its plan.
type Assignment struct {
	Target
	PlanName string `json:"plan_name"`
	Period   string `json:"period"`
	Status   Status `json:"status"`
}

// MyAssignments lists the targets assigned to the caller in plans that are drawn or in
// progress, whatever the caller's scope: an inspector must see what they are to inspect.
func MyAssignments(ctx context.Context, q store.Querier, p org.Principal) ([]Assignment, error) {
	ts, err := loadTargets(ctx, q, `t.id IN (SELECT target_id FROM inspection_target_inspectors WHERE user_id = $1)
		AND t.plan_id IN (SELECT id FROM inspection_plans WHERE status IN ('drawn', 'in_progress'))`, p.UserID)
	if err != nil {
		return nil, err
	}
	out := []Assignment{}
	plans := map[int64]Plan{}
	for _, t := range ts {
		pl, ok := plans[t.PlanID]
		if !ok {
			if pl, err = getPlan(ctx, q, org.Scope{All: true}, t.PlanID); err != nil {
				return nil, err
			}
			plans[t.PlanID] = pl
		}
		out = append(out, Assignment{Target: t, PlanName: pl.Name, Period: pl.Period, Status: pl.Status})
	}
	return out, nil
}
