package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jianfu-gov/jianfu/internal/activity"
	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/burden"
	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/config"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/server"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

func runServe(ctx context.Context, args []string) error {
	fs, c := newFlags("serve", "serve [--db …] [--addr 127.0.0.1:8080]")
	addr := fs.String("addr", "127.0.0.1:8080", "监听地址")
	secure := fs.Bool("secure-cookie", false, "Cookie 加 Secure 标志(通过 HTTPS 访问时开启)")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	db, log, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	return serve(ctx, db, log, *addr, *secure, func(url string) {
		log.Info("jianfu serving", "url", url, "engine", db.Engine, "db", config.Redact(c.db), "version", version())
	})
}

// serve runs the service on db until ctx ends, with a background sweep of expired sessions.
func serve(ctx context.Context, db *store.DB, log *slog.Logger, addr string, secure bool, ready func(url string)) error {
	authSvc := &auth.Service{DB: db}
	// The shipped holiday calendar fills an empty table once; afterwards it is the bureau's data.
	if _, err := calendar.Seed(ctx, db); err != nil {
		return err
	}
	h, err := server.Handler(db, authSvc, server.Options{SecureCookie: secure, Version: version(), Log: log})
	if err != nil {
		return err
	}
	go housekeeping(ctx, db, authSvc, log)
	go warmDashboards(ctx, db, log)
	return server.Serve(ctx, addr, h, log, func(bound string) {
		if ready != nil {
			ready(fmt.Sprintf("http://%s/", bound))
		}
	})
}

// housekeeping runs the periodic chores: ending expired sessions, marking inventory records
// whose confirmation is due as 待确认 and purging per-message rows older than activity.raw_days. Every instance runs them; each is one idempotent
// statement, so running it on several instances at once is harmless and needs no election.
func housekeeping(ctx context.Context, db *store.DB, authSvc *auth.Service, log *slog.Logger) {
	cat := &catalog.Store{DB: db}
	chores := func() {
		if n, err := authSvc.PurgeExpired(ctx); err != nil {
			log.Warn("purge sessions", "err", err)
		} else if n > 0 {
			log.Info("purged expired sessions", "count", n)
		}
		if n, err := cat.MarkDue(ctx, time.Now()); err != nil {
			log.Warn("mark attestations due", "err", err)
		} else if n > 0 {
			log.Info("inventory records due for confirmation", "count", n)
		}
		if set, err := activity.LoadSettings(ctx, db); err != nil {
			log.Warn("activity settings", "err", err)
		} else if n, err := activity.PurgeRaw(ctx, db, tz.Today().AddDate(0, 0, -set.RawDays)); err != nil {
			log.Warn("purge raw messages", "err", err)
		} else if n > 0 {
			log.Info("purged raw message rows", "count", n, "older_than_days", set.RawDays)
		}
		escalate(ctx, db, log)
		digest(ctx, db, log, "")
		if ran, err := dailyCheck(ctx, db, time.Now()); err != nil {
			log.Warn("daily health check", "err", err)
		} else if ran != nil {
			log.Info("daily health check", "run", ran.ID, "findings", ran.Firing, "new", ran.New, "gone", ran.Gone)
		}
	}
	chores()
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			chores()
		}
	}
}

// warmDashboards keeps this instance's burden sums for the default period filled. Every 30
// seconds it asks whether a batch arrived (through this instance, another one or `jianfu
// ingest`; a count of batches when nothing did) and sums the period again if so, so that the
// first dashboard opened after a batch seldom pays for it (about a second for a province on
// SQLite).
func warmDashboards(ctx context.Context, db *store.DB, log *slog.Logger) {
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		if err := burden.Warm(ctx, db); err != nil && ctx.Err() == nil {
			log.Warn("warm dashboards", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// dailyCheck runs the health check once a day, after 06:00 China time, when the latest run
// checked an earlier day. Instances racing past the check both run; runs take turns (a lock row)
// and the second finds everything unchanged, which is harmless.
func dailyCheck(ctx context.Context, db *store.DB, now time.Time) (*analyze.RunResult, error) {
	local := now.In(tz.Shanghai)
	if local.Hour() < 6 {
		return nil, nil
	}
	last, err := analyze.LastRun(ctx, db, org.System)
	if err != nil {
		return nil, err
	}
	today := analyze.CheckDate(local)
	if last != nil && !last.CheckDate.Before(today) {
		return nil, nil
	}
	return analyze.Run(ctx, db, org.System, local)
}
