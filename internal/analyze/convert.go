package analyze

import (
	"context"
	"fmt"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// MarkConverted records that the rectification ledger took finding findingID over (已转整改),
// inside the caller's transaction tx, so the ledger item and the finding's new status are
// written together or not at all. It decides like Confirm and Dismiss do: the caller needs the
// review permission and the finding in scope; decided_by/decided_at name the caller; the change
// is audited as "convert". A finding converts once: one already converted, or dismissed, or no
// longer firing is refused with errs.Conflict.
func MarkConverted(ctx context.Context, tx store.Querier, p org.Principal, findingID int64) error {
	if err := p.Require(org.PermCatalogReview); err != nil {
		return err
	}
	f, err := get(ctx, tx, p, findingID)
	if err != nil {
		return err
	}
	switch f.Status {
	case StatusConverted:
		return errs.E(errs.Conflict, "该问题已转入整改台账,不能重复转换")
	case StatusDismissed:
		return errs.E(errs.Conflict, "该问题已被驳回,不能转入整改台账")
	}
	if !f.Open() {
		return errs.E(errs.Conflict, "该问题在最近一次体检中已不再出现,无需转入整改")
	}
	// The status condition makes a concurrent decision (or a second conversion racing this one)
	// lose cleanly instead of overwriting it.
	r, err := tx.ExecContext(ctx, `UPDATE findings SET status = $1, reason = '', decided_by_id = $2, decided_by = $3, decided_at = $4,
		dismissed_fingerprint = '', note = '' WHERE id = $5 AND status = $6`,
		string(StatusConverted), store.NullID(p.UserID), p.Name, store.Now(), findingID, string(f.Status))
	if err != nil {
		return fmt.Errorf("analyze: convert finding %d: %w", findingID, err)
	}
	if n, err := r.RowsAffected(); err != nil {
		return fmt.Errorf("analyze: convert finding %d: %w", findingID, err)
	} else if n != 1 {
		return errs.E(errs.Conflict, "该问题刚被他人处理,请刷新后重试")
	}
	return audit.Record(ctx, tx, p.Actor(), "convert", "finding", fmt.Sprint(findingID),
		map[string]any{"status": f.Status, "rule": f.RuleID, "subject": f.Subject}, map[string]any{"status": StatusConverted})
}
