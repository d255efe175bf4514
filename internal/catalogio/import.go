package catalogio

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/sheet"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// Options choose how Import treats a file. With ValidOnly, the rows that depend on a bad row are
// skipped too: the members of a group that failed, and the whole member list of a group with a
// bad member row, since a partial list would remove the member it left out.
type Options = sheet.Options

// Counts say what an import did, or would do, with the rows of one sheet.
type Counts = sheet.Counts

// MemberCounts say what an import did with the member sheet. A row is Created when it adds a
// member to a group, Updated when it changes a member's role, Unchanged otherwise. Lists counts
// the groups whose member list was replaced; Removed the members those lists no longer hold.
type MemberCounts struct {
	Counts
	Lists          int `json:"lists"`
	ListsUnchanged int `json:"lists_unchanged"`
	Removed        int `json:"removed"`
}

// Report is the outcome of Import.
type Report struct {
	DryRun   bool         `json:"dry_run"`
	Written  bool         `json:"written"` // the changes were committed
	Apps     Counts       `json:"apps"`
	Accounts Counts       `json:"accounts"`
	Groups   Counts       `json:"groups"`
	Members  MemberCounts `json:"members"`
	Errors   []RowError   `json:"errors"` // sorted by sheet (应用, 公众号, 群组, 群成员), then row
}

// Sheet returns the counts of sheet s.
func (r *Report) Sheet(s Sheet) Counts { return *r.counts(s) }

func (r *Report) counts(s Sheet) *Counts {
	switch s {
	case Apps:
		return &r.Apps
	case Accounts:
		return &r.Accounts
	case Groups:
		return &r.Groups
	}
	return &r.Members.Counts
}

var (
	// errRollback ends the transaction of a dry run, or of a file with errors, without it being
	// an error of Import.
	errRollback = errors.New("catalogio: roll back")
	// errCareful ends a fast attempt at the first row catalog refuses; see Import.
	errCareful = store.ErrRetryCarefully
)

// Import checks the whole workbook and applies it as principal p in one transaction: apps,
// accounts and groups through catalog (which checks them again, enforces p's scope and audits
// each change), then the member lists. Assets are matched by code: a stored code is updated if
// something differs and left alone otherwise, a new code is created. Statuses are never changed
// by an import.
//
// The report is returned in every case but an internal failure. When rows have errors and
// opt.ValidOnly is not set, nothing is written and the error is errs.Invalid with every row
// problem in an errs.List; with opt.ValidOnly the valid rows are written and the error is nil.
// Header problems found while parsing always stop the import.
func Import(ctx context.Context, db *store.DB, p org.Principal, wb *Workbook, opt Options) (*Report, error) {
	if wb == nil {
		return nil, errs.E(errs.Invalid, "没有要导入的文件")
	}
	if len(wb.Errors) > 0 {
		rep := newReport(wb, opt)
		rep.Errors = sortErrors(wb.Errors)
		return rep, rep.err()
	}
	// A row that catalog refuses must be undone alone, which takes a savepoint per row; on
	// PostgreSQL thousands of savepoints in one transaction cost more than the rows themselves.
	// So the import first runs without them and, at the first refusal, starts over with them.
	// The checks here find nearly everything catalog would refuse, so that is rare.
	rep, err := importTx(ctx, db, p, wb, opt, false)
	if errors.Is(err, errCareful) {
		rep, err = importTx(ctx, db, p, wb, opt, true)
	}
	if err != nil {
		return nil, fmt.Errorf("catalogio: import: %w", err)
	}
	if len(rep.Errors) > 0 && !opt.ValidOnly {
		return rep, rep.err()
	}
	// A large first import changes the tables' shape far more than autovacuum notices at once.
	if rep.Written && rep.Apps.Created+rep.Accounts.Created+rep.Groups.Created+rep.Members.Created > 1000 {
		if err := db.Analyze(ctx); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

func newReport(wb *Workbook, opt Options) *Report {
	rep := &Report{DryRun: opt.DryRun}
	for _, s := range assetSheets {
		rep.counts(s).Rows = len(wb.Assets(s))
	}
	rep.Members.Rows = len(wb.Members)
	return rep
}

// importTx is one attempt at the import in its own transaction. Without careful, it gives up
// with errCareful as soon as catalog refuses a row.
func importTx(ctx context.Context, db *store.DB, p org.Principal, wb *Workbook, opt Options, careful bool) (*Report, error) {
	rep := newReport(wb, opt)
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		ex, err := loadExisting(ctx, tx, p, wb)
		if err != nil {
			return err
		}
		im := &importer{ctx: ctx, tx: tx, engine: db.Engine, p: p, ex: ex, plan: check(wb, ex), rep: rep, careful: careful}
		if err := im.applyAssets(); err != nil {
			return err
		}
		if err := im.applyMembers(); err != nil {
			return err
		}
		rep.Errors = sortErrors(im.plan.errors)
		for _, s := range Sheets {
			rep.counts(s).Failed = failedRows(rep.Errors, s)
		}
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
	rank := map[Sheet]int{}
	for i, s := range Sheets {
		rank[s] = i
	}
	sort.SliceStable(out, func(i, j int) bool {
		if a, b := rank[out[i].Sheet], rank[out[j].Sheet]; a != b {
			return a < b
		}
		return out[i].Row < out[j].Row
	})
	return out
}

func failedRows(list []RowError, s Sheet) int {
	rows := map[int]bool{}
	for _, e := range list {
		if e.Sheet == s && e.Row > 0 {
			rows[e.Row] = true
		}
	}
	return len(rows)
}

// importer applies a checked plan inside one transaction.
type importer struct {
	ctx    context.Context
	tx     *sql.Tx
	engine store.Engine
	p      org.Principal
	ex     *existing
	plan   *plan
	rep    *Report
	// careful runs each row under its own savepoint, so that a refused row is undone alone.
	careful bool
}

func (im *importer) applyAssets() error {
	for i := range im.plan.assets {
		it := &im.plan.assets[i]
		if it.bad {
			continue
		}
		c := im.rep.counts(it.sheet)
		have := it.have
		if have != nil {
			diff := changed(it.sheet, &it.in, &have.in)
			if diff == "" {
				c.Unchanged++
				continue
			}
			if !have.status.Live() && have.status != catalog.Applying {
				// catalog.UpdateTx refuses this too; said here, the message can name the column.
				im.plan.failAsset(it, diff, "该"+it.sheet.Label()+"已是“"+have.status.Label(it.sheet.Kind())+
					"”状态,不能再修改;导入时请保持此行与系统一致(“"+diff+"”不同)")
				continue
			}
		}
		var a catalog.Asset
		rowErr, err := im.run(func() (err error) {
			if have != nil {
				a, err = catalog.UpdateTx(im.ctx, im.tx, im.p, have.id, it.in)
			} else {
				a, err = catalog.CreateTx(im.ctx, im.tx, im.p, it.in)
			}
			return err
		})
		if err != nil {
			return err
		}
		if rowErr != nil {
			im.plan.failAsset(it, columnForField(it.sheet, rowErr.Field), catalogMessage(rowErr))
			continue
		}
		stored := &dbAsset{id: a.ID, status: a.Status, owner: a.OwnerPersonID, in: it.in, row: it.Row}
		if have != nil {
			stored.members = have.members
			c.Updated++
		} else {
			c.Created++
		}
		im.ex.assets[it.in.Code] = stored
	}
	return nil
}

// changed names the first column in which an input differs from the stored asset, or returns
// "". Fields are compared in their exported form, which is normalised (lists cleaned, platforms
// and features in catalog's spelling, dates as YYYY-MM-DD), so a row that only looks different
// (3.0 for 3, 2024/3/1 for 2024-03-01, a line break written as CR LF) is not an update.
func changed(s Sheet, in, have *catalog.Input) string {
	for _, col := range columns[s] {
		if col.get == nil {
			continue
		}
		if newlines.Replace(col.get(in)) != newlines.Replace(col.get(have)) {
			return col.name
		}
	}
	return ""
}

var newlines = strings.NewReplacer("\r\n", "\n", "\r", "\n")

// run applies one row's change; see store.RowStep.
func (im *importer) run(fn func() error) (*errs.Error, error) {
	return store.RowStep(im.ctx, im.tx, im.careful, fn)
}

// catalogMessage is the text of a catalog error as a row error.
func catalogMessage(e *errs.Error) string {
	if e.Kind == errs.Forbidden {
		return "您没有修改清单的权限"
	}
	return e.Msg
}
