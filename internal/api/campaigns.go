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
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// The special campaign (专项行动): campaigns with their four phases, the tasks units owe in a
// phase, what units submit for them (documents travel Base64-encoded inside the JSON body), and
// the progress board. campaign checks roles and scope.

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
