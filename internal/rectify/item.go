package rectify

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
	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// ObjectType is the audit object type of ledger items.
const ObjectType = "ledger_item"

// Clock is the time the ledger takes as now: when an item is created, a deadline checked or an
// item shown as overdue. Tests set it to walk across holidays; everything else leaves it.
var Clock = time.Now

// now is Clock as stored: UTC, microseconds.
func now() time.Time { return Clock().UTC().Truncate(time.Microsecond) }

// today is the current date in Shanghai as midnight UTC, how deadlines are stored.
func today() time.Time { return calendar.DateOf(Clock()) }

// Status is where an item stands. Overdue is not a status; see Item.Overdue.
type Status string

// The statuses, in order.
const (
	Pending    Status = "pending"     // 待整改
	InProgress Status = "in_progress" // 整改中
	Review     Status = "review"      // 待验收
	Closed     Status = "closed"      // 已销号
)

// Statuses lists every status in order.
var Statuses = []Status{Pending, InProgress, Review, Closed}

var statusLabels = map[Status]string{Pending: "待整改", InProgress: "整改中", Review: "待验收", Closed: "已销号"}

// Label is the status's Chinese name.
func (s Status) Label() string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return string(s)
}

// ParseStatus accepts a status code or its Chinese name.
func ParseStatus(s string) (Status, bool) {
	s = strings.TrimSpace(s)
	for _, x := range Statuses {
		if s == string(x) || s == x.Label() {
			return x, true
		}
	}
	return "", false
}

// Source is what found the problem.
type Source string

// The sources.
const (
	SourceSelfCheck  Source = "self_check" // 自查
	SourceInspection Source = "inspection" // 检查
	SourceFinding    Source = "finding"    // 体检 (a health-check finding)
	SourceSpotCheck  Source = "spot_check" // 抽查
	SourceRating     Source = "rating"     // 评价/差评
	SourceReport     Source = "report"     // 举报
)

// Sources lists every source in display order.
var Sources = []Source{SourceSelfCheck, SourceInspection, SourceFinding, SourceSpotCheck, SourceRating, SourceReport}

var sourceLabels = map[Source]string{SourceSelfCheck: "自查", SourceInspection: "检查", SourceFinding: "体检",
	SourceSpotCheck: "抽查", SourceRating: "评价", SourceReport: "举报"}

// Label is the source's Chinese name.
func (s Source) Label() string {
	if l, ok := sourceLabels[s]; ok {
		return l
	}
	return string(s)
}

// ParseSource accepts a source code or its Chinese name (also 差评, 群众举报 and the like, as
// 台账 write them).
func ParseSource(s string) (Source, bool) {
	s = strings.TrimSpace(s)
	for _, x := range Sources {
		if s == string(x) || s == x.Label() {
			return x, true
		}
	}
	switch s {
	case "差评", "评价/差评", "好差评":
		return SourceRating, true
	case "自查自纠", "自检":
		return SourceSelfCheck, true
	case "监督检查", "督查":
		return SourceInspection, true
	case "随机抽查", "双随机抽查":
		return SourceSpotCheck, true
	case "群众举报", "匿名举报":
		return SourceReport, true
	case "系统体检", "问题发现":
		return SourceFinding, true
	}
	return "", false
}

// Item is a ledger item (问题) as users see it.
type Item struct {
	ID                  int64      `json:"id"`
	Number              string     `json:"number"`
	Source              Source     `json:"source"`
	UnitID              int64      `json:"unit_id"`
	UnitCode            string     `json:"unit_code"`
	UnitName            string     `json:"unit_name"`
	UnitPath            string     `json:"-"`
	AssetID             int64      `json:"asset_id,omitempty"`
	AssetCode           string     `json:"asset_code,omitempty"`
	AssetName           string     `json:"asset_name,omitempty"`
	FindingID           int64      `json:"finding_id,omitempty"`
	Title               string     `json:"title"`
	Description         string     `json:"description"`
	Measures            string     `json:"measures"`
	ResponsiblePersonID int64      `json:"responsible_person_id"`
	ResponsibleCode     string     `json:"responsible_code"`
	ResponsibleName     string     `json:"responsible_name"`
	LeadUnitID          int64      `json:"lead_unit_id,omitempty"`
	LeadUnitName        string     `json:"lead_unit_name,omitempty"`
	Deadline            time.Time  `json:"deadline"` // a date, midnight UTC
	Status              Status     `json:"status"`
	Overdue             bool       `json:"overdue"` // derived: not closed and the deadline has passed
	Progress            string     `json:"progress"`
	Completion          string     `json:"completion"`
	FixedByID           int64      `json:"fixed_by_id,omitempty"`
	FixedBy             string     `json:"fixed_by,omitempty"`
	VerifiedByID        int64      `json:"verified_by_id,omitempty"`
	VerifiedBy          string     `json:"verified_by,omitempty"`
	ClosedAt            *time.Time `json:"closed_at,omitempty"`
	RejectionReason     string     `json:"rejection_reason,omitempty"`
	EscalationLevel     int        `json:"escalation_level"`
	CreatedByID         int64      `json:"created_by_id,omitempty"`
	CreatedBy           string     `json:"created_by"`
	CreatedAt           time.Time  `json:"created_at"`
	UpdatedByID         int64      `json:"updated_by_id,omitempty"`
	UpdatedBy           string     `json:"updated_by"`
	UpdatedAt           time.Time  `json:"updated_at"`
}

// StatusLabel is the item's status in Chinese, with 逾期 for an overdue item.
func (it Item) StatusLabel() string {
	if it.Overdue {
		return it.Status.Label() + "(逾期)"
	}
	return it.Status.Label()
}

const itemCols = `i.id, i.number, i.source, i.unit_id, u.code, u.name, u.path, COALESCE(i.asset_id, 0), COALESCE(a.code, ''), COALESCE(a.name, ''),
	COALESCE(i.finding_id, 0), i.title, i.description, i.measures, i.responsible_person_id, pe.code, pe.name,
	COALESCE(i.lead_unit_id, 0), COALESCE(lu.name, ''), i.deadline, i.status, i.progress, i.completion,
	COALESCE(i.fixed_by_id, 0), i.fixed_by, COALESCE(i.verified_by_id, 0), i.verified_by, i.closed_at, i.rejection_reason,
	i.escalation_level, COALESCE(i.created_by_id, 0), i.created_by, i.created_at, COALESCE(i.updated_by_id, 0), i.updated_by, i.updated_at`

const itemFrom = ` FROM ledger_items i JOIN units u ON u.id = i.unit_id JOIN people pe ON pe.id = i.responsible_person_id
	LEFT JOIN assets a ON a.id = i.asset_id LEFT JOIN units lu ON lu.id = i.lead_unit_id`

func scanItem(s interface{ Scan(...any) error }, day time.Time, extra ...any) (Item, error) {
	var x Item
	var closed sql.NullTime
	err := s.Scan(append([]any{&x.ID, &x.Number, &x.Source, &x.UnitID, &x.UnitCode, &x.UnitName, &x.UnitPath, &x.AssetID, &x.AssetCode, &x.AssetName,
		&x.FindingID, &x.Title, &x.Description, &x.Measures, &x.ResponsiblePersonID, &x.ResponsibleCode, &x.ResponsibleName,
		&x.LeadUnitID, &x.LeadUnitName, &x.Deadline, &x.Status, &x.Progress, &x.Completion,
		&x.FixedByID, &x.FixedBy, &x.VerifiedByID, &x.VerifiedBy, &closed, &x.RejectionReason,
		&x.EscalationLevel, &x.CreatedByID, &x.CreatedBy, &x.CreatedAt, &x.UpdatedByID, &x.UpdatedBy, &x.UpdatedAt}, extra...)...)
	if err != nil {
		return x, err
	}
	x.Deadline = dateOnly(x.Deadline)
	if closed.Valid {
		t := closed.Time.UTC()
		x.ClosedAt = &t
	}
	x.CreatedAt, x.UpdatedAt = x.CreatedAt.UTC(), x.UpdatedAt.UTC()
	x.Overdue = x.Status != Closed && x.Deadline.Before(day)
	return x, nil
}

// dateOnly reads a stored DATE back as midnight UTC of the same date, whatever zone the driver
// attached to it.
func dateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// get reads one item in scope s; outside it the item does not exist.
func get(ctx context.Context, q store.Querier, s org.Scope, id int64) (Item, error) {
	w := &store.Where{}
	w.Add("i.id = ?", id)
	s.Filter(w, "u.path")
	x, err := scanItem(q.QueryRowContext(ctx, `SELECT `+itemCols+itemFrom+w.String(), w.Args...), today())
	if errors.Is(err, sql.ErrNoRows) {
		return x, errs.E(errs.NotFound, "整改事项不存在或不在您的管辖范围内")
	}
	if err != nil {
		return x, fmt.Errorf("rectify: read item %d: %w", id, err)
	}
	return x, nil
}

// The roles allowed each kind of change; see the package comment.
var (
	writeRoles  = []org.Role{org.RoleAdmin, org.RoleOffice, org.RoleLead, org.RoleLiaison, org.RoleInspector}
	verifyRoles = []org.Role{org.RoleAdmin, org.RoleOffice, org.RoleLead, org.RoleInspector}
)

func requireRead(p org.Principal) error { return p.Require(org.PermCatalogRead) }

func requireAny(p org.Principal, roles []org.Role, msg string) error {
	for _, r := range roles {
		if p.Has(r) {
			return nil
		}
	}
	return errs.E(errs.Forbidden, msg)
}

func requireWrite(p org.Principal) error {
	return requireAny(p, writeRoles, "没有权限修改整改台账")
}

func requireVerify(p org.Principal) error {
	return requireAny(p, verifyRoles, "只有领导小组办公室、牵头处室、检查员或系统管理员可以验收、驳回整改事项或记录问责")
}

// Input is what a caller sets on a new item. The deadline is either DeadlineWorkdays working
// days from today (by the working-day calendar) or the date Deadline; exactly one must be given.
type Input struct {
	Source              Source    `json:"source"`
	UnitID              int64     `json:"unit_id"`
	AssetID             int64     `json:"asset_id,omitempty"`
	Title               string    `json:"title"`
	Description         string    `json:"description"`
	Measures            string    `json:"measures"`
	ResponsiblePersonID int64     `json:"responsible_person_id"`
	LeadUnitID          int64     `json:"lead_unit_id,omitempty"`
	DeadlineWorkdays    int       `json:"deadline_workdays,omitempty"`
	Deadline            time.Time `json:"deadline,omitzero"`
}

// Limits on text, in characters.
const (
	MaxTitle = 200
	MaxText  = 4000
	// MaxWorkdays bounds a deadline given in working days: about a year.
	MaxWorkdays = 250
)

// checkText validates a line (multiline false) or a block of text of at most max characters.
func checkText(field, label, s string, required, multiline bool, max int) error {
	if !utf8.ValidString(s) {
		return errs.Field(field, label+"含有无效字符")
	}
	if required && strings.TrimSpace(s) == "" {
		return errs.Field(field, label+"不能为空")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return errs.Field(field, fmt.Sprintf("%s过长(最多 %d 个字)", label, max))
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
			if multiline {
				return errs.Field(field, label+"含有控制字符")
			}
			return errs.Field(field, label+"不能包含换行或控制字符")
		}
	}
	return nil
}

func (in *Input) normalize() error {
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	in.Measures = strings.TrimSpace(in.Measures)
	if src, ok := ParseSource(string(in.Source)); ok {
		in.Source = src
	} else {
		return errs.Field("source", "问题来源应为 自查、检查、体检、抽查、评价 或 举报")
	}
	for _, err := range []error{
		checkText("title", "问题标题", in.Title, true, false, MaxTitle),
		checkText("description", "问题描述", in.Description, false, true, MaxText),
		checkText("measures", "整改措施", in.Measures, false, true, MaxText),
	} {
		if err != nil {
			return err
		}
	}
	if in.UnitID == 0 {
		return errs.Field("unit_id", "请选择责任单位")
	}
	if in.ResponsiblePersonID == 0 {
		return errs.Field("responsible_person_id", "请选择责任人")
	}
	return nil
}

// deadline computes the item's deadline from in, as of day (a date), with cal. Past dates are
// refused unless allowPast (an imported 台账 carries items already overdue).
func (in Input) deadline(cal *calendar.Calendar, day time.Time, allowPast bool) (time.Time, error) {
	switch {
	case in.DeadlineWorkdays != 0 && !in.Deadline.IsZero():
		return time.Time{}, errs.Field("deadline", "整改时限请填写工作日天数或截止日期,二者只填其一")
	case in.DeadlineWorkdays < 0 || in.DeadlineWorkdays > MaxWorkdays:
		return time.Time{}, errs.Field("deadline_workdays", fmt.Sprintf("整改时限应为 1 至 %d 个工作日", MaxWorkdays))
	case in.DeadlineWorkdays > 0:
		return cal.AddWorkdays(day, in.DeadlineWorkdays), nil
	case in.Deadline.IsZero():
		return time.Time{}, errs.Field("deadline", "请填写整改时限(工作日天数或截止日期)")
	}
	d := dateOnly(in.Deadline)
	if y := d.Year(); y < 1949 || y > 2100 {
		return time.Time{}, errs.Field("deadline", "整改时限应在 1949 至 2100 年之间")
	}
	if d.Before(day) && !allowPast {
		return time.Time{}, errs.Field("deadline", "整改时限 "+d.Format(time.DateOnly)+" 已过,不能早于今天")
	}
	return d, nil
}

// Create records a new item as p, numbered in the same transaction.
func Create(ctx context.Context, db *store.DB, p org.Principal, in Input) (Item, error) {
	var x Item
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		x, err = createTx(ctx, tx, p, in, createOpts{})
		return err
	})
	return x, err
}

// CreateTx is Create inside the caller's transaction, for a caller that marks its own record
// (an inspection result, a 自查 problem) as filed in the same transaction, so that an item is
// never left without the mark or the mark without an item.
func CreateTx(ctx context.Context, tx store.Querier, p org.Principal, in Input) (Item, error) {
	return createTx(ctx, tx, p, in, createOpts{})
}

// createOpts are what conversion and import set beyond Input.
type createOpts struct {
	findingID  int64
	number     string // keep this number (an imported 台账's) instead of assigning one
	status     Status // an imported item's status; Pending otherwise
	progress   string
	completion string
	allowPast  bool
	skipAsset  bool // the asset came with a finding and need not lie in the unit's subtree
	action     string
	cal        *calendar.Calendar
}

func createTx(ctx context.Context, tx store.Querier, p org.Principal, in Input, o createOpts) (Item, error) {
	if err := requireWrite(p); err != nil {
		return Item{}, err
	}
	if err := in.normalize(); err != nil {
		return Item{}, err
	}
	unit, err := scopedUnit(ctx, tx, p.Scope, in.UnitID)
	if err != nil {
		return Item{}, err
	}
	if err := checkPerson(ctx, tx, in.ResponsiblePersonID, unit); err != nil {
		return Item{}, err
	}
	if in.LeadUnitID != 0 {
		if err := checkLeadUnit(ctx, tx, in.LeadUnitID); err != nil {
			return Item{}, err
		}
	}
	if in.AssetID != 0 && !o.skipAsset {
		if err := checkAsset(ctx, tx, in.AssetID, unit); err != nil {
			return Item{}, err
		}
	}
	cal := o.cal
	if cal == nil {
		if cal, err = calendar.Load(ctx, tx); err != nil {
			return Item{}, fmt.Errorf("rectify: load calendar: %w", err)
		}
	}
	at, day := now(), today()
	deadline, err := in.deadline(cal, day, o.allowPast)
	if err != nil {
		return Item{}, err
	}
	number := o.number
	if number == "" {
		if number, err = nextNumber(ctx, tx, day.Year()); err != nil {
			return Item{}, err
		}
	}
	status := o.status
	if status == "" {
		status = Pending
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO ledger_items (number, source, unit_id, asset_id, finding_id, title, description, measures,
		responsible_person_id, lead_unit_id, deadline, status, progress, completion, created_by_id, created_by, created_at,
		updated_by_id, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $15, $16, $17) RETURNING id`,
		number, string(in.Source), unit.id, store.NullID(in.AssetID), store.NullID(o.findingID), in.Title, in.Description, in.Measures,
		in.ResponsiblePersonID, store.NullID(in.LeadUnitID), deadline, string(status), o.progress, o.completion,
		store.NullID(p.UserID), p.Name, at).Scan(&id)
	if store.IsUnique(err) {
		if o.findingID != 0 {
			return Item{}, errs.E(errs.Conflict, "该体检问题已转入整改台账,不能重复转换")
		}
		return Item{}, errs.Field("number", "编号 "+number+" 已存在")
	}
	if err != nil {
		return Item{}, fmt.Errorf("rectify: insert item: %w", err)
	}
	action := o.action
	if action == "" {
		action = "create"
	}
	if err := addHistory(ctx, tx, id, p, at, action, "", status, ""); err != nil {
		return Item{}, err
	}
	x, err := get(ctx, tx, org.Scope{All: true}, id)
	if err != nil {
		return x, err
	}
	if x.Status != Closed {
		if err := notice(ctx, tx, x, "assigned", "新的整改事项 "+x.Number+":"+x.Title,
			fmt.Sprintf("您是责任人,整改时限 %s。", x.Deadline.Format("2006-01-02"))); err != nil {
			return x, err
		}
	}
	return x, audit.Record(ctx, tx, p.Actor(), action, ObjectType, fmt.Sprint(id), nil, x)
}

// nextNumber hands out the next ZG-<year>-<nnnn>. The upsert's row lock makes concurrent
// transactions take turns, and a rolled-back one gives its number back.
func nextNumber(ctx context.Context, q store.Querier, year int) (string, error) {
	var n int
	err := q.QueryRowContext(ctx, `INSERT INTO ledger_numbers (year, last) VALUES ($1, 1)
		ON CONFLICT (year) DO UPDATE SET last = ledger_numbers.last + 1 RETURNING last`, year).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("rectify: next number: %w", err)
	}
	return fmt.Sprintf("ZG-%d-%04d", year, n), nil
}

type unitRef struct {
	id         int64
	code, name string
	path       string
}

// scopedUnit reads a unit that must lie in scope s, as a field error otherwise.
func scopedUnit(ctx context.Context, q store.Querier, s org.Scope, id int64) (unitRef, error) {
	var u unitRef
	err := q.QueryRowContext(ctx, `SELECT id, code, name, path FROM units WHERE id = $1`, id).Scan(&u.id, &u.code, &u.name, &u.path)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !s.Contains(u.path) {
		return u, errs.Field("unit_id", "责任单位不存在或不在您的管辖范围内")
	}
	if err != nil {
		return u, fmt.Errorf("rectify: read unit %d: %w", id, err)
	}
	return u, nil
}

// checkPerson requires the responsible person to be on the books (在职) in the unit's subtree:
// a person elsewhere cannot be answerable for this unit's problem.
func checkPerson(ctx context.Context, q store.Querier, id int64, unit unitRef) error {
	var path, status string
	err := q.QueryRowContext(ctx, `SELECT u.path, p.status FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1`, id).Scan(&path, &status)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !strings.HasPrefix(path, unit.path) {
		return errs.Field("responsible_person_id", "责任人应是"+unit.name+"或其下属单位的人员")
	}
	if err != nil {
		return fmt.Errorf("rectify: read person %d: %w", id, err)
	}
	if status != org.Active {
		return errs.Field("responsible_person_id", "责任人已调离,请另选责任人")
	}
	return nil
}

// checkLeadUnit requires the lead department to be a department (处室). It may lie outside the
// caller's scope: a brigade's liaison names the bureau department that leads the matter.
func checkLeadUnit(ctx context.Context, q store.Querier, id int64) error {
	var kind string
	err := q.QueryRowContext(ctx, `SELECT kind FROM units WHERE id = $1`, id).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) || err == nil && kind != string(org.Department) {
		return errs.Field("lead_unit_id", "牵头处室应是一个处室")
	}
	if err != nil {
		return fmt.Errorf("rectify: read lead unit %d: %w", id, err)
	}
	return nil
}

// checkAsset requires the asset to belong to the unit's subtree.
func checkAsset(ctx context.Context, q store.Querier, id int64, unit unitRef) error {
	var path string
	err := q.QueryRowContext(ctx, `SELECT u.path FROM assets a JOIN units u ON u.id = a.unit_id WHERE a.id = $1`, id).Scan(&path)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !strings.HasPrefix(path, unit.path) {
		return errs.Field("asset_id", "相关资产不存在或不属于"+unit.name)
	}
	if err != nil {
		return fmt.Errorf("rectify: read asset %d: %w", id, err)
	}
	return nil
}

func addHistory(ctx context.Context, q store.Querier, itemID int64, p org.Principal, at time.Time, action string, from, to Status, reason string) error {
	return addHistoryActor(ctx, q, itemID, p.Actor(), at, action, from, to, reason)
}

func addHistoryActor(ctx context.Context, q store.Querier, itemID int64, a audit.Actor, at time.Time, action string, from, to Status, reason string) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO ledger_history (item_id, at, actor_id, actor, action, from_status, to_status, reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, itemID, at, store.NullID(a.ID), a.Name, action, string(from), string(to), reason); err != nil {
		return fmt.Errorf("rectify: write history of item %d: %w", itemID, err)
	}
	return nil
}
