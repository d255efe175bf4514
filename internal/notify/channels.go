package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// Kind is a chat platform whose group robot can receive reminders.
type Kind string

// The supported platforms: those of the group chats the bureau already uses.
const (
	DingTalk Kind = "dingtalk" // 钉钉自定义机器人
	WeCom    Kind = "wecom"    // 企业微信群机器人
	Feishu   Kind = "feishu"   // 飞书自定义机器人
)

// Label is the platform's Chinese name, "" for an unknown kind.
func (k Kind) Label() string {
	switch k {
	case DingTalk:
		return "钉钉"
	case WeCom:
		return "企业微信"
	case Feishu:
		return "飞书"
	}
	return ""
}

// ObjectType is the audit object type of channel changes.
const ObjectType = "notify_channel"

// Limits on channel fields.
const (
	MaxURL    = 1000
	MaxSecret = 200
)

// Channel is a group robot of a unit. URL and Secret are credentials (the URL carries the
// robot's access token): they are never encoded to JSON or logged; MaskedURL and MaskedSecret
// are what pages show.
type Channel struct {
	ID           int64     `json:"id"`
	UnitID       int64     `json:"unit_id"`
	UnitName     string    `json:"unit_name"`
	Kind         Kind      `json:"kind"`
	URL          string    `json:"-"`
	Secret       string    `json:"-"`
	MaskedURL    string    `json:"url"`
	MaskedSecret string    `json:"secret,omitempty"`
	Enabled      bool      `json:"enabled"`
	CreatedAt    time.Time `json:"created_at"`
}

// LogValue keeps the credentials out of logs even when a whole Channel is logged.
func (c Channel) LogValue() slog.Value {
	return slog.GroupValue(slog.Int64("id", c.ID), slog.Int64("unit_id", c.UnitID),
		slog.String("kind", string(c.Kind)), slog.String("url", MaskURL(c.URL)))
}

// masked returns c without its credentials, for callers that only display it.
func (c Channel) masked() Channel {
	c.MaskedURL, c.MaskedSecret = MaskURL(c.URL), MaskSecret(c.Secret)
	c.URL, c.Secret = "", ""
	return c
}

// MaskSecret shows just enough of a secret to recognise it: its first and last three characters.
func MaskSecret(s string) string {
	if s == "" {
		return ""
	}
	r := []rune(s)
	if len(r) < 12 {
		return "****"
	}
	return string(r[:3]) + "****" + string(r[len(r)-3:])
}

// MaskURL hides the token of a robot URL: every query value (DingTalk access_token, WeCom key)
// and a long last path segment (Feishu's hook/<token>).
func MaskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "****"
	}
	out := u.Scheme + "://" + u.Host
	segs := strings.Split(u.EscapedPath(), "/")
	if last := len(segs) - 1; last > 0 && len(segs[last]) >= 16 {
		segs[last] = MaskSecret(segs[last])
	}
	out += strings.Join(segs, "/")
	if u.RawQuery != "" {
		var parts []string
		for kv := range strings.SplitSeq(u.RawQuery, "&") {
			k, v, _ := strings.Cut(kv, "=")
			parts = append(parts, k+"="+MaskSecret(v))
		}
		out += "?" + strings.Join(parts, "&")
	}
	return out
}

// ChannelInput is what the administrator enters for a robot.
type ChannelInput struct {
	UnitID  int64  `json:"unit_id"`
	Kind    Kind   `json:"kind"`
	URL     string `json:"url"`
	Secret  string `json:"secret"`
	Enabled bool   `json:"enabled"`
}

// validate checks every field and reports all problems at once.
func (in *ChannelInput) validate() error {
	in.Kind = Kind(strings.TrimSpace(string(in.Kind)))
	in.URL = strings.TrimSpace(in.URL)
	in.Secret = strings.TrimSpace(in.Secret)
	var problems errs.List
	if in.UnitID <= 0 {
		problems.Add("unit_id", "请选择所属单位")
	}
	if in.Kind.Label() == "" {
		problems.Add("kind", "机器人类型应为 dingtalk(钉钉)、wecom(企业微信)或 feishu(飞书)")
	}
	if msg := checkURL(in.URL); msg != "" {
		problems.Add("url", msg)
	}
	switch {
	case in.Secret == "":
	case in.Kind == WeCom:
		problems.Add("secret", "企业微信群机器人没有加签功能,密钥应留空")
	case utf8.RuneCountInString(in.Secret) > MaxSecret || strings.IndexFunc(in.Secret, unicode.IsSpace) >= 0 ||
		strings.IndexFunc(in.Secret, unicode.IsControl) >= 0:
		problems.Add("secret", fmt.Sprintf("密钥不能包含空白字符,且不超过 %d 个字符", MaxSecret))
	}
	switch len(problems.Items) {
	case 0:
		return nil
	case 1:
		return problems.Items[0] // one bad field: its own error, so callers see Field directly
	}
	return problems.Err()
}

// checkURL requires https, because the URL and the message carry credentials and reminders
// over the Internet. Plain http is allowed only to this machine, for tests and local relays.
// The host is not restricted to the public platforms: 政务钉钉 and private Feishu deployments
// have their own.
func checkURL(raw string) string {
	if raw == "" {
		return "请填写机器人的 Webhook 地址"
	}
	if utf8.RuneCountInString(raw) > MaxURL {
		return fmt.Sprintf("地址过长(最多 %d 个字符)", MaxURL)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" || u.Opaque != "" {
		return "地址应为完整的网址,如 https://oapi.dingtalk.com/robot/send?access_token=…"
	}
	switch u.Scheme {
	case "https":
		return ""
	case "http":
		if h := u.Hostname(); h == "127.0.0.1" || h == "localhost" || h == "::1" {
			return ""
		}
	}
	return "地址必须以 https:// 开头"
}

// requireAdmin guards the channel functions: a robot URL lets its holder post into a group
// chat, so only the administrator manages them.
func requireAdmin(p org.Principal) error {
	if !p.Has(org.RoleAdmin) {
		return errs.E(errs.Forbidden, "只有系统管理员可以管理群机器人")
	}
	return nil
}

const channelCols = `c.id, c.unit_id, u.name, c.kind, c.url, c.secret, c.enabled, c.created_at`
const channelFrom = ` FROM notify_channels c JOIN units u ON u.id = c.unit_id`

func scanChannel(s interface{ Scan(...any) error }) (Channel, error) {
	var c Channel
	err := s.Scan(&c.ID, &c.UnitID, &c.UnitName, &c.Kind, &c.URL, &c.Secret, &c.Enabled, &c.CreatedAt)
	c.CreatedAt = c.CreatedAt.UTC()
	return c, err
}

// AddChannel records a unit's robot. The returned channel is masked; the audit entry holds the
// masked URL and secret only, since the log is append-only and readable by auditors.
func AddChannel(ctx context.Context, db *store.DB, p org.Principal, in ChannelInput) (Channel, error) {
	if err := requireAdmin(p); err != nil {
		return Channel{}, err
	}
	if err := in.validate(); err != nil {
		return Channel{}, err
	}
	var c Channel
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO notify_channels (unit_id, kind, url, secret, enabled, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, in.UnitID, string(in.Kind), in.URL, in.Secret, in.Enabled, store.Now()).Scan(&id)
		if store.IsForeignKey(err) {
			return errs.Field("unit_id", "所属单位不存在")
		}
		if err != nil {
			return fmt.Errorf("notify: add channel: %w", err)
		}
		if c, err = getChannel(ctx, tx, id); err != nil {
			return err
		}
		c = c.masked()
		return audit.Record(ctx, tx, p.Actor(), "create", ObjectType, fmt.Sprint(id), nil, c)
	})
	return c, err
}

func getChannel(ctx context.Context, q store.Querier, id int64) (Channel, error) {
	c, err := scanChannel(q.QueryRowContext(ctx, `SELECT `+channelCols+channelFrom+` WHERE c.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errs.E(errs.NotFound, "群机器人不存在")
	}
	if err != nil {
		return c, fmt.Errorf("notify: read channel %d: %w", id, err)
	}
	return c, nil
}

// ListChannels returns every robot, masked, ordered by unit.
func ListChannels(ctx context.Context, q store.Querier, p org.Principal) ([]Channel, error) {
	if err := requireAdmin(p); err != nil {
		return nil, err
	}
	all, err := channels(ctx, q, "", nil)
	for i := range all {
		all[i] = all[i].masked()
	}
	return all, err
}

// UnitChannels returns the enabled robots of a unit with their credentials, for delivery. It is
// for senders inside jianfu, never for display.
func UnitChannels(ctx context.Context, q store.Querier, unitID int64) ([]Channel, error) {
	return channels(ctx, q, ` WHERE c.unit_id = $1 AND c.enabled`, []any{unitID})
}

func channels(ctx context.Context, q store.Querier, where string, args []any) ([]Channel, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+channelCols+channelFrom+where+` ORDER BY u.path, c.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("notify: list channels: %w", err)
	}
	defer rows.Close()
	out := []Channel{}
	for rows.Next() {
		c, err := scanChannel(rows)
		if err != nil {
			return nil, fmt.Errorf("notify: list channels: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("notify: list channels: %w", err)
	}
	return out, nil
}

// DeleteChannel removes a robot; an unknown id is NotFound.
func DeleteChannel(ctx context.Context, db *store.DB, p org.Principal, id int64) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		c, err := getChannel(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM notify_channels WHERE id = $1`, id); err != nil {
			return fmt.Errorf("notify: delete channel %d: %w", id, err)
		}
		return audit.Record(ctx, tx, p.Actor(), "delete", ObjectType, fmt.Sprint(id), c.masked(), nil)
	})
}
