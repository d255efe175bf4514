package analyze

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// The rules over activity data (the daily rollups of package activity): idle groups, after-hours
// and demand-heavy groups, little-used apps. They read the rollups through the run's transaction
// and fire only where the data can prove the point: a group is idle only if activity data has
// been arriving for the whole window and the group existed throughout it.

func init() {
	builtins = append(builtins, groupIdle{}, groupAfterHours{}, groupForced{}, appLowUse{})
}

// window is the period of days ending on the check date.
func window(env *Env, days int) (from, to time.Time) {
	return env.At.AddDate(0, 0, -(days - 1)), env.At
}

// groupActivity is one group's messages in a window; demands are the messages carrying any of
// the demand flags (收到, 接龙, 打卡, 留痕, 材料, 限时).
type groupActivity struct {
	messages, afterHours, demands int64
}

func groupActivities(ctx context.Context, q store.Querier, from, to time.Time) (map[int64]groupActivity, error) {
	out := map[int64]groupActivity{}
	err := each(ctx, q, `SELECT group_id, sum(messages), sum(after_hours), sum(demands)
		FROM act_group_days WHERE day >= $1 AND day <= $2 GROUP BY group_id`, func(r *sql.Rows) error {
		var id int64
		var a groupActivity
		if err := r.Scan(&id, &a.messages, &a.afterHours, &a.demands); err != nil {
			return err
		}
		out[id] = a
		return nil
	}, from, to)
	return out, err
}

// firstActivityDay is the first day of message data the bureau has, and false when there is none.
func firstActivityDay(ctx context.Context, q store.Querier) (time.Time, bool, error) {
	var d time.Time
	err := q.QueryRowContext(ctx, `SELECT day FROM act_group_days ORDER BY day LIMIT 1`).Scan(&d)
	if err == sql.ErrNoRows {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("analyze: first activity day: %w", err)
	}
	return d.UTC(), true, nil
}

// groupIdle is GRP-IDLE.
type groupIdle struct{}

var groupIdleDef = Def{ID: "GRP-IDLE", Title: "群组长期闲置", Kind: "group", Severity: Medium, Disposition: Dissolve, Version: 1,
	Basis:  "[L] 甘孜州等地:长期闲置两个月以上的工作群组予以解散",
	Params: []Param{{Name: "days", Label: "无消息天数", Min: 7, Max: 365, Default: 60, Integer: true}}}

func (groupIdle) Def() Def { return groupIdleDef }

func (groupIdle) Check(ctx context.Context, env *Env) ([]Hit, error) {
	if env.Q == nil {
		return nil, nil
	}
	d := groupIdleDef
	n := env.Configs.Int(d.ID, "days")
	from, to := window(env, n)
	first, ok, err := firstActivityDay(ctx, env.Q)
	if err != nil || !ok || first.After(from) {
		return nil, err // the data does not yet cover the window: silence proves nothing
	}
	acts, err := groupActivities(ctx, env.Q, from, to)
	if err != nil {
		return nil, err
	}
	opened := map[int64]time.Time{}
	err = each(ctx, env.Q, `SELECT a.id, a.opened_on FROM assets a WHERE a.kind = 'group' AND `+live, func(r *sql.Rows) error {
		var id int64
		var on sql.NullTime
		if err := r.Scan(&id, &on); err != nil {
			return err
		}
		if on.Valid {
			opened[id] = on.Time.UTC()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []Hit
	for _, g := range env.Inv.Groups {
		if acts[g.ID].messages > 0 || opened[g.ID].After(from) {
			continue
		}
		out = append(out, hit(g.Code, g.UnitID, g.ID, fmt.Sprintf("%s 至 %s 的 %d 天内没有任何消息", date(from), date(to), n),
			map[string]any{"window_from": date(from), "window_to": date(to), "messages": 0, "threshold_days": n},
			map[string]any{"idle": true}))
	}
	return out, nil
}

// groupAfterHours is GRP-AFTERHOURS.
type groupAfterHours struct{}

var groupAfterHoursDef = Def{ID: "GRP-AFTERHOURS", Title: "群组非工作时间发布工作信息多", Kind: "group", Severity: Medium, Disposition: Fix, Version: 1,
	Basis: "[L] 非工作时间不发布工作信息(除应急值守外);工作时间和节假日按本单位工作日历",
	Params: []Param{
		{Name: "share", Label: "非工作时间消息占比阈值", Min: 0.05, Max: 1, Default: 0.3},
		{Name: "days", Label: "统计天数", Min: 7, Max: 365, Default: 30, Integer: true},
		{Name: "min_messages", Label: "统计期内最少消息数", Min: 1, Max: 10000, Default: 20, Integer: true},
	}}

func (groupAfterHours) Def() Def { return groupAfterHoursDef }

func (groupAfterHours) Check(ctx context.Context, env *Env) ([]Hit, error) {
	if env.Q == nil {
		return nil, nil
	}
	d := groupAfterHoursDef
	share, days, minN := env.Configs.Num(d.ID, "share"), env.Configs.Int(d.ID, "days"), int64(env.Configs.Int(d.ID, "min_messages"))
	from, to := window(env, days)
	acts, err := groupActivities(ctx, env.Q, from, to)
	if err != nil {
		return nil, err
	}
	var out []Hit
	for _, g := range env.Inv.Groups {
		a := acts[g.ID]
		if a.messages < minN {
			continue
		}
		s := float64(a.afterHours) / float64(a.messages)
		if s <= share {
			continue
		}
		out = append(out, hit(g.Code, g.UnitID, g.ID, fmt.Sprintf("近 %d 天 %d 条消息中 %d 条在非工作时间发出(%.0f%%,阈值 %.0f%%)",
			days, a.messages, a.afterHours, s*100, share*100),
			map[string]any{"window_from": date(from), "window_to": date(to), "messages": a.messages, "after_hours": a.afterHours,
				"share": round2(s), "threshold_share": share},
			map[string]any{"after_hours": true}))
	}
	return out, nil
}

// groupForced is GRP-FORCED: groups where many messages demand something of every member.
type groupForced struct{}

var groupForcedDef = Def{ID: "GRP-FORCED", Title: "群组频繁要求回复收到、接龙、打卡、留痕", Kind: "group", Severity: High, Disposition: Fix, Version: 1,
	Basis: "[N] 关于防治“指尖上的形式主义”的若干意见(2023):不得要求回复“收到”、接龙、打卡、上传截图视频等过度留痕",
	Params: []Param{
		{Name: "share", Label: "留痕类要求占消息比例阈值", Min: 0.01, Max: 1, Default: 0.1},
		{Name: "per_day", Label: "每个工作日留痕类要求条数阈值", Min: 0.1, Max: 100, Default: 1},
		{Name: "days", Label: "统计天数", Min: 7, Max: 365, Default: 30, Integer: true},
	}}

func (groupForced) Def() Def { return groupForcedDef }

func (groupForced) Check(ctx context.Context, env *Env) ([]Hit, error) {
	if env.Q == nil {
		return nil, nil
	}
	d := groupForcedDef
	share, perDay, days := env.Configs.Num(d.ID, "share"), env.Configs.Num(d.ID, "per_day"), env.Configs.Int(d.ID, "days")
	from, to := window(env, days)
	acts, err := groupActivities(ctx, env.Q, from, to)
	if err != nil {
		return nil, err
	}
	cal, err := calendar.Load(ctx, env.Q)
	if err != nil {
		return nil, err
	}
	workdays := max(1, cal.WorkdaysBetween(from.AddDate(0, 0, -1), to))
	var out []Hit
	for _, g := range env.Inv.Groups {
		a := acts[g.ID]
		if a.messages == 0 {
			continue
		}
		s, pd := float64(a.demands)/float64(a.messages), float64(a.demands)/float64(workdays)
		if s < share || pd < perDay {
			continue
		}
		out = append(out, hit(g.Code, g.UnitID, g.ID, fmt.Sprintf("近 %d 天 %d 条消息中 %d 条要求回复收到、接龙、打卡、留痕或报材料(%.0f%%,每个工作日 %.1f 条)",
			days, a.messages, a.demands, s*100, pd),
			map[string]any{"window_from": date(from), "window_to": date(to), "messages": a.messages, "demands": a.demands,
				"share": round2(s), "per_workday": round2(pd), "workdays": workdays, "threshold_share": share, "threshold_per_workday": perDay},
			map[string]any{"forced": true}))
	}
	return out, nil
}

// appLowUse is APP-LOWUSE.
type appLowUse struct{}

var appLowUseDef = Def{ID: "APP-LOWUSE", Title: "应用使用率低", Kind: "app", Severity: Medium, Disposition: Offline, Version: 1,
	Basis: "[N] 使用率低、实用性不强的应用程序限期关停(专项整治方案);比例为本平台默认",
	Params: []Param{
		{Name: "share", Label: "日均活跃用户占目标用户比例阈值", Min: 0.01, Max: 1, Default: 0.2},
		{Name: "days", Label: "统计天数", Min: 7, Max: 365, Default: 30, Integer: true},
		{Name: "min_days", Label: "最少有数据天数", Min: 1, Max: 365, Default: 7, Integer: true},
	}}

func (appLowUse) Def() Def { return appLowUseDef }

func (appLowUse) Check(ctx context.Context, env *Env) ([]Hit, error) {
	if env.Q == nil {
		return nil, nil
	}
	d := appLowUseDef
	share, days, minDays := env.Configs.Num(d.ID, "share"), env.Configs.Int(d.ID, "days"), int64(env.Configs.Int(d.ID, "min_days"))
	from, to := window(env, days)
	type use struct {
		days, active, target int64
	}
	uses := map[int64]use{}
	err := each(ctx, env.Q, `SELECT x.app_id, count(*), sum(x.active_users), d.target_count FROM act_app_days x
		JOIN app_details d ON d.asset_id = x.app_id
		WHERE x.day >= $1 AND x.day <= $2 AND x.active_users IS NOT NULL GROUP BY x.app_id, d.target_count`,
		func(r *sql.Rows) error {
			var id int64
			var u use
			if err := r.Scan(&id, &u.days, &u.active, &u.target); err != nil {
				return err
			}
			uses[id] = u
			return nil
		}, from, to)
	if err != nil {
		return nil, err
	}
	var out []Hit
	for _, a := range env.Inv.Apps {
		u, ok := uses[a.ID]
		if !ok || u.days < minDays || u.target <= 0 {
			continue
		}
		mean := float64(u.active) / float64(u.days)
		s := mean / float64(u.target)
		if s >= share {
			continue
		}
		out = append(out, hit(a.Code, a.UnitID, a.ID, fmt.Sprintf("近 %d 天日均活跃用户 %.1f 人,仅为目标用户 %d 人的 %.0f%%(阈值 %.0f%%)",
			days, mean, u.target, s*100, share*100),
			map[string]any{"window_from": date(from), "window_to": date(to), "days_reported": u.days, "mean_active_users": round2(mean),
				"target_users": u.target, "share": round2(s), "threshold_share": share},
			map[string]any{"low_use": true, "target_users": u.target}))
	}
	return out, nil
}
