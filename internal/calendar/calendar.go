// Package calendar is the Chinese working-day calendar that deadlines and "after hours" checks
// are measured against.
//
// A day is a working day when it is Monday to Friday and not an official holiday (法定节假日), or
// when it is a weekend day the State Council has made a working day (调休上班) to lengthen a
// holiday. The arrangement changes every year and is published by notice, so it is data, not
// code: the official arrangement ships embedded (official.txt) and seeds the calendar_days table,
// where the administrator corrects it and enters each new year. Working hours (default 08:30–12:00
// and 14:00–18:00) are in Asia/Shanghai.
//
// Dates are calendar dates in Shanghai: every function taking a time.Time uses the date of that
// instant in Shanghai, so both an instant (a message's timestamp) and a stored date (midnight UTC,
// which is 08:00 the same day in Shanghai) mean the day a user there would name. Dates returned
// are midnight UTC, the way dates are stored.
package calendar

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/tz"
)

// Kind says what a listed day is.
type Kind string

// The kinds of listed day.
const (
	Holiday Kind = "holiday" // a rest day, whatever its weekday (放假)
	Workday Kind = "workday" // a working day, whatever its weekday (调休上班)
)

// Day is one listed day: a holiday or a make-up working day.
type Day struct {
	Date   time.Time `json:"date"` // midnight UTC
	Kind   Kind      `json:"kind"`
	Name   string    `json:"name"`
	Stored bool      `json:"stored"` // from calendar_days rather than the shipped default
}

// Span is a stretch of working hours within a day, as offsets from midnight Shanghai time;
// Start is inside the span and End is not.
type Span struct {
	Start, End time.Duration
}

// DefaultHours are the bureau's office hours: 08:30–12:00 and 14:00–18:00.
var DefaultHours = []Span{
	{8*time.Hour + 30*time.Minute, 12 * time.Hour},
	{14 * time.Hour, 18 * time.Hour},
}

// Calendar answers working-day questions. It is an immutable snapshot, safe for concurrent use;
// load a new one after the calendar changes.
type Calendar struct {
	days  map[time.Time]Day // keyed by midnight UTC
	years map[int]bool      // years with at least one listed day
	hours []Span
}

//go:embed official.txt
var officialText []byte

// official is the shipped arrangement. A malformed file is a build defect, caught by the tests,
// so parsing it at start-up panics rather than running with a wrong calendar.
var official = func() []Day {
	days, err := parse(officialText)
	if err != nil {
		panic("calendar: official.txt: " + err.Error())
	}
	return days
}()

// Official returns the shipped arrangement, in date order.
func Official() []Day { return slices.Clone(official) }

// Default is the calendar of the shipped arrangement with the default hours, for use without a
// database (and as the fallback when it cannot be read).
func Default() *Calendar { return New(official, DefaultHours) }

// New builds a calendar from listed days and working hours (nil hours means DefaultHours). A
// later entry for the same date replaces an earlier one, so overrides go last.
func New(days []Day, hours []Span) *Calendar {
	c := &Calendar{days: map[time.Time]Day{}, years: map[int]bool{}, hours: DefaultHours}
	if hours != nil {
		c.hours = slices.Clone(hours)
	}
	for _, d := range days {
		d.Date = DateOf(d.Date)
		c.days[d.Date] = d
		c.years[d.Date.Year()] = true
	}
	return c
}

// DateOf is the date of t in Shanghai, as midnight UTC.
func DateOf(t time.Time) time.Time {
	y, m, d := t.In(tz.Shanghai).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// IsWorkday reports whether the date of day (in Shanghai) is a working day.
func (c *Calendar) IsWorkday(day time.Time) bool { return c.isWorkday(DateOf(day)) }

// isWorkday takes a date already normalised to midnight UTC, so loops need not convert again.
func (c *Calendar) isWorkday(date time.Time) bool {
	if d, ok := c.days[date]; ok {
		return d.Kind == Workday
	}
	wd := date.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Lookup returns the listed entry for the date of day, if any.
func (c *Calendar) Lookup(day time.Time) (Day, bool) {
	d, ok := c.days[DateOf(day)]
	return d, ok
}

// Covers reports whether any day of year is listed. A year with none is surely not entered yet
// (every year has holidays), and its answers count weekends only; pages can warn about it.
func (c *Calendar) Covers(year int) bool { return c.years[year] }

// AddWorkdays returns the date n working days after the date of from, as midnight UTC: the n-th
// working day strictly after it, so "within 5 working days" of a Friday before 国庆 ends after
// the holiday. from itself need not be a working day. A negative n counts back to the n-th
// working day strictly before from; n = 0 returns from's date.
func (c *Calendar) AddWorkdays(from time.Time, n int) time.Time {
	d := DateOf(from)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDate(0, 0, step)
		if c.isWorkday(d) {
			n--
		}
	}
	return d
}

// WorkdaysBetween counts the working days after the date of a up to and including the date of b,
// so that WorkdaysBetween(a, AddWorkdays(a, n)) == n for every n. When b is before a the count is
// negative: minus the working days from b up to but excluding a.
func (c *Calendar) WorkdaysBetween(a, b time.Time) int {
	da, db := DateOf(a), DateOf(b)
	sign := 1
	if db.Before(da) {
		// Counting [b, a) is counting (b-1, a-1]: shift both ends back one day.
		da, db = db.AddDate(0, 0, -1), da.AddDate(0, 0, -1)
		sign = -1
	}
	n := 0
	for d := da.AddDate(0, 0, 1); !d.After(db); d = d.AddDate(0, 0, 1) {
		if c.isWorkday(d) {
			n++
		}
	}
	return sign * n
}

// IsWorkingTime reports whether t falls inside working hours of a working day, in Shanghai
// time. Notifications sent outside it are "after hours" (下班时间).
func (c *Calendar) IsWorkingTime(t time.Time) bool {
	local := t.In(tz.Shanghai)
	if !c.isWorkday(DateOf(local)) {
		return false
	}
	y, m, d := local.Date()
	since := local.Sub(time.Date(y, m, d, 0, 0, 0, 0, tz.Shanghai))
	for _, s := range c.hours {
		if since >= s.Start && since < s.End {
			return true
		}
	}
	return false
}

// Hours returns the working hours in use.
func (c *Calendar) Hours() []Span { return slices.Clone(c.hours) }

// Days returns the listed days of year in date order, for the administrator's page.
func (c *Calendar) Days(year int) []Day {
	var out []Day
	for date, d := range c.days {
		if date.Year() == year {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b Day) int { return a.Date.Compare(b.Date) })
	return out
}

// parse reads the official.txt format (see that file). Errors name the line.
func parse(text []byte) ([]Day, error) {
	var out []Day
	sc := bufio.NewScanner(bytes.NewReader(text))
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		f := strings.Fields(s)
		if len(f) < 3 {
			return nil, fmt.Errorf("line %d: want \"DATE[..DATE] KIND NAME\"", line)
		}
		kind := Kind(f[1])
		if kind != Holiday && kind != Workday {
			return nil, fmt.Errorf("line %d: kind %q is neither holiday nor workday", line, f[1])
		}
		first, last, _ := strings.Cut(f[0], "..")
		if last == "" {
			last = first
		}
		from, err := time.Parse(time.DateOnly, first)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		to, err := time.Parse(time.DateOnly, last)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		// A guard against a typo like 2026-10-01..2027-10-07 listing a whole year as holiday.
		if to.Before(from) || to.Sub(from) > 15*24*time.Hour {
			return nil, fmt.Errorf("line %d: range %s is reversed or longer than 16 days", line, f[0])
		}
		name := strings.Join(f[2:], " ")
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			out = append(out, Day{Date: d, Kind: kind, Name: name})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b Day) int { return a.Date.Compare(b.Date) })
	for i := 1; i < len(out); i++ {
		if out[i].Date.Equal(out[i-1].Date) {
			return nil, fmt.Errorf("%s is listed twice", out[i].Date.Format(time.DateOnly))
		}
	}
	return out, nil
}

// ParseHours reads working hours written as "08:30-12:00,14:00-18:00" (the form the
// calendar.work_hours setting takes). Spans must be in order and not overlap.
func ParseHours(s string) ([]Span, error) {
	var out []Span
	for part := range strings.SplitSeq(s, ",") {
		a, b, ok := strings.Cut(strings.TrimSpace(part), "-")
		if !ok {
			return nil, fmt.Errorf("%q: want HH:MM-HH:MM", part)
		}
		start, err1 := clock(a)
		end, err2 := clock(b)
		if err1 != nil || err2 != nil || end <= start {
			return nil, fmt.Errorf("%q: want HH:MM-HH:MM with the end after the start", part)
		}
		if len(out) > 0 && start < out[len(out)-1].End {
			return nil, fmt.Errorf("%q: spans must be in order and not overlap", part)
		}
		out = append(out, Span{start, end})
	}
	return out, nil
}

func clock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		if strings.TrimSpace(s) == "24:00" { // the end of the day, which 15:04 cannot spell
			return 24 * time.Hour, nil
		}
		return 0, err
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// String writes hours back in the form ParseHours reads.
func (s Span) String() string {
	f := func(d time.Duration) string { return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60) }
	return f(s.Start) + "-" + f(s.End)
}
