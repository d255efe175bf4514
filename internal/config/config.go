// Package config reads jianfu's settings from, in rising precedence, an optional file, JIANFU_*
// environment variables and command-line flags. Every setting is a flag; its environment name is
// JIANFU_ plus the flag name in upper case with - as _ (--secure-cookie → JIANFU_SECURE_COOKIE),
// and its file key is the flag name. The file holds "key = value" lines; # starts a comment.
package config

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strings"
)

// keyRE is the shape of a setting's name: a flag name.
var keyRE = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// EnvName is the environment variable for a flag.
func EnvName(flagName string) string {
	return "JIANFU_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Parse parses args into fs, then fills every flag not given on the command line from the
// environment, or else from the file named by the "config" flag (or JIANFU_CONFIG), if fs has one.
func Parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	explicit := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { explicit[f.Name] = true })
	file := map[string]string{}
	if cf := fs.Lookup("config"); cf != nil {
		path := cf.Value.String()
		if !explicit["config"] {
			if v := os.Getenv(EnvName("config")); v != "" {
				path = v
			}
		}
		if path != "" {
			f, err := os.Open(path)
			if err != nil {
				return fmt.Errorf("配置文件 %s 无法打开: %w", path, err)
			}
			file, err = readFile(f, path)
			f.Close()
			if err != nil {
				return err
			}
			for k := range file {
				if fs.Lookup(k) == nil {
					return fmt.Errorf("配置文件 %s: 未知的设置项 %q", path, k)
				}
			}
		}
	}
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || explicit[f.Name] || f.Name == "config" {
			return
		}
		v, ok := os.LookupEnv(EnvName(f.Name))
		src := "环境变量 " + EnvName(f.Name)
		if !ok {
			v, ok = file[f.Name]
			src = "配置文件中的 " + f.Name
		}
		if ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s 的值 %q 无效: %w", src, v, e)
			}
		}
	})
	return err
}

func readFile(r io.Reader, name string) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff") // a BOM from Windows editors
		}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("配置文件 %s 第 %d 行: 应为 key = value", name, n)
		}
		k = strings.TrimSpace(k)
		if !keyRE.MatchString(k) {
			return nil, fmt.Errorf("配置文件 %s 第 %d 行: 设置项名称 %q 无效(应为小写字母、数字和 -,如 log-level)", name, n, k)
		}
		out[k] = strings.Trim(strings.TrimSpace(v), `"`)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("配置文件 %s 第 %d 行: %w", name, n+1, err)
	}
	return out, nil
}

// Logger builds the process logger: text or JSON on stderr at the given level.
func Logger(level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("日志级别 %q 无效(debug、info、warn、error)", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text", "":
		return slog.New(slog.NewTextHandler(os.Stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(os.Stderr, opts)), nil
	}
	return nil, fmt.Errorf("日志格式 %q 无效(text 或 json)", format)
}

// Redact hides the password in a database URL so that it can be logged.
func Redact(dsn string) string {
	if !strings.Contains(dsn, "://") {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "(无法解析的数据库地址)"
	}
	return u.Redacted()
}
