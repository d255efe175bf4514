package catalog

import (
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
)

// Date is a calendar date (no time of day), written as YYYY-MM-DD in JSON and forms. The zero
// Date means "not set".
type Date struct{ time.Time }

// ParseDate reads YYYY-MM-DD (or YYYY/MM/DD); an empty string is the zero Date.
func ParseDate(field, s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	t, err := org.ParseDate(s)
	if err != nil {
		return Date{}, errs.Field(field, "日期格式应为 2006-01-02,且在 1949 至 2100 年之间")
	}
	return Date{t}, nil
}

// check refuses a date outside the years ParseDate accepts. Dates also arrive as time values
// (an Excel date cell, whose zero is 1899-12-30) that never went through ParseDate.
func (d Date) check(field string) error {
	if d.IsZero() {
		return nil
	}
	if y := d.Year(); y < 1949 || y > 2100 {
		return errs.Field(field, "日期应在 1949 至 2100 年之间")
	}
	return nil
}

// String is YYYY-MM-DD, or "" when not set.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format("2006-01-02")
}

// MarshalJSON writes "YYYY-MM-DD" or null.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads "YYYY-MM-DD", "" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errs.E(errs.Invalid, "日期应为 \"2006-01-02\" 格式的字符串")
	}
	v, err := ParseDate("date", s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// value is what the database stores: NULL or the date at midnight UTC.
func (d Date) value() any {
	if d.IsZero() {
		return nil
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

func dateOf(n sql.NullTime) Date {
	if !n.Valid {
		return Date{}
	}
	t := n.Time.UTC()
	return Date{time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)}
}
