// Package filing turns what supervision found into rectification ledger items (整改台账): a
// failed checklist item of an inspection (抽查 or 检查) or a problem a unit listed in its campaign
// 自查报告. Each is filed once: the ledger item and the mark on the source record are written in
// one transaction, so that two users filing the same thing at the same moment get one item and a
// conflict, never an item without its mark or a mark without its item.
//
// The web pages and the JSON API both file through here. Each kind has a Find step (the record
// in the caller's scope, refused with errs.Conflict, naming the ledger number, when filed already)
// and a File step (the item and the mark), so that a form may ask for what is missing between the
// two (the web asks for a 工号 only when the asset has no accountable person); InspectionFailure
// and SelfCheckProblem run both. Roles and scope are checked by inspect, campaign and rectify
// with the caller's org.Principal.
package filing

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/campaign"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/inspect"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/rectify"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// DefaultWorkdays is the deadline, in working days, of an item filed without one.
const DefaultWorkdays = 10

// Options are what the filer adds to what the source record says.
type Options struct {
	// ResponsiblePersonID is the person answerable for the fix. For an inspection failure it
	// may be left 0 to take the asset's accountable person; a 自查 problem has no such default.
	ResponsiblePersonID int64
	// Workdays is the deadline in working days from today; 0 means DefaultWorkdays.
	Workdays int
}

// workdays checks the deadline before any transaction starts; rectify checks it again.
func (o Options) workdays() (int, error) {
	switch {
	case o.Workdays == 0:
		return DefaultWorkdays, nil
	case o.Workdays < 0 || o.Workdays > rectify.MaxWorkdays:
		return 0, errs.Field("deadline_workdays", fmt.Sprintf("整改时限应为 1 至 %d 个工作日", rectify.MaxWorkdays))
	}
	return o.Workdays, nil
}

// title makes a ledger title of free text: one line, at most rectify.MaxTitle characters (a
// checklist item may be longer than a ledger title).
func title(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > rectify.MaxTitle {
		s = string([]rune(s)[:rectify.MaxTitle-1]) + "…"
	}
	return s
}

// InspectionFailure files the failed result resultID of plan planID: FindInspectionFailure, then
// FileInspectionFailure.
func InspectionFailure(ctx context.Context, db *store.DB, p org.Principal, planID, resultID int64, o Options) (rectify.Item, error) {
	f, err := FindInspectionFailure(ctx, db, p, planID, resultID)
	if err != nil {
		return rectify.Item{}, err
	}
	return FileInspectionFailure(ctx, db, p, f, o)
}

// FindInspectionFailure returns the failed result resultID of plan planID, which must be in the
// caller's scope; a result that is not a failure of that plan is not found, and one filed
// already is a conflict naming its ledger number.
func FindInspectionFailure(ctx context.Context, db *store.DB, p org.Principal, planID, resultID int64) (inspect.FailedItem, error) {
	// The plan in the caller's scope first: FailedItems takes no principal.
	if _, err := inspect.GetPlan(ctx, db, p, planID); err != nil {
		return inspect.FailedItem{}, err
	}
	failed, err := inspect.FailedItems(ctx, db, planID)
	if err != nil {
		return inspect.FailedItem{}, err
	}
	for _, f := range failed {
		if f.ResultID != resultID {
			continue
		}
		if f.LedgerRef != "" {
			return f, errs.E(errs.Conflict, "该问题已转入整改台账("+f.LedgerRef+"),不能重复转入")
		}
		return f, nil
	}
	return inspect.FailedItem{}, errs.E(errs.NotFound, "该计划中没有这一项不符合的检查结果")
}

// FileInspectionFailure makes a ledger item of f, as FindInspectionFailure returned it: source
// 抽查 or 检查 by the plan's kind, the asset's unit and the asset, the checklist item as title,
// the inspector's note with where it was found as description, and o.ResponsiblePersonID or else
// the asset's accountable person as responsible. The result is marked filed in the same
// transaction (inspect.MarkFiled), which refuses a second filing.
func FileInspectionFailure(ctx context.Context, db *store.DB, p org.Principal, f inspect.FailedItem, o Options) (rectify.Item, error) {
	days, err := o.workdays()
	if err != nil {
		return rectify.Item{}, err
	}
	person := o.ResponsiblePersonID
	if person == 0 {
		person = f.OwnerID
	}
	if person == 0 {
		return rectify.Item{}, errs.Field("responsible_person_id", "资产“"+f.AssetName+"”没有登记责任人,请指定整改责任人")
	}
	source := rectify.SourceInspection
	if f.PlanKind == inspect.SpotCheck {
		source = rectify.SourceSpotCheck
	}
	desc := f.Note + "\n\n" + fmt.Sprintf("(%s“%s”,检查对象 %s %s,检查事项 %s,检查员 %s)",
		f.PlanKind.Label(), f.PlanName, f.AssetCode, f.AssetName, f.ItemCode, f.Inspector)
	in := rectify.Input{Source: source, UnitID: f.UnitID, AssetID: f.AssetID, Title: title(f.ItemText), Description: desc,
		ResponsiblePersonID: person, DeadlineWorkdays: days}
	var item rectify.Item
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if item, err = rectify.CreateTx(ctx, tx, p, in); err != nil {
			return err
		}
		return inspect.MarkFiled(ctx, tx, f.ResultID, item.Number)
	})
	if err != nil {
		return rectify.Item{}, fmt.Errorf("filing: result %d: %w", f.ResultID, err)
	}
	return item, nil
}

// SelfCheck is a 自查 problem with the submission and campaign it came from, as
// FindSelfCheckProblem found it.
type SelfCheck struct {
	Campaign   campaign.Campaign
	Submission campaign.Submission
	Problem    campaign.Problem
}

// SelfCheckProblem files problem problemID of submission submissionID of campaign campaignID:
// FindSelfCheckProblem, then FileSelfCheckProblem.
func SelfCheckProblem(ctx context.Context, db *store.DB, p org.Principal, campaignID, submissionID, problemID int64, o Options) (rectify.Item, error) {
	sc, err := FindSelfCheckProblem(ctx, db, p, campaignID, submissionID, problemID)
	if err != nil {
		return rectify.Item{}, err
	}
	return FileSelfCheckProblem(ctx, db, p, sc, o)
}

// requireManager: those who run the campaign (campaign.Manager) decide what becomes a ledger item.
func requireManager(p org.Principal) error {
	if campaign.Manager(p) {
		return nil
	}
	return errs.E(errs.Forbidden, "只有领导小组办公室或系统管理员可以将问题纳入整改台账")
}

// FindSelfCheckProblem returns a problem of a 自查报告 with its submission and campaign. The
// caller must run campaigns (the office or an administrator); the campaign, the submission
// (of a task of that campaign) and so the problem must be in the caller's scope. A problem filed
// already is a conflict naming its ledger number.
func FindSelfCheckProblem(ctx context.Context, db *store.DB, p org.Principal, campaignID, submissionID, problemID int64) (SelfCheck, error) {
	if err := requireManager(p); err != nil {
		return SelfCheck{}, err
	}
	st := campaign.New(db)
	c, err := st.Get(ctx, p, campaignID)
	if err != nil {
		return SelfCheck{}, err
	}
	sub, err := st.Submission(ctx, p, submissionID)
	if err != nil {
		return SelfCheck{}, err
	}
	t, err := st.Task(ctx, p, sub.TaskID)
	if err != nil {
		return SelfCheck{}, err
	}
	if t.CampaignID != c.ID {
		return SelfCheck{}, errs.E(errs.NotFound, "报送记录不存在或不在您的管辖范围内")
	}
	problems, err := campaign.SelfCheckProblems(ctx, db, p, sub.ID)
	if err != nil {
		return SelfCheck{}, err
	}
	for _, pr := range problems {
		if pr.ID != problemID {
			continue
		}
		sc := SelfCheck{Campaign: c, Submission: sub, Problem: pr}
		if pr.LedgerRef != "" {
			return sc, errs.E(errs.Conflict, "该问题已纳入整改台账("+pr.LedgerRef+"),不能重复纳入")
		}
		return sc, nil
	}
	return SelfCheck{}, errs.E(errs.NotFound, "问题不存在或不在您的管辖范围内")
}

// FileSelfCheckProblem makes a ledger item of sc, as FindSelfCheckProblem returned it: source
// 自查, the submitting unit, the problem's title (campaign keeps it to one short line),
// description and measures, with the asset code and the campaign noted in the description, and
// o.ResponsiblePersonID (required) as responsible. The problem is marked filed in the same
// transaction (campaign.MarkProblemFiled), which refuses a second filing.
func FileSelfCheckProblem(ctx context.Context, db *store.DB, p org.Principal, sc SelfCheck, o Options) (rectify.Item, error) {
	if err := requireManager(p); err != nil {
		return rectify.Item{}, err
	}
	days, err := o.workdays()
	if err != nil {
		return rectify.Item{}, err
	}
	if o.ResponsiblePersonID == 0 {
		return rectify.Item{}, errs.Field("responsible_person_id", "请指定整改责任人")
	}
	pr := sc.Problem
	desc := pr.Description
	if pr.AssetCode != "" {
		desc += "\n相关资产:" + pr.AssetCode
	}
	desc += fmt.Sprintf("\n来源:%s 自查报告(%s)", sc.Campaign.Name, sc.Submission.UnitName)
	in := rectify.Input{Source: rectify.SourceSelfCheck, UnitID: sc.Submission.UnitID, Title: pr.Title, Description: desc,
		Measures: pr.Measures, ResponsiblePersonID: o.ResponsiblePersonID, DeadlineWorkdays: days}
	var item rectify.Item
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if item, err = rectify.CreateTx(ctx, tx, p, in); err != nil {
			return err
		}
		return campaign.MarkProblemFiled(ctx, tx, p, pr.ID, item.Number)
	})
	if err != nil {
		return rectify.Item{}, fmt.Errorf("filing: problem %d: %w", pr.ID, err)
	}
	return item, nil
}
