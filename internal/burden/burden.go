// Package burden computes the burden index (基层负担指数) from the activity rollups and the
// inventory, and the figures the dashboards show: the trend per person and day, units ranked, the
// groups and apps that cause most burden, and when in the week messages arrive.
//
// The index is a weighted sum of components that each mean something on their own (groups
// joined, messages received per working day, after-hours messages, demands, apps one must use,
// forms and check-ins); pages always show the components beside the total, so that nobody has to
// trust a single number. A unit's index is the mean over its people, which, the index being
// linear, is the index of the unit's mean components. docs/burden.md defines every component.
package burden

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// Component names one part of the index. The names are stable: settings keys are
// "burden.w." + name.
type Component string

// The components, in display order.
const (
	Groups     Component = "groups"      // live work groups the person belongs to
	Messages   Component = "messages"    // messages received per working day
	AfterHours Component = "after_hours" // of which outside working time
	Demands    Component = "demands"     // 收到, 接龙, 打卡, 留痕 and 材料 demands received per working day
	Apps       Component = "apps"        // mandatory apps the person's unit and its superiors run
	Forms      Component = "forms"       // forms filled per working day in those apps (estimated)
	Checkins   Component = "checkins"    // check-ins those apps require per working day (estimated)
)

// ComponentList is every component in display order.
var ComponentList = []Component{Groups, Messages, AfterHours, Demands, Apps, Forms, Checkins}

var componentLabels = map[Component]string{
	Groups: "所在工作群数", Messages: "日均接收消息", AfterHours: "日均非工作时间消息", Demands: "日均留痕类要求",
	Apps: "须使用的应用数", Forms: "日均填报表单", Checkins: "日均打卡签到",
}

// Label is the component's Chinese name.
func (c Component) Label() string { return componentLabels[c] }

// DefaultWeights make one point of index roughly one unit of needless work a day: ten messages,
// two after-hours messages, one demand, one form or check-in; a group joined or an app to use
// weighs half a point.
var DefaultWeights = Weights{Groups: 0.5, Messages: 0.1, AfterHours: 0.5, Demands: 1, Apps: 0.5, Forms: 1, Checkins: 1}

// Weights say how much each component counts.
type Weights map[Component]float64

// Components are the parts of one person's (or the mean of one unit's people's) burden.
type Components map[Component]float64

// Index is the weighted sum.
func (c Components) Index(w Weights) float64 {
	var s float64
	for _, k := range ComponentList {
		s += w[k] * c[k]
	}
	return s
}

// LoadWeights reads the weights from the settings table, falling back to DefaultWeights.
func LoadWeights(ctx context.Context, q store.Querier) (Weights, error) {
	w := Weights{}
	for k, v := range DefaultWeights {
		w[k] = v
	}
	rows, err := q.QueryContext(ctx, `SELECT key, value FROM settings WHERE key LIKE 'burden.w.%'`)
	if err != nil {
		return nil, fmt.Errorf("burden: read weights: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("burden: read weights: %w", err)
		}
		var f float64
		if _, err := fmt.Sscan(v, &f); err == nil {
			w[Component(strings.TrimPrefix(k, "burden.w."))] = f
		}
	}
	return w, rows.Err()
}

// Period is a range of days, both ends included, as midnight UTC dates.
type Period struct {
	From, To time.Time
	Workdays int // working days in the period, at least 1
}

// NewPeriod makes a period and counts its working days in cal.
func NewPeriod(cal *calendar.Calendar, from, to time.Time) Period {
	from, to = calendar.DateOf(from), calendar.DateOf(to)
	if to.Before(from) {
		from, to = to, from
	}
	return Period{From: from, To: to, Workdays: max(1, cal.WorkdaysBetween(from.AddDate(0, 0, -1), to))}
}

// Days is the number of calendar days in the period.
func (p Period) Days() int { return int(p.To.Sub(p.From).Hours()/24) + 1 }

// DataRange returns the first and last day with message rollups, and false when there are none.
// (Two ordered reads, not min/max: SQLite returns an aggregate of a DATE column as text.)
func DataRange(ctx context.Context, q store.Querier) (first, last time.Time, ok bool, err error) {
	for _, x := range []struct {
		order string
		dst   *time.Time
	}{{"ASC", &first}, {"DESC", &last}} {
		err = q.QueryRowContext(ctx, `SELECT day FROM act_unit_days ORDER BY day `+x.order+` LIMIT 1`).Scan(x.dst)
		if errors.Is(err, sql.ErrNoRows) {
			return time.Time{}, time.Time{}, false, nil
		}
		if err != nil {
			return time.Time{}, time.Time{}, false, fmt.Errorf("burden: data range: %w", err)
		}
		*x.dst = x.dst.UTC()
	}
	return first, last, true, nil
}

// KeyCampaignStart is the setting holding the campaign's start as yyyymmdd (0: none), where the
// trend charts draw the line between before and after.
const KeyCampaignStart = "campaign.start"

// CheckCampaignStart refuses a yyyymmdd number that is not a date.
func CheckCampaignStart(f float64) error {
	if f == 0 {
		return nil
	}
	if _, ok := yyyymmdd(int64(f)); !ok {
		return errors.New("不是有效日期,请写作 20260914 这样的 8 位数字")
	}
	return nil
}

func yyyymmdd(n int64) (time.Time, bool) {
	y, m, d := int(n/10000), time.Month(n/100%100), int(n%100)
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if y < 2000 || t.Year() != y || t.Month() != m || t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// CampaignStart reads the campaign's start date, and false when none is set.
func CampaignStart(ctx context.Context, q store.Querier) (time.Time, bool, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, KeyCampaignStart).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("burden: read campaign start: %w", err)
	}
	var n int64
	if _, err := fmt.Sscan(v, &n); err != nil {
		return time.Time{}, false, nil
	}
	t, ok := yyyymmdd(n)
	return t, ok, nil
}

// DefaultDays is the length of the default period: the last 30 days with data.
const DefaultDays = 30

// ParsePeriod reads a period from a form's from and to (2006-01-02, either may be empty). The
// default ends on the last day with data (today when there is none) and spans DefaultDays; a
// period may not be longer than a year.
func ParsePeriod(cal *calendar.Calendar, from, to string, lastData time.Time) (Period, error) {
	end := lastData
	if end.IsZero() {
		end = calendar.DateOf(time.Now())
	}
	parse := func(field, s string) (time.Time, error) {
		t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
		if err != nil || t.Year() < 2000 || t.Year() > 2100 {
			return time.Time{}, errs.Field(field, "日期无效,格式应为 2006-01-02")
		}
		return t, nil
	}
	var err error
	if to != "" {
		if end, err = parse("to", to); err != nil {
			return Period{}, err
		}
	}
	start := end.AddDate(0, 0, -(DefaultDays - 1))
	if from != "" {
		if start, err = parse("from", from); err != nil {
			return Period{}, err
		}
	}
	if start.After(end) {
		return Period{}, errs.Field("from", "开始日期不能晚于结束日期")
	}
	if end.Sub(start) > 366*24*time.Hour {
		return Period{}, errs.Field("from", "统计期间不能超过一年")
	}
	return NewPeriod(cal, start, end), nil
}

// Request is what every burden view needs: the calendar, the weights, the days that have data
// and the period asked for.
type Request struct {
	Cal         *calendar.Calendar
	Weights     Weights
	First, Last time.Time // the first and last day with data, when HasData
	HasData     bool
	Period      Period
}

// NewRequest reads the calendar, the weights and the range of data, and the period from a
// form's or query's from and to (see ParsePeriod; "" for the default).
func NewRequest(ctx context.Context, q store.Querier, from, to string) (Request, error) {
	var b Request
	var err error
	if b.Cal, err = calendar.Load(ctx, q); err != nil {
		return b, err
	}
	if b.Weights, err = LoadWeights(ctx, q); err != nil {
		return b, err
	}
	if b.First, b.Last, b.HasData, err = DataRange(ctx, q); err != nil {
		return b, err
	}
	b.Period, err = ParsePeriod(b.Cal, from, to, b.Last)
	return b, err
}
