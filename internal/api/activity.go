package api

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/activity"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/ingest"
	"github.com/jianfu-gov/jianfu/internal/org"
)

// MaxBatch is the largest activity data file one ingest request may carry (256 MiB). The body is
// streamed through the parser, never held in memory, so the limit is about request time, not
// memory.
const MaxBatch = 256 << 20

// The ingest API: a platform (or a script run by the 信息通信处) sends one file of activity data
// per request, named by a batch id of its choosing, so that a request retried after a timeout
// counts nothing twice.

var (
	batchFormats = map[string]ingest.Format{"ndjson": ingest.FormatNDJSON, "csv": ingest.FormatCSV, "xlsx": ingest.FormatXLSX}
	batchKinds   = map[string]ingest.Kind{"message": ingest.KindMessage, "app": ingest.KindApp, "account": ingest.KindAccount}
	// contentFormats tell the format from the request's media type; any other type leaves it to
	// be sniffed from the first bytes.
	contentFormats = map[string]ingest.Format{
		"application/x-ndjson": ingest.FormatNDJSON,
		"application/jsonl":    ingest.FormatNDJSON,
		csvType:                ingest.FormatCSV,
		xlsxType:               ingest.FormatXLSX,
	}
)

// batchRowError is a rejected row as the API reports it.
type batchRowError struct {
	Row    int    `json:"row"`
	Column string `json:"column"`
	Value  string `json:"value"`
	Reason string `json:"reason"`
	Msg    string `json:"msg"`
}

// activityReport is activity's report with its row errors in the API's spelling (ingest's
// RowError has no JSON names) and, when a strict batch was refused, the uniform error member.
type activityReport struct {
	*activity.Report
	Errors []batchRowError    `json:"errors"` // shadows Report.Errors
	Error  *httpx.ErrorDetail `json:"error,omitempty"`
}

func newActivityReport(rep *activity.Report) activityReport {
	out := activityReport{Report: rep, Errors: make([]batchRowError, 0, len(rep.Errors))}
	for _, e := range rep.Errors {
		out.Errors = append(out.Errors, batchRowError{Row: e.Row, Column: e.Column, Value: e.Value, Reason: e.Reason, Msg: e.Msg})
	}
	return out
}

// batchOptions reads the ingest's query parameters and the body's media type.
func batchOptions(r *http.Request) (activity.Options, error) {
	q := r.URL.Query()
	opt := activity.Options{Source: "api", BatchID: q.Get("batch_id")}
	if opt.BatchID == "" {
		return opt, errs.Field("batch_id", "缺少参数 batch_id(批次编号,由发送方生成;重试同一批数据时使用同一编号)")
	}
	if err := activity.CheckBatchID(opt.BatchID); err != nil {
		return opt, err
	}
	if s := q.Get("format"); s != "" {
		f, ok := batchFormats[s]
		if !ok {
			return opt, errs.Field("format", "参数 format 应为 ndjson、csv 或 xlsx")
		}
		opt.Format = f
	} else if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil {
		opt.Format = contentFormats[strings.ToLower(mt)]
	}
	if s := q.Get("kind"); s != "" {
		k, ok := batchKinds[s]
		if !ok {
			return opt, errs.Field("kind", "参数 kind 应为 message(群消息)、app(应用使用)或 account(公众号统计)")
		}
		opt.Kind = k
	}
	var err error
	if opt.DryRun, err = queryBool(r, "dry_run", false); err != nil {
		return opt, err
	}
	if opt.Strict, err = queryBool(r, "strict", false); err != nil {
		return opt, err
	}
	return opt, nil
}

func (a *API) ingestBatch(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	// Before anything is read: a caller who may not ingest learns nothing about the body.
	if err := p.Require(org.PermActivityIngest); err != nil {
		return err
	}
	opt, err := batchOptions(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	set, err := activity.LoadSettings(ctx, a.DB)
	if err != nil {
		return err
	}
	opt.KeepRaw, opt.KeepText, opt.Actor = set.KeepRaw, set.KeepText, p
	// The body goes to the parser as it arrives: up to MaxBatch, never read whole.
	rep, err := activity.IngestFile(ctx, a.DB, r.Body, opt)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return errs.E(errs.TooLarge, fmt.Sprintf("请求体过大(每批最多 %d MiB),请拆分为几批发送,每批使用不同的 batch_id", MaxBatch>>20))
	case err != nil && rep != nil && errs.Is(err, errs.Invalid):
		// strict: rows were rejected and nothing was written. The report is the answer, with
		// the uniform error member beside it, as for imports.
		out := newActivityReport(rep)
		out.Error = &httpx.ErrorDetail{Code: "invalid", Message: httpx.Message(err)}
		httpx.WriteJSON(w, http.StatusBadRequest, out)
		return nil
	case err != nil:
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newActivityReport(rep))
	return nil
}
