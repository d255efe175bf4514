package orgio

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/sheet"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// Options choose how Import treats a file. With ValidOnly, the rows that depend on a bad row are
// skipped too: people of a unit that failed, units under it.
type Options = sheet.Options

// Counts say what an import did, or would do, with the rows of one sheet.
type Counts = sheet.Counts

// Report is the outcome of Import.
type Report struct {
	DryRun  bool       `json:"dry_run"`
	Written bool       `json:"written"` // the changes were committed
	Units   Counts     `json:"units"`
	People  Counts     `json:"people"`
	Errors  []RowError `json:"errors"` // sorted by kind (units first), then row
}

var (
	// errRollback ends the transaction of a dry run, or of a file with errors, without it being
	// an error of Import.
	errRollback = errors.New("orgio: roll back")
	// errCareful ends a fast attempt at the first row org refuses; see Import.
	errCareful = store.ErrRetryCarefully
)

// Import checks the whole workbook and applies it as principal p in one transaction: units
// first, each parent before its children, then people. Rows are matched by code, so an
// existing code is updated (only if something differs) and a new code is created.
//
// The report is returned in every case but an internal failure. When rows have errors and
// opt.ValidOnly is not set, nothing is written and the error is errs.Invalid with every row
// problem in an errs.List; with opt.ValidOnly the valid rows are written and the error is nil.
// Header problems found while parsing always stop the import.
func Import(ctx context.Context, db *store.DB, p org.Principal, wb *Workbook, opt Options) (*Report, error) {
	if len(wb.Errors) > 0 {
		rep := newReport(wb, opt)
		rep.Errors = sortErrors(wb.Errors)
		return rep, rep.err()
	}
	// A row that org refuses must be undone alone, which takes a savepoint per row; on
	// PostgreSQL thousands of savepoints in one transaction cost more than the rows themselves.
	// So the import first runs without them and, at the first refusal, starts over with them.
	// Most files reach that point having shown their errors in a dry run, or never reach it.
	rep, err := importTx(ctx, db, p, wb, opt, false)
	if errors.Is(err, errCareful) {
		rep, err = importTx(ctx, db, p, wb, opt, true)
	}
	if err != nil {
		return nil, fmt.Errorf("orgio: import: %w", err)
	}
	if len(rep.Errors) > 0 && !opt.ValidOnly {
		return rep, rep.err()
	}
	return rep, nil
}

func newReport(wb *Workbook, opt Options) *Report {
	return &Report{DryRun: opt.DryRun, Units: Counts{Rows: len(wb.Units)}, People: Counts{Rows: len(wb.People)}}
}

// importTx is one attempt at the import in its own transaction. Without careful, it gives up
// with errCareful as soon as org refuses a row.
func importTx(ctx context.Context, db *store.DB, p org.Principal, wb *Workbook, opt Options, careful bool) (*Report, error) {
	rep := newReport(wb, opt)
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		ex, err := loadExisting(ctx, tx, p.Scope, wb)
		if err != nil {
			return err
		}
		im := &importer{ctx: ctx, tx: tx, p: p, ex: ex, plan: check(wb, ex), rep: rep, careful: careful}
		if err := im.applyUnits(); err != nil {
			return err
		}
		if err := im.applyPeople(); err != nil {
			return err
		}
		rep.Errors = sortErrors(im.plan.errors)
		rep.Units.Failed, rep.People.Failed = failedRows(rep.Errors, Units), failedRows(rep.Errors, People)
		if opt.DryRun || len(rep.Errors) > 0 && !opt.ValidOnly {
			return errRollback
		}
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		return nil, err
	}
	rep.Written = err == nil
	return rep, nil
}

// err is the report's problems as one errs.Invalid error carrying an errs.List.
func (r *Report) err() error {
	var l errs.List
	for _, e := range r.Errors {
		l.Add(e.Location(), e.Message)
	}
	return l.Err()
}

func sortErrors(in []RowError) []RowError {
	out := append([]RowError(nil), in...)
	rank := func(k Kind) int {
		if k == Units {
			return 0
		}
		return 1
	}
	sort.SliceStable(out, func(i, j int) bool {
		if a, b := rank(out[i].Kind), rank(out[j].Kind); a != b {
			return a < b
		}
		return out[i].Row < out[j].Row
	})
	return out
}

func failedRows(list []RowError, k Kind) int {
	rows := map[int]bool{}
	for _, e := range list {
		if e.Kind == k && e.Row > 0 {
			rows[e.Row] = true
		}
	}
	return len(rows)
}

// importer applies a checked plan inside one transaction.
type importer struct {
	ctx  context.Context
	tx   *sql.Tx
	p    org.Principal
	ex   *existing
	plan *plan
	rep  *Report
	// careful runs each row under its own savepoint, so that a refused row is undone alone.
	careful bool
}

func (im *importer) applyUnits() error {
	for _, i := range im.plan.order {
		it := &im.plan.units[i]
		if it.bad {
			continue
		}
		have, exists := im.ex.units[it.Code]
		if pc := it.ParentCode; pc != "" && !(exists && have.parentCode == pc) {
			if _, ok := im.ex.units[pc]; !ok {
				im.plan.failUnit(it, ColParentCode, "上级单位 "+pc+im.unitRowText(pc)+"未能导入,本行未处理")
				continue
			}
		}
		in := it.in
		if exists && it.keepSort {
			in.SortOrder = have.sortOrder
		}
		if exists && !unitChanged(in, have) {
			im.rep.Units.Unchanged++
			continue
		}
		var u org.Unit
		rowErr, err := im.run(func() (err error) {
			if exists {
				u, err = org.UpdateUnitTx(im.ctx, im.tx, im.p, have.id, in)
			} else {
				u, err = org.CreateUnitTx(im.ctx, im.tx, im.p, in)
			}
			return err
		})
		if err != nil {
			return err
		}
		if rowErr != nil {
			col := columnForField(Units, rowErr.Field)
			im.plan.failUnit(it, col, orgMessage(Units, rowErr))
			continue
		}
		im.ex.units[it.Code] = dbUnit{id: u.ID, name: u.Name, kind: u.Kind, parentCode: in.ParentCode, sortOrder: u.SortOrder}
		if exists {
			im.rep.Units.Updated++
		} else {
			im.rep.Units.Created++
		}
	}
	return nil
}

func (im *importer) applyPeople() error {
	for i := range im.plan.people {
		it := &im.plan.people[i]
		if it.bad {
			continue
		}
		if _, ok := im.ex.units[it.UnitCode]; !ok {
			im.plan.failPerson(it, ColPersonUnit, "所属单位 "+it.UnitCode+im.unitRowText(it.UnitCode)+"未能导入,本行未处理")
			continue
		}
		have, exists := im.ex.people[it.Code]
		in := it.in
		if exists && it.keepPost {
			in.Post = have.post
		}
		if exists && it.keepStatus {
			in.Status = have.status
		}
		if exists && !personChanged(in, have) {
			im.rep.People.Unchanged++
			continue
		}
		var x org.Person
		rowErr, err := im.run(func() (err error) {
			if exists {
				x, err = org.UpdatePersonTx(im.ctx, im.tx, im.p, have.id, in)
			} else {
				x, err = org.CreatePersonTx(im.ctx, im.tx, im.p, in)
			}
			return err
		})
		if err != nil {
			return err
		}
		if rowErr != nil {
			im.plan.failPerson(it, columnForField(People, rowErr.Field), orgMessage(People, rowErr))
			continue
		}
		left := ""
		if x.LeftOn != nil {
			left = x.LeftOn.Format("2006-01-02")
		}
		im.ex.people[it.Code] = dbPerson{id: x.ID, name: x.Name, unitCode: x.UnitCode, post: x.Post, status: x.Status, leftOn: left}
		if exists {
			im.rep.People.Updated++
		} else {
			im.rep.People.Created++
		}
	}
	return nil
}

// unitRowText names the units row a code came from, for messages about rows that depend on it.
func (im *importer) unitRowText(code string) string {
	if i, ok := im.plan.byCode[code]; ok {
		return fmt.Sprintf("(单位表第 %d 行)", im.plan.units[i].Row)
	}
	return " "
}

func unitChanged(in org.UnitInput, have dbUnit) bool {
	return in.Name != have.name || in.Kind != have.kind || in.ParentCode != have.parentCode || in.SortOrder != have.sortOrder
}

func personChanged(in org.PersonInput, have dbPerson) bool {
	if in.Name != have.name || in.UnitCode != have.unitCode || in.Post != have.post || in.Status != have.status {
		return true
	}
	if in.Status == org.Left {
		// An empty date keeps the stored one (org does the same).
		return in.LeftOn != "" && in.LeftOn != have.leftOn
	}
	return have.leftOn != ""
}

// run applies one row's change; see store.RowStep.
func (im *importer) run(fn func() error) (*errs.Error, error) {
	return store.RowStep(im.ctx, im.tx, im.careful, fn)
}

// orgMessage is the text of an org error as a row error.
func orgMessage(k Kind, e *errs.Error) string {
	if e.Kind == errs.Forbidden {
		return "您没有修改" + k.Label() + "的权限"
	}
	return e.Msg
}
