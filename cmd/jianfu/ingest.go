package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/jianfu-gov/jianfu/internal/activity"
	"github.com/jianfu-gov/jianfu/internal/config"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/ingest"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

func runIngest(ctx context.Context, args []string) error {
	fs, c := newFlags("ingest", "ingest [--batch ID] [--dry-run] [--strict] FILE…")
	batch := fs.String("batch", "", "批次编号(仅一个文件时可用);默认取文件内容的 SHA-256,同一文件重复导入不会重复计数")
	dry := fs.Bool("dry-run", false, "只检查并统计,不写入")
	strict := fs.Bool("strict", false, "有任何一行未通过检查时整个文件都不写入")
	kind := fs.String("kind", "", "数据类型:message、app 或 account(默认按表头或每行字段识别)")
	quiet := fs.Bool("quiet", false, "不显示进度条")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 {
		return errors.New("请给出要导入的文件(NDJSON、CSV 或 XLSX)")
	}
	if *batch != "" && len(files) > 1 {
		return errors.New("--batch 只能用于单个文件:每个文件是一个批次")
	}
	switch ingest.Kind(*kind) {
	case "", ingest.KindMessage, ingest.KindApp, ingest.KindAccount:
	default:
		return fmt.Errorf("--kind 应为 message、app 或 account,而不是 %q", *kind)
	}
	db, _, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	set, err := activity.LoadSettings(ctx, db)
	if err != nil {
		return err
	}
	failed := 0
	for _, name := range files {
		rep, err := ingestOne(ctx, db, name, activity.Options{BatchID: *batch, Source: filepath.Base(name), Kind: ingest.Kind(*kind),
			DryRun: *dry, Strict: *strict, KeepRaw: set.KeepRaw, KeepText: set.KeepText, Actor: org.System}, *quiet)
		if rep != nil {
			printIngestReport(name, rep)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d 个文件未能导入", failed)
	}
	return nil
}

func ingestOne(ctx context.Context, db *store.DB, name string, opt activity.Options, quiet bool) (*activity.Report, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("打开文件: %w", err)
	}
	defer f.Close()
	size := int64(-1)
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	if !quiet {
		bar := progressbar.NewOptions64(size, progressbar.OptionSetWriter(os.Stderr), progressbar.OptionSetDescription(filepath.Base(name)),
			progressbar.OptionShowBytes(true), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionSetWidth(30))
		opt.Progress = func(n int64) { bar.Set64(n) }
		defer func() { bar.Finish(); fmt.Fprintln(os.Stderr) }()
	}
	rep, err := activity.IngestFile(ctx, db, f, opt)
	if e, ok := errs.As(err); ok {
		return rep, errors.New(e.Msg)
	}
	return rep, err
}

func printIngestReport(name string, r *activity.Report) {
	switch {
	case r.AlreadyIngested:
		fmt.Printf("%s:批次 %s 已于此前导入,本次未重复计数(当时读取 %d 行,接收 %d 行)\n", name, r.BatchID, r.Rows, r.Accepted)
		return
	case r.DryRun:
		fmt.Printf("%s:检查完成(未写入)\n", name)
	default:
		fmt.Printf("%s:已导入,批次 %s\n", name, r.BatchID)
	}
	fmt.Printf("  读取 %d 行:接收 %d,拒绝 %d,批内重复 %d(只计一次)\n", r.Rows, r.Accepted, r.Rejected, r.Duplicates)
	fmt.Printf("  消息 %d 条(发送人不在人员名录中的 %d 条),应用日数据 %d 条,公众号日数据 %d 条", r.Messages, r.UnknownSenders, r.AppDays, r.AccountDays)
	if r.First != "" {
		fmt.Printf(",日期 %s 至 %s", r.First, r.Last)
	}
	fmt.Println()
	if len(r.Reasons) > 0 {
		codes := make([]string, 0, len(r.Reasons))
		for k := range r.Reasons {
			codes = append(codes, k)
		}
		sort.Slice(codes, func(i, j int) bool {
			return r.Reasons[codes[i]] > r.Reasons[codes[j]] || r.Reasons[codes[i]] == r.Reasons[codes[j]] && codes[i] < codes[j]
		})
		fmt.Println("  拒绝原因:")
		for _, k := range codes {
			fmt.Printf("    %-16s %d 行\n", activity.ReasonLabel(k), r.Reasons[k])
		}
		n := min(len(r.Errors), 20)
		fmt.Printf("  前 %d 个被拒绝的行:\n", n)
		for _, e := range r.Errors[:n] {
			fmt.Printf("    %s\n", e.Error())
		}
	}
}
