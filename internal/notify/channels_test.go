package notify_test

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/notify"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

var (
	admin = org.Principal{UserID: 1, Name: "管理员", Roles: []org.Role{org.RoleAdmin}, Scope: org.Scope{All: true}}
	staff = org.Principal{UserID: 2, Name: "基层", Roles: []org.Role{org.RoleStaff, org.RoleOffice}, Scope: org.Scope{All: true}}
)

const dingURL = "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123456789abcdef"

func TestChannelValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		verifyAudit(t, db)
		unit := seed(t, db, 0).unit
		tests := []struct {
			name string
			in   notify.ChannelInput
			p    org.Principal
			kind errs.Kind
			// fields expected invalid, in order
			fields []string
		}{
			{"dingtalk signed", notify.ChannelInput{UnitID: unit, Kind: notify.DingTalk, URL: dingURL, Secret: secret, Enabled: true}, admin, 0, nil},
			{"wecom", notify.ChannelInput{UnitID: unit, Kind: notify.WeCom, URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", Enabled: true}, admin, 0, nil},
			{"feishu", notify.ChannelInput{UnitID: unit, Kind: notify.Feishu, URL: "https://open.feishu.cn/open-apis/bot/v2/hook/0123456789abcdef"}, admin, 0, nil},
			{"http localhost for tests", notify.ChannelInput{UnitID: unit, Kind: notify.Feishu, URL: "http://localhost:8080/hook"}, admin, 0, nil},
			{"http 127.0.0.1 for tests", notify.ChannelInput{UnitID: unit, Kind: notify.Feishu, URL: "http://127.0.0.1:9/hook"}, admin, 0, nil},
			{"not the admin", notify.ChannelInput{UnitID: unit, Kind: notify.DingTalk, URL: dingURL}, staff, errs.Forbidden, nil},
			{"plain http elsewhere", notify.ChannelInput{UnitID: unit, Kind: notify.DingTalk, URL: "http://oapi.dingtalk.com/robot/send"}, admin, errs.Invalid, []string{"url"}},
			{"unknown kind", notify.ChannelInput{UnitID: unit, Kind: "slack", URL: dingURL}, admin, errs.Invalid, []string{"kind"}},
			{"no url", notify.ChannelInput{UnitID: unit, Kind: notify.DingTalk}, admin, errs.Invalid, []string{"url"}},
			{"relative url", notify.ChannelInput{UnitID: unit, Kind: notify.DingTalk, URL: "/robot/send"}, admin, errs.Invalid, []string{"url"}},
			{"credentials in url", notify.ChannelInput{UnitID: unit, Kind: notify.DingTalk, URL: "https://u:p@oapi.dingtalk.com/x"}, admin, errs.Invalid, []string{"url"}},
			{"ftp", notify.ChannelInput{UnitID: unit, Kind: notify.DingTalk, URL: "ftp://oapi.dingtalk.com/x"}, admin, errs.Invalid, []string{"url"}},
			{"wecom with secret", notify.ChannelInput{UnitID: unit, Kind: notify.WeCom, URL: "https://qyapi.weixin.qq.com/x", Secret: "abc"}, admin, errs.Invalid, []string{"secret"}},
			{"secret with space", notify.ChannelInput{UnitID: unit, Kind: notify.DingTalk, URL: dingURL, Secret: "a b"}, admin, errs.Invalid, []string{"secret"}},
			{"unknown unit", notify.ChannelInput{UnitID: unit + 100, Kind: notify.DingTalk, URL: dingURL}, admin, errs.Invalid, []string{"unit_id"}},
			{"everything wrong", notify.ChannelInput{Kind: "x", URL: "http://example.com"}, admin, errs.Invalid, []string{"unit_id", "kind", "url"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				before := count(t, db, `SELECT count(*) FROM notify_channels`)
				c, err := notify.AddChannel(ctx, db, tc.p, tc.in)
				if tc.kind == 0 {
					storetest.Must(t, err)
					if c.ID == 0 || c.URL != "" || c.Secret != "" || c.UnitName == "" {
						t.Errorf("returned %+v; want an id, a unit name and no credentials", c)
					}
					return
				}
				if errs.KindOf(err) != tc.kind {
					t.Fatalf("got %v (%s), want %s", err, errs.KindOf(err).Code(), tc.kind.Code())
				}
				if count(t, db, `SELECT count(*) FROM notify_channels`) != before {
					t.Error("a refused channel was stored")
				}
				var fields []string
				if l, ok := errs.ListOf(err); ok {
					for _, it := range l.Items {
						fields = append(fields, it.Field)
					}
				} else if e, ok := errs.As(err); ok && e.Field != "" {
					fields = []string{e.Field}
				}
				if strings.Join(fields, ",") != strings.Join(tc.fields, ",") {
					t.Errorf("fields %v, want %v (%v)", fields, tc.fields, err)
				}
			})
		}
	})
}

func TestChannelsMaskedAndDeleted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		verifyAudit(t, db)
		unit := seed(t, db, 0).unit
		c, err := notify.AddChannel(ctx, db, admin, notify.ChannelInput{UnitID: unit, Kind: notify.DingTalk, URL: dingURL, Secret: secret, Enabled: true})
		storetest.Must(t, err)
		_, err = notify.AddChannel(ctx, db, admin, notify.ChannelInput{UnitID: unit, Kind: notify.Feishu, URL: "https://open.feishu.cn/open-apis/bot/v2/hook/fedcba9876543210fedcba", Enabled: false})
		storetest.Must(t, err)

		if _, err := notify.ListChannels(ctx, db, staff); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("staff listed channels: %v", err)
		}
		list, err := notify.ListChannels(ctx, db, admin)
		storetest.Must(t, err)
		if len(list) != 2 {
			t.Fatalf("%d channels", len(list))
		}
		js, _ := json.Marshal(list)
		var logged strings.Builder
		slog.New(slog.NewTextHandler(&logged, nil)).Info("channel", "ch", notify.Channel{Kind: notify.DingTalk, URL: dingURL, Secret: secret})
		var auditText string
		rows, err := db.QueryContext(ctx, `SELECT before_json || after_json FROM audit_log`)
		storetest.Must(t, err)
		for rows.Next() {
			var s string
			storetest.Must(t, rows.Scan(&s))
			auditText += s
		}
		rows.Close()
		for name, s := range map[string]string{"list JSON": string(js), "log": logged.String(), "audit": auditText} {
			for _, cred := range []string{"0123456789abcdef0123456789abcdef", secret, "fedcba9876543210fedcba"} {
				if strings.Contains(s, cred) {
					t.Errorf("%s holds a credential: %s", name, s)
				}
			}
		}
		if list[0].MaskedURL != "https://oapi.dingtalk.com/robot/send?access_token=012****def" || list[0].MaskedSecret != "SEC****def" {
			t.Errorf("masked as %q %q", list[0].MaskedURL, list[0].MaskedSecret)
		}
		if list[1].MaskedURL != "https://open.feishu.cn/open-apis/bot/v2/hook/fed****cba" {
			t.Errorf("masked as %q", list[1].MaskedURL)
		}

		// Delivery gets the credentials, and only the enabled robots.
		send, err := notify.UnitChannels(ctx, db, unit)
		storetest.Must(t, err)
		if len(send) != 1 || send[0].URL != dingURL || send[0].Secret != secret {
			t.Errorf("UnitChannels = %+v", send)
		}

		steps := []struct {
			name string
			p    org.Principal
			id   int64
			kind errs.Kind
		}{
			{"not the admin", staff, c.ID, errs.Forbidden},
			{"admin", admin, c.ID, 0},
			{"already gone", admin, c.ID, errs.NotFound},
		}
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				err := notify.DeleteChannel(ctx, db, s.p, s.id)
				if s.kind == 0 {
					storetest.Must(t, err)
				} else if errs.KindOf(err) != s.kind {
					t.Errorf("got %v, want %s", err, s.kind.Code())
				}
			})
		}
		if n := count(t, db, `SELECT count(*) FROM notify_channels`); n != 1 {
			t.Errorf("%d channels left, want 1", n)
		}
	})
}
