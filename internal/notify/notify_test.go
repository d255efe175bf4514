package notify_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/notify"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func TestNotifyOncePerKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := seed(t, db, 2)
		p := b.people[0]
		for range 2 {
			storetest.Must(t, notify.Notify(ctx, db, p, "ledger:12:step:1", "整改事项待处理", "请于5个工作日内处理", "/ledger/12"))
		}
		// Inside a caller's transaction, too, the second notify is a no-op and does not abort it.
		storetest.Must(t, db.Tx(ctx, func(tx *sql.Tx) error {
			return notify.Notify(ctx, tx, p, "ledger:12:step:1", "另一个标题", "", "")
		}))
		if n := count(t, db, `SELECT count(*) FROM notifications`); n != 1 {
			t.Fatalf("%d rows after notifying one key three times, want 1", n)
		}
		// One event may concern several people: each is told once.
		var notifier notify.Notifier
		for range 2 {
			storetest.Must(t, notifier.Notify(ctx, db, b.people[1], "ledger:12:step:1", "整改事项待处理", "", ""))
		}
		if n := count(t, db, `SELECT count(*) FROM notifications WHERE key = 'ledger:12:step:1'`); n != 2 {
			t.Fatalf("%d rows for one key sent to two people twice, want 2", n)
		}
		list, total, err := notify.List(ctx, db, p, false, org.Page{})
		storetest.Must(t, err)
		if total != 1 || len(list) != 1 {
			t.Fatalf("List: %d of %d", len(list), total)
		}
		got := list[0]
		if got.Kind != "ledger" || got.Title != "整改事项待处理" || got.Link != "/ledger/12" || got.ReadAt != nil || got.DigestedAt != nil {
			t.Errorf("stored %+v", got)
		}
	})
}

func TestNotifyValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := seed(t, db, 1).people[0]
		long := strings.Repeat("长", notify.MaxTitle+10)
		tests := []struct {
			name        string
			person      int64
			key, title  string
			link, field string
		}{
			{"ok", p, "a:1", "标题", "/x?y=1", ""},
			{"no link", p, "a:2", "标题", "", ""},
			{"long title is cut", p, "a:3", long, "", ""},
			{"no key", p, " ", "标题", "", "key"},
			{"no title", p, "a:4", " ", "", "title"},
			{"absolute link", p, "a:5", "标题", "https://evil.example/x", "link"},
			{"protocol-relative link", p, "a:6", "标题", "//evil.example/x", "link"},
			{"backslash link", p, "a:7", "标题", `/\evil.example`, "link"},
			{"javascript link", p, "a:8", "标题", "javascript:alert(1)", "link"},
			{"unknown person", p + 1000, "a:9", "标题", "", "person_id"},
			{"zero person", 0, "a:10", "标题", "", "person_id"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				err := notify.Notify(ctx, db, tc.person, tc.key, tc.title, "", tc.link)
				if tc.field == "" {
					storetest.Must(t, err)
					return
				}
				e, ok := errs.As(err)
				if !ok || e.Kind != errs.Invalid || e.Field != tc.field {
					t.Fatalf("got %v, want an invalid %s", err, tc.field)
				}
			})
		}
		var title string
		storetest.Must(t, db.QueryRowContext(ctx, `SELECT title FROM notifications WHERE key = 'a:3'`).Scan(&title))
		if r := []rune(title); len(r) != notify.MaxTitle || r[len(r)-1] != '…' {
			t.Errorf("long title stored as %d characters", len(r))
		}
	})
}

func TestOwnNotificationsOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := seed(t, db, 2)
		alice, bob := b.people[0], b.people[1]
		for i := range 3 {
			storetest.Must(t, notify.Notify(ctx, db, alice, fmt.Sprintf("t:a%d", i), "甲的通知", "", ""))
		}
		storetest.Must(t, notify.Notify(ctx, db, bob, "t:b0", "乙的通知", "", ""))

		aList, _, err := notify.List(ctx, db, alice, false, org.Page{})
		storetest.Must(t, err)
		bList, _, err := notify.List(ctx, db, bob, false, org.Page{})
		storetest.Must(t, err)
		if len(aList) != 3 || len(bList) != 1 {
			t.Fatalf("alice sees %d, bob %d; want 3 and 1", len(aList), len(bList))
		}
		if aList[0].ID < aList[2].ID {
			t.Error("List is not newest first")
		}
		for _, n := range aList {
			if n.PersonID != alice {
				t.Errorf("alice's list holds %+v", n)
			}
		}

		steps := []struct {
			name         string
			person       int64
			ids          []int64
			changed      int
			aUnread      int
			bUnread      int
			aUnreadTotal int
		}{
			{"bob cannot mark alice's", bob, []int64{aList[0].ID, aList[1].ID}, 0, 3, 1, 3},
			{"alice marks one of hers and bob's", alice, []int64{aList[0].ID, bList[0].ID, 999999}, 1, 2, 1, 2},
			{"marking again changes nothing", alice, []int64{aList[0].ID}, 0, 2, 1, 2},
			{"empty list", alice, nil, 0, 2, 1, 2},
		}
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				n, err := notify.MarkRead(ctx, db, s.person, s.ids)
				storetest.Must(t, err)
				if n != s.changed {
					t.Errorf("MarkRead changed %d, want %d", n, s.changed)
				}
				au, err := notify.Unread(ctx, db, alice)
				storetest.Must(t, err)
				bu, err := notify.Unread(ctx, db, bob)
				storetest.Must(t, err)
				if au != s.aUnread || bu != s.bUnread {
					t.Errorf("unread alice %d bob %d, want %d %d", au, bu, s.aUnread, s.bUnread)
				}
				list, total, err := notify.List(ctx, db, alice, true, org.Page{Limit: 1})
				storetest.Must(t, err)
				if total != s.aUnreadTotal || len(list) != 1 || list[0].ReadAt != nil {
					t.Errorf("unread list: %d rows of %d", len(list), total)
				}
			})
		}

		n, err := notify.MarkAllRead(ctx, db, alice)
		storetest.Must(t, err)
		if n != 2 {
			t.Errorf("MarkAllRead changed %d, want 2", n)
		}
		if u, _ := notify.Unread(ctx, db, bob); u != 1 {
			t.Errorf("MarkAllRead for alice touched bob's: he has %d unread", u)
		}
		if u, _ := notify.Unread(ctx, db, alice); u != 0 {
			t.Errorf("alice has %d unread after MarkAllRead", u)
		}
	})
}

func TestMarkReadManyIDs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := seed(t, db, 1).people[0]
		var ids []int64
		for i := range 1200 {
			ids = append(ids, int64(i+1))
		}
		storetest.Must(t, notify.Notify(ctx, db, p, "x:1", "标题", "", ""))
		n, err := notify.MarkRead(ctx, db, p, ids) // spans three chunks
		storetest.Must(t, err)
		if n != 1 {
			t.Errorf("changed %d, want 1", n)
		}
	})
}

// The rectification ledger's escalation takes this interface (rectify.Notifier); Notifier must
// keep satisfying it.
var _ interface {
	Notify(ctx context.Context, q store.Querier, personID int64, key, title, body, link string) error
} = notify.Notifier{}
