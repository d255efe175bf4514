package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
)

// Token lifetimes in days: the default when ttl_days is absent, and the most allowed. ttl_days 0
// asks for a token that never expires.
const (
	defaultTokenDays = 90
	maxTokenDays     = 3650
)

// listTokens lists the caller's own tokens. A user has a handful, so the page is cut in memory.
func (a *API) listTokens(w http.ResponseWriter, r *http.Request) error {
	pg, err := readPage(r)
	if err != nil {
		return err
	}
	tokens, err := a.Auth.Tokens(r.Context(), caller(r).User.ID)
	if err != nil {
		return err
	}
	total := len(tokens)
	start := min(pg.Offset, total)
	end := min(start+pg.Limit, total)
	writeList(w, tokens[start:end], total, pg)
	return nil
}

type tokenCreate struct {
	Name    string `json:"name"`
	TTLDays *int   `json:"ttl_days"`
}

// tokenCreated carries the secret, which is shown this once and never stored.
type tokenCreated struct {
	Token  auth.Token `json:"token"`
	Secret string     `json:"secret"`
}

func (a *API) createToken(w http.ResponseWriter, r *http.Request) error {
	c := caller(r)
	// A token that could mint tokens could outlive its own expiry and its revocation; new
	// tokens therefore need a person logged in with a password.
	if c.Session == nil {
		return errs.E(errs.Forbidden, "访问令牌不能用于创建新令牌,请登录后创建")
	}
	var in tokenCreate
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	days := defaultTokenDays
	if in.TTLDays != nil {
		days = *in.TTLDays
	}
	if days < 0 || days > maxTokenDays {
		return errs.Field("ttl_days", fmt.Sprintf("有效期应为 0(永不过期)到 %d 天", maxTokenDays))
	}
	t, secret, err := a.Auth.CreateToken(r.Context(), c.User, in.Name, time.Duration(days)*24*time.Hour)
	if err != nil {
		return renameField(err, "ttl", "ttl_days")
	}
	writeCreated(w, fmt.Sprintf("%stokens/%d", Prefix, t.ID), tokenCreated{Token: t, Secret: secret})
	return nil
}

// revokeToken revokes one of the caller's own tokens; another user's token is "not found".
func (a *API) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Auth.RevokeToken(r.Context(), caller(r).User, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
