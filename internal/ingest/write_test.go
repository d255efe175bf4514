package ingest

import (
	"bytes"
	"reflect"
	"testing"
	"time"
)

func TestAppendNDJSONRoundTrip(t *testing.T) {
	day := time.Date(2026, 10, 12, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		rec  Record
	}{
		{"message", Record{Kind: KindMessage, Message: &Message{ID: "m1", Group: "GRP-000001", Sender: "51000123",
			At: time.Date(2026, 10, 12, 1, 30, 0, 0, time.UTC), Kind: MsgPoll, AtAll: true, Text: "请\"各位\"接龙\n报名"}}},
		{"bare message", Record{Kind: KindMessage, Message: &Message{Group: "支队群", At: time.Date(2026, 10, 12, 1, 30, 0, 0, time.UTC), Kind: MsgText}}},
		{"app", Record{Kind: KindApp, App: &AppDay{App: "APP-0001", Day: day, ActiveUsers: 12, Sessions: -1, CheckinsRequired: 30,
			CheckinsDone: 28, FormsSubmitted: 0}}},
		{"account", Record{Kind: KindAccount, Account: &AccountDay{Account: "ACC-0001", Day: day, Posts: 1, Reads: 900, Followers: -1,
			Comments: 3, CommentsAnswered: 2, AnswerMinutes: 12.5}}},
		{"account without answers", Record{Kind: KindAccount, Account: &AccountDay{Account: "ACC-0002", Day: day, Posts: 0, Reads: 0,
			Followers: 10, Comments: 0, CommentsAnswered: 0, AnswerMinutes: -1}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			line := AppendNDJSON(nil, c.rec)
			if !bytes.HasSuffix(line, []byte("\n")) || bytes.Count(line, []byte("\n")) != 1 {
				t.Fatalf("not one line: %q", line)
			}
			got, rerr := ParseLine(bytes.TrimSuffix(line, []byte("\n")), 7, "")
			if rerr != nil {
				t.Fatalf("ParseLine(%s): %v", line, rerr)
			}
			c.rec.Row = 7
			if !reflect.DeepEqual(got, c.rec) {
				t.Errorf("round trip of %s:\n got %+v %+v %+v %+v\nwant %+v %+v %+v %+v", line, got, got.Message, got.App, got.Account,
					c.rec, c.rec.Message, c.rec.App, c.rec.Account)
			}
		})
	}
}
