// Package campaign runs the special campaign (专项行动) of the seed plan: a campaign with its four
// phases (动员部署, 自查自纠, 集中整治, 总结提升), the tasks every unit of some kinds owes in a
// phase (实施方案, 自查报告, 整改进展, 总结报告), what units submit with their documents, the
// progress board, the office's supervision notes (督导) and the commendation (表彰) and 约谈 lists.
//
// The office (领导小组办公室) and administrators manage campaigns, tasks, notes and lists; unit
// liaisons submit for the units in their scope and the office may submit on any unit's behalf.
// Everyone reads what concerns their scope: a campaign is visible to a caller whose scope lies
// inside the campaign's unit or contains it, and board rows, submissions, notes and list entries
// are filtered by the caller's scope in SQL, so that nothing of another unit leaks.
//
// Every change is written in one transaction with its audit entry. The package does not depend
// on the rectification ledger: a 自查报告's problems are exposed by SelfCheckProblems, and the
// caller that turns them into ledger items records the link with MarkProblemFiled.
package campaign

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// Store is the campaign's data access. All methods check the caller's role and scope.
type Store struct {
	DB *store.DB
	// Now is the clock (UTC). Nil means time.Now; tests set it so that submissions fall before
	// or after a task's due date.
	Now func() time.Time
}

// New returns a Store on db.
func New(db *store.DB) *Store { return &Store{DB: db} }

func (s *Store) now() time.Time {
	t := time.Now()
	if s.Now != nil {
		t = s.Now()
	}
	return t.UTC().Truncate(time.Microsecond)
}

// PhaseNo numbers the four phases in the plan's order, 1 to 4.
type PhaseNo int

// The phases of the seed plan.
const (
	Mobilize  PhaseNo = 1 // 动员部署
	SelfCheck PhaseNo = 2 // 自查自纠
	Rectify   PhaseNo = 3 // 集中整治
	Summarize PhaseNo = 4 // 总结提升
)

// Phases lists the phases in order.
var Phases = []PhaseNo{Mobilize, SelfCheck, Rectify, Summarize}

var phaseLabels = map[PhaseNo]string{Mobilize: "动员部署", SelfCheck: "自查自纠", Rectify: "集中整治", Summarize: "总结提升"}

// Label is the phase's Chinese name.
func (n PhaseNo) Label() string { return phaseLabels[n] }

// Valid reports whether n is one of the four phases.
func (n PhaseNo) Valid() bool { return n >= Mobilize && n <= Summarize }

// Phase is one phase's dates, both inclusive. Dates are midnight UTC of the calendar day (how
// jianfu stores dates); Day normalises any time to that form.
type Phase struct {
	No    PhaseNo   `json:"no"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Label is the phase's Chinese name.
func (p Phase) Label() string { return p.No.Label() }

// Contains reports whether the date d lies within the phase.
func (p Phase) Contains(d time.Time) bool {
	d = Day(d)
	return !d.Before(p.Start) && !d.After(p.End)
}

// Day is the calendar date of t (in t's own location) as midnight UTC.
func Day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func fmtDay(t time.Time) string { return t.Format("2006-01-02") }

// Campaign is one 专项行动.
type Campaign struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Year      int       `json:"year"`
	UnitID    int64     `json:"unit_id"`
	UnitName  string    `json:"unit_name"`
	UnitPath  string    `json:"-"`
	Phases    []Phase   `json:"phases"` // always four, in order
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Phase returns the campaign's phase n.
func (c Campaign) Phase(n PhaseNo) (Phase, bool) {
	for _, p := range c.Phases {
		if p.No == n {
			return p, true
		}
	}
	return Phase{}, false
}

// Input is what the office sets on a campaign. Phases holds the four phases' dates in the plan's
// order (动员部署 first).
type Input struct {
	Name   string       `json:"name"`
	Year   int          `json:"year"`
	UnitID int64        `json:"unit_id"`
	Phases []PhaseDates `json:"phases"`
}

// PhaseDates is the start and end date of one phase, both inclusive.
type PhaseDates struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// validate checks the campaign's fields and returns every problem at once, so the office can fix
// all phase dates in one go; each message names the phase it concerns.
func (in *Input) validate() error {
	in.Name = strings.TrimSpace(in.Name)
	var l errs.List
	if err := checkText("name", "专项行动名称", in.Name, true, 100); err != nil {
		l.Items = append(l.Items, err.(*errs.Error))
	}
	if in.Year < 2000 || in.Year > 2100 {
		l.Add("year", "年度应在 2000 至 2100 之间")
	}
	if in.UnitID <= 0 {
		l.Add("unit_id", "请选择牵头单位")
	}
	if len(in.Phases) != len(Phases) {
		l.Add("phases", "应依次填写动员部署、自查自纠、集中整治、总结提升四个阶段的起止日期")
		return listErr(&l)
	}
	for i := range in.Phases {
		name := Phases[i].Label() + "阶段"
		f := fmt.Sprintf("phases[%d]", i)
		ph := &in.Phases[i]
		if ph.Start.IsZero() {
			l.Add(f+".start", name+"的开始日期不能为空")
		}
		if ph.End.IsZero() {
			l.Add(f+".end", name+"的结束日期不能为空")
		}
		if ph.Start.IsZero() || ph.End.IsZero() {
			continue
		}
		ph.Start, ph.End = Day(ph.Start), Day(ph.End)
		if y := ph.Start.Year(); y < 2000 || y > 2100 {
			l.Add(f+".start", name+"的开始日期应在 2000 至 2100 年之间")
			continue
		}
		if y := ph.End.Year(); y < 2000 || y > 2100 {
			l.Add(f+".end", name+"的结束日期应在 2000 至 2100 年之间")
			continue
		}
		if ph.End.Before(ph.Start) {
			l.Add(f+".end", fmt.Sprintf("%s的结束日期(%s)早于开始日期(%s)", name, fmtDay(ph.End), fmtDay(ph.Start)))
			continue
		}
		if i == 0 {
			continue
		}
		prev := in.Phases[i-1]
		pname := Phases[i-1].Label() + "阶段"
		if prev.Start.IsZero() || prev.End.IsZero() || prev.End.Before(prev.Start) {
			continue // already reported; comparing with a broken phase would only add noise
		}
		switch {
		case ph.Start.Before(prev.Start):
			l.Add(f+".start", fmt.Sprintf("%s应在%s之后:开始日期(%s)早于%s的开始日期(%s)", name, pname, fmtDay(ph.Start), pname, fmtDay(prev.Start)))
		case !ph.Start.After(prev.End):
			l.Add(f+".start", fmt.Sprintf("%s与%s日期重叠:开始日期(%s)不晚于%s的结束日期(%s)", name, pname, fmtDay(ph.Start), pname, fmtDay(prev.End)))
		}
	}
	return listErr(&l)
}

// listErr returns a single problem as itself, so that its field is the error's field as
// elsewhere, and several as a list the user sees at once.
func listErr(l *errs.List) error {
	if len(l.Items) == 1 {
		return l.Items[0]
	}
	return l.Err()
}

// checkText validates a line of text (multiline when multi) of at most max characters.
func checkText(field, label, s string, required bool, max int) error {
	if !utf8.ValidString(s) {
		return errs.Field(field, label+"含有无效字符")
	}
	if required && strings.TrimSpace(s) == "" {
		return errs.Field(field, label+"不能为空")
	}
	if utf8.RuneCountInString(s) > max {
		return errs.Field(field, fmt.Sprintf("%s过长(最多 %d 个字)", label, max))
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return errs.Field(field, label+"不能包含换行、制表符或其他控制字符")
	}
	return nil
}

// checkBody validates multi-line text: newlines and tabs are allowed, other control characters not.
func checkBody(field, label, s string, required bool, max int) error {
	if !utf8.ValidString(s) {
		return errs.Field(field, label+"含有无效字符")
	}
	if required && strings.TrimSpace(s) == "" {
		return errs.Field(field, label+"不能为空")
	}
	if utf8.RuneCountInString(s) > max {
		return errs.Field(field, fmt.Sprintf("%s过长(最多 %d 个字)", label, max))
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }) >= 0 {
		return errs.Field(field, label+"不能包含控制字符")
	}
	return nil
}

// Manager reports whether p runs campaigns: the office and administrators.
func Manager(p org.Principal) bool { return p.Has(org.RoleOffice) || p.Has(org.RoleAdmin) }

func requireManager(p org.Principal) error {
	if Manager(p) {
		return nil
	}
	return errs.E(errs.Forbidden, "只有领导小组办公室或系统管理员可以执行此操作")
}

// visible adds to w the condition that the campaign's unit (path column col) concerns the
// caller: it lies inside the caller's scope (the office sees the 总队's campaign), or the
// caller's scope lies inside it (a 大队 liaison takes part in the 总队's campaign).
func visible(w *store.Where, s org.Scope, col string) {
	switch {
	case s.All:
	case s.Path == "":
		w.Add("1=0")
	default:
		w.Add("("+col+` LIKE ? ESCAPE '\' OR ? LIKE (`+col+` || '%'))`, store.Prefix(s.Path), s.Path)
	}
}

const campaignCols = `c.id, c.name, c.year, c.unit_id, u.name, u.path, c.created_at, c.updated_at`
const campaignFrom = ` FROM campaigns c JOIN units u ON u.id = c.unit_id`

func scanCampaign(sc interface{ Scan(...any) error }) (Campaign, error) {
	var c Campaign
	err := sc.Scan(&c.ID, &c.Name, &c.Year, &c.UnitID, &c.UnitName, &c.UnitPath, &c.CreatedAt, &c.UpdatedAt)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

// getCampaign reads a campaign the caller may see, with its phases.
func getCampaign(ctx context.Context, q store.Querier, p org.Principal, id int64) (Campaign, error) {
	w := &store.Where{}
	w.Add("c.id = ?", id)
	visible(w, p.Scope, "u.path")
	c, err := scanCampaign(q.QueryRowContext(ctx, `SELECT `+campaignCols+campaignFrom+w.String(), w.Args...))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errs.E(errs.NotFound, "专项行动不存在或不在您的管辖范围内")
	}
	if err != nil {
		return c, fmt.Errorf("campaign: read campaign %d: %w", id, err)
	}
	rows, err := q.QueryContext(ctx, `SELECT phase, starts_on, ends_on FROM campaign_phases WHERE campaign_id = $1 ORDER BY phase`, id)
	if err != nil {
		return c, fmt.Errorf("campaign: read phases of %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var ph Phase
		if err := rows.Scan(&ph.No, &ph.Start, &ph.End); err != nil {
			return c, fmt.Errorf("campaign: read phases of %d: %w", id, err)
		}
		ph.Start, ph.End = Day(ph.Start.UTC()), Day(ph.End.UTC())
		c.Phases = append(c.Phases, ph)
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("campaign: read phases of %d: %w", id, err)
	}
	return c, nil
}

// Get returns one campaign the caller may see.
func (s *Store) Get(ctx context.Context, p org.Principal, id int64) (Campaign, error) {
	return getCampaign(ctx, s.DB, p, id)
}

// List returns the campaigns the caller may see, newest year first.
func (s *Store) List(ctx context.Context, p org.Principal) ([]Campaign, error) {
	w := &store.Where{}
	visible(w, p.Scope, "u.path")
	rows, err := s.DB.QueryContext(ctx, `SELECT c.id`+campaignFrom+w.String()+` ORDER BY c.year DESC, c.id DESC`, w.Args...)
	if err != nil {
		return nil, fmt.Errorf("campaign: list campaigns: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("campaign: list campaigns: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("campaign: list campaigns: %w", err)
	}
	out := make([]Campaign, 0, len(ids))
	for _, id := range ids {
		c, err := getCampaign(ctx, s.DB, p, id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// checkUnit resolves the campaign's running unit, which must lie in the caller's scope.
func checkUnit(ctx context.Context, q store.Querier, p org.Principal, field string, id int64) (org.Unit, error) {
	var u org.Unit
	w := &store.Where{}
	w.Add("id = ?", id)
	p.Scope.Filter(w, "path")
	err := q.QueryRowContext(ctx, `SELECT id, code, name, kind, path FROM units`+w.String(), w.Args...).Scan(&u.ID, &u.Code, &u.Name, &u.Kind, &u.Path)
	if errors.Is(err, sql.ErrNoRows) {
		return u, errs.Field(field, "单位不存在或不在您的管辖范围内")
	}
	if err != nil {
		return u, fmt.Errorf("campaign: read unit %d: %w", id, err)
	}
	return u, nil
}

// Create adds a campaign with its four phases.
func (s *Store) Create(ctx context.Context, p org.Principal, in Input) (Campaign, error) {
	if err := requireManager(p); err != nil {
		return Campaign{}, err
	}
	if err := in.validate(); err != nil {
		return Campaign{}, err
	}
	var c Campaign
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := checkUnit(ctx, tx, p, "unit_id", in.UnitID); err != nil {
			return err
		}
		now := s.now()
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO campaigns (name, year, unit_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $4) RETURNING id`, in.Name, in.Year, in.UnitID, now).Scan(&id); err != nil {
			return fmt.Errorf("campaign: insert campaign: %w", err)
		}
		if err := writePhases(ctx, tx, id, in.Phases); err != nil {
			return err
		}
		var err error
		if c, err = getCampaign(ctx, tx, p, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "create", "campaign", fmt.Sprint(id), nil, c)
	})
	return c, err
}

func writePhases(ctx context.Context, tx store.Querier, id int64, phases []PhaseDates) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM campaign_phases WHERE campaign_id = $1`, id); err != nil {
		return fmt.Errorf("campaign: replace phases of %d: %w", id, err)
	}
	for i, ph := range phases {
		if _, err := tx.ExecContext(ctx, `INSERT INTO campaign_phases (campaign_id, phase, starts_on, ends_on) VALUES ($1, $2, $3, $4)`,
			id, int(Phases[i]), ph.Start, ph.End); err != nil {
			return fmt.Errorf("campaign: insert phase %d of %d: %w", i+1, id, err)
		}
	}
	return nil
}

// Update changes a campaign's name, year, unit and phase dates. A phase may not be moved so that
// one of its tasks' due dates falls outside it: the units were told that date.
func (s *Store) Update(ctx context.Context, p org.Principal, id int64, in Input) (Campaign, error) {
	if err := requireManager(p); err != nil {
		return Campaign{}, err
	}
	if err := in.validate(); err != nil {
		return Campaign{}, err
	}
	var c Campaign
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		before, err := getCampaign(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if _, err := checkUnit(ctx, tx, p, "unit_id", in.UnitID); err != nil {
			return err
		}
		tasks, err := listTasks(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, t := range tasks {
			ph := Phase{No: t.Phase, Start: in.Phases[t.Phase-1].Start, End: in.Phases[t.Phase-1].End}
			if !ph.Contains(t.Due) {
				return errs.Field(fmt.Sprintf("phases[%d]", t.Phase-1), fmt.Sprintf("%s阶段的任务“%s”截止日期为 %s,调整后的阶段日期应包含该日期",
					t.Phase.Label(), t.Title, fmtDay(t.Due)))
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE campaigns SET name = $1, year = $2, unit_id = $3, updated_at = $4 WHERE id = $5`,
			in.Name, in.Year, in.UnitID, s.now(), id); err != nil {
			return fmt.Errorf("campaign: update campaign %d: %w", id, err)
		}
		if err := writePhases(ctx, tx, id, in.Phases); err != nil {
			return err
		}
		if c, err = getCampaign(ctx, tx, p, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "update", "campaign", fmt.Sprint(id), before, c)
	})
	return c, err
}

// Delete removes a campaign that has no submissions, notes or lists yet; afterwards its record
// is history and stays.
func (s *Store) Delete(ctx context.Context, p org.Principal, id int64) error {
	if err := requireManager(p); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		before, err := getCampaign(ctx, tx, p, id)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM campaign_submissions s JOIN campaign_tasks t ON t.id = s.task_id
			WHERE t.campaign_id = $1`, id).Scan(&n); err != nil {
			return fmt.Errorf("campaign: count submissions of %d: %w", id, err)
		}
		if n > 0 {
			return errs.E(errs.Conflict, fmt.Sprintf("各单位已报送 %d 份材料,专项行动不能删除", n))
		}
		// Notes and lists would go with the campaign unrecorded (the cascade writes no audit
		// entries), so a campaign that has any is kept too.
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM campaign_notes WHERE campaign_id = $1)
			+ (SELECT count(*) FROM campaign_lists WHERE campaign_id = $1)`, id).Scan(&n); err != nil {
			return fmt.Errorf("campaign: count notes and lists of %d: %w", id, err)
		}
		if n > 0 {
			return errs.E(errs.Conflict, "专项行动已有督导记录或表彰、约谈名单,不能删除")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM campaigns WHERE id = $1`, id); err != nil {
			return fmt.Errorf("campaign: delete campaign %d: %w", id, err)
		}
		return audit.Record(ctx, tx, p.Actor(), "delete", "campaign", fmt.Sprint(id), before, nil)
	})
}
