package rectify

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// UpdateInput is an open item's text, people and deadline as the office changes them. A new
// deadline (延期, given as working days from today or as a date) needs a reason, which the
// item's history keeps.
type UpdateInput struct {
	Title               string    `json:"title"`
	Description         string    `json:"description"`
	Measures            string    `json:"measures"`
	ResponsiblePersonID int64     `json:"responsible_person_id"`
	LeadUnitID          int64     `json:"lead_unit_id,omitempty"`
	DeadlineWorkdays    int       `json:"deadline_workdays,omitempty"`
	Deadline            time.Time `json:"deadline,omitzero"`
	Reason              string    `json:"reason"`
}

// Update changes an item that is not closed. Only those who accept fixes (admin, office, lead,
// inspector) may change an item or its deadline: a unit may not move its own deadline. The
// deadline is unchanged when neither DeadlineWorkdays nor Deadline is given; a changed deadline
// must not lie in the past and needs Reason. A changed responsible person is told, like a new
// one.
func Update(ctx context.Context, db *store.DB, p org.Principal, id int64, in UpdateInput) (Item, error) {
	if err := requireVerify(p); err != nil {
		return Item{}, err
	}
	probe := Input{Source: SourceSelfCheck, UnitID: 1, Title: in.Title, Description: in.Description, Measures: in.Measures,
		ResponsiblePersonID: in.ResponsiblePersonID}
	if err := probe.normalize(); err != nil {
		return Item{}, err
	}
	in.Title, in.Description, in.Measures = probe.Title, probe.Description, probe.Measures
	in.Reason = strings.TrimSpace(in.Reason)
	if err := checkText("reason", "调整原因", in.Reason, false, true, MaxText); err != nil {
		return Item{}, err
	}
	var out Item
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := get(ctx, tx, p.Scope, id)
		if err != nil {
			return err
		}
		if before.Status == Closed {
			return errs.E(errs.Conflict, "已销号的事项不能修改")
		}
		unit := unitRef{id: before.UnitID, path: before.UnitPath}
		if err := checkPerson(ctx, tx, in.ResponsiblePersonID, unit); err != nil {
			return err
		}
		if in.LeadUnitID != 0 {
			if err := checkLeadUnit(ctx, tx, in.LeadUnitID); err != nil {
				return err
			}
		}
		deadline := before.Deadline
		extended := in.DeadlineWorkdays != 0 || !in.Deadline.IsZero()
		if extended {
			cal, err := calendar.Load(ctx, tx)
			if err != nil {
				return fmt.Errorf("rectify: load calendar: %w", err)
			}
			d := Input{DeadlineWorkdays: in.DeadlineWorkdays, Deadline: in.Deadline}
			if deadline, err = d.deadline(cal, today(), false); err != nil {
				return err
			}
			if utf8.RuneCountInString(in.Reason) < 2 {
				return errs.Field("reason", "调整整改时限须说明原因(至少 2 个字)")
			}
		}
		at := now()
		r, err := tx.ExecContext(ctx, `UPDATE ledger_items SET title = $1, description = $2, measures = $3, responsible_person_id = $4,
			lead_unit_id = $5, deadline = $6, updated_by_id = $7, updated_by = $8, updated_at = $9
			WHERE id = $10 AND status = $11`,
			in.Title, in.Description, in.Measures, in.ResponsiblePersonID, store.NullID(in.LeadUnitID), deadline, store.NullID(p.UserID), p.Name, at,
			id, string(before.Status))
		if err != nil {
			return fmt.Errorf("rectify: update item %d: %w", id, err)
		}
		if n, err := r.RowsAffected(); err != nil {
			return fmt.Errorf("rectify: update item %d: %w", id, err)
		} else if n != 1 {
			return errs.E(errs.Conflict, "该事项刚被他人修改,请刷新后重试")
		}
		action, note := "update", in.Reason
		if extended && !deadline.Equal(before.Deadline) {
			action = "extend"
			note = fmt.Sprintf("整改时限由 %s 调整为 %s:%s", before.Deadline.Format(time.DateOnly), deadline.Format(time.DateOnly), in.Reason)
		}
		if err := addHistory(ctx, tx, id, p, at, action, before.Status, before.Status, note); err != nil {
			return err
		}
		if out, err = get(ctx, tx, org.Scope{All: true}, id); err != nil {
			return err
		}
		if out.ResponsiblePersonID != before.ResponsiblePersonID {
			if err := notice(ctx, tx, out, "assigned", "新的整改事项 "+out.Number+":"+out.Title,
				fmt.Sprintf("您是责任人,整改时限 %s。", out.Deadline.Format(time.DateOnly))); err != nil {
				return err
			}
		} else if action == "extend" {
			if err := notice(ctx, tx, out, "extended", "整改事项 "+out.Number+" 的时限已调整", note); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, p.Actor(), action, ObjectType, fmt.Sprint(id), before, out)
	})
	return out, err
}
