// Package evaluate measures a campaign's effect: the figures of the bureau and of each of its
// direct sub-units before the campaign started and now, from the inventory, the burden index, the
// health check's findings, the rectification ledger and the campaign's progress board.
//
// # Definitions
//
// The start S is the first day of the campaign's first phase (动员部署); asOf is the moment the
// evaluation looks from (its calendar day in China is "today").
//
//   - Live apps, accounts and groups at the start: assets whose status just before S was 在用 or
//     整改中. That status is rebuilt from asset_events: the to_status of the last status event
//     dated before S; failing one, the from_status of the first event on or after S; failing any
//     event, the current status, except that an asset now 已下线/已合并 with closed_on on or after
//     S counts as live then. An asset counts only if it existed before S (opened_on or, lacking
//     it, created_at before S). "Now" is the same rebuilt as of the end of asOf's day.
//   - Retired (下线/注销/解散) and merged since the start: assets whose current status is 已下线
//     (retired) or 已合并 (merged) and whose date of going there — the latest event to that
//     status, or closed_on when there is none — lies between S and asOf.
//   - Burden index before: burden.Ranking over the 30 days before S (S-30 … S-1); after: over the
//     last 30 days with activity data up to asOf, starting no earlier than S. NaN when that
//     period has no data (no activity rollups in it).
//   - Findings open: still firing (no resolved run) and 新发现 or 已确认. Closed since the start:
//     not dismissed, and either converted into a ledger item (decided on or after S) or gone
//     (the run that found them gone checked on or after S). Each finding counts once.
//   - Ledger: items created on or after S (up to asOf). Closed: 已销号. Closed on time: closed on
//     or before the deadline. Overdue (as campaign.UnitMetrics means it): open with the deadline
//     before today, or closed after the deadline. OpenOverdue: the first kind only.
//   - Submissions: campaign.Board as of asOf, rows counted per state under each unit.
//
// # Scope
//
// The evaluation's root is the campaign's unit when it lies in the caller's scope, otherwise
// the caller's scope unit (which then lies inside the campaign's unit); its figures are the
// bureau's ("Total"), and its direct sub-units are the rows. Nothing outside the caller's scope
// is read.
package evaluate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/burden"
	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/campaign"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// Figures are one unit's (or the bureau's) before and after figures.
type Figures struct {
	AppsStart, AccountsStart, GroupsStart int `json:"-"`
	AppsNow, AccountsNow, GroupsNow       int `json:"-"`
	Retired                               int `json:"retired"` // since the start, all kinds
	Merged                                int `json:"merged"`

	BurdenBefore float64 `json:"burden_before"` // NaN when no data
	BurdenAfter  float64 `json:"burden_after"`  // NaN when no data

	FindingsOpen   int `json:"findings_open"`
	FindingsClosed int `json:"findings_closed"`

	LedgerTotal        int `json:"ledger_total"`
	LedgerClosed       int `json:"ledger_closed"`
	LedgerClosedOnTime int `json:"ledger_closed_on_time"`
	LedgerOverdue      int `json:"ledger_overdue"`      // open and overdue, or closed late
	LedgerOpenOverdue  int `json:"ledger_open_overdue"` // open and overdue

	Submitted int `json:"submitted"` // on time
	Late      int `json:"late"`
	Missing   int `json:"missing"`
	Pending   int `json:"pending"`
}

// LiveStart is all live assets at the start.
func (f Figures) LiveStart() int { return f.AppsStart + f.AccountsStart + f.GroupsStart }

// LiveNow is all live assets now.
func (f Figures) LiveNow() int { return f.AppsNow + f.AccountsNow + f.GroupsNow }

// BurdenChange is (after-before)/before; ok is false without both figures or a zero baseline.
func (f Figures) BurdenChange() (float64, bool) {
	if math.IsNaN(f.BurdenBefore) || math.IsNaN(f.BurdenAfter) || f.BurdenBefore <= 0 {
		return 0, false
	}
	return (f.BurdenAfter - f.BurdenBefore) / f.BurdenBefore, true
}

// Unit is a unit the evaluation reports on.
type Unit struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
	Path string `json:"-"`
}

// UnitFigures is one row of the evaluation.
type UnitFigures struct {
	Unit
	Figures
}

// Evaluation is a campaign's figures before and after, for the root and its direct sub-units.
type Evaluation struct {
	Campaign  campaign.Campaign `json:"campaign"`
	Root      Unit              `json:"root"`
	Start     time.Time         `json:"start"`
	AsOf      time.Time         `json:"as_of"`
	Before    burden.Period     `json:"before"` // the burden periods compared
	After     burden.Period     `json:"after"`
	HasBefore bool              `json:"has_before"`
	HasAfter  bool              `json:"has_after"`
	Total     Figures           `json:"total"`
	Units     []UnitFigures     `json:"units"`
}

// Evaluate computes the evaluation of campaign c as of asOf for caller p.
func Evaluate(ctx context.Context, q store.Querier, p org.Principal, c campaign.Campaign, asOf time.Time) (Evaluation, error) {
	e := Evaluation{Campaign: c, AsOf: asOf.UTC()}
	ph, ok := c.Phase(campaign.Mobilize)
	if !ok {
		return e, fmt.Errorf("evaluate: campaign %d has no phases", c.ID)
	}
	e.Start = ph.Start
	root, err := rootUnit(ctx, q, p, c)
	if err != nil {
		return e, err
	}
	e.Root = root
	subs, err := children(ctx, q, root)
	if err != nil {
		return e, err
	}
	e.Units = make([]UnitFigures, len(subs))
	for i, u := range subs {
		e.Units[i].Unit = u
	}
	// add applies fn to the total and to the row whose subtree holds path.
	add := func(path string, fn func(f *Figures)) {
		if !strings.HasPrefix(path, root.Path) {
			return
		}
		fn(&e.Total)
		for i := range e.Units {
			if strings.HasPrefix(path, e.Units[i].Path) {
				fn(&e.Units[i].Figures)
				return
			}
		}
	}
	today := calendar.DateOf(asOf)
	if err := assets(ctx, q, root, e.Start, today, add); err != nil {
		return e, err
	}
	if err := findings(ctx, q, root, e.Start, add); err != nil {
		return e, err
	}
	if err := ledger(ctx, q, root, e.Start, today, add); err != nil {
		return e, err
	}
	if err := board(ctx, q, p, c, asOf, root, add); err != nil {
		return e, err
	}
	if err := e.burden(ctx, q, today); err != nil {
		return e, err
	}
	return e, nil
}

// Metrics turns the rows into what campaign.Suggest reads. A missing burden figure becomes 0,
// which Suggest treats as "no baseline": it neither commends nor summons on the burden index.
func Metrics(e Evaluation) []campaign.UnitMetrics {
	out := make([]campaign.UnitMetrics, 0, len(e.Units))
	for _, u := range e.Units {
		m := campaign.UnitMetrics{UnitID: u.ID, UnitName: u.Name,
			LedgerTotal: u.LedgerTotal, LedgerClosed: u.LedgerClosed, LedgerOverdue: u.LedgerOverdue,
			AssetsRetired: u.Retired, AssetsMerged: u.Merged, LateSubmissions: u.Late, MissingSubmissions: u.Missing}
		if !math.IsNaN(u.BurdenBefore) && !math.IsNaN(u.BurdenAfter) {
			m.BurdenBefore, m.BurdenAfter = u.BurdenBefore, u.BurdenAfter
		}
		out = append(out, m)
	}
	return out
}

func rootUnit(ctx context.Context, q store.Querier, p org.Principal, c campaign.Campaign) (Unit, error) {
	id := c.UnitID
	if !p.Scope.Contains(c.UnitPath) {
		if p.Scope.Path == "" || !strings.HasPrefix(p.Scope.Path, c.UnitPath) {
			return Unit{}, errs.E(errs.NotFound, "专项行动不存在或不在您的管辖范围内")
		}
		id = p.Scope.UnitID
	}
	var u Unit
	err := q.QueryRowContext(ctx, `SELECT id, code, name, path FROM units WHERE id = $1`, id).Scan(&u.ID, &u.Code, &u.Name, &u.Path)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !p.Scope.Contains(u.Path) {
		return u, errs.E(errs.NotFound, "单位不存在或不在您的管辖范围内")
	}
	if err != nil {
		return u, fmt.Errorf("evaluate: read unit %d: %w", id, err)
	}
	return u, nil
}

func children(ctx context.Context, q store.Querier, root Unit) ([]Unit, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, code, name, path FROM units WHERE parent_id = $1 ORDER BY sort_order, code`, root.ID)
	if err != nil {
		return nil, fmt.Errorf("evaluate: read sub-units: %w", err)
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		var u Unit
		if err := rows.Scan(&u.ID, &u.Code, &u.Name, &u.Path); err != nil {
			return nil, fmt.Errorf("evaluate: read sub-units: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func like(path string) string { return store.EscapeLike(path) + "%" }

type asset struct {
	id                 int64
	kind, status, path string
	created            time.Time
	opened, closed     time.Time // zero when NULL
	events             []event
}

type event struct {
	id       int64
	day      time.Time
	from, to string
}

func isLive(s string) bool { return s == "active" || s == "rectifying" }

// statusBefore is the asset's status just before day cut ("" when it did not exist yet).
func (a *asset) statusBefore(cut time.Time) string {
	existed := !a.opened.IsZero() && a.opened.Before(cut) || calendar.DateOf(a.created).Before(cut)
	if !existed {
		return ""
	}
	var last, next *event
	for i := range a.events {
		ev := &a.events[i]
		if ev.day.Before(cut) {
			last = ev
		} else if next == nil {
			next = ev
		}
	}
	switch {
	case last != nil:
		return last.to
	case next != nil && next.from != "":
		return next.from
	case (a.status == "retired" || a.status == "merged") && !a.closed.IsZero() && !a.closed.Before(cut):
		return "active"
	}
	return a.status
}

// endedOn is the date the asset reached its current (retired or merged) status.
func (a *asset) endedOn() time.Time {
	for i := len(a.events) - 1; i >= 0; i-- {
		if a.events[i].to == a.status {
			return a.events[i].day
		}
	}
	return a.closed
}

func assets(ctx context.Context, q store.Querier, root Unit, start, today time.Time, add func(string, func(*Figures))) error {
	rows, err := q.QueryContext(ctx, `SELECT a.id, a.kind, a.status, u.path, a.created_at, a.opened_on, a.closed_on
		FROM assets a JOIN units u ON u.id = a.unit_id WHERE u.path LIKE $1 ESCAPE '\' ORDER BY a.id`, like(root.Path))
	if err != nil {
		return fmt.Errorf("evaluate: read assets: %w", err)
	}
	byID := map[int64]*asset{}
	var list []*asset
	for rows.Next() {
		a := &asset{}
		var opened, closed sql.NullTime
		if err := rows.Scan(&a.id, &a.kind, &a.status, &a.path, &a.created, &opened, &closed); err != nil {
			rows.Close()
			return fmt.Errorf("evaluate: read assets: %w", err)
		}
		if opened.Valid {
			a.opened = campaign.Day(opened.Time.UTC())
		}
		if closed.Valid {
			a.closed = campaign.Day(closed.Time.UTC())
		}
		byID[a.id] = a
		list = append(list, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("evaluate: read assets: %w", err)
	}
	rows, err = q.QueryContext(ctx, `SELECT e.id, e.asset_id, e.at, e.from_status, e.to_status FROM asset_events e
		JOIN assets a ON a.id = e.asset_id JOIN units u ON u.id = a.unit_id
		WHERE e.to_status <> '' AND u.path LIKE $1 ESCAPE '\'`, like(root.Path))
	if err != nil {
		return fmt.Errorf("evaluate: read asset events: %w", err)
	}
	for rows.Next() {
		var ev event
		var assetID int64
		var at time.Time
		if err := rows.Scan(&ev.id, &assetID, &at, &ev.from, &ev.to); err != nil {
			rows.Close()
			return fmt.Errorf("evaluate: read asset events: %w", err)
		}
		ev.day = calendar.DateOf(at)
		if a := byID[assetID]; a != nil {
			a.events = append(a.events, ev)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("evaluate: read asset events: %w", err)
	}
	end := today.AddDate(0, 0, 1)
	for _, a := range list {
		// Time order, not text order: SQLite keeps timestamps as text.
		sort.SliceStable(a.events, func(i, j int) bool {
			if !a.events[i].day.Equal(a.events[j].day) {
				return a.events[i].day.Before(a.events[j].day)
			}
			return a.events[i].id < a.events[j].id
		})
		atStart, atEnd := isLive(a.statusBefore(start)), isLive(a.statusBefore(end))
		ended := false
		if a.status == "retired" || a.status == "merged" {
			d := a.endedOn()
			ended = !d.IsZero() && !d.Before(start) && !d.After(today)
		}
		kind, status := a.kind, a.status
		add(a.path, func(f *Figures) {
			if atStart {
				switch kind {
				case "app":
					f.AppsStart++
				case "account":
					f.AccountsStart++
				case "group":
					f.GroupsStart++
				}
			}
			if atEnd {
				switch kind {
				case "app":
					f.AppsNow++
				case "account":
					f.AccountsNow++
				case "group":
					f.GroupsNow++
				}
			}
			if ended && status == "retired" {
				f.Retired++
			}
			if ended && status == "merged" {
				f.Merged++
			}
		})
	}
	return nil
}

func findings(ctx context.Context, q store.Querier, root Unit, start time.Time, add func(string, func(*Figures))) error {
	rows, err := q.QueryContext(ctx, `SELECT u.path, f.status, f.resolved_run_id IS NOT NULL, r.check_date, f.decided_at
		FROM findings f JOIN units u ON u.id = f.unit_id LEFT JOIN analysis_runs r ON r.id = f.resolved_run_id
		WHERE u.path LIKE $1 ESCAPE '\'`, like(root.Path))
	if err != nil {
		return fmt.Errorf("evaluate: read findings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var path, status string
		var gone bool
		var checked, decided sql.NullTime
		if err := rows.Scan(&path, &status, &gone, &checked, &decided); err != nil {
			return fmt.Errorf("evaluate: read findings: %w", err)
		}
		open := !gone && (status == "new" || status == "confirmed")
		closed := status != "dismissed" && (status == "converted" && decided.Valid && !calendar.DateOf(decided.Time).Before(start) ||
			gone && checked.Valid && !campaign.Day(checked.Time.UTC()).Before(start))
		add(path, func(f *Figures) {
			if open {
				f.FindingsOpen++
			}
			if closed {
				f.FindingsClosed++
			}
		})
	}
	return rows.Err()
}

func ledger(ctx context.Context, q store.Querier, root Unit, start, today time.Time, add func(string, func(*Figures))) error {
	rows, err := q.QueryContext(ctx, `SELECT u.path, i.status, i.deadline, i.closed_at, i.created_at
		FROM ledger_items i JOIN units u ON u.id = i.unit_id WHERE u.path LIKE $1 ESCAPE '\'`, like(root.Path))
	if err != nil {
		return fmt.Errorf("evaluate: read ledger: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var path, status string
		var deadline, created time.Time
		var closedAt sql.NullTime
		if err := rows.Scan(&path, &status, &deadline, &closedAt, &created); err != nil {
			return fmt.Errorf("evaluate: read ledger: %w", err)
		}
		if d := calendar.DateOf(created); d.Before(start) || d.After(today) {
			continue
		}
		deadline = campaign.Day(deadline.UTC())
		closed := status == "closed"
		onTime := closed && closedAt.Valid && !calendar.DateOf(closedAt.Time).After(deadline)
		openOverdue := !closed && deadline.Before(today)
		add(path, func(f *Figures) {
			f.LedgerTotal++
			if closed {
				f.LedgerClosed++
			}
			if onTime {
				f.LedgerClosedOnTime++
			}
			if openOverdue {
				f.LedgerOpenOverdue++
			}
			if openOverdue || closed && !onTime {
				f.LedgerOverdue++
			}
		})
	}
	return rows.Err()
}

func board(ctx context.Context, q store.Querier, p org.Principal, c campaign.Campaign, asOf time.Time, root Unit, add func(string, func(*Figures))) error {
	b, err := campaign.Board(ctx, q, p, c.ID, asOf)
	if err != nil {
		return err
	}
	paths := map[int64]string{}
	rows, err := q.QueryContext(ctx, `SELECT id, path FROM units WHERE path LIKE $1 ESCAPE '\'`, like(root.Path))
	if err != nil {
		return fmt.Errorf("evaluate: read units: %w", err)
	}
	for rows.Next() {
		var id int64
		var path string
		if err := rows.Scan(&id, &path); err != nil {
			rows.Close()
			return fmt.Errorf("evaluate: read units: %w", err)
		}
		paths[id] = path
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("evaluate: read units: %w", err)
	}
	for _, t := range b.Tasks {
		for _, r := range t.Rows {
			path, ok := paths[r.UnitID]
			if !ok {
				continue
			}
			st := r.State
			add(path, func(f *Figures) {
				switch st {
				case campaign.Submitted:
					f.Submitted++
				case campaign.Late:
					f.Late++
				case campaign.Missing:
					f.Missing++
				case campaign.Pending:
					f.Pending++
				}
			})
		}
	}
	return nil
}

// burden fills the index before and after from two rankings of the root.
func (e *Evaluation) burden(ctx context.Context, q store.Querier, today time.Time) error {
	nan := math.NaN()
	e.Total.BurdenBefore, e.Total.BurdenAfter = nan, nan
	for i := range e.Units {
		e.Units[i].BurdenBefore, e.Units[i].BurdenAfter = nan, nan
	}
	cal, err := calendar.Load(ctx, q)
	if err != nil {
		return err
	}
	w, err := burden.LoadWeights(ctx, q)
	if err != nil {
		return err
	}
	first, last, ok, err := burden.DataRange(ctx, q)
	if err != nil || !ok {
		return err
	}
	first, last = campaign.Day(first), campaign.Day(last)
	root := burden.Unit{ID: e.Root.ID, Code: e.Root.Code, Name: e.Root.Name, Path: e.Root.Path}
	rank := func(per burden.Period, set func(f *Figures, v float64)) error {
		self, rows, err := burden.Ranking(ctx, q, root, per, w)
		if err != nil {
			return err
		}
		if self.People > 0 {
			set(&e.Total, self.Index)
		}
		for _, r := range rows {
			if r.Own || r.People == 0 {
				continue
			}
			for i := range e.Units {
				if e.Units[i].ID == r.ID {
					set(&e.Units[i].Figures, r.Index)
				}
			}
		}
		return nil
	}
	from, to := e.Start.AddDate(0, 0, -burden.DefaultDays), e.Start.AddDate(0, 0, -1)
	e.Before = burden.NewPeriod(cal, from, to)
	if !first.After(to) && !last.Before(from) {
		e.HasBefore = true
		if err := rank(e.Before, func(f *Figures, v float64) { f.BurdenBefore = v }); err != nil {
			return err
		}
	}
	end := last
	if today.Before(end) {
		end = today
	}
	if end.Before(e.Start) || end.Before(first) {
		return nil
	}
	from = end.AddDate(0, 0, -(burden.DefaultDays - 1))
	if from.Before(e.Start) {
		from = e.Start
	}
	e.After = burden.NewPeriod(cal, from, end)
	e.HasAfter = true
	return rank(e.After, func(f *Figures, v float64) { f.BurdenAfter = v })
}
