package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// activityDays are the two days of the test data: recent, so that nothing is in the future or
// too old and both fall in the burden reads' default period (the last 30 days with data).
func activityDays() (d1, d2 time.Time) {
	today := tz.Today()
	return today.AddDate(0, 0, -10), today.AddDate(0, 0, -9)
}

// activityNDJSON is a batch for the fixture's inventory (addAssets): three messages (two in
// GRP-A1 of 甲一站, one named by the group's name, and one 接龙 in GRP-B1 of 乙一站), the first
// repeated, one app day of APP-A, and three rows to reject (rows 6, 7, 8).
//
// Who receives what: in GRP-A1 (孙一 P-A1-1, 周一 P-A1-2, 吴一 P-A1-3) m1 from 孙一 reaches 周一
// and 吴一, m2 from 周一 (after hours) reaches 孙一 and 吴一; in GRP-B1 m3 from 冯二 reaches 陈二.
func activityNDJSON() string {
	d1, d2 := activityDays()
	day1, day2 := d1.Format("2006-01-02"), d2.Format("2006-01-02")
	return strings.Join([]string{
		`{"id":"m1","group":"GRP-A1","sender":"P-A1-1","time":"` + day1 + ` 09:30:00","kind":"text","at_all":false,"forwarded":false,"text":"请各位今天下班前报送值班表,收到请回复"}`,
		`{"id":"m2","group":"甲一站抢险临时群","sender":"P-A1-2","time":"` + day1 + ` 21:15:00","kind":"text","text":"明天的训练改到下午三点"}`,
		`{"id":"m3","group":"GRP-B1","sender":"P-B1-1","time":"` + day2 + ` 10:00:00","kind":"poll","text":"周末值班人员接龙"}`,
		`{"id":"m1","group":"GRP-A1","sender":"P-A1-1","time":"` + day1 + ` 09:30:00","kind":"text","at_all":false,"forwarded":false,"text":"请各位今天下班前报送值班表,收到请回复"}`,
		`{"app":"APP-A","date":"` + day1 + `","active_users":3,"sessions":9,"checkins_required":4,"checkins_done":3,"forms_submitted":2}`,
		`{"id":"m5","group":"GRP-NONE","sender":"P-A1-1","time":"` + day1 + ` 10:00:00","kind":"text","text":"不在清单中的群"}`,
		`{"id":"m6","group":"GRP-A1","sender":"P-A1-1","time":"昨天上午","kind":"text","text":"时间写错"}`,
		`{"id":"m7","group":`,
	}, "\n") + "\n"
}

// ingestPath is the ingest endpoint with the query parameters of pairs (name, value, …).
func ingestPath(pairs ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Set(pairs[i], pairs[i+1])
	}
	return "/api/v1/activity/batches?" + v.Encode()
}

// ingest sends activityNDJSON as the administrator and fails the test unless it is accepted.
func (fx *fixture) ingest(t *testing.T, batch string) activityReportBody {
	t.Helper()
	return fx.ingestAs(t, byToken, batch)
}

func (fx *fixture) ingestAs(t *testing.T, m mode, batch string) activityReportBody {
	t.Helper()
	rec := fx.do(t, "admin", m, req{method: "POST", path: ingestPath("batch_id", batch), body: activityNDJSON(),
		contentType: "application/x-ndjson"})
	if rec.Code != http.StatusOK {
		t.Fatalf("ingest %s: %d %s", batch, rec.Code, rec.Body)
	}
	var rep activityReportBody
	decode(t, rec, &rep)
	return rep
}

// activityReportBody is the ingest's answer as a client reads it.
type activityReportBody struct {
	BatchID         string          `json:"batch_id"`
	Source          string          `json:"source"`
	AlreadyIngested bool            `json:"already_ingested"`
	DryRun          bool            `json:"dry_run"`
	Rows            int             `json:"rows"`
	Accepted        int             `json:"accepted"`
	Rejected        int             `json:"rejected"`
	Duplicates      int             `json:"duplicates"`
	UnknownSenders  int             `json:"unknown_senders"`
	Messages        int             `json:"messages"`
	AppDays         int             `json:"app_days"`
	AccountDays     int             `json:"account_days"`
	First           string          `json:"first_day"`
	Last            string          `json:"last_day"`
	Reasons         map[string]int  `json:"reasons"`
	Errors          []batchRowError `json:"errors"`
	Error           *struct {
		Code, Message string
	} `json:"error"`
}

func (r activityReportBody) counts() map[string]int {
	return map[string]int{"rows": r.Rows, "accepted": r.Accepted, "rejected": r.Rejected, "duplicates": r.Duplicates,
		"unknown_senders": r.UnknownSenders, "messages": r.Messages, "app_days": r.AppDays, "account_days": r.AccountDays}
}

func (r activityReportBody) rejected() []string {
	var out []string
	for _, e := range r.Errors {
		out = append(out, fmt.Sprintf("%d:%s:%s", e.Row, e.Column, e.Reason))
	}
	return out
}

var (
	wantCounts   = map[string]int{"rows": 8, "accepted": 4, "rejected": 3, "duplicates": 1, "unknown_senders": 0, "messages": 3, "app_days": 1, "account_days": 0}
	wantRejected = []string{"6:group:unknown_group", "7:time:bad_time", "8::bad_json"}
)

// batches counts the recorded batches.
func batches(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	storetest.Must(t, db.QueryRowContext(context.Background(), `SELECT count(*) FROM ingest_batches`).Scan(&n))
	return n
}

// TestIngestBatch ingests a batch through the API and sends it again: the retry answers with the
// first report, marked already_ingested, and the dashboards' figures do not move.
func TestIngestBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		fx.addAssets(t)
		rep := fx.ingest(t, "platform-2026-001")
		if rep.BatchID != "platform-2026-001" || rep.AlreadyIngested || rep.DryRun || !reflect.DeepEqual(rep.counts(), wantCounts) {
			t.Fatalf("first ingest: %+v, want counts %v", rep, wantCounts)
		}
		if got := rep.rejected(); !reflect.DeepEqual(got, wantRejected) {
			t.Errorf("rejected rows %v, want %v", got, wantRejected)
		}
		for _, e := range rep.Errors {
			if e.Msg == "" {
				t.Errorf("row %d rejected without a message", e.Row)
			}
		}
		d1, d2 := activityDays()
		if rep.First != d1.Format("2006-01-02") || rep.Last != d2.Format("2006-01-02") {
			t.Errorf("days %s..%s, want %s..%s", rep.First, rep.Last, d1.Format("2006-01-02"), d2.Format("2006-01-02"))
		}
		units := fx.do(t, "admin", byToken, req{method: "GET", path: "/api/v1/burden/units"})
		var before burdenUnitsBody
		decode(t, units, &before)
		if before.Self.People != len(fx.people) || before.Self.Components["messages"] <= 0 {
			t.Fatalf("units after the first batch: %s", units.Body)
		}

		// The retry, after a timeout say: nothing is counted twice.
		for _, m := range []mode{byToken, bySession} {
			again := fx.ingestAs(t, m, "platform-2026-001")
			if !again.AlreadyIngested || !reflect.DeepEqual(again.counts(), wantCounts) || !reflect.DeepEqual(again.rejected(), wantRejected) {
				t.Errorf("retry (%s): %+v", m, again)
			}
			after := fx.do(t, "admin", m, req{method: "GET", path: "/api/v1/burden/units"})
			if after.Body.String() != units.Body.String() {
				t.Errorf("retry (%s) changed the figures:\n%s\n%s", m, units.Body, after.Body)
			}
		}
		if n := batches(t, db); n != 1 {
			t.Errorf("%d batches recorded, want 1", n)
		}

		// A CSV file of messages, its format told by Content-Type, sent by the 办公室 with a
		// session: it counts on top of the first batch.
		csv := "群组,发送时间,发送人,内容\nGRP-B1," + d2.Format("2006-01-02") + " 11:00:00,P-B1-2,请回复收到\n"
		rec := fx.do(t, "office", bySession, req{method: "POST", path: ingestPath("batch_id", "csv-1"), body: csv, contentType: "text/csv; charset=utf-8"})
		var csvRep activityReportBody
		if rec.Code == 200 {
			decode(t, rec, &csvRep)
		}
		if rec.Code != 200 || csvRep.Messages != 1 || csvRep.Rejected != 0 || csvRep.Source != "api" {
			t.Errorf("CSV batch: %d %s", rec.Code, rec.Body)
		}
		if n := batches(t, db); n != 2 {
			t.Errorf("%d batches recorded, want 2", n)
		}
	})
}

// TestIngestBatchRefused checks who may ingest, the parameters, dry runs and strict batches:
// none of the refused requests records a batch.
func TestIngestBatchRefused(t *testing.T) {
	fx := newFixture(t, storetest.SQLite(t))
	fx.addAssets(t)
	body := activityNDJSON()
	cases := []struct {
		name   string
		key    string
		m      mode
		path   string
		ct     string
		status int
		field  string
	}{
		{"anonymous", "anon", byToken, ingestPath("batch_id", "x"), "application/x-ndjson", 401, ""},
		{"staff", "staff", byToken, ingestPath("batch_id", "x"), "application/x-ndjson", 403, ""},
		{"liaison", "liaisonA", byToken, ingestPath("batch_id", "x"), "application/x-ndjson", 403, ""},
		{"lead", "lead", bySession, ingestPath("batch_id", "x"), "application/x-ndjson", 403, ""},
		{"no batch id", "admin", byToken, ingestPath(), "application/x-ndjson", 400, "batch_id"},
		{"empty batch id", "admin", byToken, ingestPath("batch_id", ""), "application/x-ndjson", 400, "batch_id"},
		{"batch id too long", "admin", byToken, ingestPath("batch_id", strings.Repeat("批", 129)), "application/x-ndjson", 400, "batch_id"},
		{"batch id with a control character", "admin", byToken, ingestPath("batch_id", "a\x01b"), "application/x-ndjson", 400, "batch_id"},
		{"unknown format", "admin", byToken, ingestPath("batch_id", "x", "format", "pdf"), "", 400, "format"},
		{"unknown kind", "admin", byToken, ingestPath("batch_id", "x", "kind", "cars"), "", 400, "kind"},
		{"dry_run not a boolean", "admin", byToken, ingestPath("batch_id", "x", "dry_run", "maybe"), "", 400, "dry_run"},
		{"strict not a boolean", "admin", byToken, ingestPath("batch_id", "x", "strict", "2"), "", 400, "strict"},
		{"NDJSON read as CSV", "admin", byToken, ingestPath("batch_id", "x", "format", "csv"), "application/x-ndjson", 400, ""},
		{"not a workbook", "admin", byToken, ingestPath("batch_id", "x"), xlsxType, 400, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := fx.do(t, c.key, c.m, req{method: "POST", path: c.path, body: body, contentType: c.ct})
			if rec.Code != c.status {
				t.Fatalf("%d, want %d: %.300s", rec.Code, c.status, rec.Body)
			}
			if e := errorOf(t, rec); e.Field != c.field {
				t.Errorf("field %q, want %q (%s)", e.Field, c.field, e.Message)
			}
			if n := batches(t, fx.db); n != 0 {
				t.Errorf("%d batches recorded", n)
			}
		})
	}

	t.Run("dry run", func(t *testing.T) {
		rec := fx.do(t, "admin", byToken, req{method: "POST", path: ingestPath("batch_id", "dry", "dry_run", "true"), body: body})
		var rep activityReportBody
		if rec.Code == 200 {
			decode(t, rec, &rep)
		}
		if rec.Code != 200 || !rep.DryRun || !reflect.DeepEqual(rep.counts(), wantCounts) || batches(t, fx.db) != 0 {
			t.Errorf("dry run: %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("strict", func(t *testing.T) {
		rec := fx.do(t, "admin", byToken, req{method: "POST", path: ingestPath("batch_id", "strict", "strict", "true"), body: body,
			contentType: "application/jsonl"})
		var rep activityReportBody
		decode(t, rec, &rep)
		if rec.Code != 400 || rep.Error == nil || rep.Error.Code != "invalid" || !reflect.DeepEqual(rep.rejected(), wantRejected) {
			t.Errorf("strict batch with bad rows: %d %s", rec.Code, rec.Body)
		}
		if batches(t, fx.db) != 0 {
			t.Errorf("a refused strict batch was recorded")
		}
		// The same id is still free: the batch was not recorded.
		if rep := fx.ingest(t, "strict"); rep.AlreadyIngested {
			t.Errorf("the refused strict batch took its id: %+v", rep)
		}
	})
	t.Run("session without CSRF header", func(t *testing.T) {
		rec := fx.do(t, "admin", bySession, req{method: "POST", path: ingestPath("batch_id", "csrf"), body: body,
			header: map[string]string{"X-CSRF-Token": ""}})
		if rec.Code != http.StatusForbidden {
			t.Errorf("%d %s", rec.Code, rec.Body)
		}
	})
}

// TestIngestBatchTooLarge: a body over MaxBatch is refused with 413 while it streams in.
func TestIngestBatchTooLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 256 MiB")
	}
	fx := newFixture(t, storetest.SQLite(t))
	line := []byte(`{"id":"x","group":"GRP-NONE","time":"2026-01-01 00:00:00"}` + "\n")
	big := make([]byte, 0, MaxBatch+len(line))
	for len(big) <= MaxBatch {
		big = append(big, line...)
	}
	rec := fx.do(t, "admin", byToken, req{method: "POST", path: ingestPath("batch_id", "big"), body: big, contentType: "application/x-ndjson"})
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("%d %.300s", rec.Code, rec.Body)
	}
	if batches(t, fx.db) != 0 {
		t.Errorf("an oversized batch was recorded")
	}
}

// activityScopeCases are the ingest's rows of the scope table: only the roles with
// activity.ingest (管理员, 办公室) may send data, by token or by session.
var activityScopeCases = []scopeCase{
	{name: "ingest a batch", method: "POST",
		path: func(_ *testing.T, _ *fixture, key string) string { return ingestPath("batch_id", "scope-"+key) },
		body: func(*fixture, string) any { return activityNDJSON() }, ct: "application/x-ndjson",
		want: expect(403, "admin office", 200),
		check: func(t *testing.T, _ *fixture, key string, rec *httptest.ResponseRecorder) {
			var rep activityReportBody
			decode(t, rec, &rep)
			if rep.AlreadyIngested || !reflect.DeepEqual(rep.counts(), wantCounts) {
				t.Errorf("ingest as %s: %s", key, rec.Body)
			}
		}},
}
