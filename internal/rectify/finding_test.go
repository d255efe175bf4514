package rectify_test

import (
	"database/sql"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/rectify"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// finding stores a health-check finding of rule ACC-STALE about a new account in unit, as a
// run of the analysis would, and returns its id and the asset's.
func (e *env) finding(t *testing.T, unit, code string) (int64, int64) {
	t.Helper()
	now := store.Now()
	var run, asset, id int64
	must(t, e.db.QueryRowContext(e.ctx, `INSERT INTO analysis_runs (started_at, finished_at, check_date, actor, rules, counts)
		VALUES ($1, $1, $2, '系统', '[]', '{}') RETURNING id`, now, date(2026, 9, 28)).Scan(&run))
	must(t, e.db.QueryRowContext(e.ctx, `INSERT INTO assets (code, kind, name, platform, unit_id, status, created_at, updated_at)
		VALUES ($1, 'account', $2, '微信公众号', $3, 'active', $4, $4) RETURNING id`, code, "账号"+code, e.unit[unit].ID, now).Scan(&asset))
	must(t, e.db.QueryRowContext(e.ctx, `INSERT INTO findings (rule_id, subject, kind, unit_id, severity, summary, evidence, fingerprint,
		disposition, status, first_run_id, last_run_id) VALUES ('ACC-STALE', $1, 'account', $2, 'high', $3, '{}', 'fp', 'fix', 'new', $4, $4)
		RETURNING id`, code, e.unit[unit].ID, "账号"+code+"已 200 天未更新", run).Scan(&id))
	_, err := e.db.ExecContext(e.ctx, `INSERT INTO finding_assets (finding_id, asset_id) VALUES ($1, $2)`, id, asset)
	must(t, err)
	return id, asset
}

func TestFromFinding(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		fid, asset := e.finding(t, "BRIG-A", "ACC-1")
		office := e.user["office"]
		in := rectify.ConvertInput{ResponsiblePersonID: e.person["PA1"].ID, DeadlineWorkdays: 3, Measures: "恢复更新或注销账号"}

		t.Run("a bad input converts nothing", func(t *testing.T) {
			bad := in
			bad.ResponsiblePersonID = e.person["PB1"].ID
			e.refused(t, invalid("responsible_person_id"), func() error { _, err := rectify.FromFinding(e.ctx, db, office, fid, bad); return err })
		})
		t.Run("a liaison may not convert", func(t *testing.T) {
			e.refused(t, forbidden, func() error { _, err := rectify.FromFinding(e.ctx, db, e.user["liaisonA"], fid, in); return err })
		})
		t.Run("a lead scoped to another unit does not see the finding", func(t *testing.T) {
			e.refused(t, notFound, func() error { _, err := rectify.FromFinding(e.ctx, db, e.user["leadB"], fid, in); return err })
		})

		it, err := rectify.FromFinding(e.ctx, db, office, fid, in)
		check(t, err, pass)
		if it.Source != rectify.SourceFinding || it.FindingID != fid || it.UnitID != e.unit["BRIG-A"].ID || it.AssetID != asset ||
			it.Title != "公众账号内容不更新" || it.Description != "账号ACC-1已 200 天未更新" || it.Measures != in.Measures ||
			!it.Deadline.Equal(date(2026, 10, 8)) {
			t.Fatalf("converted item %+v", it)
		}
		f, err := analyze.Get(e.ctx, db, office, fid)
		must(t, err)
		if f.Status != analyze.StatusConverted || f.DecidedBy != office.Name || f.DecidedAt == nil {
			t.Fatalf("finding after conversion: %s by %q at %v", f.Status, f.DecidedBy, f.DecidedAt)
		}
		n := e.count(t, `SELECT count(*) FROM audit_log WHERE action = 'convert'`)
		if n != 2 {
			t.Fatalf("%d convert audit entries, want 2 (finding and item)", n)
		}

		t.Run("twice is refused", func(t *testing.T) {
			e.refused(t, conflict, func() error { _, err := rectify.FromFinding(e.ctx, db, office, fid, in); return err })
		})
		t.Run("a dismissed finding is refused", func(t *testing.T) {
			fid2, _ := e.finding(t, "BRIG-A", "ACC-2")
			_, err := analyze.Dismiss(e.ctx, db, office, fid2, "账号已按规定备案")
			must(t, err)
			e.refused(t, conflict, func() error { _, err := rectify.FromFinding(e.ctx, db, office, fid2, in); return err })
		})
		t.Run("MarkConverted refuses twice", func(t *testing.T) {
			err := db.Tx(e.ctx, func(tx *sql.Tx) error { return analyze.MarkConverted(e.ctx, tx, office, fid) })
			check(t, err, conflict)
		})
	})
}
