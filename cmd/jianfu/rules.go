package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/config"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/settings"
)

// runRules exports the health-check rules' switches and thresholds as a text file the bureau can
// keep under review, and imports such a file back (checked whole, audited like the settings page).
func runRules(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "export" && args[0] != "import" {
		return errors.New("用法: jianfu rules export [--out FILE] | jianfu rules import FILE")
	}
	verb := args[0]
	fs, c := newFlags("rules "+verb, "rules export [--out FILE] | rules import FILE")
	out := fs.String("out", "", "导出到文件(默认标准输出)")
	if err := config.Parse(fs, args[1:]); err != nil {
		return err
	}
	db, _, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if verb == "export" {
		w := io.Writer(os.Stdout)
		if *out != "" {
			f, err := os.Create(*out)
			if err != nil {
				return err
			}
			defer f.Close()
			w = f
		}
		list, err := settings.List(ctx, db)
		if err != nil {
			return err
		}
		fmt.Fprintln(w, "# 减负平台体检规则配置:每行 键 = 值;# 之后为说明。enabled 为 1 启用、0 停用。")
		fmt.Fprintln(w, "# 用 jianfu rules import 本文件 导入;空值恢复默认值。")
		for _, v := range list {
			if v.Group != "体检规则" {
				continue
			}
			fmt.Fprintf(w, "%s = %s  # %s(默认 %s,范围 %s–%s)\n", v.Key, v.Display(), v.Label,
				settings.Format(v.Def, v.Default), settings.Format(v.Def, v.Min), settings.Format(v.Def, v.Max))
		}
		return nil
	}
	if fs.NArg() != 1 {
		return errors.New("请给出要导入的规则文件")
	}
	values, err := readRules(fs.Arg(0))
	if err != nil {
		return err
	}
	if err := settings.Set(ctx, db, org.System, values); err != nil {
		return fmt.Errorf("规则文件未导入: %w", err)
	}
	fmt.Printf("已导入 %d 项规则设置\n", len(values))
	return nil
}

// readRules reads "key = value  # comment" lines; only rule keys are accepted.
func readRules(name string) (map[string]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	values := map[string]string{}
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || !strings.HasPrefix(k, "rule.") {
			return nil, fmt.Errorf("第 %d 行应为 rule.规则编号.参数 = 值", n)
		}
		if _, dup := values[k]; dup {
			return nil, fmt.Errorf("第 %d 行:%s 重复出现", n, k)
		}
		values[k] = v
	}
	return values, sc.Err()
}
