// Package rectify is the rectification ledger (整改台账): every problem a unit must fix, from
// whatever found it (自查, 检查, 体检, 抽查, 评价/差评, 举报), with the unit and person answerable
// for it, the measures, a deadline in working days, and the record of how it was fixed, accepted
// and, when late, escalated.
//
// # Status
//
// An item moves pending (待整改) → in_progress (整改中) → review (待验收) → closed (已销号); a
// verifier may send an item under review back to in_progress with a reason (驳回). Overdue (逾期)
// is derived, never stored: an item is overdue when it is not closed and its deadline is before
// today (Shanghai). Every change writes a history row and an audit entry in the transaction that
// makes it, so a change and its record exist together or not at all.
//
// Items are numbered ZG-<year>-<nnnn> (the year of creation in Shanghai) from a per-year counter
// taken in the creating transaction. A deadline is given either as a number of working days from
// today, by the calendar package, or as a date; a date before today is refused, except on import
// (an existing 台账 carries items already overdue).
//
// # Who may do what
//
// org has no ledger permissions of its own yet, so this package decides by role (and scope):
//
//   - read: anyone with org.PermCatalogRead (every role but frontline staff);
//   - record items, report progress, submit for acceptance, comment, attach evidence: admin,
//     office, lead, liaison and inspector (inspectors record what their inspections find);
//   - accept (验收销号), reject, and record accountability: admin, office, lead and inspector,
//     the roles that supervise rather than fix. Acceptance is four-eyes: the user who submitted
//     the fix (fixed_by) may not accept it.
//
// Every read and change is limited to items whose responsible unit lies in the caller's scope;
// outside it an item does not exist (errs.NotFound), and lists and counts leave it out in SQL.
//
// # Escalation
//
// Escalate runs a ladder of steps over overdue items, measured in working days overdue: the
// first working day after the deadline is day 0. It acts only on working days, since reminders
// must not arrive on rest days (DESIGN.md, principle 1); a step that fell due on a holiday fires
// on the next working day. Each step fires once per item: it is claimed by a conditional UPDATE
// of escalation_level, which makes concurrent runs (several instances) safe. The unit head
// reminded at the second default step is whoever holds the liaison role with its scope at the
// item's unit, or, if nobody does, at the nearest ancestor unit that has one.
//
// # Spreadsheets
//
// ExportXLSX writes the bureau's usual 台账 columns (序号, 问题来源, 问题描述, 责任单位, 责任人,
// 整改措施, 整改时限, 整改进展, 完成情况, then 编号 and 状态). ImportXLSX reads the same columns,
// checks every row before writing any, and writes all rows in one transaction or none; rows are
// matched by 编号, so importing a file twice adds nothing the second time. 问题描述 carries the
// title on its first line and the description below it; 责任人 is written 姓名(工号).
package rectify
