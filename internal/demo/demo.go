// Package demo builds jianfu's synthetic bureau: a deterministic, seeded 消防救援总队 with its
// 处室, 支队, 大队 and 站 named after real places in Sichuan, plausible people and one login per role,
// and its inventory: government apps, public accounts and work groups with their members, in
// which known problems are planted for the rules to find (Truth, ReferenceDate).
//
// The same Preset and Seed always give the same codes, names and tree, so demos can be scripted,
// tests can rely on "planted truth", and benchmarks compare like with like. Generation happens in
// memory first (the bureau model in bureau.go) and is then written in one transaction with
// batched inserts; later generators (apps, accounts, groups, activity) extend the same model.
package demo

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// Preset is the size of the bureau to build.
type Preset string

// The presets. Small is for demos and tests, Province for realistic load, National for
// benchmarks.
const (
	Small    Preset = "small"    // 3 支队, ~12 大队, ~30 站, ~300 people: builds in a second
	Province Preset = "province" // all 21 支队 and 183 大队, ~500 站, ~10k people
	National Preset = "national" // ~6k 站, ~200k people, for benchmarks
)

// DefaultPassword is the demo logins' password when Options.Password is empty. It passes
// auth.CheckStrength, so the demo does not teach people to use weak passwords.
const DefaultPassword = "Jianfu@2026"

// Options say what to build.
type Options struct {
	Preset   Preset // "" means Small
	Seed     int64  // same seed and preset, same bureau
	Password string // for every demo login; DefaultPassword if empty
	// Progress, if not nil, is called as each step advances: step names what is being written
	// (单位, 人员, 账号, 应用, 公众号, 群组, 群成员) and done counts up to total.
	Progress func(step string, done, total int)
}

// Login is one demo user, to print after a build or to log in with in tests.
type Login struct {
	Username  string
	Password  string
	Role      org.Role
	RoleLabel string // the role's Chinese name
	UnitName  string // the unit the user belongs to
}

// Result counts what Build wrote and lists the demo logins in org.Roles order. Truth lists the
// problems planted in the inventory (see Truth); Plan computes the same without a database.
type Result struct {
	Units, People, Users int
	Apps, Accounts       int
	Groups               int
	Members              int // rows of group_members
	Logins               []Login
	Truth                *Truth
}

// Build writes the synthetic bureau into db, which must be migrated and hold no units yet (a
// demo must never mix with real data): the organisation, then the inventory of apps, public
// accounts and work groups with their members, dated relative to ReferenceDate and with known
// problems planted (Result.Truth). Everything is written in one transaction: on error nothing
// remains.
func Build(ctx context.Context, db *store.DB, opt Options) (*Result, error) {
	b, err := generate(opt.Preset, opt.Seed)
	if err != nil {
		return nil, err
	}
	inv, err := b.genInventory()
	if err != nil {
		return nil, err
	}
	b.progress = opt.Progress
	b.batch = batchRows[db.Engine]
	pw := opt.Password
	if pw == "" {
		pw = DefaultPassword
	}
	// Hashing is deliberately slow, so do it once, before taking the write lock, and share the
	// hash: every demo login has the same password anyway.
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return nil, fmt.Errorf("demo: hash password: %w", err)
	}
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM units`).Scan(&n); err != nil {
			return fmt.Errorf("demo: count units: %w", err)
		}
		if n > 0 {
			return errs.E(errs.Conflict, "数据库中已有单位数据,演示数据只能建在空库中")
		}
		if err := b.writeUnits(ctx, tx); err != nil {
			return err
		}
		if err := b.writePeople(ctx, tx); err != nil {
			return err
		}
		if err := b.writeUsers(ctx, tx, hash); err != nil {
			return err
		}
		if err := b.recordAudit(ctx, tx); err != nil {
			return err
		}
		return b.writeInventory(ctx, tx, inv)
	})
	if err != nil {
		return nil, err
	}
	// Fresh tables have no statistics; without them PostgreSQL plans the scoped lists as nested
	// loops that take half a second at province scale, until autovacuum gets round to them.
	if err := db.Analyze(ctx); err != nil {
		return nil, err
	}
	return b.result(inv, pw), nil
}

// Sizes returns the approximate number of units and people a preset builds (the mean over
// seeds), for documentation and for tests that check a build is in range. It returns zeros for
// an unknown preset.
func Sizes(p Preset) (units, people int) {
	pl, ok := plans[normPreset(p)]
	if !ok {
		return 0, 0
	}
	nc, nb := 0, 0
	for _, c := range pl.selectCities() {
		nc++
		nb += pl.brigadesIn(c) * pl.brigadeCopies
	}
	stations := float64(nb)*pl.stations.mean() + float64(nc) // one 特勤站 per 支队
	u := 1 + float64(len(departments)) + float64(nc*(1+pl.sections)) + float64(nb) + stations
	p2 := float64(len(corpsLeaders)) + float64(len(departments))*pl.deptStaff.mean() +
		float64(nc)*(float64(len(detachmentLeaders))+float64(pl.sections)*pl.sectionStaff.mean()) +
		float64(nb)*pl.brigadeStaff.mean() + stations*pl.stationStaff.mean() + float64(len(loginSpecs))
	return int(u + 0.5), int(p2 + 0.5)
}

func normPreset(p Preset) Preset {
	if p == "" {
		return Small
	}
	return p
}

// span is an inclusive range of counts drawn uniformly.
type span struct{ Min, Max int }

func (s span) mean() float64 { return float64(s.Min+s.Max) / 2 }

// plan is what a preset means in numbers. Only the numbers differ between presets; the
// generator is the same, so small is a faithful miniature of province.
type plan struct {
	cities          []string // city codes to build, nil for all 21
	brigadesPerCity int      // the first n counties of each city, 0 for all
	brigadeCopies   int      // brigades per county; national doubles them to reach its size
	sections        int      // 科室 per 支队, the first n of sections
	stations        span     // 站 per 大队 (plus one 特勤站 directly under each 支队)
	deptStaff       span     // people per 总队 处室
	sectionStaff    span     // people per 支队 科室
	brigadeStaff    span     // people on a 大队's own staff
	stationStaff    span     // people per 站
}

var plans = map[Preset]plan{
	Small: {cities: []string{"CD", "MY", "DY"}, brigadesPerCity: 4, brigadeCopies: 1, sections: 3,
		stations: span{2, 3}, deptStaff: span{4, 7}, sectionStaff: span{2, 4}, brigadeStaff: span{3, 5}, stationStaff: span{4, 6}},
	Province: {brigadeCopies: 1, sections: 6,
		stations: span{2, 3}, deptStaff: span{8, 14}, sectionStaff: span{4, 8}, brigadeStaff: span{5, 9}, stationStaff: span{14, 20}},
	National: {brigadeCopies: 2, sections: 6,
		stations: span{14, 18}, deptStaff: span{12, 20}, sectionStaff: span{6, 10}, brigadeStaff: span{6, 10}, stationStaff: span{28, 40}},
}

func (pl plan) selectCities() []city {
	if pl.cities == nil {
		return cities
	}
	var out []city
	for _, code := range pl.cities {
		for _, c := range cities {
			if c.Code == code {
				out = append(out, c)
			}
		}
	}
	return out
}

func (pl plan) brigadesIn(c city) int {
	if pl.brigadesPerCity == 0 || pl.brigadesPerCity > len(c.Counties) {
		return len(c.Counties)
	}
	return pl.brigadesPerCity
}
