// Package settings lets the administrator change the rules' numbers that the bureau may tighten
// or relax (attestation period, intake quotas, duplicate thresholds), each validated against its
// range and audited. The packages that use a setting read the settings table themselves and fall
// back to their defaults; this package is the one place that writes it.
package settings

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/activity"
	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/burden"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/intake"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// Def describes one setting.
type Def struct {
	Key     string  `json:"key"`
	Label   string  `json:"label"`
	Help    string  `json:"help"`
	Integer bool    `json:"integer"`
	Min     float64 `json:"min"`
	Max     float64 `json:"max"`
	Default float64 `json:"default"`
	Basis   string  `json:"basis"` // the policy text the default comes from
	// Check, if set, refuses values the range alone lets through (a date written as yyyymmdd).
	Check func(float64) error `json:"-"`
	Group string              `json:"group"` // the heading the settings page lists it under
}

// Defs lists every setting in display order: the bureau's own, then every health-check rule's
// switch and thresholds (analyze.Settings).
var Defs = append(baseDefs, ruleDefs()...)

// ruleDefs takes the rules' settings over from analyze, which defines them with the rules.
func ruleDefs() []Def {
	var out []Def
	for _, r := range analyze.Settings() {
		out = append(out, Def{Key: r.Key, Label: r.Label, Integer: r.Integer, Min: r.Min, Max: r.Max, Default: r.Default,
			Basis: r.Basis, Group: "体检规则"})
	}
	return out
}

var baseDefs = []Def{
	{Key: "catalog.attest_months", Label: "清单定期确认周期(月)", Help: "责任人每隔多少个月确认一次其负责的资产", Integer: true, Min: 1, Max: 36,
		Default: catalog.DefaultAttestMonths, Basis: "本平台默认"},
	{Key: intake.KeyQuotaCorps, Label: "总队每年新建应用上限", Help: "总队(含处室)每个自然年可立项的新应用数", Integer: true, Min: 0, Max: 1000,
		Default: intake.DefaultQuotaCorps, Basis: "严格控制新增应用程序数量(专项整治方案)"},
	{Key: intake.KeyQuotaDetachment, Label: "每个支队每年新建应用上限", Help: "每个支队(含科室)每个自然年可立项的新应用数", Integer: true, Min: 0, Max: 1000,
		Default: intake.DefaultQuotaDetachment, Basis: "严格控制新增应用程序数量(专项整治方案)"},
	{Key: intake.KeySimilarMin, Label: "查重显示阈值", Help: "相似度达到该值的已有资产在查重结果中列出(0–1)", Min: 0.05, Max: 1,
		Default: intake.DefaultSimilarMin, Basis: "按标注样本校准"},
	{Key: intake.KeySimilarBlock, Label: "疑似重复阈值", Help: "相似度达到该值时标记为疑似重复,提请审批人重点核查(0–1)", Min: 0.05, Max: 1,
		Default: intake.DefaultSimilarBlock, Basis: "按标注样本校准"},
	{Key: burden.KeyCampaignStart, Label: "专项整治开始日期", Help: "写作 20260914 这样的 8 位数字;负担趋势图在该日画出分界线,0 表示不画", Integer: true, Min: 0, Max: 21001231,
		Default: 0, Basis: "专项整治方案", Check: burden.CheckCampaignStart},
	{Key: "burden.w.groups", Label: "负担指数权重:所在工作群数", Help: "每加入一个在用工作群计多少分", Min: 0, Max: 100,
		Default: burden.DefaultWeights[burden.Groups], Basis: "本平台默认,见 docs/burden.md"},
	{Key: "burden.w.messages", Label: "负担指数权重:日均接收消息", Help: "每个工作日每收到一条工作群消息计多少分", Min: 0, Max: 100,
		Default: burden.DefaultWeights[burden.Messages], Basis: "本平台默认,见 docs/burden.md"},
	{Key: "burden.w.after_hours", Label: "负担指数权重:日均非工作时间消息", Help: "每个工作日每收到一条非工作时间消息另计多少分", Min: 0, Max: 100,
		Default: burden.DefaultWeights[burden.AfterHours], Basis: "非工作时间不发布工作信息"},
	{Key: "burden.w.demands", Label: "负担指数权重:日均留痕类要求", Help: "每个工作日每收到一条要求回复收到、接龙、打卡、截图拍照、报材料的消息计多少分", Min: 0, Max: 100,
		Default: burden.DefaultWeights[burden.Demands], Basis: "整治指尖上的形式主义若干意见(2023)"},
	{Key: "burden.w.apps", Label: "负担指数权重:须使用的应用数", Help: "本单位及上级单位每个强制使用的应用计多少分", Min: 0, Max: 100,
		Default: burden.DefaultWeights[burden.Apps], Basis: "本平台默认,见 docs/burden.md"},
	{Key: "burden.w.forms", Label: "负担指数权重:日均填报表单", Help: "每个工作日人均填报一张表单计多少分", Min: 0, Max: 100,
		Default: burden.DefaultWeights[burden.Forms], Basis: "本平台默认,见 docs/burden.md"},
	{Key: "burden.w.checkins", Label: "负担指数权重:日均打卡签到", Help: "每个工作日人均被要求打卡签到一次计多少分", Min: 0, Max: 100,
		Default: burden.DefaultWeights[burden.Checkins], Basis: "本平台默认,见 docs/burden.md"},
	{Key: activity.KeyKeepRaw, Label: "保存逐条消息记录", Help: "1 表示保存每条消息的元数据(群、发送人、时间、类型、标记),0 表示只保存每日汇总", Integer: true, Min: 0, Max: 1,
		Default: 0, Basis: "数据最小化原则"},
	{Key: activity.KeyKeepText, Label: "保存消息正文", Help: "1 表示同时保存消息正文(须先开启逐条记录);默认 0:正文分类后即丢弃", Integer: true, Min: 0, Max: 1,
		Default: 0, Basis: "数据最小化原则"},
	{Key: activity.KeyRawDays, Label: "逐条消息记录保留天数", Help: "超过该天数的逐条消息记录每日自动清除,每日汇总不受影响", Integer: true, Min: 1, Max: 3650,
		Default: activity.DefaultRawDays, Basis: "数据最小化原则"},
	{Key: "ledger.remind_days", Label: "逾期后提醒责任人(工作日)", Help: "整改事项逾期多少个工作日后提醒责任人", Integer: true, Min: 0, Max: 60,
		Default: 0, Basis: "本平台默认", Group: "整改台账"},
	{Key: "ledger.head_days", Label: "逾期后提醒单位负责人(工作日)", Help: "逾期多少个工作日后提醒责任单位的联络员", Integer: true, Min: 0, Max: 60,
		Default: 3, Basis: "本平台默认", Group: "整改台账"},
	{Key: "ledger.talk_days", Label: "逾期后记录约谈提醒(工作日)", Help: "逾期多少个工作日后记录约谈提醒", Integer: true, Min: 0, Max: 120,
		Default: 7, Basis: "对整改不力的单位约谈提醒(专项整治方案)", Group: "整改台账"},
	{Key: "ledger.notice_days", Label: "逾期后记录通报批评(工作日)", Help: "逾期多少个工作日后记录通报批评", Integer: true, Min: 0, Max: 250,
		Default: 15, Basis: "对整改不力的单位通报批评(专项整治方案)", Group: "整改台账"},
}

// Value is a setting with its current value.
type Value struct {
	Def
	Value     float64 `json:"value"`
	IsDefault bool    `json:"is_default"`
	UpdatedBy string  `json:"updated_by,omitempty"`
}

// Display is the value as a form shows it.
func (v Value) Display() string { return format(v.Def, v.Value) }

// Format writes f as a value of d is written: integers without a decimal point.
func Format(d Def, f float64) string { return format(d, f) }

func format(d Def, f float64) string {
	if d.Integer {
		return strconv.Itoa(int(f))
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// List returns every setting with its current value.
func List(ctx context.Context, q store.Querier) ([]Value, error) {
	stored := map[string][2]string{}
	rows, err := q.QueryContext(ctx, `SELECT key, value, updated_by FROM settings`)
	if err != nil {
		return nil, fmt.Errorf("settings: read: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v, by string
		if err := rows.Scan(&k, &v, &by); err != nil {
			return nil, fmt.Errorf("settings: read: %w", err)
		}
		stored[k] = [2]string{v, by}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Value
	for _, d := range Defs {
		v := Value{Def: d, Value: d.Default, IsDefault: true}
		if s, ok := stored[d.Key]; ok {
			var f float64
			if json.Unmarshal([]byte(s[0]), &f) == nil && check(d, f) == nil {
				v.Value, v.IsDefault, v.UpdatedBy = f, false, s[1]
			}
		}
		out = append(out, v)
	}
	return out, nil
}

func check(d Def, f float64) error {
	if d.Check != nil && f >= d.Min && f <= d.Max {
		if err := d.Check(f); err != nil {
			return errs.Field(d.Key, d.Label+":"+err.Error())
		}
	}
	if f < d.Min || f > d.Max || d.Integer && f != float64(int64(f)) {
		kind := "数"
		if d.Integer {
			kind = "整数"
		}
		return errs.Field(d.Key, fmt.Sprintf("%s应为 %s 到 %s 之间的%s", d.Label, format(d, d.Min), format(d, d.Max), kind))
	}
	return nil
}

// Set changes settings (key → value as typed) in one transaction; an empty value restores the
// default. Every value is checked first, so a form with one bad field writes nothing.
func Set(ctx context.Context, db *store.DB, p org.Principal, values map[string]string) error {
	if !p.Has(org.RoleAdmin) {
		return errs.E(errs.Forbidden, "只有系统管理员可以修改设置")
	}
	defs := map[string]Def{}
	for _, d := range Defs {
		defs[d.Key] = d
	}
	parsed := map[string]*float64{}
	var problems errs.List
	for k, raw := range values {
		d, ok := defs[k]
		if !ok {
			problems.Add(k, "未知的设置项")
			continue
		}
		raw = strings.TrimSpace(raw)
		if raw == "" {
			parsed[k] = nil
			continue
		}
		f, err := strconv.ParseFloat(raw, 64)
		if err == nil {
			err = check(d, f)
		} else {
			err = check(d, d.Max+1)
		}
		if e, ok := errs.As(err); ok {
			problems.Add(k, e.Msg)
			continue
		}
		parsed[k] = &f
	}
	if err := problems.Err(); err != nil {
		return err
	}
	current, err := List(ctx, db)
	if err != nil {
		return err
	}
	// The rules' thresholds also depend on each other (a stale account must be younger than a
	// zombie): check the rules' configuration as it would stand after the change.
	rules := map[string]string{}
	for _, v := range current {
		if strings.HasPrefix(v.Key, "rule.") && !v.IsDefault {
			rules[v.Key] = format(v.Def, v.Value)
		}
	}
	for k, f := range parsed {
		if strings.HasPrefix(k, "rule.") {
			if f == nil {
				delete(rules, k)
			} else {
				rules[k] = format(defs[k], *f)
			}
		}
	}
	if _, err := analyze.ParseConfigs(rules); err != nil {
		return err
	}
	old := map[string]Value{}
	for _, v := range current {
		old[v.Key] = v
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		for k, f := range parsed {
			before := old[k]
			if f == nil {
				if before.IsDefault {
					continue
				}
				if _, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE key = $1`, k); err != nil {
					return fmt.Errorf("settings: reset %s: %w", k, err)
				}
			} else {
				if !before.IsDefault && before.Value == *f || before.IsDefault && before.Default == *f {
					continue
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
					ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
					k, format(defs[k], *f), store.Now(), p.Name); err != nil {
					return fmt.Errorf("settings: set %s: %w", k, err)
				}
			}
			after := map[string]any{"value": nil}
			if f != nil {
				after["value"] = *f
			}
			if err := audit.Record(ctx, tx, audit.Actor{ID: p.UserID, Name: p.Name}, "update", "setting", k,
				map[string]any{"value": before.Value}, after); err != nil {
				return err
			}
		}
		return nil
	})
}
