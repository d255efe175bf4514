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
