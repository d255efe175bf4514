package ingest

import (
	"encoding/json"
	"strconv"
	"time"
)

// AppendNDJSON appends r as one NDJSON line (with its line break) in the format ParseLine reads:
// what the demo's generator writes for benchmarks and for trying an import. Counts of -1 and an
// unknown answer time are left out, as a platform's export would.
func AppendNDJSON(b []byte, r Record) []byte {
	b = append(b, '{')
	first := true
	str := func(k, v string) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '"')
		b = append(b, k...)
		b = append(b, `":`...)
		q, _ := json.Marshal(v) // a string always marshals
		b = append(b, q...)
	}
	num := func(k string, v int64) {
		if v < 0 {
			return
		}
		b = append(b, ',', '"')
		b = append(b, k...)
		b = append(b, `":`...)
		b = strconv.AppendInt(b, v, 10)
	}
	flag := func(k string, v bool) {
		if v {
			b = append(b, ',', '"')
			b = append(b, k...)
			b = append(b, `":true`...)
		}
	}
	switch {
	case r.Message != nil:
		m := r.Message
		str("group", m.Group)
		if m.ID != "" {
			str("id", m.ID)
		}
		if m.Sender != "" {
			str("sender", m.Sender)
		}
		str("time", m.At.UTC().Format(time.RFC3339))
		if m.Kind != "" && m.Kind != MsgText {
			str("kind", string(m.Kind))
		}
		flag("at_all", m.AtAll)
		flag("forwarded", m.Forwarded)
		if m.Text != "" {
			str("text", m.Text)
		}
	case r.App != nil:
		a := r.App
		str("app", a.App)
		str("date", a.Day.Format("2006-01-02"))
		num("active_users", a.ActiveUsers)
		num("sessions", a.Sessions)
		num("checkins_required", a.CheckinsRequired)
		num("checkins_done", a.CheckinsDone)
		num("forms_submitted", a.FormsSubmitted)
	case r.Account != nil:
		a := r.Account
		str("account", a.Account)
		str("date", a.Day.Format("2006-01-02"))
		num("posts", a.Posts)
		num("reads", a.Reads)
		num("followers", a.Followers)
		num("comments", a.Comments)
		num("comments_answered", a.CommentsAnswered)
		if a.AnswerMinutes >= 0 {
			b = append(b, `,"answer_minutes":`...)
			b = strconv.AppendFloat(b, a.AnswerMinutes, 'f', -1, 64)
		}
	}
	return append(b, '}', '\n')
}
