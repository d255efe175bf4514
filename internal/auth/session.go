package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// Policy holds the login rules. Zero fields take the defaults.
type Policy struct {
	IdleTimeout   time.Duration // a session unused this long ends (default 2 h)
	MaxAge        time.Duration // a session ends this long after login regardless (default 12 h)
	MaxFailures   int           // failures before a lock (default 5)
	LockFor       time.Duration // first lock; each further round of failures doubles it, up to a day (default 15 min)
	TouchInterval time.Duration // how often last-seen is written (default 1 min), to spare the database a write per request
}

func (p Policy) norm() Policy {
	if p.IdleTimeout == 0 {
		p.IdleTimeout = 2 * time.Hour
	}
	if p.MaxAge == 0 {
		p.MaxAge = 12 * time.Hour
	}
	if p.MaxFailures == 0 {
		p.MaxFailures = 5
	}
	if p.LockFor == 0 {
		p.LockFor = 15 * time.Minute
	}
	if p.TouchInterval == 0 {
		p.TouchInterval = time.Minute
	}
	return p
}

// Service logs users in and resolves sessions and tokens.
type Service struct {
	DB     *store.DB
	Policy Policy
	Now    func() time.Time // for tests; nil means the clock
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Microsecond)
	}
	return store.Now()
}

// Session is a logged-in browser.
type Session struct {
	ID        string // SHA-256 of the cookie value
	UserID    int64
	CSRF      string
	ExpiresAt time.Time
}

func newSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func digest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// dummyHash is checked when the username is unknown so that a wrong name takes as long as a
// wrong password and does not reveal which usernames exist.
var dummyHash, _ = HashPassword("jianfu-dummy-password")

var errBadLogin = errs.E(errs.Unauthorized, "用户名或密码错误")

// Login checks a username and password and starts a session. It returns the session's secret
// (the cookie value), which is not stored anywhere.
func (s *Service) Login(ctx context.Context, username, password string) (org.User, string, error) {
	pol := s.Policy.norm()
	now := s.now()
	var hash string
	var failures int
	u, err := org.LoadUserByName(ctx, s.DB, username)
	if err == nil {
		err = s.DB.QueryRowContext(ctx, `SELECT password_hash, failed_logins FROM users WHERE id = $1`, u.ID).Scan(&hash, &failures)
	}
	if errs.Is(err, errs.NotFound) {
		CheckPassword(dummyHash, password)
		return org.User{}, "", errBadLogin
	}
	if err != nil {
		return org.User{}, "", fmt.Errorf("auth: read user: %w", err)
	}
	if u.LockedUntil != nil && now.Before(*u.LockedUntil) {
		return org.User{}, "", errs.E(errs.RateLimited, "登录失败次数过多,账号已锁定至 "+u.LockedUntil.In(Shanghai).Format("15:04")+",请稍后再试或联系管理员")
	}
	ok, err := CheckPassword(hash, password)
	if err != nil && hash != "" {
		return org.User{}, "", fmt.Errorf("auth: user %d: %w", u.ID, err)
	}
	if !ok {
		return org.User{}, "", s.recordFailure(ctx, u, failures+1, pol, now)
	}
	if u.Disabled {
		return org.User{}, "", errs.E(errs.Forbidden, "账号已停用,请联系管理员")
	}
	secret := newSecret()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = $1 WHERE id = $2`, now, u.ID); err != nil {
			return fmt.Errorf("auth: record login: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $4)`,
			digest(secret), u.ID, newSecret(), now, now.Add(pol.MaxAge))
		if err != nil {
			return fmt.Errorf("auth: create session: %w", err)
		}
		return nil
	})
	if err != nil {
		return org.User{}, "", err
	}
	return u, secret, nil
}

func (s *Service) recordFailure(ctx context.Context, u org.User, failures int, pol Policy, now time.Time) error {
	var lockUntil *time.Time
	if failures%pol.MaxFailures == 0 {
		d := pol.LockFor << (failures/pol.MaxFailures - 1)
		if d > 24*time.Hour || d <= 0 {
			d = 24 * time.Hour
		}
		t := now.Add(d)
		lockUntil = &t
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = $1, locked_until = COALESCE($2, locked_until) WHERE id = $3`,
			failures, lockUntil, u.ID); err != nil {
			return fmt.Errorf("auth: record failure: %w", err)
		}
		if lockUntil == nil {
			return nil
		}
		return audit.Record(ctx, tx, audit.System, "lock", "user", fmt.Sprint(u.ID), nil,
			map[string]any{"failed_logins": failures, "locked_until": lockUntil})
	})
	if err != nil {
		return err
	}
	if lockUntil != nil {
		return errs.E(errs.RateLimited, "登录失败次数过多,账号已锁定至 "+lockUntil.In(Shanghai).Format("15:04"))
	}
	return errBadLogin
}

// Shanghai is the time zone users see.
var Shanghai = tz.Shanghai

// Resolve returns the session and user for a cookie value, or Unauthorized when it is unknown,
// expired, idle too long, or the user is disabled.
func (s *Service) Resolve(ctx context.Context, secret string) (Session, org.User, error) {
	pol := s.Policy.norm()
	now := s.now()
	sess := Session{ID: digest(secret)}
	var lastSeen time.Time
	err := s.DB.QueryRowContext(ctx, `SELECT user_id, csrf_token, expires_at, last_seen_at FROM sessions WHERE id = $1`, sess.ID).
		Scan(&sess.UserID, &sess.CSRF, &sess.ExpiresAt, &lastSeen)
	if errors.Is(err, sql.ErrNoRows) {
		return sess, org.User{}, errs.E(errs.Unauthorized, "请先登录")
	}
	if err != nil {
		return sess, org.User{}, fmt.Errorf("auth: read session: %w", err)
	}
	if now.After(sess.ExpiresAt) || now.Sub(lastSeen) > pol.IdleTimeout {
		s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, sess.ID)
		return sess, org.User{}, errs.E(errs.Unauthorized, "登录已过期,请重新登录")
	}
	u, err := org.LoadUser(ctx, s.DB, sess.UserID)
	if err != nil {
		return sess, org.User{}, err
	}
	if u.Disabled {
		return sess, org.User{}, errs.E(errs.Unauthorized, "账号已停用")
	}
	if now.Sub(lastSeen) > pol.TouchInterval {
		if _, err := s.DB.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id = $2`, now, sess.ID); err != nil {
			return sess, u, fmt.Errorf("auth: touch session: %w", err)
		}
	}
	return sess, u, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, sessionID string) error {
	if _, err := s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, sessionID); err != nil {
		return fmt.Errorf("auth: logout: %w", err)
	}
	return nil
}

// PurgeExpired deletes sessions past their end; any instance may run it.
func (s *Service) PurgeExpired(ctx context.Context) (int64, error) {
	pol := s.Policy.norm()
	now := s.now()
	res, err := s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2`, now, now.Add(-pol.IdleTimeout))
	if err != nil {
		return 0, fmt.Errorf("auth: purge sessions: %w", err)
	}
	return res.RowsAffected()
}

// ChangePassword sets a new password for the user after checking the old one, and ends the
// user's other sessions.
func (s *Service) ChangePassword(ctx context.Context, u org.User, keepSession, oldPW, newPW string) error {
	var hash string
	if err := s.DB.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&hash); err != nil {
		return fmt.Errorf("auth: read user: %w", err)
	}
	if ok, _ := CheckPassword(hash, oldPW); !ok {
		return errs.Field("old_password", "原密码不正确")
	}
	if oldPW == newPW {
		return errs.Field("password", "新密码不能与原密码相同")
	}
	return s.setPassword(ctx, audit.Actor{ID: u.ID, Name: u.DisplayName}, u, newPW, false, keepSession)
}

// ResetPassword sets a user's password on an administrator's behalf; the user must change it at
// next login, any lock is lifted and all their sessions end.
func (s *Service) ResetPassword(ctx context.Context, by org.Principal, u org.User, newPW string) error {
	if err := by.Require(org.PermUsersWrite); err != nil {
		return err
	}
	return s.setPassword(ctx, audit.Actor{ID: by.UserID, Name: by.Name}, u, newPW, true, "")
}

func (s *Service) setPassword(ctx context.Context, actor audit.Actor, u org.User, pw string, mustChange bool, keepSession string) error {
	if err := CheckStrength(u.Username, pw); err != nil {
		return err
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change_password = $2, failed_logins = 0,
			locked_until = NULL, updated_at = $3 WHERE id = $4`, hash, mustChange, s.now(), u.ID); err != nil {
			return fmt.Errorf("auth: set password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, u.ID, keepSession); err != nil {
			return fmt.Errorf("auth: end sessions: %w", err)
		}
		// The audit entry says that the password changed, never what it is or hashes to.
		return audit.Record(ctx, tx, actor, "password", "user", fmt.Sprint(u.ID), nil, map[string]any{"must_change_password": mustChange})
	})
}
