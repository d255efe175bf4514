package rectify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/rectify"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// TestUpdate: the office changes an open item and moves its deadline (延期) with a reason, counted
// in working days across 国庆; units cannot move their own deadlines; closed items are final.
func TestUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		setClock(t, shanghai(2026, 9, 28))
		it := e.item(t, "BRIG-A", "PA1", rectify.InProgress)
		base := func(mod func(*rectify.UpdateInput)) rectify.UpdateInput {
			u := rectify.UpdateInput{Title: it.Title, Description: it.Description, Measures: it.Measures, ResponsiblePersonID: it.ResponsiblePersonID}
			if mod != nil {
				mod(&u)
			}
			return u
		}
		for _, c := range []struct {
			name string
			who  string
			in   rectify.UpdateInput
			want want
		}{
			{"a liaison moves its own deadline", "liaisonA", base(func(u *rectify.UpdateInput) { u.DeadlineWorkdays = 30; u.Reason = "工作量大" }),
				want{kind: errs.Forbidden}},
			{"no reason for a new deadline", "office", base(func(u *rectify.UpdateInput) { u.DeadlineWorkdays = 30 }), invalid("reason")},
			{"a deadline in the past", "office", base(func(u *rectify.UpdateInput) {
				u.Deadline = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
				u.Reason = "补录"
			}),
				invalid("deadline")},
			{"empty title", "office", base(func(u *rectify.UpdateInput) { u.Title = " " }), invalid("title")},
			{"a person of another unit", "office", base(func(u *rectify.UpdateInput) { u.ResponsiblePersonID = e.person["PB1"].ID }),
				invalid("responsible_person_id")},
		} {
			t.Run(c.name, func(t *testing.T) {
				e.refused(t, c.want, func() error { _, err := rectify.Update(e.ctx, db, e.user[c.who], it.ID, c.in); return err })
			})
		}
		// Five working days from Monday 09-28: 09-29, 09-30, then 国庆 to 10-07, then 10-08,
		// 10-09 and the 调休 Saturday 10-10.
		got, err := rectify.Update(e.ctx, db, e.user["office"], it.ID, base(func(u *rectify.UpdateInput) {
			u.Title = "工作群组过多(合并)"
			u.DeadlineWorkdays = 5
			u.Reason = "需等待平台方配合"
		}))
		check(t, err, pass)
		if want := time.Date(2026, 10, 10, 0, 0, 0, 0, time.UTC); !got.Deadline.Equal(want) || got.Title != "工作群组过多(合并)" ||
			got.Status != rectify.InProgress {
			t.Fatalf("updated item: deadline %s title %q status %s", got.Deadline.Format(time.DateOnly), got.Title, got.Status)
		}
		d, err := rectify.Get(e.ctx, db, e.user["office"], it.ID)
		must(t, err)
		h := d.History[len(d.History)-1]
		if h.Action != "extend" || !strings.Contains(h.Reason, "需等待平台方配合") || !strings.Contains(h.Reason, "2026-10-10") {
			t.Errorf("history %+v", h)
		}
		if a := e.lastAudit(t); a.Action != "extend" {
			t.Errorf("audit action %q", a.Action)
		}
		// Without a new deadline the deadline stays and no reason is needed.
		got, err = rectify.Update(e.ctx, db, e.user["lead"], it.ID, base(func(u *rectify.UpdateInput) { u.Measures = "合并并精简群成员" }))
		check(t, err, pass)
		if !got.Deadline.Equal(time.Date(2026, 10, 10, 0, 0, 0, 0, time.UTC)) || got.Measures != "合并并精简群成员" {
			t.Errorf("plain edit changed the deadline to %s", got.Deadline.Format(time.DateOnly))
		}
		closed := e.item(t, "BRIG-A", "PA1", rectify.Closed)
		e.refused(t, want{kind: errs.Conflict}, func() error {
			_, err := rectify.Update(e.ctx, db, e.user["office"], closed.ID, rectify.UpdateInput{Title: "x", ResponsiblePersonID: closed.ResponsiblePersonID})
			return err
		})
	})
}
