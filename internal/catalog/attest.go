package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// DefaultAttestMonths is how often owners confirm their records unless the bureau sets
// catalog.attest_months.
const DefaultAttestMonths = 6

// AttestMonths reads the attestation period from settings.
func AttestMonths(ctx context.Context, q store.Querier) (int, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'catalog.attest_months'`).Scan(&v)
	if err == sql.ErrNoRows {
		return DefaultAttestMonths, nil
	}
	if err != nil {
		return 0, fmt.Errorf("catalog: read setting: %w", err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 || n > 36 {
		return DefaultAttestMonths, nil
	}
	return n, nil
}

// MarkDue flags as 待确认 every live asset whose last confirmation is older than the period.
// It is idempotent, so any instance may run it at any time; a run that flags anything leaves one
// audit entry.
func (s *Store) MarkDue(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		months, err := AttestMonths(ctx, tx)
		if err != nil {
			return err
		}
		cutoff := now.UTC().AddDate(0, -months, 0)
		res, err := tx.ExecContext(ctx, `UPDATE assets SET needs_attest = $1 WHERE needs_attest = $2 AND status IN ('active', 'rectifying')
			AND (attested_at IS NULL OR attested_at < $3)`, true, false, cutoff)
		if err != nil {
			return fmt.Errorf("catalog: mark due: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		return audit.Record(ctx, tx, audit.System, "mark_due", "asset", "", nil,
			map[string]any{"attest_months": months, "cutoff": cutoff, "marked": n})
	})
	return n, err
}

// Pending lists the live assets the caller is responsible for (through the person linked to
// their login) that wait for confirmation.
func (s *Store) Pending(ctx context.Context, p org.Principal, personID int64) ([]Asset, error) {
	if personID == 0 {
		return nil, nil
	}
	if err := checkSelf(ctx, s.DB, p, personID); err != nil {
		return nil, err
	}
	// One's own records are visible whatever the scope: a 支队 officer may own a group of a
	// 大队 outside their scope, and must still be able to confirm it.
	own := p
	own.Scope = org.Scope{All: true}
	if !own.Can(org.PermCatalogRead) {
		own.Roles = append(append([]org.Role{}, own.Roles...), org.RoleReviewer)
	}
	list, _, err := s.List(ctx, own, Filter{OwnerPersonID: personID, NeedsAttest: true, LiveOnly: true, Page: org.Page{Limit: org.MaxPage}})
	return list, err
}

// Attest confirms the listed assets as correct: one click for a whole list. Only the
// responsible person may confirm their assets; ids that are not theirs are refused as a whole.
func (s *Store) Attest(ctx context.Context, p org.Principal, personID int64, ids []int64) (int, error) {
	if personID == 0 {
		return 0, errs.E(errs.Forbidden, "您的账号未关联人员,不能确认资产")
	}
	if len(ids) == 0 {
		return 0, errs.Field("ids", "请选择要确认的资产")
	}
	if len(ids) > org.MaxPage {
		return 0, errs.Field("ids", "一次最多确认 500 项")
	}
	n := 0
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkSelf(ctx, tx, p, personID); err != nil {
			return err
		}
		now := store.Now()
		seen := map[int64]bool{}
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			var owner sql.NullInt64
			var status Status
			err := tx.QueryRowContext(ctx, `SELECT owner_person_id, status FROM assets WHERE id = $1`, id).Scan(&owner, &status)
			if err == sql.ErrNoRows || err == nil && owner.Int64 != personID {
				return errs.E(errs.Forbidden, "只能确认由您负责的资产")
			}
			if err != nil {
				return fmt.Errorf("catalog: read asset: %w", err)
			}
			if !status.Live() {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE assets SET needs_attest = $1, attested_at = $2, attested_by = $3 WHERE id = $4`,
				false, now, p.Name, id); err != nil {
				return fmt.Errorf("catalog: attest: %w", err)
			}
			if err := event(ctx, tx, p, id, "attest", "", "", ""); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, p.Actor(), "attest", "asset", fmt.Sprint(id), nil, map[string]any{"attested_at": now}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// checkSelf refuses to act for a person other than the one linked to p's login, so that a
// handler passing the wrong person cannot show or confirm someone else's records. jianfu's own
// commands (no login) may act for anyone.
func checkSelf(ctx context.Context, q store.Querier, p org.Principal, personID int64) error {
	if p.UserID == 0 {
		return nil
	}
	self, err := callerIs(ctx, q, p, personID)
	if err != nil {
		return err
	}
	if !self {
		return errs.E(errs.Forbidden, "您的账号未关联该人员,只能查看和确认由您负责的资产")
	}
	return nil
}
