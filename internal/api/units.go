package api

import (
	"fmt"
	"net/http"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
)

func (a *API) listUnits(w http.ResponseWriter, r *http.Request) error {
	pg, err := readPage(r)
	if err != nil {
		return err
	}
	q, err := queryText(r, "q", 100)
	if err != nil {
		return err
	}
	f := org.UnitFilter{Q: q, Page: pg}
	if s := r.URL.Query().Get("kind"); s != "" {
		k, ok := org.ParseUnitKind(s)
		if !ok {
			return errs.Field("kind", "参数 kind 应为 corps、detachment、brigade、station 或 department")
		}
		f.Kind = k
	}
	if f.ParentID, err = httpx.QueryID(r, "parent_id"); err != nil {
		return err
	}
	units, total, err := a.Org.Units(r.Context(), principal(r), f)
	if err != nil {
		return scopeFilterErr(err, "parent_id", f.ParentID)
	}
	writeList(w, units, total, pg)
	return nil
}

func (a *API) getUnit(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	u, err := a.Org.Unit(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, u)
	return nil
}

func (a *API) createUnit(w http.ResponseWriter, r *http.Request) error {
	var in org.UnitInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	u, err := a.Org.CreateUnit(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	writeCreated(w, fmt.Sprintf("%sunits/%d", Prefix, u.ID), u)
	return nil
}

func (a *API) updateUnit(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in org.UnitInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	u, err := a.Org.UpdateUnit(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, u)
	return nil
}

func (a *API) deleteUnit(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Org.DeleteUnit(r.Context(), principal(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
