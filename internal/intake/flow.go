package intake

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// Submit files a new asset for approval: it creates the asset in 申请中 (catalog.CreateTx, in the
// caller's scope), sets a group's members, applies APP-LEVEL and the yearly quota to apps,
// searches for similar assets and keeps what it found with the request, which starts at the unit
// step. Apps must answer the five checks; filings of accounts and groups answer none (answers
// given for them are dropped). members are for groups only.
//
// A likely duplicate does not stop the submission (a human decides) but flags the request; the
// returned request carries the matches, so the applicant sees them at once.
func (s *Service) Submit(ctx context.Context, p org.Principal, in catalog.Input, a Answers, members []catalog.MemberInput) (*Request, error) {
	if err := p.Require(org.PermCatalogWrite); err != nil {
		return nil, err
	}
	k, err := catalog.ParseKind(string(in.Kind))
	if err != nil {
		return nil, err
	}
	in.Kind, in.Status = k, catalog.Applying
	if err := prepare(k, &a, members); err != nil {
		return nil, err
	}
	now := s.now()
	year := now.In(tz.Shanghai).Year()
	if err := s.warm(ctx, k); err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if k == catalog.App {
			if err := lockQuota(ctx, tx, in.UnitID, in.UnitCode); err != nil {
				return err
			}
		}
		c, err := loadConfig(ctx, tx)
		if err != nil {
			return err
		}
		asset, err := catalog.CreateTx(ctx, tx, p, in)
		if err != nil {
			return err
		}
		if k == catalog.Group && len(members) > 0 {
			if _, err := catalog.SetMembersTx(ctx, tx, p, asset.ID, members); err != nil {
				return err
			}
		}
		if k == catalog.App {
			if err := checkApp(ctx, tx, c, asset.UnitID, year, 0); err != nil {
				return err
			}
		}
		ms, err := s.check(ctx, tx, asset.ID, a, c)
		if err != nil {
			return err
		}
		flagged, top := summary(ms)
		err = tx.QueryRowContext(ctx, `INSERT INTO intake_requests (asset_id, kind, applicant_user_id, applicant_name, fits_plan, not_duplicate,
			not_module, can_share, data_rules, step, round, flagged, top_score, quota_year, submitted_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'unit', 1, $10, $11, $12, $13, $13, $13) RETURNING id`,
			asset.ID, string(k), store.NullID(p.UserID), p.Name, a.FitsPlan, a.NotDuplicate, a.NotModule, a.CanShare, a.DataRules,
			flagged, top, year, now).Scan(&id)
		if err != nil {
			return fmt.Errorf("intake: insert request: %w", err)
		}
		if err := saveMatches(ctx, tx, id, ms); err != nil {
			return err
		}
		if err := addReview(ctx, tx, p, id, 1, StepUnit, ActSubmit, "", now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "intake.submit", "intake_request", fmt.Sprint(id), nil,
			map[string]any{"asset_id": asset.ID, "kind": k, "step": StepUnit, "round": 1, "answers": a, "flagged": flagged, "top_score": top,
				"matches": matchIDs(ms)})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

// Resubmit sends a returned request back to the unit step as its next round. in, when not nil,
// replaces the asset's fields (catalog.UpdateTx); members, when not nil, a group's member list.
// The answers are given again in full. The checks and the duplicate search run again, and the
// new matches replace the old snapshot. Only the applicant may resubmit.
func (s *Service) Resubmit(ctx context.Context, p org.Principal, id int64, in *catalog.Input, a Answers, members []catalog.MemberInput) (*Request, error) {
	if err := p.Require(org.PermCatalogWrite); err != nil {
		return nil, err
	}
	if err := s.warm(ctx, catalog.App); err != nil {
		return nil, err
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		r, err := lockAndLoad(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !applicant(p, r) {
			return errs.E(errs.Forbidden, "只有申请人可以修改并重新提交")
		}
		if r.Step != StepReturned {
			return errs.E(errs.Conflict, "申请当前为“"+r.StepLabel()+"”,只有退回修改的申请可以重新提交")
		}
		if r.AssetStatus != catalog.Applying {
			return errs.E(errs.Conflict, "该"+r.Kind.Short()+"已不在申请中(当前“"+r.AssetStatus.Label(r.Kind)+"”),请撤回本申请")
		}
		if err := prepare(r.Kind, &a, members); err != nil {
			return err
		}
		if r.Kind == catalog.App {
			unitID, code := r.UnitID, ""
			if in != nil {
				unitID, code = in.UnitID, in.UnitCode
			}
			if err := lockQuota(ctx, tx, unitID, code); err != nil {
				return err
			}
		}
		c, err := loadConfig(ctx, tx)
		if err != nil {
			return err
		}
		if in != nil {
			if _, err := catalog.UpdateTx(ctx, tx, p, r.AssetID, *in); err != nil {
				return err
			}
		}
		if r.Kind == catalog.Group && members != nil {
			if _, err := catalog.SetMembersTx(ctx, tx, p, r.AssetID, members); err != nil {
				return err
			}
		}
		var unitID int64
		if err := tx.QueryRowContext(ctx, `SELECT unit_id FROM assets WHERE id = $1`, r.AssetID).Scan(&unitID); err != nil {
			return fmt.Errorf("intake: read asset: %w", err)
		}
		if r.Kind == catalog.App {
			if err := checkApp(ctx, tx, c, unitID, r.Year, r.ID); err != nil {
				return err
			}
		}
		ms, err := s.check(ctx, tx, r.AssetID, a, c)
		if err != nil {
			return err
		}
		flagged, top := summary(ms)
		now := s.now()
		res, err := tx.ExecContext(ctx, `UPDATE intake_requests SET fits_plan = $1, not_duplicate = $2, not_module = $3, can_share = $4, data_rules = $5,
			step = 'unit', round = round + 1, flagged = $6, top_score = $7, submitted_at = $8, updated_at = $8
			WHERE id = $9 AND step = 'returned' AND round = $10`,
			a.FitsPlan, a.NotDuplicate, a.NotModule, a.CanShare, a.DataRules, flagged, top, now, r.ID, r.Round)
		if err := moved(res, err); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM intake_matches WHERE request_id = $1`, r.ID); err != nil {
			return fmt.Errorf("intake: clear matches: %w", err)
		}
		if err := saveMatches(ctx, tx, r.ID, ms); err != nil {
			return err
		}
		if err := addReview(ctx, tx, p, r.ID, r.Round+1, StepUnit, ActResubmit, "", now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "intake.resubmit", "intake_request", fmt.Sprint(r.ID),
			map[string]any{"step": r.Step, "round": r.Round, "answers": r.Answers, "flagged": r.Flagged, "top_score": r.TopScore},
			map[string]any{"step": StepUnit, "round": r.Round + 1, "answers": a, "flagged": flagged, "top_score": top, "matches": matchIDs(ms)})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

// warm brings the app index up to date before a write transaction opens, so that a rebuild
// (reading every app and indexing them, about a tenth of a second for a thousand apps) never
// runs while the transaction holds the write lock.
func (s *Service) warm(ctx context.Context, k catalog.Kind) error {
	if k != catalog.App {
		return nil
	}
	_, err := s.appIndex(ctx)
	return err
}

// prepare checks what does not need the database: the answers of an app (and drops those of a
// filing), and that only groups list members.
func prepare(k catalog.Kind, a *Answers, members []catalog.MemberInput) error {
	if k != catalog.Group && len(members) > 0 {
		return errs.Field("members", "只有工作群组需要填写成员")
	}
	if k != catalog.App {
		*a = Answers{}
		return nil
	}
	return a.check()
}

// check runs the duplicate search for a stored asset and marks the matches the answers address.
func (s *Service) check(ctx context.Context, tx store.Querier, assetID int64, a Answers, c config) ([]Match, error) {
	pr, err := assetProbe(ctx, tx, assetID)
	if err != nil {
		return nil, err
	}
	ms, err := s.search(ctx, tx, pr, c)
	if err != nil {
		return nil, err
	}
	for i := range ms {
		ms[i].Addressed = pr.kind == catalog.App && a.mentions(ms[i])
	}
	return ms, nil
}

func summary(ms []Match) (flagged bool, top float64) {
	for _, m := range ms {
		flagged = flagged || m.Blocking
		top = max(top, m.Score)
	}
	return flagged, top
}

func matchIDs(ms []Match) []map[string]any {
	out := []map[string]any{}
	for _, m := range ms {
		out = append(out, map[string]any{"asset_id": m.AssetID, "score": m.Score, "blocking": m.Blocking})
	}
	return out
}

func saveMatches(ctx context.Context, q store.Querier, id int64, ms []Match) error {
	for i, m := range ms {
		ev, err := json.Marshal(m.Evidence)
		if err != nil {
			return fmt.Errorf("intake: encode evidence: %w", err)
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO intake_matches (request_id, rank, asset_id, code, name, unit_name, status, score, blocking,
			addressed, reasons, evidence) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			id, i+1, m.AssetID, m.Code, m.Name, m.UnitName, string(m.Status), m.Score, m.Blocking, m.Addressed,
			strings.Join(m.Reasons, "\n"), string(ev)); err != nil {
			return fmt.Errorf("intake: save match: %w", err)
		}
	}
	return nil
}

func addReview(ctx context.Context, q store.Querier, p org.Principal, id int64, round int, step Step, act Action, comment string, at any) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO intake_reviews (request_id, round, step, action, comment, reviewer_user_id, reviewer_name, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, round, string(step), string(act), comment, store.NullID(p.UserID), p.Name, at); err != nil {
		return fmt.Errorf("intake: record review: %w", err)
	}
	return nil
}

// moved checks that a conditional update of a request's step hit its row: when it did not,
// someone else acted on the request since it was read.
func moved(res sql.Result, err error) error {
	if err != nil {
		return fmt.Errorf("intake: update request: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("intake: update request: %w", err)
	} else if n != 1 {
		return errs.E(errs.Conflict, "申请已被他人处理,请刷新后查看")
	}
	return nil
}

// Decision is a reviewer's decision at the request's current step.
type Decision struct {
	Action  Action `json:"action"`  // ActApprove, ActReturn or ActReject
	Comment string `json:"comment"` // required to return or reject
	// Step is the step the reviewer saw when deciding. When set and the request has moved on
	// (another reviewer acted first), the decision is refused as a conflict instead of applying
	// to a step the reviewer never looked at.
	Step Step `json:"step,omitempty"`
}

// MaxComment bounds a comment.
const MaxComment = 2000

func checkComment(act Action, c string) (string, error) {
	c = strings.TrimSpace(c)
	if !utf8.ValidString(c) || strings.IndexFunc(c, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' }) >= 0 {
		return "", errs.Field("comment", "意见含有无效字符")
	}
	if utf8.RuneCountInString(c) > MaxComment {
		return "", errs.Field("comment", fmt.Sprintf("意见不超过 %d 字", MaxComment))
	}
	if (act == ActReturn || act == ActReject) && substance(c) < 2 {
		return "", errs.Field("comment", act.Label()+"须填写意见,说明理由")
	}
	return c, nil
}

// Decide records a reviewer's decision at the request's current step:
//
//   - approve moves it to the next step; at the last step (office for apps, lead department for
//     filings) the asset becomes 在用 with the reason 立项审核通过 or 备案通过;
//   - return sends it back to the applicant (step returned) to edit and resubmit;
//   - reject ends it; the asset becomes 未通过.
//
// Who may act: at the unit step a user with catalog.write whose scope holds the asset's unit; at
// the lead step a user with the lead role (any lead department for now: roles do not yet say
// which department a lead acts for); at the office step the office or an administrator. Never
// the applicant (four eyes), and no one twice in one round: a wide-scoped office user who
// approved the unit step cannot approve the office step too. A request outside the caller's scope
// does not exist for them (NotFound).
func (s *Service) Decide(ctx context.Context, p org.Principal, id int64, d Decision) (*Request, error) {
	if err := p.Require(org.PermCatalogWrite); err != nil {
		return nil, err
	}
	switch d.Action {
	case "同意":
		d.Action = ActApprove
	case "退回修改", "退回":
		d.Action = ActReturn
	case "不同意":
		d.Action = ActReject
	}
	if d.Action != ActApprove && d.Action != ActReturn && d.Action != ActReject {
		return nil, errs.Field("action", "审批意见应为 approve(同意)、return(退回修改)或 reject(不同意)")
	}
	comment, err := checkComment(d.Action, d.Comment)
	if err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		r, err := lockAndLoad(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !r.Step.Open() {
			return errs.E(errs.Conflict, "申请"+r.StepLabel()+",不在审批中")
		}
		if d.Step != "" && d.Step != r.Step {
			return errs.E(errs.Conflict, "申请已被他人处理,当前为“"+r.StepLabel()+"”,请刷新后查看")
		}
		if err := mayReview(ctx, tx, p, r); err != nil {
			return err
		}
		if r.AssetStatus != catalog.Applying {
			return errs.E(errs.Conflict, "该"+r.Kind.Short()+"已不在申请中(当前“"+r.AssetStatus.Label(r.Kind)+"”),请撤回本申请")
		}
		to := map[Action]Step{ActApprove: next(r.Kind, r.Step), ActReturn: StepReturned, ActReject: StepRejected}[d.Action]
		now := s.now()
		res, err := tx.ExecContext(ctx, `UPDATE intake_requests SET step = $1, updated_at = $2 WHERE id = $3 AND step = $4 AND round = $5`,
			string(to), now, r.ID, string(r.Step), r.Round)
		if err := moved(res, err); err != nil {
			return err
		}
		switch to {
		case StepApproved:
			reason := "立项审核通过"
			if r.Kind != catalog.App {
				reason = "备案通过"
			}
			if _, err := catalog.DecideTx(ctx, tx, p, r.AssetID, catalog.Active, reason); err != nil {
				return err
			}
		case StepRejected:
			reason := "立项审核不通过:" + comment
			if r.Kind != catalog.App {
				reason = "备案不通过:" + comment
			}
			if _, err := catalog.DecideTx(ctx, tx, p, r.AssetID, catalog.Rejected, reason); err != nil {
				return err
			}
		}
		if err := addReview(ctx, tx, p, r.ID, r.Round, r.Step, d.Action, comment, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "intake."+string(d.Action), "intake_request", fmt.Sprint(r.ID),
			map[string]any{"step": r.Step, "round": r.Round}, map[string]any{"step": to, "round": r.Round, "comment": comment})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

// Withdraw lets the applicant take back a request that is not yet decided (in review or
// returned). The asset becomes 未通过 with the reason 申请人撤回. reason is optional.
func (s *Service) Withdraw(ctx context.Context, p org.Principal, id int64, reason string) (*Request, error) {
	if err := p.Require(org.PermCatalogWrite); err != nil {
		return nil, err
	}
	reason, err := checkComment(ActWithdraw, reason)
	if err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		r, err := lockAndLoad(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !applicant(p, r) {
			return errs.E(errs.Forbidden, "只有申请人可以撤回申请")
		}
		if r.Step.Final() {
			return errs.E(errs.Conflict, "申请"+r.StepLabel()+",不能撤回")
		}
		now := s.now()
		res, err := tx.ExecContext(ctx, `UPDATE intake_requests SET step = 'withdrawn', updated_at = $1 WHERE id = $2 AND step = $3 AND round = $4`,
			now, r.ID, string(r.Step), r.Round)
		if err := moved(res, err); err != nil {
			return err
		}
		if r.AssetStatus == catalog.Applying {
			why := "申请人撤回"
			if reason != "" {
				why += ":" + reason
			}
			if _, err := catalog.DecideTx(ctx, tx, p, r.AssetID, catalog.Rejected, why); err != nil {
				return err
			}
		}
		if err := addReview(ctx, tx, p, r.ID, r.Round, r.Step, ActWithdraw, reason, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "intake.withdraw", "intake_request", fmt.Sprint(r.ID),
			map[string]any{"step": r.Step, "round": r.Round}, map[string]any{"step": StepWithdrawn, "round": r.Round, "comment": reason})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

// lockAndLoad takes the request's row lock, then reads it (in scope): concurrent actions on one
// request queue, and each sees the state the one before left. Every action takes its locks in
// one order, request → quota → asset (the catalog's) → audit head, so that PostgreSQL never
// deadlocks; SQLite serialises writers at BEGIN anyway.
func lockAndLoad(ctx context.Context, tx store.Querier, p org.Principal, id int64) (*Request, error) {
	if _, err := tx.ExecContext(ctx, `UPDATE intake_requests SET round = round WHERE id = $1`, id); err != nil {
		return nil, fmt.Errorf("intake: lock request: %w", err)
	}
	return load(ctx, tx, p, id)
}

// applicant reports whether p filed r. The system's own principal (no user) is nobody's
// applicant.
func applicant(p org.Principal, r *Request) bool {
	return p.UserID != 0 && p.UserID == r.ApplicantUserID
}

// reviewSteps are the steps at which p's roles let them review (scope aside, which loading the
// request has already applied).
func reviewSteps(p org.Principal) []Step {
	var out []Step
	if p.Can(org.PermCatalogWrite) {
		out = append(out, StepUnit)
	}
	if p.Has(org.RoleLead) {
		out = append(out, StepLead)
	}
	if p.Has(org.RoleOffice) || p.Has(org.RoleAdmin) {
		out = append(out, StepOffice)
	}
	return out
}

// ownLead reports whether p works in the asset's lead department (牵头处室), the one that reviews
// it at the lead step: the seed plan gives each kind its own (群组 → 办公室, 应用 → 信息通信处,
// 公众号 → 新闻宣传处). An asset with no lead department may be reviewed by any.
func ownLead(ctx context.Context, q store.Querier, p org.Principal, assetID int64) (bool, error) {
	if p.UserID == 0 {
		return true, nil
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM assets a WHERE a.id = $1
		AND (a.lead_unit_id IS NULL OR a.lead_unit_id = (SELECT unit_id FROM users WHERE id = $2))`, assetID, p.UserID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("intake: check lead department: %w", err)
	}
	return n > 0, nil
}

// mayReview applies the step rules of Decide to a loaded (so in-scope) request.
func mayReview(ctx context.Context, q store.Querier, p org.Principal, r *Request) error {
	if applicant(p, r) {
		return errs.E(errs.Forbidden, "不能审批本人提交的申请")
	}
	ok := false
	for _, s := range reviewSteps(p) {
		ok = ok || s == r.Step
	}
	if !ok {
		who := map[Step]string{StepUnit: "本单位或上级单位的联络员", StepLead: "牵头处室", StepOffice: "领导小组办公室"}[r.Step]
		return errs.E(errs.Forbidden, "“"+r.StepLabel()+"”环节须由"+who+"审批")
	}
	if r.Step == StepLead {
		own, err := ownLead(ctx, q, p, r.AssetID)
		if err != nil {
			return err
		}
		if !own {
			return errs.E(errs.Forbidden, "该申请须由其牵头处室审核(应用 → 信息通信处,公众号 → 新闻宣传处,群组 → 办公室)")
		}
	}
	if p.UserID == 0 {
		return nil
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM intake_reviews WHERE request_id = $1 AND round = $2 AND action = 'approve'
		AND reviewer_user_id = $3`, r.ID, r.Round, p.UserID).Scan(&n); err != nil {
		return fmt.Errorf("intake: read reviews: %w", err)
	}
	if n > 0 {
		return errs.E(errs.Forbidden, "您已审批过本申请的其他环节,同一人不能审批两个环节")
	}
	return nil
}
