package notify_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/notify"
)

// captured is one request the fake robot received.
type captured struct {
	query url.Values
	body  map[string]any
	ct    string
}

// robot is a fake platform endpoint answering with answer (and status) and recording requests.
func robot(t *testing.T, status int, answer string, delay time.Duration) (*httptest.Server, chan captured) {
	t.Helper()
	got := make(chan captured, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		c := captured{query: r.URL.Query(), ct: r.Header.Get("Content-Type")}
		if err := json.Unmarshal(raw, &c.body); err != nil {
			t.Errorf("body is not JSON: %v: %s", err, raw)
		}
		if r.Method != http.MethodPost {
			t.Errorf("method %s", r.Method)
		}
		select {
		case got <- c:
		default:
		}
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
			}
		}
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

// hmacB64 is computed here, independently of the package, from the platforms' documentation.
func hmacB64(key, msg string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// path digs into decoded JSON: path(b, "markdown", "text").
func path(v any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

// recent checks that a signature timestamp is the current time in the given unit.
func recent(t *testing.T, ts string, unit time.Duration) {
	t.Helper()
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		t.Fatalf("timestamp %q: %v", ts, err)
	}
	if d := time.Since(time.Unix(0, n*int64(unit))); d < -time.Minute || d > time.Minute {
		t.Errorf("timestamp %s is %v off", ts, d)
	}
}

const secret = "SEC0123456789abcdef0123456789abcdef"

func TestDeliverPayloads(t *testing.T) {
	tests := []struct {
		name   string
		kind   notify.Kind
		secret string
		path   string
		answer string
		check  func(t *testing.T, c captured)
	}{
		{"dingtalk signed", notify.DingTalk, secret, "/robot/send?access_token=tok123", `{"errcode":0,"errmsg":"ok"}`, func(t *testing.T, c captured) {
			if path(c.body, "msgtype") != "markdown" || path(c.body, "markdown", "title") != "每日提醒" {
				t.Errorf("body %v", c.body)
			}
			if text, _ := path(c.body, "markdown", "text").(string); !strings.Contains(text, "每日提醒") || !strings.Contains(text, "**第一项**") {
				t.Errorf("text %q", text)
			}
			ts := c.query.Get("timestamp")
			recent(t, ts, time.Millisecond)
			// url.Values decoded the URL-encoding; a wrong encoding (a raw "+") would not survive.
			if want := hmacB64(secret, ts+"\n"+secret); c.query.Get("sign") != want {
				t.Errorf("sign %q, want %q", c.query.Get("sign"), want)
			}
			if c.query.Get("access_token") != "tok123" {
				t.Errorf("access_token lost: %v", c.query)
			}
		}},
		{"dingtalk unsigned", notify.DingTalk, "", "/robot/send?access_token=tok123", `{"errcode":0,"errmsg":"ok"}`, func(t *testing.T, c captured) {
			if c.query.Has("sign") || c.query.Has("timestamp") {
				t.Errorf("unsigned robot got %v", c.query)
			}
		}},
		{"wecom", notify.WeCom, "", "/cgi-bin/webhook/send?key=k1", `{"errcode":0,"errmsg":"ok"}`, func(t *testing.T, c captured) {
			content, _ := path(c.body, "markdown", "content").(string)
			if path(c.body, "msgtype") != "markdown" || !strings.HasPrefix(content, "### 每日提醒") || !strings.Contains(content, "**第一项**") {
				t.Errorf("body %v", c.body)
			}
			if len(c.body) != 2 {
				t.Errorf("unexpected fields in %v", c.body)
			}
		}},
		{"feishu signed", notify.Feishu, secret, "/open-apis/bot/v2/hook/abc", `{"code":0,"msg":"success","data":{}}`, func(t *testing.T, c captured) {
			if path(c.body, "msg_type") != "post" || path(c.body, "content", "post", "zh_cn", "title") != "每日提醒" {
				t.Errorf("body %v", c.body)
			}
			if path(c.body, "content", "post", "zh_cn", "content", 0, 0, "tag") != "text" ||
				path(c.body, "content", "post", "zh_cn", "content", 0, 0, "text") != "1. **第一项**" ||
				path(c.body, "content", "post", "zh_cn", "content", 1, 0, "text") != "2. 第二项" {
				t.Errorf("paragraphs %v", path(c.body, "content", "post", "zh_cn", "content"))
			}
			ts, _ := c.body["timestamp"].(string)
			recent(t, ts, time.Second)
			// Feishu: the key is timestamp+"\n"+secret and the message is empty.
			if want := hmacB64(ts+"\n"+secret, ""); c.body["sign"] != want {
				t.Errorf("sign %v, want %q", c.body["sign"], want)
			}
		}},
		{"feishu unsigned, old answer", notify.Feishu, "", "/open-apis/bot/v2/hook/abc", `{"StatusCode":0,"StatusMessage":"success"}`, func(t *testing.T, c captured) {
			if _, ok := c.body["sign"]; ok {
				t.Errorf("unsigned robot got a sign: %v", c.body)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, got := robot(t, 200, tc.answer, 0)
			ch := notify.Channel{Kind: tc.kind, URL: srv.URL + tc.path, Secret: tc.secret}
			if err := notify.Deliver(ctx, srv.Client(), ch, "每日提醒", "1. **第一项**\n2. 第二项\n"); err != nil {
				t.Fatal(err)
			}
			c := <-got
			if !strings.HasPrefix(c.ct, "application/json") {
				t.Errorf("content type %q", c.ct)
			}
			tc.check(t, c)
		})
	}
}

func TestDeliverErrors(t *testing.T) {
	tests := []struct {
		name   string
		kind   notify.Kind
		status int
		answer string
		delay  time.Duration
		want   []string
	}{
		{"dingtalk bad sign", notify.DingTalk, 200, `{"errcode":310000,"errmsg":"sign not match"}`, 0, []string{"钉钉", "310000", "sign not match"}},
		{"wecom bad key", notify.WeCom, 200, `{"errcode":93000,"errmsg":"invalid webhook url"}`, 0, []string{"企业微信", "93000"}},
		{"feishu bad sign", notify.Feishu, 200, `{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}`, 0, []string{"飞书", "19021"}},
		{"feishu old error", notify.Feishu, 200, `{"StatusCode":9499,"StatusMessage":"Bad Request"}`, 0, []string{"飞书", "9499"}},
		{"http status", notify.DingTalk, 502, `bad gateway`, 0, []string{"钉钉", "HTTP 502"}},
		{"not the robot", notify.WeCom, 200, `<html>login</html>`, 0, []string{"企业微信", "JSON"}},
		{"no error field", notify.DingTalk, 200, `{}`, 0, []string{"钉钉", "errcode"}},
		{"timeout", notify.Feishu, 200, `{"code":0}`, 3 * time.Second, []string{"飞书", "超时"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := robot(t, tc.status, tc.answer, tc.delay)
			client := srv.Client()
			client.Timeout = 200 * time.Millisecond
			ch := notify.Channel{Kind: tc.kind, URL: srv.URL + "/hook/SECRET-TOKEN-0123456789?access_token=SECRET-TOKEN", Secret: "s3cr3t-value"}
			err := notify.Deliver(ctx, client, ch, "标题", "正文")
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "SECRET-TOKEN") || strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("error leaks a credential: %q", err)
			}
		})
	}
}

func TestDeliverWeComCutsLongContent(t *testing.T) {
	srv, got := robot(t, 200, `{"errcode":0}`, 0)
	long := strings.Repeat("减负", 3000) // 18000 bytes
	if err := notify.Deliver(ctx, srv.Client(), notify.Channel{Kind: notify.WeCom, URL: srv.URL}, "标题", long); err != nil {
		t.Fatal(err)
	}
	content, _ := path((<-got).body, "markdown", "content").(string)
	if len(content) > 4096 || len(content) < 4000 || !strings.HasSuffix(content, "负") && !strings.HasSuffix(content, "减") {
		t.Errorf("content of %d bytes ends %q", len(content), content[len(content)-6:])
	}
}

func TestDeliverUnknownKind(t *testing.T) {
	if err := notify.Deliver(ctx, nil, notify.Channel{Kind: "slack", URL: "https://x"}, "t", "x"); err == nil {
		t.Error("unknown kind delivered")
	}
}
