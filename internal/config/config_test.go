package config

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "jianfu.conf")
	os.WriteFile(file, []byte("# comment\naddr = 0.0.0.0:9000\ndb = from-file.db\nlog-level = \"warn\"\n"), 0o600)
	cases := []struct {
		name       string
		env        map[string]string
		args       []string
		addr, db   string
		level      string
		wantErrSub bool
	}{
		{"defaults", nil, nil, "127.0.0.1:8080", "jianfu.db", "info", false},
		{"file", nil, []string{"--config", file}, "0.0.0.0:9000", "from-file.db", "warn", false},
		{"env beats file", map[string]string{"JIANFU_DB": "env.db"}, []string{"--config", file}, "0.0.0.0:9000", "env.db", "warn", false},
		{"flag beats env", map[string]string{"JIANFU_DB": "env.db"}, []string{"--config", file, "--db", "flag.db"}, "0.0.0.0:9000", "flag.db", "warn", false},
		{"config from env", map[string]string{"JIANFU_CONFIG": file}, nil, "0.0.0.0:9000", "from-file.db", "warn", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			fs := flag.NewFlagSet("x", flag.ContinueOnError)
			fs.String("config", "", "")
			addr := fs.String("addr", "127.0.0.1:8080", "")
			db := fs.String("db", "jianfu.db", "")
			level := fs.String("log-level", "info", "")
			if err := Parse(fs, c.args); err != nil {
				t.Fatal(err)
			}
			if *addr != c.addr || *db != c.db || *level != c.level {
				t.Fatalf("got %s %s %s, want %s %s %s", *addr, *db, *level, c.addr, c.db, c.level)
			}
		})
	}
}

func TestBadFile(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"no equals": "addr\n", "unknown key": "colour = red\n"} {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(dir, "bad.conf")
			os.WriteFile(file, []byte(body), 0o600)
			fs := flag.NewFlagSet("x", flag.ContinueOnError)
			fs.String("config", "", "")
			fs.String("addr", "", "")
			if err := Parse(fs, []string{"--config", file}); err == nil {
				t.Fatal("bad config file accepted")
			}
		})
	}
}

func TestRedact(t *testing.T) {
	got := Redact("postgres://jianfu:secret@db:5432/jianfu")
	if got != "postgres://jianfu:xxxxx@db:5432/jianfu" {
		t.Fatalf("got %s", got)
	}
}
