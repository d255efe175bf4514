package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
)

type assetsData struct {
	F         catalog.Filter
	Kind      string
	Status    string
	Flag      string
	Units     []org.Unit
	Platforms []string
	Statuses  []catalog.Status
	Assets    []catalog.Asset
	Pager     pager
	CanWrite  bool
}

// flags are the list's quick filters; each maps to one Filter field.
var flags = []struct{ Key, Label string }{
	{"attest", "待确认"}, {"forced", "有强制使用功能"}, {"temporary", "临时群组"}, {"noowner", "无责任人"},
}

func (s *Server) assets(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	q, pg, err := listParams(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.URL.Query()
	f := catalog.Filter{Q: q, Page: pg, Platform: strings.TrimSpace(v.Get("platform")), Sort: v.Get("sort")}
	d := assetsData{Kind: v.Get("kind"), Status: v.Get("status"), Flag: v.Get("flag")}
	if d.Kind != "" {
		if f.Kind, err = catalog.ParseKind(d.Kind); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	switch d.Status {
	case "":
	case "live":
		f.LiveOnly = true
	default:
		if f.Status, err = catalog.ParseStatus(d.Status); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	switch d.Flag {
	case "":
	case "attest":
		f.NeedsAttest = true
	case "forced":
		f.Forced = true
	case "temporary":
		f.Temporary = true
	case "noowner":
		f.NoOwner = true
	default:
		s.fail(w, r, errs.Field("flag", "筛选条件无效"))
		return
	}
	if f.UnitID, err = httpx.QueryID(r, "unit_id"); err != nil {
		s.fail(w, r, err)
		return
	}
	list, total, err := s.Catalog.List(r.Context(), p, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	units, err := s.Org.AllUnits(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.F, d.Units, d.Assets, d.Statuses = f, units, list, catalog.Statuses
	d.Platforms = catalog.Platforms[f.Kind]
	d.Pager = newPager(r, total, pg.Limit, pg.Offset)
	d.CanWrite = p.Can(org.PermCatalogWrite)
	s.render(w, r, http.StatusOK, "assets", view{Title: "清单管理", Active: "assets", Data: d})
}

type assetData struct {
	A         catalog.Asset
	Findings  []analyze.Finding
	Members   []catalog.Member
	Pager     pager
	Events    []catalog.Event
	Next      []catalog.Status
	CanWrite  bool
	CanReview bool
	Features  []struct{ Code, Label string }
}

func (s *Server) asset(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderAsset(w, r, p, id, http.StatusOK, "", nil)
}

// renderAsset shows the asset page, with an error from one of its forms when err is set.
func (s *Server) renderAsset(w http.ResponseWriter, r *http.Request, p org.Principal, id int64, status int, flash string, err error) {
	a, gerr := s.Catalog.Get(r.Context(), p, id)
	if gerr != nil {
		s.fail(w, r, gerr)
		return
	}
	d := assetData{A: a, Next: catalog.Next(a.Status), CanWrite: p.Can(org.PermCatalogWrite), CanReview: p.Can(org.PermCatalogReview),
		Features: catalog.Features}
	if a.Kind == catalog.Group {
		_, pg, perr := listParams(r)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		var total int
		if d.Members, total, gerr = s.Catalog.Members(r.Context(), p, id, pg); gerr != nil {
			s.fail(w, r, gerr)
			return
		}
		d.Pager = newPager(r, total, pg.Limit, pg.Offset)
	}
	if d.Events, gerr = s.Catalog.Events(r.Context(), p, id); gerr != nil {
		s.fail(w, r, gerr)
		return
	}
	if d.Findings, _, gerr = analyze.List(r.Context(), s.DB, p, analyze.Filter{AssetID: id}); gerr != nil {
		s.fail(w, r, gerr)
		return
	}
	v := view{Title: a.Name, Active: "assets", Flash: flash, Data: d}
	if err != nil {
		if httpx.Status(err) == http.StatusInternalServerError {
			s.fail(w, r, err)
			return
		}
		status = httpx.Status(err)
		v.Error = httpx.Message(err)
		if l, ok := errs.ListOf(err); ok {
			v.Error = "成员名单有误:" + l.Error()
		}
	}
	s.render(w, r, status, "asset", v)
}

type assetForm struct {
	ID        int64
	In        catalog.Input
	Units     []org.Unit
	Platforms []string
	Features  []struct{ Code, Label string }
	Functions string
	Forms     string
	Shares    string
}

func (s *Server) assetFormView(r *http.Request, id int64, in catalog.Input) (view, error) {
	p := httpx.CallerFrom(r.Context()).Principal()
	units, err := s.Org.AllUnits(r.Context(), p)
	if err != nil {
		return view{}, err
	}
	d := assetForm{ID: id, In: in, Units: units, Platforms: catalog.Platforms[in.Kind], Features: catalog.Features,
		Functions: strings.Join(in.Functions, "\n")}
	if in.App != nil {
		d.Forms, d.Shares = strings.Join(in.App.Forms, "\n"), strings.Join(in.App.SharesWith, "\n")
	}
	title := "登记" + in.Kind.Short()
	if id != 0 {
		title = "修改:" + in.Name
	}
	return view{Title: title, Active: "assets", Data: d}, nil
}

func (s *Server) assetNew(w http.ResponseWriter, r *http.Request) {
	k, err := catalog.ParseKind(r.URL.Query().Get("kind"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := catalog.Input{Kind: k, UnitID: httpx.CallerFrom(r.Context()).User.UnitID}
	switch k {
	case catalog.App:
		in.App = &catalog.AppDetails{}
	case catalog.Account:
		in.Account = &catalog.AccountDetails{Interaction: true}
	default:
		in.Group = &catalog.GroupDetails{}
	}
	v, err := s.assetFormView(r, 0, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "asset_form", v)
}

// assetInput reads the asset form: common fields, then the kind's own.
func assetInput(r *http.Request) (catalog.Input, error) {
	f := r.PostFormValue
	in := catalog.Input{Code: f("code"), Name: f("name"), Kind: catalog.Kind(f("kind")), Platform: f("platform"), OwnerCode: f("owner_code"),
		Purpose: f("purpose"), Functions: catalog.SplitList(f("functions")), Notes: f("notes")}
	var err error
	if in.UnitID, err = formID(r, "unit_id"); err != nil {
		return in, err
	}
	if in.OpenedOn, err = catalog.ParseDate("opened_on", f("opened_on")); err != nil {
		return in, err
	}
	switch in.Kind {
	case catalog.App:
		d := &catalog.AppDetails{TargetUsers: f("target_users"), Mandatory: f("mandatory") == "on", ForcedFeatures: r.PostForm["forced_features"],
			EmergencyUse: f("emergency_use") == "on", FeedbackChannel: f("feedback_channel") == "on", DataCollected: f("data_collected"),
			Vendor: f("vendor"), UnifiedLogin: f("unified_login") == "on", SharesWith: catalog.SplitList(f("shares_with")), Forms: catalog.SplitList(f("forms"))}
		in.App = d
		if d.TargetCount, err = httpx.QueryIntValue(f("target_count"), "target_count", 0, 10_000_000); err != nil {
			return in, errs.Field("target_count", "目标用户数应为 0 到 10000000 之间的整数")
		}
		if d.MLPSLevel, err = httpx.QueryIntValue(f("mlps_level"), "mlps_level", 0, 4); err != nil {
			return in, errs.Field("mlps_level", "等保级别应为 0 到 4")
		}
		if d.MLPSAssessedOn, err = catalog.ParseDate("mlps_assessed_on", f("mlps_assessed_on")); err != nil {
			return in, err
		}
		cost, cerr := httpx.QueryIntValue(f("yearly_cost"), "yearly_cost", 0, 1_000_000_000)
		if cerr != nil {
			return in, errs.Field("yearly_cost", "年度费用应为 0 到 10 亿之间的整数(元)")
		}
		d.YearlyCost = int64(cost)
	case catalog.Account:
		d := &catalog.AccountDetails{Handle: f("handle"), FilingNo: f("filing_no"), Operator: f("operator"), Interaction: f("interaction") == "on"}
		in.Account = d
		if d.Followers, err = httpx.QueryIntValue(f("followers"), "followers", 0, 2_000_000_000); err != nil {
			return in, errs.Field("followers", "粉丝数应为非负整数")
		}
		if d.LastPostOn, err = catalog.ParseDate("last_post_on", f("last_post_on")); err != nil {
			return in, err
		}
	case catalog.Group:
		d := &catalog.GroupDetails{Temporary: f("temporary") == "on", ApprovalRef: f("approval_ref")}
		in.Group = d
		if d.TaskEndOn, err = catalog.ParseDate("task_end_on", f("task_end_on")); err != nil {
			return in, err
		}
	default:
		return in, errs.Field("kind", "资产类型无效")
	}
	return in, nil
}

func formID(r *http.Request, name string) (int64, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Field(name, "编号无效")
	}
	return id, nil
}

func (s *Server) assetCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	in, err := assetInput(r)
	if err == nil {
		var a catalog.Asset
		if a, err = s.Catalog.Create(r.Context(), p, in); err == nil {
			redirect(w, r, "/assets/"+strconv.FormatInt(a.ID, 10), "created")
			return
		}
	}
	s.assetFormError(w, r, 0, in, err)
}

func (s *Server) assetFormError(w http.ResponseWriter, r *http.Request, id int64, in catalog.Input, err error) {
	if _, kerr := catalog.ParseKind(string(in.Kind)); kerr != nil {
		s.fail(w, r, err)
		return
	}
	v, verr := s.assetFormView(r, id, in)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	s.formError(w, r, "asset_form", v, err)
}

func (s *Server) assetEdit(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.Catalog.Get(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := catalog.Input{Code: a.Code, Kind: a.Kind, Name: a.Name, Platform: a.Platform, UnitID: a.UnitID, OwnerCode: a.OwnerCode,
		Purpose: a.Purpose, Functions: a.Functions, OpenedOn: a.OpenedOn, Notes: a.Notes, App: a.App, Account: a.Account, Group: a.Group}
	v, err := s.assetFormView(r, id, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "asset_form", v)
}

func (s *Server) assetUpdate(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := assetInput(r)
	if err == nil {
		if _, err = s.Catalog.Update(r.Context(), p, id, in); err == nil {
			redirect(w, r, "/assets/"+strconv.FormatInt(id, 10), "updated")
			return
		}
	}
	if errs.Is(err, errs.NotFound) {
		s.fail(w, r, err)
		return
	}
	s.assetFormError(w, r, id, in, err)
}

func (s *Server) assetTransition(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	to, err := catalog.ParseStatus(r.PostFormValue("to"))
	if err == nil {
		_, err = s.Catalog.Transition(r.Context(), p, id, to, r.PostFormValue("reason"))
	}
	if err != nil {
		s.renderAsset(w, r, p, id, http.StatusOK, "", err)
		return
	}
	redirect(w, r, "/assets/"+strconv.FormatInt(id, 10), "updated")
}

func (s *Server) assetMerge(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	into, err := s.Catalog.GetByCode(r.Context(), p, r.PostFormValue("into"))
	if err != nil {
		s.renderAsset(w, r, p, id, http.StatusOK, "", errs.Field("into", "找不到编码为 "+strings.TrimSpace(r.PostFormValue("into"))+" 的资产"))
		return
	}
	res, err := s.Catalog.Merge(r.Context(), p, id, into.ID, r.PostFormValue("reason"))
	if err != nil {
		s.renderAsset(w, r, p, id, http.StatusOK, "", err)
		return
	}
	http.Redirect(w, r, "/assets/"+strconv.FormatInt(res.Into.ID, 10)+"?ok=merged&moved="+strconv.Itoa(res.MovedMembers), http.StatusSeeOther)
}

// assetMembers replaces a group's members from a pasted list: one member per line, a 工号 or an
// outsider's name, optionally followed by a role (群主 / 管理员), separated by a comma or space.
func (s *Server) assetMembers(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	members, err := parseMemberLines(r.PostFormValue("members"))
	if err == nil {
		_, err = s.Catalog.SetMembers(r.Context(), p, id, members)
	}
	if err != nil {
		s.renderAsset(w, r, p, id, http.StatusOK, "", err)
		return
	}
	redirect(w, r, "/assets/"+strconv.FormatInt(id, 10), "updated")
}

func parseMemberLines(text string) ([]catalog.MemberInput, error) {
	var out []catalog.MemberInput
	for _, line := range strings.Split(text, "\n") {
		fields := strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == '\uff0c' || r == '\t' || r == ' ' || r == '\r' })
		if len(fields) == 0 {
			continue
		}
		m := catalog.MemberInput{}
		if len(fields) > 1 {
			m.Role = fields[1]
		}
		if isStaffNumber(fields[0]) {
			m.PersonCode = fields[0]
		} else {
			m.ExternalName = fields[0]
		}
		out = append(out, m)
	}
	if len(out) > catalog.MaxMembers {
		return nil, errs.Field("members", "成员过多")
	}
	return out, nil
}

// isStaffNumber tells a 工号 (ASCII letters and digits) from a person's name (Chinese).
func isStaffNumber(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return s != ""
}

type attestData struct {
	Assets []catalog.Asset
}

func (s *Server) attestList(w http.ResponseWriter, r *http.Request) {
	c := httpx.CallerFrom(r.Context())
	list, err := s.Catalog.Pending(r.Context(), c.Principal(), c.User.PersonID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "attest", view{Title: "待确认的资产", Active: "home", Data: attestData{Assets: list}})
}

func (s *Server) attest(w http.ResponseWriter, r *http.Request) {
	c := httpx.CallerFrom(r.Context())
	var ids []int64
	for _, v := range r.PostForm["ids"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			s.fail(w, r, errs.Field("ids", "编号无效"))
			return
		}
		ids = append(ids, id)
	}
	n, err := s.Catalog.Attest(r.Context(), c.Principal(), c.User.PersonID, ids)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/attest?ok=attested&n="+url.QueryEscape(strconv.Itoa(n)), http.StatusSeeOther)
}
