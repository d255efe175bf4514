package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
)

func (a *API) listUsers(w http.ResponseWriter, r *http.Request) error {
	pg, err := readPage(r)
	if err != nil {
		return err
	}
	q, err := queryText(r, "q", 100)
	if err != nil {
		return err
	}
	f := org.UserFilter{Q: q, Page: pg}
	if s := r.URL.Query().Get("role"); s != "" {
		role, err := org.ParseRole(s)
		if err != nil {
			return errs.Field("role", "参数 role 不是已知的角色:"+s)
		}
		f.Role = role
	}
	users, total, err := a.Org.Users(r.Context(), principal(r), f)
	if err != nil {
		return err
	}
	writeList(w, users, total, pg)
	return nil
}

func (a *API) getUser(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	u, err := a.Org.User(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, u)
	return nil
}

// userCreate is a new user with its initial password, which the user must change at first
// login.
type userCreate struct {
	org.UserInput
	Password string `json:"password"`
}

func (a *API) createUser(w http.ResponseWriter, r *http.Request) error {
	var in userCreate
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	p := principal(r)
	// CreateUser checks this too, but only after the password has been hashed; argon2id costs
	// 64 MiB and tens of milliseconds, which nobody without the permission should be able to
	// make the server spend.
	if err := p.Require(org.PermUsersWrite); err != nil {
		return err
	}
	if err := auth.CheckStrength(strings.TrimSpace(in.Username), in.Password); err != nil {
		return err
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return fmt.Errorf("api: hash password: %w", err)
	}
	u, err := a.Org.CreateUser(r.Context(), p, in.UserInput, hash)
	if err != nil {
		return err
	}
	writeCreated(w, fmt.Sprintf("%susers/%d", Prefix, u.ID), u)
	return nil
}

func (a *API) updateUser(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in org.UserInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	u, err := a.Org.UpdateUser(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, u)
	return nil
}

type passwordReset struct {
	Password string `json:"password"`
}

func (a *API) resetPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in passwordReset
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	p := principal(r)
	// Reading the user through org keeps the reset inside the caller's scope.
	u, err := a.Org.User(r.Context(), p, id)
	if err != nil {
		return err
	}
	if err := a.Auth.ResetPassword(r.Context(), p, u, in.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
