package campaign_test

import (
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/campaign"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func entries(l campaign.List) string {
	s := ""
	for _, e := range l.Entries {
		s += "[" + e.UnitName + ":" + e.Reason + "]"
	}
	return s
}

func TestLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.campaign(t)
		commend, interview := campaign.Suggest([]campaign.UnitMetrics{
			{UnitID: e.unit["CD-JJ"].ID, UnitName: "锦江", LedgerTotal: 2, LedgerClosed: 2, BurdenBefore: 10, BurdenAfter: 7},
			{UnitID: e.unit["MY-FC"].ID, UnitName: "涪城", LedgerOverdue: 3, BurdenBefore: 10, BurdenAfter: 9},
		}, campaign.DefaultListRules)
		office := e.user["office"]

		t.Run("liaison may not save", func(t *testing.T) {
			_, err := e.st.SaveList(e.ctx, e.user["liaison-cd"], c.ID, campaign.Commend, commend)
			check(t, err, forbidden)
		})
		l, err := e.st.SaveList(e.ctx, office, c.ID, campaign.Commend, commend)
		must(t, err)
		il, err := e.st.SaveList(e.ctx, office, c.ID, campaign.Interview, interview)
		must(t, err)
		if len(l.Entries) != 1 || l.Entries[0].UnitName != "锦江区消防救援大队" || len(il.Entries) != 1 {
			t.Fatalf("saved %s / %s", entries(l), entries(il))
		}
		for _, tc := range []struct {
			name string
			do   func() error
			want want
		}{
			{"add", func() error {
				_, err := e.st.AddEntry(e.ctx, office, c.ID, campaign.Commend, campaign.Entry{UnitID: e.unit["CD-QY"].ID, Reason: "自查问题全部立行立改"})
				return err
			}, pass},
			{"add twice", func() error {
				_, err := e.st.AddEntry(e.ctx, office, c.ID, campaign.Commend, campaign.Entry{UnitID: e.unit["CD-QY"].ID, Reason: "再次"})
				return err
			}, invalid("entry.unit_id", "已在表彰名单中")},
			{"on both lists", func() error {
				_, err := e.st.AddEntry(e.ctx, office, c.ID, campaign.Commend, campaign.Entry{UnitID: e.unit["MY-FC"].ID, Reason: "x"})
				return err
			}, invalid("entry.unit_id", "已在约谈名单中")},
			{"without a reason", func() error {
				_, err := e.st.AddEntry(e.ctx, office, c.ID, campaign.Commend, campaign.Entry{UnitID: e.unit["MY"].ID, Reason: " "})
				return err
			}, invalid("entry.reason", "理由不能为空")},
			{"a duplicate in a saved list", func() error {
				_, err := e.st.SaveList(e.ctx, office, c.ID, campaign.Interview, []campaign.Entry{interview[0], interview[0]})
				return err
			}, invalid("entries[1].unit_id", "重复")},
			{"change a reason", func() error {
				_, err := e.st.SetReason(e.ctx, office, c.ID, campaign.Commend, e.unit["CD-JJ"].ID, "负担指数下降 30%,经办公室复核")
				return err
			}, pass},
			{"remove", func() error {
				_, err := e.st.RemoveEntry(e.ctx, office, c.ID, campaign.Commend, e.unit["CD-QY"].ID)
				return err
			}, pass},
			{"remove one not on the list", func() error {
				_, err := e.st.RemoveEntry(e.ctx, office, c.ID, campaign.Commend, e.unit["MY"].ID)
				return err
			}, notFound},
			{"liaison may not edit", func() error {
				_, err := e.st.SetReason(e.ctx, e.user["liaison-jj"], c.ID, campaign.Commend, e.unit["CD-JJ"].ID, "自己表扬自己")
				return err
			}, forbidden},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := e.snapshot(t)
				e.clock = e.clock.Add(time.Minute)
				check(t, tc.do(), tc.want)
				if !tc.want.ok {
					if after := e.snapshot(t); after != before {
						t.Fatalf("a refused edit wrote:\n%s\n%s", before, after)
					}
				}
			})
		}
		got, err := e.st.GetList(e.ctx, office, c.ID, campaign.Commend)
		must(t, err)
		if want := "[锦江区消防救援大队:负担指数下降 30%,经办公室复核]"; entries(got) != want {
			t.Fatalf("commend list %s, want %s", entries(got), want)
		}
		if trail := e.auditTrail(t, "campaign_list", got.ID); trail != "save/office add_entry/office set_reason/office remove_entry/office" {
			t.Fatalf("audit trail %q", trail)
		}
		t.Run("scoped reading", func(t *testing.T) {
			for who, want := range map[string]string{"liaison-jj": "[锦江区消防救援大队:负担指数下降 30%,经办公室复核]", "liaison-my": ""} {
				l, err := e.st.GetList(e.ctx, e.user[who], c.ID, campaign.Commend)
				must(t, err)
				if entries(l) != want {
					t.Errorf("%s reads %s, want %s", who, entries(l), want)
				}
			}
		})
	})
}
