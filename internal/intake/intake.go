// Package intake is the approval (立项审核) of new government apps and the filing (备案) of new
// public accounts and work groups (APP-INTAKE, APP-LEVEL, ACC-DUP, GRP-DUP).
//
// A request creates its asset in the catalog in 申请中 and carries the applicant's answers to the
// five checks of APP-INTAKE. Before anyone approves, the system searches the inventory for
// similar assets itself and keeps what it found (score and evidence) with the request, so that
// every approver sees what the applicant saw. Apps pass three steps (unit → lead department →
// office); accounts and groups, a lighter filing, two (unit → lead department). Each step may
// approve, return the request to the applicant for changes, or reject it; the last approval makes
// the asset 在用, a rejection or the applicant's withdrawal makes it 未通过.
//
// Every action runs in one transaction with the catalog change and the audit entry it implies,
// and is kept in the request's timeline (intake_reviews). Queries are scoped by the asset's
// owning unit like the catalog; the one deliberate exception is the duplicate search for apps,
// which looks across the whole bureau (see Similar).
package intake

import (
	"sync"
	"time"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// Service is the intake workflow. The zero value with DB set is ready to use; it keeps the
// similarity index of the bureau's apps cached between calls, so one Service should live as long
// as the process.
type Service struct {
	DB *store.DB
	// Now is the clock (UTC). Nil means time.Now; tests set it to move across a year boundary,
	// which is what the yearly quota counts by.
	Now func() time.Time

	mu   sync.Mutex
	apps *appCache
}

// New returns a Service on db.
func New(db *store.DB) *Service { return &Service{DB: db} }

func (s *Service) now() time.Time {
	t := time.Now()
	if s.Now != nil {
		t = s.Now()
	}
	return t.UTC().Truncate(time.Microsecond)
}

// Step is where a request is.
type Step string

// The steps. Unit, Lead and Office are open (someone must act); the others are where a request
// rests: Returned waits for the applicant, Approved, Rejected and Withdrawn are final.
const (
	StepUnit      Step = "unit"      // 单位审核
	StepLead      Step = "lead"      // 牵头处室审核
	StepOffice    Step = "office"    // 办公室审批
	StepReturned  Step = "returned"  // 退回修改
	StepApproved  Step = "approved"  // 已通过 / 已备案
	StepRejected  Step = "rejected"  // 未通过
	StepWithdrawn Step = "withdrawn" // 已撤回
)

// AllSteps lists every step, open ones first, for filters.
var AllSteps = []Step{StepUnit, StepLead, StepOffice, StepReturned, StepApproved, StepRejected, StepWithdrawn}

// Steps lists the review steps a request of kind k passes, in order: apps need the office's
// approval, a filing (account, group) ends with the lead department.
func Steps(k catalog.Kind) []Step {
	if k == catalog.App {
		return []Step{StepUnit, StepLead, StepOffice}
	}
	return []Step{StepUnit, StepLead}
}

// Open reports whether someone must still review a request at this step.
func (s Step) Open() bool { return s == StepUnit || s == StepLead || s == StepOffice }

// Final reports whether the request is decided for good.
func (s Step) Final() bool { return s == StepApproved || s == StepRejected || s == StepWithdrawn }

// Label is the step's Chinese name for a request of kind k (a filing is 已备案 when approved).
func (s Step) Label(k catalog.Kind) string {
	if s == StepApproved && k != catalog.App {
		return "已备案"
	}
	return map[Step]string{StepUnit: "单位审核", StepLead: "牵头处室审核", StepOffice: "办公室审批", StepReturned: "退回修改",
		StepApproved: "已通过", StepRejected: "未通过", StepWithdrawn: "已撤回"}[s]
}

// ParseStep accepts a step code or its Chinese name.
func ParseStep(v string) (Step, bool) {
	for _, s := range AllSteps {
		if v == string(s) || v == s.Label(catalog.App) || v == s.Label(catalog.Group) {
			return s, true
		}
	}
	return "", false
}

// next is the step after s for kind k: the next review step, or Approved after the last.
func next(k catalog.Kind, s Step) Step {
	steps := Steps(k)
	for i, x := range steps {
		if x == s && i+1 < len(steps) {
			return steps[i+1]
		}
	}
	return StepApproved
}

// Action is an entry of a request's timeline.
type Action string

// The actions. Approve, Return and Reject are a reviewer's decisions; the others are the
// applicant's.
const (
	ActSubmit   Action = "submit"   // 提交
	ActResubmit Action = "resubmit" // 修改后重新提交
	ActApprove  Action = "approve"  // 同意
	ActReturn   Action = "return"   // 退回修改
	ActReject   Action = "reject"   // 不同意
	ActWithdraw Action = "withdraw" // 撤回
)

// Label is the action's Chinese name.
func (a Action) Label() string {
	return map[Action]string{ActSubmit: "提交申请", ActResubmit: "修改后重新提交", ActApprove: "同意", ActReturn: "退回修改",
		ActReject: "不同意", ActWithdraw: "撤回申请"}[a]
}

// Request is one intake or filing request with the asset it is about.
type Request struct {
	ID              int64          `json:"id"`
	AssetID         int64          `json:"asset_id"`
	Kind            catalog.Kind   `json:"kind"`
	AssetCode       string         `json:"asset_code"`
	AssetName       string         `json:"asset_name"`
	Platform        string         `json:"platform"`
	UnitID          int64          `json:"unit_id"`
	UnitName        string         `json:"unit_name"`
	AssetStatus     catalog.Status `json:"asset_status"`
	Step            Step           `json:"step"`
	Round           int            `json:"round"` // 1 for the first submission, +1 for each resubmission
	ApplicantUserID int64          `json:"applicant_user_id,omitempty"`
	ApplicantName   string         `json:"applicant_name"`
	Answers         Answers        `json:"answers"`
	Flagged         bool           `json:"flagged"`   // a match is a likely duplicate (疑似重复): a human must judge it
	TopScore        float64        `json:"top_score"` // the best match's score, 0 when none
	Year            int            `json:"year"`      // the calendar year (China time) the quota counts it in
	SubmittedAt     time.Time      `json:"submitted_at"`
	CreatedAt       time.Time      `json:"created_at"`
	UpdatedAt       time.Time      `json:"updated_at"`

	// Filled by Get only.
	Asset   *catalog.Asset `json:"asset,omitempty"`
	Reviews []Review       `json:"reviews,omitempty"` // oldest first
	Matches []Match        `json:"matches,omitempty"` // as found at the last (re)submission, best first
	// Actions are what the caller may do now (approve/return/reject for a reviewer at this step;
	// resubmit/withdraw for the applicant), so pages show only the buttons that will work.
	Actions []Action `json:"actions,omitempty"`
}

// StepLabel is the request's step in Chinese.
func (r Request) StepLabel() string { return r.Step.Label(r.Kind) }

// Can reports whether a is among the caller's actions (as Get computed them).
func (r Request) Can(a Action) bool {
	for _, x := range r.Actions {
		if x == a {
			return true
		}
	}
	return false
}

// Review is one entry of a request's timeline: who did what at which step, with the comment.
type Review struct {
	ID             int64     `json:"id"`
	Round          int       `json:"round"`
	Step           Step      `json:"step"` // the step the request was at when the action was taken
	Action         Action    `json:"action"`
	Comment        string    `json:"comment,omitempty"`
	ReviewerUserID int64     `json:"reviewer_user_id,omitempty"`
	ReviewerName   string    `json:"reviewer_name"`
	At             time.Time `json:"at"`
}
