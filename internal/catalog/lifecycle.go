package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

func checkReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return "", errs.Field("reason", "请填写原因")
	}
	if err := checkText("reason", "原因", reason, maxText, true, true); err != nil {
		return "", err
	}
	if utf8.RuneCountInString(reason) < 2 {
		return "", errs.Field("reason", "原因过短")
	}
	return reason, nil
}

// Transition moves an asset to another status along the state machine, with a reason. Going
// live (approval) needs the review permission; so does retiring, which is the office's and the
// lead departments' decision, not the unit's. Moving to 整改中 and back may be done by whoever
// keeps the unit's inventory.
func (s *Store) Transition(ctx context.Context, p org.Principal, id int64, to Status, reason string) (Asset, error) {
	var a Asset
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = TransitionTx(ctx, tx, p, id, to, reason)
		return err
	})
	return a, err
}

// TransitionTx is Transition inside the caller's transaction (the intake workflow approves in
// its own).
func TransitionTx(ctx context.Context, tx store.Querier, p org.Principal, id int64, to Status, reason string) (Asset, error) {
	return transition(ctx, tx, p, id, to, reason, false)
}

// DecideTx ends an intake request's asset: 申请中 → 在用 (approved) or 未通过. Only the intake
// workflow calls it, after its own rules have decided who may take this decision at this step;
// TransitionTx refuses assets whose request is still under review, so that nobody approves
// around the workflow.
func DecideTx(ctx context.Context, tx store.Querier, p org.Principal, id int64, to Status, reason string) (Asset, error) {
	if to != Active && to != Rejected {
		return Asset{}, errs.Field("status", "审批结果只能是 在用 或 未通过")
	}
	return transition(ctx, tx, p, id, to, reason, true)
}

// underReview reports whether an intake request for the asset waits for a reviewer.
func underReview(ctx context.Context, q store.Querier, id int64) (bool, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM intake_requests WHERE asset_id = $1 AND step IN ('unit', 'lead', 'office')`, id).Scan(&n); err != nil {
		return false, fmt.Errorf("catalog: check intake: %w", err)
	}
	return n > 0, nil
}

var errUnderReview = errs.E(errs.Conflict, "该资产的立项/备案申请正在审批中,请在审批流程中处理")

func transition(ctx context.Context, tx store.Querier, p org.Principal, id int64, to Status, reason string, workflow bool) (Asset, error) {
	// An unknown status would otherwise fail as a conflict "from X to ''".
	to, err := ParseStatus(string(to))
	if err != nil {
		return Asset{}, err
	}
	need := org.PermCatalogReview
	if to == Rectifying || to == Active {
		need = org.PermCatalogWrite
	}
	if workflow {
		p.Scope = org.Scope{All: true}
	} else if err := p.Require(need); err != nil {
		return Asset{}, err
	}
	reason, err = checkReason(reason)
	if err != nil {
		return Asset{}, err
	}
	before, err := get(ctx, tx, p.Scope, "id", id)
	if err != nil {
		return Asset{}, err
	}
	if to == Merged {
		return Asset{}, errs.Field("status", "合并请使用“合并”操作并选择目标")
	}
	if !CanMove(before.Status, to) {
		return Asset{}, errs.E(errs.Conflict, fmt.Sprintf("不能从“%s”变为“%s”", before.StatusLabel(), to.Label(before.Kind)))
	}
	if before.Status == Applying && !workflow {
		if to == Active && !p.Can(org.PermCatalogReview) {
			return Asset{}, errs.E(errs.Forbidden, "申请需经审批后才能启用")
		}
		if busy, err := underReview(ctx, tx, id); err != nil || busy {
			return Asset{}, first(err, errUnderReview)
		}
	}
	if workflow && before.Status != Applying {
		return Asset{}, errs.E(errs.Conflict, "该资产不在申请中")
	}
	var closed any
	if to == Retired || to == Rejected {
		closed = tz.Today()
	}
	var opened any
	if before.Status == Applying && to == Active && before.OpenedOn.IsZero() {
		opened = tz.Today()
	}
	if err := lock(ctx, tx, before); err != nil {
		return Asset{}, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE assets SET status = $1, closed_on = COALESCE($2, closed_on), opened_on = COALESCE($3, opened_on),
		updated_at = $4 WHERE id = $5`, string(to), closed, opened, store.Now(), id); err != nil {
		return Asset{}, fmt.Errorf("catalog: transition: %w", err)
	}
	after, err := get(ctx, tx, org.Scope{All: true}, "id", id)
	if err != nil {
		return after, err
	}
	if err := event(ctx, tx, p, id, "transition", string(before.Status), string(to), reason); err != nil {
		return after, err
	}
	return after, audit.Record(ctx, tx, p.Actor(), "transition", "asset", fmt.Sprint(id),
		map[string]any{"status": before.Status}, map[string]any{"status": to, "reason": reason})
}

// MergeResult says what a merge moved.
type MergeResult struct {
	From, Into   Asset
	MovedMembers int // members of the merged group added to the target (those already there are not counted)
}

// Merge folds asset from into asset into: from becomes 已合并 with a link to into, keeping its
// history; a group's members join the target group. Both must be of one kind, in scope and
// live, and different.
func (s *Store) Merge(ctx context.Context, p org.Principal, from, into int64, reason string) (MergeResult, error) {
	var res MergeResult
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := p.Require(org.PermCatalogReview); err != nil {
			return err
		}
		reason, err := checkReason(reason)
		if err != nil {
			return err
		}
		if from == into {
			return errs.Field("into", "不能合并到自身")
		}
		a, err := get(ctx, tx, p.Scope, "id", from)
		if err != nil {
			return err
		}
		b, err := get(ctx, tx, p.Scope, "id", into)
		if err != nil {
			return errs.Field("into", "合并目标不存在或不在您的管辖范围内")
		}
		switch {
		case a.Kind != b.Kind:
			return errs.Field("into", "只能合并同类资产("+a.Kind.Short()+"不能并入"+b.Kind.Short()+")")
		case !CanMove(a.Status, Merged):
			return errs.E(errs.Conflict, "“"+a.Name+"”"+a.StatusLabel()+",不能合并")
		case !b.Status.Live():
			return errs.Field("into", "合并目标“"+b.Name+"”"+b.StatusLabel()+",不能接收合并")
		}
		// In id order, so that two merges of the same pair cannot deadlock.
		first, second := a, b
		if b.ID < a.ID {
			first, second = b, a
		}
		if err := lock(ctx, tx, first); err != nil {
			return err
		}
		if err := lock(ctx, tx, second); err != nil {
			return err
		}
		if a.Kind == Group {
			if res.MovedMembers, err = moveMembers(ctx, tx, from, into); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE assets SET status = 'merged', merged_into_id = $1, closed_on = $2, updated_at = $3 WHERE id = $4`,
			into, tz.Today(), store.Now(), from); err != nil {
			return fmt.Errorf("catalog: merge: %w", err)
		}
		if err := event(ctx, tx, p, from, "merge", string(a.Status), string(Merged), "并入“"+b.Name+"”("+b.Code+"):"+reason); err != nil {
			return err
		}
		if err := event(ctx, tx, p, into, "merged_in", "", "", "“"+a.Name+"”("+a.Code+")并入本"+a.Kind.Short()+":"+reason); err != nil {
			return err
		}
		if res.From, err = get(ctx, tx, org.Scope{All: true}, "id", from); err != nil {
			return err
		}
		if res.Into, err = get(ctx, tx, org.Scope{All: true}, "id", into); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "merge", "asset", fmt.Sprint(from),
			map[string]any{"status": a.Status}, map[string]any{"status": Merged, "into": into, "moved_members": res.MovedMembers, "reason": reason})
	})
	return res, err
}

// Event is one entry of an asset's history.
type Event struct {
	At         string `json:"at"`
	Actor      string `json:"actor"`
	Action     string `json:"action"`
	FromStatus Status `json:"from_status,omitempty"`
	ToStatus   Status `json:"to_status,omitempty"`
	Reason     string `json:"reason,omitempty"`
}

// Events returns an asset's history, newest first.
func (s *Store) Events(ctx context.Context, p org.Principal, id int64) ([]Event, error) {
	if _, err := s.Get(ctx, p, id); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT at, actor, action, from_status, to_status, reason FROM asset_events WHERE asset_id = $1 ORDER BY id DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("catalog: read history: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at sql.NullTime
		if err := rows.Scan(&at, &e.Actor, &e.Action, &e.FromStatus, &e.ToStatus, &e.Reason); err != nil {
			return nil, fmt.Errorf("catalog: read history: %w", err)
		}
		e.At = at.Time.In(tz.Shanghai).Format("2006-01-02 15:04")
		out = append(out, e)
	}
	return out, rows.Err()
}

// ActionLabel is an event action's Chinese name.
func ActionLabel(action string) string {
	return map[string]string{"create": "登记", "update": "修改", "transition": "状态变更", "merge": "合并", "merged_in": "接收合并",
		"attest": "确认", "members": "成员变更"}[action]
}

// lock takes the asset's row lock for the rest of the transaction and checks that its status is
// still the one read before: on PostgreSQL another instance may have moved it in between
// (SQLite serialises writers at BEGIN). Without it two concurrent transitions could both pass
// the state machine check, and the later one would undo the earlier.
func lock(ctx context.Context, q store.Querier, a Asset) error {
	res, err := q.ExecContext(ctx, `UPDATE assets SET updated_at = $1 WHERE id = $2 AND status = $3`, store.Now(), a.ID, string(a.Status))
	if err != nil {
		return fmt.Errorf("catalog: lock asset: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("catalog: lock asset: %w", err)
	}
	if n == 0 {
		return errs.E(errs.Conflict, "“"+a.Name+"”的状态刚被他人修改,请刷新后重试")
	}
	return nil
}

func first(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}
