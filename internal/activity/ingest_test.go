package activity_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/activity"
	"github.com/jianfu-gov/jianfu/internal/activity/activitytest"
	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/ingest"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

var now = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

func ingestFile(t *testing.T, db *store.DB, path, batch string, mod func(*activity.Options)) *activity.Report {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	opt := activity.Options{BatchID: batch, Source: path, Now: now, KeepRaw: true, Calendar: calendar.Default(), Actor: org.System}
	if mod != nil {
		mod(&opt)
	}
	rep, err := activity.IngestFile(context.Background(), db, f, opt)
	if err != nil {
		t.Fatalf("ingest %s: %v", path, err)
	}
	return rep
}

func TestIngestReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		activitytest.Build(t, db)
		rep := ingestFile(t, db, "testdata/messages.ndjson", "b1", nil)
		got := map[string]int{"rows": rep.Rows, "accepted": rep.Accepted, "rejected": rep.Rejected, "duplicates": rep.Duplicates,
			"unknown_senders": rep.UnknownSenders, "messages": rep.Messages, "app_days": rep.AppDays, "account_days": rep.AccountDays}
		want := map[string]int{"rows": 16, "accepted": 11, "rejected": 4, "duplicates": 1, "unknown_senders": 3, "messages": 8,
			"app_days": 2, "account_days": 1}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("report counts = %v, want %v", got, want)
		}
		var rejected []string
		for _, e := range rep.Errors {
			rejected = append(rejected, activitytest.Itoa(int64(e.Row))+":"+e.Reason)
		}
		if w := []string{"7:unknown_group", "8:ambiguous_group", "9:future", "10:" + ingest.ReasonBadTime}; !reflect.DeepEqual(rejected, w) {
			t.Errorf("rejected rows = %v, want %v", rejected, w)
		}
		for _, e := range rep.Errors {
			if e.Msg == "" || !strings.ContainsAny(e.Msg, "群时间") {
				t.Errorf("row %d: message %q does not say what is wrong in Chinese", e.Row, e.Msg)
			}
		}
		if rep.First != "2026-09-19" || rep.Last != "2026-10-05" {
			t.Errorf("range = %s..%s, want 2026-09-19..2026-10-05", rep.First, rep.Last)
		}
	})
}

// TestRollupsMatchOracle checks every rollup against an independent count over the raw rows.
func TestRollupsMatchOracle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := activitytest.Build(t, db)
		ingestFile(t, db, "testdata/messages.ndjson", "b1", nil)
		ingestFile(t, db, "testdata/more.csv", "b2", nil)
		ctx := context.Background()
		same := func(name, got, oracle string) {
			t.Helper()
			g, o := rowsOf(t, db, got), rowsOf(t, db, oracle)
			if len(o) == 0 {
				t.Fatalf("%s: the oracle found nothing", name)
			}
			if !reflect.DeepEqual(g, o) {
				t.Errorf("%s:\n rollup %v\n oracle %v", name, g, o)
			}
		}
		same("person days", `SELECT person_id, day, received, after_hours, demands, reply_received, chain, checkin, at_all
			FROM act_person_days ORDER BY 1, 2`,
			`SELECT gm.person_id, m.day, count(*), sum(CASE WHEN m.after_hours THEN 1 ELSE 0 END),
				sum(CASE WHEN m.flags & 63 <> 0 THEN 1 ELSE 0 END), sum(m.flags & 1), sum((m.flags & 2) / 2), sum((m.flags & 4) / 4),
				sum((m.flags & 64) / 64)
			FROM act_messages m JOIN group_members gm ON gm.group_id = m.group_id AND gm.person_id IS NOT NULL
			WHERE m.sender_person_id IS NULL OR m.sender_person_id <> gm.person_id
			GROUP BY gm.person_id, m.day ORDER BY 1, 2`)
		same("group days", `SELECT group_id, day, messages, after_hours, demands, deliveries FROM act_group_days ORDER BY 1, 2`,
			`SELECT m.group_id, m.day, count(*), sum(CASE WHEN m.after_hours THEN 1 ELSE 0 END),
				sum(CASE WHEN m.flags & 63 <> 0 THEN 1 ELSE 0 END),
				sum((SELECT count(*) FROM group_members gm WHERE gm.group_id = m.group_id AND gm.person_id IS NOT NULL
					AND (m.sender_person_id IS NULL OR gm.person_id <> m.sender_person_id)))
			FROM act_messages m GROUP BY m.group_id, m.day ORDER BY 1, 2`)
		same("unit days", `SELECT unit_id, day, received, after_hours, demands FROM act_unit_days ORDER BY 1, 2`,
			`SELECT p.unit_id, m.day, count(*), sum(CASE WHEN m.after_hours THEN 1 ELSE 0 END),
				sum(CASE WHEN m.flags & 63 <> 0 THEN 1 ELSE 0 END)
			FROM act_messages m JOIN group_members gm ON gm.group_id = m.group_id JOIN people p ON p.id = gm.person_id
			WHERE m.sender_person_id IS NULL OR m.sender_person_id <> gm.person_id
			GROUP BY p.unit_id, m.day ORDER BY 1, 2`)
		// The hours rollup keeps one row a unit and day with a column an hour; unpivot it.
		var hours [][]string
		for _, r := range rowsOf(t, db, `SELECT * FROM act_unit_hours ORDER BY unit_id, day`) {
			for h, n := range r[2:] {
				if n != "0" {
					hours = append(hours, []string{r[0], r[1], fmt.Sprint(h), n})
				}
			}
		}
		if o := rowsOf(t, db, `SELECT a.unit_id, m.day, CAST(EXTRACT_HOUR AS INTEGER), count(*) FROM act_messages m
			JOIN assets a ON a.id = m.group_id GROUP BY a.unit_id, m.day, EXTRACT_HOUR ORDER BY 1, 2, 3`); !reflect.DeepEqual(hours, o) || len(o) == 0 {
			t.Errorf("unit hours:\n rollup %v\n oracle %v", hours, o)
		}
		// Figures worked out by hand from the two files. On 09-21 group 1 (甲 乙 丙) had m1 from
		// 甲, m2 from 乙, c1 from 丙 and c2 from 甲: everyone receives what the others sent.
		for _, c := range []struct {
			person string
			want   int64
		}{{"P2", 3}, {"P3", 3}, {"P1", 2}, {"P4", 0}} {
			var n int64
			err := db.QueryRowContext(ctx, `SELECT COALESCE(sum(received), 0) FROM act_person_days WHERE person_id = $1 AND day = $2`,
				b.P[c.person], time.Date(2026, 9, 21, 0, 0, 0, 0, time.UTC)).Scan(&n)
			if err != nil || n != c.want {
				t.Errorf("%s received on 09-21 = %d (%v), want %d", c.person, n, err, c.want)
			}
		}
		// After hours follows the calendar: 21:15 and 19:00 on a Monday; nothing on the 调休
		// Sunday 09-20 at 10:00; all of 国庆 Monday 10-05; 12:30 in the lunch break.
		for _, c := range []struct {
			group         int64
			day           time.Time
			messages, aft int64
		}{
			{b.G1, time.Date(2026, 9, 21, 0, 0, 0, 0, time.UTC), 4, 2},
			{b.G1, time.Date(2026, 9, 20, 0, 0, 0, 0, time.UTC), 1, 0},
			{b.G2, time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC), 1, 1},
			{b.G2, time.Date(2026, 9, 22, 0, 0, 0, 0, time.UTC), 1, 1},
			{b.G2, time.Date(2026, 9, 19, 0, 0, 0, 0, time.UTC), 1, 1},
		} {
			var m, a int64
			err := db.QueryRowContext(ctx, `SELECT messages, after_hours FROM act_group_days WHERE group_id = $1 AND day = $2`, c.group, c.day).Scan(&m, &a)
			if err != nil || m != c.messages || a != c.aft {
				t.Errorf("group %d on %s: %d messages, %d after hours (%v); want %d, %d", c.group, c.day.Format("01-02"), m, a, err, c.messages, c.aft)
			}
		}
		var active, forms int64
		if err := db.QueryRowContext(ctx, `SELECT active_users, forms_submitted FROM act_app_days WHERE app_id = $1`, b.App).Scan(&active, &forms); err != nil || active != 41 || forms != 13 {
			t.Errorf("app day = %d users %d forms (%v), want the later row's 41 and 13", active, forms, err)
		}
	})
}

// rowsOf reads a query's rows as strings, so that two queries' results compare whatever the
// engine's types. EXTRACT_HOUR stands for the hour in Shanghai of m.sent_at in each dialect.
func rowsOf(t *testing.T, db *store.DB, q string) [][]string {
	t.Helper()
	hour := `strftime('%H', m.sent_at, '+8 hours')`
	if db.Engine == store.Postgres {
		hour = `EXTRACT(HOUR FROM m.sent_at AT TIME ZONE 'Asia/Shanghai')`
	}
	q = strings.ReplaceAll(q, "EXTRACT_HOUR", hour)
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			switch x := v.(type) {
			case time.Time:
				row[i] = x.UTC().Format("2006-01-02")
			case []byte:
				row[i] = string(x)
			default:
				row[i] = strings.TrimSuffix(strings.TrimSpace(toString(x)), ".0")
			}
			if len(row[i]) > 10 && row[i][4] == '-' && row[i][10] == ' ' {
				row[i] = row[i][:10] // SQLite's text form of a DATE
			}
		}
		out = append(out, row)
	}
	return out
}

func toString(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case int64:
		return activitytest.Itoa(x)
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}

func TestRetriedBatchCountsOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		activitytest.Build(t, db)
		total := func() string {
			return strings.Join(rowsOf(t, db, `SELECT count(*), COALESCE(sum(received), 0) FROM act_person_days`)[0], "/")
		}
		first := ingestFile(t, db, "testdata/messages.ndjson", "", nil)
		if !strings.HasPrefix(first.BatchID, "sha256:") || first.AlreadyIngested {
			t.Fatalf("first ingest: batch %q already=%v", first.BatchID, first.AlreadyIngested)
		}
		before := total()
		for _, id := range []string{"", first.BatchID} {
			again := ingestFile(t, db, "testdata/messages.ndjson", id, nil)
			if !again.AlreadyIngested || again.BatchID != first.BatchID || again.Messages != first.Messages {
				t.Errorf("retry with id %q: already=%v batch=%q messages=%d", id, again.AlreadyIngested, again.BatchID, again.Messages)
			}
		}
		if after := total(); after != before {
			t.Errorf("person days after retries = %s, want %s", after, before)
		}
		var audits int
		db.QueryRowContext(context.Background(), `SELECT count(*) FROM audit_log WHERE object_type = $1`, activity.ObjectType).Scan(&audits)
		if audits != 1 {
			t.Errorf("audit entries = %d, want 1", audits)
		}
	})
}

func TestStrictAndDryRunWriteNothing(t *testing.T) {
	for _, c := range []struct {
		name string
		mod  func(*activity.Options)
	}{
		{"dry run", func(o *activity.Options) { o.DryRun = true }},
		{"strict", func(o *activity.Options) { o.Strict = true }},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := storetest.SQLite(t)
			activitytest.Build(t, db)
			f, _ := os.Open("testdata/messages.ndjson")
			defer f.Close()
			opt := activity.Options{BatchID: "x", Now: now, Calendar: calendar.Default(), Actor: org.System}
			c.mod(&opt)
			rep, err := activity.IngestFile(context.Background(), db, f, opt)
			if rep == nil || rep.Rejected != 4 {
				t.Fatalf("report %+v, err %v", rep, err)
			}
			if opt.Strict && err == nil {
				t.Error("strict ingest with rejected rows: no error")
			}
			if n := rowsOf(t, db, `SELECT (SELECT count(*) FROM act_group_days) + (SELECT count(*) FROM ingest_batches)`)[0][0]; n != "0" {
				t.Errorf("%s wrote %s rows", c.name, n)
			}
		})
	}
}
