package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/activity"
	"github.com/jianfu-gov/jianfu/internal/burden"
	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/demo"
	"github.com/jianfu-gov/jianfu/internal/ingest"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

var (
	ndjsonOnce sync.Once
	ndjsonData []byte
	ndjsonRecs int
)

// provinceNDJSON is three days of the province's activity (about a million records) as NDJSON.
func provinceNDJSON(b *testing.B) ([]byte, int) {
	ndjsonOnce.Do(func() {
		var buf []byte
		_, err := demo.Activity(demo.Options{Preset: demo.Province, Seed: 1}, 3, func(r ingest.Record) error {
			buf = ingest.AppendNDJSON(buf, r)
			ndjsonRecs++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		ndjsonData = buf
	})
	return ndjsonData, ndjsonRecs
}

// BenchmarkActivityThroughput compares, over the same NDJSON, a plain encoding/json decode loop
// (one goroutine, no checks) with jianfu's ingest without the database write: parse on every
// core, check, resolve names, classify the text and aggregate into rollups (a dry run).
func BenchmarkActivityThroughput(b *testing.B) {
	data, n := provinceNDJSON(b)
	b.Run("decode-only", func(b *testing.B) {
		type line struct {
			ID, Group, Sender, Time, Kind, Text string
			AtAll                               bool `json:"at_all"`
			Forwarded                           bool
			App, Account, Date                  string
			ActiveUsers                         int64 `json:"active_users"`
		}
		for b.Loop() {
			rest := data
			for len(rest) > 0 {
				i := bytes.IndexByte(rest, '\n')
				var l line
				if err := json.Unmarshal(rest[:i], &l); err != nil {
					b.Fatal(err)
				}
				rest = rest[i+1:]
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("parse-classify-aggregate", func(b *testing.B) {
		bu := province(b, store.SQLite)
		cal := calendar.Default()
		for b.Loop() {
			rep, err := activity.IngestFile(context.Background(), bu.db, bytes.NewReader(data), activity.Options{BatchID: "bench",
				Source: "bench.ndjson", DryRun: true, Calendar: cal, Actor: org.System, Now: demo.ReferenceDate.AddDate(0, 0, 1)})
			if err != nil || rep.Accepted != n {
				b.Fatalf("accepted %d of %d: %v", rep.Accepted, n, err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
}

var activityLoaded = map[store.Engine]bool{}

// provinceActivity is the province bureau with its 30 days of activity ingested.
func provinceActivity(b *testing.B, e store.Engine) *bureau {
	bu := province(b, e)
	mu.Lock()
	defer mu.Unlock()
	if !activityLoaded[e] {
		if _, err := demo.LoadActivity(context.Background(), bu.db, demo.Options{Preset: demo.Province, Seed: 1}, 30); err != nil {
			b.Fatal(err)
		}
		activityLoaded[e] = true
	}
	return bu
}

// BenchmarkBurdenPages reports the median and 99th percentile of the dashboard requests at
// province scale, for the whole bureau and for a 支队; "cold" empties the dashboards' cache before
// each request (the first view after a batch arrived), the others find it filled.
func BenchmarkBurdenPages(b *testing.B) {
	paths := []struct {
		name, path string
		cold       bool
		login      string
	}{
		{"burden/bureau-cold", "/burden", true, "office"},
		{"burden/bureau", "/burden", false, "office"},
		{"burden/detachment", "/burden?unit_id=%d", false, "office"},
		{"burden/me", "/burden/me", false, "staff"},
		{"api/units", "/api/v1/burden/units", false, "office"},
		{"api/groups", "/api/v1/burden/groups?limit=50", false, "office"},
		{"export/groups", "/burden/export?table=groups", false, "office"},
	}
	for _, e := range engines {
		for _, p := range paths {
			b.Run(string(e)+"/"+p.name, func(b *testing.B) {
				bu := provinceActivity(b, e)
				path := p.path
				if bytes.Contains([]byte(path), []byte("%d")) {
					var id int64
					bu.db.QueryRowContext(context.Background(), `SELECT id FROM units WHERE kind = 'detachment' ORDER BY code LIMIT 1`).Scan(&id)
					path = fmt.Sprintf(path, id)
				}
				var times []time.Duration
				for b.Loop() {
					if p.cold {
						burden.ResetCache(bu.db)
					}
					start := time.Now()
					req := httptest.NewRequest(http.MethodGet, path, nil)
					req.AddCookie(bu.cookies[p.login])
					rec := httptest.NewRecorder()
					bu.h.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("GET %s = %d: %.300s", path, rec.Code, rec.Body.String())
					}
					times = append(times, time.Since(start))
				}
				slices.Sort(times)
				b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50_ms")
				b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99_ms")
			})
		}
	}
}
