package config

import (
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseFile feeds arbitrary files to the config-file reader. It must never panic; a file it
// accepts must give trimmed keys that neither start with # nor hold = or a newline, and writing
// the result back out as key = "value" lines must read back as the same settings.
func FuzzParseFile(f *testing.F) {
	for _, s := range []string{
		"",
		"# /etc/jianfu/jianfu.conf\ndb = postgres://jianfu@10.0.0.5:5432/jianfu?sslmode=require\naddr = 0.0.0.0:8080\nsecure-cookie = true\nlog-format = json\n",
		"db=jianfu.db",
		"log-level = \"warn\"\r\n\r\n  # indented comment\r\n",
		"addr\n",
		"= value\n",
		"a = b = c\n",
		"key = \"\"\"\n",
		"\ufeffdb = x\n",
		"db = 数据库.db\n名称 = 值\n",
		"\x00=\x00\n",
		"k = \" spaced \"\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		// A config file is a few lines; long inputs only make the fuzzer spend its time
		// minimising them (TestReadFileTooLongLine covers bufio's line limit).
		if len(in) > 2048 {
			return
		}
		got, err := readFile(strings.NewReader(in), "fuzz.conf")
		if err != nil {
			return
		}
		for k, v := range got {
			if k != strings.TrimSpace(k) || strings.HasPrefix(k, "#") || strings.ContainsAny(k, "=\n") {
				t.Fatalf("key %q", k)
			}
			if strings.Contains(v, "\n") || strings.HasPrefix(v, `"`) || strings.HasSuffix(v, `"`) {
				t.Fatalf("value %q of %q", v, k)
			}
		}
		// In key order: a map's random order would make the coverage of one input vary between
		// runs, which keeps the fuzzer from minimising what it finds.
		var b strings.Builder
		for _, k := range slices.Sorted(maps.Keys(got)) {
			b.WriteString(k + " = \"" + got[k] + "\"\n")
		}
		again, err := readFile(strings.NewReader(b.String()), "again.conf")
		if err != nil {
			t.Fatalf("written back %q: %v", b.String(), err)
		}
		if !maps.Equal(got, again) {
			t.Fatalf("read %q, wrote %q, read back %q", got, b.String(), again)
		}
	})
}

func TestReadFileLines(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     map[string]string
		errLine  int // 0: no error
	}{
		{"empty", "", map[string]string{}, 0},
		{"comments and blanks", "# a\n\n   # b\n\t\n", map[string]string{}, 0},
		{"spaces and quotes", "  db  =  \"x y.db\"  \n", map[string]string{"db": "x y.db"}, 0},
		{"CRLF", "db = a.db\r\naddr = :80\r\n", map[string]string{"db": "a.db", "addr": ":80"}, 0},
		{"value with =", "db = postgres://h/x?sslmode=disable&a=b\n", map[string]string{"db": "postgres://h/x?sslmode=disable&a=b"}, 0},
		{"later wins", "db = a\ndb = b\n", map[string]string{"db": "b"}, 0},
		{"Chinese value", "db = /数据/减负.db\n", map[string]string{"db": "/数据/减负.db"}, 0},
		{"no equals on line 3", "# c\ndb = x\naddr\n", nil, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := readFile(strings.NewReader(c.in), "x.conf")
			if c.errLine != 0 {
				if err == nil || !strings.Contains(err.Error(), "第 "+strconv.Itoa(c.errLine)+" 行") || !strings.Contains(err.Error(), "x.conf") {
					t.Fatalf("err = %v, want one naming x.conf line %d", err, c.errLine)
				}
				return
			}
			if err != nil || !maps.Equal(got, c.want) {
				t.Fatalf("got %v, %v; want %v", got, err, c.want)
			}
		})
	}
}

// TestReadFileTooLongLine: a line longer than bufio.Scanner's 64 KiB fails cleanly; the error
// should still name the file, as every other config error does.
func TestReadFileTooLongLine(t *testing.T) {
	_, err := readFile(strings.NewReader("db = "+strings.Repeat("x", 70000)+"\n"), "big.conf")
	if err == nil {
		t.Fatal("a 70 KB line was accepted")
	}
	if !strings.Contains(err.Error(), "big.conf") || !utf8.ValidString(err.Error()) {
		t.Fatalf("error %q names neither the file nor the line", err)
	}
}

// TestConfigFileWithBOM: Windows Notepad (the usual editor of a bureau's administrators before
// Windows 10 1903) saves UTF-8 with a byte-order mark; the first key must still be recognised.
func TestConfigFileWithBOM(t *testing.T) {
	file := filepath.Join(t.TempDir(), "jianfu.conf")
	os.WriteFile(file, []byte("\ufeffdb = bom.db\r\naddr = 0.0.0.0:9000\r\n"), 0o600)
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.String("config", "", "")
	db := fs.String("db", "jianfu.db", "")
	addr := fs.String("addr", "", "")
	err := Parse(fs, []string{"--config", file})
	if err != nil {
		t.Fatalf("a file with a BOM fails: %v", err)
	}
	if *db != "bom.db" || *addr != "0.0.0.0:9000" {
		t.Fatalf("db %q addr %q", *db, *addr)
	}
}
