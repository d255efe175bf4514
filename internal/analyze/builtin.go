package analyze

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/org"
)

// builtin is a rule whose logic is a plain function of the snapshot.
type builtin struct {
	def   Def
	check func(env *Env, d Def) []Hit
}

func (b builtin) Def() Def { return b.def }

func (b builtin) Check(ctx context.Context, env *Env) ([]Hit, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return b.check(env, b.def), nil
}

// extra holds the rules registered by other packages (similarity, overlap).
var extra []Rule

// Register adds a rule implemented elsewhere. It is meant for package initialisation, before
// any run; ids must be unique.
func Register(r Rule) {
	for _, x := range Rules() {
		if x.Def().ID == r.Def().ID {
			panic("analyze: rule registered twice: " + r.Def().ID)
		}
	}
	extra = append(extra, r)
}

// Rules lists every rule in display order: accounts, apps, groups, then registered ones.
func Rules() []Rule {
	return append(slices.Clone(builtins), extra...)
}

// RuleByID finds a rule.
func RuleByID(id string) (Rule, bool) {
	for _, r := range Rules() {
		if r.Def().ID == id {
			return r, true
		}
	}
	return nil, false
}

func date(t interface{ Format(string) string }) string { return t.Format("2006-01-02") }

// uploads are the forced features APP-UPLOADS covers (过度留痕); the rest are APP-FORCED's.
var uploads = []string{"upload_photo", "upload_video", "upload_location"}

func labels(codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = catalog.FeatureLabel(c)
	}
	return out
}

// normName folds the differences that do not make two unit names different: spaces of any
// width, full-width letters, digits and brackets.
func normName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '\u3000':
			continue
		case r >= '！' && r <= '～':
			r -= 0xFEE0
		}
		b.WriteRune(r)
	}
	return b.String()
}

var builtins = []Rule{
	builtin{Def{ID: "ACC-STALE", Title: "公众账号内容不更新", Kind: "account", Severity: High, Disposition: Fix, Version: 1,
		Basis:  "[N] 政府网站与政务新媒体检查指标(国办秘函〔2019〕19号):内容不更新为单项否决项",
		Params: []Param{{Name: "days", Label: "未更新天数", Min: 1, Max: 365, Default: 14, Integer: true}}},
		func(env *Env, d Def) []Hit {
			n := env.Configs.Int(d.ID, "days")
			zombie := env.Configs.Enabled("ACC-ZOMBIE")
			zdays := env.Configs.Int("ACC-ZOMBIE", "days")
			var out []Hit
			for _, a := range env.Inv.Accounts {
				if a.LastPostOn.IsZero() {
					if zombie {
						continue // never posted: ACC-ZOMBIE reports it
					}
					out = append(out, hit(a.Code, a.UnitID, a.ID, fmt.Sprintf("从未发布内容,超过 %d 天未更新", n),
						map[string]any{"last_post_on": nil, "threshold_days": n}, map[string]any{"last_post_on": nil}))
					continue
				}
				days := daysBetween(a.LastPostOn, env.At)
				// "No post within the last N days": a post exactly N days ago still counts.
				if days <= n || zombie && days >= zdays {
					continue
				}
				out = append(out, hit(a.Code, a.UnitID, a.ID, fmt.Sprintf("最近一次发布在 %s,已 %d 天未更新(阈值 %d 天)", date(a.LastPostOn), days, n),
					map[string]any{"last_post_on": date(a.LastPostOn), "days_since": days, "threshold_days": n, "check_date": date(env.At)},
					map[string]any{"last_post_on": date(a.LastPostOn)}))
			}
			return out
		}},
	builtin{Def{ID: "ACC-ZOMBIE", Title: "僵尸账号", Kind: "account", Severity: High, Disposition: Cancel, Version: 1,
		Basis:  "[L] 长期不更新的僵尸账号予以关停注销(部分省份 90 天)",
		Params: []Param{{Name: "days", Label: "未更新天数", Min: 7, Max: 730, Default: 60, Integer: true}}},
		func(env *Env, d Def) []Hit {
			n := env.Configs.Int(d.ID, "days")
			var out []Hit
			for _, a := range env.Inv.Accounts {
				if a.LastPostOn.IsZero() {
					out = append(out, hit(a.Code, a.UnitID, a.ID, "从未发布内容",
						map[string]any{"last_post_on": nil, "threshold_days": n}, map[string]any{"last_post_on": nil}))
					continue
				}
				days := daysBetween(a.LastPostOn, env.At)
				if days < n {
					continue
				}
				out = append(out, hit(a.Code, a.UnitID, a.ID, fmt.Sprintf("最近一次发布在 %s,已 %d 天未更新(阈值 %d 天)", date(a.LastPostOn), days, n),
					map[string]any{"last_post_on": date(a.LastPostOn), "days_since": days, "threshold_days": n, "check_date": date(env.At)},
					map[string]any{"last_post_on": date(a.LastPostOn)}))
			}
			return out
		}},
	builtin{Def{ID: "ACC-NOINTERACT", Title: "公众账号无有效互动", Kind: "account", Severity: High, Disposition: Fix, Version: 1,
		Basis: "[N] 政府网站与政务新媒体检查指标(国办秘函〔2019〕19号):互动回应差为单项否决项"},
		func(env *Env, d Def) []Hit {
			var out []Hit
			for _, a := range env.Inv.Accounts {
				if !a.Interaction {
					out = append(out, hit(a.Code, a.UnitID, a.ID, "留言、评论功能已关闭", map[string]any{"interaction": false}, map[string]any{"interaction": false}))
				}
			}
			return out
		}},
	builtin{Def{ID: "ACC-DUP", Title: "同一单位同一平台重复开设账号", Kind: "account", Severity: Medium, Disposition: Integrate, Version: 1,
		Basis:  "[N] 国办发〔2018〕123号:一个单位原则上在同一平台只开设一个政务新媒体账号",
		Params: []Param{{Name: "max", Label: "同一平台账号上限", Min: 1, Max: 20, Default: 1, Integer: true}}},
		func(env *Env, d Def) []Hit {
			max := env.Configs.Int(d.ID, "max")
			type key struct {
				unit     int64
				platform string
			}
			by := map[key][]Account{}
			for _, a := range env.Inv.Accounts {
				k := key{a.UnitID, a.Platform}
				by[k] = append(by[k], a)
			}
			var out []Hit
			for k, list := range by {
				if len(list) <= max {
					continue
				}
				var ids []int64
				var codes []string
				for _, a := range list {
					ids, codes = append(ids, a.ID), append(codes, a.Code)
				}
				u := env.Inv.Units[k.unit]
				out = append(out, Hit{Subject: u.Code + ":" + k.platform, UnitID: k.unit, Assets: ids,
					Summary:  fmt.Sprintf("%s在%s开设了 %d 个账号(上限 %d 个)", u.Name, k.platform, len(list), max),
					Evidence: map[string]any{"unit": u.Name, "platform": k.platform, "accounts": codes, "count": len(list), "threshold": max},
					Decisive: map[string]any{"accounts": codes}})
			}
			return out
		}},
	builtin{Def{ID: "ACC-FILING", Title: "公众账号未备案", Kind: "account", Severity: Medium, Disposition: Fix, Version: 1,
		Basis: "[L] 政务新媒体开设、变更、关停实行全生命周期备案"},
		func(env *Env, d Def) []Hit {
			var out []Hit
			for _, a := range env.Inv.Accounts {
				if strings.TrimSpace(a.FilingNo) == "" {
					out = append(out, hit(a.Code, a.UnitID, a.ID, "未登记备案编号", map[string]any{"filing_no": ""}, map[string]any{"filing_no": ""}))
				}
			}
			return out
		}},
	builtin{Def{ID: "ACC-MISMATCH", Title: "账号注册主体与主办单位不一致", Kind: "account", Severity: Low, Disposition: Fix, Version: 1,
		Basis: "[L] 通报问题类型:注册主体与实际主办单位不一致"},
		func(env *Env, d Def) []Hit {
			var out []Hit
			for _, a := range env.Inv.Accounts {
				u := env.Inv.Units[a.UnitID]
				if normName(a.Operator) == normName(u.Name) {
					continue
				}
				out = append(out, hit(a.Code, a.UnitID, a.ID, fmt.Sprintf("注册主体为“%s”,主办单位为“%s”", a.Operator, u.Name),
					map[string]any{"operator": a.Operator, "unit": u.Name}, map[string]any{"operator": normName(a.Operator), "unit": normName(u.Name)}))
			}
			return out
		}},

	builtin{Def{ID: "APP-FORCED", Title: "应用设置强制使用功能", Kind: "app", Severity: High, Disposition: Fix, Version: 1,
		Basis: "[N] 关于防治“指尖上的形式主义”的若干意见(2023);政务移动互联网应用程序规范化管理办法(国办函〔2026〕12号):不得设置打卡签到、积分排名、在线时长等功能,安保、应急类除外"},
		func(env *Env, d Def) []Hit { return forced(env, false) }},
	builtin{Def{ID: "APP-UPLOADS", Title: "应用强制上传照片、视频、定位(过度留痕)", Kind: "app", Severity: High, Disposition: Fix, Version: 1,
		Basis: "[N] 关于防治“指尖上的形式主义”的若干意见(2023):不得强制要求上传照片、视频、位置轨迹等过度留痕,安保、应急类除外"},
		func(env *Env, d Def) []Hit { return forced(env, true) }},
	builtin{Def{ID: "APP-NOFEEDBACK", Title: "应用无投诉建议渠道", Kind: "app", Severity: Medium, Disposition: Fix, Version: 1,
		Basis: "[N] 政务移动互联网应用程序规范化管理办法(国办函〔2026〕12号):应设置投诉建议渠道"},
		func(env *Env, d Def) []Hit {
			var out []Hit
			for _, a := range env.Inv.Apps {
				if !a.Feedback {
					out = append(out, hit(a.Code, a.UnitID, a.ID, "未设置投诉建议渠道", map[string]any{"feedback_channel": false}, map[string]any{"feedback_channel": false}))
				}
			}
			return out
		}},
	builtin{Def{ID: "APP-LEVEL", Title: "县级以下单位自建应用", Kind: "app", Severity: Medium, Disposition: Integrate, Version: 1,
		Basis: "[N] 国办函〔2026〕12号:县级以下单位原则上不得开发建设;本系统:总队、支队建设,大队、站使用"},
		func(env *Env, d Def) []Hit {
			var out []Hit
			for _, a := range env.Inv.Apps {
				u := env.Inv.Units[a.UnitID]
				if k := org.UnitKind(u.Kind); k != org.Brigade && k != org.Station {
					continue
				}
				kind := org.UnitKind(u.Kind).Label()
				out = append(out, hit(a.Code, a.UnitID, a.ID, fmt.Sprintf("由%s“%s”建设", kind, u.Name),
					map[string]any{"unit": u.Name, "unit_kind": kind}, map[string]any{"unit_id": u.ID}))
			}
			return out
		}},
	builtin{Def{ID: "APP-MLPS", Title: "等级保护测评逾期", Kind: "app", Severity: High, Disposition: Fix, Version: 1,
		Basis: "[N] 信息安全等级保护管理办法(公通字〔2007〕43号):三级每年至少测评一次,四级每半年至少一次",
		Params: []Param{{Name: "level3_days", Label: "三级系统测评周期(天)", Min: 30, Max: 1095, Default: 365, Integer: true},
			{Name: "level4_days", Label: "四级系统测评周期(天)", Min: 30, Max: 730, Default: 182, Integer: true}}},
		func(env *Env, d Def) []Hit {
			var out []Hit
			for _, a := range env.Inv.Apps {
				var n int
				switch a.MLPSLevel {
				case 3:
					n = env.Configs.Int(d.ID, "level3_days")
				case 4:
					n = env.Configs.Int(d.ID, "level4_days")
				default:
					continue
				}
				if a.MLPSAssessedOn.IsZero() {
					out = append(out, hit(a.Code, a.UnitID, a.ID, fmt.Sprintf("等保%d级,从未测评", a.MLPSLevel),
						map[string]any{"mlps_level": a.MLPSLevel, "mlps_assessed_on": nil, "threshold_days": n},
						map[string]any{"mlps_level": a.MLPSLevel, "mlps_assessed_on": nil}))
					continue
				}
				// Assessed on the cut-off day itself is still in time.
				days := daysBetween(a.MLPSAssessedOn, env.At)
				if days <= n {
					continue
				}
				out = append(out, hit(a.Code, a.UnitID, a.ID, fmt.Sprintf("等保%d级,上次测评 %s,已 %d 天(周期 %d 天)", a.MLPSLevel, date(a.MLPSAssessedOn), days, n),
					map[string]any{"mlps_level": a.MLPSLevel, "mlps_assessed_on": date(a.MLPSAssessedOn), "days_since": days, "threshold_days": n, "check_date": date(env.At)},
					map[string]any{"mlps_level": a.MLPSLevel, "mlps_assessed_on": date(a.MLPSAssessedOn)}))
			}
			return out
		}},
	builtin{Def{ID: "APP-REPEATFORMS", Title: "多个应用重复采集同一表单", Kind: "app", Severity: Medium, Disposition: Integrate, Version: 1,
		Basis:  "[N] 关于防治“指尖上的形式主义”的若干意见(2023):不得要求基层重复填表报数",
		Params: []Param{{Name: "min_apps", Label: "同一表单的应用数下限", Min: 2, Max: 50, Default: 2, Integer: true}}},
		func(env *Env, d Def) []Hit {
			min := env.Configs.Int(d.ID, "min_apps")
			by := map[string][]App{}
			for _, a := range env.Inv.Apps {
				seen := map[string]bool{}
				for _, f := range a.Forms {
					if !seen[f] {
						seen[f] = true
						by[f] = append(by[f], a)
					}
				}
			}
			var out []Hit
			for form, apps := range by {
				if len(apps) < min {
					continue
				}
				var ids, units []int64
				var codes []string
				for _, a := range apps {
					ids, units, codes = append(ids, a.ID), append(units, a.UnitID), append(codes, a.Code)
				}
				out = append(out, Hit{Subject: form, UnitID: env.Inv.ancestor(units), Assets: ids,
					Summary:  fmt.Sprintf("表单“%s”由 %d 个应用重复采集(阈值 %d 个)", form, len(apps), min),
					Evidence: map[string]any{"form": form, "apps": codes, "count": len(apps), "threshold": min},
					Decisive: map[string]any{"apps": codes}})
			}
			return out
		}},

	builtin{Def{ID: "GRP-TEMP", Title: "临时群组任务结束未解散", Kind: "group", Severity: Medium, Disposition: Dissolve, Version: 1,
		Basis:  "[N] 临时性、阶段性工作群组任务完成后及时解散",
		Params: []Param{{Name: "grace_days", Label: "任务结束后宽限天数", Min: 0, Max: 365, Default: 0, Integer: true}}},
		func(env *Env, d Def) []Hit {
			grace := env.Configs.Int(d.ID, "grace_days")
			var out []Hit
			for _, g := range env.Inv.Groups {
				if !g.Temporary {
					continue
				}
				if g.TaskEndOn.IsZero() {
					out = append(out, hit(g.Code, g.UnitID, g.ID, "临时群组未登记任务结束日期",
						map[string]any{"temporary": true, "task_end_on": nil}, map[string]any{"task_end_on": nil}))
					continue
				}
				days := daysBetween(g.TaskEndOn, env.At)
				if days <= grace {
					continue
				}
				out = append(out, hit(g.Code, g.UnitID, g.ID, fmt.Sprintf("任务已于 %s 结束,群组仍在使用(已 %d 天,宽限 %d 天)", date(g.TaskEndOn), days, grace),
					map[string]any{"temporary": true, "task_end_on": date(g.TaskEndOn), "days_since": days, "threshold_days": grace, "check_date": date(env.At)},
					map[string]any{"task_end_on": date(g.TaskEndOn)}))
			}
			return out
		}},
	builtin{Def{ID: "GRP-NOOWNER", Title: "群组无群主", Kind: "group", Severity: Medium, Disposition: Fix, Version: 1,
		Basis: "[L] 谁建群谁负责:每个工作群组应有明确的群主"},
		func(env *Env, d Def) []Hit {
			var out []Hit
			for _, g := range env.Inv.Groups {
				if !g.HasOwner {
					out = append(out, hit(g.Code, g.UnitID, g.ID, "未登记群主", map[string]any{"owner": nil}, map[string]any{"owner": nil}))
				}
			}
			return out
		}},
	builtin{Def{ID: "GRP-UNFILED", Title: "群组未经审批备案", Kind: "group", Severity: Medium, Disposition: Fix, Version: 1,
		Basis: "[N] 关于防治“指尖上的形式主义”的若干意见(2023):只在已批准设立的群组中开展工作"},
		func(env *Env, d Def) []Hit {
			var out []Hit
			for _, g := range env.Inv.Groups {
				if strings.TrimSpace(g.Approval) == "" {
					out = append(out, hit(g.Code, g.UnitID, g.ID, "未登记审批或备案文号", map[string]any{"approval_ref": ""}, map[string]any{"approval_ref": ""}))
				}
			}
			return out
		}},
	builtin{Def{ID: "GRP-LEFT", Title: "已调离人员仍在群内", Kind: "group", Severity: Medium, Disposition: Fix, Version: 1,
		Basis: "[L] 群组成员实名制、请出制:人员调离后及时移出工作群组"},
		func(env *Env, d Def) []Hit {
			var out []Hit
			for _, g := range env.Inv.Groups {
				var codes, names []string
				for _, m := range g.Flagged {
					if m.Left {
						codes, names = append(codes, m.PersonCode), append(names, m.Name)
					}
				}
				if len(codes) == 0 {
					continue
				}
				out = append(out, hit(g.Code, g.UnitID, g.ID, fmt.Sprintf("%d 名已调离人员仍在群内:%s", len(codes), strings.Join(names, "、")),
					map[string]any{"members": codes, "names": names, "count": len(codes)}, map[string]any{"members": codes}))
			}
			return out
		}},
	builtin{Def{ID: "GRP-EXTERNAL", Title: "群内有组织外人员", Kind: "group", Severity: Low, Disposition: Keep, Version: 1,
		Basis: "[L] 群组成员实名制:核实不在本单位人员名录中的成员,确有工作需要的保留"},
		func(env *Env, d Def) []Hit {
			var out []Hit
			for _, g := range env.Inv.Groups {
				var names []string
				for _, m := range g.Flagged {
					if m.PersonCode == "" {
						names = append(names, m.Name)
					}
				}
				if len(names) == 0 {
					continue
				}
				sort.Strings(names)
				out = append(out, hit(g.Code, g.UnitID, g.ID, fmt.Sprintf("%d 名成员不在人员名录中:%s", len(names), strings.Join(names, "、")),
					map[string]any{"externals": names, "count": len(names)}, map[string]any{"externals": names}))
			}
			return out
		}},
	builtin{Def{ID: "GRP-OWNERLEFT", Title: "群主已调离", Kind: "group", Severity: Medium, Disposition: Fix, Version: 1,
		Basis: "[L] 谁建群谁负责:群主调离后应移交群主或解散群组"},
		func(env *Env, d Def) []Hit {
			var out []Hit
			for _, g := range env.Inv.Groups {
				if g.OwnerID != 0 && g.OwnerLeft {
					out = append(out, hit(g.Code, g.UnitID, g.ID, fmt.Sprintf("群主(工号 %s)已调离", g.OwnerCode),
						map[string]any{"owner": g.OwnerCode, "owner_status": "已调离"}, map[string]any{"owner": g.OwnerCode}))
				}
			}
			return out
		}},
}

func hit(subject string, unit, asset int64, summary string, evidence, decisive map[string]any) Hit {
	return Hit{Subject: subject, UnitID: unit, Assets: []int64{asset}, Summary: summary, Evidence: evidence, Decisive: decisive}
}

// forced is APP-FORCED (uploads false) or APP-UPLOADS (uploads true): the app's forced-use
// features of that family, unless the app is marked 安保/应急.
func forced(env *Env, wantUploads bool) []Hit {
	var out []Hit
	for _, a := range env.Inv.Apps {
		if a.Emergency {
			continue
		}
		var feats []string
		for _, f := range a.Features {
			if slices.Contains(uploads, f) == wantUploads {
				feats = append(feats, f)
			}
		}
		if len(feats) == 0 {
			continue
		}
		out = append(out, hit(a.Code, a.UnitID, a.ID, "设有"+strings.Join(labels(feats), "、"),
			map[string]any{"features": feats, "feature_labels": labels(feats), "emergency_use": false},
			map[string]any{"features": feats}))
	}
	return out
}
