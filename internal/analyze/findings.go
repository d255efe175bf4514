package analyze

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// AssetRef names an asset a finding concerns.
type AssetRef struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
}

// Finding is a stored finding as users see it.
type Finding struct {
	ID            int64           `json:"id"`
	RuleID        string          `json:"rule_id"`
	Title         string          `json:"title"`
	Basis         string          `json:"basis"`
	Subject       string          `json:"subject"`
	Kind          string          `json:"kind"`
	UnitID        int64           `json:"unit_id"`
	UnitName      string          `json:"unit_name"`
	UnitPath      string          `json:"-"`
	Severity      Severity        `json:"severity"`
	Summary       string          `json:"summary"`
	Evidence      json.RawMessage `json:"evidence"`
	Fingerprint   string          `json:"fingerprint"`
	Disposition   string          `json:"disposition"`
	Status        Status          `json:"status"`
	Note          string          `json:"note,omitempty"`
	FirstRunID    int64           `json:"first_run_id"`
	LastRunID     int64           `json:"last_run_id"`
	ResolvedRunID int64           `json:"resolved_run_id,omitempty"` // 0 while it still fires
	Reason        string          `json:"reason,omitempty"`
	DecidedBy     string          `json:"decided_by,omitempty"`
	DecidedAt     *time.Time      `json:"decided_at,omitempty"`
	Assets        []AssetRef      `json:"assets"`
}

// Open reports whether the finding fired in the latest run that checked its rule.
func (f Finding) Open() bool { return f.ResolvedRunID == 0 }

// Filter selects findings. Zero values select everything; resolved findings are left out unless
// Resolved is set.
type Filter struct {
	RuleID    string
	Severity  Severity
	Status    Status
	UnitID    int64 // the unit's subtree
	AssetID   int64
	AssetCode string
	Resolved  bool // include findings that no longer fire
	Page      org.Page
}

const findingCols = `f.id, f.rule_id, f.subject, f.kind, f.unit_id, COALESCE(u.name, ''), COALESCE(u.path, ''), f.severity, f.summary, f.evidence, f.fingerprint,
	f.disposition, f.status, f.note, f.first_run_id, f.last_run_id, COALESCE(f.resolved_run_id, 0), f.reason, f.decided_by, f.decided_at`

const findingFrom = ` FROM findings f LEFT JOIN units u ON u.id = f.unit_id`

func scanFinding(s interface{ Scan(...any) error }, extra ...any) (Finding, error) {
	var f Finding
	var ev string
	var decided sql.NullTime
	err := s.Scan(append([]any{&f.ID, &f.RuleID, &f.Subject, &f.Kind, &f.UnitID, &f.UnitName, &f.UnitPath, &f.Severity, &f.Summary, &ev,
		&f.Fingerprint, &f.Disposition, &f.Status, &f.Note, &f.FirstRunID, &f.LastRunID, &f.ResolvedRunID, &f.Reason, &f.DecidedBy, &decided}, extra...)...)
	if err != nil {
		return f, err
	}
	f.Evidence = json.RawMessage(ev)
	if decided.Valid {
		t := decided.Time.UTC()
		f.DecidedAt = &t
	}
	if r, ok := RuleByID(f.RuleID); ok {
		f.Title, f.Basis = r.Def().Title, r.Def().Basis
	}
	return f, nil
}

// List returns one page of the findings the caller may see (the unit of the finding lies in
// the caller's scope) and the total matching.
func List(ctx context.Context, db *store.DB, p org.Principal, f Filter) ([]Finding, int, error) {
	if err := p.Require(org.PermCatalogRead); err != nil {
		return nil, 0, err
	}
	w := &store.Where{}
	p.Scope.Filter(w, "u.path")
	if !f.Resolved {
		w.Add("f.resolved_run_id IS NULL")
	}
	if f.RuleID != "" {
		w.Add("f.rule_id = ?", f.RuleID)
	}
	if f.Severity != "" {
		w.Add("f.severity = ?", string(f.Severity))
	}
	if f.Status != "" {
		w.Add("f.status = ?", string(f.Status))
	}
	if f.UnitID != 0 {
		var path string
		err := db.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, f.UnitID).Scan(&path)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !p.Scope.Contains(path) {
			return nil, 0, errs.E(errs.NotFound, "单位不存在或不在您的管理范围内")
		}
		if err != nil {
			return nil, 0, fmt.Errorf("analyze: unit: %w", err)
		}
		w.Add(`u.path LIKE ? ESCAPE '\'`, store.Prefix(path))
	}
	if f.AssetID != 0 {
		w.Add("f.id IN (SELECT finding_id FROM finding_assets WHERE asset_id = ?)", f.AssetID)
	}
	if f.AssetCode != "" {
		w.Add("f.id IN (SELECT fa.finding_id FROM finding_assets fa JOIN assets a ON a.id = fa.asset_id WHERE a.code = ?)", strings.TrimSpace(f.AssetCode))
	}
	pg := f.Page.Norm()
	query := `SELECT ` + findingCols + `, COUNT(*) OVER ()` + findingFrom + w.String() +
		` ORDER BY CASE f.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, f.rule_id, f.subject` + w.Page(pg.Limit, pg.Offset)
	rows, err := db.QueryContext(ctx, query, w.Args...)
	if err != nil {
		return nil, 0, fmt.Errorf("analyze: list findings: %w", err)
	}
	defer rows.Close()
	var out []Finding
	total := 0
	for rows.Next() {
		fd, err := scanFinding(rows, &total)
		if err != nil {
			return nil, 0, fmt.Errorf("analyze: list findings: %w", err)
		}
		out = append(out, fd)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("analyze: list findings: %w", err)
	}
	if len(out) == 0 && pg.Offset > 0 {
		// Past the last page the window function has no row to count on.
		_, total, err = List(ctx, db, p, Filter{RuleID: f.RuleID, Severity: f.Severity, Status: f.Status, UnitID: f.UnitID,
			AssetID: f.AssetID, AssetCode: f.AssetCode, Resolved: f.Resolved, Page: org.Page{Limit: 1}})
		if err != nil {
			return nil, 0, err
		}
	}
	if err := loadAssets(ctx, db, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

func loadAssets(ctx context.Context, q store.Querier, list []Finding) error {
	if len(list) == 0 {
		return nil
	}
	idx := map[int64]int{}
	w := &store.Where{}
	var ph []string
	for i, f := range list {
		idx[f.ID] = i
		w.Args = append(w.Args, f.ID)
		ph = append(ph, fmt.Sprintf("$%d", len(w.Args)))
	}
	rows, err := q.QueryContext(ctx, `SELECT fa.finding_id, a.id, a.code, a.name FROM finding_assets fa JOIN assets a ON a.id = fa.asset_id
		WHERE fa.finding_id IN (`+strings.Join(ph, ",")+`) ORDER BY fa.finding_id, a.code`, w.Args...)
	if err != nil {
		return fmt.Errorf("analyze: finding assets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var a AssetRef
		if err := rows.Scan(&id, &a.ID, &a.Code, &a.Name); err != nil {
			return fmt.Errorf("analyze: finding assets: %w", err)
		}
		list[idx[id]].Assets = append(list[idx[id]].Assets, a)
	}
	return rows.Err()
}

func get(ctx context.Context, q store.Querier, p org.Principal, id int64) (Finding, error) {
	w := &store.Where{}
	w.Add("f.id = ?", id)
	p.Scope.Filter(w, "u.path")
	f, err := scanFinding(q.QueryRowContext(ctx, `SELECT `+findingCols+findingFrom+w.String(), w.Args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Finding{}, errs.E(errs.NotFound, "问题不存在或不在您的管理范围内")
	}
	if err != nil {
		return Finding{}, fmt.Errorf("analyze: get finding: %w", err)
	}
	list := []Finding{f}
	if err := loadAssets(ctx, q, list); err != nil {
		return Finding{}, err
	}
	return list[0], nil
}

// Get returns one finding in the caller's scope.
func Get(ctx context.Context, db *store.DB, p org.Principal, id int64) (Finding, error) {
	if err := p.Require(org.PermCatalogRead); err != nil {
		return Finding{}, err
	}
	return get(ctx, db, p, id)
}

// Dismiss rejects a finding (已驳回) with a reason. The dismissal holds on later runs as long as
// the decisive evidence stays the same: its fingerprint is kept to compare.
func Dismiss(ctx context.Context, db *store.DB, p org.Principal, id int64, reason string) (Finding, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) < 2 {
		return Finding{}, errs.Field("reason", "驳回须说明理由(至少 2 个字)")
	}
	if utf8.RuneCountInString(reason) > 500 {
		return Finding{}, errs.Field("reason", "驳回理由不能超过 500 字")
	}
	return decide(ctx, db, p, id, StatusDismissed, reason, []Status{StatusNew, StatusConfirmed})
}

// Confirm accepts a new finding (已确认) as a problem to fix.
func Confirm(ctx context.Context, db *store.DB, p org.Principal, id int64) (Finding, error) {
	return decide(ctx, db, p, id, StatusConfirmed, "", []Status{StatusNew})
}

func decide(ctx context.Context, db *store.DB, p org.Principal, id int64, to Status, reason string, from []Status) (Finding, error) {
	if err := p.Require(org.PermCatalogReview); err != nil {
		return Finding{}, err
	}
	var out Finding
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		f, err := get(ctx, tx, p, id)
		if err != nil {
			return err
		}
		ok := false
		for _, s := range from {
			ok = ok || f.Status == s
		}
		if !ok {
			return errs.E(errs.Conflict, fmt.Sprintf("该问题当前为“%s”,不能改为“%s”", f.Status.Label(), to.Label()))
		}
		if !f.Open() {
			return errs.E(errs.Conflict, "该问题在最近一次体检中已不再出现,无需处理")
		}
		dismissedFP := ""
		if to == StatusDismissed {
			dismissedFP = f.Fingerprint
		}
		now := store.Now()
		r, err := tx.ExecContext(ctx, `UPDATE findings SET status = $1, reason = $2, decided_by_id = $3, decided_by = $4, decided_at = $5,
			dismissed_fingerprint = $6, note = '' WHERE id = $7 AND status = $8`,
			string(to), reason, store.NullID(p.UserID), p.Name, now, dismissedFP, id, string(f.Status))
		if err != nil {
			return fmt.Errorf("analyze: update finding: %w", err)
		}
		if n, _ := r.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "该问题刚被他人处理,请刷新后重试")
		}
		after := map[string]any{"status": to}
		if reason != "" {
			after["reason"] = reason
		}
		if err := audit.Record(ctx, tx, p.Actor(), string(actionOf(to)), "finding", fmt.Sprint(id),
			map[string]any{"status": f.Status, "rule": f.RuleID, "subject": f.Subject}, after); err != nil {
			return err
		}
		out, err = get(ctx, tx, p, id)
		return err
	})
	return out, err
}

func actionOf(s Status) string {
	if s == StatusDismissed {
		return "dismiss"
	}
	return "confirm"
}

// LastRun returns the most recent run, or nil when there has been none. Its counts are the
// whole bureau's, so a caller scoped to a subtree gets the run without them: nothing outside the
// scope may leak, not even counts.
func LastRun(ctx context.Context, db *store.DB, p org.Principal) (*RunResult, error) {
	if err := p.Require(org.PermCatalogRead); err != nil {
		return nil, err
	}
	var r RunResult
	var rules, counts string
	err := db.QueryRowContext(ctx, `SELECT id, started_at, finished_at, check_date, actor, rules, counts, firing, new_count, gone_count, unchanged_count
		FROM analysis_runs ORDER BY id DESC LIMIT 1`).Scan(&r.ID, &r.StartedAt, &r.FinishedAt, &r.CheckDate, &r.Actor, &rules, &counts,
		&r.Firing, &r.New, &r.Gone, &r.Unchanged)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("analyze: last run: %w", err)
	}
	if err := json.Unmarshal([]byte(rules), &r.Rules); err != nil {
		return nil, fmt.Errorf("analyze: last run: %w", err)
	}
	if err := json.Unmarshal([]byte(counts), &r.Counts); err != nil {
		return nil, fmt.Errorf("analyze: last run: %w", err)
	}
	// The counts are the whole bureau's: only callers who see the whole bureau get them.
	if !p.Scope.Whole() {
		r.Counts, r.Firing, r.New, r.Gone, r.Unchanged = nil, 0, 0, 0, 0
	}
	return &r, nil
}
