package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
)

// TokenPrefix marks jianfu API tokens so that they are recognisable in a leaked file or log.
const TokenPrefix = "jf_"

// Token describes an API token; the secret itself is shown once at creation and never stored.
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	Revoked    bool       `json:"revoked"`
}

// CreateToken issues a token that acts as user u (with u's roles and scope) until ttl passes
// (ttl 0: no expiry). It returns the secret to hand to the machine.
func (s *Service) CreateToken(ctx context.Context, u org.User, name string, ttl time.Duration) (Token, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 100 || !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return Token{}, "", errs.Field("name", "令牌名称不能为空、不超过 100 个字且不含控制字符")
	}
	if ttl < 0 {
		return Token{}, "", errs.Field("ttl", "有效期不能为负")
	}
	secret := TokenPrefix + newSecret()
	t := Token{UserID: u.ID, Name: name, CreatedAt: s.now()}
	if ttl > 0 {
		e := t.CreatedAt.Add(ttl)
		t.ExpiresAt = &e
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			u.ID, name, digest(secret), t.CreatedAt, t.ExpiresAt).Scan(&t.ID); err != nil {
			return fmt.Errorf("auth: create token: %w", err)
		}
		return audit.Record(ctx, tx, audit.Actor{ID: u.ID, Name: u.DisplayName}, "create", "api_token", fmt.Sprint(t.ID), nil, t)
	})
	return t, secret, err
}

// ResolveToken returns the user a bearer token acts for.
func (s *Service) ResolveToken(ctx context.Context, secret string) (org.User, error) {
	if !strings.HasPrefix(secret, TokenPrefix) {
		return org.User{}, errs.E(errs.Unauthorized, "无效的访问令牌")
	}
	var id, userID int64
	var expires, lastUsed sql.NullTime
	var revoked bool
	err := s.DB.QueryRowContext(ctx, `SELECT id, user_id, expires_at, last_used_at, revoked FROM api_tokens WHERE token_hash = $1`, digest(secret)).
		Scan(&id, &userID, &expires, &lastUsed, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return org.User{}, errs.E(errs.Unauthorized, "无效的访问令牌")
	}
	if err != nil {
		return org.User{}, fmt.Errorf("auth: read token: %w", err)
	}
	now := s.now()
	if revoked || (expires.Valid && now.After(expires.Time)) {
		return org.User{}, errs.E(errs.Unauthorized, "访问令牌已失效")
	}
	u, err := org.LoadUser(ctx, s.DB, userID)
	if err != nil {
		return u, err
	}
	if u.Disabled {
		return org.User{}, errs.E(errs.Unauthorized, "账号已停用")
	}
	if !lastUsed.Valid || now.Sub(lastUsed.Time) > s.Policy.norm().TouchInterval {
		if _, err := s.DB.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now, id); err != nil {
			return u, fmt.Errorf("auth: touch token: %w", err)
		}
	}
	return u, nil
}

// Tokens lists a user's tokens.
func (s *Service) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, user_id, name, created_at, expires_at, last_used_at, revoked FROM api_tokens WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("auth: list tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		var exp, used sql.NullTime
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.CreatedAt, &exp, &used, &t.Revoked); err != nil {
			return nil, fmt.Errorf("auth: read token: %w", err)
		}
		t.CreatedAt = t.CreatedAt.UTC()
		if exp.Valid {
			e := exp.Time.UTC()
			t.ExpiresAt = &e
		}
		if used.Valid {
			u := used.Time.UTC()
			t.LastUsedAt = &u
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes one of the user's own tokens.
func (s *Service) RevokeToken(ctx context.Context, u org.User, id int64) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked = TRUE WHERE id = $1 AND user_id = $2 AND NOT revoked`, id, u.ID)
		if err != nil {
			return fmt.Errorf("auth: revoke token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.NotFound, "令牌不存在")
		}
		return audit.Record(ctx, tx, audit.Actor{ID: u.ID, Name: u.DisplayName}, "revoke", "api_token", fmt.Sprint(id), nil, nil)
	})
}
