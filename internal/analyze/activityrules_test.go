package analyze_test

import (
	"slices"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// TestActivityRules puts each group and app just on one side of its rule's threshold, with
// rollup rows written directly: the rules read the rollups, not how they were made.
func TestActivityRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		root, _ := f.unit("R", "总队", org.Corps, 0)
		day := func(group int64, daysAgo int, messages, after, demands int) {
			f.exec(`INSERT INTO act_group_days (group_id, day, messages, after_hours, demands) VALUES ($1, $2, $3, $4, $5)`,
				group, at.AddDate(0, 0, -daysAgo), messages, after, demands)
		}
		// The bureau's data reaches back 90 days (an unrelated group's first day).
		anchor := f.group("ANCHOR", root, 0, nil)
		day(anchor, 89, 1, 0, 0)
		day(anchor, 0, 1, 0, 0)

		// GRP-IDLE (60 days): last message 60 days ago is outside the window; 59 days ago inside.
		day(f.group("IDLE-60", root, 0, nil), 60, 5, 0, 0)
		day(f.group("LIVE-59", root, 0, nil), 59, 5, 0, 0)
		f.group("IDLE-NEVER", root, 0, map[string]any{})
		f.exec(`UPDATE assets SET opened_on = $1 WHERE code = 'IDLE-NEVER'`, at.AddDate(0, 0, -200))
		young := f.group("YOUNG", root, 0, nil) // opened 10 days ago: too young to be idle
		f.exec(`UPDATE assets SET opened_on = $1 WHERE id = $2`, at.AddDate(0, 0, -10), young)

		// GRP-AFTERHOURS (30 days, > 30%, at least 20 messages).
		day(f.group("AH-31", root, 0, nil), 3, 100, 31, 0)
		day(f.group("AH-30", root, 0, nil), 3, 100, 30, 0)
		day(f.group("AH-FEW", root, 0, nil), 3, 19, 19, 0) // too few to judge
		old := f.group("AH-OLD", root, 0, nil)
		day(old, 30, 100, 100, 0) // outside the 30-day window
		day(old, 1, 1, 0, 0)

		// GRP-FORCED (30 days, ≥ 10% and ≥ 1 a working day; 2026-10-02..10-31 has 18 working days:
		// 国庆 ends on 10-07 and the Saturday 10-10 is worked).
		day(f.group("FORCED", root, 0, nil), 5, 180, 0, 18)
		day(f.group("FEW-DEMANDS", root, 0, nil), 5, 100, 0, 17) // 17%, but under one a working day
		day(f.group("DILUTED", root, 0, nil), 5, 1000, 0, 99)    // 99 demands, 9.9%

		// APP-LOWUSE (30 days, mean active < 20% of target, at least 7 days reported).
		appDays := func(code string, target, active, days int) {
			id := f.app(code, root, nil)
			f.exec(`UPDATE app_details SET target_count = $1 WHERE asset_id = $2`, target, id)
			for i := range days {
				f.exec(`INSERT INTO act_app_days (app_id, day, active_users) VALUES ($1, $2, $3)`, id, at.AddDate(0, 0, -i), active)
			}
		}
		appDays("LOW", 100, 19, 10)
		appDays("ENOUGH", 100, 20, 10)
		appDays("SHORT", 100, 1, 6)
		appDays("NOTARGET", 0, 1, 10)

		cfg := analyze.Defaults()
		got := f.check(cfg, at)
		for _, c := range []struct {
			rule string
			want []string
		}{
			{"GRP-IDLE", []string{"IDLE-60", "IDLE-NEVER"}},
			{"GRP-AFTERHOURS", []string{"AH-31"}},
			{"GRP-FORCED", []string{"FORCED"}},
			{"APP-LOWUSE", []string{"LOW"}},
		} {
			if !slices.Equal(got[c.rule], c.want) {
				t.Errorf("%s = %v, want %v", c.rule, got[c.rule], c.want)
			}
		}

		// With data for less than the window, silence proves nothing.
		f.exec(`DELETE FROM act_group_days WHERE day < $1`, at.AddDate(0, 0, -50))
		if got := f.check(cfg, at); len(got["GRP-IDLE"]) != 0 {
			t.Errorf("GRP-IDLE with 50 days of data: %v", got["GRP-IDLE"])
		}
	})
}
