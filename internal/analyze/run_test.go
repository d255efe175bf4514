package analyze_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

var office = org.Principal{UserID: 0, Name: "办公室", Roles: []org.Role{org.RoleOffice}, Scope: org.Scope{All: true}}

func find(t *testing.T, f *fx, rule, subject string) analyze.Finding {
	t.Helper()
	list, _, err := analyze.List(f.ctx, f.db, office, analyze.Filter{RuleID: rule, Resolved: true, Page: org.Page{Limit: 500}})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range list {
		if x.Subject == subject {
			return x
		}
	}
	t.Fatalf("no finding %s %s", rule, subject)
	return analyze.Finding{}
}

func TestRunRecordsFindings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		buildBureau(f)
		res, err := analyze.Run(f.ctx, db, office, at.Add(15*time.Hour)) // the time of day does not matter
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for id, want := range wantHits {
			total += len(want)
			if got := f.subjects(id); !slices.Equal(got, want) {
				t.Errorf("%s stored %v, want %v", id, got, want)
			}
			if c := res.Counts[id]; c.Firing != len(want) || c.New != len(want) || c.Gone != 0 || c.Unchanged != 0 {
				t.Errorf("%s counts %+v", id, c)
			}
		}
		if res.Firing != total || res.New != total || !res.CheckDate.Equal(at) || len(res.Rules) != 26 {
			t.Errorf("run %+v, want %d new findings on %s", res, total, at)
		}

		// A finding explains itself: rule, basis, threshold and values, the assets concerned.
		st := find(t, f, "ACC-STALE", "A-STALE15")
		var ev map[string]any
		if err := json.Unmarshal(st.Evidence, &ev); err != nil {
			t.Fatal(err)
		}
		if ev["threshold_days"] != 14.0 || ev["days_since"] != 15.0 || ev["last_post_on"] != daysAgo(15).Format("2006-01-02") ||
			st.Title == "" || !strings.HasPrefix(st.Basis, "[N]") || st.Status != analyze.StatusNew || st.Disposition != analyze.Fix ||
			len(st.Assets) != 1 || st.Assets[0].Code != "A-STALE15" || st.Severity != analyze.High || st.FirstRunID != res.ID {
			t.Errorf("finding %+v evidence %v", st, ev)
		}
		dup := find(t, f, "ACC-DUP", "D:微博")
		if len(dup.Assets) != 2 || dup.Assets[0].Code != "A-DUP1" || dup.Assets[1].Code != "A-DUP2" {
			t.Errorf("ACC-DUP assets %+v", dup.Assets)
		}
		// A form repeated by apps of the 支队 and the 总队 is seen from their common ancestor.
		if rf := find(t, f, "APP-REPEATFORMS", "人员信息表"); rf.UnitName != "四川省消防救援总队" {
			t.Errorf("APP-REPEATFORMS unit %s", rf.UnitName)
		}
		last, err := analyze.LastRun(f.ctx, db, office)
		if err != nil || last == nil || last.ID != res.ID || last.Firing != total || last.Counts["APP-MLPS"].Firing != 3 {
			t.Errorf("LastRun %+v, %v", last, err)
		}
		var entries int
		db.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'run' AND object_type = 'analysis_run'`).Scan(&entries)
		if entries != 1 {
			t.Errorf("%d run audit entries", entries)
		}
	})
}

func TestDismissalAndDiff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		b := buildBureau(f)
		if _, err := analyze.Run(f.ctx, db, office, at); err != nil {
			t.Fatal(err)
		}
		stale := find(t, f, "ACC-STALE", "A-STALE15")
		if _, err := analyze.Dismiss(f.ctx, db, office, stale.ID, " "); errs.KindOf(err) != errs.Invalid {
			t.Fatalf("dismiss without reason: %v", err)
		}
		d, err := analyze.Dismiss(f.ctx, db, office, stale.ID, "账号已于本月转为应急发布专用,按需更新")
		if err != nil || d.Status != analyze.StatusDismissed || d.DecidedBy != "办公室" || d.DecidedAt == nil || d.Reason == "" {
			t.Fatalf("dismiss: %+v, %v", d, err)
		}
		if _, err := analyze.Dismiss(f.ctx, db, office, stale.ID, "再次驳回"); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("dismissing twice: %v", err)
		}
		mis := find(t, f, "ACC-MISMATCH", "A-MISMATCH")
		if c, err := analyze.Confirm(f.ctx, db, office, mis.ID); err != nil || c.Status != analyze.StatusConfirmed {
			t.Fatalf("confirm: %+v %v", c, err)
		}
		zombie := find(t, f, "ACC-ZOMBIE", "A-ZOMBIE60")
		if _, err := analyze.Dismiss(f.ctx, db, office, zombie.ID, "已提交注销申请"); err != nil {
			t.Fatal(err)
		}

		// Next day: days since the last post changed, but not the last post itself: stays dismissed.
		// Meanwhile one problem is fixed and a new one appears.
		f.exec(`UPDATE account_details SET interaction = TRUE WHERE asset_id = (SELECT id FROM assets WHERE code = 'A-NOINTERACT')`)
		f.account("A-NEW-UNFILED", b.det, b.detName, map[string]any{"filing_no": ""})
		// The zombie posted long ago again? No: an older last post is new evidence.
		f.exec(`UPDATE account_details SET last_post_on = $1 WHERE asset_id = (SELECT id FROM assets WHERE code = 'A-ZOMBIE60')`, daysAgo(90))
		res, err := analyze.Run(f.ctx, db, office, at.AddDate(0, 0, 1))
		if err != nil {
			t.Fatal(err)
		}
		if s := find(t, f, "ACC-STALE", "A-STALE15"); s.Status != analyze.StatusDismissed || s.LastRunID != res.ID {
			t.Errorf("dismissal lost: %+v", s)
		}
		if s := find(t, f, "ACC-MISMATCH", "A-MISMATCH"); s.Status != analyze.StatusConfirmed {
			t.Errorf("confirmation lost: %+v", s)
		}
		z := find(t, f, "ACC-ZOMBIE", "A-ZOMBIE60")
		if z.Status != analyze.StatusNew || z.Note == "" || res.Reopened != 1 {
			t.Errorf("changed evidence did not reopen: %+v (reopened %d)", z, res.Reopened)
		}
		if c := res.Counts["ACC-NOINTERACT"]; c.Gone != 1 || c.Firing != 0 {
			t.Errorf("ACC-NOINTERACT counts %+v", c)
		}
		if c := res.Counts["ACC-FILING"]; c.New != 1 || c.Unchanged != 1 || c.Firing != 2 {
			t.Errorf("ACC-FILING counts %+v", c)
		}
		// A-STALE59 turns 60 days old on the new check date: gone from ACC-STALE, new in ACC-ZOMBIE.
		if c := res.Counts["ACC-STALE"]; c.Gone != 1 || c.Unchanged != 1 {
			t.Errorf("ACC-STALE counts %+v", c)
		}
		if c := res.Counts["ACC-ZOMBIE"]; c.New != 1 || c.Unchanged != 2 {
			t.Errorf("ACC-ZOMBIE counts %+v", c)
		}
		gone := find(t, f, "ACC-NOINTERACT", "A-NOINTERACT")
		if gone.Open() || gone.ResolvedRunID != res.ID {
			t.Errorf("fixed problem not resolved: %+v", gone)
		}
		open, _, _ := analyze.List(f.ctx, db, office, analyze.Filter{RuleID: "ACC-NOINTERACT"})
		if len(open) != 0 {
			t.Errorf("resolved finding listed as open")
		}
		if _, err := analyze.Confirm(f.ctx, db, office, gone.ID); errs.KindOf(err) != errs.Conflict {
			t.Errorf("confirming a resolved finding: %v", err)
		}
		if res.New+res.Unchanged != res.Firing {
			t.Errorf("run totals %+v", res)
		}

		// The problem comes back: the same finding, open again, new.
		f.exec(`UPDATE account_details SET interaction = FALSE WHERE asset_id = (SELECT id FROM assets WHERE code = 'A-NOINTERACT')`)
		res, err = analyze.Run(f.ctx, db, office, at.AddDate(0, 0, 1))
		if err != nil {
			t.Fatal(err)
		}
		back := find(t, f, "ACC-NOINTERACT", "A-NOINTERACT")
		if back.ID != gone.ID || !back.Open() || back.Status != analyze.StatusNew || res.Counts["ACC-NOINTERACT"].New != 1 || res.Gone != 0 {
			t.Errorf("returning problem: %+v, run %+v", back, res)
		}

		// One audit entry per run, per decision and per reopening.
		count := func(action string) (n int) {
			db.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = $1`, action).Scan(&n)
			return n
		}
		if count("run") != 3 || count("dismiss") != 2 || count("confirm") != 1 || count("reopen") != 1 {
			t.Errorf("audit: run %d dismiss %d confirm %d reopen %d", count("run"), count("dismiss"), count("confirm"), count("reopen"))
		}
		if r, err := audit.Verify(f.ctx, db); err != nil || !r.OK() {
			t.Errorf("audit chain: %+v %v", r, err)
		}
	})
}

func TestStoredConfigRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		buildBureau(f)
		f.exec(`INSERT INTO settings (key, value, updated_at) VALUES ('rule.ACC-STALE.days', '0', $1)`, store.Now())
		_, err := analyze.Run(f.ctx, db, office, at)
		if l, ok := errs.ListOf(err); !ok || l.Items[0].Field != "rule.ACC-STALE.days" {
			t.Fatalf("run with bad stored threshold: %v", err)
		}
		f.exec(`UPDATE settings SET value = '20' WHERE key = 'rule.ACC-STALE.days'`)
		f.exec(`INSERT INTO settings (key, value, updated_at) VALUES ('rule.APP-LEVEL.enabled', '0', $1)`, store.Now())
		res, err := analyze.Run(f.ctx, db, office, at)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.subjects("ACC-STALE"); !slices.Equal(got, []string{"A-STALE59"}) {
			t.Errorf("ACC-STALE at 20 days: %v", got)
		}
		if _, ran := res.Counts["APP-LEVEL"]; ran || len(f.subjects("APP-LEVEL")) != 0 {
			t.Errorf("disabled rule ran")
		}
		if _, err := analyze.Run(f.ctx, db, org.Principal{Name: "员工", Roles: []org.Role{org.RoleStaff}}, at); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("staff ran a check: %v", err)
		}
	})
}

func TestEmptyInventory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		res, err := analyze.Run(f.ctx, db, office, at)
		if err != nil || res.Firing != 0 {
			t.Fatalf("empty run: %+v %v", res, err)
		}
		if list, total, err := analyze.List(f.ctx, db, office, analyze.Filter{}); err != nil || total != 0 || len(list) != 0 {
			t.Fatalf("empty list: %v %d %v", list, total, err)
		}
	})
}

func TestListScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		b := buildBureau(f)
		other, otherPath := f.unit("D2", "绵阳市消防救援支队", org.Detachment, b.corps)
		f.account("A-OTHER", other, "绵阳市消防救援支队", map[string]any{"interaction": false})
		if _, err := analyze.Run(f.ctx, db, office, at); err != nil {
			t.Fatal(err)
		}
		liaison := org.Principal{Name: "联络员", Roles: []org.Role{org.RoleLiaison}, Scope: org.Scope{UnitID: other, Path: otherPath}}
		list, total, err := analyze.List(f.ctx, db, liaison, analyze.Filter{})
		if err != nil || total != 1 || len(list) != 1 || list[0].Subject != "A-OTHER" {
			t.Fatalf("liaison sees %d: %+v %v", total, list, err)
		}
		mine := find(t, f, "ACC-NOINTERACT", "A-NOINTERACT")
		if _, err := analyze.Get(f.ctx, db, liaison, mine.ID); errs.KindOf(err) != errs.NotFound {
			t.Errorf("out-of-scope Get: %v", err)
		}
		if _, _, err := analyze.List(f.ctx, db, liaison, analyze.Filter{UnitID: b.det}); errs.KindOf(err) != errs.NotFound {
			t.Errorf("out-of-scope unit filter: %v", err)
		}
		if _, err := analyze.Dismiss(f.ctx, db, liaison, mine.ID, "不是我们的"); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("liaison dismissed: %v", err)
		}
		if last, _ := analyze.LastRun(f.ctx, db, liaison); last == nil || last.Firing != 0 || last.Counts != nil {
			t.Errorf("scoped LastRun leaks counts: %+v", last)
		}
		if _, _, err := analyze.List(f.ctx, db, org.Principal{Roles: []org.Role{org.RoleStaff}, Scope: org.Scope{All: true}}, analyze.Filter{}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("staff listed findings: %v", err)
		}

		// Filters and paging.
		all, total, _ := analyze.List(f.ctx, db, office, analyze.Filter{})
		if total != 26 || len(all) != 26 {
			t.Errorf("office sees %d (%d)", total, len(all))
		}
		page, total, _ := analyze.List(f.ctx, db, office, analyze.Filter{Page: org.Page{Limit: 5, Offset: 25}})
		if total != 26 || len(page) != 1 {
			t.Errorf("last page %d of %d", len(page), total)
		}
		if _, total, _ = analyze.List(f.ctx, db, office, analyze.Filter{Page: org.Page{Limit: 5, Offset: 100}}); total != 26 {
			t.Errorf("past the end total %d", total)
		}
		for i := 1; i < len(all); i++ {
			if rank(all[i].Severity) < rank(all[i-1].Severity) {
				t.Errorf("not ordered by severity at %d", i)
			}
		}
		if l, _, _ := analyze.List(f.ctx, db, office, analyze.Filter{Severity: analyze.Low}); len(l) != 2 {
			t.Errorf("low severity: %d", len(l)) // ACC-MISMATCH, GRP-EXTERNAL
		}
		if l, _, _ := analyze.List(f.ctx, db, office, analyze.Filter{UnitID: b.brigade}); len(l) != 2 {
			t.Errorf("brigade subtree: %d", len(l)) // APP-LEVEL of the 大队 and of its 站
		}
		if l, _, _ := analyze.List(f.ctx, db, office, analyze.Filter{AssetCode: "P-CHECKIN"}); len(l) != 2 {
			t.Errorf("asset P-CHECKIN: %d", len(l)) // APP-FORCED, APP-UPLOADS
		}
		if l, _, _ := analyze.List(f.ctx, db, office, analyze.Filter{AssetCode: "P-FORM2"}); len(l) != 1 || l[0].RuleID != "APP-REPEATFORMS" {
			t.Errorf("asset P-FORM2: %+v", l)
		}
		if l, _, _ := analyze.List(f.ctx, db, office, analyze.Filter{Status: analyze.StatusDismissed}); len(l) != 0 {
			t.Errorf("dismissed: %d", len(l))
		}
	})
}

func rank(s analyze.Severity) int {
	return map[analyze.Severity]int{analyze.High: 0, analyze.Medium: 1, analyze.Low: 2}[s]
}

// Two runs at once (two instances on one PostgreSQL, or a button and a schedule) are serialised:
// the later one diffs against the earlier one and finds everything unchanged.
func TestConcurrentRuns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		buildBureau(f)
		results := make(chan *analyze.RunResult, 2)
		errc := make(chan error, 2)
		for range 2 {
			go func() {
				r, err := analyze.Run(f.ctx, db, office, at)
				results <- r
				errc <- err
			}()
		}
		var runs []*analyze.RunResult
		for range 2 {
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
			runs = append(runs, <-results)
		}
		if runs[0].ID > runs[1].ID {
			runs[0], runs[1] = runs[1], runs[0]
		}
		if runs[0].New != 25 || runs[1].New != 0 || runs[1].Unchanged != 25 {
			t.Errorf("first run new %d, second new %d unchanged %d", runs[0].New, runs[1].New, runs[1].Unchanged)
		}
	})
}
