package campaign_test

import (
	"testing"

	"github.com/jianfu-gov/jianfu/internal/campaign"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func TestPhaseValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		with := func(f func(ph []campaign.PhaseDates)) []campaign.PhaseDates {
			ph := phases()
			f(ph)
			return ph
		}
		for _, tc := range []struct {
			name   string
			who    string
			phases []campaign.PhaseDates
			want   want
		}{
			{"four phases in order", "office", phases(), pass},
			{"admin may create", "admin", phases(), pass},
			{"one-day phases back to back", "office", []campaign.PhaseDates{
				{Start: day("2026-03-01"), End: day("2026-03-01")}, {Start: day("2026-03-02"), End: day("2026-03-02")},
				{Start: day("2026-03-03"), End: day("2026-03-03")}, {Start: day("2026-03-04"), End: day("2026-03-04")}}, pass},
			{"end before start", "office", with(func(ph []campaign.PhaseDates) { ph[1].End = day("2026-03-31") }),
				invalid("phases[1].end", "自查自纠阶段的结束日期(2026-03-31)早于开始日期(2026-04-01)")},
			{"overlap with the previous phase", "office", with(func(ph []campaign.PhaseDates) { ph[2].Start = day("2026-05-31") }),
				invalid("phases[2].start", "集中整治阶段与自查自纠阶段日期重叠")},
			{"out of order", "office", with(func(ph []campaign.PhaseDates) {
				ph[3] = campaign.PhaseDates{Start: day("2026-02-01"), End: day("2026-02-20")}
			}), invalid("phases[3].start", "总结提升阶段应在集中整治阶段之后")},
			{"missing end date", "office", with(func(ph []campaign.PhaseDates) { ph[0].End = day("0001-01-01") }),
				invalid("phases[0].end", "动员部署阶段的结束日期不能为空")},
			{"three phases", "office", phases()[:3], invalid("phases", "四个阶段")},
			{"several problems at once", "office", with(func(ph []campaign.PhaseDates) {
				ph[0].End = day("2026-02-01")
				ph[3].Start = day("2026-08-01")
			}), want{kind: errs.Invalid, msg: "共有 2 处错误"}},
			{"liaison may not create", "liaison-cd", phases(), forbidden},
			{"lead department may not create", "lead", phases(), forbidden},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := e.snapshot(t)
				c, err := e.st.Create(e.ctx, e.user[tc.who], campaign.Input{Name: "专项行动", Year: 2026, UnitID: e.unit["ROOT"].ID, Phases: tc.phases})
				check(t, err, tc.want)
				if !tc.want.ok {
					if after := e.snapshot(t); after != before {
						t.Fatalf("a refused create wrote:\n%s\n%s", before, after)
					}
					return
				}
				if len(c.Phases) != 4 || c.Phases[1].Label() != "自查自纠" || !c.Phases[3].End.Equal(campaign.Day(tc.phases[3].End)) {
					t.Fatalf("phases read back as %+v", c.Phases)
				}
			})
		}
		if l, ok := errs.ListOf(func() error {
			_, err := e.st.Create(e.ctx, e.user["office"], campaign.Input{Name: "x", Year: 2026, UnitID: e.unit["ROOT"].ID,
				Phases: with(func(ph []campaign.PhaseDates) { ph[0].End = day("2026-02-01"); ph[3].Start = day("2026-08-01") })})
			return err
		}()); !ok || len(l.Items) != 2 || l.Items[0].Field != "phases[0].end" || l.Items[1].Field != "phases[3].start" {
			t.Fatalf("want two located problems, got %+v", l)
		}
	})
}

func TestCampaignScopeAndUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.campaign(t)
		// A campaign of 成都支队 only: 绵阳's liaison does not see it.
		cd, err := e.st.Create(e.ctx, e.user["office"], campaign.Input{Name: "成都支队专项行动", Year: 2026, UnitID: e.unit["CD"].ID, Phases: phases()})
		must(t, err)
		for _, tc := range []struct {
			who  string
			want int
		}{{"office", 2}, {"liaison-jj", 2}, {"liaison-my", 1}, {"staff", 2}} {
			t.Run("list/"+tc.who, func(t *testing.T) {
				l, err := e.st.List(e.ctx, e.user[tc.who])
				must(t, err)
				if len(l) != tc.want {
					t.Fatalf("%s sees %d campaigns, want %d", tc.who, len(l), tc.want)
				}
			})
		}
		t.Run("out of scope is not found", func(t *testing.T) {
			_, err := e.st.Get(e.ctx, e.user["liaison-my"], cd.ID)
			check(t, err, notFound)
		})
		task := e.task(t, c, campaign.SelfCheck, campaign.KindSelfCheck, "自查报告", "2026-05-20", org.Brigade)
		t.Run("phase may not move off a task's due date", func(t *testing.T) {
			ph := phases()
			ph[1].End, ph[2].Start = day("2026-05-10"), day("2026-05-11")
			_, err := e.st.Update(e.ctx, e.user["office"], c.ID, campaign.Input{Name: c.Name, Year: 2026, UnitID: c.UnitID, Phases: ph})
			check(t, err, invalid("phases[1]", "自查报告"))
		})
		t.Run("update", func(t *testing.T) {
			ph := phases()
			ph[3].End = day("2026-11-30")
			u, err := e.st.Update(e.ctx, e.user["office"], c.ID, campaign.Input{Name: "改名", Year: 2026, UnitID: c.UnitID, Phases: ph})
			must(t, err)
			if u.Name != "改名" || !u.Phases[3].End.Equal(day("2026-11-30")) {
				t.Fatalf("got %+v", u)
			}
			if got := e.auditTrail(t, "campaign", c.ID); got != "create/office update/office" {
				t.Fatalf("audit trail %q", got)
			}
		})
		t.Run("liaison may not update", func(t *testing.T) {
			_, err := e.st.Update(e.ctx, e.user["liaison-cd"], c.ID, campaign.Input{Name: "x", Year: 2026, UnitID: c.UnitID, Phases: phases()})
			check(t, err, forbidden)
		})
		t.Run("delete refused after a submission", func(t *testing.T) {
			e.submit(t, "liaison-jj", task, "CD-JJ", "2026-05-01 10:00")
			check(t, e.st.Delete(e.ctx, e.user["office"], c.ID), conflict)
			check(t, e.st.DeleteTask(e.ctx, e.user["office"], task.ID), conflict)
		})
		t.Run("delete", func(t *testing.T) {
			check(t, e.st.Delete(e.ctx, e.user["office"], cd.ID), pass)
			_, err := e.st.Get(e.ctx, e.user["office"], cd.ID)
			check(t, err, notFound)
		})
	})
}

func TestTaskDueDate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.campaign(t)
		for _, tc := range []struct {
			name  string
			who   string
			phase campaign.PhaseNo
			kind  campaign.TaskKind
			due   string
			kinds []org.UnitKind
			want  want
		}{
			{"inside its phase", "office", campaign.Mobilize, campaign.KindPlan, "2026-03-20", []org.UnitKind{org.Detachment, org.Brigade}, pass},
			{"on the phase's first day", "office", campaign.SelfCheck, campaign.KindSelfCheck, "2026-04-01", []org.UnitKind{org.Brigade}, pass},
			{"on the phase's last day", "office", campaign.Summarize, campaign.KindSummary, "2026-10-31", []org.UnitKind{org.Detachment}, pass},
			{"the day after its phase", "office", campaign.Mobilize, campaign.KindPlan, "2026-04-01", []org.UnitKind{org.Brigade},
				invalid("due", "不在动员部署阶段(2026-03-01 至 2026-03-31)之内")},
			{"the day before its phase", "office", campaign.Rectify, campaign.KindProgress, "2026-05-31", []org.UnitKind{org.Brigade},
				invalid("due", "集中整治阶段")},
			{"Chinese kind names accepted", "office", campaign.Rectify, "整改进展", "2026-07-01", []org.UnitKind{"大队", "支队"}, pass},
			{"no unit kinds", "office", campaign.Rectify, campaign.KindProgress, "2026-07-01", nil, invalid("unit_kinds", "")},
			{"unknown unit kind", "office", campaign.Rectify, campaign.KindProgress, "2026-07-01", []org.UnitKind{"squad"}, invalid("unit_kinds", "")},
			{"unknown task kind", "office", campaign.Rectify, "memo", "2026-07-01", []org.UnitKind{org.Brigade}, invalid("kind", "")},
			{"unknown phase", "office", 5, campaign.KindOther, "2026-07-01", []org.UnitKind{org.Brigade}, invalid("phase", "")},
			{"liaison may not", "liaison-cd", campaign.Rectify, campaign.KindProgress, "2026-07-01", []org.UnitKind{org.Brigade}, forbidden},
		} {
			t.Run(tc.name, func(t *testing.T) {
				x, err := e.st.CreateTask(e.ctx, e.user[tc.who], c.ID, campaign.TaskInput{Phase: tc.phase, Kind: tc.kind, Title: "任务", Due: day(tc.due), UnitKinds: tc.kinds})
				check(t, err, tc.want)
				if tc.want.ok && !x.Due.Equal(day(tc.due)) {
					t.Fatalf("due read back as %s", x.Due)
				}
			})
		}
		tasks, err := e.st.Tasks(e.ctx, e.user["liaison-jj"], c.ID)
		must(t, err)
		if len(tasks) != 4 || tasks[0].Phase != campaign.Mobilize || tasks[3].Phase != campaign.Summarize ||
			len(tasks[2].UnitKinds) != 2 || tasks[2].UnitKinds[0] != org.Detachment {
			t.Fatalf("tasks: %+v", tasks)
		}
		t.Run("update keeps the due date inside the phase", func(t *testing.T) {
			_, err := e.st.UpdateTask(e.ctx, e.user["office"], tasks[0].ID, campaign.TaskInput{Phase: campaign.Mobilize, Kind: campaign.KindPlan,
				Title: "实施方案", Due: day("2026-06-01"), UnitKinds: []org.UnitKind{org.Brigade}})
			check(t, err, invalid("due", "动员部署"))
			u, err := e.st.UpdateTask(e.ctx, e.user["office"], tasks[0].ID, campaign.TaskInput{Phase: campaign.Mobilize, Kind: campaign.KindPlan,
				Title: "实施方案", Due: day("2026-03-25"), UnitKinds: []org.UnitKind{org.Brigade}})
			must(t, err)
			if u.Title != "实施方案" || e.auditTrail(t, "campaign_task", u.ID) != "create/office update/office" {
				t.Fatalf("got %+v, trail %q", u, e.auditTrail(t, "campaign_task", u.ID))
			}
		})
	})
}
