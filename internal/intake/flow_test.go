package intake_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/intake"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// TestAppFlow walks an app through unit → lead → office, trying at every step the callers who
// must be refused before the one who may act.
func TestAppFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.submit(t, "liaison-cd", e.unrelatedApp("NEW-1", "CD"), answers())
		if r.Step != intake.StepUnit || r.Round != 1 || r.AssetStatus != catalog.Applying || r.Kind != catalog.App {
			t.Fatalf("submitted request: step %s round %d asset %s kind %s", r.Step, r.Round, r.AssetStatus, r.Kind)
		}
		if len(r.Reviews) != 1 || r.Reviews[0].Action != intake.ActSubmit || r.Reviews[0].ReviewerName != "liaison-cd" {
			t.Fatalf("timeline after submit: %+v", r.Reviews)
		}
		if r.Asset == nil || r.Asset.Status != catalog.Applying || r.Year != 2026 {
			t.Fatalf("asset %+v, year %d", r.Asset, r.Year)
		}
		if r.Can(intake.ActApprove) || !r.Can(intake.ActWithdraw) {
			t.Fatalf("applicant's actions: %v", r.Actions)
		}

		steps := []struct {
			step    intake.Step
			refused map[string]want
			by      string
			then    intake.Step
		}{
			{intake.StepUnit, map[string]want{
				"liaison-cd":  forbidden, // the applicant (four eyes)
				"liaison-my":  notFound,  // another 支队: the request does not exist for them
				"liaison-jj":  notFound,  // a 大队 below: its scope does not hold the 支队
				"reviewer-cd": forbidden, // in scope, but may not write
				"support":     forbidden,
			}, "liaison-cd2", intake.StepLead},
			{intake.StepLead, map[string]want{
				"liaison-cd":  forbidden,
				"liaison-cd2": forbidden, // approved the unit step and is no lead
				"office":      forbidden, // office is not a lead department
				"admin":       forbidden,
			}, "lead-it", intake.StepOffice},
			{intake.StepOffice, map[string]want{
				"liaison-cd": forbidden,
				"lead-it":    forbidden, // already approved the lead step, and is not the office
				"lead-news":  forbidden,
			}, "office", intake.StepApproved},
		}
		for _, s := range steps {
			t.Run(string(s.step), func(t *testing.T) {
				for who, w := range s.refused {
					t.Run(who, func(t *testing.T) {
						before := e.snapshot(t)
						_, err := e.svc.Decide(e.ctx, e.user[who], r.ID, intake.Decision{Action: intake.ActApprove})
						check(t, err, w)
						e.unchanged(t, before)
						if g, err := e.svc.Get(e.ctx, e.user[who], r.ID); err == nil && g.Can(intake.ActApprove) {
							t.Fatalf("%s is offered to approve: %v", who, g.Actions)
						}
					})
				}
				g, err := e.svc.Get(e.ctx, e.user[s.by], r.ID)
				check(t, err, pass)
				if !g.Can(intake.ActApprove) || !g.Can(intake.ActReturn) || !g.Can(intake.ActReject) {
					t.Fatalf("%s at %s is offered %v", s.by, s.step, g.Actions)
				}
				got, err := e.svc.Decide(e.ctx, e.user[s.by], r.ID, intake.Decision{Action: intake.ActApprove, Comment: "同意", Step: s.step})
				check(t, err, pass)
				if got.Step != s.then {
					t.Fatalf("after %s approved: step %s, want %s", s.by, got.Step, s.then)
				}
				// The same decision sent twice (a double click, a stale page) is refused.
				_, err = e.svc.Decide(e.ctx, e.user[s.by], r.ID, intake.Decision{Action: intake.ActApprove, Step: s.step})
				check(t, err, conflict)
			})
		}
		a := e.asset(t, r.AssetID)
		if a.Status != catalog.Active || a.OpenedOn.IsZero() {
			t.Fatalf("approved app is %s (opened %s), want 在用 with an opening date", a.Status, a.OpenedOn)
		}
		if ev := e.lastEvent(t, r.AssetID); ev.Actor != "office" || ev.Reason != "立项审核通过" || ev.ToStatus != catalog.Active {
			t.Fatalf("asset's last event %+v", ev)
		}
		g, err := e.svc.Get(e.ctx, e.user["liaison-cd"], r.ID)
		check(t, err, pass)
		var acts []string
		for _, v := range g.Reviews {
			acts = append(acts, string(v.Step)+":"+string(v.Action)+":"+v.ReviewerName)
		}
		if want := "unit:submit:liaison-cd unit:approve:liaison-cd2 lead:approve:lead-it office:approve:office"; strings.Join(acts, " ") != want {
			t.Fatalf("timeline %q, want %q", strings.Join(acts, " "), want)
		}
		if len(g.Actions) != 0 {
			t.Fatalf("actions on an approved request: %v", g.Actions)
		}
		if got, want := e.auditTrail(t, r.ID), "intake.submit/liaison-cd intake.approve/liaison-cd2 intake.approve/lead-it intake.approve/office"; got != want {
			t.Fatalf("audit trail %q, want %q", got, want)
		}
		_, err = e.svc.Withdraw(e.ctx, e.user["liaison-cd"], r.ID, "")
		check(t, err, conflict)
	})
}

// TestOnePersonOneStep: a wide-scoped user may act at the unit step, but then not again.
func TestOnePersonOneStep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.submit(t, "liaison-cd", e.unrelatedApp("NEW-1", "CD"), answers())
		e.decide(t, "office", r.ID, intake.ActApprove, "")
		e.decide(t, "lead-it", r.ID, intake.ActApprove, "")
		_, err := e.svc.Decide(e.ctx, e.user["office"], r.ID, intake.Decision{Action: intake.ActApprove})
		check(t, err, forbidden)
		got := e.decide(t, "office2", r.ID, intake.ActApprove, "")
		if got.Step != intake.StepApproved {
			t.Fatalf("step %s", got.Step)
		}
	})
}

func TestReturnAndResubmit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.submit(t, "liaison-cd", e.unrelatedApp("NEW-1", "CD"), answers())
		e.decide(t, "liaison-cd2", r.ID, intake.ActApprove, "")

		for _, c := range []struct {
			name    string
			comment string
			want    want
		}{
			{"no comment", "", invalid("comment")},
			{"blank comment", "  。 ", invalid("comment")},
		} {
			t.Run(c.name, func(t *testing.T) {
				before := e.snapshot(t)
				_, err := e.svc.Decide(e.ctx, e.user["lead-it"], r.ID, intake.Decision{Action: intake.ActReturn, Comment: c.comment})
				check(t, err, c.want)
				e.unchanged(t, before)
			})
		}
		got := e.decide(t, "lead-it", r.ID, intake.ActReturn, "请说明与总队政务办公OA的关系")
		if got.Step != intake.StepReturned || got.AssetStatus != catalog.Applying {
			t.Fatalf("returned: step %s, asset %s", got.Step, got.AssetStatus)
		}
		// Returned: no reviewer may act; only the applicant may resubmit or withdraw.
		_, err := e.svc.Decide(e.ctx, e.user["office"], r.ID, intake.Decision{Action: intake.ActApprove})
		check(t, err, conflict)
		_, err = e.svc.Resubmit(e.ctx, e.user["liaison-cd2"], r.ID, nil, answers(), nil)
		check(t, err, forbidden)
		g, err := e.svc.Get(e.ctx, e.user["liaison-cd"], r.ID)
		check(t, err, pass)
		if !g.Can(intake.ActResubmit) || !g.Can(intake.ActWithdraw) {
			t.Fatalf("applicant's actions on a returned request: %v", g.Actions)
		}
		c, err := e.svc.Counts(e.ctx, e.user["liaison-cd"])
		check(t, err, pass)
		if c.Returned != 1 || c.Pending != 0 {
			t.Fatalf("applicant's counts %+v", c)
		}

		// The applicant edits: bad answers are refused and change nothing.
		in := e.unrelatedApp("NEW-1", "CD")
		in.Name = "营区食堂订餐与结算"
		bad := answers()
		bad.NotModule = "不能"
		before := e.snapshot(t)
		_, err = e.svc.Resubmit(e.ctx, e.user["liaison-cd"], r.ID, &in, bad, nil)
		check(t, err, invalid("not_module"))
		e.unchanged(t, before)

		a := answers()
		a.NotModule = "政务办公OA只处理公文,订餐结算涉及伙食费账目,不宜作为其模块"
		got, err = e.svc.Resubmit(e.ctx, e.user["liaison-cd"], r.ID, &in, a, nil)
		check(t, err, pass)
		if got.Step != intake.StepUnit || got.Round != 2 || got.AssetName != "营区食堂订餐与结算" || got.Answers.NotModule != a.NotModule {
			t.Fatalf("resubmitted: step %s round %d name %q answers %+v", got.Step, got.Round, got.AssetName, got.Answers)
		}
		if last := got.Reviews[len(got.Reviews)-1]; last.Action != intake.ActResubmit || last.Round != 2 {
			t.Fatalf("last review %+v", last)
		}
		// A new round: the unit approver of round 1 approves again.
		got = e.decide(t, "liaison-cd2", r.ID, intake.ActApprove, "")
		if got.Step != intake.StepLead {
			t.Fatalf("step %s", got.Step)
		}
		_, err = e.svc.Resubmit(e.ctx, e.user["liaison-cd"], r.ID, nil, a, nil)
		check(t, err, conflict)
	})
}

func TestRejectAndWithdraw(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		t.Run("reject at the unit step", func(t *testing.T) {
			r := e.submit(t, "liaison-cd", e.unrelatedApp("NEW-1", "CD"), answers())
			_, err := e.svc.Decide(e.ctx, e.user["liaison-cd2"], r.ID, intake.Decision{Action: intake.ActReject})
			check(t, err, invalid("comment"))
			got := e.decide(t, "liaison-cd2", r.ID, intake.ActReject, "与总队统一建设的系统重复")
			if got.Step != intake.StepRejected || got.AssetStatus != catalog.Rejected {
				t.Fatalf("rejected: step %s asset %s", got.Step, got.AssetStatus)
			}
			if ev := e.lastEvent(t, r.AssetID); ev.ToStatus != catalog.Rejected || ev.Actor != "liaison-cd2" || !strings.Contains(ev.Reason, "与总队统一建设的系统重复") {
				t.Fatalf("asset's last event %+v", ev)
			}
			for _, act := range []intake.Action{intake.ActApprove, intake.ActReturn} {
				_, err := e.svc.Decide(e.ctx, e.user["lead-it"], r.ID, intake.Decision{Action: act, Comment: "再议再议"})
				check(t, err, conflict)
			}
			_, err = e.svc.Withdraw(e.ctx, e.user["liaison-cd"], r.ID, "")
			check(t, err, conflict)
		})
		t.Run("reject at the office step", func(t *testing.T) {
			r := e.submit(t, "liaison-cd", e.unrelatedApp("NEW-2", "CD"), answers())
			e.decide(t, "liaison-cd2", r.ID, intake.ActApprove, "")
			e.decide(t, "lead-it", r.ID, intake.ActApprove, "")
			got := e.decide(t, "office", r.ID, intake.ActReject, "年度建设计划未列入")
			if got.Step != intake.StepRejected || got.AssetStatus != catalog.Rejected {
				t.Fatalf("rejected: step %s asset %s", got.Step, got.AssetStatus)
			}
		})
		t.Run("withdraw", func(t *testing.T) {
			r := e.submit(t, "liaison-cd", e.unrelatedApp("NEW-3", "CD"), answers())
			e.decide(t, "liaison-cd2", r.ID, intake.ActApprove, "")
			for _, who := range []string{"liaison-cd2", "office", "lead-it"} {
				_, err := e.svc.Withdraw(e.ctx, e.user[who], r.ID, "")
				check(t, err, forbidden)
			}
			_, err := e.svc.Withdraw(e.ctx, e.user["liaison-my"], r.ID, "")
			check(t, err, notFound)
			got, err := e.svc.Withdraw(e.ctx, e.user["liaison-cd"], r.ID, "")
			check(t, err, pass)
			if got.Step != intake.StepWithdrawn || got.AssetStatus != catalog.Rejected {
				t.Fatalf("withdrawn: step %s asset %s", got.Step, got.AssetStatus)
			}
			if ev := e.lastEvent(t, r.AssetID); ev.Reason != "申请人撤回" || ev.Actor != "liaison-cd" {
				t.Fatalf("asset's last event %+v", ev)
			}
			_, err = e.svc.Decide(e.ctx, e.user["lead-it"], r.ID, intake.Decision{Action: intake.ActApprove})
			check(t, err, conflict)
		})
		t.Run("withdraw a returned request with a reason", func(t *testing.T) {
			r := e.submit(t, "liaison-cd", e.unrelatedApp("NEW-4", "CD"), answers())
			e.decide(t, "liaison-cd2", r.ID, intake.ActReturn, "材料不全")
			if _, err := e.svc.Withdraw(e.ctx, e.user["liaison-cd"], r.ID, "改用总队统建系统"); err != nil {
				t.Fatal(err)
			}
			if ev := e.lastEvent(t, r.AssetID); ev.Reason != "申请人撤回:改用总队统建系统" {
				t.Fatalf("reason %q", ev.Reason)
			}
			if got, want := e.auditTrail(t, r.ID), "intake.submit/liaison-cd intake.return/liaison-cd2 intake.withdraw/liaison-cd"; got != want {
				t.Fatalf("audit trail %q, want %q", got, want)
			}
		})
	})
}

// TestAppLevel: APP-LEVEL refuses apps of 大队 and 站 (and of a 大队's 科室), and nothing is written.
func TestAppLevel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for _, c := range []struct {
			who, unit string
			want      want
		}{
			{"liaison-jj", "CD-JJ", invalid("unit_id")},
			{"liaison-jj", "CD-JJ-1", invalid("unit_id")},
			{"office", "MY-FC", invalid("unit_id")},
			{"liaison-cd", "CD-DEPT", pass}, // a 支队's 科室 builds at 支队 level
			{"office", "IT", pass},          // a 总队 处室
		} {
			t.Run(c.unit, func(t *testing.T) {
				before := e.snapshot(t)
				_, err := e.svc.Submit(e.ctx, e.user[c.who], e.unrelatedApp("LVL-"+c.unit, c.unit), answers(), nil)
				check(t, err, c.want)
				if !c.want.ok {
					e.unchanged(t, before)
					if !strings.Contains(err.Error(), "县以下单位原则上不得开发建设应用程序(国办函〔2026〕12号)") {
						t.Fatalf("message %q does not cite the rule", err)
					}
				}
			})
		}
		// Filings are not apps: a 大队 may open an account.
		_, err := e.svc.Submit(e.ctx, e.user["liaison-jj"], catalog.Input{Code: "ACC-JJ", Kind: catalog.Account, Name: "锦江消防",
			Platform: "抖音", UnitID: e.unit["CD-JJ"].ID}, intake.Answers{}, nil)
		check(t, err, pass)
	})
}

// TestQuota: intake.quota.app.detachment = 1 lets a 支队 (with its 科室) file one app a year;
// rejected and withdrawn requests do not count; the next year starts afresh.
func TestQuota(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setSetting(t, intake.KeyQuotaDetachment, "1")
		first := e.submit(t, "liaison-cd", e.unrelatedApp("Q-1", "CD"), answers())

		before := e.snapshot(t)
		_, err := e.svc.Submit(e.ctx, e.user["liaison-cd"], e.unrelatedApp("Q-2", "CD"), answers(), nil)
		check(t, err, invalid("unit_id"))
		if !strings.Contains(err.Error(), "2026 年") || !strings.Contains(err.Error(), "上限 1 个") {
			t.Fatalf("message %q", err)
		}
		e.unchanged(t, before)
		_, err = e.svc.Submit(e.ctx, e.user["liaison-cd"], e.unrelatedApp("Q-2", "CD-DEPT"), answers(), nil)
		check(t, err, invalid("unit_id")) // the 支队's 科室 shares its quota
		// Another 支队 has its own quota.
		e.submit(t, "liaison-my", e.unrelatedApp("Q-MY", "MY"), answers())

		// New Year's Eve in Beijing is already next year: 2026-12-31 16:30 UTC is 2027-01-01 00:30.
		e.clock = time.Date(2026, 12, 31, 16, 30, 0, 0, time.UTC)
		next := e.submit(t, "liaison-cd", e.unrelatedApp("Q-3", "CD"), answers())
		if next.Year != 2027 {
			t.Fatalf("year %d, want 2027", next.Year)
		}
		_, err = e.svc.Submit(e.ctx, e.user["liaison-cd"], e.unrelatedApp("Q-4", "CD"), answers(), nil)
		check(t, err, invalid("unit_id"))

		// Back in 2026, withdrawing the first frees its place.
		e.clock = time.Date(2026, 7, 1, 2, 0, 0, 0, time.UTC)
		if _, err := e.svc.Withdraw(e.ctx, e.user["liaison-cd"], first.ID, ""); err != nil {
			t.Fatal(err)
		}
		e.submit(t, "liaison-cd", e.unrelatedApp("Q-5", "CD"), answers())

		// The 总队 defaults to three a year.
		for i, code := range []string{"Z-1", "Z-2", "Z-3", "Z-4"} {
			_, err := e.svc.Submit(e.ctx, e.user["office"], e.unrelatedApp(code, "IT"), answers(), nil)
			if i < intake.DefaultQuotaCorps {
				check(t, err, pass)
			} else {
				check(t, err, invalid("unit_id"))
			}
		}
	})
}

// TestQuotaRace: two submissions of one unit at the same moment cannot both take the last place.
func TestQuotaRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setSetting(t, intake.KeyQuotaDetachment, "1")
		var wg sync.WaitGroup
		errsOf := make([]error, 4)
		for i := range errsOf {
			wg.Go(func() {
				_, errsOf[i] = e.svc.Submit(e.ctx, e.user["liaison-cd"], e.unrelatedApp("RACE-"+string(rune('A'+i)), "CD"), answers(), nil)
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errsOf {
			switch {
			case err == nil:
				ok++
			case errs.KindOf(err) != errs.Invalid:
				t.Fatalf("unexpected error %v", err)
			}
		}
		if ok != 1 || e.count(t, "intake_requests") != 1 {
			t.Fatalf("%d submissions passed a quota of one (%d requests stored)", ok, e.count(t, "intake_requests"))
		}
	})
}

// TestAnswers: every answer of an app is required and must say something; filings answer none.
func TestAnswers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		set := map[string]func(*intake.Answers, string){
			"fits_plan":     func(a *intake.Answers, v string) { a.FitsPlan = v },
			"not_duplicate": func(a *intake.Answers, v string) { a.NotDuplicate = v },
			"not_module":    func(a *intake.Answers, v string) { a.NotModule = v },
			"can_share":     func(a *intake.Answers, v string) { a.CanShare = v },
			"data_rules":    func(a *intake.Answers, v string) { a.DataRules = v },
		}
		for _, q := range intake.Questions {
			for _, c := range []struct{ name, value string }{
				{"missing", ""},
				{"blank", " \n "},
				{"short", "符合规划要求"},
				{"punctuation", "。。。。。。,,,,,,,,,,,,!!!!!"},
				{"control", "符合规划要求符合规划要求\x07"},
			} {
				t.Run(q.Field+"/"+c.name, func(t *testing.T) {
					a := answers()
					set[q.Field](&a, c.value)
					before := e.snapshot(t)
					_, err := e.svc.Submit(e.ctx, e.user["liaison-cd"], e.unrelatedApp("ANS", "CD"), a, nil)
					check(t, err, invalid(q.Field))
					e.unchanged(t, before)
				})
			}
		}
		r := e.submit(t, "liaison-jj", catalog.Input{Code: "ACC-1", Kind: catalog.Account, Name: "锦江消防", Platform: "抖音",
			UnitID: e.unit["CD-JJ"].ID}, answers())
		if r.Answers != (intake.Answers{}) {
			t.Fatalf("a filing kept answers: %+v", r.Answers)
		}
		_, err := e.svc.Submit(e.ctx, e.user["liaison-cd"], e.unrelatedApp("MEM", "CD"), answers(), members("P01"))
		check(t, err, invalid("members"))
		_, err = e.svc.Submit(e.ctx, e.user["staff"], e.unrelatedApp("X", "CD"), answers(), nil)
		check(t, err, forbidden)
		_, err = e.svc.Submit(e.ctx, e.user["reviewer-cd"], e.unrelatedApp("X", "CD"), answers(), nil)
		check(t, err, forbidden)
		// The catalog validates the asset itself, in the same transaction.
		bad := e.unrelatedApp("BAD", "CD")
		bad.Platform = "传真机"
		_, err = e.svc.Submit(e.ctx, e.user["liaison-cd"], bad, answers(), nil)
		check(t, err, invalid("platform"))
		_, err = e.svc.Submit(e.ctx, e.user["liaison-cd"], e.unrelatedApp("OUT", "MY"), answers(), nil)
		check(t, err, invalid("unit_id"))
	})
}

// TestScope: a request exists only for callers whose scope holds the asset's unit.
func TestScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		acc := e.submit(t, "liaison-jj", catalog.Input{Code: "ACC-JJ", Kind: catalog.Account, Name: "锦江消防", Platform: "抖音",
			UnitID: e.unit["CD-JJ"].ID}, intake.Answers{})
		app := e.submit(t, "liaison-cd", e.unrelatedApp("APP-CD", "CD"), answers())
		for _, c := range []struct {
			who  string
			sees []int64
		}{
			{"liaison-qy", nil}, // a sibling 大队
			{"liaison-my", nil}, // another 支队
			{"liaison-jj2", []int64{acc.ID}},
			{"liaison-cd2", []int64{acc.ID, app.ID}}, // the 支队 sees its 大队
			{"lead-news", []int64{acc.ID, app.ID}},
		} {
			t.Run(c.who, func(t *testing.T) {
				p := e.user[c.who]
				list, total, err := e.svc.List(e.ctx, p, intake.Filter{})
				check(t, err, pass)
				var got []int64
				for _, r := range list {
					got = append(got, r.ID)
				}
				if !sameIDs(got, c.sees) || total != len(c.sees) {
					t.Fatalf("%s lists %v (total %d), want %v", c.who, got, total, c.sees)
				}
				for _, id := range []int64{acc.ID, app.ID} {
					visible := false
					for _, x := range c.sees {
						visible = visible || x == id
					}
					if visible {
						continue
					}
					_, err := e.svc.Get(e.ctx, p, id)
					check(t, err, notFound)
					before := e.snapshot(t)
					_, err = e.svc.Decide(e.ctx, p, id, intake.Decision{Action: intake.ActReject, Comment: "越权操作"})
					check(t, err, notFound)
					_, err = e.svc.Withdraw(e.ctx, p, id, "")
					check(t, err, notFound)
					e.unchanged(t, before)
				}
				cs, err := e.svc.Counts(e.ctx, p)
				check(t, err, pass)
				if len(c.sees) == 0 && (cs.ToReview != 0 || cs.Flagged != 0) {
					t.Fatalf("%s counts %+v of requests they cannot see", c.who, cs)
				}
			})
		}
	})
}

// TestListAndCounts: 待我审批 follows the request through the steps.
func TestListAndCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.submit(t, "liaison-cd", e.unrelatedApp("L-1", "CD"), answers())
		acc := e.submit(t, "liaison-jj", catalog.Input{Code: "ACC-JJ", Kind: catalog.Account, Name: "锦江消防", Platform: "抖音",
			UnitID: e.unit["CD-JJ"].ID}, intake.Answers{})
		toReview := func(who string) []int64 {
			t.Helper()
			list, total, err := e.svc.List(e.ctx, e.user[who], intake.Filter{Actionable: true})
			check(t, err, pass)
			c, err := e.svc.Counts(e.ctx, e.user[who])
			check(t, err, pass)
			if c.ToReview != total {
				t.Fatalf("%s: Counts.ToReview %d, List total %d", who, c.ToReview, total)
			}
			var ids []int64
			for _, x := range list {
				ids = append(ids, x.ID)
			}
			return ids
		}
		for who, ids := range map[string][]int64{
			"liaison-cd":  {acc.ID},       // not their own app
			"liaison-cd2": {r.ID, acc.ID}, // both are in their 支队
			"liaison-jj":  nil,            // own account; the app is above their scope
			"liaison-jj2": {acc.ID},       //
			"lead-it":     {r.ID, acc.ID}, // leads may act at the unit step too
			"reviewer-cd": nil,            // reads only
			"liaison-my":  nil,            //
			"office":      {r.ID, acc.ID}, //
			"support":     nil,            //
		} {
			if got := toReview(who); !sameIDs(got, ids) {
				t.Errorf("before any review, %s may act on %v, want %v", who, got, ids)
			}
		}
		e.decide(t, "liaison-cd2", r.ID, intake.ActApprove, "")
		if got := toReview("liaison-cd2"); !sameIDs(got, []int64{acc.ID}) {
			t.Fatalf("after approving, liaison-cd2 may act on %v", got)
		}
		c, err := e.svc.Counts(e.ctx, e.user["lead-it"])
		check(t, err, pass)
		if c.ToReviewByStep[intake.StepLead] != 1 || c.ToReviewByStep[intake.StepUnit] != 1 {
			t.Fatalf("lead's counts by step %+v", c.ToReviewByStep)
		}
		c, err = e.svc.Counts(e.ctx, e.user["liaison-cd"])
		check(t, err, pass)
		if c.Pending != 1 || c.Returned != 0 {
			t.Fatalf("applicant's counts %+v", c)
		}
		list, _, err := e.svc.List(e.ctx, e.user["office"], intake.Filter{Kind: catalog.Account})
		check(t, err, pass)
		if len(list) != 1 || list[0].ID != acc.ID || list[0].UnitName != "锦江区消防救援大队" || list[0].StepLabel() != "单位审核" {
			t.Fatalf("office's account list %+v", list)
		}
		list, _, err = e.svc.List(e.ctx, e.user["office"], intake.Filter{Step: intake.StepLead, Q: "l-1"})
		check(t, err, pass)
		if len(list) != 1 || list[0].ID != r.ID {
			t.Fatalf("office's lead-step list %+v", list)
		}
		_, _, err = e.svc.List(e.ctx, e.user["office"], intake.Filter{Step: "nowhere"})
		check(t, err, invalid("step"))
		_, _, err = e.svc.List(e.ctx, e.user["staff"], intake.Filter{})
		check(t, err, forbidden)
		mine, _, err := e.svc.List(e.ctx, e.user["liaison-jj"], intake.Filter{Mine: true})
		check(t, err, pass)
		if len(mine) != 1 || mine[0].ID != acc.ID {
			t.Fatalf("liaison-jj's own requests %+v", mine)
		}
		byAsset, err := e.svc.ByAsset(e.ctx, e.user["office"], acc.AssetID)
		check(t, err, pass)
		if byAsset.ID != acc.ID {
			t.Fatalf("ByAsset found %d", byAsset.ID)
		}
	})
}

func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[int64]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
		if m[x] < 0 {
			return false
		}
	}
	return true
}

// TestConcurrentDecisions: two reviewers deciding the same step at once; one wins, the other is
// told the request moved on, and the timeline holds one decision.
func TestConcurrentDecisions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.submit(t, "liaison-cd", e.unrelatedApp("C-1", "CD"), answers())
		var wg sync.WaitGroup
		who := []string{"liaison-cd2", "office", "lead-it", "admin"}
		results := make([]error, len(who))
		for i, w := range who {
			wg.Go(func() {
				_, results[i] = e.svc.Decide(e.ctx, e.user[w], r.ID, intake.Decision{Action: intake.ActApprove, Step: intake.StepUnit})
			})
		}
		wg.Wait()
		ok := 0
		for i, err := range results {
			switch {
			case err == nil:
				ok++
			case errs.KindOf(err) != errs.Conflict:
				t.Fatalf("%s: %v", who[i], err)
			}
		}
		g, err := e.svc.Get(e.ctx, e.user["office2"], r.ID)
		check(t, err, pass)
		if ok != 1 || g.Step != intake.StepLead || len(g.Reviews) != 2 {
			t.Fatalf("%d approvals passed; step %s, %d timeline entries", ok, g.Step, len(g.Reviews))
		}
	})
}

// TestNoApprovalAroundTheWorkflow: while a request waits for a reviewer, its asset cannot be
// approved, rejected or edited through the inventory directly, even by the office.
func TestNoApprovalAroundTheWorkflow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.submit(t, "liaison-cd", e.unrelatedApp("NEW-BYPASS", "CD"), answers())
		before := e.snapshot(t)
		for _, to := range []catalog.Status{catalog.Active, catalog.Rejected} {
			_, err := e.cat.Transition(e.ctx, e.user["office"], r.AssetID, to, "直接批准试试")
			check(t, err, want{kind: errs.Conflict})
		}
		in := e.unrelatedApp("NEW-BYPASS", "CD")
		in.Name = "改过的名称"
		_, err := e.cat.Update(e.ctx, e.user["liaison-cd"], r.AssetID, in)
		check(t, err, want{kind: errs.Conflict})
		e.unchanged(t, before)
		// Returned to the applicant, the asset may be edited again.
		e.decide(t, "liaison-cd2", r.ID, intake.ActReturn, "请补充共享方案")
		if _, err := e.cat.Update(e.ctx, e.user["liaison-cd"], r.AssetID, in); err != nil {
			t.Fatalf("edit of a returned application: %v", err)
		}
	})
}
