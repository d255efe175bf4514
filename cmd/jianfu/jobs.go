package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/notify"
	"github.com/jianfu-gov/jianfu/internal/rectify"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// The supervision chores serve runs with its others: the ledger's escalation ladder and the daily
// digest of reminders. Both are safe on several instances at once: each escalation step and each
// person's digest is claimed with a conditional write before anything is sent.

// The settings that move the escalation ladder (working days overdue before each step).
var ladderKeys = []struct {
	key    string
	action rectify.StepAction
}{
	{"ledger.remind_days", rectify.RemindResponsible},
	{"ledger.head_days", rectify.RemindUnitHead},
	{"ledger.talk_days", rectify.StepTalk},
	{"ledger.notice_days", rectify.StepNotice},
}

// ladder reads the escalation steps from the settings, with rectify's defaults for those unset.
func ladder(ctx context.Context, db *store.DB) ([]rectify.Step, error) {
	steps := append([]rectify.Step(nil), rectify.DefaultSteps...)
	rows, err := db.QueryContext(ctx, `SELECT key, value FROM settings WHERE key LIKE 'ledger.%'`)
	if err != nil {
		return nil, fmt.Errorf("read the escalation ladder: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("read the escalation ladder: %w", err)
		}
		for i, l := range ladderKeys {
			if n, err := strconv.Atoi(v); l.key == k && err == nil && n >= 0 {
				steps[i] = rectify.Step{Days: n, Action: l.action}
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the escalation ladder: %w", err)
	}
	for i := 1; i < len(steps); i++ {
		if steps[i].Days < steps[i-1].Days {
			return nil, fmt.Errorf("逾期升级的天数应逐级不减:%s 为 %d,而上一级为 %d", ladderKeys[i].key, steps[i].Days, steps[i-1].Days)
		}
	}
	return steps, nil
}

func escalate(ctx context.Context, db *store.DB, log *slog.Logger) {
	steps, err := ladder(ctx, db)
	if err != nil {
		log.Warn("ledger escalation", "err", err)
		return
	}
	res, err := rectify.Escalate(ctx, db, time.Now(), steps, notify.Notifier{})
	if err != nil {
		log.Warn("ledger escalation", "err", err)
		return
	}
	if len(res.Fired) > 0 {
		log.Info("ledger escalation", "steps", len(res.Fired), "checked", res.Checked)
	}
}

// digest sends the day's reminders. In-app they are always there (the page 我的提醒); a person
// whose unit (or a unit above it) has a robot webhook also gets them in that group chat, @-style
// by name, as 联络员 remind people in work groups today. Only titles and links are sent.
func digest(ctx context.Context, db *store.DB, log *slog.Logger, baseURL string) {
	cal, err := calendar.Load(ctx, db)
	if err != nil {
		log.Warn("daily digest", "err", err)
		return
	}
	client := &http.Client{Timeout: 10 * time.Second}
	send := notify.SenderFunc(func(ctx context.Context, d notify.Digest) error {
		chans, err := unitChannels(ctx, db, d.UnitID)
		if err != nil {
			return err
		}
		for _, ch := range chans {
			if err := notify.Deliver(ctx, client, ch, d.Title, fmt.Sprintf("**%s**:\n%s", d.PersonName, d.Markdown(baseURL))); err != nil {
				return err
			}
		}
		return nil
	})
	res, err := notify.RunDigest(ctx, db, time.Now(), cal, send)
	if err != nil {
		log.Warn("daily digest", "err", err, "failed", res.Failed)
	}
	if res.Sent > 0 {
		log.Info("daily digest", "sent", res.Sent, "items", res.Items)
	}
}

// unitChannels are the channels of the nearest unit, from the person's up, that has any.
func unitChannels(ctx context.Context, db *store.DB, unitID int64) ([]notify.Channel, error) {
	for id := unitID; id != 0; {
		chans, err := notify.UnitChannels(ctx, db, id)
		if err != nil || len(chans) > 0 {
			return chans, err
		}
		var parent *int64
		if err := db.QueryRowContext(ctx, `SELECT parent_id FROM units WHERE id = $1`, id).Scan(&parent); err != nil {
			return nil, fmt.Errorf("digest: unit %d: %w", id, err)
		}
		if parent == nil {
			break
		}
		id = *parent
	}
	return nil, nil
}
