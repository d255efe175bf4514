package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/campaign"
	"github.com/jianfu-gov/jianfu/internal/evaluate"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// TestCampaigns runs the campaign pages on the small demo bureau: create (overlapping phases
// refused), tasks, a liaison's submission with documents, the board, a problem filed in the
// ledger once, notes, the lists, the evaluation and the report in both forms, and scope.
func TestCampaigns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		fx.testCampaigns(t)
	})
}

type file struct {
	name string
	data []byte
}

// multipartPost posts fields and files (all under "documents") with the CSRF token first.
func (c *client) multipartPost(t *testing.T, path string, fields map[string]string, files []file) response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	storetest.Must(t, mw.WriteField("csrf", c.csrf))
	for k, v := range fields {
		storetest.Must(t, mw.WriteField(k, v))
	}
	for _, f := range files {
		fw, err := mw.CreateFormFile("documents", f.name)
		storetest.Must(t, err)
		_, err = fw.Write(f.data)
		storetest.Must(t, err)
	}
	storetest.Must(t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, c.fx.srv.URL+path, &buf)
	storetest.Must(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.fx.srv.URL)
	return c.do(t, req)
}

func testDOCX(t *testing.T, text string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("word/document.xml")
	storetest.Must(t, err)
	fmt.Fprintf(w, `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:body></w:document>`, text)
	storetest.Must(t, zw.Close())
	return buf.Bytes()
}

var xmlTagRE = regexp.MustCompile(`<[^>]*>`)

// docxText is the text of a DOCX's word/document.xml, runs joined.
func docxText(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("the report is not a zip: %v", err)
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, err := f.Open()
			storetest.Must(t, err)
			b, err := io.ReadAll(rc)
			rc.Close()
			storetest.Must(t, err)
			return xmlTagRE.ReplaceAllString(string(b), "")
		}
	}
	t.Fatal("the report has no word/document.xml")
	return ""
}

func (fx *fixture) testCampaigns(t *testing.T) {
	ctx := context.Background()
	office, liaison, liaison2 := fx.as(t, "office"), fx.as(t, "liaison"), fx.as(t, "liaison2")
	today := calendar.DateOf(time.Now())
	d := func(n int) string { return today.AddDate(0, 0, n).Format("2006-01-02") }
	root := fx.unit(t, fx.brigadeA.ParentID)
	for root.ParentID != 0 {
		root = fx.unit(t, root.ParentID)
	}
	form := func(p2start string) []string {
		return []string{"name", "2026年“指尖上的形式主义”专项整治", "year", strconv.Itoa(today.Year()), "unit_id", strconv.FormatInt(root.ID, 10),
			"phases[0].start", d(-90), "phases[0].end", d(-61), "phases[1].start", p2start, "phases[1].end", d(-1),
			"phases[2].start", d(0), "phases[2].end", d(30), "phases[3].start", d(31), "phases[3].end", d(60)}
	}
	before := fx.count(t, `SELECT count(*) FROM campaigns`)
	r := office.post(t, "/campaigns/new", office.form(form(d(-61))...)) // starts on the day phase 1 ends
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "日期重叠") || !strings.Contains(r.Body, `class="ferr">自查自纠阶段与动员部署阶段日期重叠`) {
		t.Fatalf("overlapping phases = %d: %s", r.Status, text(r.Body))
	}
	if fx.count(t, `SELECT count(*) FROM campaigns`) != before {
		t.Fatal("a refused campaign was stored")
	}
	if r := office.post(t, "/campaigns/new", office.form("name", "x", "year", "abc", "phases[0].start", "2026-13-45")); r.Status != http.StatusBadRequest ||
		!strings.Contains(r.Body, "年度应为四位数字") || !strings.Contains(r.Body, "动员部署阶段的开始日期格式应为") {
		t.Errorf("bad year and date = %d: %s", r.Status, text(r.Body))
	}
	r = office.post(t, "/campaigns/new", office.form(form(d(-60))...))
	m := regexp.MustCompile(`^/campaigns/(\d+)\?ok=created$`).FindStringSubmatch(r.Location())
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("create campaign = %d to %q: %s", r.Status, r.Location(), text(r.Body))
	}
	base := "/campaigns/" + m[1]
	cid, _ := strconv.ParseInt(m[1], 10, 64)
	if r := liaison.post(t, "/campaigns/new", liaison.form(form(d(-60))...)); r.Status != http.StatusForbidden {
		t.Errorf("liaison creates a campaign = %d", r.Status)
	}

	// Tasks: a 自查报告 due in ten days and a 实施方案 already past due.
	r = office.post(t, base+"/tasks", office.form("phase", "3", "kind", "self_check", "title", "自查报告", "due", d(10), "unit_kinds", "brigade"))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("add task = %d: %s", r.Status, text(r.Body))
	}
	r = office.post(t, base+"/tasks", office.form("phase", "2", "kind", "plan", "title", "实施方案", "due", d(-5), "unit_kinds", "brigade"))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("add past task = %d: %s", r.Status, text(r.Body))
	}
	if r := office.post(t, base+"/tasks", office.form("phase", "3", "kind", "plan", "title", "越界", "due", d(45), "unit_kinds", "brigade")); r.Status != http.StatusBadRequest ||
		!strings.Contains(r.Body, `class="ferr">截止日期`) {
		t.Errorf("task due outside its phase = %d: %s", r.Status, text(r.Body))
	}
	var tid int64
	storetest.Must(t, fx.db.QueryRowContext(ctx, `SELECT id FROM campaign_tasks WHERE campaign_id = $1 AND kind = 'self_check'`, cid).Scan(&tid))
	submit := fmt.Sprintf("%s/tasks/%d/submit", base, tid)

	// The liaison submits a PDF and a DOCX with one problem; a PNG is refused.
	if r := liaison.get(t, submit); r.Status != http.StatusOK || !strings.Contains(r.Body, fx.brigadeA.Name) {
		t.Fatalf("GET submit = %d: %s", r.Status, text(r.Body))
	}
	fields := map[string]string{"unit_id": strconv.FormatInt(fx.brigadeA.ID, 10), "note": "按期报送", "problems": "工作群过多|部分工作群长期无消息||解散闲置工作群"}
	png := []byte("\x89PNG\r\n\x1a\n0000")
	r = liaison.multipartPost(t, submit, fields, []file{{"scan.png", png}})
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "不是 DOCX 或 PDF") {
		t.Errorf("PNG = %d: %s", r.Status, text(r.Body))
	}
	r = liaison.multipartPost(t, submit, fields, []file{{"自查报告.pdf", []byte("%PDF-1.4\n%test\n")}, {"附件.docx", testDOCX(t, "自查报告正文")}})
	m = regexp.MustCompile(`/submissions/(\d+)\?ok=created$`).FindStringSubmatch(r.Location())
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("submit = %d to %q: %s", r.Status, r.Location(), text(r.Body))
	}
	subPage := base + "/submissions/" + m[1]
	r = liaison.get(t, subPage)
	docs := regexp.MustCompile(`href="(`+regexp.QuoteMeta(subPage)+`/documents/\d+)"`).FindAllStringSubmatch(r.Body, -1)
	if r.Status != http.StatusOK || len(docs) != 2 {
		t.Fatalf("submission page = %d with %d documents: %s", r.Status, len(docs), text(r.Body))
	}
	if dl := liaison.get(t, docs[0][1]); dl.Status != http.StatusOK || !strings.HasPrefix(dl.Body, "%PDF-1.4") ||
		!strings.Contains(dl.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("download = %d %q", dl.Status, dl.Header.Get("Content-Disposition"))
	}
	// Scope: the other liaison sees neither the submission nor its documents.
	if r := liaison2.get(t, subPage); r.Status != http.StatusNotFound {
		t.Errorf("liaison2 GET the submission = %d", r.Status)
	}
	if r := liaison2.get(t, docs[0][1]); r.Status != http.StatusNotFound {
		t.Errorf("liaison2 GET the document = %d", r.Status)
	}
	if r := liaison2.get(t, base); strings.Contains(r.Body, fmt.Sprintf(`data-unit="%d"`, fx.brigadeA.ID)) {
		t.Error("liaison2's board shows liaison's 大队")
	}

	// The board: submitted for 大队 A; pending for B today, missing after the due date.
	state := func(body string, u org.Unit) string {
		m := regexp.MustCompile(fmt.Sprintf(`id="task-%d"(?s:.*?)data-unit="%d" data-state="(\w+)"`, tid, u.ID)).FindStringSubmatch(body)
		if m == nil {
			return ""
		}
		return m[1]
	}
	r = office.get(t, base)
	if a, b := state(r.Body, fx.brigadeA), state(r.Body, fx.brigadeB); a != "submitted" || b != "pending" {
		t.Errorf("board today: A %q, B %q; want submitted, pending", a, b)
	}
	if !strings.Contains(r.Body, `class="current"`) {
		t.Error("no current phase highlighted")
	}
	r = office.get(t, base+"?as_of="+d(20))
	if a, b := state(r.Body, fx.brigadeA), state(r.Body, fx.brigadeB); a != "submitted" || b != "missing" {
		t.Errorf("board in 20 days: A %q, B %q; want submitted, missing", a, b)
	}
	if r := office.get(t, base+"?as_of=junk"); r.Status != http.StatusBadRequest {
		t.Errorf("bad as_of = %d", r.Status)
	}

	// The problem becomes a ledger item once.
	r = office.get(t, subPage)
	pm := regexp.MustCompile(`id="problem-(\d+)"`).FindStringSubmatch(r.Body)
	if pm == nil {
		t.Fatalf("no problem on the submission page: %s", text(r.Body))
	}
	file := base + "/problems/" + pm[1] + "/ledger"
	if r := office.post(t, file, office.form("submission_id", m[1], "responsible_code", "NOBODY", "workdays", "10")); r.Status != http.StatusBadRequest ||
		!strings.Contains(r.Body, `class="ferr">找不到工号`) {
		t.Errorf("unknown person = %d: %s", r.Status, text(r.Body))
	}
	if r := office.post(t, file, office.form("submission_id", m[1], "responsible_code", fx.personA.Code, "workdays", "10")); r.Status != http.StatusSeeOther {
		t.Fatalf("file problem = %d: %s", r.Status, text(r.Body))
	}
	if r := office.post(t, file, office.form("submission_id", m[1], "responsible_code", fx.personA.Code, "workdays", "10")); r.Status != http.StatusConflict ||
		!strings.Contains(r.Body, "已纳入整改台账") {
		t.Errorf("file twice = %d: %s", r.Status, text(r.Body))
	}
	if n := fx.count(t, `SELECT count(*) FROM ledger_items WHERE title = '工作群过多' AND source = 'self_check' AND unit_id = $1`, fx.brigadeA.ID); n != 1 {
		t.Errorf("%d ledger items from the problem, want 1", n)
	}
	if r := office.get(t, subPage); !strings.Contains(r.Body, `class="ledger-ref">ZG-`) {
		t.Error("the problem does not show its ledger number")
	}

	// Notes.
	if r := office.post(t, base+"/notes", office.form("unit_id", strconv.FormatInt(fx.brigadeA.ID, 10), "date", d(0), "text", "")); r.Status != http.StatusBadRequest ||
		!strings.Contains(r.Body, `class="ferr">督导情况不能为空`) {
		t.Errorf("empty note = %d: %s", r.Status, text(r.Body))
	}
	if r := office.post(t, base+"/notes", office.form("unit_id", strconv.FormatInt(fx.brigadeA.ID, 10), "date", d(0), "text", "现场督导工作群清理情况")); r.Status != http.StatusSeeOther {
		t.Fatalf("note = %d: %s", r.Status, text(r.Body))
	}
	if r := liaison.get(t, base); !strings.Contains(r.Body, "现场督导工作群清理情况") {
		t.Error("the liaison does not see the note on their 大队")
	}
	if r := liaison2.get(t, base); strings.Contains(r.Body, "现场督导工作群清理情况") {
		t.Error("liaison2 sees a note on another 大队")
	}

	// Evaluation and lists. Every 大队 owes the past-due 实施方案, so a 支队 with two or more
	// 大队 has as many missing submissions and is suggested for 约谈.
	p := fx.users["office"].Principal()
	c, err := campaign.New(fx.db).Get(ctx, p, cid)
	storetest.Must(t, err)
	e, err := evaluate.Evaluate(ctx, fx.db, p, c, time.Now())
	storetest.Must(t, err)
	r = office.get(t, base+"/lists")
	if r.Status != http.StatusOK {
		t.Fatalf("lists = %d: %s", r.Status, text(r.Body))
	}
	_, interview := campaign.Suggest(evaluate.Metrics(e), campaign.DefaultListRules)
	if len(interview) == 0 {
		t.Fatal("no unit suggested for 约谈")
	}
	sug := section(t, r.Body, "suggested")
	if !strings.Contains(sug, interview[0].UnitName) || !strings.Contains(sug, "逾期未报送材料") {
		t.Errorf("the suggestions lack %s with its reason: %s", interview[0].UnitName, text(sug))
	}
	if r := office.post(t, base+"/lists", office.form("kind", "interview", "action", "save_suggested")); r.Status != http.StatusSeeOther {
		t.Fatalf("save suggested = %d: %s", r.Status, text(r.Body))
	}
	uid := strconv.FormatInt(interview[0].UnitID, 10)
	if r := office.post(t, base+"/lists", office.form("kind", "interview", "action", "reason", "unit_id", uid, "reason", "材料报送严重滞后")); r.Status != http.StatusSeeOther {
		t.Errorf("change reason = %d: %s", r.Status, text(r.Body))
	}
	if r := office.post(t, base+"/lists", office.form("kind", "commend", "action", "add", "unit_id", uid, "reason", "x")); r.Status != http.StatusBadRequest {
		t.Errorf("a unit on both lists = %d", r.Status)
	}
	if r := office.get(t, base+"/lists"); !strings.Contains(section(t, r.Body, "list-interview"), "材料报送严重滞后") {
		t.Error("the saved list lacks the changed reason")
	}
	if r := office.get(t, base+"/evaluation"); r.Status != http.StatusOK || !strings.Contains(r.Body, "<svg") || !strings.Contains(r.Body, e.Units[0].Name) {
		t.Errorf("evaluation = %d: %s", r.Status, text(r.Body))
	}

	// The report in both forms carries the name and the headline figures.
	want := []string{c.Name, fmt.Sprintf("%d → %d 个", e.Total.LiveStart(), e.Total.LiveNow()),
		fmt.Sprintf("整改台账事项%d 项", e.Total.LedgerTotal), "逾期未报", "一、基本情况", "二、主要成效", "三、整改台账情况", "四、存在问题", "五、下一步工作"}
	r = office.get(t, base+"/report.docx")
	if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("report.docx = %d", r.Status)
	}
	doc := docxText(t, []byte(r.Body))
	for _, w := range want {
		if !strings.Contains(doc, w) {
			t.Errorf("the DOCX lacks %q", w)
		}
	}
	r = office.get(t, base+"/report")
	page := tagRE.ReplaceAllString(r.Body, "")
	for _, w := range want {
		if !strings.Contains(page, strings.ReplaceAll(w, " ", "")) && !strings.Contains(r.Body, w) {
			t.Errorf("the HTML report lacks %q", w)
		}
	}
}
