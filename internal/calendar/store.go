package calendar

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// KeyHours is the settings key holding working hours as a JSON string in the form ParseHours
// reads. The settings package does not offer it for editing yet (its values are numbers), so it
// is absent unless written directly, and DefaultHours apply.
const KeyHours = "calendar.work_hours"

// MaxName is the longest day name accepted, in characters; names are labels like "国庆节调休上班".
const MaxName = 50

// ObjectType is the audit object type of calendar changes.
const ObjectType = "calendar_day"

// Load reads the calendar: the shipped arrangement overlaid with the calendar_days table, so
// that a stored row wins for its day and a deleted row falls back to the default; and the working
// hours from the settings table. An unreadable hours setting is ignored (DefaultHours apply)
// rather than failing every deadline computation over a bad value.
func Load(ctx context.Context, q store.Querier) (*Calendar, error) {
	stored, err := storedDays(ctx, q)
	if err != nil {
		return nil, err
	}
	days := append(Official(), stored...)
	hours := DefaultHours
	var raw string
	switch err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, KeyHours).Scan(&raw); {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, fmt.Errorf("calendar: read hours: %w", err)
	default:
		var s string
		if json.Unmarshal([]byte(raw), &s) == nil {
			if h, err := ParseHours(s); err == nil {
				hours = h
			}
		}
	}
	return New(days, hours), nil
}

func storedDays(ctx context.Context, q store.Querier) ([]Day, error) {
	rows, err := q.QueryContext(ctx, `SELECT day, kind, name FROM calendar_days ORDER BY day`)
	if err != nil {
		return nil, fmt.Errorf("calendar: read days: %w", err)
	}
	defer rows.Close()
	var out []Day
	for rows.Next() {
		var d Day
		if err := rows.Scan(&d.Date, &d.Kind, &d.Name); err != nil {
			return nil, fmt.Errorf("calendar: read days: %w", err)
		}
		// A DATE read back is midnight UTC on both engines; normalise anyway so that a driver
		// returning it in the session's zone cannot shift the day.
		t := d.Date
		d.Date = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		d.Stored = true
		out = append(out, d)
	}
	return out, rows.Err()
}

// Seed copies the shipped arrangement into calendar_days when the table is empty, so that the
// administrator's page shows and edits it. It is idempotent: once the table has any row (seeded
// or entered) it does nothing, so a deliberate deletion is never undone by a restart. It returns
// how many days it wrote.
func Seed(ctx context.Context, db *store.DB) (int, error) {
	n := 0
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var count int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM calendar_days`).Scan(&count); err != nil {
			return fmt.Errorf("calendar: seed: %w", err)
		}
		if count > 0 {
			return nil
		}
		for _, d := range official {
			// DO NOTHING: two instances seeding at once on PostgreSQL both see an empty table.
			res, err := tx.ExecContext(ctx, `INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3)
				ON CONFLICT (day) DO NOTHING`, d.Date, string(d.Kind), d.Name)
			if err != nil {
				return fmt.Errorf("calendar: seed: %w", err)
			}
			if k, err := res.RowsAffected(); err == nil {
				n += int(k)
			}
		}
		if n == 0 {
			return nil
		}
		return audit.Record(ctx, tx, audit.System, "import", ObjectType, "official", nil,
			map[string]any{"days": n, "source": "official.txt"})
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// entry is a day as the audit log records it.
type entry struct {
	Day  string `json:"day"`
	Kind Kind   `json:"kind"`
	Name string `json:"name"`
}

// Set stores day (YYYY-MM-DD) as kind ("holiday" or "workday") with a name, replacing what the
// table held for it; setting a weekday to "workday" cancels a default holiday. Only the
// administrator may change the calendar. Input is checked first and the change and its audit
// entry are written in one transaction, so invalid input writes nothing.
func Set(ctx context.Context, db *store.DB, p org.Principal, day, kind, name string) error {
	if !p.Has(org.RoleAdmin) {
		return errs.E(errs.Forbidden, "只有系统管理员可以修改工作日历")
	}
	var problems errs.List
	date, err := parseDay(day)
	if err != nil {
		problems.Add("day", err.Error())
	}
	k := Kind(strings.TrimSpace(kind))
	if k != Holiday && k != Workday {
		problems.Add("kind", "类型应为 holiday(放假)或 workday(调休上班)")
	}
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > MaxName {
		problems.Add("name", fmt.Sprintf("名称不能超过 %d 个字", MaxName))
	}
	switch len(problems.Items) {
	case 0:
	case 1:
		return problems.Items[0] // one bad field: its own error, so callers see Field directly
	default:
		return problems.Err()
	}
	after := entry{Day: date.Format(time.DateOnly), Kind: k, Name: name}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := stored(ctx, tx, date)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3)
			ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name`, date, string(k), name); err != nil {
			return fmt.Errorf("calendar: set %s: %w", after.Day, err)
		}
		action := "create"
		var b any
		if before != nil {
			action, b = "update", *before
		}
		return audit.Record(ctx, tx, p.Actor(), action, ObjectType, after.Day, b, after)
	})
}

// Delete removes day's row, so the day follows the shipped default again (or its weekday, if
// the default does not list it). Deleting a day the table does not hold is NotFound.
func Delete(ctx context.Context, db *store.DB, p org.Principal, day string) error {
	if !p.Has(org.RoleAdmin) {
		return errs.E(errs.Forbidden, "只有系统管理员可以修改工作日历")
	}
	date, err := parseDay(day)
	if err != nil {
		return errs.Field("day", err.Error())
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := stored(ctx, tx, date)
		if err != nil {
			return err
		}
		if before == nil {
			return errs.E(errs.NotFound, "工作日历中没有这一天")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_days WHERE day = $1`, date); err != nil {
			return fmt.Errorf("calendar: delete %s: %w", before.Day, err)
		}
		return audit.Record(ctx, tx, p.Actor(), "delete", ObjectType, before.Day, *before, nil)
	})
}

func stored(ctx context.Context, q store.Querier, date time.Time) (*entry, error) {
	e := entry{Day: date.Format(time.DateOnly)}
	err := q.QueryRowContext(ctx, `SELECT kind, name FROM calendar_days WHERE day = $1`, date).Scan(&e.Kind, &e.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("calendar: read %s: %w", e.Day, err)
	}
	return &e, nil
}

// parseDay reads YYYY-MM-DD, refusing impossible dates (2026-02-30) and years far from the
// present, which are typos rather than calendar entries. The message is for users.
func parseDay(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, errors.New("日期应为 2006-01-02 格式的有效日期")
	}
	if t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, errors.New("日期应在 2000 至 2100 年之间")
	}
	return t, nil
}
