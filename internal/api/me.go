package api

import (
	"net/http"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
)

// roleView is a role with its Chinese name, so clients need no copy of the labels.
type roleView struct {
	Code  org.Role `json:"code"`
	Label string   `json:"label"`
}

// scopeView is the subtree the caller may see.
type scopeView struct {
	UnitID   int64  `json:"unit_id"`
	UnitName string `json:"unit_name"`
	// Whole is true when the scope is the root unit, i.e. the whole organisation.
	Whole bool `json:"whole"`
}

type meBody struct {
	User        org.User   `json:"user"`
	Roles       []roleView `json:"roles"`
	Permissions []org.Perm `json:"permissions"`
	Scope       scopeView  `json:"scope"`
	Auth        string     `json:"auth"`                 // "session" or "token"
	CSRFToken   string     `json:"csrf_token,omitempty"` // only for sessions
}

func (a *API) me(w http.ResponseWriter, r *http.Request) error {
	c := caller(r)
	p := c.Principal()
	body := meBody{
		User:        c.User,
		Roles:       []roleView{},
		Permissions: append([]org.Perm{}, p.Perms()...),
		Scope:       scopeView{UnitID: c.User.ScopeUnitID, UnitName: c.User.ScopeUnitName, Whole: p.Scope.Whole()},
		Auth:        "token",
	}
	for _, role := range c.User.Roles {
		body.Roles = append(body.Roles, roleView{Code: role, Label: role.Label()})
	}
	if c.Session != nil {
		body.Auth, body.CSRFToken = "session", c.Session.CSRF
	}
	httpx.WriteJSON(w, http.StatusOK, body)
	return nil
}

type passwordChange struct {
	OldPassword string `json:"old_password"`
	NewPassword string `json:"new_password"`
}

func (a *API) changeOwnPassword(w http.ResponseWriter, r *http.Request) error {
	var in passwordChange
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.OldPassword == "" {
		return errs.Field("old_password", "请输入原密码")
	}
	c := caller(r)
	keep := ""
	if c.Session != nil {
		keep = c.Session.ID // the session making the change stays logged in; all others end
	}
	if err := a.Auth.ChangePassword(r.Context(), c.User, keep, in.OldPassword, in.NewPassword); err != nil {
		return renameField(err, "password", "new_password")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// renameField reports an error about field from under the name the API's body uses for it.
func renameField(err error, from, to string) error {
	if e, ok := errs.As(err); ok && e.Field == from {
		c := *e
		c.Field = to
		return &c
	}
	return err
}
