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
)

// UnitKind is the level of a unit in the fire-and-rescue service, or a department (处室).
type UnitKind string

// The kinds of unit.
const (
	Corps      UnitKind = "corps"      // 总队
	Detachment UnitKind = "detachment" // 支队
	Brigade    UnitKind = "brigade"    // 大队
	Station    UnitKind = "station"    // 站
	Department UnitKind = "department" // 处室 / 科室
)

// UnitKinds lists the kinds from the top down.
var UnitKinds = []UnitKind{Corps, Detachment, Brigade, Station, Department}

var kindLabels = map[UnitKind]string{Corps: "总队", Detachment: "支队", Brigade: "大队", Station: "站", Department: "处室"}

// Label is the kind's Chinese name.
func (k UnitKind) Label() string { return kindLabels[k] }

// ParseUnitKind accepts a kind code or its Chinese name.
func ParseUnitKind(s string) (UnitKind, bool) {
	s = strings.TrimSpace(s)
	for _, k := range UnitKinds {
		if s == string(k) || s == k.Label() {
			return k, true
		}
	}
	if s == "消防救援站" || s == "科室" {
		return map[string]UnitKind{"消防救援站": Station, "科室": Department}[s], true
	}
	return "", false
}

// allowedParents says under which kinds each kind may sit; a corps is the root.
var allowedParents = map[UnitKind][]UnitKind{
	Corps:      nil,
	Detachment: {Corps},
	Brigade:    {Detachment},
	Station:    {Detachment, Brigade},
	Department: {Corps, Detachment, Brigade},
}

// Unit is one node of the organisation tree.
type Unit struct {
	ID         int64     `json:"id"`
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	Kind       UnitKind  `json:"kind"`
	ParentID   int64     `json:"parent_id,omitempty"`
	ParentName string    `json:"parent_name,omitempty"`
	Path       string    `json:"-"`
	SortOrder  int       `json:"sort_order"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Depth is the unit's level in the tree, 0 for the root.
func (u Unit) Depth() int { return strings.Count(u.Path, "/") - 2 }

// UnitInput is what a caller may set on a unit. ParentCode may be given instead of ParentID
// (imports speak in codes).
type UnitInput struct {
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	Kind       UnitKind `json:"kind"`
	ParentID   int64    `json:"parent_id"`
	ParentCode string   `json:"parent_code,omitempty"`
	SortOrder  int      `json:"sort_order"`
}

func (in *UnitInput) normalize() error {
	in.Code = strings.TrimSpace(in.Code)
	in.Name = strings.TrimSpace(in.Name)
	if k, ok := ParseUnitKind(string(in.Kind)); ok {
		in.Kind = k
	} else {
		return errs.Field("kind", "单位类型无效,应为 总队、支队、大队、站 或 处室")
	}
	if in.SortOrder < 0 || in.SortOrder > 1_000_000 {
		return errs.Field("sort_order", "排序号应在 0 到 1000000 之间")
	}
	return first(checkCode("code", "单位编码", in.Code), checkText("name", "单位名称", in.Name, true, 100))
}

// Store is the organisation's data access. All methods scope by the principal.
type Store struct {
	DB *store.DB
}

const unitCols = `u.id, u.code, u.name, u.kind, COALESCE(u.parent_id, 0), COALESCE(p.name, ''), u.path, u.sort_order, u.created_at, u.updated_at`
const unitFrom = ` FROM units u LEFT JOIN units p ON p.id = u.parent_id`

func scanUnit(s interface{ Scan(...any) error }) (Unit, error) {
	var u Unit
	err := s.Scan(&u.ID, &u.Code, &u.Name, &u.Kind, &u.ParentID, &u.ParentName, &u.Path, &u.SortOrder, &u.CreatedAt, &u.UpdatedAt)
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, err
}

// getUnit reads a unit inside the scope; outside it, the unit does not exist for the caller.
func getUnit(ctx context.Context, q store.Querier, s Scope, col string, key any) (Unit, error) {
	w := &store.Where{}
	w.Add("u."+col+" = ?", key)
	s.Filter(w, "u.path")
	u, err := scanUnit(q.QueryRowContext(ctx, `SELECT `+unitCols+unitFrom+w.String(), w.Args...))
	if errors.Is(err, sql.ErrNoRows) {
		return u, errs.E(errs.NotFound, "单位不存在或不在您的管辖范围内")
	}
	if err != nil {
		return u, fmt.Errorf("org: read unit: %w", err)
	}
	return u, nil
}

// Unit returns one unit by id.
func (s *Store) Unit(ctx context.Context, p Principal, id int64) (Unit, error) {
	if err := p.Require(PermUnitsRead); err != nil {
		return Unit{}, err
	}
	return getUnit(ctx, s.DB, p.Scope, "id", id)
}

// UnitByCode returns one unit by its code.
func (s *Store) UnitByCode(ctx context.Context, p Principal, code string) (Unit, error) {
	if err := p.Require(PermUnitsRead); err != nil {
		return Unit{}, err
	}
	return getUnit(ctx, s.DB, p.Scope, "code", code)
}

// UnitFilter selects units for a list.
type UnitFilter struct {
	Q        string   // substring of name or code
	Kind     UnitKind // "" for all
	ParentID int64    // only the subtree below this unit (inclusive), 0 for the whole scope
	Page
}

// Units lists the units in the caller's scope matching f, in tree order, and the total count.
func (s *Store) Units(ctx context.Context, p Principal, f UnitFilter) ([]Unit, int, error) {
	if err := p.Require(PermUnitsRead); err != nil {
		return nil, 0, err
	}
	w := &store.Where{}
	p.Scope.Filter(w, "u.path")
	if f.Q != "" {
		like := store.Like(f.Q)
		w.Add(`(lower(u.name) LIKE lower(?) ESCAPE '\' OR lower(u.code) LIKE lower(?) ESCAPE '\')`, like, like)
	}
	if f.Kind != "" {
		w.Add("u.kind = ?", string(f.Kind))
	}
	if f.ParentID != 0 {
		root, err := getUnit(ctx, s.DB, p.Scope, "id", f.ParentID)
		if err != nil {
			return nil, 0, err
		}
		w.Add(`u.path LIKE ? ESCAPE '\'`, store.EscapeLike(root.Path)+"%")
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*)`+unitFrom+w.String(), w.Args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("org: count units: %w", err)
	}
	pg := f.Page.Norm()
	rows, err := s.DB.QueryContext(ctx, `SELECT `+unitCols+unitFrom+w.String()+` ORDER BY u.path`+w.Page(pg.Limit, pg.Offset), w.Args...)
	if err != nil {
		return nil, 0, fmt.Errorf("org: list units: %w", err)
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("org: read unit: %w", err)
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// AllUnits returns every unit in scope in tree order, for pickers and exports. A province has
// hundreds of units, not millions, so this is bounded.
func (s *Store) AllUnits(ctx context.Context, p Principal) ([]Unit, error) {
	var out []Unit
	for off := 0; ; off += MaxPage {
		page, total, err := s.Units(ctx, p, UnitFilter{Page: Page{Limit: MaxPage, Offset: off}})
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(out) >= total || len(page) == 0 {
			return out, nil
		}
	}
}

// CreateUnit adds a unit under an existing parent in the caller's scope. Only a principal with
// the whole organisation in scope may create the root (总队), and only once.
func (s *Store) CreateUnit(ctx context.Context, p Principal, in UnitInput) (Unit, error) {
	var u Unit
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = CreateUnitTx(ctx, tx, p, in)
		return err
	})
	return u, err
}

// CreateUnitTx is CreateUnit inside the caller's transaction (for imports).
func CreateUnitTx(ctx context.Context, tx store.Querier, p Principal, in UnitInput) (Unit, error) {
	if err := p.Require(PermUnitsWrite); err != nil {
		return Unit{}, err
	}
	if err := in.normalize(); err != nil {
		return Unit{}, err
	}
	if err := lockTree(ctx, tx); err != nil {
		return Unit{}, err
	}
	parent, err := resolveParent(ctx, tx, p, &in)
	if err != nil {
		return Unit{}, err
	}
	if err := checkPlacement(in.Kind, parent); err != nil {
		return Unit{}, err
	}
	if parent == nil {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM units WHERE parent_id IS NULL`).Scan(&n); err != nil {
			return Unit{}, fmt.Errorf("org: count roots: %w", err)
		}
		if n > 0 || !p.Scope.All {
			return Unit{}, errs.Field("parent_id", "请选择上级单位(总队只能有一个)")
		}
	}
	now := store.Now()
	var parentID any
	if parent != nil {
		parentID = parent.ID
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO units (code, name, kind, parent_id, path, sort_order, created_at, updated_at)
		VALUES ($1, $2, $3, $4, '', $5, $6, $6) RETURNING id`, in.Code, in.Name, string(in.Kind), parentID, in.SortOrder, now).Scan(&id)
	if store.IsUnique(err) && parent == nil {
		return Unit{}, errs.Field("parent_id", "请选择上级单位(总队只能有一个)")
	}
	if store.IsUnique(err) {
		return Unit{}, errs.Field("code", "单位编码 "+in.Code+" 已存在")
	}
	if err != nil {
		return Unit{}, fmt.Errorf("org: insert unit: %w", err)
	}
	path := "/" + fmt.Sprint(id) + "/"
	if parent != nil {
		path = parent.Path + fmt.Sprint(id) + "/"
	}
	if _, err := tx.ExecContext(ctx, `UPDATE units SET path = $1 WHERE id = $2`, path, id); err != nil {
		return Unit{}, fmt.Errorf("org: set unit path: %w", err)
	}
	u, err := getUnit(ctx, tx, Scope{All: true}, "id", id)
	if err != nil {
		return u, err
	}
	return u, audit.Record(ctx, tx, p.Actor(), "create", "unit", fmt.Sprint(id), nil, u)
}

func resolveParent(ctx context.Context, q store.Querier, p Principal, in *UnitInput) (*Unit, error) {
	if in.ParentID == 0 && in.ParentCode == "" {
		return nil, nil
	}
	var parent Unit
	var err error
	if in.ParentID == 0 && !codeRE.MatchString(strings.TrimSpace(in.ParentCode)) {
		return nil, errs.Field("parent_id", "上级单位编码无效")
	}
	if in.ParentID != 0 {
		parent, err = getUnit(ctx, q, p.Scope, "id", in.ParentID)
	} else {
		parent, err = getUnit(ctx, q, p.Scope, "code", strings.TrimSpace(in.ParentCode))
	}
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			return nil, errs.Field("parent_id", "上级单位不存在或不在您的管辖范围内")
		}
		return nil, err
	}
	in.ParentID = parent.ID
	return &parent, nil
}

func checkPlacement(kind UnitKind, parent *Unit) error {
	allowed := allowedParents[kind]
	if parent == nil {
		if allowed == nil {
			return nil
		}
		return errs.Field("parent_id", kind.Label()+"必须有上级单位")
	}
	for _, k := range allowed {
		if parent.Kind == k {
			return nil
		}
	}
	return errs.Field("parent_id", fmt.Sprintf("%s不能设在%s之下", kind.Label(), parent.Kind.Label()))
}

// UpdateUnit changes a unit's fields and may move it (with its subtree) under another parent.
func (s *Store) UpdateUnit(ctx context.Context, p Principal, id int64, in UnitInput) (Unit, error) {
	var u Unit
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = UpdateUnitTx(ctx, tx, p, id, in)
		return err
	})
	return u, err
}

// UpdateUnitTx is UpdateUnit inside the caller's transaction.
func UpdateUnitTx(ctx context.Context, tx store.Querier, p Principal, id int64, in UnitInput) (Unit, error) {
	if err := p.Require(PermUnitsWrite); err != nil {
		return Unit{}, err
	}
	if err := in.normalize(); err != nil {
		return Unit{}, err
	}
	if err := lockTree(ctx, tx); err != nil {
		return Unit{}, err
	}
	before, err := getUnit(ctx, tx, p.Scope, "id", id)
	if err != nil {
		return Unit{}, err
	}
	parent, err := resolveParent(ctx, tx, p, &in)
	if err != nil {
		return Unit{}, err
	}
	if (parent == nil) != (before.ParentID == 0) {
		return Unit{}, errs.Field("parent_id", "总队不能移动到其他单位之下,其他单位必须有上级单位")
	}
	if parent != nil && strings.HasPrefix(parent.Path, before.Path) {
		return Unit{}, errs.Field("parent_id", "不能把单位移到它自己或它的下级单位之下")
	}
	if err := checkPlacement(in.Kind, parent); err != nil {
		return Unit{}, err
	}
	if in.Kind != before.Kind {
		if err := checkChildrenFit(ctx, tx, before, in.Kind); err != nil {
			return Unit{}, err
		}
	}
	now := store.Now()
	_, err = tx.ExecContext(ctx, `UPDATE units SET code = $1, name = $2, kind = $3, parent_id = $4, sort_order = $5, updated_at = $6 WHERE id = $7`,
		in.Code, in.Name, string(in.Kind), nullable(in.ParentID), in.SortOrder, now, id)
	if store.IsUnique(err) {
		return Unit{}, errs.Field("code", "单位编码 "+in.Code+" 已存在")
	}
	if err != nil {
		return Unit{}, fmt.Errorf("org: update unit: %w", err)
	}
	if parent != nil && parent.ID != before.ParentID {
		newPath := parent.Path + fmt.Sprint(id) + "/"
		// Rewrite the prefix of the whole subtree in one statement.
		if _, err := tx.ExecContext(ctx, `UPDATE units SET path = $1 || substr(path, $2) WHERE path LIKE $3 ESCAPE '\'`,
			newPath, len(before.Path)+1, store.EscapeLike(before.Path)+"%"); err != nil {
			return Unit{}, fmt.Errorf("org: move subtree: %w", err)
		}
	}
	after, err := getUnit(ctx, tx, Scope{All: true}, "id", id)
	if err != nil {
		return after, err
	}
	if !p.Scope.Contains(after.Path) {
		return after, errs.Field("parent_id", "不能把单位移出您的管辖范围")
	}
	return after, audit.Record(ctx, tx, p.Actor(), "update", "unit", fmt.Sprint(id), before, after)
}

func checkChildrenFit(ctx context.Context, q store.Querier, u Unit, kind UnitKind) error {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT kind FROM units WHERE parent_id = $1`, u.ID)
	if err != nil {
		return fmt.Errorf("org: child kinds: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k UnitKind
		if err := rows.Scan(&k); err != nil {
			return err
		}
		changed := u
		changed.Kind = kind
		if err := checkPlacement(k, &changed); err != nil {
			return errs.Field("kind", "改为"+kind.Label()+"后,其下级"+k.Label()+"的位置不再合规")
		}
	}
	return rows.Err()
}

func nullable(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// DeleteUnit removes a unit that has no sub-units, people or users.
func (s *Store) DeleteUnit(ctx context.Context, p Principal, id int64) error {
	if err := p.Require(PermUnitsWrite); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := lockTree(ctx, tx); err != nil {
			return err
		}
		u, err := getUnit(ctx, tx, p.Scope, "id", id)
		if err != nil {
			return err
		}
		var children, people, users, assets int
		err = tx.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM units WHERE parent_id = $1),
			(SELECT count(*) FROM people WHERE unit_id = $1),
			(SELECT count(*) FROM users WHERE unit_id = $1 OR scope_unit_id = $1),
			(SELECT count(*) FROM assets WHERE unit_id = $1 OR lead_unit_id = $1)`, id).Scan(&children, &people, &users, &assets)
		if err != nil {
			return fmt.Errorf("org: count dependents: %w", err)
		}
		if children+people+users+assets > 0 {
			return errs.E(errs.Conflict, fmt.Sprintf("该单位下还有 %d 个下级单位、%d 名人员、%d 个用户、%d 项清单资产,不能删除", children, people, users, assets))
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM units WHERE id = $1`, id); err != nil {
			return fmt.Errorf("org: delete unit: %w", err)
		}
		return audit.Record(ctx, tx, p.Actor(), "delete", "unit", fmt.Sprint(id), u, nil)
	})
}

// lockTree serialises changes to the unit tree across transactions and instances. Reads need no
// lock: a path is rewritten in one statement, so readers see the old or the new tree.
func lockTree(ctx context.Context, q store.Querier) error {
	if _, err := q.ExecContext(ctx, `UPDATE units_lock SET id = 1 WHERE id = 1`); err != nil {
		return fmt.Errorf("org: lock unit tree: %w", err)
	}
	return nil
}

// Actor is p as the audit log records it.
func (p Principal) Actor() audit.Actor { return audit.Actor{ID: p.UserID, Name: p.Name} }
