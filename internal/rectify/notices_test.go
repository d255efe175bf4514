package rectify_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/notify"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/rectify"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// TestNotices: the responsible person is told when an item is assigned, sent back and closed,
// once per event; a second rejection is a new event.
func TestNotices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		it := e.item(t, "BRIG-A", "PA1", rectify.Review)
		must(t, func() error {
			_, err := rectify.Reject(e.ctx, db, e.user["lead"], it.ID, "缺少证明材料")
			return err
		}())
		must(t, func() error {
			_, err := rectify.Submit(e.ctx, db, e.user["office"], it.ID, "已补充材料")
			return err
		}())
		must(t, func() error {
			_, err := rectify.Reject(e.ctx, db, e.user["lead"], it.ID, "材料不清晰")
			return err
		}())
		must(t, func() error {
			_, err := rectify.Submit(e.ctx, db, e.user["office"], it.ID, "已重新上传")
			return err
		}())
		must(t, func() error {
			_, err := rectify.Verify(e.ctx, db, e.user["office2"], it.ID, "核实无误")
			return err
		}())
		list, _, err := notify.List(e.ctx, db, e.person["PA1"].ID, false, org.Page{Limit: 50})
		must(t, err)
		var assigned, rejected, closed int
		for _, n := range list {
			switch {
			case n.Link != "/ledger/"+strconv.FormatInt(it.ID, 10):
				t.Errorf("notice links to %q", n.Link)
			case strings.Contains(n.Title, "新的整改事项"):
				assigned++
			case strings.Contains(n.Title, "被退回"):
				rejected++
			case strings.Contains(n.Title, "已验收销号"):
				closed++
			}
		}
		if assigned != 1 || rejected != 2 || closed != 1 || len(list) != 4 {
			t.Errorf("notices %d assigned, %d rejected, %d closed of %d; want 1, 2, 1 of 4", assigned, rejected, closed, len(list))
		}
		// Nobody else was told.
		others, _, _ := notify.List(e.ctx, db, e.person["PB1"].ID, false, org.Page{Limit: 50})
		if len(others) != 0 {
			t.Errorf("another person has %d notices", len(others))
		}
	})
}
