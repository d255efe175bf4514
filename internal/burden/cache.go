package burden

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jianfu-gov/jianfu/internal/store"
)

// The dashboards of every unit cut their figures from the same bureau-wide sums: per group, per
// unit and per unit and hour over a period. Reading those sums means scanning a month of rollups
// (600 000 group-days for a province), so they are computed once per period and kept in memory,
// and each view (a 支队, a 大队, the whole bureau) filters them by unit path, which takes a
// millisecond.
//
// A new ingest batch makes the period sums stale: every request first reads the number of
// batches (one indexed count) and recomputes when it changed, so instances sharing a database
// never show each other stale figures for longer than a request. The organisation's side (people
// per unit, memberships in live groups, the groups' names and units) does not change with
// batches; it is kept for orgTTL, so a membership edit shows on the dashboards within that time.

const (
	orgTTL     = 2 * time.Minute
	maxPeriods = 8 // periods kept per database; the oldest goes first
)

// orgSums are the organisation's side of the dashboards.
type orgSums struct {
	at     time.Time
	units  map[int64]*unitOrg
	groups map[int64]*GroupRow // names, platform, unit name and member count; figures zero
	gpath  map[int64]string    // group id → the path of its unit
	upath  map[int64]string    // unit id → path
}

type unitOrg struct {
	people, memberships int64
}

// periodSums are the activity side for one period.
type periodSums struct {
	version int64
	used    time.Time
	groups  map[int64]*groupSum
	units   map[int64]*unitSum
	hours   map[int64]*[7][24]float64
}

type groupSum struct {
	messages, afterHours, demands, deliveries, demandDeliveries int64
}

type unitSum struct {
	received, afterHours, demands int64
}

type dbCache struct {
	mu      sync.Mutex
	org     *orgSums
	periods map[[2]int64]*periodSums
}

var (
	cachesMu sync.Mutex
	caches   = map[store.Querier]*dbCache{}
)

func cacheFor(q store.Querier) *dbCache {
	cachesMu.Lock()
	defer cachesMu.Unlock()
	c := caches[q]
	if c == nil {
		c = &dbCache{periods: map[[2]int64]*periodSums{}}
		caches[q] = c
	}
	return c
}

// dataVersion changes whenever a batch is ingested.
func dataVersion(ctx context.Context, q store.Querier) (int64, error) {
	var n int64
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM ingest_batches`).Scan(&n); err != nil {
		return 0, fmt.Errorf("burden: data version: %w", err)
	}
	return n, nil
}

// orgOf returns the organisation's side, recomputed after orgTTL.
func orgOf(ctx context.Context, q store.Querier) (*orgSums, error) {
	c := cacheFor(q)
	c.mu.Lock()
	o := c.org
	c.mu.Unlock()
	if o != nil && time.Since(o.at) < orgTTL {
		return o, nil
	}
	o, err := loadOrg(ctx, q)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.org = o
	c.mu.Unlock()
	return o, nil
}

func loadOrg(ctx context.Context, q store.Querier) (*orgSums, error) {
	o := &orgSums{at: time.Now(), units: map[int64]*unitOrg{}, groups: map[int64]*GroupRow{}, gpath: map[int64]string{},
		upath: map[int64]string{}}
	var id, n int64
	var path string
	err := each(ctx, q, "units", `SELECT id, path FROM units`, nil, []any{&id, &path}, func() {
		o.units[id] = &unitOrg{}
		o.upath[id] = path
	})
	if err != nil {
		return nil, err
	}
	unit := func(id int64) *unitOrg {
		if u := o.units[id]; u != nil {
			return u
		}
		return &unitOrg{} // created since the first read: ignored
	}
	if err := each(ctx, q, "people", `SELECT unit_id, count(*) FROM people WHERE status = 'active' GROUP BY unit_id`, nil,
		[]any{&id, &n}, func() { unit(id).people = n }); err != nil {
		return nil, err
	}
	// Memberships per person first, then per unit in Go, and live groups as an IN list rather
	// than a join: SQLite then counts from its index instead of looking every membership's group
	// up (136 ms against 407 ms for a province's 400 000 memberships).
	personUnit := map[int64]int64{}
	var unitID int64
	if err := each(ctx, q, "people", `SELECT id, unit_id FROM people WHERE status = 'active'`, nil, []any{&id, &unitID},
		func() { personUnit[id] = unitID }); err != nil {
		return nil, err
	}
	if err := each(ctx, q, "memberships", `SELECT person_id, count(*) FROM group_members
		WHERE person_id IS NOT NULL AND group_id IN (SELECT id FROM assets WHERE kind = 'group' AND status IN ('active', 'rectifying'))
		GROUP BY person_id`, nil, []any{&id, &n}, func() {
		if u, ok := personUnit[id]; ok {
			unit(u).memberships += n
		}
	}); err != nil {
		return nil, err
	}
	var r GroupRow
	if err := each(ctx, q, "groups", `SELECT a.id, a.code, a.name, a.platform, a.unit_id, u.name, u.path, d.member_count
		FROM assets a JOIN units u ON u.id = a.unit_id JOIN group_details d ON d.asset_id = a.id WHERE a.kind = 'group'`, nil,
		[]any{&r.ID, &r.Code, &r.Name, &r.Platform, &unitID, &r.UnitName, &path, &r.Members}, func() {
			g := r
			o.groups[r.ID] = &g
			o.gpath[r.ID] = path
		}); err != nil {
		return nil, err
	}
	return o, nil
}

// sumsOf returns the activity side for per, recomputed when a batch arrived since.
func sumsOf(ctx context.Context, q store.Querier, per Period) (*periodSums, error) {
	version, err := dataVersion(ctx, q)
	if err != nil {
		return nil, err
	}
	key := [2]int64{per.From.Unix(), per.To.Unix()}
	c := cacheFor(q)
	c.mu.Lock()
	s := c.periods[key]
	if s != nil && s.version == version {
		s.used = time.Now()
		c.mu.Unlock()
		return s, nil
	}
	c.mu.Unlock()
	if s, err = loadSums(ctx, q, per); err != nil {
		return nil, err
	}
	s.version, s.used = version, time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.periods[key] = s
	if len(c.periods) > maxPeriods {
		var oldest [2]int64
		var at time.Time
		for k, p := range c.periods {
			if at.IsZero() || p.used.Before(at) {
				oldest, at = k, p.used
			}
		}
		delete(c.periods, oldest)
	}
	return s, nil
}

func loadSums(ctx context.Context, q store.Querier, per Period) (*periodSums, error) {
	s := &periodSums{groups: map[int64]*groupSum{}, units: map[int64]*unitSum{}, hours: map[int64]*[7][24]float64{}}
	var id int64
	var g groupSum
	if err := each(ctx, q, "group totals", `SELECT group_id, sum(messages), sum(after_hours), sum(demands), sum(deliveries),
		sum(demand_deliveries) FROM act_group_days WHERE day >= $1 AND day <= $2 GROUP BY group_id`, []any{per.From, per.To},
		[]any{&id, &g.messages, &g.afterHours, &g.demands, &g.deliveries, &g.demandDeliveries}, func() {
			x := g
			s.groups[id] = &x
		}); err != nil {
		return nil, err
	}
	var u unitSum
	if err := each(ctx, q, "unit totals", `SELECT unit_id, sum(received), sum(after_hours),
		sum(reply_received + chain + checkin + proof + materials)
		FROM act_unit_days WHERE day >= $1 AND day <= $2 GROUP BY unit_id`, []any{per.From, per.To},
		[]any{&id, &u.received, &u.afterHours, &u.demands}, func() {
			x := u
			s.units[id] = &x
		}); err != nil {
		return nil, err
	}
	var day time.Time
	var h [24]int64
	dst := []any{&id, &day}
	for i := range h {
		dst = append(dst, &h[i])
	}
	if err := each(ctx, q, "hours", `SELECT * FROM act_unit_hours WHERE day >= $1 AND day <= $2`, []any{per.From, per.To}, dst, func() {
		m := s.hours[id]
		if m == nil {
			m = &[7][24]float64{}
			s.hours[id] = m
		}
		wd := (int(day.UTC().Weekday()) + 6) % 7
		for i, n := range h {
			m[wd][i] += float64(n)
		}
	}); err != nil {
		return nil, err
	}
	return s, nil
}

// Warm fills the caches for the default period (the last DefaultDays with data), so that the
// first dashboard opened after a batch arrived does not pay for reading the month (about a
// second for a province on SQLite). serve calls it every 30 seconds; when no batch arrived it
// costs the version check (and the organisation's side once its two minutes are up).
func Warm(ctx context.Context, q store.Querier) error {
	b, err := NewRequest(ctx, q, "", "")
	if err != nil || !b.HasData {
		return err
	}
	if _, err := orgOf(ctx, q); err != nil {
		return err
	}
	_, err = sumsOf(ctx, q, b.Period)
	return err
}

// ResetCache drops what is cached for q, so that the next request reads everything afresh: for
// benchmarks that measure a cold dashboard.
func ResetCache(q store.Querier) {
	cachesMu.Lock()
	delete(caches, q)
	cachesMu.Unlock()
}
