package catalog_test

import (
	"sync"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// race runs two calls at the same moment and returns their errors.
func race(a, b func() error) [2]error {
	var wg sync.WaitGroup
	start := make(chan struct{})
	var res [2]error
	for i, call := range []func() error{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res[i] = call()
		}()
	}
	close(start)
	wg.Wait()
	return res
}

// oneWins checks that exactly one call succeeded and the other was refused as a conflict.
func oneWins(t *testing.T, res [2]error) {
	t.Helper()
	ok := 0
	for _, err := range res {
		switch {
		case err == nil:
			ok++
		case !errs.Is(err, errs.Conflict):
			t.Fatalf("the loser got %v (kind %s), want a conflict", err, errs.KindOf(err).Code())
		}
	}
	if ok != 1 {
		t.Fatalf("%d of 2 concurrent calls succeeded (%v), want exactly 1", ok, res)
	}
}

// TestConcurrentChanges: two callers (two instances on PostgreSQL) change the same asset at the
// same moment. The state machine must hold as if they had come one after the other.
func TestConcurrentChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.fixture(t)
		sys := org.System
		// Pairs of moves that no serial order lets both succeed.
		t.Run("approve and reject at once: one wins, one history entry", func(t *testing.T) {
			for range 10 {
				a := e.asset(t, catalog.App, f.stA, catalog.Applying)
				oneWins(t, race(
					func() error { _, err := e.s.Transition(e.ctx, sys, a.ID, catalog.Active, "并发批准"); return err },
					func() error { _, err := e.s.Transition(e.ctx, sys, a.ID, catalog.Rejected, "并发驳回"); return err }))
				if n := e.count(t, `SELECT count(*) FROM asset_events WHERE asset_id = $1 AND action = 'transition'`, a.ID); n != 1 {
					t.Fatalf("%d transition events, want 1", n)
				}
			}
		})
		t.Run("retire twice at once: one wins", func(t *testing.T) {
			for range 10 {
				a := e.asset(t, catalog.Account, f.stA, catalog.Rectifying)
				oneWins(t, race(
					func() error { _, err := e.s.Transition(e.ctx, sys, a.ID, catalog.Retired, "并发注销"); return err },
					func() error { _, err := e.s.Transition(e.ctx, sys, a.ID, catalog.Retired, "并发注销"); return err }))
			}
		})
		t.Run("merge and retire the source at once: one wins", func(t *testing.T) {
			for range 10 {
				g := e.asset(t, catalog.Group, f.stA, catalog.Active)
				into := e.asset(t, catalog.Group, f.stA, catalog.Active)
				oneWins(t, race(
					func() error { _, err := e.s.Merge(e.ctx, sys, g.ID, into.ID, "并发合并"); return err },
					func() error { _, err := e.s.Transition(e.ctx, sys, g.ID, catalog.Retired, "并发解散"); return err }))
			}
		})
		t.Run("merge into a target being retired: never into a retired target", func(t *testing.T) {
			for range 10 {
				g := e.asset(t, catalog.Group, f.stA, catalog.Active)
				into := e.asset(t, catalog.Group, f.stA, catalog.Active)
				_, err := e.s.SetMembers(e.ctx, sys, g.ID, []catalog.MemberInput{{PersonCode: "PA1"}})
				must(t, err)
				res := race(
					func() error { _, err := e.s.Merge(e.ctx, sys, g.ID, into.ID, "并发合并"); return err },
					func() error {
						_, err := e.s.Transition(e.ctx, sys, into.ID, catalog.Retired, "并发解散")
						return err
					})
				if res[1] != nil {
					t.Fatalf("retiring the target failed: %v", res[1])
				}
				// Either the merge came first (then the retired group received the members while
				// live) or it was refused; it must never land after the retirement.
				var mergedIn, retired int64
				must(t, e.db.QueryRowContext(e.ctx, `SELECT COALESCE(max(CASE WHEN action = 'merged_in' THEN id END), 0),
					COALESCE(max(CASE WHEN action = 'transition' THEN id END), 0) FROM asset_events WHERE asset_id = $1`, into.ID).Scan(&mergedIn, &retired))
				if res[0] == nil && mergedIn > retired {
					t.Fatalf("merged into a group after it was dissolved")
				}
				if res[0] != nil && (mergedIn != 0 || e.get(t, g.ID).Status != catalog.Active) {
					t.Fatalf("refused merge %v left traces", res[0])
				}
				if res[0] != nil && !errs.Is(res[0], errs.Conflict) && !errs.Is(res[0], errs.Invalid) {
					t.Fatalf("refused merge: %v", res[0])
				}
			}
		})
		t.Run("two member lists at once: one of them, counted right", func(t *testing.T) {
			for range 10 {
				g := e.asset(t, catalog.Group, f.stA, catalog.Active)
				res := race(
					func() error {
						_, err := e.s.SetMembers(e.ctx, sys, g.ID, []catalog.MemberInput{{PersonCode: "PA1"}, {PersonCode: "PA2"}})
						return err
					},
					func() error {
						_, err := e.s.SetMembers(e.ctx, sys, g.ID, []catalog.MemberInput{{PersonCode: "PA1"}, {PersonCode: "PB1"}, {ExternalName: "张三"}})
						return err
					})
				for _, err := range res {
					if err != nil {
						t.Fatalf("SetMembers: %v", err)
					}
				}
				rows := e.count(t, `SELECT count(*) FROM group_members WHERE group_id = $1`, g.ID)
				if c := e.get(t, g.ID).Group.MemberCount; (rows != 2 && rows != 3) || c != rows {
					t.Fatalf("%d member rows, member_count %d: the lists mixed", rows, c)
				}
			}
		})
	})
}
