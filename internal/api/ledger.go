package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/rectify"
)

// The rectification ledger (整改台账): items with their flow (start, progress, submit, verify,
// reject), comments, evidence files, accountability records, the board, and the conversion of a
// health-check finding into an item. rectify checks roles, scope and four eyes; the handlers read
// the request and name the field at fault in the API's spelling.

// ledgerBody records a new item. The deadline is deadline_workdays working days from today or
// the date deadline, exactly one of them.
type ledgerBody struct {
	Source              string       `json:"source"`
	UnitID              int64        `json:"unit_id"`
	AssetID             int64        `json:"asset_id"`
	Title               string       `json:"title"`
	Description         string       `json:"description"`
	Measures            string       `json:"measures"`
	ResponsiblePersonID int64        `json:"responsible_person_id"`
	LeadUnitID          int64        `json:"lead_unit_id"`
	DeadlineWorkdays    int          `json:"deadline_workdays"`
	Deadline            catalog.Date `json:"deadline"`
}

// ledgerSources and ledgerStatuses spell the enums in the API's messages.
const (
	ledgerSourceMsg = "应为 self_check(自查)、inspection(检查)、finding(体检)、spot_check(抽查)、rating(评价)或 report(举报)"
	ledgerStatusMsg = "应为 pending(待整改)、in_progress(整改中)、review(待验收)或 closed(已销号)"
)

// ledgerFilter reads the list's filters (not its paging) from the query.
func ledgerFilter(r *http.Request) (rectify.Filter, error) {
	v := r.URL.Query()
	var f rectify.Filter
	var err error
	if s := v.Get("source"); s != "" {
		src, ok := rectify.ParseSource(s)
		if !ok {
			return f, errs.Field("source", "参数 source "+ledgerSourceMsg)
		}
		f.Source = src
	}
	if s := v.Get("status"); s != "" {
		st, ok := rectify.ParseStatus(s)
		if !ok {
			return f, errs.Field("status", "参数 status "+ledgerStatusMsg)
		}
		f.Status = st
	}
	if f.UnitID, err = httpx.QueryID(r, "unit_id"); err != nil {
		return f, err
	}
	if f.Overdue, err = queryBool(r, "overdue", false); err != nil {
		return f, err
	}
	if f.DueThisWeek, err = queryBool(r, "due_this_week", false); err != nil {
		return f, err
	}
	f.Q, err = queryText(r, "q", 100)
	return f, err
}

func (a *API) listLedger(w http.ResponseWriter, r *http.Request) error {
	pg, err := readPage(r)
	if err != nil {
		return err
	}
	f, err := ledgerFilter(r)
	if err != nil {
		return err
	}
	f.Page = pg
	list, total, err := rectify.List(r.Context(), a.DB, principal(r), f)
	if err != nil {
		return scopeFilterErr(err, "unit_id", f.UnitID)
	}
	writeList(w, list, total, pg)
	return nil
}

// exportLedger sends the filtered ledger, every page of it, as the 台账 workbook.
func (a *API) exportLedger(w http.ResponseWriter, r *http.Request) error {
	f, err := ledgerFilter(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := rectify.ExportXLSX(r.Context(), a.DB, principal(r), f, &buf); err != nil {
		return scopeFilterErr(err, "unit_id", f.UnitID)
	}
	writeFile(w, xlsxType, "整改台账.xlsx", buf.Bytes())
	return nil
}

func (a *API) createLedger(w http.ResponseWriter, r *http.Request) error {
	var in ledgerBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	it, err := rectify.Create(r.Context(), a.DB, principal(r), rectify.Input{Source: rectify.Source(in.Source), UnitID: in.UnitID,
		AssetID: in.AssetID, Title: in.Title, Description: in.Description, Measures: in.Measures,
		ResponsiblePersonID: in.ResponsiblePersonID, LeadUnitID: in.LeadUnitID, DeadlineWorkdays: in.DeadlineWorkdays,
		Deadline: in.Deadline.Time})
	if err != nil {
		return err
	}
	writeCreated(w, fmt.Sprintf("/api/v1/ledger/%d", it.ID), it)
	return nil
}

// ledgerUpdateBody is an open item's text, people and, optionally, a new deadline with its reason.
type ledgerUpdateBody struct {
	Title               string       `json:"title"`
	Description         string       `json:"description"`
	Measures            string       `json:"measures"`
	ResponsiblePersonID int64        `json:"responsible_person_id"`
	LeadUnitID          int64        `json:"lead_unit_id"`
	DeadlineWorkdays    int          `json:"deadline_workdays"`
	Deadline            catalog.Date `json:"deadline"`
	Reason              string       `json:"reason"`
}

func (a *API) updateLedger(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in ledgerUpdateBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	it, err := rectify.Update(r.Context(), a.DB, principal(r), id, rectify.UpdateInput{Title: in.Title, Description: in.Description,
		Measures: in.Measures, ResponsiblePersonID: in.ResponsiblePersonID, LeadUnitID: in.LeadUnitID,
		DeadlineWorkdays: in.DeadlineWorkdays, Deadline: in.Deadline.Time, Reason: in.Reason})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, it)
	return nil
}

func (a *API) getLedger(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	d, err := rectify.Get(r.Context(), a.DB, principal(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, d)
	return nil
}

// ledgerBoardView is the board: one row per responsible unit with items, in tree order.
type ledgerBoardView struct {
	Items []rectify.BoardRow `json:"items"`
}

func (a *API) ledgerBoard(w http.ResponseWriter, r *http.Request) error {
	rows, err := rectify.Board(r.Context(), a.DB, principal(r))
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []rectify.BoardRow{}
	}
	httpx.WriteJSON(w, http.StatusOK, ledgerBoardView{Items: rows})
	return nil
}

// textBody carries the text of a step of the flow: the progress note (start, progress), the
// completion (submit), the acceptance note (verify) or the reason (reject).
type textBody struct {
	Text string `json:"text"`
}

// ledgerActions are the steps POST /ledger/{id}/{action} takes.
var ledgerActions = map[string]func(r *http.Request, a *API, id int64, text string) (rectify.Item, error){
	"start": func(r *http.Request, a *API, id int64, text string) (rectify.Item, error) {
		return rectify.Start(r.Context(), a.DB, principal(r), id, text)
	},
	"progress": func(r *http.Request, a *API, id int64, text string) (rectify.Item, error) {
		return rectify.UpdateProgress(r.Context(), a.DB, principal(r), id, text)
	},
	"submit": func(r *http.Request, a *API, id int64, text string) (rectify.Item, error) {
		return rectify.Submit(r.Context(), a.DB, principal(r), id, text)
	},
	"verify": func(r *http.Request, a *API, id int64, text string) (rectify.Item, error) {
		return rectify.Verify(r.Context(), a.DB, principal(r), id, text)
	},
	"reject": func(r *http.Request, a *API, id int64, text string) (rectify.Item, error) {
		return rectify.Reject(r.Context(), a.DB, principal(r), id, text)
	},
}

func (a *API) ledgerAction(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	act, ok := ledgerActions[r.PathValue("action")]
	if !ok {
		return errs.Field("action", "操作应为 start(开始整改)、progress(更新进展)、submit(提交验收)、verify(验收销号)或 reject(驳回)")
	}
	var in textBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	it, err := act(r, a, id, in.Text)
	if err != nil {
		// rectify names the text by its meaning; the body has one field for all of them.
		for _, f := range []string{"note", "progress", "completion", "reason"} {
			err = renameField(err, f, "text")
		}
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, it)
	return nil
}

// commentBody adds a remark.
type commentBody struct {
	Body string `json:"body"`
}

func (a *API) addLedgerComment(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in commentBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := rectify.AddComment(r.Context(), a.DB, principal(r), id, in.Body)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, c)
	return nil
}

// addLedgerAttachment stores the request body as an evidence file named by the filename query
// parameter. The body is the file itself (not a form), at most rectify.MaxAttachment.
func (a *API) addLedgerAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	name := r.URL.Query().Get("filename")
	data, err := io.ReadAll(io.LimitReader(r.Body, rectify.MaxAttachment+1))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || len(data) > rectify.MaxAttachment {
		return &errs.Error{Kind: errs.TooLarge, Field: "file", Msg: fmt.Sprintf("文件过大,证明材料最大 %d MB", rectify.MaxAttachment>>20)}
	}
	if err != nil {
		return errs.Wrap(errs.Invalid, "读取请求体失败", err)
	}
	att, err := rectify.Attach(r.Context(), a.DB, principal(r), id, name, data)
	if e, ok := errs.As(err); ok && e.Field == "file" && strings.Contains(e.Msg, "文件名") {
		// rectify calls both the file and its name "file"; the name comes from the query.
		err = renameField(err, "file", "filename")
	}
	if err != nil {
		return err
	}
	writeCreated(w, fmt.Sprintf("/api/v1/ledger/%d/attachments/%d", id, att.ID), att)
	return nil
}

// getLedgerAttachment answers with the file itself, checked against its stored checksum.
func (a *API) getLedgerAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	aid, err := httpx.PathID(r, "aid")
	if err != nil {
		return err
	}
	att, data, err := rectify.AttachmentData(r.Context(), a.DB, principal(r), id, aid)
	if err != nil {
		return err
	}
	writeFile(w, att.ContentType, att.Filename, data)
	return nil
}

// writeFile answers with a stored file as a download. Its type was sniffed when it was stored.
func writeFile(w http.ResponseWriter, contentType, name string, data []byte) {
	ascii := "file"
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		ascii += strings.Map(func(c rune) rune {
			if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.') {
				return c
			}
			return -1
		}, name[i:])
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, encodeRFC5987(name)))
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}

// accountabilityBody records 约谈提醒, 通报批评 or 问责; on defaults to today.
type accountabilityBody struct {
	Kind string       `json:"kind"`
	Note string       `json:"note"`
	On   catalog.Date `json:"on"`
}

func (a *API) addLedgerAccountability(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in accountabilityBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	x, err := rectify.AddAccountability(r.Context(), a.DB, principal(r), id,
		rectify.AccountabilityInput{Kind: rectify.Kind(in.Kind), Note: in.Note, On: in.On.Time})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, x)
	return nil
}

// convertBody is what turning a finding into a ledger item adds to the finding.
type convertBody struct {
	ResponsiblePersonID int64        `json:"responsible_person_id"`
	DeadlineWorkdays    int          `json:"deadline_workdays"`
	Deadline            catalog.Date `json:"deadline"`
	Measures            string       `json:"measures"`
	LeadUnitID          int64        `json:"lead_unit_id"`
}

func (a *API) convertFinding(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in convertBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	it, err := rectify.FromFinding(r.Context(), a.DB, principal(r), id, rectify.ConvertInput{ResponsiblePersonID: in.ResponsiblePersonID,
		DeadlineWorkdays: in.DeadlineWorkdays, Deadline: in.Deadline.Time, Measures: in.Measures, LeadUnitID: in.LeadUnitID})
	if err != nil {
		return err
	}
	writeCreated(w, fmt.Sprintf("/api/v1/ledger/%d", it.ID), it)
	return nil
}
