package campaign_test

import (
	"testing"

	"github.com/jianfu-gov/jianfu/internal/campaign"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func TestNotes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.campaign(t)
		cdOnly, err := e.st.Create(e.ctx, e.user["office"], campaign.Input{Name: "成都支队专项行动", Year: 2026, UnitID: e.unit["CD"].ID, Phases: phases()})
		must(t, err)
		for _, tc := range []struct {
			name, who, unit string
			campaignID      int64
			date            string
			text            string
			want            want
		}{
			{"office notes a visit", "office", "CD-JJ", c.ID, "2026-06-10", "实地督导:工作群已由 14 个精简为 6 个。", pass},
			{"a second note", "office", "CD-JJ", c.ID, "2026-07-02", "复查:填报系统已合并。", pass},
			{"another unit", "office", "MY-FC", c.ID, "2026-06-12", "电话督导:整改台账 3 项逾期。", pass},
			{"no text", "office", "MY-FC", c.ID, "2026-06-12", " ", invalid("text", "督导情况不能为空")},
			{"no date", "office", "MY-FC", c.ID, "0001-01-01", "x", invalid("date", "")},
			{"a unit outside the campaign", "office", "MY-FC", cdOnly.ID, "2026-06-12", "x", invalid("unit_id", "不在本次专项行动的范围内")},
			{"liaison may not", "liaison-jj", "CD-JJ", c.ID, "2026-06-12", "x", forbidden},
		} {
			t.Run(tc.name, func(t *testing.T) {
				n, err := e.st.AddNote(e.ctx, e.user[tc.who], tc.campaignID, campaign.NoteInput{UnitID: e.unit[tc.unit].ID, Date: day(tc.date), Text: tc.text, FollowUp: "月底前报送整改进展"})
				check(t, err, tc.want)
				if tc.want.ok && (!n.Date.Equal(day(tc.date)) || n.Author != "office" || n.UnitName != e.unit[tc.unit].Name) {
					t.Fatalf("got %+v", n)
				}
			})
		}
		for _, tc := range []struct {
			who  string
			unit string
			want int
		}{{"office", "CD-JJ", 2}, {"office", "", 3}, {"liaison-cd", "", 2}, {"liaison-jj", "CD-JJ", 2}, {"liaison-my", "CD-JJ", 0}, {"liaison-my", "", 1}} {
			t.Run("list/"+tc.who+"/"+tc.unit, func(t *testing.T) {
				notes, err := e.st.Notes(e.ctx, e.user[tc.who], c.ID, e.unit[tc.unit].ID)
				must(t, err)
				if len(notes) != tc.want {
					t.Fatalf("%d notes, want %d", len(notes), tc.want)
				}
				if tc.want == 2 && tc.unit == "CD-JJ" && !notes[0].Date.Equal(day("2026-07-02")) {
					t.Fatalf("newest first: %+v", notes)
				}
			})
		}
		t.Run("follow-up updated and audited", func(t *testing.T) {
			notes, err := e.st.Notes(e.ctx, e.user["office"], c.ID, e.unit["MY-FC"].ID)
			must(t, err)
			n := notes[0]
			u, err := e.st.UpdateNote(e.ctx, e.user["office"], c.ID, n.ID, campaign.NoteInput{Date: n.Date, Text: n.Text, FollowUp: "已于 7 月 5 日完成整改"})
			must(t, err)
			if u.FollowUp != "已于 7 月 5 日完成整改" || u.UnitID != n.UnitID {
				t.Fatalf("got %+v", u)
			}
			if trail := e.auditTrail(t, "campaign_note", n.ID); trail != "create/office update/office" {
				t.Fatalf("audit trail %q", trail)
			}
			_, err = e.st.UpdateNote(e.ctx, e.user["liaison-my"], c.ID, n.ID, campaign.NoteInput{Date: n.Date, Text: "改写"})
			check(t, err, forbidden)
		})
		t.Run("a campaign with notes is kept", func(t *testing.T) {
			check(t, e.st.Delete(e.ctx, e.user["office"], c.ID), conflict)
		})
	})
}
