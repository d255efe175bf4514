package intake

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/textsim"
)

// Answers are the applicant's answers to the five checks of APP-INTAKE. Only apps answer them;
// filings of accounts and groups leave them empty.
type Answers struct {
	FitsPlan     string `json:"fits_plan"`     // 是否符合信息化建设规划
	NotDuplicate string `json:"not_duplicate"` // 是否与已有应用重复
	NotModule    string `json:"not_module"`    // 能否作为已有应用的功能模块
	CanShare     string `json:"can_share"`     // 能否与相关项目共建共享
	DataRules    string `json:"data_rules"`    // 是否符合数据共享要求
}

// Question is one of the five checks as a form shows it.
type Question struct {
	Field string // the answer's field name, as errors name it
	Label string
	Hint  string
}

// Questions are the five checks of APP-INTAKE (若干意见, 2023) in order.
var Questions = []Question{
	{"fits_plan", "是否符合信息化建设规划", "说明列入哪一项规划或年度计划,由哪个部门统筹"},
	{"not_duplicate", "是否与已有应用重复", "对照系统查到的相似应用,逐一说明区别"},
	{"not_module", "能否作为已有应用的功能模块", "说明为何不能在已有应用中增加模块实现"},
	{"can_share", "能否与相关项目共建共享", "说明与哪些项目共用平台、数据或统一身份认证"},
	{"data_rules", "是否符合数据共享要求", "说明收集哪些数据、向哪里共享、是否重复采集基层数据"},
}

// MinAnswer is the least an answer must say, in letters, digits and Chinese characters (spaces
// and punctuation do not count): "无", "是" or "符合" is not an answer to a check.
const MinAnswer = 10

const maxAnswer = 2000

func (a *Answers) fields() []*string {
	return []*string{&a.FitsPlan, &a.NotDuplicate, &a.NotModule, &a.CanShare, &a.DataRules}
}

// check trims the answers and refuses a missing, trivial or overlong one, naming its field.
func (a *Answers) check() error {
	for i, p := range a.fields() {
		q := Questions[i]
		*p = strings.TrimSpace(*p)
		v := *p
		switch {
		case v == "":
			return errs.Field(q.Field, "请回答“"+q.Label+"”")
		case !utf8.ValidString(v):
			return errs.Field(q.Field, "“"+q.Label+"”的回答含有无效字符")
		case utf8.RuneCountInString(v) > maxAnswer:
			return errs.Field(q.Field, fmt.Sprintf("“%s”的回答不超过 %d 字", q.Label, maxAnswer))
		case strings.IndexFunc(v, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' }) >= 0:
			return errs.Field(q.Field, "“"+q.Label+"”的回答含有控制字符")
		case substance(v) < MinAnswer:
			return errs.Field(q.Field, fmt.Sprintf("“%s”的回答过于简单,请具体说明(至少 %d 个字)", q.Label, MinAnswer))
		}
	}
	return nil
}

// substance counts the letters and digits (Chinese characters are letters) of s.
func substance(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// Settings the bureau may change (table settings, one JSON value per key). Missing or malformed
// values fall back to the defaults, as catalog.AttestMonths does.
const (
	KeyQuotaCorps      = "intake.quota.app.corps"      // new apps per year for the 总队 (with its 处室)
	KeyQuotaDetachment = "intake.quota.app.detachment" // new apps per year for each 支队 (with its 科室)
	KeySimilarMin      = "intake.similar.min"          // score from which a similar asset is shown
	KeySimilarBlock    = "intake.similar.block"        // score from which it is a likely duplicate (flagged)
)

// Defaults of the settings. DefaultSimilarBlock was read off textsim's labelled sets: no pair of
// different apps there scores above 0.26, and two thirds of the true duplicates reach 0.40, so a
// request flagged at 0.40 is very likely a duplicate while those between 0.30 and 0.40 are shown
// without a flag.
const (
	DefaultQuotaCorps      = 3
	DefaultQuotaDetachment = 1
	DefaultSimilarBlock    = 0.40
)

// DefaultSimilarMin is textsim's own threshold for showing an intake its similar apps.
const DefaultSimilarMin = textsim.DefaultMin

// config is the settings one action reads, read once per action.
type config struct {
	quota      map[org.UnitKind]int
	min, block float64
}

func loadConfig(ctx context.Context, q store.Querier) (config, error) {
	c := config{
		quota: map[org.UnitKind]int{org.Corps: DefaultQuotaCorps, org.Detachment: DefaultQuotaDetachment},
		min:   DefaultSimilarMin, block: DefaultSimilarBlock,
	}
	rows, err := q.QueryContext(ctx, `SELECT key, value FROM settings WHERE key IN ($1, $2, $3, $4)`,
		KeyQuotaCorps, KeyQuotaDetachment, KeySimilarMin, KeySimilarBlock)
	if err != nil {
		return c, fmt.Errorf("intake: read settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return c, fmt.Errorf("intake: read settings: %w", err)
		}
		var f float64
		if json.Unmarshal([]byte(strings.TrimSpace(v)), &f) != nil {
			continue
		}
		switch k {
		case KeyQuotaCorps, KeyQuotaDetachment:
			if f >= 0 && f <= 1000 && f == float64(int(f)) {
				c.quota[map[string]org.UnitKind{KeyQuotaCorps: org.Corps, KeyQuotaDetachment: org.Detachment}[k]] = int(f)
			}
		case KeySimilarMin:
			if f > 0 && f <= 1 {
				c.min = f
			}
		case KeySimilarBlock:
			if f > 0 && f <= 1 {
				c.block = f
			}
		}
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("intake: read settings: %w", err)
	}
	if c.block < c.min {
		c.block = c.min
	}
	return c, nil
}

// level is the unit that an app's owning unit builds for: the unit itself, or for a 处室/科室 the
// unit it belongs to (a department sits directly under a 总队, 支队 or 大队). Its kind is what
// APP-LEVEL judges and its yearly quota is what the app counts against.
type level struct {
	ID   int64
	Name string
	Kind org.UnitKind
}

func levelOf(ctx context.Context, q store.Querier, unitID int64) (level, error) {
	var l level
	var kind, pkind string
	var pid int64
	var pname string
	err := q.QueryRowContext(ctx, `SELECT u.id, u.name, u.kind, COALESCE(p.id, 0), COALESCE(p.name, ''), COALESCE(p.kind, '')
		FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.id = $1`, unitID).Scan(&l.ID, &l.Name, &kind, &pid, &pname, &pkind)
	if errors.Is(err, sql.ErrNoRows) {
		return l, errs.Field("unit_id", "所属单位不存在")
	}
	if err != nil {
		return l, fmt.Errorf("intake: read unit: %w", err)
	}
	l.Kind = org.UnitKind(kind)
	if l.Kind == org.Department && pid != 0 {
		l = level{ID: pid, Name: pname, Kind: org.UnitKind(pkind)}
	}
	return l, nil
}

// checkApp applies APP-LEVEL and the yearly quota to a new app owned by unitID. self is the
// request being resubmitted (0 for a new one), which does not count against itself. The
// transaction must hold the quota lock (lockQuota).
func checkApp(ctx context.Context, q store.Querier, c config, unitID int64, year int, self int64) error {
	l, err := levelOf(ctx, q, unitID)
	if err != nil {
		return err
	}
	if l.Kind == org.Brigade || l.Kind == org.Station {
		return errs.Field("unit_id", "县以下单位原则上不得开发建设应用程序(国办函〔2026〕12号):“"+l.Name+"”为"+l.Kind.Label()+
			"级单位,请由支队或总队统一立项建设,本单位使用")
	}
	limit, ok := c.quota[l.Kind]
	if !ok {
		return nil
	}
	var used int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM intake_requests r JOIN assets a ON a.id = r.asset_id JOIN units u ON u.id = a.unit_id
		WHERE r.kind = 'app' AND r.quota_year = $1 AND r.step NOT IN ('rejected', 'withdrawn') AND r.id <> $2
		AND (u.id = $3 OR (u.kind = 'department' AND u.parent_id = $3))`, year, self, l.ID).Scan(&used); err != nil {
		return fmt.Errorf("intake: count quota: %w", err)
	}
	if used >= limit {
		key := KeyQuotaDetachment
		if l.Kind == org.Corps {
			key = KeyQuotaCorps
		}
		return errs.Field("unit_id", fmt.Sprintf("“%s”%d 年新建应用程序的申请已达上限 %d 个(审核中和已通过的均计入,未通过和撤回的不计;上限由设置项 %s 规定)",
			l.Name, year, limit, key))
	}
	return nil
}

// lockQuota takes the quota lock of the unit an app of (unitID, or else unitCode) would count
// against, so that concurrent submissions of one unit queue and each count sees the others'
// requests: two cannot both take the last place. It must come before anything that writes the
// audit log (see lockAndLoad for the order of locks). An unknown unit takes no lock; the catalog
// reports it.
func lockQuota(ctx context.Context, q store.Querier, unitID int64, unitCode string) error {
	if unitID == 0 {
		err := q.QueryRowContext(ctx, `SELECT id FROM units WHERE code = $1`, strings.TrimSpace(unitCode)).Scan(&unitID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("intake: read unit: %w", err)
		}
	}
	l, err := levelOf(ctx, q, unitID)
	if errs.Is(err, errs.Invalid) || err == nil && l.Kind != org.Corps && l.Kind != org.Detachment {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO intake_quota_locks (unit_id) VALUES ($1)
		ON CONFLICT (unit_id) DO UPDATE SET unit_id = excluded.unit_id`, l.ID); err != nil {
		return fmt.Errorf("intake: lock quota: %w", err)
	}
	return nil
}

// mentions reports whether the applicant's answers about duplicates name an asset (by name or
// code): evidence for reviewers that the applicant looked at it, not a condition of submitting.
func (a Answers) mentions(m Match) bool {
	text := a.NotDuplicate + "\n" + a.NotModule
	return m.Name != "" && strings.Contains(text, m.Name) || m.Code != "" && strings.Contains(strings.ToLower(text), strings.ToLower(m.Code))
}
