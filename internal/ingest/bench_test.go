package ingest

import (
	"encoding/json"
	"testing"
)

// benchLines are typical message lines: about 230 bytes, Chinese text, distinct ids.
func benchLines() [][]byte {
	lines := make([][]byte, 1024)
	for i := range lines {
		lines[i] = []byte(sampleLine(100000 + i))
	}
	return lines
}

func reportLines(b *testing.B, lines [][]byte) {
	b.SetBytes(int64(len(lines[0])))
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkParseLine is the hand-written scanner ParseLine uses, with every check and
// conversion: the figure the 700k lines/s target is about.
func BenchmarkParseLine(b *testing.B) {
	lines := benchLines()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, e := ParseLine(lines[i%len(lines)], i, ""); e != nil {
			b.Fatal(e)
		}
	}
	reportLines(b, lines)
}

// parseLineStd is ParseLine written with encoding/json, to measure the alternative: decode
// into raw fields, then unquote each and run the same checks.
func parseLineStd(line []byte, row int, kind Kind) (Record, *RowError) {
	var l struct {
		ID        json.RawMessage `json:"id"`
		Group     json.RawMessage `json:"group"`
		Sender    json.RawMessage `json:"sender"`
		Time      json.RawMessage `json:"time"`
		Kind      json.RawMessage `json:"kind"`
		AtAll     json.RawMessage `json:"at_all"`
		Forwarded json.RawMessage `json:"forwarded"`
		Text      json.RawMessage `json:"text"`
		Type      json.RawMessage `json:"type"`
		App       json.RawMessage `json:"app"`
		Date      json.RawMessage `json:"date"`
		Active    json.RawMessage `json:"active_users"`
		Sessions  json.RawMessage `json:"sessions"`
		CheckReq  json.RawMessage `json:"checkins_required"`
		CheckDone json.RawMessage `json:"checkins_done"`
		Forms     json.RawMessage `json:"forms_submitted"`
		Account   json.RawMessage `json:"account"`
		Posts     json.RawMessage `json:"posts"`
		Reads     json.RawMessage `json:"reads"`
		Followers json.RawMessage `json:"followers"`
		Comments  json.RawMessage `json:"comments"`
		Answered  json.RawMessage `json:"comments_answered"`
		Minutes   json.RawMessage `json:"answer_minutes"`
	}
	if err := json.Unmarshal(line, &l); err != nil {
		return Record{}, &RowError{Row: row, Reason: ReasonBadJSON, Msg: err.Error()}
	}
	rv := rowVals{row: row}
	raws := [nFields]json.RawMessage{fID: l.ID, fGroup: l.Group, fSender: l.Sender, fTime: l.Time, fKind: l.Kind,
		fAtAll: l.AtAll, fForwarded: l.Forwarded, fText: l.Text, fType: l.Type, fApp: l.App, fDate: l.Date,
		fActive: l.Active, fSessions: l.Sessions, fCheckReq: l.CheckReq, fCheckDone: l.CheckDone, fForms: l.Forms,
		fAccount: l.Account, fPosts: l.Posts, fReads: l.Reads, fFollowers: l.Followers, fComments: l.Comments,
		fAnswered: l.Answered, fMinutes: l.Minutes}
	for f, r := range raws {
		switch {
		case len(r) == 0:
		case r[0] == '"':
			var s string
			_ = json.Unmarshal(r, &s)
			rv.v[f] = val{s: s, t: vString}
		case r[0] == 't' || r[0] == 'f':
			rv.v[f] = val{s: string(r), t: vBool}
		case r[0] == 'n':
			rv.v[f] = val{t: vNull}
		case r[0] == '{' || r[0] == '[':
			rv.v[f] = val{t: vComplex}
		default:
			rv.v[f] = val{s: string(r), t: vNumber}
		}
	}
	k, e := rv.kind(kind)
	if e != nil {
		return Record{}, e
	}
	return rv.build(k)
}

// BenchmarkParseLineStdJSON is ParseLine's work done with encoding/json instead of the scanner.
func BenchmarkParseLineStdJSON(b *testing.B) {
	lines := benchLines()
	if r, e := parseLineStd(lines[0], 1, ""); e != nil || r.Message.Text == "" {
		b.Fatal(e)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, e := parseLineStd(lines[i%len(lines)], i, ""); e != nil {
			b.Fatal(e)
		}
	}
	reportLines(b, lines)
}

// BenchmarkDecodeOnly is the baseline the issue compares against: a plain encoding/json
// Unmarshal of each line into a struct, with no checks or conversions.
func BenchmarkDecodeOnly(b *testing.B) {
	lines := benchLines()
	var m struct {
		ID        string `json:"id"`
		Group     string `json:"group"`
		Sender    string `json:"sender"`
		Time      string `json:"time"`
		Kind      string `json:"kind"`
		AtAll     bool   `json:"at_all"`
		Forwarded bool   `json:"forwarded"`
		Text      string `json:"text"`
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m = struct {
			ID        string `json:"id"`
			Group     string `json:"group"`
			Sender    string `json:"sender"`
			Time      string `json:"time"`
			Kind      string `json:"kind"`
			AtAll     bool   `json:"at_all"`
			Forwarded bool   `json:"forwarded"`
			Text      string `json:"text"`
		}{}
		if err := json.Unmarshal(lines[i%len(lines)], &m); err != nil {
			b.Fatal(err)
		}
	}
	reportLines(b, lines)
}

// BenchmarkScanOnly is the scanner alone (no value checks), for comparison with DecodeOnly.
func BenchmarkScanOnly(b *testing.B) {
	lines := benchLines()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		var rv rowVals
		if err := scanObject(lines[i%len(lines)], &rv); err != "" {
			b.Fatal(err)
		}
	}
	reportLines(b, lines)
}

// BenchmarkReaderNDJSON is the whole NDJSON path: reading lines through Reader.Next.
func BenchmarkReaderNDJSON(b *testing.B) {
	b.ReportAllocs()
	rd, err := NewReader(&lineGen{n: 1 << 62}, FormatNDJSON, Options{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, e, err := rd.Next(); err != nil || e != nil {
			b.Fatal(err, e)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
