package api

import (
	"fmt"
	"net/http"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
)

func (a *API) listPeople(w http.ResponseWriter, r *http.Request) error {
	pg, err := readPage(r)
	if err != nil {
		return err
	}
	q, err := queryText(r, "q", 100)
	if err != nil {
		return err
	}
	f := org.PersonFilter{Q: q, Page: pg}
	switch s := r.URL.Query().Get("status"); s {
	case "", org.Active, org.Left:
		f.Status = s
	default:
		return errs.Field("status", "参数 status 应为 active(在职)或 left(已调离)")
	}
	if f.UnitID, err = httpx.QueryID(r, "unit_id"); err != nil {
		return err
	}
	people, total, err := a.Org.People(r.Context(), principal(r), f)
	if err != nil {
		return scopeFilterErr(err, "unit_id", f.UnitID)
	}
	writeList(w, people, total, pg)
	return nil
}

func (a *API) getPerson(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := a.Org.Person(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (a *API) createPerson(w http.ResponseWriter, r *http.Request) error {
	var in org.PersonInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := a.Org.CreatePerson(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	writeCreated(w, fmt.Sprintf("%speople/%d", Prefix, p.ID), p)
	return nil
}

func (a *API) updatePerson(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in org.PersonInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := a.Org.UpdatePerson(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (a *API) deletePerson(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Org.DeletePerson(r.Context(), principal(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
