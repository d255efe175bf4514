package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/config"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/orgio"
)

// maxImportFile is the largest file the command line imports; larger organisation files are
// not plausible and would only exhaust memory.
const maxImportFile = 200 << 20

func runImport(ctx context.Context, args []string) error {
	fs, c := newFlags("import", "import [--apply] [--valid-only] [--kind units|people] FILE.xlsx|FILE.csv")
	apply := fs.Bool("apply", false, "写入数据库(默认只检查,不写入)")
	validOnly := fs.Bool("valid-only", false, "跳过有错误的行,只写入无误的行")
	kind := fs.String("kind", "", "CSV 文件的内容:units(单位)或 people(人员)")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("请给出一个要导入的文件")
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var wb *orgio.Workbook
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx":
		wb, err = orgio.ParseXLSX(f, maxImportFile)
	case ".csv":
		k, kerr := orgio.ParseKind(*kind)
		if kerr != nil {
			return fmt.Errorf("CSV 文件请用 --kind units 或 --kind people 说明内容")
		}
		wb, err = orgio.ParseCSV(f, k, maxImportFile)
	default:
		return fmt.Errorf("只支持 .xlsx 或 .csv 文件")
	}
	if err != nil {
		return err
	}
	db, _, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	report, err := orgio.Import(ctx, db, org.System, wb, orgio.Options{DryRun: !*apply, ValidOnly: *validOnly})
	if report != nil {
		printReport(report)
	}
	if err != nil {
		if errs.Is(err, errs.Invalid) && !*validOnly {
			return fmt.Errorf("文件有错误,未写入任何数据;改正后重试,或加 --valid-only 只导入无误的行")
		}
		return err
	}
	if !*apply {
		fmt.Println("以上为检查结果,未写入。确认无误后加 --apply 重新执行。")
	}
	return nil
}

func printReport(r *orgio.Report) {
	for _, k := range []struct {
		name string
		c    orgio.Counts
	}{{"单位", r.Units}, {"人员", r.People}} {
		if k.c.Rows > 0 {
			fmt.Printf("%s:共 %d 行,新增 %d,更新 %d,无变化 %d,有错误 %d 行\n", k.name, k.c.Rows, k.c.Created, k.c.Updated, k.c.Unchanged, k.c.Failed)
		}
	}
	for _, e := range r.Errors {
		fmt.Printf("  %s %q:%s\n", e.Location(), e.Value, e.Message)
	}
}

func runExport(ctx context.Context, args []string) error {
	fs, c := newFlags("export", "export --kind units|people [--out FILE.xlsx|FILE.csv]")
	kind := fs.String("kind", "people", "导出内容:units(单位)或 people(人员)")
	out := fs.String("out", "", "输出文件(.xlsx 或 .csv);默认 <内容>.xlsx")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	k, err := orgio.ParseKind(*kind)
	if err != nil {
		return err
	}
	if *out == "" {
		*out = string(k) + ".xlsx"
	}
	db, _, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if strings.ToLower(filepath.Ext(*out)) == ".csv" {
		err = orgio.ExportCSV(ctx, db, org.System, f, k)
	} else {
		err = orgio.ExportXLSX(ctx, db, org.System, f, k)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out)
		return err
	}
	fmt.Println("已导出到", *out)
	return nil
}
