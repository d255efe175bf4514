package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// mainArgsEnv makes the test binary act as the jianfu command itself, so that main's exit codes
// and messages can be checked in a child process.
const mainArgsEnv = "JIANFU_TEST_MAIN_ARGS"

func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(mainArgsEnv); ok {
		os.Args = append([]string{"jianfu"}, strings.Split(args, "\x1f")...)
		if args == "" {
			os.Args = os.Args[:1]
		}
		main()
		os.Exit(0)
	}
	// The demo hashes a password per user; the production argon2id cost would only slow the
	// suite down.
	auth.Cost = auth.Cheap
	os.Exit(m.Run())
}

// strongPW satisfies auth.CheckStrength for every username used here.
const strongPW = "Jianfu-Test-2026"

// run calls a subcommand's run function and returns what it printed on stdout. The commands
// print with fmt.Printf, so os.Stdout is swapped for a pipe for the duration of the call.
func run(t *testing.T, fn func(context.Context, []string) error, args ...string) (string, error) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	defer func() {
		os.Stdout = old
		r.Close()
	}()
	err = fn(context.Background(), args)
	w.Close()
	out := <-done
	return out, err
}

// mustRun is run for setup steps that must succeed.
func mustRun(t *testing.T, fn func(context.Context, []string) error, args ...string) string {
	t.Helper()
	out, err := run(t, fn, args...)
	if err != nil {
		t.Fatalf("%v: %v\noutput:\n%s", args, err, out)
	}
	return out
}

// tmpDB is the path of a not yet existing SQLite file.
func tmpDB(t *testing.T) string {
	return filepath.Join(t.TempDir(), "jianfu-test.db")
}

// openDB opens (and migrates, for files a test creates itself) the database at dsn.
func openDB(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// createAdmin runs the first-deployment command of docs/operations.md.
func createAdmin(t *testing.T, dsn string) string {
	t.Helper()
	return mustRun(t, runUser, "create", "--db", dsn, "--root", "四川省消防救援总队", "--unit", "SC",
		"--username", "admin", "--name", "管理员", "--roles", "admin", "--password", strongPW)
}

func count(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestUserCreate(t *testing.T) {
	dsn := tmpDB(t)
	out := createAdmin(t, dsn)
	if !strings.Contains(out, "已创建用户 admin(系统管理员)") || !strings.Contains(out, "首次登录须修改密码") {
		t.Errorf("output %q", out)
	}
	db := openDB(t, dsn)
	ctx := context.Background()
	st := &org.Store{DB: db}
	root, err := st.UnitByCode(ctx, org.System, "SC")
	if err != nil {
		t.Fatal(err)
	}
	if root.Name != "四川省消防救援总队" || root.Kind != org.Corps || root.ParentID != 0 {
		t.Errorf("root unit %+v", root)
	}
	u, err := org.LoadUserByName(ctx, db, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if !u.MustChangePassword || u.DisplayName != "管理员" || u.UnitID != root.ID || u.ScopeUnitID != root.ID ||
		len(u.Roles) != 1 || u.Roles[0] != org.RoleAdmin || u.Disabled {
		t.Errorf("admin user %+v", u)
	}
	// The password given on the command line is the one that logs in.
	svc := &auth.Service{DB: db}
	if _, _, err := svc.Login(ctx, "admin", strongPW); err != nil {
		t.Errorf("login with the created password: %v", err)
	}

	t.Run("second user without --root", func(t *testing.T) {
		out := mustRun(t, runUser, "create", "--db", dsn, "--unit", "SC", "--username", "office1", "--name", "办公室",
			"--roles", "office, lead", "--password", strongPW)
		if !strings.Contains(out, "office1") || !strings.Contains(out, "领导小组办公室") {
			t.Errorf("output %q", out)
		}
		u, err := org.LoadUserByName(ctx, db, "office1")
		if err != nil {
			t.Fatal(err)
		}
		if len(u.Roles) != 2 {
			t.Errorf("roles %v", u.Roles)
		}
	})
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"second root", []string{"--root", "另一个总队", "--unit", "SC2", "--username", "x1"}, "创建总队"},
		{"unknown unit", []string{"--unit", "NOPE", "--username", "x2"}, `单位 "NOPE"`},
		{"duplicate username", []string{"--unit", "SC", "--username", "admin"}, ""},
		{"unknown role", []string{"--unit", "SC", "--username", "x3", "--roles", "king"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := count(t, db, `SELECT count(*) FROM users`)
			args := append([]string{"create", "--db", dsn, "--name", "某人", "--password", strongPW}, c.args...)
			_, err := run(t, runUser, args...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, c.want)
			}
			if after := count(t, db, `SELECT count(*) FROM users`); after != before {
				t.Errorf("users %d → %d after a refused create", before, after)
			}
		})
	}
}

// TestUserCreateRootIsAtomic: a first `user create --root` that fails on the user (a typo in
// --roles, say) must not leave the root behind, or the corrected command, run again with
// --root as the documentation shows, fails on "root exists".
func TestUserCreateRootIsAtomic(t *testing.T) {
	dsn := tmpDB(t)
	_, err := run(t, runUser, "create", "--db", dsn, "--root", "四川省消防救援总队", "--unit", "SC",
		"--username", "admin", "--name", "管理员", "--roles", "amdin", "--password", strongPW)
	if err == nil {
		t.Fatal("unknown role accepted")
	}
	db := openDB(t, dsn)
	if n := count(t, db, `SELECT count(*) FROM units`); n != 0 {
		t.Fatal("a failed user create left the root unit behind")
	}
	createAdmin(t, dsn)
}

func TestUserCreateWeakPassword(t *testing.T) {
	for _, c := range []struct{ name, pw, want string }{
		{"too short", "Ab1!xyz", "至少 10 位"},
		{"two classes", "onlylowercase123", "至少三类"},
		{"contains username", "Admin-2026-pass", "不能包含用户名"},
		{"missing", "", "JIANFU_PASSWORD"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("JIANFU_PASSWORD", "")
			dsn := tmpDB(t)
			_, err := run(t, runUser, "create", "--db", dsn, "--root", "四川省消防救援总队", "--unit", "SC",
				"--username", "admin", "--name", "管理员", "--roles", "admin", "--password", c.pw)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, c.want)
			}
			// The password is checked before the database is touched: not even the root exists.
			if _, err := os.Stat(dsn); !os.IsNotExist(err) {
				t.Errorf("database file written despite a refused password (stat: %v)", err)
			}
		})
	}
	t.Run("from JIANFU_PASSWORD", func(t *testing.T) {
		t.Setenv("JIANFU_PASSWORD", strongPW)
		dsn := tmpDB(t)
		mustRun(t, runUser, "create", "--db", dsn, "--root", "四川省消防救援总队", "--unit", "SC",
			"--username", "admin", "--name", "管理员", "--roles", "admin")
		db := openDB(t, dsn)
		if _, _, err := (&auth.Service{DB: db}).Login(context.Background(), "admin", strongPW); err != nil {
			t.Fatal(err)
		}
	})
}

func TestUserResetUnlocks(t *testing.T) {
	ctx := context.Background()
	dsn := tmpDB(t)
	createAdmin(t, dsn)
	db := openDB(t, dsn)
	svc := &auth.Service{DB: db}
	_, oldSession, err := svc.Login(ctx, "admin", strongPW)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		_, _, err = svc.Login(ctx, "admin", "Wrong-Password-1")
	}
	if !errs.Is(err, errs.RateLimited) {
		t.Fatalf("5th failure: %v, want a lock", err)
	}
	if _, _, err := svc.Login(ctx, "admin", strongPW); !errs.Is(err, errs.RateLimited) {
		t.Fatalf("login while locked: %v", err)
	}

	const newPW = "Neues-Passwort-2027"
	out := mustRun(t, runUser, "reset", "--db", dsn, "--username", "admin", "--password", newPW)
	if !strings.Contains(out, "已重置 admin 的密码并解除锁定") {
		t.Errorf("output %q", out)
	}
	u, err := org.LoadUserByName(ctx, db, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if u.LockedUntil != nil || !u.MustChangePassword {
		t.Errorf("after reset: locked_until %v, must_change_password %v", u.LockedUntil, u.MustChangePassword)
	}
	if n := count(t, db, `SELECT failed_logins FROM users WHERE id = $1`, u.ID); n != 0 {
		t.Errorf("failed_logins = %d after reset", n)
	}
	if _, _, err := svc.Resolve(ctx, oldSession); err == nil {
		t.Error("a session from before the reset is still valid")
	}
	if _, _, err := svc.Login(ctx, "admin", strongPW); err == nil {
		t.Error("the old password still logs in")
	}
	if _, _, err := svc.Login(ctx, "admin", newPW); err != nil {
		t.Errorf("the new password: %v", err)
	}

	t.Run("from JIANFU_PASSWORD", func(t *testing.T) {
		t.Setenv("JIANFU_PASSWORD", "Third-Password-2028")
		mustRun(t, runUser, "reset", "--db", dsn, "--username", "admin")
		if _, _, err := svc.Login(ctx, "admin", "Third-Password-2028"); err != nil {
			t.Fatal(err)
		}
	})
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown user", []string{"--username", "nobody", "--password", newPW}, `用户 "nobody"`},
		{"weak password", []string{"--username", "admin", "--password", "weak"}, "至少 10 位"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("JIANFU_PASSWORD", "")
			_, err := run(t, runUser, append([]string{"reset", "--db", dsn}, c.args...)...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, c.want)
			}
		})
	}
}

func TestUserList(t *testing.T) {
	ctx := context.Background()
	dsn := tmpDB(t)
	createAdmin(t, dsn)
	mustRun(t, runUser, "create", "--db", dsn, "--unit", "SC", "--username", "office1", "--name", "办公室值班员",
		"--roles", "office", "--password", strongPW)
	mustRun(t, runUser, "create", "--db", dsn, "--unit", "SC", "--username", "gone", "--name", "已停用者",
		"--roles", "staff", "--password", strongPW)
	db := openDB(t, dsn)
	future := time.Now().Add(time.Hour).UTC()
	past := time.Now().Add(-time.Hour).UTC()
	storetest.Must(t, exec1(db, `UPDATE users SET locked_until = $1 WHERE username = 'office1'`, future))
	storetest.Must(t, exec1(db, `UPDATE users SET disabled = TRUE WHERE username = 'gone'`))

	out := mustRun(t, runUser, "list", "--db", dsn)
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("want a header and 3 users, got:\n%s", out)
	}
	if !strings.HasPrefix(lines[0], "用户名") || !strings.Contains(lines[0], "管辖范围") {
		t.Errorf("header %q", lines[0])
	}
	state := map[string]string{}
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		state[f[0]] = strings.Join(f[5:], " ")
		if !strings.Contains(l, "四川省消防救援总队") {
			t.Errorf("line without the unit: %q", l)
		}
	}
	if state["admin"] != "正常" || state["gone"] != "已停用" || !strings.HasPrefix(state["office1"], "锁定至 ") {
		t.Errorf("states %q", state)
	}

	out = mustRun(t, runUser, "list", "--db", dsn, "--q", "办公室")
	if !strings.Contains(out, "office1") || strings.Contains(out, "admin") {
		t.Errorf("filtered list:\n%s", out)
	}

	// A lock that has run out is no lock; "锁定至" a time in the past misleads the administrator.
	storetest.Must(t, exec1(db, `UPDATE users SET locked_until = $1 WHERE username = 'office1'`, past))
	if _, _, err := (&auth.Service{DB: db}).Login(ctx, "office1", strongPW); err != nil {
		t.Fatalf("expired lock still refuses the login: %v", err)
	}
	storetest.Must(t, exec1(db, `UPDATE users SET locked_until = $1 WHERE username = 'office1'`, past))
	out = mustRun(t, runUser, "list", "--db", dsn, "--q", "office1")
	if strings.Contains(out, "锁定至") || !strings.Contains(out, "正常") {
		t.Errorf("an expired lock is listed as a lock:\n%s", out)
	}
}

func exec1(db *store.DB, q string, args ...any) error {
	_, err := db.ExecContext(context.Background(), q, args...)
	return err
}

// auditDB is a database whose audit log has exactly three entries: the root unit, the admin
// user and a password reset.
func auditDB(t *testing.T, dsn string) *store.DB {
	t.Helper()
	createAdmin(t, dsn)
	mustRun(t, runUser, "reset", "--db", dsn, "--username", "admin", "--password", "Another-Pass-2026")
	db := openDB(t, dsn)
	if n := count(t, db, `SELECT count(*) FROM audit_log`); n != 3 {
		t.Fatalf("setup: %d audit entries, want 3", n)
	}
	return db
}

func TestAuditVerify(t *testing.T) {
	engines := map[string]func(t *testing.T) string{
		"sqlite":   tmpDB,
		"postgres": func(t *testing.T) string { return storetest.PostgresDSN(t) },
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			cases := []struct {
				name   string
				tamper string
				want   []string // substrings of the error
			}{
				// The requirement: tamper with one stored entry, and verify fails at it.
				{"after_json of entry 2", `UPDATE audit_log SET after_json = '{"roles":["admin","office"]}' WHERE seq = 2`,
					[]string{"第 2 条记录", "内容与哈希不符", "此前 1 条完好"}},
				{"actor of entry 2", `UPDATE audit_log SET actor = '张三' WHERE seq = 2`,
					[]string{"第 2 条记录", "内容与哈希不符"}},
				{"entry 2 deleted", `DELETE FROM audit_log WHERE seq = 2`,
					[]string{"第 2 条记录", "缺失"}},
				{"entry 2 rehashed", `UPDATE audit_log SET hash = 'x' || substr(hash, 2) WHERE seq = 2`,
					[]string{"第 2 条记录"}},
				{"last entry deleted", `DELETE FROM audit_log WHERE seq = 3`,
					[]string{"第 3 条记录", "末尾不完整"}},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					dsn := engines[engine](t)
					db := auditDB(t, dsn)
					out := mustRun(t, runAudit, "verify", "--db", dsn)
					if !strings.Contains(out, "审计日志完整:3 条记录") {
						t.Fatalf("intact log: %q", out)
					}
					storetest.Must(t, exec1(db, c.tamper))
					out, err := run(t, runAudit, "verify", "--db", dsn)
					if err == nil {
						t.Fatalf("tampered log verified: %q", out)
					}
					for _, w := range c.want {
						if !strings.Contains(err.Error(), w) {
							t.Errorf("error %q does not mention %q", err, w)
						}
					}
					res, err := audit.Verify(context.Background(), db)
					if err != nil {
						t.Fatal(err)
					}
					if want := map[bool]int64{true: 3, false: 2}[strings.Contains(c.name, "last")]; res.BrokenAt != want {
						t.Errorf("BrokenAt = %d, want %d", res.BrokenAt, want)
					}
				})
			}
		})
	}
	t.Run("usage", func(t *testing.T) {
		for _, args := range [][]string{nil, {"check"}} {
			if _, err := run(t, runAudit, args...); err == nil || !strings.Contains(err.Error(), "audit verify") {
				t.Errorf("audit %v: %v", args, err)
			}
		}
	})
}

func TestDemo(t *testing.T) {
	dsn := tmpDB(t)
	out := mustRun(t, runDemo, "--no-serve", "--db", dsn, "--seed", "7")
	if !strings.Contains(out, "演示账号(密码均为 Jianfu@2026)") || !strings.Contains(out, "admin") || !strings.Contains(out, "liaison") {
		t.Errorf("output:\n%s", out)
	}
	db := openDB(t, dsn)
	if n := count(t, db, `SELECT count(*) FROM units`); n < 50 {
		t.Errorf("%d units", n)
	}
	if n := count(t, db, `SELECT count(*) FROM people`); n < 100 {
		t.Errorf("%d people", n)
	}
	if out := mustRun(t, runAudit, "verify", "--db", dsn); !strings.Contains(out, "审计日志完整") {
		t.Errorf("audit verify on the demo: %q", out)
	}
	if _, _, err := (&auth.Service{DB: db}).Login(context.Background(), "admin", "Jianfu@2026"); err != nil {
		t.Errorf("demo admin login: %v", err)
	}
	db.Close()

	// The demo starts from a fresh file each time, never appending to an old one.
	people := func() int { d := openDB(t, dsn); defer d.Close(); return count(t, d, `SELECT count(*) FROM people`) }
	before := people()
	mustRun(t, runDemo, "--no-serve", "--db", dsn, "--seed", "7")
	if after := people(); after != before {
		t.Errorf("second demo run: %d people, first %d", after, before)
	}

	t.Run("bad preset", func(t *testing.T) {
		if _, err := run(t, runDemo, "--no-serve", "--db", tmpDB(t), "--preset", "huge"); err == nil || !strings.Contains(err.Error(), "huge") {
			t.Errorf("err = %v", err)
		}
	})
}

// TestDemoRefusesProductionDB: the demo deletes its file before building; it must never do so to
// the bureau's database.
func TestDemoRefusesProductionDB(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	createAdmin(t, "jianfu.db")
	if _, err := run(t, runDemo, "--no-serve", "--db", "jianfu.db"); err == nil || !strings.Contains(err.Error(), "jianfu.db") {
		t.Fatalf("err = %v, want a refusal", err)
	}
	stillThere := func(t *testing.T) {
		t.Helper()
		db := openDB(t, filepath.Join(dir, "jianfu.db"))
		defer db.Close()
		if _, err := org.LoadUserByName(context.Background(), db, "admin"); err != nil {
			t.Fatalf("the real database lost its admin: %v", err)
		}
	}
	stillThere(t)

	// The same file by another name is the same production database.
	for _, name := range []string{"./jianfu.db", filepath.Join(dir, "jianfu.db")} {
		t.Run(name, func(t *testing.T) {
			_, err := run(t, runDemo, "--no-serve", "--db", name)
			if err == nil {
				t.Fatal("the demo accepted the production database under another name")
			}
			stillThere(t)
		})
	}
}

// TestExportImport exports people from one database and imports them into a fresh one that has
// the same units (by code, under other ids).
func TestExportImport(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	createAdmin(t, src)
	sdb := openDB(t, src)
	sst := &org.Store{DB: sdb}
	root, err := sst.UnitByCode(ctx, org.System, "SC")
	storetest.Must(t, err)
	det, err := sst.CreateUnit(ctx, org.System, org.UnitInput{Code: "SC-CD", Name: "成都市消防救援支队", Kind: org.Detachment, ParentID: root.ID})
	storetest.Must(t, err)
	bri, err := sst.CreateUnit(ctx, org.System, org.UnitInput{Code: "SC-CD-01", Name: "锦江区大队", Kind: org.Brigade, ParentID: det.ID})
	storetest.Must(t, err)
	for _, p := range []org.PersonInput{
		{Code: "510001", Name: "张伟", UnitID: det.ID, Post: "支队长"},
		{Code: "510002", Name: "李娜", UnitID: bri.ID, Post: "大队长"},
		{Code: "510003", Name: "欧阳明", UnitID: bri.ID, Post: "战斗员", Status: org.Left, LeftOn: "2025-12-31"},
	} {
		_, err := sst.CreatePerson(ctx, org.System, p)
		storetest.Must(t, err)
	}
	sdb.Close()

	xlsx := filepath.Join(dir, "people.xlsx")
	out := mustRun(t, runExport, "--db", src, "--kind", "people", "--out", xlsx)
	if !strings.Contains(out, "已导出到 "+xlsx) {
		t.Errorf("export output %q", out)
	}
	csv := filepath.Join(dir, "people.csv")
	mustRun(t, runExport, "--db", src, "--kind", "people", "--out", csv)
	if b, err := os.ReadFile(csv); err != nil || !bytes.Contains(b, []byte("工号")) || !bytes.Contains(b, []byte("欧阳明")) {
		t.Errorf("csv export: %v\n%s", err, b)
	}

	dst := filepath.Join(dir, "dst.db")
	ddb := openDB(t, dst)
	dst1 := &org.Store{DB: ddb}
	droot, err := dst1.CreateUnit(ctx, org.System, org.UnitInput{Code: "SC", Name: "四川省消防救援总队", Kind: org.Corps})
	storetest.Must(t, err)
	// A unit the source does not have comes first, so that ids differ and only codes match.
	_, err = dst1.CreateUnit(ctx, org.System, org.UnitInput{Code: "SC-BGS", Name: "办公室", Kind: org.Department, ParentID: droot.ID})
	storetest.Must(t, err)
	ddet, err := dst1.CreateUnit(ctx, org.System, org.UnitInput{Code: "SC-CD", Name: "成都市消防救援支队", Kind: org.Detachment, ParentID: droot.ID})
	storetest.Must(t, err)
	_, err = dst1.CreateUnit(ctx, org.System, org.UnitInput{Code: "SC-CD-01", Name: "锦江区大队", Kind: org.Brigade, ParentID: ddet.ID})
	storetest.Must(t, err)
	auditBefore := count(t, ddb, `SELECT count(*) FROM audit_log`)

	// Without --apply: the report, and nothing written.
	out = mustRun(t, runImport, "--db", dst, xlsx)
	if !strings.Contains(out, "人员:共 3 行,新增 3") || !strings.Contains(out, "未写入") {
		t.Errorf("dry run output:\n%s", out)
	}
	if n := count(t, ddb, `SELECT count(*) FROM people`); n != 0 {
		t.Fatalf("dry run wrote %d people", n)
	}
	if n := count(t, ddb, `SELECT count(*) FROM audit_log`); n != auditBefore {
		t.Fatalf("dry run wrote %d audit entries", n-auditBefore)
	}

	out = mustRun(t, runImport, "--db", dst, "--apply", xlsx)
	if !strings.Contains(out, "新增 3") || strings.Contains(out, "未写入") {
		t.Errorf("apply output:\n%s", out)
	}
	got, total, err := dst1.People(ctx, org.System, org.PersonFilter{Page: org.Page{Limit: 10}})
	storetest.Must(t, err)
	if total != 3 {
		t.Fatalf("%d people imported", total)
	}
	want := map[string]string{
		"510001": "张伟|SC-CD|支队长|active|",
		"510002": "李娜|SC-CD-01|大队长|active|",
		"510003": "欧阳明|SC-CD-01|战斗员|left|2025-12-31",
	}
	for _, p := range got {
		left := ""
		if p.LeftOn != nil {
			left = p.LeftOn.In(auth.Shanghai).Format(time.DateOnly)
		}
		if g := strings.Join([]string{p.Name, p.UnitCode, p.Post, p.Status, left}, "|"); g != want[p.Code] {
			t.Errorf("person %s: %s, want %s", p.Code, g, want[p.Code])
		}
	}
	if res, err := audit.Verify(ctx, ddb); err != nil || !res.OK() {
		t.Errorf("audit after import: %+v %v", res, err)
	}

	// The same file again changes nothing.
	out = mustRun(t, runImport, "--db", dst, "--apply", xlsx)
	if !strings.Contains(out, "新增 0,更新 0,无变化 3") {
		t.Errorf("re-import output:\n%s", out)
	}
	// And so does the CSV export of the same people.
	out = mustRun(t, runImport, "--db", dst, "--kind", "people", "--apply", csv)
	if !strings.Contains(out, "无变化 3") {
		t.Errorf("csv re-import output:\n%s", out)
	}
}

func TestImportErrors(t *testing.T) {
	dir := t.TempDir()
	dsn := filepath.Join(dir, "j.db")
	createAdmin(t, dsn)
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("工号,姓名,所属单位编码,职务,状态,调离日期\n"+
		"P1,张三,SC,科员,在职,\n"+
		"P2,李四,NOPE,科员,在职,\n"), 0o600)
	db := openDB(t, dsn)

	for _, apply := range []bool{false, true} {
		args := []string{"--db", dsn, "--kind", "people", bad}
		if apply {
			args = append([]string{"--apply"}, args...)
		}
		out, err := run(t, runImport, args...)
		if err == nil || !strings.Contains(err.Error(), "未写入任何数据") {
			t.Errorf("apply=%v: err = %v", apply, err)
		}
		if !strings.Contains(out, "人员表第 3 行 所属单位编码 \"NOPE\"") {
			t.Errorf("apply=%v: the report does not name row 3 and its value:\n%s", apply, out)
		}
		if n := count(t, db, `SELECT count(*) FROM people`); n != 0 {
			t.Fatalf("apply=%v: %d people written from a file with errors", apply, n)
		}
	}
	out := mustRun(t, runImport, "--db", dsn, "--kind", "people", "--apply", "--valid-only", bad)
	if !strings.Contains(out, "新增 1") {
		t.Errorf("valid-only output:\n%s", out)
	}
	if n := count(t, db, `SELECT count(*) FROM people`); n != 1 {
		t.Errorf("valid-only wrote %d people, want 1", n)
	}

	txt := filepath.Join(dir, "people.txt")
	os.WriteFile(txt, []byte("x"), 0o600)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no file", []string{"--db", dsn}, "请给出一个要导入的文件"},
		{"two files", []string{"--db", dsn, bad, bad}, "请给出一个要导入的文件"},
		{"missing file", []string{"--db", dsn, filepath.Join(dir, "nope.xlsx")}, "nope.xlsx"},
		{"csv without kind", []string{"--db", dsn, bad}, "--kind"},
		{"csv with bad kind", []string{"--db", dsn, "--kind", "cars", bad}, "--kind"},
		{"other extension", []string{"--db", dsn, txt}, "只支持 .xlsx 或 .csv"},
		{"unknown flag", []string{"--db", dsn, "--dry", bad}, "flag provided but not defined"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := run(t, runImport, c.args...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want one mentioning %q", err, c.want)
			}
		})
	}
}

func TestExportErrors(t *testing.T) {
	dir := t.TempDir()
	dsn := filepath.Join(dir, "j.db")
	createAdmin(t, dsn)
	if _, err := run(t, runExport, "--db", dsn, "--kind", "cars"); err == nil {
		t.Error("unknown kind accepted")
	}
	if _, err := run(t, runExport, "--db", dsn, "--out", filepath.Join(dir, "no", "such", "dir.xlsx")); err == nil {
		t.Error("export into a missing directory succeeded")
	}
	// The default file name is the kind, in the working directory; 单位 is accepted for units.
	t.Chdir(dir)
	out := mustRun(t, runExport, "--db", dsn, "--kind", "单位")
	if !strings.Contains(out, "units.xlsx") {
		t.Errorf("output %q", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "units.xlsx")); err != nil {
		t.Error(err)
	}
}

func TestMigrate(t *testing.T) {
	dsn := tmpDB(t)
	for i := 0; i < 2; i++ { // the second run finds nothing to do
		out := mustRun(t, runMigrate, "--db", dsn)
		if !strings.Contains(out, "00001") || !strings.Contains(out, "已执行") || !strings.Contains(out, "数据库(sqlite)已是最新结构") {
			t.Errorf("run %d:\n%s", i+1, out)
		}
	}
	t.Run("postgres", func(t *testing.T) {
		out := mustRun(t, runMigrate, "--db", storetest.PostgresDSN(t))
		if !strings.Contains(out, "数据库(postgres)已是最新结构") || strings.Contains(out, "pending") {
			t.Errorf("output:\n%s", out)
		}
	})
	t.Run("unreachable postgres", func(t *testing.T) {
		_, err := run(t, runMigrate, "--db", "postgres://u:secret@127.0.0.1:1/x?connect_timeout=2")
		if err == nil {
			t.Fatal("no error")
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("the password leaks into the error: %v", err)
		}
	})
}

func TestVersion(t *testing.T) {
	out := mustRun(t, runVersion)
	if !regexp.MustCompile(`^jianfu \S+\n$`).MatchString(out) {
		t.Errorf("output %q", out)
	}
	old := Version
	Version = "1.2.3"
	t.Cleanup(func() { Version = old })
	if out := mustRun(t, runVersion); out != "jianfu 1.2.3\n" {
		t.Errorf("output %q", out)
	}
}

func TestFlagsAndSubcommands(t *testing.T) {
	dsn := tmpDB(t)
	for _, c := range []struct {
		name string
		fn   func(context.Context, []string) error
		args []string
		want string
	}{
		{"user without subcommand", runUser, nil, "user create | user reset | user list"},
		{"user unknown subcommand", runUser, []string{"delete"}, `未知的子命令 "delete"`},
		{"user create unknown flag", runUser, []string{"create", "--db", dsn, "--colour", "red"}, "flag provided but not defined: -colour"},
		{"migrate stray flag", runMigrate, []string{"--db", dsn, "--apply"}, "flag provided but not defined"},
		{"bad log level", runMigrate, []string{"--db", dsn, "--log-level", "loud"}, "日志级别"},
		{"bad log format", runMigrate, []string{"--db", dsn, "--log-format", "xml"}, "日志格式"},
		{"missing config file", runMigrate, []string{"--config", filepath.Join(t.TempDir(), "none.conf")}, "配置文件"},
		{"demo bad flag value", runDemo, []string{"--seed", "abc"}, "invalid value"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := run(t, c.fn, c.args...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want one mentioning %q", err, c.want)
			}
		})
	}
	t.Run("help", func(t *testing.T) {
		for _, fn := range []func(context.Context, []string) error{runMigrate, runImport, runExport, runDemo} {
			if _, err := run(t, fn, "--help"); !errors.Is(err, flag.ErrHelp) {
				t.Errorf("--help: %v", err)
			}
		}
		if _, err := run(t, runUser, "list", "-h"); !errors.Is(err, flag.ErrHelp) {
			t.Errorf("user list -h: %v", err)
		}
	})
	t.Run("config file", func(t *testing.T) {
		dir := t.TempDir()
		db := filepath.Join(dir, "from-conf.db")
		conf := filepath.Join(dir, "jianfu.conf")
		os.WriteFile(conf, []byte("# jianfu\ndb = "+db+"\nlog-level = warn\n"), 0o600)
		mustRun(t, runMigrate, "--config", conf)
		if _, err := os.Stat(db); err != nil {
			t.Errorf("the database named in the config file was not used: %v", err)
		}
		os.WriteFile(conf, []byte("db = "+db+"\ncolour = red\n"), 0o600)
		if _, err := run(t, runMigrate, "--config", conf); err == nil || !strings.Contains(err.Error(), "colour") {
			t.Errorf("unknown key: %v", err)
		}
	})
}

// TestEnvDB: every flag can come from JIANFU_<FLAG>; the command line still wins.
func TestEnvDB(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // so that a fallback to ./jianfu.db would be seen, and harmless
	envDB := filepath.Join(dir, "env.db")
	t.Setenv("JIANFU_DB", envDB)
	createAdmin := func(extra ...string) {
		mustRun(t, runUser, append([]string{"create", "--root", "四川省消防救援总队", "--unit", "SC",
			"--username", "admin", "--name", "管理员", "--roles", "admin", "--password", strongPW}, extra...)...)
	}
	createAdmin()
	if _, err := os.Stat("jianfu.db"); !os.IsNotExist(err) {
		t.Fatalf("./jianfu.db was used despite JIANFU_DB (stat: %v)", err)
	}
	db := openDB(t, envDB)
	if _, err := org.LoadUserByName(context.Background(), db, "admin"); err != nil {
		t.Fatalf("user not in the JIANFU_DB database: %v", err)
	}
	if out := mustRun(t, runAudit, "verify"); !strings.Contains(out, "2 条记录") {
		t.Errorf("audit verify via JIANFU_DB: %q", out)
	}
	flagDB := filepath.Join(dir, "flag.db")
	createAdmin("--db", flagDB)
	fdb := openDB(t, flagDB)
	if _, err := org.LoadUserByName(context.Background(), fdb, "admin"); err != nil {
		t.Fatalf("--db did not beat JIANFU_DB: %v", err)
	}
	t.Setenv("JIANFU_LOG_LEVEL", "shout")
	if _, err := run(t, runAudit, "verify"); err == nil || !strings.Contains(err.Error(), "shout") {
		t.Errorf("a bad JIANFU_LOG_LEVEL is not refused: %v", err)
	}
}

// TestMainExitCodes runs the binary's main in a child process.
func TestMainExitCodes(t *testing.T) {
	dsn := tmpDB(t)
	for _, c := range []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"no arguments", nil, 2, "", "子命令"},
		{"help", []string{"help"}, 0, "", "audit"},
		{"unknown subcommand", []string{"frobnicate"}, 2, "", `未知的子命令 "frobnicate"`},
		{"version", []string{"version"}, 0, "jianfu ", ""},
		{"failing command", []string{"user", "reset", "--db", dsn, "--username", "nobody", "--password", strongPW}, 1, "", "jianfu user: "},
		{"flag help", []string{"migrate", "--help"}, 0, "", "用法: jianfu migrate"},
		{"bad flag", []string{"migrate", "--frob"}, 1, "", "flag provided but not defined"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), mainArgsEnv+"="+strings.Join(c.args, "\x1f"))
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.code || !strings.Contains(stdout.String(), c.stdout) || !strings.Contains(stderr.String(), c.stderr) {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, stdout.String(), stderr.String())
			}
		})
	}
}

func TestDisplayWidth(t *testing.T) {
	for _, c := range []struct {
		s string
		w int
	}{
		{"", 0},
		{"admin", 5},
		{"用户名", 6},
		{"管理员admin", 11},
		{"四川省消防救援总队", 18},
		{"\uff08测试\uff09", 8}, // fullwidth parentheses
		{"锁定至 2026-01-02", 17},
		{"。、", 4},
		{"Ａ", 2}, // fullwidth Latin
	} {
		if got := displayWidth(c.s); got != c.w {
			t.Errorf("displayWidth(%q) = %d, want %d", c.s, got, c.w)
		}
	}
	// Rare characters of personal names (CJK Extension B and beyond, e.g. 𠮷) are double width on
	// a terminal too.
	if got := displayWidth("𠮷野"); got != 4 {
		t.Errorf("displayWidth(\"𠮷野\") = %d, want 4", got)
	}
}

func TestPrintTable(t *testing.T) {
	rows := [][]string{
		{"用户名", "角色", "单位"},
		{"admin", "系统管理员", "四川省消防救援总队"},
		{"liaison", "单位联络员", "锦江区大队"},
		{"x", "", "站"},
	}
	var b bytes.Buffer
	printTable(&b, "  ", rows)
	want := "" +
		"  用户名   角色        单位\n" +
		"  admin    系统管理员  四川省消防救援总队\n" +
		"  liaison  单位联络员  锦江区大队\n" +
		"  x                    站\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	// Every column starts at the same display column on every line, and no line has trailing
	// spaces.
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	for i, l := range lines {
		if strings.TrimRight(l, " ") != l {
			t.Errorf("line %d has trailing spaces: %q", i, l)
		}
		rest := strings.TrimPrefix(l, "  ")
		for j, cell := range rows[i] {
			if !strings.HasPrefix(rest, cell) {
				t.Fatalf("line %d: column %d is not at display column %d: %q", i, j, 2+sumWidths(rows, j), l)
			}
			rest = rest[len(cell):]
			if j == len(rows[i])-1 {
				break
			}
			pad := sumWidths(rows, j+1) - sumWidths(rows, j) - displayWidth(cell)
			if pad < 2 || !strings.HasPrefix(rest, strings.Repeat(" ", pad)) {
				t.Fatalf("line %d: column %d is not at display column %d: %q", i, j+1, 2+sumWidths(rows, j+1), l)
			}
			rest = rest[pad:]
		}
	}
	var empty bytes.Buffer
	printTable(&empty, "", nil)
	if empty.Len() != 0 {
		t.Errorf("empty table printed %q", empty.String())
	}
}

// sumWidths is where column n starts: the widest cell of each column before it plus two spaces.
func sumWidths(rows [][]string, n int) int {
	s := 0
	for j := 0; j < n; j++ {
		w := 0
		for _, r := range rows {
			if j < len(r) {
				w = max(w, displayWidth(r[j]))
			}
		}
		s += w + 2
	}
	return s
}

// TestAnalyze runs the health check on the demo bureau twice: the first run finds the planted
// problems, the second finds the same ones unchanged.
func TestAnalyze(t *testing.T) {
	dsn := tmpDB(t)
	// Without activity the demo loads no supervision data either, so no health check has run yet.
	if _, err := run(t, runDemo, "--no-serve", "--db", dsn, "--activity-days", "0"); err != nil {
		t.Fatal(err)
	}
	first, err := run(t, runAnalyze, "--db", dsn, "--date", "2026-10-31")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`发现问题 (\d+) 项,其中新发现 (\d+)`).FindStringSubmatch(first)
	if m == nil || m[1] == "0" || m[1] != m[2] || !strings.Contains(first, "GRP-NOOWNER") {
		t.Fatalf("first run printed %q", first)
	}
	second, err := run(t, runAnalyze, "--db", dsn, "--date", "2026-10-31")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(second, "新发现 0") || !strings.Contains(second, "未变 "+m[1]) {
		t.Fatalf("second run printed %q", second)
	}
	if _, err := run(t, runAnalyze, "--db", dsn, "--date", "2026-13-01"); err == nil {
		t.Fatal("a bad date was accepted")
	}
}

// TestDailyCheck: serve runs the health check once a day, not before 06:00 China time.
func TestDailyCheck(t *testing.T) {
	ctx := context.Background()
	dsn := tmpDB(t)
	if _, err := run(t, runDemo, "--no-serve", "--db", dsn); err != nil {
		t.Fatal(err)
	}
	db := openDB(t, dsn)
	defer db.Close()
	early := time.Date(2026, 12, 1, 5, 59, 0, 0, tz.Shanghai)
	if ran, err := dailyCheck(ctx, db, early); err != nil || ran != nil {
		t.Fatalf("before 06:00: %v, %v", ran, err)
	}
	morning := time.Date(2026, 12, 1, 6, 0, 0, 0, tz.Shanghai)
	ran, err := dailyCheck(ctx, db, morning)
	if err != nil || ran == nil || ran.Firing == 0 {
		t.Fatalf("first check of the day: %+v, %v", ran, err)
	}
	if again, err := dailyCheck(ctx, db, morning.Add(3*time.Hour)); err != nil || again != nil {
		t.Fatalf("second check the same day: %+v, %v", again, err)
	}
	if next, err := dailyCheck(ctx, db, morning.AddDate(0, 0, 1)); err != nil || next == nil {
		t.Fatalf("next day: %+v, %v", next, err)
	}
}
