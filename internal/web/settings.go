package web

import (
	"net/http"

	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/settings"
)

func (s *Server) settingsForm(w http.ResponseWriter, r *http.Request) {
	list, err := settings.List(r.Context(), s.DB)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "settings", view{Title: "系统设置", Active: "settings", Data: list})
}

func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	values := map[string]string{}
	for _, d := range settings.Defs {
		values[d.Key] = r.PostFormValue(d.Key)
	}
	if err := settings.Set(r.Context(), s.DB, p, values); err != nil {
		list, lerr := settings.List(r.Context(), s.DB)
		if lerr != nil {
			s.fail(w, r, lerr)
			return
		}
		s.formError(w, r, "settings", view{Title: "系统设置", Active: "settings", Data: list}, err)
		return
	}
	redirect(w, r, "/settings", "updated")
}
