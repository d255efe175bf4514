// Package catalog is the inventory (清单管理) of government apps, public accounts and work groups:
// their common and kind-specific fields, group members, the lifecycle state machine, merging,
// owner attestation and each asset's history.
//
// Like org, every method takes the caller as an org.Principal and filters by its scope (the
// owning unit's subtree) in SQL. Every change is audited in the same transaction.
package catalog

import (
	"strings"

	"github.com/jianfu-gov/jianfu/internal/errs"
)

// Kind is the kind of asset.
type Kind string

// The three kinds of the campaign.
const (
	App     Kind = "app"     // 政务应用程序 (App, 小程序, 快应用, Web 系统)
	Account Kind = "account" // 政务公众账号
	Group   Kind = "group"   // 政务工作群组
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{App, Account, Group}

// Label is the kind's Chinese name.
func (k Kind) Label() string {
	return map[Kind]string{App: "政务应用程序", Account: "政务公众账号", Group: "政务工作群组"}[k]
}

// Short is the kind's short Chinese name, for tables.
func (k Kind) Short() string {
	return map[Kind]string{App: "应用", Account: "公众号", Group: "群组"}[k]
}

// ParseKind accepts a kind code or a Chinese name.
func ParseKind(s string) (Kind, error) {
	s = strings.TrimSpace(s)
	for _, k := range Kinds {
		if s == string(k) || s == k.Label() || s == k.Short() {
			return k, nil
		}
	}
	switch s {
	case "应用程序", "应用", "APP", "App":
		return App, nil
	case "公众账号", "账号", "新媒体":
		return Account, nil
	case "工作群组", "群", "工作群":
		return Group, nil
	}
	return "", errs.Field("kind", "资产类型应为 应用、公众号 或 群组")
}

// Platforms lists the platforms each kind may be on. "其他" lets a bureau record something new
// without waiting for a release; the list itself is what imports and forms offer.
var Platforms = map[Kind][]string{
	App:     {"App", "小程序", "快应用", "Web系统", "其他"},
	Account: {"微信公众号", "微信视频号", "微博", "抖音", "快手", "今日头条", "哔哩哔哩", "小红书", "其他"},
	Group:   {"微信", "企业微信", "钉钉", "政务微信", "QQ", "飞书", "其他"},
}

func checkPlatform(k Kind, p string) (string, error) {
	p = strings.TrimSpace(p)
	for _, x := range Platforms[k] {
		if strings.EqualFold(p, x) {
			return x, nil
		}
	}
	return "", errs.Field("platform", "平台“"+p+"”不在"+k.Short()+"的可选平台中:"+strings.Join(Platforms[k], "、"))
}

// Status is where an asset is in its life.
type Status string

// The statuses. Retired is shown per kind: 已下线 (app), 已注销 (account), 已解散 (group).
const (
	Applying   Status = "applying"   // 申请中
	Active     Status = "active"     // 在用
	Rectifying Status = "rectifying" // 整改中
	Merged     Status = "merged"     // 已合并
	Retired    Status = "retired"    // 已下线 / 已注销 / 已解散
	Rejected   Status = "rejected"   // 未通过
)

// Statuses lists the statuses in lifecycle order.
var Statuses = []Status{Applying, Active, Rectifying, Merged, Retired, Rejected}

// Label is the status's Chinese name for an asset of kind k.
func (s Status) Label(k Kind) string {
	if s == Retired {
		switch k {
		case App:
			return "已下线"
		case Account:
			return "已注销"
		case Group:
			return "已解散"
		}
		return "已停用"
	}
	return map[Status]string{Applying: "申请中", Active: "在用", Rectifying: "整改中", Merged: "已合并", Rejected: "未通过"}[s]
}

// Live reports whether an asset in this status is still in use (counted in the inventory).
func (s Status) Live() bool { return s == Active || s == Rectifying }

// ParseStatus accepts a status code or a Chinese name.
func ParseStatus(s string) (Status, error) {
	s = strings.TrimSpace(s)
	for _, st := range Statuses {
		if s == string(st) || s == st.Label(App) || s == st.Label(Account) || s == st.Label(Group) {
			return st, nil
		}
	}
	return "", errs.Field("status", "状态无效:"+s)
}

// transitions is the state machine, in one place. Merging is its own operation (it needs a
// target) and is allowed from the statuses that may go to Merged.
var transitions = map[Status][]Status{
	Applying:   {Active, Rejected},
	Active:     {Rectifying, Merged, Retired},
	Rectifying: {Active, Merged, Retired},
}

// CanMove reports whether the state machine allows from → to.
func CanMove(from, to Status) bool {
	for _, t := range transitions[from] {
		if t == to {
			return true
		}
	}
	return false
}

// Next lists the statuses reachable from s, for forms.
func Next(s Status) []Status { return transitions[s] }

// Forced-use features of an app (APP-FORCED, APP-INSTALLRATE, APP-UPLOADS), stored as codes.
var Features = []struct{ Code, Label string }{
	{"checkin", "打卡签到"},
	{"ranking", "积分排名"},
	{"online_time", "在线时长"},
	{"forced_login", "强制定期登录"},
	{"install_rate", "下载安装率考核"},
	{"upload_photo", "强制上传照片"},
	{"upload_video", "强制上传视频"},
	{"upload_location", "强制上传定位轨迹"},
}

// FeatureLabel is a feature code's Chinese name.
func FeatureLabel(code string) string {
	for _, f := range Features {
		if f.Code == code {
			return f.Label
		}
	}
	return code
}

func parseFeature(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, f := range Features {
		if s == f.Code || s == f.Label {
			return f.Code, true
		}
	}
	return "", false
}
