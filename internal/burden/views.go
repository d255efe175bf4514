package burden

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// DayPoint is one day of a trend: what the average person received.
type DayPoint struct {
	Day        time.Time `json:"day"`
	Workday    bool      `json:"workday"`
	Received   float64   `json:"received"`
	AfterHours float64   `json:"after_hours"`
	Demands    float64   `json:"demands"`
}

// Trend returns, for every day of the period, what the people under root received on average.
// Days without data are zero, so the x axis is the calendar.
func Trend(ctx context.Context, q store.Querier, cal *calendar.Calendar, root Unit, per Period) ([]DayPoint, error) {
	var people int64
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM people p JOIN units u ON u.id = p.unit_id
		WHERE u.path LIKE $1 ESCAPE '\' AND p.status = 'active'`, store.EscapeLike(root.Path)+"%").Scan(&people); err != nil {
		return nil, fmt.Errorf("burden: count people: %w", err)
	}
	return trend(ctx, q, cal, per, float64(max(people, 1)), `SELECT d.day, sum(d.received), sum(d.after_hours),
		sum(d.reply_received + d.chain + d.checkin + d.proof + d.materials)
		FROM act_unit_days d JOIN units u ON u.id = d.unit_id
		WHERE u.path LIKE $1 ESCAPE '\' AND d.day >= $2 AND d.day <= $3 GROUP BY d.day`, store.EscapeLike(root.Path)+"%")
}

func trend(ctx context.Context, q store.Querier, cal *calendar.Calendar, per Period, people float64, query string, key any) ([]DayPoint, error) {
	n := per.Days()
	out := make([]DayPoint, n)
	for i := range out {
		d := per.From.AddDate(0, 0, i)
		out[i] = DayPoint{Day: d, Workday: cal.IsWorkday(d)}
	}
	var day time.Time
	var a, b, c int64
	err := each(ctx, q, "trend", query, []any{key, per.From, per.To}, []any{&day, &a, &b, &c}, func() {
		i := int(calendar.DateOf(day).Sub(per.From).Hours() / 24)
		if i >= 0 && i < n {
			out[i].Received, out[i].AfterHours, out[i].Demands = float64(a)/people, float64(b)/people, float64(c)/people
		}
	})
	return out, err
}

// Heatmap counts the messages sent in groups of units under root by weekday (0 = Monday) and
// hour in Shanghai, over the period.
func Heatmap(ctx context.Context, q store.Querier, root Unit, per Period) ([7][24]float64, error) {
	var out [7][24]float64
	o, err := orgOf(ctx, q)
	if err != nil {
		return out, err
	}
	sums, err := sumsOf(ctx, q, per)
	if err != nil {
		return out, err
	}
	for id, h := range sums.hours {
		if !strings.HasPrefix(o.upath[id], root.Path) {
			continue
		}
		for wd := range h {
			for hour, n := range h[wd] {
				out[wd][hour] += n
			}
		}
	}
	return out, nil
}

// GroupRow is one group's burden in the period.
type GroupRow struct {
	ID               int64   `json:"id"`
	Code             string  `json:"code"`
	Name             string  `json:"name"`
	Platform         string  `json:"platform"`
	UnitName         string  `json:"unit_name"`
	Members          int64   `json:"members"`
	Messages         int64   `json:"messages"`
	PerWorkday       float64 `json:"messages_per_workday"`
	AfterHours       int64   `json:"after_hours"`
	AfterHoursShare  float64 `json:"after_hours_share"`
	Demands          int64   `json:"demands"`
	Deliveries       int64   `json:"deliveries"`        // messages × recipients
	DemandDeliveries int64   `json:"demand_deliveries"` // demands × recipients
}

// GroupSorts are the orders TopGroups accepts: the figure each sorts by, largest first.
var GroupSorts = map[string]func(g *GroupRow) int64{
	"deliveries":  func(g *GroupRow) int64 { return g.Deliveries },
	"demands":     func(g *GroupRow) int64 { return g.DemandDeliveries },
	"after_hours": func(g *GroupRow) int64 { return g.AfterHours },
	"messages":    func(g *GroupRow) int64 { return g.Messages },
}

// TopGroups lists the groups of units under root that caused the most burden in the period: by
// deliveries (messages times recipients) unless sortBy names another of GroupSorts.
func TopGroups(ctx context.Context, q store.Querier, root Unit, per Period, sortBy string, limit int) ([]GroupRow, error) {
	key, ok := GroupSorts[sortBy]
	if !ok {
		if sortBy != "" {
			return nil, errs.Field("sort", "不支持的排序方式:"+sortBy)
		}
		key = GroupSorts["deliveries"]
	}
	o, err := orgOf(ctx, q)
	if err != nil {
		return nil, err
	}
	sums, err := sumsOf(ctx, q, per)
	if err != nil {
		return nil, err
	}
	// Rank ids by their figure first and build rows for the top only: a province has 20 000
	// groups and a page shows 20.
	type ranked struct {
		id, key int64
	}
	var order []ranked
	for id, s := range sums.groups {
		if o.groups[id] == nil || !strings.HasPrefix(o.gpath[id], root.Path) {
			continue // outside the subtree, or created since the organisation was read
		}
		r := GroupRow{Messages: s.messages, AfterHours: s.afterHours, DemandDeliveries: s.demandDeliveries, Deliveries: s.deliveries}
		order = append(order, ranked{id, key(&r)})
	}
	slices.SortFunc(order, func(a, b ranked) int {
		if c := cmp.Compare(b.key, a.key); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	out := make([]GroupRow, 0, min(limit, len(order)))
	for _, x := range order[:min(limit, len(order))] {
		r, s := *o.groups[x.id], sums.groups[x.id]
		r.Messages, r.AfterHours, r.Demands, r.Deliveries, r.DemandDeliveries = s.messages, s.afterHours, s.demands, s.deliveries, s.demandDeliveries
		r.PerWorkday = float64(r.Messages) / float64(per.Workdays)
		if r.Messages > 0 {
			r.AfterHoursShare = float64(r.AfterHours) / float64(r.Messages)
		}
		out = append(out, r)
	}
	return out, nil
}

// AppRow is one app's use in the period.
type AppRow struct {
	ID               int64   `json:"id"`
	Code             string  `json:"code"`
	Name             string  `json:"name"`
	UnitName         string  `json:"unit_name"`
	Mandatory        bool    `json:"mandatory"`
	TargetUsers      int64   `json:"target_users"`
	Days             int64   `json:"days_reported"`
	ActiveUsers      float64 `json:"active_users"` // mean per reported day
	ActiveShare      float64 `json:"active_share"` // of target users
	Sessions         int64   `json:"sessions"`
	CheckinsRequired int64   `json:"checkins_required"`
	CheckinsDone     int64   `json:"checkins_done"`
	FormsSubmitted   int64   `json:"forms_submitted"`
}

// TopApps lists the apps of units under root by what they asked of people in the period
// (check-ins required plus forms submitted).
func TopApps(ctx context.Context, q store.Querier, root Unit, per Period, limit int) ([]AppRow, error) {
	var out []AppRow
	var r AppRow
	var active int64
	err := each(ctx, q, "apps", `SELECT a.id, a.code, a.name, u.name, d.mandatory, d.target_count, count(*),
		COALESCE(sum(x.active_users), 0), COALESCE(sum(x.sessions), 0), COALESCE(sum(x.checkins_required), 0),
		COALESCE(sum(x.checkins_done), 0), COALESCE(sum(x.forms_submitted), 0)
		FROM act_app_days x JOIN assets a ON a.id = x.app_id JOIN units u ON u.id = a.unit_id
		JOIN app_details d ON d.asset_id = a.id
		WHERE u.path LIKE $1 ESCAPE '\' AND x.day >= $2 AND x.day <= $3
		GROUP BY a.id, a.code, a.name, u.name, d.mandatory, d.target_count
		ORDER BY COALESCE(sum(x.checkins_required), 0) + COALESCE(sum(x.forms_submitted), 0) DESC, a.id LIMIT $4`,
		[]any{store.EscapeLike(root.Path) + "%", per.From, per.To, limit},
		[]any{&r.ID, &r.Code, &r.Name, &r.UnitName, &r.Mandatory, &r.TargetUsers, &r.Days, &active, &r.Sessions,
			&r.CheckinsRequired, &r.CheckinsDone, &r.FormsSubmitted}, func() {
			r.ActiveUsers = float64(active) / float64(max(r.Days, 1))
			if r.TargetUsers > 0 {
				r.ActiveShare = r.ActiveUsers / float64(r.TargetUsers)
			}
			out = append(out, r)
		})
	return out, err
}

// PersonView is one person's own burden: the figures a frontline user sees about themselves.
type PersonView struct {
	ID         int64      `json:"id"`
	Code       string     `json:"code"`
	Name       string     `json:"name"`
	UnitName   string     `json:"unit_name"`
	Components Components `json:"components"`
	Index      float64    `json:"index"`
	Trend      []DayPoint `json:"trend"`
	Groups     []GroupRow `json:"groups"` // the person's groups, most messages first
}

// Person computes person id's burden in the period. The caller decides who may see it.
func Person(ctx context.Context, q store.Querier, cal *calendar.Calendar, id int64, per Period, w Weights) (PersonView, error) {
	v := PersonView{ID: id, Components: Components{}}
	var path string
	err := q.QueryRowContext(ctx, `SELECT p.code, p.name, u.name, u.path FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1`, id).
		Scan(&v.Code, &v.Name, &v.UnitName, &path)
	if errors.Is(err, sql.ErrNoRows) {
		return v, errs.E(errs.NotFound, "人员不存在")
	}
	if err != nil {
		return v, fmt.Errorf("burden: read person: %w", err)
	}
	var groups int64
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM group_members m JOIN assets a ON a.id = m.group_id
		WHERE m.person_id = $1 AND a.status IN ('active', 'rectifying')`, id).Scan(&groups); err != nil {
		return v, fmt.Errorf("burden: count groups: %w", err)
	}
	v.Trend, err = trend(ctx, q, cal, per, 1, `SELECT day, received, after_hours, reply_received + chain + checkin + proof + materials
		FROM act_person_days WHERE person_id = $1 AND day >= $2 AND day <= $3`, id)
	if err != nil {
		return v, err
	}
	var received, after, demands float64
	for _, p := range v.Trend {
		received += p.Received
		after += p.AfterHours
		demands += p.Demands
	}
	apps, err := mandatoryApps(ctx, q, per)
	if err != nil {
		return v, err
	}
	wd := float64(per.Workdays)
	v.Components[Groups] = float64(groups)
	v.Components[Messages] = received / wd
	v.Components[AfterHours] = after / wd
	v.Components[Demands] = demands / wd
	v.Components[Apps], v.Components[Forms], v.Components[Checkins] = appLoad(apps, path, per)
	v.Index = v.Components.Index(w)

	var r GroupRow
	err = each(ctx, q, "person groups", `SELECT a.id, a.code, a.name, a.platform, u.name, d.member_count,
		COALESCE(sum(g.messages), 0), COALESCE(sum(g.after_hours), 0), COALESCE(sum(g.demands), 0)
		FROM group_members m JOIN assets a ON a.id = m.group_id JOIN units u ON u.id = a.unit_id
		JOIN group_details d ON d.asset_id = a.id
		LEFT JOIN act_group_days g ON g.group_id = a.id AND g.day >= $2 AND g.day <= $3
		WHERE m.person_id = $1 AND a.status IN ('active', 'rectifying')
		GROUP BY a.id, a.code, a.name, a.platform, u.name, d.member_count
		ORDER BY COALESCE(sum(g.messages), 0) DESC, a.id`, []any{id, per.From, per.To},
		[]any{&r.ID, &r.Code, &r.Name, &r.Platform, &r.UnitName, &r.Members, &r.Messages, &r.AfterHours, &r.Demands}, func() {
			r.PerWorkday = float64(r.Messages) / wd
			if r.Messages > 0 {
				r.AfterHoursShare = float64(r.AfterHours) / float64(r.Messages)
			}
			v.Groups = append(v.Groups, r)
		})
	return v, err
}
