package calendar_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

var admin = org.Principal{UserID: 0, Name: "管理员", Roles: []org.Role{org.RoleAdmin}}

func load(t *testing.T, q store.Querier) *calendar.Calendar {
	t.Helper()
	c, err := calendar.Load(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func count(t *testing.T, db *store.DB, query string) int {
	t.Helper()
	var n int
	storetest.Must(t, db.QueryRowContext(context.Background(), query).Scan(&n))
	return n
}

func auditEntries(t *testing.T, db *store.DB) int {
	t.Helper()
	_, n, err := audit.List(context.Background(), db, audit.Filter{ObjectType: calendar.ObjectType})
	storetest.Must(t, err)
	return n
}

func TestLoadEmptyTableUsesOfficial(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := load(t, db)
		if c.IsWorkday(date("2026-10-05")) || !c.IsWorkday(date("2026-10-10")) {
			t.Error("an empty table should fall back to the shipped arrangement")
		}
		if got := len(c.Days(2026)); got != len(calendar.Default().Days(2026)) {
			t.Errorf("Days(2026) has %d entries, want the shipped %d", got, len(calendar.Default().Days(2026)))
		}
	})
}

func TestSeedIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		n, err := calendar.Seed(ctx, db)
		storetest.Must(t, err)
		if n != len(calendar.Official()) || n == 0 {
			t.Fatalf("Seed wrote %d, want %d", n, len(calendar.Official()))
		}
		if got := count(t, db, `SELECT count(*) FROM calendar_days`); got != n {
			t.Fatalf("table has %d rows after seeding %d", got, n)
		}
		again, err := calendar.Seed(ctx, db)
		storetest.Must(t, err)
		if again != 0 || count(t, db, `SELECT count(*) FROM calendar_days`) != n || auditEntries(t, db) != 1 {
			t.Errorf("second Seed wrote %d rows; want nothing written and one audit entry", again)
		}
		// Seeding never undoes the administrator's deletions once the table has rows.
		storetest.Must(t, calendar.Delete(ctx, db, admin, "2026-10-10"))
		_, err = calendar.Seed(ctx, db)
		storetest.Must(t, err)
		if count(t, db, `SELECT count(*) FROM calendar_days`) != n-1 {
			t.Error("Seed re-added a deleted row")
		}
		c := load(t, db)
		if d, ok := c.Lookup(date("2026-10-01")); !ok || !d.Stored || d.Kind != calendar.Holiday || d.Name != "国庆节" {
			t.Errorf("seeded 2026-10-01 = %+v", d)
		}
	})
}

func TestSetAndDelete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// A one-off rest day on an ordinary Wednesday, as a local government may declare.
		storetest.Must(t, calendar.Set(ctx, db, admin, "2026-03-04", "holiday", " 临时停工 "))
		c := load(t, db)
		if c.IsWorkday(date("2026-03-04")) || c.IsWorkingTime(at("2026-03-04 10:00:00")) {
			t.Error("Set holiday not seen by Load")
		}
		if d, _ := c.Lookup(date("2026-03-04")); d.Name != "临时停工" || !d.Stored {
			t.Errorf("stored day = %+v", d)
		}
		// Cancelling a default holiday: mark the weekday a working day.
		storetest.Must(t, calendar.Set(ctx, db, admin, "2026-10-07", "workday", "取消放假"))
		if c := load(t, db); !c.IsWorkday(date("2026-10-07")) {
			t.Error("workday override of a shipped holiday not applied")
		}
		// Update in place, then delete: the day follows its default again.
		storetest.Must(t, calendar.Set(ctx, db, admin, "2026-03-04", "holiday", "停工"))
		storetest.Must(t, calendar.Delete(ctx, db, admin, "2026-03-04"))
		storetest.Must(t, calendar.Delete(ctx, db, admin, "2026-10-07"))
		c = load(t, db)
		if !c.IsWorkday(date("2026-03-04")) || c.IsWorkday(date("2026-10-07")) {
			t.Error("Delete did not restore the defaults")
		}
		if n := auditEntries(t, db); n != 5 {
			t.Errorf("%d audit entries, want 5 (create, create, update, delete, delete)", n)
		}
		if err := calendar.Delete(ctx, db, admin, "2026-03-04"); !errs.Is(err, errs.NotFound) {
			t.Errorf("deleting an absent day: %v, want NotFound", err)
		}
		if err := calendar.Set(ctx, db, org.Principal{Name: "普通用户"}, "2026-03-05", "holiday", "x"); !errs.Is(err, errs.Forbidden) {
			t.Errorf("non-admin Set: %v, want Forbidden", err)
		}
	})
}

func TestSetInvalid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tests := []struct {
			name, day, kind, dayName string
			field                    string
		}{
			{"unknown kind", "2026-03-04", "x", "名称", "kind"},
			{"impossible date", "2026-02-30", "holiday", "名称", "day"},
			{"not a date", "3/4/2026", "holiday", "名称", "day"},
			{"year out of range", "1900-01-01", "holiday", "名称", "day"},
			{"name too long", "2026-03-04", "holiday", strings.Repeat("节", calendar.MaxName+1), "name"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := calendar.Set(ctx, db, admin, tt.day, tt.kind, tt.dayName)
				e, ok := errs.As(err)
				if !ok || e.Kind != errs.Invalid || e.Field != tt.field {
					t.Fatalf("Set(%q, %q, %d chars) = %v, want Invalid on %s", tt.day, tt.kind, len([]rune(tt.dayName)), err, tt.field)
				}
			})
		}
		// Several bad fields are reported together.
		err := calendar.Set(ctx, db, admin, "2026-02-30", "x", "")
		if l, ok := errs.ListOf(err); !ok || len(l.Items) != 2 || !errs.Is(err, errs.Invalid) {
			t.Errorf("two bad fields: %v", err)
		}
		if err := calendar.Delete(ctx, db, admin, "2026-02-30"); !errs.Is(err, errs.Invalid) {
			t.Errorf("Delete of an impossible date: %v", err)
		}
		if n := count(t, db, `SELECT count(*) FROM calendar_days`); n != 0 {
			t.Errorf("invalid input wrote %d rows", n)
		}
		if n := auditEntries(t, db); n != 0 {
			t.Errorf("invalid input wrote %d audit entries", n)
		}
	})
}

func TestLoadHoursSetting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		write := func(v string) {
			_, err := db.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, '')
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, calendar.KeyHours, v, time.Now().UTC())
			storetest.Must(t, err)
		}
		write(`"09:00-12:00,13:00-17:00"`)
		c := load(t, db)
		if c.IsWorkingTime(at("2026-03-04 08:45:00")) || !c.IsWorkingTime(at("2026-03-04 13:15:00")) {
			t.Errorf("hours setting not applied: %v", c.Hours())
		}
		// A bad value must not stop deadlines from being computed: the defaults apply.
		write(`"nonsense"`)
		if c := load(t, db); !c.IsWorkingTime(at("2026-03-04 08:45:00")) {
			t.Errorf("bad hours setting: got %v, want the defaults", c.Hours())
		}
	})
}
