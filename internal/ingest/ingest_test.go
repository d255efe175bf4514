package ingest

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/errs"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestParseLineRecords(t *testing.T) {
	tests := []struct {
		name, line string
		kind       Kind
		want       Record
	}{
		{"message", `{"id":"m1","group":"GRP-000001","sender":"0042","time":"2026-03-02 09:15:27","kind":"text","at_all":false,"forwarded":true,"text":"开会\n请准时"}`, "",
			Record{Kind: KindMessage, Row: 7, Message: &Message{ID: "m1", Group: "GRP-000001", Sender: "0042", At: utc("2026-03-02T01:15:27Z"), Kind: MsgText, Forwarded: true, Text: "开会\n请准时"}}},
		{"message minimal, rfc3339 offset", `{"group":" 群 ","time":"2026-03-02T09:15:27.5+08:00"}`, "",
			Record{Kind: KindMessage, Row: 7, Message: &Message{Group: "群", At: utc("2026-03-02T01:15:27.5Z"), Kind: MsgText}}},
		{"unix seconds, chatrecord forwarded", `{"group":"g","time":1772414127,"kind":"chatrecord","at_all":"是"}`, "",
			Record{Kind: KindMessage, Row: 7, Message: &Message{Group: "g", At: time.Unix(1772414127, 0).UTC(), Kind: MsgText, Forwarded: true, AtAll: true}}},
		{"unix millis string", `{"group":"g","time":"1772414127123","kind":"vote"}`, "",
			Record{Kind: KindMessage, Row: 7, Message: &Message{Group: "g", At: time.UnixMilli(1772414127123).UTC(), Kind: MsgPoll}}},
		{"chinese time, escapes", `{"group":"\u7fa4\ud83d\ude00","time":"2026年3月2日 9:05","kind":"群公告"}`, "",
			Record{Kind: KindMessage, Row: 7, Message: &Message{Group: "群😀", At: utc("2026-03-02T01:05:00Z"), Kind: MsgNotice}}},
		{"slash time", `{"group":"g","time":"2026/03/02 09:15:27"}`, "",
			Record{Kind: KindMessage, Row: 7, Message: &Message{Group: "g", At: utc("2026-03-02T01:15:27Z"), Kind: MsgText}}},
		{"app with missing counts", `{"app":"APP-0001","date":"2026/3/1","active_users":"120","sessions":340.0,"extra":{"a":[1,2,{"b":null}]}}`, "",
			Record{Kind: KindApp, Row: 7, App: &AppDay{App: "APP-0001", Day: utc("2026-03-01T00:00:00Z"), ActiveUsers: 120, Sessions: 340, CheckinsRequired: -1, CheckinsDone: -1, FormsSubmitted: -1}}},
		{"account", `{"type":"account","account":"ACC-1","date":"20260301","posts":2,"reads":"1,500","followers":8800,"comments":null,"comments_answered":10,"answer_minutes":"35.5"}`, "",
			Record{Kind: KindAccount, Row: 7, Account: &AccountDay{Account: "ACC-1", Day: utc("2026-03-01T00:00:00Z"), Posts: 2, Reads: 1500, Followers: 8800, Comments: -1, CommentsAnswered: 10, AnswerMinutes: 35.5}}},
		{"kind given", `{"app":"x","account":"ACC-1","date":"2026-03-01"}`, KindAccount,
			Record{Kind: KindAccount, Row: 7, Account: &AccountDay{Account: "ACC-1", Day: utc("2026-03-01T00:00:00Z"), Posts: -1, Reads: -1, Followers: -1, Comments: -1, CommentsAnswered: -1, AnswerMinutes: -1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, e := ParseLine([]byte(tt.line), 7, tt.kind)
			if e != nil {
				t.Fatalf("row error: %v", e)
			}
			if !equalRecord(got, tt.want) {
				t.Errorf("got  %s\nwant %s", dump(got), dump(tt.want))
			}
		})
	}
}

func equalRecord(a, b Record) bool {
	if a.Kind != b.Kind || a.Row != b.Row {
		return false
	}
	switch {
	case a.Message != nil && b.Message != nil:
		x, y := *a.Message, *b.Message
		return x.At.Equal(y.At) && x.ID == y.ID && x.Group == y.Group && x.Sender == y.Sender && x.Kind == y.Kind &&
			x.AtAll == y.AtAll && x.Forwarded == y.Forwarded && x.Text == y.Text
	case a.App != nil && b.App != nil:
		return *a.App == *b.App
	case a.Account != nil && b.Account != nil:
		return *a.Account == *b.Account
	}
	return false
}

func dump(r Record) string {
	switch {
	case r.Message != nil:
		return strconv.Quote(string(r.Kind)) + " " + strconv.Itoa(r.Row) + " " + strings.Join([]string{r.Message.ID, r.Message.Group, r.Message.Sender,
			r.Message.At.Format(time.RFC3339Nano), string(r.Message.Kind), strconv.FormatBool(r.Message.AtAll), strconv.FormatBool(r.Message.Forwarded), r.Message.Text}, "|")
	case r.App != nil:
		return strconv.Itoa(r.Row) + " " + r.App.App + " " + r.App.Day.String() + " " + strings.Trim(strings.Join(strings.Fields(strconv.Quote(
			strings.Join([]string{strconv.FormatInt(r.App.ActiveUsers, 10), strconv.FormatInt(r.App.Sessions, 10), strconv.FormatInt(r.App.CheckinsRequired, 10),
				strconv.FormatInt(r.App.CheckinsDone, 10), strconv.FormatInt(r.App.FormsSubmitted, 10)}, ","))), " "), `"`)
	case r.Account != nil:
		a := r.Account
		return strconv.Itoa(r.Row) + " " + a.Account + " " + a.Day.String() + " " + strings.Join([]string{strconv.FormatInt(a.Posts, 10), strconv.FormatInt(a.Reads, 10),
			strconv.FormatInt(a.Followers, 10), strconv.FormatInt(a.Comments, 10), strconv.FormatInt(a.CommentsAnswered, 10), strconv.FormatFloat(a.AnswerMinutes, 'g', -1, 64)}, ",")
	}
	return "<empty " + string(r.Kind) + ">"
}

func TestParseLineErrors(t *testing.T) {
	long := strings.Repeat("长", maxTextBytes/3+1)
	tests := []struct {
		name, line  string
		kind        Kind
		reason, col string
		msgHasValue bool
	}{
		{"not json", `{"group":"g",`, "", ReasonBadJSON, "", false},
		{"array", `[1]`, "", ReasonBadJSON, "", false},
		{"trailing", `{"group":"g"} x`, "", ReasonBadJSON, "", false},
		{"bad number literal", `{"group":"g","posts":01}`, "", ReasonBadJSON, "", false},
		{"raw control", "{\"group\":\"a\x01\"}", "", ReasonBadJSON, "", false},
		{"bad utf8", "{\"group\":\"g\",\"time\":\"2026-03-02 09:15:27\",\"text\":\"a\xff\"}", "", ReasonBadUTF8, "text", true},
		{"lone surrogate", `{"group":"g\ud800","time":"2026-03-02 09:15:27"}`, "", ReasonBadUTF8, "group", true},
		{"missing group", `{"group":"  ","time":"2026-03-02 09:15:27"}`, "", ReasonMissing, "group", false},
		{"missing time", `{"group":"g"}`, "", ReasonMissing, "time", false},
		{"missing date", `{"app":"a"}`, "", ReasonMissing, "date", false},
		{"negative", `{"app":"a","date":"2026-03-01","sessions":-1}`, "", ReasonBadNumber, "sessions", true},
		{"too big", `{"app":"a","date":"2026-03-01","sessions":1e13}`, "", ReasonBadNumber, "sessions", true},
		{"not a number", `{"account":"a","date":"2026-03-01","reads":"很多"}`, "", ReasonBadNumber, "reads", true},
		{"fraction", `{"account":"a","date":"2026-03-01","reads":1.5}`, "", ReasonBadNumber, "reads", true},
		{"bool count", `{"account":"a","date":"2026-03-01","reads":true}`, "", ReasonBadNumber, "reads", true},
		{"bad minutes", `{"account":"a","date":"2026-03-01","answer_minutes":-3}`, "", ReasonBadNumber, "answer_minutes", true},
		{"text too long", `{"group":"g","time":"2026-03-02 09:15:27","text":"` + long + `"}`, "", ReasonTooLong, "text", true},
		{"bad time", `{"group":"g","time":"2026-13-01 25:00"}`, "", ReasonBadTime, "time", true},
		{"bad time 2", `{"group":"g","time":"昨天"}`, "", ReasonBadTime, "time", true},
		{"time out of range", `{"group":"g","time":"1900-01-01 00:00:00"}`, "", ReasonBadTime, "time", true},
		{"bad date", `{"app":"a","date":"2026-02-30"}`, "", ReasonBadDate, "date", true},
		{"bad kind", `{"group":"g","time":"2026-03-02 09:15:27","kind":"hologram"}`, "", ReasonBadKind, "kind", true},
		{"bad bool", `{"group":"g","time":"2026-03-02 09:15:27","at_all":"也许"}`, "", ReasonBadBool, "at_all", true},
		{"unknown type", `{"type":"event","group":"g"}`, "", ReasonBadType, "type", true},
		{"type differs", `{"type":"app","app":"a","date":"2026-03-01"}`, KindMessage, ReasonBadType, "type", true},
		{"no key", `{"time":"2026-03-02 09:15:27"}`, "", ReasonBadType, "", false},
		{"object value", `{"group":{"id":1},"time":"2026-03-02 09:15:27"}`, "", ReasonBadValue, "group", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, e := ParseLine([]byte(tt.line), 3, tt.kind)
			if e == nil {
				t.Fatalf("accepted: %s", dump(rec))
			}
			if e.Reason != tt.reason || e.Column != tt.col || e.Row != 3 {
				t.Errorf("got %s/%q row %d (%v), want %s/%q", e.Reason, e.Column, e.Row, e, tt.reason, tt.col)
			}
			if tt.msgHasValue && (e.Value == "" || !strings.Contains(e.Msg, e.Value[:min(len(e.Value), 8)])) {
				t.Errorf("message %q does not show the value %q", e.Msg, e.Value)
			}
			if !strings.HasPrefix(e.Error(), "第 3 行") {
				t.Errorf("Error() = %q", e.Error())
			}
		})
	}
}

func TestBadTimeMessage(t *testing.T) {
	_, e := ParseLine([]byte(`{"group":"g","time":"2026-13-01 25:00"}`), 5, "")
	want := `第 5 行「time」: 无法识别的时间 "2026-13-01 25:00",请使用 2006-01-02 15:04:05 或带时区的 RFC 3339 格式`
	if e == nil || e.Error() != want {
		t.Errorf("got %v\nwant %s", e, want)
	}
}

func TestParseMsgKind(t *testing.T) {
	tests := []struct {
		in   string
		want MsgKind
		ok   bool
	}{
		{"", MsgText, true}, {"text", MsgText, true}, {"文本", MsgText, true}, {"Markdown", MsgText, true},
		{"chatrecord", MsgText, true}, {"合并转发", MsgText, true}, {"图片", MsgImage, true}, {"IMAGE", MsgImage, true},
		{"file", MsgFile, true}, {"docmsg", MsgFile, true}, {"语音", MsgVoice, true}, {"video", MsgVideo, true},
		{"链接", MsgLink, true}, {"群公告", MsgNotice, true}, {"公告", MsgNotice, true}, {"接龙", MsgPoll, true},
		{"vote", MsgPoll, true}, {"问卷", MsgPoll, true}, {"poll", MsgPoll, true}, {"redpacket", MsgOther, true},
		{" 其他 ", MsgOther, true}, {"hologram", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseMsgKind(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseMsgKind(%q) = %q, %v", tt.in, got, ok)
			}
		})
	}
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		name string
		head string
		want Format
		err  bool
	}{
		{"a.ndjson", "", FormatNDJSON, false}, {"a.JSONL", "", FormatNDJSON, false}, {"a.json", "", FormatNDJSON, false},
		{"a.csv", "", FormatCSV, false}, {"a.txt", "", FormatCSV, false}, {"a.tsv", "", FormatCSV, false},
		{"a.xlsx", "", FormatXLSX, false}, {"a.xls", "", "", true},
		{"upload", "PK\x03\x04rest", FormatXLSX, false}, {"upload", "\xEF\xBB\xBF {\"group\":1}", FormatNDJSON, false},
		{"upload", "群组,时间\n", FormatCSV, false}, {"upload", "\xc8\xba\xd7\xe9,time\n", FormatCSV, false},
		{"upload", "\x00\x01\x02binary", "", true}, {"upload", "\xD0\xCF\x11\xE0", "", true}, {"upload", "\xFF\xFEa\x00", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.head, func(t *testing.T) {
			got, err := DetectFormat(tt.name, []byte(tt.head))
			if (err != nil) != tt.err || got != tt.want {
				t.Errorf("got %q, %v", got, err)
			}
			if err != nil && !errs.Is(err, errs.Invalid) {
				t.Errorf("error %v is not errs.Invalid", err)
			}
		})
	}
}

// readAll reads every row, failing the test on a fatal error.
func readAll(t *testing.T, rd *Reader) (recs []Record, rowErrs []*RowError) {
	t.Helper()
	for {
		rec, e, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("fatal: %v", err)
		}
		if e != nil {
			rowErrs = append(rowErrs, e)
		} else {
			recs = append(recs, rec)
		}
	}
}

func open(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestNDJSONFile(t *testing.T) {
	rd, err := NewReader(open(t, "mixed.ndjson"), FormatNDJSON, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	recs, rowErrs := readAll(t, rd)
	var rows []int
	var kinds []Kind
	for _, r := range recs {
		rows = append(rows, r.Row)
		kinds = append(kinds, r.Kind)
	}
	wantRows := []int{1, 2, 4, 5, 7}
	if !equalInts(rows, wantRows) {
		t.Errorf("record rows %v, want %v (kinds %v)", rows, wantRows, kinds)
	}
	if len(rowErrs) != 1 || rowErrs[0].Row != 6 || rowErrs[0].Reason != ReasonBadTime {
		t.Errorf("row errors %v", rowErrs)
	}
	if rd.Rows() != 6 {
		t.Errorf("Rows() = %d, want 6", rd.Rows())
	}
	if m := recs[1].Message; m.Kind != MsgImage || !m.AtAll || m.Group != "锦江大队工作群" {
		t.Errorf("line 2: %s", dump(recs[1]))
	}
	if a := recs[3].Account; a.Reads != 1500 || a.Day != utc("2026-03-01T00:00:00Z") {
		t.Errorf("line 5: %s", dump(recs[3]))
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestNDJSONTooLong(t *testing.T) {
	good := `{"group":"g","time":"2026-03-02 09:15:27"}`
	for _, max := range []int{100, 1 << 20} {
		t.Run(strconv.Itoa(max), func(t *testing.T) {
			long := `{"group":"g","time":"2026-03-02 09:15:27","text":"` + strings.Repeat("x", max+200_000) + `"}`
			in := "\xEF\xBB\xBF" + good + "\r\n" + long + "\n" + good + "\n" + good
			rd, err := NewReader(strings.NewReader(in), FormatNDJSON, Options{MaxLineBytes: max})
			if err != nil {
				t.Fatal(err)
			}
			recs, rowErrs := readAll(t, rd)
			if len(recs) != 3 || recs[0].Row != 1 || recs[1].Row != 3 || recs[2].Row != 4 {
				t.Errorf("records %d: %v", len(recs), recs)
			}
			if len(rowErrs) != 1 || rowErrs[0].Row != 2 || rowErrs[0].Reason != ReasonTooLong {
				t.Errorf("row errors %v", rowErrs)
			}
		})
	}
}

func TestCSVFiles(t *testing.T) {
	t.Run("utf8 bom, wecom headers", func(t *testing.T) {
		rd, err := NewReader(open(t, "messages_bom.csv"), FormatCSV, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if rd.Kind() != KindMessage {
			t.Fatalf("kind %q", rd.Kind())
		}
		recs, rowErrs := readAll(t, rd)
		if len(recs) != 3 {
			t.Fatalf("records: %d %v", len(recs), rowErrs)
		}
		m := recs[0].Message
		if recs[0].Row != 2 || m.Sender != "0042" || m.ID != "m1" || m.Text != "各中队注意:\n明天上午九点开会,请准时参加。" || !m.At.Equal(utc("2026-03-02T01:15:27Z")) {
			t.Errorf("row 2: %s", dump(recs[0]))
		}
		// 发送者ID is empty, so the name is taken.
		if m := recs[1].Message; recs[1].Row != 4 || m.Sender != "李四" || m.Kind != MsgPoll || m.Text != `投票:"周六"还是周日` {
			t.Errorf("row 4: %s", dump(recs[1]))
		}
		if m := recs[2].Message; recs[2].Row != 6 || m.Kind != MsgOther {
			t.Errorf("row 6: %s", dump(recs[2]))
		}
		if len(rowErrs) != 1 || rowErrs[0].Row != 5 || rowErrs[0].Reason != ReasonMissing || rowErrs[0].Column != "群聊名称" {
			t.Errorf("row errors %v", rowErrs)
		}
	})
	t.Run("gbk", func(t *testing.T) {
		rd, err := NewReader(open(t, "apps_gbk.csv"), FormatCSV, Options{})
		if err != nil {
			t.Fatal(err)
		}
		recs, rowErrs := readAll(t, rd)
		if len(recs) != 2 || len(rowErrs) != 1 {
			t.Fatalf("records %v errors %v", recs, rowErrs)
		}
		a := recs[0].App
		if a.App != "消防监督执法系统" || a.Day != utc("2026-03-01T00:00:00Z") || a.ActiveUsers != 120 || a.FormsSubmitted != 5 {
			t.Errorf("row 2: %s", dump(recs[0]))
		}
		if a := recs[1].App; a.Day != utc("2026-03-02T00:00:00Z") || a.ActiveUsers != 1200 || a.Sessions != -1 {
			t.Errorf("row 3: %s", dump(recs[1]))
		}
		if e := rowErrs[0]; e.Row != 4 || e.Reason != ReasonBadNumber || e.Column != "活跃用户数" || e.Value != "-5" {
			t.Errorf("row error %v", e)
		}
	})
}

func TestCSVCases(t *testing.T) {
	tests := []struct {
		name, in string
		opt      Options
		rows     []int    // rows of records
		errs     []string // "row:reason:column" of row errors
	}{
		{"tab separated, aliases", "*公众号\t 日期 \t阅读数\t平均回复时长（分钟）\tFollowers\n号1\t2026-03-01\t10\t2.5\t7\n", Options{},
			[]int{2}, nil},
		{"english headers", "group,time,kind,at_all,forwarded\r\ng,2026-03-02 09:15,text,1,n\r\n\r\ng,2026-03-02 09:16,image,y,是\r\n", Options{},
			[]int{2, 4}, nil},
		{"formula escape", "群组,时间,内容\n'=G1,2026-03-02 09:15,'+1\n", Options{}, []int{2}, nil},
		{"bad utf8", "群组,时间\n\xff\xfeab群组,2026-03-02 09:15\ng,2026-03-02 09:15\n", Options{}, []int{3}, []string{"2:bad_utf8:群组"}},
		{"too long line", "群组,时间,内容\ng,2026-03-02 09:15,\"" + strings.Repeat("x", 300) + "\"\ng,2026-03-02 09:15\n", Options{MaxLineBytes: 200},
			[]int{3}, []string{"2:too_long:"}},
		{"too long record", "群组,时间,内容\ng,2026-03-02 09:15,\"" + strings.Repeat("x", 150) + "\n" + strings.Repeat("x", 150) + "\"\ng,2026-03-02 09:15\n", Options{MaxLineBytes: 200},
			[]int{4}, []string{"2:too_long:"}},
		{"quoted multiline record", "群组,时间,内容\ng,2026-03-02 09:15,\"a\nb\"\ng,2026-03-02 09:15\n", Options{}, []int{2, 4}, nil},
		{"lazy quotes", "群组,时间,内容\ng\"x,2026-03-02 09:15,\"a\"b\n", Options{}, []int{2}, nil},
		{"kind option", "账号,日期,群组\na,2026-03-01,g\n", Options{Kind: KindAccount}, []int{2}, nil},
		{"xlsx serial not in csv", "应用,日期\na,45000\n", Options{}, nil, []string{"2:bad_date:日期"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, err := NewReader(strings.NewReader(tt.in), FormatCSV, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			recs, rowErrs := readAll(t, rd)
			var rows []int
			for _, r := range recs {
				rows = append(rows, r.Row)
			}
			var es []string
			for _, e := range rowErrs {
				es = append(es, strconv.Itoa(e.Row)+":"+e.Reason+":"+e.Column)
			}
			if !equalInts(rows, tt.rows) || strings.Join(es, " ") != strings.Join(tt.errs, " ") {
				t.Errorf("rows %v errors %v, want %v %v", rows, es, tt.rows, tt.errs)
			}
		})
	}
	rd, _ := NewReader(strings.NewReader("群组,时间,内容\n'=G1,2026-03-02 09:15,'+1\n"), FormatCSV, Options{})
	recs, _ := readAll(t, rd)
	if m := recs[0].Message; m.Group != "=G1" || m.Text != "+1" {
		t.Errorf("formula escape kept: %s", dump(recs[0]))
	}
	rd, _ = NewReader(strings.NewReader("*公众号\t 日期 \t阅读数\t平均回复时长（分钟）\tFollowers\n号1\t2026-03-01\t10\t2.5\t7\n"), FormatCSV, Options{})
	recs, _ = readAll(t, rd)
	if a := recs[0].Account; a.Reads != 10 || a.AnswerMinutes != 2.5 || a.Followers != 7 || a.Posts != -1 {
		t.Errorf("aliases: %s", dump(recs[0]))
	}
}

func TestHeaderErrors(t *testing.T) {
	tests := []struct {
		name, in string
		opt      Options
		want     string
	}{
		{"no key", "序号,名称\n1,a\n", Options{}, "找到的列:“序号”、“名称”"},
		{"two kinds", "群组,应用,日期,时间\n", Options{}, "群消息和应用使用"},
		{"missing time", "群组,内容\n", Options{}, "缺少“发送时间”列"},
		{"missing key for kind", "群组,时间\n", Options{Kind: KindApp}, "缺少“应用”列"},
		{"unknown kind", "群组,时间\n", Options{Kind: "event"}, "未知的数据类型"},
		{"empty", "\n\n", Options{}, "文件是空的"},
		{"utf16", "\xFF\xFEa\x00", Options{}, "UTF-16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(tt.in), FormatCSV, tt.opt)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errs.Is(err, errs.Invalid) {
				t.Errorf("got %v, want one with %q", err, tt.want)
			}
		})
	}
}

// writeXLSX makes a workbook with a messages sheet after an instructions sheet, and an apps
// sheet with date serials, and returns its bytes.
func writeXLSX(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := f.NewSheet("群消息")
	must(err)
	must(f.SetSheetRow("群消息", "A1", &[]any{"群组", "发送时间", "消息类型", "@所有人", "内容"}))
	must(f.SetSheetRow("群消息", "A2", &[]any{"GRP-000001", 46083.5, "文本", true, "开会"}))             // 2026-03-02 12:00 Shanghai
	must(f.SetSheetRow("群消息", "A4", &[]any{"GRP-000001", "2026-03-02 09:15:27", "图片", "否", nil})) // row 3 is missing
	must(f.SetSheetRow("群消息", "A5", &[]any{"GRP-000001", "不是时间", "文本", "否", nil}))
	must(f.SetSheetName("Sheet1", "应用"))
	must(f.SetSheetRow("应用", "A1", &[]any{"应用名称", "日期", "活跃用户数", "使用次数"}))
	must(f.SetSheetRow("应用", "A2", &[]any{"消防监督执法系统", 46082, 120, 340.0}))
	style, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(err)
	must(f.SetCellStyle("应用", "B2", "B2", style))
	must(f.SetSheetRow("应用", "A3", &[]any{"消防监督执法系统", "2026/3/2", "1,200", nil}))
	var buf bytes.Buffer
	must(f.Write(&buf))
	return buf.Bytes()
}

func TestXLSX(t *testing.T) {
	data := writeXLSX(t)
	path := filepath.Join(t.TempDir(), "a.xlsx")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	sources := map[string]func() io.Reader{
		"spooled": func() io.Reader { return bytes.NewReader(data) },
		"os.File": func() io.Reader {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			return f
		},
	}
	for name, src := range sources {
		t.Run(name+"/apps first sheet", func(t *testing.T) {
			rd, err := NewReader(src(), FormatXLSX, Options{})
			if err != nil {
				t.Fatal(err)
			}
			recs, rowErrs := readAll(t, rd)
			tmp := rd.xlsx.tmp
			if err := rd.Close(); err != nil {
				t.Fatal(err)
			}
			if tmp != "" {
				if _, err := os.Stat(tmp); !os.IsNotExist(err) {
					t.Errorf("temporary file %s left behind", tmp)
				}
			}
			if len(recs) != 2 || len(rowErrs) != 0 {
				t.Fatalf("records %v errors %v", recs, rowErrs)
			}
			if a := recs[0].App; a.Day != utc("2026-03-01T00:00:00Z") || a.ActiveUsers != 120 || a.Sessions != 340 {
				t.Errorf("row 2: %s", dump(recs[0]))
			}
			if a := recs[1].App; recs[1].Row != 3 || a.Day != utc("2026-03-02T00:00:00Z") || a.ActiveUsers != 1200 {
				t.Errorf("row 3: %s", dump(recs[1]))
			}
		})
		t.Run(name+"/messages sheet", func(t *testing.T) {
			rd, err := NewReader(src(), FormatXLSX, Options{Sheet: "群消息"})
			if err != nil {
				t.Fatal(err)
			}
			defer rd.Close()
			recs, rowErrs := readAll(t, rd)
			if len(recs) != 2 || len(rowErrs) != 1 {
				t.Fatalf("records %v errors %v", recs, rowErrs)
			}
			if m := recs[0].Message; recs[0].Row != 2 || !m.At.Equal(utc("2026-03-02T04:00:00Z")) || !m.AtAll || m.Text != "开会" {
				t.Errorf("row 2: %s", dump(recs[0]))
			}
			if m := recs[1].Message; recs[1].Row != 4 || m.Kind != MsgImage || !m.At.Equal(utc("2026-03-02T01:15:27Z")) {
				t.Errorf("row 4: %s", dump(recs[1]))
			}
			if e := rowErrs[0]; e.Row != 5 || e.Reason != ReasonBadTime || e.Column != "发送时间" {
				t.Errorf("row error %v", e)
			}
		})
	}
	t.Run("no such sheet", func(t *testing.T) {
		_, err := NewReader(bytes.NewReader(data), FormatXLSX, Options{Sheet: "人员"})
		if err == nil || !strings.Contains(err.Error(), "没有名为“人员”的工作表") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("not xlsx", func(t *testing.T) {
		_, err := NewReader(strings.NewReader("群组,时间\n"), FormatXLSX, Options{})
		if !errs.Is(err, errs.Invalid) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("too large", func(t *testing.T) {
		_, err := NewReader(bytes.NewReader(data), FormatXLSX, Options{MaxXLSXBytes: 100})
		if !errs.Is(err, errs.TooLarge) {
			t.Errorf("got %v", err)
		}
	})
}

// lineGen generates NDJSON message lines up to n bytes, never holding more than one line.
type lineGen struct {
	n, done int64
	i       int
	pending []byte
}

func (g *lineGen) Read(p []byte) (int, error) {
	if g.done >= g.n && len(g.pending) == 0 {
		return 0, io.EOF
	}
	written := 0
	for written < len(p) && (len(g.pending) > 0 || g.done < g.n) {
		if len(g.pending) == 0 {
			g.i++
			g.pending = append(g.pending[:0], sampleLine(g.i)...)
			g.pending = append(g.pending, '\n')
		}
		c := copy(p[written:], g.pending)
		g.pending = g.pending[c:]
		written += c
		g.done += int64(c)
	}
	return written, nil
}

func sampleLine(i int) string {
	return `{"id":"msg-` + strconv.Itoa(i) + `","group":"GRP-000123","sender":"51010200123","time":"2026-03-02 09:15:27","kind":"text","at_all":false,"forwarded":false,"text":"各中队注意:明天上午九点在大队会议室召开消防安全检查部署会,请准时参加。"}`
}

func TestStreamMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 50 MB")
	}
	const size = 50 << 20
	for _, f := range []Format{FormatNDJSON, FormatCSV} {
		t.Run(string(f), func(t *testing.T) {
			var src io.Reader = &lineGen{n: size}
			if f == FormatCSV {
				src = io.MultiReader(strings.NewReader("消息编号,群组,发送时间,内容\n"), &csvGen{lineGen{n: size}})
			}
			rd, err := NewReader(src, f, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var ms runtime.MemStats
			var peak uint64
			n := 0
			for {
				_, e, err := rd.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if e != nil {
					t.Fatalf("row error %v", e)
				}
				n++
				if n%20000 == 0 {
					runtime.GC()
					runtime.ReadMemStats(&ms)
					peak = max(peak, ms.HeapInuse)
				}
			}
			if n < 150000 {
				t.Errorf("only %d rows", n)
			}
			if peak > 8<<20 {
				t.Errorf("heap in use reached %d bytes reading %d rows", peak, n)
			}
			t.Logf("%d rows, peak HeapInuse %d KiB", n, peak>>10)
		})
	}
}

// csvGen generates CSV message rows up to n bytes.
type csvGen struct{ lineGen }

func (g *csvGen) Read(p []byte) (int, error) {
	if g.done >= g.n && len(g.pending) == 0 {
		return 0, io.EOF
	}
	written := 0
	for written < len(p) && (len(g.pending) > 0 || g.done < g.n) {
		if len(g.pending) == 0 {
			g.i++
			g.pending = append(g.pending[:0], "m"+strconv.Itoa(g.i)+",GRP-000123,2026-03-02 09:15:27,\"各中队注意,明天上午九点开会。\"\r\n"...)
		}
		c := copy(p[written:], g.pending)
		g.pending = g.pending[c:]
		written += c
		g.done += int64(c)
	}
	return written, nil
}
