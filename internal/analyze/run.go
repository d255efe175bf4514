package analyze

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// Status is a finding's review status.
type Status string

// The review statuses. Converted is set by the rectification ledger when it takes a finding
// over; this package never sets it, but keeps it through later runs.
const (
	StatusNew       Status = "new"
	StatusConfirmed Status = "confirmed"
	StatusDismissed Status = "dismissed"
	StatusConverted Status = "converted"
)

// Label is the status's Chinese name.
func (s Status) Label() string {
	switch s {
	case StatusNew:
		return "新发现"
	case StatusConfirmed:
		return "已确认"
	case StatusDismissed:
		return "已驳回"
	case StatusConverted:
		return "已转整改"
	}
	return string(s)
}

// RuleCount is one rule's outcome in a run.
type RuleCount struct {
	Firing    int `json:"firing"`
	New       int `json:"new"`
	Gone      int `json:"gone"`
	Unchanged int `json:"unchanged"`
}

// RuleRecord is a rule as a run used it: version and configuration, so that a run can be
// reproduced from its record and the stored data.
type RuleRecord struct {
	ID      string             `json:"id"`
	Version int                `json:"version"`
	Enabled bool               `json:"enabled"`
	Params  map[string]float64 `json:"params,omitempty"`
}

// RunResult is a recorded run. New counts findings firing now that were not open after the
// previous run (first seen or back again), Gone those open before and no longer firing,
// Unchanged those firing in both.
type RunResult struct {
	ID         int64                `json:"id"`
	StartedAt  time.Time            `json:"started_at"`
	FinishedAt time.Time            `json:"finished_at"`
	CheckDate  time.Time            `json:"check_date"`
	Actor      string               `json:"actor"`
	Rules      []RuleRecord         `json:"rules"`
	Counts     map[string]RuleCount `json:"counts"`
	Firing     int                  `json:"firing"`
	New        int                  `json:"new"`
	Gone       int                  `json:"gone"`
	Unchanged  int                  `json:"unchanged"`
	Reopened   int                  `json:"reopened"` // dismissed findings whose evidence changed
}

// prior is a stored finding as a run finds it.
type prior struct {
	id          int64
	status      Status
	dismissedFP string
	resolved    bool
}

// Fingerprint is the hash of a hit's decisive evidence. encoding/json writes map keys sorted,
// so equal evidence gives equal fingerprints.
func Fingerprint(decisive map[string]any) string {
	b, _ := json.Marshal(decisive)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:16])
}

// Run checks the whole bureau as of the calendar day of at with every enabled rule, records the
// run and updates the findings, all in one transaction. Runs are bureau-wide even when the
// caller's scope is a subtree: findings are scoped when read, and a partial run would mark the
// rest of the bureau's findings resolved.
func Run(ctx context.Context, db *store.DB, p org.Principal, at time.Time) (*RunResult, error) {
	if err := p.Require(org.PermCatalogReview); err != nil {
		return nil, err
	}
	if at.IsZero() {
		return nil, errs.Field("check_date", "请指定检查日期")
	}
	res := &RunResult{StartedAt: store.Now(), CheckDate: CheckDate(at), Actor: p.Name, Counts: map[string]RuleCount{}}
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		// Serialise runs: the diff is against the state the previous run left.
		if _, err := tx.ExecContext(ctx, `UPDATE analysis_lock SET last_run_id = last_run_id WHERE id = 1`); err != nil {
			return fmt.Errorf("analyze: lock: %w", err)
		}
		cfg, err := LoadConfigs(ctx, tx)
		if err != nil {
			return err
		}
		inv, err := Load(ctx, tx)
		if err != nil {
			return err
		}
		env := &Env{Inv: inv, At: res.CheckDate, Configs: cfg, Q: tx}
		hits := map[string][]Hit{}
		for _, r := range Rules() {
			d := r.Def()
			c := cfg[d.ID]
			res.Rules = append(res.Rules, RuleRecord{ID: d.ID, Version: d.Version, Enabled: c.Enabled, Params: c.Params})
			if !c.Enabled {
				continue
			}
			h, err := r.Check(ctx, env)
			if err != nil {
				return fmt.Errorf("analyze: rule %s: %w", d.ID, err)
			}
			sort.Slice(h, func(i, j int) bool { return h[i].Subject < h[j].Subject })
			hits[d.ID] = h
		}
		rules, _ := json.Marshal(res.Rules)
		err = tx.QueryRowContext(ctx, `INSERT INTO analysis_runs (started_at, finished_at, check_date, actor_id, actor, rules, counts)
			VALUES ($1, $1, $2, $3, $4, $5, '{}') RETURNING id`,
			res.StartedAt, res.CheckDate, store.NullID(p.UserID), p.Name, string(rules)).Scan(&res.ID)
		if err != nil {
			return fmt.Errorf("analyze: record run: %w", err)
		}
		return apply(ctx, tx, p, res, hits)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// apply upserts the hits of every rule that ran and resolves the open findings that no longer
// fire. Findings of a rule that is switched off are left as they are: not firing is not the same
// as not checked.
func apply(ctx context.Context, tx *sql.Tx, p org.Principal, res *RunResult, hits map[string][]Hit) error {
	priors := map[[2]string]prior{}
	rows, err := tx.QueryContext(ctx, `SELECT id, rule_id, subject, status, dismissed_fingerprint, resolved_run_id IS NOT NULL FROM findings`)
	if err != nil {
		return fmt.Errorf("analyze: read findings: %w", err)
	}
	for rows.Next() {
		var f prior
		var rule, subject string
		if err := rows.Scan(&f.id, &rule, &subject, &f.status, &f.dismissedFP, &f.resolved); err != nil {
			rows.Close()
			return fmt.Errorf("analyze: read findings: %w", err)
		}
		priors[[2]string{rule, subject}] = f
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("analyze: read findings: %w", err)
	}
	firing := map[[2]string]bool{}
	for _, r := range Rules() {
		d := r.Def()
		list, ran := hits[d.ID]
		if !ran {
			continue
		}
		count := RuleCount{Firing: len(list)}
		for _, h := range list {
			key := [2]string{d.ID, h.Subject}
			firing[key] = true
			fp := Fingerprint(h.Decisive)
			ev, err := json.Marshal(h.Evidence)
			if err != nil {
				return fmt.Errorf("analyze: evidence of %s %s: %w", d.ID, h.Subject, err)
			}
			old, seen := priors[key]
			switch {
			case seen && !old.resolved:
				count.Unchanged++
			default:
				count.New++
			}
			status, note := StatusNew, ""
			if seen {
				status = old.status
				if old.resolved && status != StatusDismissed && status != StatusConverted {
					status, note = StatusNew, "问题消除后再次出现"
				}
				if status == StatusDismissed && old.dismissedFP != fp {
					status, note = StatusNew, "驳回后证据发生变化,重新列为新发现"
					res.Reopened++
				}
			}
			var id int64
			err = tx.QueryRowContext(ctx, `INSERT INTO findings (rule_id, subject, kind, unit_id, severity, summary, evidence, fingerprint,
				disposition, status, note, first_run_id, last_run_id)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
				ON CONFLICT (rule_id, subject) DO UPDATE SET kind = excluded.kind, unit_id = excluded.unit_id, severity = excluded.severity,
					summary = excluded.summary, evidence = excluded.evidence, fingerprint = excluded.fingerprint,
					disposition = excluded.disposition, status = excluded.status,
					note = CASE WHEN excluded.note = '' THEN findings.note ELSE excluded.note END,
					last_run_id = excluded.last_run_id, resolved_run_id = NULL
				RETURNING id`,
				d.ID, h.Subject, d.Kind, h.UnitID, string(d.Severity), h.Summary, string(ev), fp, d.Disposition, string(status), note, res.ID).Scan(&id)
			if err != nil {
				return fmt.Errorf("analyze: save finding %s %s: %w", d.ID, h.Subject, err)
			}
			if seen && old.status != status {
				if err := audit.Record(ctx, tx, p.Actor(), "reopen", "finding", fmt.Sprint(id),
					map[string]any{"status": old.status}, map[string]any{"status": status, "note": note, "run": res.ID}); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM finding_assets WHERE finding_id = $1`, id); err != nil {
				return fmt.Errorf("analyze: finding assets: %w", err)
			}
			for _, a := range h.Assets {
				if _, err := tx.ExecContext(ctx, `INSERT INTO finding_assets (finding_id, asset_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, id, a); err != nil {
					return fmt.Errorf("analyze: finding assets: %w", err)
				}
			}
		}
		res.Counts[d.ID] = count
	}
	for key, old := range priors {
		if old.resolved || firing[key] {
			continue
		}
		if _, ran := hits[key[0]]; !ran {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE findings SET resolved_run_id = $1 WHERE id = $2`, res.ID, old.id); err != nil {
			return fmt.Errorf("analyze: resolve finding: %w", err)
		}
		c := res.Counts[key[0]]
		c.Gone++
		res.Counts[key[0]] = c
	}
	for _, c := range res.Counts {
		res.Firing += c.Firing
		res.New += c.New
		res.Gone += c.Gone
		res.Unchanged += c.Unchanged
	}
	res.FinishedAt = store.Now()
	counts, _ := json.Marshal(res.Counts)
	if _, err := tx.ExecContext(ctx, `UPDATE analysis_runs SET finished_at = $1, counts = $2, firing = $3, new_count = $4, gone_count = $5,
		unchanged_count = $6 WHERE id = $7`, res.FinishedAt, string(counts), res.Firing, res.New, res.Gone, res.Unchanged, res.ID); err != nil {
		return fmt.Errorf("analyze: record run: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE analysis_lock SET last_run_id = $1 WHERE id = 1`, res.ID); err != nil {
		return fmt.Errorf("analyze: record run: %w", err)
	}
	return audit.Record(ctx, tx, p.Actor(), "run", "analysis_run", fmt.Sprint(res.ID), nil, map[string]any{
		"check_date": res.CheckDate.Format("2006-01-02"), "firing": res.Firing, "new": res.New, "gone": res.Gone,
		"unchanged": res.Unchanged, "reopened": res.Reopened, "rules": res.Rules})
}
