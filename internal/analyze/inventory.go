package analyze

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/store"
)

// Unit is what the rules need of a unit.
type Unit struct {
	ID               int64
	Code, Name, Kind string
	Path             string
}

// App is a live government app with its details.
type App struct {
	ID             int64
	Code, Name     string
	UnitID         int64
	Features       []string
	Emergency      bool
	Feedback       bool
	MLPSLevel      int
	MLPSAssessedOn time.Time // zero: never assessed
	Forms          []string
}

// Account is a live public account with its details.
type Account struct {
	ID          int64
	Code, Name  string
	Platform    string
	UnitID      int64
	FilingNo    string
	Operator    string
	Interaction bool
	LastPostOn  time.Time // zero: never posted
}

// Member is a group member the hygiene rules look at: one who left, or an outsider. Ordinary
// members are not loaded; a province holds millions of them.
type Member struct {
	PersonCode string // empty for an outsider
	Name       string
	Left       bool
	Role       string
}

// Group is a live work group with its details.
type Group struct {
	ID         int64
	Code, Name string
	Platform   string
	UnitID     int64
	Temporary  bool
	TaskEndOn  time.Time // zero: not recorded
	Approval   string
	OwnerID    int64 // 0: no owner recorded on the asset
	OwnerCode  string
	OwnerLeft  bool
	HasOwner   bool // an owner on the asset or a member with the owner role
	Flagged    []Member
}

// Inventory is the snapshot of the live inventory (在用 and 整改中) a run checks. Retired,
// merged and rejected assets are history, and applying ones are intake's business.
type Inventory struct {
	Units    map[int64]Unit
	Apps     []App
	Accounts []Account
	Groups   []Group
}

const live = `a.status IN ('active','rectifying')`

// Load reads the live inventory. q should be the run's transaction, so that the findings
// describe one consistent state.
func Load(ctx context.Context, q store.Querier) (*Inventory, error) {
	inv := &Inventory{Units: map[int64]Unit{}}
	if err := each(ctx, q, `SELECT id, code, name, kind, path FROM units`, func(r *sql.Rows) error {
		var u Unit
		if err := r.Scan(&u.ID, &u.Code, &u.Name, &u.Kind, &u.Path); err != nil {
			return err
		}
		inv.Units[u.ID] = u
		return nil
	}); err != nil {
		return nil, err
	}
	if err := each(ctx, q, `SELECT a.id, a.code, a.name, a.unit_id, d.forced_features, d.emergency_use, d.feedback_channel,
		d.mlps_level, d.mlps_assessed_on, d.forms
		FROM assets a JOIN app_details d ON d.asset_id = a.id WHERE a.kind = 'app' AND `+live+` ORDER BY a.code`, func(r *sql.Rows) error {
		var a App
		var feats, forms string
		var assessed sql.NullTime
		if err := r.Scan(&a.ID, &a.Code, &a.Name, &a.UnitID, &feats, &a.Emergency, &a.Feedback, &a.MLPSLevel, &assessed, &forms); err != nil {
			return err
		}
		a.Features, a.Forms, a.MLPSAssessedOn = lines(feats), lines(forms), day(assessed)
		inv.Apps = append(inv.Apps, a)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := each(ctx, q, `SELECT a.id, a.code, a.name, a.platform, a.unit_id, d.filing_no, d.operator, d.interaction, d.last_post_on
		FROM assets a JOIN account_details d ON d.asset_id = a.id WHERE a.kind = 'account' AND `+live+` ORDER BY a.code`, func(r *sql.Rows) error {
		var a Account
		var last sql.NullTime
		if err := r.Scan(&a.ID, &a.Code, &a.Name, &a.Platform, &a.UnitID, &a.FilingNo, &a.Operator, &a.Interaction, &last); err != nil {
			return err
		}
		a.LastPostOn = day(last)
		inv.Accounts = append(inv.Accounts, a)
		return nil
	}); err != nil {
		return nil, err
	}
	index := map[int64]int{}
	if err := each(ctx, q, `SELECT a.id, a.code, a.name, a.platform, a.unit_id, d.temporary, d.task_end_on, d.approval_ref,
		COALESCE(a.owner_person_id, 0), COALESCE(p.code, ''), COALESCE(p.status, ''),
		EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = a.id AND m.role = 'owner')
		FROM assets a JOIN group_details d ON d.asset_id = a.id LEFT JOIN people p ON p.id = a.owner_person_id
		WHERE a.kind = 'group' AND `+live+` ORDER BY a.code`, func(r *sql.Rows) error {
		var g Group
		var end sql.NullTime
		var status string
		var ownerMember bool
		if err := r.Scan(&g.ID, &g.Code, &g.Name, &g.Platform, &g.UnitID, &g.Temporary, &end, &g.Approval,
			&g.OwnerID, &g.OwnerCode, &status, &ownerMember); err != nil {
			return err
		}
		g.TaskEndOn, g.OwnerLeft, g.HasOwner = day(end), status == "left", g.OwnerID != 0 || ownerMember
		index[g.ID] = len(inv.Groups)
		inv.Groups = append(inv.Groups, g)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := each(ctx, q, `SELECT m.group_id, COALESCE(p.code, ''), COALESCE(p.name, m.external_name), COALESCE(p.status, ''), m.role
		FROM group_members m JOIN assets a ON a.id = m.group_id LEFT JOIN people p ON p.id = m.person_id
		WHERE `+live+` AND (m.person_id IS NULL OR p.status = 'left')
		ORDER BY m.group_id, COALESCE(p.code, ''), m.external_name`, func(r *sql.Rows) error {
		var id int64
		var m Member
		var status string
		if err := r.Scan(&id, &m.PersonCode, &m.Name, &status, &m.Role); err != nil {
			return err
		}
		m.Left = status == "left"
		if i, ok := index[id]; ok {
			inv.Groups[i].Flagged = append(inv.Groups[i].Flagged, m)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return inv, nil
}

// each runs query with args and calls fn for every row.
func each(ctx context.Context, q store.Querier, query string, fn func(*sql.Rows) error, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("analyze: query: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return fmt.Errorf("analyze: read row: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("analyze: read rows: %w", err)
	}
	return nil
}

// lines splits a newline-separated list as the catalog stores it, dropping blanks.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// day is a stored date as midnight UTC of its calendar day, or zero.
func day(n sql.NullTime) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	t := n.Time.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// CheckDate is the calendar day of t (in t's own location) as midnight UTC, the form stored
// dates take, so that day differences are whole numbers.
func CheckDate(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// daysBetween is the whole days from a to b (both midnight UTC).
func daysBetween(a, b time.Time) int { return int(b.Sub(a).Hours() / 24) }

// ancestor is the deepest unit containing all of ids, for findings that span units.
func (inv *Inventory) ancestor(ids []int64) int64 {
	prefix := ""
	for i, id := range ids {
		p := inv.Units[id].Path
		if i == 0 {
			prefix = p
			continue
		}
		for !strings.HasPrefix(p, prefix) {
			prefix = prefix[:strings.LastIndexByte(strings.TrimSuffix(prefix, "/"), '/')+1]
		}
	}
	for _, u := range inv.Units {
		if u.Path == prefix {
			return u.ID
		}
	}
	return ids[0]
}
