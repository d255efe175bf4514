package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/campaign"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/filing"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// The special campaign (专项行动): campaigns with their four phases, the tasks units owe in a
// phase, what units submit for them (documents travel Base64-encoded inside the JSON body), the
// progress board, 自查 problems filed in the ledger (by package filing), supervision notes
// (督导记录) and the commendation and 约谈 lists. campaign checks roles and scope.

func (a *API) campaigns() *campaign.Store { return campaign.New(a.DB) }

func (a *API) listCampaigns(w http.ResponseWriter, r *http.Request) error {
	pg, err := readPage(r)
	if err != nil {
		return err
	}
	list, err := a.campaigns().List(r.Context(), principal(r))
	if err != nil {
		return err
	}
	writeList(w, page(list, pg), len(list), pg)
	return nil
}

// phaseBody is one phase's first and last day.
type phaseBody struct {
	Start catalog.Date `json:"start"`
	End   catalog.Date `json:"end"`
}

// campaignBody creates a campaign; phases are the four phases in order (动员部署 first).
type campaignBody struct {
	Name   string      `json:"name"`
	Year   int         `json:"year"`
	UnitID int64       `json:"unit_id"`
	Phases []phaseBody `json:"phases"`
}

func (a *API) createCampaign(w http.ResponseWriter, r *http.Request) error {
	var in campaignBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c := campaign.Input{Name: in.Name, Year: in.Year, UnitID: in.UnitID}
	for _, ph := range in.Phases {
		c.Phases = append(c.Phases, campaign.PhaseDates{Start: ph.Start.Time, End: ph.End.Time})
	}
	out, err := a.campaigns().Create(r.Context(), principal(r), c)
	if err != nil {
		return err
	}
	writeCreated(w, fmt.Sprintf("/api/v1/campaigns/%d", out.ID), out)
	return nil
}

// campaignView is a campaign with its tasks.
type campaignView struct {
	campaign.Campaign
	Tasks []campaign.Task `json:"tasks"`
}

func (a *API) getCampaign(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	st := a.campaigns()
	c, err := st.Get(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	tasks, err := st.Tasks(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	if tasks == nil {
		tasks = []campaign.Task{}
	}
	httpx.WriteJSON(w, http.StatusOK, campaignView{Campaign: c, Tasks: tasks})
	return nil
}

// campaignBoard shows the board as it stood at the end of as_of (a date in Shanghai, default
// now).
func (a *API) campaignBoard(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	asOf := time.Now()
	if s := r.URL.Query().Get("as_of"); s != "" {
		d, err := catalog.ParseDate("as_of", s)
		if err != nil {
			return err
		}
		y, m, day := d.Date()
		asOf = time.Date(y, m, day+1, 0, 0, 0, 0, tz.Shanghai).Add(-time.Microsecond)
	}
	b, err := campaign.Board(r.Context(), a.DB, principal(r), id, asOf)
	if err != nil {
		return err
	}
	if b.Tasks == nil {
		b.Tasks = []campaign.TaskBoard{}
	}
	httpx.WriteJSON(w, http.StatusOK, b)
	return nil
}

// taskBody adds a task: phase 1–4, the kind, a title, the due date inside the phase, and the
// kinds of unit that owe it.
type taskBody struct {
	Phase     int          `json:"phase"`
	Kind      string       `json:"kind"`
	Title     string       `json:"title"`
	Due       catalog.Date `json:"due"`
	UnitKinds []string     `json:"unit_kinds"`
}

func (a *API) createCampaignTask(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in taskBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	t := campaign.TaskInput{Phase: campaign.PhaseNo(in.Phase), Kind: campaign.TaskKind(in.Kind), Title: in.Title, Due: in.Due.Time}
	for _, k := range in.UnitKinds {
		t.UnitKinds = append(t.UnitKinds, org.UnitKind(k))
	}
	out, err := a.campaigns().CreateTask(r.Context(), principal(r), id, t)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, out)
	return nil
}

// documentBody is one document of a submission: its file name and its bytes, Base64-encoded
// (standard alphabet, with padding) in content.
type documentBody struct {
	Name    string `json:"name"`
	Content []byte `json:"content"`
}

// submissionBody is what a unit submits for a task.
type submissionBody struct {
	UnitID    int64                   `json:"unit_id"`
	Note      string                  `json:"note"`
	Documents []documentBody          `json:"documents"`
	Problems  []campaign.ProblemInput `json:"problems"`
}

func (a *API) submitCampaignTask(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	tid, err := httpx.PathID(r, "tid")
	if err != nil {
		return err
	}
	p := principal(r)
	// Before the body is read: a caller who may not submit learns nothing from it.
	if !p.Has(org.RoleLiaison) && !p.Has(org.RoleOffice) && !p.Has(org.RoleAdmin) {
		return errs.E(errs.Forbidden, "只有单位联络员或领导小组办公室可以报送材料")
	}
	var in submissionBody
	if err := decodeLargeJSON(r, &in); err != nil {
		return err
	}
	if in.UnitID <= 0 {
		return errs.Field("unit_id", "请指定报送单位(unit_id)")
	}
	st := a.campaigns()
	t, err := st.Task(r.Context(), p, tid)
	if err != nil {
		return err
	}
	if t.CampaignID != id {
		return errs.E(errs.NotFound, "任务不存在或不属于该专项行动")
	}
	sub := campaign.SubmissionInput{TaskID: tid, UnitID: in.UnitID, Note: in.Note, Problems: in.Problems}
	for _, d := range in.Documents {
		sub.Documents = append(sub.Documents, campaign.DocumentInput{Name: d.Name, Data: d.Content})
	}
	out, err := st.Submit(r.Context(), p, sub)
	if err != nil {
		return err
	}
	if out.Documents == nil {
		out.Documents = []campaign.Document{}
	}
	httpx.WriteJSON(w, http.StatusCreated, out)
	return nil
}

// decodeLargeJSON is decodeJSON for a body that may exceed httpx.MaxJSONBody: a submission's
// documents travel inside it. The route's own limit (MaxUpload) bounds it; the rules are
// decodeJSON's (one object, no unknown fields, no NUL, fields named in errors).
func decodeLargeJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return errs.E(errs.Invalid, "请求体应为 JSON(Content-Type: application/json)")
		}
	}
	body, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return errs.E(errs.TooLarge, fmt.Sprintf("请求体过大(最多 %d MiB,含 Base64 编码的文件)", MaxUpload>>20))
	}
	if err != nil {
		return errs.Wrap(errs.Invalid, "读取请求体失败", err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			return errs.E(errs.Invalid, "请求体只能包含一个 JSON 对象")
		}
		if field := nulField(reflect.ValueOf(v), ""); field != "" {
			return errs.Field(field, "不能包含空字符(\\u0000)")
		}
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var b64 base64.CorruptInputError
	switch {
	case errors.As(err, &syn):
		return errs.E(errs.Invalid, "JSON 格式错误,位于第 "+strconv.FormatInt(syn.Offset, 10)+" 个字节附近")
	case errors.As(err, &typ):
		return errs.Field(typ.Field, "类型错误")
	case errors.As(err, &b64):
		return errs.Field("documents", "文件内容(content)应为 Base64 编码")
	case errors.Is(err, io.EOF):
		return errs.E(errs.Invalid, "请求体为空")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errs.E(errs.Invalid, "JSON 不完整")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return errs.Field(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), "未知字段")
	}
	return errs.Wrap(errs.Invalid, "无法解析请求体", err)
}

// problemFileBody files a 自查 problem; submission_id names the submission it was reported in, as
// on the web page (a problem's submission is in its `submission_id`).
type problemFileBody struct {
	SubmissionID int64 `json:"submission_id"`
	ledgerFileBody
}

// fileCampaignProblem turns problem pid of a 自查报告 of campaign id into a ledger item (source
// 自查); a problem filed already is a 409 naming its ledger number.
func (a *API) fileCampaignProblem(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	pid, err := httpx.PathID(r, "pid")
	if err != nil {
		return err
	}
	var in problemFileBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.SubmissionID <= 0 {
		return errs.Field("submission_id", "请指定问题所在的报送记录(submission_id)")
	}
	o, err := in.options()
	if err != nil {
		return err
	}
	it, err := filing.SelfCheckProblem(r.Context(), a.DB, principal(r), id, in.SubmissionID, pid, o)
	if err != nil {
		return err
	}
	writeCreated(w, fmt.Sprintf("/api/v1/ledger/%d", it.ID), it)
	return nil
}

// listCampaignNotes lists a campaign's supervision notes (督导记录) in the caller's scope, newest
// first; unit_id limits them to one unit (one outside the scope has none).
func (a *API) listCampaignNotes(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := readPage(r)
	if err != nil {
		return err
	}
	unitID, err := httpx.QueryID(r, "unit_id")
	if err != nil {
		return err
	}
	notes, err := a.campaigns().Notes(r.Context(), principal(r), id, unitID)
	if err != nil {
		return err
	}
	writeList(w, page(notes, pg), len(notes), pg)
	return nil
}

// noteBody is a supervision note: the unit visited (only when the note is added), the day and
// what was found and asked for.
type noteBody struct {
	UnitID   int64        `json:"unit_id"`
	Date     catalog.Date `json:"date"`
	Text     string       `json:"text"`
	FollowUp string       `json:"follow_up"`
}

// noteUpdateBody is noteBody without the unit, which a note keeps.
type noteUpdateBody struct {
	Date     catalog.Date `json:"date"`
	Text     string       `json:"text"`
	FollowUp string       `json:"follow_up"`
}

func (a *API) addCampaignNote(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in noteBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.UnitID <= 0 {
		return errs.Field("unit_id", "请指定督导的单位(unit_id)")
	}
	n, err := a.campaigns().AddNote(r.Context(), principal(r), id, campaign.NoteInput{UnitID: in.UnitID, Date: in.Date.Time,
		Text: in.Text, FollowUp: in.FollowUp})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, n)
	return nil
}

func (a *API) updateCampaignNote(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	nid, err := httpx.PathID(r, "nid")
	if err != nil {
		return err
	}
	var in noteUpdateBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := a.campaigns().UpdateNote(r.Context(), principal(r), id, nid, campaign.NoteInput{Date: in.Date.Time, Text: in.Text, FollowUp: in.FollowUp})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, n)
	return nil
}

// listKind reads the list in the path: commend (表彰名单) or interview (约谈名单).
func listKind(r *http.Request) (campaign.ListKind, error) {
	k := campaign.ListKind(r.PathValue("kind"))
	if k != campaign.Commend && k != campaign.Interview {
		return "", errs.Field("kind", "名单类型 kind 应为 commend(表彰名单)或 interview(约谈名单)")
	}
	return k, nil
}

// getCampaignList shows the campaign's commendation or 约谈 list, entries in the caller's scope
// only; a list never saved is empty with id 0. As on the web, reading it needs catalog.read.
func (a *API) getCampaignList(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	kind, err := listKind(r)
	if err != nil {
		return err
	}
	p := principal(r)
	if err := p.Require(org.PermCatalogRead); err != nil {
		return err
	}
	l, err := a.campaigns().GetList(r.Context(), p, id, kind)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, l)
	return nil
}

// listEntryBody is one unit on a list with the reason for it.
type listEntryBody struct {
	UnitID int64  `json:"unit_id"`
	Reason string `json:"reason"`
}

// listSaveBody replaces a list; entries is required so that a body missing it does not empty the
// list by accident ([] empties it on purpose).
type listSaveBody struct {
	Entries []listEntryBody `json:"entries"`
}

func (a *API) saveCampaignList(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	kind, err := listKind(r)
	if err != nil {
		return err
	}
	var in listSaveBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Entries == nil {
		return errs.Field("entries", "请提供名单 entries(空数组 [] 表示清空名单)")
	}
	entries := make([]campaign.Entry, len(in.Entries))
	for i, e := range in.Entries {
		entries[i] = campaign.Entry{UnitID: e.UnitID, Reason: e.Reason}
	}
	l, err := a.campaigns().SaveList(r.Context(), principal(r), id, kind, entries)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, l)
	return nil
}
