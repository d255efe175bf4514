package burden

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// Unit is the unit a dashboard looks at: it and everything under it.
type Unit struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
	Path string `json:"-"`
}

// Root returns unit id for a caller with scope s, or the top of the scope when id is 0 (the
// bureau's root unit for a scope over everything). A unit outside the scope is NotFound, as if
// it did not exist.
func Root(ctx context.Context, q store.Querier, s org.Scope, id int64) (Unit, error) {
	var u Unit
	var err error
	switch {
	case id != 0:
		err = q.QueryRowContext(ctx, `SELECT id, code, name, path FROM units WHERE id = $1`, id).Scan(&u.ID, &u.Code, &u.Name, &u.Path)
	case s.All:
		err = q.QueryRowContext(ctx, `SELECT id, code, name, path FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`).Scan(&u.ID, &u.Code, &u.Name, &u.Path)
	default:
		err = q.QueryRowContext(ctx, `SELECT id, code, name, path FROM units WHERE id = $1`, s.UnitID).Scan(&u.ID, &u.Code, &u.Name, &u.Path)
	}
	if errors.Is(err, sql.ErrNoRows) || err == nil && !s.Contains(u.Path) {
		return Unit{}, errs.E(errs.NotFound, "单位不存在或不在您的权限范围内")
	}
	if err != nil {
		return Unit{}, fmt.Errorf("burden: read unit: %w", err)
	}
	return u, nil
}

// UnitRow is one unit's line in a ranking: its subtree's people and their mean components.
type UnitRow struct {
	Unit
	People     int        `json:"people"`
	HasChild   bool       `json:"has_children"`
	Own        bool       `json:"own"` // the people of the unit itself, not of a sub-unit (本级)
	Components Components `json:"components"`
	Index      float64    `json:"index"`
}

// unitStat is what one unit (without its sub-units) contributes.
type unitStat struct {
	path                          string
	people, memberships           int64
	received, afterHours, demands int64
	apps, forms, checkins         float64 // per person, from the apps on the unit's path
}

// appStat is one mandatory live app: where it sits, whom it targets and what it asked for in
// the period.
type appStat struct {
	path               string
	target             int64
	forms, checkinsReq int64
}

// Ranking returns root's own row and its direct sub-units' rows, highest index first.
func Ranking(ctx context.Context, q store.Querier, root Unit, per Period, w Weights) (UnitRow, []UnitRow, error) {
	stats, err := unitStats(ctx, q, root.Path, per)
	if err != nil {
		return UnitRow{}, nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT u.id, u.code, u.name, u.path,
		EXISTS (SELECT 1 FROM units c WHERE c.parent_id = u.id) FROM units u WHERE u.parent_id = $1 ORDER BY u.code`, root.ID)
	if err != nil {
		return UnitRow{}, nil, fmt.Errorf("burden: read sub-units: %w", err)
	}
	defer rows.Close()
	var out []UnitRow
	for rows.Next() {
		var r UnitRow
		if err := rows.Scan(&r.ID, &r.Code, &r.Name, &r.Path, &r.HasChild); err != nil {
			return UnitRow{}, nil, fmt.Errorf("burden: read sub-units: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return UnitRow{}, nil, fmt.Errorf("burden: read sub-units: %w", err)
	}
	for i := range out {
		out[i].People, out[i].Components = sumStats(stats, out[i].Path, per, false)
		out[i].Index = out[i].Components.Index(w)
	}
	// The people who sit in root itself (a 总队's leaders, say) get a row of their own, so that
	// the rows cover everyone in the total.
	if own := (UnitRow{Unit: root, Own: true}); len(out) > 0 {
		own.Name += "本级"
		if own.People, own.Components = sumStats(stats, root.Path, per, true); own.People > 0 {
			own.Index = own.Components.Index(w)
			out = append(out, own)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Index > out[j].Index })
	self := UnitRow{Unit: root, HasChild: len(out) > 0}
	self.People, self.Components = sumStats(stats, root.Path, per, false)
	self.Index = self.Components.Index(w)
	return self, out, nil
}

// sumStats adds up the units under path (or only the unit at path, when exact) and turns the sums
// into mean components per person.
func sumStats(stats []unitStat, path string, per Period, exact bool) (int, Components) {
	var s unitStat
	for _, u := range stats {
		if exact && u.path != path || !strings.HasPrefix(u.path, path) {
			continue
		}
		s.people += u.people
		s.memberships += u.memberships
		s.received += u.received
		s.afterHours += u.afterHours
		s.demands += u.demands
		n := float64(u.people)
		s.apps += u.apps * n
		s.forms += u.forms * n
		s.checkins += u.checkins * n
	}
	c := Components{}
	if s.people == 0 {
		for _, k := range ComponentList {
			c[k] = 0
		}
		return 0, c
	}
	n, wd := float64(s.people), float64(per.Workdays)
	c[Groups] = float64(s.memberships) / n
	c[Messages] = float64(s.received) / n / wd
	c[AfterHours] = float64(s.afterHours) / n / wd
	c[Demands] = float64(s.demands) / n / wd
	c[Apps] = s.apps / n
	c[Forms] = s.forms / n
	c[Checkins] = s.checkins / n
	return int(s.people), c
}

// unitStats gives, per unit under path, its active people, their memberships in live groups,
// what they received in the period and the apps they must use, from the cached sums.
func unitStats(ctx context.Context, q store.Querier, path string, per Period) ([]unitStat, error) {
	o, err := orgOf(ctx, q)
	if err != nil {
		return nil, err
	}
	sums, err := sumsOf(ctx, q, per)
	if err != nil {
		return nil, err
	}
	apps, err := mandatoryApps(ctx, q, per)
	if err != nil {
		return nil, err
	}
	var out []unitStat
	for id, p := range o.upath {
		if !strings.HasPrefix(p, path) {
			continue
		}
		s := unitStat{path: p, people: o.units[id].people, memberships: o.units[id].memberships}
		if u := sums.units[id]; u != nil {
			s.received, s.afterHours, s.demands = u.received, u.afterHours, u.demands
		}
		s.apps, s.forms, s.checkins = appLoad(apps, p, per)
		out = append(out, s)
	}
	return out, nil
}

// appLoad is what the mandatory apps run by a unit on path (itself and its superiors) ask of
// each person there: how many apps, and forms and check-ins per working day, estimated as each
// app's totals shared evenly among its target users.
func appLoad(apps []appStat, path string, per Period) (n, forms, checkins float64) {
	for _, a := range apps {
		if !strings.HasPrefix(path, a.path) {
			continue
		}
		n++
		t := float64(max(a.target, 1))
		forms += float64(a.forms) / t / float64(per.Workdays)
		checkins += float64(a.checkinsReq) / t / float64(per.Workdays)
	}
	return n, forms, checkins
}

func mandatoryApps(ctx context.Context, q store.Querier, per Period) ([]appStat, error) {
	rows, err := q.QueryContext(ctx, `SELECT u.path, d.target_count,
		COALESCE(sum(x.forms_submitted), 0), COALESCE(sum(x.checkins_required), 0)
		FROM assets a JOIN app_details d ON d.asset_id = a.id JOIN units u ON u.id = a.unit_id
		LEFT JOIN act_app_days x ON x.app_id = a.id AND x.day >= $1 AND x.day <= $2
		WHERE a.kind = 'app' AND a.status IN ('active', 'rectifying') AND d.mandatory
		GROUP BY a.id, u.path, d.target_count ORDER BY a.id`, per.From, per.To)
	if err != nil {
		return nil, fmt.Errorf("burden: read apps: %w", err)
	}
	defer rows.Close()
	var out []appStat
	for rows.Next() {
		var a appStat
		if err := rows.Scan(&a.path, &a.target, &a.forms, &a.checkinsReq); err != nil {
			return nil, fmt.Errorf("burden: read apps: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// each runs query and, for every row, scans it into dst and calls fn.
func each(ctx context.Context, q store.Querier, what, query string, args, dst []any, fn func()) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("burden: read %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dst...); err != nil {
			return fmt.Errorf("burden: read %s: %w", what, err)
		}
		fn()
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("burden: read %s: %w", what, err)
	}
	return nil
}
