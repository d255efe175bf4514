package main

import (
	"context"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/rectify"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func TestLadder(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		set  map[string]string
		want []int
		bad  bool
	}{
		{"defaults", nil, []int{0, 3, 7, 15}, false},
		{"the office's own", map[string]string{"ledger.head_days": "5", "ledger.notice_days": "20"}, []int{0, 5, 7, 20}, false},
		{"out of order", map[string]string{"ledger.talk_days": "2"}, nil, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := storetest.SQLite(t)
			for k, v := range c.set {
				if _, err := db.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)`, k, v, time.Now()); err != nil {
					t.Fatal(err)
				}
			}
			steps, err := ladder(ctx, db)
			if c.bad {
				if err == nil {
					t.Errorf("ladder accepted %v", steps)
				}
				return
			}
			if err != nil || len(steps) != len(c.want) {
				t.Fatalf("ladder = %v, %v", steps, err)
			}
			for i, s := range steps {
				if s.Days != c.want[i] || s.Action != rectify.DefaultSteps[i].Action {
					t.Errorf("step %d = %+v, want %d days of %s", i, s, c.want[i], rectify.DefaultSteps[i].Action)
				}
			}
		})
	}
}
