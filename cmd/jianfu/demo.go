package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/config"
	"github.com/jianfu-gov/jianfu/internal/demo"
	"github.com/jianfu-gov/jianfu/internal/ingest"
	"github.com/jianfu-gov/jianfu/internal/rectify"
	"github.com/jianfu-gov/jianfu/internal/store"
)

func runDemo(ctx context.Context, args []string) error {
	fs, c := newFlags("demo", "demo [--preset small|province|national] [--seed 1] [--db jianfu-demo.db] [--addr 127.0.0.1:8080]")
	fs.Lookup("db").DefValue = "jianfu-demo.db"
	fs.Set("db", "jianfu-demo.db")
	preset := fs.String("preset", "small", "规模:small(几秒可用)、province(约 1 万人)、national(约 20 万人,用于压测)")
	seed := fs.Int64("seed", 1, "随机种子:同一种子生成同样的数据")
	password := fs.String("password", demo.DefaultPassword, "所有演示账号的密码")
	addr := fs.String("addr", "127.0.0.1:8080", "监听地址")
	noServe := fs.Bool("no-serve", false, "只生成数据,不启动服务")
	ndjson := fs.String("activity-ndjson", "", "把活动数据按天写成 NDJSON 文件放到该目录(供 jianfu ingest 导入或压测),而不直接载入数据库")
	days := fs.Int("activity-days", -1, "生成多少天的工作群消息和应用、公众号数据(默认 small 90 天、province 30 天、national 7 天;0 表示不生成)")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	p := demo.Preset(*preset)
	if p != demo.Small && p != demo.Province && p != demo.National {
		return fmt.Errorf("规模 %q 无效,应为 small、province 或 national", *preset)
	}
	if !store.IsPostgresDSN(c.db) {
		// The demo starts from a fresh file. It deletes only a file that an earlier demo made:
		// a mistyped --db must never cost a bureau its data.
		if err := checkDemoFile(ctx, c.db); err != nil {
			return err
		}
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(c.db + suffix); err != nil && !os.IsNotExist(err) {
				return fmt.Errorf("删除旧的演示数据库 %s 失败: %w", c.db+suffix, err)
			}
		}
	}
	db, log, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	res, err := demo.Build(ctx, db, demo.Options{Preset: p, Seed: *seed, Password: *password, Progress: progress()})
	if err != nil {
		return fmt.Errorf("生成演示数据失败: %w", err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)`,
		demoMarker, string(p), store.Now(), "jianfu demo"); err != nil {
		return fmt.Errorf("标记演示数据库失败: %w", err)
	}
	if *days < 0 {
		*days = demo.ActivityDays(p)
	}
	messages := 0
	var sup *demo.SupervisionResult
	if *days > 0 && *ndjson != "" {
		n, err := writeActivityFiles(*ndjson, demo.Options{Preset: p, Seed: *seed}, *days)
		if err != nil {
			return fmt.Errorf("写出活动数据失败: %w", err)
		}
		fmt.Fprintf(os.Stderr, "已把 %d 天的活动数据(%d 条记录)写到 %s,可用 jianfu ingest 导入\n", *days, n, *ndjson)
	} else if *days > 0 {
		truth, err := demo.LoadActivity(ctx, db, demo.Options{Preset: p, Seed: *seed, Progress: progress()}, *days)
		if err != nil {
			return fmt.Errorf("生成活动数据失败: %w", err)
		}
		messages = truth.Messages
		if sup, err = demo.LoadSupervision(ctx, db, demo.Options{Preset: p, Seed: *seed, Password: *password}); err != nil {
			return fmt.Errorf("生成监督数据失败: %w", err)
		}
		res.Users += len(sup.Logins)
		res.Logins = append(res.Logins, sup.Logins...)
	}
	fmt.Fprintf(os.Stderr, "\n演示数据已生成(%s,%.1f 秒):%d 个单位,%d 名人员,%d 个用户;%d 个应用,%d 个公众号,%d 个工作群组(%d 人次);%d 天的活动数据(%d 条消息);数据库 %s\n",
		p, time.Since(start).Seconds(), res.Units, res.People, res.Users, res.Apps, res.Accounts, res.Groups, res.Members, *days, messages, config.Redact(c.db))
	if sup != nil {
		fmt.Fprintf(os.Stderr, "监督数据:体检问题 %d 个;整改台账 %d 项(待整改 %d、整改中 %d、待验收 %d、已销号 %d,截至 %s 逾期 %d 项);专项行动报送 %d 份;抽查对象 %d 个\n",
			sup.Findings, sup.Items, sup.ByStatus[rectify.Pending], sup.ByStatus[rectify.InProgress], sup.ByStatus[rectify.Review], sup.ByStatus[rectify.Closed],
			demo.SupervisionDate.Format("2006-01-02"), sup.Overdue, sup.Submissions, sup.Targets)
	}
	if *noServe {
		printLogins(res, *password)
		return nil
	}
	return serve(ctx, db, log, *addr, false, func(url string) {
		fmt.Printf("\n减负(jianfu)演示服务已启动:%s\n\n", url)
		printLogins(res, *password)
		fmt.Println("\n按 Ctrl+C 停止。")
	})
}

func printLogins(res *demo.Result, password string) {
	fmt.Println("演示账号(密码均为 " + password + "):")
	rows := [][]string{{"用户名", "角色", "单位"}}
	for _, l := range res.Logins {
		rows = append(rows, []string{l.Username, l.RoleLabel, l.UnitName})
	}
	printTable(os.Stdout, "  ", rows)
}

// progress draws one bar per step on stderr.
func progress() func(step string, done, total int) {
	var bar *progressbar.ProgressBar
	var current string
	return func(step string, done, total int) {
		if step != current || bar == nil {
			if bar != nil {
				bar.Finish()
				fmt.Fprintln(os.Stderr)
			}
			current = step
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(os.Stderr),
				progressbar.OptionSetDescription(fmt.Sprintf("%-10s", strings.TrimSpace(step))),
				progressbar.OptionShowCount(), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100*time.Millisecond))
		}
		bar.Set(done)
	}
}

// demoMarker is the settings key that marks a database as made by jianfu demo.
const demoMarker = "demo.preset"

// checkDemoFile allows the demo to replace path only when it does not exist, is empty, or holds
// an earlier demo (its settings carry the marker). The production name is refused outright.
func checkDemoFile(ctx context.Context, path string) error {
	if filepath.Base(filepath.Clean(path)) == "jianfu.db" {
		return fmt.Errorf("演示数据不能写入正式数据库文件 jianfu.db,请用 --db 指定其他文件")
	}
	info, err := os.Stat(path)
	if os.IsNotExist(err) || err == nil && info.Size() == 0 {
		return nil
	}
	if err != nil {
		return err
	}
	refuse := fmt.Errorf("%s 不是演示数据库(没有演示标记),为防止误删,拒绝覆盖;请换一个文件名", path)
	db, err := store.Open(ctx, path)
	if err != nil {
		return refuse
	}
	defer db.Close()
	var preset string
	if err := db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, demoMarker).Scan(&preset); err != nil {
		return refuse
	}
	return nil
}

// writeActivityFiles writes the demo's activity as one NDJSON file a day, as a bureau's daily
// exports would arrive, and returns how many records it wrote.
func writeActivityFiles(dir string, opt demo.Options, days int) (int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	var f *os.File
	var w *bufio.Writer
	var cur time.Time
	var buf []byte
	n := 0
	closeFile := func() error {
		if f == nil {
			return nil
		}
		if err := w.Flush(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	_, err := demo.Activity(opt, days, func(r ingest.Record) error {
		d := recordDay(r)
		if f == nil || !d.Equal(cur) {
			if err := closeFile(); err != nil {
				return err
			}
			var err error
			f, err = os.Create(filepath.Join(dir, "activity-"+d.Format("2006-01-02")+".ndjson"))
			if err != nil {
				return err
			}
			w, cur = bufio.NewWriterSize(f, 1<<20), d
		}
		buf = ingest.AppendNDJSON(buf[:0], r)
		n++
		_, err := w.Write(buf)
		return err
	})
	if cerr := closeFile(); err == nil {
		err = cerr
	}
	return n, err
}

func recordDay(r ingest.Record) time.Time {
	switch {
	case r.Message != nil:
		return calendar.DateOf(r.Message.At)
	case r.App != nil:
		return r.App.Day
	default:
		return r.Account.Day
	}
}
