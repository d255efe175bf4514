package rectify_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/rectify"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// notes records reminders, and checks they come inside the step's transaction by writing
// through q.
type notes struct {
	mu   sync.Mutex
	sent []string // "person key"
}

func (n *notes) Notify(ctx context.Context, q store.Querier, personID int64, key, title, body, link string) error {
	var one int
	if err := q.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, fmt.Sprintf("%d %s", personID, key))
	return nil
}

// TestEscalate walks a simulated clock through 国庆 2026 for an item due Wednesday 09-30:
// the first overdue working day is Thursday 10-08 (day 0), then 10-09 (1), Saturday 10-10
// (2, worked), 10-12 (3), … 10-16 (7), … 10-28 (15).
func TestEscalate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		in := e.input("BRIG-A", "PA1")
		in.DeadlineWorkdays, in.Deadline = 0, date(2026, 9, 30)
		it, err := rectify.Create(e.ctx, db, e.user["admin"], in)
		must(t, err)
		// An item closed in time never escalates; one due later starts later.
		closed := e.item(t, "BRIG-B", "PB1", rectify.Closed)
		n := &notes{}
		wantOn := map[string]rectify.StepAction{
			"2026-10-08": rectify.RemindResponsible,
			"2026-10-12": rectify.RemindUnitHead,
			"2026-10-16": rectify.StepTalk,
			"2026-10-28": rectify.StepNotice,
		}
		for d := date(2026, 9, 29); !d.After(date(2026, 11, 6)); d = d.AddDate(0, 0, 1) {
			day := d.Format(time.DateOnly)
			now := shanghai(d.Year(), d.Month(), d.Day())
			res, err := rectify.Escalate(e.ctx, db, now, nil, n)
			must(t, err)
			var got []rectify.StepAction
			for _, f := range res.Fired {
				if f.ItemID == closed.ID {
					t.Fatalf("%s: a closed item escalated", day)
				}
				got = append(got, f.Action)
			}
			want, ok := wantOn[day]
			if ok != (len(got) == 1) || ok && got[0] != want || len(got) > 1 {
				t.Fatalf("%s: fired %v, want %v", day, got, want)
			}
			if holiday := d.Month() == 10 && d.Day() >= 1 && d.Day() <= 7; holiday && !res.RestDay {
				t.Fatalf("%s: a holiday was not treated as a rest day", day)
			}
			if day == "2026-10-10" && res.RestDay {
				t.Fatal("the worked Saturday 10-10 was treated as a rest day")
			}
			// A second run the same day takes nothing.
			again, err := rectify.Escalate(e.ctx, db, now.Add(time.Hour), nil, n)
			must(t, err)
			if len(again.Fired) != 0 {
				t.Fatalf("%s: the second run fired %v", day, again.Fired)
			}
		}
		resp, headA, headA2 := e.person["PA1"].ID, e.person["P-BRIG-A"].ID, e.person["PA1"].ID
		wantSent := []string{
			fmt.Sprintf("%d ledger:%d:step:1", resp, it.ID),
			fmt.Sprintf("%d ledger:%d:step:2", min(headA, headA2), it.ID),
			fmt.Sprintf("%d ledger:%d:step:2", max(headA, headA2), it.ID),
		}
		if fmt.Sprint(n.sent) != fmt.Sprint(wantSent) {
			t.Fatalf("reminders %v, want %v", n.sent, wantSent)
		}
		d, err := rectify.Get(e.ctx, db, e.user["office"], it.ID)
		must(t, err)
		if d.EscalationLevel != 4 {
			t.Fatalf("escalation level %d, want 4", d.EscalationLevel)
		}
		if len(d.Accountability) != 2 || d.Accountability[0].Kind != rectify.KindTalk || !d.Accountability[0].On.Equal(date(2026, 10, 16)) ||
			d.Accountability[1].Kind != rectify.KindNotice || !d.Accountability[1].On.Equal(date(2026, 10, 28)) {
			t.Fatalf("accountability %+v", d.Accountability)
		}
		escalations := 0
		for _, h := range d.History {
			if h.Action == "escalate" {
				escalations++
			}
		}
		if escalations != 4 {
			t.Fatalf("%d escalation history rows, want 4", escalations)
		}
		if got := e.count(t, `SELECT count(*) FROM audit_log WHERE action = 'escalate' AND object_id = $1`, fmt.Sprint(it.ID)); got != 4 {
			t.Fatalf("%d escalation audit entries, want 4", got)
		}
	})
}

// TestEscalateCatchUp checks that a run after a long pause takes every step due, each once,
// and that two runs at once (two instances) take each step once between them.
func TestEscalateCatchUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var ids []int64
		for i := 0; i < 5; i++ {
			in := e.input("ST-A", "PA2")
			in.DeadlineWorkdays, in.Deadline = 0, date(2026, 9, 30)
			it, err := rectify.Create(e.ctx, db, e.user["admin"], in)
			must(t, err)
			ids = append(ids, it.ID)
		}
		n := &notes{}
		var wg sync.WaitGroup
		results := make([]rectify.Result, 2)
		errors := make([]error, 2)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errors[i] = rectify.Escalate(e.ctx, db, shanghai(2026, 10, 30), nil, n)
			}()
		}
		wg.Wait()
		fired := 0
		for i := range results {
			must(t, errors[i])
			fired += len(results[i].Fired)
		}
		if fired != 4*len(ids) {
			t.Fatalf("two concurrent runs fired %d steps, want %d", fired, 4*len(ids))
		}
		for _, id := range ids {
			if got := e.count(t, `SELECT count(*) FROM ledger_history WHERE item_id = $1 AND action = 'escalate'`, id); got != 4 {
				t.Fatalf("item %d has %d escalation rows, want 4", id, got)
			}
			if got := e.count(t, `SELECT count(*) FROM ledger_accountability WHERE item_id = $1`, id); got != 2 {
				t.Fatalf("item %d has %d accountability records, want 2", id, got)
			}
		}
		// ST-A has no liaison: the unit head reminder goes to BRIG-A's two liaisons.
		if len(n.sent) != 3*len(ids) {
			t.Fatalf("%d reminders, want %d", len(n.sent), 3*len(ids))
		}
		t.Run("custom ladder and a nil notifier", func(t *testing.T) {
			in := e.input("ST-A", "PA2")
			in.DeadlineWorkdays, in.Deadline = 0, date(2026, 10, 29)
			it, err := rectify.Create(e.ctx, db, e.user["admin"], in)
			must(t, err)
			res, err := rectify.Escalate(e.ctx, db, shanghai(2026, 10, 30), []rectify.Step{{Days: 0, Action: rectify.StepNotice}}, nil)
			must(t, err)
			if len(res.Fired) != 1 || res.Fired[0].ItemID != it.ID || res.Fired[0].Action != rectify.StepNotice {
				t.Fatalf("fired %+v", res.Fired)
			}
			_, err = rectify.Escalate(e.ctx, db, shanghai(2026, 10, 30), []rectify.Step{{Days: 3, Action: "fire"}}, nil)
			check(t, err, invalid("steps"))
		})
	})
}
