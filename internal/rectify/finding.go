package rectify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// ConvertInput is what the health check's user adds when turning a finding into an item: who
// fixes it, by when, and how. The rest comes from the finding.
type ConvertInput struct {
	ResponsiblePersonID int64     `json:"responsible_person_id"`
	DeadlineWorkdays    int       `json:"deadline_workdays,omitempty"`
	Deadline            time.Time `json:"deadline,omitzero"`
	Measures            string    `json:"measures"`
	LeadUnitID          int64     `json:"lead_unit_id,omitempty"`
}

// FromFinding turns a health-check finding into a ledger item (source 体检) in the finding's
// unit, about its first asset, titled with the rule's title and described by its summary, and
// marks the finding converted (analyze.MarkConverted) in the same transaction. A finding
// converts once; a converted or dismissed one is refused with errs.Conflict.
func FromFinding(ctx context.Context, db *store.DB, p org.Principal, findingID int64, in ConvertInput) (Item, error) {
	var out Item
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		// Marked first: it checks the caller's permission and scope, and its status check is
		// what refuses a second conversion with a clear message, before the item's unique
		// finding_id would.
		if err := analyze.MarkConverted(ctx, tx, p, findingID); err != nil {
			return err
		}
		item := Input{Source: SourceFinding, Measures: in.Measures, ResponsiblePersonID: in.ResponsiblePersonID,
			LeadUnitID: in.LeadUnitID, DeadlineWorkdays: in.DeadlineWorkdays, Deadline: in.Deadline}
		var rule string
		if err := tx.QueryRowContext(ctx, `SELECT rule_id, unit_id, summary FROM findings WHERE id = $1`, findingID).
			Scan(&rule, &item.UnitID, &item.Description); err != nil {
			return fmt.Errorf("rectify: read finding %d: %w", findingID, err)
		}
		item.Title = rule
		if r, ok := analyze.RuleByID(rule); ok {
			item.Title = r.Def().Title
		}
		// The first asset in the order the health check lists them (by code).
		err := tx.QueryRowContext(ctx, `SELECT a.id FROM finding_assets fa JOIN assets a ON a.id = fa.asset_id
			WHERE fa.finding_id = $1 ORDER BY a.code LIMIT 1`, findingID).Scan(&item.AssetID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("rectify: read assets of finding %d: %w", findingID, err)
		}
		out, err = createTx(ctx, tx, p, item, createOpts{findingID: findingID, skipAsset: true, action: "convert"})
		return err
	})
	return out, err
}
