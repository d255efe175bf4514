// Package analyze is the health check (体检): rules over the inventory that produce findings, each
// naming its rule, threshold and the data that fired it (DESIGN.md, Principle 2 "Evidence, not
// opinion"), with a suggested disposition in the spirit of 保留/整改/整合/下线.
//
// A rule is data (Def: id, Chinese title, severity, policy basis, parameters with defaults and
// ranges) plus code (Check over an in-memory snapshot of the live inventory). The rules here are
// the ones the stored inventory supports; similarity (APP-SIMILAR) and member overlap (GRP-DUP)
// live in their own packages and join by implementing Rule.
//
// A run evaluates every enabled rule over the whole bureau and upserts findings keyed by (rule,
// subject), so a problem found again is the same finding and keeps its review: a dismissal
// survives later runs until the decisive evidence changes (its fingerprint differs). Findings
// that stop firing are marked resolved by that run, never deleted. Reading findings is scoped to
// the caller's unit subtree.
package analyze

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// Severity ranks a finding. Stored as its code, shown as 高/中/低.
type Severity string

// The severities.
const (
	High   Severity = "high"
	Medium Severity = "medium"
	Low    Severity = "low"
)

// Label is the severity's Chinese name.
func (s Severity) Label() string {
	switch s {
	case High:
		return "高"
	case Medium:
		return "中"
	case Low:
		return "低"
	}
	return string(s)
}

// Suggested dispositions, in the TIME spirit the campaign uses.
const (
	Keep      = "保留"
	Fix       = "整改"
	Integrate = "整合"
	Offline   = "下线"
	Cancel    = "注销"
	Dissolve  = "解散"
)

// Param is one configurable number of a rule. Its setting key is "rule.<rule id>.<Name>".
type Param struct {
	Name    string  `json:"name"`
	Label   string  `json:"label"`
	Min     float64 `json:"min"`
	Max     float64 `json:"max"`
	Default float64 `json:"default"`
	Integer bool    `json:"integer"`
}

// Def describes a rule to users and to the configuration. Version goes up whenever what the
// rule fires on changes, so that a run's record says which logic produced its findings.
type Def struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Kind        string   `json:"kind"` // app, account or group
	Severity    Severity `json:"severity"`
	Basis       string   `json:"basis"` // policy text with its [N]/[L] mark from reference/rules.md
	Disposition string   `json:"disposition"`
	Version     int      `json:"version"`
	Params      []Param  `json:"params,omitempty"`
}

// Config is one rule's configuration: enabled or not, and its parameters' values.
type Config struct {
	Enabled bool               `json:"enabled"`
	Params  map[string]float64 `json:"params,omitempty"`
}

// Configs maps rule id to its configuration.
type Configs map[string]Config

// Num returns parameter name of rule id. Configs come from Defaults or ParseConfigs, which
// fill every parameter.
func (c Configs) Num(id, name string) float64 { return c[id].Params[name] }

// Int is Num as an int, for day counts and sizes.
func (c Configs) Int(id, name string) int { return int(c.Num(id, name)) }

// Enabled reports whether rule id runs.
func (c Configs) Enabled(id string) bool { return c[id].Enabled }

// Env is what a rule sees: the live inventory, the check date (midnight UTC of that calendar
// day) and every rule's configuration (a rule may defer to another, as ACC-STALE leaves the
// zombies to ACC-ZOMBIE).
type Env struct {
	Inv     *Inventory
	At      time.Time
	Configs Configs
	// Q is the run's transaction, for rules that read more than the snapshot holds (the member
	// lists of every group, for GRP-DUP); nil in tests that check rules on a snapshot alone.
	Q store.Querier
}

// Hit is one firing of a rule, before it becomes a stored finding.
type Hit struct {
	Subject string  // stable key within the rule: an asset code, "unit:platform", a form name
	UnitID  int64   // the unit whose subtree sees the finding
	Assets  []int64 // the assets concerned, primary first
	Summary string  // one Chinese sentence saying what fired
	// Evidence is everything shown to the user: the values that fired and the threshold.
	Evidence map[string]any
	// Decisive is the part of the evidence whose change reopens a dismissed finding: stored
	// facts (a date, a feature list, a member list), never values that drift by themselves with
	// the check date such as "days since".
	Decisive map[string]any
}

// Rule is a check over the inventory. The built-in rules implement it; the similarity and
// overlap rules of their own packages will too and are registered beside them.
type Rule interface {
	Def() Def
	Check(ctx context.Context, env *Env) ([]Hit, error)
}

// SettingKey is the settings table key of a rule parameter.
func SettingKey(id, param string) string { return "rule." + id + "." + param }

// EnabledKey is the settings table key that turns a rule off (0) or on (1).
func EnabledKey(id string) string { return "rule." + id + ".enabled" }

// Defaults is every rule enabled with its default parameters.
func Defaults() Configs {
	c := Configs{}
	for _, r := range Rules() {
		d := r.Def()
		cfg := Config{Enabled: true, Params: map[string]float64{}}
		for _, p := range d.Params {
			cfg.Params[p.Name] = p.Default
		}
		c[d.ID] = cfg
	}
	return c
}

// ParseConfigs reads settings (key → value as stored or typed) over the defaults and validates
// the result. Keys that are not rule keys are ignored; unknown rule keys and bad values are
// refused, every problem at once, each naming its key.
func ParseConfigs(values map[string]string) (Configs, error) {
	c := Defaults()
	var problems errs.List
	defs := map[string]Def{}
	for _, r := range Rules() {
		defs[r.Def().ID] = r.Def()
	}
	for key, raw := range values {
		if !strings.HasPrefix(key, "rule.") {
			continue
		}
		rest := strings.TrimPrefix(key, "rule.")
		i := strings.LastIndexByte(rest, '.')
		if i < 0 {
			problems.Add(key, "未知的规则设置项")
			continue
		}
		id, name := rest[:i], rest[i+1:]
		d, ok := defs[id]
		if !ok {
			problems.Add(key, "未知的规则:"+id)
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
		if name == "enabled" {
			if err != nil || f != 0 && f != 1 {
				problems.Add(key, d.Title+"的启用开关应为 0(停用)或 1(启用)")
				continue
			}
			cfg := c[id]
			cfg.Enabled = f == 1
			c[id] = cfg
			continue
		}
		var param *Param
		for k := range d.Params {
			if d.Params[k].Name == name {
				param = &d.Params[k]
			}
		}
		if param == nil {
			problems.Add(key, d.Title+"没有参数 "+name)
			continue
		}
		if err != nil || f < param.Min || f > param.Max || param.Integer && f != float64(int64(f)) {
			kind := "数"
			if param.Integer {
				kind = "整数"
			}
			problems.Add(key, fmt.Sprintf("%s的%s应为 %s 到 %s 之间的%s", d.Title, param.Label, num(param.Min), num(param.Max), kind))
			continue
		}
		c[id].Params[name] = f
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	// A stale account that is also a zombie is reported once, as a zombie; that only partitions
	// the accounts if the stale threshold lies below the zombie one.
	if c.Enabled("ACC-ZOMBIE") && c.Num("ACC-STALE", "days") >= c.Num("ACC-ZOMBIE", "days") {
		problems.Add(SettingKey("ACC-STALE", "days"), fmt.Sprintf("内容不更新的天数(%s)应小于僵尸账号的天数(%s)",
			num(c.Num("ACC-STALE", "days")), num(c.Num("ACC-ZOMBIE", "days"))))
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// LoadConfigs reads the rule settings from the settings table. A stored value out of range is
// an error, not silently replaced by the default: a run must not use thresholds nobody chose.
func LoadConfigs(ctx context.Context, q store.Querier) (Configs, error) {
	rows, err := q.QueryContext(ctx, `SELECT key, value FROM settings WHERE key LIKE 'rule.%'`)
	if err != nil {
		return nil, fmt.Errorf("analyze: read settings: %w", err)
	}
	defer rows.Close()
	values := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("analyze: read settings: %w", err)
		}
		// Settings hold JSON values; a number is its own text, a string is unquoted.
		var s string
		if json.Unmarshal([]byte(v), &s) == nil {
			v = s
		}
		values[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("analyze: read settings: %w", err)
	}
	return ParseConfigs(values)
}

// Setting is a rule parameter or switch as the settings page lists it; the settings package,
// the one writer of the settings table, can take these over as its definitions.
type Setting struct {
	Key     string
	Label   string
	Min     float64
	Max     float64
	Default float64
	Integer bool
	Basis   string
}

// Settings lists every rule's switch and parameters in rule order.
func Settings() []Setting {
	var out []Setting
	for _, r := range Rules() {
		d := r.Def()
		out = append(out, Setting{Key: EnabledKey(d.ID), Label: d.Title + ":启用(1)或停用(0)", Min: 0, Max: 1, Default: 1, Integer: true, Basis: d.Basis})
		for _, p := range d.Params {
			out = append(out, Setting{Key: SettingKey(d.ID, p.Name), Label: d.Title + ":" + p.Label, Min: p.Min, Max: p.Max,
				Default: p.Default, Integer: p.Integer, Basis: d.Basis})
		}
	}
	return out
}
