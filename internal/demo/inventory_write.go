package demo

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// bulk writes rows of a table that need nothing back (details, members) with multi-row INSERTs,
// buffering up to a batch; the statement for a full batch is prepared once.
type bulk struct {
	tx    *sql.Tx
	batch int
	table string
	cols  []string
	full  *sql.Stmt
	args  []any
	rows  int
}

func (w *bulk) sql(rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + w.table + " (" + strings.Join(w.cols, ", ") + ") VALUES ")
	n := 1
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range w.cols {
			if c > 0 {
				b.WriteString(", ")
			}
			b.WriteString("$" + strconv.Itoa(n))
			n++
		}
		b.WriteByte(')')
	}
	return b.String()
}

func (w *bulk) add(ctx context.Context, vals ...any) error {
	w.args = append(w.args, vals...)
	w.rows++
	if w.rows == w.batch {
		return w.flush(ctx)
	}
	return nil
}

func (w *bulk) flush(ctx context.Context) error {
	if w.rows == 0 {
		return nil
	}
	var err error
	if w.rows == w.batch {
		if w.full == nil {
			if w.full, err = w.tx.PrepareContext(ctx, w.sql(w.batch)); err != nil {
				return fmt.Errorf("prepare %s: %w", w.table, err)
			}
		}
		_, err = w.full.ExecContext(ctx, w.args...)
	} else {
		_, err = w.tx.ExecContext(ctx, w.sql(w.rows), w.args...)
	}
	if err != nil {
		return fmt.Errorf("insert %s: %w", w.table, err)
	}
	w.args, w.rows = w.args[:0], 0
	return nil
}

func (w *bulk) close() {
	if w.full != nil {
		w.full.Close()
	}
}

// assetCols are the columns of assets the demo sets; the inserter adds created_at and updated_at.
var assetCols = []string{"code", "kind", "name", "platform", "unit_id", "lead_unit_id", "owner_person_id", "purpose", "functions",
	"status", "opened_on", "closed_on", "needs_attest", "attested_at", "attested_by"}

// assetRow is what assets holds for any kind.
type assetRow struct {
	code, name, platform string
	unit, owner          int
	purpose              string
	functions            []string
	status               string
	opened, closed       time.Time
	attested             time.Time
}

func (b *bureau) assetValues(kind string, a assetRow) []any {
	var owner, attested any
	by := ""
	if a.owner >= 0 {
		owner = b.people[a.owner].ID
	}
	if !a.attested.IsZero() {
		attested = a.attested
		if a.owner >= 0 {
			by = b.people[a.owner].Name
		}
	}
	return []any{a.code, kind, a.name, a.platform, b.units[a.unit].ID, b.units[b.leadUnit(kind)].ID, owner, a.purpose,
		strings.Join(a.functions, "\n"), a.status, dateOrNil(a.opened), dateOrNil(a.closed), a.attested.IsZero(), attested, by}
}

func dateOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// writeAssets inserts n assets of one kind and then their details, batch by batch, reporting
// progress under step.
func (b *bureau) writeAssets(ctx context.Context, tx *sql.Tx, step, kind string, n int, row func(i int) assetRow,
	setID func(i int, id int64), details *bulk, detail func(i int) []any) error {
	in := &inserter{tx: tx, batch: b.batch, table: "assets", cols: assetCols, now: store.Now()}
	defer in.close()
	defer details.close()
	b.report(step, 0, n)
	for from := 0; from < n; from += in.batch {
		to := min(from+in.batch, n)
		err := in.insert(ctx, from, to, func(i int) []any { return b.assetValues(kind, row(i)) },
			func(i int) string { return row(i).code }, setID)
		if err != nil {
			return fmt.Errorf("demo: insert %s assets: %w", kind, err)
		}
		for i := from; i < to; i++ {
			if err := details.add(ctx, detail(i)...); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
		}
		b.report(step, to, n)
	}
	if err := details.flush(ctx); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

// writeInventory writes apps, accounts, groups and members, then one audit entry per kind.
func (b *bureau) writeInventory(ctx context.Context, tx *sql.Tx, inv *inventory) error {
	details := func(table string, cols ...string) *bulk {
		return &bulk{tx: tx, batch: b.batch, table: table, cols: cols}
	}
	apps := inv.apps
	err := b.writeAssets(ctx, tx, "应用", "app", len(apps), func(i int) assetRow {
		a := &apps[i]
		return assetRow{a.Code, a.Name, a.Platform, a.Unit, a.Owner, a.Purpose, a.Functions, a.Status, a.Opened, a.Closed, a.Attested}
	}, func(i int, id int64) { apps[i].ID = id },
		details("app_details", "asset_id", "target_users", "target_count", "mandatory", "forced_features", "emergency_use",
			"feedback_channel", "data_collected", "mlps_level", "mlps_assessed_on", "vendor", "yearly_cost", "unified_login",
			"shares_with", "forms"),
		func(i int) []any {
			a := &apps[i]
			return []any{a.ID, a.TargetUsers, a.TargetCount, a.Mandatory, strings.Join(a.Features, "\n"), a.Emergency, a.Feedback,
				a.Data, a.MLPS, dateOrNil(a.Assessed), a.Vendor, a.Cost, a.Unified, strings.Join(a.Shares, "\n"), strings.Join(a.Forms, "\n")}
		})
	if err != nil {
		return err
	}
	accts := inv.accounts
	err = b.writeAssets(ctx, tx, "公众号", "account", len(accts), func(i int) assetRow {
		a := &accts[i]
		return assetRow{a.Code, a.Name, a.Platform, a.Unit, a.Owner, a.Purpose, a.Functions, a.Status, a.Opened, a.Closed, a.Attested}
	}, func(i int, id int64) { accts[i].ID = id },
		details("account_details", "asset_id", "handle", "filing_no", "operator", "followers", "interaction", "last_post_on"),
		func(i int) []any {
			a := &accts[i]
			return []any{a.ID, a.Handle, a.Filing, a.Operator, a.Followers, a.Interaction, dateOrNil(a.LastPost)}
		})
	if err != nil {
		return err
	}
	groups := inv.groups
	err = b.writeAssets(ctx, tx, "群组", "group", len(groups), func(i int) assetRow {
		g := &groups[i]
		return assetRow{g.Code, g.Name, g.Platform, g.Unit, g.Owner, g.Purpose, nil, g.Status, g.Opened, g.Closed, g.Attested}
	}, func(i int, id int64) { groups[i].ID = id },
		details("group_details", "asset_id", "temporary", "task_end_on", "approval_ref", "member_count"),
		func(i int) []any {
			g := &groups[i]
			return []any{g.ID, g.Temporary, dateOrNil(g.TaskEnd), g.Approval, len(g.Members) + len(g.Externals)}
		})
	if err != nil {
		return err
	}
	if err := b.writeMembers(ctx, tx, inv); err != nil {
		return err
	}
	return b.auditInventory(ctx, tx, inv)
}

// writeMembers streams group_members: plain members as (group, person) pairs, the columns'
// defaults doing the rest, and owners, administrators and outsiders with their role and name.
func (b *bureau) writeMembers(ctx context.Context, tx *sql.Tx, inv *inventory) error {
	plain := &bulk{tx: tx, batch: b.batch, table: "group_members", cols: []string{"group_id", "person_id"}}
	defer plain.close()
	special := &bulk{tx: tx, batch: b.batch, table: "group_members", cols: []string{"group_id", "person_id", "external_name", "role"}}
	defer special.close()
	done := 0
	b.report("群成员", 0, inv.members)
	for gi := range inv.groups {
		g := &inv.groups[gi]
		for k, p := range g.Members {
			var err error
			role := catalog.RoleMember
			switch {
			case g.Owner >= 0 && k == 0:
				role = catalog.RoleOwner
			case g.Owner >= 0 && k <= g.Admins:
				role = catalog.RoleAdmin
			}
			if role == catalog.RoleMember {
				err = plain.add(ctx, g.ID, b.people[p].ID)
			} else {
				err = special.add(ctx, g.ID, b.people[p].ID, "", role)
			}
			if err != nil {
				return fmt.Errorf("demo: %w", err)
			}
		}
		for _, x := range g.Externals {
			if err := special.add(ctx, g.ID, nil, x, catalog.RoleMember); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
		}
		done += len(g.Members) + len(g.Externals)
		b.report("群成员", done, inv.members)
	}
	if err := plain.flush(ctx); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := special.flush(ctx); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

// auditInventory appends one summary entry per kind and one for the members, with counts and
// the number of planted problems, so the log says what the demo created without a row each.
func (b *bureau) auditInventory(ctx context.Context, tx *sql.Tx, inv *inventory) error {
	build := map[string]any{"preset": string(b.preset), "seed": b.seed, "reference_date": ReferenceDate.Format("2006-01-02")}
	t := inv.truth
	count := func(statuses []string) map[string]int {
		m := map[string]int{"total": len(statuses)}
		for _, s := range statuses {
			m[s]++
		}
		return m
	}
	var st []string
	for _, a := range inv.apps {
		st = append(st, a.Status)
	}
	apps := map[string]any{"demo": build, "kind": "app", "apps": count(st), "planted": map[string]int{
		"similar_clusters": len(t.SimilarApps), "forced": len(t.ForcedApps), "exempt": len(t.ExemptApps),
		"no_feedback": len(t.NoFeedbackApps), "low_level": len(t.LowLevelApps), "mlps_overdue": len(t.MLPSOverdueApps),
		"repeated_forms": len(t.RepeatForms), "low_use_candidates": len(t.LowUseApps)}}
	st = st[:0]
	for _, a := range inv.accounts {
		st = append(st, a.Status)
	}
	accounts := map[string]any{"demo": build, "kind": "account", "accounts": count(st), "planted": map[string]int{
		"duplicates": len(t.DupAccounts), "similar": len(t.SimilarAccounts), "stale": len(t.StaleAccounts), "zombie": len(t.ZombieAccounts),
		"no_interaction": len(t.NoInteractAccounts), "unfiled": len(t.UnfiledAccounts), "mismatch": len(t.MismatchAccounts),
		"low_use": len(t.LowUseAccounts)}}
	st = st[:0]
	for _, g := range inv.groups {
		st = append(st, g.Status)
	}
	groups := map[string]any{"demo": build, "kind": "group", "groups": count(st), "planted": map[string]int{
		"duplicate_clusters": len(t.DupGroups), "near_misses": len(t.NearMissGroups), "no_owner": len(t.NoOwnerGroups),
		"expired_temporary": len(t.ExpiredTempGroups), "unfiled": len(t.UnfiledGroups), "idle_candidates": len(t.IdleGroups),
		"left_owner": len(t.LeftOwnerGroups)}}
	ext, left := 0, 0
	for _, g := range inv.groups {
		ext += len(g.Externals)
		for _, p := range g.Members {
			if b.people[p].Status == org.Left {
				left++
			}
		}
	}
	members := map[string]any{"demo": build, "members": map[string]int{"total": inv.members, "external": ext, "left": left}}
	for _, e := range []struct {
		object, id string
		after      any
	}{
		{"asset", "app:*", apps}, {"asset", "account:*", accounts}, {"asset", "group:*", groups}, {"group_member", "*", members},
	} {
		if err := audit.Record(ctx, tx, audit.System, "demo", e.object, e.id, nil, e.after); err != nil {
			return fmt.Errorf("demo: audit %s: %w", e.id, err)
		}
	}
	return nil
}
