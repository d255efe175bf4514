package web_test

import (
	"bytes"
	"context"
	"html"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/rectify"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// TestLedgerPages walks the rectification ledger's pages on the demo bureau, on each engine:
// the create form's checks, the whole status cycle with its four-eyes rule, scope, evidence
// files, the spreadsheet export and import, and turning health-check findings into items.
func TestLedgerPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		t.Run("create", fx.testLedgerCreate)
		t.Run("cycle", fx.testLedgerCycle)
		t.Run("attachments", fx.testLedgerAttachments)
		t.Run("spreadsheets", fx.testLedgerSpreadsheets)
		t.Run("findings", fx.testLedgerFindings)
		t.Run("edit", fx.testLedgerEdit)
	})
}

// testLedgerEdit: the office changes an item and its deadline with a reason; a liaison is offered
// no such form and cannot post it.
func (fx *fixture) testLedgerEdit(t *testing.T) {
	office, liaison := fx.as(t, "office"), fx.as(t, "liaison")
	path := fx.createItem(t, office)
	if r := liaison.get(t, path); strings.Contains(r.Body, `id="edit"`) {
		t.Error("a liaison is offered the edit form")
	}
	edit := func(c *client, kv ...string) response {
		f := c.form("title", "工作群要求每日回复“收到”(已核实)", "description", "", "measures", "取消回复要求", "responsible_code", fx.personA.Code,
			"lead_unit_id", "", "deadline_workdays", "", "deadline", "", "reason", "")
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return c.post(t, path+"/edit", f)
	}
	if r := edit(liaison, "deadline_workdays", "40", "reason", "任务重"); r.Status != http.StatusForbidden {
		t.Errorf("a liaison's edit = %d", r.Status)
	}
	if r := edit(office, "deadline_workdays", "40"); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "说明原因") {
		t.Errorf("a new deadline without a reason = %d: %s", r.Status, text(r.Body))
	}
	if r := edit(office, "deadline_workdays", "x"); r.Status != http.StatusBadRequest {
		t.Errorf("bad working days = %d", r.Status)
	}
	if r := edit(office, "deadline_workdays", "40", "reason", "需协调平台方"); r.Status != http.StatusSeeOther {
		t.Fatalf("edit = %d: %s", r.Status, text(r.Body))
	}
	page := office.get(t, path)
	if !strings.Contains(page.Body, "(已核实)") || !strings.Contains(page.Body, "调整整改时限") || !strings.Contains(page.Body, "需协调平台方") {
		t.Errorf("the item does not show the change: %s", text(page.Body))
	}
}

var ferrRE = regexp.MustCompile(`<span class="ferr">([^<]*)</span>`)

// fieldErrors are the messages a page shows beside its fields.
func fieldErrors(body string) []string {
	var out []string
	for _, m := range ferrRE.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// wantFieldError fails unless r is a 4xx page with want beside a field.
func wantFieldError(t *testing.T, what string, r response, status int, want string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: status %d, want %d: %s", what, r.Status, status, text(r.Body))
		return
	}
	for _, e := range fieldErrors(r.Body) {
		if strings.Contains(e, want) {
			return
		}
	}
	t.Errorf("%s: no field error with %q; field errors %q: %s", what, want, fieldErrors(r.Body), text(r.Body))
}

// ledgerForm is a good create form for brigade A, with kv replacing fields.
func (fx *fixture) ledgerForm(c *client, kv ...string) url.Values {
	f := c.form("source", "self_check", "unit_id", strconv.FormatInt(fx.brigadeA.ID, 10), "responsible_code", fx.personA.Code,
		"title", "工作群要求每日回复“收到”", "description", "大队工作群每天要求全员回复收到", "measures", "取消回复要求",
		"deadline_workdays", "10", "deadline", "")
	for i := 0; i+1 < len(kv); i += 2 {
		f.Set(kv[i], kv[i+1])
	}
	return f
}

var itemPathRE = regexp.MustCompile(`^/ledger/(\d+)\?ok=`)

// createItem records an item through the form and returns its page path.
func (fx *fixture) createItem(t *testing.T, c *client, kv ...string) string {
	t.Helper()
	r := c.post(t, "/ledger/new", fx.ledgerForm(c, kv...))
	m := itemPathRE.FindStringSubmatch(r.Location())
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("create = %d to %q: %s", r.Status, r.Location(), text(r.Body))
	}
	return "/ledger/" + m[1]
}

func (fx *fixture) itemStatus(t *testing.T, path string) string {
	t.Helper()
	var s string
	storetest.Must(t, fx.db.QueryRowContext(context.Background(), `SELECT status FROM ledger_items WHERE id = $1`,
		strings.TrimPrefix(path, "/ledger/")).Scan(&s))
	return s
}

func (fx *fixture) testLedgerCreate(t *testing.T) {
	office := fx.as(t, "office")
	if r := office.get(t, "/ledger/new"); r.Status != http.StatusOK || !strings.Contains(r.Body, `name="responsible_code"`) {
		t.Fatalf("GET /ledger/new = %d: %s", r.Status, text(r.Body))
	}
	dept := fx.count(t, `SELECT min(id) FROM units WHERE kind = 'department'`)
	before := fx.count(t, `SELECT count(*) FROM ledger_items`)
	for _, c := range []struct {
		name string
		kv   []string
		want string
	}{
		{"no source", []string{"source", ""}, "问题来源应为"},
		{"unknown source", []string{"source", "rumour"}, "问题来源应为"},
		{"no unit", []string{"unit_id", ""}, "请选择责任单位"},
		{"unit not a number", []string{"unit_id", "abc"}, "请选择责任单位"},
		{"no such unit", []string{"unit_id", "99999999"}, "责任单位不存在"},
		{"no person", []string{"responsible_code", ""}, "请填写责任人工号"},
		{"unknown person", []string{"responsible_code", "NOBODY-999"}, "没有对应的人员"},
		{"person of another brigade", []string{"responsible_code", fx.personB.Code}, "责任人应是"},
		{"person above the unit", []string{"responsible_code", fx.personA.Code, "unit_id", strconv.FormatInt(fx.brigadeB.ID, 10)}, "责任人应是"},
		{"no title", []string{"title", "  "}, "问题标题不能为空"},
		{"title too long", []string{"title", strings.Repeat("长", rectify.MaxTitle+1)}, "问题标题过长"},
		{"title with a newline", []string{"title", "一\n二"}, "不能包含换行"},
		{"description too long", []string{"description", strings.Repeat("长", rectify.MaxText+1)}, "问题描述过长"},
		{"measures too long", []string{"measures", strings.Repeat("长", rectify.MaxText+1)}, "整改措施过长"},
		{"unknown asset", []string{"asset_code", "NO-SUCH-ASSET"}, "相关资产“NO-SUCH-ASSET”不存在"},
		{"lead unit not a department", []string{"lead_unit_id", strconv.FormatInt(fx.brigadeA.ID, 10)}, "牵头处室应是一个处室"},
		{"lead unit not a number", []string{"lead_unit_id", "x"}, "牵头处室无效"},
		{"working days not a number", []string{"deadline_workdays", "十"}, "整改时限应为 1 至 250 个工作日"},
		{"working days too many", []string{"deadline_workdays", "251"}, "整改时限应为 1 至 250 个工作日"},
		{"no deadline", []string{"deadline_workdays", ""}, "请填写整改时限"},
		{"both deadlines", []string{"deadline", "2099-12-31"}, "二者只填其一"},
		{"bad date", []string{"deadline_workdays", "", "deadline", "2026-02-30"}, "截止日期应为"},
		{"past date", []string{"deadline_workdays", "", "deadline", "2020-01-01"}, "不能早于今天"},
	} {
		r := office.post(t, "/ledger/new", fx.ledgerForm(office, c.kv...))
		wantFieldError(t, c.name, r, http.StatusBadRequest, c.want)
		if c.name == "unknown person" && !strings.Contains(r.Body, `value="NOBODY-999"`) {
			t.Errorf("the refused form does not keep what was typed")
		}
	}
	if n := fx.count(t, `SELECT count(*) FROM ledger_items`); n != before {
		t.Fatalf("refused forms wrote %d items", n-before)
	}
	// To a liaison, a person outside the brigade is as unknown as a 工号 nobody has.
	liaison := fx.as(t, "liaison")
	wantFieldError(t, "liaison names a person of another brigade", liaison.post(t, "/ledger/new", fx.ledgerForm(liaison, "responsible_code", fx.personB.Code)),
		http.StatusBadRequest, "没有对应的人员,或该人员不在您的管辖范围内")
	// A lead department outside the liaison's scope is allowed; so is a date deadline.
	path := fx.createItem(t, fx.as(t, "liaison"), "lead_unit_id", strconv.Itoa(dept), "deadline_workdays", "", "deadline", "2099-06-30")
	r := office.get(t, path)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "2099-06-30") || !strings.Contains(r.Body, "待整改") || !strings.Contains(r.Body, "ZG-") {
		t.Fatalf("the new item's page = %d: %s", r.Status, text(r.Body))
	}
	// Frontline staff cannot open the ledger at all; a reviewer reads it but cannot record.
	if r := fx.as(t, "staff").get(t, "/ledger"); r.Status != http.StatusForbidden {
		t.Errorf("staff GET /ledger = %d", r.Status)
	}
	rev := fx.as(t, "reviewer")
	if r := rev.post(t, "/ledger/new", fx.ledgerForm(rev)); r.Status != http.StatusForbidden {
		t.Errorf("reviewer creates an item: %d", r.Status)
	}
}

func (fx *fixture) testLedgerCycle(t *testing.T) {
	office, lead := fx.as(t, "office"), fx.as(t, "lead_office")
	path := fx.createItem(t, office, "title", "要求每日打卡截图上传")
	act := func(c *client, action string, kv ...string) response {
		t.Helper()
		return c.post(t, path+"/"+action, c.form(kv...))
	}
	want := func(status string) {
		t.Helper()
		if got := fx.itemStatus(t, path); got != status {
			t.Fatalf("status %s, want %s", got, status)
		}
	}
	if r := office.get(t, path); !strings.Contains(r.Body, `id="start"`) || strings.Contains(r.Body, `id="submit"`) || strings.Contains(r.Body, `id="verify"`) {
		t.Errorf("a pending item offers the wrong actions: %s", text(r.Body))
	}
	if r := act(office, "submit", "completion", "已整改"); r.Status != http.StatusConflict || !strings.Contains(r.Body, "不能提交验收") {
		t.Errorf("submitting a pending item = %d: %s", r.Status, text(r.Body))
	}
	if r := act(office, "start", "progress", "已通知各站停止打卡"); r.Status != http.StatusSeeOther {
		t.Fatalf("start = %d: %s", r.Status, text(r.Body))
	}
	want("in_progress")
	wantFieldError(t, "empty progress", act(office, "progress", "progress", " "), http.StatusBadRequest, "整改进展不能为空")
	if r := act(office, "progress", "progress", "三个站已停止,一个站待落实"); r.Status != http.StatusSeeOther {
		t.Fatalf("progress = %d: %s", r.Status, text(r.Body))
	}
	wantFieldError(t, "submit without completion", act(office, "submit", "completion", ""), http.StatusBadRequest, "提交验收须填写完成情况")
	if r := act(office, "submit", "completion", "各站均已停止打卡截图"); r.Status != http.StatusSeeOther {
		t.Fatalf("submit = %d: %s", r.Status, text(r.Body))
	}
	want("review")
	// Four eyes: the submitter is told, and refused, when accepting their own fix.
	if r := office.get(t, path); !strings.Contains(r.Body, `id="self-fixed"`) || strings.Contains(r.Body, `id="verify"`) {
		t.Errorf("the submitter is offered to accept their own fix: %s", text(r.Body))
	}
	if r := act(office, "verify", "note", "同意"); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "双人复核") {
		t.Errorf("the submitter accepts their own fix: %d: %s", r.Status, text(r.Body))
	}
	want("review")
	// A liaison may fix but not accept.
	if r := act(fx.as(t, "liaison"), "verify"); r.Status != http.StatusForbidden {
		t.Errorf("a liaison accepts: %d", r.Status)
	}
	// Sending back needs a reason.
	wantFieldError(t, "reject without a reason", act(lead, "reject", "reason", ""), http.StatusBadRequest, "驳回须说明理由")
	wantFieldError(t, "reject with a one-character reason", act(lead, "reject", "reason", "否"), http.StatusBadRequest, "驳回须说明理由")
	if r := act(lead, "reject", "reason", "缺少各站的停止通知截图"); r.Status != http.StatusSeeOther {
		t.Fatalf("reject = %d: %s", r.Status, text(r.Body))
	}
	want("in_progress")
	if r := office.get(t, path); !strings.Contains(r.Body, "缺少各站的停止通知截图") {
		t.Errorf("the page does not show the reason for sending back")
	}
	if r := act(office, "submit", "completion", "已补充各站通知截图"); r.Status != http.StatusSeeOther {
		t.Fatalf("resubmit = %d: %s", r.Status, text(r.Body))
	}
	if r := lead.get(t, path); !strings.Contains(r.Body, `id="verify"`) {
		t.Errorf("another reviewer is not offered to accept: %s", text(r.Body))
	}
	if r := act(lead, "verify", "note", "材料齐全,同意销号"); r.Status != http.StatusSeeOther {
		t.Fatalf("verify by another user = %d: %s", r.Status, text(r.Body))
	}
	want("closed")
	r := office.get(t, path)
	if !strings.Contains(r.Body, "已销号") || strings.Contains(r.Body, `id="start"`) || strings.Contains(r.Body, `id="update-progress"`) {
		t.Errorf("the closed item's page: %s", text(r.Body))
	}
	for _, ev := range []string{"登记", "开始整改", "更新进展", "提交验收", "退回", "验收销号"} {
		if !strings.Contains(r.Body, "<td>"+ev+"</td>") {
			t.Errorf("the history lacks %s", ev)
		}
	}
	if r := act(lead, "verify"); r.Status != http.StatusConflict {
		t.Errorf("verifying a closed item = %d", r.Status)
	}

	// Comments and accountability.
	wantFieldError(t, "empty comment", act(office, "comment", "body", ""), http.StatusBadRequest, "评论不能为空")
	if r := act(office, "comment", "body", "后续抽查时复核"); r.Status != http.StatusSeeOther {
		t.Fatalf("comment = %d: %s", r.Status, text(r.Body))
	}
	wantFieldError(t, "accountability without a note", act(lead, "accountability", "kind", "talk", "note", ""), http.StatusBadRequest, "问责说明不能为空")
	wantFieldError(t, "accountability of an unknown kind", act(lead, "accountability", "kind", "fine", "note", "x"), http.StatusBadRequest, "问责方式应为")
	wantFieldError(t, "accountability on a bad date", act(lead, "accountability", "kind", "talk", "note", "约谈", "on", "2026-13-01"), http.StatusBadRequest, "问责日期")
	if r := act(fx.as(t, "liaison"), "accountability", "kind", "talk", "note", "约谈"); r.Status != http.StatusForbidden {
		t.Errorf("a liaison records accountability: %d", r.Status)
	}
	if r := act(lead, "accountability", "kind", "talk", "note", "约谈大队主要负责人"); r.Status != http.StatusSeeOther {
		t.Fatalf("accountability = %d: %s", r.Status, text(r.Body))
	}
	if r := office.get(t, path); !strings.Contains(r.Body, "后续抽查时复核") || !strings.Contains(r.Body, "约谈大队主要负责人") {
		t.Errorf("the page lacks the comment or the accountability record")
	}

	// Bad ids and actions are clear 4xx pages, never 500.
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/ledger/abc", http.StatusBadRequest},
		{"GET", "/ledger/0", http.StatusBadRequest},
		{"GET", "/ledger/99999999", http.StatusNotFound},
		{"GET", path + "/attachments/abc", http.StatusBadRequest},
		{"GET", path + "/attachments/99999999", http.StatusNotFound},
		{"GET", "/ledger?status=nope", http.StatusBadRequest},
		{"GET", "/ledger?source=nope", http.StatusBadRequest},
		{"GET", "/ledger?unit_id=x", http.StatusBadRequest},
		{"GET", "/ledger/export?status=nope", http.StatusBadRequest},
		{"POST", "/ledger/abc/start", http.StatusBadRequest},
		{"POST", "/ledger/99999999/start", http.StatusNotFound},
		{"POST", path + "/explode", http.StatusNotFound},
	} {
		var r response
		if c.method == "GET" {
			r = office.get(t, c.path)
		} else {
			r = office.post(t, c.path, office.form())
		}
		if r.Status != c.status {
			t.Errorf("%s %s = %d, want %d", c.method, c.path, r.Status, c.status)
		}
	}

	// Scope: the other brigade's liaison does not see the item at all.
	number := regexp.MustCompile(`ZG-\d{4}-\d{4}`).FindString(office.get(t, path).Body)
	if number == "" {
		t.Fatal("no number on the item's page")
	}
	l2 := fx.as(t, "liaison2")
	if r := l2.get(t, path); r.Status != http.StatusNotFound {
		t.Errorf("liaison2 GET %s = %d, want 404", path, r.Status)
	}
	if r := l2.post(t, path+"/comment", l2.form("body", "看看")); r.Status != http.StatusNotFound {
		t.Errorf("liaison2 comments on another brigade's item: %d", r.Status)
	}
	if r := l2.get(t, "/ledger?limit=500"); r.Status != http.StatusOK || strings.Contains(r.Body, number) {
		t.Errorf("liaison2's list = %d, shows %s: %v", r.Status, number, strings.Contains(r.Body, number))
	}
	if r := l2.get(t, "/ledger/export"); strings.Contains(string(xlsxCells(t, r)), number) {
		t.Errorf("liaison2's export holds %s", number)
	}
	if r := fx.as(t, "liaison").get(t, "/ledger?limit=500&q="+url.QueryEscape(number)); !strings.Contains(r.Body, number) {
		t.Errorf("liaison's list lacks its brigade's %s", number)
	}
	if r := office.get(t, "/ledger?status=closed&limit=500"); !strings.Contains(r.Body, number) || !strings.Contains(r.Body, `id="board"`) {
		t.Errorf("the closed filter lacks %s", number)
	}
	if r := office.get(t, "/ledger?status=pending&limit=500"); strings.Contains(r.Body, number) {
		t.Errorf("the pending filter shows closed %s", number)
	}
}

// xlsxRows are the rows of an exported workbook's ledger sheet.
func xlsxRows(t *testing.T, r response) [][]string {
	t.Helper()
	x, err := excelize.OpenReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatalf("export = %d, not a workbook: %v", r.Status, err)
	}
	defer x.Close()
	rows, err := x.GetRows(rectify.SheetName)
	storetest.Must(t, err)
	return rows
}

// xlsxCells is every cell of an exported workbook's ledger sheet, joined.
func xlsxCells(t *testing.T, r response) string {
	t.Helper()
	var b strings.Builder
	for _, row := range xlsxRows(t, r) {
		b.WriteString(strings.Join(row, "|") + "\n")
	}
	return b.String()
}

func pngFile(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.RGBA{200, 30, 30, 255})
	var b bytes.Buffer
	storetest.Must(t, png.Encode(&b, img))
	return b.Bytes()
}

func (fx *fixture) testLedgerAttachments(t *testing.T) {
	office := fx.as(t, "office")
	path := fx.createItem(t, office, "title", "群内要求上传工作留痕照片")
	pic := pngFile(t)
	if r := office.uploadTo(t, path+"/attachments", nil, "整改前后对比.png", pic); r.Status != http.StatusSeeOther {
		t.Fatalf("upload a PNG = %d: %s", r.Status, text(r.Body))
	}
	for _, c := range []struct {
		name    string
		content []byte
		want    string
	}{
		{"setup.exe", append([]byte("MZ\x90\x00\x03\x00\x00\x00"), bytes.Repeat([]byte{0}, 64)...), "文件类型不支持"},
		{"说明.txt", []byte("这是一段纯文本说明"), "文件类型不支持"},
		{"图片.pdf", pic, "扩展名与内容不符"},
		{"空.png", nil, "文件为空"},
	} {
		wantFieldError(t, "upload "+c.name, office.uploadTo(t, path+"/attachments", nil, c.name, c.content), http.StatusBadRequest, c.want)
	}
	big := append(append([]byte{}, pic...), make([]byte, rectify.MaxAttachment)...)
	wantFieldError(t, "upload over 10 MiB", office.uploadTo(t, path+"/attachments", nil, "大图.png", big), http.StatusRequestEntityTooLarge, "最大 10 MB")
	wantFieldError(t, "upload without a file", office.uploadTo(t, path+"/attachments", nil, "", nil), http.StatusBadRequest, "请选择要上传的文件")
	if n := fx.count(t, `SELECT count(*) FROM ledger_attachments WHERE item_id = $1`, strings.TrimPrefix(path, "/ledger/")); n != 1 {
		t.Fatalf("%d attachments stored, want 1", n)
	}
	page := office.get(t, path)
	m := regexp.MustCompile(regexp.QuoteMeta(path) + `/attachments/(\d+)`).FindString(page.Body)
	if m == "" || !strings.Contains(page.Body, "整改前后对比.png") {
		t.Fatalf("no attachment link on the page: %s", text(page.Body))
	}
	r := office.get(t, m)
	if r.Status != http.StatusOK || r.Body != string(pic) {
		t.Fatalf("download = %d, %d bytes, want the %d uploaded", r.Status, len(r.Body), len(pic))
	}
	if ct, cd, ns := r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"), r.Header.Get("X-Content-Type-Options"); ct != "image/png" ||
		!strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, url.PathEscape("整改前后对比.png")) || ns != "nosniff" {
		t.Errorf("download headers: Content-Type %q, Content-Disposition %q, X-Content-Type-Options %q", ct, cd, ns)
	}
	if r := fx.as(t, "liaison2").get(t, m); r.Status != http.StatusNotFound {
		t.Errorf("liaison2 downloads another brigade's evidence: %d", r.Status)
	}
	if r := fx.as(t, "liaison").get(t, m); r.Status != http.StatusOK || r.Body != string(pic) {
		t.Errorf("the brigade's liaison downloads its evidence: %d", r.Status)
	}
}

// ledgerWorkbook builds a 台账 file with the ledger's columns and rows.
func ledgerWorkbook(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	header := make([]any, len(rectify.Columns))
	for i, c := range rectify.Columns {
		header[i] = c
	}
	storetest.Must(t, f.SetSheetRow("Sheet1", "A1", &header))
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		storetest.Must(t, f.SetSheetRow("Sheet1", cell, &row))
	}
	var b bytes.Buffer
	storetest.Must(t, f.Write(&b))
	return b.Bytes()
}

func (fx *fixture) testLedgerSpreadsheets(t *testing.T) {
	admin := fx.as(t, "admin")
	exp := admin.get(t, "/ledger/export")
	if exp.Status != http.StatusOK || exp.Header.Get("Content-Type") != rectify.TypeXLSX || !strings.HasPrefix(exp.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("export = %d, %q, %q", exp.Status, exp.Header.Get("Content-Type"), exp.Header.Get("Content-Disposition"))
	}
	if rows := xlsxRows(t, exp); strings.Join(rows[0], "|") != strings.Join(rectify.Columns, "|") ||
		len(rows) != fx.count(t, `SELECT count(*) FROM ledger_items`)+1 {
		t.Fatalf("export: header %q, %d rows", rows[0], len(rows))
	}
	closed := xlsxRows(t, admin.get(t, "/ledger/export?status=closed"))
	if n := fx.count(t, `SELECT count(*) FROM ledger_items WHERE status = 'closed'`); n == 0 || len(closed) != n+1 {
		t.Errorf("the closed export has %d rows, want %d and the header", len(closed)-1, n)
	}
	if r := admin.get(t, "/ledger"); !strings.Contains(r.Body, `href="/ledger/export"`) {
		t.Errorf("the list has no export link")
	}

	personC := fx.personIn(t, fx.stationC)
	good := []any{1, "举报", "要求每周提交学习心得\n每人每周一篇", fx.stationC.Code, personC.Name + "(" + personC.Code + ")", "取消硬性篇数要求",
		"2026-03-31", "", "", "IMP-LEDGER-001", "待整改"}
	good2 := []any{2, "自查", "工作群非工作时间频繁发消息", fx.stationC.Code, personC.Code, "规定发布时段", "2099-03-31", "", "", "IMP-LEDGER-002", ""}
	bad := []any{3, "道听途说", "不知道", fx.stationC.Code, personC.Code, "", "明天", "", "", "", ""}
	before := fx.count(t, `SELECT count(*) FROM ledger_items`)

	r := admin.uploadTo(t, "/ledger/import", nil, "台账.xlsx", ledgerWorkbook(t, good, good2, bad))
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, `id="row-errors"`) || !strings.Contains(r.Body, "第4行") ||
		!strings.Contains(r.Body, "问题来源应为") || !strings.Contains(r.Body, "整改时限应为日期") || strings.Contains(r.Body, `name="staging"`) {
		t.Fatalf("a file with a bad row = %d: %s", r.Status, text(r.Body))
	}
	if strings.Contains(r.Body, "第2行") {
		t.Errorf("a good row is reported as an error")
	}
	if n := fx.count(t, `SELECT count(*) FROM ledger_items`); n != before {
		t.Fatalf("a refused file wrote %d items", n-before)
	}
	wantFieldError(t, "import without a file", admin.uploadTo(t, "/ledger/import", nil, "", nil), http.StatusBadRequest, "请选择要上传的文件")
	wantFieldError(t, "import a CSV", admin.uploadTo(t, "/ledger/import", nil, "台账.csv", []byte("a,b\n")), http.StatusBadRequest, "只支持 Excel")
	if r := admin.uploadTo(t, "/ledger/import", nil, "台账.xlsx", []byte("not a zip")); r.Status != http.StatusBadRequest {
		t.Errorf("a broken workbook = %d: %s", r.Status, text(r.Body))
	}

	file := ledgerWorkbook(t, good, good2)
	r = admin.uploadTo(t, "/ledger/import", nil, "台账.xlsx", file)
	m := stagingRE.FindStringSubmatch(r.Body)
	if r.Status != http.StatusOK || m == nil || !strings.Contains(r.Body, "检查结果(尚未写入)") || !strings.Contains(r.Body, "将新增 2 项") {
		t.Fatalf("dry run of a good file = %d: %s", r.Status, text(r.Body))
	}
	if n := fx.count(t, `SELECT count(*) FROM ledger_items`); n != before {
		t.Fatalf("the dry run wrote %d items", n-before)
	}
	r = admin.uploadTo(t, "/ledger/import", map[string]string{"staging": m[1]}, "", nil)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "导入结果(已写入)") {
		t.Fatalf("confirm = %d: %s", r.Status, text(r.Body))
	}
	if n := fx.count(t, `SELECT count(*) FROM ledger_items WHERE number IN ('IMP-LEDGER-001', 'IMP-LEDGER-002')`); n != 2 {
		t.Fatalf("%d of the 2 rows imported", n)
	}
	// The staged file is used once; the same file again adds nothing.
	if r := admin.uploadTo(t, "/ledger/import", map[string]string{"staging": m[1]}, "", nil); r.Status != http.StatusNotFound {
		t.Errorf("confirming twice = %d", r.Status)
	}
	if r := admin.uploadTo(t, "/ledger/import", nil, "台账.xlsx", file); !strings.Contains(r.Body, "已在台账中 2 项") {
		t.Errorf("re-importing: %s", text(r.Body))
	}
	// The item imported with a past deadline shows as overdue.
	if r := admin.get(t, "/ledger?overdue=1&q=IMP-LEDGER&limit=500"); !strings.Contains(r.Body, "IMP-LEDGER-001") || strings.Contains(r.Body, "IMP-LEDGER-002") {
		t.Errorf("the overdue filter: %s", text(r.Body))
	}
	// Another user's staged file is not theirs to confirm.
	r = admin.uploadTo(t, "/ledger/import", nil, "台账.xlsx", ledgerWorkbook(t, []any{1, "自查", "新问题", fx.stationC.Code, personC.Code, "", "2099-01-01", "", "", "", ""}))
	m = stagingRE.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no staging: %s", text(r.Body))
	}
	office := fx.as(t, "office")
	if r := office.uploadTo(t, "/ledger/import", map[string]string{"staging": m[1]}, "", nil); r.Status != http.StatusNotFound {
		t.Errorf("office confirms admin's staged file: %d", r.Status)
	}
}

func (fx *fixture) testLedgerFindings(t *testing.T) {
	office := fx.as(t, "office")
	if r := office.post(t, "/findings/run", office.form()); r.Status != http.StatusSeeOther {
		t.Fatalf("run = %d", r.Status)
	}
	ctx := context.Background()
	// Open findings, each with someone on the books in its unit's subtree.
	rows, err := fx.db.QueryContext(ctx, `SELECT f.id, (SELECT min(p.code) FROM people p JOIN units pu ON pu.id = p.unit_id
		WHERE pu.path LIKE u.path || '%' AND p.status = $1) FROM findings f JOIN units u ON u.id = f.unit_id
		WHERE f.status IN ('new', 'confirmed') AND f.resolved_run_id IS NULL ORDER BY f.id`, org.Active)
	storetest.Must(t, err)
	type open struct {
		id     int64
		person string
	}
	var list []open
	for rows.Next() {
		var o open
		var code *string
		storetest.Must(t, rows.Scan(&o.id, &code))
		if code != nil {
			o.person = *code
			list = append(list, o)
		}
	}
	storetest.Must(t, rows.Err())
	rows.Close()
	if len(list) < 3 {
		t.Fatalf("only %d open findings with people in their units", len(list))
	}
	first, second := list[0], list[1]
	fpath := "/findings/" + strconv.FormatInt(first.id, 10)
	if r := office.get(t, fpath); !strings.Contains(r.Body, `id="to-ledger"`) || !strings.Contains(r.Body, `name="deadline_workdays" id="ledger-workdays" type="number" min="1" max="250" value="10"`) {
		t.Fatalf("the finding page has no conversion form: %s", text(r.Body))
	}
	if r := fx.as(t, "reviewer").get(t, fpath); strings.Contains(r.Body, `id="to-ledger"`) {
		t.Errorf("a user who cannot review is offered the conversion")
	}
	conv := func(kv ...string) response {
		f := office.form("responsible_code", first.person, "deadline_workdays", "10", "measures", "指定群主并清理成员")
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return office.post(t, fpath+"/ledger", f)
	}
	wantFieldError(t, "convert without a person", conv("responsible_code", ""), http.StatusBadRequest, "请填写责任人工号")
	wantFieldError(t, "convert with an unknown person", conv("responsible_code", "NOBODY-999"), http.StatusBadRequest, "没有对应的人员")
	wantFieldError(t, "convert without a deadline", conv("deadline_workdays", ""), http.StatusBadRequest, "请填写整改时限")
	wantFieldError(t, "convert with a bad deadline", conv("deadline_workdays", "abc"), http.StatusBadRequest, "整改时限应为")
	if r := office.post(t, "/findings/abc/ledger", office.form()); r.Status != http.StatusBadRequest {
		t.Errorf("convert /findings/abc = %d", r.Status)
	}
	if n := fx.count(t, `SELECT count(*) FROM ledger_items WHERE finding_id = $1`, first.id); n != 0 {
		t.Fatal("a refused conversion wrote an item")
	}
	r := conv()
	m := itemPathRE.FindStringSubmatch(r.Location())
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("convert = %d to %q: %s", r.Status, r.Location(), text(r.Body))
	}
	item := office.get(t, "/ledger/"+m[1])
	if !strings.Contains(item.Body, "体检") || !strings.Contains(item.Body, `href="`+fpath+`"`) || !strings.Contains(item.Body, "指定群主并清理成员") {
		t.Errorf("the converted item's page: %s", text(item.Body))
	}
	page := office.get(t, fpath)
	if !strings.Contains(page.Body, "已转整改") || !strings.Contains(page.Body, `id="ledger-item"`) || strings.Contains(page.Body, `id="to-ledger"`) {
		t.Errorf("the converted finding's page: %s", text(page.Body))
	}
	if r := conv(); r.Status != http.StatusConflict || !strings.Contains(r.Body, "不能重复转换") {
		t.Errorf("converting again = %d: %s", r.Status, text(r.Body))
	}

	// In bulk: the list offers checkboxes on open findings; each conversion stands alone.
	if r := office.get(t, "/findings?limit=500"); !strings.Contains(r.Body, `form="bulk-ledger"`) ||
		strings.Contains(r.Body, `name="ids" value="`+strconv.FormatInt(first.id, 10)+`"`) {
		t.Errorf("the list's checkboxes: converted finding offered or none at all")
	}
	bulk := func(ids []int64, person string) response {
		f := office.form("responsible_code", person, "deadline_workdays", "15")
		for _, id := range ids {
			f.Add("ids", strconv.FormatInt(id, 10))
		}
		return office.post(t, "/findings/ledger", f)
	}
	if r := bulk(nil, second.person); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "请勾选") {
		t.Errorf("bulk without findings = %d: %s", r.Status, text(r.Body))
	}
	if r := office.post(t, "/findings/ledger", office.form("ids", "x", "responsible_code", second.person, "deadline_workdays", "15")); r.Status != http.StatusBadRequest {
		t.Errorf("bulk with a bad id = %d", r.Status)
	}
	if r := bulk([]int64{second.id}, ""); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "请填写责任人工号") {
		t.Errorf("bulk without a person = %d: %s", r.Status, text(r.Body))
	}
	r = bulk([]int64{first.id, second.id, 99999999}, second.person)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "成功 1 项,失败 2 项") || !strings.Contains(r.Body, "不能重复转换") ||
		!strings.Contains(r.Body, "转换成功的已保留") {
		t.Fatalf("bulk = %d: %s", r.Status, text(r.Body))
	}
	if n := fx.count(t, `SELECT count(*) FROM ledger_items WHERE finding_id = $1`, second.id); n != 1 {
		t.Fatalf("the good finding of the bulk was not converted")
	}
	if r := office.get(t, "/findings/"+strconv.FormatInt(second.id, 10)); !strings.Contains(r.Body, "已转整改") {
		t.Errorf("the bulk-converted finding does not read 已转整改")
	}
	if r := bulk([]int64{second.id}, second.person); !strings.Contains(r.Body, "成功 0 项,失败 1 项") || !strings.Contains(r.Body, "不能重复转换") {
		t.Errorf("bulk converting again: %s", text(r.Body))
	}
}
