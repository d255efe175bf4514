// Package audit keeps jianfu's append-only, hash-chained record of every change.
//
// Each entry carries the hash of the one before it, so editing or deleting a stored entry breaks
// the chain from that point; Verify recomputes it and names the first entry that does not fit.
// Entries are appended in the same transaction as the change they describe, so a change and its
// record are written together or not at all.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/store"
)

// Actor is who made a change. ID 0 means the system itself (a command-line run or a job).
type Actor struct {
	ID   int64
	Name string
}

// System is the actor for changes made by jianfu's own commands and jobs.
var System = Actor{Name: "系统"}

// Entry is one stored record.
type Entry struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	ActorID    int64     `json:"actor_id"`
	Actor      string    `json:"actor"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Before     string    `json:"before,omitempty"`
	After      string    `json:"after,omitempty"`
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
}

// Record appends an entry describing a change to object (objectType, objectID). before and after
// are the object's state around the change (nil where it did not exist) and are stored as JSON;
// they must not contain secrets. q should be the transaction that makes the change.
func Record(ctx context.Context, q store.Querier, actor Actor, action, objectType, objectID string, before, after any) error {
	b, err := encode(before)
	if err != nil {
		return err
	}
	a, err := encode(after)
	if err != nil {
		return err
	}
	e := Entry{At: store.Now(), ActorID: actor.ID, Actor: actor.Name, Action: action,
		ObjectType: objectType, ObjectID: objectID, Before: b, After: a}
	// The head is read, the entry hashed, and the head moved in one conditional UPDATE: the row
	// lock it takes orders concurrent appends, and if another transaction moved the head in the
	// meantime the condition fails and the append starts over from the new head. One update per
	// entry (not two) matters on PostgreSQL, where every update of the same row inside one long
	// transaction (a large import) makes the next one slower.
	for try := 0; ; try++ {
		var seq int64
		if err := q.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &e.PrevHash); err != nil {
			return fmt.Errorf("audit: read head: %w", err)
		}
		e.Seq = seq + 1
		e.Hash = e.computeHash()
		res, err := q.ExecContext(ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1 AND seq = $3`, e.Seq, e.Hash, seq)
		if err != nil {
			return fmt.Errorf("audit: move head: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("audit: move head: %w", err)
		} else if n == 1 {
			break
		}
		if try == 100 {
			return errors.New("audit: the log head keeps moving; giving up")
		}
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO audit_log
		(seq, at, actor_id, actor, action, object_type, object_id, before_json, after_json, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		e.Seq, e.At, store.NullID(e.ActorID), e.Actor, e.Action, e.ObjectType, e.ObjectID, e.Before, e.After, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("audit: append entry: %w", err)
	}
	return nil
}

func encode(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("audit: encode state: %w", err)
	}
	if string(b) == "null" {
		return "", nil
	}
	return string(b), nil
}

// computeHash hashes every field but Hash itself. A JSON array keeps field boundaries
// unambiguous; times are in UTC with full precision so that a read-back entry hashes the same.
func (e *Entry) computeHash() string {
	b, _ := json.Marshal([]any{e.Seq, e.At.UTC().Format(time.RFC3339Nano), e.ActorID, e.Actor, e.Action,
		e.ObjectType, e.ObjectID, e.Before, e.After, e.PrevHash})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Result is the outcome of Verify.
type Result struct {
	Checked  int64  // entries read
	BrokenAt int64  // seq of the first entry that does not fit, 0 if none
	Reason   string // why it does not fit, in Chinese
}

// OK reports whether the whole chain verified.
func (r Result) OK() bool { return r.BrokenAt == 0 }

// Verify reads the whole log in order and checks each entry's hash, its link to the previous
// entry, that numbers have no gaps, and that the head matches the last entry.
func Verify(ctx context.Context, q store.Querier) (Result, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+columns+` FROM audit_log ORDER BY seq`)
	if err != nil {
		return Result{}, fmt.Errorf("audit: read log: %w", err)
	}
	defer rows.Close()
	var r Result
	prev := ""
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return r, err
		}
		r.Checked++
		switch {
		case e.Seq != r.Checked:
			return fail(r, r.Checked, fmt.Sprintf("第 %d 条记录缺失(下一条编号为 %d)", r.Checked, e.Seq)), nil
		case e.PrevHash != prev:
			return fail(r, e.Seq, "与上一条记录的哈希不衔接"), nil
		case e.computeHash() != e.Hash:
			return fail(r, e.Seq, "内容与哈希不符,记录已被改动"), nil
		}
		prev = e.Hash
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("audit: read log: %w", err)
	}
	var headSeq int64
	var headHash string
	if err := q.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return r, fmt.Errorf("audit: read head: %w", err)
	}
	if headSeq != r.Checked || headHash != prev {
		return fail(r, r.Checked+1, fmt.Sprintf("日志末尾不完整:头部记录为第 %d 条,实际只有 %d 条", headSeq, r.Checked)), nil
	}
	return r, nil
}

func fail(r Result, seq int64, reason string) Result {
	r.BrokenAt, r.Reason = seq, reason
	return r
}

const columns = `seq, at, actor_id, actor, action, object_type, object_id, before_json, after_json, prev_hash, hash`

type scanner interface{ Scan(...any) error }

func scan(s scanner) (Entry, error) {
	var e Entry
	var actorID sql.NullInt64
	if err := s.Scan(&e.Seq, &e.At, &actorID, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID,
		&e.Before, &e.After, &e.PrevHash, &e.Hash); err != nil {
		return e, fmt.Errorf("audit: read entry: %w", err)
	}
	e.At = e.At.UTC()
	e.ActorID = actorID.Int64
	return e, nil
}

// Filter selects entries for the audit pages. Zero fields do not filter.
type Filter struct {
	ObjectType string
	ObjectID   string
	Actor      string // substring of the actor's name
	From, To   time.Time
	Limit      int
	Offset     int
}

// List returns the entries matching f, newest first, and how many match in all.
func List(ctx context.Context, q store.Querier, f Filter) ([]Entry, int, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.ObjectType != "" {
		add("object_type = $%d", f.ObjectType)
	}
	if f.ObjectID != "" {
		add("object_id = $%d", f.ObjectID)
	}
	if f.Actor != "" {
		add(`lower(actor) LIKE lower($%d) ESCAPE '\'`, store.Like(f.Actor))
	}
	if !f.From.IsZero() {
		add("at >= $%d", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("at < $%d", f.To.UTC())
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM audit_log`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("audit: count: %w", err)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	args = append(args, f.Limit, f.Offset)
	rows, err := q.QueryContext(ctx, fmt.Sprintf(`SELECT `+columns+` FROM audit_log`+cond+
		` ORDER BY seq DESC LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}

var actionLabels = map[string]string{
	"create": "新增", "update": "修改", "delete": "删除", "password": "设置密码", "lock": "锁定账号",
	"revoke": "吊销", "import": "导入", "demo": "生成演示数据", "transition": "状态变更", "merge": "合并",
	"members": "成员变更", "attest": "确认", "mark_due": "标记待确认", "intake.submit": "提交申请", "intake.resubmit": "重新提交",
	"intake.approve": "审批同意", "intake.return": "退回修改", "intake.reject": "审批不同意", "intake.withdraw": "撤回申请",
	"ingest": "导入活动数据", "run": "运行体检", "confirm": "确认问题", "dismiss": "驳回问题", "convert": "转入整改台账",
	"start": "开始整改", "progress": "更新进展", "submit": "提交", "verify": "验收销号", "reject": "退回", "extend": "调整整改时限",
	"comment": "评论", "attach": "上传附件", "accountability": "记录问责", "escalate": "逾期督办", "draw": "双随机抽取",
	"set_checklist": "设置检查事项", "record_result": "记录检查结果", "status": "状态变更", "save": "保存", "file": "转入整改台账",
	"declare_conflict": "申报回避", "add_target": "添加检查对象",
}

// ActionLabel is an action's Chinese name.
func ActionLabel(action string) string {
	if l, ok := actionLabels[action]; ok {
		return l
	}
	return action
}

var objectLabels = map[string]string{"unit": "单位", "person": "人员", "user": "用户", "api_token": "API 令牌", "asset": "资产",
	"intake_request": "立项/备案申请", "setting": "设置", "group_member": "群成员", "calendar_day": "日历",
	"activity_batch": "活动数据批次", "analysis_run": "体检", "finding": "体检问题", "ledger_item": "整改事项",
	"inspection_plan": "检查计划", "inspection_draw": "双随机抽取", "inspection_result": "检查结果", "inspector": "检查人员",
	"campaign": "专项行动", "campaign_task": "专项行动任务", "campaign_submission": "报送材料", "campaign_problem": "自查问题",
	"campaign_note": "督导记录", "campaign_list": "表彰/约谈名单", "notify_channel": "群机器人"}

// ObjectLabel is an object type's Chinese name.
func ObjectLabel(objectType string) string {
	if l, ok := objectLabels[objectType]; ok {
		return l
	}
	return objectType
}
