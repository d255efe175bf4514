package web

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/rectify"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// ledgerRoutes registers the rectification ledger (整改台账) pages and the conversion of
// health-check findings into ledger items. Every route needs only catalog read: rectify decides
// the finer rules by role (who records, who accepts) and limits everything to the caller's scope.
func (s *Server) ledgerRoutes(mux *http.ServeMux) {
	read := org.PermCatalogRead
	mux.Handle("GET /ledger", s.page(read, s.ledgerList))
	mux.Handle("GET /ledger/new", s.page(read, s.ledgerNew))
	mux.Handle("POST /ledger/new", s.page(read, s.ledgerCreate))
	mux.Handle("GET /ledger/export", s.page(read, s.ledgerExport))
	mux.Handle("GET /ledger/import", s.page(read, s.ledgerImportForm))
	mux.Handle("POST /ledger/import", s.page(read, s.ledgerImport))
	mux.Handle("GET /ledger/{id}", s.page(read, s.ledgerItem))
	mux.Handle("POST /ledger/{id}/attachments", s.page(read, s.ledgerAttach))
	mux.Handle("GET /ledger/{id}/attachments/{aid}", s.page(read, s.ledgerAttachment))
	mux.Handle("POST /ledger/{id}/{action}", s.page(read, s.ledgerAction))
	mux.Handle("POST /findings/{id}/ledger", s.page(read, s.findingToLedger))
	mux.Handle("POST /findings/ledger", s.page(read, s.findingsToLedger))
}

// ledgerWriter and ledgerVerifier mirror rectify's role rules, only to decide which forms a
// page shows; rectify enforces them.
func ledgerWriter(p org.Principal) bool {
	for _, r := range []org.Role{org.RoleAdmin, org.RoleOffice, org.RoleLead, org.RoleLiaison, org.RoleInspector} {
		if p.Has(r) {
			return true
		}
	}
	return false
}

func ledgerVerifier(p org.Principal) bool {
	for _, r := range []org.Role{org.RoleAdmin, org.RoleOffice, org.RoleLead, org.RoleInspector} {
		if p.Has(r) {
			return true
		}
	}
	return false
}

// --- list ---------------------------------------------------------------------------------------

type statusCount struct {
	Status rectify.Status
	N      int
}

type ledgerListData struct {
	F        rectify.Filter
	Source   string
	Status   string
	Units    []org.Unit
	Sources  []rectify.Source
	Statuses []rectify.Status
	Items    []rectify.Item
	Pager    pager
	Counts   []statusCount // the board: items in scope per status
	Overdue  int
	Total    int
	Export   string // the export link, with the list's filters
	CanWrite bool
}

// ledgerFilter reads the list's filters from the query; the export takes the same.
func ledgerFilter(r *http.Request) (rectify.Filter, error) {
	q, pg, err := listParams(r)
	if err != nil {
		return rectify.Filter{}, err
	}
	v := r.URL.Query()
	f := rectify.Filter{Q: q, Page: pg, Overdue: v.Get("overdue") == "1", DueThisWeek: v.Get("due") == "1"}
	if src := v.Get("source"); src != "" {
		s, ok := rectify.ParseSource(src)
		if !ok {
			return f, errs.Field("source", "问题来源无效")
		}
		f.Source = s
	}
	if st := v.Get("status"); st != "" {
		s, ok := rectify.ParseStatus(st)
		if !ok {
			return f, errs.Field("status", "状态无效")
		}
		f.Status = s
	}
	if f.UnitID, err = httpx.QueryID(r, "unit_id"); err != nil {
		return f, err
	}
	return f, nil
}

func (s *Server) ledgerList(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	f, err := ledgerFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, total, err := rectify.List(r.Context(), s.DB, p, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	board, err := rectify.Board(r.Context(), s.DB, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := ledgerListData{F: f, Source: string(f.Source), Status: string(f.Status), Sources: rectify.Sources, Statuses: rectify.Statuses,
		Items: items, Pager: newPager(r, total, f.Page.Limit, f.Page.Offset), CanWrite: ledgerWriter(p)}
	for _, st := range rectify.Statuses {
		n := 0
		for _, b := range board {
			n += b.Counts[st]
		}
		d.Counts = append(d.Counts, statusCount{st, n})
		d.Total += n
	}
	for _, b := range board {
		d.Overdue += b.Overdue
	}
	if d.Units, err = s.Org.AllUnits(r.Context(), p); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	q.Del("offset")
	q.Del("limit")
	d.Export = "/ledger/export"
	if e := q.Encode(); e != "" {
		d.Export += "?" + e
	}
	s.render(w, r, http.StatusOK, "ledger", view{Title: "整改台账", Active: "ledger", Data: d})
}

// ledgerExport writes the filtered list (every page) as a 台账 workbook.
func (s *Server) ledgerExport(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	f, err := ledgerFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.Page = org.Page{}
	var buf bytes.Buffer
	if err := rectify.ExportXLSX(r.Context(), s.DB, p, f, &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	name := "整改台账_" + time.Now().In(tz.Shanghai).Format("20060102") + ".xlsx"
	w.Header().Set("Content-Type", rectify.TypeXLSX)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// --- create -------------------------------------------------------------------------------------

// ledgerForm is the new-item form as typed, so that a refused form comes back as it was.
type ledgerForm struct {
	Source, Title, Description, Measures string
	UnitID, LeadUnitID                   int64
	PersonCode, AssetCode                string
	Workdays, Deadline                   string
	Units, Depts                         []org.Unit
	Sources                              []rectify.Source
}

func (s *Server) ledgerFormView(r *http.Request, f ledgerForm) (view, error) {
	p := httpx.CallerFrom(r.Context()).Principal()
	var err error
	if f.Units, err = s.Org.AllUnits(r.Context(), p); err != nil {
		return view{}, err
	}
	// The lead department may lie outside the caller's scope (a brigade names the bureau
	// department that leads the matter), so every department is offered.
	all, err := s.Org.AllUnits(r.Context(), org.System)
	if err != nil {
		return view{}, err
	}
	for _, u := range all {
		if u.Kind == org.Department {
			f.Depts = append(f.Depts, u)
		}
	}
	f.Sources = rectify.Sources
	return view{Title: "登记整改事项", Active: "ledger", Data: f}, nil
}

func (s *Server) ledgerNew(w http.ResponseWriter, r *http.Request) {
	c := httpx.CallerFrom(r.Context())
	if !ledgerWriter(c.Principal()) {
		s.fail(w, r, errs.E(errs.Forbidden, "没有权限修改整改台账"))
		return
	}
	v, err := s.ledgerFormView(r, ledgerForm{UnitID: c.User.UnitID, Workdays: "10"})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "ledger_form", v)
}

func (s *Server) ledgerCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	fv := r.PostFormValue
	f := ledgerForm{Source: fv("source"), Title: fv("title"), Description: fv("description"), Measures: fv("measures"),
		PersonCode: strings.TrimSpace(fv("responsible_code")), AssetCode: strings.TrimSpace(fv("asset_code")),
		Workdays: strings.TrimSpace(fv("deadline_workdays")), Deadline: strings.TrimSpace(fv("deadline"))}
	in, err := s.ledgerInput(r, p, &f)
	if err == nil {
		var it rectify.Item
		if it, err = rectify.Create(r.Context(), s.DB, p, in); err == nil {
			redirect(w, r, "/ledger/"+strconv.FormatInt(it.ID, 10), "created")
			return
		}
	}
	v, verr := s.ledgerFormView(r, f)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	s.formError(w, r, "ledger_form", v, err)
}

// ledgerInput turns the form into rectify.Input: ids from the selects, the person by 工号, the
// asset by code, the deadline as working days or a date.
func (s *Server) ledgerInput(r *http.Request, p org.Principal, f *ledgerForm) (rectify.Input, error) {
	in := rectify.Input{Source: rectify.Source(f.Source), Title: f.Title, Description: f.Description, Measures: f.Measures}
	var err error
	if f.UnitID, err = formID(r, "unit_id"); err != nil {
		return in, errs.Field("unit_id", "请选择责任单位")
	}
	if f.LeadUnitID, err = formID(r, "lead_unit_id"); err != nil {
		return in, errs.Field("lead_unit_id", "牵头处室无效")
	}
	in.UnitID, in.LeadUnitID = f.UnitID, f.LeadUnitID
	if f.AssetCode != "" {
		a, err := s.Catalog.GetByCode(r.Context(), p, f.AssetCode)
		if err != nil {
			if errs.KindOf(err) == errs.Other {
				return in, err
			}
			return in, errs.Field("asset_id", "相关资产“"+f.AssetCode+"”不存在或不在您的管辖范围内")
		}
		in.AssetID = a.ID
	}
	if in.ResponsiblePersonID, err = s.personID(r, f.PersonCode); err != nil {
		return in, err
	}
	if in.DeadlineWorkdays, in.Deadline, err = parseDeadline(f.Workdays, f.Deadline); err != nil {
		return in, err
	}
	return in, nil
}

// personID finds a person in the caller's scope by 工号; one outside it reads as unknown, so that
// the form tells nothing about other units' people. Whether the person may answer for the item's
// unit is rectify's check.
func (s *Server) personID(r *http.Request, code string) (int64, error) {
	if code == "" {
		return 0, errs.Field("responsible_person_id", "请填写责任人工号")
	}
	var id int64
	var path string
	err := s.DB.QueryRowContext(r.Context(), `SELECT p.id, u.path FROM people p JOIN units u ON u.id = p.unit_id WHERE p.code = $1`,
		code).Scan(&id, &path)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !httpx.CallerFrom(r.Context()).Principal().Scope.Contains(path) {
		return 0, errs.Field("responsible_person_id", "工号“"+code+"”没有对应的人员,或该人员不在您的管辖范围内")
	}
	if err != nil {
		return 0, fmt.Errorf("web: find person %q: %w", code, err)
	}
	return id, nil
}

// parseDeadline reads a deadline given as working days or as a date (YYYY-MM-DD); that exactly
// one is given is rectify's check.
func parseDeadline(workdays, date string) (int, time.Time, error) {
	var n int
	var d time.Time
	if workdays != "" {
		var err error
		if n, err = strconv.Atoi(workdays); err != nil || n <= 0 || n > rectify.MaxWorkdays {
			return 0, d, errs.Field("deadline_workdays", fmt.Sprintf("整改时限应为 1 至 %d 个工作日", rectify.MaxWorkdays))
		}
	}
	if date != "" {
		var err error
		if d, err = time.Parse(time.DateOnly, date); err != nil {
			return 0, d, errs.Field("deadline", "截止日期应为 年-月-日 格式的有效日期,如 2026-12-31")
		}
	}
	return n, d, nil
}

// --- detail and actions -------------------------------------------------------------------------

type ledgerEvent struct {
	rectify.Event
	Label string
}

type ledgerItemData struct {
	D          rectify.Detail
	Events     []ledgerEvent
	Kinds      []rectify.Kind
	CanWrite   bool
	CanVerify  bool
	SelfFixed  bool // the caller submitted the fix, so may not accept it
	In         map[string]string
	FindingURL string
	Depts      []org.Unit // for the edit form's lead department
}

// eventLabels name the history actions rectify writes.
var eventLabels = map[string]string{
	"create": "登记", "convert": "由体检问题转入", "import": "导入", "start": "开始整改", "progress": "更新进展",
	"submit": "提交验收", "verify": "验收销号", "reject": "退回", "attach": "上传证明材料", "accountability": "记录问责",
	"escalate": "逾期督办", "update": "修改", "extend": "调整整改时限",
}

func (s *Server) ledgerItem(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderLedgerItem(w, r, id, "", nil, nil)
}

// renderLedgerItem shows an item; after a refused action, its error beside the action's form
// (key) and what was typed (in).
func (s *Server) renderLedgerItem(w http.ResponseWriter, r *http.Request, id int64, key string, in map[string]string, ferr error) {
	p := httpx.CallerFrom(r.Context()).Principal()
	d, err := rectify.Get(r.Context(), s.DB, p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := ledgerItemData{D: d, Kinds: []rectify.Kind{rectify.KindTalk, rectify.KindNotice, rectify.KindAccountability},
		CanWrite: ledgerWriter(p), CanVerify: ledgerVerifier(p), SelfFixed: d.FixedByID != 0 && d.FixedByID == p.UserID, In: in}
	if data.In == nil {
		data.In = map[string]string{}
	}
	if d.FindingID != 0 {
		data.FindingURL = "/findings/" + strconv.FormatInt(d.FindingID, 10)
	}
	if data.CanVerify && d.Status != rectify.Closed {
		all, err := s.Org.AllUnits(r.Context(), org.System)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, u := range all {
			if u.Kind == org.Department {
				data.Depts = append(data.Depts, u)
			}
		}
	}
	for _, e := range d.History {
		l, ok := eventLabels[e.Action]
		if !ok {
			l = e.Action
		}
		data.Events = append(data.Events, ledgerEvent{e, l})
	}
	v := view{Title: d.Number + " " + d.Title, Active: "ledger", Data: data}
	status := http.StatusOK
	if ferr != nil {
		status = httpx.Status(ferr)
		if status == http.StatusInternalServerError {
			s.fail(w, r, ferr)
			return
		}
		v.Error = httpx.Message(ferr)
		if key != "" {
			v.FieldErr = map[string]string{key: v.Error}
		}
	}
	s.render(w, r, status, "ledger_item", v)
}

func (s *Server) ledgerAction(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, fv := r.Context(), r.PostFormValue
	action := r.PathValue("action")
	key := action
	in := map[string]string{}
	switch action {
	case "start":
		in[key] = fv("progress")
		_, err = rectify.Start(ctx, s.DB, p, id, fv("progress"))
	case "progress":
		in[key] = fv("progress")
		_, err = rectify.UpdateProgress(ctx, s.DB, p, id, fv("progress"))
	case "submit":
		in[key] = fv("completion")
		_, err = rectify.Submit(ctx, s.DB, p, id, fv("completion"))
	case "verify":
		in[key] = fv("note")
		_, err = rectify.Verify(ctx, s.DB, p, id, fv("note"))
	case "reject":
		in[key] = fv("reason")
		_, err = rectify.Reject(ctx, s.DB, p, id, fv("reason"))
	case "comment":
		in[key] = fv("body")
		_, err = rectify.AddComment(ctx, s.DB, p, id, fv("body"))
	case "edit":
		// 修改/延期: the office changes an open item's text, people or deadline; a new deadline
		// needs a reason. Empty deadline fields keep the deadline as it is.
		for _, k := range []string{"title", "description", "measures", "responsible_code", "lead_unit_id", "deadline_workdays", "deadline", "reason"} {
			in["edit."+k] = fv(k)
		}
		u := rectify.UpdateInput{Title: fv("title"), Description: fv("description"), Measures: fv("measures"), Reason: fv("reason")}
		if u.ResponsiblePersonID, err = s.personID(r, strings.TrimSpace(fv("responsible_code"))); err == nil {
			if u.LeadUnitID, err = formID(r, "lead_unit_id"); err != nil {
				err = errs.Field("lead_unit_id", "牵头处室无效")
			}
		}
		if err == nil {
			u.DeadlineWorkdays, u.Deadline, err = parseDeadline(strings.TrimSpace(fv("deadline_workdays")), strings.TrimSpace(fv("deadline")))
		}
		if err == nil {
			_, err = rectify.Update(ctx, s.DB, p, id, u)
		}
	case "accountability":
		in["acc_kind"], in["acc_note"], in["acc_on"] = fv("kind"), fv("note"), fv("on")
		a := rectify.AccountabilityInput{Kind: rectify.Kind(fv("kind")), Note: fv("note")}
		if on := strings.TrimSpace(fv("on")); on != "" {
			if a.On, err = time.Parse(time.DateOnly, on); err != nil {
				err = errs.Field("on", "问责日期应为 年-月-日 格式的有效日期")
			}
		}
		if err == nil {
			_, err = rectify.AddAccountability(ctx, s.DB, p, id, a)
		}
		if f := httpx.Field(err); f == "kind" || f == "on" {
			key = "accountability." + f
		}
	default:
		s.fail(w, r, errs.E(errs.NotFound, "操作不存在"))
		return
	}
	if err != nil {
		s.renderLedgerItem(w, r, id, key, in, err)
		return
	}
	redirect(w, r, "/ledger/"+strconv.FormatInt(id, 10), "updated")
}

// ledgerAttach stores an uploaded evidence file. The multipart form was parsed by the CSRF
// check, under the server's body limit; the file itself is held to rectify.MaxAttachment.
func (s *Server) ledgerAttach(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name, data, err := readAttachment(r)
	if err == nil {
		_, err = rectify.Attach(r.Context(), s.DB, p, id, name, data)
	}
	if err != nil {
		s.renderLedgerItem(w, r, id, "file", nil, err)
		return
	}
	redirect(w, r, "/ledger/"+strconv.FormatInt(id, 10), "created")
}

func readAttachment(r *http.Request) (string, []byte, error) {
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return "", nil, &errs.Error{Kind: errs.TooLarge, Field: "file", Msg: "文件过大,证明材料最大 10 MB"}
		}
		return "", nil, errs.Field("file", "上传内容无法解析,请重新选择文件")
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return "", nil, errs.Field("file", "请选择要上传的文件")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, rectify.MaxAttachment+1))
	if err != nil {
		return "", nil, errs.Wrap(errs.Invalid, "读取上传文件失败", err)
	}
	if len(data) > rectify.MaxAttachment {
		return "", nil, &errs.Error{Kind: errs.TooLarge, Field: "file", Msg: "文件过大,证明材料最大 10 MB"}
	}
	return hdr.Filename, data, nil
}

// ledgerAttachment sends an evidence file as a download, typed as rectify sniffed it.
func (s *Server) ledgerAttachment(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	aid, err := httpx.PathID(r, "aid")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, data, err := rectify.AttachmentData(r.Context(), s.DB, p, id, aid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(a.Filename))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

// --- import -------------------------------------------------------------------------------------

// ledgerStaging marks staged ledger files apart from the other imports'.
const ledgerStaging = "ledger"

type ledgerImportData struct {
	Report   *rectify.ImportReport
	Filename string
	Staging  string
}

func (s *Server) ledgerImportForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "ledger_import", view{Title: "导入整改台账", Active: "ledger", Data: ledgerImportData{}})
}

// ledgerImport checks an uploaded 台账 without writing (a dry run) and stages it when every row
// is good; confirming imports the staged file. A file with errors is imported not at all, so it
// is not staged: the user corrects it and uploads again.
func (s *Server) ledgerImport(w http.ResponseWriter, r *http.Request) {
	c := httpx.CallerFrom(r.Context())
	fail := func(err error) {
		s.formError(w, r, "ledger_import", view{Title: "导入整改台账", Active: "ledger", Data: ledgerImportData{}}, err)
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		fail(errs.Field("file", "请选择要上传的文件"))
		return
	}
	id := r.PostFormValue("staging")
	var filename string
	var content []byte
	var err error
	if id != "" {
		var kind string
		filename, kind, content, err = s.staged(r.Context(), id, c.User.ID)
		if err == nil && kind != ledgerStaging {
			err = errs.E(errs.NotFound, "待导入的文件已过期,请重新上传")
		}
	} else {
		filename, content, err = readUpload(r)
		if err == nil && !strings.HasSuffix(strings.ToLower(filename), ".xlsx") {
			err = errs.Field("file", "只支持 Excel(.xlsx)文件")
		}
	}
	if err != nil {
		fail(err)
		return
	}
	rep, err := rectify.ImportXLSX(r.Context(), s.DB, c.Principal(), bytes.NewReader(content), rectify.ImportOptions{DryRun: id == ""})
	if rep == nil {
		if httpx.Field(err) == "" && errs.KindOf(err) == errs.Invalid {
			err = &errs.Error{Kind: errs.Invalid, Field: "file", Msg: httpx.Message(err)}
		}
		fail(err)
		return
	}
	d := ledgerImportData{Report: rep, Filename: filename}
	status := http.StatusOK
	switch {
	case err != nil:
		status = httpx.Status(err)
		if id != "" {
			s.DB.ExecContext(r.Context(), `DELETE FROM import_staging WHERE id = $1`, id)
		}
	case id == "":
		if d.Staging, err = s.stage(r.Context(), c.User.ID, filename, ledgerStaging, content); err != nil {
			s.fail(w, r, err)
			return
		}
	default:
		s.DB.ExecContext(r.Context(), `DELETE FROM import_staging WHERE id = $1`, id)
	}
	v := view{Title: "导入整改台账", Active: "ledger", Data: d}
	if err != nil {
		v.Error = "文件有错误,未导入任何内容;请按下列明细修改后重新上传"
	}
	s.render(w, r, status, "ledger_import", v)
}

// --- findings → ledger --------------------------------------------------------------------------

// convertForm is the conversion form on a finding page, as typed.
type convertForm struct {
	PersonCode, Workdays, Measures string
}

func (s *Server) findingToLedger(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cf := convertForm{PersonCode: strings.TrimSpace(r.PostFormValue("responsible_code")),
		Workdays: strings.TrimSpace(r.PostFormValue("deadline_workdays")), Measures: r.PostFormValue("measures")}
	in, err := s.convertInput(r, cf)
	if err == nil {
		var it rectify.Item
		if it, err = rectify.FromFinding(r.Context(), s.DB, p, id, in); err == nil {
			redirect(w, r, "/ledger/"+strconv.FormatInt(it.ID, 10), "created")
			return
		}
	}
	s.renderFindingForm(w, r, p, id, err, cf)
}

func (s *Server) convertInput(r *http.Request, cf convertForm) (rectify.ConvertInput, error) {
	in := rectify.ConvertInput{Measures: cf.Measures}
	var err error
	if in.ResponsiblePersonID, err = s.personID(r, cf.PersonCode); err != nil {
		return in, err
	}
	if cf.Workdays == "" {
		return in, errs.Field("deadline_workdays", "请填写整改时限(工作日天数)")
	}
	in.DeadlineWorkdays, _, err = parseDeadline(cf.Workdays, "")
	return in, err
}

type bulkResult struct {
	FindingID int64
	Summary   string
	Item      *rectify.Item
	Err       string
}

type ledgerBulkData struct {
	Results []bulkResult
	OK      int
	Failed  int
}

// findingsToLedger converts each selected finding on its own (each in its own transaction), so
// that one refused finding does not hold back the others; the page lists both.
func (s *Server) findingsToLedger(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	v := view{Title: "批量转为整改事项", Active: "findings"}
	cf := convertForm{PersonCode: strings.TrimSpace(r.PostFormValue("responsible_code")),
		Workdays: strings.TrimSpace(r.PostFormValue("deadline_workdays")), Measures: r.PostFormValue("measures")}
	var ids []int64
	for _, raw := range r.PostForm["ids"] {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			v.Data = ledgerBulkData{}
			s.formError(w, r, "ledger_bulk", v, errs.Field("ids", "所选问题编号无效:"+raw))
			return
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		v.Data = ledgerBulkData{}
		s.formError(w, r, "ledger_bulk", v, errs.Field("ids", "请勾选要转为整改事项的问题"))
		return
	}
	if len(ids) > 200 {
		v.Data = ledgerBulkData{}
		s.formError(w, r, "ledger_bulk", v, errs.Field("ids", "一次最多转换 200 项"))
		return
	}
	in, err := s.convertInput(r, cf)
	if err != nil {
		v.Data = ledgerBulkData{}
		s.formError(w, r, "ledger_bulk", v, err)
		return
	}
	var d ledgerBulkData
	for _, id := range ids {
		res := bulkResult{FindingID: id}
		if f, err := analyze.Get(r.Context(), s.DB, p, id); err == nil {
			res.Summary = f.Summary
		}
		it, err := rectify.FromFinding(r.Context(), s.DB, p, id, in)
		if err != nil {
			if httpx.Status(err) == http.StatusInternalServerError {
				s.Log.ErrorContext(r.Context(), "convert finding", "finding", id, "err", err)
			}
			res.Err = httpx.Message(err)
			d.Failed++
		} else {
			res.Item = &it
			d.OK++
		}
		d.Results = append(d.Results, res)
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "ledger_bulk", v)
}

// ledgerOfFinding is the ledger item a finding was converted into, if any.
func (s *Server) ledgerOfFinding(r *http.Request, findingID int64) (id int64, number string) {
	s.DB.QueryRowContext(r.Context(), `SELECT id, number FROM ledger_items WHERE finding_id = $1`, findingID).Scan(&id, &number)
	return id, number
}
