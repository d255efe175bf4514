// Package activitytest builds the small hand-made directory that the activity and burden tests
// ingest into: a 总队 with one 支队 and one 站, six people, four groups, an app and an account.
package activitytest

import (
	"context"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/store"
)

// Bureau is the hand-built directory of these tests: a 总队 with one 支队 and one 站; four
// people; two groups (G1: 甲 乙 丙 and an outsider; G2: 乙 丁); an app and an account.
type Bureau struct {
	Corps, Det, Station int64
	P                   map[string]int64 // by 工号
	G1, G2              int64
	App, Account        int64
}

// Build inserts the directory into a migrated, empty database.
func Build(t *testing.T, db *store.DB) Bureau {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	b := Bureau{P: map[string]int64{}}
	exec := func(q string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := db.QueryRowContext(ctx, q+" RETURNING id", args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	unit := func(code, name, kind string, parent int64, parentPath string) (int64, string) {
		var p any
		if parent != 0 {
			p = parent
		}
		id := exec(`INSERT INTO units (code, name, kind, parent_id, path, created_at, updated_at) VALUES ($1, $2, $3, $4, '', $5, $5)`,
			code, name, kind, p, now)
		path := parentPath + "/" + Itoa(id) + "/"
		if parentPath != "" {
			path = parentPath + Itoa(id) + "/"
		}
		if _, err := db.ExecContext(ctx, `UPDATE units SET path = $1 WHERE id = $2`, path, id); err != nil {
			t.Fatal(err)
		}
		return id, path
	}
	var corpsPath, detPath string
	b.Corps, corpsPath = unit("C", "四川省消防救援总队", "corps", 0, "")
	b.Det, detPath = unit("D", "成都市消防救援支队", "detachment", b.Corps, corpsPath)
	b.Station, _ = unit("S", "春熙路消防救援站", "station", b.Det, detPath)
	for _, p := range []struct {
		code, name string
		unit       int64
	}{{"P1", "甲", b.Det}, {"P2", "乙", b.Det}, {"P3", "丙", b.Station}, {"P4", "丁", b.Station}, {"P5", "同名", b.Station}, {"P6", "同名", b.Station}} {
		b.P[p.code] = exec(`INSERT INTO people (code, name, unit_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)`, p.code, p.name, p.unit, now)
	}
	asset := func(code, kind, name string, unit int64) int64 {
		return exec(`INSERT INTO assets (code, kind, name, platform, unit_id, status, created_at, updated_at)
			VALUES ($1, $2, $3, '微信', $4, 'active', $5, $5)`, code, kind, name, unit, now)
	}
	b.G1 = asset("GRP-000001", "group", "支队工作群", b.Det)
	b.G2 = asset("GRP-000002", "group", "站务群", b.Station)
	asset("GRP-000003", "group", "重名群", b.Station)
	asset("GRP-000004", "group", "重名群", b.Station)
	for _, g := range []int64{b.G1, b.G2} {
		if _, err := db.ExecContext(ctx, `INSERT INTO group_details (asset_id, member_count) VALUES ($1, 0)`, g); err != nil {
			t.Fatal(err)
		}
	}
	member := func(g int64, person string) {
		if person[0] == 'P' {
			exec(`INSERT INTO group_members (group_id, person_id) VALUES ($1, $2)`, g, b.P[person])
		} else {
			exec(`INSERT INTO group_members (group_id, external_name) VALUES ($1, $2)`, g, person)
		}
	}
	member(b.G1, "P1")
	member(b.G1, "P2")
	member(b.G1, "P3")
	member(b.G1, "外部人员")
	member(b.G2, "P2")
	member(b.G2, "P4")
	b.App = asset("APP-0001", "app", "消防打卡通", b.Det)
	if _, err := db.ExecContext(ctx, `INSERT INTO app_details (asset_id, target_count, mandatory) VALUES ($1, 100, TRUE)`, b.App); err != nil {
		t.Fatal(err)
	}
	b.Account = asset("ACC-0001", "account", "成都消防", b.Det)
	if _, err := db.ExecContext(ctx, `INSERT INTO account_details (asset_id, handle) VALUES ($1, 'cdxf119')`, b.Account); err != nil {
		t.Fatal(err)
	}
	return b
}

// Itoa formats an id for paths and messages.
func Itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
