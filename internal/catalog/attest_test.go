package catalog_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func TestAttestation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.fixture(t)
		me := f.pid("P-BRIG-A") // liaisonA's person
		mine := func(in *catalog.Input) { in.OwnerCode = "P-BRIG-A" }
		var own catalog.Asset
		t.Run("the owner's own record needs no confirmation", func(t *testing.T) {
			start := time.Now().Add(-time.Second)
			own = e.create(t, f.liaisonA, input(catalog.Group, f.brigA, mine))
			if own.NeedsAttest {
				t.Fatalf("created by its owner, yet 待确认")
			}
			if own.AttestedAt.Before(start) || own.AttestedBy != f.liaisonA.Name {
				t.Fatalf("entering the record is the owner's confirmation: attested %v by %q", own.AttestedAt, own.AttestedBy)
			}
		})
		t.Run("a record entered by someone else waits for the owner", func(t *testing.T) {
			a := e.create(t, f.admin, input(catalog.Group, f.brigA, mine))
			if !a.NeedsAttest || !a.AttestedAt.IsZero() {
				t.Fatalf("needs_attest %v attested_at %v", a.NeedsAttest, a.AttestedAt)
			}
		})
		t.Run("a record without an owner waits", func(t *testing.T) {
			a := e.create(t, f.liaisonA, input(catalog.App, f.brigA))
			if !a.NeedsAttest {
				t.Fatalf("ownerless record is not 待确认")
			}
		})
		t.Run("an edit by someone else marks it again", func(t *testing.T) {
			in := input(catalog.Group, f.brigA, mine)
			in.Code, in.Name = own.Code, "改过的名称"
			a, err := e.s.Update(e.ctx, f.admin, own.ID, in)
			check(t, err, pass)
			if !a.NeedsAttest {
				t.Fatalf("edited by the office, yet not 待确认")
			}
		})
		t.Run("an edit by the owner is a confirmation", func(t *testing.T) {
			in := input(catalog.Group, f.brigA, mine)
			in.Code, in.Name = own.Code, "自己改的名称"
			a, err := e.s.Update(e.ctx, f.liaisonA, own.ID, in)
			check(t, err, pass)
			if a.NeedsAttest || a.AttestedAt.IsZero() {
				t.Fatalf("edited by the owner: needs_attest %v attested_at %v", a.NeedsAttest, a.AttestedAt)
			}
		})
		t.Run("Attest by the owner clears the flag with an event and an audit entry", func(t *testing.T) {
			a := e.create(t, f.admin, input(catalog.Account, f.brigB, mine))
			b := e.create(t, f.admin, input(catalog.App, f.stB, mine))
			n, events := e.auditLen(t), e.eventCount(t, a.ID)
			start := time.Now().Add(-time.Second)
			got, err := e.s.Attest(e.ctx, f.liaisonA, me, []int64{a.ID, b.ID})
			check(t, err, pass)
			if got != 2 {
				t.Fatalf("attested %d, want 2", got)
			}
			if e.auditLen(t) != n+2 || e.eventCount(t, a.ID) != events+1 {
				t.Fatalf("audit %d → %d, events %d → %d", n, e.auditLen(t), events, e.eventCount(t, a.ID))
			}
			for _, id := range []int64{a.ID, b.ID} {
				x := e.get(t, id)
				if x.NeedsAttest || x.AttestedAt.Before(start) || x.AttestedBy != f.liaisonA.Name {
					t.Fatalf("after attest: %v %v %q", x.NeedsAttest, x.AttestedAt, x.AttestedBy)
				}
				if ev := e.lastEvent(t, id); ev.action != "attest" || ev.actor != f.liaisonA.Name {
					t.Fatalf("event %+v", ev)
				}
			}
			en := e.lastAudit(t)
			if en.Action != "attest" || en.ObjectID != strconv.FormatInt(b.ID, 10) || en.ActorID != f.liaisonA.UserID || state(t, en.After)["attested_at"] == nil {
				t.Fatalf("audit %+v", en)
			}
		})
		t.Run("one id twice is confirmed once", func(t *testing.T) {
			a := e.create(t, f.admin, input(catalog.App, f.stA, mine))
			n := e.auditLen(t)
			got, err := e.s.Attest(e.ctx, f.liaisonA, me, []int64{a.ID, a.ID})
			check(t, err, pass)
			if got != 1 || e.auditLen(t) != n+1 {
				t.Fatalf("attested %d with %d audit entries", got, e.auditLen(t)-n)
			}
		})
		t.Run("a retired record is skipped", func(t *testing.T) {
			live := e.create(t, f.admin, input(catalog.App, f.stA, mine))
			gone := e.asset(t, catalog.App, f.stA, catalog.Retired, mine)
			got, err := e.s.Attest(e.ctx, f.liaisonA, me, []int64{live.ID, gone.ID})
			check(t, err, pass)
			if got != 1 || !e.get(t, gone.ID).NeedsAttest {
				t.Fatalf("attested %d", got)
			}
		})
		other := e.create(t, f.admin, input(catalog.App, f.stA, func(in *catalog.Input) { in.OwnerCode = "PA1" }))
		ownerless := e.create(t, f.admin, input(catalog.App, f.stA))
		pending := e.create(t, f.admin, input(catalog.App, f.stA, mine))
		for _, c := range []struct {
			name   string
			p      org.Principal
			person int64
			ids    []int64
			want   want
		}{
			{"a list with someone else's record is refused as a whole", f.liaisonA, me, []int64{pending.ID, other.ID}, forbidden},
			{"an ownerless record is refused", f.liaisonA, me, []int64{pending.ID, ownerless.ID}, forbidden},
			{"an unknown id is refused", f.liaisonA, me, []int64{pending.ID, other.ID + 100000}, forbidden},
			{"a login without a person may not confirm", f.liaisonA, 0, []int64{pending.ID}, forbidden},
			{"confirming as another person is refused", f.leadA, me, []int64{pending.ID}, forbidden},
			{"an empty list is invalid", f.liaisonA, me, nil, invalid("ids")},
			{"more than 500 ids are invalid", f.liaisonA, me, make([]int64, org.MaxPage+1), invalid("ids")},
		} {
			t.Run(c.name, func(t *testing.T) {
				e.refused(t, c.want, func() error {
					_, err := e.s.Attest(e.ctx, c.p, c.person, c.ids)
					return err
				})
			})
		}
	})
}

// TestMarkDue: the periodic job flags live records not confirmed within the period, and
// nothing else; the period is the setting catalog.attest_months.
func TestMarkDue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.fixture(t)
		mine := func(in *catalog.Input) { in.OwnerCode = "P-BRIG-A" }
		me := f.pid("P-BRIG-A")
		now := time.Now().UTC()
		fresh := e.create(t, f.liaisonA, input(catalog.App, f.stA, mine)) // confirmed by entering it
		old := e.create(t, f.admin, input(catalog.App, f.stA, mine))
		oldRect := e.create(t, f.admin, input(catalog.Group, f.stA, mine))
		oldRetired := e.create(t, f.admin, input(catalog.Account, f.stA, mine))
		oldMerged := e.create(t, f.admin, input(catalog.Account, f.stA, mine))
		oldApplying := e.create(t, f.admin, input(catalog.App, f.stA, func(in *catalog.Input) { in.OwnerCode, in.Status = "P-BRIG-A", catalog.Applying }))
		_, err := e.s.Attest(e.ctx, f.liaisonA, me, []int64{old.ID, oldRect.ID, oldRetired.ID, oldMerged.ID})
		must(t, err)
		_, err = e.s.Transition(e.ctx, org.System, oldRect.ID, catalog.Rectifying, "整改")
		must(t, err)
		_, err = e.s.Transition(e.ctx, org.System, oldRetired.ID, catalog.Retired, "注销")
		must(t, err)
		_, err = e.s.Merge(e.ctx, org.System, oldMerged.ID, e.create(t, org.System, input(catalog.Account, f.stA)).ID, "合并")
		must(t, err)
		// Seven months ago, by hand: Attest always stamps the present.
		longAgo := now.AddDate(0, -7, 0)
		for _, id := range []int64{old.ID, oldRect.ID, oldRetired.ID, oldMerged.ID, oldApplying.ID} {
			_, err := e.db.ExecContext(e.ctx, `UPDATE assets SET needs_attest = $1, attested_at = $2 WHERE id = $3`, false, longAgo, id)
			must(t, err)
		}
		flagged := func() []string {
			var out []string
			for _, a := range []catalog.Asset{fresh, old, oldRect, oldRetired, oldMerged, oldApplying} {
				if e.get(t, a.ID).NeedsAttest {
					out = append(out, a.Code)
				}
			}
			return out
		}
		before := e.count(t, `SELECT count(*) FROM assets WHERE needs_attest = $1`, true)
		t.Run("only live records confirmed before the period are flagged, in one audit entry", func(t *testing.T) {
			entries := e.auditLen(t)
			n, err := e.s.MarkDue(e.ctx, now)
			check(t, err, pass)
			if n != 2 || !sameStrings(flagged(), []string{old.Code, oldRect.Code}) {
				t.Fatalf("MarkDue flagged %d: %v", n, flagged())
			}
			if after := e.count(t, `SELECT count(*) FROM assets WHERE needs_attest = $1`, true); after != before+2 {
				t.Fatalf("flagged assets %d → %d", before, after)
			}
			en := e.lastAudit(t)
			if e.auditLen(t) != entries+1 || en.Action != "mark_due" || en.ActorID != 0 || state(t, en.After)["marked"] != float64(2) ||
				state(t, en.After)["attest_months"] != float64(catalog.DefaultAttestMonths) {
				t.Fatalf("audit grew by %d; last %+v", e.auditLen(t)-entries, en)
			}
		})
		t.Run("running it again changes nothing and records nothing", func(t *testing.T) {
			before := e.dump(t)
			n, err := e.s.MarkDue(e.ctx, now)
			check(t, err, pass)
			if n != 0 {
				t.Fatalf("second run flagged %d", n)
			}
			e.unchanged(t, before)
		})
		t.Run("Pending lists exactly the owner's live flagged records", func(t *testing.T) {
			list, err := e.s.Pending(e.ctx, f.liaisonA, me)
			check(t, err, pass)
			if got := sorted(codes(list)); !sameStrings(got, sorted([]string{old.Code, oldRect.Code})) {
				t.Fatalf("pending %v", got)
			}
			list, err = e.s.Pending(e.ctx, f.leadA, f.pid("PA1"))
			check(t, err, pass)
			if len(list) != 0 {
				t.Fatalf("PA1 has nothing pending, got %v", codes(list))
			}
			list, err = e.s.Pending(e.ctx, f.liaisonA, 0)
			check(t, err, pass)
			if len(list) != 0 {
				t.Fatalf("no person, yet pending %v", codes(list))
			}
		})
		t.Run("past the period even a fresh confirmation is due", func(t *testing.T) {
			n, err := e.s.MarkDue(e.ctx, now.AddDate(0, 6, 1))
			check(t, err, pass)
			if n != 1 || !e.get(t, fresh.ID).NeedsAttest {
				t.Fatalf("flagged %d; fresh %v", n, e.get(t, fresh.ID).NeedsAttest)
			}
		})
		t.Run("the setting changes the period", func(t *testing.T) {
			_, err := e.s.Attest(e.ctx, f.liaisonA, me, []int64{fresh.ID})
			must(t, err)
			n, err := e.s.MarkDue(e.ctx, now.AddDate(0, 0, 40))
			check(t, err, pass)
			if n != 0 {
				t.Fatalf("40 days with the default period flagged %d", n)
			}
			_, err = e.db.ExecContext(e.ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('catalog.attest_months', '1', $1)`, store.Now())
			must(t, err)
			m, err := catalog.AttestMonths(e.ctx, e.db)
			check(t, err, pass)
			if m != 1 {
				t.Fatalf("AttestMonths %d", m)
			}
			n, err = e.s.MarkDue(e.ctx, now.AddDate(0, 0, 40))
			check(t, err, pass)
			if n != 1 || !e.get(t, fresh.ID).NeedsAttest {
				t.Fatalf("40 days with a one-month period flagged %d", n)
			}
		})
	})
}

func TestAttestMonths(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for _, c := range []struct {
			name  string
			value string // "" means no row
			want  int
		}{
			{"no setting is the default", "", catalog.DefaultAttestMonths},
			{"twelve months", "12", 12},
			{"spaces around the number", " 3 ", 3},
			{"zero falls back to the default", "0", catalog.DefaultAttestMonths},
			{"over three years falls back", "37", catalog.DefaultAttestMonths},
			{"thirty-six is allowed", "36", 36},
			{"text falls back", "半年", catalog.DefaultAttestMonths},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := e.db.ExecContext(e.ctx, `DELETE FROM settings`)
				must(t, err)
				if c.value != "" {
					_, err = e.db.ExecContext(e.ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('catalog.attest_months', $1, $2)`, c.value, store.Now())
					must(t, err)
				}
				got, err := catalog.AttestMonths(e.ctx, e.db)
				check(t, err, pass)
				if got != c.want {
					t.Fatalf("AttestMonths = %d, want %d", got, c.want)
				}
			})
		}
	})
}
