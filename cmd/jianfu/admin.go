package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/config"
	"github.com/jianfu-gov/jianfu/internal/org"
)

func runMigrate(ctx context.Context, args []string) error {
	fs, c := newFlags("migrate", "migrate [--db …]")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	db, _, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	status, err := db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	for _, s := range status {
		state := "已执行"
		if s.State != "applied" {
			state = string(s.State)
		}
		fmt.Printf("%05d  %-32s %s\n", s.Source.Version, s.Source.Path, state)
	}
	fmt.Printf("数据库(%s)已是最新结构。\n", db.Engine)
	return nil
}

func runUser(ctx context.Context, args []string) error {
	const usage = "子命令: user create | user reset | user list"
	if len(args) == 0 {
		return errors.New(usage)
	}
	switch args[0] {
	case "create":
		return userCreate(ctx, args[1:])
	case "reset":
		return userReset(ctx, args[1:])
	case "list":
		return userList(ctx, args[1:])
	}
	return fmt.Errorf("未知的子命令 %q;%s", args[0], usage)
}

// readPassword takes the password from the flag or, so that it stays out of shell history and
// process lists, from the JIANFU_PASSWORD environment variable.
func readPassword(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if v := os.Getenv("JIANFU_PASSWORD"); v != "" {
		return v, nil
	}
	return "", errors.New("请用 --password 或环境变量 JIANFU_PASSWORD 提供密码")
}

func userCreate(ctx context.Context, args []string) error {
	fs, c := newFlags("user create", "user create --username admin --name 管理员 --unit 单位编码 --roles admin[,office…] [--password …]")
	username := fs.String("username", "", "用户名")
	name := fs.String("name", "", "显示名称")
	unit := fs.String("unit", "", "所属单位编码(首个管理员可用 --root 同时创建总队)")
	roles := fs.String("roles", "admin", "角色,逗号分隔:"+roleList())
	password := fs.String("password", "", "初始密码(也可用环境变量 JIANFU_PASSWORD)")
	rootName := fs.String("root", "", "数据库中还没有单位时,先创建这个名称的总队(编码取 --unit)")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	pw, err := readPassword(*password)
	if err != nil {
		return err
	}
	if err := auth.CheckStrength(*username, pw); err != nil {
		return err
	}
	db, _, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	var rs []org.Role
	for _, r := range strings.Split(*roles, ",") {
		rs = append(rs, org.Role(strings.TrimSpace(r)))
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return err
	}
	// The root and the first administrator are made together: a typo in --roles must not leave
	// a root behind that makes the corrected command fail.
	var user org.User
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		if *rootName != "" {
			if _, err := org.CreateUnitTx(ctx, tx, org.System, org.UnitInput{Code: *unit, Name: *rootName, Kind: org.Corps}); err != nil {
				return fmt.Errorf("创建总队: %w", err)
			}
		}
		var uid int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM units WHERE code = $1`, strings.TrimSpace(*unit)).Scan(&uid); err != nil {
			return fmt.Errorf("单位 %q 不存在", *unit)
		}
		var err error
		user, err = org.CreateUserTx(ctx, tx, org.System, org.UserInput{Username: *username, DisplayName: *name, UnitID: uid, Roles: rs}, hash)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Printf("已创建用户 %s(%s),首次登录须修改密码。\n", user.Username, user.RoleLabels())
	return nil
}

func roleList() string {
	var s []string
	for _, r := range org.Roles {
		s = append(s, string(r)+"="+r.Label())
	}
	return strings.Join(s, " ")
}

func userReset(ctx context.Context, args []string) error {
	fs, c := newFlags("user reset", "user reset --username NAME [--password …]")
	username := fs.String("username", "", "用户名")
	password := fs.String("password", "", "新密码(也可用环境变量 JIANFU_PASSWORD)")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	pw, err := readPassword(*password)
	if err != nil {
		return err
	}
	db, _, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := org.LoadUserByName(ctx, db, *username)
	if err != nil {
		return fmt.Errorf("用户 %q: %w", *username, err)
	}
	svc := &auth.Service{DB: db}
	if err := svc.ResetPassword(ctx, org.System, u, pw); err != nil {
		return err
	}
	fmt.Printf("已重置 %s 的密码并解除锁定;该用户下次登录时须修改密码。\n", u.Username)
	return nil
}

func userList(ctx context.Context, args []string) error {
	fs, c := newFlags("user list", "user list [--q 关键词]")
	q := fs.String("q", "", "按用户名或显示名称筛选")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	db, _, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	st := &org.Store{DB: db}
	rows := [][]string{{"用户名", "显示名称", "角色", "单位", "管辖范围", "状态"}}
	for off := 0; ; off += org.MaxPage {
		users, total, err := st.Users(ctx, org.System, org.UserFilter{Q: *q, Page: org.Page{Limit: org.MaxPage, Offset: off}})
		if err != nil {
			return err
		}
		for _, u := range users {
			state := "正常"
			if u.Disabled {
				state = "已停用"
			} else if u.Locked() {
				state = "锁定至 " + u.LockedUntil.In(auth.Shanghai).Format("2006-01-02 15:04")
			}
			rows = append(rows, []string{u.Username, u.DisplayName, u.RoleLabels(), u.UnitName, u.ScopeUnitName, state})
		}
		if off+len(users) >= total || len(users) == 0 {
			break
		}
	}
	printTable(os.Stdout, "", rows)
	return nil
}

func runAudit(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("子命令: audit verify")
	}
	fs, c := newFlags("audit verify", "audit verify [--db …]")
	if err := config.Parse(fs, args[1:]); err != nil {
		return err
	}
	db, _, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := audit.Verify(ctx, db)
	if err != nil {
		return err
	}
	if !res.OK() {
		return fmt.Errorf("审计日志校验失败:第 %d 条记录:%s(此前 %d 条完好)", res.BrokenAt, res.Reason, res.BrokenAt-1)
	}
	fmt.Printf("审计日志完整:%d 条记录,哈希链无断点。\n", res.Checked)
	return nil
}
