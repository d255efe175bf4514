package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// Member roles in a group.
const (
	RoleOwner  = "owner"  // 群主
	RoleAdmin  = "admin"  // 管理员
	RoleMember = "member" // 成员
)

// MemberRoleLabel is a member role's Chinese name.
func MemberRoleLabel(r string) string {
	return map[string]string{RoleOwner: "群主", RoleAdmin: "管理员", RoleMember: "成员"}[r]
}

// ParseMemberRole accepts a role code or its Chinese name; empty means member.
func ParseMemberRole(s string) (string, error) {
	switch strings.TrimSpace(s) {
	case "", RoleMember, "成员", "群成员":
		return RoleMember, nil
	case RoleOwner, "群主":
		return RoleOwner, nil
	case RoleAdmin, "管理员", "群管理员":
		return RoleAdmin, nil
	}
	return "", errs.Field("role", "成员角色应为 群主、管理员 或 成员")
}

// Member is one member of a work group: a person of the organisation, or an outsider known
// only by name (实名制 findings will ask why they are there).
type Member struct {
	PersonID   int64  `json:"person_id,omitempty"`
	PersonCode string `json:"person_code,omitempty"`
	Name       string `json:"name"`
	UnitName   string `json:"unit_name,omitempty"`
	Status     string `json:"status,omitempty"` // the person's status: 在职 or 已调离
	External   bool   `json:"external"`
	Role       string `json:"role"`
}

// MemberInput names a member by 工号 (PersonCode) or, for outsiders, by name (ExternalName).
type MemberInput struct {
	PersonCode   string `json:"person_code,omitempty"`
	ExternalName string `json:"external_name,omitempty"`
	Role         string `json:"role,omitempty"`
}

// Members lists a group's members: owner and admins first, then by unit and 工号.
func (s *Store) Members(ctx context.Context, p org.Principal, groupID int64, pg org.Page) ([]Member, int, error) {
	g, err := s.Get(ctx, p, groupID)
	if err != nil {
		return nil, 0, err
	}
	if g.Kind != Group {
		return nil, 0, errs.E(errs.Invalid, "只有工作群组有成员")
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM group_members WHERE group_id = $1`, groupID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("catalog: count members: %w", err)
	}
	pg = pg.Norm()
	rows, err := s.DB.QueryContext(ctx, `SELECT COALESCE(m.person_id, 0), COALESCE(p.code, ''), COALESCE(p.name, m.external_name),
		COALESCE(u.name, ''), COALESCE(p.status, ''), m.role
		FROM group_members m LEFT JOIN people p ON p.id = m.person_id LEFT JOIN units u ON u.id = p.unit_id
		WHERE m.group_id = $1
		ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, m.person_id IS NULL, u.path, p.code, m.external_name
		LIMIT $2 OFFSET $3`, groupID, pg.Limit, pg.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("catalog: list members: %w", err)
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.PersonID, &m.PersonCode, &m.Name, &m.UnitName, &m.Status, &m.Role); err != nil {
			return nil, 0, fmt.Errorf("catalog: read member: %w", err)
		}
		m.External = m.PersonID == 0
		out = append(out, m)
	}
	return out, total, rows.Err()
}

// SetMembers replaces a group's member list (an import of the group's member sheet, or the
// group tool's export). Errors name the position in the list (第 N 项). Exactly zero or one
// owner may be listed; the owner becomes the asset's responsible person.
func (s *Store) SetMembers(ctx context.Context, p org.Principal, groupID int64, members []MemberInput) (int, error) {
	var n int
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = SetMembersTx(ctx, tx, p, groupID, members)
		return err
	})
	return n, err
}

// MaxMembers bounds one group's member list; the largest real groups (企业微信 allows 2,000,
// 钉钉 up to 3,000 and more for some editions) stay well below it.
const MaxMembers = 50_000

// SetMembersTx is SetMembers inside the caller's transaction.
func SetMembersTx(ctx context.Context, tx store.Querier, p org.Principal, groupID int64, members []MemberInput) (int, error) {
	if err := p.Require(org.PermCatalogWrite); err != nil {
		return 0, err
	}
	g, err := get(ctx, tx, p.Scope, "id", groupID)
	if err != nil {
		return 0, err
	}
	if g.Kind != Group {
		return 0, errs.E(errs.Invalid, "只有工作群组有成员")
	}
	if !g.Status.Live() && g.Status != Applying {
		return 0, errs.E(errs.Conflict, "该群组"+g.StatusLabel()+",不能修改成员")
	}
	if len(members) > MaxMembers {
		return 0, errs.Field("members", fmt.Sprintf("成员超过 %d 人", MaxMembers))
	}
	type row struct {
		person int64
		ext    string
		role   string
	}
	var list errs.List
	var rows []row
	seen := map[string]int{}
	owner := int64(0)
	owners := 0
	for i, m := range members {
		at := fmt.Sprintf("第 %d 项", i+1)
		role, err := ParseMemberRole(m.Role)
		if err != nil {
			list.Add(at+" 角色", "成员角色应为 群主、管理员 或 成员")
			continue
		}
		code, ext := strings.TrimSpace(m.PersonCode), strings.TrimSpace(m.ExternalName)
		key := "p:" + code
		if code == "" {
			key = "x:" + ext
		}
		if code == "" && ext == "" {
			list.Add(at, "请填写成员工号,或外部成员的姓名")
			continue
		}
		if prev, dup := seen[key]; dup {
			list.Add(at, fmt.Sprintf("与第 %d 项重复", prev))
			continue
		}
		seen[key] = i + 1
		r := row{ext: ext, role: role}
		status := org.Active
		if code != "" {
			err := tx.QueryRowContext(ctx, `SELECT id, status FROM people WHERE code = $1`, code).Scan(&r.person, &status)
			if err == sql.ErrNoRows {
				list.Add(at+" 工号", "工号 "+code+" 不在人员名录中;外部成员请只填姓名")
				continue
			}
			if err != nil {
				return 0, fmt.Errorf("catalog: read person: %w", err)
			}
			r.ext = ""
		} else if err := checkText("external_name", "外部成员姓名", ext, 50, true, false); err != nil {
			list.Add(at+" 姓名", "外部成员姓名无效")
			continue
		}
		if role == RoleOwner {
			owners++
			if r.person == 0 {
				list.Add(at, "群主须是本单位人员(谁建群谁负责)")
				continue
			}
			// As for the responsible person set through Create and Update.
			if status != org.Active {
				list.Add(at, "群主 "+code+" 已调离,请指定在职人员")
				continue
			}
			owner = r.person
		}
		rows = append(rows, r)
	}
	if owners > 1 {
		list.Add("members", "一个群组只能有一位群主")
	}
	if err := list.Err(); err != nil {
		return 0, err
	}
	// Two lists written at once would otherwise mix, or fail on the unique index.
	if err := lock(ctx, tx, g); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM group_members WHERE group_id = $1`, groupID); err != nil {
		return 0, fmt.Errorf("catalog: clear members: %w", err)
	}
	for _, r := range rows {
		if _, err := tx.ExecContext(ctx, `INSERT INTO group_members (group_id, person_id, external_name, role) VALUES ($1, $2, $3, $4)`,
			groupID, store.NullID(r.person), r.ext, r.role); err != nil {
			return 0, fmt.Errorf("catalog: add member: %w", err)
		}
	}
	if err := updateCount(ctx, tx, groupID); err != nil {
		return 0, err
	}
	if owner != 0 && owner != g.OwnerPersonID {
		// A new responsible person has not confirmed the record yet, unless they made the change.
		self, err := callerIs(ctx, tx, p, owner)
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE assets SET owner_person_id = $1, needs_attest = (needs_attest OR $2), updated_at = $3 WHERE id = $4`,
			owner, !self, store.Now(), groupID); err != nil {
			return 0, fmt.Errorf("catalog: set owner: %w", err)
		}
	}
	if err := event(ctx, tx, p, groupID, "members", "", "", fmt.Sprintf("成员名单更新为 %d 人", len(rows))); err != nil {
		return 0, err
	}
	before, after := map[string]any{"member_count": countOf(g)}, map[string]any{"member_count": len(rows)}
	if owner != 0 && owner != g.OwnerPersonID {
		before["owner_person_id"], after["owner_person_id"] = g.OwnerPersonID, owner
	}
	return len(rows), audit.Record(ctx, tx, p.Actor(), "members", "asset", fmt.Sprint(groupID), before, after)
}

func countOf(a Asset) int {
	if a.Group == nil {
		return 0
	}
	return a.Group.MemberCount
}

func updateCount(ctx context.Context, q store.Querier, groupID int64) error {
	_, err := q.ExecContext(ctx, `UPDATE group_details SET member_count = (SELECT count(*) FROM group_members WHERE group_id = $1) WHERE asset_id = $1`, groupID)
	if err != nil {
		return fmt.Errorf("catalog: count members: %w", err)
	}
	return nil
}

// moveMembers adds the members of group from to group into (those not already there, as plain
// members), and returns how many were added. The merged group keeps its own list as history.
func moveMembers(ctx context.Context, q store.Querier, from, into int64) (int, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO group_members (group_id, person_id, external_name, role)
		SELECT $1, m.person_id, m.external_name, 'member' FROM group_members m
		WHERE m.group_id = $2 AND NOT EXISTS (
			SELECT 1 FROM group_members t WHERE t.group_id = $1
			AND (t.person_id = m.person_id OR (t.person_id IS NULL AND m.person_id IS NULL AND t.external_name = m.external_name)))`, into, from)
	if err != nil {
		return 0, fmt.Errorf("catalog: move members: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), updateCount(ctx, q, into)
}
