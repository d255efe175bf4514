package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// DeliverTimeout bounds one webhook post, whatever the client's own timeout: a robot that does
// not answer must not hold up the digest of everybody else.
const DeliverTimeout = 10 * time.Second

// maxWeComBytes is WeCom's documented limit on markdown content: 4096 bytes of UTF-8.
const maxWeComBytes = 4096

// now is the clock for signatures; tests do not replace it, they recompute the signature from
// the timestamp the request carries.
var now = time.Now

// Deliver posts a message with title and markdown text to a group-chat robot, in the format of
// its platform, and reports an error naming the platform when the post fails: a transport error
// or timeout, an HTTP status other than 2xx, or a platform error code in a 200 response (the
// platforms answer most errors, bad signatures included, with HTTP 200). Error texts never
// contain the robot's URL, whose token is a credential.
//
// Formats, from the platforms' documentation:
//
//   - DingTalk custom robot (自定义机器人): {"msgtype":"markdown","markdown":{"title":T,"text":X}}.
//     The title only shows in the conversation list, so the text starts with it as a heading.
//     With a secret ("加签"), timestamp is the current Unix time in milliseconds and
//     sign = base64(HMAC-SHA256(key = secret, message = timestamp + "\n" + secret)); both are
//     appended to the URL as query parameters timestamp and sign, URL-encoded (base64 has + / =).
//     The answer is {"errcode":0,"errmsg":"ok"}; errcode != 0 is a failure.
//   - WeCom group robot (企业微信群机器人): {"msgtype":"markdown","markdown":{"content":X}}, at most
//     4096 bytes (longer content is cut). It has no signing; the key in the URL is the
//     credential. The answer carries errcode like DingTalk's.
//   - Feishu custom bot (飞书自定义机器人): {"msg_type":"post","content":{"post":{"zh_cn":{"title":T,
//     "content":[[{"tag":"text","text":line}],…]}}}}, one paragraph per line (Feishu does not
//     render Markdown in this format). With a secret ("签名校验"), timestamp is the current Unix
//     time in seconds, as a string, and sign = base64(HMAC-SHA256(key = timestamp + "\n" + secret,
//     message = empty)) — note the key/message order is the reverse of DingTalk's; both go into
//     the JSON body as "timestamp" and "sign". The answer is {"code":0,"msg":"success"} (older
//     deployments: {"StatusCode":0,"StatusMessage":"success"}); a non-zero code is a failure.
//
// Both signing platforms reject timestamps more than an hour from their clock, so the server's
// clock must be right.
func Deliver(ctx context.Context, client *http.Client, ch Channel, title, text string) error {
	if client == nil {
		client = http.DefaultClient
	}
	label := ch.Kind.Label()
	if label == "" {
		return fmt.Errorf("notify: deliver: 未知的机器人类型 %q", ch.Kind)
	}
	target, body, err := buildRequest(ch, title, text, now())
	if err != nil {
		return fmt.Errorf("notify: %s机器人: %w", label, err)
	}
	ctx, cancel := context.WithTimeout(ctx, DeliverTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("notify: %s机器人: 地址无效: %w", label, stripURL(err))
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := client.Do(req)
	if err != nil {
		if isTimeout(err) {
			return fmt.Errorf("notify: %s机器人: 请求超时: %w", label, stripURL(err))
		}
		return fmt.Errorf("notify: %s机器人: 发送失败: %w", label, stripURL(err))
	}
	defer resp.Body.Close()
	// Answers are a few dozen bytes; the limit keeps a misbehaving server from filling memory.
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return fmt.Errorf("notify: %s机器人: 读取响应失败: %w", label, stripURL(err))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("notify: %s机器人: 返回 HTTP %d", label, resp.StatusCode)
	}
	return checkAnswer(ch.Kind, label, raw)
}

// buildRequest returns the URL to post to and the JSON body.
func buildRequest(ch Channel, title, text string, at time.Time) (string, []byte, error) {
	var msg any
	target := ch.URL
	switch ch.Kind {
	case DingTalk:
		msg = map[string]any{"msgtype": "markdown", "markdown": map[string]string{
			"title": title, "text": heading(title) + text}}
		if ch.Secret != "" {
			ts, sign := SignDingTalk(ch.Secret, at)
			sep := "?"
			if strings.Contains(target, "?") {
				sep = "&"
			}
			target += sep + "timestamp=" + ts + "&sign=" + url.QueryEscape(sign)
		}
	case WeCom:
		msg = map[string]any{"msgtype": "markdown", "markdown": map[string]string{
			"content": cutBytes(heading(title)+text, maxWeComBytes)}}
	case Feishu:
		var paras [][]map[string]string
		for line := range strings.SplitSeq(strings.TrimRight(text, "\n"), "\n") {
			paras = append(paras, []map[string]string{{"tag": "text", "text": line}})
		}
		m := map[string]any{"msg_type": "post", "content": map[string]any{
			"post": map[string]any{"zh_cn": map[string]any{"title": title, "content": paras}}}}
		if ch.Secret != "" {
			ts, sign := SignFeishu(ch.Secret, at)
			m["timestamp"], m["sign"] = ts, sign
		}
		msg = m
	default:
		return "", nil, fmt.Errorf("未知的机器人类型 %q", ch.Kind)
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return "", nil, fmt.Errorf("编码消息: %w", err)
	}
	return target, body, nil
}

func heading(title string) string {
	if title == "" {
		return ""
	}
	return "### " + title + "\n\n"
}

// SignDingTalk returns the timestamp (Unix milliseconds) and signature DingTalk's 加签 expects:
// base64(HMAC-SHA256(key = secret, message = timestamp + "\n" + secret)), not yet URL-encoded.
func SignDingTalk(secret string, at time.Time) (timestamp, sign string) {
	timestamp = strconv.FormatInt(at.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return timestamp, base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// SignFeishu returns the timestamp (Unix seconds) and signature Feishu's 签名校验 expects:
// base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = empty)).
func SignFeishu(secret string, at time.Time) (timestamp, sign string) {
	timestamp = strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(timestamp+"\n"+secret))
	return timestamp, base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// checkAnswer reads the platform's error field. A 200 answer without it is treated as a
// failure: it is not the robot answering (a proxy's login page, a wrong URL).
func checkAnswer(kind Kind, label string, raw []byte) error {
	var a struct {
		ErrCode       *int   `json:"errcode"`
		ErrMsg        string `json:"errmsg"`
		Code          *int   `json:"code"`
		Msg           string `json:"msg"`
		StatusCode    *int   `json:"StatusCode"`
		StatusMessage string `json:"StatusMessage"`
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		return fmt.Errorf("notify: %s机器人: 响应不是有效的 JSON: %w", label, err)
	}
	switch kind {
	case DingTalk, WeCom:
		if a.ErrCode == nil {
			return fmt.Errorf("notify: %s机器人: 响应缺少 errcode", label)
		}
		if *a.ErrCode != 0 {
			return fmt.Errorf("notify: %s机器人: 平台返回错误 errcode=%d: %s", label, *a.ErrCode, a.ErrMsg)
		}
	case Feishu:
		switch {
		case a.Code != nil && *a.Code != 0:
			return fmt.Errorf("notify: %s机器人: 平台返回错误 code=%d: %s", label, *a.Code, a.Msg)
		case a.StatusCode != nil && *a.StatusCode != 0:
			return fmt.Errorf("notify: %s机器人: 平台返回错误 StatusCode=%d: %s", label, *a.StatusCode, a.StatusMessage)
		case a.Code == nil && a.StatusCode == nil:
			return fmt.Errorf("notify: %s机器人: 响应缺少 code", label)
		}
	}
	return nil
}

// stripURL drops the URL that net/http puts into its errors: it carries the robot's token.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// cutBytes cuts s to at most n bytes without splitting a character.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
