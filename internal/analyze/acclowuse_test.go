package analyze_test

import (
	"slices"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// TestAccLowUse puts accounts on both sides of a tenth of their peers' median, and a platform
// with too few peers to compare.
func TestAccLowUse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		root, _ := f.unit("R", "总队", org.Corps, 0)
		d, _ := f.unit("D", "成都市消防救援支队", org.Detachment, root)
		d2, _ := f.unit("D2", "绵阳市消防救援支队", org.Detachment, root)
		account := func(code string, unit int64, platform string, followers int) {
			id := f.account(code, unit, "x", map[string]any{"platform": platform})
			f.exec(`UPDATE account_details SET followers = $1 WHERE asset_id = $2`, followers, id)
		}
		// Five 支队 accounts on 微博: median 1000; 99 is under a tenth, 100 is not.
		account("W-1", d, "微博", 1000)
		account("W-2", d2, "微博", 1000)
		account("W-3", d, "微博", 2000)
		account("W-LOW", d2, "微博", 99)
		account("W-EDGE", d, "微博", 100)
		// The 总队's own 微博 account is compared with other 总队 accounts, of which there are none.
		account("W-CORPS", root, "微博", 1)
		// Four 抖音 accounts: too few peers.
		for _, c := range []string{"T-1", "T-2", "T-3"} {
			account(c, d, "抖音", 5000)
		}
		account("T-LOW", d2, "抖音", 1)
		got := f.check(analyze.Defaults(), at)["ACC-LOWUSE"]
		// The 支队 微博 median is of 1000, 1000, 2000, 99, 100: 1000.
		if !slices.Equal(got, []string{"W-LOW"}) {
			t.Errorf("ACC-LOWUSE = %v, want [W-LOW]", got)
		}
	})
}
