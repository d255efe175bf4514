package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/intake"
	"github.com/jianfu-gov/jianfu/internal/org"
)

type intakeListData struct {
	Tab      string
	Requests []intake.Request
	Counts   intake.Counts
	Pager    pager
}

// intakeList shows the requests: 待我审批 (what the caller may review now), 我的申请, or all in
// scope.
func (s *Server) intakeList(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	q, pg, err := listParams(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := intake.Filter{Q: q, Page: pg}
	tab := r.URL.Query().Get("tab")
	switch tab {
	case "", "todo":
		tab, f.Actionable = "todo", true
	case "mine":
		f.Mine = true
	case "open":
		f.Open = true
	case "all":
	default:
		s.fail(w, r, errs.Field("tab", "页签无效"))
		return
	}
	list, total, err := s.Intake.List(r.Context(), p, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	counts, err := s.Intake.Counts(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "intake_list", view{Title: "立项与备案", Active: "intake",
		Data: intakeListData{Tab: tab, Requests: list, Counts: counts, Pager: newPager(r, total, pg.Limit, pg.Offset)}})
}

type intakeForm struct {
	assetForm
	RequestID int64
	Answers   intake.Answers
	Questions []intake.Question
	Members   string
	Matches   []intake.Match
	Checked   bool
}

func (s *Server) intakeFormView(r *http.Request, requestID int64, in catalog.Input, a intake.Answers, members string) (view, error) {
	v, err := s.assetFormView(r, 0, in)
	if err != nil {
		return v, err
	}
	v.Active = "intake"
	v.Title = map[catalog.Kind]string{catalog.App: "新建应用立项申请", catalog.Account: "开设公众号备案", catalog.Group: "建立工作群组备案"}[in.Kind]
	if requestID != 0 {
		v.Title = "修改后重新提交"
	}
	v.Data = intakeForm{assetForm: v.Data.(assetForm), RequestID: requestID, Answers: a, Questions: intake.Questions, Members: members}
	return v, nil
}

func (s *Server) intakeNew(w http.ResponseWriter, r *http.Request) {
	k, err := catalog.ParseKind(r.URL.Query().Get("kind"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := catalog.Input{Kind: k, UnitID: httpx.CallerFrom(r.Context()).User.UnitID}
	switch k {
	case catalog.App:
		in.App = &catalog.AppDetails{FeedbackChannel: true, UnifiedLogin: true}
	case catalog.Account:
		in.Account = &catalog.AccountDetails{Interaction: true}
	default:
		in.Group = &catalog.GroupDetails{}
	}
	v, err := s.intakeFormView(r, 0, in, intake.Answers{}, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "intake_form", v)
}

func intakeInput(r *http.Request) (catalog.Input, intake.Answers, []catalog.MemberInput, error) {
	f := r.PostFormValue
	a := intake.Answers{FitsPlan: f("fits_plan"), NotDuplicate: f("not_duplicate"), NotModule: f("not_module"),
		CanShare: f("can_share"), DataRules: f("data_rules")}
	in, err := assetInput(r)
	if err != nil {
		return in, a, nil, err
	}
	in.Status = catalog.Applying
	var members []catalog.MemberInput
	if in.Kind == catalog.Group {
		if members, err = parseMemberLines(f("members")); err != nil {
			return in, a, nil, err
		}
	}
	return in, a, members, nil
}

// intakeSubmit checks for duplicates (查重) or submits, by the button pressed. Checking writes
// nothing; it shows what the reviewers will see.
func (s *Server) intakeSubmit(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	in, a, members, err := intakeInput(r)
	if err == nil && r.PostFormValue("action") == "check" {
		var matches []intake.Match
		if matches, err = s.Intake.Similar(r.Context(), p, in, members); err == nil {
			v, verr := s.intakeFormView(r, 0, in, a, r.PostFormValue("members"))
			if verr != nil {
				s.fail(w, r, verr)
				return
			}
			d := v.Data.(intakeForm)
			d.Matches, d.Checked = matches, true
			v.Data = d
			s.render(w, r, http.StatusOK, "intake_form", v)
			return
		}
	}
	if err == nil {
		var req *intake.Request
		if req, err = s.Intake.Submit(r.Context(), p, in, a, members); err == nil {
			redirect(w, r, "/intake/"+strconv.FormatInt(req.ID, 10), "submitted")
			return
		}
	}
	s.intakeFormError(w, r, 0, in, a, err)
}

func (s *Server) intakeFormError(w http.ResponseWriter, r *http.Request, id int64, in catalog.Input, a intake.Answers, err error) {
	if _, kerr := catalog.ParseKind(string(in.Kind)); kerr != nil || httpx.Status(err) == http.StatusInternalServerError {
		s.fail(w, r, err)
		return
	}
	v, verr := s.intakeFormView(r, id, in, a, r.PostFormValue("members"))
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	s.formError(w, r, "intake_form", v, err)
}

type intakeData struct {
	R        *intake.Request
	Steps    []intake.Step
	Question []intake.Question
}

func (s *Server) intakeShow(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderIntake(w, r, p, id, nil)
}

func (s *Server) renderIntake(w http.ResponseWriter, r *http.Request, p org.Principal, id int64, err error) {
	req, gerr := s.Intake.Get(r.Context(), p, id)
	if gerr != nil {
		s.fail(w, r, gerr)
		return
	}
	v := view{Title: req.AssetName, Active: "intake", Data: intakeData{R: req, Steps: intake.Steps(req.Kind), Question: intake.Questions}}
	status := http.StatusOK
	if err != nil {
		if httpx.Status(err) == http.StatusInternalServerError {
			s.fail(w, r, err)
			return
		}
		status, v.Error = httpx.Status(err), httpx.Message(err)
	}
	s.render(w, r, status, "intake", v)
}

func (s *Server) intakeDecide(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := intake.Decision{Action: intake.Action(r.PostFormValue("action")), Comment: r.PostFormValue("comment")}
	if st, ok := intake.ParseStep(r.PostFormValue("step")); ok {
		d.Step = st
	}
	if _, err := s.Intake.Decide(r.Context(), p, id, d); err != nil {
		s.renderIntake(w, r, p, id, err)
		return
	}
	redirect(w, r, "/intake/"+strconv.FormatInt(id, 10), "decided")
}

func (s *Server) intakeWithdraw(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.Intake.Withdraw(r.Context(), p, id, r.PostFormValue("reason")); err != nil {
		s.renderIntake(w, r, p, id, err)
		return
	}
	redirect(w, r, "/intake/"+strconv.FormatInt(id, 10), "withdrawn")
}

// intakeEdit shows a returned request's form, filled in, for the applicant to correct.
func (s *Server) intakeEdit(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	req, err := s.Intake.Get(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !req.Can(intake.ActResubmit) || req.Asset == nil {
		s.fail(w, r, errs.E(errs.Conflict, "该申请当前不能修改"))
		return
	}
	a := req.Asset
	in := catalog.Input{Code: a.Code, Kind: a.Kind, Name: a.Name, Platform: a.Platform, UnitID: a.UnitID, OwnerCode: a.OwnerCode,
		Purpose: a.Purpose, Functions: a.Functions, Notes: a.Notes, App: a.App, Account: a.Account, Group: a.Group}
	var lines []string
	if a.Kind == catalog.Group {
		members, _, err := s.Catalog.Members(r.Context(), p, a.ID, org.Page{Limit: org.MaxPage})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, m := range members {
			who := m.PersonCode
			if m.External {
				who = m.Name
			}
			if m.Role != catalog.RoleMember {
				who += "," + catalog.MemberRoleLabel(m.Role)
			}
			lines = append(lines, who)
		}
	}
	v, err := s.intakeFormView(r, id, in, req.Answers, strings.Join(lines, "\n"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "intake_form", v)
}

func (s *Server) intakeResubmit(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, a, members, err := intakeInput(r)
	if err == nil {
		if _, err = s.Intake.Resubmit(r.Context(), p, id, &in, a, members); err == nil {
			redirect(w, r, "/intake/"+strconv.FormatInt(id, 10), "submitted")
			return
		}
	}
	if errs.Is(err, errs.NotFound) {
		s.fail(w, r, err)
		return
	}
	s.intakeFormError(w, r, id, in, a, err)
}
