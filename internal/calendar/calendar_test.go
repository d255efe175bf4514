package calendar_test

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// date is a calendar date as stored: midnight UTC.
func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// at is a Shanghai wall-clock time.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, tz.Shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func TestIsWorkday(t *testing.T) {
	c := calendar.Default()
	tests := []struct {
		name string
		day  string
		want bool
	}{
		{"plain Monday", "2026-03-02", true},
		{"plain Saturday", "2026-03-07", false},
		{"plain Sunday", "2026-03-08", false},
		{"元旦 Thursday", "2026-01-01", false},
		{"元旦 调休 Sunday", "2026-01-04", true},
		{"春节 调休 Saturday before", "2026-02-14", true},
		{"春节 Monday", "2026-02-16", false},
		{"春节 last day, a Monday", "2026-02-23", false},
		{"春节 调休 Saturday after", "2026-02-28", true},
		{"清明 Monday", "2026-04-06", false},
		{"劳动节 Tuesday", "2026-05-05", false},
		{"劳动节 调休 Saturday", "2026-05-09", true},
		{"端午 Friday", "2026-06-19", false},
		{"国庆 调休 Sunday", "2026-09-20", true},
		{"中秋 Friday", "2026-09-25", false},
		{"国庆 Wednesday", "2026-10-07", false},
		{"国庆 调休 Saturday", "2026-10-10", true},
		{"2025 春节 调休 Sunday", "2025-01-26", true},
		{"2025 国庆 Wednesday", "2025-10-08", false},
		{"2025 国庆 调休 Saturday", "2025-10-11", true},
		{"a year not entered: weekends only", "2030-01-01", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.IsWorkday(date(tt.day)); got != tt.want {
				t.Errorf("IsWorkday(%s) = %v, want %v", tt.day, got, tt.want)
			}
		})
	}
}

// An instant late in the evening UTC is already the next day in Shanghai; the calendar must
// judge the Shanghai date, which is what a user there calls "today".
func TestIsWorkdayUsesShanghaiDate(t *testing.T) {
	c := calendar.Default()
	friday := time.Date(2026, 9, 30, 20, 0, 0, 0, time.UTC) // 2026-10-01 04:00 in Shanghai
	if c.IsWorkday(friday) {
		t.Errorf("2026-09-30 20:00 UTC is 国庆 in Shanghai, got a working day")
	}
}

func TestAddWorkdays(t *testing.T) {
	c := calendar.Default()
	tests := []struct {
		name string
		from string
		n    int
		want string
	}{
		{"zero is the same day", "2026-03-04", 0, "2026-03-04"},
		{"within a week", "2026-03-02", 3, "2026-03-05"},
		{"over a weekend", "2026-03-06", 1, "2026-03-09"},
		// Fri 02-13 → Sat 02-14 (调休) is 1, then 春节 15–23, Tue 02-24 is 2 … Fri 02-27 is 5.
		{"春节 with the Saturday before", "2026-02-13", 5, "2026-02-27"},
		// Thu 02-12: 13 (1), 14 Sat 调休 (2), 24 (3), 25 (4), 26 (5), 27 (6), 28 Sat 调休 (7).
		{"春节 with both make-up Saturdays", "2026-02-12", 7, "2026-02-28"},
		// Fri 09-18 → Sun 09-20 调休 (1), 21–24 (2–5).
		{"国庆 Friday before the make-up Sunday", "2026-09-18", 5, "2026-09-24"},
		// Wed 09-30: 国庆 1–7, Thu 08 (1), Fri 09 (2), Sat 10 调休 (3), Mon 12 (4), Tue 13 (5).
		{"5 working days from the eve of 国庆", "2026-09-30", 5, "2026-10-13"},
		// Fri 09-25 is 中秋; counting starts after it: 28, 29, 30, then 10-08, 10-09.
		{"from a holiday, across 中秋 and 国庆", "2026-09-24", 5, "2026-10-09"},
		{"backwards over 国庆", "2026-10-08", -1, "2026-09-30"},
		{"backwards over 春节 to the make-up Saturday", "2026-02-24", -1, "2026-02-14"},
		{"2025 国庆", "2025-09-30", 1, "2025-10-09"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.AddWorkdays(date(tt.from), tt.n)
			if !got.Equal(date(tt.want)) {
				t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tt.from, tt.n, got.Format(time.DateOnly), tt.want)
			}
		})
	}
}

func TestWorkdaysBetween(t *testing.T) {
	c := calendar.Default()
	tests := []struct {
		name string
		a, b string
		want int
	}{
		{"same day", "2026-03-04", "2026-03-04", 0},
		{"a plain week", "2026-03-01", "2026-03-08", 5},
		// 09-20 (调休), 21–24, 28–30, 10-08, 10-09, 10-10 (调休); 中秋 and 国庆 rest.
		{"国庆 weeks with their make-ups", "2026-09-19", "2026-10-11", 11},
		{"reversed is negative", "2026-03-08", "2026-03-01", -5},
		// 2026: 365 days, 104 weekend days, 6 make-up days worked, 19 holidays on weekdays.
		{"the whole of 2026", "2025-12-31", "2026-12-31", 365 - 104 + 6 - 19},
		// Make-up days only move rest days, so a year has its 261 weekdays less the 13 statutory
		// holidays (since 2025) as working days: 248 in both years shipped.
		{"the whole of 2025", "2024-12-31", "2025-12-31", 261 - 13},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.WorkdaysBetween(date(tt.a), date(tt.b)); got != tt.want {
				t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// AddWorkdays and WorkdaysBetween must agree for any start and count, in both directions,
// since deadlines are set with one and shown ("还剩 N 个工作日") with the other.
func TestAddThenBetweenProperty(t *testing.T) {
	c := calendar.Default()
	r := rand.New(rand.NewPCG(2026, 1))
	start := date("2024-10-01")
	for i := range 2000 {
		d := start.AddDate(0, 0, r.IntN(3*365)).Add(time.Duration(r.IntN(24*60)) * time.Minute)
		n := r.IntN(60) - 15
		e := c.AddWorkdays(d, n)
		if got := c.WorkdaysBetween(d, e); got != n {
			t.Fatalf("case %d: AddWorkdays(%s, %d) = %s, but WorkdaysBetween gives %d",
				i, d.Format(time.RFC3339), n, e.Format(time.DateOnly), got)
		}
		if n != 0 && !c.IsWorkday(e) {
			t.Fatalf("case %d: AddWorkdays(%s, %d) = %s is not a working day", i, d.Format(time.RFC3339), n, e.Format(time.DateOnly))
		}
	}
}

func TestIsWorkingTime(t *testing.T) {
	c := calendar.Default()
	tests := []struct {
		name string
		at   string
		want bool
	}{
		{"just before opening", "2026-03-04 08:29:59", false},
		{"opening", "2026-03-04 08:30:00", true},
		{"last second of the morning", "2026-03-04 11:59:59", true},
		{"lunch break starts", "2026-03-04 12:00:00", false},
		{"lunch break", "2026-03-04 13:00:00", false},
		{"afternoon opening", "2026-03-04 14:00:00", true},
		{"last second of the day", "2026-03-04 17:59:59", true},
		{"18:00 exactly is after hours", "2026-03-04 18:00:00", false},
		{"a plain Saturday", "2026-03-07 10:00:00", false},
		{"a make-up Saturday at 10:00", "2026-02-28 10:00:00", true},
		{"a make-up Sunday at 10:00", "2026-09-20 10:00:00", true},
		{"a holiday weekday at 10:00", "2026-10-05 10:00:00", false},
		{"中秋 Friday at 10:00", "2026-09-25 10:00:00", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.IsWorkingTime(at(tt.at)); got != tt.want {
				t.Errorf("IsWorkingTime(%s Shanghai) = %v, want %v", tt.at, got, tt.want)
			}
		})
	}
	// The same instant given in UTC must get the same answer: 00:30 UTC is 08:30 in Shanghai.
	if !c.IsWorkingTime(time.Date(2026, 3, 4, 0, 30, 0, 0, time.UTC)) {
		t.Error("00:30 UTC (08:30 Shanghai) on a Wednesday should be working time")
	}
}

func TestCustomHours(t *testing.T) {
	h, err := calendar.ParseHours("09:00-12:00, 13:30-17:30")
	if err != nil {
		t.Fatal(err)
	}
	c := calendar.New(calendar.Official(), h)
	if c.IsWorkingTime(at("2026-03-04 08:45:00")) || !c.IsWorkingTime(at("2026-03-04 13:30:00")) ||
		c.IsWorkingTime(at("2026-03-04 17:30:00")) {
		t.Errorf("hours %v not applied", h)
	}
	for _, bad := range []string{"", "08:30", "12:00-08:30", "08:30-12:00,11:00-18:00", "25:00-26:00"} {
		t.Run(bad, func(t *testing.T) {
			if _, err := calendar.ParseHours(bad); err == nil {
				t.Errorf("ParseHours(%q) accepted", bad)
			}
		})
	}
	var parts []string
	for _, s := range calendar.DefaultHours {
		parts = append(parts, s.String())
	}
	if got := strings.Join(parts, ","); got != "08:30-12:00,14:00-18:00" {
		t.Errorf("DefaultHours = %s", got)
	}
}

// The shipped data must hold every holiday the notices name, for each year shipped, so that a
// line lost in editing is noticed.
func TestOfficialData(t *testing.T) {
	c := calendar.Default()
	for _, year := range []int{2025, 2026} {
		t.Run(time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006"), func(t *testing.T) {
			if !c.Covers(year) {
				t.Fatal("year not covered")
			}
			names := map[string]bool{}
			for _, d := range c.Days(year) {
				names[d.Name] = true
				wd := d.Date.Weekday()
				weekend := wd == time.Saturday || wd == time.Sunday
				if d.Kind == calendar.Workday && !weekend {
					t.Errorf("%s: a make-up working day on a weekday is redundant", d.Date.Format(time.DateOnly))
				}
			}
			// Make-up days only move rest days around a holiday, never add or remove them, so a
			// correct year has its weekdays less the 13 statutory days (since 2025) as working
			// days; a mistyped date or a forgotten 调休 breaks this.
			weekdays := 0
			for d := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == year; d = d.AddDate(0, 0, 1) {
				if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
					weekdays++
				}
			}
			if got := c.WorkdaysBetween(time.Date(year-1, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)); got != weekdays-13 {
				t.Errorf("%d working days, want %d weekdays less 13 statutory holidays = %d", got, weekdays, weekdays-13)
			}
			all := strings.Join(mapKeys(names), "|")
			for _, want := range []string{"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"} {
				if !strings.Contains(all, want) {
					t.Errorf("no %s in %s", want, all)
				}
			}
		})
	}
	if c.Covers(2030) {
		t.Error("2030 should not be covered")
	}
}

func mapKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
