package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/campaign"
	"github.com/jianfu-gov/jianfu/internal/chart"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/evaluate"
	"github.com/jianfu-gov/jianfu/internal/filing"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/rectify"
	"github.com/jianfu-gov/jianfu/internal/report"
)

// campaignRoutes registers the special campaign's pages (专项行动). Every page is open to any
// logged-in user: package campaign enforces who may manage, submit and read (and scopes every
// row), so a caller without a part in a campaign sees "not found" or "forbidden" from it.
func (s *Server) campaignRoutes(mux *http.ServeMux) {
	mux.Handle("GET /campaigns", s.page("", s.campaigns))
	mux.Handle("GET /campaigns/new", s.page("", s.campaignNew))
	mux.Handle("POST /campaigns/new", s.page("", s.campaignCreate))
	mux.Handle("GET /campaigns/{id}", s.page("", s.campaignShow))
	mux.Handle("GET /campaigns/{id}/edit", s.page("", s.campaignEdit))
	mux.Handle("POST /campaigns/{id}/edit", s.page("", s.campaignUpdate))
	mux.Handle("POST /campaigns/{id}/tasks", s.page("", s.campaignAddTask))
	mux.Handle("GET /campaigns/{id}/tasks/{tid}/submit", s.page("", s.campaignSubmitForm))
	mux.Handle("POST /campaigns/{id}/tasks/{tid}/submit", s.page("", s.campaignSubmit))
	mux.Handle("GET /campaigns/{id}/submissions/{sid}", s.page("", s.campaignSubmission))
	mux.Handle("GET /campaigns/{id}/submissions/{sid}/documents/{did}", s.page("", s.campaignDocument))
	mux.Handle("POST /campaigns/{id}/problems/{pid}/ledger", s.page(org.PermCatalogRead, s.campaignFileProblem))
	mux.Handle("POST /campaigns/{id}/notes", s.page("", s.campaignAddNote))
	mux.Handle("GET /campaigns/{id}/lists", s.page(org.PermCatalogRead, s.campaignLists))
	mux.Handle("POST /campaigns/{id}/lists", s.page(org.PermCatalogRead, s.campaignListsEdit))
	mux.Handle("GET /campaigns/{id}/evaluation", s.page(org.PermCatalogRead, s.campaignEvaluation))
	mux.Handle("GET /campaigns/{id}/report.docx", s.page(org.PermCatalogRead, s.campaignReportDOCX))
	mux.Handle("GET /campaigns/{id}/report", s.page(org.PermCatalogRead, s.campaignReportHTML))
}

// campaignNow is the clock of the campaign pages (the board, the evaluation); tests leave it.
var campaignNow = time.Now

func (s *Server) campaignStore() *campaign.Store { return campaign.New(s.DB) }

func principal(r *http.Request) org.Principal { return httpx.CallerFrom(r.Context()).Principal() }

// fieldErrs spreads an error over the fields it names: every item of a list (the phases' dates
// are checked all at once) or the one field of a single error.
func fieldErrs(err error) map[string]string {
	m := map[string]string{}
	if l, ok := errs.ListOf(err); ok {
		for _, it := range l.Items {
			if it.Field != "" {
				if m[it.Field] != "" {
					m[it.Field] += ";"
				}
				m[it.Field] += it.Msg
			}
		}
	}
	if f := httpx.Field(err); f != "" {
		m[f] = httpx.Message(err)
	}
	return m
}

// formFail re-renders a page with err beside its fields, or fails for an internal error.
func (s *Server) formFail(w http.ResponseWriter, r *http.Request, name string, v view, err error) {
	status := httpx.Status(err)
	if status == http.StatusInternalServerError {
		s.fail(w, r, err)
		return
	}
	v.Error = httpx.Message(err)
	v.FieldErr = fieldErrs(err)
	s.render(w, r, status, name, v)
}

func fmtDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// parseDay reads an optional date field; "" is the zero time.
func campaignDay(field, label, v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		return time.Time{}, errs.Field(field, label+"格式应为 2006-01-02")
	}
	return t, nil
}

// ---- list and form ----

func (s *Server) campaigns(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	list, err := s.campaignStore().List(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "campaigns", view{Title: "专项行动", Active: "campaigns",
		Data: map[string]any{"Campaigns": list, "Manager": campaign.Manager(p)}})
}

type phaseField struct {
	Label      string
	Key        string
	Start, End string
	StartKey   string
	EndKey     string
}

type campaignFormData struct {
	ID     int64
	Name   string
	Year   string
	UnitID int64
	Units  []org.Unit
	Phases []phaseField
}

func newPhaseFields() []phaseField {
	out := make([]phaseField, len(campaign.Phases))
	for i, n := range campaign.Phases {
		out[i] = phaseField{Label: n.Label(), Key: fmt.Sprintf("phases[%d]", i), StartKey: fmt.Sprintf("phases[%d].start", i), EndKey: fmt.Sprintf("phases[%d].end", i)}
	}
	return out
}

func (s *Server) campaignUnits(ctx context.Context, p org.Principal) ([]org.Unit, error) {
	units, _, err := s.Org.Units(ctx, p, org.UnitFilter{Page: org.Page{Limit: org.MaxPage}})
	if err != nil {
		return nil, err
	}
	var out []org.Unit
	for _, u := range units {
		if u.Kind != org.Department {
			out = append(out, u)
		}
	}
	return out, nil
}

func (s *Server) renderCampaignForm(w http.ResponseWriter, r *http.Request, d campaignFormData, err error) {
	units, uerr := s.campaignUnits(r.Context(), principal(r))
	if uerr != nil {
		s.fail(w, r, uerr)
		return
	}
	d.Units = units
	title := "新建专项行动"
	if d.ID != 0 {
		title = "编辑专项行动"
	}
	v := view{Title: title, Active: "campaigns", Data: d}
	if err != nil {
		s.formFail(w, r, "campaign_form", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "campaign_form", v)
}

func (s *Server) campaignNew(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	if !campaign.Manager(p) {
		s.fail(w, r, errs.E(errs.Forbidden, "只有领导小组办公室或系统管理员可以新建专项行动"))
		return
	}
	d := campaignFormData{Year: strconv.Itoa(campaignNow().Year()), UnitID: p.Scope.UnitID, Phases: newPhaseFields()}
	s.renderCampaignForm(w, r, d, nil)
}

// readCampaignForm reads the form, keeping what was typed for a re-render; date and number
// errors are collected with the field they concern.
func readCampaignForm(r *http.Request) (campaignFormData, campaign.Input, error) {
	d := campaignFormData{Name: r.PostFormValue("name"), Year: strings.TrimSpace(r.PostFormValue("year")), Phases: newPhaseFields()}
	in := campaign.Input{Name: d.Name}
	var l errs.List
	if y, err := strconv.Atoi(d.Year); err != nil {
		l.Add("year", "年度应为四位数字")
	} else {
		in.Year = y
	}
	if id, err := strconv.ParseInt(r.PostFormValue("unit_id"), 10, 64); err == nil && id > 0 {
		d.UnitID, in.UnitID = id, id
	}
	for i := range d.Phases {
		ph := &d.Phases[i]
		ph.Start, ph.End = r.PostFormValue(ph.StartKey), r.PostFormValue(ph.EndKey)
		var pd campaign.PhaseDates
		var err error
		if pd.Start, err = campaignDay(ph.StartKey, ph.Label+"阶段的开始日期", ph.Start); err != nil {
			l.Items = append(l.Items, err.(*errs.Error))
		}
		if pd.End, err = campaignDay(ph.EndKey, ph.Label+"阶段的结束日期", ph.End); err != nil {
			l.Items = append(l.Items, err.(*errs.Error))
		}
		in.Phases = append(in.Phases, pd)
	}
	return d, in, l.Err()
}

func (s *Server) campaignCreate(w http.ResponseWriter, r *http.Request) {
	d, in, err := readCampaignForm(r)
	if err != nil {
		s.renderCampaignForm(w, r, d, err)
		return
	}
	c, err := s.campaignStore().Create(r.Context(), principal(r), in)
	if err != nil {
		s.renderCampaignForm(w, r, d, err)
		return
	}
	redirect(w, r, fmt.Sprintf("/campaigns/%d", c.ID), "created")
}

func (s *Server) campaignEdit(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	c, ok := s.loadCampaign(w, r)
	if !ok {
		return
	}
	if !campaign.Manager(p) {
		s.fail(w, r, errs.E(errs.Forbidden, "只有领导小组办公室或系统管理员可以编辑专项行动"))
		return
	}
	d := campaignFormData{ID: c.ID, Name: c.Name, Year: strconv.Itoa(c.Year), UnitID: c.UnitID, Phases: newPhaseFields()}
	for i, ph := range c.Phases {
		if i < len(d.Phases) {
			d.Phases[i].Start, d.Phases[i].End = fmtDay(ph.Start), fmtDay(ph.End)
		}
	}
	s.renderCampaignForm(w, r, d, nil)
}

func (s *Server) campaignUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, in, err := readCampaignForm(r)
	d.ID = id
	if err != nil {
		s.renderCampaignForm(w, r, d, err)
		return
	}
	if _, err := s.campaignStore().Update(r.Context(), principal(r), id, in); err != nil {
		s.renderCampaignForm(w, r, d, err)
		return
	}
	redirect(w, r, fmt.Sprintf("/campaigns/%d", id), "updated")
}

func (s *Server) loadCampaign(w http.ResponseWriter, r *http.Request) (campaign.Campaign, bool) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return campaign.Campaign{}, false
	}
	c, err := s.campaignStore().Get(r.Context(), principal(r), id)
	if err != nil {
		s.fail(w, r, err)
		return c, false
	}
	return c, true
}

// ---- overview ----

type phaseView struct {
	campaign.Phase
	Current bool
	Tasks   []campaign.TaskBoard
}

type campaignData struct {
	C         campaign.Campaign
	Phases    []phaseView
	Board     campaign.ProgressBoard
	AsOf      string
	Notes     []campaign.Note
	Manager   bool
	Liaison   bool
	Units     []org.Unit
	Kinds     []campaign.TaskKind
	UnitKinds []org.UnitKind
	Task      map[string]string // the task form as typed
	Note      map[string]string // the note form as typed
}

func (s *Server) campaignShow(w http.ResponseWriter, r *http.Request) {
	s.renderCampaign(w, r, nil, nil, nil)
}

// renderCampaign shows the overview; a failed task or note form comes back with its values and
// err beside its fields.
func (s *Server) renderCampaign(w http.ResponseWriter, r *http.Request, task, note map[string]string, formErr error) {
	ctx := r.Context()
	p := principal(r)
	c, ok := s.loadCampaign(w, r)
	if !ok {
		return
	}
	asOf := campaignNow()
	d := campaignData{C: c, Manager: campaign.Manager(p), Liaison: p.Has(org.RoleLiaison), Kinds: campaign.TaskKinds,
		UnitKinds: []org.UnitKind{org.Detachment, org.Brigade, org.Station, org.Department}, Task: task, Note: note}
	if v := r.URL.Query().Get("as_of"); v != "" {
		t, err := campaignDay("as_of", "查看日期", v)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		// The end of that day in China.
		asOf = t.Add(24*time.Hour - 8*time.Hour - time.Second)
	}
	d.AsOf = calendar.DateOf(asOf).Format("2006-01-02")
	var err error
	if d.Board, err = campaign.Board(ctx, s.DB, p, c.ID, asOf); err != nil {
		s.fail(w, r, err)
		return
	}
	today := calendar.DateOf(asOf)
	for _, ph := range c.Phases {
		pv := phaseView{Phase: ph, Current: ph.Contains(today)}
		for _, tb := range d.Board.Tasks {
			if tb.Task.Phase == ph.No {
				pv.Tasks = append(pv.Tasks, tb)
			}
		}
		d.Phases = append(d.Phases, pv)
	}
	if d.Notes, err = s.campaignStore().Notes(ctx, p, c.ID, 0); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Manager {
		if d.Units, err = s.campaignUnits(ctx, p); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	v := view{Title: c.Name, Active: "campaigns", Data: d}
	if formErr != nil {
		s.formFail(w, r, "campaign", v, formErr)
		return
	}
	s.render(w, r, http.StatusOK, "campaign", v)
}

func formMap(r *http.Request, keys ...string) map[string]string {
	m := map[string]string{}
	for _, k := range keys {
		m[k] = r.PostFormValue(k)
	}
	return m
}

func (s *Server) campaignAddTask(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vals := formMap(r, "phase", "kind", "title", "due")
	in := campaign.TaskInput{Kind: campaign.TaskKind(vals["kind"]), Title: vals["title"]}
	n, _ := strconv.Atoi(vals["phase"])
	in.Phase = campaign.PhaseNo(n)
	for _, k := range r.PostForm["unit_kinds"] {
		in.UnitKinds = append(in.UnitKinds, org.UnitKind(k))
	}
	if in.Due, err = campaignDay("due", "截止日期", vals["due"]); err == nil {
		_, err = s.campaignStore().CreateTask(r.Context(), principal(r), id, in)
	}
	if err != nil {
		s.renderCampaign(w, r, vals, nil, err)
		return
	}
	redirect(w, r, fmt.Sprintf("/campaigns/%d", id), "created")
}

func (s *Server) campaignAddNote(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vals := formMap(r, "unit_id", "date", "text", "follow_up")
	in := campaign.NoteInput{Text: vals["text"], FollowUp: vals["follow_up"]}
	in.UnitID, _ = strconv.ParseInt(vals["unit_id"], 10, 64)
	if in.UnitID <= 0 {
		err = errs.Field("unit_id", "请选择督导的单位")
	} else if in.Date, err = campaignDay("date", "督导日期", vals["date"]); err == nil {
		_, err = s.campaignStore().AddNote(r.Context(), principal(r), id, in)
	}
	if err != nil {
		s.renderCampaign(w, r, nil, vals, err)
		return
	}
	redirect(w, r, fmt.Sprintf("/campaigns/%d", id), "created")
}

// ---- submissions ----

type submitData struct {
	C        campaign.Campaign
	Task     campaign.Task
	Units    []campaign.Row // the units the caller may submit for
	UnitID   int64
	Note     string
	Problems string
	Max      int
}

func (s *Server) submitContext(w http.ResponseWriter, r *http.Request) (submitData, bool) {
	ctx := r.Context()
	p := principal(r)
	c, ok := s.loadCampaign(w, r)
	if !ok {
		return submitData{}, false
	}
	tid, err := httpx.PathID(r, "tid")
	if err != nil {
		s.fail(w, r, err)
		return submitData{}, false
	}
	d := submitData{C: c, Max: campaign.MaxDocuments}
	b, err := campaign.Board(ctx, s.DB, p, c.ID, campaignNow())
	if err != nil {
		s.fail(w, r, err)
		return d, false
	}
	found := false
	for _, tb := range b.Tasks {
		if tb.Task.ID == tid {
			d.Task, d.Units, found = tb.Task, tb.Rows, true
		}
	}
	if !found {
		s.fail(w, r, errs.E(errs.NotFound, "任务不存在或不在您的管辖范围内"))
		return d, false
	}
	if !campaign.Manager(p) && !p.Has(org.RoleLiaison) {
		s.fail(w, r, errs.E(errs.Forbidden, "只有单位联络员或领导小组办公室可以报送材料"))
		return d, false
	}
	if len(d.Units) > 0 {
		d.UnitID = d.Units[0].UnitID
	}
	return d, true
}

func (s *Server) campaignSubmitForm(w http.ResponseWriter, r *http.Request) {
	d, ok := s.submitContext(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "campaign_submit", view{Title: "报送材料", Active: "campaigns", Data: d})
}

// parseProblems reads the 自查报告's problem list, one problem a line: 标题|描述|资产编码|建议措施.
func parseProblems(text string) ([]campaign.ProblemInput, error) {
	var out []campaign.ProblemInput
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.Split(strings.ReplaceAll(line, "｜", "|"), "|")
		if len(parts) != 4 {
			return nil, errs.Field("problems", fmt.Sprintf("问题清单第 %d 行应为“标题|描述|资产编码(可空)|建议措施”四项,用 | 分隔", i+1))
		}
		out = append(out, campaign.ProblemInput{Title: parts[0], Description: parts[1], AssetCode: parts[2], Measures: parts[3]})
	}
	return out, nil
}

func readDocuments(files []*multipart.FileHeader) ([]campaign.DocumentInput, error) {
	var out []campaign.DocumentInput
	for i, fh := range files {
		if fh.Size > campaign.MaxDocumentSize {
			return nil, errs.Field("documents", fmt.Sprintf("文件“%s”超过 20 MB 的上限", fh.Filename))
		}
		f, err := fh.Open()
		if err != nil {
			return nil, errs.Field("documents", fmt.Sprintf("第 %d 个文件无法读取", i+1))
		}
		data, err := io.ReadAll(io.LimitReader(f, campaign.MaxDocumentSize+1))
		f.Close()
		if err != nil {
			return nil, errs.Field("documents", fmt.Sprintf("第 %d 个文件无法读取", i+1))
		}
		out = append(out, campaign.DocumentInput{Name: fh.Filename, Data: data})
	}
	return out, nil
}

func (s *Server) campaignSubmit(w http.ResponseWriter, r *http.Request) {
	d, ok := s.submitContext(w, r)
	if !ok {
		return
	}
	v := view{Title: "报送材料", Active: "campaigns", Data: &d}
	if r.MultipartForm == nil {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			s.formFail(w, r, "campaign_submit", v, errs.Field("documents", "请上传材料(DOCX 或 PDF)"))
			return
		}
	}
	d.Note, d.Problems = r.PostFormValue("note"), r.PostFormValue("problems")
	if id, err := strconv.ParseInt(r.PostFormValue("unit_id"), 10, 64); err == nil {
		d.UnitID = id
	}
	in := campaign.SubmissionInput{TaskID: d.Task.ID, UnitID: d.UnitID, Note: d.Note}
	var err error
	if in.Problems, err = parseProblems(d.Problems); err != nil {
		s.formFail(w, r, "campaign_submit", v, err)
		return
	}
	if in.Documents, err = readDocuments(r.MultipartForm.File["documents"]); err != nil {
		s.formFail(w, r, "campaign_submit", v, err)
		return
	}
	sub, err := s.campaignStore().Submit(r.Context(), principal(r), in)
	if err != nil {
		// The package names each file's field (documents[i]); the form has one.
		if f := httpx.Field(err); strings.HasPrefix(f, "documents[") {
			err = errs.Field("documents", httpx.Message(err))
		} else if strings.HasPrefix(f, "problems[") {
			err = errs.Field("problems", httpx.Message(err))
		}
		s.formFail(w, r, "campaign_submit", v, err)
		return
	}
	redirect(w, r, fmt.Sprintf("/campaigns/%d/submissions/%d", d.C.ID, sub.ID), "created")
}

type submissionData struct {
	C       campaign.Campaign
	Task    campaign.Task
	Sub     campaign.Submission
	Manager bool
	Form    map[string]string
	Problem int64 // the problem whose filing form failed
}

func (s *Server) campaignSubmission(w http.ResponseWriter, r *http.Request) {
	s.renderSubmission(w, r, 0, nil, nil)
}

func (s *Server) loadSubmission(w http.ResponseWriter, r *http.Request) (campaign.Campaign, campaign.Task, campaign.Submission, bool) {
	ctx := r.Context()
	p := principal(r)
	c, ok := s.loadCampaign(w, r)
	if !ok {
		return c, campaign.Task{}, campaign.Submission{}, false
	}
	sid, err := httpx.PathID(r, "sid")
	if err != nil {
		s.fail(w, r, err)
		return c, campaign.Task{}, campaign.Submission{}, false
	}
	st := s.campaignStore()
	sub, err := st.Submission(ctx, p, sid)
	if err != nil {
		s.fail(w, r, err)
		return c, campaign.Task{}, sub, false
	}
	t, err := st.Task(ctx, p, sub.TaskID)
	if err == nil && t.CampaignID != c.ID {
		err = errs.E(errs.NotFound, "报送记录不存在或不在您的管辖范围内")
	}
	if err != nil {
		s.fail(w, r, err)
		return c, t, sub, false
	}
	return c, t, sub, true
}

func (s *Server) renderSubmission(w http.ResponseWriter, r *http.Request, problem int64, form map[string]string, formErr error) {
	c, t, sub, ok := s.loadSubmission(w, r)
	if !ok {
		return
	}
	d := submissionData{C: c, Task: t, Sub: sub, Manager: campaign.Manager(principal(r)), Form: form, Problem: problem}
	v := view{Title: "报送记录", Active: "campaigns", Data: d}
	if formErr != nil {
		s.formFail(w, r, "campaign_submission", v, formErr)
		return
	}
	s.render(w, r, http.StatusOK, "campaign_submission", v)
}

func (s *Server) campaignDocument(w http.ResponseWriter, r *http.Request) {
	_, _, sub, ok := s.loadSubmission(w, r)
	if !ok {
		return
	}
	did, err := httpx.PathID(r, "did")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	doc, err := s.campaignStore().Document(r.Context(), principal(r), did)
	if err == nil && doc.SubmissionID != sub.ID {
		err = errs.E(errs.NotFound, "文件不存在或不在您的管辖范围内")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", doc.ContentType)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(doc.Name))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(doc.Data)
}

// campaignFileProblem turns a 自查报告's problem into a ledger item, by package filing, with the
// person whose 工号 the form gives as responsible. filing writes the item and the problem's mark
// in one transaction: a problem is filed once, and a second office user filing it at the same
// moment gets a conflict with nothing created.
func (s *Server) campaignFileProblem(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principal(r)
	pid, err := httpx.PathID(r, "pid")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sid, err := strconv.ParseInt(r.PostFormValue("submission_id"), 10, 64)
	if err != nil || sid <= 0 {
		s.fail(w, r, errs.E(errs.Invalid, "缺少报送记录编号"))
		return
	}
	// The submission page's path carries the submission; the page re-renders from it.
	r.SetPathValue("sid", strconv.FormatInt(sid, 10))
	form := formMap(r, "responsible_code", "workdays")
	fail := func(err error) { s.renderSubmission(w, r, pid, form, err) }
	if !campaign.Manager(p) {
		fail(errs.E(errs.Forbidden, "只有领导小组办公室或系统管理员可以将问题纳入整改台账"))
		return
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sc, err := filing.FindSelfCheckProblem(ctx, s.DB, p, id, sid, pid)
	if errs.Is(err, errs.Conflict) {
		fail(err)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	code := strings.TrimSpace(form["responsible_code"])
	if code == "" {
		fail(errs.Field("responsible_code", "请填写责任人工号"))
		return
	}
	person, err := s.Org.PersonByCode(ctx, p, code)
	if err != nil {
		fail(errs.Field("responsible_code", "找不到工号为 "+code+" 的人员"))
		return
	}
	days, err := strconv.Atoi(strings.TrimSpace(form["workdays"]))
	if err != nil || days <= 0 {
		fail(errs.Field("workdays", fmt.Sprintf("整改时限应为 1 至 %d 个工作日", rectify.MaxWorkdays)))
		return
	}
	if _, err := filing.FileSelfCheckProblem(ctx, s.DB, p, sc, filing.Options{ResponsiblePersonID: person.ID, Workdays: days}); err != nil {
		if f := httpx.Field(err); f == "responsible_person_id" {
			err = errs.Field("responsible_code", httpx.Message(err))
		} else if f == "deadline_workdays" {
			err = errs.Field("workdays", httpx.Message(err))
		}
		fail(err)
		return
	}
	redirect(w, r, fmt.Sprintf("/campaigns/%d/submissions/%d", sc.Campaign.ID, sc.Submission.ID), "created")
}

// ---- evaluation, lists, report ----

func (s *Server) evaluation(ctx context.Context, p org.Principal, c campaign.Campaign) (evaluate.Evaluation, error) {
	return evaluate.Evaluate(ctx, s.DB, p, c, campaignNow())
}

func fmtBurden(v float64) string {
	if math.IsNaN(v) {
		return "无数据"
	}
	return fmt.Sprintf("%.1f", v)
}

func fmtChange(f evaluate.Figures) string {
	ch, ok := f.BurdenChange()
	if !ok {
		return "—"
	}
	if ch <= 0 {
		return fmt.Sprintf("下降 %.1f%%", -ch*100)
	}
	return fmt.Sprintf("上升 %.1f%%", ch*100)
}

// evalHeader and evalRow are the evaluation's table, shared by the page and the report.
var evalHeader = []string{"单位", "整治前在用", "现在在用", "下线/注销/解散", "合并", "负担指数(整治前)", "负担指数(近30天)", "变化",
	"体检问题已整改", "体检问题未整改", "台账总数", "已销号", "按期销号", "逾期", "按时报送", "逾期报送", "逾期未报"}

func evalRow(name string, f evaluate.Figures) []string {
	n := strconv.Itoa
	return []string{name, n(f.LiveStart()), n(f.LiveNow()), n(f.Retired), n(f.Merged), fmtBurden(f.BurdenBefore), fmtBurden(f.BurdenAfter),
		fmtChange(f), n(f.FindingsClosed), n(f.FindingsOpen), n(f.LedgerTotal), n(f.LedgerClosed), n(f.LedgerClosedOnTime), n(f.LedgerOverdue),
		n(f.Submitted), n(f.Late), n(f.Missing)}
}

func evalTable(e evaluate.Evaluation) report.Table {
	t := report.Table{Caption: "各单位整治前后对比", Header: evalHeader}
	for _, u := range e.Units {
		t.Rows = append(t.Rows, evalRow(u.Name, u.Figures))
	}
	t.Rows = append(t.Rows, evalRow(e.Root.Name+"(合计)", e.Total))
	return t
}

// evalCharts draws the live assets and the burden index before and after, per unit.
func evalCharts(e evaluate.Evaluation) (assets, burden []byte) {
	var labels []string
	live := []chart.Series{{Name: "整治前在用"}, {Name: "现在在用"}}
	idx := []chart.Series{{Name: "整治前"}, {Name: "近30天"}}
	for _, u := range e.Units {
		labels = append(labels, u.Name)
		live[0].Values = append(live[0].Values, float64(u.LiveStart()))
		live[1].Values = append(live[1].Values, float64(u.LiveNow()))
		idx[0].Values = append(idx[0].Values, u.BurdenBefore)
		idx[1].Values = append(idx[1].Values, u.BurdenAfter)
	}
	assets, _ = chart.Bars("在用应用、公众号、群组(整治前/现在)", labels, live, chart.Options{})
	burden, _ = chart.Bars("基层负担指数(整治前30天/近30天)", labels, idx, chart.Options{})
	return assets, burden
}

type evaluationData struct {
	C           campaign.Campaign
	E           evaluate.Evaluation
	Header      []string
	Rows        [][]string
	AssetChart  template.HTML
	BurdenChart template.HTML
	Before      string
	After       string
}

func (s *Server) campaignEvaluation(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadCampaign(w, r)
	if !ok {
		return
	}
	e, err := s.evaluation(r.Context(), principal(r), c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t := evalTable(e)
	a, b := evalCharts(e)
	d := evaluationData{C: c, E: e, Header: t.Header, Rows: t.Rows, AssetChart: chart.HTML(a), BurdenChart: chart.HTML(b)}
	if e.HasBefore {
		d.Before = fmtDay(e.Before.From) + " – " + fmtDay(e.Before.To)
	}
	if e.HasAfter {
		d.After = fmtDay(e.After.From) + " – " + fmtDay(e.After.To)
	}
	s.render(w, r, http.StatusOK, "campaign_evaluation", view{Title: "整治成效评估", Active: "campaigns", Data: d})
}

type listsData struct {
	C                  campaign.Campaign
	Commend, Interview []campaign.Entry // suggested
	Saved              []campaign.List
	Units              []evaluate.UnitFigures
	Manager            bool
}

func (s *Server) campaignLists(w http.ResponseWriter, r *http.Request) {
	s.renderLists(w, r, nil)
}

func (s *Server) renderLists(w http.ResponseWriter, r *http.Request, formErr error) {
	ctx := r.Context()
	p := principal(r)
	c, ok := s.loadCampaign(w, r)
	if !ok {
		return
	}
	e, err := s.evaluation(ctx, p, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := listsData{C: c, Units: e.Units, Manager: campaign.Manager(p)}
	d.Commend, d.Interview = campaign.Suggest(evaluate.Metrics(e), campaign.DefaultListRules)
	for _, k := range []campaign.ListKind{campaign.Commend, campaign.Interview} {
		l, err := s.campaignStore().GetList(ctx, p, c.ID, k)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Saved = append(d.Saved, l)
	}
	v := view{Title: "表彰和约谈名单", Active: "campaigns", Data: d}
	if formErr != nil {
		s.formFail(w, r, "campaign_lists", v, formErr)
		return
	}
	s.render(w, r, http.StatusOK, "campaign_lists", v)
}

func (s *Server) campaignListsEdit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principal(r)
	c, ok := s.loadCampaign(w, r)
	if !ok {
		return
	}
	kind := campaign.ListKind(r.PostFormValue("kind"))
	if kind != campaign.Commend && kind != campaign.Interview {
		s.renderLists(w, r, errs.Field("kind", "名单类型应为表彰或约谈"))
		return
	}
	unitID, _ := strconv.ParseInt(r.PostFormValue("unit_id"), 10, 64)
	reason := r.PostFormValue("reason")
	st := s.campaignStore()
	var err error
	switch r.PostFormValue("action") {
	case "save_suggested":
		var e evaluate.Evaluation
		if e, err = s.evaluation(ctx, p, c); err == nil {
			commend, interview := campaign.Suggest(evaluate.Metrics(e), campaign.DefaultListRules)
			entries := commend
			if kind == campaign.Interview {
				entries = interview
			}
			_, err = st.SaveList(ctx, p, c.ID, kind, entries)
		}
	case "add":
		if unitID <= 0 {
			err = errs.Field("unit_id", "请选择单位")
		} else {
			_, err = st.AddEntry(ctx, p, c.ID, kind, campaign.Entry{UnitID: unitID, Reason: reason})
		}
	case "remove":
		_, err = st.RemoveEntry(ctx, p, c.ID, kind, unitID)
	case "reason":
		_, err = st.SetReason(ctx, p, c.ID, kind, unitID, reason)
	default:
		err = errs.E(errs.Invalid, "未知的操作")
	}
	if err != nil {
		if f := httpx.Field(err); strings.HasPrefix(f, "entry.") || strings.HasPrefix(f, "entries[") {
			err = errs.Field(f[strings.LastIndex(f, ".")+1:], httpx.Message(err))
		}
		s.renderLists(w, r, err)
		return
	}
	redirect(w, r, fmt.Sprintf("/campaigns/%d/lists", c.ID), "updated")
}

// campaignReport builds the summary report from the evaluation, the ledger, the board, the lists
// and the phases.
func (s *Server) campaignReport(ctx context.Context, p org.Principal, c campaign.Campaign) (report.Report, error) {
	e, err := s.evaluation(ctx, p, c)
	if err != nil {
		return report.Report{}, err
	}
	board, err := campaign.Board(ctx, s.DB, p, c.ID, campaignNow())
	if err != nil {
		return report.Report{}, err
	}
	lboard, err := rectify.Board(ctx, s.DB, p)
	if err != nil {
		return report.Report{}, err
	}
	var open []rectify.Item
	for _, st := range []rectify.Status{rectify.Pending, rectify.InProgress, rectify.Review} {
		items, _, err := rectify.List(ctx, s.DB, p, rectify.Filter{UnitID: e.Root.ID, Status: st, Page: org.Page{Limit: org.MaxPage}})
		if err != nil {
			return report.Report{}, err
		}
		open = append(open, items...)
	}
	var lists []campaign.List
	for _, k := range []campaign.ListKind{campaign.Commend, campaign.Interview} {
		l, err := s.campaignStore().GetList(ctx, p, c.ID, k)
		if err != nil {
			return report.Report{}, err
		}
		lists = append(lists, l)
	}
	return buildReport(c, e, board, lboard, open, lists), nil
}

// Headline figures, also what the tests read back.
func headline(e evaluate.Evaluation) []report.Figure {
	t := e.Total
	n := strconv.Itoa
	burden := "无数据"
	if !math.IsNaN(t.BurdenBefore) && !math.IsNaN(t.BurdenAfter) {
		burden = fmtBurden(t.BurdenBefore) + " → " + fmtBurden(t.BurdenAfter)
		if ch := fmtChange(t); ch != "—" {
			burden += "(" + ch + ")"
		}
	}
	return []report.Figure{
		{Label: "在用应用、公众号、群组", Value: n(t.LiveStart()) + " → " + n(t.LiveNow()) + " 个"},
		{Label: "下线、注销、解散", Value: n(t.Retired) + " 个"},
		{Label: "合并", Value: n(t.Merged) + " 个"},
		{Label: "基层负担指数", Value: burden},
		{Label: "体检发现问题已整改", Value: n(t.FindingsClosed) + " 个", Note: "尚未整改 " + n(t.FindingsOpen) + " 个"},
		{Label: "整改台账事项", Value: n(t.LedgerTotal) + " 项", Note: "已销号 " + n(t.LedgerClosed) + " 项,逾期 " + n(t.LedgerOverdue) + " 项"},
	}
}

func buildReport(c campaign.Campaign, e evaluate.Evaluation, board campaign.ProgressBoard, lboard []rectify.BoardRow,
	open []rectify.Item, lists []campaign.List) report.Report {
	n := strconv.Itoa
	t := e.Total
	r := report.Report{
		Title:    c.UnitName + "“指尖上的形式主义”专项整治工作总结",
		Issuer:   c.UnitName + "减负工作领导小组办公室",
		Date:     calendar.DateOf(campaignNow()),
		Headline: headline(e),
	}
	// 一、基本情况
	var phases []string
	pt := report.Table{Caption: "专项行动阶段安排", Header: []string{"阶段", "起止日期"}}
	for _, ph := range c.Phases {
		phases = append(phases, fmt.Sprintf("%s(%s至%s)", ph.Label(), cnDate(ph.Start), cnDate(ph.End)))
		pt.Rows = append(pt.Rows, []string{ph.Label(), fmtDay(ph.Start) + " 至 " + fmtDay(ph.End)})
	}
	r.Sections = append(r.Sections, report.Section{Heading: "一、基本情况",
		Paragraphs: []string{fmt.Sprintf("按照%s部署,%s组织开展“%s”,分%s四个阶段推进。本总结统计范围为%s及所属单位,数据截至%s。",
			c.UnitName, c.UnitName, c.Name, strings.Join(phases, "、"), e.Root.Name, cnDate(calendar.DateOf(e.AsOf)))},
		Tables: []report.Table{pt}})
	// 二、主要成效
	burden := "因缺少活动数据,暂无法比较基层负担指数。"
	if ch, ok := t.BurdenChange(); ok {
		verb := "下降"
		if ch > 0 {
			verb = "上升"
		}
		burden = fmt.Sprintf("基层负担指数由整治前 30 天的 %s 变为近 30 天的 %s,%s %.1f%%。", fmtBurden(t.BurdenBefore), fmtBurden(t.BurdenAfter), verb, math.Abs(ch)*100)
	}
	assetChart, burdenChart := evalCharts(e)
	live := report.Table{Caption: "各单位在用应用、公众号、群组", Header: []string{"单位", "整治前在用", "现在在用"}}
	idx := report.Table{Caption: "各单位基层负担指数", Header: []string{"单位", "整治前", "近30天", "变化"}}
	for _, u := range e.Units {
		live.Rows = append(live.Rows, []string{u.Name, n(u.LiveStart()), n(u.LiveNow())})
		idx.Rows = append(idx.Rows, []string{u.Name, fmtBurden(u.BurdenBefore), fmtBurden(u.BurdenAfter), fmtChange(u.Figures)})
	}
	r.Sections = append(r.Sections, report.Section{Heading: "二、主要成效",
		Paragraphs: []string{
			fmt.Sprintf("（一）清理精简政务应用、公众号和工作群。整治开始时在用 %d 个(应用 %d 个、公众号 %d 个、群组 %d 个),现在在用 %d 个;整治以来下线、注销、解散 %d 个,合并 %d 个。",
				t.LiveStart(), t.AppsStart, t.AccountsStart, t.GroupsStart, t.LiveNow(), t.Retired, t.Merged),
			"（二）基层负担明显减轻。" + burden,
			fmt.Sprintf("（三）体检发现问题整改。整治以来体检发现的问题已整改 %d 个,尚未整改 %d 个。", t.FindingsClosed, t.FindingsOpen),
		},
		Charts: []report.Chart{{Caption: "图1 在用应用、公众号、群组", SVG: assetChart, Table: &live}, {Caption: "图2 基层负担指数", SVG: burdenChart, Table: &idx}}})
	// 三、整改台账情况
	counts := map[rectify.Status]int{}
	overdueRows := report.Table{Caption: "逾期事项分布", Header: []string{"单位", "事项总数", "逾期"}}
	for _, b := range lboard {
		for st, k := range b.Counts {
			counts[st] += k
		}
		if b.Overdue > 0 {
			overdueRows.Rows = append(overdueRows.Rows, []string{b.UnitName, n(b.Total), n(b.Overdue)})
		}
	}
	st := report.Table{Caption: "整改台账事项状态", Header: []string{"状态", "事项数"}}
	for _, s := range rectify.Statuses {
		st.Rows = append(st.Rows, []string{s.Label(), n(counts[s])})
	}
	openT := report.Table{Caption: "未销号事项", Header: []string{"单位", "编号", "问题", "整改时限", "状态"}, Widths: []float64{2, 2, 4, 2, 2}}
	overdueOpen := 0
	for _, it := range open {
		if it.Overdue {
			overdueOpen++
		}
		openT.Rows = append(openT.Rows, []string{it.UnitName, it.Number, it.Title, fmtDay(it.Deadline), it.StatusLabel()})
	}
	tables := []report.Table{st}
	if len(overdueRows.Rows) > 0 {
		tables = append(tables, overdueRows)
	}
	if len(openT.Rows) > 0 {
		tables = append(tables, openT)
	}
	r.Sections = append(r.Sections, report.Section{Heading: "三、整改台账情况",
		Paragraphs: []string{fmt.Sprintf("专项整治以来纳入整改台账 %d 项,已销号 %d 项(其中按期销号 %d 项),逾期 %d 项。", t.LedgerTotal, t.LedgerClosed, t.LedgerClosedOnTime, t.LedgerOverdue)},
		Tables:     tables})
	// 四、存在问题
	problems := []string{fmt.Sprintf("一是整改尚未全部到位。目前仍有 %d 项整改事项未销号,其中逾期 %d 项。", len(open), overdueOpen)}
	var missing []string
	for _, tb := range board.Tasks {
		for _, row := range tb.Rows {
			if row.State == campaign.Missing {
				missing = append(missing, row.UnitName+"“"+tb.Task.Title+"”")
			}
		}
	}
	if len(missing) > 0 {
		problems = append(problems, "二是材料报送不够及时。"+strings.Join(missing, "、")+"逾期未报送。")
	} else {
		problems = append(problems, fmt.Sprintf("二是个别材料报送不够及时,逾期报送 %d 项。", t.Late))
	}
	r.Sections = append(r.Sections, report.Section{Heading: "四、存在问题", Paragraphs: problems})
	// 五、下一步工作
	r.Sections = append(r.Sections, report.Section{Heading: "五、下一步工作",
		Paragraphs: []string{"（此处由领导小组办公室结合实际填写下一步工作安排。）"}})
	// 附件
	sub := report.Table{Caption: "材料报送情况", Header: []string{"任务", "单位", "状态", "报送时间"}}
	for _, tb := range board.Tasks {
		for _, row := range tb.Rows {
			at := ""
			if !row.SubmittedAt.IsZero() {
				at = fmtDateTime(row.SubmittedAt)
			}
			sub.Rows = append(sub.Rows, []string{tb.Task.Title, row.UnitName, row.State.Label(), at})
		}
	}
	att := []report.Table{evalTable(e), sub}
	for _, l := range lists {
		lt := report.Table{Caption: l.Kind.Label(), Header: []string{"单位", "理由"}, Widths: []float64{1, 3}}
		for _, en := range l.Entries {
			lt.Rows = append(lt.Rows, []string{en.UnitName, en.Reason})
		}
		if len(lt.Rows) > 0 {
			att = append(att, lt)
		}
	}
	r.Sections = append(r.Sections, report.Section{Heading: "附件", Tables: att})
	return r
}

func cnDate(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// renderCampaignReport builds the campaign's report from the data and renders it with write;
// it answers the error page itself and reports whether there is a body to send.
func (s *Server) renderCampaignReport(w http.ResponseWriter, r *http.Request, write func(io.Writer, report.Report) error) (campaign.Campaign, []byte, bool) {
	c, ok := s.loadCampaign(w, r)
	if !ok {
		return c, nil, false
	}
	rep, err := s.campaignReport(r.Context(), principal(r), c)
	if err != nil {
		s.fail(w, r, err)
		return c, nil, false
	}
	var buf bytes.Buffer
	if err := write(&buf, rep); err != nil {
		s.fail(w, r, err)
		return c, nil, false
	}
	return c, buf.Bytes(), true
}

func (s *Server) campaignReportDOCX(w http.ResponseWriter, r *http.Request) {
	c, body, ok := s.renderCampaignReport(w, r, report.WriteDOCX)
	if !ok {
		return
	}
	name := c.Name + "工作总结.docx"
	w.Header().Set("Content-Type", campaign.TypeDOCX)
	w.Header().Set("Content-Disposition", "attachment; filename=\"report.docx\"; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(body)
}

func (s *Server) campaignReportHTML(w http.ResponseWriter, r *http.Request) {
	_, body, ok := s.renderCampaignReport(w, r, report.WriteHTML)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	// The print view is one self-contained document whose page layout is its own <style> and
	// style attributes; the site's policy (style-src 'self') would drop them. It allows inline
	// styles for this response only and still no script at all; every text in it is escaped.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	w.Write(body)
}
