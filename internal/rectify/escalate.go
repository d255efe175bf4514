package rectify

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// Notifier delivers a reminder to a person, inside the transaction that records the escalation
// step, so a reminder is queued exactly when its step is recorded. key is unique per event and
// recipient ("ledger:<item id>:step:<level>"); a notifier may use it to drop repeats. link is
// the item's page.
type Notifier interface {
	Notify(ctx context.Context, q store.Querier, personID int64, key, title, body, link string) error
}

// StepAction is what an escalation step does.
type StepAction string

// The step actions.
const (
	RemindResponsible StepAction = "remind_responsible" // remind the responsible person
	RemindUnitHead    StepAction = "remind_unit_head"   // remind the unit's liaison(s)
	StepTalk          StepAction = "talk"               // record 约谈提醒
	StepNotice        StepAction = "notice"             // record 通报批评
)

var stepLabels = map[StepAction]string{RemindResponsible: "提醒责任人", RemindUnitHead: "提醒单位负责人",
	StepTalk: "约谈提醒", StepNotice: "通报批评"}

// Label is the step action's Chinese name.
func (a StepAction) Label() string { return stepLabels[a] }

// Step is one rung of the ladder: when an item has been overdue Days working days (0 on the
// first working day after its deadline), do Action.
type Step struct {
	Days   int        `json:"days"`
	Action StepAction `json:"action"`
}

// DefaultSteps is the bureau's ladder: remind the responsible person at once, the unit head
// after 3 working days, 约谈提醒 after 7, 通报批评 after 15.
var DefaultSteps = []Step{{0, RemindResponsible}, {3, RemindUnitHead}, {7, StepTalk}, {15, StepNotice}}

// Fired is one step that Escalate took.
type Fired struct {
	ItemID      int64      `json:"item_id"`
	Number      string     `json:"number"`
	Level       int        `json:"level"` // 1-based position of the step in the ladder
	Action      StepAction `json:"action"`
	OverdueDays int        `json:"overdue_days"`
	Notified    []int64    `json:"notified,omitempty"` // person ids reminded
}

// Result is what one run of Escalate did.
type Result struct {
	Date    time.Time `json:"date"`     // the day it ran for
	RestDay bool      `json:"rest_day"` // the day is not a working day, so nothing was done
	Checked int       `json:"checked"`  // overdue items with steps left
	Fired   []Fired   `json:"fired"`
}

// checkSteps requires a ladder in order of days with known actions.
func checkSteps(steps []Step) error {
	for i, s := range steps {
		if _, ok := stepLabels[s.Action]; !ok {
			return errs.Field("steps", "未知的督办措施:"+string(s.Action))
		}
		if s.Days < 0 || i > 0 && s.Days < steps[i-1].Days {
			return errs.Field("steps", "督办步骤应按逾期工作日从少到多排列,且天数不能为负")
		}
	}
	return nil
}

// Escalate takes, for every overdue item, each step of the ladder (DefaultSteps when steps is
// nil) that has fallen due by now and was not taken before, oldest first. Each step is claimed
// with a conditional UPDATE of escalation_level and carried out, written to history and audited
// in one transaction, so that concurrent runs take every step once. Reminders go through n
// inside that transaction; a nil n records the steps without notifying. On a rest day nothing
// is done.
func Escalate(ctx context.Context, db *store.DB, now time.Time, steps []Step, n Notifier) (Result, error) {
	if steps == nil {
		steps = DefaultSteps
	}
	if err := checkSteps(steps); err != nil {
		return Result{}, err
	}
	cal, err := calendar.Load(ctx, db)
	if err != nil {
		return Result{}, fmt.Errorf("rectify: escalate: load calendar: %w", err)
	}
	day := calendar.DateOf(now)
	res := Result{Date: day, Fired: []Fired{}}
	if !cal.IsWorkday(day) {
		res.RestDay = true
		return res, nil
	}
	type due struct {
		id       int64
		deadline time.Time
		level    int
	}
	var list []due
	err = each(ctx, db, `SELECT id, deadline, escalation_level FROM ledger_items
		WHERE status <> 'closed' AND deadline < $1 AND escalation_level < `+strconv.Itoa(len(steps))+` ORDER BY id`, day, func(s scanner) error {
		var d due
		err := s.Scan(&d.id, &d.deadline, &d.level)
		d.deadline = dateOnly(d.deadline)
		list = append(list, d)
		return err
	})
	if err != nil {
		return res, fmt.Errorf("rectify: escalate: find overdue items: %w", err)
	}
	res.Checked = len(list)
	for _, d := range list {
		overdue := cal.WorkdaysBetween(d.deadline, day) - 1
		for level := d.level; level < len(steps) && steps[level].Days <= overdue; level++ {
			f, took, err := takeStep(ctx, db, now, d.id, level, steps[level], overdue, n)
			if err != nil {
				return res, err
			}
			if !took {
				break // another run took it, and will go on from there
			}
			res.Fired = append(res.Fired, f)
		}
	}
	return res, nil
}

// takeStep claims step level (0-based) of item id and carries it out, in one transaction. It
// reports false when the claim fails: another run took the step, or the item was closed.
func takeStep(ctx context.Context, db *store.DB, now time.Time, id int64, level int, st Step, overdue int, n Notifier) (Fired, bool, error) {
	f := Fired{ItemID: id, Level: level + 1, Action: st.Action, OverdueDays: overdue}
	took := false
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		at := now.UTC().Truncate(time.Microsecond)
		r, err := tx.ExecContext(ctx, `UPDATE ledger_items SET escalation_level = $1 WHERE id = $2 AND escalation_level = $3 AND status <> 'closed'`,
			level+1, id, level)
		if err != nil {
			return fmt.Errorf("rectify: claim step %d of item %d: %w", level+1, id, err)
		}
		if k, err := r.RowsAffected(); err != nil {
			return fmt.Errorf("rectify: claim step %d of item %d: %w", level+1, id, err)
		} else if k != 1 {
			return nil
		}
		took = true
		it, err := get(ctx, tx, org.Scope{All: true}, id)
		if err != nil {
			return err
		}
		f.Number = it.Number
		reason := fmt.Sprintf("逾期 %d 个工作日(整改时限 %s):%s", overdue, it.Deadline.Format(time.DateOnly), st.Action.Label())
		title := "整改事项已逾期:" + it.Number
		body := fmt.Sprintf("%s“%s”的整改时限为 %s,已逾期 %d 个工作日,请抓紧整改并及时填报进展。",
			it.UnitName, it.Title, it.Deadline.Format(time.DateOnly), overdue)
		key := fmt.Sprintf("ledger:%d:step:%d", id, level+1)
		link := fmt.Sprintf("/ledger/%d", id)
		switch st.Action {
		case RemindResponsible:
			f.Notified = []int64{it.ResponsiblePersonID}
		case RemindUnitHead:
			if f.Notified, err = unitHeads(ctx, tx, it.UnitPath); err != nil {
				return err
			}
			if len(f.Notified) == 0 {
				reason += "(未找到单位联络员,未发送提醒)"
			}
			body = fmt.Sprintf("%s责任人%s负责的“%s”已逾期 %d 个工作日,请督促整改。", it.UnitName, it.ResponsibleName, it.Title, overdue)
		case StepTalk, StepNotice:
			k := KindTalk
			if st.Action == StepNotice {
				k = KindNotice
			}
			if _, err := addAccountability(ctx, tx, it, audit.System, k, reason, calendar.DateOf(now), level+1); err != nil {
				return err
			}
		}
		if n != nil {
			for _, pid := range f.Notified {
				if err := n.Notify(ctx, tx, pid, key, title, body, link); err != nil {
					return fmt.Errorf("rectify: notify person %d of item %d: %w", pid, id, err)
				}
			}
		}
		if err := addHistoryActor(ctx, tx, id, audit.System, at, "escalate", it.Status, it.Status, reason); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.System, "escalate", ObjectType, fmt.Sprint(id),
			map[string]any{"escalation_level": level}, map[string]any{"escalation_level": level + 1, "action": st.Action,
				"overdue_days": overdue, "notified": f.Notified})
	})
	return f, took, err
}

// unitHeads are the people behind the enabled logins holding the liaison role with their scope
// at the unit whose path is path, or else at its nearest ancestor that has any.
func unitHeads(ctx context.Context, q store.Querier, path string) ([]int64, error) {
	var ids []int64
	for _, s := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	for i := len(ids) - 1; i >= 0; i-- {
		var people []int64
		err := each(ctx, q, `SELECT DISTINCT s.person_id FROM users s JOIN user_roles r ON r.user_id = s.id
			WHERE r.role = 'liaison' AND s.scope_unit_id = $1 AND s.person_id IS NOT NULL AND NOT s.disabled`, ids[i], func(sc scanner) error {
			var id int64
			err := sc.Scan(&id)
			people = append(people, id)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("rectify: find unit heads: %w", err)
		}
		if len(people) > 0 {
			sort.Slice(people, func(a, b int) bool { return people[a] < people[b] })
			return people, nil
		}
	}
	return nil, nil
}
