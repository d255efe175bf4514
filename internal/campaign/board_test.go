package campaign_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/campaign"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// rowsOf renders a task board as "unit:state" in tree order.
func rowsOf(tb campaign.TaskBoard) string {
	var s []string
	for _, r := range tb.Rows {
		s = append(s, r.UnitCode+":"+string(r.State))
	}
	return strings.Join(s, " ")
}

func countsOf(tb campaign.TaskBoard) string {
	c := tb.Counts
	return fmt.Sprintf("owing=%d submitted=%d late=%d missing=%d pending=%d", c.Owing, c.Submitted, c.Late, c.Missing, c.Pending)
}

func TestBoard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.campaign(t)
		plan := e.task(t, c, campaign.Mobilize, campaign.KindPlan, "实施方案", "2026-03-20", org.Detachment, org.Brigade)
		self := e.task(t, c, campaign.SelfCheck, campaign.KindSelfCheck, "自查报告", "2026-05-20", org.Brigade)

		e.submit(t, "liaison-cd", plan, "CD", "2026-03-15 10:00")    // on time
		e.submit(t, "liaison-cd", plan, "CD-QY", "2026-03-20 23:30") // on the due day, late evening: on time
		e.submit(t, "liaison-cd", plan, "CD-QY", "2026-03-28 09:00") // a correction after the due date
		e.submit(t, "liaison-my", plan, "MY", "2026-03-21 00:10")    // the day after: late
		e.submit(t, "office", plan, "MY-FC", "2026-03-19 16:00")     // by the office on the unit's behalf
		e.submit(t, "liaison-jj", self, "CD-JJ", "2026-04-15 10:00") // after the first as-of moment

		asOf := at("2026-04-10 12:00")
		for _, tc := range []struct {
			name       string
			who        string
			asOf       time.Time
			plan, self string
			planCounts string
		}{
			{"office sees every owing unit", "office", asOf,
				"CD:submitted CD-JJ:missing CD-QY:submitted MY:late MY-FC:submitted", "CD-JJ:pending CD-QY:pending MY-FC:pending",
				"owing=5 submitted=3 late=1 missing=1 pending=0"},
			{"on the due day nothing is missing yet", "office", at("2026-03-20 20:00"),
				"CD:submitted CD-JJ:pending CD-QY:pending MY:pending MY-FC:submitted", "CD-JJ:pending CD-QY:pending MY-FC:pending",
				"owing=5 submitted=2 late=0 missing=0 pending=3"},
			{"later submissions count once made", "office", at("2026-05-21 09:00"),
				"CD:submitted CD-JJ:missing CD-QY:submitted MY:late MY-FC:submitted", "CD-JJ:submitted CD-QY:missing MY-FC:missing",
				"owing=5 submitted=3 late=1 missing=1 pending=0"},
			{"a 支队 liaison sees its subtree", "liaison-cd", asOf,
				"CD:submitted CD-JJ:missing CD-QY:submitted", "CD-JJ:pending CD-QY:pending",
				"owing=3 submitted=2 late=0 missing=1 pending=0"},
			{"a 大队 liaison sees its own unit", "liaison-jj", asOf,
				"CD-JJ:missing", "CD-JJ:pending", "owing=1 submitted=0 late=0 missing=1 pending=0"},
			{"another 支队's liaison", "liaison-my", asOf,
				"MY:late MY-FC:submitted", "MY-FC:pending", "owing=2 submitted=1 late=1 missing=0 pending=0"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				b, err := campaign.Board(e.ctx, e.db, e.user[tc.who], c.ID, tc.asOf)
				must(t, err)
				if len(b.Tasks) != 2 {
					t.Fatalf("%d tasks on the board", len(b.Tasks))
				}
				if got := rowsOf(b.Tasks[0]); got != tc.plan {
					t.Errorf("plan rows:\n got %s\nwant %s", got, tc.plan)
				}
				if got := rowsOf(b.Tasks[1]); got != tc.self {
					t.Errorf("self-check rows:\n got %s\nwant %s", got, tc.self)
				}
				if got := countsOf(b.Tasks[0]); got != tc.planCounts {
					t.Errorf("plan counts: got %s, want %s", got, tc.planCounts)
				}
			})
		}
		t.Run("row details", func(t *testing.T) {
			b, err := campaign.Board(e.ctx, e.db, e.user["office"], c.ID, asOf)
			must(t, err)
			rows := map[string]campaign.Row{}
			for _, r := range b.Tasks[0].Rows {
				rows[r.UnitCode] = r
			}
			if r := rows["CD-QY"]; r.Versions != 2 || !r.SubmittedAt.Equal(at("2026-03-28 09:00")) || !r.FirstSubmittedAt.Equal(at("2026-03-20 23:30")) || r.SubmittedBy != "liaison-cd" {
				t.Errorf("CD-QY row: %+v", r)
			}
			if r := rows["MY-FC"]; !r.OnBehalf || r.SubmittedBy != "office" {
				t.Errorf("MY-FC row: %+v", r)
			}
			if r := rows["CD-JJ"]; r.SubmissionID != 0 || !r.SubmittedAt.IsZero() || r.State.Label() != "逾期未报" {
				t.Errorf("CD-JJ row: %+v", r)
			}
		})
		t.Run("out of scope campaign", func(t *testing.T) {
			cd, err := e.st.Create(e.ctx, e.user["office"], campaign.Input{Name: "成都", Year: 2026, UnitID: e.unit["CD"].ID, Phases: phases()})
			must(t, err)
			_, err = campaign.Board(e.ctx, e.db, e.user["liaison-my"], cd.ID, asOf)
			check(t, err, notFound)
		})
	})
}

func TestSubmitScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.campaign(t)
		plan := e.task(t, c, campaign.Mobilize, campaign.KindPlan, "实施方案", "2026-03-20", org.Detachment, org.Brigade)
		e.clock = at("2026-03-10 10:00")
		for _, tc := range []struct {
			name, who, unit string
			want            want
		}{
			{"liaison for own unit", "liaison-jj", "CD-JJ", pass},
			{"支队 liaison for a 大队 below it", "liaison-cd", "CD-QY", pass},
			{"liaison for a sibling unit", "liaison-jj", "CD-QY", notFound},
			{"liaison for another 支队", "liaison-jj", "MY", notFound},
			{"liaison for its parent", "liaison-jj", "CD", notFound},
			{"office on behalf", "office", "MY-FC", pass},
			{"a unit that does not owe the task", "office", "CD-JJ-1", invalid("unit_id", "不需要报送")},
			{"staff may not submit", "staff", "CD-JJ-1", forbidden},
			{"lead department may not submit", "lead", "CD", forbidden},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := e.snapshot(t)
				s, err := e.st.Submit(e.ctx, e.user[tc.who], campaign.SubmissionInput{TaskID: plan.ID, UnitID: e.unit[tc.unit].ID,
					Documents: []campaign.DocumentInput{{Name: "方案.pdf", Data: pdf()}}})
				check(t, err, tc.want)
				if !tc.want.ok {
					if after := e.snapshot(t); after != before {
						t.Fatalf("a refused submission wrote:\n%s\n%s", before, after)
					}
					return
				}
				if s.OnBehalf != (tc.who == "office") || s.SubmittedBy != tc.who || len(s.Documents) != 1 {
					t.Fatalf("got %+v", s)
				}
				if got := e.auditTrail(t, "campaign_submission", s.ID); got != "submit/"+tc.who {
					t.Fatalf("audit trail %q", got)
				}
			})
		}
		t.Run("history is kept, newest first", func(t *testing.T) {
			first := e.submit(t, "liaison-jj", plan, "CD-JJ", "2026-03-12 10:00")
			subs, err := e.st.Submissions(e.ctx, e.user["liaison-jj"], plan.ID, e.unit["CD-JJ"].ID)
			must(t, err)
			if len(subs) != 2 || subs[0].ID != first.ID {
				t.Fatalf("history: %+v", subs)
			}
			subs, err = e.st.Submissions(e.ctx, e.user["liaison-my"], plan.ID, e.unit["CD-JJ"].ID)
			must(t, err)
			if len(subs) != 0 {
				t.Fatalf("another 支队's liaison sees %d submissions", len(subs))
			}
			_, err = e.st.Submission(e.ctx, e.user["liaison-my"], first.ID)
			check(t, err, notFound)
		})
	})
}
