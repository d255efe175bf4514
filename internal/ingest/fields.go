package ingest

import (
	"strings"
	"unicode"

	"github.com/jianfu-gov/jianfu/internal/sheet"
)

// field is one value a record may carry, across all kinds. A row is first read into an array
// indexed by field (from JSON keys or header columns alike), then turned into a record, so the
// checks on values are written once for all three formats.
type field uint8

const (
	fID field = iota
	fGroup
	fSender
	fTime
	fKind
	fAtAll
	fForwarded
	fText
	fType
	fApp
	fDate
	fActive
	fSessions
	fCheckReq
	fCheckDone
	fForms
	fAccount
	fPosts
	fReads
	fFollowers
	fComments
	fAnswered
	fMinutes
	nFields
)

// jsonNames are the NDJSON keys, which are also the English header names.
var jsonNames = [nFields]string{
	fID: "id", fGroup: "group", fSender: "sender", fTime: "time", fKind: "kind", fAtAll: "at_all",
	fForwarded: "forwarded", fText: "text", fType: "type",
	fApp: "app", fDate: "date", fActive: "active_users", fSessions: "sessions",
	fCheckReq: "checkins_required", fCheckDone: "checkins_done", fForms: "forms_submitted",
	fAccount: "account", fPosts: "posts", fReads: "reads", fFollowers: "followers",
	fComments: "comments", fAnswered: "comments_answered", fMinutes: "answer_minutes",
}

// fieldOfKey maps an NDJSON key to its field. A switch on string(key) does not allocate, which
// matters at a million lines a second.
func fieldOfKey(key []byte) (field, bool) {
	switch string(key) {
	case "id":
		return fID, true
	case "group":
		return fGroup, true
	case "sender":
		return fSender, true
	case "time":
		return fTime, true
	case "kind":
		return fKind, true
	case "at_all":
		return fAtAll, true
	case "forwarded":
		return fForwarded, true
	case "text":
		return fText, true
	case "type":
		return fType, true
	case "app":
		return fApp, true
	case "date":
		return fDate, true
	case "active_users":
		return fActive, true
	case "sessions":
		return fSessions, true
	case "checkins_required":
		return fCheckReq, true
	case "checkins_done":
		return fCheckDone, true
	case "forms_submitted":
		return fForms, true
	case "account":
		return fAccount, true
	case "posts":
		return fPosts, true
	case "reads":
		return fReads, true
	case "followers":
		return fFollowers, true
	case "comments":
		return fComments, true
	case "comments_answered":
		return fAnswered, true
	case "answer_minutes":
		return fMinutes, true
	}
	return 0, false
}

// kindFields lists, per kind, the fields its rows carry, the key field (the one whose column
// tells the kind) first, and which are required.
var kindFields = map[Kind][]struct {
	f        field
	required bool
}{
	KindMessage: {{fGroup, true}, {fTime, true}, {fID, false}, {fSender, false}, {fKind, false},
		{fAtAll, false}, {fForwarded, false}, {fText, false}},
	KindApp: {{fApp, true}, {fDate, true}, {fActive, false}, {fSessions, false}, {fCheckReq, false},
		{fCheckDone, false}, {fForms, false}},
	KindAccount: {{fAccount, true}, {fDate, true}, {fPosts, false}, {fReads, false}, {fFollowers, false},
		{fComments, false}, {fAnswered, false}, {fMinutes, false}},
}

// kinds in the order they are tried and named in messages.
var kinds = []Kind{KindMessage, KindApp, KindAccount}

// kindLabel is a kind's Chinese name, for messages.
func kindLabel(k Kind) string {
	switch k {
	case KindMessage:
		return "群消息"
	case KindApp:
		return "应用使用"
	case KindAccount:
		return "公众号统计"
	}
	return string(k)
}

// aliases are the headers accepted for each field in CSV and XLSX, per kind, in order of
// preference: when a file has two columns for one field (企业微信 exports have both 发送者 and
// 发送者ID), a row takes the value of the first non-empty one in this order, so an ID beats a
// display name. Besides this project's template (the first Chinese name) they hold what the
// platforms' exports call the column: 企业微信 会话内容存档 (msgid, msgtime, msgtype, roomid,
// from), 钉钉 群消息导出 and the 微信群 export tools (群聊名称, 发送者, 消息时间, 消息内容). Headers
// are compared after normHeader, so "Active Users", "active_users" and "*活跃用户数" all match.
var aliases = map[Kind]map[field][]string{
	KindMessage: {
		fGroup: {"group", "群组", "群编号", "群组编号", "群组编码", "群编码", "roomid", "群id", "群聊id",
			"chatid", "openconversationid", "conversationid", "会话id",
			"群名称", "群聊名称", "群组名称", "群名", "群聊", "groupname", "会话名称"},
		fID:        {"id", "消息编号", "消息id", "msgid", "messageid"},
		fSender:    {"sender", "工号", "发送人工号", "发送者工号", "发送人id", "发送者id", "senderid", "senderstaffid", "userid", "from", "发送人", "发送者", "发送人姓名", "发送者姓名", "发送者昵称", "sendername"},
		fTime:      {"time", "发送时间", "时间", "消息时间", "msgtime", "sendtime", "createtime", "发送日期"},
		fKind:      {"kind", "消息类型", "类型", "msgtype", "messagetype", "内容类型"},
		fAtAll:     {"at_all", "@所有人", "是否@所有人", "@全体成员", "是否@全体成员", "isatall"},
		fForwarded: {"forwarded", "是否转发", "转发", "转发消息"},
		fText:      {"text", "内容", "消息内容", "content", "文本内容", "消息正文", "正文"},
	},
	KindApp: {
		fApp:       {"app", "应用", "应用名称", "应用编号", "应用编码", "应用id", "appid", "agentid"},
		fDate:      {"date", "日期", "统计日期", "数据日期"},
		fActive:    {"active_users", "活跃用户数", "活跃人数", "活跃用户", "dau"},
		fSessions:  {"sessions", "使用次数", "会话数", "访问次数", "打开次数"},
		fCheckReq:  {"checkins_required", "要求打卡次数", "应打卡次数", "应签到次数"},
		fCheckDone: {"checkins_done", "实际打卡次数", "实际签到次数", "已打卡次数"},
		fForms:     {"forms_submitted", "提交表单数", "填报次数", "表单提交数"},
	},
	KindAccount: {
		fAccount:   {"account", "公众号", "账号", "公众号名称", "账号名称", "公众号id", "原始id"},
		fDate:      {"date", "日期", "统计日期", "数据日期"},
		fPosts:     {"posts", "发文数", "发文篇数", "发布篇数", "群发篇数"},
		fReads:     {"reads", "阅读数", "阅读次数", "阅读量"},
		fFollowers: {"followers", "关注数", "粉丝数", "关注人数", "累计关注人数"},
		fComments:  {"comments", "评论数", "留言数"},
		fAnswered:  {"comments_answered", "已回复评论数", "已回复留言数"},
		fMinutes:   {"answer_minutes", "平均回复时长(分钟)", "平均回复时长"},
	},
}

// aliasRank maps, per kind, a normalized header to its field and its rank among the field's
// aliases (lower is preferred).
var aliasRank = func() map[Kind]map[string]fieldRank {
	m := map[Kind]map[string]fieldRank{}
	for k, fs := range aliases {
		m[k] = map[string]fieldRank{}
		for f, names := range fs {
			for i, n := range names {
				m[k][normHeader(n)] = fieldRank{f, i}
			}
		}
	}
	return m
}()

type fieldRank struct {
	f    field
	rank int
}

// normHeader reduces a header to what is compared: without the '*' that marks a required
// column, spaces of any width, brackets of either width, '_' and '-', in lower case. So
// 平均回复时长(分钟), 平均回复时长（分钟） and "平均回复时长 (分钟)" are one header.
func normHeader(s string) string {
	s = sheet.HeaderName(sheet.Cell{Text: s})
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), r == '\u200b', r == '\ufeff':
		case strings.ContainsRune("()（）[]【】_-", r):
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// header is how a CSV or XLSX header row maps onto fields.
type header struct {
	kind  Kind
	names []string       // the headers as written
	cols  [nFields][]int // per field, the columns that hold it, preferred first
}

// parseHeader reads a header row. want is Options.Kind: "" finds the kind from the key column
// present. A header without a key column, with the key columns of several kinds, or without a
// required column fails with errs.Invalid and a message naming the columns found.
func parseHeader(cells []string, want Kind) (*header, error) {
	h := &header{names: make([]string, len(cells))}
	for i, c := range cells {
		h.names[i] = sheet.HeaderName(sheet.Cell{Text: c})
	}
	if want != "" {
		if _, ok := kindFields[want]; !ok {
			return nil, invalidf("未知的数据类型“%s”,应为 message、app 或 account", want)
		}
		h.kind = want
	} else {
		var found []Kind
		for _, k := range kinds {
			key := kindFields[k][0].f
			if h.has(k, key) {
				found = append(found, k)
			}
		}
		switch len(found) {
		case 0:
			return nil, invalidf("无法判断数据类型:表头中没有“群组”(group)、“应用”(app)或“公众号”(account)列。找到的列:%s", h.found())
		case 1:
			h.kind = found[0]
		default:
			var s []string
			for _, k := range found {
				s = append(s, kindLabel(k))
			}
			return nil, invalidf("无法判断数据类型:表头同时像%s,请指定数据类型。找到的列:%s", strings.Join(s, "和"), h.found())
		}
	}
	type colRank struct{ col, rank int }
	var ranked [nFields][]colRank
	for i, n := range h.names {
		fr, ok := aliasRank[h.kind][normHeader(n)]
		if !ok {
			continue // unknown columns (备注, 序号…) are ignored
		}
		ranked[fr.f] = append(ranked[fr.f], colRank{i, fr.rank})
	}
	for f := range ranked {
		rs := ranked[f]
		// insertion sort: a field has one or two columns
		for i := 1; i < len(rs); i++ {
			for j := i; j > 0 && rs[j].rank < rs[j-1].rank; j-- {
				rs[j], rs[j-1] = rs[j-1], rs[j]
			}
		}
		for _, r := range rs {
			h.cols[f] = append(h.cols[f], r.col)
		}
	}
	for _, kf := range kindFields[h.kind] {
		if kf.required && len(h.cols[kf.f]) == 0 {
			names := aliases[h.kind][kf.f]
			return nil, invalidf("%s表缺少“%s”列(也可写作 %s)。找到的列:%s", kindLabel(h.kind),
				names[1], strings.Join(names[:min(len(names), 4)], "、"), h.found())
		}
	}
	return h, nil
}

// has reports whether one of the headers names field f of kind k.
func (h *header) has(k Kind, f field) bool {
	for _, n := range h.names {
		if fr, ok := aliasRank[k][normHeader(n)]; ok && fr.f == f {
			return true
		}
	}
	return false
}

// found lists the non-empty headers, for messages.
func (h *header) found() string {
	var s []string
	for _, n := range h.names {
		if n != "" {
			s = append(s, "“"+cut(n, 20)+"”")
		}
	}
	if len(s) == 0 {
		return "(无)"
	}
	return strings.Join(s, "、")
}

// fill puts a row's cells into rv: per field, the first non-empty of its columns, and that
// column's header as the name errors use.
func (h *header) fill(cells []string, rv *rowVals) {
	for f := field(0); f < nFields; f++ {
		cs := h.cols[f]
		if len(cs) == 0 {
			continue
		}
		rv.names[f] = h.names[cs[0]]
		for _, c := range cs {
			if c < len(cells) && sheet.Clean(cells[c]) != "" {
				rv.v[f] = val{s: cells[c], t: vString}
				rv.names[f] = h.names[c]
				break
			}
		}
	}
}
