package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/jianfu-gov/jianfu/internal/burden"
	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/chart"
	"github.com/jianfu-gov/jianfu/internal/httpx"
)

// component is one line of the components table: the figure, its weight and what it adds.
type component struct {
	Key           burden.Component
	Label         string
	Value, Weight float64
	Points        float64
}

func components(c burden.Components, w burden.Weights) []component {
	out := make([]component, 0, len(burden.ComponentList))
	for _, k := range burden.ComponentList {
		out = append(out, component{Key: k, Label: k.Label(), Value: c[k], Weight: w[k], Points: c[k] * w[k]})
	}
	return out
}

type burdenData struct {
	Unit       burden.Unit
	Self       burden.UnitRow
	Parts      []component
	Rows       []burden.UnitRow
	Period     burden.Period
	From, To   string
	HasData    bool
	DataFirst  string
	DataLast   string
	Groups     []burden.GroupRow
	Apps       []burden.AppRow
	Trend      template.HTML
	RankChart  template.HTML
	Heat       template.HTML
	Components []burden.Component
	Query      string // unit and period, for the export links
}

// burdenContext reads the calendar, the weights and the period asked for (by default the last
// 30 days with data).
func (s *Server) burdenContext(ctx context.Context, r *http.Request) (burden.Request, error) {
	q := r.URL.Query()
	return burden.NewRequest(ctx, s.DB, q.Get("from"), q.Get("to"))
}

// burdenRoot reads what a dashboard request asks for: the unit (unit_id, in the caller's scope;
// the top of the scope by default) and the period.
func (s *Server) burdenRoot(r *http.Request) (burden.Unit, burden.Request, error) {
	ctx := r.Context()
	unitID, err := httpx.QueryID(r, "unit_id")
	if err != nil {
		return burden.Unit{}, burden.Request{}, err
	}
	bc, err := s.burdenContext(ctx, r)
	if err != nil {
		return burden.Unit{}, bc, err
	}
	root, err := burden.Root(ctx, s.DB, httpx.CallerFrom(ctx).Principal().Scope, unitID)
	return root, bc, err
}

func (s *Server) burden(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	root, bc, err := s.burdenRoot(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := burdenData{Unit: root, Period: bc.Period, From: bc.Period.From.Format("2006-01-02"), To: bc.Period.To.Format("2006-01-02"),
		HasData: bc.HasData, Components: burden.ComponentList}
	d.Query = fmt.Sprintf("unit_id=%d&from=%s&to=%s", root.ID, d.From, d.To)
	if bc.HasData {
		d.DataFirst, d.DataLast = bc.First.Format("2006-01-02"), bc.Last.Format("2006-01-02")
	}
	if d.Self, d.Rows, err = burden.Ranking(ctx, s.DB, root, bc.Period, bc.Weights); err != nil {
		s.fail(w, r, err)
		return
	}
	d.Parts = components(d.Self.Components, bc.Weights)
	if d.Groups, err = burden.TopGroups(ctx, s.DB, root, bc.Period, r.URL.Query().Get("sort"), 20); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Apps, err = burden.TopApps(ctx, s.DB, root, bc.Period, 20); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.burdenCharts(ctx, &d, bc); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "burden", view{Title: "负担指数", Active: "burden", Data: d})
}

// burdenCharts draws the trend over the whole range with data (so before and after the campaign
// start both show), the ranking stacked by weighted component, and the week's heatmap.
func (s *Server) burdenCharts(ctx context.Context, d *burdenData, bc burden.Request) error {
	span := bc.Period
	if bc.HasData {
		from := bc.First
		if bc.Last.Sub(from) > 180*24*time.Hour {
			from = bc.Last.AddDate(0, 0, -180)
		}
		span = burden.NewPeriod(bc.Cal, from, bc.Last)
	}
	points, err := burden.Trend(ctx, s.DB, bc.Cal, d.Unit, span)
	if err != nil {
		return err
	}
	start, hasStart, err := burden.CampaignStart(ctx, s.DB)
	if err != nil {
		return err
	}
	d.Trend = trendChart("人均每日接收(工作日)", points, start, hasStart)

	labels := make([]string, 0, len(d.Rows))
	series := make([]chart.Series, len(burden.ComponentList))
	for i, k := range burden.ComponentList {
		series[i].Name = k.Label()
	}
	for _, row := range d.Rows {
		labels = append(labels, row.Name)
		for i, k := range burden.ComponentList {
			series[i].Values = append(series[i].Values, row.Components[k]*bc.Weights[k])
		}
	}
	svg, _ := chart.Bars("下级单位负担指数(按构成)", labels, series, chart.Options{})
	d.RankChart = chart.HTML(svg)

	heat, err := burden.Heatmap(ctx, s.DB, d.Unit, bc.Period)
	if err != nil {
		return err
	}
	svg, _ = chart.Heatmap("消息发送时段(周一至周日 × 0–23 时)", heat, chart.Options{WorkHours: workHours(bc.Cal)})
	d.Heat = chart.HTML(svg)
	return nil
}

// trendChart plots working days only: weekends and holidays would saw the line up and down.
func trendChart(title string, points []burden.DayPoint, start time.Time, hasStart bool) template.HTML {
	var x []string
	series := []chart.Series{{Name: "接收消息"}, {Name: "留痕类要求"}, {Name: "非工作时间消息"}}
	marker := -1
	for _, p := range points {
		if !p.Workday {
			continue
		}
		if hasStart && marker < 0 && !p.Day.Before(start) {
			marker = len(x)
		}
		x = append(x, p.Day.Format("01-02"))
		series[0].Values = append(series[0].Values, p.Received)
		series[1].Values = append(series[1].Values, p.Demands)
		series[2].Values = append(series[2].Values, p.AfterHours)
	}
	svg, _ := chart.Line(title, x, series, marker, "整治开始", chart.Options{})
	return chart.HTML(svg)
}

// workHours marks the calendar's working hours on a normal week, for the heatmap's outline.
func workHours(cal *calendar.Calendar) *[7][24]bool {
	var h [7][24]bool
	for wd := 0; wd < 5; wd++ {
		for hour := 0; hour < 24; hour++ {
			for _, sp := range cal.Hours() {
				at := time.Duration(hour) * time.Hour
				if at >= sp.Start && at < sp.End || at+time.Hour > sp.Start && at < sp.Start {
					h[wd][hour] = true
				}
			}
		}
	}
	return &h
}

type burdenMeData struct {
	V      burden.PersonView
	Parts  []component
	Trend  template.HTML
	From   string
	To     string
	Linked bool
}

// burdenMe shows the caller their own burden: the person their account is linked to, nobody else.
func (s *Server) burdenMe(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c := httpx.CallerFrom(ctx)
	bc, err := s.burdenContext(ctx, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := burdenMeData{From: bc.Period.From.Format("2006-01-02"), To: bc.Period.To.Format("2006-01-02")}
	if c.User.PersonID != 0 {
		d.Linked = true
		if d.V, err = burden.Person(ctx, s.DB, bc.Cal, c.User.PersonID, bc.Period, bc.Weights); err != nil {
			s.fail(w, r, err)
			return
		}
		d.Parts = components(d.V.Components, bc.Weights)
		start, hasStart, err := burden.CampaignStart(ctx, s.DB)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Trend = trendChart("本人每日接收(工作日)", d.V.Trend, start, hasStart)
	}
	s.render(w, r, http.StatusOK, "burden_me", view{Title: "我的负担", Active: "burden_me", Data: d})
}
