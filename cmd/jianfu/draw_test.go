package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/inspect"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// drawDB makes a bureau with three detachments, four inspectors and twelve accounts, and stores
// one draw; it returns the draw's id.
func drawDB(t *testing.T, dsn string) (*store.DB, int64) {
	t.Helper()
	createAdmin(t, dsn)
	db := openDB(t, dsn)
	ctx := context.Background()
	root, err := (&org.Store{DB: db}).UnitByCode(ctx, org.System, "SC")
	storetest.Must(t, err)
	now := store.Now()
	units := map[string]int64{}
	for _, code := range []string{"A", "B", "C"} {
		var id int64
		storetest.Must(t, db.QueryRowContext(ctx, `INSERT INTO units (code, name, kind, parent_id, path, created_at, updated_at)
			VALUES ($1, $2, 'detachment', $3, '', $4, $4) RETURNING id`, "SC-"+code, code+"支队", root.ID, now).Scan(&id))
		storetest.Must(t, exec1(db, `UPDATE units SET path = $1 WHERE id = $2`, fmt.Sprintf("%s%d/", root.Path, id), id))
		units[code] = id
	}
	for i, name := range []string{"张三", "李四", "王五", "赵六"} {
		var id int64
		storetest.Must(t, db.QueryRowContext(ctx, `INSERT INTO users (username, display_name, unit_id, scope_unit_id, created_at, updated_at)
			VALUES ($1, $2, $3, $3, $4, $4) RETURNING id`, fmt.Sprintf("insp%d", i), name, units[[]string{"A", "B", "C", "A"}[i]], now).Scan(&id))
		storetest.Must(t, exec1(db, `INSERT INTO user_roles (user_id, role) VALUES ($1, 'inspector')`, id))
	}
	for i := range 12 {
		storetest.Must(t, exec1(db, `INSERT INTO assets (code, kind, name, platform, unit_id, status, created_at, updated_at)
			VALUES ($1, 'account', $2, '微信公众号', $3, 'active', $4, $4)`, fmt.Sprintf("GZH%02d", i), fmt.Sprintf("公众号%d", i),
			units[[]string{"A", "B", "C"}[i%3]], now))
	}
	pl, err := inspect.CreatePlan(ctx, db, org.System, inspect.PlanInput{UnitID: root.ID, Name: "2026年第四季度公众号抽查",
		Kind: inspect.SpotCheck, Period: "2026年第四季度", Items: []inspect.ItemInput{{Code: "1", Text: "近14天内是否更新"}}})
	storetest.Must(t, err)
	sd, err := inspect.RunDraw(ctx, db, org.System, pl.ID, inspect.DrawOptions{Seed: "公开种子-42"})
	storetest.Must(t, err)
	return db, sd.ID
}

func TestDrawCommand(t *testing.T) {
	engines := map[string]func(t *testing.T) string{
		"sqlite":   tmpDB,
		"postgres": func(t *testing.T) string { return storetest.PostgresDSN(t) },
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dsn := engines[engine](t)
			db, id := drawDB(t, dsn)
			ids := fmt.Sprint(id)

			out := mustRun(t, runDraw, "show", ids, "--db", dsn)
			for _, want := range []string{"2026年第四季度公众号抽查", "公开种子-42", inspect.Algorithm, "10%", "公众号", "支队", "检查员"} {
				if !strings.Contains(out, want) {
					t.Errorf("show output lacks %q:\n%s", want, out)
				}
			}
			// The id may also follow the flags.
			out = mustRun(t, runDraw, "verify", "--db", dsn, ids)
			if !strings.Contains(out, "复核结果:一致") {
				t.Fatalf("verify of an untouched draw:\n%s", out)
			}

			storetest.Must(t, exec1(db, `UPDATE inspection_draws SET result_json = replace(result_json, '"drawn":2', '"drawn":3') WHERE id = $1`, id))
			out, err := run(t, runDraw, "verify", ids, "--db", dsn)
			if err == nil || !strings.Contains(out, "复核结果:不一致") || !strings.Contains(out, "层不同") {
				t.Fatalf("verify of a tampered draw: err %v\n%s", err, out)
			}

			// Through main: a difference is exit status 1.
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), mainArgsEnv+"="+strings.Join([]string{"draw", "verify", ids, "--db", dsn}, "\x1f"))
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			var ee *exec.ExitError
			if err := cmd.Run(); !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(stdout.String(), "不一致") ||
				!strings.Contains(stderr.String(), "jianfu draw: ") {
				t.Errorf("main: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
			}
		})
	}
	t.Run("usage", func(t *testing.T) {
		dsn := tmpDB(t)
		for _, c := range []struct {
			args []string
			want string
		}{
			{nil, "draw verify ID"},
			{[]string{"redo", "1"}, "draw verify ID"},
			{[]string{"verify"}, "draw verify ID"},
			{[]string{"verify", "1", "2", "--db", dsn}, "draw verify ID"},
			{[]string{"verify", "x", "--db", dsn}, "应为正整数"},
			{[]string{"show", "99", "--db", dsn}, "抽取记录 99 不存在"},
		} {
			if _, err := run(t, runDraw, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("draw %v: %v, want an error mentioning %q", c.args, err, c.want)
			}
		}
	})
}
