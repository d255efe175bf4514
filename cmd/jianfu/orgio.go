package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/catalogio"
	"github.com/jianfu-gov/jianfu/internal/config"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/orgio"
	"github.com/jianfu-gov/jianfu/internal/sheet"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// maxImportFile is the largest file the command line imports. An inventory with 10k assets
// and 200k memberships is about 10 MB as XLSX; anything far beyond is not a bureau's file.
const maxImportFile = 200 << 20

func runImport(ctx context.Context, args []string) error {
	fs, c := newFlags("import", "import [--apply] [--valid-only] [--inventory] [--kind units|people] [--sheet apps|accounts|groups|members] FILE.xlsx|FILE.csv")
	apply := fs.Bool("apply", false, "写入数据库(默认只检查,不写入)")
	validOnly := fs.Bool("valid-only", false, "跳过有错误的行,只写入无误的行")
	inventory := fs.Bool("inventory", false, "导入清单(应用、公众号、群组、群成员);默认导入单位和人员")
	kind := fs.String("kind", "", "单位/人员 CSV 文件的内容:units 或 people")
	sheet := fs.String("sheet", "", "清单 CSV 文件的内容:apps、accounts、groups 或 members")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("请给出一个要导入的文件")
	}
	path := fs.Arg(0)
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".xlsx" && ext != ".csv" {
		return fmt.Errorf("只支持 .xlsx 或 .csv 文件")
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	db, _, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	bar := spinner("读取文件")
	opt := struct{ dry, valid bool }{!*apply, *validOnly}
	if *inventory {
		err = importInventory(ctx, db, f, ext, *sheet, opt.dry, opt.valid, bar)
	} else {
		err = importOrg(ctx, db, f, ext, *kind, opt.dry, opt.valid, bar)
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

func importOrg(ctx context.Context, db *store.DB, f io.Reader, ext, kind string, dry, validOnly bool, bar *progressbar.ProgressBar) error {
	var wb *orgio.Workbook
	var err error
	if ext == ".xlsx" {
		wb, err = orgio.ParseXLSX(f, maxImportFile)
	} else {
		k, kerr := orgio.ParseKind(kind)
		if kerr != nil {
			bar.Finish()
			return fmt.Errorf("CSV 文件请用 --kind units 或 --kind people 说明内容")
		}
		wb, err = orgio.ParseCSV(f, k, maxImportFile)
	}
	if err != nil {
		bar.Finish()
		return err
	}
	bar.Describe("检查并写入")
	report, err := orgio.Import(ctx, db, org.System, wb, orgio.Options{DryRun: dry, ValidOnly: validOnly})
	bar.Finish()
	fmt.Fprintln(os.Stderr)
	if report != nil {
		printCounts("单位", report.Units)
		printCounts("人员", report.People)
		for _, e := range report.Errors {
			fmt.Printf("  %s %q:%s\n", e.Location(), e.Value, e.Message)
		}
	}
	return err
}

func importInventory(ctx context.Context, db *store.DB, f io.Reader, ext, sheet string, dry, validOnly bool, bar *progressbar.ProgressBar) error {
	var wb *catalogio.Workbook
	var err error
	if ext == ".xlsx" {
		wb, err = catalogio.ParseXLSX(f, maxImportFile)
	} else {
		sh, serr := catalogio.ParseSheet(sheet)
		if serr != nil || sheet == "" {
			bar.Finish()
			return fmt.Errorf("CSV 文件请用 --sheet apps、accounts、groups 或 members 说明内容")
		}
		wb, err = catalogio.ParseCSV(f, sh, maxImportFile)
	}
	if err != nil {
		bar.Finish()
		return err
	}
	bar.Describe("检查并写入")
	report, err := catalogio.Import(ctx, db, org.System, wb, catalogio.Options{DryRun: dry, ValidOnly: validOnly})
	bar.Finish()
	fmt.Fprintln(os.Stderr)
	if report != nil {
		for _, s := range catalogio.Sheets {
			printCounts(s.Label(), report.Sheet(s))
		}
		if report.Members.Lists > 0 {
			fmt.Printf("替换 %d 个群组的成员名单,移除 %d 人次\n", report.Members.Lists, report.Members.Removed)
		}
		for _, e := range report.Errors {
			fmt.Printf("  %s %q:%s\n", e.Location(), e.Value, e.Message)
		}
	}
	return err
}

// printCounts prints one sheet's counts, if the file had rows of it.
func printCounts(name string, c sheet.Counts) {
	if c.Rows > 0 {
		fmt.Printf("%s:共 %d 行,新增 %d,更新 %d,无变化 %d,有错误 %d 行\n", name, c.Rows, c.Created, c.Updated, c.Unchanged, c.Failed)
	}
}

// spinner shows that a long step is alive. Imports check the whole file before writing and
// run in one transaction, so there is no meaningful fraction done to show.
func spinner(step string) *progressbar.ProgressBar {
	bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(os.Stderr), progressbar.OptionSetDescription(step),
		progressbar.OptionSpinnerType(14), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionShowElapsedTimeOnFinish())
	go func() {
		for !bar.IsFinished() {
			bar.Add(1)
			time.Sleep(100 * time.Millisecond)
		}
	}()
	return bar
}

func runExport(ctx context.Context, args []string) error {
	fs, c := newFlags("export", "export --kind units|people|inventory|apps|accounts|groups|members [--out FILE.xlsx|FILE.csv]")
	kind := fs.String("kind", "people", "导出内容:units(单位)、people(人员)、inventory(整个清单)或 apps/accounts/groups/members")
	out := fs.String("out", "", "输出文件(.xlsx 或 .csv);默认 <内容>.xlsx")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		*out = defaultName(*kind) + ".xlsx"
	}
	csv := strings.ToLower(filepath.Ext(*out)) == ".csv"
	export, err := exporter(*kind, csv)
	if err != nil {
		return err
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
	bar := spinner("导出")
	err = export(ctx, db, f)
	bar.Finish()
	fmt.Fprintln(os.Stderr)
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

// defaultName is the file name for a --kind written in Chinese or as a code: units.xlsx for 单位.
func defaultName(kind string) string {
	if k, err := orgio.ParseKind(kind); err == nil {
		return string(k)
	}
	if s, err := catalogio.ParseSheet(kind); err == nil {
		return string(s)
	}
	return kind
}

// exporter picks the export for a --kind, refusing combinations a format cannot hold.
func exporter(kind string, csv bool) (func(context.Context, *store.DB, io.Writer) error, error) {
	if k, err := orgio.ParseKind(kind); err == nil {
		if csv {
			return func(ctx context.Context, db *store.DB, w io.Writer) error {
				return orgio.ExportCSV(ctx, db, org.System, w, k)
			}, nil
		}
		return func(ctx context.Context, db *store.DB, w io.Writer) error {
			return orgio.ExportXLSX(ctx, db, org.System, w, k)
		}, nil
	}
	if kind == "inventory" {
		if csv {
			return nil, fmt.Errorf("整个清单请导出为 .xlsx;CSV 每次只能导出一张表(--kind apps|accounts|groups|members)")
		}
		return func(ctx context.Context, db *store.DB, w io.Writer) error {
			return catalogio.ExportXLSX(ctx, db, org.System, w)
		}, nil
	}
	sheet, err := catalogio.ParseSheet(kind)
	if err != nil {
		return nil, fmt.Errorf("导出内容 %q 无效", kind)
	}
	if csv {
		return func(ctx context.Context, db *store.DB, w io.Writer) error {
			return catalogio.ExportCSV(ctx, db, org.System, w, sheet)
		}, nil
	}
	if sheet == catalogio.Members {
		sheet = catalogio.Groups // the member sheet comes with its groups
	}
	k := sheet.Kind()
	return func(ctx context.Context, db *store.DB, w io.Writer) error {
		return catalogio.ExportXLSX(ctx, db, org.System, w, []catalog.Kind{k}...)
	}, nil
}
