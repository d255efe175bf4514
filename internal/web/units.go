package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
)

type unitsData struct {
	Q     string
	Kind  string
	Kinds []org.UnitKind
	Units []org.Unit
	Pager pager
}

func (s *Server) units(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	q, pg, err := listParams(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := org.UnitFilter{Q: q, Page: pg}
	kind := r.URL.Query().Get("kind")
	if kind != "" {
		k, ok := org.ParseUnitKind(kind)
		if !ok {
			s.fail(w, r, errs.Field("kind", "单位类型无效"))
			return
		}
		f.Kind = k
	}
	list, total, err := s.Org.Units(r.Context(), p, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "units", view{Title: "单位", Active: "units",
		Data: unitsData{Q: q, Kind: kind, Kinds: org.UnitKinds, Units: list, Pager: newPager(r, total, pg.Limit, pg.Offset)}})
}

type unitForm struct {
	ID      int64
	In      org.UnitInput
	Kinds   []org.UnitKind
	Parents []org.Unit
	CanEdit bool
}

func (s *Server) unitFormView(r *http.Request, id int64, in org.UnitInput) (view, error) {
	p := httpx.CallerFrom(r.Context()).Principal()
	parents, err := s.Org.AllUnits(r.Context(), p)
	if err != nil {
		return view{}, err
	}
	// A liaison's own unit has its parent outside the scope; the picker still shows it (the
	// list page shows the parent's name too), so that saving keeps the unit where it is.
	if in.ParentID != 0 && !containsUnit(parents, in.ParentID) {
		if parent, err := s.Org.Unit(r.Context(), org.System, in.ParentID); err == nil {
			parents = append([]org.Unit{parent}, parents...)
		}
	}
	title := "新增单位"
	if id != 0 {
		title = "单位:" + in.Name
	}
	return view{Title: title, Active: "units",
		Data: unitForm{ID: id, In: in, Kinds: org.UnitKinds, Parents: parents, CanEdit: p.Can(org.PermUnitsWrite)}}, nil
}

func unitInput(r *http.Request) (org.UnitInput, error) {
	in := org.UnitInput{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), Kind: org.UnitKind(r.PostFormValue("kind"))}
	var err error
	if v := strings.TrimSpace(r.PostFormValue("parent_id")); v != "" {
		if in.ParentID, err = strconv.ParseInt(v, 10, 64); err != nil || in.ParentID < 0 {
			return in, errs.Field("parent_id", "上级单位无效")
		}
	}
	if in.SortOrder, err = httpx.QueryIntValue(r.PostFormValue("sort_order"), "sort_order", 0, 1_000_000); err != nil {
		return in, errs.Field("sort_order", "排序号应为 0 到 1000000 之间的整数")
	}
	return in, nil
}

func (s *Server) unitNew(w http.ResponseWriter, r *http.Request) {
	in := org.UnitInput{Kind: org.Station}
	if pid, err := httpx.QueryID(r, "parent_id"); err == nil {
		in.ParentID = pid
	}
	v, err := s.unitFormView(r, 0, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "unit_form", v)
}

func (s *Server) unitCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	in, err := unitInput(r)
	if err == nil {
		var u org.Unit
		if u, err = s.Org.CreateUnit(r.Context(), p, in); err == nil {
			redirect(w, r, "/units/"+strconv.FormatInt(u.ID, 10), "created")
			return
		}
	}
	v, verr := s.unitFormView(r, 0, in)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	s.formError(w, r, "unit_form", v, err)
}

func (s *Server) unitEdit(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.Org.Unit(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.unitFormView(r, id, org.UnitInput{Code: u.Code, Name: u.Name, Kind: u.Kind, ParentID: u.ParentID, SortOrder: u.SortOrder})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "unit_form", v)
}

func (s *Server) unitUpdate(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := unitInput(r)
	if err == nil {
		if _, err = s.Org.UpdateUnit(r.Context(), p, id, in); err == nil {
			redirect(w, r, "/units/"+strconv.FormatInt(id, 10), "updated")
			return
		}
	}
	if errs.Is(err, errs.NotFound) {
		s.fail(w, r, err)
		return
	}
	v, verr := s.unitFormView(r, id, in)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	s.formError(w, r, "unit_form", v, err)
}

func (s *Server) unitDelete(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err == nil {
		err = s.Org.DeleteUnit(r.Context(), p, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/units", "deleted")
}

func containsUnit(list []org.Unit, id int64) bool {
	for _, u := range list {
		if u.ID == id {
			return true
		}
	}
	return false
}
