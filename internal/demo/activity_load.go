package demo

import (
	"context"
	"fmt"
	"time"

	act "github.com/jianfu-gov/jianfu/internal/activity"
	"github.com/jianfu-gov/jianfu/internal/burden"
	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/ingest"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// LoadActivity generates days of activity for the bureau opt describes (built before with
// Build) and ingests it into db the way a bureau's daily exports would arrive: one batch per
// day, named "demo:PRESET:SEED:DATE", so that loading again counts nothing twice. It then records
// CampaignStart as the campaign's start date, for the trend charts. Progress, if set, is called
// with "活动数据" and the days done.
func LoadActivity(ctx context.Context, db *store.DB, opt Options, days int) (*ActivityTruth, error) {
	cal, err := calendar.Load(ctx, db)
	if err != nil {
		return nil, err
	}
	type dayBatch struct {
		date time.Time
		recs []ingest.Record
	}
	ch := make(chan dayBatch, 1)
	var truth *ActivityTruth
	genErr := make(chan error, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(ch)
		var cur dayBatch
		t, err := Activity(opt, days, func(r ingest.Record) error {
			d := recordDate(r)
			if len(cur.recs) > 0 && !d.Equal(cur.date) {
				select {
				case ch <- cur:
				case <-ctx.Done():
					return ctx.Err()
				}
				cur = dayBatch{}
			}
			cur.date = d
			cur.recs = append(cur.recs, r)
			return nil
		})
		if err == nil && len(cur.recs) > 0 {
			select {
			case ch <- cur:
			case <-ctx.Done():
				err = ctx.Err()
			}
		}
		truth = t
		genErr <- err
	}()
	done := 0
	for b := range ch {
		id := fmt.Sprintf("demo:%s:%d:%s", normPreset(opt.Preset), opt.Seed, b.date.Format("2006-01-02"))
		_, err := act.IngestRecords(ctx, db, func(emit func(ingest.Record) error) error {
			for _, r := range b.recs {
				if err := emit(r); err != nil {
					return err
				}
			}
			return nil
		}, act.Options{BatchID: id, Source: "demo", Calendar: cal, Actor: org.System, Now: ReferenceDate.AddDate(0, 0, 1)})
		if err != nil {
			cancel()
			for range ch {
			}
			return nil, fmt.Errorf("demo: ingest %s: %w", id, err)
		}
		done++
		if opt.Progress != nil {
			opt.Progress("活动数据", done, days)
		}
	}
	if err := <-genErr; err != nil {
		return nil, err
	}
	start := CampaignStart.Year()*10000 + int(CampaignStart.Month())*100 + CampaignStart.Day()
	if _, err := db.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, '演示数据')
		ON CONFLICT (key) DO NOTHING`, burden.KeyCampaignStart, fmt.Sprint(start), store.Now()); err != nil {
		return nil, fmt.Errorf("demo: record campaign start: %w", err)
	}
	return truth, db.Analyze(ctx)
}

// recordDate is the Shanghai date a record belongs to.
func recordDate(r ingest.Record) time.Time {
	switch {
	case r.Message != nil:
		return calendar.DateOf(r.Message.At)
	case r.App != nil:
		return r.App.Day
	case r.Account != nil:
		return r.Account.Day
	}
	return time.Time{}
}
