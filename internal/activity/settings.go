package activity

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/jianfu-gov/jianfu/internal/store"
)

// The settings that govern what is kept (package settings lets the administrator change them).
const (
	KeyKeepRaw     = "activity.keep_raw"  // 1: keep one row per message
	KeyKeepText    = "activity.keep_text" // 1: keep the text too (needs keep_raw)
	KeyRawDays     = "activity.raw_days"  // purge per-message rows older than this
	DefaultRawDays = 90
)

// Settings are the stored choices about raw data.
type Settings struct {
	KeepRaw, KeepText bool
	RawDays           int
}

// LoadSettings reads the settings, with defaults for those not set.
func LoadSettings(ctx context.Context, q store.Querier) (Settings, error) {
	s := Settings{RawDays: DefaultRawDays}
	rows, err := q.QueryContext(ctx, `SELECT key, value FROM settings WHERE key IN ($1, $2, $3)`, KeyKeepRaw, KeyKeepText, KeyRawDays)
	if err != nil {
		return s, fmt.Errorf("activity: read settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return s, fmt.Errorf("activity: read settings: %w", err)
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			continue
		}
		switch k {
		case KeyKeepRaw:
			s.KeepRaw = n == 1
		case KeyKeepText:
			s.KeepText = n == 1
		case KeyRawDays:
			if n >= 1 {
				s.RawDays = int(n)
			}
		}
	}
	s.KeepText = s.KeepText && s.KeepRaw
	return s, rows.Err()
}

// PurgeRaw deletes per-message rows of days before the given date and returns how many went.
// The rollups stay: they are what the dashboards read.
func PurgeRaw(ctx context.Context, db *store.DB, before time.Time) (int64, error) {
	var n int64
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM act_messages WHERE day < $1`, before)
		if err != nil {
			return fmt.Errorf("activity: purge raw messages: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
