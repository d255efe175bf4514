package rectify

import (
	"context"
	"fmt"

	"github.com/jianfu-gov/jianfu/internal/notify"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// The responsible person hears of what happens to their item, in the transaction that makes it
// happen: when it is assigned to them, when its fix is sent back, and when it is closed. Keys are
// per item, event and history row, so one event reminds once (notify.Notify) and a second
// rejection is a new event. Escalation reminders come from Escalate.
func notice(ctx context.Context, q store.Querier, x Item, event, title, body string) error {
	if x.ResponsiblePersonID == 0 {
		return nil
	}
	var seq int64
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM ledger_history WHERE item_id = $1`, x.ID).Scan(&seq); err != nil {
		return fmt.Errorf("rectify: notice: %w", err)
	}
	key := fmt.Sprintf("ledger:%d:%s:%d", x.ID, event, seq)
	if err := notify.Notify(ctx, q, x.ResponsiblePersonID, key, title, body, fmt.Sprintf("/ledger/%d", x.ID)); err != nil {
		return fmt.Errorf("rectify: notice: %w", err)
	}
	return nil
}
