package web

import (
	"net/http"
	"strconv"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
)

type peopleData struct {
	Q        string
	UnitID   int64
	Status   string
	Units    []org.Unit
	People   []org.Person
	Pager    pager
	CanWrite bool
}

func (s *Server) people(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	q, pg, err := listParams(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := org.PersonFilter{Q: q, Page: pg}
	if f.UnitID, err = httpx.QueryID(r, "unit_id"); err != nil {
		s.fail(w, r, err)
		return
	}
	switch st := r.URL.Query().Get("status"); st {
	case "", org.Active, org.Left:
		f.Status = st
	default:
		s.fail(w, r, errs.Field("status", "人员状态无效"))
		return
	}
	list, total, err := s.Org.People(r.Context(), p, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	units, err := s.Org.AllUnits(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "people", view{Title: "人员", Active: "people", Data: peopleData{
		Q: q, UnitID: f.UnitID, Status: f.Status, Units: units, People: list,
		Pager: newPager(r, total, pg.Limit, pg.Offset), CanWrite: p.Can(org.PermPeopleWrite)}})
}

type personForm struct {
	ID      int64
	In      org.PersonInput
	Units   []org.Unit
	CanEdit bool
}

func (s *Server) personFormView(r *http.Request, id int64, in org.PersonInput) (view, error) {
	p := httpx.CallerFrom(r.Context()).Principal()
	units, err := s.Org.AllUnits(r.Context(), p)
	if err != nil {
		return view{}, err
	}
	title := "新增人员"
	if id != 0 {
		title = "人员:" + in.Name
	}
	return view{Title: title, Active: "people", Data: personForm{ID: id, In: in, Units: units, CanEdit: p.Can(org.PermPeopleWrite)}}, nil
}

func personInput(r *http.Request) (org.PersonInput, error) {
	in := org.PersonInput{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), Post: r.PostFormValue("post"),
		Status: r.PostFormValue("status"), LeftOn: r.PostFormValue("left_on")}
	if v := r.PostFormValue("unit_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return in, errs.Field("unit_id", "所属单位无效")
		}
		in.UnitID = id
	}
	return in, nil
}

func (s *Server) personNew(w http.ResponseWriter, r *http.Request) {
	in := org.PersonInput{Status: org.Active}
	if uid, err := httpx.QueryID(r, "unit_id"); err == nil {
		in.UnitID = uid
	}
	v, err := s.personFormView(r, 0, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "person_form", v)
}

func (s *Server) personCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	in, err := personInput(r)
	if err == nil {
		var x org.Person
		if x, err = s.Org.CreatePerson(r.Context(), p, in); err == nil {
			redirect(w, r, "/people/"+strconv.FormatInt(x.ID, 10), "created")
			return
		}
	}
	v, verr := s.personFormView(r, 0, in)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	s.formError(w, r, "person_form", v, err)
}

func (s *Server) personEdit(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	x, err := s.Org.Person(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.personFormView(r, id, org.PersonInput{Code: x.Code, Name: x.Name, UnitID: x.UnitID, Post: x.Post,
		Status: x.Status, LeftOn: fmtDate(x.LeftOn)})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "person_form", v)
}

func (s *Server) personUpdate(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := personInput(r)
	if err == nil {
		if _, err = s.Org.UpdatePerson(r.Context(), p, id, in); err == nil {
			redirect(w, r, "/people/"+strconv.FormatInt(id, 10), "updated")
			return
		}
	}
	if errs.Is(err, errs.NotFound) {
		s.fail(w, r, err)
		return
	}
	v, verr := s.personFormView(r, id, in)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	s.formError(w, r, "person_form", v, err)
}

func (s *Server) personDelete(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err == nil {
		err = s.Org.DeletePerson(r.Context(), p, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/people", "deleted")
}
