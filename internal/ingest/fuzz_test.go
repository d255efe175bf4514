package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzParseLine checks that ParseLine never panics, returns exactly one of a record and a
// RowError, and agrees with encoding/json on what is JSON: invalid JSON is always rejected as
// bad_json, and a valid object never is.
func FuzzParseLine(f *testing.F) {
	for _, s := range []string{
		sampleLine(1),
		`{"app":"APP-0001","date":"2026-03-01","active_users":"120","sessions":340}`,
		`{"type":"account","account":"a","date":"20260301","reads":"1,500","answer_minutes":1.5}`,
		`{"group":"\u7fa4\ud83d\ude00","time":1772414127,"x":[{"y":null}],"kind":"chatrecord"}`,
		`{"group":"g\ud800","time":"2026-13-01 25:00"}`, `{"a":-0.5e+3}`, `[]`, `{`, "{\"group\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		for _, k := range []Kind{"", KindMessage, KindApp, KindAccount} {
			rec, e := ParseLine(line, 1, k)
			if (e == nil) == (rec.Kind == "") {
				t.Fatalf("record %v and error %v", rec, e)
			}
			if e != nil {
				if e.Reason == "" || e.Msg == "" || e.Row != 1 {
					t.Fatalf("incomplete row error %#v", e)
				}
				continue
			}
			if (rec.Message != nil) != (rec.Kind == KindMessage) || (rec.App != nil) != (rec.Kind == KindApp) || (rec.Account != nil) != (rec.Kind == KindAccount) {
				t.Fatalf("record kind %q does not match its pointers", rec.Kind)
			}
		}
		_, e := ParseLine(line, 1, "")
		valid := json.Valid(line)
		isBadJSON := e != nil && e.Reason == ReasonBadJSON
		var obj map[string]json.RawMessage
		isObject := valid && json.Unmarshal(line, &obj) == nil
		if !valid && !isBadJSON {
			t.Fatalf("invalid JSON %q not reported as bad_json: %v", line, e)
		}
		if isObject && isBadJSON {
			t.Fatalf("valid object %q reported as bad_json: %v", line, e)
		}
	})
}

// FuzzCSV checks that reading any CSV text never panics and that every row ends as a record or
// a RowError, until io.EOF.
func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		"群组,时间,内容\ng,2026-03-02 09:15,\"a\nb\"\n",
		"*公众号\t 日期 \t阅读数\t平均回复时长（分钟）\n号1\t2026-03-01\t10\t2.5\n",
		"\xEF\xBB\xBF应用名称,日期,活跃用户数\n\xcf\xfb\xb7\xc0,2026/3/1,\"1,200\"\n",
		"group,time\n\"g\"x\"\",1772414127\n\"unclosed,\n",
	} {
		f.Add(s, 64)
	}
	f.Fuzz(func(t *testing.T, in string, max int) {
		rd, err := NewReader(strings.NewReader(in), FormatCSV, Options{MaxLineBytes: max % 4096})
		if err != nil {
			return // a header the reader does not know
		}
		defer rd.Close()
		for i := 0; ; i++ {
			rec, e, err := rd.Next()
			if errors.Is(err, io.EOF) {
				if rd.Rows() != i {
					t.Fatalf("Rows() = %d after %d rows", rd.Rows(), i)
				}
				return
			}
			if err != nil {
				t.Fatalf("fatal error on text input: %v", err)
			}
			if (e == nil) == (rec.Kind == "") {
				t.Fatalf("record %v and error %v", rec, e)
			}
			if e != nil && (e.Reason == "" || e.Msg == "") {
				t.Fatalf("incomplete row error %#v", e)
			}
		}
	})
}

// FuzzXLSX checks that reading any bytes as a workbook either fails with an error or yields
// records and row errors, never a panic, and that every row error says where and why.
func FuzzXLSX(f *testing.F) {
	f.Add(writeXLSX(f))
	f.Add([]byte("PK\x03\x04not really a zip"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := NewReader(bytes.NewReader(data), FormatXLSX, Options{MaxXLSXBytes: 1 << 20})
		if err != nil {
			return
		}
		defer rd.Close()
		for range 10000 {
			rec, rerr, err := rd.Next()
			if err != nil {
				return
			}
			if (rerr == nil) == (rec.Kind == "") {
				t.Fatalf("row %d: record %+v and row error %v", rd.Rows(), rec, rerr)
			}
			if rerr != nil && (rerr.Row <= 0 || rerr.Msg == "") {
				t.Fatalf("row error without a place or a reason: %+v", rerr)
			}
		}
	})
}
