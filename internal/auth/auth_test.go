package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func TestMain(m *testing.M) {
	auth.Cost = auth.Cheap
	m.Run()
}

func TestHashAndCheck(t *testing.T) {
	h, err := auth.HashPassword("Correct-Horse-9")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=") {
		t.Fatalf("not a PHC argon2id hash: %s", h)
	}
	h2, _ := auth.HashPassword("Correct-Horse-9")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt missing")
	}
	cases := []struct {
		name, hash, pw string
		ok, err        bool
	}{
		{"right", h, "Correct-Horse-9", true, false},
		{"wrong", h, "correct-horse-9", false, false},
		{"empty", h, "", false, false},
		{"garbage hash", "$argon2id$v=19$bad", "x", false, true},
		{"other algorithm", "$2a$10$abcdefghijklmnopqrstuv", "x", false, true},
		{"zero threads", "$argon2id$v=19$m=8,t=1,p=0$AAAA$AAAA", "x", false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ok, err := auth.CheckPassword(c.hash, c.pw)
			if ok != c.ok || (err != nil) != c.err {
				t.Fatalf("got %v, %v", ok, err)
			}
		})
	}
}

func TestStrength(t *testing.T) {
	cases := map[string]bool{
		"short1A!":      false,
		"alllowercase1": false,
		"Abcdefghij1":   true,
		"abcdefgh1!":    true,
		"Zhangsan2026!": false, // contains the username
		"密码密码密码密码密码Ab1": true,
	}
	for pw, ok := range cases {
		t.Run(pw, func(t *testing.T) {
			err := auth.CheckStrength("zhangsan", pw)
			if (err == nil) != ok {
				t.Fatalf("CheckStrength(%q) = %v", pw, err)
			}
		})
	}
}

type fixture struct {
	db   *store.DB
	svc  *auth.Service
	user org.User
	now  time.Time
}

func setup(t *testing.T, db *store.DB) *fixture {
	ctx := context.Background()
	st := &org.Store{DB: db}
	root, err := st.CreateUnit(ctx, org.System, org.UnitInput{Code: "SC", Name: "四川省消防救援总队", Kind: org.Corps})
	storetest.Must(t, err)
	hash, _ := auth.HashPassword("Start-Pass-2026")
	u, err := st.CreateUser(ctx, org.System, org.UserInput{Username: "wang", DisplayName: "王强", UnitID: root.ID, Roles: []org.Role{org.RoleOffice}}, hash)
	storetest.Must(t, err)
	f := &fixture{db: db, user: u, now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	f.svc = &auth.Service{DB: db, Now: func() time.Time { return f.now }}
	return f
}

func TestLoginSessionLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		if _, _, err := f.svc.Login(ctx, "nobody", "Start-Pass-2026"); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("unknown user: %v", err)
		}
		_, secret, err := f.svc.Login(ctx, "wang", "Start-Pass-2026")
		if err != nil {
			t.Fatal(err)
		}
		sess, u, err := f.svc.Resolve(ctx, secret)
		if err != nil || u.ID != f.user.ID || sess.CSRF == "" {
			t.Fatalf("resolve: %v %+v", err, u)
		}
		if _, _, err := f.svc.Resolve(ctx, secret+"x"); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("tampered cookie: %v", err)
		}
		// Idle for longer than the idle timeout ends the session.
		f.now = f.now.Add(3 * time.Hour)
		if _, _, err := f.svc.Resolve(ctx, secret); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("idle session still valid: %v", err)
		}
		_, secret, _ = f.svc.Login(ctx, "wang", "Start-Pass-2026")
		if err := f.svc.Logout(ctx, sess.ID); err != nil {
			t.Fatal(err)
		}
		s2, _, err := f.svc.Resolve(ctx, secret)
		if err != nil {
			t.Fatal(err)
		}
		f.svc.Logout(ctx, s2.ID)
		if _, _, err := f.svc.Resolve(ctx, secret); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("logged-out session still valid: %v", err)
		}
		// The stored session id is a digest, not the cookie value.
		var n int
		db.QueryRow(`SELECT count(*) FROM sessions WHERE id = $1`, secret).Scan(&n)
		if n != 0 {
			t.Fatal("cookie value stored in clear")
		}
	})
}

func TestLockoutAndBackoff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		for i := 1; i <= 4; i++ {
			if _, _, err := f.svc.Login(ctx, "wang", "wrong"); !errs.Is(err, errs.Unauthorized) {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		if _, _, err := f.svc.Login(ctx, "wang", "wrong"); !errs.Is(err, errs.RateLimited) {
			t.Fatalf("fifth failure should lock: %v", err)
		}
		// Locked: even the right password is refused.
		if _, _, err := f.svc.Login(ctx, "wang", "Start-Pass-2026"); !errs.Is(err, errs.RateLimited) {
			t.Fatalf("locked account let in: %v", err)
		}
		f.now = f.now.Add(16 * time.Minute)
		for i := 0; i < 5; i++ {
			f.svc.Login(ctx, "wang", "wrong")
		}
		// The second lock lasts twice as long.
		f.now = f.now.Add(16 * time.Minute)
		if _, _, err := f.svc.Login(ctx, "wang", "Start-Pass-2026"); !errs.Is(err, errs.RateLimited) {
			t.Fatalf("second lock too short: %v", err)
		}
		f.now = f.now.Add(15 * time.Minute)
		if _, _, err := f.svc.Login(ctx, "wang", "Start-Pass-2026"); err != nil {
			t.Fatalf("after the lock: %v", err)
		}
		entries, _, _ := audit.List(ctx, db, audit.Filter{ObjectType: "user"})
		locks := 0
		for _, e := range entries {
			if e.Action == "lock" {
				locks++
			}
		}
		if locks != 2 {
			t.Fatalf("%d lock entries in the audit log, want 2", locks)
		}
	})
}

func TestPasswordChangeAndReset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		_, keep, _ := f.svc.Login(ctx, "wang", "Start-Pass-2026")
		_, other, _ := f.svc.Login(ctx, "wang", "Start-Pass-2026")
		keepSess, _, _ := f.svc.Resolve(ctx, keep)
		if err := f.svc.ChangePassword(ctx, f.user, keepSess.ID, "bad-old", "New-Pass-2026!"); errs.KindOf(err) != errs.Invalid {
			t.Fatalf("wrong old password: %v", err)
		}
		if err := f.svc.ChangePassword(ctx, f.user, keepSess.ID, "Start-Pass-2026", "weak"); errs.KindOf(err) != errs.Invalid {
			t.Fatalf("weak password: %v", err)
		}
		if err := f.svc.ChangePassword(ctx, f.user, keepSess.ID, "Start-Pass-2026", "New-Pass-2026!"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.Resolve(ctx, keep); err != nil {
			t.Fatalf("the session that changed the password ended: %v", err)
		}
		if _, _, err := f.svc.Resolve(ctx, other); err == nil {
			t.Fatal("other sessions survive a password change")
		}
		u, _ := org.LoadUser(ctx, db, f.user.ID)
		if u.MustChangePassword {
			t.Fatal("must-change flag not cleared")
		}
		// An office user may not reset passwords; an administrator may.
		if err := f.svc.ResetPassword(ctx, f.user.Principal(), u, "Reset-Pass-2026"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("office reset: %v", err)
		}
		if err := f.svc.ResetPassword(ctx, org.System, u, "Reset-Pass-2026"); err != nil {
			t.Fatal(err)
		}
		u, _ = org.LoadUser(ctx, db, f.user.ID)
		if !u.MustChangePassword {
			t.Fatal("reset password is not temporary")
		}
		entries, _, _ := audit.List(ctx, db, audit.Filter{ObjectType: "user"})
		for _, e := range entries {
			if strings.Contains(e.After+e.Before, "argon2") || strings.Contains(e.After+e.Before, "Pass-2026") {
				t.Fatalf("audit entry leaks a secret: %+v", e)
			}
		}
	})
}

func TestTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		tok, secret, err := f.svc.CreateToken(ctx, f.user, "数据接入", 24*time.Hour)
		if err != nil || !strings.HasPrefix(secret, auth.TokenPrefix) {
			t.Fatal(err, secret)
		}
		if u, err := f.svc.ResolveToken(ctx, secret); err != nil || u.ID != f.user.ID {
			t.Fatalf("resolve: %v", err)
		}
		for _, bad := range []string{"", "jf_nope", "Bearer x", secret[:len(secret)-1]} {
			if _, err := f.svc.ResolveToken(ctx, bad); !errs.Is(err, errs.Unauthorized) {
				t.Fatalf("bad token %q accepted: %v", bad, err)
			}
		}
		f.now = f.now.Add(25 * time.Hour)
		if _, err := f.svc.ResolveToken(ctx, secret); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("expired token accepted: %v", err)
		}
		_, secret2, _ := f.svc.CreateToken(ctx, f.user, "长期", 0)
		if err := f.svc.RevokeToken(ctx, f.user, tok.ID); err != nil {
			t.Fatal(err)
		}
		list, _ := f.svc.Tokens(ctx, f.user.ID)
		if len(list) != 2 || !list[0].Revoked {
			t.Fatalf("tokens: %+v", list)
		}
		if _, err := f.svc.ResolveToken(ctx, secret2); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.CreateToken(ctx, f.user, " ", 0); errs.KindOf(err) != errs.Invalid {
			t.Fatalf("blank name: %v", err)
		}
	})
}
