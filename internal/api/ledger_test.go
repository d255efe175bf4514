package api

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/xuri/excelize/v2"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/campaign"
	"github.com/jianfu-gov/jianfu/internal/inspect"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/rectify"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// testPDF is the smallest file rectify and campaign take for a PDF.
var testPDF = []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")

// The fixture's ledger items, found by title: LA in 甲一站 (孙一 answers for it, due in three
// working days, so due this week) and LB in 乙一站 (冯二, due in twenty), both 自查 and pending.
var ledgerFixture = map[string]struct{ unit, person string }{"LA": {"ZA-1", "P-A1-1"}, "LB": {"ZB-1", "P-B1-1"}}

// ledgerItem returns the fixture item title, recording both on first use. It panics rather than
// failing a test, so that request builders without a *testing.T can use it.
func (fx *fixture) ledgerItem(title string) rectify.Item {
	ctx := context.Background()
	var id int64
	err := fx.db.QueryRowContext(ctx, `SELECT id FROM ledger_items WHERE title = $1`, title).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		for _, tt := range []string{"LA", "LB"} {
			f := ledgerFixture[tt]
			days := 3
			if tt == "LB" {
				days = 20
			}
			it, err := rectify.Create(ctx, fx.db, org.System, rectify.Input{Source: rectify.SourceSelfCheck, UnitID: fx.units[f.unit].ID,
				Title: tt, Description: "测试问题" + tt, ResponsiblePersonID: fx.people[f.person].ID, DeadlineWorkdays: days})
			if err != nil {
				panic(err)
			}
			if tt == title {
				id = it.ID
			}
		}
	} else if err != nil {
		panic(err)
	}
	it, err := rectify.Get(ctx, fx.db, org.System, id)
	if err != nil {
		panic(err)
	}
	return it.Item
}

// ledgerURL is the API path of a fixture item, with suffix.
func ledgerURL(fx *fixture, title, suffix string) string {
	return fmt.Sprintf("/api/v1/ledger/%d%s", fx.ledgerItem(title).ID, suffix)
}

func ledgerPath(title, suffix string) func(*testing.T, *fixture, string) string {
	return func(_ *testing.T, fx *fixture, _ string) string { return ledgerURL(fx, title, suffix) }
}

// ledgerListPath is a list path that needs the fixture's items; format may take a unit's id.
func ledgerListPath(format, unit string) func(*testing.T, *fixture, string) string {
	return func(_ *testing.T, fx *fixture, _ string) string {
		fx.ledgerItem("LA")
		if unit != "" {
			return fmt.Sprintf(format, fx.units[unit].ID)
		}
		return format
	}
}

// freshLedger records an item of 甲一站 in status for each caller, so that one role's step does
// not decide the next one's answer; the system takes it there (so no caller submitted it).
func freshLedger(status rectify.Status, suffix string) func(*testing.T, *fixture, string) string {
	return func(t *testing.T, fx *fixture, key string) string {
		ctx := context.Background()
		it, err := rectify.Create(ctx, fx.db, org.System, rectify.Input{Source: rectify.SourceInspection, UnitID: fx.units["ZA-1"].ID,
			Title: "待处理" + key, ResponsiblePersonID: fx.people["P-A1-2"].ID, DeadlineWorkdays: 10})
		storetest.Must(t, err)
		if status != rectify.Pending {
			_, err = rectify.Start(ctx, fx.db, org.System, it.ID, "")
			storetest.Must(t, err)
		}
		if status == rectify.Review {
			_, err = rectify.Submit(ctx, fx.db, org.System, it.ID, "已整改")
			storetest.Must(t, err)
		}
		return fmt.Sprintf("/api/v1/ledger/%d%s", it.ID, suffix)
	}
}

// ledgerAttachment returns the path of LA's evidence file, stored on first use.
func (fx *fixture) ledgerAttachment(t *testing.T) string {
	t.Helper()
	it := fx.ledgerItem("LA")
	var id int64
	err := fx.db.QueryRowContext(context.Background(), `SELECT id FROM ledger_attachments WHERE item_id = $1`, it.ID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		a, err := rectify.Attach(context.Background(), fx.db, org.System, it.ID, "整改照片.pdf", testPDF)
		storetest.Must(t, err)
		id = a.ID
	} else {
		storetest.Must(t, err)
	}
	return fmt.Sprintf("/api/v1/ledger/%d/attachments/%d", it.ID, id)
}

func ledgerBodyFor(fx *fixture, unit, person, title string) map[string]any {
	return map[string]any{"source": "self_check", "unit_id": fx.units[unit].ID, "title": title, "description": "群内每日打卡",
		"measures": "取消打卡", "responsible_person_id": fx.people[person].ID, "deadline_workdays": 10}
}

func checkStatus(status rectify.Status) func(*testing.T, *fixture, string, *httptest.ResponseRecorder) {
	return func(t *testing.T, _ *fixture, key string, rec *httptest.ResponseRecorder) {
		t.Helper()
		var it rectify.Item
		decode(t, rec, &it)
		if it.Status != status {
			t.Errorf("as %s: status %s, want %s: %s", key, it.Status, status, rec.Body)
		}
	}
}

const ledgerWriters = "admin office lead liaisonA inspector"

// ledgerScopeCases are the scope table's rows for the ledger. Reads come first, so that the
// totals are those of the two fixture items.
var ledgerScopeCases = []scopeCase{
	{name: "ledger", method: "GET", path: ledgerListPath("/api/v1/ledger", ""), want: expect(200, "staff", 403), unitOf: "unit_id",
		totals: per(rootRoles+" inspector", 2, "liaisonA liaisonB", 1, "reviewer", 0)},
	{name: "ledger of 甲区大队", method: "GET", path: ledgerListPath("/api/v1/ledger?unit_id=%d", "DD-A"), unitOf: "unit_id",
		want:   expect(200, "liaisonB reviewer", 400, "staff", 403),
		totals: per(rootRoles+" inspector liaisonA", 1)},
	{name: "ledger due this week", method: "GET", path: ledgerListPath("/api/v1/ledger?due_this_week=true&overdue=false&status=pending&source=%E8%87%AA%E6%9F%A5&q=L&limit=1", ""),
		want: expect(200, "staff", 403), unitOf: "unit_id",
		totals: per(rootRoles+" inspector liaisonA", 1, "liaisonB reviewer", 0)},
	{name: "ledger export", method: "GET", path: ledgerListPath("/api/v1/ledger/export", ""), want: expect(200, "staff", 403),
		check: func(t *testing.T, fx *fixture, key string, rec *httptest.ResponseRecorder) {
			x, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
			if err != nil {
				t.Fatalf("export as %s is not a workbook: %v", key, err)
			}
			rows, _ := x.GetRows(rectify.SheetName)
			want := map[string]int{"liaisonA": 1, "liaisonB": 1, "reviewer": 0}[key]
			if strings.Contains(rootRoles+" inspector", key) {
				want = 2
			}
			if len(rows) != want+1 || rows[0][1] != "问题来源" {
				t.Errorf("export as %s: %d rows, want %d and a header", key, len(rows)-1, want)
			}
		}},
	{name: "ledger board", method: "GET", path: ledgerListPath("/api/v1/ledger/board", ""), want: expect(200, "staff", 403),
		check: func(t *testing.T, fx *fixture, key string, rec *httptest.ResponseRecorder) {
			var b ledgerBoardView
			decode(t, rec, &b)
			total := 0
			for _, row := range b.Items {
				if !fx.visible[key][row.UnitID] {
					t.Errorf("board as %s: row of %s, outside the scope", key, row.UnitName)
				}
				total += row.Total
			}
			want := map[string]int{"liaisonA": 1, "liaisonB": 1, "reviewer": 0}[key]
			if strings.Contains(rootRoles+" inspector", key) {
				want = 2
			}
			if total != want {
				t.Errorf("board as %s: %d items, want %d: %s", key, total, want, rec.Body)
			}
		}},
	{name: "ledger item of 甲一站", method: "GET", path: ledgerPath("LA", ""), want: expect(200, "liaisonB reviewer", 404, "staff", 403),
		check: func(t *testing.T, fx *fixture, key string, rec *httptest.ResponseRecorder) {
			var d rectify.Detail
			decode(t, rec, &d)
			if d.Title != "LA" || d.UnitID != fx.units["ZA-1"].ID || len(d.History) != 1 || d.Comments == nil || d.Attachments == nil {
				t.Errorf("LA as %s: %s", key, rec.Body)
			}
		}},
	{name: "ledger item of 乙一站", method: "GET", path: ledgerPath("LB", ""), want: expect(200, "liaisonA reviewer", 404, "staff", 403)},
	{name: "evidence of 甲一站's item", method: "GET", path: func(t *testing.T, fx *fixture, _ string) string { return fx.ledgerAttachment(t) },
		want: expect(200, "liaisonB reviewer", 404, "staff", 403),
		check: func(t *testing.T, _ *fixture, key string, rec *httptest.ResponseRecorder) {
			if !bytes.Equal(rec.Body.Bytes(), testPDF) || rec.Header().Get("Content-Type") != rectify.TypePDF {
				t.Errorf("evidence as %s: %q %q", key, rec.Header().Get("Content-Type"), rec.Body)
			}
		}},

	// Writes.
	{name: "create ledger item", method: "POST", path: fixed("/api/v1/ledger"),
		body: func(fx *fixture, key string) any { return ledgerBodyFor(fx, "ZA-1", "P-A1-1", "新问题"+key) },
		want: expect(403, ledgerWriters, 201, "liaisonB", 400), check: checkStatus(rectify.Pending)},
	{name: "start", method: "POST", path: freshLedger(rectify.Pending, "/start"),
		body: func(*fixture, string) any { return map[string]string{"text": "已部署整改"} },
		want: expect(403, ledgerWriters, 200, "liaisonB", 404), check: checkStatus(rectify.InProgress)},
	{name: "progress", method: "POST", path: freshLedger(rectify.InProgress, "/progress"),
		body: func(*fixture, string) any { return map[string]string{"text": "已完成一半"} },
		want: expect(403, ledgerWriters, 200, "liaisonB", 404), check: checkStatus(rectify.InProgress)},
	{name: "submit", method: "POST", path: freshLedger(rectify.InProgress, "/submit"),
		body: func(*fixture, string) any { return map[string]string{"text": "已取消打卡功能"} },
		want: expect(403, ledgerWriters, 200, "liaisonB", 404), check: checkStatus(rectify.Review)},
	{name: "edit and extend", method: "PUT", path: freshLedger(rectify.InProgress, ""),
		body: func(fx *fixture, key string) any {
			return map[string]any{"title": "已调整" + key, "responsible_person_id": fx.people["P-A1-2"].ID, "deadline_workdays": 20,
				"reason": "需等待平台方配合"}
		},
		want: expect(403, "admin office lead inspector", 200), check: checkStatus(rectify.InProgress)},
	{name: "verify", method: "POST", path: freshLedger(rectify.Review, "/verify"),
		body: func(*fixture, string) any { return map[string]string{"text": "验收通过"} },
		want: expect(403, "admin office lead inspector", 200), check: checkStatus(rectify.Closed)},
	{name: "reject", method: "POST", path: freshLedger(rectify.Review, "/reject"),
		body: func(*fixture, string) any { return map[string]string{"text": "证明材料不全"} },
		want: expect(403, "admin office lead inspector", 200), check: checkStatus(rectify.InProgress)},
	{name: "comment", method: "POST", path: ledgerPath("LA", "/comments"),
		body: func(*fixture, string) any { return map[string]string{"body": "请尽快整改"} },
		want: expect(403, ledgerWriters, 201, "liaisonB", 404)},
	{name: "attach evidence", method: "POST", path: ledgerPath("LA", "/attachments?filename="+url.QueryEscape("整改证明.pdf")),
		body: func(*fixture, string) any { return testPDF }, ct: "application/pdf",
		want: expect(403, ledgerWriters, 201, "liaisonB", 404)},
	{name: "accountability", method: "POST", path: ledgerPath("LA", "/accountability"),
		body: func(*fixture, string) any {
			return map[string]string{"kind": "talk", "note": "逾期未整改,约谈提醒"}
		},
		want: expect(403, "admin office lead inspector", 201)},
	{name: "convert a finding", method: "POST", path: freshFinding("/ledger"),
		body: func(fx *fixture, _ string) any {
			return map[string]any{"responsible_person_id": fx.people["P-A1-1"].ID, "deadline_workdays": 10, "measures": "指定群主"}
		},
		want: expect(403, "admin office lead", 201),
		check: func(t *testing.T, _ *fixture, key string, rec *httptest.ResponseRecorder) {
			var it rectify.Item
			decode(t, rec, &it)
			if it.Source != rectify.SourceFinding || it.FindingID == 0 || it.Title != "群组无群主" || it.Status != rectify.Pending {
				t.Errorf("converted as %s: %s", key, rec.Body)
			}
		}},
}

// TestLedgerFlow takes items through the ledger by the API on both engines: scope between the
// two 大队, the status machine, four eyes, evidence files and the conversion of a finding.
func TestLedgerFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		fx.addAssets(t)
		do := func(key string, m mode, r req, want int) *httptest.ResponseRecorder {
			t.Helper()
			rec := fx.do(t, key, m, r)
			if rec.Code != want {
				t.Fatalf("%s %s as %s = %d, want %d: %s", r.method, r.path, key, rec.Code, want, rec.Body)
			}
			return rec
		}
		item := func(rec *httptest.ResponseRecorder) rectify.Item {
			t.Helper()
			var it rectify.Item
			decode(t, rec, &it)
			return it
		}

		// 甲区大队's liaison records an item with a deadline date.
		body := ledgerBodyFor(fx, "ZA-1", "P-A1-1", "群内强制打卡")
		delete(body, "deadline_workdays")
		body["deadline"] = "2100-01-04"
		rec := do("liaisonA", byToken, req{method: "POST", path: "/api/v1/ledger", body: body}, 201)
		it := item(rec)
		if !strings.HasPrefix(it.Number, "ZG-") || it.Deadline.Format("2006-01-02") != "2100-01-04" || it.Status != rectify.Pending ||
			rec.Header().Get("Location") != fmt.Sprintf("/api/v1/ledger/%d", it.ID) || it.ResponsibleCode != "P-A1-1" {
			t.Fatalf("created: %s", rec.Body)
		}
		path := fmt.Sprintf("/api/v1/ledger/%d", it.ID)

		// The other 大队's liaison neither reads it nor finds it in lists.
		do("liaisonB", bySession, req{method: "GET", path: path}, 404)
		do("liaisonB", bySession, req{method: "POST", path: path + "/comments", body: map[string]string{"body": "看看"}}, 404)
		for _, p := range []string{"/api/v1/ledger", "/api/v1/ledger?q=" + url.QueryEscape(it.Number), "/api/v1/ledger?status=pending"} {
			var list listBody[rectify.Item]
			decode(t, do("liaisonB", byToken, req{method: "GET", path: p}, 200), &list)
			for _, x := range list.Items {
				if x.ID == it.ID {
					t.Errorf("%s as liaisonB lists 甲一站's item", p)
				}
			}
		}
		var list listBody[rectify.Item]
		decode(t, do("liaisonA", byToken, req{method: "GET", path: "/api/v1/ledger?q=" + url.QueryEscape(it.Number)}, 200), &list)
		if list.Total != 1 || list.Items[0].ID != it.ID {
			t.Errorf("liaisonA's search: %+v", list)
		}

		// The flow: start, progress, submit (the completion is required), verify by another.
		do("liaisonA", bySession, req{method: "POST", path: path + "/verify", body: map[string]string{"text": "验收"}}, 403)
		do("liaisonA", bySession, req{method: "POST", path: path + "/submit", body: map[string]string{"text": "已完成"}}, 409)
		if it = item(do("liaisonA", bySession, req{method: "POST", path: path + "/start", body: map[string]string{"text": "已部署"}}, 200)); it.Progress != "已部署" {
			t.Errorf("started: %+v", it)
		}
		if it = item(do("liaisonA", byToken, req{method: "POST", path: path + "/progress", body: map[string]string{"text": "已取消一半"}}, 200)); it.Progress != "已取消一半" {
			t.Errorf("progress: %+v", it)
		}
		if e := errorOf(t, do("liaisonA", byToken, req{method: "POST", path: path + "/submit", body: map[string]string{"text": " "}}, 400)); e.Field != "text" {
			t.Errorf("submit without completion: %+v", e)
		}
		it = item(do("lead", byToken, req{method: "POST", path: path + "/submit", body: map[string]string{"text": "已全部取消"}}, 200))
		if it.Status != rectify.Review || it.FixedByID != fx.users["lead"].ID {
			t.Errorf("submitted: %+v", it)
		}
		// Four eyes: the lead submitted the fix, so the lead may not accept it.
		rec = do("lead", byToken, req{method: "POST", path: path + "/verify", body: map[string]string{"text": "通过"}}, 403)
		if e := errorOf(t, rec); !strings.Contains(e.Message, "双人复核") {
			t.Errorf("lead verifying own fix: %+v", e)
		}
		if e := errorOf(t, do("office", byToken, req{method: "POST", path: path + "/reject", body: map[string]string{"text": "否"}}, 400)); e.Field != "text" {
			t.Errorf("reject with a one-character reason: %+v", e)
		}
		if it = item(do("office", byToken, req{method: "POST", path: path + "/reject", body: map[string]string{"text": "证明材料不全"}}, 200)); it.Status != rectify.InProgress || it.RejectionReason != "证明材料不全" {
			t.Errorf("rejected: %+v", it)
		}
		do("liaisonA", byToken, req{method: "POST", path: path + "/submit", body: map[string]string{"text": "已补充材料"}}, 200)
		it = item(do("office", bySession, req{method: "POST", path: path + "/verify", body: map[string]string{"text": "验收通过"}}, 200))
		if it.Status != rectify.Closed || it.VerifiedByID != fx.users["office"].ID || it.ClosedAt == nil {
			t.Errorf("verified: %+v", it)
		}
		do("office", bySession, req{method: "POST", path: path + "/verify", body: map[string]string{"text": "再次验收"}}, 409)

		// Evidence: stored as sent, read back byte for byte, refused when it is not what its name says.
		rec = do("liaisonA", byToken, req{method: "POST", path: path + "/attachments?filename=" + url.QueryEscape("整改 证明.pdf"), body: testPDF, contentType: "application/pdf"}, 201)
		var att rectify.Attachment
		decode(t, rec, &att)
		if att.Filename != "整改 证明.pdf" || att.ContentType != rectify.TypePDF || att.Size != int64(len(testPDF)) || att.SHA256 == "" {
			t.Errorf("attached: %s", rec.Body)
		}
		rec = do("liaisonA", bySession, req{method: "GET", path: rec.Header().Get("Location")}, 200)
		if !bytes.Equal(rec.Body.Bytes(), testPDF) || rec.Header().Get("Content-Type") != rectify.TypePDF ||
			!strings.Contains(rec.Header().Get("Content-Disposition"), "filename*=UTF-8''%E6%95%B4%E6%94%B9%20%E8%AF%81%E6%98%8E.pdf") {
			t.Errorf("download: %v %q", rec.Header(), rec.Body)
		}
		do("liaisonB", bySession, req{method: "GET", path: fmt.Sprintf("%s/attachments/%d", path, att.ID)}, 404)
		do("liaisonA", bySession, req{method: "GET", path: fmt.Sprintf("%s/attachments/%d", ledgerURL(fx, "LA", ""), att.ID)}, 404)
		for _, c := range []struct {
			query string
			body  []byte
			field string
		}{
			{"", testPDF, "filename"},
			{"?filename=%20", testPDF, "filename"},
			{"?filename=a.png", testPDF, "file"},
			{"?filename=a.pdf", []byte("not a pdf"), "file"},
			{"?filename=a.pdf", nil, "file"},
		} {
			rec := do("liaisonA", byToken, req{method: "POST", path: path + "/attachments" + c.query, body: c.body, contentType: "application/octet-stream"}, 400)
			if e := errorOf(t, rec); e.Field != c.field {
				t.Errorf("attach %q: field %q, want %q: %s", c.query, e.Field, c.field, e.Message)
			}
		}
		big := append(append([]byte{}, testPDF...), make([]byte, rectify.MaxAttachment)...)
		do("liaisonA", byToken, req{method: "POST", path: path + "/attachments?filename=big.pdf", body: big}, 413)

		// Comments and accountability show in the detail.
		do("liaisonA", byToken, req{method: "POST", path: path + "/comments", body: map[string]string{"body": "已上传照片"}}, 201)
		do("liaisonA", byToken, req{method: "POST", path: path + "/accountability", body: map[string]string{"kind": "talk", "note": "约谈"}}, 403)
		do("inspector", byToken, req{method: "POST", path: path + "/accountability", body: map[string]string{"kind": "通报批评", "note": "逾期整改", "on": "2026-01-05"}}, 201)
		var d rectify.Detail
		decode(t, do("liaisonA", byToken, req{method: "GET", path: path}, 200), &d)
		if len(d.Comments) != 1 || len(d.Attachments) != 1 || len(d.Accountability) != 1 || d.Accountability[0].Kind != rectify.KindNotice ||
			d.Accountability[0].On.Format("2006-01-02") != "2026-01-05" || len(d.History) < 7 {
			t.Errorf("detail: %+v", d)
		}

		// A finding converts once.
		fx.addFindings(t)
		fpath := fmt.Sprintf("/api/v1/findings/%d/ledger", fx.findingOf(t, "GRP-NOOWNER", "FND-A").ID)
		conv := map[string]any{"responsible_person_id": fx.people["P-A1-1"].ID, "deadline_workdays": 5, "measures": "指定群主"}
		it = item(do("lead", byToken, req{method: "POST", path: fpath, body: conv}, 201))
		if it.Source != rectify.SourceFinding || it.AssetID != fx.assets["FND-A"].ID || it.UnitID != fx.units["ZA-1"].ID {
			t.Errorf("converted: %+v", it)
		}
		if e := errorOf(t, do("office", byToken, req{method: "POST", path: fpath, body: conv}, 409)); !strings.Contains(e.Message, "不能重复") {
			t.Errorf("second conversion: %+v", e)
		}
		if f := fx.findingOf(t, "GRP-NOOWNER", "FND-A"); f.Status != analyze.StatusConverted {
			t.Errorf("finding after conversion: %s", f.Status)
		}

		// The board counts by unit and status.
		var b ledgerBoardView
		decode(t, do("admin", byToken, req{method: "GET", path: "/api/v1/ledger/board"}, 200), &b)
		got := map[string]int{}
		for _, row := range b.Items {
			for st, n := range row.Counts {
				got[row.UnitCode+"/"+string(st)] += n
			}
		}
		if got["ZA-1/closed"] != 1 || got["ZA-1/pending"] != 2 || got["ZB-1/pending"] != 1 { // the converted finding and LA; LB
			t.Errorf("board: %s", fmt.Sprint(got))
		}
	})
}

// TestSupervisionRequestSchemas checks that the request bodies of the ledger, inspections,
// campaigns and notifications document exactly the fields the decoder accepts, and refuse others.
func TestSupervisionRequestSchemas(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]any{
		"LedgerInput": ledgerBody{}, "LedgerText": textBody{}, "LedgerCommentInput": commentBody{}, "AccountabilityInput": accountabilityBody{},
		"FindingConversion": convertBody{}, "InspectionPlanInput": inspect.PlanInput{}, "InspectionItemInput": inspect.ItemInput{},
		"DrawRequest": drawBody{}, "InspectionResultInput": inspect.ResultInput{}, "CampaignInput": campaignBody{}, "PhaseInput": phaseBody{},
		"CampaignTaskInput": taskBody{}, "SubmissionInput": submissionBody{}, "DocumentInput": documentBody{},
		"ProblemInput": campaign.ProblemInput{}, "MarkReadRequest": markReadBody{},
	} {
		schema, _ := resolve(doc, "#/components/schemas/"+name).(map[string]any)
		if schema == nil {
			t.Errorf("no schema %s", name)
			continue
		}
		if schema["additionalProperties"] != false {
			t.Errorf("%s: unknown fields are refused, but the schema allows them", name)
		}
		props, _ := schema["properties"].(map[string]any)
		fields := map[string]bool{}
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			f, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			fields[f] = true
			if _, ok := props[f]; !ok {
				t.Errorf("%s: field %q is accepted but not documented", name, f)
			}
		}
		for p := range props {
			if !fields[p] {
				t.Errorf("%s: property %q is documented but refused", name, p)
			}
		}
	}
}
