package api

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/campaign"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/rectify"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// phaseDates are four phases around today: the first from ten days ago to ten days ahead, then
// ten days each.
func phaseDates() []campaign.PhaseDates {
	today := tz.Today()
	out := []campaign.PhaseDates{{Start: today.AddDate(0, 0, -10), End: today.AddDate(0, 0, 10)}}
	for i := 1; i < 4; i++ {
		out = append(out, campaign.PhaseDates{Start: today.AddDate(0, 0, 1+10*i), End: today.AddDate(0, 0, 10+10*i)})
	}
	return out
}

func campaignPhases() []map[string]string {
	var out []map[string]string
	for _, ph := range phaseDates() {
		out = append(out, map[string]string{"start": ph.Start.Format("2006-01-02"), "end": ph.End.Format("2006-01-02")})
	}
	return out
}

func campaignBodyFor(fx *fixture, name, unit string) map[string]any {
	return map[string]any{"name": name, "year": tz.Today().Year(), "unit_id": fx.units[unit].ID, "phases": campaignPhases()}
}

// fixtureCampaign returns the fixture's campaign, run by 甲市支队, with one task 大队 owe in five
// days ("实施方案"), recording both on first use. The 支队's units see it; 新闻宣传处 does not.
func (fx *fixture) fixtureCampaign(t *testing.T) (campaignID, taskID int64) {
	t.Helper()
	ctx := context.Background()
	err := fx.db.QueryRowContext(ctx, `SELECT c.id, t.id FROM campaigns c JOIN campaign_tasks t ON t.campaign_id = c.id
		WHERE c.name = '甲市支队减负专项行动' AND t.title = '实施方案'`).Scan(&campaignID, &taskID)
	if err == nil {
		return campaignID, taskID
	}
	if !errors.Is(err, sql.ErrNoRows) {
		t.Fatal(err)
	}
	st := campaign.New(fx.db)
	in := campaign.Input{Name: "甲市支队减负专项行动", Year: tz.Today().Year(), UnitID: fx.units["ZD-A"].ID, Phases: phaseDates()}
	c, err := st.Create(ctx, org.System, in)
	storetest.Must(t, err)
	task, err := st.CreateTask(ctx, org.System, c.ID, campaign.TaskInput{Phase: campaign.Mobilize, Kind: campaign.KindPlan, Title: "实施方案",
		Due: tz.Today().AddDate(0, 0, 5), UnitKinds: []org.UnitKind{org.Brigade}})
	storetest.Must(t, err)
	return c.ID, task.ID
}

func campaignPath(suffix string) func(*testing.T, *fixture, string) string {
	return func(t *testing.T, fx *fixture, _ string) string {
		c, task := fx.fixtureCampaign(t)
		return strings.NewReplacer("{id}", fmt.Sprint(c), "{tid}", fmt.Sprint(task)).Replace("/api/v1/campaigns/{id}" + suffix)
	}
}

// submissionBody submits the 实施方案 of 甲区大队 with one PDF.
func submissionBodyFor(fx *fixture, unit string) map[string]any {
	return map[string]any{"unit_id": fx.units[unit].ID, "note": "按时报送",
		"documents": []map[string]any{{"name": "实施方案.pdf", "content": base64.StdEncoding.EncodeToString(testPDF)}}}
}

// selfCheckProblem submits, as the system for 甲区大队, a 自查报告 with one problem titled title to
// the fixture's self-check campaign (甲市支队自查督导, run by 甲市支队, recorded on first use), and
// returns the campaign, the submission and the problem.
func (fx *fixture) selfCheckProblem(t *testing.T, title string) (campaignID, submissionID, problemID int64) {
	t.Helper()
	ctx := context.Background()
	st := campaign.New(fx.db)
	var taskID int64
	err := fx.db.QueryRowContext(ctx, `SELECT c.id, t.id FROM campaigns c JOIN campaign_tasks t ON t.campaign_id = c.id
		WHERE c.name = '甲市支队自查督导'`).Scan(&campaignID, &taskID)
	if errors.Is(err, sql.ErrNoRows) {
		c, err := st.Create(ctx, org.System, campaign.Input{Name: "甲市支队自查督导", Year: tz.Today().Year(), UnitID: fx.units["ZD-A"].ID, Phases: phaseDates()})
		storetest.Must(t, err)
		task, err := st.CreateTask(ctx, org.System, c.ID, campaign.TaskInput{Phase: campaign.Mobilize, Kind: campaign.KindSelfCheck, Title: "自查报告",
			Due: tz.Today().AddDate(0, 0, 5), UnitKinds: []org.UnitKind{org.Brigade}})
		storetest.Must(t, err)
		campaignID, taskID = c.ID, task.ID
	} else {
		storetest.Must(t, err)
	}
	sub, err := st.Submit(ctx, org.System, campaign.SubmissionInput{TaskID: taskID, UnitID: fx.units["DD-A"].ID,
		Documents: []campaign.DocumentInput{{Name: "自查报告.pdf", Data: testPDF}},
		Problems:  []campaign.ProblemInput{{Title: title, Description: "甲一站值班群每日打卡", AssetCode: "GRP-A2", Measures: "取消打卡"}}})
	storetest.Must(t, err)
	return campaignID, sub.ID, sub.Problems[0].ID
}

// problemOf returns the campaign, submission and id of the problem titled title; request builders
// without a *testing.T use it, so it panics.
func problemOf(fx *fixture, title string) (campaignID, submissionID, problemID int64) {
	err := fx.db.QueryRowContext(context.Background(), `SELECT t.campaign_id, s.id, pr.id FROM campaign_problems pr
		JOIN campaign_submissions s ON s.id = pr.submission_id JOIN campaign_tasks t ON t.id = s.task_id WHERE pr.title = $1`, title).
		Scan(&campaignID, &submissionID, &problemID)
	if err != nil {
		panic(fmt.Sprintf("problem %s: %v", title, err))
	}
	return campaignID, submissionID, problemID
}

// fixtureNotes returns the fixture campaign's supervision notes by unit code, recording one about
// 甲区大队, 甲一站 and 乙区大队 on first use (a unit's first note is its fixture note).
func (fx *fixture) fixtureNotes(t *testing.T) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	c, _ := fx.fixtureCampaign(t)
	read := func() map[string]int64 {
		rows, err := fx.db.QueryContext(ctx, `SELECT n.id, u.code FROM campaign_notes n JOIN units u ON u.id = n.unit_id
			WHERE n.campaign_id = $1 ORDER BY n.id`, c)
		storetest.Must(t, err)
		defer rows.Close()
		out := map[string]int64{}
		for rows.Next() {
			var id int64
			var code string
			storetest.Must(t, rows.Scan(&id, &code))
			if _, ok := out[code]; !ok {
				out[code] = id
			}
		}
		storetest.Must(t, rows.Err())
		return out
	}
	if notes := read(); len(notes) > 0 {
		return notes
	}
	for _, code := range []string{"DD-A", "ZA-1", "DD-B"} {
		_, err := campaign.New(fx.db).AddNote(ctx, org.System, c, campaign.NoteInput{UnitID: fx.units[code].ID, Date: tz.Today(),
			Text: code + " 工作群数量较多", FollowUp: "一周内清理"})
		storetest.Must(t, err)
	}
	return read()
}

// notesPath is the fixture campaign's notes with suffix, "{nid}" in it standing for the fixture
// note about 甲区大队 and "{unit}" for 甲区大队's id.
func notesPath(suffix string) func(*testing.T, *fixture, string) string {
	return func(t *testing.T, fx *fixture, _ string) string {
		c, _ := fx.fixtureCampaign(t)
		nid := fx.fixtureNotes(t)["DD-A"]
		return strings.NewReplacer("{nid}", fmt.Sprint(nid), "{unit}", fmt.Sprint(fx.units["DD-A"].ID)).
			Replace(fmt.Sprintf("/api/v1/campaigns/%d/notes%s", c, suffix))
	}
}

// listPath is the fixture campaign's list of kind, with 甲区大队 and 乙一站 on the commendation
// list (saved on first use).
func listPath(kind string) func(*testing.T, *fixture, string) string {
	return func(t *testing.T, fx *fixture, _ string) string {
		ctx := context.Background()
		c, _ := fx.fixtureCampaign(t)
		st := campaign.New(fx.db)
		l, err := st.GetList(ctx, org.System, c, campaign.Commend)
		storetest.Must(t, err)
		if l.ID == 0 {
			_, err = st.SaveList(ctx, org.System, c, campaign.Commend, []campaign.Entry{
				{UnitID: fx.units["DD-A"].ID, Reason: "按期完成清理"}, {UnitID: fx.units["ZB-1"].ID, Reason: "主动整改"}})
			storetest.Must(t, err)
		}
		return fmt.Sprintf("/api/v1/campaigns/%d/lists/%s", c, kind)
	}
}

var campaignScopeCases = []scopeCase{
	{name: "campaigns", method: "GET", path: func(t *testing.T, fx *fixture, _ string) string { fx.fixtureCampaign(t); return "/api/v1/campaigns" },
		want: expect(200), totals: per(rootRoles+" liaisonA liaisonB inspector staff", 1, "reviewer", 0)},
	{name: "campaign of 甲市支队", method: "GET", path: campaignPath(""), want: expect(200, "reviewer", 404),
		check: func(t *testing.T, _ *fixture, key string, rec *httptest.ResponseRecorder) {
			var v campaignView
			decode(t, rec, &v)
			if len(v.Phases) != 4 || len(v.Tasks) != 1 || v.Tasks[0].Title != "实施方案" {
				t.Errorf("campaign as %s: %s", key, rec.Body)
			}
		}},
	{name: "campaign board", method: "GET", path: campaignPath("/board"), want: expect(200, "reviewer", 404),
		check: func(t *testing.T, fx *fixture, key string, rec *httptest.ResponseRecorder) {
			var b campaign.ProgressBoard
			decode(t, rec, &b)
			if len(b.Tasks) != 1 {
				t.Fatalf("board as %s: %s", key, rec.Body)
			}
			for _, row := range b.Tasks[0].Rows {
				if !fx.visible[key][row.UnitID] {
					t.Errorf("board as %s: row of %s, outside the scope", key, row.UnitName)
				}
			}
		}},
	{name: "campaign notes", method: "GET", path: notesPath(""), want: expect(200, "reviewer", 404), unitOf: "unit_id",
		totals: per(rootRoles+" inspector", 3, "liaisonA", 2, "liaisonB staff", 1)},
	{name: "campaign notes of 甲区大队", method: "GET", path: notesPath("?unit_id={unit}&limit=1"), want: expect(200, "reviewer", 404), unitOf: "unit_id",
		totals: per(rootRoles+" inspector liaisonA", 1, "liaisonB staff", 0)},
	{name: "commendation list", method: "GET", path: listPath("commend"), want: expect(200, "reviewer", 404, "staff", 403),
		check: func(t *testing.T, fx *fixture, key string, rec *httptest.ResponseRecorder) {
			var l campaign.List
			decode(t, rec, &l)
			want := per(rootRoles+" inspector", 2, "liaisonA liaisonB", 1)[key]
			if l.ID == 0 || l.Kind != campaign.Commend || len(l.Entries) != want {
				t.Errorf("commendation list as %s: %s", key, rec.Body)
			}
			for _, e := range l.Entries {
				if !fx.visible[key][e.UnitID] {
					t.Errorf("commendation list as %s: %s, outside the scope", key, e.UnitName)
				}
			}
		}},

	// Writes.
	{name: "create campaign", method: "POST", path: fixed("/api/v1/campaigns"),
		body: func(fx *fixture, key string) any { return campaignBodyFor(fx, "专项行动"+key, "ZD") }, want: expect(403, "admin office", 201)},
	{name: "add a task", method: "POST", path: campaignPath("/tasks"),
		body: func(*fixture, string) any {
			return map[string]any{"phase": 1, "kind": "plan", "title": "补充材料", "due": tz.Today().Format("2006-01-02"), "unit_kinds": []string{"station"}}
		},
		want: expect(403, "admin office", 201)},
	{name: "submit for 甲区大队", method: "POST", path: campaignPath("/tasks/{tid}/submissions"),
		body: func(fx *fixture, _ string) any { return submissionBodyFor(fx, "DD-A") },
		want: expect(403, "admin office liaisonA", 201, "liaisonB", 404)},
	{name: "file a 自查 problem", method: "POST",
		path: func(t *testing.T, fx *fixture, key string) string {
			c, _, pid := fx.selfCheckProblem(t, "问题-"+key)
			return fmt.Sprintf("/api/v1/campaigns/%d/problems/%d/ledger", c, pid)
		},
		body: func(fx *fixture, key string) any {
			_, sid, _ := problemOf(fx, "问题-"+key)
			return map[string]any{"submission_id": sid, "responsible_person_id": fx.people["P-A-2"].ID, "deadline_workdays": 5}
		},
		want: expect(403, "admin office", 201),
		check: func(t *testing.T, fx *fixture, key string, rec *httptest.ResponseRecorder) {
			var it rectify.Item
			decode(t, rec, &it)
			if it.Source != rectify.SourceSelfCheck || it.UnitID != fx.units["DD-A"].ID || it.Title != "问题-"+key || it.Measures != "取消打卡" {
				t.Errorf("filed as %s: %s", key, rec.Body)
			}
		}},
	{name: "add a note", method: "POST", path: notesPath(""),
		body: func(fx *fixture, key string) any {
			return map[string]any{"unit_id": fx.units["ZA-1"].ID, "date": tz.Today().Format("2006-01-02"), "text": "督导" + key}
		},
		want: expect(403, "admin office", 201)},
	{name: "update a note", method: "PUT", path: notesPath("/{nid}"),
		body: func(_ *fixture, key string) any {
			return map[string]any{"date": tz.Today().Format("2006-01-02"), "text": "复查" + key, "follow_up": "月底前完成"}
		},
		want: expect(403, "admin office", 200, "reviewer liaisonB staff", 404)},
	{name: "save the 约谈 list", method: "PUT", path: listPath("interview"),
		body: func(fx *fixture, _ string) any {
			return map[string]any{"entries": []map[string]any{{"unit_id": fx.units["DD-B"].ID, "reason": "逾期未报送"}}}
		},
		want: expect(403, "admin office", 200)},
}

// TestCampaignFlow creates a campaign with a task, submits documents and reads the board
// through the API on both engines.
func TestCampaignFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		do := func(key string, r req, want int) *httptest.ResponseRecorder {
			t.Helper()
			rec := fx.do(t, key, byToken, r)
			if rec.Code != want {
				t.Fatalf("%s %s as %s = %d, want %d: %s", r.method, r.path, key, rec.Code, want, rec.Body)
			}
			return rec
		}
		rec := do("office", req{method: "POST", path: "/api/v1/campaigns", body: campaignBodyFor(fx, "全局专项行动", "ZD")}, 201)
		var c campaign.Campaign
		decode(t, rec, &c)
		path := rec.Header().Get("Location")
		if len(c.Phases) != 4 || path != fmt.Sprintf("/api/v1/campaigns/%d", c.ID) {
			t.Fatalf("created: %s", rec.Body)
		}
		due := tz.Today().AddDate(0, 0, 1).Format("2006-01-02")
		rec = do("office", req{method: "POST", path: path + "/tasks", body: map[string]any{"phase": 1, "kind": "自查报告", "title": "自查报告",
			"due": due, "unit_kinds": []string{"brigade", "station"}}}, 201)
		var task campaign.Task
		decode(t, rec, &task)
		if task.Kind != campaign.KindSelfCheck || task.Due.Format("2006-01-02") != due {
			t.Errorf("task: %s", rec.Body)
		}
		sub := fmt.Sprintf("%s/tasks/%d/submissions", path, task.ID)

		// 甲区大队's liaison submits a report with its problems; 乙区大队's cannot submit for it.
		body := submissionBodyFor(fx, "DD-A")
		body["problems"] = []map[string]string{{"title": "群内打卡", "description": "甲一站值班群每日打卡", "measures": "取消打卡", "asset_code": "GRP-A2"}}
		do("liaisonB", req{method: "POST", path: sub, body: body}, 404)
		do("staff", req{method: "POST", path: sub, body: body}, 403)
		rec = do("liaisonA", req{method: "POST", path: sub, body: body}, 201)
		var s campaign.Submission
		decode(t, rec, &s)
		if len(s.Documents) != 1 || s.Documents[0].ContentType != campaign.TypePDF || s.Documents[0].Size != int64(len(testPDF)) ||
			len(s.Problems) != 1 || s.OnBehalf || s.UnitID != fx.units["DD-A"].ID {
			t.Errorf("submission: %s", rec.Body)
		}
		// A task of another campaign is not found under this one.
		other := do("office", req{method: "POST", path: "/api/v1/campaigns", body: campaignBodyFor(fx, "另一专项行动", "ZD")}, 201).Header().Get("Location")
		do("liaisonA", req{method: "POST", path: fmt.Sprintf("%s/tasks/%d/submissions", other, task.ID), body: body}, 404)

		// The board: 甲区大队 submitted; as of yesterday nothing was.
		var b campaign.ProgressBoard
		decode(t, do("office", req{method: "GET", path: path + "/board"}, 200), &b)
		states := map[string]campaign.State{}
		for _, row := range b.Tasks[0].Rows {
			states[row.UnitCode] = row.State
		}
		if states["DD-A"] != campaign.Submitted || states["DD-B"] != campaign.Pending || states["ZA-1"] != campaign.Pending || b.Tasks[0].Counts.Owing != 4 {
			t.Errorf("board: %v %+v", states, b.Tasks[0].Counts)
		}
		decode(t, do("office", req{method: "GET", path: path + "/board?as_of=" + tz.Today().AddDate(0, 0, -1).Format("2006-01-02")}, 200), &b)
		if b.Tasks[0].Counts.Submitted != 0 {
			t.Errorf("board as of yesterday: %+v", b.Tasks[0].Counts)
		}
		decode(t, do("liaisonB", req{method: "GET", path: path + "/board"}, 200), &b)
		if len(b.Tasks[0].Rows) != 2 {
			t.Errorf("board as liaisonB: %+v", b.Tasks[0].Rows)
		}

		// Documents must be what they say, and the body within the limit.
		for _, c := range []struct {
			docs  any
			field string
		}{
			{[]map[string]any{{"name": "a.pdf", "content": base64.StdEncoding.EncodeToString([]byte("plain text"))}}, "documents[0]"},
			{[]map[string]any{{"name": "a.pdf", "content": "%%% not base64"}}, "documents"},
			{[]map[string]any{}, "documents"},
			{[]map[string]any{{"name": "", "content": base64.StdEncoding.EncodeToString(testPDF)}}, "documents[0]"},
		} {
			body := submissionBodyFor(fx, "DD-A")
			body["documents"] = c.docs
			if e := errorOf(t, do("liaisonA", req{method: "POST", path: sub, body: body}, 400)); e.Field != c.field {
				t.Errorf("documents %v: field %q, want %q: %s", c.docs, e.Field, c.field, e.Message)
			}
		}
		big := submissionBodyFor(fx, "DD-A")
		big["documents"] = []map[string]any{{"name": "a.pdf", "content": base64.StdEncoding.EncodeToString(make([]byte, MaxUpload))}}
		do("liaisonA", req{method: "POST", path: sub, body: big}, 413)
		// A body over the ordinary 1 MB JSON limit is accepted here.
		large := submissionBodyFor(fx, "DD-A")
		large["documents"] = []map[string]any{{"name": "a.pdf", "content": base64.StdEncoding.EncodeToString(append(append([]byte{}, testPDF...), make([]byte, 2<<20)...))}}
		do("office", req{method: "POST", path: sub, body: large}, 201)
	})
}

// campaignURL is the path of the fixture campaign with suffix, "{tid}" in it standing for its
// task; fixtureCampaign has run.
func campaignURL(fx *fixture, suffix string) string {
	var c, task int64
	if err := fx.db.QueryRowContext(context.Background(), `SELECT c.id, t.id FROM campaigns c JOIN campaign_tasks t ON t.campaign_id = c.id
		WHERE c.name = '甲市支队减负专项行动' AND t.title = '实施方案'`).Scan(&c, &task); err != nil {
		panic(err)
	}
	return strings.NewReplacer("{id}", fmt.Sprint(c), "{tid}", fmt.Sprint(task)).Replace("/api/v1/campaigns/{id}" + suffix)
}

// TestFileCampaignProblem files a 自查 problem in the ledger through the API on both engines:
// refused calls create nothing, the first filing creates the item and marks the problem, the
// second is a conflict naming the item.
func TestFileCampaignProblem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		c, sid, pid := fx.selfCheckProblem(t, "值班群每日打卡")
		other, _ := fx.fixtureCampaign(t)
		path := fmt.Sprintf("/api/v1/campaigns/%d/problems/%d/ledger", c, pid)
		body := map[string]any{"submission_id": sid, "responsible_person_id": fx.people["P-A-2"].ID, "deadline_workdays": 15}
		ledgerItems := func() int {
			var n int
			storetest.Must(t, db.QueryRowContext(context.Background(), `SELECT count(*) FROM ledger_items`).Scan(&n))
			return n
		}

		for _, tc := range []struct {
			name, key, path string
			status          int
		}{
			{"甲区大队's liaison, who submitted it", "liaisonA", path, 403},
			{"a lead department", "lead", path, 403},
			{"the office, under another campaign", "office", fmt.Sprintf("/api/v1/campaigns/%d/problems/%d/ledger", other, pid), 404},
			{"the office, an unknown problem", "office", fmt.Sprintf("/api/v1/campaigns/%d/problems/%d/ledger", c, pid+1000), 404},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if rec := fx.do(t, tc.key, byToken, req{method: "POST", path: tc.path, body: body}); rec.Code != tc.status {
					t.Errorf("= %d, want %d: %s", rec.Code, tc.status, rec.Body)
				}
			})
		}
		if n := ledgerItems(); n != 0 {
			t.Fatalf("refused filings created %d ledger items", n)
		}

		rec := fx.do(t, "office", byToken, req{method: "POST", path: path, body: body})
		if rec.Code != 201 {
			t.Fatalf("file = %d: %s", rec.Code, rec.Body)
		}
		var it rectify.Item
		decode(t, rec, &it)
		if it.Source != rectify.SourceSelfCheck || it.UnitID != fx.units["DD-A"].ID || it.Title != "值班群每日打卡" || it.Measures != "取消打卡" ||
			it.ResponsiblePersonID != fx.people["P-A-2"].ID || !strings.Contains(it.Description, "相关资产:GRP-A2") ||
			!strings.Contains(it.Description, "甲市支队自查督导") || rec.Header().Get("Location") != fmt.Sprintf("/api/v1/ledger/%d", it.ID) {
			t.Errorf("filed item: %s", rec.Body)
		}
		// The item is the unit's: its liaison reads it.
		if r := fx.do(t, "liaisonA", byToken, req{method: "GET", path: rec.Header().Get("Location")}); r.Code != 200 {
			t.Errorf("the unit reads the item = %d", r.Code)
		}
		sub, err := campaign.New(db).Submission(context.Background(), org.System, sid)
		storetest.Must(t, err)
		if sub.Problems[0].LedgerRef != it.Number {
			t.Errorf("the problem is marked %q, want %q", sub.Problems[0].LedgerRef, it.Number)
		}
		rec = fx.do(t, "admin", bySession, req{method: "POST", path: path, body: body})
		if e := errorOf(t, rec); rec.Code != 409 || !strings.Contains(e.Message, it.Number) {
			t.Errorf("filing twice = %d: %s", rec.Code, rec.Body)
		}
		if n := ledgerItems(); n != 1 {
			t.Errorf("%d ledger items, want 1", n)
		}
	})
}

// TestCampaignNotes adds, lists and changes supervision notes through the API on both engines.
func TestCampaignNotes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		do := func(key string, r req, want int) *httptest.ResponseRecorder {
			t.Helper()
			rec := fx.do(t, key, byToken, r)
			if rec.Code != want {
				t.Fatalf("%s %s as %s = %d, want %d: %s", r.method, r.path, key, rec.Code, want, rec.Body)
			}
			return rec
		}
		c, _ := fx.fixtureCampaign(t)
		path := fmt.Sprintf("/api/v1/campaigns/%d/notes", c)
		day := tz.Today().AddDate(0, 0, -1).Format("2006-01-02")
		note := map[string]any{"unit_id": fx.units["DD-A"].ID, "date": day, "text": "工作群 12 个,其中 5 个长期无消息", "follow_up": "一周内清理"}
		do("liaisonA", req{method: "POST", path: path, body: note}, 403)
		var n campaign.Note
		decode(t, do("office", req{method: "POST", path: path, body: note}, 201), &n)
		if n.CampaignID != c || n.UnitID != fx.units["DD-A"].ID || n.UnitName != "甲区大队" || n.Date.Format("2006-01-02") != day ||
			n.FollowUp != "一周内清理" || n.Author != "测试office" {
			t.Errorf("added: %+v", n)
		}
		do("office", req{method: "POST", path: path, body: map[string]any{"unit_id": fx.units["ZB-1"].ID, "date": day, "text": "已清理"}}, 201)

		// A changed note keeps its unit; the change shows in the list.
		var changed campaign.Note
		decode(t, do("admin", req{method: "PUT", path: fmt.Sprintf("%s/%d", path, n.ID),
			body: map[string]any{"date": tz.Today().Format("2006-01-02"), "text": "复查:已清理 5 个"}}, 200), &changed)
		if changed.ID != n.ID || changed.UnitID != n.UnitID || changed.Text != "复查:已清理 5 个" || changed.FollowUp != "" {
			t.Errorf("changed: %+v", changed)
		}
		do("liaisonA", req{method: "PUT", path: fmt.Sprintf("%s/%d", path, n.ID), body: map[string]any{"date": day, "text": "改"}}, 403)

		for _, tc := range []struct {
			name, key, query string
			texts            []string
		}{
			{"the office, every unit", "office", "", []string{"复查:已清理 5 个", "已清理"}},
			{"the office, 甲区大队 only", "office", fmt.Sprintf("?unit_id=%d", fx.units["DD-A"].ID), []string{"复查:已清理 5 个"}},
			{"甲区大队's liaison", "liaisonA", "", []string{"复查:已清理 5 个"}},
			{"乙区大队's liaison", "liaisonB", "", []string{"已清理"}},
			{"乙区大队's liaison asking for 甲区大队", "liaisonB", fmt.Sprintf("?unit_id=%d", fx.units["DD-A"].ID), nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var list listBody[campaign.Note]
				decode(t, do(tc.key, req{method: "GET", path: path + tc.query}, 200), &list)
				var got []string
				for _, x := range list.Items {
					got = append(got, x.Text)
				}
				if strings.Join(got, "|") != strings.Join(tc.texts, "|") || list.Total != len(tc.texts) {
					t.Errorf("notes %q (total %d), want %q", got, list.Total, tc.texts)
				}
			})
		}
		do("reviewer", req{method: "GET", path: path}, 404)
	})
}

// TestCampaignLists saves the commendation and 约谈 lists through the API on both engines and
// reads them back in several scopes.
func TestCampaignLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		do := func(key string, r req, want int) *httptest.ResponseRecorder {
			t.Helper()
			rec := fx.do(t, key, byToken, r)
			if rec.Code != want {
				t.Fatalf("%s %s as %s = %d, want %d: %s", r.method, r.path, key, rec.Code, want, rec.Body)
			}
			return rec
		}
		c, _ := fx.fixtureCampaign(t)
		path := func(kind string) string { return fmt.Sprintf("/api/v1/campaigns/%d/lists/%s", c, kind) }
		entry := func(code, reason string) map[string]any {
			return map[string]any{"unit_id": fx.units[code].ID, "reason": reason}
		}

		var l campaign.List
		decode(t, do("office", req{method: "GET", path: path("commend")}, 200), &l)
		if l.ID != 0 || l.Kind != campaign.Commend || len(l.Entries) != 0 {
			t.Errorf("unsaved list: %+v", l)
		}
		commend := map[string]any{"entries": []any{entry("DD-A", "按期完成清理"), entry("ZB-1", "主动整改")}}
		do("liaisonA", req{method: "PUT", path: path("commend"), body: commend}, 403)
		decode(t, do("office", req{method: "PUT", path: path("commend"), body: commend}, 200), &l)
		if l.ID == 0 || len(l.Entries) != 2 || l.Entries[0].UnitName != "甲区大队" || l.Entries[1].Reason != "主动整改" {
			t.Errorf("saved: %+v", l)
		}
		// A unit on one list cannot be on the other.
		e := errorOf(t, do("office", req{method: "PUT", path: path("interview"), body: map[string]any{"entries": []any{entry("ZB-1", "逾期")}}}, 400))
		if e.Field != "entries[0].unit_id" || !strings.Contains(e.Message, "表彰名单") {
			t.Errorf("on both lists: %+v", e)
		}
		do("admin", req{method: "PUT", path: path("interview"), body: map[string]any{"entries": []any{entry("DD-B", "逾期未报送")}}}, 200)

		for _, tc := range []struct {
			name, key, kind string
			status          int
			units           []string
		}{
			{"the office's commendations", "office", "commend", 200, []string{"DD-A", "ZB-1"}},
			{"甲区大队's liaison's commendations", "liaisonA", "commend", 200, []string{"DD-A"}},
			{"乙区大队's liaison's commendations", "liaisonB", "commend", 200, []string{"ZB-1"}},
			{"乙区大队's liaison's 约谈", "liaisonB", "interview", 200, []string{"DD-B"}},
			{"甲区大队's liaison's 约谈", "liaisonA", "interview", 200, nil},
			{"frontline staff", "staff", "commend", 403, nil},
			{"新闻宣传处, outside the campaign", "reviewer", "commend", 404, nil},
			{"an unknown kind", "office", "praise", 400, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				rec := do(tc.key, req{method: "GET", path: path(tc.kind)}, tc.status)
				if tc.status != 200 {
					return
				}
				var l campaign.List
				decode(t, rec, &l)
				var got []string
				for _, x := range l.Entries {
					for code, u := range fx.units {
						if u.ID == x.UnitID {
							got = append(got, code)
						}
					}
				}
				if strings.Join(got, ",") != strings.Join(tc.units, ",") || string(l.Kind) != tc.kind {
					t.Errorf("list %v of kind %s, want %v", got, l.Kind, tc.units)
				}
			})
		}
		// [] empties a list.
		decode(t, do("office", req{method: "PUT", path: path("commend"), body: map[string]any{"entries": []any{}}}, 200), &l)
		if len(l.Entries) != 0 {
			t.Errorf("emptied: %+v", l)
		}
	})
}
