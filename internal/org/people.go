package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// Person statuses.
const (
	Active = "active" // 在职
	Left   = "left"   // 已离开(调离、退出)
)

// StatusLabel is a person status's Chinese name.
func StatusLabel(s string) string {
	if s == Left {
		return "已调离"
	}
	return "在职"
}

// Person is someone in the organisation, identified by their staff number (工号).
type Person struct {
	ID        int64      `json:"id"`
	Code      string     `json:"code"`
	Name      string     `json:"name"`
	UnitID    int64      `json:"unit_id"`
	UnitCode  string     `json:"unit_code"`
	UnitName  string     `json:"unit_name"`
	Post      string     `json:"post"`
	Status    string     `json:"status"`
	LeftOn    *time.Time `json:"left_on,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// PersonInput is what a caller may set on a person. UnitCode may be given instead of UnitID.
type PersonInput struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	UnitID   int64  `json:"unit_id"`
	UnitCode string `json:"unit_code,omitempty"`
	Post     string `json:"post"`
	Status   string `json:"status"`
	LeftOn   string `json:"left_on,omitempty"` // YYYY-MM-DD
}

func (in *PersonInput) normalize() (*time.Time, error) {
	in.Code = strings.TrimSpace(in.Code)
	in.Name = strings.TrimSpace(in.Name)
	in.Post = strings.TrimSpace(in.Post)
	switch strings.TrimSpace(in.Status) {
	case "", Active, "在职":
		in.Status = Active
	case Left, "已调离", "调离", "离职", "退出":
		in.Status = Left
	default:
		return nil, errs.Field("status", "人员状态应为 在职 或 已调离")
	}
	if err := first(checkCode("code", "工号", in.Code), checkText("name", "姓名", in.Name, true, 50),
		checkText("post", "职务", in.Post, false, 100)); err != nil {
		return nil, err
	}
	in.LeftOn = strings.TrimSpace(in.LeftOn)
	if in.LeftOn == "" {
		return nil, nil
	}
	d, err := ParseDate(in.LeftOn)
	if err != nil {
		return nil, errs.Field("left_on", "调离日期格式应为 2006-01-02")
	}
	return &d, nil
}

// ParseDate reads a calendar date as YYYY-MM-DD (also YYYY/MM/DD) between 1949 and 2100.
func ParseDate(s string) (time.Time, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), "/", "-")
	d, err := time.Parse("2006-1-2", s)
	if err != nil {
		return d, err
	}
	if d.Year() < 1949 || d.Year() > 2100 {
		return d, errors.New("year out of range")
	}
	return d, nil
}

const personCols = `p.id, p.code, p.name, p.unit_id, u.code, u.name, p.post, p.status, p.left_on, p.created_at, p.updated_at`
const personFrom = ` FROM people p JOIN units u ON u.id = p.unit_id`

func scanPerson(s interface{ Scan(...any) error }) (Person, error) {
	var x Person
	var left sql.NullTime
	err := s.Scan(&x.ID, &x.Code, &x.Name, &x.UnitID, &x.UnitCode, &x.UnitName, &x.Post, &x.Status, &left, &x.CreatedAt, &x.UpdatedAt)
	if left.Valid {
		d := left.Time.UTC()
		x.LeftOn = &d
	}
	x.CreatedAt, x.UpdatedAt = x.CreatedAt.UTC(), x.UpdatedAt.UTC()
	return x, err
}

func getPerson(ctx context.Context, q store.Querier, s Scope, col string, key any) (Person, error) {
	w := &store.Where{}
	w.Add("p."+col+" = ?", key)
	s.Filter(w, "u.path")
	x, err := scanPerson(q.QueryRowContext(ctx, `SELECT `+personCols+personFrom+w.String(), w.Args...))
	if errors.Is(err, sql.ErrNoRows) {
		return x, errs.E(errs.NotFound, "人员不存在或不在您的管辖范围内")
	}
	if err != nil {
		return x, fmt.Errorf("org: read person: %w", err)
	}
	return x, nil
}

// Person returns one person by id.
func (s *Store) Person(ctx context.Context, p Principal, id int64) (Person, error) {
	if err := p.Require(PermPeopleRead); err != nil {
		return Person{}, err
	}
	return getPerson(ctx, s.DB, p.Scope, "id", id)
}

// PersonFilter selects people for a list.
type PersonFilter struct {
	Q      string // substring of name, 工号 or post
	UnitID int64  // only this unit's subtree
	Status string // "" for all
	Page
}

// People lists the people in the caller's scope matching f and the total count.
func (s *Store) People(ctx context.Context, p Principal, f PersonFilter) ([]Person, int, error) {
	if err := p.Require(PermPeopleRead); err != nil {
		return nil, 0, err
	}
	w := &store.Where{}
	p.Scope.Filter(w, "u.path")
	if f.Q != "" {
		like := store.Like(f.Q)
		w.Add(`(lower(p.name) LIKE lower(?) ESCAPE '\' OR lower(p.code) LIKE lower(?) ESCAPE '\' OR lower(p.post) LIKE lower(?) ESCAPE '\')`, like, like, like)
	}
	if f.Status != "" {
		w.Add("p.status = ?", f.Status)
	}
	if f.UnitID != 0 {
		root, err := getUnit(ctx, s.DB, p.Scope, "id", f.UnitID)
		if err != nil {
			return nil, 0, err
		}
		w.Add(`u.path LIKE ? ESCAPE '\'`, store.EscapeLike(root.Path)+"%")
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*)`+personFrom+w.String(), w.Args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("org: count people: %w", err)
	}
	pg := f.Page.Norm()
	rows, err := s.DB.QueryContext(ctx, `SELECT `+personCols+personFrom+w.String()+` ORDER BY u.path, p.code`+w.Page(pg.Limit, pg.Offset), w.Args...)
	if err != nil {
		return nil, 0, fmt.Errorf("org: list people: %w", err)
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		x, err := scanPerson(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("org: read person: %w", err)
		}
		out = append(out, x)
	}
	return out, total, rows.Err()
}

// leftOn is the date a person left: none while active; for a leaver the given date, else the
// date already recorded, else today in China.
func leftOn(status string, given, recorded *time.Time) *time.Time {
	switch {
	case status == Active:
		return nil
	case given != nil:
		return given
	case recorded != nil:
		return recorded
	}
	d := tz.Today()
	return &d
}

// CreatePerson adds a person to a unit in the caller's scope.
func (s *Store) CreatePerson(ctx context.Context, p Principal, in PersonInput) (Person, error) {
	var x Person
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		x, err = CreatePersonTx(ctx, tx, p, in)
		return err
	})
	return x, err
}

// CreatePersonTx is CreatePerson inside the caller's transaction.
func CreatePersonTx(ctx context.Context, tx store.Querier, p Principal, in PersonInput) (Person, error) {
	if err := p.Require(PermPeopleWrite); err != nil {
		return Person{}, err
	}
	left, err := in.normalize()
	if err != nil {
		return Person{}, err
	}
	unit, err := resolveUnit(ctx, tx, p.Scope, in.UnitID, in.UnitCode)
	if err != nil {
		return Person{}, err
	}
	left = leftOn(in.Status, left, nil)
	now := store.Now()
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO people (code, name, unit_id, post, status, left_on, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, in.Code, in.Name, unit.ID, in.Post, in.Status, left, now).Scan(&id)
	if store.IsUnique(err) {
		return Person{}, errs.Field("code", "工号 "+in.Code+" 已存在")
	}
	if err != nil {
		return Person{}, fmt.Errorf("org: insert person: %w", err)
	}
	x, err := getPerson(ctx, tx, Scope{All: true}, "id", id)
	if err != nil {
		return x, err
	}
	return x, audit.Record(ctx, tx, p.Actor(), "create", "person", fmt.Sprint(id), nil, x)
}

func resolveUnit(ctx context.Context, q store.Querier, s Scope, id int64, code string) (Unit, error) {
	var u Unit
	var err error
	switch {
	case id != 0:
		u, err = getUnit(ctx, q, s, "id", id)
	case strings.TrimSpace(code) != "":
		if !codeRE.MatchString(strings.TrimSpace(code)) {
			return u, errs.Field("unit_id", "所属单位编码无效")
		}
		u, err = getUnit(ctx, q, s, "code", strings.TrimSpace(code))
	default:
		return u, errs.Field("unit_id", "请选择所属单位")
	}
	if errs.Is(err, errs.NotFound) {
		return u, errs.Field("unit_id", "所属单位不存在或不在您的管辖范围内")
	}
	return u, err
}

// UpdatePerson changes a person; moving them to another unit needs both units in scope.
func (s *Store) UpdatePerson(ctx context.Context, p Principal, id int64, in PersonInput) (Person, error) {
	var x Person
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		x, err = UpdatePersonTx(ctx, tx, p, id, in)
		return err
	})
	return x, err
}

// UpdatePersonTx is UpdatePerson inside the caller's transaction.
func UpdatePersonTx(ctx context.Context, tx store.Querier, p Principal, id int64, in PersonInput) (Person, error) {
	if err := p.Require(PermPeopleWrite); err != nil {
		return Person{}, err
	}
	left, err := in.normalize()
	if err != nil {
		return Person{}, err
	}
	before, err := getPerson(ctx, tx, p.Scope, "id", id)
	if err != nil {
		return Person{}, err
	}
	unit, err := resolveUnit(ctx, tx, p.Scope, in.UnitID, in.UnitCode)
	if err != nil {
		return Person{}, err
	}
	left = leftOn(in.Status, left, before.LeftOn)
	_, err = tx.ExecContext(ctx, `UPDATE people SET code = $1, name = $2, unit_id = $3, post = $4, status = $5, left_on = $6, updated_at = $7 WHERE id = $8`,
		in.Code, in.Name, unit.ID, in.Post, in.Status, left, store.Now(), id)
	if store.IsUnique(err) {
		return Person{}, errs.Field("code", "工号 "+in.Code+" 已存在")
	}
	if err != nil {
		return Person{}, fmt.Errorf("org: update person: %w", err)
	}
	after, err := getPerson(ctx, tx, Scope{All: true}, "id", id)
	if err != nil {
		return after, err
	}
	return after, audit.Record(ctx, tx, p.Actor(), "update", "person", fmt.Sprint(id), before, after)
}

// DeletePerson removes a person who has no user account. People who leave should normally be
// marked 已调离 instead, which keeps history.
func (s *Store) DeletePerson(ctx context.Context, p Principal, id int64) error {
	if err := p.Require(PermPeopleWrite); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		x, err := getPerson(ctx, tx, p.Scope, "id", id)
		if err != nil {
			return err
		}
		var users, refs int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM users WHERE person_id = $1),
			(SELECT count(*) FROM assets WHERE owner_person_id = $1) + (SELECT count(*) FROM group_members WHERE person_id = $1)`, id).Scan(&users, &refs); err != nil {
			return fmt.Errorf("org: count references: %w", err)
		}
		if users > 0 {
			return errs.E(errs.Conflict, "该人员有登录账号,请先删除账号或将人员标记为已调离")
		}
		if refs > 0 {
			return errs.E(errs.Conflict, "该人员是清单资产的责任人或群组成员,请将其标记为已调离以保留记录")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM people WHERE id = $1`, id); err != nil {
			return fmt.Errorf("org: delete person: %w", err)
		}
		return audit.Record(ctx, tx, p.Actor(), "delete", "person", fmt.Sprint(id), x, nil)
	})
}

// PersonByCode returns one person by 工号.
func (s *Store) PersonByCode(ctx context.Context, p Principal, code string) (Person, error) {
	if err := p.Require(PermPeopleRead); err != nil {
		return Person{}, err
	}
	if !codeRE.MatchString(strings.TrimSpace(code)) {
		return Person{}, errs.E(errs.NotFound, "人员不存在或不在您的管辖范围内")
	}
	return getPerson(ctx, s.DB, p.Scope, "code", strings.TrimSpace(code))
}
