package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/notify"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// notifyPerson records n notifications for the person of fixture code, keyed by prefix.
func (fx *fixture) notifyPerson(t *testing.T, code, prefix string, n int) {
	t.Helper()
	for i := range n {
		storetest.Must(t, notify.Notify(context.Background(), fx.db, fx.people[code].ID, fmt.Sprintf("%s:%d", prefix, i),
			fmt.Sprintf("整改事项即将到期(%d)", i), "请在截止日期前完成整改", "/ledger/1"))
	}
}

// notificationScopeCases: everyone reads their own; only 甲区大队's liaison is linked to a
// person (赵甲), who has two.
var notificationScopeCases = []scopeCase{
	{name: "notifications", method: "GET", path: func(t *testing.T, fx *fixture, _ string) string {
		var n int
		storetest.Must(t, fx.db.QueryRowContext(context.Background(), `SELECT count(*) FROM notifications WHERE key LIKE 'scope:%'`).Scan(&n))
		if n == 0 {
			fx.notifyPerson(t, "P-A-1", "scope", 2)
		}
		return "/api/v1/notifications"
	}, want: expect(200), totals: per(rootRoles+" liaisonB reviewer inspector staff", 0, "liaisonA", 2)},
	{name: "unread notifications", method: "GET", path: fixed("/api/v1/notifications/unread"), want: expect(200),
		check: func(t *testing.T, _ *fixture, key string, rec *httptest.ResponseRecorder) {
			var v unreadView
			decode(t, rec, &v)
			if want := map[string]int{"liaisonA": 2}[key]; v.Unread != want {
				t.Errorf("unread as %s: %d, want %d", key, v.Unread, want)
			}
		}},
	{name: "mark all read", method: "POST", path: fixed("/api/v1/notifications/read"),
		body: func(*fixture, string) any { return map[string]bool{"all": true} }, want: expect(200)},
}

// TestNotifications reads and marks one's own notifications on both engines; another person's
// stay untouched.
func TestNotifications(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		fx.addAssets(t) // links liaisonA to 赵甲
		fx.notifyPerson(t, "P-A-1", "ledger", 3)
		fx.notifyPerson(t, "P-B-1", "other", 2)
		do := func(key string, m mode, r req, want int) *httptest.ResponseRecorder {
			t.Helper()
			rec := fx.do(t, key, m, r)
			if rec.Code != want {
				t.Fatalf("%s %s as %s = %d, want %d: %s", r.method, r.path, key, rec.Code, want, rec.Body)
			}
			return rec
		}
		unread := func() int {
			var v unreadView
			decode(t, do("liaisonA", byToken, req{method: "GET", path: "/api/v1/notifications/unread"}, 200), &v)
			return v.Unread
		}
		var list listBody[notify.Notification]
		decode(t, do("liaisonA", byToken, req{method: "GET", path: "/api/v1/notifications?limit=2"}, 200), &list)
		if list.Total != 3 || len(list.Items) != 2 || list.Items[0].PersonID != fx.people["P-A-1"].ID || list.Items[0].Kind != "ledger" {
			t.Fatalf("list: %+v", list)
		}
		if unread() != 3 {
			t.Errorf("unread: %d", unread())
		}
		// Another person's id is ignored without saying so.
		var others int64
		storetest.Must(t, db.QueryRowContext(context.Background(), `SELECT min(id) FROM notifications WHERE person_id = $1`, fx.people["P-B-1"].ID).Scan(&others))
		var m markedView
		decode(t, do("liaisonA", bySession, req{method: "POST", path: "/api/v1/notifications/read",
			body: map[string]any{"ids": []int64{list.Items[0].ID, others}}}, 200), &m)
		if m.Marked != 1 || unread() != 2 {
			t.Errorf("marked %d, unread %d", m.Marked, unread())
		}
		decode(t, do("liaisonA", byToken, req{method: "GET", path: "/api/v1/notifications?unread=true"}, 200), &list)
		if list.Total != 2 {
			t.Errorf("unread list: %+v", list)
		}
		decode(t, do("liaisonA", byToken, req{method: "POST", path: "/api/v1/notifications/read", body: map[string]any{"all": true}}, 200), &m)
		if m.Marked != 2 || unread() != 0 {
			t.Errorf("all: marked %d, unread %d", m.Marked, unread())
		}
		var n int
		storetest.Must(t, db.QueryRowContext(context.Background(), `SELECT count(*) FROM notifications WHERE read_at IS NULL`).Scan(&n))
		if n != 2 {
			t.Errorf("%d unread notifications left, want 郑乙's 2", n)
		}
		// A login linked to no person has none.
		decode(t, do("office", byToken, req{method: "GET", path: "/api/v1/notifications"}, 200), &list)
		if list.Total != 0 || list.Items == nil {
			t.Errorf("office: %+v", list)
		}
		do("anon", byToken, req{method: "GET", path: "/api/v1/notifications"}, 401)
	})
}
