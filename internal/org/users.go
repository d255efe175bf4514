package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// User is a login. Its unit is where it belongs; its scope unit is the subtree it may see (the
// root for administrators, the office and the departments; its own unit for a liaison).
// Credentials are the auth package's and never leave it.
type User struct {
	ID                 int64      `json:"id"`
	Username           string     `json:"username"`
	DisplayName        string     `json:"display_name"`
	PersonID           int64      `json:"person_id,omitempty"`
	UnitID             int64      `json:"unit_id"`
	UnitName           string     `json:"unit_name"`
	ScopeUnitID        int64      `json:"scope_unit_id"`
	ScopeUnitName      string     `json:"scope_unit_name"`
	ScopePath          string     `json:"-"`
	Roles              []Role     `json:"roles"`
	Disabled           bool       `json:"disabled"`
	MustChangePassword bool       `json:"must_change_password"`
	LockedUntil        *time.Time `json:"locked_until,omitempty"`
	LastLoginAt        *time.Time `json:"last_login_at,omitempty"`
	CreatedAt          time.Time  `json:"created_at"`
}

// RoleLabels joins the user's roles' Chinese names.
func (u User) RoleLabels() string {
	var s []string
	for _, r := range u.Roles {
		s = append(s, r.Label())
	}
	return strings.Join(s, "、")
}

// Locked reports whether a login lock is still in force.
func (u User) Locked() bool { return u.LockedUntil != nil && time.Now().Before(*u.LockedUntil) }

// Principal is the user as a caller of store methods.
func (u User) Principal() Principal {
	return Principal{UserID: u.ID, Name: u.DisplayName, Roles: u.Roles, Scope: Scope{UnitID: u.ScopeUnitID, Path: u.ScopePath}}
}

// UserInput is what an administrator may set on a user. ScopeUnitID 0 means the default for the
// roles: the root for admin, office and departments, the user's own unit otherwise.
type UserInput struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	PersonID    int64  `json:"person_id"`
	UnitID      int64  `json:"unit_id"`
	ScopeUnitID int64  `json:"scope_unit_id"`
	Roles       []Role `json:"roles"`
	Disabled    bool   `json:"disabled"`
}

func (in *UserInput) normalize() error {
	in.Username = strings.TrimSpace(in.Username)
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	if len(in.Roles) == 0 {
		return errs.Field("roles", "至少选择一个角色")
	}
	seen := map[Role]bool{}
	var roles []Role
	for _, r := range in.Roles {
		r, err := ParseRole(string(r))
		if err != nil {
			return err
		}
		if !seen[r] {
			seen[r] = true
			roles = append(roles, r)
		}
	}
	sort.Slice(roles, func(i, j int) bool { return roleIndex(roles[i]) < roleIndex(roles[j]) })
	in.Roles = roles
	return first(checkCode("username", "用户名", in.Username), checkText("display_name", "显示名称", in.DisplayName, true, 50))
}

func roleIndex(r Role) int {
	for i, x := range Roles {
		if x == r {
			return i
		}
	}
	return len(Roles)
}

// wideRoles see the whole organisation by default.
func wideRoles(roles []Role) bool {
	for _, r := range roles {
		if r == RoleAdmin || r == RoleOffice || r == RoleLead || r == RoleSupport {
			return true
		}
	}
	return false
}

const userCols = `s.id, s.username, s.display_name, COALESCE(s.person_id, 0), s.unit_id, u.name, s.scope_unit_id, su.name, su.path,
	s.disabled, s.must_change_password, s.locked_until, s.last_login_at, s.created_at`
const userFrom = ` FROM users s JOIN units u ON u.id = s.unit_id JOIN units su ON su.id = s.scope_unit_id`

func scanUser(s interface{ Scan(...any) error }) (User, error) {
	var x User
	var locked, last sql.NullTime
	err := s.Scan(&x.ID, &x.Username, &x.DisplayName, &x.PersonID, &x.UnitID, &x.UnitName, &x.ScopeUnitID, &x.ScopeUnitName, &x.ScopePath,
		&x.Disabled, &x.MustChangePassword, &locked, &last, &x.CreatedAt)
	if locked.Valid {
		t := locked.Time.UTC()
		x.LockedUntil = &t
	}
	if last.Valid {
		t := last.Time.UTC()
		x.LastLoginAt = &t
	}
	x.CreatedAt = x.CreatedAt.UTC()
	return x, err
}

func loadRoles(ctx context.Context, q store.Querier, users []User) error {
	if len(users) == 0 {
		return nil
	}
	idx := map[int64]int{}
	var ph []string
	var args []any
	for i, u := range users {
		idx[u.ID] = i
		args = append(args, u.ID)
		ph = append(ph, "$"+itoa(len(args)))
	}
	rows, err := q.QueryContext(ctx, `SELECT user_id, role FROM user_roles WHERE user_id IN (`+strings.Join(ph, ",")+`)`, args...)
	if err != nil {
		return fmt.Errorf("org: read roles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var r Role
		if err := rows.Scan(&id, &r); err != nil {
			return err
		}
		users[idx[id]].Roles = append(users[idx[id]].Roles, r)
	}
	for i := range users {
		sort.Slice(users[i].Roles, func(a, b int) bool { return roleIndex(users[i].Roles[a]) < roleIndex(users[i].Roles[b]) })
	}
	return rows.Err()
}

func getUser(ctx context.Context, q store.Querier, s Scope, col string, key any) (User, error) {
	w := &store.Where{}
	w.Add("s."+col+" = ?", key)
	s.Filter(w, "u.path")
	x, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userCols+userFrom+w.String(), w.Args...))
	if errors.Is(err, sql.ErrNoRows) {
		return x, errs.E(errs.NotFound, "用户不存在或不在您的管辖范围内")
	}
	if err != nil {
		return x, fmt.Errorf("org: read user: %w", err)
	}
	one := []User{x}
	err = loadRoles(ctx, q, one)
	return one[0], err
}

// LoadUser reads a user by id without a caller, for the auth layer resolving a session or token.
func LoadUser(ctx context.Context, q store.Querier, id int64) (User, error) {
	return getUser(ctx, q, Scope{All: true}, "id", id)
}

// LoadUserByName reads a user by username without a caller, for logging in.
func LoadUserByName(ctx context.Context, q store.Querier, username string) (User, error) {
	return getUser(ctx, q, Scope{All: true}, "username", strings.TrimSpace(username))
}

// User returns one user by id.
func (s *Store) User(ctx context.Context, p Principal, id int64) (User, error) {
	if err := p.Require(PermUsersRead); err != nil {
		return User{}, err
	}
	return getUser(ctx, s.DB, p.Scope, "id", id)
}

// UserFilter selects users for a list.
type UserFilter struct {
	Q    string
	Role Role
	Page
}

// Users lists the users whose unit is in the caller's scope.
func (s *Store) Users(ctx context.Context, p Principal, f UserFilter) ([]User, int, error) {
	if err := p.Require(PermUsersRead); err != nil {
		return nil, 0, err
	}
	w := &store.Where{}
	p.Scope.Filter(w, "u.path")
	if f.Q != "" {
		like := store.Like(f.Q)
		w.Add(`(lower(s.username) LIKE lower(?) ESCAPE '\' OR lower(s.display_name) LIKE lower(?) ESCAPE '\')`, like, like)
	}
	if f.Role != "" {
		w.Add(`EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = s.id AND r.role = ?)`, string(f.Role))
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*)`+userFrom+w.String(), w.Args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("org: count users: %w", err)
	}
	pg := f.Page.Norm()
	rows, err := s.DB.QueryContext(ctx, `SELECT `+userCols+userFrom+w.String()+` ORDER BY s.username`+w.Page(pg.Limit, pg.Offset), w.Args...)
	if err != nil {
		return nil, 0, fmt.Errorf("org: list users: %w", err)
	}
	var out []User
	for rows.Next() {
		x, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("org: read user: %w", err)
		}
		out = append(out, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return out, total, loadRoles(ctx, s.DB, out)
}

// CreateUser adds a user with an already hashed password (the auth package hashes it). The new
// user must change the password at first login.
func (s *Store) CreateUser(ctx context.Context, p Principal, in UserInput, passwordHash string) (User, error) {
	var x User
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		x, err = CreateUserTx(ctx, tx, p, in, passwordHash)
		return err
	})
	return x, err
}

// CreateUserTx is CreateUser inside the caller's transaction (setting up a bureau creates its
// root unit and first administrator together).
func CreateUserTx(ctx context.Context, tx store.Querier, p Principal, in UserInput, passwordHash string) (User, error) {
	if err := p.Require(PermUsersWrite); err != nil {
		return User{}, err
	}
	if err := checkUserInput(ctx, tx, p, &in, 0); err != nil {
		return User{}, err
	}
	now := store.Now()
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO users (username, display_name, person_id, unit_id, scope_unit_id, password_hash,
		disabled, must_change_password, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $8) RETURNING id`,
		in.Username, in.DisplayName, nullable(in.PersonID), in.UnitID, in.ScopeUnitID, passwordHash, in.Disabled, now).Scan(&id)
	if store.IsUnique(err) {
		return User{}, errs.Field("username", "用户名 "+in.Username+" 已存在,或该人员已有账号")
	}
	if err != nil {
		return User{}, fmt.Errorf("org: insert user: %w", err)
	}
	if err := setRoles(ctx, tx, id, in.Roles); err != nil {
		return User{}, err
	}
	x, err := getUser(ctx, tx, Scope{All: true}, "id", id)
	if err != nil {
		return x, err
	}
	return x, audit.Record(ctx, tx, p.Actor(), "create", "user", fmt.Sprint(id), nil, x)
}

func checkUserInput(ctx context.Context, q store.Querier, p Principal, in *UserInput, self int64) error {
	if err := in.normalize(); err != nil {
		return err
	}
	// Checked before writing so that the error names the right field; the unique indexes still
	// guard against a concurrent insert.
	var taken int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE username = $1 AND id <> $2`, in.Username, self).Scan(&taken); err != nil {
		return fmt.Errorf("org: check username: %w", err)
	}
	if taken > 0 {
		return errs.Field("username", "用户名 "+in.Username+" 已存在")
	}
	if in.PersonID != 0 {
		if err := q.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE person_id = $1 AND id <> $2`, in.PersonID, self).Scan(&taken); err != nil {
			return fmt.Errorf("org: check person: %w", err)
		}
		if taken > 0 {
			return errs.Field("person_id", "该人员已有账号")
		}
	}
	if in.PersonID != 0 {
		person, err := getPerson(ctx, q, p.Scope, "id", in.PersonID)
		if err != nil {
			return errs.Field("person_id", "关联人员不存在或不在您的管辖范围内")
		}
		if in.UnitID == 0 {
			in.UnitID = person.UnitID
		}
	}
	unit, err := resolveUnit(ctx, q, p.Scope, in.UnitID, "")
	if err != nil {
		return err
	}
	if in.ScopeUnitID == 0 {
		in.ScopeUnitID = unit.ID
		if wideRoles(in.Roles) {
			if err := q.QueryRowContext(ctx, `SELECT id FROM units WHERE parent_id IS NULL`).Scan(&in.ScopeUnitID); err != nil {
				return fmt.Errorf("org: find root: %w", err)
			}
		}
	}
	if _, err := getUnit(ctx, q, p.Scope, "id", in.ScopeUnitID); err != nil {
		return errs.Field("scope_unit_id", "管辖范围单位不存在或超出您的管辖范围")
	}
	return nil
}

func setRoles(ctx context.Context, q store.Querier, userID int64, roles []Role) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM user_roles WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("org: clear roles: %w", err)
	}
	for _, r := range roles {
		if _, err := q.ExecContext(ctx, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, userID, string(r)); err != nil {
			return fmt.Errorf("org: set role: %w", err)
		}
	}
	return nil
}

// UpdateUser changes a user's profile, roles, scope or disabled flag.
func (s *Store) UpdateUser(ctx context.Context, p Principal, id int64, in UserInput) (User, error) {
	var x User
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := p.Require(PermUsersWrite); err != nil {
			return err
		}
		before, err := getUser(ctx, tx, p.Scope, "id", id)
		if err != nil {
			return err
		}
		if err := checkUserInput(ctx, tx, p, &in, id); err != nil {
			return err
		}
		if id == p.UserID && in.Disabled {
			return errs.Field("disabled", "不能停用自己的账号")
		}
		if id == p.UserID && !hasRole(in.Roles, RoleAdmin) && hasRole(before.Roles, RoleAdmin) {
			return errs.Field("roles", "不能取消自己的管理员角色")
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET username = $1, display_name = $2, person_id = $3, unit_id = $4, scope_unit_id = $5,
			disabled = $6, updated_at = $7 WHERE id = $8`,
			in.Username, in.DisplayName, nullable(in.PersonID), in.UnitID, in.ScopeUnitID, in.Disabled, store.Now(), id)
		if store.IsUnique(err) {
			return errs.Field("username", "用户名 "+in.Username+" 已存在,或该人员已有账号")
		}
		if err != nil {
			return fmt.Errorf("org: update user: %w", err)
		}
		if err := setRoles(ctx, tx, id, in.Roles); err != nil {
			return err
		}
		if in.Disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
				return fmt.Errorf("org: end sessions: %w", err)
			}
		}
		x, err = getUser(ctx, tx, Scope{All: true}, "id", id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "update", "user", fmt.Sprint(id), before, x)
	})
	return x, err
}

func hasRole(roles []Role, r Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}
