package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
)

type usersData struct {
	Q     string
	Role  string
	Roles []org.Role
	Users []org.User
	Pager pager
}

func (s *Server) users(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	q, pg, err := listParams(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := org.UserFilter{Q: q, Page: pg}
	if role := r.URL.Query().Get("role"); role != "" {
		if f.Role, err = org.ParseRole(role); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	list, total, err := s.Org.Users(r.Context(), p, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "users", view{Title: "用户与角色", Active: "users",
		Data: usersData{Q: q, Role: string(f.Role), Roles: org.Roles, Users: list, Pager: newPager(r, total, pg.Limit, pg.Offset)}})
}

type userForm struct {
	ID         int64
	In         org.UserInput
	PersonCode string
	User       *org.User
	Units      []org.Unit
	Roles      []org.Role
	CanEdit    bool
}

func (s *Server) userFormView(r *http.Request, id int64, in org.UserInput, personCode string, u *org.User) (view, error) {
	p := httpx.CallerFrom(r.Context()).Principal()
	units, err := s.Org.AllUnits(r.Context(), p)
	if err != nil {
		return view{}, err
	}
	title := "新增用户"
	if id != 0 {
		title = "用户:" + in.Username
	}
	return view{Title: title, Active: "users", Data: userForm{ID: id, In: in, PersonCode: personCode, User: u, Units: units,
		Roles: org.Roles, CanEdit: p.Can(org.PermUsersWrite)}}, nil
}

// userInput reads the form. The person is given by 工号, which officials know, rather than by
// an internal id.
func (s *Server) userInput(r *http.Request) (org.UserInput, string, error) {
	p := httpx.CallerFrom(r.Context()).Principal()
	in := org.UserInput{Username: r.PostFormValue("username"), DisplayName: r.PostFormValue("display_name"),
		Disabled: r.PostFormValue("disabled") == "on"}
	for _, role := range r.PostForm["roles"] {
		in.Roles = append(in.Roles, org.Role(role))
	}
	var err error
	for _, f := range []struct {
		name string
		dst  *int64
	}{{"unit_id", &in.UnitID}, {"scope_unit_id", &in.ScopeUnitID}} {
		if v := strings.TrimSpace(r.PostFormValue(f.name)); v != "" {
			if *f.dst, err = strconv.ParseInt(v, 10, 64); err != nil || *f.dst < 0 {
				return in, "", errs.Field(f.name, "单位无效")
			}
		}
	}
	code := strings.TrimSpace(r.PostFormValue("person_code"))
	if code != "" {
		person, err := s.Org.PersonByCode(r.Context(), p, code)
		if err != nil {
			return in, code, errs.Field("person_code", "找不到工号为 "+code+" 的人员")
		}
		in.PersonID = person.ID
	}
	return in, code, nil
}

func (s *Server) userNew(w http.ResponseWriter, r *http.Request) {
	v, err := s.userFormView(r, 0, org.UserInput{Roles: []org.Role{org.RoleStaff}}, "", nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "user_form", v)
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	in, code, err := s.userInput(r)
	if err == nil {
		pw := r.PostFormValue("password")
		if err = auth.CheckStrength(in.Username, pw); err == nil {
			var hash string
			if hash, err = auth.HashPassword(pw); err == nil {
				var u org.User
				if u, err = s.Org.CreateUser(r.Context(), p, in, hash); err == nil {
					redirect(w, r, "/users/"+strconv.FormatInt(u.ID, 10), "created")
					return
				}
			}
		}
	}
	v, verr := s.userFormView(r, 0, in, code, nil)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	s.formError(w, r, "user_form", v, err)
}

func (s *Server) userEdit(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.Org.User(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	code := ""
	if u.PersonID != 0 {
		if person, err := s.Org.Person(r.Context(), p, u.PersonID); err == nil {
			code = person.Code
		}
	}
	in := org.UserInput{Username: u.Username, DisplayName: u.DisplayName, PersonID: u.PersonID, UnitID: u.UnitID,
		ScopeUnitID: u.ScopeUnitID, Roles: u.Roles, Disabled: u.Disabled}
	v, err := s.userFormView(r, id, in, code, &u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "user_form", v)
}

func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, code, err := s.userInput(r)
	if err == nil {
		if _, err = s.Org.UpdateUser(r.Context(), p, id, in); err == nil {
			redirect(w, r, "/users/"+strconv.FormatInt(id, 10), "updated")
			return
		}
	}
	u, uerr := s.Org.User(r.Context(), p, id)
	if uerr != nil {
		s.fail(w, r, uerr)
		return
	}
	v, verr := s.userFormView(r, id, in, code, &u)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	s.formError(w, r, "user_form", v, err)
}

func (s *Server) userResetPassword(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.Org.User(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Auth.ResetPassword(r.Context(), p, u, r.PostFormValue("password")); err != nil {
		in := org.UserInput{Username: u.Username, DisplayName: u.DisplayName, PersonID: u.PersonID, UnitID: u.UnitID,
			ScopeUnitID: u.ScopeUnitID, Roles: u.Roles, Disabled: u.Disabled}
		v, verr := s.userFormView(r, id, in, "", &u)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		s.formError(w, r, "user_form", v, err)
		return
	}
	redirect(w, r, "/users/"+strconv.FormatInt(id, 10), "reset")
}
