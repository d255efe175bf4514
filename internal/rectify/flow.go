package rectify

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// Action names a change of status, as written to history and the audit log.
type Action string

// The status changes.
const (
	ActStart  Action = "start"  // 开始整改: pending → in_progress
	ActSubmit Action = "submit" // 提交验收: in_progress → review
	ActVerify Action = "verify" // 验收销号: review → closed
	ActReject Action = "reject" // 驳回: review → in_progress
)

// transitions is the status machine: for each action, the status it leaves and the one it
// reaches. Anything else is refused.
var transitions = map[Action]struct{ from, to Status }{
	ActStart:  {Pending, InProgress},
	ActSubmit: {InProgress, Review},
	ActVerify: {Review, Closed},
	ActReject: {Review, InProgress},
}

var actionLabels = map[Action]string{ActStart: "开始整改", ActSubmit: "提交验收", ActVerify: "验收销号", ActReject: "驳回"}

// Label is the action's Chinese name.
func (a Action) Label() string { return actionLabels[a] }

// Start marks a pending item as being worked on (整改中), with an optional progress note.
func Start(ctx context.Context, db *store.DB, p org.Principal, id int64, progress string) (Item, error) {
	return transition(ctx, db, p, id, ActStart, progress)
}

// Submit reports an item fixed and asks for acceptance (待验收). The completion note (完成情况)
// is required; the caller becomes fixed_by and may not accept the item themselves.
func Submit(ctx context.Context, db *store.DB, p org.Principal, id int64, completion string) (Item, error) {
	return transition(ctx, db, p, id, ActSubmit, completion)
}

// Verify accepts a fixed item and closes it (验收销号). Four eyes: the verifier must hold a
// verifying role and must not be the user who submitted the fix.
func Verify(ctx context.Context, db *store.DB, p org.Principal, id int64, note string) (Item, error) {
	return transition(ctx, db, p, id, ActVerify, note)
}

// Reject sends an item under review back to 整改中 with a required reason.
func Reject(ctx context.Context, db *store.DB, p org.Principal, id int64, reason string) (Item, error) {
	return transition(ctx, db, p, id, ActReject, reason)
}

func transition(ctx context.Context, db *store.DB, p org.Principal, id int64, act Action, text string) (Item, error) {
	t, ok := transitions[act]
	if !ok {
		return Item{}, errs.E(errs.Invalid, "未知的操作")
	}
	if act == ActVerify || act == ActReject {
		if err := requireVerify(p); err != nil {
			return Item{}, err
		}
	} else if err := requireWrite(p); err != nil {
		return Item{}, err
	}
	text = strings.TrimSpace(text)
	if err := checkText("note", "说明", text, false, true, MaxText); err != nil {
		return Item{}, err
	}
	switch {
	case act == ActReject && utf8.RuneCountInString(text) < 2:
		return Item{}, errs.Field("reason", "驳回须说明理由(至少 2 个字)")
	case act == ActSubmit && text == "":
		return Item{}, errs.Field("completion", "提交验收须填写完成情况")
	}
	var out Item
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := get(ctx, tx, p.Scope, id)
		if err != nil {
			return err
		}
		if before.Status != t.from {
			return errs.E(errs.Conflict, fmt.Sprintf("该事项当前为“%s”,不能%s(只有“%s”的事项可以%s)",
				before.Status.Label(), act.Label(), t.from.Label(), act.Label()))
		}
		if act == ActVerify && p.UserID != 0 && before.FixedByID == p.UserID {
			return errs.E(errs.Forbidden, "验收须由提交整改以外的人员进行(双人复核):您提交了本事项的整改,不能自己验收销号")
		}
		at := now()
		set := `status = $1, updated_by_id = $2, updated_by = $3, updated_at = $4`
		args := []any{string(t.to), store.NullID(p.UserID), p.Name, at}
		add := func(col string, v any) {
			args = append(args, v)
			set += fmt.Sprintf(", %s = $%d", col, len(args))
		}
		switch act {
		case ActStart:
			if text != "" {
				add("progress", text)
			}
		case ActSubmit:
			add("completion", text)
			add("fixed_by_id", store.NullID(p.UserID))
			add("fixed_by", p.Name)
			add("rejection_reason", "")
		case ActVerify:
			add("verified_by_id", store.NullID(p.UserID))
			add("verified_by", p.Name)
			add("closed_at", at)
		case ActReject:
			add("rejection_reason", text)
		}
		args = append(args, id, string(t.from))
		// The status condition makes the loser of two concurrent changes fail instead of
		// applying a transition from a state that no longer holds.
		r, err := tx.ExecContext(ctx, `UPDATE ledger_items SET `+set+fmt.Sprintf(` WHERE id = $%d AND status = $%d`, len(args)-1, len(args)), args...)
		if err != nil {
			return fmt.Errorf("rectify: %s item %d: %w", act, id, err)
		}
		if n, err := r.RowsAffected(); err != nil {
			return fmt.Errorf("rectify: %s item %d: %w", act, id, err)
		} else if n != 1 {
			return errs.E(errs.Conflict, "该事项刚被他人修改,请刷新后重试")
		}
		if err := addHistory(ctx, tx, id, p, at, string(act), t.from, t.to, text); err != nil {
			return err
		}
		if out, err = get(ctx, tx, org.Scope{All: true}, id); err != nil {
			return err
		}
		switch act {
		case ActReject:
			err = notice(ctx, tx, out, "rejected", "整改事项 "+out.Number+" 被退回", "退回理由:"+text)
		case ActVerify:
			err = notice(ctx, tx, out, "closed", "整改事项 "+out.Number+" 已验收销号", out.Title)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), string(act), ObjectType, fmt.Sprint(id), before, out)
	})
	return out, err
}

// UpdateProgress replaces the progress note (整改进展) of an item not yet submitted.
func UpdateProgress(ctx context.Context, db *store.DB, p org.Principal, id int64, progress string) (Item, error) {
	if err := requireWrite(p); err != nil {
		return Item{}, err
	}
	progress = strings.TrimSpace(progress)
	if err := checkText("progress", "整改进展", progress, true, true, MaxText); err != nil {
		return Item{}, err
	}
	var out Item
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := get(ctx, tx, p.Scope, id)
		if err != nil {
			return err
		}
		if before.Status != Pending && before.Status != InProgress {
			return errs.E(errs.Conflict, "该事项已“"+before.Status.Label()+"”,不能再修改整改进展")
		}
		at := now()
		r, err := tx.ExecContext(ctx, `UPDATE ledger_items SET progress = $1, updated_by_id = $2, updated_by = $3, updated_at = $4
			WHERE id = $5 AND status = $6`, progress, store.NullID(p.UserID), p.Name, at, id, string(before.Status))
		if err != nil {
			return fmt.Errorf("rectify: update progress of item %d: %w", id, err)
		}
		if n, _ := r.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "该事项刚被他人修改,请刷新后重试")
		}
		if err := addHistory(ctx, tx, id, p, at, "progress", before.Status, before.Status, progress); err != nil {
			return err
		}
		if out, err = get(ctx, tx, org.Scope{All: true}, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "progress", ObjectType, fmt.Sprint(id),
			map[string]any{"progress": before.Progress}, map[string]any{"progress": out.Progress})
	})
	return out, err
}

// Event is one history row of an item.
type Event struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	ActorID int64     `json:"actor_id,omitempty"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	From    Status    `json:"from,omitempty"`
	To      Status    `json:"to,omitempty"`
	Reason  string    `json:"reason,omitempty"`
}

// Comment is a remark on an item.
type Comment struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	ActorID int64     `json:"actor_id,omitempty"`
	Actor   string    `json:"actor"`
	Body    string    `json:"body"`
}

// AddComment adds a remark to an item in the caller's scope. Closed items still take comments:
// a remark on an accepted fix is how later doubts are recorded.
func AddComment(ctx context.Context, db *store.DB, p org.Principal, id int64, body string) (Comment, error) {
	if err := requireWrite(p); err != nil {
		return Comment{}, err
	}
	body = strings.TrimSpace(body)
	if err := checkText("body", "评论", body, true, true, MaxText); err != nil {
		return Comment{}, err
	}
	c := Comment{At: now(), ActorID: p.UserID, Actor: p.Name, Body: body}
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := get(ctx, tx, p.Scope, id); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO ledger_comments (item_id, at, actor_id, actor, body) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			id, c.At, store.NullID(p.UserID), p.Name, body).Scan(&c.ID); err != nil {
			return fmt.Errorf("rectify: add comment to item %d: %w", id, err)
		}
		return audit.Record(ctx, tx, p.Actor(), "comment", ObjectType, fmt.Sprint(id), nil, c)
	})
	return c, err
}

// Kind is a kind of accountability record (问责).
type Kind string

// The kinds of accountability, from mild to severe.
const (
	KindTalk           Kind = "talk"           // 约谈提醒
	KindNotice         Kind = "notice"         // 通报批评
	KindAccountability Kind = "accountability" // 问责
)

var kindLabels = map[Kind]string{KindTalk: "约谈提醒", KindNotice: "通报批评", KindAccountability: "问责"}

// Label is the kind's Chinese name.
func (k Kind) Label() string { return kindLabels[k] }

// ParseKind accepts a kind's code or Chinese name.
func ParseKind(s string) (Kind, bool) {
	s = strings.TrimSpace(s)
	for k, l := range kindLabels {
		if s == string(k) || s == l {
			return k, true
		}
	}
	return "", false
}

// Accountability is one accountability record linked to an item. Step is the escalation level
// that wrote it, 0 when a person did.
type Accountability struct {
	ID      int64     `json:"id"`
	Kind    Kind      `json:"kind"`
	Note    string    `json:"note"`
	On      time.Time `json:"on"` // a date
	Step    int       `json:"step,omitempty"`
	ActorID int64     `json:"actor_id,omitempty"`
	Actor   string    `json:"actor"`
	At      time.Time `json:"at"`
}

// AccountabilityInput is what a caller records; a zero On means today.
type AccountabilityInput struct {
	Kind Kind      `json:"kind"`
	Note string    `json:"note"`
	On   time.Time `json:"on,omitzero"`
}

// AddAccountability records 约谈提醒, 通报批评 or 问责 on an item, as a verifying role.
func AddAccountability(ctx context.Context, db *store.DB, p org.Principal, id int64, in AccountabilityInput) (Accountability, error) {
	if err := requireVerify(p); err != nil {
		return Accountability{}, err
	}
	k, ok := ParseKind(string(in.Kind))
	if !ok {
		return Accountability{}, errs.Field("kind", "问责方式应为 约谈提醒、通报批评 或 问责")
	}
	note := strings.TrimSpace(in.Note)
	if err := checkText("note", "问责说明", note, true, true, MaxText); err != nil {
		return Accountability{}, err
	}
	on := today()
	if !in.On.IsZero() {
		on = dateOnly(in.On)
		if on.After(today()) {
			return Accountability{}, errs.Field("on", "问责日期不能晚于今天")
		}
	}
	var out Accountability
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		it, err := get(ctx, tx, p.Scope, id)
		if err != nil {
			return err
		}
		out, err = addAccountability(ctx, tx, it, p.Actor(), k, note, on, 0)
		return err
	})
	return out, err
}

// addAccountability writes the record, its history row and its audit entry.
func addAccountability(ctx context.Context, tx store.Querier, it Item, a audit.Actor, k Kind, note string, on time.Time, step int) (Accountability, error) {
	x := Accountability{Kind: k, Note: note, On: on, Step: step, ActorID: a.ID, Actor: a.Name, At: now()}
	if err := tx.QueryRowContext(ctx, `INSERT INTO ledger_accountability (item_id, kind, note, on_date, step, actor_id, actor, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, it.ID, string(k), note, on, step, store.NullID(a.ID), a.Name, x.At).Scan(&x.ID); err != nil {
		return x, fmt.Errorf("rectify: add accountability to item %d: %w", it.ID, err)
	}
	if err := addHistoryActor(ctx, tx, it.ID, a, x.At, "accountability", it.Status, it.Status, k.Label()+":"+note); err != nil {
		return x, err
	}
	return x, audit.Record(ctx, tx, a, "accountability", ObjectType, fmt.Sprint(it.ID), nil, x)
}
