package ingest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/sheet"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// The reasons a row is rejected (RowError.Reason).
const (
	ReasonBadJSON   = "bad_json"   // the NDJSON line is not a JSON object
	ReasonBadUTF8   = "bad_utf8"   // a value is not valid UTF-8 (or was not decodable as GBK)
	ReasonMissing   = "missing"    // a required value is empty
	ReasonBadNumber = "bad_number" // a count is not a whole number between 0 and 10^12
	ReasonTooLong   = "too_long"   // the line, or a value, is over its limit
	ReasonBadTime   = "bad_time"   // a time in no accepted format
	ReasonBadDate   = "bad_date"   // a date in no accepted format
	ReasonBadKind   = "bad_kind"   // an unknown message kind
	ReasonBadBool   = "bad_bool"   // a yes/no value that is neither
	ReasonBadType   = "bad_type"   // the record type is unknown, or differs from Options.Kind
	ReasonBadValue  = "bad_value"  // a JSON array or object where a plain value belongs
)

// Limits on values. Text is the message body; the others are names and codes.
const (
	maxTextBytes  = 64 << 10
	maxNameBytes  = 1024
	maxCount      = 1e12
	maxValueShown = 60 // runes of a bad value kept in RowError.Value
)

// vtype is what kind of JSON value, or cell, a val came from.
type vtype uint8

const (
	vAbsent vtype = iota
	vNull
	vString
	vNumber
	vBool
	vComplex // an array or object
)

// val is one raw value of a row before it is checked: a JSON value's text (a string
// unescaped, a number or true/false as written) or a cell's text.
type val struct {
	s   string
	t   vtype
	bad bool // a JSON string held an unpaired surrogate escape
}

// rowVals is one row read into fields. names are the column or key names that errors cite.
type rowVals struct {
	v       [nFields]val
	names   *[nFields]string
	row     int
	tabular bool // CSV or XLSX: U+FFFD means a byte could not be decoded
	xlsx    bool // numbers in time and date columns may be Excel serials
	d1904   bool
}

// build turns a row into a record of kind k.
func (rv *rowVals) build(k Kind) (Record, *RowError) {
	switch k {
	case KindMessage:
		return rv.message()
	case KindApp:
		return rv.app()
	case KindAccount:
		return rv.account()
	}
	return Record{}, &RowError{Row: rv.row, Reason: ReasonBadType, Msg: "未知的数据类型“" + string(k) + "”"}
}

func (rv *rowVals) message() (Record, *RowError) {
	m := &Message{}
	var e *RowError
	if m.Group, e = rv.str(fGroup, true, maxNameBytes); e != nil {
		return Record{}, e
	}
	if m.At, e = rv.time(fTime); e != nil {
		return Record{}, e
	}
	if m.ID, e = rv.str(fID, false, maxNameBytes); e != nil {
		return Record{}, e
	}
	if m.Sender, e = rv.str(fSender, false, maxNameBytes); e != nil {
		return Record{}, e
	}
	kind, e := rv.str(fKind, false, maxNameBytes)
	if e != nil {
		return Record{}, e
	}
	var fwd, ok bool
	if m.Kind, fwd, ok = parseMsgKind(kind); !ok {
		return Record{}, rv.fail(fKind, ReasonBadKind, "无法识别的消息类型,应为 文本、图片、文件、语音、视频、链接、群公告、投票/接龙 或 其他")
	}
	if m.AtAll, e = rv.bool(fAtAll); e != nil {
		return Record{}, e
	}
	if m.Forwarded, e = rv.bool(fForwarded); e != nil {
		return Record{}, e
	}
	m.Forwarded = m.Forwarded || fwd
	if m.Text, e = rv.text(fText); e != nil {
		return Record{}, e
	}
	return Record{Kind: KindMessage, Row: rv.row, Message: m}, nil
}

func (rv *rowVals) app() (Record, *RowError) {
	a := &AppDay{}
	var e *RowError
	if a.App, e = rv.str(fApp, true, maxNameBytes); e != nil {
		return Record{}, e
	}
	if a.Day, e = rv.date(fDate); e != nil {
		return Record{}, e
	}
	for _, c := range []struct {
		f  field
		to *int64
	}{{fActive, &a.ActiveUsers}, {fSessions, &a.Sessions}, {fCheckReq, &a.CheckinsRequired},
		{fCheckDone, &a.CheckinsDone}, {fForms, &a.FormsSubmitted}} {
		if *c.to, e = rv.count(c.f); e != nil {
			return Record{}, e
		}
	}
	return Record{Kind: KindApp, Row: rv.row, App: a}, nil
}

func (rv *rowVals) account() (Record, *RowError) {
	a := &AccountDay{}
	var e *RowError
	if a.Account, e = rv.str(fAccount, true, maxNameBytes); e != nil {
		return Record{}, e
	}
	if a.Day, e = rv.date(fDate); e != nil {
		return Record{}, e
	}
	for _, c := range []struct {
		f  field
		to *int64
	}{{fPosts, &a.Posts}, {fReads, &a.Reads}, {fFollowers, &a.Followers},
		{fComments, &a.Comments}, {fAnswered, &a.CommentsAnswered}} {
		if *c.to, e = rv.count(c.f); e != nil {
			return Record{}, e
		}
	}
	if a.AnswerMinutes, e = rv.minutes(fMinutes); e != nil {
		return Record{}, e
	}
	return Record{Kind: KindAccount, Row: rv.row, Account: a}, nil
}

// name is the column or key that errors about f cite.
func (rv *rowVals) name(f field) string {
	if rv.names != nil && rv.names[f] != "" {
		return rv.names[f]
	}
	return jsonNames[f]
}

// fail is a RowError about field f, its value and why (msg, without the column: Error() adds it).
func (rv *rowVals) fail(f field, reason, msg string) *RowError {
	v := rv.v[f].s
	if rv.v[f].t == vComplex {
		v = ""
	}
	shown := cut(v, maxValueShown)
	if shown != "" {
		// The value goes after what is wrong and before what to do: 无法识别的时间 "…",请使用…
		q := " " + strconv.Quote(shown)
		if i := strings.Index(msg, ","); i >= 0 {
			msg = msg[:i] + q + msg[i:]
		} else {
			msg += q
		}
	}
	return &RowError{Row: rv.row, Column: rv.name(f), Value: shown, Reason: reason, Msg: msg}
}

// cut shortens s to n runes for display, making it valid UTF-8.
func cut(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}

// plain checks that a value is a plain one (not an array or object) of valid UTF-8, and
// returns it cleaned. null counts as absent.
func (rv *rowVals) plain(f field) (string, *RowError) {
	v := &rv.v[f]
	switch v.t {
	case vAbsent, vNull:
		return "", nil
	case vComplex:
		return "", rv.fail(f, ReasonBadValue, "应为文字或数字,不能是数组或对象")
	}
	if v.bad || !utf8.ValidString(v.s) || (rv.tabular && strings.ContainsRune(v.s, utf8.RuneError)) {
		return "", rv.fail(f, ReasonBadUTF8, "含有无法识别的字符,请确认文件编码为 UTF-8 或 GBK")
	}
	return sheet.Clean(v.s), nil
}

// str reads a name or code, at most max bytes.
func (rv *rowVals) str(f field, required bool, max int) (string, *RowError) {
	s, e := rv.plain(f)
	if e != nil {
		return "", e
	}
	if s == "" && required {
		return "", rv.fail(f, ReasonMissing, "不能为空")
	}
	if len(s) > max {
		return "", rv.fail(f, ReasonTooLong, fmt.Sprintf("过长,不能超过 %d 字节", max))
	}
	if rv.tabular {
		s = sheet.UnescapeFormula(s)
	}
	return s, nil
}

// text reads a message body: kept as written apart from the surrounding spaces.
func (rv *rowVals) text(f field) (string, *RowError) {
	s, e := rv.plain(f)
	if e != nil {
		return "", e
	}
	if len(s) > maxTextBytes {
		return "", rv.fail(f, ReasonTooLong, "消息内容过长,不能超过 64 KB")
	}
	if rv.tabular {
		s = sheet.UnescapeFormula(s)
	}
	return s, nil
}

// count reads a count: a whole number from 0 to 10^12, as a JSON number or in text ("1,200",
// "3.0" as Excel stores it). Absent is -1.
func (rv *rowVals) count(f field) (int64, *RowError) {
	s, e := rv.plain(f)
	if e != nil {
		return 0, e
	}
	if s == "" {
		return -1, nil
	}
	if rv.v[f].t == vBool {
		return 0, rv.fail(f, ReasonBadNumber, "不是有效的数量,应为不小于 0 的整数")
	}
	n, ok := parseUint(s)
	if !ok {
		n2, ok2 := sheet.ParseInt(s)
		n, ok = n2, ok2
	}
	if !ok || n < 0 || n > maxCount {
		return 0, rv.fail(f, ReasonBadNumber, "不是有效的数量,应为不小于 0 的整数(不超过 10^12)")
	}
	return n, nil
}

// parseUint is the fast path of count: plain ASCII digits.
func parseUint(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 13 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// minutes reads a mean duration in minutes, which may have decimals. Absent is -1.
func (rv *rowVals) minutes(f field) (float64, *RowError) {
	s, e := rv.plain(f)
	if e != nil {
		return 0, e
	}
	if s == "" {
		return -1, nil
	}
	x, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if err != nil || rv.v[f].t == vBool || math.IsNaN(x) || x < 0 || x > maxCount {
		return 0, rv.fail(f, ReasonBadNumber, "不是有效的分钟数,应为不小于 0 的数字")
	}
	return x, nil
}

// bool reads a yes/no value: 是/否, true/false, 1/0, y/n, yes/no, or "@all" (how 企业微信 lists
// a mention of everyone). Absent is false.
func (rv *rowVals) bool(f field) (bool, *RowError) {
	s, e := rv.plain(f)
	if e != nil {
		return false, e
	}
	switch strings.ToLower(s) {
	case "", "否", "false", "0", "n", "no", "f", "不是", "×":
		return false, nil
	case "是", "true", "1", "y", "yes", "t", "√", "@all", "@所有人":
		return true, nil
	}
	return false, rv.fail(f, ReasonBadBool, "无法识别的是否值,应为 是 或 否")
}

// Excel date serials of 1949-01-01 and 2101-01-01: numbers in this range in an XLSX date or
// time column are dates (the same range package sheet uses).
const (
	minSerial = 17899
	maxSerial = 73416
)

// time reads a message time. See parseTime for the formats.
func (rv *rowVals) time(f field) (time.Time, *RowError) {
	s, e := rv.plain(f)
	if e != nil {
		return time.Time{}, e
	}
	if s == "" {
		return time.Time{}, rv.fail(f, ReasonMissing, "不能为空")
	}
	t, ok := parseTime(s, rv.xlsx, rv.d1904)
	if !ok {
		return time.Time{}, rv.fail(f, ReasonBadTime, "无法识别的时间,请使用 2006-01-02 15:04:05 或带时区的 RFC 3339 格式")
	}
	return t, nil
}

// date reads the day of an app or account row.
func (rv *rowVals) date(f field) (time.Time, *RowError) {
	s, e := rv.plain(f)
	if e != nil {
		return time.Time{}, e
	}
	if s == "" {
		return time.Time{}, rv.fail(f, ReasonMissing, "不能为空")
	}
	if rv.xlsx {
		s = sheet.ExcelSerialDate(s, rv.d1904)
	}
	d, ok := parseDate(s)
	if !ok {
		return time.Time{}, rv.fail(f, ReasonBadDate, "无法识别的日期,请使用 2006-01-02 格式")
	}
	return d, nil
}

// parseDate reads 2006-01-02, 2006/1/2, 2006.1.2, 2006年1月2日 and 20060102 as midnight UTC of
// that date.
func parseDate(s string) (time.Time, bool) {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' { // fast path, the usual form
		if y, m, d, ok := ymd(s); ok {
			return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), true
		}
	}
	iso, ok := sheet.ParseDate(s)
	if !ok {
		return time.Time{}, false
	}
	d, err := time.Parse("2006-01-02", iso)
	return d, err == nil
}

// ymd reads "2006-01-02" with its date checked (no 2026-02-30) and years 1949 to 2100.
func ymd(s string) (y, m, d int, ok bool) {
	y, ok1 := digitsN(s[0:4])
	m, ok2 := digitsN(s[5:7])
	d, ok3 := digitsN(s[8:10])
	if !ok1 || !ok2 || !ok3 || y < 1949 || y > 2100 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

func digitsN(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// Layouts of local (Shanghai) times tried after the fast path. Go's "1", "2" and "15" accept
// one or two digits, so 2026/1/2 9:05 matches too.
var localLayouts = []string{
	"2006-1-2 15:04:05",
	"2006-1-2 15:04",
	"2006/1/2 15:04:05",
	"2006/1/2 15:04",
	"2006.1.2 15:04:05",
	"2006.1.2 15:04",
	"2006年1月2日 15:04:05",
	"2006年1月2日 15:04",
	"2006年1月2日15:04:05",
	"2006年1月2日15:04",
	"2006-1-2T15:04:05",
	"2006-1-2 15:04:05.999999999",
}

// parseTime reads a time: RFC 3339 with an offset; a local time in Shanghai as
// 2006-01-02 15:04:05, 2006-01-02 15:04, 2006/01/02 15:04:05 or 2006年1月2日 15:04; Unix seconds
// or milliseconds; and in XLSX an Excel date-time serial. The result is in UTC; years outside
// 1970–2100 are refused, which catches milliseconds read as seconds and the like.
func parseTime(s string, xlsx, d1904 bool) (time.Time, bool) {
	if t, ok := fastTime(s); ok {
		return t, inRange(t)
	}
	if c := s[0]; c >= '0' && c <= '9' || c == '-' {
		if x, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "eE") {
			return numericTime(x, xlsx, d1904)
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), inRange(t)
	}
	for _, l := range localLayouts {
		if t, err := time.ParseInLocation(l, s, tz.Shanghai); err == nil {
			return t.UTC(), inRange(t)
		}
	}
	return time.Time{}, false
}

func inRange(t time.Time) bool {
	y := t.UTC().Year()
	return y >= 1970 && y <= 2100
}

// numericTime reads a number as an Excel serial (XLSX only, within 1949–2100), Unix
// milliseconds (13 digits and more) or Unix seconds.
func numericTime(x float64, xlsx, d1904 bool) (time.Time, bool) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return time.Time{}, false
	}
	if xlsx && x >= minSerial && x < maxSerial {
		w, err := excelize.ExcelDateToTime(x, d1904)
		if err != nil {
			return time.Time{}, false
		}
		// The serial is a wall-clock time in Shanghai; excelize returns it labelled UTC.
		// Rounding to the second removes the float error of the fraction of a day.
		w = w.Round(time.Second)
		t := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, tz.Shanghai)
		return t.UTC(), inRange(t)
	}
	if x != math.Trunc(x) || x < 0 {
		return time.Time{}, false
	}
	var t time.Time
	if x >= 1e11 {
		t = time.UnixMilli(int64(x)).UTC()
	} else {
		t = time.Unix(int64(x), 0).UTC()
	}
	return t, inRange(t)
}

// shanghaiOffset is China Standard Time. China has had no daylight saving time since 1991, so
// for later times a fixed offset gives what tz.Shanghai gives, without its zone lookup.
const shanghaiOffset = 8 * time.Hour

// fastTime reads the two forms almost every line uses without time.Parse's generality:
// "2006-01-02 15:04:05" (Shanghai) and "2006-01-02T15:04:05[.999][Z|±07:00]". Anything else
// goes to the slow path.
func fastTime(s string) (time.Time, bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	y, m, d, ok := ymd(s[:10])
	if !ok {
		return time.Time{}, false
	}
	hh, ok1 := digitsN(s[11:13])
	mm, ok2 := digitsN(s[14:16])
	ss, ok3 := digitsN(s[17:19])
	if !ok1 || !ok2 || !ok3 || hh > 23 || mm > 59 || ss > 59 {
		return time.Time{}, false
	}
	rest := s[19:]
	ns := 0
	if len(rest) > 0 && rest[0] == '.' {
		i := 1
		scale := 100000000
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			ns += int(rest[i]-'0') * scale
			scale /= 10
			i++
		}
		if i == 1 || i > 10 {
			return time.Time{}, false
		}
		rest = rest[i:]
	}
	wall := time.Date(y, time.Month(m), d, hh, mm, ss, ns, time.UTC)
	switch {
	case rest == "":
		if s[10] == 'T' || y < 1992 {
			return time.Time{}, false // leave these to the general layouts and tz data
		}
		return wall.Add(-shanghaiOffset), true
	case rest == "Z" && s[10] == 'T':
		return wall, true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' && s[10] == 'T':
		oh, ok1 := digitsN(rest[1:3])
		om, ok2 := digitsN(rest[4:6])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		off := time.Duration(oh)*time.Hour + time.Duration(om)*time.Minute
		if rest[0] == '-' {
			off = -off
		}
		return wall.Add(-off), true
	}
	return time.Time{}, false
}

// ParseMsgKind maps a message kind as platforms write it, in Chinese or English, to a MsgKind:
// 文本/text, 图片/image, 文件/file, 语音/voice, 视频/video, 链接/link, 群公告/notice,
// 投票/接龙/问卷/vote/poll, 其他/other, and the msgtype values of 企业微信 and 钉钉 (markdown and
// chatrecord are text; location, redpacket, card… are other). Empty is text. ok is false for
// a kind it does not know. A merged forward (chatrecord, 合并转发) is also MsgText; readers mark
// such messages Forwarded.
func ParseMsgKind(s string) (MsgKind, bool) {
	k, _, ok := parseMsgKind(s)
	return k, ok
}

// parseMsgKind is ParseMsgKind that also says whether the kind means a forwarded message.
func parseMsgKind(s string) (k MsgKind, forwarded, ok bool) {
	switch s {
	case "", "text": // the usual values, without a map lookup or lower-casing
		return MsgText, false, true
	}
	mk, ok := msgKinds[strings.ToLower(sheet.Clean(s))]
	return mk.k, mk.fwd, ok
}

type msgKindInfo struct {
	k   MsgKind
	fwd bool
}

// msgKinds are the names platforms give message kinds, lower-cased. 企业微信 会话内容存档
// msgtype and 钉钉 message types are included; the Chinese names are those the export tools
// and the platforms' admin consoles show.
var msgKinds = func() map[string]msgKindInfo {
	m := map[string]msgKindInfo{}
	add := func(k MsgKind, fwd bool, names ...string) {
		for _, n := range names {
			m[n] = msgKindInfo{k, fwd}
		}
	}
	add(MsgText, false, "", "text", "文本", "文字", "文本消息", "markdown", "richtext", "mixed", "混合消息", "图文混排", "voiptext", "sampletext")
	add(MsgText, true, "chatrecord", "合并转发", "聊天记录", "转发的聊天记录")
	add(MsgImage, false, "image", "img", "picture", "pic", "photo", "图片", "图片消息", "emotion", "表情", "sticker")
	add(MsgFile, false, "file", "文件", "文件消息", "docmsg", "在线文档", "文档", "qydiskfile", "微盘文件", "voip_doc_share")
	add(MsgVoice, false, "voice", "audio", "语音", "语音消息", "meeting_voice_call", "音频")
	add(MsgVideo, false, "video", "视频", "视频消息", "sphfeed", "视频号")
	add(MsgLink, false, "link", "url", "链接", "链接消息", "news", "图文", "weapp", "小程序", "actioncard", "卡片消息")
	add(MsgNotice, false, "notice", "announcement", "群公告", "公告")
	add(MsgPoll, false, "poll", "vote", "接龙", "群接龙", "投票", "问卷", "collect", "填表", "solitaire")
	add(MsgOther, false, "other", "其他", "其它", "location", "位置", "redpacket", "external_redpacket", "红包",
		"card", "名片", "calendar", "日程", "meeting", "会议", "todo", "待办", "revoke", "撤回", "agree", "disagree",
		"system", "系统消息", "oa")
	return m
}()

// invalidf is a fatal, user-facing error about the file as a whole.
func invalidf(format string, args ...any) error {
	return errs.E(errs.Invalid, fmt.Sprintf(format, args...))
}
