package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
)

type auditData struct {
	F       audit.Filter
	From    string
	To      string
	Entries []audit.Entry
	Pager   pager
	Verify  *audit.Result
}

// ParseDay reads a YYYY-MM-DD day in Asia/Shanghai and returns its start in UTC.
func parseDay(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	d, err := org.ParseDate(s)
	if err != nil {
		return d, errs.Field(field, "日期格式应为 2006-01-02")
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, auth.Shanghai).UTC(), nil
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	_, pg, err := listParams(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := audit.Filter{ObjectType: strings.TrimSpace(q.Get("object_type")), ObjectID: strings.TrimSpace(q.Get("object_id")),
		Actor: strings.TrimSpace(q.Get("actor")), Limit: pg.Limit, Offset: pg.Offset}
	if f.From, err = parseDay("from", q.Get("from")); err != nil {
		s.fail(w, r, err)
		return
	}
	if f.To, err = parseDay("to", q.Get("to")); err != nil {
		s.fail(w, r, err)
		return
	}
	if !f.To.IsZero() {
		f.To = f.To.Add(24 * time.Hour) // the "to" day is included
	}
	entries, total, err := audit.List(r.Context(), s.DB, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "audit", view{Title: "审计日志", Active: "audit", Data: auditData{F: f,
		From: q.Get("from"), To: q.Get("to"), Entries: entries, Pager: newPager(r, total, f.Limit, f.Offset)}})
}

func (s *Server) auditVerify(w http.ResponseWriter, r *http.Request) {
	res, err := audit.Verify(r.Context(), s.DB)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	entries, total, err := audit.List(r.Context(), s.DB, audit.Filter{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The pager links to the plain list: paging must not re-run the verification.
	list := r.Clone(r.Context())
	list.URL.Path, list.URL.RawQuery = "/audit", ""
	s.render(w, r, http.StatusOK, "audit", view{Title: "审计日志", Active: "audit", Data: auditData{Entries: entries,
		Pager: newPager(list, total, 50, 0), Verify: &res}})
}
