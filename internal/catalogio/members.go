package catalogio

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// applyMembers replaces the member list of every group the member sheet names whose rows differ
// from what is stored.
//
// It does what catalog.SetMembersTx does for each list — the same checks (made in check, with
// the people looked up once for the whole file), the same rows, member count, owner, history
// event and audit entry — but in bulk: SetMembersTx reads each member's person with its own
// SELECT and inserts each member with its own INSERT, which for a province's 200,000 members is
// 400,000 statements. Here the member rows of many groups go into one multi-row INSERT, and
// lists that did not change are neither written nor audited.
func (im *importer) applyMembers() error {
	mc := &im.rep.Members
	w := &listWriter{
		members: &inserter{ctx: im.ctx, tx: im.tx, rows: rowsPerInsert[im.engine],
			sql: `INSERT INTO group_members (group_id, person_id, external_name, role) VALUES `, cols: 4},
		events: &inserter{ctx: im.ctx, tx: im.tx, rows: rowsPerInsert[im.engine] / 2,
			sql: `INSERT INTO asset_events (asset_id, at, actor, action, from_status, to_status, reason) VALUES `, cols: 7},
	}
	var write []*groupPlan
	for _, g := range im.plan.groups {
		if why := im.skipGroup(g); why != "" {
			for _, i := range g.items {
				if it := &im.plan.members[i]; !it.bad {
					im.plan.failMember(it, ColGroupCode, why)
				}
			}
			continue
		}
		if !g.changed {
			mc.Unchanged += len(g.items)
			mc.ListsUnchanged++
			continue
		}
		if why := im.refuseList(im.ex.assets[g.code]); why != "" {
			im.failList(g, why)
			continue
		}
		write = append(write, g)
	}
	locked, err := im.lockGroups(write)
	if err != nil {
		return err
	}
	for _, g := range write {
		a := im.ex.assets[g.code]
		if !locked[a.id] {
			im.failList(g, "群组 "+g.code+" 的状态刚被他人修改,请刷新后重新导入")
			continue
		}
		if err := im.replace(w, a, g); err != nil {
			return err
		}
	}
	return w.finish(im.ctx, im.tx)
}

func (im *importer) failList(g *groupPlan, why string) {
	for _, i := range g.items {
		im.plan.failMember(&im.plan.members[i], ColGroupCode, why)
	}
}

// lockGroups takes the row lock of every group whose list is about to be written, provided its
// status is still the one read, as catalog's lock does for one asset: two lists written at once
// would otherwise mix, and a group retired meanwhile must not change. It returns the groups
// locked.
func (im *importer) lockGroups(groups []*groupPlan) (map[int64]bool, error) {
	byStatus := map[catalog.Status][]int64{}
	for _, g := range groups {
		a := im.ex.assets[g.code]
		byStatus[a.status] = append(byStatus[a.status], a.id)
	}
	locked := map[int64]bool{}
	now := store.Now()
	for status, ids := range byStatus {
		err := idChunks(ids, func(in string, args []any) error {
			n := len(args)
			return query(im.ctx, im.tx, `UPDATE assets SET updated_at = $`+strconv.Itoa(n+1)+` WHERE id IN (`+in+`) AND status = $`+strconv.Itoa(n+2)+
				` RETURNING id`, append(append([]any(nil), args...), now, string(status)), func(rows *sql.Rows) error {
				var id int64
				if err := rows.Scan(&id); err != nil {
					return err
				}
				locked[id] = true
				return nil
			})
		})
		if err != nil {
			return nil, fmt.Errorf("catalogio: lock groups: %w", err)
		}
	}
	return locked, nil
}

// skipGroup says why a group's rows cannot be applied at all, or "" if they can.
func (im *importer) skipGroup(g *groupPlan) string {
	if g.bad != 0 {
		return fmt.Sprintf("群组 %s 的成员名单中有错误(第 %d 行),整个名单未导入", g.code, g.bad)
	}
	if im.plan.dups[g.code] {
		return "群组编码 " + g.code + " 在文件中重复,本行未处理"
	}
	if i, ok := im.plan.byCode[g.code]; ok && im.plan.assets[i].bad {
		return fmt.Sprintf("群组 %s(群组表第 %d 行)未能导入,本行未处理", g.code, im.plan.assets[i].Row)
	}
	if _, ok := im.ex.assets[g.code]; !ok {
		return "群组 " + g.code + " 未能导入,本行未处理"
	}
	return ""
}

// refuseList says why a changed list may not be written, as catalog.SetMembersTx would refuse
// it, or "" if it may.
func (im *importer) refuseList(a *dbAsset) string {
	if !im.p.Can(org.PermCatalogWrite) {
		return "您没有修改清单的权限"
	}
	if !a.status.Live() && a.status != catalog.Applying {
		return "该群组" + a.status.Label(catalog.Group) + ",不能修改成员;成员名单请留空或与系统一致"
	}
	return ""
}

// replace writes one group's new member list.
func (im *importer) replace(w *listWriter, a *dbAsset, g *groupPlan) error {
	mc := &im.rep.Members
	old := im.ex.members[a.id]
	roles := make(map[string]string, len(old))
	for _, m := range old {
		roles[m.key] = m.role
	}
	kept := 0
	var owner int64
	for _, i := range g.items {
		it := &im.plan.members[i]
		switch r, ok := roles[it.storeKey()]; {
		case !ok:
			mc.Created++
		case r != it.role:
			mc.Updated++
			kept++
		default:
			mc.Unchanged++
			kept++
		}
		if it.role == catalog.RoleOwner {
			owner = it.person
		}
	}
	mc.Removed += len(old) - kept
	mc.Lists++

	ctx, tx := im.ctx, im.tx
	if len(old) > 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM group_members WHERE group_id = $1`, a.id); err != nil {
			return fmt.Errorf("catalogio: clear members: %w", err)
		}
	}
	for _, i := range g.items {
		it := &im.plan.members[i]
		var person any
		ext := it.ExternalName
		if it.person != 0 {
			person, ext = it.person, ""
		}
		if err := w.members.add(a.id, person, ext, it.role); err != nil {
			return err
		}
	}
	n := len(g.items)
	w.counted = append(w.counted, a.id)
	before, after := map[string]any{"member_count": a.members}, map[string]any{"member_count": n}
	if owner != 0 && owner != a.owner {
		// A new responsible person has not confirmed the record yet, unless they made the change.
		if _, err := tx.ExecContext(ctx, `UPDATE assets SET owner_person_id = $1, needs_attest = (needs_attest OR $2), updated_at = $3 WHERE id = $4`,
			owner, owner != im.ex.self, store.Now(), a.id); err != nil {
			return fmt.Errorf("catalogio: set owner: %w", err)
		}
		before["owner_person_id"], after["owner_person_id"] = a.owner, owner
		a.owner = owner
	}
	if err := w.events.add(a.id, store.Now(), im.p.Name, "members", "", "", fmt.Sprintf("成员名单更新为 %d 人", n)); err != nil {
		return err
	}
	a.members = n
	return audit.Record(ctx, tx, audit.Actor{ID: im.p.UserID, Name: im.p.Name}, "members", "asset", fmt.Sprint(a.id), before, after)
}

// listWriter holds what the member lists write in bulk: the members, the history events, and
// the groups whose member_count must be recounted once the members are in.
type listWriter struct {
	members, events *inserter
	counted         []int64
}

// finish writes what is left and sets member_count of every group written, as catalog's
// updateCount does, from the rows themselves: one statement per 500 groups instead of one per
// group.
func (w *listWriter) finish(ctx context.Context, tx *sql.Tx) error {
	if err := w.members.flush(); err != nil {
		return err
	}
	if err := w.events.flush(); err != nil {
		return err
	}
	err := idChunks(w.counted, func(in string, args []any) error {
		_, err := tx.ExecContext(ctx, `UPDATE group_details SET member_count =
			(SELECT count(*) FROM group_members m WHERE m.group_id = group_details.asset_id) WHERE asset_id IN (`+in+`)`, args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("catalogio: count members: %w", err)
	}
	return nil
}

// rowsPerInsert is how many rows one INSERT carries on each engine (as in demo's inserter:
// PostgreSQL pays a round trip per statement; modernc's SQLite binds parameters in time
// quadratic in their number per statement).
var rowsPerInsert = map[store.Engine]int{store.Postgres: 500, store.SQLite: 100}

// inserter collects rows for one table and writes them with multi-row INSERTs; the statement
// for a full batch is prepared once.
type inserter struct {
	ctx  context.Context
	tx   *sql.Tx
	sql  string // "INSERT INTO t (…) VALUES "
	cols int
	rows int // per statement
	args []any
	full *sql.Stmt
}

func (w *inserter) add(values ...any) error {
	w.args = append(w.args, values...)
	if len(w.args) >= w.cols*w.rows {
		return w.flush()
	}
	return nil
}

func (w *inserter) flush() error {
	n := len(w.args) / w.cols
	if n == 0 {
		return nil
	}
	var err error
	if n == w.rows {
		if w.full == nil {
			if w.full, err = w.tx.PrepareContext(w.ctx, w.statement(n)); err != nil {
				return fmt.Errorf("catalogio: prepare insert: %w", err)
			}
		}
		_, err = w.full.ExecContext(w.ctx, w.args...)
	} else {
		_, err = w.tx.ExecContext(w.ctx, w.statement(n), w.args...)
	}
	if err != nil {
		return fmt.Errorf("catalogio: insert: %w", err)
	}
	w.args = w.args[:0]
	return nil
}

func (w *inserter) statement(rows int) string {
	var b strings.Builder
	b.WriteString(w.sql)
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range w.cols {
			if c > 0 {
				b.WriteString(", ")
			}
			b.WriteString("$" + strconv.Itoa(r*w.cols+c+1))
		}
		b.WriteByte(')')
	}
	return b.String()
}
