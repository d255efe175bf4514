// Package auth logs people in and keeps them logged in: argon2id password hashes, server-side
// sessions stored in the database (so any instance can serve any request), CSRF tokens bound to
// the session, API tokens for machines, and lockout after repeated failures.
//
// Single sign-on (OIDC) is meant to plug in beside Login: it would map a verified identity to a
// user and call StartSession.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/jianfu-gov/jianfu/internal/errs"
)

// Params are argon2id's cost settings. Default follows RFC 9106's second recommended option
// (64 MiB, 3 passes); tests use Cheap so that hashing thousands of demo users stays fast.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

var (
	Default = Params{Memory: 64 * 1024, Time: 3, Threads: 2}
	Cheap   = Params{Memory: 8 * 1024, Time: 1, Threads: 1}
)

// Cost is the parameter set used for new hashes. Existing hashes carry their own parameters,
// so changing it never locks anyone out.
var Cost = Default

const saltLen, keyLen = 16, 32

// HashPassword returns a PHC-format argon2id hash ($argon2id$v=19$m=…,t=…,p=…$salt$key).
func HashPassword(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	c := Cost
	key := argon2.IDKey([]byte(pw), salt, c.Time, c.Memory, c.Threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.Memory, c.Time, c.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("auth: malformed password hash")

// CheckPassword reports whether pw matches hash, in constant time.
func CheckPassword(hash, pw string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, errBadHash
	}
	var c Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &c.Memory, &c.Time, &c.Threads); err != nil || c.Threads == 0 || c.Time == 0 {
		return false, errBadHash
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(pw), salt, c.Time, c.Memory, c.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// CheckStrength enforces the password rule: at least 10 characters with at least three of
// upper case, lower case, digits and symbols (the usual 等保 requirement), and not the username.
func CheckStrength(username, pw string) error {
	if utf8.RuneCountInString(pw) < 10 {
		return errs.Field("password", "密码至少 10 位")
	}
	if len(pw) > 256 {
		return errs.Field("password", "密码过长")
	}
	var upper, lower, digit, other bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	n := 0
	for _, b := range []bool{upper, lower, digit, other} {
		if b {
			n++
		}
	}
	if n < 3 {
		return errs.Field("password", "密码须包含大写字母、小写字母、数字、符号中的至少三类")
	}
	if username != "" && strings.Contains(strings.ToLower(pw), strings.ToLower(username)) {
		return errs.Field("password", "密码不能包含用户名")
	}
	return nil
}
