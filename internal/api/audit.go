package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
)

// requireAuditReader admits callers who may read the audit log. The log is not scoped by unit
// (an entry's object may be anything), so besides the permission the caller must see the whole
// organisation; otherwise an office user given a narrower scope would read other units' changes.
func requireAuditReader(p org.Principal) error {
	if err := p.Require(org.PermAuditRead); err != nil {
		return err
	}
	if !p.Scope.Whole() {
		return errs.E(errs.Forbidden, "审计日志仅对管辖范围为全省(总队)的用户开放")
	}
	return nil
}

// auditEntry is an audit.Entry with the before and after states as JSON values rather than
// strings holding JSON.
type auditEntry struct {
	Seq        int64           `json:"seq"`
	At         time.Time       `json:"at"`
	ActorID    int64           `json:"actor_id"`
	Actor      string          `json:"actor"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Before     json.RawMessage `json:"before,omitempty"`
	After      json.RawMessage `json:"after,omitempty"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
}

// rawState passes stored JSON through; a state that is not valid JSON (only possible if the
// row was tampered with) is shown as a string so that the response stays well-formed.
func rawState(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	if !json.Valid([]byte(s)) {
		b, _ := json.Marshal(s)
		return b
	}
	return json.RawMessage(s)
}

func (a *API) listAudit(w http.ResponseWriter, r *http.Request) error {
	if err := requireAuditReader(principal(r)); err != nil {
		return err
	}
	pg, err := readPage(r)
	if err != nil {
		return err
	}
	f := audit.Filter{Limit: pg.Limit, Offset: pg.Offset}
	if f.ObjectType, err = queryText(r, "object_type", 50); err != nil {
		return err
	}
	if f.ObjectID, err = queryText(r, "object_id", 64); err != nil {
		return err
	}
	if f.Actor, err = queryText(r, "actor", 100); err != nil {
		return err
	}
	if f.From, err = queryTime(r, "from", false); err != nil {
		return err
	}
	if f.To, err = queryTime(r, "to", true); err != nil {
		return err
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return errs.Field("to", "截止时间应晚于起始时间")
	}
	entries, total, err := audit.List(r.Context(), a.DB, f)
	if err != nil {
		return err
	}
	items := make([]auditEntry, len(entries))
	for i, e := range entries {
		items[i] = auditEntry{Seq: e.Seq, At: e.At, ActorID: e.ActorID, Actor: e.Actor, Action: e.Action,
			ObjectType: e.ObjectType, ObjectID: e.ObjectID, Before: rawState(e.Before), After: rawState(e.After),
			PrevHash: e.PrevHash, Hash: e.Hash}
	}
	writeList(w, items, total, pg)
	return nil
}

// queryTime reads a time as RFC 3339 or as a date (YYYY-MM-DD, a day in Asia/Shanghai). A date
// given as the end of a range includes that whole day, since the log's filter is "before To".
func queryTime(r *http.Request, name string, end bool) (time.Time, error) {
	s := strings.TrimSpace(r.URL.Query().Get(name))
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	d, err := time.ParseInLocation(time.DateOnly, s, auth.Shanghai)
	if err != nil || d.Year() < 2000 || d.Year() > 2100 {
		return time.Time{}, errs.Field(name, "参数 "+name+" 应为日期 2006-01-02 或时间 2006-01-02T15:04:05+08:00")
	}
	if end {
		d = d.AddDate(0, 0, 1)
	}
	return d.UTC(), nil
}

type verifyBody struct {
	OK       bool   `json:"ok"`
	Checked  int64  `json:"checked"`
	BrokenAt int64  `json:"broken_at,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// verifyAudit recomputes the whole hash chain; it reads every entry, so it is for the two roles
// answerable for the log's integrity.
func (a *API) verifyAudit(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	if !p.Has(org.RoleAdmin) && !p.Has(org.RoleOffice) {
		return errs.E(errs.Forbidden, "只有系统管理员和领导小组办公室可以校验审计日志")
	}
	if err := requireAuditReader(p); err != nil {
		return err
	}
	res, err := audit.Verify(r.Context(), a.DB)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, verifyBody{OK: res.OK(), Checked: res.Checked, BrokenAt: res.BrokenAt, Reason: res.Reason})
	return nil
}
