package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/demo"
	"github.com/jianfu-gov/jianfu/internal/notify"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// TestNotificationPages runs 我的提醒 and the robot channels against a demo bureau of their own.
func TestNotificationPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		t.Run("notifications", fx.testNotifications)
		t.Run("channels", fx.testChannels)
	})
}

func (fx *fixture) testNotifications(t *testing.T) {
	ctx := context.Background()
	staff, liaison := fx.users["staff"], fx.users["liaison"]
	if staff.PersonID == 0 || liaison.PersonID == 0 || staff.PersonID == liaison.PersonID {
		t.Fatalf("the demo staff (%d) and liaison (%d) need persons of their own", staff.PersonID, liaison.PersonID)
	}
	storetest.Must(t, notify.Notify(ctx, fx.db, staff.PersonID, "test:1", "请在周五前更新整改进展", "ZG-2026-0001 临近整改时限", "/ledger"))
	storetest.Must(t, notify.Notify(ctx, fx.db, staff.PersonID, "test:2", "第二条提醒", "", ""))
	storetest.Must(t, notify.Notify(ctx, fx.db, liaison.PersonID, "test:3", "联络员的提醒", "", ""))
	var first, second int64
	storetest.Must(t, fx.db.QueryRow(`SELECT id FROM notifications WHERE key = 'test:1'`).Scan(&first))
	storetest.Must(t, fx.db.QueryRow(`SELECT id FROM notifications WHERE key = 'test:2'`).Scan(&second))

	sc := fx.as(t, "staff")
	page := sc.get(t, "/notifications")
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "请在周五前更新整改进展") || strings.Count(page.Body, `class="unread"`) != 2 ||
		strings.Contains(page.Body, "联络员的提醒") {
		t.Fatalf("staff's notifications = %d: %s", page.Status, text(page.Body))
	}
	// Every page counts the caller's unread reminders beside 我的提醒.
	if !strings.Contains(page.Body, `id="nav-notifications-count">2<`) {
		t.Error("the menu does not show 2 unread reminders")
	}
	// Newest first.
	if strings.Index(page.Body, "第二条提醒") > strings.Index(page.Body, "请在周五前更新整改进展") {
		t.Error("notifications are not newest first")
	}
	// Paging.
	if r := sc.get(t, "/notifications?limit=1"); strings.Count(r.Body, `class="unread"`) != 1 || !strings.Contains(r.Body, "offset=1") {
		t.Errorf("paged list: %s", text(r.Body))
	}

	// Another user cannot mark the staff's notification read.
	lc := fx.as(t, "liaison")
	if r := lc.post(t, "/notifications/read", lc.form("id", fmt.Sprint(first))); r.Status != http.StatusSeeOther {
		t.Errorf("liaison's mark read = %d", r.Status)
	}
	if n := fx.count(t, `SELECT count(*) FROM notifications WHERE id = $1 AND read_at IS NULL`, first); n != 1 {
		t.Fatal("another user marked the staff's notification read")
	}
	for _, bad := range []string{"abc", "-1"} {
		if r := sc.post(t, "/notifications/read", sc.form("id", bad)); r.Status != http.StatusBadRequest {
			t.Errorf("mark read id=%s = %d", bad, r.Status)
		}
	}
	if r := sc.post(t, "/notifications/read", sc.form()); r.Status != http.StatusBadRequest {
		t.Errorf("mark read with nothing chosen = %d", r.Status)
	}
	if r := sc.post(t, "/notifications/read", sc.form("id", fmt.Sprint(first))); r.Status != http.StatusSeeOther {
		t.Fatalf("mark read = %d: %s", r.Status, text(r.Body))
	}
	if n := fx.count(t, `SELECT count(*) FROM notifications WHERE read_at IS NOT NULL`); n != 1 {
		t.Errorf("%d notifications read, want 1", n)
	}
	if r := sc.get(t, "/notifications?unread=1"); strings.Contains(r.Body, "请在周五前更新整改进展") || !strings.Contains(r.Body, "第二条提醒") {
		t.Errorf("unread-only list: %s", text(r.Body))
	}
	if r := sc.post(t, "/notifications/read", sc.form("all", "1")); r.Status != http.StatusSeeOther {
		t.Fatalf("mark all read = %d", r.Status)
	}
	if n := fx.count(t, `SELECT count(*) FROM notifications WHERE read_at IS NULL`); n != 1 {
		t.Errorf("after mark all, %d unread, want only the liaison's", n)
	}
	_ = second

	// An account without a person gets a message.
	hash, err := auth.HashPassword(demo.DefaultPassword)
	storetest.Must(t, err)
	u, err := fx.st.CreateUser(ctx, org.System, org.UserInput{Username: "notify_nolink", DisplayName: "未关联账号",
		UnitID: fx.stationA.ID, Roles: []org.Role{org.RoleStaff}}, hash)
	storetest.Must(t, err)
	_, err = fx.db.ExecContext(ctx, `UPDATE users SET must_change_password = $1, person_id = NULL WHERE id = $2`, false, u.ID)
	storetest.Must(t, err)
	nc := fx.login(t, "notify_nolink", demo.DefaultPassword)
	if r := nc.get(t, "/notifications"); r.Status != http.StatusOK || !strings.Contains(r.Body, `id="no-person"`) {
		t.Errorf("an unlinked account's notifications = %d: %s", r.Status, text(r.Body))
	}
	if r := nc.post(t, "/notifications/read", nc.form("all", "1")); r.Status != http.StatusBadRequest {
		t.Errorf("an unlinked account marks read = %d", r.Status)
	}
}

func (fx *fixture) testChannels(t *testing.T) {
	admin, office := fx.as(t, "admin"), fx.as(t, "office")
	if r := office.get(t, "/settings/channels"); r.Status != http.StatusForbidden {
		t.Errorf("office opens the channels: %d", r.Status)
	}
	if r := office.post(t, "/settings/channels", office.form("unit_id", fmt.Sprint(fx.brigadeA.ID), "kind", "dingtalk",
		"url", "https://oapi.dingtalk.com/robot/send?access_token=x")); r.Status != http.StatusForbidden {
		t.Errorf("office adds a channel: %d", r.Status)
	}
	if r := admin.get(t, "/settings/channels"); r.Status != http.StatusOK || !strings.Contains(r.Body, `id="channel-form"`) {
		t.Fatalf("channels page = %d", r.Status)
	}
	unit := fmt.Sprint(fx.brigadeA.ID)
	for _, c := range []struct{ kind, url, secret, want string }{
		{"dingtalk", "http://oapi.dingtalk.com/robot/send?access_token=abc", "", "必须以 https:// 开头"},
		{"dingtalk", "not a url", "", "地址应为完整的网址"},
		{"wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", "SECRET123456789", "密钥应留空"},
		{"icq", "https://example.org/hook", "", "机器人类型应为"},
		{"dingtalk", "", "", "请填写机器人的 Webhook 地址"},
	} {
		r := admin.post(t, "/settings/channels", admin.form("unit_id", unit, "kind", c.kind, "url", c.url, "secret", c.secret, "enabled", "1"))
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, c.want) || !strings.Contains(r.Body, `class="ferr"`) {
			t.Errorf("%s %q: %d, want 400 with %q: %s", c.kind, c.url, r.Status, c.want, text(r.Body))
		}
	}
	if n := fx.count(t, `SELECT count(*) FROM notify_channels`); n != 0 {
		t.Fatalf("refused channels wrote %d rows", n)
	}
	const token, secret = "0123456789abcdef0123456789abcdef", "SECa1b2c3d4e5f6g7h8i9"
	r := admin.post(t, "/settings/channels", admin.form("unit_id", unit, "kind", "dingtalk",
		"url", "https://oapi.dingtalk.com/robot/send?access_token="+token, "secret", secret, "enabled", "1"))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("add channel = %d: %s", r.Status, text(r.Body))
	}
	page := admin.get(t, "/settings/channels")
	if !strings.Contains(page.Body, "oapi.dingtalk.com") || !strings.Contains(page.Body, "012****def") || strings.Contains(page.Body, token) ||
		strings.Contains(page.Body, secret) || !strings.Contains(page.Body, "钉钉") {
		t.Errorf("the channel is not shown masked: %s", text(page.Body))
	}
	var id int64
	storetest.Must(t, fx.db.QueryRow(`SELECT id FROM notify_channels`).Scan(&id))
	del := fmt.Sprintf("/settings/channels/%d/delete", id)
	if r := office.post(t, del, office.form()); r.Status != http.StatusForbidden {
		t.Errorf("office deletes a channel: %d", r.Status)
	}
	if r := admin.post(t, del, admin.form()); r.Status != http.StatusSeeOther {
		t.Errorf("delete = %d", r.Status)
	}
	if r := admin.post(t, del, admin.form()); r.Status != http.StatusNotFound {
		t.Errorf("delete again = %d", r.Status)
	}
	if n := fx.count(t, `SELECT count(*) FROM notify_channels`); n != 0 {
		t.Errorf("%d channels left after delete", n)
	}
}
