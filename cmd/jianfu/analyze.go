package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/config"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

func runAnalyze(ctx context.Context, args []string) error {
	fs, c := newFlags("analyze", "analyze [--date 2026-10-31]")
	date := fs.String("date", "", "检查日期(默认今天,北京时间)")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	at := time.Now().In(tz.Shanghai)
	if *date != "" {
		d, err := org.ParseDate(*date)
		if err != nil {
			return fmt.Errorf("检查日期 %q 无效,格式应为 2006-01-02", *date)
		}
		at = d
	}
	db, _, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	bar := spinner("体检")
	res, err := analyze.Run(ctx, db, org.System, at)
	bar.Finish()
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return err
	}
	fmt.Printf("体检完成(第 %d 次,检查日期 %s):发现问题 %d 项,其中新发现 %d、已消除 %d、未变 %d、重新打开 %d\n",
		res.ID, res.CheckDate.Format("2006-01-02"), res.Firing, res.New, res.Gone, res.Unchanged, res.Reopened)
	ids := make([]string, 0, len(res.Counts))
	for id := range res.Counts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	rows := [][]string{{"规则", "名称", "发现", "新", "消除"}}
	for _, id := range ids {
		n := res.Counts[id]
		title := ""
		if r, ok := analyze.RuleByID(id); ok {
			title = r.Def().Title
		}
		rows = append(rows, []string{id, title, fmt.Sprint(n.Firing), fmt.Sprint(n.New), fmt.Sprint(n.Gone)})
	}
	printTable(os.Stdout, "  ", rows)
	return nil
}
