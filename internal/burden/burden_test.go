package burden_test

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/activity"
	"github.com/jianfu-gov/jianfu/internal/activity/activitytest"
	"github.com/jianfu-gov/jianfu/internal/burden"
	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

var day = time.Date(2026, 9, 21, 0, 0, 0, 0, time.UTC) // a Monday

func setup(t *testing.T, db *store.DB) activitytest.Bureau {
	t.Helper()
	b := activitytest.Build(t, db)
	f, err := os.Open("testdata/day.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := activity.IngestFile(context.Background(), db, f, activity.Options{BatchID: "d", Calendar: calendar.Default(),
		Now: day.AddDate(0, 1, 0), Actor: org.System})
	if err != nil || rep.Accepted != 4 {
		t.Fatalf("ingest: %+v %v", rep, err)
	}
	return b
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestComponents checks the index against figures worked out by hand. On 09-21 group 1 (甲 P1,
// 乙 P2 of the 支队, 丙 P3 of the 站) had two messages from 甲, one a demand, and one from 乙 at
// 21:00; group 2 (乙, 丁) was quiet. The 支队's mandatory app targets 100 people and asked for 20
// forms and 10 check-ins that day. People P5 and P6 (站) are in no group.
func TestComponents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		ctx := context.Background()
		cal := calendar.Default()
		per := burden.NewPeriod(cal, day, day)
		if per.Workdays != 1 || per.Days() != 1 {
			t.Fatalf("period %+v", per)
		}
		w := burden.DefaultWeights
		root, err := burden.Root(ctx, db, org.Scope{All: true}, 0)
		if err != nil || root.ID != b.Corps {
			t.Fatalf("root %+v %v", root, err)
		}
		self, rows, err := burden.Ranking(ctx, db, root, per, w)
		if err != nil {
			t.Fatal(err)
		}
		// The 支队's subtree: 6 people; received 1 (甲) + 2 (乙) + 3 (丙); after hours: 甲 and 丙
		// got 乙's 21:00 message; demands: 乙 and 丙 got 甲's; memberships 5; everyone is under the
		// 支队's app: 0.2 forms and 0.1 check-ins a person.
		want := burden.Components{burden.Groups: 5.0 / 6, burden.Messages: 6.0 / 6, burden.AfterHours: 2.0 / 6,
			burden.Demands: 2.0 / 6, burden.Apps: 1, burden.Forms: 0.2, burden.Checkins: 0.1}
		if len(rows) != 1 || rows[0].ID != b.Det || rows[0].People != 6 || self.People != 6 {
			t.Fatalf("ranking: self %+v rows %+v", self, rows)
		}
		for _, k := range burden.ComponentList {
			if !near(rows[0].Components[k], want[k]) || !near(self.Components[k], want[k]) {
				t.Errorf("%s = %v (self %v), want %v", k, rows[0].Components[k], self.Components[k], want[k])
			}
		}
		wantIndex := 0.5*(5.0/6) + 0.1*1 + 0.5*(2.0/6) + 1*(2.0/6) + 0.5*1 + 1*0.2 + 1*0.1
		if !near(rows[0].Index, wantIndex) {
			t.Errorf("index = %v, want %v", rows[0].Index, wantIndex)
		}

		// A weight of zero removes its component; doubling one adds it again.
		w2 := burden.Weights{}
		for k, v := range w {
			w2[k] = v
		}
		w2[burden.Forms] = 0
		w2[burden.Demands] = 2
		_, rows2, _ := burden.Ranking(ctx, db, root, per, w2)
		if d := rows2[0].Index - rows[0].Index; !near(d, -0.2+2.0/6) {
			t.Errorf("index with other weights moved by %v, want %v", d, -0.2+2.0/6)
		}

		v, err := burden.Person(ctx, db, cal, b.P["P3"], per, w)
		if err != nil {
			t.Fatal(err)
		}
		wantP := burden.Components{burden.Groups: 1, burden.Messages: 3, burden.AfterHours: 1, burden.Demands: 1,
			burden.Apps: 1, burden.Forms: 0.2, burden.Checkins: 0.1}
		for _, k := range burden.ComponentList {
			if !near(v.Components[k], wantP[k]) {
				t.Errorf("丙's %s = %v, want %v", k, v.Components[k], wantP[k])
			}
		}
		if len(v.Groups) != 1 || v.Groups[0].Messages != 3 || len(v.Trend) != 1 || v.Trend[0].Received != 3 {
			t.Errorf("丙's groups %+v trend %+v", v.Groups, v.Trend)
		}

		heat, err := burden.Heatmap(ctx, db, root, per)
		if err != nil || heat[0][9] != 1 || heat[0][10] != 1 || heat[0][21] != 1 {
			t.Errorf("heatmap Monday 9/10/21h = %v %v %v (%v), want 1 1 1", heat[0][9], heat[0][10], heat[0][21], err)
		}
		groups, err := burden.TopGroups(ctx, db, root, per, "", 10)
		if err != nil || len(groups) != 1 || groups[0].Messages != 3 || groups[0].Deliveries != 6 || groups[0].AfterHours != 1 {
			t.Errorf("top groups %+v %v", groups, err)
		}
		apps, err := burden.TopApps(ctx, db, root, per, 10)
		if err != nil || len(apps) != 1 || apps[0].FormsSubmitted != 20 || !near(apps[0].ActiveShare, 0.08) {
			t.Errorf("top apps %+v %v", apps, err)
		}
	})
}

func TestScopeAndPeriod(t *testing.T) {
	db := storetest.SQLite(t)
	b := setup(t, db)
	ctx := context.Background()
	var stationPath string
	db.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, b.Station).Scan(&stationPath)
	station := org.Scope{UnitID: b.Station, Path: stationPath}
	if u, err := burden.Root(ctx, db, station, 0); err != nil || u.ID != b.Station {
		t.Errorf("root of a station scope = %+v %v", u, err)
	}
	if _, err := burden.Root(ctx, db, station, b.Det); !errs.Is(err, errs.NotFound) {
		t.Errorf("unit above the scope: %v, want NotFound", err)
	}
	cal := calendar.Default()
	for _, c := range []struct {
		name, from, to string
		field          string
		days           int
	}{
		{"default", "", "", "", burden.DefaultDays},
		{"one day", "2026-09-21", "2026-09-21", "", 1},
		{"bad date", "2026-13-40", "", "from", 0},
		{"reversed", "2026-10-02", "2026-10-01", "from", 0},
		{"over a year", "2024-01-01", "2026-01-02", "from", 0},
		{"bad to", "", "yesterday", "to", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			per, err := burden.ParsePeriod(cal, c.from, c.to, day)
			if c.field != "" {
				if e, ok := errs.As(err); !ok || e.Field != c.field {
					t.Errorf("err %v, want a %s field error", err, c.field)
				}
				return
			}
			if err != nil || per.Days() != c.days {
				t.Errorf("period %+v %v, want %d days", per, err, c.days)
			}
		})
	}
	// 国庆: 10-01..10-07 are holidays and 10-10 (a Saturday) is worked.
	if per := burden.NewPeriod(cal, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 11, 0, 0, 0, 0, time.UTC)); per.Workdays != 3 {
		t.Errorf("working days 10-01..10-11 = %d, want 3 (10-08, 10-09 and the 调休 Saturday 10-10)", per.Workdays)
	}
}

// TestNewBatchShowsAtOnce checks the dashboards' cache: sums read before a batch arrived are not
// served after it.
func TestNewBatchShowsAtOnce(t *testing.T) {
	db := storetest.SQLite(t)
	setup(t, db)
	ctx := context.Background()
	cal := calendar.Default()
	per := burden.NewPeriod(cal, day, day)
	root, _ := burden.Root(ctx, db, org.Scope{All: true}, 0)
	groups := func() int64 {
		g, err := burden.TopGroups(ctx, db, root, per, "messages", 5)
		if err != nil || len(g) == 0 {
			t.Fatalf("top groups %v %v", g, err)
		}
		return g[0].Messages
	}
	before := groups()
	line := `{"id":"late","group":"GRP-000001","sender":"P3","time":"2026-09-21 16:00:00","text":"补充一条"}` + "\n"
	if _, err := activity.IngestFile(ctx, db, strings.NewReader(line), activity.Options{BatchID: "late", Calendar: cal,
		Now: day.AddDate(0, 1, 0), Actor: org.System}); err != nil {
		t.Fatal(err)
	}
	if after := groups(); after != before+1 {
		t.Errorf("messages after a new batch = %d, want %d", after, before+1)
	}
}

// TestWarm shows that Warm sums the default period ahead of the first view, and sums it again
// once a batch arrived: rows removed behind the cache's back stay invisible until then.
func TestWarm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		setup(t, db)
		ctx := context.Background()
		req, err := burden.NewRequest(ctx, db, "", "")
		if err != nil || !req.HasData {
			t.Fatalf("request %+v %v", req, err)
		}
		root, _ := burden.Root(ctx, db, org.Scope{All: true}, 0)
		messages := func() int64 {
			g, err := burden.TopGroups(ctx, db, root, req.Period, "messages", 5)
			if err != nil {
				t.Fatal(err)
			}
			var n int64
			for _, x := range g {
				n += x.Messages
			}
			return n
		}
		if err := burden.Warm(ctx, db); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `DELETE FROM act_group_days`); err != nil {
			t.Fatal(err)
		}
		if n := messages(); n != 3 {
			t.Errorf("after Warm, the default period shows %d messages, want the 3 summed before the rows went", n)
		}
		line := `{"id":"late","group":"GRP-000001","sender":"P3","time":"2026-09-21 16:00:00","text":"补充一条"}` + "\n"
		if _, err := activity.IngestFile(ctx, db, strings.NewReader(line), activity.Options{BatchID: "late", Calendar: calendar.Default(),
			Now: day.AddDate(0, 1, 0), Actor: org.System}); err != nil {
			t.Fatal(err)
		}
		if err := burden.Warm(ctx, db); err != nil {
			t.Fatal(err)
		}
		if n := messages(); n != 1 {
			t.Errorf("after a batch and Warm, %d messages, want 1 (the new batch's, the rest deleted)", n)
		}
	})
}
