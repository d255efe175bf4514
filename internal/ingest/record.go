// Package ingest reads activity data as it arrives from the bureau's platforms: work-group
// message metadata, app usage per day and public-account statistics per day, from NDJSON, CSV
// and XLSX files. It streams (a 2 GB file is never held in memory), checks every row and says
// what is wrong with a rejected row and where (row, column, value, why), in Chinese.
//
// It knows nothing of the database: names and codes are returned as written, and whether a group
// or person exists, whether a time lies in the future and whether a message was seen twice is the
// business of package activity, which rolls the records up.
package ingest

import (
	"strconv"
	"time"
)

// Kind is the kind of record a row holds.
type Kind string

// The kinds of record.
const (
	KindMessage Kind = "message" // one work-group message
	KindApp     Kind = "app"     // one app's usage on one day
	KindAccount Kind = "account" // one public account's statistics on one day
)

// MsgKind is what a message is, as the platform reports it.
type MsgKind string

// The message kinds. Platforms' own names are mapped to these by ParseMsgKind.
const (
	MsgText   MsgKind = "text"
	MsgImage  MsgKind = "image"
	MsgFile   MsgKind = "file"
	MsgVoice  MsgKind = "voice"
	MsgVideo  MsgKind = "video"
	MsgLink   MsgKind = "link"
	MsgNotice MsgKind = "notice" // 群公告
	MsgPoll   MsgKind = "poll"   // 接龙, 投票, 问卷
	MsgOther  MsgKind = "other"
)

// Message is one work-group message's metadata. Text is optional: when present it is classified
// in memory by package classify and then dropped unless the bureau stores texts.
type Message struct {
	ID        string    // the platform's message id, optional; identifies duplicates when present
	Group     string    // the group's code (GRP-000001) or its exact name
	Sender    string    // the sender's 工号 or name; empty when the export does not say
	At        time.Time // when it was sent, in UTC
	Kind      MsgKind   // MsgText when the source does not say
	AtAll     bool      // the platform marked it @所有人
	Forwarded bool      // the platform marked it as forwarded
	Text      string
}

// AppDay is one app's usage on one day. Counts that the source does not give are -1.
type AppDay struct {
	App              string    // the app's code (APP-0001) or exact name
	Day              time.Time // a date: midnight UTC of the day in Asia/Shanghai
	ActiveUsers      int64
	Sessions         int64
	CheckinsRequired int64 // 要求打卡/签到次数
	CheckinsDone     int64
	FormsSubmitted   int64
}

// AccountDay is one public account's statistics on one day. Counts that the source does not give
// are -1; AnswerMinutes is the mean time to answer a comment, -1 when unknown.
type AccountDay struct {
	Account          string    // the account's code (ACC-0001), exact name or handle
	Day              time.Time // a date: midnight UTC of the day in Asia/Shanghai
	Posts            int64
	Reads            int64
	Followers        int64
	Comments         int64
	CommentsAnswered int64
	AnswerMinutes    float64
}

// Record is one accepted row: exactly one of its pointers is set, as Kind says.
type Record struct {
	Kind    Kind
	Row     int // the row in the file: the line for NDJSON and CSV, the sheet row for XLSX
	Message *Message
	App     *AppDay
	Account *AccountDay
}

// RowError says why a row was rejected: where (row, column), what was there (Value, cut short)
// and why, in Chinese. Reason is a short stable code for counting rejections by kind.
type RowError struct {
	Row    int    `json:"row"`
	Column string `json:"column"` // the column header or JSON field; empty when the whole row is wrong
	Value  string `json:"value"`
	Reason string `json:"reason"` // e.g. "bad_time", "bad_utf8", "missing", "bad_number", "too_long", "bad_json"
	Msg    string `json:"msg"`
}

func (e *RowError) Error() string {
	s := "第 " + strconv.Itoa(e.Row) + " 行"
	if e.Column != "" {
		s += "「" + e.Column + "」"
	}
	return s + ": " + e.Msg
}
