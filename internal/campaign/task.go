package campaign

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// TaskKind is what a task asks units to submit.
type TaskKind string

// The kinds of task.
const (
	KindPlan      TaskKind = "plan"       // 实施方案
	KindSelfCheck TaskKind = "self_check" // 自查报告, carries a problem list
	KindProgress  TaskKind = "progress"   // 整改进展
	KindSummary   TaskKind = "summary"    // 总结报告
	KindOther     TaskKind = "other"      // 其他材料
)

// TaskKinds lists the kinds in display order.
var TaskKinds = []TaskKind{KindPlan, KindSelfCheck, KindProgress, KindSummary, KindOther}

var taskKindLabels = map[TaskKind]string{KindPlan: "实施方案", KindSelfCheck: "自查报告", KindProgress: "整改进展",
	KindSummary: "总结报告", KindOther: "其他材料"}

// Label is the kind's Chinese name.
func (k TaskKind) Label() string { return taskKindLabels[k] }

// ParseTaskKind accepts a kind code or its Chinese name.
func ParseTaskKind(s string) (TaskKind, bool) {
	s = strings.TrimSpace(s)
	for _, k := range TaskKinds {
		if s == string(k) || s == k.Label() {
			return k, true
		}
	}
	return "", false
}

// Task is what every unit of some kinds owes in one phase (阶段任务).
type Task struct {
	ID         int64          `json:"id"`
	CampaignID int64          `json:"campaign_id"`
	Phase      PhaseNo        `json:"phase"`
	Kind       TaskKind       `json:"kind"`
	Title      string         `json:"title"`
	Due        time.Time      `json:"due"` // a date (midnight UTC); submissions on that day are on time
	UnitKinds  []org.UnitKind `json:"unit_kinds"`
	CreatedAt  time.Time      `json:"created_at"`
	UpdatedAt  time.Time      `json:"updated_at"`
}

// Owes reports whether a unit of kind k owes the task.
func (t Task) Owes(k org.UnitKind) bool { return slices.Contains(t.UnitKinds, k) }

// TaskInput is what the office sets on a task.
type TaskInput struct {
	Phase     PhaseNo        `json:"phase"`
	Kind      TaskKind       `json:"kind"`
	Title     string         `json:"title"`
	Due       time.Time      `json:"due"`
	UnitKinds []org.UnitKind `json:"unit_kinds"`
}

// validate checks the task against its campaign: the due date must lie inside the task's phase,
// since a phase's tasks are what the phase is for.
func (in *TaskInput) validate(c Campaign) error {
	in.Title = strings.TrimSpace(in.Title)
	if !in.Phase.Valid() {
		return errs.Field("phase", "请选择阶段:动员部署、自查自纠、集中整治或总结提升")
	}
	k, ok := ParseTaskKind(string(in.Kind))
	if !ok {
		return errs.Field("kind", "任务类型应为 实施方案、自查报告、整改进展、总结报告 或 其他材料")
	}
	in.Kind = k
	if err := checkText("title", "任务名称", in.Title, true, 100); err != nil {
		return err
	}
	if in.Due.IsZero() {
		return errs.Field("due", "截止日期不能为空")
	}
	in.Due = Day(in.Due)
	ph, ok := c.Phase(in.Phase)
	if !ok {
		return fmt.Errorf("campaign: campaign %d has no phase %d", c.ID, in.Phase)
	}
	if !ph.Contains(in.Due) {
		return errs.Field("due", fmt.Sprintf("截止日期 %s 不在%s阶段(%s 至 %s)之内", fmtDay(in.Due), ph.Label(), fmtDay(ph.Start), fmtDay(ph.End)))
	}
	var kinds []org.UnitKind
	for _, s := range in.UnitKinds {
		k, ok := org.ParseUnitKind(string(s))
		if !ok {
			return errs.Field("unit_kinds", "单位类型无效:"+string(s))
		}
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 {
		return errs.Field("unit_kinds", "请选择需要报送的单位类型")
	}
	// Kinds are kept in the tree's order so that two equal selections store the same text.
	slices.SortFunc(kinds, func(a, b org.UnitKind) int { return slices.Index(org.UnitKinds, a) - slices.Index(org.UnitKinds, b) })
	in.UnitKinds = kinds
	return nil
}

func joinKinds(ks []org.UnitKind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ",")
}

func splitKinds(s string) []org.UnitKind {
	var out []org.UnitKind
	for _, k := range strings.Split(s, ",") {
		if k != "" {
			out = append(out, org.UnitKind(k))
		}
	}
	return out
}

const taskCols = `id, campaign_id, phase, kind, title, due_on, unit_kinds, created_at, updated_at`

func scanTask(sc interface{ Scan(...any) error }) (Task, error) {
	var t Task
	var kinds string
	err := sc.Scan(&t.ID, &t.CampaignID, &t.Phase, &t.Kind, &t.Title, &t.Due, &kinds, &t.CreatedAt, &t.UpdatedAt)
	t.Due = Day(t.Due.UTC())
	t.UnitKinds = splitKinds(kinds)
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	return t, err
}

// listTasks reads a campaign's tasks by phase and due date; the caller has checked visibility.
func listTasks(ctx context.Context, q store.Querier, campaignID int64) ([]Task, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+taskCols+` FROM campaign_tasks WHERE campaign_id = $1 ORDER BY phase, due_on, id`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("campaign: list tasks of %d: %w", campaignID, err)
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, fmt.Errorf("campaign: list tasks of %d: %w", campaignID, err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("campaign: list tasks of %d: %w", campaignID, err)
	}
	return out, nil
}

// getTask reads a task of a campaign the caller may see, with the campaign.
func getTask(ctx context.Context, q store.Querier, p org.Principal, id int64) (Task, Campaign, error) {
	t, err := scanTask(q.QueryRowContext(ctx, `SELECT `+taskCols+` FROM campaign_tasks WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, Campaign{}, errs.E(errs.NotFound, "任务不存在或不在您的管辖范围内")
	}
	if err != nil {
		return t, Campaign{}, fmt.Errorf("campaign: read task %d: %w", id, err)
	}
	c, err := getCampaign(ctx, q, p, t.CampaignID)
	if errs.Is(err, errs.NotFound) {
		return t, c, errs.E(errs.NotFound, "任务不存在或不在您的管辖范围内")
	}
	return t, c, err
}

// Tasks lists a campaign's tasks by phase and due date.
func (s *Store) Tasks(ctx context.Context, p org.Principal, campaignID int64) ([]Task, error) {
	if _, err := getCampaign(ctx, s.DB, p, campaignID); err != nil {
		return nil, err
	}
	return listTasks(ctx, s.DB, campaignID)
}

// Task returns one task.
func (s *Store) Task(ctx context.Context, p org.Principal, id int64) (Task, error) {
	t, _, err := getTask(ctx, s.DB, p, id)
	return t, err
}

// CreateTask adds a task to a campaign.
func (s *Store) CreateTask(ctx context.Context, p org.Principal, campaignID int64, in TaskInput) (Task, error) {
	if err := requireManager(p); err != nil {
		return Task{}, err
	}
	var t Task
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		c, err := getCampaign(ctx, tx, p, campaignID)
		if err != nil {
			return err
		}
		if err := in.validate(c); err != nil {
			return err
		}
		now := s.now()
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO campaign_tasks (campaign_id, phase, kind, title, due_on, unit_kinds, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, campaignID, int(in.Phase), string(in.Kind), in.Title, in.Due,
			joinKinds(in.UnitKinds), now).Scan(&id); err != nil {
			return fmt.Errorf("campaign: insert task: %w", err)
		}
		if t, _, err = getTask(ctx, tx, p, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "create", "campaign_task", fmt.Sprint(id), nil, t)
	})
	return t, err
}

// UpdateTask changes a task. Its kind may not change once something was submitted, because a
// 自查报告's problems would otherwise hang off a task that no longer asks for them.
func (s *Store) UpdateTask(ctx context.Context, p org.Principal, id int64, in TaskInput) (Task, error) {
	if err := requireManager(p); err != nil {
		return Task{}, err
	}
	var t Task
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		before, c, err := getTask(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := in.validate(c); err != nil {
			return err
		}
		if in.Kind != before.Kind {
			n, err := countSubmissions(ctx, tx, id)
			if err != nil {
				return err
			}
			if n > 0 {
				return errs.Field("kind", "已有单位报送,任务类型不能再修改")
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE campaign_tasks SET phase = $1, kind = $2, title = $3, due_on = $4, unit_kinds = $5, updated_at = $6
			WHERE id = $7`, int(in.Phase), string(in.Kind), in.Title, in.Due, joinKinds(in.UnitKinds), s.now(), id); err != nil {
			return fmt.Errorf("campaign: update task %d: %w", id, err)
		}
		if t, _, err = getTask(ctx, tx, p, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "update", "campaign_task", fmt.Sprint(id), before, t)
	})
	return t, err
}

// DeleteTask removes a task nothing has been submitted to.
func (s *Store) DeleteTask(ctx context.Context, p org.Principal, id int64) error {
	if err := requireManager(p); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		before, _, err := getTask(ctx, tx, p, id)
		if err != nil {
			return err
		}
		n, err := countSubmissions(ctx, tx, id)
		if err != nil {
			return err
		}
		if n > 0 {
			return errs.E(errs.Conflict, fmt.Sprintf("已有 %d 份报送材料,任务不能删除", n))
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM campaign_tasks WHERE id = $1`, id); err != nil {
			return fmt.Errorf("campaign: delete task %d: %w", id, err)
		}
		return audit.Record(ctx, tx, p.Actor(), "delete", "campaign_task", fmt.Sprint(id), before, nil)
	})
}

func countSubmissions(ctx context.Context, q store.Querier, taskID int64) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM campaign_submissions WHERE task_id = $1`, taskID).Scan(&n); err != nil {
		return 0, fmt.Errorf("campaign: count submissions of task %d: %w", taskID, err)
	}
	return n, nil
}
