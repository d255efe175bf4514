// Command jianfu is the whole platform in one binary: the web service, the demo bureau, database
// migrations, user administration, the audit verifier and imports and exports.
//
// Run "jianfu help" for the subcommands and "jianfu SUBCOMMAND --help" for each one's flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string) error
}

var commands []command

func init() {
	commands = []command{
		{"serve", "启动 Web 服务和 API(默认 ./jianfu.db,127.0.0.1:8080)", runServe},
		{"demo", "生成演示用的消防救援总队数据(SQLite)并启动服务,打印各角色的登录账号", runDemo},
		{"migrate", "执行数据库迁移并显示结构版本", runMigrate},
		{"user", "用户管理:create、reset、list", runUser},
		{"audit", "审计日志:verify 校验哈希链", runAudit},
		{"import", "从 Excel/CSV 导入单位、人员或清单(先检查,加 --apply 才写入)", runImport},
		{"analyze", "对清单运行体检规则,记录发现的问题", runAnalyze},
		{"rules", "导出或导入体检规则的阈值和开关(文本文件)", runRules},
		{"ingest", "导入工作群消息、应用使用和公众号数据(NDJSON/CSV/XLSX),更新每日汇总", runIngest},
		{"export", "把单位或人员导出为 Excel/CSV", runExport},
		{"draw", "双随机抽查:verify 复核抽取结果是否一致,show 显示抽取结果", runDraw},
		{"version", "显示版本", runVersion},
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "jianfu(减负)— 政务应用程序、公众账号和工作群组治理平台\n\n用法: jianfu <子命令> [参数]\n\n子命令:")
	for _, c := range commands {
		fmt.Fprintf(os.Stderr, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(os.Stderr, "\n每个子命令的参数见 jianfu <子命令> --help;参数也可用环境变量 JIANFU_<参数名> 或 --config 配置文件设置。")
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "help" || os.Args[1] == "-h" || os.Args[1] == "--help" {
		usage()
		if len(os.Args) < 2 {
			os.Exit(2)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	for _, c := range commands {
		if c.name == os.Args[1] {
			err := c.run(ctx, os.Args[2:])
			if errors.Is(err, flag.ErrHelp) {
				return
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "jianfu "+c.name+": "+err.Error())
				os.Exit(1)
			}
			return
		}
	}
	fmt.Fprintf(os.Stderr, "未知的子命令 %q\n\n", os.Args[1])
	usage()
	os.Exit(2)
}

// newFlags starts a flag set for a subcommand with the settings every command that opens the
// database shares.
func newFlags(name, usageLine string) (*flag.FlagSet, *common) {
	fs := flag.NewFlagSet("jianfu "+name, flag.ContinueOnError)
	c := &common{}
	fs.StringVar(&c.config, "config", "", "配置文件(key = value 每行一项)")
	fs.StringVar(&c.db, "db", "jianfu.db", "数据库:SQLite 文件路径,或 postgres://用户@主机:5432/库名")
	fs.StringVar(&c.logLevel, "log-level", "info", "日志级别:debug、info、warn、error")
	fs.StringVar(&c.logFormat, "log-format", "text", "日志格式:text 或 json")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "用法: jianfu %s\n\n参数(也可用环境变量 JIANFU_<参数名>):\n", usageLine)
		fs.PrintDefaults()
	}
	return fs, c
}

type common struct {
	config, db, logLevel, logFormat string
}
