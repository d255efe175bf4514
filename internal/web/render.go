package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/burden"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/i18n"
	"github.com/jianfu-gov/jianfu/internal/notify"
	"github.com/jianfu-gov/jianfu/internal/org"
)

// parseTemplates builds one template set per page: the layout and partials plus that page, so
// that every page can define its own "content" block.
func parseTemplates(lang i18n.Lang) (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"t":        func(msg string, args ...any) string { return i18n.T(lang, msg, args...) },
		"date":     fmtDate,
		"datetime": fmtDateTime,
		"kind":     func(k org.UnitKind) string { return i18n.T(lang, k.Label()) },
		"role":     func(r org.Role) string { return i18n.T(lang, r.Label()) },
		"status":   func(s string) string { return i18n.T(lang, org.StatusLabel(s)) },
		"indent":   func(n int) string { return strings.Repeat("— ", max(n, 0)) },
		"add":      func(a, b int) int { return a + b },
		"action":   func(a string) string { return i18n.T(lang, audit.ActionLabel(a)) },
		"feature":  func(c string) string { return i18n.T(lang, catalog.FeatureLabel(c)) },
		"mrole":    func(r string) string { return i18n.T(lang, catalog.MemberRoleLabel(r)) },
		"evaction": func(a string) string { return i18n.T(lang, catalog.ActionLabel(a)) },
		"pct":      func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
		"f1":       func(f float64) string { return fmt.Sprintf("%.1f", f) },
		"f2":       func(f float64) string { return fmt.Sprintf("%.2f", f) },
		"comp":     func(c burden.Component) string { return i18n.T(lang, c.Label()) },
		"batch":    func(id string) bool { return id == "" || strings.HasSuffix(id, "*") },
		"has": func(list []string, x string) bool {
			for _, v := range list {
				if v == x {
					return true
				}
			}
			return false
		},
		"object": func(o string) string { return i18n.T(lang, audit.ObjectLabel(o)) },
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"hasRole": func(roles []org.Role, r org.Role) bool {
			for _, x := range roles {
				if x == r {
					return true
				}
			}
			return false
		},
	}
	shared := []string{"templates/layout.html", "templates/partials.html"}
	pages, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, p := range pages {
		name := path.Base(p)
		if name == "layout.html" || name == "partials.html" {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(assets, append(shared, p)...)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", p, err)
		}
		out[strings.TrimSuffix(name, ".html")] = t
	}
	return out, nil
}

func fmtDate(t any) string {
	switch v := t.(type) {
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.In(auth.Shanghai).Format("2006-01-02")
	case *time.Time:
		if v == nil {
			return ""
		}
		return fmtDate(*v)
	}
	return ""
}

func fmtDateTime(t any) string {
	switch v := t.(type) {
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.In(auth.Shanghai).Format("2006-01-02 15:04")
	case *time.Time:
		if v == nil {
			return ""
		}
		return fmtDateTime(*v)
	}
	return ""
}

// view is what every page template receives.
type view struct {
	Lang     i18n.Lang
	Title    string
	Active   string
	User     *org.User
	CSRF     string
	Nav      []navItem
	Flash    string
	Error    string
	FieldErr map[string]string
	Data     any
	Version  string
}

type navItem struct {
	Key, Label, Href string
	Soon             bool // a capability still to come
	Count            int  // shown beside the label when positive (unread reminders)
}

// nav lists what the caller may open, then the capabilities still being built, greyed out.
func nav(p org.Principal) []navItem {
	items := []navItem{{Key: "home", Label: "首页", Href: "/"}}
	if p.Can(org.PermCatalogRead) {
		items = append(items, navItem{Key: "assets", Label: "清单管理", Href: "/assets"})
		items = append(items, navItem{Key: "intake", Label: "立项与备案", Href: "/intake"})
		items = append(items, navItem{Key: "findings", Label: "体检发现", Href: "/findings"})
	}
	if p.Can(org.PermUnitsRead) {
		items = append(items, navItem{Key: "units", Label: "单位", Href: "/units"})
	}
	if p.Can(org.PermPeopleRead) {
		items = append(items, navItem{Key: "people", Label: "人员", Href: "/people"})
	}
	if p.Can(org.PermUsersRead) {
		items = append(items, navItem{Key: "users", Label: "用户与角色", Href: "/users"})
	}
	if p.Can(org.PermAuditRead) {
		items = append(items, navItem{Key: "audit", Label: "审计日志", Href: "/audit"})
	}
	if p.Can(org.PermUsersWrite) {
		items = append(items, navItem{Key: "settings", Label: "系统设置", Href: "/settings"})
	}
	if p.Can(org.PermActivityRead) {
		items = append(items, navItem{Key: "burden", Label: "负担指数", Href: "/burden"})
	}
	items = append(items, navItem{Key: "burden_me", Label: "我的负担", Href: "/burden/me"})
	if p.Can(org.PermActivityIngest) {
		items = append(items, navItem{Key: "activity", Label: "活动数据导入", Href: "/activity/import"})
	}
	if p.Can(org.PermCatalogRead) {
		items = append(items, navItem{Key: "ledger", Label: "整改台账", Href: "/ledger"})
		items = append(items, navItem{Key: "inspections", Label: "检查抽查", Href: "/inspections"})
	}
	items = append(items, navItem{Key: "campaigns", Label: "专项行动", Href: "/campaigns"})
	items = append(items, navItem{Key: "notifications", Label: "我的提醒", Href: "/notifications"})
	return items
}

// render writes page name with status. Data-dependent errors belong in v.Error / v.FieldErr.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	v.Lang = i18n.FromRequest(r)
	v.Version = s.Version
	if c := httpx.CallerFrom(r.Context()); c != nil {
		v.User = &c.User
		v.Nav = nav(c.Principal())
		if c.User.PersonID != 0 {
			// One indexed count per page: the reminders waiting for the caller, beside 我的提醒.
			if n, err := notify.Unread(r.Context(), s.DB, c.User.PersonID); err == nil && n > 0 {
				for i := range v.Nav {
					if v.Nav[i].Key == "notifications" {
						v.Nav[i].Count = n
					}
				}
			}
		}
		if c.Session != nil {
			v.CSRF = c.Session.CSRF
		}
	}
	if v.Flash == "" {
		v.Flash = flashText(r.URL.Query().Get("ok"))
	}
	t, ok := s.tmpl[v.Lang][name]
	if !ok {
		s.Log.Error("web: no template", "name", name)
		http.Error(w, "template missing", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.Log.Error("web: render", "page", name, "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// flashText turns a fixed key from a redirect into a message, so that no text from the URL is
// ever echoed into the page.
func flashText(key string) string {
	return map[string]string{
		"created": "已新增", "updated": "已保存", "deleted": "已删除", "password": "密码已修改",
		"reset": "密码已重置,用户下次登录时须修改密码", "imported": "导入完成", "revoked": "令牌已吊销",
		"merged": "已合并", "attested": "已确认", "submitted": "已提交,等待审批", "decided": "已办理", "withdrawn": "已撤回", "analyzed": "体检完成",
	}[key]
}

// fail renders the error page for err with the status its kind maps to.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := httpx.Status(err)
	if status == http.StatusInternalServerError {
		s.Log.ErrorContext(r.Context(), "page failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	s.render(w, r, status, "error", view{Title: "出错了", Error: httpx.Message(err)})
}

// formError re-renders a form with err shown beside its field (or at the top).
func (s *Server) formError(w http.ResponseWriter, r *http.Request, name string, v view, err error) {
	status := httpx.Status(err)
	if status == http.StatusInternalServerError {
		s.fail(w, r, err)
		return
	}
	v.Error = httpx.Message(err)
	if f := httpx.Field(err); f != "" {
		v.FieldErr = map[string]string{f: httpx.Message(err)}
	}
	s.render(w, r, status, name, v)
}

// pager is the state of a paged list for the "pager" partial.
type pager struct {
	Total, Limit, Offset int
	Prev, Next           string
}

func newPager(r *http.Request, total, limit, offset int) pager {
	p := pager{Total: total, Limit: limit, Offset: offset}
	link := func(off int) string {
		q := r.URL.Query()
		q.Set("offset", strconv.Itoa(off))
		return r.URL.Path + "?" + q.Encode()
	}
	if offset > 0 {
		p.Prev = link(max(offset-limit, 0))
	}
	if offset+limit < total {
		p.Next = link(offset + limit)
	}
	return p
}

// From and To are the 1-based numbers of the first and last rows shown.
func (p pager) From() int {
	if p.Total == 0 {
		return 0
	}
	return p.Offset + 1
}

// To is the number of the last row shown.
func (p pager) To() int { return min(p.Offset+p.Limit, p.Total) }

// listParams reads q, limit and offset for a list page.
func listParams(r *http.Request) (q string, pg org.Page, err error) {
	limit, err := httpx.QueryInt(r, "limit", 50, org.MaxPage)
	if err != nil {
		return "", pg, err
	}
	offset, err := httpx.QueryInt(r, "offset", 0, 1<<30)
	if err != nil {
		return "", pg, err
	}
	if limit == 0 {
		limit = 50
	}
	q = strings.TrimSpace(r.URL.Query().Get("q"))
	if len([]rune(q)) > 100 {
		return "", pg, errs.Field("q", "搜索词过长")
	}
	return q, org.Page{Limit: limit, Offset: offset}, nil
}

func redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		to += "?ok=" + url.QueryEscape(flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
