package api

import (
	"net/http"

	"github.com/jianfu-gov/jianfu/internal/burden"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
)

// The burden dashboards (负担指数) as JSON: the same figures as the web pages, for a unit and its
// subtree within the caller's scope and a period of at most a year (by default the last 30 days
// with data). Every figure is computed by package burden; the handlers read the parameters and
// shape the answer.

// burdenPeriod is a period as the API writes it: dates, both ends included.
type burdenPeriod struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Workdays int    `json:"workdays"`
}

func periodOf(p burden.Period) burdenPeriod {
	return burdenPeriod{From: p.From.Format("2006-01-02"), To: p.To.Format("2006-01-02"), Workdays: p.Workdays}
}

// dayPoint is burden.DayPoint with the day as a date rather than a midnight timestamp.
type dayPoint struct {
	Day        string  `json:"day"`
	Workday    bool    `json:"workday"`
	Received   float64 `json:"received"`
	AfterHours float64 `json:"after_hours"`
	Demands    float64 `json:"demands"`
}

func dayPoints(in []burden.DayPoint) []dayPoint {
	out := make([]dayPoint, 0, len(in))
	for _, p := range in {
		out = append(out, dayPoint{Day: p.Day.Format("2006-01-02"), Workday: p.Workday, Received: p.Received,
			AfterHours: p.AfterHours, Demands: p.Demands})
	}
	return out
}

// readPeriod reads from and to; bad dates, from after to and a period over a year are 400s
// naming the parameter.
func (a *API) readPeriod(r *http.Request) (burden.Request, error) {
	q := r.URL.Query()
	return burden.NewRequest(r.Context(), a.DB, q.Get("from"), q.Get("to"))
}

// burdenUnitRequest is a dashboard read: the permission, the period and the unit (by default the
// top of the caller's scope; a unit outside it is 404, as if it did not exist).
func (a *API) burdenUnitRequest(r *http.Request) (burden.Request, burden.Unit, error) {
	p := principal(r)
	if err := p.Require(org.PermActivityRead); err != nil {
		return burden.Request{}, burden.Unit{}, err
	}
	unitID, err := httpx.QueryID(r, "unit_id")
	if err != nil {
		return burden.Request{}, burden.Unit{}, err
	}
	b, err := a.readPeriod(r)
	if err != nil {
		return b, burden.Unit{}, err
	}
	root, err := burden.Root(r.Context(), a.DB, p.Scope, unitID)
	return b, root, err
}

// queryLimit reads limit (1–500, default 50).
func queryLimit(r *http.Request) (int, error) {
	limit, err := httpx.QueryInt(r, "limit", 50, org.MaxPage)
	if err == nil && limit == 0 {
		err = errs.Field("limit", "参数 limit 应为 1 到 500 之间的整数")
	}
	return limit, err
}

// burdenUnitsView ranks the unit's direct sub-units; self is the unit as a whole.
type burdenUnitsView struct {
	Unit    burden.Unit      `json:"unit"`
	Period  burdenPeriod     `json:"period"`
	Weights burden.Weights   `json:"weights"`
	Self    burden.UnitRow   `json:"self"`
	Items   []burden.UnitRow `json:"items"`
}

func (a *API) burdenUnits(w http.ResponseWriter, r *http.Request) error {
	b, root, err := a.burdenUnitRequest(r)
	if err != nil {
		return err
	}
	self, rows, err := burden.Ranking(r.Context(), a.DB, root, b.Period, b.Weights)
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []burden.UnitRow{}
	}
	httpx.WriteJSON(w, http.StatusOK, burdenUnitsView{Unit: root, Period: periodOf(b.Period), Weights: b.Weights, Self: self, Items: rows})
	return nil
}

// burdenItems is the shape of the trend, groups and apps reads.
type burdenItems[T any] struct {
	Unit   burden.Unit  `json:"unit"`
	Period burdenPeriod `json:"period"`
	Items  []T          `json:"items"`
}

func writeBurdenItems[T any](w http.ResponseWriter, root burden.Unit, per burden.Period, items []T) {
	if items == nil {
		items = []T{}
	}
	httpx.WriteJSON(w, http.StatusOK, burdenItems[T]{Unit: root, Period: periodOf(per), Items: items})
}

func (a *API) burdenTrend(w http.ResponseWriter, r *http.Request) error {
	b, root, err := a.burdenUnitRequest(r)
	if err != nil {
		return err
	}
	points, err := burden.Trend(r.Context(), a.DB, b.Cal, root, b.Period)
	if err != nil {
		return err
	}
	writeBurdenItems(w, root, b.Period, dayPoints(points))
	return nil
}

func (a *API) burdenGroups(w http.ResponseWriter, r *http.Request) error {
	b, root, err := a.burdenUnitRequest(r)
	if err != nil {
		return err
	}
	sort := r.URL.Query().Get("sort")
	if _, ok := burden.GroupSorts[sort]; !ok && sort != "" {
		return errs.Field("sort", "参数 sort 应为 deliveries(送达人次,默认)、demands(要求送达人次)、after_hours(非工作时间消息)或 messages(消息数)")
	}
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	rows, err := burden.TopGroups(r.Context(), a.DB, root, b.Period, sort, limit)
	if err != nil {
		return err
	}
	writeBurdenItems(w, root, b.Period, rows)
	return nil
}

func (a *API) burdenApps(w http.ResponseWriter, r *http.Request) error {
	b, root, err := a.burdenUnitRequest(r)
	if err != nil {
		return err
	}
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	rows, err := burden.TopApps(r.Context(), a.DB, root, b.Period, limit)
	if err != nil {
		return err
	}
	writeBurdenItems(w, root, b.Period, rows)
	return nil
}

// weekdays label the heatmap's rows.
var weekdays = []string{"周一", "周二", "周三", "周四", "周五", "周六", "周日"}

// heatmapView counts messages by weekday (rows, Monday first) and hour (columns, 0–23).
type heatmapView struct {
	Unit     burden.Unit    `json:"unit"`
	Period   burdenPeriod   `json:"period"`
	Weekdays []string       `json:"weekdays"`
	Cells    [7][24]float64 `json:"cells"`
}

func (a *API) burdenHeatmap(w http.ResponseWriter, r *http.Request) error {
	b, root, err := a.burdenUnitRequest(r)
	if err != nil {
		return err
	}
	cells, err := burden.Heatmap(r.Context(), a.DB, root, b.Period)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, heatmapView{Unit: root, Period: periodOf(b.Period), Weekdays: weekdays, Cells: cells})
	return nil
}

// personView is the caller's own burden: burden.PersonView with dates as dates, and the period
// and weights it was computed with.
type personView struct {
	burden.PersonView
	Trend   []dayPoint        `json:"trend"`  // shadows PersonView.Trend
	Groups  []burden.GroupRow `json:"groups"` // never null
	Period  burdenPeriod      `json:"period"`
	Weights burden.Weights    `json:"weights"`
}

// burdenMe needs no permission: everyone may see their own figures, and only those (the person
// their account is linked to).
func (a *API) burdenMe(w http.ResponseWriter, r *http.Request) error {
	person := caller(r).User.PersonID
	if person == 0 {
		return errs.E(errs.NotFound, "您的账号未关联人员,无法查看本人负担;请联系管理员在用户信息中关联本人")
	}
	b, err := a.readPeriod(r)
	if err != nil {
		return err
	}
	v, err := burden.Person(r.Context(), a.DB, b.Cal, person, b.Period, b.Weights)
	if err != nil {
		return err
	}
	out := personView{PersonView: v, Trend: dayPoints(v.Trend), Groups: v.Groups, Period: periodOf(b.Period), Weights: b.Weights}
	if out.Groups == nil {
		out.Groups = []burden.GroupRow{}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}
