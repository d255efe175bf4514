package intake_test

import (
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/intake"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// hydrants is a new app that duplicates 绵阳's 消防水源管理系统 (APP-MY-01) in other words.
func (e *env) hydrants(code, unit string) catalog.Input {
	in := e.appInput(code, unit, "市政消火栓巡查App",
		"对辖区市政消火栓和消防水池开展日常巡查，记录维护保养情况，发现故障上报维修，在地图上查看水源分布。",
		"消火栓巡查", "维护保养记录", "故障上报", "水源分布地图")
	in.App = &catalog.AppDetails{Forms: []string{"消防水源巡检记录"}}
	return in
}

func TestSimilarApps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		cd := e.user["liaison-cd"]
		t.Run("near duplicate across 支队", func(t *testing.T) {
			ms, err := e.svc.Similar(e.ctx, cd, e.hydrants("", "CD"), nil)
			check(t, err, pass)
			if len(ms) != 1 {
				t.Fatalf("matches %+v, want only APP-MY-01", ms)
			}
			m := ms[0]
			if m.Code != "APP-MY-01" || m.Name != "消防水源管理系统" || m.UnitName != "绵阳市消防救援支队" || m.Kind != catalog.App || m.Status != catalog.Active {
				t.Fatalf("match %+v", m)
			}
			if m.Score < intake.DefaultSimilarBlock || !m.Blocking {
				t.Fatalf("score %.3f (blocking %v), want a likely duplicate", m.Score, m.Blocking)
			}
			if !strings.Contains(strings.Join(m.Evidence.SharedTerms, " "), "消火栓") || len(m.Evidence.SharedForms) != 1 {
				t.Fatalf("evidence %+v", m.Evidence)
			}
			if len(m.Reasons) < 3 || !strings.HasPrefix(m.Reasons[0], "文本相似度") {
				t.Fatalf("reasons %q", m.Reasons)
			}
			// The search crosses the scope on purpose; the record itself stays out of reach.
			_, err = e.cat.Get(e.ctx, cd, m.AssetID)
			if err == nil {
				t.Fatal("liaison-cd can read 绵阳's app")
			}
			t.Logf("score %.3f, shared %v, reasons %q", m.Score, m.Evidence.SharedTerms, m.Reasons)
		})
		t.Run("unrelated finds nothing", func(t *testing.T) {
			for _, in := range []catalog.Input{
				e.unrelatedApp("", "CD"),
				e.appInput("", "CD", "车辆加油卡管理", "油卡充值、加油记录和油耗统计。", "油卡充值", "加油记录", "油耗统计"),
				e.appInput("", "CD", "", ""),
			} {
				ms, err := e.svc.Similar(e.ctx, cd, in, nil)
				check(t, err, pass)
				for _, m := range ms {
					if m.Score >= intake.DefaultSimilarMin {
						t.Errorf("%q matches %s %q at %.3f", in.Name, m.Code, m.Name, m.Score)
					}
				}
			}
		})
		t.Run("each fixture app finds only itself", func(t *testing.T) {
			for code, a := range e.apps {
				in := catalog.Input{Kind: catalog.App, Name: a.Name, Purpose: a.Purpose, Functions: a.Functions, App: a.App}
				ms, err := e.svc.Similar(e.ctx, e.user["office"], in, nil)
				check(t, err, pass)
				if a.Status != catalog.Active {
					if len(ms) != 0 {
						t.Errorf("retired %s still matched: %+v", code, ms)
					}
					continue
				}
				if len(ms) == 0 || ms[0].Code != code || ms[0].Score < 0.99 {
					t.Errorf("%s: top match %+v", code, ms)
					continue
				}
				for _, m := range ms[1:] {
					if m.Code != "APP-MY-01" && m.Blocking {
						t.Errorf("%s: unrelated %s %q flagged at %.3f", code, m.Code, m.Name, m.Score)
					}
				}
			}
		})
		t.Run("settings", func(t *testing.T) {
			e.setSetting(t, intake.KeySimilarMin, "0.95")
			defer e.setSetting(t, intake.KeySimilarMin, "0.3")
			ms, err := e.svc.Similar(e.ctx, cd, e.hydrants("", "CD"), nil)
			check(t, err, pass)
			if len(ms) != 0 {
				t.Fatalf("min 0.95 still shows %+v", ms)
			}
		})
		t.Run("unit out of scope", func(t *testing.T) {
			_, err := e.svc.Similar(e.ctx, cd, e.hydrants("", "MY"), nil)
			check(t, err, invalid("unit_id"))
			_, err = e.svc.Similar(e.ctx, e.user["staff"], e.hydrants("", "CD"), nil)
			check(t, err, forbidden)
		})
	})
}

// TestSnapshot: Submit keeps the matches the applicant saw; reviewers see the same, even after
// the matched app changes; a resubmission searches again.
func TestSnapshot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a := answers()
		a.NotDuplicate = "与绵阳支队的消防水源管理系统相比,本应用只做巡查,不做水源登记"
		r := e.submit(t, "liaison-cd", e.hydrants("H-1", "CD"), a)
		if !r.Flagged || r.TopScore < intake.DefaultSimilarBlock || len(r.Matches) != 1 {
			t.Fatalf("flagged %v top %.3f matches %+v", r.Flagged, r.TopScore, r.Matches)
		}
		if m := r.Matches[0]; m.Code != "APP-MY-01" || !m.Addressed || !m.Blocking {
			t.Fatalf("snapshot %+v", m)
		}
		// Renamed and retired afterwards: the reviewer still sees what the applicant saw.
		my := e.apps["APP-MY-01"]
		upd := catalog.Input{Code: my.Code, Kind: catalog.App, Name: "水源一张图", Platform: "App", UnitID: my.UnitID, Purpose: my.Purpose,
			Functions: my.Functions, App: my.App}
		_, err := e.cat.Update(e.ctx, org.System, my.ID, upd)
		must(t, err)
		_, err = e.cat.Transition(e.ctx, org.System, my.ID, catalog.Retired, "已整合")
		must(t, err)
		g, err := e.svc.Get(e.ctx, e.user["lead-it"], r.ID)
		check(t, err, pass)
		if len(g.Matches) != 1 || g.Matches[0].Name != "消防水源管理系统" || g.Matches[0].Status != catalog.Active ||
			g.Matches[0].Evidence.SharedForms[0] != "消防水源巡检记录" {
			t.Fatalf("reviewer sees %+v", g.Matches)
		}
		// A new app now finds the applying one (applying apps count), not the retired one: the
		// cached index saw both changes.
		ms, err := e.svc.Similar(e.ctx, e.user["liaison-my"], e.hydrants("", "MY"), nil)
		check(t, err, pass)
		if len(ms) != 1 || ms[0].AssetID != r.AssetID || ms[0].Status != catalog.Applying {
			t.Fatalf("second search %+v", ms)
		}
		e.decide(t, "liaison-cd2", r.ID, intake.ActReturn, "请补充与已有系统的对比")
		got, err := e.svc.Resubmit(e.ctx, e.user["liaison-cd"], r.ID, nil, answers(), nil)
		check(t, err, pass)
		if got.Flagged || len(got.Matches) != 0 || got.TopScore != 0 {
			t.Fatalf("after the duplicate was retired, resubmission still flagged: %+v", got.Matches)
		}
	})
}

func (e *env) account(t *testing.T, code, unit, platform, name, handle string) catalog.Asset {
	t.Helper()
	a, err := e.cat.Create(e.ctx, org.System, catalog.Input{Code: code, Kind: catalog.Account, Name: name, Platform: platform,
		UnitID: e.unit[unit].ID, Account: &catalog.AccountDetails{Handle: handle}})
	must(t, err)
	return a
}

func TestAccountFiling(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.account(t, "WX-JJ", "CD-JJ", "微信公众号", "锦江消防", "jjxf119")
		e.account(t, "WB-QY", "CD-QY", "微博", "青羊消防", "qyxf")
		jj := e.user["liaison-jj"]
		in := func(platform, name, unit, handle string) catalog.Input {
			return catalog.Input{Code: "NEW-ACC", Kind: catalog.Account, Name: name, Platform: platform, UnitID: e.unit[unit].ID,
				Account: &catalog.AccountDetails{Handle: handle}}
		}
		for _, c := range []struct {
			name     string
			who      string
			in       catalog.Input
			code     string // expected top match, "" for none
			blocking bool
			reason   string
		}{
			{"same unit, same platform", "liaison-jj", in("微信公众号", "锦江区消防救援大队", "CD-JJ", ""), "WX-JJ", true, "ACC-DUP"},
			{"same unit, same platform, other name", "liaison-jj", in("微信公众号", "春熙路消防站", "CD-JJ", ""), "WX-JJ", true, "一个单位原则上在同一平台只开设一个账号"},
			{"same unit, other platform", "liaison-jj", in("抖音", "锦江区消防救援大队", "CD-JJ", ""), "", false, ""},
			{"other unit, same handle", "liaison-qy", in("微信公众号", "青羊发布", "CD-QY", "JJXF119"), "WX-JJ", true, "账号 ID"},
			{"other unit, similar name", "liaison-qy", in("微信公众号", "锦江消防发布", "CD-QY", ""), "WX-JJ", true, "名称相似度"},
			{"other unit, other name", "liaison-qy", in("微信公众号", "青羊消防", "CD-QY", ""), "", false, ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				ms, err := e.svc.Similar(e.ctx, e.user[c.who], c.in, nil)
				check(t, err, pass)
				if c.code == "" {
					if len(ms) != 0 {
						t.Fatalf("matches %+v, want none", ms)
					}
					return
				}
				if len(ms) == 0 || ms[0].Code != c.code || ms[0].Blocking != c.blocking || !strings.Contains(strings.Join(ms[0].Reasons, ";"), c.reason) {
					t.Fatalf("matches %+v, want %s blocking=%v with %q", ms, c.code, c.blocking, c.reason)
				}
			})
		}
		// The filing: unit → lead → 已备案, no office step.
		r := e.submit(t, "liaison-jj", in("微信公众号", "锦江区消防救援大队", "CD-JJ", ""), intake.Answers{})
		if !r.Flagged || len(r.Matches) != 1 || !r.Matches[0].Evidence.SameUnit || r.Matches[0].Score != 1 {
			t.Fatalf("filing %+v matches %+v", r, r.Matches)
		}
		_, err := e.svc.Decide(e.ctx, jj, r.ID, intake.Decision{Action: intake.ActApprove})
		check(t, err, forbidden)
		e.decide(t, "liaison-jj2", r.ID, intake.ActApprove, "")
		got := e.decide(t, "lead-news", r.ID, intake.ActApprove, "同意备案,请注销原账号")
		if got.Step != intake.StepApproved || got.StepLabel() != "已备案" || got.AssetStatus != catalog.Active {
			t.Fatalf("after the lead: %s %s", got.Step, got.AssetStatus)
		}
		if ev := e.lastEvent(t, r.AssetID); ev.Reason != "备案通过" {
			t.Fatalf("reason %q", ev.Reason)
		}
	})
}

func (e *env) group(t *testing.T, code, unit, name, purpose string, member []string) catalog.Asset {
	t.Helper()
	a, err := e.cat.Create(e.ctx, org.System, catalog.Input{Code: code, Kind: catalog.Group, Name: name, Platform: "微信",
		UnitID: e.unit[unit].ID, Purpose: purpose})
	must(t, err)
	_, err = e.cat.SetMembers(e.ctx, org.System, a.ID, members(member...))
	must(t, err)
	return a
}

func TestGroupFiling(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		duty := e.group(t, "G-DUTY", "CD-JJ", "锦江大队值班调度群", "值班调度、警情通报", codes(1, 10))
		e.group(t, "G-BALL", "CD-JJ", "篮球爱好者", "业余篮球活动", codes(11, 14))
		joint := e.group(t, "G-JOINT", "MY-FC", "涪城联勤协作群", "跨区增援联勤", codes(1, 9))
		in := func(name, purpose string) catalog.Input {
			return catalog.Input{Code: "NEW-G", Kind: catalog.Group, Name: name, Platform: "钉钉", UnitID: e.unit["CD-JJ"].ID, Purpose: purpose}
		}
		byCode := func(ms []intake.Match) map[string]intake.Match {
			out := map[string]intake.Match{}
			for _, m := range ms {
				key := m.Code
				if m.Redacted {
					key = "(redacted)"
				}
				out[key] = m
			}
			return out
		}
		t.Run("80% overlap", func(t *testing.T) {
			ms, err := e.svc.Similar(e.ctx, e.user["liaison-jj"], in("执勤通知群", "执勤通知"), members(append(codes(1, 9), "P12")...))
			check(t, err, pass)
			got := byCode(ms)
			m, ok := got["G-DUTY"]
			if !ok || !m.Blocking || m.Evidence.SharedMembers != 9 || m.Evidence.Jaccard < 0.8 || m.Evidence.Members != 10 || m.Evidence.TheirMembers != 10 {
				t.Fatalf("G-DUTY match %+v in %+v", m, ms)
			}
			if !strings.Contains(strings.Join(m.Reasons, ";"), "GRP-DUP") {
				t.Fatalf("reasons %q", m.Reasons)
			}
			if _, ok := got["G-BALL"]; ok {
				t.Fatalf("one shared member matched the basketball group: %+v", got["G-BALL"])
			}
			// 涪城's group is outside the liaison's scope: its numbers, not its name.
			r, ok := got["(redacted)"]
			if !ok || r.AssetID != 0 || r.Name == "涪城联勤协作群" || r.UnitName != "" || !r.Blocking || r.Evidence.SharedMembers != 9 {
				t.Fatalf("redacted match %+v", r)
			}
			ms, err = e.svc.Similar(e.ctx, e.user["office"], in("执勤通知群", "执勤通知"), members(append(codes(1, 9), "P12")...))
			check(t, err, pass)
			if m, ok := byCode(ms)["G-JOINT"]; !ok || m.AssetID != joint.ID || m.UnitName != "涪城区消防救援大队" {
				t.Fatalf("office sees %+v", ms)
			}
		})
		t.Run("small group inside a big one", func(t *testing.T) {
			ms, err := e.svc.Similar(e.ctx, e.user["liaison-jj"], in("突击队", "临时突击任务"), members(codes(1, 4)...))
			check(t, err, pass)
			m, ok := byCode(ms)["G-DUTY"]
			if !ok || !m.Blocking || m.Evidence.Containment != 1 || m.Evidence.Jaccard >= 0.8 {
				t.Fatalf("containment match %+v", ms)
			}
		})
		t.Run("two shared members are no duplicate", func(t *testing.T) {
			ms, err := e.svc.Similar(e.ctx, e.user["liaison-jj"], in("党小组学习", "学习交流"), members("P01", "P02"))
			check(t, err, pass)
			for _, m := range ms {
				if m.Blocking {
					t.Fatalf("flagged %+v", m)
				}
			}
		})
		t.Run("same unit, similar name", func(t *testing.T) {
			ms, err := e.svc.Similar(e.ctx, e.user["liaison-jj"], in("锦江大队值班调度二群", "值班调度"), nil)
			check(t, err, pass)
			m, ok := byCode(ms)["G-DUTY"]
			if !ok || m.Evidence.Text < intake.DefaultSimilarMin || m.Evidence.SharedMembers != 0 {
				t.Fatalf("text match %+v", ms)
			}
		})
		t.Run("filing", func(t *testing.T) {
			r := e.submit(t, "liaison-jj", in("执勤通知群", "执勤通知"), intake.Answers{}, members(append(codes(1, 9), "P12")...)...)
			if !r.Flagged || r.Asset.Group == nil || r.Asset.Group.MemberCount != 10 {
				t.Fatalf("filing flagged %v, asset %+v", r.Flagged, r.Asset)
			}
			if m := byCode(r.Matches)["G-DUTY"]; m.AssetID != duty.ID || m.Evidence.SharedMembers != 9 {
				t.Fatalf("snapshot %+v", r.Matches)
			}
			e.decide(t, "liaison-jj2", r.ID, intake.ActApprove, "")
			if _, err := e.svc.Decide(e.ctx, e.user["lead-it"], r.ID, intake.Decision{Action: intake.ActApprove}); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("信息通信处 approving a group filing: %v, want Forbidden (groups are 办公室's)", err)
			}
			got := e.decide(t, "lead-office", r.ID, intake.ActApprove, "同意,请与值班调度群合并使用")
			if got.Step != intake.StepApproved || got.AssetStatus != catalog.Active {
				t.Fatalf("after the lead: %s %s", got.Step, got.AssetStatus)
			}
			// An unknown member is the catalog's error, and nothing is written.
			before := e.snapshot(t)
			bad := in("另一群", "另一用途")
			bad.Code = "NEW-G2"
			_, err := e.svc.Submit(e.ctx, e.user["liaison-jj"], bad, intake.Answers{}, members("P01", "NOBODY"))
			if err == nil {
				t.Fatal("unknown member accepted")
			}
			e.unchanged(t, before)
		})
	})
}
