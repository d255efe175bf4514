package analyze_test

import (
	"context"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

func TestMain(m *testing.M) {
	// The demo creates users with real password hashes; the production cost would only slow tests.
	auth.Cost = auth.Cheap
	os.Exit(m.Run())
}

// at is the check date of the hand-built cases; every date is written relative to it so that
// each case sits on one side of its threshold.
var at = time.Date(2026, time.October, 31, 0, 0, 0, 0, time.UTC)

func daysAgo(n int) time.Time { return at.AddDate(0, 0, -n) }

// fx builds a small inventory with plain SQL, so that each case sets exactly the fields a rule
// reads and nothing else can fire by accident. Creating it registers the audit chain check.
type fx struct {
	t   *testing.T
	ctx context.Context
	db  *store.DB
}

func newFx(t *testing.T, db *store.DB) *fx {
	t.Helper()
	f := &fx{t: t, ctx: context.Background(), db: db}
	t.Cleanup(func() {
		r, err := audit.Verify(f.ctx, f.db)
		if err != nil {
			t.Errorf("audit.Verify: %v", err)
		} else if !r.OK() {
			t.Errorf("audit chain broken at %d: %s", r.BrokenAt, r.Reason)
		}
	})
	return f
}

func (f *fx) exec(q string, args ...any) {
	f.t.Helper()
	if _, err := f.db.ExecContext(f.ctx, q, args...); err != nil {
		f.t.Fatalf("setup %q: %v", q, err)
	}
}

func (f *fx) id(q string, args ...any) int64 {
	f.t.Helper()
	var id int64
	if err := f.db.QueryRowContext(f.ctx, q, args...).Scan(&id); err != nil {
		f.t.Fatalf("setup %q: %v", q, err)
	}
	return id
}

// unit adds a unit under parent (0 for the root) and returns its id and path.
func (f *fx) unit(code, name string, kind org.UnitKind, parent int64) (int64, string) {
	f.t.Helper()
	var par any
	path := "/"
	if parent != 0 {
		par = parent
		f.db.QueryRowContext(f.ctx, `SELECT path FROM units WHERE id = $1`, parent).Scan(&path)
	}
	id := f.id(`INSERT INTO units (code, name, kind, parent_id, path, created_at, updated_at) VALUES ($1, $2, $3, $4, 'x', $5, $5) RETURNING id`,
		code, name, string(kind), par, store.Now())
	path += strconv.FormatInt(id, 10) + "/"
	f.exec(`UPDATE units SET path = $1 WHERE id = $2`, path, id)
	return id, path
}

func (f *fx) person(code string, unit int64, left bool) int64 {
	status := "active"
	if left {
		status = "left"
	}
	return f.id(`INSERT INTO people (code, name, unit_id, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
		code, "人员"+code, unit, status, store.Now())
}

func (f *fx) asset(kind, code, platform string, unit int64, owner int64, status string) int64 {
	var o any
	if owner != 0 {
		o = owner
	}
	return f.id(`INSERT INTO assets (code, kind, name, platform, unit_id, owner_person_id, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`, code, kind, "名称"+code, platform, unit, o, status, store.Now())
}

// details inserts a details row: defaults that fire nothing, overridden by set.
func (f *fx) details(table string, id int64, defaults, set map[string]any) {
	f.t.Helper()
	cols := []string{"asset_id"}
	args := []any{id}
	ph := []string{"$1"}
	keys := make([]string, 0, len(defaults))
	for k := range defaults {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := defaults[k]
		if s, ok := set[k]; ok {
			v = s
		}
		cols = append(cols, k)
		args = append(args, v)
		ph = append(ph, "$"+strconv.Itoa(len(args)))
	}
	f.exec(`INSERT INTO `+table+` (`+strings.Join(cols, ", ")+`) VALUES (`+strings.Join(ph, ", ")+`)`, args...)
}

// app adds a live app that fires nothing unless set says otherwise.
func (f *fx) app(code string, unit int64, set map[string]any) int64 {
	status := "active"
	if s, ok := set["status"]; ok {
		status = s.(string)
		delete(set, "status")
	}
	id := f.asset("app", code, "小程序", unit, 0, status)
	f.details("app_details", id, map[string]any{"forced_features": "", "emergency_use": false, "feedback_channel": true,
		"mlps_level": 0, "mlps_assessed_on": nil, "forms": ""}, set)
	return id
}

// account adds a live account; its platform is its own code, so no two clash under ACC-DUP.
func (f *fx) account(code string, unit int64, unitName string, set map[string]any) int64 {
	platform := code
	if p, ok := set["platform"]; ok {
		platform = p.(string)
		delete(set, "platform")
	}
	status := "active"
	if s, ok := set["status"]; ok {
		status = s.(string)
		delete(set, "status")
	}
	id := f.asset("account", code, platform, unit, 0, status)
	f.details("account_details", id, map[string]any{"filing_no": "备-" + code, "operator": unitName, "interaction": true,
		"last_post_on": daysAgo(1)}, set)
	return id
}

// group adds a live group owned by owner (0: none), with that owner as its owner member.
func (f *fx) group(code string, unit, owner int64, set map[string]any) int64 {
	id := f.asset("group", code, "微信", unit, owner, "active")
	f.details("group_details", id, map[string]any{"temporary": false, "task_end_on": nil, "approval_ref": "批-" + code}, set)
	if owner != 0 {
		f.exec(`INSERT INTO group_members (group_id, person_id, role) VALUES ($1, $2, 'owner')`, id, owner)
	}
	return id
}

func (f *fx) member(group, person int64) {
	f.exec(`INSERT INTO group_members (group_id, person_id) VALUES ($1, $2)`, group, person)
}

func (f *fx) external(group int64, name string) {
	f.exec(`INSERT INTO group_members (group_id, external_name) VALUES ($1, $2)`, group, name)
}

// check runs every enabled rule of cfg over the stored inventory as of date and returns each
// rule's subjects, sorted.
func (f *fx) check(cfg analyze.Configs, date time.Time) map[string][]string {
	f.t.Helper()
	inv, err := analyze.Load(f.ctx, f.db)
	if err != nil {
		f.t.Fatal(err)
	}
	env := &analyze.Env{Inv: inv, At: analyze.CheckDate(date), Configs: cfg, Q: f.db}
	out := map[string][]string{}
	for _, r := range analyze.Rules() {
		if !cfg.Enabled(r.Def().ID) {
			continue
		}
		hits, err := r.Check(f.ctx, env)
		if err != nil {
			f.t.Fatal(err)
		}
		for _, h := range hits {
			out[r.Def().ID] = append(out[r.Def().ID], h.Subject)
		}
		sort.Strings(out[r.Def().ID])
	}
	return out
}

// subjects reads the open findings of a rule from the database, sorted.
func (f *fx) subjects(rule string) []string {
	f.t.Helper()
	rows, err := f.db.QueryContext(f.ctx, `SELECT subject FROM findings WHERE rule_id = $1 AND resolved_run_id IS NULL ORDER BY subject`, rule)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}
