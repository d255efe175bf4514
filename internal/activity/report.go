package activity

import (
	"sort"

	"github.com/jianfu-gov/jianfu/internal/ingest"
)

// MaxErrors is how many rejected rows a report lists; the rest are only counted by reason.
const MaxErrors = 200

// Report says what became of a batch. Rows = Accepted + Rejected + Duplicates.
type Report struct {
	BatchID string `json:"batch_id"`
	Source  string `json:"source,omitempty"`
	// AlreadyIngested: a batch with this id was ingested before, so nothing was counted again;
	// the figures are that earlier batch's.
	AlreadyIngested bool `json:"already_ingested"`
	DryRun          bool `json:"dry_run,omitempty"`

	Rows           int    `json:"rows"`
	Accepted       int    `json:"accepted"`
	Rejected       int    `json:"rejected"`
	Duplicates     int    `json:"duplicates"`      // messages repeated within the batch, counted once
	UnknownSenders int    `json:"unknown_senders"` // accepted messages whose sender is not in the directory
	Messages       int    `json:"messages"`
	AppDays        int    `json:"app_days"`
	AccountDays    int    `json:"account_days"`
	First          string `json:"first_day,omitempty"` // the earliest and latest day of accepted rows
	Last           string `json:"last_day,omitempty"`

	Reasons         map[string]int    `json:"reasons,omitempty"` // rejected rows by ReasonLabel code
	Errors          []ingest.RowError `json:"errors,omitempty"`  // the first MaxErrors rejected rows, by row
	ErrorsTruncated bool              `json:"errors_truncated,omitempty"`

	first, last day
}

// reasonLabels name the reasons a row is rejected, for reports and pages. Parsing reasons come
// from package ingest; the others are decided here.
var reasonLabels = map[string]string{
	"unknown_group":     "群组不在清单中",
	"ambiguous_group":   "群名称不唯一",
	"unknown_app":       "应用不在清单中",
	"ambiguous_app":     "应用名称不唯一",
	"unknown_account":   "公众号不在清单中",
	"ambiguous_account": "公众号名称不唯一",
	"future":            "时间晚于当前时间",
	"too_old":           "时间早于 2000 年",
	"bad_time":          "时间格式错误",
	"bad_date":          "日期格式错误",
	"bad_utf8":          "含有非 UTF-8 字符",
	"missing":           "缺少必填项",
	"bad_number":        "数字错误",
	"too_long":          "内容过长",
	"bad_json":          "JSON 格式错误",
	"bad_kind":          "无法识别的消息类型",
	"bad_bool":          "是/否取值错误",
	"bad_type":          "记录类型错误",
	"bad_value":         "取值错误",
}

// ReasonLabel is the Chinese name of a rejection reason (the code itself when unknown).
func ReasonLabel(code string) string {
	if l, ok := reasonLabels[code]; ok {
		return l
	}
	return code
}

func (r *Report) reject(e ingest.RowError) {
	r.Rows++
	r.Rejected++
	if r.Reasons == nil {
		r.Reasons = map[string]int{}
	}
	r.Reasons[e.Reason]++
	if len(r.Errors) < MaxErrors {
		r.Errors = append(r.Errors, e)
	} else {
		r.ErrorsTruncated = true
	}
}

func (r *Report) accept(d day) {
	r.Rows++
	r.Accepted++
	if r.first == 0 || d < r.first {
		r.first = d
	}
	if d > r.last {
		r.last = d
	}
}

func (r *Report) merge(o *Report) {
	r.Rows += o.Rows
	r.Accepted += o.Accepted
	r.Rejected += o.Rejected
	r.Duplicates += o.Duplicates
	r.UnknownSenders += o.UnknownSenders
	r.Messages += o.Messages
	r.AppDays += o.AppDays
	r.AccountDays += o.AccountDays
	for k, v := range o.Reasons {
		if r.Reasons == nil {
			r.Reasons = map[string]int{}
		}
		r.Reasons[k] += v
	}
	r.Errors = append(r.Errors, o.Errors...)
	r.ErrorsTruncated = r.ErrorsTruncated || o.ErrorsTruncated
	if o.first != 0 && (r.first == 0 || o.first < r.first) {
		r.first = o.first
	}
	if o.last > r.last {
		r.last = o.last
	}
}

// finish sorts the errors by row and keeps the first MaxErrors, after workers have merged.
func (r *Report) finish() {
	sort.SliceStable(r.Errors, func(i, j int) bool { return r.Errors[i].Row < r.Errors[j].Row })
	if len(r.Errors) > MaxErrors {
		r.Errors = r.Errors[:MaxErrors]
		r.ErrorsTruncated = true
	}
	if r.first != 0 {
		r.First = r.first.time().Format("2006-01-02")
		r.Last = r.last.time().Format("2006-01-02")
	}
}
