package intake

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

const requestCols = `r.id, r.asset_id, r.kind, a.code, a.name, a.platform, a.unit_id, u.name, a.status, r.step, r.round,
	COALESCE(r.applicant_user_id, 0), r.applicant_name, r.fits_plan, r.not_duplicate, r.not_module, r.can_share, r.data_rules,
	r.flagged, r.top_score, r.quota_year, r.submitted_at, r.created_at, r.updated_at`

const requestFrom = ` FROM intake_requests r JOIN assets a ON a.id = r.asset_id JOIN units u ON u.id = a.unit_id`

func scanRequest(s interface{ Scan(...any) error }) (Request, error) {
	var r Request
	a := &r.Answers
	err := s.Scan(&r.ID, &r.AssetID, &r.Kind, &r.AssetCode, &r.AssetName, &r.Platform, &r.UnitID, &r.UnitName, &r.AssetStatus, &r.Step, &r.Round,
		&r.ApplicantUserID, &r.ApplicantName, &a.FitsPlan, &a.NotDuplicate, &a.NotModule, &a.CanShare, &a.DataRules,
		&r.Flagged, &r.TopScore, &r.Year, &r.SubmittedAt, &r.CreatedAt, &r.UpdatedAt)
	r.SubmittedAt, r.CreatedAt, r.UpdatedAt = r.SubmittedAt.UTC(), r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r, err
}

// load reads one request inside the caller's scope (the asset's owning unit); outside it the
// request does not exist.
func load(ctx context.Context, q store.Querier, p org.Principal, id int64) (*Request, error) {
	if err := p.Require(org.PermCatalogRead); err != nil {
		return nil, err
	}
	w := &store.Where{}
	w.Add("r.id = ?", id)
	p.Scope.Filter(w, "u.path")
	r, err := scanRequest(q.QueryRowContext(ctx, `SELECT `+requestCols+requestFrom+w.String(), w.Args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "申请不存在或不在您的管辖范围内")
	}
	if err != nil {
		return nil, fmt.Errorf("intake: read request: %w", err)
	}
	return &r, nil
}

// Get returns one request with its asset, its timeline, the matches of its last submission and
// the actions the caller may take now.
func (s *Service) Get(ctx context.Context, p org.Principal, id int64) (*Request, error) {
	r, err := load(ctx, s.DB, p, id)
	if err != nil {
		return nil, err
	}
	return r, s.fill(ctx, p, r)
}

// ByAsset returns the request of an asset (each asset has at most one), for the asset's page.
func (s *Service) ByAsset(ctx context.Context, p org.Principal, assetID int64) (*Request, error) {
	var id int64
	err := s.DB.QueryRowContext(ctx, `SELECT id FROM intake_requests WHERE asset_id = $1`, assetID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "该资产没有立项或备案申请")
	}
	if err != nil {
		return nil, fmt.Errorf("intake: read request: %w", err)
	}
	return s.Get(ctx, p, id)
}

func (s *Service) fill(ctx context.Context, p org.Principal, r *Request) error {
	a, err := (&catalog.Store{DB: s.DB}).Get(ctx, p, r.AssetID)
	if err != nil {
		return err
	}
	r.Asset = &a
	rows, err := s.DB.QueryContext(ctx, `SELECT id, round, step, action, comment, COALESCE(reviewer_user_id, 0), reviewer_name, at
		FROM intake_reviews WHERE request_id = $1 ORDER BY id`, r.ID)
	if err != nil {
		return fmt.Errorf("intake: read reviews: %w", err)
	}
	for rows.Next() {
		var v Review
		if err := rows.Scan(&v.ID, &v.Round, &v.Step, &v.Action, &v.Comment, &v.ReviewerUserID, &v.ReviewerName, &v.At); err != nil {
			rows.Close()
			return fmt.Errorf("intake: read reviews: %w", err)
		}
		v.At = v.At.UTC()
		r.Reviews = append(r.Reviews, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("intake: read reviews: %w", err)
	}
	// The matched asset's kind and platform are read live (they do not change); the rest is the
	// snapshot. Its unit's current path decides whether a group may be named to this caller.
	rows, err = s.DB.QueryContext(ctx, `SELECT m.asset_id, m.code, m.name, m.unit_name, m.status, m.score, m.blocking, m.addressed,
		m.reasons, m.evidence, COALESCE(x.kind, ''), COALESCE(x.platform, ''), COALESCE(xu.path, '')
		FROM intake_matches m LEFT JOIN assets x ON x.id = m.asset_id LEFT JOIN units xu ON xu.id = x.unit_id
		WHERE m.request_id = $1 ORDER BY m.rank`, r.ID)
	if err != nil {
		return fmt.Errorf("intake: read matches: %w", err)
	}
	for rows.Next() {
		var m Match
		var reasons, ev string
		if err := rows.Scan(&m.AssetID, &m.Code, &m.Name, &m.UnitName, &m.Status, &m.Score, &m.Blocking, &m.Addressed,
			&reasons, &ev, &m.Kind, &m.Platform, &m.unitPath); err != nil {
			rows.Close()
			return fmt.Errorf("intake: read matches: %w", err)
		}
		m.Reasons = lines(reasons)
		if ev != "" {
			if err := json.Unmarshal([]byte(ev), &m.Evidence); err != nil {
				rows.Close()
				return fmt.Errorf("intake: decode evidence: %w", err)
			}
		}
		r.Matches = append(r.Matches, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("intake: read matches: %w", err)
	}
	redact(p, r.Matches)
	own := true
	if r.Step == StepLead && p.Has(org.RoleLead) {
		if own, err = ownLead(ctx, s.DB, p, r.AssetID); err != nil {
			return err
		}
	}
	r.Actions = actions(p, r, own)
	return nil
}

// actions are what p may do with r now; the same rules as Decide, Resubmit and Withdraw, read
// from the loaded timeline.
func actions(p org.Principal, r *Request, ownLead bool) []Action {
	var out []Action
	if applicant(p, r) {
		if r.Step == StepReturned {
			out = append(out, ActResubmit)
		}
		if !r.Step.Final() {
			out = append(out, ActWithdraw)
		}
		return out
	}
	if !r.Step.Open() || r.AssetStatus != catalog.Applying {
		return nil
	}
	ok := false
	for _, s := range reviewSteps(p) {
		ok = ok || s == r.Step
	}
	if r.Step == StepLead && !ownLead {
		ok = false
	}
	for _, v := range r.Reviews {
		if p.UserID != 0 && v.Round == r.Round && v.Action == ActApprove && v.ReviewerUserID == p.UserID {
			ok = false
		}
	}
	if ok {
		out = append(out, ActApprove, ActReturn, ActReject)
	}
	return out
}

// Filter selects requests for a list. Zero fields do not filter.
type Filter struct {
	Kind catalog.Kind
	Step Step
	Open bool // in review (unit, lead or office)
	// Mine: the caller's own applications.
	Mine bool
	// Actionable: requests the caller may review now (待我审批): at a step their roles serve,
	// not their own, not already approved by them in this round.
	Actionable bool
	Flagged    bool   // likely duplicates only
	Q          string // substring of the asset's name or code
	org.Page
}

func where(p org.Principal, f Filter) (*store.Where, error) {
	w := &store.Where{}
	p.Scope.Filter(w, "u.path")
	if f.Kind != "" {
		k, err := catalog.ParseKind(string(f.Kind))
		if err != nil {
			return nil, err
		}
		w.Add("r.kind = ?", string(k))
	}
	if f.Step != "" {
		st, ok := ParseStep(string(f.Step))
		if !ok {
			return nil, errs.Field("step", "环节无效")
		}
		w.Add("r.step = ?", string(st))
	}
	if f.Open {
		w.Add("r.step IN ('unit', 'lead', 'office')")
	}
	if f.Mine {
		w.Add("r.applicant_user_id = ?", p.UserID)
	}
	if f.Actionable {
		actionable(w, p)
	}
	if f.Flagged {
		w.Add("r.flagged = ?", true)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		like := store.Like(q)
		w.Add(`(lower(a.name) LIKE lower(?) ESCAPE '\' OR lower(a.code) LIKE lower(?) ESCAPE '\')`, like, like)
	}
	return w, nil
}

// actionable is mayReview in SQL.
func actionable(w *store.Where, p org.Principal) {
	steps := reviewSteps(p)
	if len(steps) == 0 {
		w.Add("1=0")
		return
	}
	in := make([]string, len(steps))
	for i, s := range steps {
		in[i] = "'" + string(s) + "'" // constants, not input
	}
	w.Add("r.step IN (" + strings.Join(in, ", ") + ")")
	w.Add("a.status = 'applying'")
	if p.UserID != 0 {
		w.Add(`(r.step <> 'lead' OR a.lead_unit_id IS NULL OR a.lead_unit_id = (SELECT unit_id FROM users WHERE id = ?))`, p.UserID)
		w.Add("(r.applicant_user_id IS NULL OR r.applicant_user_id <> ?)", p.UserID)
		w.Add(`NOT EXISTS (SELECT 1 FROM intake_reviews v WHERE v.request_id = r.id AND v.round = r.round AND v.action = 'approve'
			AND v.reviewer_user_id = ?)`, p.UserID)
	}
}

// List returns the requests in the caller's scope matching f, and how many match in all: those
// waiting longest first when listing what the caller may act on, otherwise the latest first.
func (s *Service) List(ctx context.Context, p org.Principal, f Filter) ([]Request, int, error) {
	if err := p.Require(org.PermCatalogRead); err != nil {
		return nil, 0, err
	}
	w, err := where(p, f)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*)`+requestFrom+w.String(), w.Args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("intake: count requests: %w", err)
	}
	order := "r.updated_at DESC, r.id DESC"
	if f.Actionable {
		order = "r.submitted_at, r.id"
	}
	pg := f.Page.Norm()
	rows, err := s.DB.QueryContext(ctx, `SELECT `+requestCols+requestFrom+w.String()+` ORDER BY `+order+w.Page(pg.Limit, pg.Offset), w.Args...)
	if err != nil {
		return nil, 0, fmt.Errorf("intake: list requests: %w", err)
	}
	defer rows.Close()
	out := []Request{}
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("intake: read request: %w", err)
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// Counts are the numbers a dashboard shows the caller.
type Counts struct {
	// ToReview is 待我审批: the requests the caller may review now (Filter.Actionable), and
	// ToReviewByStep the same by step, so that an office user, who may also act at the unit step,
	// sees how many wait for the office itself.
	ToReview       int          `json:"to_review"`
	ToReviewByStep map[Step]int `json:"to_review_by_step"`
	Returned       int          `json:"returned"` // 我的申请:退回待修改
	Pending        int          `json:"pending"`  // 我的申请:审批中
	Flagged        int          `json:"flagged"`  // in review in the caller's scope and flagged as likely duplicates
}

// Counts returns the caller's dashboard numbers, all within the caller's scope.
func (s *Service) Counts(ctx context.Context, p org.Principal) (Counts, error) {
	c := Counts{ToReviewByStep: map[Step]int{}}
	if err := p.Require(org.PermCatalogRead); err != nil {
		return c, err
	}
	w, err := where(p, Filter{Actionable: true})
	if err != nil {
		return c, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT r.step, count(*)`+requestFrom+w.String()+` GROUP BY r.step`, w.Args...)
	if err != nil {
		return c, fmt.Errorf("intake: count requests: %w", err)
	}
	for rows.Next() {
		var st Step
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			rows.Close()
			return c, fmt.Errorf("intake: count requests: %w", err)
		}
		c.ToReviewByStep[st] = n
		c.ToReview += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("intake: count requests: %w", err)
	}
	for _, x := range []struct {
		f Filter
		n *int
	}{
		{Filter{Mine: true, Step: StepReturned}, &c.Returned},
		{Filter{Mine: true, Open: true}, &c.Pending},
		{Filter{Open: true, Flagged: true}, &c.Flagged},
	} {
		if x.f.Mine && p.UserID == 0 {
			continue
		}
		w, err := where(p, x.f)
		if err != nil {
			return c, err
		}
		if err := s.DB.QueryRowContext(ctx, `SELECT count(*)`+requestFrom+w.String(), w.Args...).Scan(x.n); err != nil {
			return c, fmt.Errorf("intake: count requests: %w", err)
		}
	}
	return c, nil
}
